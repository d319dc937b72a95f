"""Settings shared by every environment; anything that differs comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()
# PERFNOTE_SEAL_PASSPHRASE_RIVERSIDE holds the passphrase of the seal named riverside.
SEAL_PASSPHRASE_VARIABLE_PREFIX = "PERFNOTE_SEAL_PASSPHRASE_"  # noqa: S105 (a name)

if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    # OS environment variables take precedence over values in .env.
    env.read_env(str(BASE_DIR / ".env"))

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/6.1/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Stored datetimes are UTC; each request shows them in its clinic's time zone.
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True

# DATABASES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/6.1/ref/settings/#databases
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Each request is one transaction that reads, then writes its audit event.
    # SQLite's default (deferred) transaction cannot wait to upgrade a read to
    # a write while another request writes: it fails at once with "database
    # is locked", which is what the chart images of one page, asked for
    # together, got from `make run`. IMMEDIATE takes the write lock at BEGIN
    # and waits up to `timeout` seconds for it, so requests take turns.
    # https://docs.djangoproject.com/en/6.1/ref/databases/#sqlite-transaction-behavior
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", timeout=20
    )
# https://docs.djangoproject.com/en/6.1/ref/settings/#default-auto-field
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# URLS
# ------------------------------------------------------------------------------
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    # Bootstrap's CSS and JS, installed from PyPI (django-bootstrap-static).
    "bootstrap",
    # Background tasks stored in the database, run by `manage.py db_worker`.
    "django_tasks_db",
    # Counts failed password prompts and locks a username out (django-axes).
    "axes",
    # The TOTP second factor of clinics that require one (django-otp).
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Each save of a patient, plan of care or payer keeps the row as it was,
    # with the user who saved it (django-simple-history).
    "simple_history",
]
LOCAL_APPS = [
    "clinic",
    "assessments",
    "billing",
]
# clinic comes first of all for its management commands to win over Django's:
# its createsuperuser checks a --noinput password against the validators too.
INSTALLED_APPS = [
    "clinic",
    *DJANGO_APPS,
    *THIRD_PARTY_APPS,
    *(app for app in LOCAL_APPS if app != "clinic"),
]

# AUTHENTICATION
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/6.1/ref/settings/#login-url
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Axes comes first: it refuses a locked-out username before any password is
# checked. The clinic backend loads the user with their clinic: two queries per
# signed-in request, not four.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "clinic.auth.ClinicUserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# LOGIN THROTTLING
# ------------------------------------------------------------------------------
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
# Every password prompt (login, admin login, the re-entry at signing and at
# addenda) goes through authenticate(), so every one counts: after
# PERFNOTE_LOGIN_FAILURE_LIMIT wrong passwords for one username from one IP
# address, that pair is refused, even the right password, until the cool-off
# has passed or an admin deletes the attempt (admin: Axes → Access attempts).
AXES_FAILURE_LIMIT = env.int("PERFNOTE_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(
    minutes=env.int("PERFNOTE_LOGIN_COOLOFF_MINUTES", default=30)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# No banner of its configuration on every start: `manage.py check` stays quiet.
AXES_VERBOSE = False

# EDIT HISTORY
# ------------------------------------------------------------------------------
# https://django-simple-history.readthedocs.io/en/latest/admin.html
# The history is read-only: no "Revert" button (clinic.admin_history also
# refuses the POST it would send).
SIMPLE_HISTORY_REVERT_DISABLED = True

# SECOND FACTOR
# ------------------------------------------------------------------------------
# https://django-otp-official.readthedocs.io/en/stable/overview.html
# Where the clinic requires it (Clinic.requires_second_factor), a clinician or
# clinic admin types a TOTP code after the password; clinic.middleware keeps
# every other page, the admin's included, from them until they have.
# Authenticator apps show this name beside the account.
OTP_TOTP_ISSUER = "Perfnote"
# After each wrong code the next is refused for 1, 2, 4, 8… seconds.
OTP_TOTP_THROTTLE_FACTOR = 1
# The admin's device pages never show a device's secret once it exists.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# MIDDLEWARE
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/6.1/ref/middleware/#django.contrib.auth.middleware.LoginRequiredMiddleware
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Gives each historical row of an edit the request's user, whichever
    # service saved it.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Puts user.is_verified() on the request: has a second factor been given?
    "django_otp.middleware.OTPMiddleware",
    "clinic.middleware.ClinicTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it says why a user was logged out.
    "clinic.middleware.IdleTimeoutMiddleware",
    # After the idle check: an idle user is logged out, not asked for a code.
    "clinic.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a refused password into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

# Content Security Policy: scripts, styles and everything else only from this
# site, never inline (the pages have no inline script or style), no plugins, no
# framing. Bootstrap's CSS draws its form icons as data: images.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# STATIC
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/6.1/ref/settings/#static-files
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

# TEMPLATES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/6.1/ref/settings/#templates
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # Every template, the admin's too, writes times through the
            # clinic's format: |clock and |stamp (clinic.time_display).
            "builtins": ["clinic.templatetags.clinic_time"],
        },
    }
]
# https://django-crispy-forms.readthedocs.io/en/latest/install.html#template-packs
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# SECURITY
# ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# LOGGING
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    # WeasyPrint reports each rendering step at INFO; only problems matter here.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# TASKS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/6.1/topics/tasks/
# Long work (an export of many notes) is queued in the database and run by
# `manage.py db_worker`, a process of its own (`make run` starts one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# SEALING
# ------------------------------------------------------------------------------
# Each clinic seals its signed notes with its own document-signing certificate:
# the PKCS#12 <PERFNOTE_SEAL_DIR>/<the clinic's seal name>.p12 (admin:
# Clinics), opened with the passphrase in the environment variable
# PERFNOTE_SEAL_PASSPHRASE_<SEAL NAME> (upper case, "-" as "_"), so neither the
# key nor its passphrase is ever in the database. `manage.py
# create_seal_certificate` writes self-signed ones for development.
PERFNOTE_SEAL_DIR = env.path("PERFNOTE_SEAL_DIR", default=BASE_DIR / "var" / "seal")
PERFNOTE_SEAL_PASSPHRASES = {
    name.removeprefix(SEAL_PASSPHRASE_VARIABLE_PREFIX): value
    for name, value in os.environ.items()
    if name.startswith(SEAL_PASSPHRASE_VARIABLE_PREFIX)
}
# Development only: the passphrase of a clinic without a variable of its own.
# Production sets None, so every clinic needs its own.
PERFNOTE_SEAL_DEV_PASSPHRASE = env(
    "PERFNOTE_SEAL_DEV_PASSPHRASE", default="perfnote-dev-seal"
)
# Tests only: make a missing certificate (self-signed) when a clinic first seals.
PERFNOTE_SEAL_CREATE_MISSING = False

# CLAIMS
# ------------------------------------------------------------------------------
# The 837P envelope: the interchange IDs the clearinghouse gave the clinic and
# itself (ISA06/ISA08, GS02/GS03, loops 1000A/1000B), and T (test) until the
# clearinghouse accepts production files.
PERFNOTE_X12_SENDER_ID = env("PERFNOTE_X12_SENDER_ID", default="PERFNOTE")
PERFNOTE_X12_RECEIVER_ID = env("PERFNOTE_X12_RECEIVER_ID", default="CLEARINGHOUSE")
PERFNOTE_X12_RECEIVER_NAME = env("PERFNOTE_X12_RECEIVER_NAME", default="CLEARINGHOUSE")
PERFNOTE_X12_USAGE = env("PERFNOTE_X12_USAGE", default="T")
