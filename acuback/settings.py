"""The one settings module. Everything a deployment changes comes from the environment.

ACUBACK_DATA_DIR       folder for the SQLite database and generated secret key (default ./var)
ACUBACK_DATABASE_URL   PostgreSQL URL; when set, acuback runs in production mode
ACUBACK_SECRET_KEY     required in production; generated into the data dir otherwise
ACUBACK_ALLOWED_HOSTS  comma-separated host names (default localhost,127.0.0.1)
ACUBACK_DEBUG          true/false, off by default
ACUBACK_SECURE         true/false: HTTPS-only cookies and redirects (default: on in production)
ACUBACK_TRUST_PROXY    true/false: believe X-Forwarded-Proto/-For from a proxy in front (off)
ACUBACK_HSTS_PRELOAD   true/false: ask browsers to preload HSTS for the domain (off)
ACUBACK_EMAIL_URL      how mail leaves: smtp://, smtp+tls://user:pass@host:587, console:// (default)
ACUBACK_EMAIL_FROM     the sender of invitations and reset links (acuback@localhost)
ACUBACK_SITE_URL       the address in links mailed from the command line (http://localhost:8000)
ACUBACK_SMS_GATEWAY    dotted path of the text-message gateway (default: write to a log)
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import dj_database_url

from acuback import config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()
DATABASE_URL = config.env_str("ACUBACK_DATABASE_URL")
PRODUCTION = DATABASE_URL is not None

DEBUG = config.env_bool("ACUBACK_DEBUG", default=False)
SECRET_KEY = config.secret_key(debug=DEBUG, production=PRODUCTION)
ALLOWED_HOSTS = config.env_list("ACUBACK_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "acuback.accounts.admin_config.AdminConfig",  # Django's admin, logging in through ours
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "acuback.accounts",
    "acuback.audit",
    "acuback.patients",
    "acuback.episodes",
    "acuback.assessments",
    "acuback.screening",
    "acuback.plans",
    "acuback.visits",
    "acuback.billing",
    "acuback.interop",
    "acuback.scheduling",
    "acuback.reminders",
    "acuback.portal",
    "django_tasks",
    "django_tasks_db",
    "acuback.outcomes",
    "acuback.cohort",
    "acuback.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "acuback.web.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "acuback.accounts.sessions.SessionActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "acuback.accounts.sessions.UnsavedFormMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "acuback.audit.middleware.AuditContextMiddleware",
    "acuback.web.unstorable.UnstorableTextMiddleware",
    "acuback.web.errors.AccessErrorMiddleware",
]

ROOT_URLCONF = "acuback.urls"
WSGI_APPLICATION = "acuback.wsgi.application"

# django-ninja is not an installed app: Django imports every app's package at start, and
# ninja's pulls in pydantic (a tenth of a second every `acuback` command paid, the API unused).
# Its Swagger UI page and files, served from here rather than a CDN, come from its package
# folder (found without importing it) through these two settings (acuback.api.LocalSwagger).
NINJA_DIR = Path(find_spec("ninja").origin).parent  # type: ignore[union-attr, arg-type]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # In every template: {% url %} reversing each name once per process
            # (acuback/web/urltag.py), {% static %} asking the storage once per file
            # (acuback/web/statictag.py; no {% load static %} needed, which would bring back
            # Django's own).
            "builtins": ["acuback.web.urltag", "acuback.web.statictag"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "acuback.accounts.context.membership",
                "acuback.accounts.sessions.session_context",
            ],
        },
    },
]

if DATABASE_URL:
    # Persistent connections, checked before reuse so a restarted server costs no errors; the
    # check costs no round trip while the server has said nothing (acuback/postgres/base.py).
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60,
                                                  conn_health_checks=True,
                                                  engine="acuback.postgres")}
    # Parameters bound by the server, and a statement a connection has run twice prepared there:
    # from then on the server neither parses nor (once its generic plan is as cheap) plans it
    # again. Planning was most of the server's time on a page (docs/architecture.md, Storage).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 2})
else:
    # SQLite: WAL so readers never block the writer, a busy timeout instead of "database is
    # locked", and IMMEDIATE transactions so a write never upgrades a read lock mid-way.
    # synchronous=FULL syncs the log at every commit, so an acknowledged write survives a power
    # cut, not only a crash; `python -m bench sqlite_sync` measures what that costs (3-4 ms a
    # commit on the test machine's disk). Only the commit of a request's read entries runs at
    # NORMAL, synced within 200 ms after (acuback/audit/durability.py). The file and its
    # -wal/-shm are readable by their owner only.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": config.sqlite_private(DATA_DIR / "acuback.sqlite3"),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Every password check, whoever asks for it, goes through the lockout and the audit.
AUTHENTICATION_BACKENDS = ["acuback.accounts.backends.LockoutBackend"]

# Argon2 first: the OWASP-recommended password hash. Older hashes are upgraded on login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout: after this many failed logins in a row the account is locked for LOCKOUT_MINUTES.
LOCKOUT_THRESHOLD = 5
LOCKOUT_MINUTES = 15

# Sessions end after 30 idle minutes (a treatment-room tablet left unattended) and at most
# 12 hours after login, and with the browser. The idle limit slides, but the session is saved
# at most once a SESSION_REFRESH_SECONDS (an ordinary read writes nothing); typing or a running
# timer on the page keeps it alive through /session/keepalive, and the page warns
# SESSION_WARN_SECONDS before the end (acuback/accounts/sessions.py).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_WARN_SECONDS = 5 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads it to send the token header.

SECURE = config.env_bool("ACUBACK_SECURE", default=PRODUCTION)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
# Load balancers and orchestrators probe /healthz over plain HTTP; a redirect reads as down.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
# Preloading commits the domain and all its subdomains to HTTPS in browsers for months, and is
# slow to undo: a clinic asks for it (ACUBACK_HSTS_PRELOAD), it is never a default. Django's
# deployment check warns when it is off (security.W021); off is our deliberate default.
SECURE_HSTS_PRELOAD = SECURE and config.env_bool("ACUBACK_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# X-Forwarded-Proto is believed only when a proxy in front of acuback sets it (and strips what
# clients send): otherwise any client could claim that its plain-HTTP request was HTTPS.
TRUST_PROXY = config.env_bool("ACUBACK_TRUST_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUST_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = config.env_list("ACUBACK_CSRF_TRUSTED_ORIGINS", [])

# E-mail: invitations and password reset links (accounts.staff). Console by default.
globals().update(config.email_settings(config.env_str("ACUBACK_EMAIL_URL")))
DEFAULT_FROM_EMAIL = config.env_str("ACUBACK_EMAIL_FROM", "acuback@localhost")
# How long an invitation or password reset link stays usable.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
# The address people use to reach acuback, for links mailed from the command line (pages use
# the address of the request).
SITE_URL = config.env_str("ACUBACK_SITE_URL", "http://localhost:8000")

LANGUAGE_CODE = "en-us"
TIME_ZONE = config.env_str("ACUBACK_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [NINJA_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "acuback.web.static.ChangedCompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Bulk FHIR exports run outside the request (acuback.interop.jobs); the tests run them inline.
EXPORT_IN_BACKGROUND = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Background work (reminders, booking confirmations) through the Django tasks backport with its
# database backend: the queue lives in the same database (SQLite or PostgreSQL), so no extra
# service is needed. `acuback worker` (or `acuback serve`, which starts one) runs the tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Text messages: a class with send(to, text) -> id; the default writes to DATA_DIR/sms.log.
SMS_GATEWAY = config.env_str("ACUBACK_SMS_GATEWAY", "acuback.reminders.sms.LogGateway")
