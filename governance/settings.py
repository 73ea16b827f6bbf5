"""Settings for the governance product. Every value comes from the environment
(see .env.example); the defaults are safe for local development only."""

import sys
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from governance.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# A clearly fake key for development. governance.checks refuses it when DEBUG is off.
DEV_SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"

DEBUG = env_bool("DJANGO_DEBUG", True)
# Also from DJANGO_SECRET_KEY_FILE (a mounted secret), like every secret below.
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Static files are served by WhiteNoise in development too, as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Full-text and trigram lookups on PostgreSQL (search); inert elsewhere.
    "django.contrib.postgres",
    "django_prometheus",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "django_htmx",
    "governance",
    "sponsors",
    "initiatives",
    "policies",
    "maturity",
    "discussion",
    "impact",
    "inbox",
    "knowledge",
    "training",
    "readiness",
    "social_accounts",
    "incidents",
    "committees",
    "search",
]

MIDDLEWARE = [
    # First and last: the request latency Prometheus measures spans all the others.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Every log line of the request carries its id (governance.observability).
    "governance.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Right after security: static files are answered before sessions are loaded.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "governance.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions (the chosen language is kept there) and before common.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.navigation",
            ],
        },
    },
]

# Two roles on PostgreSQL: DATABASE_URL is the runtime role (no table of its own,
# no UPDATE/DELETE/TRUNCATE on the audit log); DATABASE_MIGRATE_URL, when set, is
# the owner of the schema and is used only by the commands that change it.
OWNER_COMMANDS = {"migrate", "setup_db_roles"}
_command = sys.argv[1] if len(sys.argv) > 1 else ""
_database_url = env_secret("DATABASE_URL", f"sqlite:///{BASE_DIR / 'governance.sqlite3'}")
_database_password = env_secret("DATABASE_PASSWORD", "")
if _command in OWNER_COMMANDS:
    _database_url = env_secret("DATABASE_MIGRATE_URL", "") or _database_url
    _database_password = env_secret("DATABASE_MIGRATE_PASSWORD", "") or _database_password
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if _database_password:
    # Kept out of the URL, so that the URL can be an ordinary variable and the
    # password a mounted secret (DATABASE_PASSWORD_FILE).
    DATABASES["default"]["PASSWORD"] = _database_password
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers on the embedded database: WAL lets readers proceed while
    # one writer works, IMMEDIATE takes the write lock when the transaction starts
    # (so a transition reads the state it is about to change under that lock), and
    # the timeout makes a second writer wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too (not the in-memory default), so that concurrent
    # writers in the tests meet the same locking as the demo.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test_governance.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian anonymous user: anonymous callers see nothing.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The interface languages; translations live in locale/ and are committed compiled.
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("it", "Italiano")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Our stylesheet and vendored scripts (htmx): nothing is loaded from a CDN.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # With DEBUG off, collectstatic writes compressed copies under hashed names
    # that browsers may cache for ever; WhiteNoise serves them. With DEBUG on
    # (development, the test suite) files are served as they are, without a
    # collectstatic first.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Comments: how long after posting its author may still edit one (minutes).
COMMENT_EDIT_MINUTES = env_int("DJANGO_COMMENT_EDIT_MINUTES", 15)

