"""Benchmark a fleet: render the 34 generated province replicas, then `jaki-forge fleet update` them one version.

Run: python bench/fleet.py [--jobs 1 2] [--profiles 'profiles/generated/*.yaml'] [--scratch auto|system|DIR]
Prints, for each --jobs value, the wall time to render all replicas and to update them from template 1.0.0
to 1.1.0, the cost per replica, and the slowest replicas. Goal: both steps together under 60 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BIN, GIT_ID, ROOT, snapshot_template

from jaki_forge.fleet.runner import run_parallel
from jaki_forge.fleet.test import expand_profiles
from jaki_forge.replica.scratch import scratch, scratch_root


def next_version(template: Path) -> None:
    """Tag 1.1.0: a changed file every replica has, and a new file."""
    init = template / "template" / "app" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "\n# template 1.1.0\n", encoding="utf-8")
    (template / "template" / "app" / "bench_news.py").write_text('NEWS = "1.1.0"\n', encoding="utf-8")
    for args in (["add", "-A"], [*GIT_ID, "commit", "-q", "-m", "template 1.1.0"], ["tag", "1.1.0"]):
        subprocess.run(["git", *args], cwd=template, check=True)


class Job:
    """One replica to render (plain data for the worker processes)."""

    def __init__(self, name: str, profile: Path, dest: Path, template: Path, scratch: str | None):
        self.name, self.profile, self.dest, self.template = name, str(profile), str(dest), str(template)
        self.scratch = scratch


def render(job: Job) -> tuple[str, float, int]:
    """Render one replica at 1.0.0; (name, seconds, villages)."""
    from jaki_forge.replica.create import generate

    with scratch(job.scratch):
        result = generate(job.profile, job.dest, template=job.template, vcs_ref="1.0.0")
    return job.name, result.seconds, result.profile.counts.get("village", 0)


def run(profiles: list[Path], template: Path, work: Path, jobs: int, where: str) -> dict:
    """Render all replicas and update them; the timings."""
    base = work / f"jobs-{jobs}"
    tasks = [Job(p.stem, p, base / p.stem, template, scratch_root(where)) for p in profiles]
    start = time.perf_counter()
    rendered = run_parallel(render, tasks, jobs=jobs, progress=None, failed=lambda task, message: sys.exit(message))
    render_s = time.perf_counter() - start
    manifest = base / "fleet.yaml"
    entries = [{"name": p.stem, "path": p.stem, "profile": str(p)} for p in profiles]
    manifest.write_text(yaml.safe_dump({"schema_version": 1, "replicas": entries}, sort_keys=False))
    report = base / "report.json"
    start = time.perf_counter()
    done = subprocess.run(
        [
            str(BIN / "jaki-forge"),
            "fleet",
            "update",
            "-m",
            str(manifest),
            "--jobs",
            str(jobs),
            "--report",
            str(report),
            "--scratch",
            where,
        ],
        capture_output=True,
        text=True,
    )
    update_s = time.perf_counter() - start
    data = json.loads(report.read_text(encoding="utf-8"))
    if done.returncode != 0 or data["summary"]["clean"] != len(profiles):
        sys.exit(f"fleet update did not update every replica cleanly:\n{done.stdout}\n{done.stderr}")
    villages = {name: count for name, _, count in rendered}
    return {
        "jobs": jobs,
        "replicas": len(profiles),
        "render_s": render_s,
        "update_s": update_s,
        "render_each": {name: seconds for name, seconds, _ in rendered},
        "update_each": {r["name"]: r["seconds"] for r in data["replicas"]},
        "villages": villages,
    }


def main() -> None:
    """Print the figures for each --jobs value."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--profiles", default="profiles/generated/*.yaml")
    parser.add_argument("--scratch", default="auto", help="where copier's throwaway files go (see fleet update)")
    args = parser.parse_args()
    profiles = expand_profiles(args.profiles, root=ROOT)
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as scratch:
        work = Path(scratch)
        template = snapshot_template(work / "template")
        next_version(template)
        rows = []
        for jobs in args.jobs:
            rows.append(run(profiles, template, work, jobs, args.scratch))
            shutil.rmtree(work / f"jobs-{jobs}", ignore_errors=True)
    total_villages = sum(rows[0]["villages"].values())
    print(
        f"{len(profiles)} replicas, {total_villages} villages in all; template 1.0.0 -> 1.1.0; "
        f"scratch: {scratch_root(args.scratch) or 'system temporary directory'}"
    )
    print(f"{'jobs':>4} {'render all':>11} {'per replica':>12} {'update all':>11} {'per replica':>12} {'total':>8}")
    for row in rows:
        n = row["replicas"]
        total = row["render_s"] + row["update_s"]
        print(
            f"{row['jobs']:>4} {row['render_s']:>10.1f}s {row['render_s'] / n:>11.2f}s "
            f"{row['update_s']:>10.1f}s {row['update_s'] / n:>11.2f}s {total:>7.1f}s"
            f"  {'under' if total < 60 else 'OVER'} the 60 s goal"
        )
    first = rows[0]
    print("per-replica seconds (render / update, in the worker), median and slowest:")
    render_each, update_each = first["render_each"], first["update_each"]
    print(f"  median {statistics.median(render_each.values()):.2f} / {statistics.median(update_each.values()):.2f}")
    for name in sorted(update_each, key=update_each.get, reverse=True)[:5]:
        villages = first["villages"][name]
        print(f"  {name:<16} {render_each[name]:>6.2f} / {update_each[name]:>6.2f}  ({villages} villages)")


if __name__ == "__main__":
    main()
