"""`jaki-forge new`: replicas rendered from the template, atomically, into their own git repositories."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from jaki_forge.cli.app import app
from jaki_forge.profile.logo import ICONS
from jaki_forge.replica import create as generate_module
from jaki_forge.replica.create import generate
from jaki_forge.replica.source import CANONICAL_URL

from .conftest import GOOD, git


def _answers(replica: Path) -> dict:
    return yaml.safe_load((replica / ".copier-answers.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["jakarta", "lampung"])
def test_replica_is_a_committed_git_repo_recording_version_and_profile(replicas, name):
    replica = replicas[name]
    assert git("status", "--porcelain", cwd=replica) == ""
    assert git("rev-list", "--count", "HEAD", cwd=replica).strip() == "1"
    assert git("branch", "--show-current", cwd=replica).strip() == "main"
    answers = _answers(replica)
    assert answers["_commit"] == "1.0.0"
    assert answers["profile"]["app"]["slug"] == {"jakarta": "jaki", "lampung": "lampung-in"}[name]
    assert (replica / "pyproject.toml").is_file()


def test_replica_data_holds_the_whole_hierarchy(replicas):
    data = json.loads((replicas["lampung"] / "app/data/profile.json").read_text(encoding="utf-8"))
    assert data["app"]["name"] == "Lampung-In"
    assert data["province"]["code"] == "18"
    assert "regions" not in data
    rows = list(csv.DictReader((replicas["lampung"] / "app/data/regions.csv").open(encoding="utf-8")))
    assert len(rows) == 1 + 15 + 229 + 2651
    assert rows[0] == {
        "code": "18",
        "parent": "",
        "level": "1",
        "kind": "provinsi",
        "name": "Lampung",
        "postal_code": "",
    }
    assert {
        "code": "18.71",
        "parent": "18",
        "level": "2",
        "kind": "kota",
        "name": "Kota Bandar Lampung",
        "postal_code": "",
    } in rows


# the toolkit's name (jaki-forge: CI drift check, catalogue annotations) is not the Jakarta app's
@pytest.mark.parametrize(("name", "foreign"), [("lampung", r"Jakarta|JAKI(?![-_]forge)"), ("jakarta", r"Lampung")])
def test_no_file_mentions_another_province(replicas, name, foreign):
    replica = replicas[name]
    offenders = []
    for path in replica.rglob("*"):
        if ".git" in path.parts or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore").replace("Asia/Jakarta", "")
        if re.search(foreign, text, flags=re.IGNORECASE):
            offenders.append(str(path.relative_to(replica)))
    assert offenders == []


def test_existing_non_empty_destination_is_refused(runner, tmp_path, template_repo):
    dest = tmp_path / "taken"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    result = runner.invoke(
        app, ["new", "--profile", str(GOOD / "minimal.yaml"), str(dest), "--template", str(template_repo)]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {dest} already exists and is not empty; choose another destination or remove it first "
        "(to bring an existing replica up to date, use `jaki-forge update`)\n"
    )
    assert [p.name for p in dest.iterdir()] == ["notes.txt"]


def test_empty_destination_is_used_and_default_is_the_slug(runner, tmp_path, template_repo, monkeypatch):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(
        app, ["new", "--profile", str(GOOD / "minimal.yaml"), str(tmp_path / "empty"), "--template", str(template_repo)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "empty" / ".copier-answers.yml").is_file()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["new", "--profile", str(GOOD / "minimal.yaml"), "--template", str(template_repo)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "uji-in" / ".git").is_dir()
    assert "Next steps:" in result.stdout


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir())


def test_failed_render_leaves_nothing(runner, tmp_path, template_repo):
    result = runner.invoke(
        app,
        [
            "new",
            "--profile",
            str(GOOD / "minimal.yaml"),
            str(tmp_path / "r"),
            "--template",
            str(template_repo),
            "--vcs-ref",
            "9.9.9",
        ],
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot render version '9.9.9' of the template {template_repo}: Unknown revision: '9.9.9'; "
        "check --vcs-ref (`git tag` in the template lists its versions)\n"
    )
    assert "Traceback" not in result.output
    assert _leftovers(tmp_path) == []


def test_invalid_profile_renders_nothing(runner, tmp_path, template_repo):
    bad = Path(__file__).parent / "profiles" / "bad" / "unknown-agency.yaml"
    result = runner.invoke(app, ["new", "--profile", str(bad), str(tmp_path / "r"), "--template", str(template_repo)])
    assert result.exit_code == 2
    assert "services[0].agency: unknown agency 'DINAS-X'" in result.stderr
    assert _leftovers(tmp_path) == []


def test_interrupt_leaves_nothing(tmp_path, template_repo, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(generate_module, "init_and_commit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        generate(GOOD / "minimal.yaml", tmp_path / "r", template=str(template_repo))
    assert _leftovers(tmp_path) == []


def test_png_logo_is_copied(tmp_path, template_repo):
    import io

    from PIL import Image

    shutil.copytree(GOOD, tmp_path / "p")
    png = tmp_path / "p" / "files" / "logo.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "#0B6E4F").save(buffer, "PNG")
    png.write_bytes(buffer.getvalue())
    profile = tmp_path / "p" / "minimal.yaml"
    profile.write_text(profile.read_text().replace("files/logo.svg", "files/logo.png"))
    made = generate(profile, tmp_path / "r", template=str(template_repo))
    assert (made.path / "app/static/logo.png").read_bytes() == png.read_bytes()
    assert not (made.path / "app/static/logo.svg").exists()
    assert (made.path / "app/static/icons/icon-512.png").is_file()
    assert git("status", "--porcelain", cwd=made.path) == ""


def test_the_logo_travels_once_and_the_icons_are_committed(tmp_path, template_repo):
    """The SVG is in the answers file once, not again in profile.json; the icons are files in the repository."""
    made = generate(GOOD / "minimal.yaml", tmp_path / "r", template=str(template_repo))
    svg = (GOOD / "files" / "logo.svg").read_text(encoding="utf-8")
    assert _answers(made.path)["profile"]["branding"]["logo"]["svg"] == svg
    assert "<svg" not in (made.path / "app/data/profile.json").read_text(encoding="utf-8")
    profile_json = json.loads((made.path / "app/data/profile.json").read_text(encoding="utf-8"))
    assert profile_json["branding"]["logo"] == {"filename": "logo.svg", "media_type": "image/svg+xml"}
    assert (made.path / "app/static/logo.svg").read_text(encoding="utf-8") == svg
    tracked = git("ls-files", "app/static", cwd=made.path).split()
    assert {f"app/static/icons/{name}.png" for name in ICONS} | {"app/static/logo.svg"} <= set(tracked)


def test_default_template_records_the_canonical_url_and_works_offline(tmp_path, offline):
    made = generate(GOOD / "minimal.yaml", tmp_path / "r")
    answers = _answers(made.path)
    assert answers["_src_path"] == CANONICAL_URL
    assert str(tmp_path) not in (made.path / ".copier-answers.yml").read_text()


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "/nonexistent/tpl",
            "error: template /nonexistent/tpl does not exist; give a template repository path or git URL\n",
        ),
        (
            str(GOOD),
            f"error: {GOOD} is not a copier template (no copier.yml); give the jaki-forge template repository\n",
        ),
    ],
)
def test_bad_template_source_is_refused(runner, tmp_path, template, message):
    result = runner.invoke(
        app, ["new", "--profile", str(GOOD / "minimal.yaml"), str(tmp_path / "r"), "--template", template]
    )
    assert (result.exit_code, result.stderr) == (2, message)
    assert _leftovers(tmp_path) == []


def test_toolkit_replica_extra_covers_the_replica_dependencies(replicas):
    """.ci/run installs `jaki-forge[test]`; it must bring everything a replica's own suite imports."""
    import tomllib

    from packaging.requirements import Requirement

    def names(requirements: list[str]) -> set[str]:
        return {Requirement(r).name.lower().replace("_", "-") for r in requirements}

    ours = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    theirs = tomllib.loads((replicas["lampung"] / "pyproject.toml").read_text())["project"]
    needed = names(theirs["dependencies"]) | names(theirs["optional-dependencies"]["test"])
    needed |= names(theirs["optional-dependencies"]["postgres"])
    provided = names(ours["project"]["optional-dependencies"]["replica"]) | names(ours["project"]["dependencies"])
    provided |= names(ours["project"]["optional-dependencies"]["test"])
    assert needed - provided == set()


def test_the_replica_ships_the_payload_schema_of_this_toolkit():
    from jaki_forge.replica.payload import SCHEMA_FILE, payload_schema_text

    shipped = (Path(__file__).parent.parent / SCHEMA_FILE).read_text(encoding="utf-8")
    assert shipped == payload_schema_text(), "regenerate it: python -m jaki_forge.replica.payload"
