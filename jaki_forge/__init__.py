"""jaki-forge: replicate the JAKI citizen-service app for any Indonesian province from one profile."""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "JakiForgeError",
    "LoadedProfile",
    "ProfileError",
    "check",
    "diff",
    "generate",
    "load_profile",
    "profile_schema",
    "template_data",
    "update",
]

_EXPORTS = {
    "JakiForgeError": "errors",
    "ProfileError": "errors",
    "LoadedProfile": "profile.load",
    "load_profile": "profile.load",
    "profile_schema": "profile.schema",
    "template_data": "replica.payload",
    "generate": "replica.create",
    "update": "replica.update",
    "check": "replica.drift",
    "diff": "replica.drift",
}


def __getattr__(name: str) -> Any:
    """Import the public API lazily so that `jaki-forge --version` stays instant."""
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'jaki_forge' has no attribute {name!r}")
