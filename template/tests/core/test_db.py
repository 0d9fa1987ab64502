"""Engine creation: SQLite in WAL mode with foreign keys on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from app.core.config import Settings
from app.core.db import create_db_engine


def test_sqlite_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'sub' / 'a.db'}")  # type: ignore[call-arg]
    engine = create_db_engine(settings)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
    assert (tmp_path / "sub" / "a.db").exists()
