"""Settings shared by every environment. Values that differ come from environment variables."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = BASE_DIR / "casebridge"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEFAULT_SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105  # nosec B105  # the development key production refuses to start with
SECRET_KEY = os.environ.get("CASEBRIDGE_SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("CASEBRIDGE_DEBUG", False)
ALLOWED_HOSTS = env_list("CASEBRIDGE_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "casebridge.agencies",
    "casebridge.accounts",
    "casebridge.people",
    "casebridge.pathways",
    "casebridge.incidents",
    "casebridge.panels",
    "casebridge.refuges",
    "casebridge.assessments",
    "casebridge.training",
    "casebridge.casework",
    "casebridge.justice",
    "casebridge.plans",
    "casebridge.violence",
    "casebridge.exploitation",
    "casebridge.victims",
    "casebridge.imports",
    "casebridge.linkage",
    "casebridge.analytics",
    "casebridge.reports",
    "casebridge.access",
    "casebridge.audit",
    "casebridge.jobs",
    "casebridge.notifications",
    "casebridge.oversight",
    "casebridge.administration",
    "casebridge.operations",
    "casebridge.ui",
    "casebridge.web",
    "casebridge.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's, loading the session's second factor with the user in one query.
    "casebridge.accounts.middleware.OTPMiddleware",
    # What other processes may have changed (permission rules, restricted addresses, pathways):
    # read in one statement, once a request, by whatever below needs it.
    "casebridge.core.fingerprints.FingerprintsMiddleware",
    # Outside every view and the middleware below, so no text response escapes it.
    "casebridge.access.middleware.RedactRestrictedValuesMiddleware",
    "casebridge.audit.middleware.AuditContextMiddleware",
    "casebridge.accounts.middleware.SessionTimeoutMiddleware",
    "casebridge.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "casebridge.web.middleware.NoStoreMiddleware",
    "casebridge.web.middleware.AccessDeniedMiddleware",
]

ROOT_URLCONF = "casebridge.config.urls"
WSGI_APPLICATION = "casebridge.config.wsgi.application"

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
                "casebridge.web.navigation.navigation",
            ],
        },
    },
]

DEFAULT_SQLITE_PATH = BASE_DIR / "var" / "casebridge.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        # Ten minutes: a new connection costs PostgreSQL a process, and the statements every
        # request keeps prepared on it are parsed and planned afresh (each five times before
        # its plan is kept); health checks catch one the server has closed.
        conn_max_age=int(os.environ.get("CASEBRIDGE_DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL for concurrent readers, FULL so an acknowledged write survives a power cut, and IMMEDIATE
    # transactions so two writers queue for the lock instead of failing on upgrade. A page cache
    # of up to 64 MiB a connection (SQLite's default is 2 MiB): an import writes people and
    # records keyed by random UUIDs into every part of large indexes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-65536;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Random reads cost little more than sequential ones on SSDs and a cached working set; with
    # PostgreSQL's default (4.0, for spinning disks) it scans all people rather than probe the
    # few hundred a name search matches. No JIT: a permission filter's OR of EXISTS clauses looks
    # costly enough to the planner that it spent 2.6 s compiling a 30 ms name search at 500,000
    # people; the pages' queries are short, and the figures are computed in DuckDB, not here.
    # Override per database with ALTER DATABASE if needed.
    # The statements every request runs with other values (the session, the user, the
    # fingerprints, the audit entry, a case page's case, the person search;
    # ``core.prepared.statement_cursor``) are kept prepared from their second run on a
    # connection: not parsed and planned again. Only those: the other cursors bind their values
    # on the client, which never prepares. A kept statement is planned once for any values
    # (``plan_cache_mode``): left to choose, PostgreSQL planned the person search again for
    # every run (its plan for the typed name looked cheaper than one for any name), 1.1-1.3 ms
    # of the server's CPU a police officer's search at 500,000 people, as much as running it;
    # the plan for any name is the same one (the name index read alone, the fifty judged in
    # birth order). No parallel workers: for that plan, which expects thousands of names, the
    # planner started one to read them, a new process costing more than the whole search; a
    # page's statements are short, and two cores are shared by the server's threads.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c random_page_cost=1.1 -c jit=off -c plan_cache_mode=force_generic_plan "
        "-c max_parallel_workers_per_gather=0"
    )
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["casebridge.accounts.backends.AccountBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"

# Brute-force defence (ASVS 6.3.1; NCSC: at most 10 guesses in 5 minutes). Wrong passwords and
# security codes are counted per username and client address, so a stranger's guesses lock out
# only the stranger, and per address alone with a higher limit, so one address guessing across
# many usernames is throttled too. Past a limit the key is locked for SIGN_IN_FIRST_LOCK, doubled
# with each further failure up to SIGN_IN_LONGEST_LOCK; a key's failures are forgotten after
# SIGN_IN_FAILURES_FORGOTTEN_AFTER with neither a failure nor a lock. See accounts/throttle.py.
SIGN_IN_FAILURE_LIMIT = 10
SIGN_IN_ADDRESS_FAILURE_LIMIT = int(
    os.environ.get("CASEBRIDGE_SIGN_IN_ADDRESS_FAILURE_LIMIT", "100")
)
SIGN_IN_FIRST_LOCK = timedelta(minutes=5)
SIGN_IN_LONGEST_LOCK = timedelta(hours=1)
SIGN_IN_FAILURES_FORGOTTEN_AFTER = timedelta(hours=1)
# django-otp's own throttle counts wrong codes per device, so a stranger who knows the password
# could delay the real user's code; codes are throttled per user and address instead.
OTP_TOTP_THROTTLE_FACTOR = 0
# The reverse proxies (addresses or networks) in front of Casebridge. X-Forwarded-For is believed
# only from these: from anyone else it would let a client name its own address.
CASEBRIDGE_TRUSTED_PROXIES = env_list("CASEBRIDGE_TRUSTED_PROXIES", "")

# Single sign-on with OpenID Connect (docs/configuration.md#single-sign-on; ADR 0013), on when
# an issuer is set: mozilla-django-oidc's settings, each from a CASEBRIDGE_OIDC_* variable. No
# account is made from a claim: a first sign-in is matched by the e-mail address the provider
# verifies to an account an administrator made, then bound to the provider's subject. The
# provider's multi-factor authentication replaces the code from the authenticator app when its
# ID token's amr holds one of CASEBRIDGE_OIDC_MFA_AMR or its acr is one of CASEBRIDGE_OIDC_MFA_ACR.
# With CASEBRIDGE_PASSWORD_SIGN_IN off, only single sign-on signs anyone in.
CASEBRIDGE_OIDC_ISSUER = os.environ.get("CASEBRIDGE_OIDC_ISSUER", "")
CASEBRIDGE_OIDC_PROVIDER_NAME = os.environ.get("CASEBRIDGE_OIDC_PROVIDER_NAME", "your organisation")
CASEBRIDGE_OIDC_EMAIL_VERIFIED_CLAIM = os.environ.get(
    "CASEBRIDGE_OIDC_EMAIL_VERIFIED_CLAIM", "email_verified"
)
CASEBRIDGE_OIDC_MFA_AMR = env_list("CASEBRIDGE_OIDC_MFA_AMR", "mfa,otp,hwk,sc")
CASEBRIDGE_OIDC_MFA_ACR = env_list("CASEBRIDGE_OIDC_MFA_ACR", "")
CASEBRIDGE_PASSWORD_SIGN_IN = env_bool("CASEBRIDGE_PASSWORD_SIGN_IN", True)
OIDC_RP_CLIENT_ID = os.environ.get("CASEBRIDGE_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("CASEBRIDGE_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("CASEBRIDGE_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("CASEBRIDGE_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("CASEBRIDGE_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("CASEBRIDGE_OIDC_JWKS_URI", "")
OIDC_RP_SIGN_ALGO = os.environ.get("CASEBRIDGE_OIDC_SIGNING_ALGORITHM", "RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"

# Sessions: absolute lifetime from sign-in (ASVS 7.3.2) and inactivity timeout (7.3.1), both
# enforced by accounts.middleware.SessionTimeoutMiddleware (Django's own expiry restarts on save).
# Database sessions (server-side), read every request by a statement written once per process.
SESSION_ENGINE = "casebridge.accounts.sessions"
SESSION_COOKIE_AGE = int(os.environ.get("CASEBRIDGE_SESSION_MAX_SECONDS", str(8 * 3600)))
SESSION_IDLE_SECONDS = int(os.environ.get("CASEBRIDGE_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("CASEBRIDGE_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

OTP_TOTP_ISSUER = "Casebridge"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# GOV.UK Frontend is installed from npm by `make setup`; nothing of it is committed.
GOVUK_FRONTEND_DIST = BASE_DIR / "node_modules" / "govuk-frontend" / "dist"
STATICFILES_DIRS = [GOVUK_FRONTEND_DIST] if GOVUK_FRONTEND_DIST.exists() else []
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# CASEBRIDGE_LOG_FORMAT=json: one JSON object a line, for a log collector, with no personal data
# (casebridge/core/logs.py: no query strings, no exception messages); "text" for a person.
CASEBRIDGE_LOG_FORMAT = os.environ.get("CASEBRIDGE_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "casebridge.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if CASEBRIDGE_LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CASEBRIDGE_LOG_LEVEL", "INFO")},
    # WeasyPrint says each step of printing a PDF (a line a page) at INFO; its warnings still show.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# Break-glass access lasts this long before the user must give a new reason.
BREAK_GLASS_MINUTES = int(os.environ.get("CASEBRIDGE_BREAK_GLASS_MINUTES", "60"))
# An invitation's one-time link works for this long, then the administrator issues another.
CASEBRIDGE_INVITATION_DAYS = int(os.environ.get("CASEBRIDGE_INVITATION_DAYS", "7"))
# Extra directories of risk/outcome instrument files (colon-separated), read after the shipped
# one: a file with the same code and version replaces the shipped wording (licensed checklists).
CASEBRIDGE_INSTRUMENT_DIRS = [
    d.strip() for d in os.environ.get("CASEBRIDGE_INSTRUMENT_DIRS", "").split(":") if d.strip()
]
# Mid-year population estimates (CSV: year,sex,age_from,age_to,people) that rates divide by;
# empty uses the demo borough's synthetic estimates.
CASEBRIDGE_POPULATION_FILE = os.environ.get("CASEBRIDGE_POPULATION_FILE", "")
# Other areas' published figures the board report sets ours beside (CSV: indicator, family,
# area, period, starts_on, ends_on, value, source, published_on); empty uses the demo borough's
# comparators.
CASEBRIDGE_COMPARATORS_FILE = os.environ.get("CASEBRIDGE_COMPARATORS_FILE", "")
# Where the snapshots the dashboard reads are kept (Parquet; codes and dates, no names), how
# many are kept, and after how many minutes the dashboard says its figures are out of date.
CASEBRIDGE_SNAPSHOT_DIR = Path(
    os.environ.get("CASEBRIDGE_SNAPSHOT_DIR", str(BASE_DIR / "var" / "snapshots"))
)
CASEBRIDGE_SNAPSHOTS_KEPT = int(os.environ.get("CASEBRIDGE_SNAPSHOTS_KEPT", "5"))
CASEBRIDGE_SNAPSHOT_STALE_MINUTES = int(os.environ.get("CASEBRIDGE_SNAPSHOT_STALE_MINUTES", "1440"))
# Partner extracts: where an uploaded file waits until its batch is finished (then it is
# deleted: what it said lives in the batch's rows), the largest file taken (and what a workbook
# may unzip to), the most rows, and how long one import may take.
CASEBRIDGE_IMPORT_DIR = Path(
    os.environ.get("CASEBRIDGE_IMPORT_DIR", str(BASE_DIR / "var" / "imports"))
)
CASEBRIDGE_IMPORT_MAX_BYTES = int(os.environ.get("CASEBRIDGE_IMPORT_MAX_MB", "200")) * 1_000_000
CASEBRIDGE_IMPORT_MAX_ROWS = int(os.environ.get("CASEBRIDGE_IMPORT_MAX_ROWS", "1000000"))
CASEBRIDGE_IMPORT_MAX_MINUTES = float(os.environ.get("CASEBRIDGE_IMPORT_MAX_MINUTES", "30"))
# Background work (imports, identity resolution, snapshots, reminders) is queued in the database
# and run by `casebridge worker` (django-tasks with django-tasks-db; docs/decisions/0014). A
# worker holds a lease on the run it works on: on SQLite a file lock in this directory (every
# worker on the database's host), on PostgreSQL an advisory lock.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
CASEBRIDGE_TASK_LEASE_DIR = Path(
    os.environ.get("CASEBRIDGE_TASK_LEASE_DIR", str(BASE_DIR / "var" / "leases"))
)
# Notifications are e-mailed as a link to this site's notifications page (nothing else).
CASEBRIDGE_SITE_URL = os.environ.get("CASEBRIDGE_SITE_URL", "http://127.0.0.1:8000/")
EMAIL_BACKEND = os.environ.get(
    "CASEBRIDGE_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("CASEBRIDGE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("CASEBRIDGE_EMAIL_PORT", "25"))
EMAIL_USE_TLS = env_bool("CASEBRIDGE_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("CASEBRIDGE_EMAIL_FROM", "casebridge@localhost")
# Demo conveniences (printing one-time codes for demo users) are off unless a setting turns them on.
CASEBRIDGE_DEMO = False

# Files kept outside the database (casebridge/core/storage.py, docs/deployment.md): each kind in
# a storage of its own, a directory on this machine by default (the settings above and below),
# or an S3-compatible bucket (django-storages) when CASEBRIDGE_S3_BUCKET is set, so that several
# web servers and workers share them. The audit chain's signed heads go to a bucket of their own
# (CASEBRIDGE_AUDIT_ANCHOR_S3_BUCKET), which the database's owner should not be able to write.
CASEBRIDGE_AUDIT_ANCHOR_DIR = Path(
    os.environ.get("CASEBRIDGE_AUDIT_ANCHOR_DIR", str(BASE_DIR / "var" / "audit-anchors"))
)
# Where a server keeps its copies of the snapshots it has read from a bucket, by their ids.
CASEBRIDGE_SNAPSHOT_CACHE_DIR = Path(
    os.environ.get("CASEBRIDGE_SNAPSHOT_CACHE_DIR", str(BASE_DIR / "var" / "snapshot-cache"))
)


def file_storage(*, directory_setting: str, bucket: str, prefix: str) -> dict[str, object]:
    """A named storage: the directory a setting names, or a prefix in an S3-compatible bucket."""
    if not bucket:
        return {
            "BACKEND": "casebridge.core.storage.SettingDirectoryStorage",
            "OPTIONS": {"setting": directory_setting, "directory_permissions_mode": 0o700},
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": prefix,
            "endpoint_url": os.environ.get("CASEBRIDGE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("CASEBRIDGE_S3_REGION") or None,
            # Credentials from the environment (AWS_ACCESS_KEY_ID...) or the machine's role.
        },
    }


_bucket = os.environ.get("CASEBRIDGE_S3_BUCKET", "")
STORAGES |= {
    "imports": file_storage(
        directory_setting="CASEBRIDGE_IMPORT_DIR", bucket=_bucket, prefix="imports"
    ),
    "snapshots": file_storage(
        directory_setting="CASEBRIDGE_SNAPSHOT_DIR", bucket=_bucket, prefix="snapshots"
    ),
    "audit_anchors": file_storage(
        directory_setting="CASEBRIDGE_AUDIT_ANCHOR_DIR",
        bucket=os.environ.get("CASEBRIDGE_AUDIT_ANCHOR_S3_BUCKET", ""),
        prefix="audit-anchors",
    ),
}
# The private key (PEM, Ed25519) that signs the audit chain's heads, kept outside the database:
# a file only the process that runs `casebridge audit-anchor` reads. The public key checks them
# (`casebridge verify-audit --anchors`), wherever they are checked.
CASEBRIDGE_AUDIT_ANCHOR_KEY_FILE = os.environ.get("CASEBRIDGE_AUDIT_ANCHOR_KEY_FILE", "")
CASEBRIDGE_AUDIT_ANCHOR_PUBLIC_KEY_FILE = os.environ.get(
    "CASEBRIDGE_AUDIT_ANCHOR_PUBLIC_KEY_FILE", ""
)
