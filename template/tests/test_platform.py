"""Platform files: Backstage catalogue entry, Renovate config and CI workflow are valid."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PROFILE = json.loads((ROOT / "app" / "data" / "profile.json").read_text(encoding="utf-8"))
DRIFT_SCRIPT = ROOT / "scripts" / "template_drift.py"

# The rules of Backstage's descriptor format for a Component (names, annotation keys, tags,
# entity references), written down as a JSON Schema so a broken entry fails here, not in the portal.
NAME = r"^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"
DNS_PREFIX = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
KEY = rf"^({DNS_PREFIX}/)?[A-Za-z0-9]([-A-Za-z0-9_.]{{0,61}}[A-Za-z0-9])?$"
TAG = r"^(?=.{1,63}$)[a-z0-9:+#]+(-[a-z0-9:+#]+)*$"
ENTITY_REF = r"^([a-z]+:)?([a-z0-9][-a-z0-9]*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"
COMPONENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"enum": ["backstage.io/v1alpha1", "backstage.io/v1beta1"]},
        "kind": {"const": "Component"},
        "metadata": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "pattern": NAME},
                "namespace": {"type": "string", "pattern": NAME},
                "title": {"type": "string", "minLength": 1},
                "description": {"type": "string"},
                "annotations": {
                    "type": "object",
                    "propertyNames": {"pattern": KEY},
                    "additionalProperties": {"type": "string"},
                },
                "labels": {
                    "type": "object",
                    "propertyNames": {"pattern": KEY},
                    "additionalProperties": {"type": "string", "pattern": NAME},
                },
                "tags": {
                    "type": "array",
                    "items": {"type": "string", "pattern": TAG},
                },
                "links": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["url"],
                        "properties": {"url": {"type": "string", "pattern": r"^https?://\S+$"}},
                    },
                },
            },
        },
        "spec": {
            "type": "object",
            "required": ["type", "lifecycle", "owner"],
            "properties": {
                "type": {"type": "string", "minLength": 1},
                "lifecycle": {"type": "string", "minLength": 1},
                "owner": {"type": "string", "pattern": ENTITY_REF},
                "system": {"type": "string", "pattern": ENTITY_REF},
            },
        },
    },
}


def recorded_template_version() -> str | None:
    """The template version the replica's manager records (copier answers or cruft state)."""
    answers = ROOT / ".copier-answers.yml"
    if answers.is_file():
        return str(yaml.safe_load(answers.read_text(encoding="utf-8"))["_commit"])
    cruft = ROOT / ".cruft.json"
    if cruft.is_file():
        state = json.loads(cruft.read_text(encoding="utf-8"))
        return str(state["context"]["cookiecutter"]["_jaki_forge"]["version"])
    return None


def check_jsonschema(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_catalog_info_is_a_valid_backstage_component() -> None:
    (entity,) = list(yaml.safe_load_all((ROOT / "catalog-info.yaml").read_text(encoding="utf-8")))
    jsonschema.validate(entity, COMPONENT_SCHEMA)
    annotations = entity["metadata"]["annotations"]
    assert entity["metadata"]["name"] == PROFILE["app"]["slug"]
    assert annotations["jaki-forge.io/province"] == PROFILE["province"]["name"]
    assert annotations["jaki-forge.io/province-code"] == PROFILE["province"]["code"]
    version = recorded_template_version()
    if version is not None:
        assert annotations["jaki-forge.io/template-version"] == version
    assert annotations["jaki-forge.io/template-version"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e["metadata"].update(name="Bad name!"), "does not match"),
        (lambda e: e["spec"].pop("owner"), "'owner' is a required property"),
        (lambda e: e["metadata"]["annotations"].update({"no spaces/x y": "1"}), "does not match"),
        (lambda e: e.update(kind="Service"), "'Component' was expected"),
    ],
)
def test_catalog_schema_rejects_broken_entries(change, message: str) -> None:
    entity = yaml.safe_load((ROOT / "catalog-info.yaml").read_text(encoding="utf-8"))
    change(entity)
    with pytest.raises(jsonschema.ValidationError, match=message):
        jsonschema.validate(entity, COMPONENT_SCHEMA)


def test_renovate_config_is_valid_and_follows_the_template() -> None:
    result = check_jsonschema("--builtin-schema", "vendor.renovate", "renovate.json")
    assert result.returncode == 0, result.stdout + result.stderr
    config = json.loads((ROOT / "renovate.json").read_text(encoding="utf-8"))
    assert config["copier"]["enabled"] is True
    assert any("copier" in rule.get("matchManagers", []) for rule in config["packageRules"])


def test_workflow_is_valid_and_checks_template_drift() -> None:
    workflow = ROOT / ".github" / "workflows" / "ci.yml"
    result = check_jsonschema("--builtin-schema", "vendor.github-workflows", str(workflow))
    assert result.returncode == 0, result.stdout + result.stderr
    job = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["template-drift"]
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert "jaki-forge check --json > drift.json" in script
    assert "python scripts/template_drift.py drift.json --max-behind 1" in script


def _drift_main():
    spec = importlib.util.spec_from_file_location("template_drift", DRIFT_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


@pytest.mark.parametrize(
    ("report", "code", "said"),
    [
        ({"current": "1.2.0", "latest": "1.2.0", "versions_behind": 0}, 0, "0 release(s) behind"),
        ({"current": "1.1.0", "latest": "1.2.0", "versions_behind": 1}, 0, "1 release(s) behind"),
        (
            {"current": "1.0.0", "latest": "1.2.0", "versions_behind": 2},
            1,
            "2 releases behind 1.2.0",
        ),
        ({"current": "1.0.0"}, 2, "no versions_behind"),
        ({"versions_behind": "2"}, 2, "versions_behind is '2', not a count"),
        (["not", "a", "report"], 2, "no versions_behind"),
    ],
)
def test_drift_script_limits_releases_behind(
    tmp_path: Path, capsys, report: object, code: int, said: str
) -> None:
    path = tmp_path / "drift.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    assert _drift_main()([str(path), "--max-behind", "1"]) == code
    captured = capsys.readouterr()
    assert said in captured.out + captured.err


def test_drift_script_rejects_a_file_that_is_not_json(tmp_path: Path, capsys) -> None:
    path = tmp_path / "drift.json"
    path.write_text("error: not a replica\n", encoding="utf-8")
    assert _drift_main()([str(path)]) == 2
    assert str(path) in capsys.readouterr().err
