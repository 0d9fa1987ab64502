"""The cached catalogue follows every change: ORM flushes, seeding and other worker processes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from app.core.db import create_session_factory
from app.domain.catalogue_cache import (
    CATALOGUE_VERSION_KEY,
    CatalogueCache,
    catalogue_version,
)
from app.models import AppMeta, Service

CODE = "ZZ-TEST-PROVINCE"


def _names(client: TestClient) -> dict[str, str]:
    services = client.get("/open311/v2/services.json").json()
    return {s["service_code"]: s["service_name"] for s in services}


def test_a_change_through_the_orm_shows_on_the_next_request(
    client: TestClient, session: Session
) -> None:
    assert _names(client)[CODE] == "Uji Provinsi"
    assert "Uji Provinsi" in client.get("/").text
    service = session.get(Service, CODE)
    assert service is not None
    before = catalogue_version(session)
    try:
        service.name = {"id": "Uji Provinsi Baru", "en": "New test service"}
        session.commit()
        assert catalogue_version(session) != before
        assert _names(client)[CODE] == "Uji Provinsi Baru"
        assert client.get("/open311/v2/services.xml").text.count("Uji Provinsi Baru") == 1
        assert "Uji Provinsi Baru" in client.get("/").text
        assert "Uji Provinsi Baru" in client.get("/services").text
    finally:
        service.name = {"id": "Uji Provinsi", "en": "Uji Provinsi"}
        session.commit()
    assert _names(client)[CODE] == "Uji Provinsi"


def test_another_workers_change_is_seen_after_the_check_interval(engine: Engine) -> None:
    factory = create_session_factory(engine)
    every_request = CatalogueCache(check_seconds=0)
    hourly = CatalogueCache(check_seconds=3600)
    first = every_request.refresh(factory)
    cached = hourly.refresh(factory)
    assert every_request.fresh() is None
    assert hourly.fresh() is cached
    # another process: plain SQL, no ORM event in this process
    with engine.begin() as connection:
        connection.execute(
            update(Service).where(Service.code == CODE).values(sla_days=Service.sla_days + 1)
        )
        connection.execute(
            update(AppMeta)
            .where(AppMeta.key == CATALOGUE_VERSION_KEY)
            .values(value="changed-elsewhere")
        )
    try:
        again = every_request.refresh(factory)
        assert again is not first
        assert again.version == "changed-elsewhere"
        assert again.by_code[CODE].sla_days == first.by_code[CODE].sla_days + 1
        assert hourly.fresh() is cached  # bounded staleness: until its next check
        assert hourly.refresh(factory).version == "changed-elsewhere"
    finally:
        with factory() as session:
            service = session.get(Service, CODE)
            assert service is not None
            service.sla_days -= 1
            session.commit()
    # the snapshot is detached: reading it needs no session
    assert again.by_code[CODE].agency.code == "ZZ-TEST-DINAS"


def test_seeding_moves_the_version(engine: Engine, test_profile) -> None:
    from app.domain.seed import seed_database

    factory = create_session_factory(engine)
    with factory() as session:
        before = catalogue_version(session)
        seed_database(session, test_profile)
        assert catalogue_version(session) not in ("", before)
