"""Load on a Lampung replica served by 1 and 2 uvicorn workers on one PostgreSQL database.

Run: JAKI_FORGE_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:55432/DB python bench/scale.py
     [--clients 16] [--seconds 10]

Renders the replica from the working tree, installs it next to this Python's packages, migrates a
throw-away schema, then for each worker count serves on a free loopback port and keeps `--clients`
concurrent clients busy for `--seconds` on each path; prints req/s, p50 and p99 in ms, errors.
Everything stops by itself; the schema is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import ROOT, snapshot_template

from jaki_forge.replica.create import generate

PATHS = ("/open311/v2/services.json", "/api/regions/search?q=kedaton", "/")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _install(replica: Path) -> Path:
    """A venv with the replica installed; its dependencies come from this Python's site-packages."""
    sys.path.insert(0, str(ROOT))
    from tests.conftest import install

    return install(replica)


@contextlib.contextmanager
def _schema(url: str) -> Iterator[str]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@contextlib.contextmanager
def _served(python: Path, replica: Path, env: dict[str, str], workers: int) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [str(python), "-m", "app", "serve", "--port", str(port), "--workers", str(workers), "--no-init"],
        cwd=replica,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the replica did not start on {base}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


async def _load(base: str, path: str, *, clients: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                response = await http.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - start)
            else:
                errors += 1

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=10, limits=limits) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    ordered = sorted(latencies) or [0.0]
    return {
        "rps": len(latencies) / seconds,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> None:
    """Print one line per worker count and path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    url = os.environ.get("JAKI_FORGE_TEST_POSTGRES_URL")
    if not url:
        raise SystemExit("set JAKI_FORGE_TEST_POSTGRES_URL to a PostgreSQL database this benchmark may use")
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as scratch, _schema(url) as schema:
        work = Path(scratch)
        template = snapshot_template(work / "template")
        replica = generate(ROOT / "profiles" / "lampung.yaml", work / "lampung", template=str(template)).path
        python = _install(replica)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("JAKI_FORGE_")},
            "DATABASE_URL": url,
            "DATABASE_SCHEMA": schema,
            "SECRET_KEY": "bench-secret-key-shared-by-all-workers-0123456789",
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run([str(python), "-m", "app", "init-db"], cwd=replica, env=env, check=True, capture_output=True)
        print(f"{'workers':>7} {'path':<34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
        for workers in (1, 2):
            with _served(python, replica, env, workers) as base:
                for path in PATHS:
                    result = asyncio.run(_load(base, path, clients=args.clients, seconds=args.seconds))
                    print(
                        f"{workers:>7} {path:<34} {result['rps']:>8.1f} {result['p50']:>8.1f} "
                        f"{result['p99']:>8.1f} {result['errors']:>6}"
                    )


if __name__ == "__main__":
    main()
