"""Composition: builds the engine, unit-of-work factory, clock, writer and reply guards from Settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from otklik.clock import Clock, SystemClock
from otklik.config import Settings
from otklik.domain.sla import SlaConfig
from otklik.services.sla_config import load_sla_config
from otklik.store.engine import make_engine
from otklik.store.uow import SqlUnitOfWork

# What only the desk and the worker use is loaded when they are built (numpy, httpx and every
# connector among it), so that a command that needs the database alone starts quickly.
if TYPE_CHECKING:
    from otklik.domain.compensation import CompensationPolicy
    from otklik.services.auth import SessionSigner
    from otklik.services.brand import BrandKeywords
    from otklik.services.guards import ReplyGuards
    from otklik.services.ratelimit import OutboundLimiter
    from otklik.services.sources import SourceConfigs, SourceSecrets
    from otklik.services.throttle import LoginThrottle
    from otklik.services.triage import ActiveSchema
    from otklik.services.writer import IngestWriter


@dataclass
class Store:
    """The database side alone (engine, clock, SLA rules): what a bulk import needs."""

    settings: Settings
    engine: Engine
    clock: Clock
    sla_config: SlaConfig = field(init=False)

    def __post_init__(self) -> None:
        # Read at start so a broken SLA file stops the process with its lines, not later.
        self.sla_config = load_sla_config(self.settings.sla_file)

    def use_sla(self, config: SlaConfig) -> None:
        """Switch to another SLA configuration (tests, or after the file changed)."""
        self.sla_config = config

    def uow(self, write: bool = True) -> SqlUnitOfWork:
        """A new unit of work."""
        return SqlUnitOfWork(self.engine, write=write, sla=self.sla_config)

    def close(self) -> None:
        """Release connections."""
        self.engine.dispose()


def open_store(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> Store:
    """The database side for ``settings``; brings the database schema up to date first."""
    return Store(settings=settings, engine=_engine(settings, migrate=migrate), clock=clock or SystemClock())


def _engine(settings: Settings, *, migrate: bool) -> Engine:
    url = settings.effective_database_url
    if migrate:
        from otklik.store.migrate import upgrade_database  # Alembic: only when migrating

        upgrade_database(url)
    return make_engine(url)


@dataclass
class Services(Store):
    """Everything the entrypoints need, built once."""

    signer: SessionSigner
    writer: IngestWriter = field(init=False)
    source_secrets: SourceSecrets = field(init=False)
    source_configs: SourceConfigs = field(init=False)
    login_throttle: LoginThrottle = field(init=False)
    guards: ReplyGuards = field(init=False)
    brand_keywords: BrandKeywords = field(init=False)
    outbound_limiter: OutboundLimiter = field(init=False)
    compensation: CompensationPolicy = field(init=False)
    _schema: ActiveSchema | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        from otklik.services.brand import BrandKeywords
        from otklik.services.compensation import load_compensation_policy
        from otklik.services.ratelimit import OutboundLimiter
        from otklik.services.sources import SourceConfigs, SourceSecrets
        from otklik.services.throttle import LoginThrottle
        from otklik.services.writer import IngestWriter

        super().__post_init__()
        self.writer = IngestWriter(self.uow, self.clock, max_batch=self.settings.ingest_batch_max)
        self.source_secrets = SourceSecrets(self.uow)
        self.source_configs = SourceConfigs(self.uow)
        self.login_throttle = LoginThrottle()
        self.guards = build_guards(self.settings)
        self.brand_keywords = BrandKeywords(self.uow, default=self.settings.brand_keywords)
        # One limiter per process, so its buckets carry from one delivery pass to the next.
        self.outbound_limiter = OutboundLimiter(self.clock, overrides=self.settings.channel_rate_limits)
        self.compensation = load_compensation_policy(self.settings.compensation_file)

    @property
    def schema(self) -> ActiveSchema:
        """The response schema in force, recorded as a version on first use."""
        if self._schema is None:
            from otklik.services.triage import activate_schema
            from otklik.triage.schema import load_schema

            self._schema = activate_schema(load_schema(self.settings.schema_file), uow_factory=self.uow, clock=self.clock)
        return self._schema

    def use_schema(self, active: ActiveSchema) -> None:
        """Switch to another schema version (after ``otklik schema load`` or in tests)."""
        self._schema = active

    def close(self) -> None:
        """Stop the writer and release connections."""
        self.writer.stop()
        super().close()


def build_guards(settings: Settings) -> ReplyGuards:
    """The reply guards with the brand's severities, window, formal address and channel limits."""
    from otklik.guards import GuardConfig, parse_severities
    from otklik.services.guards import ReplyGuards

    return ReplyGuards(
        config=GuardConfig(severities=parse_severities(settings.guard_severities)),
        window=timedelta(days=settings.guard_window_days),
        length_limits=settings.guard_length_limits,
        address=settings.guard_address,
    )


def build_services(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> Services:
    """Build the services for ``settings``; brings the database schema up to date first."""
    from otklik.services.auth import SessionSigner

    engine = _engine(settings, migrate=migrate)
    signer = SessionSigner(settings.resolved_secret_key(), max_age_s=settings.session_max_age_s)
    return Services(settings=settings, engine=engine, clock=clock or SystemClock(), signer=signer)
