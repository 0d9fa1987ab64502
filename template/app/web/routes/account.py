"""Citizen accounts on the web: register, log in, log out (session in an HTTP-only cookie)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import ValidationError
from sqlalchemy import select

from app.api.deps import RegisterLimit, login_guard
from app.core.security import hash_password
from app.domain.accounts import authenticate
from app.models import Citizen
from app.schemas.account import CitizenCreate, LoginRequest
from app.web.context import CheckedForm, Web, WebContext, WebRoute, safe_next

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Next = Annotated[str | None, Query(alias="next", max_length=500)]


def _field(form: CheckedForm, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _fields_in_error(error: ValidationError) -> list[str]:
    return sorted({str(problem["loc"][0]) for problem in error.errors() if problem["loc"]})


def render_login(
    web: WebContext, *, next_url: str, email: str = "", error: str | None = None
) -> Response:
    """The citizen login form."""
    return web.render(
        "login.html",
        status_code=401 if error else 200,
        next_url=next_url,
        email=email,
        error=error,
    )


@router.get("/login")
def login_form(web: Web, next_url: Next = None) -> Response:
    """Log in as a citizen."""
    return render_login(web, next_url=safe_next(next_url, "/my-reports"))


@router.post("/login")
def login(web: Web, form: CheckedForm) -> Response:
    """Check the e-mail and password and start the session."""
    next_url = safe_next(_field(form, "next"), "/my-reports")
    try:
        body = LoginRequest(email=_field(form, "email"), password=_field(form, "password"))
    except ValidationError:
        return render_login(
            web, next_url=next_url, email=_field(form, "email"), error=web.t("login.failed")
        )
    guard = login_guard(web.request)
    citizen = authenticate(web.session, Citizen, body.email, body.password, guard=guard)
    if citizen is None:
        return render_login(web, next_url=next_url, email=body.email, error=web.t("login.failed"))
    web.sign_in(citizen)
    return web.redirect(next_url)


@router.get("/register")
def register_form(web: Web, next_url: Next = None) -> Response:
    """Create a citizen account."""
    return web.render(
        "register.html",
        next_url=safe_next(next_url, "/my-reports"),
        values={},
        invalid=[],
        error=None,
    )


@router.post("/register", dependencies=[RegisterLimit])
def register(web: Web, form: CheckedForm) -> Response:
    """Store the account and log in."""
    next_url = safe_next(_field(form, "next"), "/my-reports")
    values = {name: _field(form, name) for name in ("email", "full_name", "phone")}
    try:
        body = CitizenCreate(
            email=values["email"],
            full_name=values["full_name"].strip(),
            phone=values["phone"].strip() or None,
            password=_field(form, "password"),
        )
    except ValidationError as error:
        return web.render(
            "register.html",
            status_code=422,
            next_url=next_url,
            values=values,
            invalid=_fields_in_error(error),
            error=web.t("register.invalid"),
        )
    if web.session.scalar(select(Citizen.id).where(Citizen.email == body.email)) is not None:
        return web.render(
            "register.html",
            status_code=409,
            next_url=next_url,
            values=values,
            invalid=["email"],
            error=web.t("register.exists"),
        )
    citizen = Citizen(
        email=body.email,
        full_name=body.full_name,
        phone=body.phone,
        password_hash=hash_password(body.password),
    )
    web.session.add(citizen)
    web.session.commit()
    web.sign_in(citizen)
    return web.redirect(next_url)


@router.post("/logout")
def logout(web: Web, form: CheckedForm) -> Response:
    """End the citizen session."""
    web.sign_out("citizen")
    return web.redirect("/")