# Attachments: stored through Django's storage API under the "attachments"
# alias. Local files under DJANGO_MEDIA_ROOT by default (no URL serves them:
# downloads go through a view that checks who may see the object); a private
# S3-compatible bucket when DJANGO_ATTACHMENT_STORAGE=s3 (django-storages).
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
ATTACHMENT_STORAGE_ALIAS = "attachments"
ATTACHMENT_MAX_BYTES = env_int("DJANGO_ATTACHMENT_MAX_MB", 10) * 1024 * 1024
ATTACHMENT_STORAGE = env_str("DJANGO_ATTACHMENT_STORAGE", "local")
if ATTACHMENT_STORAGE == "local":
    STORAGES["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
elif ATTACHMENT_STORAGE == "s3":
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("DJANGO_ATTACHMENT_S3_BUCKET", ""),
            "region_name": env_str("DJANGO_ATTACHMENT_S3_REGION", "") or None,
            # For S3-compatible stores (MinIO, Ceph, R2...); empty for AWS.
            "endpoint_url": env_str("DJANGO_ATTACHMENT_S3_ENDPOINT_URL", "") or None,
            "access_key": env_secret("DJANGO_ATTACHMENT_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_secret("DJANGO_ATTACHMENT_S3_SECRET_ACCESS_KEY", "") or None,
            "location": env_str("DJANGO_ATTACHMENT_S3_PREFIX", "uploads"),
            "signature_version": "s3v4",
            # Private objects in a bucket with ACLs disabled; never overwrite.
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }
    if not env_str("DJANGO_ATTACHMENT_S3_BUCKET", ""):
        raise ImproperlyConfigured(
            "DJANGO_ATTACHMENT_STORAGE=s3 needs DJANGO_ATTACHMENT_S3_BUCKET."
        )
else:
    raise ImproperlyConfigured(
        f"DJANGO_ATTACHMENT_STORAGE must be local or s3, not {ATTACHMENT_STORAGE!r}."
    )

# History rows are the record: the admin may show them but never revert to one
# (a revert would be an edit that bypasses the services). Nothing prunes them:
# history, like the audit log, has no retention limit.
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Requests larger than this are refused with 413 before any view reads them.
MAX_REQUEST_BYTES = env_int("DJANGO_MAX_REQUEST_BYTES", 1_048_576)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES

# Review targets in business days: the CoE from submission, the sponsor from
# the moment an initiative starts awaiting them.
COE_REVIEW_SLA_DAYS = env_int("DJANGO_COE_REVIEW_SLA_DAYS", 5)
SPONSOR_SLA_DAYS = env_int("DJANGO_SPONSOR_SLA_DAYS", 3)
# Social accounts: owners recertify each account every this many months; an
# active account that no active initiative uses and nobody recertified for
# this many months becomes dormant.
ACCOUNT_RECERTIFY_MONTHS = env_int("DJANGO_ACCOUNT_RECERTIFY_MONTHS", 6)
ACCOUNT_DORMANT_MONTHS = env_int("DJANGO_ACCOUNT_DORMANT_MONTHS", 9)
# A budget at or above this counts as the highest cost in the priority score.
SCORING_COST_REFERENCE = env_int("DJANGO_SCORING_COST_REFERENCE", 100_000)
# The currency of every budget (ISO 4217 code): shown with each amount, given
# with the API's budgets and in the exports.
CURRENCY = env_str("DJANGO_CURRENCY", "EUR").strip().upper()
if not (len(CURRENCY) == 3 and CURRENCY.isascii() and CURRENCY.isalpha()):
    raise ImproperlyConfigured(
        f"DJANGO_CURRENCY must be a three-letter ISO 4217 code, not {CURRENCY!r}."
    )

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
# Seconds before a mail server that does not answer counts as down (the task retries).
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "governance@localhost")
# Links in emails point here.
SITE_URL = env_str("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

REST_FRAMEWORK = {
    # Token first, so that a request without credentials is answered 401 with a
    # WWW-Authenticate header rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["governance.api.IsAuthenticatedActiveUser"],
    "DEFAULT_PAGINATION_CLASS": "governance.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "governance.schema.ApiSchema",
    "EXCEPTION_HANDLER": "governance.api.exception_handler",
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Social Business Governance API",
    "DESCRIPTION": "Initiatives, CoE review, sponsor sign-off and the decision log.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Three models have a `state`; each gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "InitiativeStateEnum": "initiatives.models.State",
        "PolicyStateEnum": "policies.models.State",
        "ExceptionStateEnum": "policies.models.ExceptionState",
    },
}

