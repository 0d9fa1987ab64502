"""Accounts: officer creation (admin API, CLI) and the credential check every login uses."""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import ConflictError, NotFoundError
from app.core.ratelimit import RateLimited, RateLimits
from app.core.security import hash_password, verify_password
from app.domain import regions
from app.models import Agency, Citizen, Officer
from app.schemas.account import MAX_PASSWORD, OfficerCreate

Account = TypeVar("Account", Citizen, Officer)


@dataclass(frozen=True)
class LoginGuard:
    """Rate limits of a login attempt: per client address and per account under attack."""

    limits: RateLimits
    client: str


@cache
def _decoy_hash() -> str:
    """A hash to check unknown accounts against, so they take as long as known ones."""
    return hash_password(secrets.token_urlsafe(16))


def authenticate(
    session: Session,
    model: type[Account],
    email: str,
    password: str,
    *,
    guard: LoginGuard | None = None,
) -> Account | None:
    """The active account of `model` with this e-mail and password, or None.

    With a guard, every attempt counts against the client's limit and every failure against
    the account's (tiers that lock it for longer and longer); a locked account answers
    RateLimited even to the right password. Unknown and known e-mails cost the same hashing.
    """
    kind = model.__tablename__
    if guard is not None:
        guard.limits.hit("login_ip", guard.client)
        guard.limits.check("login_failures", kind, email)
    account = session.scalar(select(model).where(model.email == email))
    hashed = account.password_hash if account is not None else _decoy_hash()
    matches = len(password) <= MAX_PASSWORD and verify_password(password, hashed)
    if account is None or not account.active or not matches:
        if guard is not None:
            with contextlib.suppress(RateLimited):  # this attempt still gets the plain answer
                guard.limits.hit("login_failures", kind, email)
        return None
    return account


def create_officer(session: Session, body: OfficerCreate) -> Officer:
    """Store a new officer after checking the e-mail, region and agency."""
    if session.scalar(select(Officer.id).where(Officer.email == body.email)) is not None:
        raise ConflictError(f"An officer with e-mail {body.email} already exists.")
    regions.get_region(session, body.region_code)
    if body.agency_code is not None:
        agency = session.get(Agency, body.agency_code)
        if agency is None or not agency.active:
            raise NotFoundError(f"Agency {body.agency_code!r} does not exist.")
    officer = Officer(
        email=body.email,
        full_name=body.full_name,
        password_hash=hash_password(body.password),
        role=body.role,
        region_code=body.region_code,
        agency_code=body.agency_code,
    )
    session.add(officer)
    session.commit()
    return officer
