"""A small copier template with real git releases, for fast tests of the update core."""

from __future__ import annotations

import textwrap
from pathlib import Path

from .conftest import GOOD, commit_all, git

SLA = "\n".join(f"LINE_{n} = {n}" for n in range(1, 21)) + "\n"


def write(root: Path, files: dict[str, str]) -> None:
    """Write `files` (path -> text) under `root`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def make_template(root: Path) -> Path:
    """A copier template repository tagged 1.0.0: a few plain files, a rendered README, an answers file."""
    write(
        root,
        {
            "copier.yml": textwrap.dedent(
                """\
                _subdirectory: template
                _answers_file: .copier-answers.yml
                _skip_if_exists: [local/settings.toml]
                profile:
                  type: yaml
                """
            ),
            "template/{{_copier_conf.answers_file}}.jinja": "{{ _copier_answers|to_nice_yaml -}}\n",
            "template/README.md.jinja": "# {{ profile.app.name }}\n",
            "template/app/sla.py": SLA,
            "template/app/routes.py": "ROUTES = ['a', 'b']\n",
            "template/app/legacy.py": "OLD = True\n",
            "template/app/optional.py": "OPTIONAL = 1\n",
            "template/local/settings.toml": "mode = 'template'\n",
        },
    )
    git("init", "-q", "-b", "main", cwd=root)
    commit_all(root, "1.0.0")
    git("tag", "1.0.0", cwd=root)
    return root


def release(root: Path, version: str, *, change: dict[str, str | None], renames: dict[str, str] | None = None) -> None:
    """Commit and tag a new template release: `renames` (git mv), then `change` (text, or None to remove)."""
    for old, new in (renames or {}).items():
        git("mv", f"template/{old}", f"template/{new}", cwd=root)
    for name, text in change.items():
        path = root / "template" / name
        if text is None:
            git("rm", "-q", f"template/{name}", cwd=root)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    commit_all(root, version)
    git("tag", version, cwd=root)


def make_replica(tmp_path: Path, template: Path, *, name: str = "replica") -> Path:
    """A replica of `template` at 1.0.0 made by jaki-forge from the minimal good profile."""
    from jaki_forge.replica.create import generate

    return generate(GOOD / "minimal.yaml", tmp_path / name, template=str(template), vcs_ref="1.0.0").path
