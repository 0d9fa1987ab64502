"""Desk administration pages: officers, API keys, news, commodity prices and linked apps.

Every change goes through `app.domain.admin`, which keeps the audit trail and the scope rules.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Response
from pydantic import ValidationError
from sqlalchemy import select
from starlette.datastructures import UploadFile

from app.api.photos import photo_response
from app.core.errors import AppError, ForbiddenError, InvalidError, NotFoundError
from app.domain import admin, prices, regions
from app.domain.accounts import create_officer
from app.domain.catalogue import list_agencies
from app.domain.uploads import EXTENSIONS, clean_photo
from app.models import ApiKey, Integration, NewsItem, Officer, OfficerRole, Region, utcnow
from app.schemas.account import OfficerCreate
from app.web.context import CheckedForm, Web, WebContext, WebRoute
from app.web.routes.desk import region_choices

router = APIRouter(prefix="/desk/admin", route_class=WebRoute, include_in_schema=False)
news_images = APIRouter(route_class=WebRoute, include_in_schema=False)
MAX_CSV_BYTES = 1024 * 1024


def _field(form: CheckedForm, name: str, limit: int = 200) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _sections(web: WebContext) -> list[str]:
    """The admin sections the logged-in officer may open."""
    officer = web.require_officer()
    found = []
    if officer.role == OfficerRole.ADMIN:
        found.append("officers")
    if admin.is_province_admin(officer, web.profile.province.code):
        found.append("keys")
    if web.modules.get("news") and web.is_supervisor:
        found.append("news")
    if web.modules.get("prices"):
        found.append("prices")
    if web.modules.get("integrations") and "keys" in found:
        found.append("apps")
    return found


def _require(web: WebContext, section: str) -> None:
    if section not in _sections(web):
        raise ForbiddenError(web.t(f"admin.{section}_forbidden"))


def _render(
    web: WebContext, template: str, *, status_code: int = 200, **values: object
) -> Response:
    return web.render(
        template,
        status_code=status_code,
        sections=_sections(web),
        saved=web.request.query_params.get("saved") == "1",
        **values,
    )


@router.get("")
def overview(web: Web) -> Response:
    """The admin sections open to the officer and the latest changes in their area."""
    officer = web.require_officer()
    events = admin.events_in_scope(web.session, officer)
    ids = {e.officer_id for e in events if e.officer_id is not None}
    rows = web.session.execute(select(Officer.id, Officer.email).where(Officer.id.in_(ids)))
    return _render(web, "admin/index.html", events=events, authors=dict(rows.all()))


# officers ----------------------------------------------------------------------------------
def _officers_page(
    web: WebContext,
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
    password: tuple[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    officer = web.require_officer()
    people = admin.managed_officers(web.session, officer)
    names = regions_named(web, {p.region_code for p in people})
    return _render(
        web,
        "admin/officers.html",
        status_code=status_code,
        people=people,
        manageable={p.id for p in people if admin.may_manage(officer, p)},
        names=names,
        region_options=_region_options(web),
        agencies=[a for a in list_agencies(web.session) if officer.agency_code in (None, a.code)],
        roles=list(OfficerRole),
        error=error,
        values=values
        or {
            "full_name": "",
            "email": "",
            "region_code": officer.region_code,
            "agency_code": officer.agency_code or "",
            "role": "operator",
        },
        password=password,
    )


def regions_named(web: WebContext, codes: set[str]) -> dict[str, str]:
    """Region names by code."""
    rows = web.session.execute(select(Region.code, Region.name).where(Region.code.in_(codes)))
    return dict(rows.all())


def _region_options(web: WebContext) -> list[Region]:
    return region_choices(web.session, web.require_officer())


@router.get("/officers")
def officers(web: Web) -> Response:
    """Officers in the admin's scope and the form to add one."""
    _require(web, "officers")
    return _officers_page(web)


