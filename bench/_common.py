"""Helpers shared by the benchmarks: a tagged snapshot of the template and a wall-clock timer."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GIT_ID = ["-c", "user.name=bench", "-c", "user.email=bench@localhost"]


def snapshot_template(target: Path, tag: str = "1.0.0") -> Path:
    """A git repository holding the working tree's copier.yml and template/, tagged `tag`."""
    target.mkdir(parents=True)
    shutil.copy2(ROOT / "copier.yml", target / "copier.yml")
    shutil.copytree(ROOT / "template", target / "template", ignore=shutil.ignore_patterns("__pycache__"))
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        [*GIT_ID, "commit", "-q", "-m", "template"],
        ["tag", tag],
    ):
        subprocess.run(["git", *args], cwd=target, check=True)
    return target


def timed(command: list[str], *, runs: int = 3, cwd: Path | None = None, before=None) -> float:
    """Median wall time in seconds of `command` over `runs` runs (`before()` runs untimed first)."""
    samples = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
