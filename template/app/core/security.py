"""Password hashing (argon2), signed bearer tokens (JWT) and API keys (hashed)."""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import jwt
from pwdlib import PasswordHash

ALGORITHM = "HS256"
_password_hash = PasswordHash.recommended()
# Argon2 is slow and memory-hard on purpose: a flood of logins must not take every core from
# the pages, so each process hashes at most this many passwords at once.
HASHING_SLOTS = max(1, (os.cpu_count() or 2) // 2)
HASHING_WAIT_SECONDS = 5.0
_hashing = threading.BoundedSemaphore(HASHING_SLOTS)


class HashingBusy(RuntimeError):
    """Every password-hashing slot stayed busy: the server answers 503 and asks to retry."""


@contextmanager
def _hashing_slot() -> Iterator[None]:
    if not _hashing.acquire(timeout=HASHING_WAIT_SECONDS):
        raise HashingBusy("every password-hashing slot is busy")
    try:
        yield
    finally:
        _hashing.release()


def hash_password(password: str) -> str:
    """Argon2 hash of `password`."""
    with _hashing_slot():
        return _password_hash.hash(password)


def verify_password(password: str, hashed: str) -> bool:
    """Whether `password` matches `hashed`."""
    with _hashing_slot():
        return _password_hash.verify(password, hashed)


def create_access_token(
    subject: str, *, secret_key: str, expires_minutes: int, version: int = 0
) -> str:
    """A signed token naming `subject` (e.g. `citizen:12`), valid for `expires_minutes`.

    `version` is the account's token version when the token is issued; raising the account's
    version revokes every token issued before.
    """
    expires = datetime.now(UTC) + timedelta(minutes=expires_minutes)
    claims = {"sub": subject, "exp": expires, "ver": version}
    return jwt.encode(claims, secret_key, algorithm=ALGORITHM)


def read_token(token: str, *, secret_key: str) -> tuple[str, int] | None:
    """(subject, version) of a valid token, or None when it is invalid or expired."""
    try:
        payload = jwt.decode(token, secret_key, algorithms=[ALGORITHM])
    except jwt.PyJWTError:
        return None
    subject, version = payload.get("sub"), payload.get("ver", 0)
    if not isinstance(subject, str) or not isinstance(version, int):
        return None
    return subject, version


def read_access_token(token: str, *, secret_key: str) -> str | None:
    """The subject of a valid token, or None when it is invalid or expired."""
    claims = read_token(token, secret_key=secret_key)
    return claims[0] if claims else None


def new_secret(nbytes: int = 24) -> str:
    """A random URL-safe secret (API keys, access codes)."""
    return secrets.token_urlsafe(nbytes)


def hash_secret(secret: str) -> str:
    """SHA-256 hex digest of a high-entropy secret such as an API key."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
