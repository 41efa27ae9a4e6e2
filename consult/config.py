"""Settings read from the environment, with defaults that are safe to run locally."""
import os
import secrets
from pathlib import Path

ENVIRONMENTS = ("production", "development", "testing")


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot yield a safe configuration."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key(instance_path: Path) -> str:
    # A generated key kept on disk means sessions survive restarts in development
    # without anyone ever committing or sharing a key.
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _database_url(raw: str | None, instance_path: Path) -> str:
    if raw:
        # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants psycopg 3.
        if raw.startswith("postgres://"):
            raw = "postgresql+psycopg://" + raw[len("postgres://"):]
        elif raw.startswith("postgresql://"):
            raw = "postgresql+psycopg://" + raw[len("postgresql://"):]
        return raw
    instance_path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance_path / 'consult.db'}"


DEFAULT_SUBMISSION_MAX_FILES = 5
DEFAULT_SUBMISSION_MAX_FILE_BYTES = 20 * 1024 * 1024
# Room for the texts and the multipart framing of a submission, beyond its files.
SUBMISSION_FORM_MARGIN = 5 * 1024 * 1024


def _submission_body_limit(environ) -> int:
    files = int(environ.get("SUBMISSION_MAX_FILES", DEFAULT_SUBMISSION_MAX_FILES))
    size = int(environ.get("SUBMISSION_MAX_FILE_BYTES", DEFAULT_SUBMISSION_MAX_FILE_BYTES))
    return max(25 * 1024 * 1024, files * size + SUBMISSION_FORM_MARGIN)


