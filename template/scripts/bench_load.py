"""Load-test a served replica on loopback: req/s, p50, p99 and errors per endpoint and client count.

    python scripts/bench_load.py                          # 1, 16, 64 clients, 5 s each
    python scripts/bench_load.py --clients 1 16 --duration 3 --workers 2

The script starts its own server (`python -m app serve`) on 127.0.0.1 at a free port, on a
fresh temporary SQLite database (or DATABASE_URL when it is PostgreSQL, in a throw-away
schema), runs each scenario for a fixed time and stops the server again. It never talks to
anything but that server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("services", "home", "open311-post")
STARTUP_SECONDS = 60.0


@dataclass
class Result:
    """What one scenario at one client count measured."""

    scenario: str
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def errors(self) -> int:
        """Responses that were not 2xx, and requests that failed outright."""
        return sum(n for status, n in self.statuses.items() if not status.startswith("2"))

    def row(self) -> dict[str, float | int | str]:
        """The figures of this result."""
        done = len(self.latencies_ms)
        ordered = sorted(self.latencies_ms) or [0.0]
        return {
            "scenario": self.scenario,
            "clients": self.clients,
            "requests": done,
            "req_s": round(done / self.seconds, 1),
            "p50_ms": round(statistics.median(ordered), 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
            "errors": self.errors,
            "statuses": " ".join(f"{k}:{v}" for k, v in sorted(self.statuses.items())),
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_env(tmp: Path) -> tuple[dict[str, str], str | None]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return {"DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}"}, None
    import psycopg

    schema = f"bench_{secrets.token_hex(4)}"
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    return {"DATABASE_URL": url, "DATABASE_SCHEMA": schema}, schema


def _drop_schema(schema: str) -> None:
    import psycopg

    plain = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@contextmanager
def served(*, workers: int, extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, str]]:
    """(base URL, Open311 API key) of a fresh replica served on loopback; stopped afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-load-") as name:
        tmp = Path(name)
        db_env, schema = _database_env(tmp)
        env = {
            **os.environ,
            **db_env,
            "ENVIRONMENT": "local",
            "SECRET_KEY": secrets.token_urlsafe(32),
            "STORAGE_DIR": str(tmp / "uploads"),
            "INSTANCE_DIR": str(tmp / "instance"),
            "LOG_LEVEL": "WARNING",
            # the bench measures throughput, not the per-key abuse limit
            "RATE_LIMIT_OPEN311_POST": "1000000/minute",
            **(extra_env or {}),
        }
        app = [sys.executable, "-m", "app"]
        port = _free_port()
        options = ["--workers", str(workers), "--no-init"]
        log = (tmp / "server.log").open("w")
        server = None
        try:
            subprocess.run([*app, "init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
            created = subprocess.run(
                [*app, "create-api-key", "bench"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            key = created.stdout.strip().splitlines()[-1]
            server = subprocess.Popen(
                [*app, "serve", "--host", "127.0.0.1", "--port", str(port), *options],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"the server stopped at start-up; see {log.name}")
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not answer /healthz within a minute")
                time.sleep(0.2)
            yield base, key
        finally:
            if server is not None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            log.close()
            if schema is not None:
                _drop_schema(schema)


def _request(scenario: str, key: str, service_code: str) -> tuple[str, str, dict[str, str] | None]:
    if scenario == "services":
        return "GET", "/open311/v2/services.json", None
    if scenario == "home":
        return "GET", "/", None
    form = {
        "api_key": key,
        "service_code": service_code,
        "description": "Uji beban: jalan berlubang",
        "address_string": "Jalan Uji 1",
    }
    return "POST", "/open311/v2/requests.json", form


async def _run(
    base: str, key: str, service_code: str, scenario: str, *, clients: int, seconds: float
) -> Result:
    result = Result(scenario=scenario, clients=clients, seconds=seconds)
    method, path, form = _request(scenario, key, service_code)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        stop = time.monotonic() + seconds

        async def one_client() -> None:
            while time.monotonic() < stop:
                started = time.perf_counter()
                try:
                    response = await client.request(method, path, data=form)
                    status = str(response.status_code)
                except httpx.HTTPError as error:
                    status = type(error).__name__
                result.latencies_ms.append((time.perf_counter() - started) * 1000)
                result.statuses[status] += 1

        await asyncio.gather(*(one_client() for _ in range(clients)))
    return result


def _service_code(base: str) -> str:
    services = httpx.get(base + "/open311/v2/services.json", timeout=10).json()
    plain = [s for s in services if not s["metadata"]] or services
    return str(plain[0]["service_code"])


def main(argv: Sequence[str] | None = None) -> list[Result]:
    """Run every scenario at every client count and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per scenario")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    args = parser.parse_args(argv)
    if not 0 < args.duration <= 600 or not all(0 < c <= 512 for c in args.clients):
        parser.error("use 1-512 clients and a duration of at most 600 seconds")
    results = []
    with served(workers=args.workers) as (base, key):
        service_code = _service_code(base)
        print(f"{'scenario':<14}{'clients':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
        for scenario in args.scenarios:
            for clients in args.clients:
                result = asyncio.run(
                    _run(base, key, service_code, scenario, clients=clients, seconds=args.duration)
                )
                row = result.row()
                print(
                    f"{scenario:<14}{clients:>8}{row['req_s']:>9}{row['p50_ms']:>9}"
                    f"{row['p99_ms']:>9}{row['errors']:>8}  {row['statuses']}",
                    flush=True,
                )
                results.append(result)
    return results


if __name__ == "__main__":
    main()
