"""The update core on a small template: renames, removals, transactions, undo, next steps, messages."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from jaki_forge.cli.app import app

from .conftest import commit_all, git
from .synthetic import SLA, make_replica, make_template, release

EDITED_SLA = SLA.replace("LINE_2 = 2", "LINE_2 = 'local'")


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return make_template(tmp_path / "template")


def snapshot(repo: Path) -> dict[str, object]:
    """Everything a user can see of a replica: HEAD, status, every file's bytes (ignored ones included)."""
    files = {
        str(p.relative_to(repo)): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(repo).parts
    }
    status = git("status", "--porcelain", "--untracked-files=all", cwd=repo)
    return {"head": git("rev-parse", "HEAD", cwd=repo), "status": status, "files": files}


def answers_version(repo: Path) -> str:
    return str(yaml.safe_load((repo / ".copier-answers.yml").read_text())["_commit"])


def test_local_edit_follows_a_renamed_file(tmp_path, template, runner):
    replica = make_replica(tmp_path, template)
    (replica / "app/sla.py").write_text(EDITED_SLA)
    commit_all(replica, "local SLA")
    release(
        template,
        "1.1.0",
        renames={"app/sla.py": "app/deadlines.py"},
        change={"app/deadlines.py": SLA.replace("LINE_19 = 19", "LINE_19 = 'template'")},
    )

    result = runner.invoke(app, ["update", str(replica)])

    assert result.exit_code == 0, result.output
    assert not (replica / "app/sla.py").exists()
    moved = (replica / "app/deadlines.py").read_text()
    assert "LINE_2 = 'local'" in moved and "LINE_19 = 'template'" in moved
    assert git("status", "--porcelain", cwd=replica) == ""
    diff = runner.invoke(app, ["diff", str(replica), "--json"])
    assert diff.exit_code == 0, diff.output
    assert "app/deadlines.py" in json.loads(diff.stdout)["edited"]


def test_edited_file_the_template_removes_is_kept_as_a_conflict(tmp_path, template, runner):
    replica = make_replica(tmp_path, template)
    (replica / "app/legacy.py").write_text("OLD = 'still needed here'\n")
    commit_all(replica, "local legacy")
    release(template, "1.1.0", change={"app/legacy.py": None, "app/routes.py": "ROUTES = ['a', 'b', 'c']\n"})

    result = runner.invoke(app, ["update", str(replica)])

    assert result.exit_code == 1
    assert "app/legacy.py  (the template removed it; your changed copy is kept)" in result.stdout
    assert (replica / "app/legacy.py").read_text() == "OLD = 'still needed here'\n"
    assert "UD app/legacy.py" in git("status", "--porcelain", cwd=replica).splitlines()
    assert "'c'" in (replica / "app/routes.py").read_text()


def test_file_deleted_here_and_changed_by_the_template_stays_deleted(tmp_path, template, runner):
    replica = make_replica(tmp_path, template)
    git("rm", "-q", "app/optional.py", cwd=replica)
    commit_all(replica, "we do not need it")
    release(template, "1.1.0", change={"app/optional.py": "OPTIONAL = 2\n"})

    result = runner.invoke(app, ["update", str(replica)])

    assert result.exit_code == 0, result.output
    assert "kept deleted 1\n    app/optional.py\n" in result.stdout
    assert not (replica / "app/optional.py").exists()
    assert git("status", "--porcelain", cwd=replica) == ""
    assert answers_version(replica) == "1.1.0"


def test_skip_if_exists_files_stay_the_replicas(tmp_path, template, runner):
    replica = make_replica(tmp_path, template)
    (replica / "local/settings.toml").write_text("mode = 'ours'\n")
    commit_all(replica, "our settings")
    release(template, "1.1.0", change={"local/settings.toml": "mode = 'template 1.1'\n"})

    assert runner.invoke(app, ["update", str(replica)]).exit_code == 0
    assert (replica / "local/settings.toml").read_text() == "mode = 'ours'\n"


def conflicted(tmp_path: Path, template: Path) -> Path:
    replica = make_replica(tmp_path, template)
    (replica / "app/routes.py").write_text("ROUTES = ['a', 'local']\n")
    commit_all(replica, "local routes")
    release(template, "1.1.0", change={"app/routes.py": "ROUTES = ['a', 'template']\n", "app/new.py": "NEW = 1\n"})
    return replica


