"""The one settings module: every deployment difference comes from environment variables."""

import warnings
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF

from lib.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = envbool("CAIRN_DEBUG", False)
# The demo run: published keys, and demo-only helpers such as a test 835 for a claim batch.
CAIRN_DEMO = envbool("CAIRN_DEMO", False)
SECRET_KEY = envstr("CAIRN_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or envbool("CAIRN_DEMO", False):
        SECRET_KEY = "cairn-demo-only-insecure-key-never-use-in-production-0123456789"  # noqa: S105
    else:
        raise RuntimeError("CAIRN_SECRET_KEY must be set (see README, Configuration).")

# Keys for sensitive free text at rest (Fernet, newest first). The demo uses a fixed key.
CAIRN_FIELD_KEYS = envlist("CAIRN_FIELD_KEYS")
if not CAIRN_FIELD_KEYS:
    if DEBUG or envbool("CAIRN_DEMO", False):
        CAIRN_FIELD_KEYS = ["Y2Fpcm4tZGVtby1vbmx5LWtleS1ub3QtZm9yLXJlYWw="]
    else:
        raise RuntimeError(
            "CAIRN_FIELD_KEYS must be set: one or more Fernet keys, newest first (see README)."
        )

for _number, _key in enumerate(CAIRN_FIELD_KEYS, start=1):
    try:
        Fernet(_key.encode())
    except ValueError as _error:
        raise RuntimeError(f"CAIRN_FIELD_KEYS key {_number} is not a valid Fernet key.") from _error
# Keys the HMACs beside encrypted values filtered in SQL (lib.blind_index); when unset, a key
# derived from SECRET_KEY. Independent of the field keys, so rotating those keeps every hash.
CAIRN_HASH_KEY = envstr("CAIRN_HASH_KEY")

ALLOWED_HOSTS = envlist("CAIRN_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CAIRN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "axes",
    "csp",
    "django_prometheus",
    # The API's documentation page is served from ninja's own static files, never a CDN.
    "ninja",
    "lib.apps.LibConfig",
    "audit",
    "accounts",
    "organizations",
    "oversight",
    "participants",
    "encounters",
    "groups",
    "appointments",
    "directory",
    "referrals",
    "reachout",
    "overdose",
    "supervision",
    "billing",
    "portal",
    "coaching",
    "consent",
    "plans",
    "assessments",
    "safety",
    "inbox",
    "texting",
    "reports",
    "exports",
    "imports",
    "jobs",
    "webhooks",
    "fhir_r4",
    "backups",
    "api",
    "cairn",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lib.middleware.RequestContextMiddleware",
    "lib.db_routing.ReadYourWritesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleSignOutMiddleware",
    "organizations.middleware.CurrentOrganizationMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "audit.middleware.IntegrityFailureMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "cairn.urls"
WSGI_APPLICATION = "cairn.wsgi.application"

# Date and time fields name the style pages use (lib/form_rendering.py).
FORM_RENDERER = "lib.form_rendering.CairnFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["lib.templatetags.when"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "organizations.context_processors.current_organization",
                "accounts.context_processors.session_settings",
                "portal.context_processors.portal_frame",
                "cairn.context_processors.staff_nav",
            ],
        },
    },
]

