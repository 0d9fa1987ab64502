"""The JSON Schema of the profile, for editors and for checking profiles outside jaki-forge."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from jaki_forge.profile.model import Profile

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def profile_schema() -> dict[str, Any]:
    """The profile's JSON Schema (draft 2020-12), derived from the pydantic model."""
    schema = Profile.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_URI, **schema}


def schema_text() -> str:
    """The schema as stable, pretty-printed JSON text ending with a newline."""
    return json.dumps(profile_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def shipped_schema_text() -> str:
    """The schema file shipped in the package (jaki_forge/data/profile.schema.json)."""
    return resources.files("jaki_forge").joinpath("data/profile.schema.json").read_text(encoding="utf-8")
