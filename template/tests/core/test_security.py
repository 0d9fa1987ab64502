"""Passwords are hashed with argon2; tokens are signed and expire."""

from __future__ import annotations

from app.core.security import (
    create_access_token,
    hash_password,
    hash_secret,
    read_access_token,
    verify_password,
)


def test_password_hash_round_trip() -> None:
    hashed = hash_password("kata-sandi-panjang")
    assert hashed.startswith("$argon2")
    assert verify_password("kata-sandi-panjang", hashed)
    assert not verify_password("salah", hashed)


def test_tokens_are_signed_and_expire() -> None:
    token = create_access_token("citizen:1", secret_key="k" * 32, expires_minutes=5)
    assert read_access_token(token, secret_key="k" * 32) == "citizen:1"
    assert read_access_token(token, secret_key="x" * 32) is None
    expired = create_access_token("citizen:1", secret_key="k" * 32, expires_minutes=-1)
    assert read_access_token(expired, secret_key="k" * 32) is None


def test_secret_hash_is_stable_hex() -> None:
    assert hash_secret("abc") == hash_secret("abc")
    assert len(hash_secret("abc")) == 64
