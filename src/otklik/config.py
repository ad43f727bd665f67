"""Settings: built once by :func:`load_settings` and passed in; never at import time."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from otklik.domain.promise import CONTACT_KINDS
from otklik.domain.wording import LANGUAGES
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
    channel_rate_limits: dict[str, str] = Field(
        default_factory=dict,
        description='Outbound calls allowed per token, per channel kind, JSON: {"mastodon": "300/5m", "vk": "20/s"}; a kind not named keeps its documented default.',
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
    sla_file: Path | None = Field(
        None,
        description="The SLA file (YAML): response targets per priority, team hours, holidays, care windows. Empty: the shipped default (24/7).",
    )
    sla_warn_interval_s: float = Field(30.0, description="Seconds between the worker's scans for SLA clocks crossing a threshold.")
    sla_smtp_host: str | None = Field(None, description="SMTP server SLA warnings are e-mailed through. Empty: no e-mail.")
    sla_smtp_port: int = Field(25, description="Port of the SMTP server for SLA warnings.")
    sla_smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS before sending.")
    sla_smtp_user: str | None = Field(None, description="SMTP login for SLA warnings, if the server needs one.")
    sla_smtp_password: str | None = Field(None, description="SMTP password for SLA warnings.")
    sla_email_from: str = Field("otklik@localhost", description="The From address of SLA warning e-mails.")
    sla_email_to: tuple[str, ...] = Field(
        (),
        description="Addresses (JSON list) that receive every SLA warning e-mail, besides the agents it concerns.",
    )
    sla_webhook_url: str | None = Field(
        None, description="URL SLA warnings are POSTed to as signed JSON (`X-Otklik-Signature`). Empty: no webhook."
    )
    sla_webhook_secret: str | None = Field(None, description="Key of the HMAC-SHA256 signature of SLA warning webhooks.")

    compensation_file: Path | None = Field(
        None,
        description="The compensation policy (YAML): gestures offered with late answers, labelled in ru, pl and en. Empty: the shipped default.",
    )
    promise_response_minutes: int | None = Field(
        None,
        ge=1,
        description="The response time the brand publishes, in minutes; the promise page warns when the measured p90 is above it.",
    )
    promise_window_days: int = Field(28, ge=1, le=366, description="Days of first responses the published promise is measured over.")
    brand_contacts: dict[str, str] = Field(
        default_factory=dict,
        description='Other ways to reach the brand, JSON: {"faq": URL, "email": …, "phone": …, "dm": …}; named in the promise and the off-hours notice.',
    )
    round_the_clock_expected: bool = Field(
        False,
        description="People expect this brand 24/7 (P15): no off-hours notice is published, and office hours are warned against.",
    )
    offhours_notice_targets: dict[str, str] = Field(
        default_factory=dict,
        description='Where the off-hours notice is pinned, JSON: source name → chat or page id, e.g. {"tg-volna": "-1001234567890"}.',
    )
    offhours_team: str | None = Field(
        None, description="The team whose hours the off-hours notice follows. Empty: the SLA file's default team."
    )
    offhours_languages: tuple[str, ...] = Field(
        ("ru", "pl", "en"), description="Languages the off-hours notice is written in, in order (JSON list of ru, pl, en)."
    )
    followup_days: dict[str, int] = Field(
        default_factory=lambda: {"complaint": 3, "question": 5},
        description="Days after resolving a conversation of each triage kind that its follow-up falls due, JSON; a kind not named gets none.",
    )

    @field_validator("brand_contacts")
    @classmethod
    def _check_contacts(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(CONTACT_KINDS))
        if unknown:
            raise ValueError(f"unknown contact kind {', '.join(unknown)}; use {', '.join(CONTACT_KINDS)}")
        return value

    @field_validator("offhours_languages")
    @classmethod
    def _check_notice_languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [lang for lang in value if lang not in LANGUAGES]
        if unknown or not value:
            raise ValueError(f"the off-hours notice is written in some of {', '.join(LANGUAGES)}, not {unknown or 'none'}")
        return value

    @field_validator("followup_days")
    @classmethod
    def _check_followup_days(cls, value: dict[str, int]) -> dict[str, int]:
        bad = sorted(kind for kind, days in value.items() if not 1 <= days <= 90)
        if bad:
            raise ValueError(f"a follow-up falls due 1 to 90 days after resolving: {', '.join(bad)}")
        return value

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
