"""Per-request page context: language, web sessions in HTTP-only cookies, CSRF, rendering."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import jinja2
from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData

from app.core.config import Settings
from app.core.errors import AppError
from app.core.profile import Profile
from app.domain import sessions
from app.domain.catalogue import localise
from app.domain.sessions import Account, resolve
from app.models import Citizen, Officer, OfficerRole
from app.web.branding import Brand, brand_of, logo_url
from app.web.i18n import Translator, pick_language

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
CITIZEN_COOKIE = "citizen_session"
OFFICER_COOKIE = "officer_session"
CSRF_COOKIE = "csrf_session"
LANG_COOKIE = "lang"
GUEST_COOKIE = "guest_reports"
CSRF_FIELD = "csrf_token"
GUEST_CODES_KEPT = 20
YEAR = 365 * 24 * 3600
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA"}
ZONE_NAMES["Asia/Jayapura"] = "WIT"

templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=jinja2.select_autoescape(["html", "xml", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
    # templates are read once: error pages rendered on the event loop touch no files
    auto_reload=False,
)


class CsrfError(Exception):
    """A form that changes data came without the session's CSRF token."""


class LoginRequired(Exception):
    """The page needs a logged-in citizen or officer; `url` is the login page to go to."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def csrf_token_for(session_id: str, secret_key: str) -> str:
    """The hidden-field token bound to a browser's CSRF cookie."""
    return hmac.new(secret_key.encode(), session_id.encode(), hashlib.sha256).hexdigest()


def cookie_secure(request: Request, settings: Settings) -> bool:
    """Secure cookies unless turned off, in production and on every HTTPS request."""
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return settings.environment == "production" or request.url.scheme == "https"


def safe_next(url: str | None, default: str) -> str:
    """A local path to go to after login (never another site)."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return default


def _account(
    request: Request, session: Any, cookie: str, model: type[Account], secret_key: str
) -> Account | None:
    token = request.cookies.get(cookie)
    return resolve(session, token, model, secret_key=secret_key) if token else None


def format_datetime(value: datetime | None, timezone: str) -> str:
    """`value` in the province's time zone, as `31/12/2026 14.05 WIB`."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(timezone))
    zone = ZONE_NAMES.get(timezone) or local.strftime("UTC%z")
    return local.strftime("%d/%m/%Y %H.%M ") + zone


