"""Service catalogue queries: localisation, search and filtering."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import NotFoundError
from app.domain.text import normalise
from app.models import Agency, Service, ServiceGroup

REQUESTABLE_KINDS = frozenset({"report", "application"})


def localise(texts: dict[str, str], lang: str) -> str:
    """The text in `lang`, falling back to Indonesian."""
    return texts.get(lang) or texts.get("id") or ""


def list_groups(session: Session) -> list[ServiceGroup]:
    """Active groups in profile order."""
    stmt = select(ServiceGroup).where(ServiceGroup.active.is_(True)).order_by(ServiceGroup.position)
    return list(session.scalars(stmt))


def list_agencies(session: Session) -> list[Agency]:
    """Active agencies ordered by code."""
    return list(
        session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.code))
    )


def list_services(
    session: Session,
    *,
    query: str | None = None,
    group: str | None = None,
    kind: str | None = None,
    requestable: bool = False,
) -> list[Service]:
    """Active services, optionally matching every word of `query` in names or keywords."""
    stmt = select(Service).where(Service.active.is_(True)).order_by(Service.position)
    if group:
        stmt = stmt.where(Service.group_code == group)
    if kind:
        stmt = stmt.where(Service.kind == kind)
    if requestable:
        stmt = stmt.where(Service.kind.in_(REQUESTABLE_KINDS))
    return filter_services(list(session.scalars(stmt)), query=query)


def filter_services(
    services: Iterable[Service],
    *,
    query: str | None = None,
    group: str | None = None,
    kind: str | None = None,
    requestable: bool = False,
) -> list[Service]:
    """The services of `services` in `group`, of `kind`, requestable, matching all of `query`."""
    words = normalise(query or "").split()
    return [
        s
        for s in services
        if (not group or s.group_code == group)
        and (not kind or s.kind == kind)
        and (not requestable or s.kind in REQUESTABLE_KINDS)
        and all(_matches(s.search_text, word) for word in words)
    ]


def _matches(search_text: str, word: str) -> bool:
    return any(token.startswith(word) for token in search_text.split())


def get_service(session: Session, code: str, *, requestable: bool = False) -> Service:
    """The active service with `code`; NotFoundError otherwise."""
    return checked_service(session.get(Service, code), code, requestable=requestable)


def checked_service(service: Service | None, code: str, *, requestable: bool = False) -> Service:
    """`service` if it is active (and requestable when asked); NotFoundError otherwise."""
    if service is None or not service.active:
        raise NotFoundError(f"Service {code!r} does not exist.", key="no_service", code=code)
    if requestable and service.kind not in REQUESTABLE_KINDS:
        raise NotFoundError(
            f"Service {code!r} does not accept requests.", key="not_requestable", code=code
        )
    return service
