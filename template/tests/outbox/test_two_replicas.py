"""A province replica forwards over Open311 to a regency replica (both served on loopback),
through an outage of the regency's server, and reads the regency's status back."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.profile import Profile, Service
from app.domain import workflow
from app.models import Officer, OfficerRole, OutboxMessage, Report, ReportStatus
from tests.conftest import Places
from tests.served import free_port, serve

WAIT_SECONDS = 60.0
REQUESTABLE = ("report", "application")


def _plain(service: Service) -> bool:
    return service.kind in REQUESTABLE and not any(a.required for a in service.attributes)


def pick_services(profile: Profile) -> tuple[str, str, str]:
    """(outside agency, the province's service of it, the regency's service for it).

    The regency's replica is made from the same profile here: it takes the report as one of
    its own services when the catalogue has a plain one, else as the same service.
    """
    outside = {a.code for a in profile.agencies if a.external}
    forwarded = next((s for s in profile.services if s.agency in outside and _plain(s)), None)
    if forwarded is None:
        pytest.skip("the profile has no outside agency with a service without required fields")
    own = next((s for s in profile.services if s.agency not in outside and _plain(s)), forwarded)
    return forwarded.agency, forwarded.code, own.code


def wait_for(what: str, check: Callable[[], Any]) -> Any:
    """`check()`'s first truthy answer, polled for at most WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _forward_state(engine: Engine, number: str) -> tuple[Any, ...] | None:
    with Session(engine) as session:
        report = session.scalars(select(Report).where(Report.tracking_number == number)).one()
        forward = report.forwards[0]
        message = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.payload["forward_id"].as_integer() == forward.id
            )
        ).one()
        return (message.state, message.attempts, message.last_error, forward.remote_id)


def test_province_forwards_to_the_regency_replica_and_survives_its_outage(
    tmp_path: Path, places: Places, profile: Profile
) -> None:
    external, province_service, regency_service = pick_services(profile)
    port = free_port()
    regency_dir = tmp_path / "regency"
    with serve(regency_dir, workers=1, sqlite=True, port=port) as regency:
        api_key = regency.api_key
    # the regency's server is down from here on, until it is started again below
    forwarding = {
        external: {
            "transport": "open311",
            "url": f"http://127.0.0.1:{port}/open311/v2",
            "api_key": api_key,
            "service_code": regency_service,
        }
    }
    env = {
        "FORWARDING": json.dumps(forwarding),
        "OUTBOX_INTERVAL_SECONDS": "0.3",
        "OUTBOX_RETRY_BASE_SECONDS": "0.5",
        "OUTBOX_RETRY_MAX_SECONDS": "1",
        "FORWARD_POLL_SECONDS": "0.5",
        "FORWARD_TIMEOUT": "3",
    }
    with serve(tmp_path / "province", workers=1, sqlite=True, env=env) as province:
        filed = httpx.post(
            f"{province.base}/api/reports",
            data={
                "service_code": province_service,
                "description": "Jalan kabupaten berlubang dalam",
                "region_code": places.village.code,
                "contact_email": "warga@example.org",
            },
            timeout=10,
        )
        assert filed.status_code == 201, filed.text
        assert filed.json()["outside_authority"] is True
        number = filed.json()["tracking_number"]
        engine = province.engine()
        try:
            state = wait_for(
                "two failed attempts",
                lambda: (s := _forward_state(engine, number)) and s[1] >= 2 and s,
            )
            assert state[0] == "pending"  # nothing lost: still waiting for the regency
            assert "ConnectError" in (state[2] or "")
            assert state[3] is None

            with serve(regency_dir, workers=1, sqlite=True, port=port) as regency_again:
                delivered = wait_for(
                    "the delivery",
                    lambda: (s := _forward_state(engine, number)) and s[0] == "sent" and s,
                )
                remote_id = delivered[3]
                assert remote_id
                remote = httpx.get(
                    f"{regency_again.base}/open311/v2/requests/{remote_id}.json", timeout=10
                ).json()[0]
                assert remote["service_code"] == regency_service
                assert remote["status"] == "open"

                # the regency's officer rejects it; the province's timeline shows the outcome
                regency_engine = regency_again.engine()
                try:
                    with Session(regency_engine) as session:
                        officer = Officer(
                            email="petugas@kab.example.org",
                            full_name="Petugas Kabupaten",
                            password_hash="-",
                            role=OfficerRole.OPERATOR,
                            region_code=places.province.code,
                        )
                        session.add(officer)
                        session.commit()
                        report = session.scalars(
                            select(Report).where(Report.tracking_number == remote_id)
                        ).one()
                        workflow.transition(
                            session,
                            report,
                            target=ReportStatus.DITOLAK,
                            note="Sudah ditangani dalam program perbaikan 2027",
                            officer=officer,
                        )
                finally:
                    regency_engine.dispose()

                def closed_in_timeline() -> bool:
                    track = httpx.get(f"{province.base}/api/track/{number}", timeout=10).json()
                    return any(
                        "selesai" in (step["note"] or "") and "Status di" in (step["note"] or "")
                        for step in track["history"]
                    )

                wait_for("the regency's status in the province's timeline", closed_in_timeline)
            track = httpx.get(f"{province.base}/api/track/{number}", timeout=10).json()
            notes = [step["note"] for step in track["history"] if step["note"]]
            assert any(note.startswith("Diteruskan kepada") for note in notes)
        finally:
            engine.dispose()