# The audit log (see governance.audit). Each event is linked to the previous one
# with an HMAC under AUDIT_HMAC_KEY; every AUDIT_CHECKPOINT_EVERY events (and at
# least daily, `manage.py audit_checkpoint`) the head of the chain is signed with
# the Ed25519 key AUDIT_SIGNING_KEY and appended to AUDIT_CHECKPOINT_FILE. Both
# keys live outside the database; the clearly fake development keys below are
# refused by governance.checks when DEBUG is off.
DEV_AUDIT_HMAC_KEY = "dev-only-audit-hmac-key-never-use-in-production"
# 32 bytes, hex-encoded: the text "dev-only-audit-signing-key-fake!".
DEV_AUDIT_SIGNING_KEY = "6465762d6f6e6c792d61756469742d7369676e696e672d6b65792d66616b6521"
AUDIT_HMAC_KEY = env_secret("DJANGO_AUDIT_HMAC_KEY", DEV_AUDIT_HMAC_KEY)
# An Ed25519 private key: PEM (PKCS#8) or the 32-byte seed in hex.
AUDIT_SIGNING_KEY = env_secret("DJANGO_AUDIT_SIGNING_KEY", DEV_AUDIT_SIGNING_KEY)
# The public key verify_audit checks signatures with (PEM file); unset: derived
# from AUDIT_SIGNING_KEY.
AUDIT_PUBLIC_KEY_FILE = env_str("DJANGO_AUDIT_PUBLIC_KEY_FILE", "")
AUDIT_CHECKPOINT_EVERY = env_int("DJANGO_AUDIT_CHECKPOINT_EVERY", 1000)
# One JSON line per checkpoint. In production: storage the database cannot reach
# (another host, append-only object storage). Empty: no file.
AUDIT_CHECKPOINT_FILE = env_str(
    "DJANGO_AUDIT_CHECKPOINT_FILE", str(BASE_DIR / "audit-checkpoints.jsonl") if DEBUG else ""
)
# Failed sign-ins are counted per account and source address within a window of
# this many minutes: one audit event when the window opens, one with the count
# when it closes.
AUDIT_LOGIN_FAILURE_WINDOW_MINUTES = env_int("DJANGO_AUDIT_LOGIN_FAILURE_WINDOW_MINUTES", 15)

