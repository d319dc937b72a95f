"""With these settings, tests run faster."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="perfnote-test-only-secret-key")
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEMPLATES[0]["OPTIONS"]["debug"] = True  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Serve static files from the apps through WhiteNoise, as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The suite seals notes with throw-away certificates of its own, one per test
# clinic, made when the clinic first seals; never with a developer's.
PERFNOTE_SEAL_DIR = BASE_DIR / "var" / "seal" / "test"  # noqa: F405
PERFNOTE_SEAL_PASSPHRASES = {}
PERFNOTE_SEAL_DEV_PASSPHRASE = "perfnote-test-seal"  # noqa: S105
PERFNOTE_SEAL_CREATE_MISSING = True
# Files the suite stores (claim exports) live in memory, never in media/.
STORAGES["default"] = {  # noqa: F405
    "BACKEND": "django.core.files.storage.InMemoryStorage"
}
# Tasks run where they are enqueued, so a test sees their effect at once.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
