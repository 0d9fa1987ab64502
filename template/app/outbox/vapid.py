"""The VAPID key pair for web push: from VAPID_PRIVATE_KEY, or generated into the instance dir."""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.core.config import Settings

KEY_FILE = "vapid_private.pem"


def _generate(path: Path) -> None:
    """Write a new P-256 key to `path` (mode 0600) unless another process was first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    temporary = path.parent / f".{KEY_FILE}-{secrets.token_hex(6)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(pem)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def private_key(settings: Settings) -> ec.EllipticCurvePrivateKey:
    """The VAPID signing key: VAPID_PRIVATE_KEY (PEM), else INSTANCE_DIR/vapid_private.pem."""
    if settings.vapid_private_key:
        pem = settings.vapid_private_key.encode()
    else:
        path = settings.instance_dir / KEY_FILE
        if not path.is_file():
            _generate(path)
        pem = path.read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("VAPID_PRIVATE_KEY is not an elliptic-curve (P-256) private key in PEM")
    return key


def private_pem(settings: Settings) -> bytes:
    """The VAPID private key as PEM."""
    return private_key(settings).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_key(settings: Settings) -> str:
    """The application server key browsers subscribe with (base64url, uncompressed point)."""
    raw = (
        private_key(settings)
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
