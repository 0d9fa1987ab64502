"""The signing key: generated once per instance, private, shared by workers, never weak."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from app.core.keys import instance_key, with_secret_key
from app.core.profile import Profile
from app.core.security import ALGORITHM
from app.main import create_app
from app.models import OfficerRole
from tests.conftest import add_officer, make_settings


def test_generated_key_is_strong_private_and_kept(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, instance_dir=tmp_path / "instance")  # type: ignore[call-arg]
    assert settings.secret_key is None
    first = with_secret_key(settings).secret_key
    assert first is not None
    assert len(first.encode()) >= 48
    path = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert with_secret_key(settings).secret_key == first
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]


def test_workers_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: instance_key(tmp_path), range(16)))
    assert len(keys) == 1


def test_set_key_is_used_as_it_is(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, secret_key="k" * 40, instance_dir=tmp_path)  # type: ignore[call-arg]
    assert with_secret_key(settings).secret_key == "k" * 40
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_app_without_key_signs_with_its_instance_key(
    database: tuple[str, str | None],
    engine: Engine,
    password_hash: str,
    tmp_path: Path,
    test_profile: Profile,
) -> None:
    settings = make_settings(
        database, tmp_path, environment="local", secret_key=None, instance_dir=tmp_path / "i"
    )
    app = create_app(settings, profile=test_profile)
    assert app.state.settings.secret_key == (tmp_path / "i" / "secret_key").read_text().strip()
    admin = add_officer(
        app.state.engine, password_hash, test_profile.province.code, role=OfficerRole.ADMIN
    )
    claims = {"sub": f"officer:{admin.id}", "exp": 4102444800}
    with TestClient(app) as client:
        for known in ("changethis", ""):
            forged = jwt.encode(claims, known or "x", algorithm=ALGORITHM)
            answer = client.get("/api/officers", headers={"Authorization": f"Bearer {forged}"})
            assert answer.status_code == 401
