"""`check` and `diff`: how far a replica is behind the template and what the province changed."""

from __future__ import annotations

import filecmp
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jaki_forge.replica.git import git
from jaki_forge.replica.plan import plan_update
from jaki_forge.replica.render import render_tree
from jaki_forge.replica.scratch import scratch_root
from jaki_forge.replica.state import read_state

IGNORED_DIRS = {".git", "__pycache__", ".venv", ".pytest_cache", ".ruff_cache", "node_modules"}


@dataclass
class CheckResult:
    """Where a replica stands against the template's releases."""

    path: Path
    current: str
    latest: str | None
    newer: list[str]

    @property
    def behind(self) -> bool:
        """Whether a newer released version exists."""
        return bool(self.newer)

    def as_dict(self) -> dict[str, Any]:
        """The result as plain data (for --json)."""
        return {
            "replica": str(self.path),
            "current": self.current,
            "latest": self.latest,
            "behind": self.behind,
            "versions_behind": len(self.newer),
            "newer": self.newer,
        }


def check(dest: str | Path = ".", *, template: str | None = None) -> CheckResult:
    """Compare the replica's recorded template version with the template's releases (the plan `update` uses)."""
    state = read_state(dest, template=template)
    state.require_settled()
    plan = plan_update(state)
    return CheckResult(state.path, state.version_text, plan.latest, plan.newer)


@dataclass
class DiffResult:
    """Files the province added, edited and deleted relative to a clean render, and the conflict risk."""

    path: Path
    version: str
    added: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    upcoming_version: str | None = None
    upcoming_changes: list[str] = field(default_factory=list)
    at_risk: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The result as plain data (for --json)."""
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in self.__dict__.items()}


def tree_files(root: Path) -> set[str]:
    """Relative paths of the files under `root`, leaving out git and build folders."""
    found: set[str] = set()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS and not d.endswith(".egg-info")]
        rel = Path(folder).relative_to(root)
        found.update((rel / name).as_posix() for name in files)
    return found


def replica_files(root: Path) -> set[str]:
    """The replica's files as git sees them: tracked or untracked, never ignored ones (databases, uploads)."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=root).stdout.split("\0")
    return {name for name in listed if name and (root / name).is_file()}


def compare_trees(base: Path, other: Path, *, other_files: set[str] | None = None) -> tuple[list[str], ...]:
    """(added, edited, deleted): how `other` differs from `base`."""
    base_files = tree_files(base)
    other_files = tree_files(other) if other_files is None else other_files
    added = sorted(other_files - base_files)
    deleted = sorted(base_files - other_files)
    edited = sorted(
        name for name in base_files & other_files if not filecmp.cmp(base / name, other / name, shallow=False)
    )
    return added, edited, deleted


def diff(dest: str | Path = ".", *, upcoming: bool = False, template: str | None = None) -> DiffResult:
    """What the province changed against a clean render of its recorded version and profile."""
    state = read_state(dest, template=template)
    state.require_settled()
    plan = plan_update(state)
    data = {"profile": state.payload}
    with tempfile.TemporaryDirectory(prefix="jaki-forge-diff-", dir=scratch_root("auto")) as scratch:
        pristine = Path(scratch) / "recorded"
        render_tree(data, pristine, plan.source.with_ref(plan.current_ref))
        added, edited, deleted = compare_trees(pristine, state.path, other_files=replica_files(state.path))
        result = DiffResult(state.path, state.version_text, added, edited, deleted)
        if upcoming and plan.newer:
            nxt = plan.newer[0]
            following = Path(scratch) / "upcoming"
            render_tree(data, following, plan.source.with_ref(nxt))
            a, e, d = compare_trees(pristine, following)
            changed = set(a) | set(e) | set(d)
            local = set(added) | set(edited) | set(deleted)
            result.upcoming_version = nxt
            result.upcoming_changes = sorted(changed)
            result.at_risk = sorted(changed & local)
    return result