@dataclass
class WebContext:
    """What every page needs: the request, database, profile, language, identity and CSRF.

    The database session opens on first use: a page served from a cache, for a visitor who is
    not logged in, never touches the database (nor leaves the event loop).
    """

    request: Request
    sessions: sessionmaker[Session] | None
    settings: Settings
    profile: Profile
    modules: dict[str, bool]
    lang: str
    t: Translator
    csrf_id: str
    citizen: Citizen | None = None
    officer: Officer | None = None
    cookies: list[tuple[str, str | None, int | None]] = field(default_factory=list)
    _session: Session | None = None

    @property
    def csrf_token(self) -> str:
        """The hidden-field token of this browser's CSRF cookie (set now if it has none)."""
        if len(self.csrf_id) < 20:
            self.csrf_id = secrets.token_urlsafe(24)
            self.set_cookie(CSRF_COOKIE, self.csrf_id)
        return csrf_token_for(self.csrf_id, self.settings.secret_key)

    @property
    def session(self) -> Any:
        """This request's database session (opened now if it is not yet)."""
        if self._session is None:
            if self.sessions is None:
                raise RuntimeError("this page context has no database")
            self._session = self.sessions()
        return self._session

    def identify(self) -> None:
        """Look up the logged-in citizen and officer of the session cookies (database work)."""
        key = self.settings.secret_key
        self.citizen = _account(self.request, self.session, CITIZEN_COOKIE, Citizen, key)
        self.officer = _account(self.request, self.session, OFFICER_COOKIE, Officer, key)

    @property
    def session_open(self) -> bool:
        """Whether this request opened its database session."""
        return self._session is not None

    def close(self) -> None:
        """Close the database session if the request opened one."""
        if self._session is not None:
            self._session.close()
            self._session = None

    # cookies -------------------------------------------------------------------------------
    def set_cookie(self, name: str, value: str | None, *, max_age: int | None = None) -> None:
        """Set (or with None delete) an HTTP-only cookie on the response."""
        self.cookies.append((name, value, max_age))

    def _apply(self, response: Response) -> Response:
        secure = cookie_secure(self.request, self.settings)
        for name, value, max_age in self.cookies:
            if value is None:
                response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="lax")
            else:
                response.set_cookie(
                    name,
                    value,
                    max_age=max_age,
                    path="/",
                    secure=secure,
                    httponly=True,
                    samesite="lax",
                )
        return response

    def sign_in(self, account: Citizen | Officer) -> None:
        """Start a citizen or officer web session (a signed token in an HTTP-only cookie)."""
        token = sessions.issue(account, settings=self.settings)
        cookie = OFFICER_COOKIE if isinstance(account, Officer) else CITIZEN_COOKIE
        minutes = sessions.lifetime_minutes(account, self.settings)
        self.set_cookie(cookie, token, max_age=minutes * 60)

    def sign_out(self, kind: str) -> None:
        """End the citizen or officer session: every token of the account stops working."""
        account = self.officer if kind == "officer" else self.citizen
        if account is not None:
            sessions.revoke(self.session, account)
        self.set_cookie(OFFICER_COOKIE if kind == "officer" else CITIZEN_COOKIE, None)

    def guest_codes(self) -> dict[str, str]:
        """Access codes of reports filed as a guest in this browser: number -> code."""
        try:
            codes = json.loads(self.request.cookies.get(GUEST_COOKIE) or "{}")
        except ValueError:
            return {}
        if not isinstance(codes, dict):
            return {}
        return {str(k): str(v) for k, v in codes.items()}

    def remember_guest_code(self, number: str, code: str) -> None:
        """Keep a guest report's access code in this browser so the reporter can rate it."""
        codes = self.guest_codes()
        codes.pop(number, None)
        codes[number] = code
        kept = dict(list(codes.items())[-GUEST_CODES_KEPT:])
        self.set_cookie(GUEST_COOKIE, json.dumps(kept, separators=(",", ":")), max_age=YEAR)

    # identity ------------------------------------------------------------------------------
    def require_officer(self) -> Officer:
        """The logged-in officer, or a redirect to the desk login."""
        if self.officer is None:
            raise LoginRequired("/desk/login?" + urlencode({"next": self.here()}))
        return self.officer

    def require_citizen(self) -> Citizen:
        """The logged-in citizen, or a redirect to the login page."""
        if self.citizen is None:
            raise LoginRequired("/login?" + urlencode({"next": self.here()}))
        return self.citizen

    @property
    def is_supervisor(self) -> bool:
        """Whether the officer may verify closures (supervisor or admin)."""
        return self.officer is not None and self.officer.role in (
            OfficerRole.SUPERVISOR,
            OfficerRole.ADMIN,
        )

    def here(self) -> str:
        """The current path and query."""
        query = self.request.url.query
        return self.request.url.path + (f"?{query}" if query else "")

    # rendering -----------------------------------------------------------------------------
    def lang_url(self, lang: str) -> str:
        """The current page in another language."""
        params = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        return self.request.url.path + "?" + urlencode([*params, ("lang", lang)])

    def text(self, texts: dict[str, str] | None) -> str:
        """A profile text (`{id, en}`) in the page language."""
        return localise(texts or {}, self.lang)

    def when(self, value: datetime | None) -> str:
        """A date-time for display in the province's time zone."""
        return format_datetime(value, self.profile.province.timezone)

    def render(self, template: str, *, status_code: int = 200, **values: Any) -> Response:
        """The page `template` rendered with the common context and `values`."""
        state = self.request.app.state
        brand, logo = _page_constants(state, self.profile)
        page = templates.get_template(template).render(
            ctx=self,
            t=self.t,
            lang=self.lang,
            app=self.profile.app,
            profile=self.profile,
            brand=brand,
            modules=self.modules,
            csrf_field=CSRF_FIELD,
            citizen=self.citizen,
            officer=self.officer,
            logo_url=logo,
            version=getattr(state, "web_version", "0"),
            path=self.request.url.path,
            quote=quote,
            **values,
        )
        return self._apply(HTMLResponse(page, status_code=status_code))

    def html(self, body: bytes, *, status_code: int = 200) -> Response:
        """An already rendered page, carrying the pending cookies."""
        return self._apply(HTMLResponse(body, status_code=status_code))

    def redirect(self, url: str) -> Response:
        """A 303 redirect (after a form post) carrying the pending cookies."""
        return self._apply(RedirectResponse(url, status_code=303))

    def error_text(self, error: AppError) -> str:
        """The message of `error` in the page's language (English when not translated)."""
        return error.text(self.t, known=self.t.has)

    def error(self, status_code: int, *, title: str, detail: str | None = None) -> Response:
        """An error page."""
        return self.render("error.html", status_code=status_code, title=title, detail=detail)


