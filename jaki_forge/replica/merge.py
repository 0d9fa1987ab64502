"""The 3-way merge of an update, done away from the replica with git's merge machinery (rename detection).

Why not copier's `run_update`: it writes into the replica while it works (an interrupted update leaves a mix),
and its diff-and-apply loses local edits of files the template renames or removes. Here copier renders the
recorded and the target version into scratch folders (`run_copy`), and git merges three trees — the recorded
render (base), the replica's HEAD (ours) and the target render (theirs) — into objects only; nothing in the
replica's working tree, index or refs changes until the transaction applies the result.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jaki_forge.errors import OperationError
from jaki_forge.replica.answers import ANSWERS_FILE
from jaki_forge.replica.git import git, git_bytes
from jaki_forge.replica.render import render_trees
from jaki_forge.replica.source import TemplateSource
from jaki_forge.replica.state import ReplicaState

EMPTY = "0" * 40
IDENTITY = {
    "GIT_AUTHOR_NAME": "jaki-forge",
    "GIT_AUTHOR_EMAIL": "jaki-forge@localhost",
    "GIT_COMMITTER_NAME": "jaki-forge",
    "GIT_COMMITTER_EMAIL": "jaki-forge@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
}
OURS_BRANCH = "replica"
# git labels the sides of a conflict with the names of the commits merged; the files get the labels copier's
# `update` writes instead, so that a conflicted file reads the same whichever tool updated the replica
COPIER_LABELS = {"<": b"before updating", "|": b"last update", ">": b"after updating"}


@dataclass
class Merged:
    """The prepared result of an update: the tree to check out, the index to install, and the summary."""

    tree: str
    index_entries: list[str]  # `git update-index --index-info` lines for conflicted paths
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    conflict_kinds: dict[str, str] = field(default_factory=dict)
    kept_deleted: list[str] = field(default_factory=list)


class _Work:
    """A private bare repository whose new objects go straight into the replica's object store."""

    def __init__(self, state: ReplicaState, folder: Path):
        self.folder = folder
        self.repo = folder / "work.git"
        common = Path(git("rev-parse", "--git-common-dir", cwd=state.path).stdout.strip())
        objects = (common if common.is_absolute() else state.path / common).resolve() / "objects"
        git("init", "-q", "--bare", str(self.repo), cwd=folder)
        self.empty = folder / "empty"
        self.empty.mkdir()
        self.env = {**IDENTITY, "GIT_OBJECT_DIRECTORY": str(objects)}

    def run(
        self,
        *args: str,
        index: Path | None = None,
        work_tree: Path | None = None,
        stdin: str | None = None,
        check: bool = True,
    ) -> str:
        env = dict(self.env)
        if index is not None:
            env["GIT_INDEX_FILE"] = str(index)
        tree = work_tree or self.empty  # index commands want a work tree even when they never read it
        prefix = ["--git-dir", str(self.repo), "--work-tree", str(tree)]
        return git(*prefix, *args, cwd=tree, env=env, check=check, stdin=stdin).stdout

    def blob(self, sha: str) -> bytes:
        """The bytes of blob `sha`."""
        return git_bytes("--git-dir", str(self.repo), "cat-file", "blob", sha, cwd=self.folder, env=self.env)

    def store(self, data: bytes) -> str:
        """Write `data` as a blob; return its hash."""
        command = ("--git-dir", str(self.repo), "hash-object", "-w", "--stdin")
        return git_bytes(*command, cwd=self.folder, env=self.env, stdin=data).decode().strip()

    def tree_of(self, folder: Path, name: str, overrides: list[str]) -> str:
        """Store the files of `folder` (as `git add -A` sees them) as a tree; `overrides` are index-info lines."""
        index = self.folder / f"{name}.index"
        self.run("add", "-A", ".", index=index, work_tree=folder)
        if overrides:
            self.run("update-index", "--index-info", index=index, stdin="".join(overrides))
        return self.run("write-tree", index=index).strip()


def _head_entries(state: ReplicaState, patterns: list[str]) -> list[str]:
    """index-info lines giving HEAD's version of every file matching the template's _skip_if_exists."""
    if not patterns:
        return []
    listing = git("ls-tree", "-r", "-z", "HEAD", cwd=state.path).stdout.split("\0")
    lines = []
    for item in listing:
        if not item:
            continue
        meta, _, name = item.partition("\t")
        mode, _kind, sha = meta.split()
        if any(fnmatch.fnmatch(name, pattern) for pattern in patterns):
            lines.append(f"{mode} {sha}\t{name}\n")
    return lines