@router.post("/officers")
def add_officer(web: Web, form: CheckedForm) -> Response:
    """Create an officer inside the admin's scope (the initial password is shown once)."""
    _require(web, "officers")
    officer = web.require_officer()
    values = {
        name: _field(form, name)
        for name in ("full_name", "email", "region_code", "agency_code", "role")
    }
    password = secrets.token_urlsafe(12)
    try:
        body = OfficerCreate(
            email=values["email"],
            full_name=values["full_name"],
            password=password,
            role=values["role"],
            region_code=values["region_code"],
            agency_code=values["agency_code"] or None,
        )
    except ValidationError as error:
        fields = ", ".join(str(e["loc"][-1]) for e in error.errors())
        return _officers_page(
            web, error=web.t("admin.officer_invalid", fields=fields), values=values, status_code=422
        )
    try:
        admin.check_new_officer(
            officer, region_code=body.region_code, agency_code=body.agency_code, role=body.role
        )
        admin.record(
            web.session,
            officer,
            action="officer.create",
            target=body.email,
            detail=f"{body.role.value} {body.region_code} {body.agency_code or ''}",
        )
        created = create_officer(web.session, body)
    except AppError as error:
        web.session.rollback()
        return _officers_page(
            web, error=error.message, values=values, status_code=error.status_code
        )
    return _officers_page(web, password=(created.email, password), status_code=201)


@router.post("/officers/{officer_id}/active")
def switch_officer(web: Web, officer_id: int, form: CheckedForm) -> Response:
    """Deactivate (ending their sessions) or reactivate an officer the admin manages."""
    _require(web, "officers")
    target = admin.managed_officer(web.session, web.require_officer(), officer_id)
    admin.set_active(
        web.session, web.require_officer(), target, active=_field(form, "active") == "1"
    )
    return web.redirect("/desk/admin/officers?saved=1")


@router.post("/officers/{officer_id}/password")
def reset_password(web: Web, officer_id: int, form: CheckedForm) -> Response:
    """Give an officer a new password, shown once to the admin."""
    _require(web, "officers")
    target = admin.managed_officer(web.session, web.require_officer(), officer_id)
    password = admin.reset_password(web.session, web.require_officer(), target)
    return _officers_page(web, password=(target.email, password))


# API keys ----------------------------------------------------------------------------------
def _keys_page(
    web: WebContext, *, key: str | None = None, error: str | None = None, status_code: int = 200
) -> Response:
    items = list(web.session.scalars(select(ApiKey).order_by(ApiKey.id.desc())))
    return _render(
        web, "admin/keys.html", status_code=status_code, keys=items, new_key=key, error=error
    )


@router.get("/keys")
def keys(web: Web) -> Response:
    """Open311 API keys: issued, revoked, and the form to issue one."""
    _require(web, "keys")
    return _keys_page(web)


@router.post("/keys")
def issue_key(web: Web, form: CheckedForm) -> Response:
    """Issue a key; it is shown on this page once and stored only as a digest."""
    _require(web, "keys")
    try:
        key = admin.issue_key(web.session, web.require_officer(), name=_field(form, "name"))
    except AppError as error:
        web.session.rollback()
        return _keys_page(web, error=error.message, status_code=error.status_code)
    return _keys_page(web, key=key, status_code=201)


@router.post("/keys/{key_id}/revoke")
def revoke_key(web: Web, key_id: int, form: CheckedForm) -> Response:
    """Revoke a key."""
    _require(web, "keys")
    admin.revoke_key(web.session, web.require_officer(), key_id)
    return web.redirect("/desk/admin/keys?saved=1")


