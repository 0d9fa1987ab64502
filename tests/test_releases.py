"""Releases recorded in the tree: a clone without tags renders a release and updates between releases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from packaging.version import Version

from jaki_forge.cli.app import app
from jaki_forge.replica import source
from jaki_forge.replica.releases import LEDGER, read_ledger

from .conftest import PROFILES, ROOT, commit_all, git


def test_ledger_names_commits_of_this_repository():
    ledger = read_ledger(ROOT)
    assert "0.1.0" in ledger
    for version, commit in ledger.items():
        assert git("cat-file", "-t", commit, cwd=ROOT).strip() == "commit", version


@pytest.fixture
def clean_clone(tmp_path, monkeypatch) -> Path:
    """A clone of this repository with no tags, used as the shipped template (as a fresh checkout would be)."""
    clone = tmp_path / "clone"
    git("clone", "-q", "--no-tags", str(ROOT), str(clone), cwd=tmp_path)
    assert git("tag", cwd=clone) == ""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(source, "checkout_root", lambda: clone)
    source.shipped_repository.cache_clear()
    yield clone
    source.shipped_repository.cache_clear()


def test_a_clean_clone_renders_a_recorded_release_and_updates_to_the_next(tmp_path, clean_clone, runner):
    releases = sorted(read_ledger(clean_clone), key=Version)
    if len(releases) < 2:  # make the next release here, on top of the clone, as a maintainer would
        readme = clean_clone / "template" / "README.md.jinja"
        readme.write_text(readme.read_text(encoding="utf-8") + "\n<!-- next release -->\n", encoding="utf-8")
        commit_all(clean_clone, "template change")
        result = runner.invoke(app, ["release", "9.9.0", "--repository", str(clean_clone)])
        assert result.exit_code == 0, result.output
        commit_all(clean_clone, "release 9.9.0")
        source.shipped_repository.cache_clear()
        releases = sorted(read_ledger(clean_clone), key=Version)
    first, last = releases[0], releases[-1]
    replica = tmp_path / "replica"
    made = runner.invoke(app, ["new", "--profile", str(PROFILES / "lampung.yaml"), str(replica), "--vcs-ref", first])
    assert made.exit_code == 0, made.output
    answers = yaml.safe_load((replica / ".copier-answers.yml").read_text())
    assert (answers["_commit"], answers["_src_path"]) == (first, source.CANONICAL_URL)

    checked = runner.invoke(app, ["check", str(replica)])
    assert checked.exit_code == 1, checked.output
    updated = runner.invoke(app, ["update", str(replica), "--to", last])
    assert updated.exit_code == 0, updated.output
    assert yaml.safe_load((replica / ".copier-answers.yml").read_text())["_commit"] == last
    assert runner.invoke(app, ["check", str(replica)]).exit_code == 0


def test_release_command_checks_its_input(tmp_path, runner):
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q", "-b", "main", cwd=repo)
    (repo / "x").write_text("x")
    commit_all(repo, "x")
    assert runner.invoke(app, ["release", "1.0.0", "--repository", str(repo)]).exit_code == 0
    for args, message in (
        (["1.0.0"], "release 1.0.0 is already recorded"),
        (["0.9.0"], "release 0.9.0 is not newer than the last recorded release 1.0.0"),
        (["2.0.0rc1"], "2.0.0rc1 is not a final release"),
        (["banana"], "'banana' is not a PEP 440 version"),
        (["2.0.0", "--commit", "nope"], "'nope' is not a commit of"),
    ):
        result = runner.invoke(app, ["release", *args, "--repository", str(repo)])
        assert result.exit_code == 2 and message in result.stderr, (args, result.stderr)
    assert list(read_ledger(repo)) == ["1.0.0"]
    assert (repo / LEDGER).read_text().startswith("# Template releases")
