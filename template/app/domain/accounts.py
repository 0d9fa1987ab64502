"""Accounts: officer creation (admin API, CLI) and the credential check every login uses."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import ConflictError, NotFoundError
from app.core.security import hash_password, verify_password
from app.domain import regions
from app.models import Agency, Citizen, Officer
from app.schemas.account import OfficerCreate

Account = TypeVar("Account", Citizen, Officer)


def authenticate(
    session: Session, model: type[Account], email: str, password: str
) -> Account | None:
    """The active account of `model` with this e-mail and password, or None."""
    account = session.scalar(select(model).where(model.email == email))
    if (
        account is None
        or not account.active
        or not verify_password(password, account.password_hash)
    ):
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
