"""Jiedao settings, read from the environment (see .env.example)."""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(envstr("JIEDAO_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_SECRET_KEY = "dev-only-not-secret"
SECRET_KEY = envstr("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = envbool("DEBUG", False)
PRODUCTION = envbool("JIEDAO_PRODUCTION", False)
if PRODUCTION and (DEBUG or SECRET_KEY == DEFAULT_SECRET_KEY):
    raise ImproperlyConfigured("Production refuses to start with DEBUG on or the default SECRET_KEY.")

# Residents' contact data is encrypted at rest with these Fernet keys (jiedao/privacy/crypto.py): the
# first encrypts, all decrypt. Development derives one from SECRET_KEY; production must set them.
JIEDAO_CONTACT_KEYS = envlist("JIEDAO_CONTACT_KEYS", "")
if not JIEDAO_CONTACT_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("Production refuses to start without JIEDAO_CONTACT_KEYS (see .env.example).")
    from jiedao.privacy.crypto import derived_development_key

    JIEDAO_CONTACT_KEYS = [derived_development_key(SECRET_KEY)]

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:{0},http://localhost:{0}".format(
    envint("PORT", 8000)))

INSTALLED_APPS = [
    # Django's admin on Jiedao's site: one sign-in door (with the second factor) and every change logged.
    "jiedao.admin_site.JiedaoAdminConfig",
    # Before django.contrib.auth: its createsuperuser (password rules, no bypass) takes precedence.
    "jiedao.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "jiedao.audit",
    "jiedao.privacy",
    "jiedao.backup",
    "jiedao.jobs",
    "jiedao.territory",
    "jiedao.catalogue",
    "jiedao.worktime",
    "jiedao.cases",
    "jiedao.addresses",
    "jiedao.checklists",
    "jiedao.inspections",
    "jiedao.rivers",
    "jiedao.supervision",
    "jiedao.evaluation",
    "jiedao.accountability",
    "jiedao.campaigns",
    "jiedao.duties",
    "jiedao.benchmarks",
    "jiedao.assets",
    "jiedao.greening",
    "jiedao.soil",
    "jiedao.waste",
    "jiedao.air",
    "jiedao.projects",
    "jiedao.api",
    "jiedao.field",
    "jiedao.open311",
    "jiedao.portal",
    "jiedao.web",
    "jiedao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads a body: refuses an oversized one from its Content-Length (with the security
    # headers above), and runs the public pages' rate limits before CSRF or a view parses an upload.
    "jiedao.web.bounds.RequestBoundsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jiedao.web.errors.BadParameterMiddleware",  # a bad query parameter: a 400 that says which
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jiedao.accounts.middleware.IdleSessionMiddleware",
    "jiedao.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused for a lockout into the page that says so (accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

# ---------------------------------------------------------------- transport and headers (入侵防范)
# In production the site is served over HTTPS only. TLS ends at the proxy in front (nginx), which
# must pass the scheme on: `proxy_set_header X-Forwarded-Proto $scheme;` (and overwrite any such
# header a client sent), so that Django knows the request was secure. ARCHITECTURE.md, "Running it".
if PRODUCTION:
    _proxy_header = envstr("JIEDAO_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO")
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https") if _proxy_header else None
    SECURE_SSL_REDIRECT = envbool("JIEDAO_SSL_REDIRECT", True)
    # HSTS: a year, subdomains included, preload-ready (JIEDAO_HSTS_SECONDS=0 switches it off).
    SECURE_HSTS_SECONDS = envint("JIEDAO_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("JIEDAO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("JIEDAO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Cookies: the session is HttpOnly and same-site; the CSRF cookie is read by the field app's
# outbox script (it sends the token in X-CSRFToken), so it cannot be HttpOnly.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

ROOT_URLCONF = "jiedao.urls"
# A CSRF refusal answers JSON to the JSON endpoints and fetch() callers, the translated page otherwise.
CSRF_FAILURE_VIEW = "jiedao.web.errors.csrf_failure"
WSGI_APPLICATION = "jiedao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jiedao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jiedao.web.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiedao.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock up front so
    # two concurrent transitions queue instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:inbox"
LOGOUT_REDIRECT_URL = "web:login"

# 身份鉴别 (GB/T 22239-2019 8.1.4.1). Password rules, applied wherever a password is set; the
# minimum length is the office's (SignInPolicy), never below 8.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "full_name", "phone", "email")}},
    {"NAME": "jiedao.accounts.validators.PolicyMinimumLengthValidator"},
    {"NAME": "jiedao.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "jiedao.accounts.validators.UsernameNotContainedValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The lockout check comes first and refuses a locked account or address before any password is tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockouts (django-axes): failures are counted per account and per address; the limits and the
# duration are the office's SignInPolicy, read by accounts/lockout.py.
AXES_HANDLER = "jiedao.accounts.lockout.SignInLockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = 1  # the handler answers how many of the policy's limits are reached
AXES_COOLOFF_TIME = "jiedao.accounts.lockout.lockout_duration"
AXES_LOCKOUT_CALLABLE = "jiedao.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "jiedao.audit.services.request_address"
# A lockout ends at a known time (the page says when); failures while locked do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True  # consecutive failures: a right password starts the count again
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the security log (jiedao.audit)
AXES_ENABLE_ADMIN = False  # accounts/admin.py shows attempts and unlocks with a logged action
AXES_VERBOSE = False
# The session: ended after the office's idle time (SignInPolicy, enforced by
# accounts/middleware.py) and in any case after this many seconds (a working day).
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 60 * 60)
# Time-based one-time passwords (django-otp): the name the authenticator app shows.
OTP_TOTP_ISSUER = envstr("JIEDAO_OTP_ISSUER", "Jiedao")

LANGUAGE_CODE = envstr("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "jiedao" / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "jiedao" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
# Where `manage.py backup` puts its folders (ARCHITECTURE.md, "Backups"): a disk of its own in production.
JIEDAO_BACKUP_DIR = Path(envstr("JIEDAO_BACKUP_DIR", str(VAR_DIR / "backups")))

if envstr("S3_BUCKET", ""):
    DEFAULT_FILE_STORAGE_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": envstr("S3_BUCKET", ""),
            "endpoint_url": envstr("S3_ENDPOINT_URL", "") or None,
            "access_key": envstr("S3_ACCESS_KEY", ""),
            "secret_key": envstr("S3_SECRET_KEY", ""),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
else:
    DEFAULT_FILE_STORAGE_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_FILE_STORAGE_BACKEND,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploads: photos are checked by content in cases/photos.py; these are the outer limits (the number
# of photos per submission is data: CasePolicy.photos_per_request). A request body over
# JIEDAO_REQUEST_MAX_BYTES is refused with 413 from its Content-Length, before a byte of it is read
# (web/bounds.py); nginx's client_max_body_size should say the same (ARCHITECTURE.md, Deployment).
JIEDAO_PHOTO_MAX_BYTES = envint("JIEDAO_PHOTO_MAX_BYTES", 15 * 1024 * 1024)
JIEDAO_REQUEST_MAX_BYTES = envint("JIEDAO_REQUEST_MAX_BYTES", 40 * 1024 * 1024)
# The most pixels a photo is decoded at: 4096 × 4096 ≈ 16.8 MP holds a phone's usual 12 MP
# (4032 × 3024) and 16 MP (4608 × 3456) photos. A larger JPEG (a 48/50/108 MP sensor's full
# resolution) is decoded at 1/2, 1/4 or 1/8 scale to fit (JPEG draft mode); any other format larger
# than this is refused from its header, before decoding. One decoded photo then costs ≤ 64 MiB.
JIEDAO_PHOTO_MAX_PIXELS = envint("JIEDAO_PHOTO_MAX_PIXELS", 4096 * 4096)
# Evidence for a benchmark criterion (jiedao/benchmarks/evidence_files.py): each file and how many at once.
JIEDAO_EVIDENCE_FILE_MAX_BYTES = envint("JIEDAO_EVIDENCE_FILE_MAX_BYTES", 10 * 1024 * 1024)
JIEDAO_EVIDENCE_FILES_PER_SUBMISSION = envint("JIEDAO_EVIDENCE_FILES_PER_SUBMISSION", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields and JSON bodies (files not counted): Django's default
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # a larger uploaded file is spooled to a temporary file

# Map: tile URL template; empty means no base layer (closed networks): the grid polygons still draw.
# At most this many steps (case × step) are recorded by one sweep; a backlog (the first run, a
# worker that was down) is caught up over the next minutes, the most overdue cases first.
JIEDAO_ESCALATION_BATCH = envint("JIEDAO_ESCALATION_BATCH", 10_000)
# The address people reach the site at: every link in an email or a group-chat message (residents'
# notices and confirmations, escalation messages to staff). In development it defaults to the address
# `make run` serves on (PORT); `check --deploy` warns when production has not set it (jobs.W002).
DEV_PORT = envint("PORT", 8000)
JIEDAO_PUBLIC_URL = envstr("JIEDAO_PUBLIC_URL", f"http://127.0.0.1:{DEV_PORT}")
# Email (escalations, residents' notices): SMTP in production, the console in development.
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
                       if not PRODUCTION else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "jiedao@localhost")
# The office's base map, if it has one (README, "Maps"): one or more Leaflet URL templates separated by
# spaces, drawn in order (e.g. 天地图's vec_w and its labels cva_w, with the key as tk=…); {s} takes
# one of JIEDAO_TILE_SUBDOMAINS. Without one, maps draw the register's roads and the grids' names.
JIEDAO_TILE_URL = envstr("JIEDAO_TILE_URL", "")
JIEDAO_TILE_SUBDOMAINS = envstr("JIEDAO_TILE_SUBDOMAINS", "abc")
JIEDAO_TILE_ATTRIBUTION = envstr("JIEDAO_TILE_ATTRIBUTION", "")


def tile_origin(urls: str) -> list[str]:
    """Where the base map's tiles come from, for the policy's img-src: each template's origin, a host
    with {s} in its first label as a wildcard ({s}.tile.example and t{s}.tianditu.gov.cn →
    *.tile.example, *.tianditu.gov.cn)."""
    origins: list[str] = []
    for url in urls.split():
        parts = urlsplit(url)
        host = parts.netloc
        if "{s}" in host.split(".")[0]:
            host = "*." + host.split(".", 1)[1] if "." in host else ""
        if not parts.scheme or not host or "{" in host:
            continue
        origin = f"{parts.scheme}://{host}"
        if origin not in origins:
            origins.append(origin)
    return origins


# Content-Security-Policy (django-csp): scripts and styles from our own static files only, no
# inline script, no inline event handler, no eval (Alpine is its CSP build); pictures also from
# data: and blob: (the field app previews photos before sending) and the map's tile server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *tile_origin(JIEDAO_TILE_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# One cache for every process (server workers and the huey worker): the portal's and Open311's rate
# limits count in it, so a cache per process would make each limit as many times looser as there are
# workers. Redis in production (required: production refuses to start without it, and
# `check --deploy` flags a per-process cache, jobs/checks.py); in development a folder under var/,
# shared by `make run`'s server and worker. (Sign-in lockouts are counted in the database by axes.)
REDIS_URL = envstr("REDIS_URL", "")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured(
        "Production needs REDIS_URL: the rate limits must be counted in a cache all server processes share.")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": envstr("JIEDAO_CACHE_KEY_PREFIX", "jiedao")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache"), "KEY_PREFIX": envstr("JIEDAO_CACHE_KEY_PREFIX", "jiedao"),
                          # culling (at 300 by default) would drop rate-limit counters at random
                          "OPTIONS": {"MAX_ENTRIES": 100_000}}}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# The background worker (huey): an SQLite file by default, so `make run` needs no server; Redis in
# production (REDIS_URL). Start it with `manage.py run_huey`. Tests run tasks eagerly (immediate).
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "jiedao", "url": REDIS_URL,
            "immediate": False, "utc": True}
else:
    HUEY = {"huey_class": "huey.SqliteHuey", "name": "jiedao", "filename": str(VAR_DIR / "huey.sqlite3"),
            "immediate": False, "utc": True}

# Each record is written once: by the root's console handler. Django's own loggers ("django" prints
# through a DEBUG-only console of its own) and huey's (run_huey adds a handler unless one is set) are
# given the same handler and stop there, so nothing reaches the console twice. A refused request
# (4xx) is one line without its traceback (`logfilters.py`).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "[%(asctime)s] %(levelname)s %(name)s: %(message)s"}},
    "filters": {"refusal_without_traceback": {"()": "jiedao.logfilters.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["refusal_without_traceback"]}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING"), "propagate": False},
        "huey": {"handlers": ["console"], "level": envstr("HUEY_LOG_LEVEL", "INFO"), "propagate": False},
    },
}

JIEDAO_SITE_NAME = _("街道人居环境整治平台")
# How many proxies in front of the app set X-Forwarded-For (0: the address is REMOTE_ADDR). The
# security log and the rate limits read the client's address through this (audit.services).
JIEDAO_TRUSTED_PROXY_COUNT = envint("JIEDAO_TRUSTED_PROXY_COUNT", 0)
