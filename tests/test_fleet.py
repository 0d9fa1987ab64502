"""`jaki-forge fleet`: the manifest, status and update of many replicas, fleet test and the CI matrix."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from jaki_forge.cli.app import app
from jaki_forge.errors import ProfileError
from jaki_forge.fleet.manifest import fleet_schema_text, load_fleet, shipped_fleet_schema_text
from jaki_forge.fleet.status import fleet_status
from jaki_forge.fleet.test import ci_matrix, fleet_test
from jaki_forge.fleet.update import update_fleet
from jaki_forge.replica.create import generate

from .conftest import GOOD, ROOT

GIT_ID = ["-c", "user.name=test", "-c", "user.email=test@localhost"]
MARKER = "app/fleet_marker.py"


def git(repo: Path, *args: str) -> str:
    """Run git in `repo`; fail the test when git fails."""
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, *GIT_ID, "commit", "-q", "-m", message)


def make_template(target: Path, *, suite: dict[str, str] | None = None) -> Path:
    """The working tree's template as a git repo: 1.0.0, and 1.1.0 that changes app/fleet_marker.py.

    With `suite`, the template's tests are replaced by these files (name -> text).
    """
    target.mkdir(parents=True)
    shutil.copy2(ROOT / "copier.yml", target / "copier.yml")
    shutil.copytree(ROOT / "template", target / "template", ignore=shutil.ignore_patterns("__pycache__"))
    if suite is not None:
        shutil.rmtree(target / "template" / "tests")
        (target / "template" / "tests").mkdir()
        for name, text in suite.items():
            (target / "template" / "tests" / name).write_text(text, encoding="utf-8")
    marker = target / "template" / MARKER
    marker.write_text('VERSION = "1.0.0"\n', encoding="utf-8")
    git(target, "init", "-q", "-b", "main")
    commit(target, "template 1.0.0")
    git(target, "tag", "1.0.0")
    marker.write_text('VERSION = "1.1.0"\n', encoding="utf-8")
    (target / "template" / "app" / "fleet_news.py").write_text('NEWS = "new in 1.1.0"\n', encoding="utf-8")
    commit(target, "template 1.1.0")
    git(target, "tag", "1.1.0")
    return target


def make_profile(folder: Path, name: str) -> Path:
    """tests/profiles/good/minimal.yaml with its own app name and slug (`<name>-in`)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "files").exists():
        shutil.copytree(GOOD / "files", folder / "files")
    data = yaml.safe_load((GOOD / "minimal.yaml").read_text(encoding="utf-8"))
    data["app"].update(name=f"{name.capitalize()}-In", short_name=f"{name.capitalize()}-In", slug=f"{name}-in")
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def tree_state(repo: Path) -> tuple[str, str, str]:
    """(checked-out branch, its commit, porcelain status): what `fleet update` must not change."""
    return (
        git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip(),
        git(repo, "rev-parse", "HEAD").strip(),
        git(repo, "status", "--porcelain", "--untracked-files=all"),
    )


# --- the manifest ---------------------------------------------------------------------------------------


def test_manifest_reports_every_problem_with_its_position(tmp_path):
    (tmp_path / "p.yaml").write_text("x: 1\n")
    manifest = tmp_path / "fleet.yaml"
    manifest.write_text(
        "schema_version: 1\n"
        "replicas:\n"
        "  - name: lampung\n"
        "    path: ../lampung-in\n"
        "    profile: p.yaml\n"
        "  - name: Jakarta\n"
        "    path: a\n"
        "  - name: aceh\n"
        "    path: b\n"
        "    git: https://example.org/aceh.git\n"
        "  - name: bali\n"
        "    git: not a url\n"
        "    pth: x\n"
    )
    with pytest.raises(ProfileError) as caught:
        load_fleet(manifest)
    text = str(caught.value)
    display = str(manifest)
    assert f"{display}:6:11: replicas[1].name: 'Jakarta' is not valid here" in text
    assert "hint: use lowercase letters, digits and single hyphens, e.g. lampung" in text
    assert (
        f"{display}:8:5: replicas[2]: give exactly one of 'path' (a local repository) or 'git' (a repository URL)"
        in text
    )
    assert f"{display}:12:10: replicas[3].git: 'not a url' is not a git URL" in text
    assert f"{display}:13:10: replicas[3].pth: unknown field 'pth'\n  hint: did you mean 'path'?" in text
    assert len(caught.value.problems) == 4


