"""A replica served by a real uvicorn process on loopback, for tests that need real concurrency."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine, text

from app.core.config import Settings
from app.core.db import create_db_engine

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60.0


@dataclass
class Served:
    """A running server: its URL, an Open311 API key, its process, log and database."""

    base: str
    api_key: str
    process: subprocess.Popen[bytes]
    log: Path
    settings: Settings

    def engine(self) -> Engine:
        """An engine on the server's database (dispose it after use)."""
        return create_db_engine(self.settings)

    def stop(self, *, timeout: float) -> float:
        """Send SIGTERM and return the seconds until the process ended (kill after `timeout`)."""
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return float("inf")
        return time.monotonic() - started


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database(tmp: Path, *, sqlite: bool = False) -> tuple[dict[str, str], str | None]:
    url = os.environ.get("DATABASE_URL", "")
    if sqlite or not url.startswith("postgres"):
        return {"DATABASE_URL": f"sqlite:///{tmp / 'served.db'}"}, None
    url = Settings(_env_file=None, database_url=url).database_url  # type: ignore[call-arg]
    schema = f"served_{secrets.token_hex(4)}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return {"DATABASE_URL": url, "DATABASE_SCHEMA": schema}, schema


def _drop(schema: str, url: str) -> None:
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


@contextmanager
def serve(
    tmp: Path,
    *,
    workers: int,
    env: dict[str, str] | None = None,
    sqlite: bool = False,
    port: int | None = None,
) -> Iterator[Served]:
    """Initialise the database (kept in `tmp` on SQLite), issue an API key and serve on `port`
    (default: a free one); always stopped afterwards."""
    tmp.mkdir(parents=True, exist_ok=True)
    db_env, schema = _database(tmp, sqlite=sqlite)
    full_env = {
        **os.environ,
        **db_env,
        "ENVIRONMENT": "test",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "STORAGE_DIR": str(tmp / "uploads"),
        "INSTANCE_DIR": str(tmp / "instance"),
        "LOG_JSON": "true",
        **(env or {}),
    }
    command = [sys.executable, "-m", "app"]
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=db_env["DATABASE_URL"],
        database_schema=db_env.get("DATABASE_SCHEMA"),
    )
    log = tmp / "server.log"
    process = None
    try:
        subprocess.run(
            [*command, "init-db"], cwd=ROOT, env=full_env, check=True, capture_output=True
        )
        key = subprocess.run(
            [*command, "create-api-key", "uji-beban"],
            cwd=ROOT,
            env=full_env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        port = port or free_port()
        options = ["--workers", str(workers), "--no-init"]
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*command, "serve", "--host", "127.0.0.1", "--port", str(port), *options],
                cwd=ROOT,
                env=full_env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        served = Served(f"http://127.0.0.1:{port}", key, process, log, settings)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError("the server stopped at start-up:\n" + log.read_text())
            try:
                if httpx.get(served.base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /healthz:\n" + log.read_text())
            time.sleep(0.2)
        yield served
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        if schema is not None:
            _drop(schema, db_env["DATABASE_URL"])
