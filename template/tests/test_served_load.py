"""A served replica under a burst of report submissions: no hang, honest answers, prompt stop."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.core.profile import Profile
from app.models import Report
from tests.served import Served, serve

BURST = 64  # concurrent submissions per channel
REQUEST_BOUND = 60.0  # seconds within which every request of the burst must be answered
HEALTH_BOUND = 2.0  # seconds within which /healthz must answer during the burst
WORKERS = 2 if os.environ.get("DATABASE_URL", "").startswith("postgres") else 1


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for this module: SQLite with 1 worker, PostgreSQL with 2."""
    tmp = tmp_path_factory.mktemp("served")
    # the per-key submission limit is tested elsewhere; here one key floods on purpose
    env = {"RATE_LIMIT_OPEN311_POST": "100000/minute", "RATE_LIMIT_REPORT_POST": "100000/minute"}
    with serve(tmp, workers=WORKERS, env=env) as server:
        yield server


def _plain_service(profile: Profile) -> str:
    """A requestable service without required attributes."""
    for service in profile.services:
        if service.kind == "report" and not any(a.required for a in service.attributes):
            return service.code
    pytest.skip("the profile has no report service without required attributes")


async def _burst(served: Served, service_code: str) -> dict[str, Any]:
    open311 = {
        "api_key": served.api_key,
        "service_code": service_code,
        "description": "Uji beban Open311",
        "address_string": "Jalan Uji 1",
    }
    api = {
        "service_code": service_code,
        "description": "Uji beban API",
        "address": "Jalan Uji 2",
        "contact_email": "warga@example.org",
    }
    timeout = httpx.Timeout(REQUEST_BOUND)
    limits = httpx.Limits(max_connections=3 * BURST)
    async with httpx.AsyncClient(base_url=served.base, timeout=timeout, limits=limits) as client:
        done = asyncio.Event()
        health: list[float] = []

        async def post(path: str, data: dict[str, str]) -> httpx.Response:
            return await client.post(path, data=data)

        async def probe() -> None:
            async with httpx.AsyncClient(base_url=served.base, timeout=HEALTH_BOUND) as own:
                while not done.is_set():
                    started = time.monotonic()
                    response = await own.get("/healthz")
                    assert response.status_code == 200
                    health.append(time.monotonic() - started)
                    await asyncio.sleep(0.1)

        prober = asyncio.create_task(probe())
        started = time.monotonic()
        answers = await asyncio.gather(
            *(post("/open311/v2/requests.json", open311) for _ in range(BURST)),
            *(post("/api/reports", api) for _ in range(BURST)),
        )
        elapsed = time.monotonic() - started
        done.set()
        await prober
    return {"answers": answers, "elapsed": elapsed, "health": health}


def test_burst_of_submissions_is_answered_and_every_201_is_stored(
    served: Served, profile: Profile
) -> None:
    result = asyncio.run(_burst(served, _plain_service(profile)))
    answers: list[httpx.Response] = result["answers"]
    assert result["elapsed"] < REQUEST_BOUND
    assert result["health"], "/healthz was not probed during the burst"
    statuses = [a.status_code for a in answers]
    print(
        f"burst: {result['elapsed']:.1f} s, {statuses.count(201)} x 201, "
        f"{statuses.count(503)} x 503, /healthz max {max(result['health']):.2f} s"
    )
    assert set(statuses) <= {201, 503}, statuses
    numbers = set()
    for index, answer in enumerate(answers):
        if answer.status_code == 503:
            assert int(answer.headers["Retry-After"]) > 0
            body = answer.json()
            if index < BURST:  # Open311 error format
                assert body[0]["code"] == 503
                assert body[0]["description"]
            else:
                assert body["detail"]
        elif index < BURST:
            numbers.add(answer.json()[0]["service_request_id"])
        else:
            numbers.add(answer.json()["tracking_number"])
    assert len(numbers) == statuses.count(201)
    assert statuses.count(201) >= BURST  # most of the burst gets through
    engine = served.engine()
    with engine.connect() as connection:
        stored = set(connection.scalars(select(Report.tracking_number)))
        count = connection.scalar(select(func.count()).select_from(Report))
    engine.dispose()
    assert stored == numbers
    assert count == len(numbers)


def test_every_request_is_logged_once_by_every_worker(served: Served) -> None:
    path = "/open311/v2/discovery.json"
    count = 12 * WORKERS

    def entries() -> list[dict[str, Any]]:
        lines = served.log.read_text().splitlines()
        return [json.loads(line) for line in lines if line[:1] == "{"]

    before = sum(1 for e in entries() if e.get("path") == path)

    async def probe() -> list[int]:
        async def one() -> int:
            async with httpx.AsyncClient(base_url=served.base, timeout=30) as client:
                return (await client.get(path)).status_code

        return await asyncio.gather(*(one() for _ in range(count)))

    assert asyncio.run(probe()) == [200] * count
    time.sleep(0.5)
    logged = entries()
    workers = {e["pid"] for e in logged if e["message"].startswith("Started server process")}
    assert len(workers) == WORKERS  # every worker writes structured lines
    probes = [e for e in logged if e.get("path") == path][before:]
    assert len(probes) == count  # one line per request: none from uvicorn.access
    assert not [e for e in logged if e.get("logger") == "uvicorn.access"]
    assert all(e["logger"] == "app.access" and e["status"] == 200 for e in probes)
    assert all(e["pid"] in workers for e in probes)
    assert all(isinstance(e["duration_ms"], float | int) for e in probes)


def test_sigterm_stops_the_server_within_seconds_even_mid_burst(
    served: Served, profile: Profile, tmp_path: Path
) -> None:
    async def hammer() -> None:
        async with httpx.AsyncClient(base_url=served.base, timeout=30) as client:
            data = {
                "api_key": served.api_key,
                "service_code": _plain_service(profile),
                "description": "Uji henti",
                "address_string": "Jalan Uji 3",
            }
            tasks = [
                asyncio.create_task(client.post("/open311/v2/requests.json", data=data))
                for _ in range(BURST)
            ]
            await asyncio.sleep(0.3)
            stopped = await asyncio.to_thread(served.stop, timeout=30)
            assert stopped < 15, f"the server took {stopped:.1f} s to stop after SIGTERM"
            await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(hammer())
    assert served.process.returncode is not None
