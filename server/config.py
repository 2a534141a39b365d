"""Configuration from environment variables (prefix NEUVO_). Bad values fail at start-up."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from server.hours import ServiceHours, parse_service_hours

DEFAULT_DB_PATH = Path("var/neuvo.db")


class ConfigError(ValueError):
    """Raised for configuration that cannot work; the message says what to fix."""


def to_async_url(url: str) -> str:
    """Accept plain SQLAlchemy URLs and pick the async driver ourselves."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ConfigError(f"NEUVO_DATABASE_URL is not a URL: {url!r}")
    base = scheme.split("+", 1)[0]
    if base == "sqlite":
        return f"sqlite+aiosqlite://{rest}"
    if base in ("postgresql", "postgres"):
        return f"postgresql+asyncpg://{rest}"
    raise ConfigError(
        f"NEUVO_DATABASE_URL scheme {scheme!r} is not supported (use sqlite:// or postgresql://)"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEUVO_", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{DEFAULT_DB_PATH}")
    redis_url: str | None = None
    redis_pool_size: int = Field(default=64, ge=2, le=10_000)
    redis_pool_timeout_s: float = Field(default=5.0, gt=0)
    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Origins allowed to log staff in and open the staff socket besides the server's own:
    # separate from the widget's (a county web site that embeds the widget must never reach
    # the staff socket with a staff member's cookie). Empty: the server's own origin only.
    staff_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    frame_ancestors: Annotated[list[str], NoDecode] = Field(default_factory=list)
    service_hours: str = "always"
    dev: bool = False
    secret_key: SecretStr | None = None
    public_url: str | None = None
    bot: Literal["embedded", "minimal", "rasa"] = "embedded"
    rasa_url: str | None = None
    rasa_timeout: float = Field(default=5.0, gt=0, le=120)
    # Training published content on the Rasa server (and loading it) may take this long.
    rasa_train_timeout: float = Field(default=1800.0, ge=30, le=86_400)
    rasa_token: SecretStr | None = None
    bot_cache_dir: Path | None = None
    county_facts: Path | None = None
    bot_timeout_s: float = Field(default=10.0, gt=0)
    # The content editor's evaluation: folds of the cross-validation (more = slower, steadier).
    editor_cv_folds: int = Field(default=5, ge=2, le=10)
    greeting_timeout_s: float = Field(default=2.0, gt=0)

    # Limits (see the README's "Limits" table).
    chat_create_per_minute: int = Field(default=30, ge=1)
    messages_per_minute: int = Field(default=60, ge=1)
    frames_per_second: float = Field(default=20.0, gt=0)
    frame_burst: int = Field(default=40, ge=1)
    abusive_after_errors: int = Field(default=50, ge=1)
    login_failures_per_15min: int = Field(default=10, ge=1)
    password_hash_threads: int = Field(default=1, ge=1, le=32)
    send_queue_size: int = Field(default=256, ge=8)
    hello_timeout_s: float = Field(default=15.0, gt=0)

    # Staff and queue.
    session_ttl_hours: float = Field(default=10.0, gt=0)
    staff_grace_s: float = Field(default=60.0, ge=0)
    staff_revalidate_s: float = Field(default=5.0, gt=0)
    default_capacity: int = Field(default=3, ge=1, le=50)
    default_handle_time_s: int = Field(default=600, ge=1)
    sweep_interval_s: float = Field(default=5.0, gt=0)
    queue_abandon_s: float = Field(default=180.0, ge=5)
    bot_idle_close_s: float = Field(default=1800.0, ge=5)
    resident_gone_s: float = Field(default=30.0, ge=2)
    stats_cache_s: float = Field(default=60.0, ge=0, le=3600)

    # Privacy: statistics rows, retention of raw transcripts, the audit log.
    stats_sweep_s: float = Field(default=60.0, gt=0)
    raw_retention_days: float = Field(default=30.0, gt=0, le=3650)
    purge_interval_s: float = Field(default=3600.0, ge=1)
    audit_retention_days: float = Field(default=1826.0, gt=0, le=36500)
    # The content editor's inbox of unrecognised questions (anonymised) empties itself.
    inbox_retention_days: int = Field(default=90, ge=1, le=3650)

    # Operations.
    shutdown_delay_s: float = Field(default=0.0, ge=0, le=120)
    shutdown_timeout_s: float = Field(default=15.0, ge=1, le=600)

    @field_validator("allowed_origins", "staff_origins", "frame_ancestors", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().rstrip("/") for part in value.split(",") if part.strip()]
        return value

    @field_validator("allowed_origins", "staff_origins", "frame_ancestors")
    @classmethod
    def _check_origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if not origin.startswith(("http://", "https://")) or origin.count("/") != 2:
                raise ValueError(f"{origin!r} is not an origin like https://example.fi")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_db(cls, value: str) -> str:
        to_async_url(value)
        return value

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL like https://chat.example.fi")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("service_hours")
    @classmethod
    def _check_hours(cls, value: str) -> str:
        parse_service_hours(value)
        return value

    @field_validator("county_facts", "bot_cache_dir", "rasa_token", mode="before")
    @classmethod
    def _empty_facts(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("county_facts")
    @classmethod
    def _check_facts(cls, value: Path | None) -> Path | None:
        if value is not None:
            from bot.runtime import read_county_facts

            read_county_facts(value)
        return value

    @model_validator(mode="after")
    def _check_combination(self) -> Settings:
        if self.bot == "rasa" and not self.rasa_url:
            raise ValueError("NEUVO_BOT=rasa needs NEUVO_RASA_URL")
        if not self.dev and self.secret_key is None:
            raise ValueError(
                "NEUVO_SECRET_KEY must be set outside development (NEUVO_DEV=1); "
                "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        if self.secret_key is not None and len(self.secret_key.get_secret_value()) < 16:
            raise ValueError("NEUVO_SECRET_KEY must be at least 16 characters")
        return self

    @property
    def async_database_url(self) -> str:
        return to_async_url(self.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def hours(self) -> ServiceHours:
        return parse_service_hours(self.service_hours)

    @cached_property
    def facts(self) -> dict[str, str]:
        """County facts for the bot's answers (NEUVO_COUNTY_FACTS), checked at start-up."""
        if self.county_facts is None:
            return {}
        from bot.runtime import read_county_facts

        return read_county_facts(self.county_facts)

    @property
    def secret(self) -> bytes:
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        return b"neuvo-development-only-secret"


def load_settings() -> Settings:
    """Read settings from the environment; raise ConfigError with a readable message."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = "_".join(str(p) for p in err["loc"]).upper()
            name = f"NEUVO_{loc}" if loc else "configuration"
            lines.append(f"{name}: {err['msg']}")
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines)) from None