# HTTPS. In production the product sits behind a TLS-terminating proxy
# (docs/deployment.md); each of these defaults to the production choice when
# DEBUG is off, and can be turned down for a local run over plain HTTP.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe over plain HTTP, from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
# Only when the proxy always sets X-Forwarded-Proto itself (overwriting what the
# client sent) and clients cannot reach the app server directly: otherwise the
# header is the client's word that the connection is secure.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False)
    else None
)
# The public origins, scheme included (https://governance.example.org).
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# The cache: what one process computes for all (the maturity overview, sign-in
# rate limits) must be shared by every app server, so production sets a Redis
# URL (e.g. redis://127.0.0.1:6379/1). Unset: each process keeps its own.
_cache_url = env_secret("DJANGO_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Background jobs (governance.celery): notification email, the daily digests,
# policy review reminders and audit checkpoints. Without a broker, a task runs in
# the process that enqueued it, right after the commit (the demo, the tests).
_broker_url = env_secret("DJANGO_CELERY_BROKER_URL", "")
# Unset: no broker is ever contacted (the in-memory transport only satisfies Celery).
CELERY_BROKER_URL = _broker_url or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not _broker_url
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env_str("DJANGO_CELERY_QUEUE", "governance")
# A task is acknowledged when it is done, and given back to the queue when the
# worker running it dies: at least once, made exactly once by the outbox rows.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task stuck this long is killed, so a message that kills its worker cannot loop for ever.
CELERY_TASK_TIME_LIMIT = env_int("DJANGO_CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 30, 1)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 300_000  # KiB
# Redis gives an unacknowledged task to another worker after this many seconds:
# longer than any task runs.
_visibility_timeout = env_int("DJANGO_CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout,
    # Each worker looks for such tasks every few seconds (one cheap Redis query),
    # instead of kombu's default of every 100 s.
    "unacked_restore_interval": max(1, min(10, _visibility_timeout // 3)),
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
# One `celery beat` process runs these (make worker; docs/deployment.md).
CELERY_BEAT_SCHEDULE = {
    "review-reminders": {
        "task": "sponsors.tasks.review_reminders_send",
        "schedule": crontab(hour=env_int("DJANGO_REMINDER_HOUR", 7), minute=0),
    },
    "policy-review-reminders": {
        "task": "policies.tasks.policy_review_reminders_send",
        "schedule": crontab(hour=env_int("DJANGO_REMINDER_HOUR", 7), minute=5),
    },
    "library-digest": {
        "task": "knowledge.tasks.library_digest_send",
        "schedule": crontab(day_of_week="mon", hour=env_int("DJANGO_REMINDER_HOUR", 7), minute=10),
    },
    "social-account-recertification": {
        "task": "social_accounts.tasks.accounts_recertification_check",
        "schedule": crontab(hour=env_int("DJANGO_REMINDER_HOUR", 7), minute=10),
    },
    "audit-checkpoint": {
        "task": "governance.tasks.audit_checkpoint",
        "schedule": crontab(hour=0, minute=15),
    },
    # Email whose task was lost (a broker that was down at commit) is sent later.
    "outbox-flush": {
        "task": "governance.tasks.outbox_flush",
        "schedule": crontab(minute="*/5"),
    },
}

# Prometheus metrics at /metrics (governance.observability): only for the
# addresses listed here, or for a caller presenting DJANGO_METRICS_TOKEN as a
# bearer token. Nobody else learns that the path exists (404).
METRICS_ALLOWED_IPS = env_list("DJANGO_METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
METRICS_TOKEN = env_secret("DJANGO_METRICS_TOKEN", "")

# Logs: readable lines in development, one JSON object per line in production
# (DJANGO_LOG_FORMAT=json, the default with DEBUG off). Every line of a request
# carries its id (the X-Request-ID header, taken from the proxy or made here).
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "governance.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {"()": "governance.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- Identity: single sign-on, local accounts with MFA, throttled sign-in, ---
# --- expiring API tokens, session lifetime, Content-Security-Policy.       ---
# (README "Identity" explains each setting.)
import datetime as _datetime  # noqa: E402
from typing import Any  # noqa: E402

from csp.constants import NONE as _CSP_NONE  # noqa: E402
from csp.constants import SELF as _CSP_SELF  # noqa: E402

INSTALLED_APPS.remove("rest_framework.authtoken")
INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "axes",
    "knox",
    "csp",
    "identity",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "allauth.account.middleware.AccountMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("allauth.account.middleware.AccountMiddleware") + 1,
    "identity.middleware.RequireMfaMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("identity.middleware.RequireMfaMiddleware"),
    "identity.middleware.SessionLifetimeMiddleware",
)
# Last, as django-axes requires: it turns a lockout into the 429 answer.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

TEMPLATES[0]["OPTIONS"]["context_processors"] += [  # type: ignore[index]
    "identity.context_processors.identity"
]
# The header's counts of waiting tasks and unread notifications.
TEMPLATES[0]["OPTIONS"]["context_processors"] += [  # type: ignore[index]
    "inbox.context_processors.inbox"
]
# A user's chosen language becomes the session's on sign-in.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.locale.LocaleMiddleware") + 1,
    "inbox.middleware.ChosenLanguageMiddleware",
)

AUTHENTICATION_BACKENDS = [
    # Counts failures and refuses locked-out sign-ins before any password check.
    "identity.backends.LockoutBackend",
    # Local accounts (refuses every password when LOCAL_ACCOUNTS is off).
    "identity.backends.LocalAccountBackend",
    "guardian.backends.ObjectPermissionBackend",
]

# Local accounts (user name and password, with MFA). Off: only single sign-on.
LOCAL_ACCOUNTS = env_bool("DJANGO_LOCAL_ACCOUNTS", True)
# Require TOTP for local accounts of CoE leads, auditors and staff.
MFA_REQUIRED = env_bool("DJANGO_MFA_REQUIRED", False)

# Single sign-on with one OpenID Connect provider, on when the issuer is set.
OIDC_ISSUER = env_str("DJANGO_OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = env_str("DJANGO_OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env_secret("DJANGO_OIDC_CLIENT_SECRET", "")
OIDC_PROVIDER_NAME = env_str("DJANGO_OIDC_PROVIDER_NAME", "Company sign-in")
# The claim that lists the user's groups at the provider (mapped to roles in the product).
OIDC_GROUPS_CLAIM = env_str("DJANGO_OIDC_GROUPS_CLAIM", "groups")
OIDC_PROVIDER_ID = "corp"

ACCOUNT_ADAPTER = "identity.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "identity.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = "login"
# Signed-in sessions last SESSION_COOKIE_AGE (below), not until the browser closes.
ACCOUNT_SESSION_REMEMBER = True
# One lockout policy (django-axes, below): allauth's own failure limit is off.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
SOCIALACCOUNT_ONLY = not LOCAL_ACCOUNTS
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = True
# Never match a provider's user to a local account by email (account takeover).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS: dict[str, Any] = {
    "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}
}
if OIDC_ISSUER:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"] = [
        {
            "provider_id": OIDC_PROVIDER_ID,
            "name": OIDC_PROVIDER_NAME,
            "client_id": OIDC_CLIENT_ID,
            "secret": OIDC_CLIENT_SECRET,
            "settings": {"server_url": OIDC_ISSUER, "fetch_userinfo": True},
        }
    ]
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("DJANGO_MFA_TOTP_ISSUER", "Social Business Governance")
# Local accounts have no verified email (the organization creates them).
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_ADAPTER = "identity.adapters.MfaAdapter"
# TOTP secrets are encrypted with a key derived from this (unset: DJANGO_SECRET_KEY,
# so changing that key then means setting up MFA again).
MFA_SECRET_KEY = env_secret("DJANGO_MFA_SECRET_KEY", "")

# Sign-in lockout (django-axes): after LOGIN_FAILURE_LIMIT failures in a row for
# an account, or from a source address, sign-in answers 429 for the cool-off.
LOGIN_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 10)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_HANDLER = "identity.backends.LockoutHandler"
AXES_COOLOFF_TIME = _datetime.timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not extend it: it ends a cool-off after the last counted failure.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "identity.views.locked_out"
AXES_USERNAME_CALLABLE = "identity.backends.attempted_username"
# Proxies in front of the server that append to X-Forwarded-For (0: none, and
# the header is ignored, as a client can set it).
NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", 0)
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if NUM_PROXIES else ["REMOTE_ADDR"]
)

# API tokens (django-rest-knox): several per user, named, stored as a digest,
# each with an expiry.
KNOX_TOKEN_MODEL = "identity.ApiToken"
# knox's own token table is replaced by identity's: its migrations would still
# create it (with a key to the users, which then blocks emptying that table).
MIGRATION_MODULES = {"knox": None}
API_TOKEN_TTL_HOURS = env_int("DJANGO_API_TOKEN_TTL_HOURS", 10)
REST_KNOX = {
    "TOKEN_TTL": _datetime.timedelta(hours=API_TOKEN_TTL_HOURS),
    "TOKEN_LIMIT_PER_USER": env_int("DJANGO_API_TOKEN_LIMIT_PER_USER", 10),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "knox.auth.TokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]


# API throttling per caller (DRF), as "<number>/<second|minute|hour|day>", or
# "off" for no limit of that kind. The token sign-in has its own, by address.
def _rate(name: str, default: str) -> str | None:
    raw = env_str(name, "") or default
    return None if raw.strip().lower() == "off" else raw


_throttle_rates = {
    "anon": _rate("DJANGO_API_THROTTLE_ANON", "60/minute"),
    "user": _rate("DJANGO_API_THROTTLE_USER", "1200/minute"),
    "login": _rate("DJANGO_API_THROTTLE_LOGIN", "30/minute"),
}
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    f"rest_framework.throttling.{kind.capitalize()}RateThrottle"
    for kind in ("anon", "user")
    if _throttle_rates[kind]
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = _throttle_rates
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES or None
# The schema and its reference need a signed-in user unless this is on.
API_DOCS_PUBLIC = env_bool("DJANGO_API_DOCS_PUBLIC", False)
SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] = ["governance.api.SchemaReaders"]

# Sessions end this many hours after sign-in, whatever the activity
# (identity.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_HOURS", 8) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy: scripts and styles from our own origin only, no
# inline script or style. Sign-in forms may go on to the provider.
_form_action = [_CSP_SELF]
if OIDC_ISSUER:
    from urllib.parse import urlsplit as _urlsplit

    _issuer = _urlsplit(OIDC_ISSUER)
    _form_action.append(f"{_issuer.scheme}://{_issuer.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_CSP_SELF],
        "script-src": [_CSP_SELF],
        "style-src": [_CSP_SELF],
        "img-src": [_CSP_SELF, "data:"],
        "font-src": [_CSP_SELF],
        "connect-src": [_CSP_SELF],
        "object-src": [_CSP_NONE],
        "base-uri": [_CSP_SELF],
        "frame-ancestors": [_CSP_NONE],
        "form-action": _form_action,
    }
}
