"""The citizen home page and the service catalogue (groups, search, service pages)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.api.deps import CatalogueDep
from app.domain.catalogue import REQUESTABLE_KINDS, checked_service, filter_services
from app.models import Service, ServiceGroup
from app.web.context import Web, WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SearchText = Annotated[str | None, Query(max_length=100)]


def by_group(
    groups: list[ServiceGroup], services: list[Service]
) -> list[tuple[ServiceGroup, list[Service]]]:
    """Services under their groups, groups in catalogue order, empty groups left out."""
    sections = [(group, [s for s in services if s.group_code == group.code]) for group in groups]
    return [(group, items) for group, items in sections if items]


@router.get("/")
def home(web: Web, catalogue: CatalogueDep) -> Response:
    """App name, logo and tagline, search, quick actions, modules and the service tiles."""
    sections = catalogue.derived(
        ("sections",), lambda: by_group(catalogue.groups, catalogue.services)
    )
    return web.render("home.html", sections=sections, requestable=REQUESTABLE_KINDS)


@router.get("/services")
def services(
    web: Web, catalogue: CatalogueDep, q: SearchText = None, group: SearchText = None
) -> Response:
    """Search the catalogue by words of names and keywords, or browse one group."""
    query = (q or "").strip()
    found = filter_services(catalogue.services, query=query or None, group=group or None)
    sections = by_group(catalogue.groups, found)
    return web.render(
        "services.html", sections=sections, q=query, count=len(found), requestable=REQUESTABLE_KINDS
    )


@router.get("/services/{code}")
def service(web: Web, catalogue: CatalogueDep, code: str) -> Response:
    """A service: what it is, who handles it, how long it takes, and how to use it."""
    item = checked_service(catalogue.by_code.get(code), code)
    return web.render("service.html", service=item, requestable=REQUESTABLE_KINDS)
