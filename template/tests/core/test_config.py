"""Settings: placeholder secret refused in production, URL normalisation, module names."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.core.config import Settings


@pytest.mark.parametrize("environment", ["production", "local", "test"])
def test_placeholder_secret_is_refused_everywhere(environment: str) -> None:
    with pytest.raises(
        ValidationError,
        match=r"SECRET_KEY is the published placeholder 'changethis'; "
        r"set SECRET_KEY to a long random value",
    ):
        Settings(_env_file=None, environment=environment, secret_key="changethis")  # type: ignore[call-arg]


@pytest.mark.parametrize("environment", ["production", "local"])
def test_short_secret_is_refused_outside_tests(environment: str) -> None:
    with pytest.raises(
        ValidationError,
        match=r"SECRET_KEY is 1 bytes long; it needs at least 32 bytes outside tests",
    ):
        Settings(_env_file=None, environment=environment, secret_key="a")  # type: ignore[call-arg]


def test_empty_secret_means_unset() -> None:
    settings = Settings(_env_file=None, environment="production", secret_key=" ")  # type: ignore[call-arg]
    assert settings.secret_key is None


def test_production_with_real_secret() -> None:
    settings = Settings(_env_file=None, environment="production", secret_key="s3cr3t-" * 6)  # type: ignore[call-arg]
    assert settings.environment == "production"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", "changethis")
    with pytest.raises(ValidationError, match="SECRET_KEY is the published placeholder"):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "url",
    ["postgres://u:p@db:5432/app", "postgresql://u:p@db:5432/app"],
)
def test_postgres_urls_use_psycopg(url: str) -> None:
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/app"
    assert not settings.is_sqlite


def test_sqlite_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert Settings(_env_file=None).is_sqlite  # type: ignore[call-arg]


def test_unknown_module_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"unknown module\(s\) chat; known modules: reports"):
        Settings(_env_file=None, modules={"chat": True})  # type: ignore[call-arg]
