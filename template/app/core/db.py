"""Database engine and session factory: SQLite in WAL mode by default, PostgreSQL via psycopg 3."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings

CONNECT_TIMEOUT_SECONDS = 5
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Turn on WAL, foreign keys and a busy timeout for every SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _pool_options(settings: Settings, pool_size: int | None) -> dict[str, Any]:
    """Bounded connection pool: waiting longer than the timeout raises instead of hanging."""
    return {
        "pool_size": pool_size or settings.db_pool_size,
        "max_overflow": 0 if pool_size else settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
    }


def create_db_engine(settings: Settings, *, pool_size: int | None = None) -> Engine:
    """Create the engine for `settings.database_url` (`pool_size`: a small pool of its own)."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        pool: dict[str, Any] = {}
        if url.database and url.database != ":memory:":
            pool = _pool_options(settings, pool_size)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # a database host that does not answer fails the request instead of holding it
    connect_args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    if settings.database_schema:
        if not _SCHEMA_NAME.match(settings.database_schema):
            raise ValueError(
                f"DATABASE_SCHEMA {settings.database_schema!r} is not a plain lower-case "
                "identifier; use letters, digits and underscores only"
            )
        connect_args["options"] = f"-csearch_path={settings.database_schema}"
    return create_engine(
        url, pool_pre_ping=True, connect_args=connect_args, **_pool_options(settings, pool_size)
    )


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Session factory bound to `engine`; objects stay usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)
