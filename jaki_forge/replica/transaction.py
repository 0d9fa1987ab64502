"""Applying a prepared update to the replica as one transaction: a journal, one checkout, recovery, undo.

The merge is prepared away from the replica (see merge.py). Applying it writes a journal first; the
working tree and index move from HEAD's tree to the merged tree in one git checkout; then HEAD moves (a
clean update) or the prepared index with the conflict stages is installed (conflicts). Ctrl-C and SIGTERM
wait until the step is over. If the process dies anyway (SIGKILL, power loss), the journal is still there
and the next jaki-forge command on the replica finishes the same step before it reads anything, so the
replica is seen either exactly as before the update or exactly updated.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from jaki_forge.errors import InvalidInputError
from jaki_forge.replica.git import git
from jaki_forge.replica.state import JOURNAL, LAST, PENDING, STATE_DIR

PRE_UPDATE_REF = "refs/jaki-forge/pre-update"
STOP_AFTER = "JAKI_FORGE_TEST_STOP_AFTER"  # test hook: phase after which the process signals itself
STOP_SIGNAL = "JAKI_FORGE_TEST_STOP_SIGNAL"  # KILL (default), TERM or INT


def test_stop(phase: str) -> None:
    """Tests only: stop this process with a signal right after `phase` when the environment asks for it."""
    if os.environ.get(STOP_AFTER) == phase:
        name = os.environ.get(STOP_SIGNAL, "KILL")
        os.kill(os.getpid(), getattr(signal, f"SIG{name}"))


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


@contextlib.contextmanager
def deferred_signals() -> Iterator[list[int]]:
    """Hold Ctrl-C and SIGTERM until the block ends; the list receives the signals that arrived meanwhile."""
    received: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    saved = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def apply(path: Path, git_dir: Path, journal: dict[str, Any]) -> None:
    """Move the replica from `journal['old']` to the prepared result; every step can be redone after a crash."""
    _write_json(git_dir / STATE_DIR / JOURNAL, journal)
    test_stop("journal")
    _checkout(path, journal, first=True)
    test_stop("worktree")
    _finish(path, git_dir, journal)


def _checkout(path: Path, journal: dict[str, Any], *, first: bool) -> None:
    if first:  # the index is HEAD's (checked clean), so git moves the files from the old tree to the new one
        git("read-tree", "-m", "-u", journal["old"], journal["tree"], cwd=path)
    else:  # after a crash the files may be half moved: force them to the new tree
        git("read-tree", "--reset", "-u", journal["tree"], cwd=path)


def _finish(path: Path, git_dir: Path, journal: dict[str, Any]) -> None:
    if journal.get("commit"):
        git("update-ref", "-m", journal["message"], "HEAD", journal["commit"], cwd=path)
    else:
        index = git_dir / STATE_DIR / "index.new"  # the merged tree plus the conflict stages, swapped in at once
        with contextlib.suppress(FileNotFoundError):
            os.unlink(index)
        env = {"GIT_INDEX_FILE": str(index)}
        git("read-tree", journal["tree"], cwd=path, env=env)
        git("update-index", "--index-info", cwd=path, env=env, stdin="".join(journal["index_entries"]))
        os.replace(index, git_dir / "index")
        git("update-index", "-q", "--refresh", cwd=path, check=False)
        _write_json(git_dir / STATE_DIR / PENDING, {k: journal[k] for k in ("old", "to", "from", "added")})
    test_stop("index")
    _write_json(git_dir / STATE_DIR / LAST, {k: journal[k] for k in ("old", "to", "from", "added", "commit")})
    os.unlink(git_dir / STATE_DIR / JOURNAL)
    test_stop("done")


def recover(path: Path, git_dir: Path) -> bool:
    """Finish an update whose process died while applying it; True when there was one."""
    journal_file = git_dir / STATE_DIR / JOURNAL
    if not journal_file.is_file():
        return False
    journal = json.loads(journal_file.read_text(encoding="utf-8"))
    with deferred_signals():
        if journal.get("commit") and git("rev-parse", "HEAD", cwd=path).stdout.strip() == journal["commit"]:
            pass  # HEAD already moved; only the bookkeeping was left
        else:
            _checkout(path, journal, first=False)
        _finish(path, git_dir, journal)
    return True


def abort(path: Path, git_dir: Path) -> str:
    """Undo the last update exactly: back to the commit before it, removing the files it added."""
    last_file = git_dir / STATE_DIR / LAST
    if not last_file.is_file():
        raise InvalidInputError(f"{path} has no jaki-forge update to undo")
    last = json.loads(last_file.read_text(encoding="utf-8"))
    head = git("rev-parse", "HEAD", cwd=path).stdout.strip()
    if head not in (last["old"], last.get("commit")):
        raise InvalidInputError(
            f"{path} has new commits since the last update (to template {last['to']}); undo it with git "
            f"(`git revert` or `git reset --hard {PRE_UPDATE_REF}`) instead"
        )
    with deferred_signals():
        git("reset", "-q", "--hard", last["old"], cwd=path)
        for name in last.get("added", []):
            target = path / name
            tracked = git("ls-files", "--error-unmatch", "--", name, cwd=path, check=False).returncode == 0
            if (target.is_file() or target.is_symlink()) and not tracked:
                target.unlink()
                _prune_empty(target.parent, path)
        for name in (PENDING, LAST):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(git_dir / STATE_DIR / name)
    return str(last["from"])


def _prune_empty(folder: Path, top: Path) -> None:
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
