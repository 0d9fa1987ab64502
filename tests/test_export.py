"""`jaki-forge export`: the template as cookiecutter template, followed by cruft, and handovers between managers."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from PIL import Image

from jaki_forge.cli.app import app
from jaki_forge.errors import DestinationError, InvalidInputError
from jaki_forge.replica.create import generate

from .conftest import GIT_ID, GOOD, PROFILES, commit_all, git, snapshot_template

BIN = Path(sys.executable).parent
README_NOTE = "Template 1.1.0: see the operations notes."
DOCKERIGNORE_NOTE = "# 1.1.0: keep local virtual environments out of images\n"


def release_v2(repo: Path) -> None:
    """Template 1.1.0: a rendered file and a verbatim file change."""
    readme = repo / "template" / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + f"\n{README_NOTE}\n", encoding="utf-8")
    ignore = repo / "template" / ".dockerignore"
    ignore.write_text(ignore.read_text(encoding="utf-8") + DOCKERIGNORE_NOTE, encoding="utf-8")
    commit_all(repo, "template 1.1.0")
    git("tag", "1.1.0", cwd=repo)


@pytest.fixture
def tools_env(tmp_path) -> dict[str, str]:
    """cookiecutter/cruft with their own config, replay and clone folders in tmp_path, offline, git identity set."""
    config = tmp_path / "cookiecutter.yaml"
    config.write_text(f"cookiecutters_dir: {tmp_path / 'cc-clones'}\nreplay_dir: {tmp_path / 'cc-replay'}\n")
    return {
        **os.environ,
        "COOKIECUTTER_CONFIG": str(config),
        "GIT_ALLOW_PROTOCOL": "file",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@localhost",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@localhost",
    }


def tool(name: str, *args: str, cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    """Run the cookiecutter or cruft command line installed next to this Python."""
    result = subprocess.run([str(BIN / name), *args], cwd=cwd, env=env, capture_output=True, text=True, stdin=None)
    if check:
        assert result.returncode == 0, f"{name} {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def tree(root: Path, *, skip: set[str]) -> dict[str, tuple[bytes, bool]]:
    """Every file under `root` (but .git and `skip`) with its bytes and whether it is executable."""
    files = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if path.is_dir() or relative.split("/")[0] == ".git" or relative in skip:
            continue
        files[relative] = (path.read_bytes(), bool(path.stat().st_mode & stat.S_IXUSR))
    return files


def export(runner, out: Path, profile: Path, template: Path, version: str, *extra: str) -> str:
    result = runner.invoke(
        app,
        ["export", "cookiecutter", "--out", str(out), "--profile", str(profile), "--template", str(template),
         "--version", version, *extra],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("name", ["jakarta", "lampung"])
def test_cookiecutter_renders_the_same_project_as_new(tmp_path, runner, tools_env, template_repo, name):
    out = tmp_path / "cc"
    said = export(runner, out, PROFILES / f"{name}.yaml", template_repo, "1.0.0")
    assert said.startswith(f"Exported template 1.0.0 to {out}: ")
    context = json.loads((out / "cookiecutter.json").read_text(encoding="utf-8"))
    assert context["_jaki_forge"] == {
        "template": str(template_repo),
        "version": "1.0.0",
        "skip": ["app/custom/settings.toml", "app/custom/hooks.py", "app/custom/__init__.py"],
    }
    assert context["_profile"]["app"]["slug"] == yaml.safe_load((PROFILES / f"{name}.yaml").read_text())["app"]["slug"]
    assert "app/main.py" in context["_copy_without_render"]
    assert "README.md" not in context["_copy_without_render"]
    assert not (out / "hooks").exists()

    tool("cookiecutter", "--no-input", str(out), "-o", str(tmp_path / "made"), cwd=tmp_path, env=tools_env)
    (made,) = (tmp_path / "made").iterdir()
    made_by_new = generate(PROFILES / f"{name}.yaml", tmp_path / "new", template=str(template_repo), vcs_ref="1.0.0")
    expected = tree(made_by_new.path, skip={".copier-answers.yml"})
    got = tree(made, skip=set())
    assert sorted(got) == sorted(expected)
    differing = [name for name in expected if got[name] != expected[name]]
    assert differing == []


def test_static_files_and_jinja_syntax_in_the_profile_survive_the_export(tmp_path, runner, tools_env, template_repo):
    profile_dir = tmp_path / "png"
    profile_dir.mkdir()
    (profile_dir / "files").mkdir()
    for child in (GOOD / "files").iterdir():
        (profile_dir / "files" / child.name).write_bytes(child.read_bytes())
    logo = io.BytesIO()
    Image.new("RGBA", (96, 96), (11, 110, 79, 255)).save(logo, format="PNG")
    png = logo.getvalue()
    (profile_dir / "files" / "logo.png").write_bytes(png)
    text = (GOOD / "minimal.yaml").read_text(encoding="utf-8").replace("logo: files/logo.svg", "logo: files/logo.png")
    # Jinja syntax in profile text must reach the project as text, not be rendered a second time by cookiecutter
    hostile = 'tagline: {id: "Lapor {{ cookiecutter._profile }} {% raw %}", en: "{#  #} 7}}"}'
    text = text.replace("tagline: {id: Layanan warga, en: Citizen services}", hostile)
    (profile_dir / "minimal.yaml").write_text(text, encoding="utf-8")
    made_by_new = generate(profile_dir / "minimal.yaml", tmp_path / "new", template=str(template_repo), vcs_ref="1.0.0")
    assert (made_by_new.path / "app/static/logo.png").read_bytes() == png

    said = export(runner, tmp_path / "cc", profile_dir / "minimal.yaml", template_repo, "1.0.0")
    source = template_repo / "template"
    written = sorted(
        name
        for name in tree(made_by_new.path, skip={".copier-answers.yml"})
        if not (source / name).exists() and not (source / f"{name}.jinja").exists()
    )
    assert "app/static/logo.png" in written  # and the icons jaki-forge renders from it
    assert f"{len(written)} written by jaki-forge" in said
    context = json.loads((tmp_path / "cc" / "cookiecutter.json").read_text(encoding="utf-8"))
    assert set(written) <= set(context["_copy_without_render"])
    tool("cookiecutter", "--no-input", str(tmp_path / "cc"), "-o", str(tmp_path / "made"), cwd=tmp_path, env=tools_env)
    (made,) = (tmp_path / "made").iterdir()
    assert tree(made, skip=set()) == tree(made_by_new.path, skip={".copier-answers.yml"})
    rendered = json.loads((made / "app/data/profile.json").read_text(encoding="utf-8"))
    assert rendered["app"]["tagline"]["id"] == "Lapor {{ cookiecutter._profile }} {% raw %}"


def test_cruft_follows_exported_releases_and_keeps_local_edits(tmp_path, runner, tools_env):
    template = snapshot_template(tmp_path / "template")
    out = tmp_path / "exported"
    said = export(runner, out, GOOD / "minimal.yaml", template, "1.0.0", "--git")
    assert "tagged 1.0.0" in said
    assert git("tag", cwd=out).split() == ["1.0.0"]

    tool("cruft", "create", "--no-input", str(out), "--output-dir", str(tmp_path / "projects"), cwd=tmp_path,
         env=tools_env)  # fmt: skip
    (project,) = (tmp_path / "projects").iterdir()
    git("init", "-q", "-b", "main", cwd=project)
    commit_all(project, "created by cruft")
    state = json.loads((project / ".cruft.json").read_text())
    assert state["context"]["cookiecutter"]["_jaki_forge"]["version"] == "1.0.0"
    custom = project / "app/custom/settings.toml"
    custom.write_text(custom.read_text(encoding="utf-8") + "\n# local: Bandar Lampung desk hours\n")
    main = project / "app/main.py"
    main.write_text(main.read_text(encoding="utf-8") + "\n# local edit: keep me\n")
    commit_all(project, "local edits")

    release_v2(template)
    export(runner, out, GOOD / "minimal.yaml", template, "1.1.0", "--git")
    assert git("tag", cwd=out).split() == ["1.0.0", "1.1.0"]
    assert len(git("log", "--format=%H", cwd=out).split()) == 2
    # exporting a release again adds nothing
    export(runner, out, GOOD / "minimal.yaml", template, "1.1.0", "--git")
    assert len(git("log", "--format=%H", cwd=out).split()) == 2

    assert tool("cruft", "check", cwd=project, env=tools_env, check=False).returncode != 0
    tool("cruft", "update", "--skip-apply-ask", cwd=project, env=tools_env)
    assert main.read_text(encoding="utf-8").endswith("\n# local edit: keep me\n")
    assert "# local: Bandar Lampung desk hours" in custom.read_text(encoding="utf-8")
    assert README_NOTE in (project / "README.md").read_text(encoding="utf-8")
    assert (project / ".dockerignore").read_text(encoding="utf-8").endswith(DOCKERIGNORE_NOTE)
    state = json.loads((project / ".cruft.json").read_text())
    assert state["context"]["cookiecutter"]["_jaki_forge"]["version"] == "1.1.0"
    catalog = yaml.safe_load((project / "catalog-info.yaml").read_text(encoding="utf-8"))
    assert catalog["metadata"]["annotations"]["jaki-forge.io/template-version"] == "1.1.0"
    tool("cruft", "check", cwd=project, env=tools_env)


def test_a_replica_moves_from_cruft_to_jaki_forge_and_back(tmp_path, runner, tools_env, offline):
    template = snapshot_template(tmp_path / "template")
    out = tmp_path / "exported"
    export(runner, out, GOOD / "minimal.yaml", template, "1.0.0", "--git")
    tool("cruft", "create", "--no-input", str(out), "--output-dir", str(tmp_path / "projects"), cwd=tmp_path,
         env=tools_env)  # fmt: skip
    (project,) = (tmp_path / "projects").iterdir()
    git("init", "-q", "-b", "main", cwd=project)
    commit_all(project, "created by cruft")
    main = project / "app/main.py"
    main.write_text(main.read_text(encoding="utf-8") + "\n# local edit: keep me\n")
    commit_all(project, "local edit")

    result = runner.invoke(app, ["export", "from-cruft", str(project)])
    assert result.exit_code == 0, result.output
    assert "now managed by jaki-forge at template 1.0.0" in result.stdout
    assert not (project / ".cruft.json").exists()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["_commit"], answers["_src_path"]) == ("1.0.0", str(template))
    assert git("status", "--porcelain", cwd=project) == ""
    drift = runner.invoke(app, ["diff", str(project), "--json"])
    assert drift.exit_code == 0, drift.output
    assert json.loads(drift.stdout)["edited"] == ["app/main.py"]  # the only local change, nothing else differs

    release_v2(template)
    updated = runner.invoke(app, ["update", str(project)])
    assert updated.exit_code == 0, updated.output
    assert README_NOTE in (project / "README.md").read_text(encoding="utf-8")
    assert main.read_text(encoding="utf-8").endswith("\n# local edit: keep me\n")

    # and back: cruft takes over at 1.1.0 once that release is exported
    refused = runner.invoke(app, ["export", "to-cruft", str(project), "--export", str(out)])
    assert refused.exit_code == 2
    assert "has no release 1.1.0 (the replica's version)" in refused.stderr
    export(runner, out, GOOD / "minimal.yaml", template, "1.1.0", "--git")
    result = runner.invoke(app, ["export", "to-cruft", str(project), "--export", str(out)])
    assert result.exit_code == 0, result.output
    assert not (project / ".copier-answers.yml").exists()
    assert json.loads((project / ".cruft.json").read_text())["skip"] == [
        "app/custom/settings.toml", "app/custom/hooks.py", "app/custom/__init__.py"
    ]  # fmt: skip
    tool("cruft", "check", cwd=project, env=tools_env)
    changes = tool("cruft", "diff", cwd=project, env=tools_env).stdout
    assert "keep me" in changes and "README" not in changes  # only the local edit differs from the template


def test_handover_refuses_what_it_cannot_use(tmp_path, runner, template_repo, replicas):
    out = tmp_path / "exported"
    export(runner, out, PROFILES / "jakarta.yaml", template_repo, "1.0.0", "--git")
    copy = tmp_path / "lampung"
    git("clone", "-q", str(replicas["lampung"]), str(copy), cwd=tmp_path)
    result = runner.invoke(app, ["export", "to-cruft", str(copy), "--export", str(out)])
    assert result.exit_code == 2
    assert "was made from another profile than the one" in result.stderr
    (copy / "README.md").write_text("changed\n")
    with pytest.raises(DestinationError, match="has uncommitted changes; commit or stash them"):
        from jaki_forge.replica.handover import to_cruft

        to_cruft(copy, export=out)
    result = runner.invoke(app, ["export", "from-cruft", str(copy)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {copy} has no .cruft.json; it is not managed by cruft\n"


def test_export_refuses_bad_destinations_and_versions(tmp_path, runner, template_repo, replicas):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine\n")
    args = ["export", "cookiecutter", "--profile", str(GOOD / "minimal.yaml"), "--template", str(template_repo)]
    result = runner.invoke(app, [*args, "--out", str(busy)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {busy} is not empty; choose an empty --out, or pass --git to add this release to an exported "
        "repository\n"
    )
    result = runner.invoke(app, [*args, "--out", str(busy), "--git"])
    assert result.exit_code == 2
    assert "is neither empty nor a git repository made by `jaki-forge export cookiecutter --git`" in result.stderr
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "new"), "--version", "9.9.9"])
    assert result.exit_code == 1
    assert "9.9.9" in result.stderr
    assert not (tmp_path / "new").exists()  # nothing is left behind
    plain = tmp_path / "plain"
    export(runner, plain, GOOD / "minimal.yaml", template_repo, "1.0.0")
    assert not (plain / ".git").exists()
    with pytest.raises(InvalidInputError, match=r"the exported template .* does not exist"):
        from jaki_forge.replica.handover import to_cruft

        to_cruft(replicas["jakarta"], export=tmp_path / "missing")


def test_export_of_a_release_whose_tag_moved_is_refused(tmp_path, runner):
    template = snapshot_template(tmp_path / "template")
    out = tmp_path / "exported"
    export(runner, out, GOOD / "minimal.yaml", template, "1.0.0", "--git")
    readme = template / "template" / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + "moved\n", encoding="utf-8")
    commit_all(template, "retagged")
    git(*GIT_ID, "tag", "-f", "1.0.0", cwd=template)
    result = runner.invoke(
        app,
        ["export", "cookiecutter", "--out", str(out), "--profile", str(GOOD / "minimal.yaml"),
         "--template", str(template), "--version", "1.0.0", "--git"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "already has release 1.0.0 with other content" in result.stderr
    assert git("status", "--porcelain", cwd=out) == ""


def test_export_takes_the_newest_release_and_refuses_a_bad_profile(tmp_path, runner):
    template = snapshot_template(tmp_path / "template")
    release_v2(template)
    out = tmp_path / "newest"
    args = ["--out", str(out), "--profile", str(GOOD / "minimal.yaml"), "--template", str(template)]
    result = runner.invoke(app, ["export", "cookiecutter", *args])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "cookiecutter.json").read_text())["_jaki_forge"]["version"] == "1.1.0"
    bad = tmp_path / "bad.yaml"
    bad.write_text((GOOD / "minimal.yaml").read_text(encoding="utf-8").replace("slug: uji-in", "slug: Uji In!"))
    result = runner.invoke(app, ["export", "cookiecutter", "--out", str(tmp_path / "x"), "--profile", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:12:" in result.stderr and "app.slug" in result.stderr
    assert not (tmp_path / "x").exists()


def test_line_endings_survive_the_export_as_copier_writes_them(tmp_path, runner, tools_env):
    template = snapshot_template(tmp_path / "template", tag=None)
    (template / "template" / "notes.txt.jinja").write_bytes(b"# {{ profile.app.name }}\r\nline two\r\n")
    (template / "template" / "windows.txt").write_bytes(b"kept\r\nas is\r\n")
    commit_all(template, "files with CRLF line endings")
    git("tag", "1.0.0", cwd=template)
    made_by_new = generate(GOOD / "minimal.yaml", tmp_path / "new", template=str(template), vcs_ref="1.0.0")
    export(runner, tmp_path / "cc", GOOD / "minimal.yaml", template, "1.0.0")
    tool("cookiecutter", "--no-input", str(tmp_path / "cc"), "-o", str(tmp_path / "made"), cwd=tmp_path, env=tools_env)
    (made,) = (tmp_path / "made").iterdir()
    assert (made / "windows.txt").read_bytes() == b"kept\r\nas is\r\n"
    assert (made / "notes.txt").read_bytes() == (made_by_new.path / "notes.txt").read_bytes()
    assert tree(made, skip=set()) == tree(made_by_new.path, skip={".copier-answers.yml"})


def test_a_development_head_exports_what_new_renders_at_head(tmp_path, runner, tools_env):
    template = snapshot_template(tmp_path / "template")
    (template / "template" / "NEXT.md").write_text("after 1.0.0\n", encoding="utf-8")
    commit_all(template, "work after the release")
    said = export(runner, tmp_path / "cc", GOOD / "minimal.yaml", template, "HEAD")
    version = json.loads((tmp_path / "cc" / "cookiecutter.json").read_text())["_jaki_forge"]["version"]
    assert version.startswith("1.0.0-1-g") and f"Exported template {version} " in said
    made_by_new = generate(GOOD / "minimal.yaml", tmp_path / "new", template=str(template), vcs_ref="HEAD")
    tool("cookiecutter", "--no-input", str(tmp_path / "cc"), "-o", str(tmp_path / "made"), cwd=tmp_path, env=tools_env)
    (made,) = (tmp_path / "made").iterdir()
    assert (made / "NEXT.md").read_text(encoding="utf-8") == "after 1.0.0\n"
    assert tree(made, skip=set()) == tree(made_by_new.path, skip={".copier-answers.yml"})
