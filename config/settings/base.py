"""Settings shared by every environment; anything that differs comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()

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
]
LOCAL_APPS = [
    "clinic",
    "assessments",
    "billing",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

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
    "clinic.middleware.ClinicTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it says why a user was logged out.
    "clinic.middleware.IdleTimeoutMiddleware",
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
# Signed notes are sealed (PAdES) with this PKCS#12; `manage.py
# create_seal_certificate` writes a self-signed one. Production sets both.
PERFNOTE_SEAL_PKCS12 = env.path(
    "PERFNOTE_SEAL_PKCS12", default=BASE_DIR / "var" / "seal" / "dev-seal.p12"
)
PERFNOTE_SEAL_PASSPHRASE = env("PERFNOTE_SEAL_PASSPHRASE", default="perfnote-dev-seal")

# CLAIMS
# ------------------------------------------------------------------------------
# The 837P envelope: the interchange IDs the clearinghouse gave the clinic and
# itself (ISA06/ISA08, GS02/GS03, loops 1000A/1000B), and T (test) until the
# clearinghouse accepts production files.
PERFNOTE_X12_SENDER_ID = env("PERFNOTE_X12_SENDER_ID", default="PERFNOTE")
PERFNOTE_X12_RECEIVER_ID = env("PERFNOTE_X12_RECEIVER_ID", default="CLEARINGHOUSE")
PERFNOTE_X12_RECEIVER_NAME = env("PERFNOTE_X12_RECEIVER_NAME", default="CLEARINGHOUSE")
PERFNOTE_X12_USAGE = env("PERFNOTE_X12_USAGE", default="T")
