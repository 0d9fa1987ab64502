"""Alembic environment: uses the caller's connection, else the app's DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from app.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Emit SQL for the configured URL without connecting (`alembic upgrade head --sql`)."""
    from app.core.config import get_settings

    context.configure(
        url=get_settings().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate through the connection given by the app, or one made from the settings."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from app.core.config import get_settings
    from app.core.db import create_db_engine

    engine = create_db_engine(get_settings())
    with engine.begin() as new_connection:
        _run(new_connection)
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