def prepare_merge(
    state: ReplicaState,
    folder: Path,
    *,
    base_source: TemplateSource,
    target_source: TemplateSource,
    target_payload: dict[str, Any],
    target_label: str,
    phase: Callable[[str], None],
) -> Merged:
    """Render both versions into `folder`, merge them with the replica's HEAD, and return the result."""
    old_dir, new_dir = folder / "recorded", folder / "target"
    skip_old, skip_new = render_trees(
        [({"profile": state.payload}, old_dir, base_source), ({"profile": target_payload}, new_dir, target_source)]
    )
    phase("render-recorded")
    phase("render-target")
    work = _Work(state, folder)
    keep = _head_entries(state, sorted(set(skip_old) | set(skip_new)))
    # the answers file is jaki-forge's record, not the province's: the target's version always wins
    answers = _head_entries(state, [ANSWERS_FILE])
    base_tree = work.tree_of(old_dir, "recorded", keep + answers)
    target_tree = work.tree_of(new_dir, "target", keep)
    base = work.run("commit-tree", base_tree, "-m", "recorded template").strip()
    theirs = work.run("commit-tree", target_tree, "-p", base, "-m", "template").strip()
    ours = work.run("commit-tree", f"{state.head}^{{tree}}", "-p", base, "-m", "replica").strip()
    work.run("update-ref", f"refs/heads/{OURS_BRANCH}", ours)
    work.run("update-ref", f"refs/heads/{target_label}", theirs)
    done = git(
        "--git-dir",
        str(work.repo),
        "merge-tree",
        "--write-tree",
        "-z",
        OURS_BRANCH,
        target_label,
        cwd=folder,
        env=work.env,
        check=False,
    )
    if done.returncode not in (0, 1):  # 1: merged with conflicts
        raise OperationError(f"git could not merge the template into {state.path}: {done.stderr.strip()}")
    merged = _parse(done.stdout)
    result = _settle(work, merged, head=state.head, labels=(OURS_BRANCH, target_label))
    phase("merge")
    return result


@dataclass
class _Raw:
    tree: str
    stages: dict[str, dict[int, tuple[str, str]]]


def _parse(out: str) -> _Raw:
    """Parse `git merge-tree --write-tree -z`: the merged tree, then the conflicted entries."""
    head, _, rest = out.partition("\0")
    stages: dict[str, dict[int, tuple[str, str]]] = {}
    fields = rest.split("\0")
    index = 0
    while index < len(fields) and fields[index]:
        meta, _, name = fields[index].partition("\t")
        mode, sha, stage = meta.split()
        stages.setdefault(name, {})[int(stage)] = (mode, sha)
        index += 1
    return _Raw(tree=head.strip(), stages=stages)


def _relabel(work: _Work, index: Path, names: list[str], labels: tuple[str, str]) -> None:
    """Give the conflict markers in the merged files of `names` copier's labels (in `index`)."""
    if not names:
        return
    ours, theirs = (re.escape(label.encode()) for label in labels)
    sides = rb"(<{7,}) " + ours + rb"|(\|{7,}) [^\r\n]*|(>{7,}) " + theirs
    marker = re.compile(rb"^(?:" + sides + rb")(?=\r?$)", re.MULTILINE)

    def copier_label(match: re.Match[bytes]) -> bytes:
        sign = next(group for group in match.groups() if group)
        return sign + b" " + COPIER_LABELS[chr(sign[0])]

    wanted = set(names)
    changed = []
    for entry in work.run("ls-files", "-s", "-z", index=index).split("\0"):
        meta, _, name = entry.partition("\t")
        if name not in wanted:
            continue
        mode, sha, _stage = meta.split()
        text = work.blob(sha)
        relabelled = marker.sub(copier_label, text)
        if relabelled != text:
            changed.append(f"{mode} {work.store(relabelled)}\t{name}\n")
    if changed:
        work.run("update-index", "--index-info", index=index, stdin="".join(changed))


def _kind(stages: dict[int, tuple[str, str]]) -> str:
    """A conflict in words, from which sides have the file."""
    if 3 not in stages:
        return "the template removed it; your changed copy is kept"
    if 1 not in stages:
        return "added by the template and here"
    return "changed by the template and here"


def _settle(work: _Work, raw: _Raw, *, head: str, labels: tuple[str, str]) -> Merged:
    """Apply jaki-forge's rules to git's result and describe it against HEAD."""
    kept_deleted = sorted(name for name, st in raw.stages.items() if 2 not in st and 3 in st)
    index = work.folder / "result.index"
    work.run("read-tree", raw.tree, index=index)
    _relabel(work, index, [name for name, st in raw.stages.items() if 2 in st and 3 in st], labels)
    if kept_deleted:  # deleted in the replica, changed by the template: stays deleted, named in the summary
        work.run("update-index", "--force-remove", "--", *kept_deleted, index=index)
    tree = work.run("write-tree", index=index).strip()
    conflicts = sorted(name for name in raw.stages if name not in kept_deleted)
    entries: list[str] = []
    for name in conflicts:
        entries.append(f"0 {EMPTY}\t{name}\n")
        for stage, (mode, sha) in sorted(raw.stages[name].items()):
            entries.append(f"{mode} {sha} {stage}\t{name}\n")
    kinds = {name: _kind(raw.stages[name]) for name in conflicts}
    changes = work.run("diff-tree", "-r", "-z", "--no-renames", "--name-status", head, tree)
    parts = [p for p in changes.split("\0") if p]
    merged = Merged(
        tree=tree, index_entries=entries, conflicts=conflicts, conflict_kinds=kinds, kept_deleted=kept_deleted
    )
    for status, name in zip(parts[::2], parts[1::2], strict=True):
        if name in conflicts:
            continue
        {"A": merged.added, "D": merged.removed}.get(status[0], merged.updated).append(name)
    return merged
