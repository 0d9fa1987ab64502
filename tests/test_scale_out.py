"""Two app processes of a replica on one PostgreSQL and one S3 store behave as one service."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import boto3
import httpx
import psycopg
import pytest
from aiosmtpd.controller import Controller
from moto.server import ThreadedMotoServer
from PIL import Image

from .conftest import install, replica_env, run

POSTGRES_URL = os.environ.get("JAKI_FORGE_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="set JAKI_FORGE_TEST_POSTGRES_URL (.ci/run does)")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


PNG = _png()
VILLAGE, SERVICE = "18.71.01.1003", "SARPRAS-DESA-RUSAK"
PASSWORD = "rahasia-sekali-123"
BURST, CLIENTS = 40, 8
REGISTER_LIMIT = 10  # registrations per address and hour, for the shared-limit check
FAILED_LOGINS = 5  # the replica's default: 5 failed logins per account in 5 minutes


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def s3_server() -> Iterator[str]:
    """A real S3-compatible server (moto) on loopback, stopped at the end."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


class _Inbox:
    """Every message a loopback SMTP server (aiosmtpd) receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        """Keep the message."""
        self.messages.append(message_from_bytes(envelope.content, _class=EmailMessage, policy=policy.default))
        return "250 accepted"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to `address`."""
        return [message for message in self.messages if message["To"] == address]


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[int, _Inbox]]:
    """A real SMTP server on loopback, stopped at the end."""
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A throw-away schema in the test database."""
    schema = f"scale_{uuid.uuid4().hex[:8]}"
    admin_url = (POSTGRES_URL or "").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@contextlib.contextmanager
def served(python: Path, replica: Path, env: dict[str, str], count: int) -> Iterator[list[str]]:
    """`count` app processes of the replica, each on its own loopback port; all stopped at the end."""
    ports = [_free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [str(python), "-m", "app", "serve", "--port", str(port), "--no-init"],
            cwd=replica,
            env={**replica_env(), **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            deadline = time.monotonic() + 30
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    pytest.fail(f"the app process at {base} did not become ready")
                time.sleep(0.1)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_two_app_processes_share_one_database_and_one_bucket(replicas, monkeypatch):
    replica = replicas["lampung"]
    python = install(replica)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with s3_server() as endpoint, postgres_schema() as schema, smtp_server() as (smtp_port, inbox):
        credentials = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret"}
        for name, value in credentials.items():
            monkeypatch.setenv(name, value)
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        s3.create_bucket(Bucket="lampung-photos")
        env = {
            **credentials,
            "NO_PROXY": "127.0.0.1,localhost",
            "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "DATABASE_URL": POSTGRES_URL or "",
            "DATABASE_SCHEMA": schema,
            "SECRET_KEY": "one-secret-shared-by-every-app-process-0123456789",
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": "lampung-photos",
            "S3_ENDPOINT_URL": endpoint,
            "S3_REGION": "us-east-1",
            "LOG_LEVEL": "WARNING",
            "RATE_LIMIT_REGISTER_IP": f"{REGISTER_LIMIT}/hour",
            # both processes run the outbox worker against the one database and the one mail server
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "SMTP_SECURITY": "none",
            "OUTBOX_INTERVAL_SECONDS": "0.3",
        }
        # what the migration Job does once, before the app processes start
        run(python, "-m", "app", "init-db", "--no-force", cwd=replica, env=env)
        run(python, "-m", "app", "create-admin", "--email", "admin@lampung.test", "--full-name", "Admin",
            "--password", PASSWORD, cwd=replica, env=env)  # fmt: skip
        api_key = run(python, "-m", "app", "create-api-key", "kanal-uji", cwd=replica, env=env).stdout.strip()

        with served(python, replica, env, 2) as (first, second):
            # a burst of Open311 requests spread over both processes: every one stored once, numbers unique
            def post(index: int) -> str:
                base = (first, second)[index % 2]
                answer = httpx.post(
                    f"{base}/open311/v2/requests.json",
                    data={"api_key": api_key, "service_code": SERVICE, "description": f"Jembatan putus {index}",
                          "address_string": "Jl. Kedaton", "address_id": VILLAGE},
                    timeout=30,
                )  # fmt: skip
                assert answer.status_code in (200, 201), answer.text
                return answer.json()[0]["service_request_id"]

            with ThreadPoolExecutor(CLIENTS) as pool:
                numbers = list(pool.map(post, range(BURST)))
            assert len(set(numbers)) == BURST
            with psycopg.connect((POSTGRES_URL or "").replace("postgresql+psycopg://", "postgresql://")) as conn:
                stored = conn.execute(f"SELECT count(*) FROM {schema}.reports").fetchone()
            assert stored == (BURST,)
            # any process answers for a report the other one took
            for index, number in enumerate(numbers[:6]):
                other = (second, first)[index % 2]
                tracked = httpx.get(f"{other}/api/track/{number}", timeout=10)
                assert tracked.status_code == 200, tracked.text

            # a photo uploaded through one process is served by the other, from the shared bucket
            created = httpx.post(
                f"{first}/api/reports",
                data={"service_code": SERVICE, "description": "Jalan desa rusak", "region_code": VILLAGE,
                      "contact_email": "warga@example.org"},
                files=[("photos", ("a.png", PNG, "image/png"))],
                timeout=30,
            )  # fmt: skip
            assert created.status_code == 201, created.text
            number, access = created.json()["tracking_number"], created.json()["access_code"]
            listed = s3.list_objects_v2(Bucket="lampung-photos").get("Contents", [])
            assert [item["Key"] for item in listed] == [f"reports/reports/{number}/1.png"]
            headers = {"X-Access-Code": access}
            detail = httpx.get(f"{second}/api/reports/{number}", headers=headers, timeout=10).json()
            photo = httpx.get(
                f"{second}/api/reports/{number}/photos/{detail['photos'][0]['id']}", headers=headers, timeout=10
            )
            stored = s3.get_object(Bucket="lampung-photos", Key=listed[0]["Key"])["Body"].read()
            assert (photo.status_code, photo.content) == (200, stored)  # as stored (the app re-encodes uploads)
            assert Image.open(io.BytesIO(photo.content)).size == (32, 24)

            # a session started on one process is honoured by the other (one secret, state in the database)
            login = {"email": "admin@lampung.test", "password": PASSWORD}
            token = httpx.post(f"{first}/api/auth/officer-login", json=login, timeout=10)
            assert token.status_code == 200, token.text
            bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
            desk = httpx.get(f"{second}/api/desk/reports", headers=bearer, params={"limit": 100}, timeout=10)
            assert desk.status_code == 200, desk.text
            assert number in {r["tracking_number"] for r in desk.json()}

            # rate limits are counted once for the service, not once per process: a concurrent burst of
            # registrations spread over both processes gets exactly the limit through
            def register(index: int) -> httpx.Response:
                return httpx.post(f"{(first, second)[index % 2]}/api/auth/register", json={}, timeout=30)

            with ThreadPoolExecutor(CLIENTS) as pool:
                answers = list(pool.map(register, range(2 * REGISTER_LIMIT)))
            limited = [a for a in answers if a.status_code == 429]
            assert len(limited) == REGISTER_LIMIT, sorted(a.status_code for a in answers)
            assert all(int(a.headers["Retry-After"]) > 0 for a in limited)
            # failed logins lock the account on every process once the shared count is reached
            wrong = {"email": "admin@lampung.test", "password": "bukan-sandinya-123"}
            statuses = [
                httpx.post(f"{(first, second)[i % 2]}/api/auth/officer-login", json=wrong, timeout=10).status_code
                for i in range(FAILED_LOGINS + 2)
            ]
            assert statuses == [401] * FAILED_LOGINS + [429, 429]
            locked = httpx.post(f"{second}/api/auth/officer-login", json=login, timeout=10)
            assert locked.status_code == 429  # even the right password, on the other process

            # notifications: reports filed through both processes, whose outbox workers share one table,
            # each send their reporter's e-mail exactly once
            reporters = [f"warga{index}@example.org" for index in range(6)]
            for index, address in enumerate(reporters):
                filed = httpx.post(
                    f"{(first, second)[index % 2]}/api/reports",
                    data={"service_code": SERVICE, "description": f"Lampu padam {index}", "region_code": VILLAGE,
                          "contact_email": address},
                    timeout=30,
                )  # fmt: skip
                assert filed.status_code == 201, filed.text
            everyone = [*reporters, "warga@example.org"]
            deadline = time.monotonic() + 90
            while not all(inbox.to(address) for address in everyone) and time.monotonic() < deadline:
                time.sleep(0.3)
            time.sleep(3)  # room for a second copy to arrive, if any process sent one
            assert {address: len(inbox.to(address)) for address in everyone} == dict.fromkeys(everyone, 1)
