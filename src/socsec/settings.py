"""Django settings. Embedded default: SQLite file and data dir under ./var (SOCSEC_VAR_DIR).
PostgreSQL 15 when DATABASE_URL is set (postgresql://user:pass@host:port/name)."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SOCSEC_VAR_DIR", Path.cwd() / "var")).resolve()
DATA_DIR = VAR_DIR / "data"


def _secret_key() -> str:
    if key := os.environ.get("SOCSEC_SECRET_KEY"):
        return key
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if path.exists() and not path.read_text().strip():
        path.unlink()  # left empty by a crash: make a new one
    if not path.exists():  # written whole under a private name, then linked: never read half-written
        fd, tmp = tempfile.mkstemp(dir=VAR_DIR, prefix=".secret_key.")
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # fails if another process got there first; its key wins
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


def _database(url: str | None) -> dict[str, object]:
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SOCSEC_SQLITE_PATH", str(VAR_DIR / "socsec.sqlite3")),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use postgresql://)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("SOCSEC_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("SOCSEC_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "socsec.core",
    "socsec.accounts",
    "socsec.audit",
    "socsec.registry",
    "socsec.coverage",
    "socsec.contributions",
    "socsec.pension_accounts",
    "socsec.ledger",
    "socsec.benefits",
    "socsec.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "socsec.web.middleware.AccessRefusalMiddleware",
]

ROOT_URLCONF = "socsec.urls"
WSGI_APPLICATION = "socsec.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"  # Django would otherwise render registration/logged_out.html, which we do not ship

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": _database(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SOCSEC_LOG_LEVEL", "WARNING")},
}

# Limits of one order batch, checked before it is parsed (README "Order batches"). A day of the largest
# platform (about 1.3 million orders, about 200 MB as JSON lines) fits in one batch.
ORDERS_MAX_BYTES = int(os.environ.get("SOCSEC_ORDERS_MAX_BYTES", 256 * 1024 * 1024))
ORDERS_MAX_ROWS = int(os.environ.get("SOCSEC_ORDERS_MAX_ROWS", 2_000_000))
ORDERS_MAX_STORED_ERRORS = int(os.environ.get("SOCSEC_ORDERS_MAX_STORED_ERRORS", 1000))
