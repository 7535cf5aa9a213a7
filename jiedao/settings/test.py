from . import *  # noqa: F403
from . import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Links in emails do not follow the PORT of whoever runs the tests.
JIEDAO_PUBLIC_URL = "http://127.0.0.1:8000"

HUEY = {"huey_class": "huey.MemoryHuey", "name": "jiedao-test", "immediate": True, "utc": True}
# One cache per test process (each xdist worker its own), emptied before every test (conftest).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than memory, so the tests that start real processes (servers, a worker they kill)
    # can open the same database; pytest-django adds each xdist worker's suffix.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-jiedao.sqlite3")}  # noqa: F405
