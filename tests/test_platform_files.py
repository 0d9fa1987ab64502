"""The replica's platform files follow the template: catalogue version annotation, CI drift limit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from jaki_forge.cli.app import app
from jaki_forge.replica.create import generate

from .conftest import GOOD, commit_all, git, snapshot_template


def release(repo: Path, version: str) -> None:
    """Tag a new template release that changes one line of the README."""
    readme = repo / "template" / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + f"\nRelease {version}.\n", encoding="utf-8")
    commit_all(repo, f"template {version}")
    git("tag", version, cwd=repo)


def catalog_version(replica: Path) -> str:
    catalog = yaml.safe_load((replica / "catalog-info.yaml").read_text(encoding="utf-8"))
    return catalog["metadata"]["annotations"]["jaki-forge.io/template-version"]


def drift_gate(runner, replica: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """What the replica's `template-drift` CI job runs: `jaki-forge check --json`, then its drift script."""
    checked = runner.invoke(app, ["check", str(replica), "--json"])
    assert checked.exit_code in (0, 1), checked.output
    report = tmp_path / "drift.json"
    report.write_text(checked.stdout, encoding="utf-8")
    script = replica / "scripts" / "template_drift.py"
    return subprocess.run(
        [sys.executable, str(script), str(report), "--max-behind", "1"], capture_output=True, text=True
    )


def test_ci_drift_gate_fails_only_beyond_one_release(tmp_path, runner):
    template = snapshot_template(tmp_path / "template")
    replica = generate(GOOD / "minimal.yaml", tmp_path / "replica", template=str(template), vcs_ref="1.0.0").path
    assert catalog_version(replica) == "1.0.0"
    workflow = yaml.safe_load((replica / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    assert "scripts/template_drift.py drift.json --max-behind 1" in json.dumps(workflow["jobs"]["template-drift"])

    assert drift_gate(runner, replica, tmp_path).returncode == 0
    release(template, "1.1.0")
    one_behind = drift_gate(runner, replica, tmp_path)
    assert one_behind.returncode == 0, one_behind.stderr
    assert "1 release(s) behind 1.1.0" in one_behind.stdout
    release(template, "1.2.0")
    two_behind = drift_gate(runner, replica, tmp_path)
    assert two_behind.returncode == 1
    assert "template 1.0.0 is 2 releases behind 1.2.0 (limit 1)" in two_behind.stderr

    updated = runner.invoke(app, ["update", str(replica)])
    assert updated.exit_code == 0, updated.output
    assert catalog_version(replica) == "1.2.0"
    assert drift_gate(runner, replica, tmp_path).returncode == 0
