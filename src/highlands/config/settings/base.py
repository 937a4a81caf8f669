"""Settings for every environment, driven by environment variables.

``DATABASE_URL`` (default: SQLite in ``var/highlands.sqlite3``), ``SECRET_KEY``, ``DEBUG``,
``ALLOWED_HOSTS``, ``HIGHLANDS_VAR_DIR``.  ``production.py`` only tightens transport security.
"""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _find_var_dir() -> Path:
    if "HIGHLANDS_VAR_DIR" in os.environ:
        return Path(os.environ["HIGHLANDS_VAR_DIR"]).resolve()
    # A source checkout keeps its state next to the code; an installed package in the cwd.
    checkout = PACKAGE_DIR.parents[1]
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    return Path.cwd() / "var"


VAR_DIR = _find_var_dir()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    if env_bool("HIGHLANDS_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment.")
    # Local installs get a random key generated once and kept outside the code.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "highlands.accounts",  # before allauth: its templates put allauth's pages in the portal
    "allauth",
    "allauth.account",
    "django.contrib.sitemaps",
    "csp",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "highlands.ecosystem",
    "highlands.notifications",
    "highlands.ingest",
    "highlands.web",
    "highlands.audit",
    "highlands.workspace",
    "highlands.ops",
    "highlands.search",
    "highlands.marketplace",
    "highlands.meetings",
    "highlands.analytics",
    "highlands.funding",
    "highlands.events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "highlands.accounts.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "highlands.web.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "highlands.config.urls"
WSGI_APPLICATION = "highlands.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "highlands.notifications.context_processors.unread",
            ],
        },
    },
]


def database_config(url: str) -> dict[str, Any]:
    """Turn a ``DATABASE_URL`` into Django's DATABASES entry, tuned per engine."""
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # Writers take the lock at BEGIN and wait up to `timeout` s instead of failing
            # half-way with "database is locked"; WAL lets readers run beside one writer.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            ),
        }
    return config


DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'highlands.sqlite3'}"
DATABASES = {"default": database_config(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# -- accounts (django-allauth), permissions (django-rules), password hashing
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "workspace:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "web:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Sign-up leads somewhere: confirming the e-mail address (in the browser that signed up) signs
# the person in and returns them to the page they came from (``next``, kept through sign-up
# and verification), else to "register or claim your organisation".
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_REDIRECT_URL = "workspace:onboarding"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Highlands] "
# Failed sign-ins: at most 100 per account (the submitted e-mail) per hour — past that the
# account is refused — and 30 per client address per 10 minutes — past that a right password
# also needs a code e-mailed to the account, so a shared address never locks others out
# (accounts/adapter.py).  Sign-in requests of any outcome: 30 per address per minute
# (allauth's flood limit, which spares the Argon2 CPU).  The other allauth actions keep
# allauth's defaults.  Limits count in CACHES.
ACCOUNT_ADAPTER = "highlands.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": os.environ.get("HIGHLANDS_LOGIN_REQUEST_LIMIT", "30/m/ip"),
    "login_failed": os.environ.get("HIGHLANDS_LOGIN_FAILED_LIMIT", "100/h/key"),
    "login_failed_ip": os.environ.get("HIGHLANDS_LOGIN_FAILED_IP_LIMIT", "30/10m/ip"),
}
# Behind a reverse proxy every request arrives from the proxy's address.  Say how many
# proxies you run that append to X-Forwarded-For (nginx: ``proxy_set_header X-Forwarded-For
# $proxy_add_x_forwarded_for``), or the header a single proxy sets to the client's address,
# so the per-address limit counts clients, not the proxy.  Trust no more proxies than you
# run: a client can write X-Forwarded-For itself.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("HIGHLANDS_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("HIGHLANDS_TRUSTED_CLIENT_IP_HEADER") or None
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Highlands <noreply@localhost>")

