"""`jaki-forge update`, `check` and `diff` against real template versions built in temporary git repositories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from jaki_forge.cli.app import app
from jaki_forge.replica.create import generate
from jaki_forge.replica.update import PRE_UPDATE_REF, update

from .conftest import GOOD, PROFILES, commit_all, git, replica_env, snapshot_template

ROUTE = "app/api/routes/services.py"
NEW_MODULE = "app/api/routes/bulletin.py"
REMOVED = ".dockerignore"
DELETED_LOCALLY = "compose.yaml"
SEAM_FILE = "app/custom/local_rules.py"
CSS = "app/static/css/app.css"


def release_v2(repo: Path) -> None:
    """Template 1.1.0: other lines of the route module change, a module is added, a file removed."""
    route = repo / "template" / ROUTE
    route.write_text(route.read_text(encoding="utf-8") + "\n\n# 1.1.0: catalogue responses are cacheable.\n")
    (repo / "template" / NEW_MODULE).write_text('"""Bulletin board routes (template 1.1.0)."""\n')
    (repo / "template" / REMOVED).unlink()
    css = repo / "template" / CSS
    css.write_text(css.read_text(encoding="utf-8").replace(".muted { color: #4B5563; }", ".muted { color: #464F5C; }"))
    commit_all(repo, "template 1.1.0")
    git("tag", "1.1.0", cwd=repo)


@pytest.fixture
def versions(tmp_path) -> Path:
    """A template repository with releases 1.0.0 and 1.1.0 (1.1.0 is tagged by `release_v2`)."""
    return snapshot_template(tmp_path / "template")


def make_replica(tmp_path: Path, template: Path, profile: Path = GOOD / "minimal.yaml") -> Path:
    return generate(profile, tmp_path / "replica", template=str(template), vcs_ref="1.0.0").path


def edit_locally(replica: Path) -> None:
    """The province's own changes: an edited route, a file in the owned seam, a deleted optional file."""
    route = replica / ROUTE
    route.write_text(
        route.read_text(encoding="utf-8").replace(
            '"""Service catalogue: search, filter by group, detail with attributes."""',
            '"""Service catalogue of our province: search, filter by group, detail with attributes."""',
            1,
        )
    )
    (replica / SEAM_FILE).write_text('"""Local routing rules of the province."""\n\nEXTRA_REVIEW = True\n')
    (replica / DELETED_LOCALLY).unlink()
    css = replica / CSS
    css.write_text(css.read_text(encoding="utf-8").replace("  background: #F4F5F7;", "  background: #EEF6F1;", 1))
    commit_all(replica, "local changes")


def add_local_tail(replica: Path) -> Path:
    """A committed local line at the end of the route module, where template 1.1.0 adds its own."""
    route = replica / ROUTE
    route.write_text(route.read_text(encoding="utf-8") + "\n\n# local: responses are never cached here.\n")
    commit_all(replica, "local tail")
    return route


def test_update_keeps_local_edits_and_applies_the_template_changes(tmp_path, versions, runner):
    replica = make_replica(tmp_path, versions)
    edit_locally(replica)
    release_v2(versions)
    before = git("rev-parse", "HEAD", cwd=replica).strip()

    result = runner.invoke(app, ["update", str(replica)])

    assert result.exit_code == 0, result.output
    route = (replica / ROUTE).read_text(encoding="utf-8")
    assert "Service catalogue of our province" in route  # local edit kept
    assert "# 1.1.0: catalogue responses are cacheable." in route  # template change in
    assert (replica / NEW_MODULE).is_file()
    assert not (replica / REMOVED).exists()
    assert not (replica / DELETED_LOCALLY).exists()  # not recreated
    assert "EXTRA_REVIEW = True" in (replica / SEAM_FILE).read_text()
    css = (replica / CSS).read_text(encoding="utf-8")
    assert "  background: #EEF6F1;" in css  # the province's colour
    assert ".muted { color: #464F5C; }" in css  # the template's new colour
    assert git("status", "--porcelain", cwd=replica) == ""
    assert yaml.safe_load((replica / ".copier-answers.yml").read_text())["_commit"] == "1.1.0"
    assert git("rev-parse", PRE_UPDATE_REF, cwd=replica).strip() == before
    assert "Update template 1.0.0 -> 1.1.0" in git("log", "-1", "--format=%s", cwd=replica)
    assert f"added        1\n    {NEW_MODULE}\n" in result.stdout
    assert f"removed      1\n    {REMOVED}\n" in result.stdout
    assert f"    {ROUTE}\n" in result.stdout
    assert "conflict     0\n" in result.stdout

    git("reset", "-q", "--hard", PRE_UPDATE_REF, cwd=replica)  # the documented undo
    assert not (replica / NEW_MODULE).exists()
    assert (replica / REMOVED).exists()