def _page_constants(state: Any, profile: Profile) -> tuple[Brand, str]:
    """The brand palette and logo URL, worked out once per app (they change only on a render)."""
    known = getattr(state, "page_constants", None)
    if known is None or known[0] is not profile:
        known = (profile, brand_of(profile), logo_url())
        state.page_constants = known
    return known[1], known[2]


def page_language(request: Request) -> str:
    """The language a page for `request` is shown in."""
    languages = request.app.state.profile.app.languages
    return pick_language(
        request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), languages
    )[0]


def _context(request: Request, sessions: sessionmaker[Session] | None) -> WebContext:
    state = request.app.state
    settings: Settings = state.settings
    profile: Profile = state.profile
    lang, changed = pick_language(
        request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), profile.app.languages
    )
    pending: list[tuple[str, str | None, int | None]] = []
    if changed:
        pending.append((LANG_COOKIE, lang, YEAR))
    return WebContext(
        request=request,
        sessions=sessions,
        settings=settings,
        profile=profile,
        modules=state.modules,
        lang=lang,
        t=Translator(lang),
        csrf_id=request.cookies.get(CSRF_COOKIE) or "",
        cookies=pending,
    )


async def get_web(request: Request) -> AsyncIterator[WebContext]:
    """The page context of a request; database work (identity, closing) runs off the loop."""
    context = _context(request, request.app.state.sessionmaker)
    try:
        if CITIZEN_COOKIE in request.cookies or OFFICER_COOKIE in request.cookies:
            await run_in_threadpool(context.identify)
        yield context
    finally:
        if context.session_open:
            await run_in_threadpool(context.close)


Web = Annotated[WebContext, Depends(get_web)]


async def checked_form(request: Request) -> FormData:
    """The posted form, after checking its CSRF token against the browser's CSRF cookie."""
    form = await request.form()
    session_id = request.cookies.get(CSRF_COOKIE)
    sent = form.get(CSRF_FIELD)
    expected = (
        csrf_token_for(session_id, request.app.state.settings.secret_key) if session_id else ""
    )
    if not session_id or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise CsrfError
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


def error_page(
    request: Request, status_code: int, *, title_key: str, detail: str | None
) -> Response:
    """An error page rendered without a database session."""
    context = _context(request, None)
    return context.error(status_code, title=context.t(title_key), detail=detail)


class WebRoute(APIRoute):
    """A page route: application errors become HTML pages, logins redirect, CSRF fails 403."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap the FastAPI handler with the page error handling."""
        handler: Callable[[Request], Awaitable[Response]] = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired as login:
                return RedirectResponse(login.url, status_code=303)
            except CsrfError:
                return error_page(request, 403, title_key="error.csrf", detail=None)
            except AppError as error:
                key = {404: "error.not_found", 403: "error.forbidden"}.get(
                    error.status_code, "error.invalid"
                )
                translate = Translator(page_language(request))
                detail = error.text(translate, known=translate.has)
                return error_page(request, error.status_code, title_key=key, detail=detail)

        return page
