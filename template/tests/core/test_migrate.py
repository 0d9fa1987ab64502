"""Migrations: an empty database upgrades to the models' schema and downgrades again."""

from __future__ import annotations

from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text

from app.core.db import create_session_factory
from app.core.migrate import downgrade_database, upgrade_database
from app.core.profile import Profile
from app.domain.seed import seed_database
from app.models import Base, ReportTransition, utcnow
from tests.conftest import Places


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


def test_0002_upgrades_a_database_created_at_0001(
    empty_engine: Engine, test_profile: Profile, places: Places
) -> None:
    upgrade_database(empty_engine, "0001")
    columns = {c["name"] for c in inspect(empty_engine).get_columns("report_transitions")}
    assert "to_agency_code" not in columns
    now = utcnow()
    with create_session_factory(empty_engine)() as session:
        seed_database(session, test_profile)
    # columns as they were at 0001 (the models have more since)
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO reports (tracking_number, token, service_code, description,"
                " attributes, handling_agency_code, handling_region_code, outside_authority,"
                " status, is_public, anonymous, source, created_at, updated_at, due_at)"
                " VALUES ('UJI-2026-MIGRAS', :token, 'ZZ-TEST-REGENCY', 'Laporan lama', '{}',"
                " 'ZZ-TEST-OTHER', :region, false, 'Proses', false, false, 'api', :now, :now,"
                " :due)"
            ),
            {
                "token": "t" * 32,
                "region": places.regency.code,
                "now": now,
                "due": now + timedelta(days=5),
            },
        )
        report_id = connection.scalar(
            text("SELECT id FROM reports WHERE tracking_number = 'UJI-2026-MIGRAS'")
        )
    steps = [(None, "Menunggu", "reporter"), ("Menunggu", "Proses", "Petugas")]
    with empty_engine.begin() as connection:
        for from_status, to_status, actor in steps:
            connection.execute(
                text(
                    "INSERT INTO report_transitions"
                    " (report_id, from_status, to_status, actor, created_at)"
                    " VALUES (:report, :from_status, :to_status, :actor, :at)"
                ),
                {
                    "report": report_id,
                    "from_status": from_status,
                    "to_status": to_status,
                    "actor": actor,
                    "at": now,
                },
            )

    upgrade_database(empty_engine)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, Base.metadata) == []
    with create_session_factory(empty_engine)() as session:
        rows = session.scalars(
            select(ReportTransition)
            .where(ReportTransition.report_id == report_id)
            .order_by(ReportTransition.id)
        ).all()
        units = [
            (r.from_agency_code, r.from_region_code, r.to_agency_code, r.to_region_code)
            for r in rows
        ]
    regency = places.regency.code
    assert units == [
        (None, None, "ZZ-TEST-OTHER", regency),
        ("ZZ-TEST-OTHER", regency, "ZZ-TEST-OTHER", regency),
    ]
    assert not any(r.moved_unit for r in rows)

    downgrade_database(empty_engine, "0001")
    columns = {c["name"] for c in inspect(empty_engine).get_columns("report_transitions")}
    assert "to_agency_code" not in columns