def test_overlapping_edits_conflict_visibly(tmp_path, versions, runner):
    replica = make_replica(tmp_path, versions)
    route = add_local_tail(replica)
    release_v2(versions)

    result = runner.invoke(app, ["update", str(replica)])

    assert result.exit_code == 1
    assert f"conflict     1\n    {ROUTE}  (changed by the template and here)\n" in result.stdout
    assert "Conflicts remain (git lists them as unmerged; every other change is staged)" in result.stdout
    assert "or undo the whole update: jaki-forge update --abort" in result.stdout
    text = route.read_text(encoding="utf-8")
    assert "<<<<<<<" in text and ">>>>>>>" in text
    assert "# local: responses are never cached here." in text
    assert "# 1.1.0: catalogue responses are cacheable." in text
    assert f"UU {ROUTE}" in git("status", "--porcelain", cwd=replica).splitlines()
    assert git("diff", "--name-only", "--diff-filter=U", cwd=replica).split() == [ROUTE]


def _worktree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def test_a_conflicting_update_leaves_the_files_and_conflicts_copier_update_leaves(tmp_path, versions, runner):
    replica = make_replica(tmp_path, versions)
    route = add_local_tail(replica)
    release_v2(versions)
    by_copier = tmp_path / "by-copier"
    shutil.copytree(replica, by_copier, symlinks=True)

    assert runner.invoke(app, ["update", str(replica)]).exit_code == 1
    copier = [str(Path(sys.executable).parent / "copier"), "update", "--defaults", "--skip-answered", "--quiet"]
    subprocess.run([*copier, str(by_copier)], check=True, capture_output=True)

    assert _worktree(replica) == _worktree(by_copier)
    text = route.read_text(encoding="utf-8")
    assert "<<<<<<< before updating\n" in text and ">>>>>>> after updating\n" in text
    unmerged = git("ls-files", "--unmerged", cwd=replica)
    assert unmerged.count(ROUTE) == 3  # base, local and template versions, as copier records them
    assert unmerged == git("ls-files", "--unmerged", cwd=by_copier)