def test_printed_next_steps_work_when_resolved_to_the_local_side(tmp_path, template, runner):
    replica = conflicted(tmp_path, template)
    result = runner.invoke(app, ["update", str(replica)])
    assert result.exit_code == 1
    steps = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("git add")]
    assert len(steps) == 1

    (replica / "app/routes.py").write_text("ROUTES = ['a', 'local']\n")  # keep our side as it was
    done = subprocess.run(
        steps[0],
        shell=True,
        cwd=replica,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@x",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@x",
        },
    )

    assert done.returncode == 0, done.stderr
    assert git("status", "--porcelain", "--untracked-files=all", cwd=replica) == ""
    assert answers_version(replica) == "1.1.0"
    assert (replica / "app/new.py").is_file()
    assert git("log", "-1", "--format=%s", cwd=replica).strip() == "Update template 1.0.0 -> 1.1.0 (jaki-forge)"
    assert runner.invoke(app, ["check", str(replica)]).exit_code == 0


def test_abort_restores_the_exact_previous_state(tmp_path, template, runner):
    replica = conflicted(tmp_path, template)
    before = snapshot(replica)
    assert runner.invoke(app, ["update", str(replica)]).exit_code == 1

    result = runner.invoke(app, ["update", "--abort", str(replica)])

    assert result.exit_code == 0, result.output
    assert snapshot(replica) == before
    again = runner.invoke(app, ["update", str(replica)])  # not refused: nothing is left behind
    assert again.exit_code == 1, again.output


def test_abort_after_a_clean_update(tmp_path, template, runner):
    replica = make_replica(tmp_path, template)
    before = snapshot(replica)
    release(template, "1.1.0", change={"app/new.py": "NEW = 1\n"})
    assert runner.invoke(app, ["update", str(replica)]).exit_code == 0
    assert runner.invoke(app, ["update", "--abort", str(replica)]).exit_code == 0
    assert snapshot(replica) == before


def test_unresolved_update_is_named_by_update_check_and_diff(tmp_path, template, runner):
    replica = conflicted(tmp_path, template)
    assert runner.invoke(app, ["update", str(replica)]).exit_code == 1
    expected = (
        f"error: a previous update of {replica} (to template 1.1.0) is not finished: conflicted files: "
        "app/routes.py; resolve them and commit (`git add -A && git commit`), or undo that update with "
        "`jaki-forge update --abort`\n"
    )
    for command in ("update", "check", "diff"):
        result = runner.invoke(app, [command, str(replica)])
        assert (result.exit_code, result.stderr) == (2, expected), command


PHASES = ["plan", "render-recorded", "render-target", "merge", "journal", "worktree", "index", "done"]


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("conflicts", [False, True], ids=["clean", "conflicts"])
def test_killed_at_every_phase_leaves_the_old_state_or_the_new_one(tmp_path, template, runner, phase, conflicts):
    replica = conflicted(tmp_path, template) if conflicts else make_replica(tmp_path, template)
    if not conflicts:
        release(template, "1.1.0", change={"app/routes.py": "ROUTES = ['template']\n", "app/new.py": "NEW = 1\n"})
    before = snapshot(replica)
    reference = tmp_path / "reference"
    subprocess.run(["git", "clone", "-q", str(replica), str(reference)], check=True)
    assert runner.invoke(app, ["update", str(reference)]).exit_code == (1 if conflicts else 0)
    after = snapshot(reference)

    killed = subprocess.run(
        [sys.executable, "-m", "jaki_forge", "update", str(replica)],
        env={**os.environ, "JAKI_FORGE_TEST_STOP_AFTER": phase},
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -9, killed.stderr
    check = runner.invoke(app, ["check", str(replica)])  # any command finishes an update that was being applied

    state = snapshot(replica)
    applied = PHASES.index(phase) >= PHASES.index("journal")
    if not applied:
        assert state == before
        assert check.exit_code == 1
    else:
        assert state["status"] == after["status"]
        assert state["files"] == after["files"]
        if not conflicts:
            assert git("rev-parse", "HEAD^{tree}", cwd=replica) == git("rev-parse", "HEAD^{tree}", cwd=reference)
            assert check.exit_code == 0, check.output
        else:
            assert state["head"] == before["head"]
            assert check.exit_code == 2


@pytest.mark.parametrize("signal_name", ["TERM", "INT"])
@pytest.mark.parametrize("phase", ["render-target", "worktree"])
def test_term_and_ctrl_c_say_which_state_they_left(tmp_path, template, signal_name, phase):
    replica = make_replica(tmp_path, template)
    release(template, "1.1.0", change={"app/new.py": "NEW = 1\n"})
    before = snapshot(replica)

    stopped = subprocess.run(
        [sys.executable, "-m", "jaki_forge", "update", str(replica)],
        env={**os.environ, "JAKI_FORGE_TEST_STOP_AFTER": phase, "JAKI_FORGE_TEST_STOP_SIGNAL": signal_name},
        capture_output=True,
        text=True,
    )

    assert stopped.returncode != 0
    if phase == "render-target":
        assert stopped.stderr == f"interrupted: the update stopped before it changed anything: {replica} is as it was\n"
        assert snapshot(replica) == before
    else:
        assert stopped.stderr == (
            f"interrupted: the update had already been applied when it was stopped: {replica} is at template 1.1.0\n"
        )
        assert answers_version(replica) == "1.1.0"
        assert git("status", "--porcelain", "--untracked-files=all", cwd=replica) == ""


def test_dirty_tree_message_names_the_files(tmp_path, template, runner):
    replica = make_replica(tmp_path, template)
    (replica / "app/routes.py").write_text("x = 1\n")
    (replica / "notes.txt").write_text("todo\n")
    result = runner.invoke(app, ["update", str(replica)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {replica} has uncommitted changes (app/routes.py, notes.txt); commit them, or set them aside with "
        "`git stash -u`, before updating, so the update can be reviewed and undone\n"
    )


def test_moved_template_source(tmp_path, template, runner):
    replica = make_replica(tmp_path, template)
    release(template, "1.1.0", change={"app/new.py": "NEW = 1\n"})
    moved = tmp_path / "moved-template"
    template.rename(moved)

    for command in ("update", "check"):
        result = runner.invoke(app, [command, str(replica)])
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: the replica's template source {template} does not exist on this machine; if the template "
            "moved, point the replica at its new home with `jaki-forge update --template NEW_SOURCE` (the new "
            "source is recorded by that update)\n"
        )
    result = runner.invoke(app, ["update", str(replica), "--template", str(moved)])
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((replica / ".copier-answers.yml").read_text())
    assert (answers["_commit"], answers["_src_path"]) == ("1.1.0", str(moved))
    assert runner.invoke(app, ["check", str(replica)]).exit_code == 0


def test_unreleased_version_is_refused_alike_by_update_and_check(tmp_path, template, runner):
    replica = make_replica(tmp_path, template)
    answers = replica / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace("_commit: 1.0.0", "_commit: 1.0.0-3-gdeadbee"))
    commit_all(replica, "pretend a development render")
    expected = (
        f"error: the replica records template version '1.0.0-3-gdeadbee', which is not a release of {template} "
        "(releases: 1.0.0); it was made from a development build or an unreleased commit. Re-create it from a "
        "release (`jaki-forge new --vcs-ref VERSION`) or record that version as a release\n"
    )
    for command in ("update", "check", "diff"):
        result = runner.invoke(app, [command, str(replica)])
        assert (result.exit_code, result.stderr) == (2, expected), command
    assert not git("for-each-ref", "refs/jaki-forge", cwd=replica)  # no pre-update ref when nothing started


