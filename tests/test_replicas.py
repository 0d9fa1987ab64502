"""Generated replicas install, pass their own linters and test suites, migrate PostgreSQL, and serve Open311."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from .conftest import install, replica_env, run

POSTGRES_URL = os.environ.get("JAKI_FORGE_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="set JAKI_FORGE_TEST_POSTGRES_URL (.ci/run does)")


@pytest.mark.parametrize("name", ["jakarta", "lampung"])
def test_replica_installs_lints_and_passes_its_own_tests(replicas, name):
    replica = replicas[name]
    python = install(replica)
    assert run(
        python, "-c", "import app, pathlib; print(pathlib.Path(app.__file__).parent)", cwd=replica.parent
    ).stdout.strip() == str(replica / "app")
    ruff = Path(sys.executable).parent / "ruff"
    lint = subprocess.run([str(ruff), "check", "."], cwd=replica, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
    result = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=replica)
    assert " passed" in result.stdout and " failed" not in result.stdout


@needs_postgres
def test_lampung_replica_suite_passes_on_postgresql(replicas):
    replica = replicas["lampung"]
    python = install(replica)
    result = run(
        python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=replica, env={"DATABASE_URL": POSTGRES_URL}
    )
    assert " passed" in result.stdout


@needs_postgres
def test_lampung_migrations_upgrade_an_empty_postgresql_database(replicas):
    import psycopg

    replica = replicas["lampung"]
    python = install(replica)
    name = f"jaki_empty_{uuid.uuid4().hex[:8]}"
    admin_url = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        result = run(python, "-m", "app", "init-db", cwd=replica, env={"DATABASE_URL": url})
        assert "regions: 2896 inserted" in result.stdout
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            assert version is not None
            assert conn.execute("SELECT count(*) FROM regions").fetchone()[0] == 2896
        again = run(python, "-m", "app", "init-db", "--no-force", cwd=replica, env={"DATABASE_URL": url})
        assert "already seeded" in again.stdout
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_lampung_replica_serves_open311_and_scopes_officers(replicas, tmp_path):
    replica = replicas["lampung"]
    python = install(replica)
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}", "STORAGE_DIR": str(tmp_path / "uploads")}
    profile = json.loads((replica / "app/data/profile.json").read_text())
    run(python, "-m", "app", "init-db", cwd=replica, env=env)
    run(
        python,
        "-m",
        "app",
        "create-admin",
        "--email",
        "admin@lampung.test",
        "--full-name",
        "Admin",
        "--password",
        "rahasia-sekali-123",
        cwd=replica,
        env=env,
    )
    api_key = run(python, "-m", "app", "create-api-key", "kanal-uji", cwd=replica, env=env).stdout.strip()
    port = _free_port()
    server = subprocess.Popen(
        [str(python), "-m", "app", "serve", "--port", str(port)],
        cwd=replica,
        env={**replica_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(100):
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                pytest.fail("the replica did not start")
            services = client.get("/open311/v2/services.json").json()
            listed = {s["service_code"] for s in services}
            assert "SARPRAS-DESA-RUSAK" in listed
            assert listed <= {s["code"] for s in profile["services"]}

            village, other_regency = "18.71.01.1003", "18.01"
            created = client.post(
                "/open311/v2/requests.json",
                data={
                    "api_key": api_key,
                    "service_code": "SARPRAS-DESA-RUSAK",
                    "description": "Jembatan desa putus",
                    "address_string": "Jl. Kedaton",
                    "address_id": village,
                },
            )
            assert created.status_code in (200, 201), created.text
            request_id = created.json()[0]["service_request_id"]

            def login(email: str, password: str) -> dict:
                token = client.post("/api/auth/officer-login", json={"email": email, "password": password})
                assert token.status_code == 200, token.text
                return {"Authorization": f"Bearer {token.json()['access_token']}"}

            admin = login("admin@lampung.test", "rahasia-sekali-123")
            for email, region in (("desa@lampung.test", village), ("lamsel@lampung.test", other_regency)):
                made = client.post(
                    "/api/officers",
                    headers=admin,
                    json={
                        "email": email,
                        "full_name": email,
                        "role": "operator",
                        "region_code": region,
                        "password": "rahasia-sekali-123",
                    },
                )
                assert made.status_code == 201, made.text
            seen = client.get("/api/desk/reports", headers=login("desa@lampung.test", "rahasia-sekali-123")).json()
            other = client.get("/api/desk/reports", headers=login("lamsel@lampung.test", "rahasia-sekali-123")).json()
            assert [r["tracking_number"] for r in seen] == [request_id]
            assert other == []
            denied = client.get(
                f"/api/desk/reports/{request_id}", headers=login("lamsel@lampung.test", "rahasia-sekali-123")
            )
            assert denied.status_code in (403, 404)
    finally:
        server.terminate()
        server.wait(timeout=10)