# A kept connection is checked before a request reuses it (CONN_HEALTH_CHECKS), so a worker
# idle through a database restart opens a new one rather than answering its next request 500
# (found by `make soak`).
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cairn.sqlite3'}"),
        conn_max_age=envint("CAIRN_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite for a small program on one server: readers never wait for the writer (WAL), a
    # write transaction takes the write lock when it begins (IMMEDIATE), so it waits its turn
    # instead of failing half-way with "database is locked", and a waiting writer gives up
    # only after CAIRN_SQLITE_BUSY_SECONDS. The test database is a file too, so the suite
    # runs the same way the demo does.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("CAIRN_SQLITE_BUSY_SECONDS", 30),
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {
        "NAME": envstr("CAIRN_SQLITE_TEST_NAME", str(VAR_DIR / "test-cairn.sqlite3"))
    }
    # Covering indexes (INCLUDE) are a PostgreSQL speed-up; SQLite indexes the key columns only.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# Through pgbouncer in transaction mode (README): a server-side cursor (`.iterator()`) cannot
# outlive the transaction that pgbouncer lent a server connection for.
CAIRN_DB_TRANSACTION_POOLING = envbool("CAIRN_DB_TRANSACTION_POOLING", False)
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = CAIRN_DB_TRANSACTION_POOLING
# PostgreSQL plans a statement the second time a connection runs it and keeps the plan
# (psycopg's prepared statements, with the values bound by the server): Today's 29 reads spent
# 9 ms a view being planned, as long as they took to run. pgbouncer in transaction mode hands
# each transaction another server connection, where the plan is unknown, so then values are
# bound by the client and nothing is prepared (Django's defaults).
# CAIRN_DB_PREPARE_THRESHOLD: runs of a statement before it is prepared (at least 1, so that
# psycopg has seen a statement answer once before preparing it: one holding several commands,
# like the dashboard's `SET LOCAL`s, can never be prepared); -1 prepares none.
CAIRN_DB_PREPARE_THRESHOLD = envint("CAIRN_DB_PREPARE_THRESHOLD", 1)


def prepared_statements(database: dj_database_url.DBConfig, *, pooling: bool) -> None:
    """Sets a PostgreSQL database's options for prepared statements, or clears them through
    pgbouncer in transaction mode (`pooling`) or with CAIRN_DB_PREPARE_THRESHOLD -1."""
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    options = database.setdefault("OPTIONS", {})
    if pooling or CAIRN_DB_PREPARE_THRESHOLD < 0:
        options.pop("server_side_binding", None)
        options.pop("prepare_threshold", None)
        return
    options.update(server_side_binding=True, prepare_threshold=max(1, CAIRN_DB_PREPARE_THRESHOLD))


prepared_statements(DATABASES["default"], pooling=CAIRN_DB_TRANSACTION_POOLING)
# Read replicas (PostgreSQL streaming replication), as replica_1, replica_2, ...: reports,
# exports and dashboards read from one that is at most CAIRN_REPLICA_MAX_LAG_SECONDS behind;
# everything else, and everything on SQLite, uses the primary (lib/db_routing.py). A replica
# is never migrated or flushed: in tests it stands for the primary's test database.
CAIRN_REPLICA_URLS = envlist("CAIRN_REPLICA_URLS")
if CAIRN_REPLICA_URLS and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    warnings.warn("CAIRN_REPLICA_URLS is ignored: replicas need PostgreSQL.", stacklevel=1)
    CAIRN_REPLICA_URLS = []
for _number, _url in enumerate(CAIRN_REPLICA_URLS, start=1):
    _replica = dj_database_url.parse(
        _url, conn_max_age=envint("CAIRN_DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    _replica.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", 2
    )  # an unreachable replica: read elsewhere
    _replica["DISABLE_SERVER_SIDE_CURSORS"] = CAIRN_DB_TRANSACTION_POOLING
    prepared_statements(_replica, pooling=CAIRN_DB_TRANSACTION_POOLING)
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{_number}"] = _replica
DATABASE_ROUTERS = ["lib.db_routing.ReplicaRouter"]
CAIRN_REPLICA_MAX_LAG_SECONDS = envint("CAIRN_REPLICA_MAX_LAG_SECONDS", 5)
CAIRN_REPLICA_CHECK_SECONDS = envint("CAIRN_REPLICA_CHECK_SECONDS", 2)
# After a write, the person's reads stay on the primary this long: longer than a replica in use
# may be behind (its lag limit, plus how long its last check is trusted).
CAIRN_READ_YOUR_WRITES_SECONDS = envint(
    "CAIRN_READ_YOUR_WRITES_SECONDS",
    CAIRN_REPLICA_MAX_LAG_SECONDS + CAIRN_REPLICA_CHECK_SECONDS + 3,
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

# Sign-in protection (django-axes): a calm lockout after repeated failures.
AXES_ENABLED = envbool("CAIRN_LOCKOUT_ENABLED", True)
AXES_FAILURE_LIMIT = envint("CAIRN_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = envint("CAIRN_LOCKOUT_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A name is paused only with its address, so nobody can keep someone else out from elsewhere;
# one address trying many names is paused on its own after this many wrong passwords.
CAIRN_LOCKOUT_ADDRESS_FAILURES = envint("CAIRN_LOCKOUT_ADDRESS_FAILURES", 20)
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
CAIRN_PROXY_COUNT = envint("CAIRN_PROXY_COUNT", 0)
AXES_IPWARE_PROXY_COUNT = CAIRN_PROXY_COUNT or None

# Two-factor sign-in for staff (django-otp, TOTP).
CAIRN_REQUIRE_2FA = envbool("CAIRN_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Cairn"

# Sessions: signed out after a quiet spell, with a warning shortly before.
CAIRN_IDLE_TIMEOUT_MINUTES = envint("CAIRN_IDLE_TIMEOUT_MINUTES", 15)
# On a phone or computer the person says is shared: a shorter quiet spell, no lasting cookie.
CAIRN_SHARED_DEVICE_IDLE_MINUTES = envint("CAIRN_SHARED_DEVICE_IDLE_MINUTES", 5)
# One-time codes for participants (no email needed): invitations, new passwords, wrong tries.
CAIRN_INVITATION_CODE_HOURS = envint("CAIRN_INVITATION_CODE_HOURS", 72)
CAIRN_RESET_CODE_MINUTES = envint("CAIRN_RESET_CODE_MINUTES", 60)
CAIRN_CODE_FAILURES = envint("CAIRN_CODE_FAILURES", 5)
CAIRN_CODE_PAUSE_MINUTES = envint("CAIRN_CODE_PAUSE_MINUTES", 15)
# Text messages (invitation codes, "you have a new message"): memory, file or http.
CAIRN_SMS_BACKEND = envstr("CAIRN_SMS_BACKEND", "file")
CAIRN_SMS_FILE_DIR = envstr("CAIRN_SMS_FILE_DIR", str(VAR_DIR / "sms"))
CAIRN_SMS_HTTP_URL = envstr("CAIRN_SMS_HTTP_URL", "")
CAIRN_SMS_HTTP_TOKEN = envstr("CAIRN_SMS_HTTP_TOKEN", "")
CAIRN_SMS_HTTP_TIMEOUT_SECONDS = envint("CAIRN_SMS_HTTP_TIMEOUT_SECONDS", 5)
# Texts that come back (texting app): Twilio signs each webhook with the account's auth token;
# without one, every webhook is refused. The public address Twilio calls, when a proxy in front
# changes it (scheme or host), so the signed address can be rebuilt exactly.
CAIRN_SMS_TWILIO_AUTH_TOKEN = envstr("CAIRN_SMS_TWILIO_AUTH_TOKEN", "")
CAIRN_SMS_WEBHOOK_BASE_URL = envstr("CAIRN_SMS_WEBHOOK_BASE_URL", "")
# CAIRN_SMS_BACKEND=twilio: the account, and the sending number or Messaging Service SID (MG…).
# Each text names its organization's delivery-report address under CAIRN_SMS_WEBHOOK_BASE_URL
# (…/texts/twilio/<organization>/status/); CAIRN_SMS_TWILIO_STATUS_CALLBACK overrides it, with
# {organization} standing for the organization's slug.
CAIRN_SMS_TWILIO_ACCOUNT_SID = envstr("CAIRN_SMS_TWILIO_ACCOUNT_SID", "")
CAIRN_SMS_TWILIO_FROM = envstr("CAIRN_SMS_TWILIO_FROM", "")
CAIRN_SMS_TWILIO_STATUS_CALLBACK = envstr("CAIRN_SMS_TWILIO_STATUS_CALLBACK", "")
# A reminder claim older than this belongs to a sender that stopped, and is taken again.
CAIRN_REMINDER_STALE_CLAIM_SECONDS = envint("CAIRN_REMINDER_STALE_CLAIM_SECONDS", 300)
# How many reminder texts one sender has with the provider at once (each on its own connection).
CAIRN_REMINDER_SENDERS = envint("CAIRN_REMINDER_SENDERS", 4)
# Email, for the few notes a staff member gets by their own address (their sign-in changed).
# The file backend writes each message under var/mail/ (the default, so the demo sends nothing);
# in production set CAIRN_EMAIL_BACKEND=smtp and the EMAIL_* variables.
EMAIL_BACKEND = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}[envstr("CAIRN_EMAIL_BACKEND", "file")]
EMAIL_FILE_PATH = envstr("CAIRN_EMAIL_FILE_DIR", str(VAR_DIR / "mail"))
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = envstr("CAIRN_FROM_EMAIL", "Cairn <cairn@localhost>")
# The record as PDF: a Unicode font (DejaVu Sans and Bold) from here; without it, the core font.
CAIRN_PDF_FONT_DIR = envstr("CAIRN_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
CAIRN_PDF_COMPRESS = True
# Where "Leave quickly" goes: an ordinary, neutral page outside Cairn.
CAIRN_QUICK_EXIT_URL = envstr("CAIRN_QUICK_EXIT_URL", "https://www.weather.gov/")
# The base of Cairn's own FHIR code systems, Questionnaire and identifier URLs (fhir_r4 app). They
# are names, not addresses that must answer; keep one value for the life of an installation.
CAIRN_FHIR_CANONICAL = envstr("CAIRN_FHIR_CANONICAL", "https://cairn.example/fhir")
CAIRN_IDLE_WARNING_SECONDS = envint("CAIRN_IDLE_WARNING_SECONDS", 120)
# Django's database sessions, read by a prepared query (accounts/session_store.py).
SESSION_ENGINE = "accounts.session_store"
SESSION_COOKIE_AGE = envint("CAIRN_SESSION_MAX_HOURS", 12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "lib.views.csrf_failure"

# Transport security: on unless the deployment says it is plain HTTP (the local demo).
CAIRN_HTTPS = envbool("CAIRN_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = CAIRN_HTTPS
CSRF_COOKIE_SECURE = CAIRN_HTTPS
SECURE_SSL_REDIRECT = CAIRN_HTTPS and envbool("CAIRN_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("CAIRN_HSTS_SECONDS", 31536000) if CAIRN_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = CAIRN_HTTPS
SECURE_HSTS_PRELOAD = CAIRN_HTTPS and envbool("CAIRN_HSTS_PRELOAD", True)
if envbool("CAIRN_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: no inline script, no third-party origins, anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Requests one API token may make per minute, counted in the database across every worker.
CAIRN_API_RATE_PER_MINUTE = envint("CAIRN_API_RATE_PER_MINUTE", 120)

# Oversized requests get the calm 400 page instead of a crash.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("CAIRN_MAX_REQUEST_BYTES", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

LANGUAGE_CODE = "en"
# "es-x-tu" is Spanish that says tú to staff too (usted is the default for staff pages): its
# catalogue (locale/es_X-tu) holds only the sentences that change and falls back to "es".
LANGUAGES = [("en", "English"), ("es", "Español"), ("es-x-tu", "Español (tú)")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("CAIRN_TIME_ZONE", "America/New_York")
# Where trained models (the conversation reviewer's) are kept; rebuilt from shipped data if absent.
CAIRN_MODEL_DIR = Path(envstr("CAIRN_MODEL_DIR", str(VAR_DIR / "models")))
# Phone numbers typed without a country code are read as numbers of this region (ISO 3166).
CAIRN_PHONE_REGION = envstr("CAIRN_PHONE_REGION", "US")
# A directory of instrument definition files (TOML) that replace the built-in ones by key.
CAIRN_INSTRUMENTS_DIR = envstr("CAIRN_INSTRUMENTS_DIR", "")
# Prepared queries (lib.prepared) also compile the ordinary way on every call and check that
# both agree; the tests turn this on, so both databases check every prepared query.
CAIRN_PREPARED_VERIFY = envbool("CAIRN_PREPARED_VERIFY", False)
# Background jobs run in a thread after the request commits; tests run them inline instead.
CAIRN_JOBS_SYNC = envbool("CAIRN_JOBS_SYNC", False)
# "thread": the web process runs the jobs it accepts; "worker": only `manage.py run_jobs` does.
CAIRN_JOBS_MODE = envstr("CAIRN_JOBS_MODE", "thread")
if CAIRN_JOBS_MODE not in ("thread", "worker"):
    raise RuntimeError("CAIRN_JOBS_MODE must be 'thread' or 'worker' (see README).")
# Uploaded HSDS files wait here (streamed to disk, bounded) for their background check and
# import; each is deleted once imported, once its check finds problems, or after a week.
CAIRN_HSDS_UPLOAD_DIR = Path(envstr("CAIRN_HSDS_UPLOAD_DIR", str(VAR_DIR / "hsds-uploads")))
# /readyz answers 503 once the oldest job that may start has waited longer than this.
CAIRN_READY_JOB_LAG_SECONDS = envint("CAIRN_READY_JOB_LAG_SECONDS", 300)
# Prometheus metrics at /metrics for a scraper sending "Authorization: Bearer <token>"; with no
# token the page is not there (cairn/metrics.py).
CAIRN_METRICS_TOKEN = envstr("CAIRN_METRICS_TOKEN", "")
# Backups (manage.py backup / restore): where the files go, how many to keep, and the key
# (32 bytes, base64). Without a key, one is derived from the newest field key, so keep
# CAIRN_FIELD_KEYS with (but apart from) the backup files.
CAIRN_BACKUP_DIR = Path(envstr("CAIRN_BACKUP_DIR", str(VAR_DIR / "backups")))
CAIRN_BACKUP_KEEP = envint("CAIRN_BACKUP_KEEP", 14)
CAIRN_BACKUP_KEY = envstr("CAIRN_BACKUP_KEY")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

# Logs go to standard error, one line each; CAIRN_LOG_FORMAT=json makes each line a JSON object
# (time, level, logger, message) for a log collector. Messages never carry names or note text.
CAIRN_LOG_FORMAT = envstr("CAIRN_LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if CAIRN_LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": envstr("CAIRN_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry URLs only; participant ids are UUIDs and never names.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

# WhiteNoise serves from the app folders too; var/static exists only after collectstatic.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
