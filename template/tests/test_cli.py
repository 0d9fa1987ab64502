"""Command line: init-db, create-admin, create-api-key, outbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import cli, main
from app.core.config import get_settings
from app.core.db import create_db_engine, create_session_factory
from app.core.profile import Profile, Service
from app.core.security import hash_secret
from app.domain.reports import NewReport, file_report
from app.domain.storage import create_storage
from app.models import ApiKey, Officer, Region
from tests.smtp import SmtpServer


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


def sample_attributes(service: Service) -> dict[str, Any]:
    """A valid value for each required attribute of `service`."""
    samples: dict[str, Any] = {
        "number": "1",
        "datetime": "2026-01-05T10:30:00+07:00",
        "string": "uji",
        "text": "uji",
    }
    values: dict[str, Any] = {}
    for attribute in service.attributes:
        if not attribute.required:
            continue
        if attribute.datatype == "singlevaluelist":
            values[attribute.code] = attribute.values[0].key
        elif attribute.datatype == "multivaluelist":
            values[attribute.code] = [attribute.values[0].key]
        else:
            values[attribute.code] = samples.get(attribute.datatype, "uji")
    return values


def test_outbox_once_sends_through_smtp(
    cli_env: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    smtp: SmtpServer,
    profile: Profile,
) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["init-db"]).exit_code == 0
    service = next(s for s in profile.services if s.kind in ("report", "application"))
    village = max(profile.regions, key=lambda r: r.level)
    settings = get_settings()
    engine = create_db_engine(settings)
    with create_session_factory(engine)() as session:
        filed = file_report(
            session,
            NewReport(
                service_code=service.code,
                description="Lampu jalan padam",
                region_code=village.code,
                attributes=sample_attributes(service),
                contact_email="warga@example.org",
                source="web",
            ),
            settings=settings,
            profile=profile,
            storage=create_storage(settings),
        )
        number = filed.report.tracking_number
    engine.dispose()
    for name, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_SECURITY": "none",
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "STORAGE_DIR": str(tmp_path / "uploads"),
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    done = runner.invoke(cli, ["outbox", "--once"])
    assert done.exit_code == 0, done.output
    assert any(line.startswith("sent: ") for line in done.output.splitlines())
    mails = smtp.inbox.to("warga@example.org")
    assert len(mails) == 1
    assert number in mails[0]["Subject"]
