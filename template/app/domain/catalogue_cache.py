"""A per-process snapshot of the service catalogue, rebuilt when its version in the database moves.

Every change to groups, agencies or services (seeding, or any ORM flush touching them) writes
a new random `catalogue_version` into `app_meta` in the same transaction. A worker reads that
one row (a primary-key look-up) at most every `check_seconds` and reuses its snapshot while the
version is unchanged; a change committed in the same process is seen on the next request, one
committed by another worker within `check_seconds`.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.domain.changes import Watch
from app.models import Agency, AppMeta, Service, ServiceGroup

CATALOGUE_VERSION_KEY = "catalogue_version"
T = TypeVar("T")


def _new_version(session: Session) -> None:
    version = secrets.token_hex(8)
    meta = session.get(AppMeta, CATALOGUE_VERSION_KEY)
    if meta is None:
        session.add(AppMeta(key=CATALOGUE_VERSION_KEY, value=version))
    else:
        meta.value = version


# a flush that adds, changes or deletes a group, agency or service moves the version
CATALOGUE = Watch("catalogue", (Agency, Service, ServiceGroup), on_flush=_new_version)


def mark_catalogue_changed(session: Session) -> None:
    """Give the catalogue a new version in `session`'s transaction (caches rebuild on commit)."""
    CATALOGUE.mark(session)
    _new_version(session)


def catalogue_version(session: Session) -> str:
    """The catalogue's current version in the database ("" before it was first recorded)."""
    stmt = select(AppMeta.value).where(AppMeta.key == CATALOGUE_VERSION_KEY)
    return session.execute(stmt).scalar() or ""


@dataclass
class Snapshot:
    """Active groups and services (detached, read-only) and values derived from them."""

    version: str
    groups: list[ServiceGroup]
    services: list[Service]
    agencies: list[Agency]
    by_code: dict[str, Service]
    # names of every service and agency, inactive ones too (old reports still refer to them)
    service_names: dict[str, dict[str, str]]
    agency_names: dict[str, str]
    _derived: dict[Any, Any] = field(default_factory=dict)

    def derived(self, key: Any, build: Callable[[], T]) -> T:
        """The value for `key`, built once per snapshot (a race may build it twice, harmlessly)."""
        try:
            return self._derived[key]  # type: ignore[no-any-return]
        except KeyError:
            value = build()
            self._derived[key] = value
            return value


def _load(session: Session, version: str) -> Snapshot:
    with Session(bind=session.get_bind(), expire_on_commit=False) as own:
        groups = list(
            own.scalars(
                select(ServiceGroup)
                .where(ServiceGroup.active.is_(True))
                .order_by(ServiceGroup.position)
            )
        )
        services = list(
            own.scalars(
                select(Service).where(Service.active.is_(True)).order_by(Service.position)
            ).unique()
        )
        agencies = list(
            own.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.code))
        )
        service_names = dict(own.execute(select(Service.code, Service.name)).all())
        agency_names = dict(own.execute(select(Agency.code, Agency.name)).all())
        own.expunge_all()
    return Snapshot(
        version=version,
        groups=groups,
        services=services,
        agencies=agencies,
        by_code={s.code: s for s in services},
        service_names=service_names,
        agency_names=agency_names,
    )


class CatalogueCache:
    """The current snapshot of one database's catalogue, shared by the requests of a process."""

    def __init__(self, *, check_seconds: float = 0.0) -> None:
        self.check_seconds = check_seconds
        self._snapshot: Snapshot | None = None
        self._checked_at = 0.0
        self._generation = -1
        self._lock = threading.Lock()

    def fresh(self) -> Snapshot | None:
        """The snapshot if it was checked within `check_seconds` and nothing changed here since."""
        current = self._snapshot
        if (
            current is not None
            and self._generation == CATALOGUE.generation
            and time.monotonic() - self._checked_at < self.check_seconds
        ):
            return current
        return None

    def get(self, session: Session) -> Snapshot:
        """The snapshot for the version `session` sees, rebuilt when the version moved."""
        generation = CATALOGUE.generation
        version = catalogue_version(session)
        with self._lock:
            current = self._snapshot
            if current is None or current.version != version:
                current = _load(session, version)
                self._snapshot = current
            self._checked_at = time.monotonic()
            self._generation = generation
            return current

    def refresh(self, factory: sessionmaker[Session]) -> Snapshot:
        """`get` with a short session of its own."""
        with factory() as session:
            return self.get(session)
