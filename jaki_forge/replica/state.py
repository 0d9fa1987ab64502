"""A replica's recorded state, read once: answers, template source and version, git state, pending updates."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import Version

from jaki_forge.errors import DestinationError, InvalidInputError
from jaki_forge.replica.answers import read_answers
from jaki_forge.replica.git import git, is_repo_root
from jaki_forge.replica.versions import parse_version

UNMERGED = {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}
STATE_DIR = "jaki-forge"  # inside the repository's git dir
JOURNAL = "update-journal.json"  # an update being applied (its presence means: finish it)
PENDING = "update-pending.json"  # an update applied with conflicts, waiting for the user's commit
LAST = "update-last.json"  # the last update, for --abort


@dataclass(frozen=True)
class ReplicaState:
    """What a replica records about itself; `check`, `diff`, `update` and `fleet` all read it through this."""

    path: Path
    answers: dict[str, Any]
    source_url: str
    version_text: str
    version: Version | None
    head: str
    git_dir: Path
    dirty: tuple[str, ...]
    unmerged: tuple[str, ...]
    pending: dict[str, Any] | None

    @property
    def payload(self) -> dict[str, Any]:
        """The profile data the replica was rendered with (the `profile` answer)."""
        return dict(self.answers["profile"])

    def require_settled(self) -> None:
        """Refuse a replica whose last update still has conflicts to resolve (its recorded version is in flux)."""
        if self.pending is not None or self.unmerged:
            files = ", ".join(self.unmerged[:5]) or "none left"
            target = (self.pending or {}).get("to", "a newer template")
            raise InvalidInputError(
                f"a previous update of {self.path} (to template {target}) is not finished: conflicted files: "
                f"{files}; resolve them and commit (`git add -A && git commit`), or undo that update with "
                "`jaki-forge update --abort`"
            )

    def require_clean(self) -> None:
        """Refuse a working tree with unresolved update conflicts or uncommitted changes, naming the files."""
        self.require_settled()
        if self.dirty:
            shown = ", ".join(self.dirty[:5]) + (f" and {len(self.dirty) - 5} more" if len(self.dirty) > 5 else "")
            raise InvalidInputError(
                f"{self.path} has uncommitted changes ({shown}); commit them, or set them aside with "
                "`git stash -u`, before updating, so the update can be reviewed and undone"
            )


def git_dir_of(path: Path) -> Path:
    """The git dir of the work tree at `path` (a worktree's own dir for linked worktrees)."""
    found = git("rev-parse", "--absolute-git-dir", cwd=path).stdout.strip()
    return Path(found)


def status_entries(path: Path) -> list[tuple[str, str]]:
    """(two-letter code, path) of every uncommitted change in the work tree at `path`, untracked files included."""
    out = git("status", "--porcelain=v1", "-z", "--untracked-files=all", cwd=path).stdout
    entries = out.split("\0")
    found: list[tuple[str, str]] = []
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if not entry:
            continue
        code, name = entry[:2], entry[3:]
        if code[0] in "RC":  # a rename carries its source as the next entry
            index += 1
        found.append((code, name))
    return found


def read_state(dest: str | Path, *, template: str | None = None) -> ReplicaState:
    """Read the replica at `dest`, finishing an update that was interrupted while it was being applied."""
    path = Path(dest).resolve()
    if not path.is_dir():
        raise DestinationError(f"{path} does not exist or is not a directory; give the path of a replica")
    answers = read_answers(path)
    if not is_repo_root(path):
        raise DestinationError(f"{path} is not the top of a git repository; updates need the replica's git history")
    git_dir = git_dir_of(path)
    from jaki_forge.replica.transaction import recover

    if recover(path, git_dir):  # an interrupted update was finished: its answers are the ones to read
        answers = read_answers(path)
    head = git("rev-parse", "--verify", "-q", "HEAD", cwd=path, check=False).stdout.strip()
    if not head:
        raise DestinationError(f"{path} has no commit yet; commit the replica before updating it")
    entries = status_entries(path)
    pending_file = git_dir / STATE_DIR / PENDING
    pending: dict[str, Any] | None = None
    if pending_file.is_file():
        pending = json.loads(pending_file.read_text(encoding="utf-8"))
        if pending.get("old") != head:  # the user committed (or reset): the pending update is settled
            os.unlink(pending_file)
            pending = None
    url = template or str(answers.get("_src_path") or "")
    text = str(answers.get("_commit") or "")
    return ReplicaState(
        path=path,
        answers=answers,
        source_url=url,
        version_text=text,
        version=parse_version(text) if text else None,
        head=head,
        git_dir=git_dir,
        dirty=tuple(name for code, name in entries if code not in UNMERGED),
        unmerged=tuple(sorted(name for code, name in entries if code in UNMERGED)),
        pending=pending,
    )


def state_at(state: ReplicaState, ref: str) -> ReplicaState:
    """The same replica as recorded on another branch or commit `ref` (its answers file there)."""
    import yaml

    from jaki_forge.replica.answers import ANSWERS_FILE

    shown = git("show", f"{ref}:{ANSWERS_FILE}", cwd=state.path, check=False)
    if shown.returncode != 0:
        raise DestinationError(
            f"{state.path} has no {ANSWERS_FILE} on {ref}; is it a jaki-forge replica? "
            "(create one with `jaki-forge new`)"
        )
    answers = yaml.load(shown.stdout, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(answers, dict) or "profile" not in answers:
        raise DestinationError(f"{state.path}: {ANSWERS_FILE} on {ref} records no jaki-forge profile")
    text = str(answers.get("_commit") or "")
    head = git("rev-parse", f"{ref}^{{commit}}", cwd=state.path).stdout.strip()
    url = state.source_url if state.source_url != str(state.answers.get("_src_path") or "") else ""
    return ReplicaState(
        path=state.path,
        answers=answers,
        source_url=url or str(answers.get("_src_path") or ""),
        version_text=text,
        version=parse_version(text) if text else None,
        head=head,
        git_dir=state.git_dir,
        dirty=(),
        unmerged=(),
        pending=None,
    )
