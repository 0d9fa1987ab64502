"""Small git operations jaki-forge needs, run through the git command line."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any, NoReturn

from jaki_forge.errors import OperationError

IDENTITY = ("jaki-forge", "jaki-forge@localhost")


def git(
    *args: str, cwd: Path, check: bool = True, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `git args…` in `cwd` (feeding `stdin`); raise OperationError with git's own words when it fails."""
    result = _run(list(args), cwd=cwd, env=env, stdin=stdin, text=True)
    if check and result.returncode != 0:
        _fail(args, cwd, result.stderr or result.stdout)
    return result


def git_bytes(*args: str, cwd: Path, env: dict[str, str] | None = None, stdin: bytes | None = None) -> bytes:
    """`git` for file contents: bytes in, bytes out (what git prints), OperationError when it fails."""
    result = _run(list(args), cwd=cwd, env=env, stdin=stdin, text=False)
    if result.returncode != 0:
        _fail(args, cwd, (result.stderr or result.stdout).decode(errors="replace"))
    return bytes(result.stdout)


def _run(
    args: list[str], *, cwd: Path, env: dict[str, str] | None, stdin: str | bytes | None, text: bool
) -> subprocess.CompletedProcess[Any]:
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=text, input=stdin, env={**os.environ, **(env or {})}
        )
    except FileNotFoundError:
        raise OperationError("git is not installed or not on PATH; install git and try again") from None


def _fail(args: tuple[str, ...], cwd: Path, output: str) -> NoReturn:
    detail = output.strip().splitlines()
    raise OperationError(f"`git {' '.join(args)}` failed in {cwd}: {detail[-1] if detail else 'no output'}")


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
