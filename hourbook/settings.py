"""Hourbook settings: one file, read from the environment.

DATABASE_URL picks PostgreSQL (production); without it the embedded SQLite database is used.
With DEBUG off, a missing SECRET_KEY stops start-up.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from hourbook.common.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

DEBUG = env_bool("DEBUG", default=not env_bool("HOURBOOK_PRODUCTION", False))
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-hourbook"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "hourbook.accounts.admin_site.AdminConfig",  # django.contrib.admin without its own login page
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "captcha",
    "ninja",  # serves the API docs' Swagger UI from our static files, not a CDN (issue 14)
    "hourbook.common",
    "hourbook.org",
    "hourbook.accounts",
    "hourbook.audit",
    "hourbook.notifications",
    "hourbook.jobs",
    "hourbook.policy",
    "hourbook.ledger",
    "hourbook.review",
    "hourbook.roster",
    "hourbook.training",
    "hourbook.courses",
    "hourbook.reports",
    "hourbook.api",
    "hourbook.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hourbook.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hourbook.urls"
WSGI_APPLICATION = "hourbook.wsgi.application"
ASGI_APPLICATION = "hourbook.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hourbook" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "hourbook.accounts.context_processors.roles",
            ],
        },
    },
]

# Data: SQLite embedded by default; DATABASE_URL (postgres://...) for production.
_db_url = env_str("DATABASE_URL")
if _db_url:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
if env_str("DATABASE_TEST_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("DATABASE_TEST_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["hourbook.accounts.backends.AccountBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ledger:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login lockout (DOMAIN.md, Login): the counter lives in the database, so every app server agrees.
# Failures count per resolved account (username or ARP number alike) and, looser, per client address
# (a whole institute may sit behind one address). Checked in accounts.backends for every authenticate().
LOGIN_MAX_FAILURES = 5
LOGIN_ADDRESS_MAX_FAILURES = env_int("LOGIN_ADDRESS_MAX_FAILURES", 30)
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
LOGIN_LOCK_SECONDS = 15 * 60
# Behind the shipped nginx site, which always overwrites X-Real-IP, the client address comes from it.
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP", False)
# The login's image captcha (django-simple-captcha; one try per image, accounts.captcha).
# Only test settings may bypass it.
CAPTCHA_BYPASS = TESTING and not env_bool("HOURBOOK_TEST_CAPTCHA", False)
CAPTCHA_CHALLENGE_FUNCT = "hourbook.accounts.captcha.challenge"
CAPTCHA_TIMEOUT = 5  # minutes
CAPTCHA_IMAGE_SIZE = (120, 44)
CAPTCHA_FONT_SIZE = 26
CAPTCHA_LETTER_ROTATION = (-15, 15)
CAPTCHA_FOREGROUND_COLOR = "#1d3a72"
CAPTCHA_BACKGROUND_COLOR = "#f5f7fa"
CAPTCHA_NOISE_FUNCTIONS = ("captcha.helpers.noise_dots",)
CAPTCHA_2X_IMAGE = False
# A bold face reads better than simple-captcha's bundled Vera, which stays the fallback.
_CAPTCHA_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
if _CAPTCHA_FONT.exists():
    CAPTCHA_FONT_PATH = str(_CAPTCHA_FONT)

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 8 * 3600

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "hourbook" / "locale"]
TIME_ZONE = "Asia/Shanghai"  # the academy's time zone; year-end rules read 31 December here
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "hourbook" / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media-private/"  # never served publicly; see ledger.views.evidence_download
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In production nginx serves private files after the app checked access (X-Accel-Redirect).
PRIVATE_FILES_ACCEL_PREFIX = env_str("PRIVATE_FILES_ACCEL_PREFIX", "")

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Platform courses (第九条四): a playing lesson reports every interval; a gap longer than interval + grace
# earns nothing; a lesson file may be this large (streamed to a temporary file while uploaded).
COURSES_REPORT_INTERVAL = env_int("COURSES_REPORT_INTERVAL", 20)
COURSES_REPORT_GRACE = env_int("COURSES_REPORT_GRACE", 15)
COURSES_UPLOAD_MAX_BYTES = env_int("COURSES_UPLOAD_MAX_BYTES", 2 * 1024 * 1024 * 1024)

TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING and not env_bool("HOURBOOK_TEST_DB_TASKS", False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# Background jobs: a running job beats a heartbeat; one silent this long lost its worker and is re-queued.
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 60)

# Production hardening (checked by `manage.py check --deploy` in the tests).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy, on in development and the tests too, so the browser tests and the demo run under the
# policy production sends. Scripts and styles come only from the app's own static files (plus a <script> or
# <style> carrying the request's nonce: base.html puts it on its scripts); no 'unsafe-inline' or 'unsafe-eval',
# no style="" attributes (templates use classes; ECharts and Bootstrap style elements through the DOM, which
# CSP allows). data: images are Bootstrap's inline SVG icons (select arrow, close button, navbar toggler).
# Only the evidence view is framed, by the review page, and sends its own header with frame-ancestors 'self'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO" if not TESTING else "WARNING")},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
    MEDIA_ROOT = Path(os.environ.get("HOURBOOK_TEST_MEDIA", "/tmp/hourbook-test-media"))
