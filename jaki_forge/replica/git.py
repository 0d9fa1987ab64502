"""Small git operations jaki-forge needs, run through the git command line."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from jaki_forge.errors import OperationError

IDENTITY = ("jaki-forge", "jaki-forge@localhost")


def git(
    *args: str, cwd: Path, check: bool = True, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `git args…` in `cwd` (feeding `stdin`); raise OperationError with git's own words when it fails."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, input=stdin, env={**os.environ, **(env or {})}
        )
    except FileNotFoundError:
        raise OperationError("git is not installed or not on PATH; install git and try again") from None
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise OperationError(f"`git {' '.join(args)}` failed in {cwd}: {detail[-1] if detail else 'no output'}")
    return result


def identity_args(cwd: Path) -> list[str]:
    """`-c user.name=… -c user.email=…` when git has no identity configured, else nothing."""
    if git("config", "user.email", cwd=cwd, check=False).returncode == 0:
        return []
    return ["-c", f"user.name={IDENTITY[0]}", "-c", f"user.email={IDENTITY[1]}"]


def init_and_commit(path: Path, message: str) -> str:
    """Make `path` a git repository on branch main with everything in one commit; return its hash."""
    git("init", "-q", "-b", "main", cwd=path)
    git("add", "-A", cwd=path)
    git(*identity_args(path), "commit", "-q", "--no-verify", "-m", message, cwd=path)
    return git("rev-parse", "HEAD", cwd=path).stdout.strip()


def is_repo_root(path: Path) -> bool:
    """Whether `path` is the top of a git work tree."""
    if not (path / ".git").exists():
        return False
    result = git("rev-parse", "--show-toplevel", cwd=path, check=False)
    return result.returncode == 0 and Path(result.stdout.strip()).resolve() == path.resolve()


def tags(path: Path) -> list[str]:
    """The tags of the repository at `path`."""
    return [t for t in git("tag", "--list", cwd=path).stdout.split() if t]