def load_config(instance_path: str, environ=os.environ) -> dict:
    env = environ.get("CONSULT_ENV", "production").strip().lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(f"CONSULT_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    instance = Path(instance_path)
    secret_key = environ.get("SECRET_KEY")
    if not secret_key:
        if env == "production":
            raise ConfigError(
                "SECRET_KEY must be set in production (for example: "
                "python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        secret_key = _dev_secret_key(instance)
    secure_cookies = _bool(environ.get("SESSION_COOKIE_SECURE"), env == "production")
    return {
        "CONSULT_ENV": env,
        "TESTING": env == "testing",
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": _database_url(environ.get("DATABASE_URL"), instance),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        # A pooled PostgreSQL connection unused this long is pinged before use (see database.ping_after_idle).
        "DATABASE_PING_AFTER_IDLE_SECONDS": float(environ.get("DATABASE_PING_AFTER_IDLE_SECONDS", 1)),
        "SESSION_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": int(environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600)),
        "LOCALE_COOKIE_SECURE": secure_cookies,
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead, which expires
        "WTF_CSRF_HEADERS": ["X-CSRFToken"],
        "RATELIMIT_ENABLED": _bool(environ.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Personal links: the token exchanged for a cookie on the first visit, kept this long (personal_links.py).
        "PERSONAL_LINK_COOKIES": _bool(environ.get("PERSONAL_LINK_COOKIES"), True),
        "PERSONAL_LINK_COOKIE_SECONDS": int(environ.get("PERSONAL_LINK_COOKIE_SECONDS", 4 * 3600)),
        # Written submissions never sent are deleted this many days after submissions closed (`consult purge`).
        "DRAFT_GRACE_DAYS": int(environ.get("DRAFT_GRACE_DAYS", 30)),
        "LOGIN_RATE_LIMIT": environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # When the limiter's storage (Redis) is unreachable, count in each process's memory rather than fail.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Failed sign-ins counted in the database (shared by every worker and host): per account, per address.
        "LOGIN_FAILURES_PER_ACCOUNT": int(environ.get("LOGIN_FAILURES_PER_ACCOUNT", 10)),
        "LOGIN_FAILURES_PER_ADDRESS": int(environ.get("LOGIN_FAILURES_PER_ADDRESS", 50)),
        "LOGIN_FAILURE_WINDOW_SECONDS": int(environ.get("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)),
        "LOGIN_LOCKOUT_SECONDS": int(environ.get("LOGIN_LOCKOUT_SECONDS", 15 * 60)),
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "America/Montreal",
        "PREFERRED_URL_SCHEME": "https" if env == "production" else "http",
        # Large enough for a written submission with all its files (5 × 20 MB by default) and its texts.
        "MAX_CONTENT_LENGTH": int(environ.get("MAX_CONTENT_LENGTH", _submission_body_limit(environ))),
        "SITE_NAME": environ.get("SITE_NAME", "consult"),
        # Invitations from the pool in the last 12 months beyond which one more asks for confirmation.
        "POOL_INVITATION_CAP": int(environ.get("POOL_INVITATION_CAP", 3)),
        # Public address of the site, for links in emails sent outside a request (reminders).
        "BASE_URL": environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_FROM": environ.get("MAIL_FROM", "consult <no-reply@localhost>"),
        "MAIL_REPLY_TO": environ.get("MAIL_REPLY_TO", ""),
        "SMTP_HOST": environ.get("SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": int(environ.get("SMTP_PORT", 25)),
        # "starttls", "ssl" or "none"
        "SMTP_SECURITY": environ.get("SMTP_SECURITY", "none" if env != "production" else "starttls"),
        "SMTP_USERNAME": environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": environ.get("SMTP_PASSWORD", ""),
        "SMTP_TIMEOUT": int(environ.get("SMTP_TIMEOUT", 20)),
        "MAIL_MAX_ATTEMPTS": int(environ.get("MAIL_MAX_ATTEMPTS", 8)),
        # Files people upload live here, outside the static folder, under random names.
        "UPLOAD_FOLDER": environ.get("UPLOAD_FOLDER", str(instance / "uploads")),
        "PREREADING_MAX_BYTES": int(environ.get("PREREADING_MAX_BYTES", 20 * 1024 * 1024)),
        # A recording's transcript (WebVTT, SubRip, DOCX, text): an hour of speech is well under 1 MB.
        "TRANSCRIPT_MAX_BYTES": int(environ.get("TRANSCRIPT_MAX_BYTES", 10 * 1024 * 1024)),
        "SIGNUP_RATE_LIMIT": environ.get("SIGNUP_RATE_LIMIT", "20 per minute;200 per hour"),
        # Questionnaire pages: autosave posts every few seconds while someone types.
        "QUESTIONNAIRE_SAVE_RATE_LIMIT": environ.get("QUESTIONNAIRE_SAVE_RATE_LIMIT", "120 per minute;3000 per hour"),
        # Written submissions: files per submission, largest file, links, and POSTs allowed per address.
        "SUBMISSION_MAX_FILES": int(environ.get("SUBMISSION_MAX_FILES", DEFAULT_SUBMISSION_MAX_FILES)),
        "SUBMISSION_MAX_FILE_BYTES": int(environ.get("SUBMISSION_MAX_FILE_BYTES", DEFAULT_SUBMISSION_MAX_FILE_BYTES)),
        "SUBMISSION_MAX_LINKS": int(environ.get("SUBMISSION_MAX_LINKS", 5)),
        "SUBMISSION_RATE_LIMIT": environ.get("SUBMISSION_RATE_LIMIT", "10 per minute;60 per hour"),
        # Memory each worker may give to public pages kept ready for visitors (0: none kept), and to
        # the analysis counts kept for the next look at the same view, and to the comment rows of the
        # analysis lists (about 6 KB each; 0: none kept).
        "PAGE_CACHE_BYTES": int(environ.get("PAGE_CACHE_BYTES", 32 * 1024 * 1024)),
        "COUNT_CACHE_ENTRIES": int(environ.get("COUNT_CACHE_ENTRIES", 256)),
        "ROW_CACHE_ENTRIES": int(environ.get("ROW_CACHE_ENTRIES", 1000)),
        "SEARCH_COUNT_LIMIT": int(environ.get("SEARCH_COUNT_LIMIT", 1000)),
        # How many reverse proxies sit in front; their X-Forwarded-* headers are trusted.
        "TRUSTED_PROXIES": int(environ.get("TRUSTED_PROXIES", 0)),
    }
