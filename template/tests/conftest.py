"""Shared fixtures: a fresh database per session (SQLite, or PostgreSQL via DATABASE_URL).

The generated profile is extended with a few `ZZ-TEST-*` catalogue entries so routing and
workflow tests behave the same for every province; regions always come from the profile.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import create_db_engine, create_session_factory
from app.core.profile import Profile, RegionEntry, get_profile
from app.core.security import create_access_token, hash_password
from app.domain.bootstrap import init_database
from app.main import create_app
from app.models import Officer, OfficerRole

pytest_plugins = ["tests.smtp"]

PASSWORD = "rahasia-uji-123"
RATE_LIMITS = ("login_ip", "login_failures", "register_ip", "lookup_ip", "open311_post")
RATE_LIMITS += ("report_post",)
ALL_MODULES = {"reports": True, "news": True, "prices": True, "integrations": True}


def image_bytes(fmt: str, size: tuple[int, int] = (4, 3), **options: Any) -> bytes:
    """A small real image in `fmt` (JPEG, PNG or WEBP), with any extra save `options`."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt, **options)
    return out.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
WEBP = image_bytes("WEBP")


def finish_report(
    client: TestClient, number: str, headers: dict[str, str], *, note: str = "Sudah diperbaiki"
) -> None:
    """Move a report to Proses, attach an "after" photo and close it as Selesai (officers' API)."""
    base = f"/api/desk/reports/{number}"
    moved = client.post(f"{base}/transitions", headers=headers, json={"to_status": "Proses"})
    assert moved.status_code == 200, moved.text
    photo = {"photo": ("sesudah.png", PNG, "image/png")}
    added = client.post(f"{base}/evidence", headers=headers, files=photo)
    assert added.status_code == 201, added.text
    done = client.post(
        f"{base}/transitions", headers=headers, json={"to_status": "Selesai", "note": note}
    )
    assert done.status_code == 200, done.text


def _text(value: str) -> dict[str, str]:
    return {"id": value, "en": value}


def extra_catalogue(province_code: str) -> dict[str, list[dict[str, Any]]]:
    """Catalogue entries added to the profile for tests; codes never clash with real ones."""
    agency = {"kind": "dinas", "region": province_code, "contact": None}
    service = {
        "group": "zz-test",
        "kind": "report",
        "description": _text("Layanan uji"),
        "keywords": ["ujicoba"],
        "url": None,
        "attributes": [],
    }
    return {
        "groups": [{"code": "zz-test", "name": _text("Grup Uji"), "icon": None}],
        "agencies": [
            {
                **agency,
                "code": "ZZ-TEST-DINAS",
                "name": "Dinas Uji",
                "level": "province",
                "external": False,
            },
            {
                **agency,
                "code": "ZZ-TEST-OTHER",
                "name": "Dinas Uji Lain",
                "level": "province",
                "external": False,
            },
            {
                **agency,
                "code": "ZZ-TEST-LUAR",
                "name": "Lembaga Luar Uji",
                "kind": "other",
                "level": "province",
                "external": True,
                "contact": "https://pengaduan.example.org",
            },
        ],
        "services": [
            {
                **service,
                "code": "ZZ-TEST-VILLAGE",
                "name": _text("Uji Desa"),
                "agency": "ZZ-TEST-DINAS",
                "level": "village",
                "sla_days": 3,
                "attributes": [
                    {
                        "code": "tingkat",
                        "datatype": "singlevaluelist",
                        "required": True,
                        "order": 1,
                        "description": _text("Tingkat"),
                        "values": [
                            {"key": "ringan", "name": _text("Ringan")},
                            {"key": "berat", "name": _text("Berat")},
                        ],
                    },
                    {
                        "code": "jumlah",
                        "datatype": "number",
                        "required": False,
                        "order": 2,
                        "description": _text("Jumlah"),
                        "values": [],
                    },
                ],
            },
            {
                **service,
                "code": "ZZ-TEST-DISTRICT",
                "name": _text("Uji Kecamatan"),
                "agency": "ZZ-TEST-DINAS",
                "level": "district",
                "sla_days": 2,
            },
            {
                **service,
                "code": "ZZ-TEST-REGENCY",
                "name": _text("Uji Kabupaten"),
                "agency": "ZZ-TEST-OTHER",
                "level": "regency",
                "sla_days": 5,
            },
            {
                **service,
                "code": "ZZ-TEST-PROVINCE",
                "name": _text("Uji Provinsi"),
                "agency": "ZZ-TEST-DINAS",
                "level": "province",
                "sla_days": 1,
            },
            {
                **service,
                "code": "ZZ-TEST-LUAR",
                "name": _text("Uji Luar Kewenangan"),
                "agency": "ZZ-TEST-LUAR",
                "level": "province",
                "sla_days": 2,
            },
        ],
    }


@pytest.fixture(scope="session")
def profile() -> Profile:
    """The profile generated into this project."""
    return get_profile()


