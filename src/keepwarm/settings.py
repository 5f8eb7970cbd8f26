"""Keepwarm's settings: one file, configured by environment variables.

With no environment set, Keepwarm runs on SQLite in a per-user data folder.
"""

from __future__ import annotations

import os
import secrets
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import dj_database_url
import platformdirs

BASE_DIR = Path(__file__).resolve().parent


def envstr(name: str, default: str = "") -> str:
    """Return an environment variable as a string."""
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    """Return an environment variable as a boolean ("1", "true", "yes", "on")."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    """Return an environment variable as an integer."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated environment variable as a list."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(envstr("KEEPWARM_DATA_DIR") or platformdirs.user_data_dir("keepwarm")).expanduser()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Return the secret key from the environment or from the data folder, made once."""
    if key := envstr("KEEPWARM_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("KEEPWARM_DEBUG", False)
SITE_URL = envstr("KEEPWARM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Keepwarm"
ALLOWED_HOSTS = envlist("KEEPWARM_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("KEEPWARM_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "heroicons",
    "ninja",
    "django_tasks_db",
    "keepwarm.web",
    "keepwarm.accounts",
    "keepwarm.clients",
    "keepwarm.interactions",
    "keepwarm.commitments",
    "keepwarm.mail",
    "keepwarm.messaging",
    "keepwarm.reports",
    "keepwarm.feedback",
    "keepwarm.recovery",
    "keepwarm.trust",
    "keepwarm.agenda",
    "keepwarm.digest",
    "keepwarm.mailboxes",
    "keepwarm.portal",
    "keepwarm.search",
    "keepwarm.transfer",
    "keepwarm.brief",
    "keepwarm.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "keepwarm.accounts.middleware.CurrentWorkspaceMiddleware",
]

ROOT_URLCONF = "keepwarm.urls"
WSGI_APPLICATION = "keepwarm.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
                "keepwarm.web.context_processors.frame",
            ],
        },
    }
]

DATABASE_URL = envstr("KEEPWARM_DATABASE_URL")
DATABASES: dict[str, dict[str, Any]]
if DATABASE_URL:
    DATABASES = {"default": dict(dj_database_url.parse(DATABASE_URL, conn_max_age=60))}
    DATABASES["default"].setdefault("OPTIONS", {})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "keepwarm.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                    # 64 MB page cache and memory-mapped reads: the trust engine's set-based
                    # queries read far more than SQLite's 2 MB default cache holds.
                    " PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

LANGUAGE_CODE = "en"
TIME_ZONE = envstr("KEEPWARM_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the apps' static folders when collectstatic has not been run.
WHITENOISE_USE_FINDERS = envbool("KEEPWARM_STATIC_FROM_FINDERS", True)
WHITENOISE_AUTOREFRESH = DEBUG

# Email: console in development and the demo, SMTP when KEEPWARM_EMAIL_HOST is set.
_EMAIL_PORT = envint("KEEPWARM_EMAIL_PORT", 587)
if envstr("KEEPWARM_EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": envstr("KEEPWARM_EMAIL_HOST"),
                "port": _EMAIL_PORT,
                "username": envstr("KEEPWARM_EMAIL_USER"),
                "password": envstr("KEEPWARM_EMAIL_PASSWORD"),
                "use_tls": envbool("KEEPWARM_EMAIL_USE_TLS", _EMAIL_PORT == 587),
                "use_ssl": envbool("KEEPWARM_EMAIL_USE_SSL", _EMAIL_PORT == 465),
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = envstr("KEEPWARM_FROM_EMAIL", "Keepwarm <keepwarm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The right-hand side of the Message-IDs of the emails Keepwarm sends: the sending domain.
MESSAGE_ID_DOMAIN = parseaddr(DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"

# Background tasks (sending email after a change commits): queued in the database for
# `keepwarm worker` once SMTP is set up, so a web request never waits on a mail server; run
# inline in the web process otherwise (the demo, whose console "sends" instantly).
TASKS_INLINE = envbool("KEEPWARM_TASKS_INLINE", not envstr("KEEPWARM_EMAIL_HOST"))
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TASKS_INLINE
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Security. KEEPWARM_HTTPS=true when served behind TLS (what `check --deploy` expects).
HTTPS = envbool("KEEPWARM_HTTPS", SITE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SECURE_SSL_REDIRECT = HTTPS and envbool("KEEPWARM_SSL_REDIRECT", True)
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("KEEPWARM_HSTS_SECONDS", 60 * 60 * 24 * 365 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("KEEPWARM_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Login throttling: failures counted over a short window so an attacker cannot
# keep the real user out for long.
LOGIN_FAILURES_PER_ACCOUNT = envint("KEEPWARM_LOGIN_FAILURES_PER_ACCOUNT", 10)
LOGIN_FAILURES_PER_IP = envint("KEEPWARM_LOGIN_FAILURES_PER_IP", 30)
LOGIN_THROTTLE_MINUTES = envint("KEEPWARM_LOGIN_THROTTLE_MINUTES", 15)

# Mailboxes read over IMAP. Passwords are encrypted with the first of these Fernet keys
# (comma-separated, newest first; all of them decrypt); without any, a key is made once in
# the data folder.
MAIL_SECRET_KEYS = envlist("KEEPWARM_SECRET_KEY_MAIL", [])
MAIL_SYNC_MINUTES = envint("KEEPWARM_MAIL_SYNC_MINUTES", 5)
MAIL_SYNC_MAX_MESSAGES = envint("KEEPWARM_MAIL_SYNC_MAX_MESSAGES", 2000)
MAIL_MAX_MESSAGE_BYTES = envint("KEEPWARM_MAIL_MAX_MESSAGE_MB", 25) * 1024 * 1024
MAIL_IMAP_TIMEOUT = envint("KEEPWARM_MAIL_IMAP_TIMEOUT", 30)
# Extra certificate authorities to trust for mail servers (a self-hosted server's own CA).
MAIL_CA_FILE = envstr("KEEPWARM_MAIL_CA_FILE")

INVITATION_DAYS = envint("KEEPWARM_INVITATION_DAYS", 7)
API_PAGE_SIZE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("KEEPWARM_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