def test_copier_cache_is_private_to_each_template_history(tmp_path):
    from jaki_forge.replica.source import CANONICAL_URL, TemplateSource

    seen = []
    for name in ("bundle-aaaa.git", "bundle-bbbb.git"):
        with TemplateSource(url=CANONICAL_URL, local=tmp_path / name).reachable():
            seen.append(os.environ["COPIER_CACHE_DIR"])
    assert seen[0] != seen[1] and all(name in path for name, path in zip(("aaaa", "bbbb"), seen, strict=True))
    assert "COPIER_CACHE_DIR" not in os.environ


def test_shell_quoted_next_steps(tmp_path, template, runner):
    replica = conflicted(tmp_path, template)
    result = runner.invoke(app, ["update", str(replica)])
    assert f"  cd {shlex.quote(str(replica))}\n" in result.stdout


def index_and_tree(repo: Path) -> tuple[str, str, dict[str, bytes]]:
    files = {
        str(p.relative_to(repo)): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }
    return git("ls-files", "-s", cwd=repo), git("status", "--porcelain", cwd=repo), files


@pytest.mark.parametrize("conflicts", [False, True], ids=["clean", "conflicts"])
def test_copier_speed_ups_change_no_byte_of_the_result(tmp_path, template, runner, monkeypatch, conflicts):
    replica = conflicted(tmp_path, template) if conflicts else make_replica(tmp_path, template)
    if not conflicts:
        release(template, "1.1.0", change={"app/routes.py": "ROUTES = ['template']\n", "app/new.py": "NEW = 1\n"})
    plain = tmp_path / "plain"
    subprocess.run(["git", "clone", "-q", str(replica), str(plain)], check=True)
    assert runner.invoke(app, ["update", str(replica)]).exit_code == (1 if conflicts else 0)
    monkeypatch.setenv("JAKI_FORGE_PLAIN_COPIER", "1")
    assert runner.invoke(app, ["update", str(plain)]).exit_code == (1 if conflicts else 0)
    assert index_and_tree(replica) == index_and_tree(plain)


def test_every_command_reports_an_interruption_in_one_place(tmp_path, runner, monkeypatch):
    from jaki_forge.profile import load

    def stopped(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(load, "load_profile", stopped)
    result = runner.invoke(app, ["validate", str(tmp_path / "any.yaml")])
    assert (result.exit_code, result.stderr) == (130, "interrupted\n")
