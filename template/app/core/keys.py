"""The token-signing key: from SECRET_KEY, or generated once and kept in the instance directory."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from app.core.config import Settings

KEY_FILE = "secret_key"
GENERATED_BYTES = 48


def _read(path: Path) -> str | None:
    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return key or None


def instance_key(instance_dir: Path) -> str:
    """The key stored in `instance_dir`, created (mode 0600) on first use.

    Several worker processes may start at once: the key is written to a private temporary
    file and linked into place, so every process ends up reading the same complete key.
    """
    path = instance_dir / KEY_FILE
    key = _read(path)
    if key is not None:
        return key
    instance_dir.mkdir(parents=True, exist_ok=True)
    temporary = instance_dir / f".{KEY_FILE}-{secrets.token_hex(6)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(GENERATED_BYTES) + "\n")
        with contextlib.suppress(FileExistsError):  # another process was first: use its key
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    key = _read(path)
    if key is None:
        raise RuntimeError(f"the generated key file {path} is empty; delete it and start again")
    return key


def with_secret_key(settings: Settings) -> Settings:
    """`settings` with a signing key: SECRET_KEY when set, else the instance directory's."""
    if settings.secret_key:
        return settings
    return settings.model_copy(update={"secret_key": instance_key(settings.instance_dir)})