def test_update_refuses_dirty_tree_and_downgrade(tmp_path, versions, runner):
    replica = make_replica(tmp_path, versions)
    release_v2(versions)
    (replica / SEAM_FILE).write_text("WIP = 1\n")
    result = runner.invoke(app, ["update", str(replica)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {replica} has uncommitted changes ({SEAM_FILE}); commit them, or set them aside with "
        "`git stash -u`, before updating, so the update can be reviewed and undone\n"
    )
    assert (replica / SEAM_FILE).read_text() == "WIP = 1\n"  # the user's work is untouched
    (replica / SEAM_FILE).unlink()
    assert runner.invoke(app, ["update", str(replica)]).exit_code == 0
    result = runner.invoke(app, ["update", str(replica), "--to", "1.0.0"])
    assert result.exit_code == 2
    assert (
        result.stderr == "error: refusing to downgrade replica from template 1.1.0 to 1.0.0; pass --to 1.1.0 or newer\n"
    )
    result = runner.invoke(app, ["update", str(replica), "--to", "7.0.0"])
    assert result.exit_code == 2
    assert result.stderr == f"error: template version '7.0.0' is not a release of {versions} (releases: 1.0.0, 1.1.0)\n"


def test_update_refuses_a_directory_that_is_not_a_replica(tmp_path, runner):
    result = runner.invoke(app, ["update", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path} is not a jaki-forge replica: it has no .copier-answers.yml; "
        "create one with `jaki-forge new --profile PROFILE`\n"
    )


def test_dry_run_touches_nothing(tmp_path, versions, runner):
    replica = make_replica(tmp_path, versions)
    release_v2(versions)
    head = git("rev-parse", "HEAD", cwd=replica).strip()
    result = runner.invoke(app, ["update", str(replica), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Dry run: replica: template 1.0.0 -> 1.1.0\n")
    assert f"    {NEW_MODULE}\n" in result.stdout
    assert git("rev-parse", "HEAD", cwd=replica).strip() == head
    assert git("status", "--porcelain", cwd=replica) == ""
    assert not (replica / NEW_MODULE).exists()


def test_check_and_diff(tmp_path, versions, runner):
    replica = make_replica(tmp_path, versions)
    result = runner.invoke(app, ["check", str(replica)])
    assert (result.exit_code, result.stdout) == (0, "replica: template 1.0.0, up to date\n")
    edit_locally(replica)
    release_v2(versions)
    result = runner.invoke(app, ["check", str(replica), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["current"], report["latest"], report["versions_behind"]) == ("1.0.0", "1.1.0", 1)

    (replica / "var").mkdir(exist_ok=True)
    (replica / "var" / "app.db").write_bytes(b"SQLite format 3\0")  # runtime data git ignores
    result = runner.invoke(app, ["diff", str(replica), "--upcoming", "--json"])
    assert result.exit_code == 0, result.output
    drift = json.loads(result.stdout)
    assert drift["added"] == [SEAM_FILE]
    assert drift["edited"] == sorted([ROUTE, CSS])
    assert drift["deleted"] == [DELETED_LOCALLY]
    assert drift["upcoming_version"] == "1.1.0"
    assert {NEW_MODULE, REMOVED, ROUTE} <= set(drift["upcoming_changes"])
    assert drift["at_risk"] == sorted([ROUTE, CSS])

    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2


def test_profile_change_propagates_through_update(tmp_path, versions, runner):
    replica = make_replica(tmp_path, versions)
    edit_locally(replica)
    changed = tmp_path / "changed"
    (changed / "files").mkdir(parents=True)
    for name in ("logo.svg",):
        (changed / "files" / name).write_bytes((GOOD / "files" / name).read_bytes())
    regions = (GOOD / "files" / "regions.csv").read_text()
    # split village 18.71.01.1002 Sukajawa: a new kelurahan Sukajawa Baru takes part of it
    (changed / "files" / "regions.csv").write_text(regions + "18.71.01.1003,Sukajawa Baru\n")
    text = (
        (GOOD / "minimal.yaml")
        .read_text()
        .replace(
            "regions:\n",
            "  - code: LAMPU-JALAN\n    group: infrastruktur\n    kind: report\n"
            "    name: {id: Lampu Jalan Mati, en: Street light out}\n"
            "    description: {id: Laporkan lampu jalan yang mati., en: Report a broken street light.}\n"
            "    agency: DBMBK\n    level: district\n    sla_days: 3\n"
            "regions:\n",
        )
    )
    (changed / "minimal.yaml").write_text(text)

    result = runner.invoke(app, ["update", str(replica), "--profile", str(changed / "minimal.yaml")])

    assert result.exit_code == 0, result.output
    data = json.loads((replica / "app/data/profile.json").read_text())
    assert "LAMPU-JALAN" in [s["code"] for s in data["services"]]
    answers = yaml.safe_load((replica / ".copier-answers.yml").read_text())
    assert "LAMPU-JALAN" in [s["code"] for s in answers["profile"]["services"]]
    assert "18.71.01.1003" in json.dumps(answers["profile"])
    assert "Service catalogue of our province" in (replica / ROUTE).read_text()
    assert git("status", "--porcelain", cwd=replica) == ""


def test_plain_copier_update_works_where_the_template_is_reachable(tmp_path, versions):
    replica = make_replica(tmp_path, versions)
    edit_locally(replica)
    release_v2(versions)
    copier = Path(sys.executable).parent / "copier"
    subprocess.run([str(copier), "update", "--defaults", "--skip-answered", "--quiet"], cwd=replica, check=True)
    assert (replica / NEW_MODULE).is_file()
    assert "Service catalogue of our province" in (replica / ROUTE).read_text()
    assert yaml.safe_load((replica / ".copier-answers.yml").read_text())["_commit"] == "1.1.0"


def test_plain_copier_update_of_a_shipped_template_replica_via_its_public_url(tmp_path, versions, offline, monkeypatch):
    """A replica of the shipped template records the public URL; plain copier updates it where that URL resolves."""
    from jaki_forge.replica import source as templates

    shipped = templates.TemplateSource(url=templates.CANONICAL_URL, local=versions)  # the public repo, offline
    monkeypatch.setattr(templates, "default_source", lambda: shipped)
    replica = generate(GOOD / "minimal.yaml", tmp_path / "replica", vcs_ref="1.0.0").path
    answers = yaml.safe_load((replica / ".copier-answers.yml").read_text())
    assert (answers["_src_path"], answers["_commit"]) == (templates.CANONICAL_URL, "1.0.0")
    edit_locally(replica)
    release_v2(versions)
    with shipped.reachable():  # what DNS and the network do for Renovate's copier manager
        env = dict(os.environ)
    copier = Path(sys.executable).parent / "copier"
    subprocess.run(
        [str(copier), "update", "--defaults", "--skip-answered", "--quiet"], cwd=replica, check=True, env=env
    )
    assert (replica / NEW_MODULE).is_file()
    assert "Service catalogue of our province" in (replica / ROUTE).read_text()
    assert yaml.safe_load((replica / ".copier-answers.yml").read_text())["_src_path"] == templates.CANONICAL_URL


def test_updated_replica_passes_its_own_tests(tmp_path, versions):
    replica = make_replica(tmp_path, versions, PROFILES / "lampung.yaml")
    edit_locally(replica)
    release_v2(versions)
    result = update(replica)
    assert result.clean and result.committed
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"],
        cwd=replica,
        capture_output=True,
        text=True,
        env=replica_env(),
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
