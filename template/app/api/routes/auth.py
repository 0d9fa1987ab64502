"""Citizen registration and login, officer login."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import select

from app.api.deps import (
    CurrentCitizen,
    LoginGuardDep,
    RegisterLimit,
    SessionDep,
    SettingsDep,
)
from app.core.errors import ConflictError
from app.core.security import create_access_token, hash_password
from app.domain.accounts import authenticate
from app.models import Citizen, Officer
from app.schemas.account import CitizenCreate, CitizenPublic, LoginRequest, Token

router = APIRouter(prefix="/auth", tags=["auth"])

_BAD_LOGIN = "The e-mail address or the password is wrong."


def _token(subject: str, settings: SettingsDep) -> Token:
    return Token(
        access_token=create_access_token(
            subject,
            secret_key=settings.secret_key,
            expires_minutes=settings.access_token_expire_minutes,
        )
    )


@router.post(
    "/register",
    response_model=CitizenPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[RegisterLimit],
)
def register(session: SessionDep, body: CitizenCreate) -> Citizen:
    """Create a citizen account."""
    if session.scalar(select(Citizen.id).where(Citizen.email == body.email)) is not None:
        raise ConflictError(f"An account for {body.email} already exists; log in instead.")
    citizen = Citizen(
        email=body.email,
        full_name=body.full_name,
        phone=body.phone,
        password_hash=hash_password(body.password),
    )
    session.add(citizen)
    session.commit()
    return citizen


@router.post("/login", response_model=Token)
def login(
    session: SessionDep, settings: SettingsDep, guard: LoginGuardDep, body: LoginRequest
) -> Token:
    """A bearer token for a citizen."""
    citizen = authenticate(session, Citizen, body.email, body.password, guard=guard)
    if citizen is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, _BAD_LOGIN)
    return _token(f"citizen:{citizen.id}", settings)


@router.post("/officer-login", response_model=Token)
def officer_login(
    session: SessionDep, settings: SettingsDep, guard: LoginGuardDep, body: LoginRequest
) -> Token:
    """A bearer token for an officer."""
    officer = authenticate(session, Officer, body.email, body.password, guard=guard)
    if officer is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, _BAD_LOGIN)
    return _token(f"officer:{officer.id}", settings)


@router.get("/me", response_model=CitizenPublic)
def read_me(citizen: CurrentCitizen) -> Citizen:
    """The logged-in citizen."""
    return citizen
