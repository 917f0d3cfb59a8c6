"""hellomod settings: one file, driven by the environment.

Every value comes from an environment variable with a safe default for the quick-start run
(`make run`: SQLite and a file-based Celery broker under var/). A value that cannot be parsed
raises ImproperlyConfigured at start-up rather than surprising anyone later.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HELLOMOD_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str) -> str:
    """An http(s) address without a trailing slash; empty stays empty."""
    value = os.environ.get(name, default).strip().rstrip("/")
    if value and not value.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"{name} must be an http(s) address, not {value!r}")
    return value


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug-runs"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "hellomod.apps.HellomodAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every answer of the app itself (static files are served just above and skip these two),
    # the API edge's refusals included: the Content-Security-Policy, and Cache-Control: private,
    # no-store.
    "csp.middleware.CSPMiddleware",
    "hellomod.middleware.PrivateResponsesMiddleware",
    # /api/ only: a body over the limit is refused before anything reads it; every error is JSON.
    "reports.api.middleware.APIEdgeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.MemberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle staff sessions end; staff pass the second factor before any page (after messages,
    # which it uses to say why someone was signed out).
    "accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into the sign-in page with the lockout.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hellomod.urls"
WSGI_APPLICATION = "hellomod.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reports.web.context_processors.inbox",
                "accounts.context_processors.languages",
            ],
            # The tags live with the pages that use them (reports/web/), not in the app's root.
            "libraries": {
                "configuration": "reports.web.templatetags.configuration",
                "moderation": "reports.web.templatetags.moderation",
                "transparency": "reports.web.templatetags.transparency",
            },
        },
    },
]

# Database -----------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'hellomod.sqlite3'}"
try:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL we understand: {exc}") from None
if _database["ENGINE"] not in (
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (or SQLite for quick runs)")
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is the embedded default of the quick-start run, where web, worker and beat share
    # the file: wait for a lock instead of failing at once.
    # IMMEDIATE transactions take the write lock up front instead of failing on an upgrade.
    _database.setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
    _database["CONN_MAX_AGE"] = 0
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first, so that a locked-out sign-in is refused even with the right password; then
# Django's ModelBackend, with a person's own and role permissions read in one query.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Redis, cache and Celery ---------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
if not DEBUG and not REDIS_URL:
    # Without it the rate limit would count per process and Celery would use a local folder.
    raise ImproperlyConfigured("REDIS_URL must be set when DEBUG is off")
if REDIS_URL and urlsplit(REDIS_URL).scheme not in ("redis", "rediss"):
    raise ImproperlyConfigured(
        f"REDIS_URL must start with redis:// or rediss://, not {REDIS_URL!r}"
    )

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, keeping one Redis client per pool rather than one per operation.
            "BACKEND": "hellomod.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "hellomod"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: the broker is Redis when REDIS_URL is set, otherwise kombu's filesystem transport
# under var/, so that the quick-start run has a real worker and beat with no server to install.
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    # The broker may live in another Redis database (or server) than the cache.
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Above the hard time limit of the longest task, so that a task still running is never
        # handed to a second worker.
        "visibility_timeout": 3600,
    }
else:
    # The folders are the broker, but kombu asks every URL for a host and warns when it names
    # none: named here, as any broker URL names one.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        # The folder is polled; at the default of once a second the demo data's messages would
        # take half an hour to work through, and a new report would wait behind them.
        "polling_interval": 0.05,
    }
# Two lanes on the broker. "urgent" carries what a life may depend on (the triage of a critical
# report, the emergency tier's alerts) and has a worker of its own (Procfile), so it never waits
# behind ordinary work; ordinary workers take from it too when they are free.
CELERY_TASK_DEFAULT_QUEUE = "celery"
OUTBOX_URGENT_QUEUE = "urgent"
CELERY_TASK_QUEUES = [
    Queue(name, routing_key=name) for name in (CELERY_TASK_DEFAULT_QUEUE, OUTBOX_URGENT_QUEUE)
]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A publish that cannot reach the broker gives up at once: the outbox sweep sends it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULE = {
    # On the urgent lane: the sweep that sends a lost emergency again must not wait behind a
    # backlog of ordinary work (a few statements when nothing is lost).
    "dispatch-outbox": {
        "task": "reports.tasks.dispatch_outbox",
        "schedule": 15.0,
        "options": {"queue": OUTBOX_URGENT_QUEUE},
    },
    "escalate-overdue": {"task": "reports.tasks.escalate_overdue_cases", "schedule": 60.0},
    "release-leases": {"task": "reports.tasks.release_expired_leases", "schedule": 60.0},
    "lift-expired": {"task": "reports.tasks.lift_expired_enforcements", "schedule": 60.0},
    "purge-evidence": {"task": "reports.tasks.purge_old_evidence", "schedule": 3600.0},
    # The daily figures behind the dashboard and the transparency report.
    "refresh-figures": {
        "task": "reports.tasks.refresh_figures",
        "schedule": float(env_int("FIGURES_REFRESH_SECONDS", 600, minimum=30)),
    },
    "queue-digest": {
        "task": "reports.tasks.send_queue_digests",
        "schedule": crontab(hour=env_int("DIGEST_HOUR_UTC", 7, minimum=0), minute=0),
    },
    # Statements of reasons to the EU Transparency Database: built, then sent.
    "queue-statements": {"task": "reports.tasks.queue_statements", "schedule": 60.0},
    "submit-statements": {"task": "reports.tasks.submit_statements", "schedule": 60.0},
}

# How long the dashboard keeps a drawn page of figures; a refresh of the figures (beat) makes
# a new one at once, whatever is left of this.
FIGURES_PAGE_CACHE_SECONDS = env_int("FIGURES_PAGE_CACHE_SECONDS", 3600, minimum=0)

# Internationalisation -----------------------------------------------------------------------

LANGUAGE_CODE = "en"
# The languages members read hellomod in, each named in itself (as the language menu shows them).
# Arabic is written right to left (Django's LANGUAGES_BIDI).
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("ar", "العربية"),
    ("hi", "हिन्दी"),
]
# The languages moderators' pages and the admin are written in: staff who read another language
# work in English there, so that no page mixes two languages.
STAFF_LANGUAGES = ["en", "zh-hans"]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats for the languages Django's own locales leave them out for (Arabic, Hindi).
FORMAT_MODULE_PATH = ["hellomod.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files and uploads ---------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
# Without collected files (DEBUG runs and tests), WhiteNoise serves straight from the sources.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need `collectstatic`; off by default for DEBUG runs and tests.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Evidence and snapshots are never served from MEDIA_URL directly: views check permissions first.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Screenshots plus one snapshot image; more files in one request are refused with a 400.
DATA_UPLOAD_MAX_NUMBER_FILES = 8
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# E-mail -----------------------------------------------------------------------------------------

# With DEBUG on, each message is written to a file under EMAIL_FILE_PATH with one line in the log
# (hellomod/mail.py), rather than printed whole among the other lines.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "hellomod.mail.FileAndLogLineBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hellomod <safety@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security -------------------------------------------------------------------------------------
# Production (DEBUG off) gets the strict defaults that `manage.py check --deploy` asks for; each
# can be relaxed through the environment when TLS ends at a proxy that is configured elsewhere.

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A load balancer's health probe speaks plain HTTP to the web process: /healthz answers it
# instead of redirecting to HTTPS (it shows nothing private). Every other path still redirects.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=300)
# Content-Security-Policy (django-csp): scripts, styles, images, fonts and requests only from the
# app itself and nothing inline, so markup slipped into a report can neither run nor restyle a
# page; no plugins, no framing, forms post only to the app. The API's docs page adds data:
# images for Swagger UI's icons (hellomod/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Staff sign-in ----------------------------------------------------------------------------------
# Failed sign-ins (on /accounts/login/ and /admin/login/) are counted by django-axes in the
# database, where the admin lists them and a T&S admin unlocks them. Three counts, each with its
# own limit within the lockout window (accounts/lockout.py):
# - one account from one address: guessing (or mistyping) one password stops soon, and it locks
#   the account for that address only, so one address cannot lock a moderator out everywhere;
# - one account from any address: guessing spread over many addresses;
# - one address for any account: one password tried on many usernames. This limit is the highest
#   because a whole office may sign in from one NAT address, and a few people's typos (or one
#   mischief-maker) must not lock out everyone there.
SIGN_IN_FAILURE_LIMITS = {
    ("username", "ip_address"): env_int("SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS", 5, minimum=1),
    ("username",): env_int("SIGN_IN_FAILURES_PER_ACCOUNT", 10, minimum=1),
    ("ip_address",): env_int("SIGN_IN_FAILURES_PER_ADDRESS", 30, minimum=1),
}
if min(SIGN_IN_FAILURE_LIMITS.values()) != SIGN_IN_FAILURE_LIMITS[("username", "ip_address")]:
    raise ImproperlyConfigured(
        "SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS must not be above SIGN_IN_FAILURES_PER_ACCOUNT "
        "or SIGN_IN_FAILURES_PER_ADDRESS"
    )
AXES_LOCKOUT_PARAMETERS = [
    list(parameters) if len(parameters) > 1 else parameters[0]
    for parameters in SIGN_IN_FAILURE_LIMITS
]
# The smallest limit; the handler scales the other counts to it.
AXES_FAILURE_LIMIT = SIGN_IN_FAILURE_LIMITS[("username", "ip_address")]
AXES_HANDLER = "accounts.lockout.SignInLockoutHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGN_IN_LOCKOUT_MINUTES", 15, minimum=1))
# Attempts during a lockout are refused without being counted, so the end time the page shows
# holds; a success does not wipe the counts (one's own account would reset an address's count).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
# Only failures are kept (and only for the lockout window): successful sign-ins of every member
# with their addresses would pile up for good.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
# Proxies in front of the app that append to X-Forwarded-For (a load balancer: 1). Without it,
# every sign-in would seem to come from the proxy's address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# A second factor (TOTP, with single-use recovery codes) for every staff account, on by default
# whenever DEBUG is off; members are never asked.
STAFF_TWO_FACTOR = env_bool("STAFF_TWO_FACTOR", not DEBUG)
OTP_TOTP_ISSUER = "hellomod"
# django-otp's throttling: each wrong code doubles the wait before the next one is checked.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A staff session unused this long is signed out; members keep SESSION_COOKIE_AGE.
STAFF_IDLE_TIMEOUT = timedelta(minutes=env_int("STAFF_IDLE_MINUTES", 30, minimum=1))

# REST framework ---------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # The app and the platform authenticate with a token (read with its member and their
    # permissions in one query); the browsable docs use the session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "reports.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "reports.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    # Every error of the API is JSON in one shape (see reports/api/errors.py).
    "EXCEPTION_HANDLER": "reports.api.errors.handle_api_exception",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "hellomod API",
    "DESCRIPTION": "Reports, content snapshots and appeals from the community app and platform.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page's assets come from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from an outside validator: it would send the schema's address away.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AppealStatusEnum": "reports.models.appeals.AppealStatus",
        "AppealOutcomeEnum": "reports.models.appeals.AppealOutcome",
        "AppealKindEnum": "reports.models.appeals.AppealKind",
        # Content is in any language members speak; hellomod writes to them in its own.
        "LanguageEnum": "accounts.languages.LANGUAGE_CHOICES",
        "SiteLanguageEnum": "reports.api.members.LANGUAGE_CODES",
    },
}

# Moderation -------------------------------------------------------------------------------------

# Intake rate limits, per reporter and hour.
REPORTS_PER_HOUR = env_int("REPORTS_PER_HOUR", 20, minimum=1)
TRUSTED_FLAGGER_REPORTS_PER_HOUR = env_int("TRUSTED_FLAGGER_REPORTS_PER_HOUR", 200, minimum=1)

# Evidence uploads: at most this many screenshots per report, each bounded in bytes and pixels.
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 5, minimum=1)
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
EVIDENCE_MAX_PIXELS = env_int("EVIDENCE_MAX_PIXELS", 40_000_000, minimum=10_000)

# The outbox: how often a failing side effect is tried before it is marked dead, and how long
# the sweep leaves a message that was never handed to the broker (its publish at commit failed)
# before sending it itself.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
OUTBOX_GRACE = timedelta(seconds=env_int("OUTBOX_GRACE_SECONDS", 10, minimum=0))
# A message handed to the broker and still not run after this long is taken as lost (a broker
# that restarted empty, a process that died between commit and publish) and sent again. Until
# then it is waiting in the broker or running: sending it again would only make a duplicate.
# Ordinary messages may wait behind a backlog, and a batch runs for up to a minute; the urgent
# queue is served at once, so an urgent message is given up on sooner.
OUTBOX_LOST_AFTER = timedelta(seconds=env_int("OUTBOX_LOST_AFTER_SECONDS", 900, minimum=120))
OUTBOX_URGENT_LOST_AFTER = timedelta(
    seconds=env_int("OUTBOX_URGENT_LOST_AFTER_SECONDS", 60, minimum=10)
)
if OUTBOX_URGENT_LOST_AFTER > OUTBOX_LOST_AFTER:
    raise ImproperlyConfigured(
        "OUTBOX_URGENT_LOST_AFTER_SECONDS must not be longer than OUTBOX_LOST_AFTER_SECONDS"
    )
OUTBOX_PUBLISH_OPTIONS: dict = {}

# Evidence files of cases closed longer than this are deleted (the decision record stays).
EVIDENCE_RETENTION = timedelta(days=env_int("EVIDENCE_RETENTION_DAYS", 180, minimum=1))

# How long a moderator holds a case after "next case" before it returns to the queue.
CASE_LEASE = timedelta(minutes=env_int("CASE_LEASE_MINUTES", 15, minimum=1))

# A moderator may undo their own decision this long after taking it; members are told about a
# decision only once this has passed, so an undone decision never reaches anyone.
DECISION_UNDO_WINDOW = timedelta(minutes=env_int("DECISION_UNDO_MINUTES", 5, minimum=1))

# Webhooks to the platform: each delivery waits this long for an answer, is tried this many
# times with backoff before it is dead, and its signature is valid for the replay window.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5, minimum=1)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_REPLAY_WINDOW = timedelta(seconds=env_int("WEBHOOK_REPLAY_WINDOW_SECONDS", 300, minimum=1))

# The EU Transparency Database (DSA Art. 24(5)): every statement of reasons goes there, in
# batches of at most 100 (its limit), each call waiting TDB_TIMEOUT seconds for an answer. With
# TDB_API_URL empty, statements are built and kept, and sent once it is set (the sandbox's
# address first, then production's, with the token of each).
TDB_API_URL = env_url("TDB_API_URL", "")
TDB_API_TOKEN = os.environ.get("TDB_API_TOKEN", "")
TDB_BATCH_SIZE = env_int("TDB_BATCH_SIZE", 100, minimum=1)
if TDB_BATCH_SIZE > 100:
    raise ImproperlyConfigured(f"TDB_BATCH_SIZE must be at most 100, not {TDB_BATCH_SIZE}")
TDB_TIMEOUT = env_int("TDB_TIMEOUT", 10, minimum=1)
# Where the restrictions apply, as EEA country codes (comma-separated); all of the EEA by default.
_EEA = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
]  # fmt: skip
TDB_TERRITORIAL_SCOPE = [code.upper() for code in env_list("TDB_TERRITORIAL_SCOPE", _EEA)]
if not TDB_TERRITORIAL_SCOPE or set(TDB_TERRITORIAL_SCOPE) - set(_EEA):
    raise ImproperlyConfigured(
        "TDB_TERRITORIAL_SCOPE must list EEA country codes "
        f"({', '.join(_EEA)}), not {os.environ.get('TDB_TERRITORIAL_SCOPE')!r}"
    )


# The address members reach hellomod at: links in e-mails (a statement's appeal link) start here.
SITE_URL = env_url("SITE_URL", "http://localhost:8000")
# Members appeal in hellomod ("Decisions about me"); a platform that hosts appeals itself sets
# this, and statements of reasons link there instead.
APPEAL_URL = env_url("APPEAL_URL", "")
# Appeals (DSA Art. 20) are open this long after the decision was notified: six months.
APPEAL_WINDOW = timedelta(days=env_int("APPEAL_WINDOW_DAYS", 183, minimum=183))
# Where an appeal's answer points a member who still disagrees (DSA Art. 21).
DISPUTE_SETTLEMENT_URL = env_url(
    "DISPUTE_SETTLEMENT_URL",
    "https://digital-strategy.ec.europa.eu/en/policies/dsa-out-of-court-dispute-settlement",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
