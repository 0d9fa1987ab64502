"""Helpers shared by the benchmarks: a tagged snapshot of the template and an interleaved A/B timer."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
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


def same_scratch(name: str) -> dict[str, str]:
    """An environment in which every side of a comparison puts its temporary files in one folder.

    The folder is on the RAM disk /dev/shm when there is one (what jaki-forge picks by itself), else in the
    system's temporary directory; both sides get it through TMPDIR, jaki-forge also through JAKI_FORGE_SCRATCH.
    """
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() and os.access("/dev/shm", os.W_OK) else None
    scratch = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=base))
    return {**os.environ, "TMPDIR": str(scratch), "JAKI_FORGE_SCRATCH": str(scratch)}


def interleaved(
    commands: Mapping[str, list[str]],
    *,
    runs: int = 5,
    before: Callable[[], None] | None = None,
    env: Mapping[str, str] | None = None,
    codes: tuple[int, ...] = (0,),
) -> dict[str, list[float]]:
    """Wall seconds of each command over `runs` rounds, run A B A B … so that load drifts hit every side alike."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            if before:
                before()
            start = time.perf_counter()
            done = subprocess.run(command, stdout=subprocess.DEVNULL, env=dict(env) if env else None)
            samples[name].append(time.perf_counter() - start)
            if done.returncode not in codes:
                raise SystemExit(f"{name} exited with {done.returncode}: {' '.join(command)}")
    return samples


def report(samples: Mapping[str, list[float]], *, baseline: str) -> list[str]:
    """Lines of min / median / max per command and each median's ratio to the baseline's median."""
    base = statistics.median(samples[baseline])
    lines = [f"{'':<28} {'min':>7} {'median':>7} {'max':>7} {'ratio':>6}"]
    for name, values in samples.items():
        median = statistics.median(values)
        lines.append(f"{name:<28} {min(values):>6.2f}s {median:>6.2f}s {max(values):>6.2f}s {median / base:>6.2f}")
    return lines
