"""Command line: init-db, create-admin, create-api-key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import cli, main
from app.core.config import get_settings
from app.core.db import create_db_engine, create_session_factory
from app.core.profile import Profile
from app.core.security import hash_secret
from app.models import ApiKey, Officer, Region


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATABASE_SCHEMA", "")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_init_db_create_admin_and_api_key(cli_env: str, profile: Profile) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["init-db"])
    assert first.exit_code == 0, first.output
    assert f"regions: {len(profile.regions)} inserted" in first.output
    second = runner.invoke(cli, ["init-db", "--no-force"])
    assert "already seeded" in second.output

    admin = runner.invoke(
        cli,
        [
            "create-admin",
            "--email",
            "admin@example.org",
            "--full-name",
            "Admin",
            "--password",
            "kata-sandi-admin-baru",
        ],
    )
    assert admin.exit_code == 0, admin.output
    again = runner.invoke(
        cli,
        [
            "create-admin",
            "--email",
            "admin@example.org",
            "--full-name",
            "Admin",
            "--password",
            "kata-sandi-admin-baru",
        ],
    )
    assert again.exit_code == 1
    assert "already exists" in again.output

    issued = runner.invoke(cli, ["create-api-key", "Mitra"])
    assert issued.exit_code == 0
    key = issued.output.strip()

    engine = create_db_engine(get_settings())
    with create_session_factory(engine)() as session:
        officer = session.scalar(select(Officer).where(Officer.email == "admin@example.org"))
        assert officer is not None
        assert officer.region_code == profile.province.code
        stored = session.scalar(select(ApiKey).where(ApiKey.name == "Mitra"))
        assert stored is not None
        assert stored.key_hash == hash_secret(key)
        assert key not in stored.key_hash
        assert session.get(Region, profile.province.code) is not None
    engine.dispose()


def test_placeholder_secret_in_production_stops_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", "changethis")
    monkeypatch.setattr("sys.argv", ["app", "init-db"])
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as stopped:
            main()
    finally:
        get_settings.cache_clear()
    assert stopped.value.code == 2
    assert "SECRET_KEY is the published placeholder 'changethis'" in capsys.readouterr().err


def test_clean_photos_command_runs(
    cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORAGE_DIR", str(tmp_path / "uploads"))
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(cli, ["init-db"]).exit_code == 0
    done = runner.invoke(cli, ["clean-photos"])
    assert done.exit_code == 0, done.output
    assert "0 photo(s) re-encoded, 0 unreadable file(s) removed." in done.output
