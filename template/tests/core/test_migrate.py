"""Migrations: an empty database upgrades to the models' schema and downgrades again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from app.core.migrate import downgrade_database, upgrade_database
from app.models import Base


def test_upgrade_creates_every_table_and_matches_models(empty_engine: Engine) -> None:
    upgrade_database(empty_engine)
    tables = set(inspect(empty_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_removes_the_tables(empty_engine: Engine) -> None:
    upgrade_database(empty_engine)
    downgrade_database(empty_engine)
    tables = set(inspect(empty_engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade_database(empty_engine)
    assert "reports" in inspect(empty_engine).get_table_names()
