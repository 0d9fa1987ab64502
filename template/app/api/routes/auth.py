"""Citizen registration and login, officer login."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status
from sqlalchemy import select

from app.api.deps import (
    CurrentAccount,
    CurrentCitizen,
    LoginGuardDep,
    RegisterLimit,
    SessionDep,
    SettingsDep,
)
from app.core.errors import ConflictError, InvalidError
from app.core.passwords import password_problem
from app.core.security import hash_password
from app.domain import sessions
from app.domain.accounts import authenticate
from app.models import Citizen, Officer
from app.schemas.account import (
    CitizenCreate,
    CitizenPublic,
    LoginRequest,
    PasswordChange,
    Token,
)

router = APIRouter(prefix="/auth", tags=["auth"])

_BAD_LOGIN = "The e-mail address or the password is wrong."


def _token(account: Citizen | Officer, settings: SettingsDep) -> Token:
    return Token(access_token=sessions.issue(account, settings=settings))


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
    return _token(citizen, settings)


@router.post("/officer-login", response_model=Token)
def officer_login(
    session: SessionDep, settings: SettingsDep, guard: LoginGuardDep, body: LoginRequest
) -> Token:
    """A bearer token for an officer."""
    officer = authenticate(session, Officer, body.email, body.password, guard=guard)
    if officer is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, _BAD_LOGIN)
    return _token(officer, settings)


@router.get("/me", response_model=CitizenPublic)
def read_me(citizen: CurrentCitizen) -> Citizen:
    """The logged-in citizen."""
    return citizen


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(session: SessionDep, account: CurrentAccount) -> Response:
    """End every session of the caller's account (all its bearer tokens and web cookies)."""
    sessions.revoke(session, account)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/password", response_model=Token)
def change_password(
    session: SessionDep,
    settings: SettingsDep,
    guard: LoginGuardDep,
    account: CurrentAccount,
    body: PasswordChange,
) -> Token:
    """Set a new password: every other session ends; the answer is a fresh token."""
    model = type(account)
    if authenticate(session, model, account.email, body.current_password, guard=guard) is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "The current password is wrong.")
    problem = password_problem(
        body.new_password, kind=sessions.kind_of(account), inputs=[account.email, account.full_name]
    )
    if problem:
        raise InvalidError(problem)
    account.password_hash = hash_password(body.new_password)
    sessions.revoke(session, account)
    return _token(account, settings)
