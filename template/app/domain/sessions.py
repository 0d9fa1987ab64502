"""Login sessions: signed tokens bound to the account's token version, revoked by raising it."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.security import create_access_token, read_token
from app.models import Citizen, Officer

Account = TypeVar("Account", Citizen, Officer)
KINDS: dict[str, type[Citizen] | type[Officer]] = {"citizen": Citizen, "officer": Officer}


def kind_of(account: Citizen | Officer) -> str:
    """`officer` or `citizen`."""
    return "officer" if isinstance(account, Officer) else "citizen"


def lifetime_minutes(account: Citizen | Officer, settings: Settings) -> int:
    """How long a session lasts: a working day for officers, longer for citizens."""
    if isinstance(account, Officer):
        return settings.officer_token_expire_minutes
    return settings.access_token_expire_minutes


def issue(account: Citizen | Officer, *, settings: Settings) -> str:
    """A new session token for `account`."""
    assert settings.secret_key is not None
    return create_access_token(
        f"{kind_of(account)}:{account.id}",
        secret_key=settings.secret_key,
        expires_minutes=lifetime_minutes(account, settings),
        version=account.token_version,
    )


def subject_kind(token: str, *, secret_key: str) -> str | None:
    """The account kind a valid token names, or None when the token is not valid."""
    claims = read_token(token, secret_key=secret_key)
    return claims[0].partition(":")[0] if claims else None


def resolve(
    session: Session, token: str, model: type[Account], *, secret_key: str
) -> Account | None:
    """The active account of `model` a valid, unrevoked token belongs to, or None."""
    claims = read_token(token, secret_key=secret_key)
    if claims is None:
        return None
    subject, version = claims
    kind, _, value = subject.partition(":")
    if KINDS.get(kind) is not model or not value.isdigit():
        return None
    account = session.get(model, int(value))
    if account is None or not account.active or account.token_version != version:
        return None
    return account


def revoke(session: Session, account: Citizen | Officer) -> None:
    """End every session of `account` (logout, password change)."""
    account.token_version += 1
    session.commit()