# news --------------------------------------------------------------------------------------
def _news_page(
    web: WebContext,
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    officer = web.require_officer()
    stmt = select(NewsItem).order_by(NewsItem.published_at.desc(), NewsItem.id.desc()).limit(50)
    items = [
        i
        for i in web.session.scalars(stmt)
        if i.region_code is None or regions.contains(officer.region_code, i.region_code)
    ]
    return _render(
        web,
        "admin/news.html",
        status_code=status_code,
        items=items,
        error=error,
        values=values or {"title": "", "summary": "", "body": "", "lang": web.lang},
        province_wide=officer.region_code == web.profile.province.code,
    )


@router.get("/news")
def news(web: Web) -> Response:
    """News items and the form to write one."""
    _require(web, "news")
    return _news_page(web)


async def _image(web: WebContext, upload: object) -> tuple[str, str] | None:
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    settings = web.settings
    media_type, content = clean_photo(
        await upload.read(settings.upload_max_bytes + 1),
        filename=upload.filename[:100],
        max_bytes=settings.upload_max_bytes,
        max_pixels=settings.upload_max_pixels,
        max_side=settings.photo_max_side,
    )
    key = f"news/{secrets.token_hex(16)}.{EXTENSIONS[media_type]}"
    web.request.app.state.storage.save(key, content, content_type=media_type)
    return key, media_type


@router.post("/news")
async def write_news(web: Web, form: CheckedForm) -> Response:
    """Publish (or keep as a draft) a news item, with an optional image."""
    _require(web, "news")
    officer = web.require_officer()
    values = {
        "title": _field(form, "title", 300),
        "summary": _field(form, "summary", 1000),
        "body": _field(form, "body", 20_000),
        "lang": _field(form, "lang", 8),
    }
    try:
        if not values["title"] or not values["body"]:
            raise InvalidError(web.t("admin.news_required"))
        if values["lang"] not in web.profile.app.languages:
            values["lang"] = web.lang
        province_wide = officer.region_code == web.profile.province.code
        image = await _image(web, form.get("image"))
        item = NewsItem(
            title=values["title"],
            summary=values["summary"] or None,
            body=values["body"],
            lang=values["lang"],
            is_announcement=_field(form, "announcement") == "1",
            region_code=None if province_wide else officer.region_code,
            published=_field(form, "publish") == "1",
            published_at=utcnow(),
            author_id=officer.id,
            image_key=image[0] if image else None,
            image_type=image[1] if image else None,
        )
        web.session.add(item)
        web.session.flush()
        admin.record(
            web.session,
            officer,
            action="news.publish" if item.published else "news.draft",
            target=f"#{item.id} {item.title}",
        )
        web.session.commit()
    except AppError as error:
        web.session.rollback()
        return _news_page(web, error=error.message, values=values, status_code=error.status_code)
    return web.redirect("/desk/admin/news?saved=1")


@router.post("/news/{item_id}/publish")
def publish_news(web: Web, item_id: int, form: CheckedForm) -> Response:
    """Publish a draft or take an item down."""
    _require(web, "news")
    officer = web.require_officer()
    item = web.session.get(NewsItem, item_id)
    if item is None or (
        item.region_code is not None and not regions.contains(officer.region_code, item.region_code)
    ):
        raise NotFoundError(f"News item {item_id} does not exist in your scope.")
    if item.region_code is None and officer.region_code != web.profile.province.code:
        raise ForbiddenError(web.t("admin.news_forbidden"))
    item.published = _field(form, "publish") == "1"
    if item.published:
        item.published_at = utcnow()
    admin.record(
        web.session,
        officer,
        action="news.publish" if item.published else "news.unpublish",
        target=f"#{item.id} {item.title}",
    )
    web.session.commit()
    return web.redirect("/desk/admin/news?saved=1")


@news_images.get("/news/{item_id}/image")
def news_image(web: Web, item_id: int) -> Response:
    """The image of a published news item."""
    item = web.session.get(NewsItem, item_id)
    if item is None or not item.published or not item.image_key or not item.image_type:
        raise NotFoundError(f"News item {item_id} has no image.")
    content = web.request.app.state.storage.load(item.image_key)
    return photo_response(content, item.image_type, name=f"news-{item.id}")


# prices ------------------------------------------------------------------------------------
def _prices_page(
    web: WebContext,
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
    imported: int | None = None,
    status_code: int = 200,
) -> Response:
    officer = web.require_officer()
    regencies = [
        r
        for r in regions.children(web.session, web.profile.province.code)
        if regions.contains(officer.region_code, r.code)
    ]
    today = datetime.now(ZoneInfo(web.profile.province.timezone)).date()
    latest = [
        p
        for p in prices.latest_prices(web.session)
        if regions.contains(officer.region_code, p.region_code)
    ]
    return _render(
        web,
        "admin/prices.html",
        status_code=status_code,
        regencies=regencies,
        commodities=prices.list_commodities(web.session),
        latest=latest[:100],
        names={r.code: r.name for r in regencies},
        error=error,
        imported=imported,
        values=values
        or {"commodity_code": "", "region_code": "", "observed_on": today.isoformat(), "price": ""},
        columns=", ".join(admin.PRICE_COLUMNS),
        commodity_names={c.code: web.text(c.name) for c in prices.list_commodities(web.session)},
    )


@router.get("/prices")
def price_entry(web: Web) -> Response:
    """The day's price entry form, the CSV import and the latest prices in scope."""
    _require(web, "prices")
    return _prices_page(web)


@router.post("/prices")
def enter_price(web: Web, form: CheckedForm) -> Response:
    """Record (or correct) one day's price of a commodity in a regency."""
    _require(web, "prices")
    officer = web.require_officer()
    values = {
        name: _field(form, name, 64)
        for name in ("commodity_code", "region_code", "observed_on", "price")
    }
    try:
        row = admin.parse_price_csv(
            (
                ",".join(admin.PRICE_COLUMNS)
                + "\n"
                + ",".join(values[n].replace(",", "") for n in admin.PRICE_COLUMNS)
            ).encode(),
            filename=web.t("admin.prices_form"),
        )[0]
        admin.record(
            web.session,
            officer,
            action="prices.enter",
            target=f"{row.commodity_code} {row.region_code} {row.observed_on}",
            detail=str(row.price),
        )
        prices.record_price(
            web.session,
            officer,
            commodity_code=row.commodity_code,
            region_code=row.region_code,
            observed_on=row.observed_on,
            price=row.price,
        )
    except AppError as error:
        web.session.rollback()
        return _prices_page(web, error=error.message, values=values, status_code=error.status_code)
    return web.redirect("/desk/admin/prices?saved=1")


@router.post("/prices/import")
async def import_prices(web: Web, form: CheckedForm) -> Response:
    """Import a CSV of prices: every row or none, an error names the line."""
    _require(web, "prices")
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidError(web.t("admin.prices_choose_file"))
        data = await upload.read(MAX_CSV_BYTES + 1)
        if len(data) > MAX_CSV_BYTES:
            raise InvalidError(web.t("admin.prices_file_too_large", limit=MAX_CSV_BYTES))
        name = upload.filename[:100]
        rows = admin.parse_price_csv(data, filename=name)
        count = admin.import_prices(web.session, web.require_officer(), rows, filename=name)
    except AppError as error:
        web.session.rollback()
        return _prices_page(web, error=error.message, status_code=error.status_code)
    return _prices_page(web, imported=count)


# linked apps -------------------------------------------------------------------------------
@router.get("/apps")
def integrations(web: Web) -> Response:
    """Linked regional apps, each switched on or off."""
    _require(web, "apps")
    items = list(web.session.scalars(select(Integration).order_by(Integration.position)))
    return _render(web, "admin/apps.html", items=items)


@router.post("/apps/{code}")
def switch_integration(web: Web, code: str, form: CheckedForm) -> Response:
    """Show or hide a linked app."""
    _require(web, "apps")
    item = web.session.get(Integration, code[:64])
    if item is None:
        raise NotFoundError(f"Linked app {code[:64]!r} does not exist.")
    item.active = _field(form, "active") == "1"
    admin.record(
        web.session,
        web.require_officer(),
        action="app.on" if item.active else "app.off",
        target=item.code,
    )
    web.session.commit()
    return web.redirect("/desk/admin/apps?saved=1")
