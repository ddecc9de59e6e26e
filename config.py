"""Configuration classes, chosen by FEEDBACK_CONFIG (development, test, production)."""

import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 - refused in production


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(default: str) -> str:
    """DATABASE_URL, read when the app is created (not at import), with the psycopg 3 driver for PostgreSQL."""
    url = os.environ.get("DATABASE_URL") or default
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _env_json(name: str, default: dict) -> dict:
    value = os.environ.get(name)
    return json.loads(value) if value else dict(default)


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Northshire Council")
    SERVICE_NAME = os.environ.get("SERVICE_NAME", "SEND family feedback")
    SEND_TEAM_EMAIL = os.environ.get("SEND_TEAM_EMAIL", "send.feedback@example.org")
    SEND_TEAM_PHONE = os.environ.get("SEND_TEAM_PHONE", "01632 960000")
    DPO_EMAIL = os.environ.get("DPO_EMAIL", "data.protection@example.org")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")

    DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'instance' / 'feedback.db'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    WTF_CSRF_TIME_LIMIT = None  # a parent may leave the survey open for an afternoon
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    PERMANENT_SESSION_LIFETIME = 8 * 3600  # seconds: one working day for officers

    # How many proxies (load balancer, ingress) sit in front of the app: their X-Forwarded-* headers are
    # trusted so rate limits and the audit log see the family's or officer's address, not the proxy's.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)

    # GOV.UK Notify. Without an API key every message goes to the outbox instead.
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY") or None
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_TEMPLATE_IDS = _env_json("NOTIFY_TEMPLATE_IDS", {})
    NOTIFY_CALLBACK_TOKEN = os.environ.get("NOTIFY_CALLBACK_TOKEN") or None
    NOTIFY_TIMEOUT = float(os.environ.get("NOTIFY_TIMEOUT", "10"))  # seconds per request
    NOTIFY_RATE_PER_MINUTE = int(os.environ.get("NOTIFY_RATE_PER_MINUTE", "2950"))  # Notify allows 3,000
    NOTIFY_WORKERS = int(os.environ.get("NOTIFY_WORKERS", "8"))

    # Chasing rules (DESIGN section 6).
    CHASE_TIMEZONE = "Europe/London"
    CHASE_CIVIL_HOURS = (9, 19)  # local time, 09:00 to 19:00
    CHASE_CIVIL_WEEKDAYS = (0, 1, 2, 3, 4, 5)  # Monday to Saturday
    CHASE_MAX_EVENT_AGE_DAYS = int(os.environ.get("CHASE_MAX_EVENT_AGE_DAYS", "60"))
    CHASE_REMINDER_DAYS = (7, 14)  # after the first message
    CHASE_CALL_DAYS = 21  # after the first message
    CHASE_CLOSE_DAYS = 42  # after the first message
    CHASE_MAX_MESSAGES = 3
    CHASE_MIN_GAP_HOURS = 24

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # bytes: a 50,000-row import file is about 7 MB

    CHASE_BATCH_SIZE = int(os.environ.get("CHASE_BATCH_SIZE", "100"))  # invitations claimed per transaction
    CHASE_STALE_MINUTES = int(os.environ.get("CHASE_STALE_MINUTES", "10"))  # then ask Notify about an unsettled send
    NOTIFY_BREAKER_FAILURES = int(os.environ.get("NOTIFY_BREAKER_FAILURES", "5"))  # failures in a row: stop calling

    FREE_TEXT_MAX = 2000  # characters per free-text answer

    # "You said, we did" and the public results (issue 9).
    # How long browsers and shared caches may keep a public page before asking again (they then get 304 Not
    # Modified when nothing changed). Short: a withdrawn entry must not linger.
    PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "300"))


class DevelopmentConfig(Config):
    DEBUG = False  # the demo runs like production; set FLASK_DEBUG=1 to debug


class TestConfig(Config):
    TESTING = True
    DEFAULT_DATABASE_URL = "sqlite://"
    SECRET_KEY = "test-secret-key"  # noqa: S105
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    PUBLIC_BASE_URL = "http://survey.test"
    # Any call that escapes a test fails loudly instead of reaching Notify.
    NOTIFY_BASE_URL = "http://you-forgot-to-mock-an-api-call-to"
    NOTIFY_API_KEY = None


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)

    @classmethod
    def check(cls) -> None:
        """Refuse to start with unsafe defaults."""
        if not os.environ.get("SECRET_KEY") or os.environ["SECRET_KEY"] == DEFAULT_SECRET_KEY:
            raise RuntimeError("Production needs SECRET_KEY set to a long random value")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("Production needs DATABASE_URL (PostgreSQL)")


CONFIGS = {"development": DevelopmentConfig, "test": TestConfig, "production": ProductionConfig}


def get_config(name: str | None = None) -> type[Config]:
    name = (name or os.environ.get("FEEDBACK_CONFIG") or "development").lower()
    try:
        config = CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"FEEDBACK_CONFIG must be one of {', '.join(CONFIGS)}, not {name!r}") from None
    if hasattr(config, "check"):
        config.check()
    return config
