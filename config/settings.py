"""Settings for the portal: every value comes from the environment (django-environ), with safe
defaults for development. See README.md for the variables."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless asked for: `make run` and `make test` ask (Makefile); production never does.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",
    "simple_history",
    "axes",
    # two-factor sign-in: TOTP authenticators and single-use backup codes (accounts/twofactor.py)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "bootstrap",
    # django-ninja: listed so that /api/docs serves Swagger UI from its own static files, not a CDN
    "ninja",
    "core",
    "accounts",
    "experts",
    "applications",
    "bases",
    "training",
    "supervision",
    "public",
    "reports",
    "steering",
    "api",
    "portal",
]

MIDDLEWARE = [
    # First: the load balancer's probes, answered before the host check and the HTTPS redirect (by IP, over HTTP).
    "core.probes.ProbeMiddleware",
    # Then the request id, so every later log line (and the access line) carries it.
    "core.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors' public pages from the cache, before sessions, auth, CSRF and messages (public/cache.py).
    "public.cache.PublicPageCacheMiddleware",
    # Signed-in users' homes, queues and lists again while the database has not changed (core/pagecache.py).
    "core.pagecache.SignedInPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # province staff and administrators reach nothing before the second step (accounts/middleware.py)
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.throttle.PermissionsPolicyMiddleware",
    "api.middleware.JsonMethodNotAllowedMiddleware",
    "core.throttle.SignInSprayMiddleware",
    # Last, as django-axes asks: it turns a lockout into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "core.forms.PortalRenderer"
WSGI_APPLICATION = "config.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A kept connection is checked before a request uses it: after a PostgreSQL restart or failover the first
# request of each worker reconnects instead of failing.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer instead of failing at once when two requests write together.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while a user+address pair is locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force protection (django-axes): 5 failures for one user name from one address lock that
# pair out for 30 minutes; a lockout on the pair does not let anyone lock a real user out everywhere.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Password spraying (issue 19 (8)): axes logs every failure (AccessFailureLog); LOGIN_FAILURES_PER_ADDRESS failures
# from one address within LOGIN_ADDRESS_WINDOW_MINUTES, whatever the user names, refuse further sign-ins from it
# (core.throttle.SignInSprayMiddleware) at these forms.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=20)
LOGIN_ADDRESS_WINDOW_MINUTES = env.int("LOGIN_ADDRESS_WINDOW_MINUTES", default=15)
LOGIN_THROTTLED_URLS = ["login", "admin:login", "two_factor_verify"]
# Two-factor sign-in (issue 19 (8)): required for province staff and administrators, optional for the others. The
# authenticator app shows this issuer. Wrong codes count as failed sign-ins for django-axes and the throttle per
# address above, one lockout for both steps; django-otp's own per-device delay is therefore off.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="福建省继续教育基地管理平台")
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Reverse proxies in front of gunicorn (nginx: 1); rate limits and lockouts read the visitor's address
# from X-Forwarded-For past them.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.throttle.client_address"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator"},
]

LANGUAGE_CODE = "zh-hans"
# the portal's wording of Django's default messages comes first (locale/zh_Hans, issue 15 (4))
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    # Every upload and generated document (core/uploads.private_storage): MEDIA_ROOT/private by default.
    "private": {"BACKEND": "core.uploads.PrivateStorage"},
}
# With S3_BUCKET set, the private files go to S3-compatible object storage (MinIO, the 政务云's OSS/OBS):
# every web node and worker reads the same files. Private objects; they still leave only through the
# authorising views, which stream them (no public or presigned links are handed out).
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    from botocore.config import Config as S3ClientConfig

    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default="us-east-1"),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "location": "private",
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "addressing_style": env("S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
            # an unreachable endpoint fails a request (and /readyz) in seconds, not after minutes of retries
            "client_config": S3ClientConfig(connect_timeout=3, read_timeout=30, retries={"max_attempts": 3}),
        },
    }
# Uploads are private: MEDIA_ROOT is never served as static files; only authorising views read it.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media-not-served/"
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# A list export of more rows than this is built by a Celery task into the private storage (core/exports.py), so no
# request holds a worker for it; the file can be downloaded by its owner for EXPORT_TTL_HOURS, then it is deleted.
EXPORT_BACKGROUND_THRESHOLD = env.int("EXPORT_BACKGROUND_THRESHOLD", default=2000)
EXPORT_TTL_HOURS = env.int("EXPORT_TTL_HOURS", default=24)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "core.uploads.SizeLimitUploadHandler",  # first: drops a file once it passes UPLOAD_MAX_BYTES
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# The static instances of the embedded Chinese face (core/fonts.py), made once per machine.
FONT_CACHE_DIR = env.path("FONT_CACHE_DIR", default=BASE_DIR / "var" / "fonts")

# Formal decisions (SPEC 2.10): who issues them, the series of their 文号, and what the party is told of
# its remedies (行政复议法 Art. 20: 60 days; 行政诉讼法 Art. 46: 6 months).
ISSUING_AUTHORITY = env("ISSUING_AUTHORITY", default="福建省人力资源和社会保障厅")
# The phone the service guides give for questions (12333: the HR and social security service line)
SERVICE_PHONE = env("SERVICE_PHONE", default="12333")
DECISION_SERIES = env("DECISION_SERIES", default="闽人社文")
REVIEW_AUTHORITY = env("REVIEW_AUTHORITY", default="福建省人民政府")
REVIEW_DAYS = env.int("REVIEW_DAYS", default=60)
# 陈述申辩: the party states its defence within this many working days of the notice (SPEC 2.10)
HEARING_WORKING_DAYS = env.int("HEARING_WORKING_DAYS", default=5)
# Experts (Art. 26): a declared tie keeps an expert off an institution's panels while it lasts and this many
# years after; an expert who reviewed an institution sits out its panels for EXPERT_LOOKBACK_YEARS; panels
# avoid experts of the institution's own city unless the province turns it off; a drawn expert declares
# within EXPERT_DECLARATION_DAYS days.
EXPERT_TIE_YEARS = env.int("EXPERT_TIE_YEARS", default=3)
EXPERT_LOOKBACK_YEARS = env.int("EXPERT_LOOKBACK_YEARS", default=3)
EXPERT_AVOID_SAME_CITY = env.bool("EXPERT_AVOID_SAME_CITY", default=True)
EXPERT_DECLARATION_DAYS = env.int("EXPERT_DECLARATION_DAYS", default=3)
# How many experts a panel is drawn with unless the province chooses otherwise.
EXPERT_PANEL_SIZE = env.int("EXPERT_PANEL_SIZE", default=3)
# A training sheet up to this size is read while the uploader waits; a larger one by a Celery worker (issue 17).
TRAINING_IMPORT_INLINE_BYTES = env.int("TRAINING_IMPORT_INLINE_BYTES", default=256 * 1024)
# The published scale of the experts' scored forms (0 to EXPERT_SCORE_MAX for each condition or item), and the
# spread of the experts' scores on one item beyond which the panel's aggregate flags a dissent.
EXPERT_SCORE_MAX = env.int("EXPERT_SCORE_MAX", default=10)
EXPERT_DISSENT_MARGIN = env.int("EXPERT_DISSENT_MARGIN", default=3)
LITIGATION_MONTHS = env.int("LITIGATION_MONTHS", default=6)

# Personal data (PIPL): the Fernet keys that encrypt ID numbers at rest, the current one first (older ones
# still decrypt until every row is re-encrypted under the first: docs/deployment.md), and the key of
# the keyed hash that matches a trainee across bases. Required in production; DEBUG derives them.
PII_KEYS = env.list("PII_KEYS", default=[])
PII_HASH_KEY = env("PII_HASH_KEY", default="")

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# With the file backend (as `make run` sets it), each message is a file in this folder.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="福建省继续教育基地管理平台 <noreply@jxjy.example.cn>")
# A mail server that hangs must not hold a worker: each connection gives up after EMAIL_TIMEOUT seconds.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The outbox retries a failed e-mail after 1 min, 2, 4… up to an hour apart (±20 % jitter, so a recovering
# server is not hit by every row at once), and gives it up when it is EMAIL_GIVE_UP_HOURS old: an ERROR in the
# log and a row in the admin's list of failed mails, where it can be resent.
EMAIL_RETRY_FIRST_SECONDS = env.int("EMAIL_RETRY_FIRST_SECONDS", default=60)
EMAIL_RETRY_MAX_SECONDS = env.int("EMAIL_RETRY_MAX_SECONDS", default=3600)
EMAIL_GIVE_UP_HOURS = env.int("EMAIL_GIVE_UP_HOURS", default=48)

# Celery: with REDIS_URL set, a real broker; without it, tasks run eagerly in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Large exports take minutes and run on a queue of their own, so they never hold up the notification e-mail
# outbox or the daily jobs (docker-compose.yml: the `exports` worker; scripts/serve.sh: one worker serves both).
CELERY_TASK_ROUTES = {"core.tasks.build_export": {"queue": "exports"}}
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "max_retries": 1}
CELERY_TIMEZONE = TIME_ZONE
# Annual filing reminders (Art. 19): month-day list, default 1, 15, 25 and 31 December.
ANNUAL_FILING_REMINDER_DAYS = env.list("ANNUAL_FILING_REMINDER_DAYS", default=["12-01", "12-15", "12-25", "12-31"])
# Art. 21: confirmed inspection and spot-check results are published within this many working days;
# later, they are on the province's to-do list and in its daily reminder.
RESULT_PUBLICATION_WORKING_DAYS = env.int("RESULT_PUBLICATION_WORKING_DAYS", default=10)
# The beat schedule is built from the jobs each app registers (core/jobs.py, config/celery.py).

# Anonymous visitors' public pages are cached (public/cache.py), invalidated on every change.
PUBLIC_PAGE_CACHE = env.bool("PUBLIC_PAGE_CACHE", default=True)
# What the public pages are built from and that holds until the public facts change (the register's cities,
# fields, kinds and years, a filter's count, the rendered filter fields) is kept the same way, for every
# visitor, whether or not the page itself is cached (public/cache.py: `versioned`).
PUBLIC_REFERENCE_CACHE = env.bool("PUBLIC_REFERENCE_CACHE", default=True)
# Each process hears of a new version of the public facts from Redis (an announcement it listens for) instead of
# asking for it on every request; off, every request asks (public/cache.py: VersionWatch).
PUBLIC_VERSION_WATCH = env.bool("PUBLIC_VERSION_WATCH", default=True)
# Signed-in users' read-only pages are served again while nothing in the database has changed (core/pagecache.py).
SIGNED_IN_PAGE_CACHE = env.bool("SIGNED_IN_PAGE_CACHE", default=True)
# Redis saves work and holds nothing the portal cannot rebuild: unreachable, it degrades to no cache
# (core/cache.py says what each user of it does meanwhile), after at most a second's wait.
CACHES = {
    "default": (
        {
            "BACKEND": "core.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Log lines on stdout, one per record: JSON in production (LOG_FORMAT=json, the default without DEBUG) for the
# log collector, plain text in development. Each carries the request id (core/requestid.py); `jxjy.request`
# writes one access line per request. Retention (≥ 6 months, 网络安全法 Art. 21) is the collector's: see
# docs/deployment.md.
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.requestid.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Without a broker every task runs in-process: one "Task … succeeded" line per outbox sweep would drown
        # the console (`make run` loads the demo through hundreds of them). A real worker logs its own.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        # The access lines: on in production, quiet in development (runserver prints its own).
        "jxjy.request": {"level": env("ACCESS_LOG_LEVEL", default="WARNING" if DEBUG else "INFO")},
    },
}

# Errors to a self-hosted Sentry or GlitchTip when SENTRY_DSN is set; no personal data (core/monitoring.py).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from core.monitoring import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=None),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
# Sessions are read from the cache (Redis in production) and written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): everything from this origin, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Public endpoints that are cheap to abuse: requests per address per minute.
RATE_LIMITS = {
    "open_data": env.int("RATE_LIMIT_OPEN_DATA", default=30),
    "verify": env.int("RATE_LIMIT_VERIFY", default=60),
}
# The JSON API (api/v1.py): calls per token and minute, then 429 with Retry-After.
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=600)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
