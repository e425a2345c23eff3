"""Django settings. Embedded default: SQLite file and data dir under ./var (SOCSEC_VAR_DIR).
PostgreSQL 15 when DATABASE_URL is set (postgresql://user:pass@host:port/name)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

from socsec import deployment
from socsec.core.crypto import keyring_from_env
from socsec.interagency.signing import AgencyConfigurationError, identity_from_env

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
            # kept open between requests: opening one (its PRAGMAs, closing it) cost more than a read
            "CONN_MAX_AGE": 600,
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
        "ENGINE": "socsec.core.postgres",  # Django's, with health checks trusted for a second, prepared reads
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        # the compiled reads and one-row inserts prepared (socsec.core.postgres); 0 for PgBouncer before 1.21
        "PREPARED_STATEMENTS": deployment.env_bool(os.environ, "SOCSEC_PG_PREPARED_STATEMENTS", True),
    }


try:  # HTTPS, hosts and the production profile's requirements (see socsec/deployment.py)
    globals().update(deployment.https_settings(os.environ))
    SESSION_IDLE_SECONDS = deployment.env_int(os.environ, "SOCSEC_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
    API_RATE_LIMIT_PER_TOKEN = deployment.env_int(os.environ, "SOCSEC_API_RATE_PER_TOKEN", 600)
    API_RATE_LIMIT_PER_IP = deployment.env_int(os.environ, "SOCSEC_API_RATE_PER_IP", 300)
    API_RATE_WINDOW_SECONDS = deployment.env_int(os.environ, "SOCSEC_API_RATE_WINDOW_SECONDS", 60, minimum=1)
    API_TOKEN_FAILURES_PER_IP = deployment.env_int(os.environ, "SOCSEC_API_TOKEN_FAILURES_PER_IP", 20)
    API_TOKEN_DAYS = deployment.env_int(os.environ, "SOCSEC_API_TOKEN_DAYS", 90, minimum=1)
    API_TOKEN_LAST_USED_MINUTES = deployment.env_int(os.environ, "SOCSEC_API_TOKEN_LAST_USED_MINUTES", 5)
    # how long a process trusts a key it found live: the bound on a revocation made in another process
    API_TOKEN_CACHE_SECONDS = deployment.env_int(os.environ, "SOCSEC_API_TOKEN_CACHE_SECONDS", 10)
    # how long a request waits for another with the same idempotency key to finish, then replays it
    IDEMPOTENCY_WAIT_SECONDS = deployment.env_int(os.environ, "SOCSEC_IDEMPOTENCY_WAIT_SECONDS", 30, minimum=1)
    LOGIN_FAILURE_LIMIT = deployment.env_int(os.environ, "SOCSEC_LOGIN_FAILURE_LIMIT", 5, minimum=1)
    LOGIN_COOLOFF_MINUTES = deployment.env_int(os.environ, "SOCSEC_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
except deployment.ConfigurationError as exc:
    raise ImproperlyConfigured(str(exc)) from None

SECRET_KEY = _secret_key()
DEBUG = os.environ.get("SOCSEC_DEBUG", "") == "1"

# The personal data encrypted at rest: the production profile refuses to start without its keys
# (SOCSEC_DATA_KEY, SOCSEC_INDEX_KEY; see socsec.core.crypto).
try:
    SOCSEC_PROFILE = deployment.profile(os.environ)
except deployment.ConfigurationError as exc:
    raise ImproperlyConfigured(str(exc)) from None
SOCSEC_FIELD_KEYS = keyring_from_env(os.environ, production=SOCSEC_PROFILE == "production")
# This agency as other SocSec agencies know it, and the Ed25519 key it signs its documents to them with
# (SOCSEC_AGENCY_CODE, _REGION, _BASE_URL, _SIGNING_KEY; see socsec.interagency.signing).
try:
    SOCSEC_AGENCY = identity_from_env(os.environ, production=SOCSEC_PROFILE == "production")
except AgencyConfigurationError as exc:
    raise ImproperlyConfigured(str(exc)) from None
SOCSEC_AGENCY_CODE = SOCSEC_AGENCY.code  # the code transfer documents name this agency by
# Delivery of documents to peer agencies: documents (and bytes) per request, the wait before the first retry (doubled
# per failed attempt up to the longest wait), and how long a peer has to answer (seconds).
SOCSEC_INTERAGENCY: dict[str, Any] = {
    "batch": int(os.environ.get("SOCSEC_INTERAGENCY_BATCH", "200")),
    "request_bytes": 1_000_000,  # under a receiver's DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB)
    "retry_first_seconds": float(os.environ.get("SOCSEC_INTERAGENCY_RETRY_FIRST", "2")),
    "retry_longest_seconds": float(os.environ.get("SOCSEC_INTERAGENCY_RETRY_LONGEST", "600")),
    "timeout_seconds": float(os.environ.get("SOCSEC_INTERAGENCY_TIMEOUT", "60")),
    # a document whose peer answers with an acknowledgement that does not verify or names another document
    # this many times is flagged for an officer instead of tried again
    "flag_after_attempts": int(os.environ.get("SOCSEC_INTERAGENCY_FLAG_AFTER", "8")),
    # more kinds of document to handle (dotted paths of DocumentKind objects, comma-separated), besides
    # those the apps register themselves
    "kinds": [k.strip() for k in os.environ.get("SOCSEC_INTERAGENCY_KINDS", "").split(",") if k.strip()],
}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "socsec.core",
    "socsec.accounts",
    "socsec.usersessions",
    "socsec.audit",
    "socsec.registry",
    "socsec.coverage",
    "socsec.contributions",
    "socsec.employers",
    "socsec.pension_accounts",
    "socsec.ledger",
    "socsec.benefits",
    "socsec.taxexchange",
    "socsec.feedback",
    "socsec.campaigns",
    "socsec.transfers",
    "socsec.interagency",
    "socsec.supervision",
    "socsec.assistant",
    "socsec.risk",
    "socsec.quality",
    "oauth2_provider",
    "socsec.partners",
    "django_tasks",
    "django_tasks_db",
    "socsec.jobs",
    "socsec.notifications",
    "socsec.web",
]

# the partner API (socsec.partners): OAuth2 client credentials; a token's scopes are those of the partner's
# agreement (socsec.partners.scopes), its lifetime an hour
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "socsec.partners.scopes.AgreementScopes",
    "OAUTH2_VALIDATOR_CLASS": "socsec.partners.oauth.AgreementValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    # the OAuth 2.0 Security BCP (RFC 9700) throughout: partners only use client credentials
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

# background jobs (socsec.jobs): django-tasks on its database backend; a worker runs them
# (`socsec manage db_worker`, or the thread `socsec serve --worker` starts, as the demo does)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SOCSEC_RISK_ON_EVENTS = True  # screen the persons a claim, a pay run or a death concerns (socsec.risk.tasks)

MIDDLEWARE = [
    "socsec.api.middleware.ApiErrorMiddleware",  # first: it makes every error under /api/ JSON
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "socsec.accounts.session_auth.SessionAuthenticationMiddleware",  # the user read with the session
    "django_otp.middleware.OTPMiddleware",
    "socsec.accounts.sessions.IdleTimeoutMiddleware",
    "socsec.accounts.second_factor.SecondFactorMiddleware",
    "socsec.accounts.throttle.ApiRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "socsec.web.security.SecurityHeadersMiddleware",
    "socsec.web.middleware.AccessRefusalMiddleware",
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username and address
    "django.contrib.auth.backends.ModelBackend",
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
                "socsec.web.clock.clock_warning",
                "socsec.web.inbox.inbox_unread",
            ]
        },
    }
]

DATABASES = {"default": _database(os.environ.get("DATABASE_URL"))}
# PostgreSQL's memory for each sort or hash of a query over everyone (coverage statistics and counts): at
# the server's default (4MB) a month's statistics at 10M persons spilled for over 13 minutes; at 256MB, 2.
SOCSEC_WHOLE_TABLE_WORK_MEM = os.environ.get("SOCSEC_WHOLE_TABLE_WORK_MEM", "256MB")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): locked out after the limit of failures of a username from one address,
# 3 times the limit of a username from any addresses, 10 times the limit from an address over any usernames.
AXES_HANDLER = "socsec.accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
LOGIN_FAILURE_MULTIPLES = [1, 3, 10]  # of AXES_FAILURE_LIMIT, one per lockout parameter set above
AXES_LOCKOUT_CALLABLE = "socsec.web.account.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # logins are in the audit trail
AXES_VERBOSE = False

# Second factor (django-otp, TOTP) for agency staff.
OTP_TOTP_ISSUER = "SocSec"

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

CONTENT_SECURITY_POLICY = os.environ.get("SOCSEC_CONTENT_SECURITY_POLICY") or (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

SESSION_ENGINE = "socsec.accounts.session_store"  # a mere renewal waits for no batch job (SQLite)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS  # renewed while used (socsec.accounts.sessions), so an idle limit
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SOCSEC_LOG_LEVEL", "WARNING")},
    "loggers": {"socsec.access": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# How far the application's clock may be from the database's before batch commands refuse to run and
# officer pages warn (seconds).
SOCSEC_CLOCK_SKEW_SECONDS = int(os.environ.get("SOCSEC_CLOCK_SKEW_SECONDS", "300"))
# Attempt and temporary files under the data dir that no manifest names are swept once this old (seconds):
# a writer still at work is never touched.
SOCSEC_SWEEP_GRACE_SECONDS = int(os.environ.get("SOCSEC_SWEEP_GRACE_SECONDS", "3600"))
# Limits of one order batch, checked before it is parsed (README "Order batches"). A day of the largest
# platform (about 1.3 million orders, about 200 MB as JSON lines) fits in one batch.
ORDERS_MAX_BYTES = int(os.environ.get("SOCSEC_ORDERS_MAX_BYTES", 256 * 1024 * 1024))
ORDERS_MAX_ROWS = int(os.environ.get("SOCSEC_ORDERS_MAX_ROWS", 2_000_000))
ORDERS_MAX_XLSX_ROWS = int(os.environ.get("SOCSEC_ORDERS_MAX_XLSX_ROWS", 200_000))  # a workbook is read in memory
WORKERS_UPLOAD_MAX_BYTES = int(os.environ.get("SOCSEC_WORKERS_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))
WORKERS_UPLOAD_MAX_ROWS = int(os.environ.get("SOCSEC_WORKERS_UPLOAD_MAX_ROWS", 5000))
# A file of orders given by path (``socsec ingest orders``) streams from disk, so it may be larger than
# memory: its own limits, when set, replace the two above for it (unset: the same limits as an upload).
ORDERS_MAX_FILE_BYTES = int(os.environ.get("SOCSEC_ORDERS_MAX_FILE_BYTES", 0)) or None
ORDERS_MAX_FILE_ROWS = int(os.environ.get("SOCSEC_ORDERS_MAX_FILE_ROWS", 0)) or None
# Rows of an order batch checked and written at a time: a batch of any size streams in this much memory.
ORDERS_CHUNK_ROWS = int(os.environ.get("SOCSEC_ORDERS_CHUNK_ROWS", 262_144))
ORDERS_MAX_STORED_ERRORS = int(os.environ.get("SOCSEC_ORDERS_MAX_STORED_ERRORS", 1000))
# Where the monthly assessment's plan runs (README "Spark on a cluster"): "duckdb" in this process, or
# "spark": in this process (local mode) unless SOCSEC_SPARK_MASTER names a cluster (spark://host:7077).
# The driver host is the address the executors reach this process at, the bind address the one it listens
# on (default: the host); fixed ports let a firewall open them. The store URI is the data dir as the
# cluster reads it (file:/mnt/socsec, hdfs://nn/socsec, s3a://bucket/socsec; default: the same paths);
# the executors write a run's counted lines under the work dir inside it, read back here. Other Spark
# settings (executor memory, s3a credentials) go in $SPARK_CONF_DIR/spark-defaults.conf.
SOCSEC_ASSESSMENT_ENGINE = os.environ.get("SOCSEC_ASSESSMENT_ENGINE", "duckdb")
SOCSEC_SPARK: dict[str, str | int | None] = {
    "master": os.environ.get("SOCSEC_SPARK_MASTER") or os.environ.get("SPARK_MASTER") or None,
    "driver_host": os.environ.get("SOCSEC_SPARK_DRIVER_HOST") or None,
    "driver_bind_address": os.environ.get("SOCSEC_SPARK_DRIVER_BIND_ADDRESS") or None,
    "driver_port": None,  # 0 or unset: any free port
    "block_manager_port": None,
    "store_uri": os.environ.get("SOCSEC_SPARK_STORE_URI") or None,
    "work_dir": os.environ.get("SOCSEC_SPARK_WORK_DIR") or "spark",
}
try:
    for _name, _variable in (
        ("driver_port", "SOCSEC_SPARK_DRIVER_PORT"),
        ("block_manager_port", "SOCSEC_SPARK_BLOCK_MANAGER_PORT"),
    ):
        SOCSEC_SPARK[_name] = deployment.env_int(os.environ, _variable, 0) or None
except deployment.ConfigurationError as exc:
    raise ImproperlyConfigured(str(exc)) from None
# The agency's account platforms pay their invoices into, shown with each invoice's payment instructions.
# The defaults are the demo's (marked as such); a deployment sets its own.
SOCSEC_COLLECTION_ACCOUNT = deployment.collection_account(os.environ)  # the production profile requires it set

# The payment providers that take workers' own contributions, by code (socsec.contributions.own.providers),
# and the one new payments go to. The local one plays a provider for the demo and the tests; a bank,
# UnionPay or wallet gateway is a class with the same methods, added here and chosen by SOCSEC_PAYMENT_PROVIDER.
# The local provider exists outside the production profile only (socsec.deployment.payment_settings).
try:
    _payments = deployment.payment_settings(os.environ)
except deployment.ConfigurationError as exc:
    raise ImproperlyConfigured(str(exc)) from None
SOCSEC_PAYMENT_PROVIDERS: dict[str, str] = _payments["SOCSEC_PAYMENT_PROVIDERS"]
SOCSEC_PAYMENT_PROVIDER: str = _payments["SOCSEC_PAYMENT_PROVIDER"]
# The key the local provider signs its callbacks with (HMAC-SHA256); derived from the secret key when unset.
SOCSEC_PAYMENT_LOCAL_KEY = (
    os.environ.get("SOCSEC_PAYMENT_LOCAL_KEY")
    or hashlib.sha256(f"socsec-payment-local:{SECRET_KEY}".encode()).hexdigest()
)
# A month job waiting or running with no sign of life (a step) for this long may be marked interrupted by an
# officer, so that its month can be started again (minutes; longer than the slowest step).
# the tax authority's exchange (socsec.taxexchange): the drop-folder stand-in's folder, the persons it
# leaves unpaid or part paid (person ids, comma-separated), and the delivery retries
try:
    TAX_COLLECTION_GO_LIVE = deployment.env_month(
        os.environ, "SOCSEC_TAX_COLLECTION_GO_LIVE", os.environ.get("SOCSEC_TAX_COLLECTED_FROM", "") or "2026-01"
    )
except deployment.ConfigurationError as exc:
    raise ImproperlyConfigured(str(exc)) from None
SOCSEC_TAX_EXCHANGE: dict[str, Any] = {
    "folder": os.environ.get("SOCSEC_TAX_EXCHANGE_FOLDER", str(VAR_DIR / "tax-exchange")),
    "unpaid_persons": [int(p) for p in os.environ.get("SOCSEC_TAX_EXCHANGE_UNPAID", "").split(",") if p.strip()],
    "part_paid_persons": [int(p) for p in os.environ.get("SOCSEC_TAX_EXCHANGE_PART_PAID", "").split(",") if p.strip()],
    "unpaid_schemes": [],
    "retries": int(os.environ.get("SOCSEC_TAX_EXCHANGE_RETRIES", "3")),
    "retry_wait_seconds": float(os.environ.get("SOCSEC_TAX_EXCHANGE_RETRY_WAIT", "2")),
    # dotted path: callable(month) -> Iterable[DueLine], in place of the employers' assessed declarations
    "due_lines": os.environ.get("SOCSEC_TAX_DUE_LINES", ""),
    # the go-live of collection through the tax exchange (YYYY-MM, SOCSEC_TAX_COLLECTION_GO_LIVE): from this
    # month on every employer's months count only when paid through the exchange (an employer that hands
    # nothing over has none); months before it (or before an employer's earlier first handover) are the
    # records taken over, counted as recorded
    "collected_from": TAX_COLLECTION_GO_LIVE,
}
SOCSEC_JOB_STALE_MINUTES = int(os.environ.get("SOCSEC_JOB_STALE_MINUTES", "30"))
# A callback whose timestamp is further than this from now is refused (seconds).
# Where the local provider sends the person to pay: its page on this site (web/urls.py), set here as a real
# gateway's address would be, so that the domain does not name the web layer's routes.
SOCSEC_PAYMENT_LOCAL_PAGE = "/pay/local/{reference}/"
SOCSEC_PAYMENT_CALLBACK_MAX_AGE_SECONDS = int(os.environ.get("SOCSEC_PAYMENT_CALLBACK_MAX_AGE_SECONDS", "300"))

# notifications (socsec.notifications): the worker `socsec notify deliver` sends the outbox after commit
SOCSEC_SMS_PROVIDER = os.environ.get("SOCSEC_SMS_PROVIDER", "socsec.notifications.sms.LocalSmsProvider")
SOCSEC_NOTIFY_LEASE_SECONDS = int(os.environ.get("SOCSEC_NOTIFY_LEASE_SECONDS", "300"))  # a claim's life
SOCSEC_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("SOCSEC_NOTIFY_MAX_ATTEMPTS", "6"))  # then flagged
SOCSEC_NOTIFY_RETRY_SECONDS = int(os.environ.get("SOCSEC_NOTIFY_RETRY_SECONDS", "60"))  # doubled each time
SOCSEC_NOTIFY_EMAIL_TIMEOUT = float(os.environ.get("SOCSEC_NOTIFY_EMAIL_TIMEOUT", "10"))
SOCSEC_NOTIFY_MAIL_DOMAIN = os.environ.get("SOCSEC_NOTIFY_MAIL_DOMAIN", "socsec.local")
EMAIL_HOST = os.environ.get("SOCSEC_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SOCSEC_SMTP_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("SOCSEC_MAIL_FROM", "notices@socsec.local")
