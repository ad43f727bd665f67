"""Alembic environment: runs migrations against the URL the config names."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from otklik.store.engine import make_engine
from otklik.store.tables import metadata

config = context.config


def run_migrations_online() -> None:
    """Run migrations with a live connection (the only mode we use)."""
    url = config.get_main_option("sqlalchemy.url")
    assert url  # noqa: S101 - set by otklik.store.migrate.alembic_config
    engine = make_engine(url) if url.startswith("sqlite") else create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
