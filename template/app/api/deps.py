"""FastAPI dependencies: session, settings, profile, storage and the caller's identity."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.profile import Profile
from app.domain.accounts import LoginGuard
from app.domain.catalogue_cache import Snapshot
from app.domain.sessions import KINDS, Account, resolve, subject_kind
from app.domain.storage import Storage
from app.models import Citizen, Officer, OfficerRole
from app.schemas.common import Lang


def get_session(request: Request) -> Iterator[Session]:
    """A database session for one request."""
    with request.app.state.sessionmaker() as session:
        yield session


async def get_catalogue(request: Request) -> Snapshot:
    """The service catalogue (a cached snapshot; the version check runs off the event loop)."""
    cache = request.app.state.catalogue
    return cache.fresh() or await run_in_threadpool(cache.refresh, request.app.state.sessionmaker)


# Dependencies that only read app state are coroutines: FastAPI would run a plain function in the
# thread pool, a hop that costs more than the work.
async def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


async def get_app_profile(request: Request) -> Profile:
    """The province profile."""
    return request.app.state.profile


async def get_storage(request: Request) -> Storage:
    """The file storage backend."""
    return request.app.state.storage


def client_address(request: Request) -> str:
    """The caller's IP address (behind a proxy: as the server's --forwarded-allow-ips trusts)."""
    return request.client.host if request.client else "unknown"


def login_guard(request: Request) -> LoginGuard:
    """The rate limits a login from this caller goes through."""
    return LoginGuard(limits=request.app.state.limits, client=client_address(request))


def limit_by_address(rule: str) -> Callable[[Request], None]:
    """A dependency counting each request against rate-limit `rule` for the caller's address."""

    def check(request: Request) -> None:
        request.app.state.limits.hit(rule, client_address(request))

    return check


_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


async def idempotency_key(
    value: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="A unique key per report: a retry with the same key files nothing new.",
        ),
    ] = None,
) -> str | None:
    """The client's Idempotency-Key (quotes of the structured-field form removed), if sent."""
    if value is None:
        return None
    key = value.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not _IDEMPOTENCY_KEY.match(key):
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            "Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID.",
        )
    return key


SessionDep = Annotated[Session, Depends(get_session)]
CatalogueDep = Annotated[Snapshot, Depends(get_catalogue)]
IdempotencyKeyDep = Annotated[str | None, Depends(idempotency_key)]
LoginGuardDep = Annotated[LoginGuard, Depends(login_guard)]
LookupLimit = Depends(limit_by_address("lookup_ip"))
RegisterLimit = Depends(limit_by_address("register_ip"))
ReportLimit = Depends(limit_by_address("report_post"))
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ProfileDep = Annotated[Profile, Depends(get_app_profile)]
StorageDep = Annotated[Storage, Depends(get_storage)]
LangDep = Annotated[Lang, Query(description="Language of names and descriptions.")]

_bearer = HTTPBearer(auto_error=False)
CredentialsDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


_ENDED = "This session has ended (logged out or password changed) or the account is disabled."


def _session_account(
    session: Session,
    settings: Settings,
    credentials: HTTPAuthorizationCredentials | None,
    model: type[Account],
) -> Account | None:
    """The account of a bearer token of `model`'s kind; None without one or for another kind."""
    if credentials is None:
        return None
    assert settings.secret_key is not None
    kind = subject_kind(credentials.credentials, secret_key=settings.secret_key)
    if kind is None:
        raise _unauthorised("The bearer token is invalid or has expired; log in again.")
    if KINDS.get(kind) is not model:
        return None
    account = resolve(session, credentials.credentials, model, secret_key=settings.secret_key)
    if account is None:
        raise _unauthorised(_ENDED + " Log in again.")
    return account


def get_optional_citizen(
    session: SessionDep, settings: SettingsDep, credentials: CredentialsDep
) -> Citizen | None:
    """The logged-in citizen, or None for guests."""
    return _session_account(session, settings, credentials, Citizen)


OptionalCitizen = Annotated[Citizen | None, Depends(get_optional_citizen)]


def get_current_citizen(citizen: OptionalCitizen) -> Citizen:
    """The logged-in citizen; 401 otherwise."""
    if citizen is None:
        raise _unauthorised("Log in as a citizen to do this.")
    return citizen


CurrentCitizen = Annotated[Citizen, Depends(get_current_citizen)]


def get_current_officer(
    session: SessionDep, settings: SettingsDep, credentials: CredentialsDep
) -> Officer:
    """The logged-in officer; 401 otherwise."""
    officer = _session_account(session, settings, credentials, Officer)
    if officer is None:
        raise _unauthorised("Log in as an officer to do this.")
    return officer


CurrentOfficer = Annotated[Officer, Depends(get_current_officer)]


def get_current_account(
    session: SessionDep, settings: SettingsDep, credentials: CredentialsDep
) -> Citizen | Officer:
    """The logged-in citizen or officer; 401 otherwise."""
    account = _session_account(session, settings, credentials, Citizen) or _session_account(
        session, settings, credentials, Officer
    )
    if account is None:
        raise _unauthorised("Log in to do this.")
    return account


CurrentAccount = Annotated[Citizen | Officer, Depends(get_current_account)]


def get_current_supervisor(officer: CurrentOfficer) -> Officer:
    """An officer with the supervisor or admin role; 403 otherwise."""
    if officer.role not in (OfficerRole.SUPERVISOR, OfficerRole.ADMIN):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "This needs a supervisor or an admin.")
    return officer


CurrentSupervisor = Annotated[Officer, Depends(get_current_supervisor)]


def get_current_admin(officer: CurrentOfficer) -> Officer:
    """An officer with the admin role; 403 otherwise."""
    if officer.role != OfficerRole.ADMIN:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "This needs an admin.")
    return officer


CurrentAdmin = Annotated[Officer, Depends(get_current_admin)]
