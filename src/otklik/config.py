"""Settings: built once by :func:`load_settings` and passed in; never at import time."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from otklik.errors import ConfigError
from otklik.guards.context import ADDRESS_CHOICES, parse_severities

_PLACEHOLDERS = {"", "change-me", "changeme", "secret", "dev"}


class Settings(BaseSettings):
    """Every setting of otklik; each can be given as an ``OTKLIK_<NAME>`` variable."""

    model_config = SettingsConfigDict(env_prefix="OTKLIK_", frozen=True, extra="forbid")

    environment: Literal["production", "dev", "demo", "test"] = Field(
        "production",
        description="`dev`, `demo` and `test` relax the secret checks; `production` enforces them.",
    )
    data_dir: Path = Field(
        Path("var"),
        description="Directory for the SQLite database and the generated secret key.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL. Empty: SQLite at `<data_dir>/otklik.db`. PostgreSQL: `postgresql+psycopg://…`.",
    )
    host: str = Field("127.0.0.1", description="Address `otklik serve` listens on.")
    port: int = Field(8000, description="Port `otklik serve` listens on.")
    secret_key: str | None = Field(
        None,
        description="Signs session cookies and CSRF tokens. Empty: generated once into `<data_dir>/secret_key`.",
    )
    max_body_bytes: int = Field(1_048_576, description="Largest webhook or API body accepted; larger gets 413.")
    max_batch_items: int = Field(1000, description="Most items one webhook batch may carry.")
    session_max_age_s: int = Field(12 * 3600, description="How long a login lasts, in seconds.")
    cookie_secure: bool = Field(False, description="Send session cookies only over HTTPS (set behind TLS).")
    worker_enabled: bool = Field(True, description="Run the worker loop inside `otklik serve`.")
    worker_interval_s: float = Field(1.0, description="Seconds between worker passes when idle.")
    delivery_timeout_s: float = Field(10.0, description="Timeout of one outbound delivery call, in seconds.")
    delivery_max_attempts: int = Field(
        8,
        description="Attempts before a transient delivery failure is given up as failed.",
    )
    ingest_batch_max: int = Field(256, description="Most webhook items committed together in one group commit.")
    schema_file: Path | None = Field(
        None,
        description="The response schema (YAML). Empty: the shipped default. A changed file becomes a new version at start.",
    )
    triage_batch_max: int = Field(500, description="Most queued items the worker triages in one transaction.")
    brand_keywords: tuple[str, ...] = Field(
        (),
        description="The brand's names and keywords (JSON list); channels that listen file posts naming them as `brand_mention`.",
    )
    polling_enabled: bool = Field(
        True,
        description="Run the pollers of polling-mode channels (Telegram `getUpdates`) in the worker. Exactly one process per bot may poll.",
    )
    poll_timeout_s: float = Field(25.0, description="How long one long poll (Telegram `getUpdates`) waits for updates, in seconds.")
    guard_severities: dict[str, str] = Field(
        default_factory=dict,
        description='Reply guard severities (hint, warn, block) per guard or rule, JSON: {"tone": "block", "personal.no_name": "warn"}.',
    )
    guard_window_days: int = Field(
        30, ge=1, le=366, description="Days of sent replies the scripted guard compares a draft with (per brand account)."
    )
    guard_address: dict[str, str] = Field(
        default_factory=lambda: {"ru": "vy", "pl": "pan"},
        description='The formal address replies keep, per language, JSON: ru "vy" or "ty", pl "pan" or "ty".',
    )
    guard_length_limits: dict[str, int] = Field(
        default_factory=lambda: {"x": 280, "twitter": 280, "mastodon": 500, "telegram": 4096},
        description="Longest reply each channel (source name) takes, in characters, JSON; a channel not named has no limit.",
    )

    @field_validator("guard_severities")
    @classmethod
    def _check_severities(cls, value: dict[str, str]) -> dict[str, str]:
        parse_severities(value)  # raises ValueError naming each unknown guard, rule or severity
        return value

    @field_validator("guard_address")
    @classmethod
    def _check_address(cls, value: dict[str, str]) -> dict[str, str]:
        for language, choice in value.items():
            choices = ADDRESS_CHOICES.get(language)
            if choices is None:
                raise ValueError(f"no formal-address choice exists for {language!r} (only for {', '.join(sorted(ADDRESS_CHOICES))})")
            if choice not in choices:
                raise ValueError(f"address {choice!r} for {language!r} is not one of {', '.join(sorted(choices))}")
        return value

    @field_validator("guard_length_limits")
    @classmethod
    def _check_limits(cls, value: dict[str, int]) -> dict[str, int]:
        bad = sorted(channel for channel, limit in value.items() if limit < 1)
        if bad:
            raise ValueError(f"a channel's reply limit must be at least 1 character: {', '.join(bad)}")
        return value

    @model_validator(mode="after")
    def _check_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key is not None and self.secret_key.strip().lower() in _PLACEHOLDERS:
            raise ValueError("OTKLIK_SECRET_KEY is a placeholder; set a real secret or leave it empty to generate one")
        return self

    @property
    def effective_database_url(self) -> str:
        """The database URL in force."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'otklik.db').resolve()}"

    def resolved_secret_key(self) -> str:
        """The session secret: the configured one, or one generated once and kept in the data dir."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key, encoding="utf-8")
        path.chmod(0o600)
        return key


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment plus ``overrides``; a bad value is a ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
