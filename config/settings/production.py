"""Production settings: every secret and host comes from the environment, HTTPS only."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES["default"] = env.db("DATABASE_URL")  # noqa: F405
# SQLite is the zero-setup development default only: its lock triggers can be
# switched off by deleting one row, and it has no least-privilege roles.
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":  # noqa: F405
    raise ImproperlyConfigured(
        "Production runs on PostgreSQL: set DATABASE_URL to a postgres:// URL."
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = True  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405

# SEALING
# ------------------------------------------------------------------------------
# Each clinic's document-signing certificate (PKCS#12) seals its notes:
# <PERFNOTE_SEAL_DIR>/<seal name>.p12, each opened with its own
# PERFNOTE_SEAL_PASSPHRASE_<SEAL NAME> (base.py reads those). Production names
# the folder, and has no shared development passphrase and makes no
# certificate: a clinic without its own cannot sign, and says why.
PERFNOTE_SEAL_DIR = env.path("PERFNOTE_SEAL_DIR")
PERFNOTE_SEAL_DEV_PASSPHRASE = None
PERFNOTE_SEAL_CREATE_MISSING = False

# STATIC
# ------------------------------------------------------------------------------
# `manage.py collectstatic` gathers files here; WhiteNoise serves them.
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")  # noqa: F405

# SECURITY
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/6.1/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