def test_manifest_semantic_problems(tmp_path):
    manifest = tmp_path / "fleet.yaml"
    manifest.write_text(
        "schema_version: 1\nreplicas:\n  - {name: a, path: x}\n  - {name: a, path: y, profile: missing.yaml}\n"
    )
    with pytest.raises(
        ProfileError, match=r"fleet.yaml:4:12: replicas\[1\].name: duplicate replica name 'a'"
    ) as caught:
        load_fleet(manifest)
    assert "replicas[1].profile: profile file not found" in str(caught.value)


def test_manifest_cli_exit_codes(runner, tmp_path):
    manifest = tmp_path / "fleet.yaml"
    manifest.write_text("schema_version: 1\nreplicas: []\n")
    result = runner.invoke(app, ["fleet", "validate", "-m", str(manifest)])
    assert result.exit_code == 2
    assert f"{manifest}:2:11: replicas: the fleet lists no replicas\n  hint: list at least one replica" in result.output
    missing = runner.invoke(app, ["fleet", "status", "-m", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2
    assert "fleet manifest not found" in missing.output
    manifest.write_text("schema_version: 1\nreplicas:\n  - {name: lampung, git: 'git@example.org:p/l.git'}\n")
    ok = runner.invoke(app, ["fleet", "validate", "-m", str(manifest)])
    assert ok.exit_code == 0, ok.output
    assert "valid, 1 replicas" in ok.output


def test_shipped_fleet_schema_is_current(runner):
    assert shipped_fleet_schema_text() == fleet_schema_text()
    result = runner.invoke(app, ["fleet", "schema"])
    assert result.stdout == fleet_schema_text()


def test_fleet_schema_accepts_what_the_model_accepts():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(fleet_schema_text())
    good = {"schema_version": 1, "replicas": [{"name": "a", "path": "x", "profile": "p.yaml"}]}
    jsonschema.validate(good, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema_version": 1, "replicas": [{"name": "a", "where": "x"}]}, schema)


# --- fleet update and status on a fleet of real replicas --------------------------------------------------


SUITE = {
    "__init__.py": "",
    "test_profile_data.py": (
        "import json\nfrom pathlib import Path\n\n\n"
        "def test_profile_data_is_rendered():\n"
        "    data = json.loads(Path('app/data/profile.json').read_text())\n"
        "    assert data['app']['slug']\n\n\n"
        "def test_slug_is_not_broken():\n"
        "    data = json.loads(Path('app/data/profile.json').read_text())\n"
        "    assert data['app']['slug'] != 'broken-in', 'this replica is broken on purpose'\n"
    ),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The template at 1.0.0 and 1.1.0 (shared: do not change it)."""
    return make_template(tmp_path_factory.mktemp("tpl") / "template")


@pytest.fixture(scope="module")
def suite_template(tmp_path_factory) -> Path:
    """The template with a two-test suite that fails for the slug `broken-in` (shared: do not change it)."""
    return make_template(tmp_path_factory.mktemp("tpl") / "template", suite=SUITE)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory, template) -> dict:
    """Seven replicas at template 1.0.0, one per case, a fleet.yaml; status read before any update.

    alpha, foxtrot: untouched; bravo: a local edit the template does not touch; charlie: a local edit of the
    file 1.1.0 changes (conflict); delta: uncommitted changes (refused); echo: a git URL (a local bare
    repository); gone: a path where there is no replica (refused).
    """
    base = tmp_path_factory.mktemp("fleet")
    replicas = {}
    for name in ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot"):
        profile = make_profile(base / "profiles", name)
        replicas[name] = generate(profile, base / "src" / name, template=str(template), vcs_ref="1.0.0").path
    hooks = replicas["bravo"] / "app" / "custom" / "hooks.py"
    hooks.write_text(hooks.read_text(encoding="utf-8") + "\n# bravo's own hook\n", encoding="utf-8")
    commit(replicas["bravo"], "bravo: local hook")
    (replicas["charlie"] / MARKER).write_text('VERSION = "charlie"\n', encoding="utf-8")
    commit(replicas["charlie"], "charlie: local marker")
    (replicas["delta"] / "README.local.md").write_text("work in progress\n", encoding="utf-8")
    remote = base / "remotes" / "echo.git"
    git(base, "clone", "-q", "--bare", str(replicas["echo"]), str(remote))
    manifest = base / "fleet.yaml"
    entries = [
        {"name": n, "path": f"src/{n}", "profile": f"profiles/{n}.yaml"} for n in ("alpha", "bravo", "charlie", "delta")
    ]
    entries.append({"name": "echo", "git": remote.as_uri(), "profile": "profiles/echo.yaml"})
    entries.append({"name": "foxtrot", "path": "src/foxtrot", "branch": "main"})
    entries.append({"name": "gone", "path": "src/gone"})
    manifest.write_text(yaml.safe_dump({"schema_version": 1, "replicas": entries}, sort_keys=False))
    before = {n: tree_state(p) for n, p in replicas.items()}
    status = fleet_status(manifest, jobs=2)
    assert {n: tree_state(p) for n, p in replicas.items()} == before, "status must change nothing"
    report = base / "report.json"
    result = CliRunner().invoke(app, ["fleet", "update", "-m", str(manifest), "--jobs", "2", "--report", str(report)])
    return {
        "base": base,
        "manifest": manifest,
        "replicas": replicas,
        "remote": remote,
        "before": before,
        "status": {r.name: r for r in status.replicas},
        "cli": result,
        "report_path": report,
        "report": json.loads(report.read_text(encoding="utf-8")) if report.exists() else {},
    }


def test_status_before_update(fleet):
    status = fleet["status"]
    assert status["alpha"].version == "1.0.0"
    assert status["alpha"].behind == 1
    assert status["alpha"].latest == "1.1.0"
    assert status["alpha"].modified == []
    assert status["alpha"].at_risk == []
    assert status["bravo"].edited == ["app/custom/hooks.py"]
    assert status["bravo"].at_risk == []
    assert status["charlie"].edited == [MARKER]
    assert status["charlie"].upcoming == "1.1.0"
    assert status["charlie"].at_risk == [MARKER]
    assert status["delta"].added == ["README.local.md"]
    assert status["delta"].uncommitted == 1
    assert status["echo"].version == "1.0.0"
    assert status["echo"].behind == 1
    assert "does not exist" in status["gone"].error


def test_update_updates_the_others_and_reports_conflict_and_refusals(fleet):
    result, report = fleet["cli"], fleet["report"]
    assert result.exit_code == 1, result.output  # not every replica is clean
    by_name = {r["name"]: r for r in report["replicas"]}
    assert {n: r["status"] for n, r in by_name.items()} == {
        "alpha": "clean",
        "bravo": "clean",
        "charlie": "conflicts",
        "delta": "refused",
        "echo": "clean",
        "foxtrot": "clean",
        "gone": "refused",
    }
    assert report["summary"] == {"clean": 4, "conflicts": 1, "refused": 2, "failed": 0}
    assert report["ok"] is False
    assert by_name["charlie"]["conflicts"] == [MARKER]
    assert "README.local.md" in by_name["delta"]["reason"]
    assert "uncommitted changes" in by_name["delta"]["reason"]
    assert "does not exist" in by_name["gone"]["reason"]
    for name in ("alpha", "bravo", "echo", "foxtrot"):
        assert by_name[name]["from_version"] == "1.0.0"
        assert by_name[name]["to_version"] == "1.1.0"
        assert by_name[name]["branch"] == "jaki-forge/update-1.1.0"
        assert "app/fleet_news.py" in by_name[name]["changes"]["added"]
        assert by_name[name]["commit"]
    # the summary table names each outcome with its files or reason
    assert "conflicts" in result.stdout and MARKER in result.stdout
    assert "refused" in result.stdout and "uncommitted changes" in result.stdout
    assert f"report: {fleet['report_path']}" in result.stdout


def test_update_leaves_every_main_branch_and_working_tree_untouched(fleet):
    for name, repo in fleet["replicas"].items():
        assert tree_state(repo) == fleet["before"][name], name
        if (repo / ".git").exists():
            assert git(repo, "for-each-ref", "refs/jaki-forge/") == "", name  # no pre-update ref on main
    assert git(fleet["remote"], "branch", "--list").split() == ["*", "main"]  # nothing pushed without --push


def test_clean_updates_are_committed_on_their_branch(fleet):
    by_name = {r["name"]: r for r in fleet["report"]["replicas"]}
    for name in ("alpha", "bravo", "foxtrot"):
        repo = fleet["replicas"][name]
        tip = git(repo, "rev-parse", "jaki-forge/update-1.1.0").strip()
        assert tip == by_name[name]["commit"]
        assert git(repo, "rev-parse", "jaki-forge/update-1.1.0~1").strip() == fleet["before"][name][1]
        assert git(repo, "show", "jaki-forge/update-1.1.0:" + MARKER) == 'VERSION = "1.1.0"\n'
        answers = yaml.safe_load(git(repo, "show", "jaki-forge/update-1.1.0:.copier-answers.yml"))
        assert answers["_commit"] == "1.1.0"
        assert by_name[name]["worktree"] == ""  # a clean update needs no worktree: the branch has it
        assert len(git(repo, "worktree", "list").splitlines()) == 1
    hooks = git(fleet["replicas"]["bravo"], "show", "jaki-forge/update-1.1.0:app/custom/hooks.py")
    assert "# bravo's own hook" in hooks  # the local edit survived
    clone = Path(by_name["echo"]["worktree"])
    assert git(clone, "rev-parse", "--abbrev-ref", "HEAD").strip() == "jaki-forge/update-1.1.0"
    assert git(clone, "status", "--porcelain") == ""


def test_conflict_is_left_in_its_worktree_for_the_maintainer(fleet):
    entry = next(r for r in fleet["report"]["replicas"] if r["name"] == "charlie")
    worktree = Path(entry["worktree"])
    assert worktree.is_relative_to(fleet["base"] / ".jaki-forge" / "charlie")
    assert git(worktree, "rev-parse", "--abbrev-ref", "HEAD").strip() == "jaki-forge/update-1.1.0"
    unmerged = git(worktree, "diff", "--name-only", "--diff-filter=U").split()
    assert unmerged == [MARKER]
    text = (worktree / MARKER).read_text(encoding="utf-8")
    assert "<<<<<<<" in text and 'VERSION = "charlie"' in text and 'VERSION = "1.1.0"' in text
    assert entry["worktree"] in entry["reason"] or str(worktree) in entry["reason"]


def test_status_after_update_shows_the_last_result(fleet, runner):
    before = {n: tree_state(p) for n, p in fleet["replicas"].items()}
    result = runner.invoke(app, ["fleet", "status", "-m", str(fleet["manifest"]), "--json", "--jobs", "2"])
    assert result.exit_code == 1  # 'gone' cannot be read
    data = {r["name"]: r for r in json.loads(result.stdout)["replicas"]}
    assert data["alpha"]["last"]["status"] == "clean"
    assert data["charlie"]["last"]["status"] == "conflicts"
    assert data["charlie"]["last"]["conflicts"] == [MARKER]
    assert data["delta"]["last"]["status"] == "refused"
    assert data["alpha"]["version"] == "1.0.0"  # main is still at 1.0.0 until the branch is merged
    assert {n: tree_state(p) for n, p in fleet["replicas"].items()} == before
    table = runner.invoke(
        app, ["fleet", "status", "-m", str(fleet["manifest"]), "--jobs", "2", "--only", "alpha", "--only", "charlie"]
    )
    assert table.exit_code == 0, table.output
    assert "conflicts (1) -> 1.1.0" in table.stdout
    assert "clean -> 1.1.0" in table.stdout


def test_second_run_reuses_what_an_earlier_run_left_and_keeps_the_history(fleet, runner):
    first = {r["name"]: r for r in fleet["report"]["replicas"]}
    report = update_fleet(fleet["manifest"], only=["alpha", "charlie", "echo"])
    by_name = {r.name: r for r in report.replicas}
    assert by_name["alpha"].status == "clean"
    assert "already updated on jaki-forge/update-1.1.0 by an earlier run" in by_name["alpha"].reason
    assert by_name["charlie"].status == "conflicts"  # still waiting in the same worktree
    assert by_name["charlie"].worktree == first["charlie"]["worktree"]
    assert by_name["charlie"].conflicts == [MARKER]
    assert by_name["echo"].status == "refused"
    assert "left from an earlier update" in by_name["echo"].reason
    assert tree_state(fleet["replicas"]["alpha"]) == fleet["before"]["alpha"]
    status = runner.invoke(app, ["fleet", "status", "-m", str(fleet["manifest"]), "--json", "--only", "charlie"])
    last = json.loads(status.stdout)["replicas"][0]["last"]
    assert last["worktree"] == first["charlie"]["worktree"]
    assert [entry["status"] for entry in last["history"]] == ["conflicts"]


def test_unknown_version_and_replica_names(fleet):
    report = update_fleet(fleet["manifest"], only=["bravo"], to="9.9.9")
    assert report.replicas[0].status == "refused"
    assert "template version '9.9.9' is not a release" in report.replicas[0].reason
    with pytest.raises(Exception, match="has no replica named 'zulu'"):
        update_fleet(fleet["manifest"], only=["zulu"])


def test_push_sends_the_clean_branch_to_the_replica_remote(tmp_path, template):
    replica = generate(
        make_profile(tmp_path / "profiles", "papa"), tmp_path / "papa", template=str(template), vcs_ref="1.0.0"
    ).path
    remote = tmp_path / "papa.git"
    git(tmp_path, "clone", "-q", "--bare", str(replica), str(remote))
    git(replica, "remote", "add", "origin", str(remote))
    manifest = tmp_path / "fleet.yaml"
    manifest.write_text(
        yaml.safe_dump(
            {
                "schema_version": 1,
                "replicas": [
                    {"name": "papa", "path": "papa"},
                    {"name": "quebec", "git": remote.as_uri(), "branch": "main"},
                ],
            }
        )
    )
    report = update_fleet(manifest, push=True, to="1.1.0")
    assert [r.status for r in report.replicas] == ["clean", "refused"], report.as_dict()
    assert report.replicas[0].pushed
    assert "already has a branch jaki-forge/update-1.1.0" in report.replicas[1].reason  # papa pushed it first
    assert git(remote, "rev-parse", "jaki-forge/update-1.1.0").strip() == report.replicas[0].commit
    assert git(remote, "rev-parse", "main").strip() == git(replica, "rev-parse", "main").strip()


def test_a_changed_manifest_profile_is_merged_even_at_the_same_version(tmp_path, template):
    profile = make_profile(tmp_path / "profiles", "romeo")
    replica = generate(profile, tmp_path / "romeo", template=str(template), vcs_ref="1.1.0").path
    manifest = tmp_path / "fleet.yaml"
    entry = {"name": "romeo", "path": "romeo", "profile": "profiles/romeo.yaml"}
    manifest.write_text(yaml.safe_dump({"schema_version": 1, "replicas": [entry]}))
    report = update_fleet(manifest)
    assert (report.replicas[0].status, report.replicas[0].reason) == (
        "clean",
        "already at template 1.1.0; nothing to do",
    )

    data = yaml.safe_load(profile.read_text(encoding="utf-8"))
    data["services"][0]["name"]["id"] = "Jalan Rusak Berat"
    profile.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    report = update_fleet(manifest)
    assert report.replicas[0].status == "clean", report.as_dict()
    tip = git(replica, "rev-parse", "jaki-forge/update-1.1.0").strip()
    assert tip == report.replicas[0].commit
    assert "Jalan Rusak Berat" in git(replica, "show", f"{tip}:app/data/profile.json")
    assert "Jalan Rusak Berat" not in (replica / "app/data/profile.json").read_text()  # main untouched


# --- fleet test and ci-matrix -----------------------------------------------------------------------------


def test_fleet_test_reports_passed_failed_and_unrenderable_profiles(runner, tmp_path, suite_template):
    profiles = tmp_path / "profiles"
    make_profile(profiles, "good")
    make_profile(profiles, "broken")
    (profiles / "invalid.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    junit = tmp_path / "junit.xml"
    result = runner.invoke(
        app,
        [
            "fleet",
            "test",
            "--profiles",
            str(profiles / "*.yaml"),
            "--template",
            str(suite_template),
            "--vcs-ref",
            "1.0.0",
            "--junit",
            str(junit),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "1 passed, 1 failed, 1 error" in result.stdout
    assert "this replica is broken on purpose" in result.stdout
    root = ET.parse(junit).getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"good-in", "broken-in", "invalid"}
    assert suites["good-in"].get("failures") == "0"
    assert suites["good-in"].get("tests") == "4"  # render, install and the replica's two tests
    assert suites["broken-in"].get("failures") == "1"
    failure = suites["broken-in"].find("testcase/failure")
    assert failure is not None and "broken on purpose" in (failure.text or "")
    assert suites["invalid"].get("errors") == "1"
    error = suites["invalid"].find("testcase/error")
    assert error is not None and "missing required field 'province'" in error.get("message", "")


def test_fleet_test_in_parallel_keeps_the_replica(tmp_path, suite_template):
    profile = make_profile(tmp_path / "profiles", "kept")
    report = fleet_test([str(profile)], jobs=2, template=str(suite_template), vcs_ref="1.0.0", keep=tmp_path / "kept")
    assert report.ok, report.as_dict()
    assert report.results[0].tests == 2
    assert (tmp_path / "kept" / "kept-in" / "app" / "data" / "profile.json").is_file()


def test_ci_matrix_lists_every_shipped_profile(runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["ci-matrix"])
    assert result.exit_code == 0, result.output
    matrix = json.loads(result.stdout)
    names = [entry["name"] for entry in matrix["include"]]
    profiles = [entry["profile"] for entry in matrix["include"]]
    assert "profiles/lampung.yaml" in profiles and "profiles/jakarta.yaml" in profiles
    assert "profiles/generated/lampung-kini.yaml" in profiles
    assert len(profiles) == 36
    assert len(set(names)) == len(names)
    only = ci_matrix(["profiles/lampung.yaml"], root=ROOT)
    assert only == {"include": [{"name": "lampung-in", "profile": "profiles/lampung.yaml"}]}
    empty = runner.invoke(app, ["ci-matrix", "--profiles", "nothing/*.yaml"])
    assert empty.exit_code == 2
    assert "no profile matches 'nothing/*.yaml'" in empty.output


def test_ci_workflow_uses_the_matrix():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    steps = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any("jaki-forge ci-matrix" in run for run in steps)
    assert any("jaki-forge fleet test" in run for run in steps)
    matrices = [str(job.get("strategy", {}).get("matrix", "")) for job in workflow["jobs"].values()]
    assert any("fromJSON(needs.matrix.outputs.matrix)" in matrix for matrix in matrices)


def test_unreachable_template_refuses_that_replica_only(fleet, tmp_path):
    manifest = fleet["base"] / "broken-fleet.yaml"
    manifest.write_text(
        yaml.safe_dump(
            {
                "schema_version": 1,
                "template": str(tmp_path / "nowhere"),
                "workdir": str(tmp_path / "work"),
                "replicas": [{"name": "alpha", "path": "src/alpha"}],
            }
        )
    )
    report = update_fleet(manifest)
    assert report.replicas[0].status == "refused"  # exit 2 for a single update: the user must say where it went
    assert "does not exist on this machine; if the template moved" in report.replicas[0].reason
    assert tree_state(fleet["replicas"]["alpha"]) == fleet["before"]["alpha"]


def test_scratch_directory_choice(tmp_path):
    import tempfile

    from jaki_forge.errors import InvalidInputError
    from jaki_forge.replica.scratch import scratch, scratch_root

    assert scratch_root("system") is None
    assert scratch_root(None) is None
    assert scratch_root(tmp_path) == str(tmp_path.resolve())
    assert scratch_root("auto") in (None, "/dev/shm")
    with pytest.raises(InvalidInputError, match=r"the scratch directory .*nope does not exist"):
        scratch_root(tmp_path / "nope")
    before = tempfile.gettempdir()
    with scratch(str(tmp_path)):
        inside = Path(tempfile.gettempdir())
        assert inside.parent == tmp_path and inside.is_dir()
    assert tempfile.gettempdir() == before
    assert not inside.exists()
