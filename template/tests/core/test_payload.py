"""The profile data this replica was rendered with fits the payload schema shipped with it."""

import json
from pathlib import Path

import jsonschema

import app
from app.core.profile import Modules

DATA = Path(app.__file__).parent / "data"


def schema() -> dict:
    return json.loads((DATA / "payload.schema.json").read_text(encoding="utf-8"))


def test_profile_json_fits_the_payload_schema():
    data = json.loads((DATA / "profile.json").read_text(encoding="utf-8"))
    # the regions and the logo's bytes live elsewhere: optional in the schema
    jsonschema.validate(data, schema())


def test_module_switch_defaults_agree_with_the_toolkit():
    switches = schema()["$defs"]["ModulesData"]["properties"]
    assert Modules().model_dump() == {name: spec["default"] for name, spec in switches.items()}
