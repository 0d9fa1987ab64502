"""The citizen home page and the service catalogue (groups, search, service pages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Response
from markupsafe import Markup

from app.api.deps import CatalogueDep
from app.domain.catalogue import REQUESTABLE_KINDS, checked_service, filter_services
from app.domain.catalogue_cache import Snapshot
from app.models import Service, ServiceGroup
from app.web.context import Web, WebContext, WebRoute, templates

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SearchText = Annotated[str | None, Query(max_length=100)]


def by_group(
    groups: list[ServiceGroup], services: list[Service]
) -> list[tuple[ServiceGroup, list[Service]]]:
    """Services under their groups, groups in catalogue order, empty groups left out."""
    sections = [(group, [s for s in services if s.group_code == group.code]) for group in groups]
    return [(group, items) for group, items in sections if items]


def sections_html(
    web: WebContext,
    catalogue: Snapshot,
    sections: list[tuple[ServiceGroup, list[Service]]],
    *,
    level: int,
    key: tuple[str, ...] | None,
) -> Markup:
    """The tiles under their groups as HTML; with a `key` (a fixed selection, not a search)
    rendered once per catalogue version and language."""

    def build() -> Markup:
        macros = templates.get_template("macros.html").make_module({"ctx": web, "t": web.t})
        return Markup(macros.service_groups(sections, REQUESTABLE_KINDS, level=level))

    if key is None:
        return build()
    return catalogue.derived(("sections-html", web.lang, level, *key), build)


def visitor_page(web: WebContext, catalogue: Snapshot, render: Callable[[], Response]) -> Response:
    """A page that depends only on the catalogue and the language, rendered once per catalogue
    version for visitors who are not logged in (the plain URL, or with `?lang=` alone)."""
    query = web.request.url.query
    plain = query == "" or (query.startswith("lang=") and "&" not in query and len(query) < 12)
    if not plain or web.citizen is not None or web.officer is not None:
        return render()
    key = ("page", web.lang, web.request.url.path, query)
    return web.html(catalogue.derived(key, lambda: bytes(render().body)))


# The page handlers below only render (the session and the caller's identity are resolved by
# the dependencies), so they run on the event loop without a thread hop.
@router.get("/")
async def home(web: Web, catalogue: CatalogueDep) -> Response:
    """App name, logo and tagline, search, quick actions, modules and the service tiles."""

    def render() -> Response:
        sections = by_group(catalogue.groups, catalogue.services)
        tiles = sections_html(web, catalogue, sections, level=3, key=("home",))
        return web.render("home.html", sections_html=tiles)

    return visitor_page(web, catalogue, render)


@router.get("/services")
async def services(
    web: Web, catalogue: CatalogueDep, q: SearchText = None, group: SearchText = None
) -> Response:
    """Search the catalogue by words of names and keywords, or browse one group."""
    query = (q or "").strip()

    def render() -> Response:
        found = filter_services(catalogue.services, query=query or None, group=group or None)
        sections = by_group(catalogue.groups, found)
        key = None if query else ("group", group or "")
        tiles = sections_html(web, catalogue, sections, level=2, key=key)
        return web.render("services.html", sections_html=tiles, q=query, count=len(found))

    return visitor_page(web, catalogue, render)


@router.get("/services/{code}")
async def service(web: Web, catalogue: CatalogueDep, code: str) -> Response:
    """A service: what it is, who handles it, how long it takes, and how to use it."""
    item = checked_service(catalogue.by_code.get(code), code)
    return visitor_page(
        web,
        catalogue,
        lambda: web.render("service.html", service=item, requestable=REQUESTABLE_KINDS),
    )