@pytest.fixture(scope="session")
def test_profile(profile: Profile) -> Profile:
    """The generated profile plus the ZZ-TEST catalogue entries."""
    data = profile.model_dump()
    for key, items in extra_catalogue(profile.province.code).items():
        data[key] = data[key] + items
    return Profile.model_validate(data)


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str | None]]:
    """(url, schema): a temporary SQLite file, or a throw-away schema on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}", None
        return
    url = Settings(database_url=url).database_url
    schema = f"pytest_{secrets.token_hex(4)}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield url, schema
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def empty_engine(database: tuple[str, str | None], tmp_path: Path) -> Iterator[Engine]:
    """An engine on a brand-new empty database (or PostgreSQL schema)."""
    url, schema = database
    if schema is None:
        engine = create_db_engine(
            Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'empty.db'}")  # type: ignore[call-arg]
        )
        yield engine
        engine.dispose()
        return
    fresh = f"{schema}_m{secrets.token_hex(2)}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {fresh}"))
    engine = create_db_engine(Settings(_env_file=None, database_url=url, database_schema=fresh))  # type: ignore[call-arg]
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {fresh} CASCADE"))
    admin.dispose()


def make_settings(database: tuple[str, str | None], tmp: Path, **overrides: Any) -> Settings:
    """Test settings on `database`, uploads under `tmp`."""
    url, schema = database
    values: dict[str, Any] = {
        "environment": "test",
        "secret_key": "test-secret-key-that-is-long-enough",
        "database_url": url,
        "database_schema": schema,
        "storage_backend": "local",
        "storage_dir": tmp / "uploads",
        "upload_max_bytes": 100_000,
        "max_photos": 3,
        "modules": ALL_MODULES,
        "log_json": False,
        "instance_dir": tmp / "instance",
        # tests run the outbox worker themselves (tests/outbox/)
        "outbox_in_process": False,
        # the shared test app sees every test's requests from one address; the limits
        # themselves are tested with apps of their own (tests/api/test_rate_limits.py)
        **{f"rate_limit_{name}": "100000/minute" for name in RATE_LIMITS},
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def settings(
    database: tuple[str, str | None], tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """Settings of the test app."""
    return make_settings(database, tmp_path_factory.mktemp("files"))


@pytest.fixture(scope="session")
def engine(settings: Settings, test_profile: Profile) -> Iterator[Engine]:
    """The migrated and seeded test database."""
    engine = create_db_engine(settings)
    init_database(engine, test_profile)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the test database."""
    with create_session_factory(engine)() as session:
        yield session


@pytest.fixture(scope="session")
def client(engine: Engine, settings: Settings, test_profile: Profile) -> Iterator[TestClient]:
    """A client of the app with every module on."""
    with TestClient(create_app(settings, profile=test_profile)) as client:
        yield client


@dataclass(frozen=True)
class Places:
    """Regions picked from the profile: a village with its ancestors, and another regency."""

    province: RegionEntry
    regency: RegionEntry
    district: RegionEntry
    village: RegionEntry
    other_regency: RegionEntry | None
    other_village: RegionEntry | None


@pytest.fixture(scope="session")
def places(profile: Profile) -> Places:
    """Real regions of this province."""
    by_code = {r.code: r for r in profile.regions}
    villages = [r for r in profile.regions if r.level == 4]
    assert villages, "the profile has no villages (level 4 regions)"
    village = villages[0]
    district = by_code[village.parent]  # type: ignore[index]
    regency = by_code[district.parent]  # type: ignore[index]
    province = by_code[regency.parent]  # type: ignore[index]
    others = [r for r in profile.regions if r.level == 2 and r.code != regency.code]
    other_regency = others[0] if others else None
    other_village = None
    if other_regency is not None:
        prefix = other_regency.code + "."
        other_village = next((r for r in villages if r.code.startswith(prefix)), None)
    return Places(province, regency, district, village, other_regency, other_village)


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One argon2 hash reused for every test account (hashing is slow on purpose)."""
    return hash_password(PASSWORD)


OfficerFactory = Callable[..., dict[str, str]]


def add_officer(
    engine: Engine,
    password_hash: str,
    region_code: str,
    *,
    role: OfficerRole = OfficerRole.OPERATOR,
    agency_code: str | None = None,
) -> Officer:
    """Store a new officer with the given scope and the test password."""
    with create_session_factory(engine)() as session:
        officer = Officer(
            email=f"petugas-{secrets.token_hex(4)}@example.org",
            full_name=f"Petugas {role.value}",
            password_hash=password_hash,
            role=role,
            region_code=region_code,
            agency_code=agency_code,
        )
        session.add(officer)
        session.commit()
        return officer


@pytest.fixture
def officer_headers(engine: Engine, settings: Settings, password_hash: str) -> OfficerFactory:
    """Create an officer and return bearer headers for them."""

    def make(
        region_code: str, role: OfficerRole = OfficerRole.OPERATOR, agency_code: str | None = None
    ) -> dict[str, str]:
        officer = add_officer(
            engine, password_hash, region_code, role=role, agency_code=agency_code
        )
        token = create_access_token(
            f"officer:{officer.id}", secret_key=settings.secret_key, expires_minutes=10
        )
        return {"Authorization": f"Bearer {token}"}

    return make


ReportFactory = Callable[..., dict[str, Any]]


@pytest.fixture
def file_report(client: TestClient) -> ReportFactory:
    """File a guest report through the API and return the JSON answer."""

    def make(service_code: str, region_code: str | None, **fields: Any) -> dict[str, Any]:
        files = fields.pop("files", None)
        data = {
            "service_code": service_code,
            "description": "Laporan uji otomatis",
            "contact_email": "warga@example.org",
            **fields,
        }
        if region_code:
            data["region_code"] = region_code
        if service_code == "ZZ-TEST-VILLAGE" and "attributes" not in data:
            data["attributes"] = '{"tingkat": "ringan"}'
        response = client.post("/api/reports", data=data, files=files)
        assert response.status_code == 201, response.text
        return response.json()

    return make