# -- GDPR retention (days); `highlands retention` deletes what is older.
HIGHLANDS_AUDIT_RETENTION_DAYS = int(os.environ.get("HIGHLANDS_AUDIT_RETENTION_DAYS", "730"))
HIGHLANDS_INVITATION_RETENTION_DAYS = int(
    os.environ.get("HIGHLANDS_INVITATION_RETENTION_DAYS", "30")
)
HIGHLANDS_INVITATION_VALID_DAYS = int(os.environ.get("HIGHLANDS_INVITATION_VALID_DAYS", "14"))
HIGHLANDS_INACTIVE_ACCOUNT_RETENTION_DAYS = int(
    os.environ.get("HIGHLANDS_INACTIVE_ACCOUNT_RETENTION_DAYS", "1095")
)

# -- Permissions-Policy (accounts.middleware); the CSP is django-csp's, below.
HIGHLANDS_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("pl", "Polski")]
# Compiled catalogues (.mo) are committed, so no gettext binary is needed at run time.
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "highlands.web.storage.ManifestWhenCollectedStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Until `collectstatic` has written its manifest (a development server right after `migrate`),
# WhiteNoise serves static files straight from the apps (web/storage.py); in DEBUG it also
# notices files that change while the server runs.
STATIC_COLLECTED = (STATIC_ROOT / "staticfiles.json").exists()
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_COLLECTED
WHITENOISE_AUTOREFRESH = DEBUG

# Security defaults that hold everywhere; production.py adds HTTPS-only transport.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_SAVE_EVERY_REQUEST = True  # the session expires after 8 h of inactivity
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): every asset is served from this origin; the only
# inline <script> blocks are JSON-LD data, which carry the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Uploaded files (funding evidence) are private: no MEDIA_URL serves them; a view that checks
# the permission hands each one out.
MEDIA_ROOT = VAR_DIR / "media"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Largest file `highlands import` accepts, in bytes.
HIGHLANDS_IMPORT_MAX_BYTES = int(
    os.environ.get("HIGHLANDS_IMPORT_MAX_BYTES", str(50 * 1024 * 1024))
)
# An XLSX is a zip: the most its members may unpack to in total, and how many times its
# packed size one member (over 1 MiB) may unpack to.  Checked before any XML is parsed.
HIGHLANDS_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("HIGHLANDS_IMPORT_MAX_UNPACKED_BYTES", str(256 * 1024 * 1024))
)
HIGHLANDS_IMPORT_MAX_COMPRESSION_RATIO = float(
    os.environ.get("HIGHLANDS_IMPORT_MAX_COMPRESSION_RATIO", "100")
)
# Most data rows one table file (CSV, XLSX, JSON) may hold.
HIGHLANDS_IMPORT_MAX_ROWS = int(os.environ.get("HIGHLANDS_IMPORT_MAX_ROWS", "200000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Search (docs/decisions/0001-search-engine.md): index files live here, one folder per database;
# HIGHLANDS_SEARCH_SYNC drains the reindex outbox right after each commit (else run
# `highlands search-index drain`).
HIGHLANDS_SEARCH_DIR = Path(os.environ.get("HIGHLANDS_SEARCH_DIR", str(VAR_DIR / "search")))
HIGHLANDS_SEARCH_SYNC = env_bool("HIGHLANDS_SEARCH_SYNC", True)
HIGHLANDS_SEARCH_PRELOAD = env_bool("HIGHLANDS_SEARCH_PRELOAD", False)
HIGHLANDS_SEARCH_ENCODER_THREADS = int(os.environ.get("HIGHLANDS_SEARCH_ENCODER_THREADS", "1"))
# Encoder worker processes for a full rebuild of at least HIGHLANDS_SEARCH_BUILD_POOL_MIN
# records (default: one per CPU; 0 or 1 encodes in the rebuilding process).
HIGHLANDS_SEARCH_BUILD_WORKERS = int(
    os.environ.get("HIGHLANDS_SEARCH_BUILD_WORKERS", str(os.cpu_count() or 1))
)
HIGHLANDS_SEARCH_BUILD_POOL_MIN = int(os.environ.get("HIGHLANDS_SEARCH_BUILD_POOL_MIN", "5000"))
