"""Benchmark `jaki-forge update` of the Lampung replica 1.0.0 -> 1.1.0 against plain `copier update`.

Run: python bench/update.py [--runs N]   (interleaved runs, both sides with the same scratch directory;
prints min/median/max wall seconds and the ratio jaki-forge/copier, for a replica without local edits and
for one whose local edit conflicts with the template's; then whether both tools leave the same files and
the same conflicts in the index)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BIN, GIT_ID, ROOT, interleaved, report, same_scratch, snapshot_template

ROUTE = "app/api/routes/services.py"


def git(*args: str, cwd: Path) -> str:
    """Run git, return its output."""
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def files(root: Path) -> dict[str, bytes]:
    """Every file of a replica's working tree but git's own, with its bytes."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def identical_results(made: Path, work: Path, env: dict[str, str]) -> tuple[bool, bool]:
    """Whether jaki-forge update and copier update leave the same files, and the same unmerged entries
    (stages 1-3) in the index. Everything else differs by design: jaki-forge commits a clean update and
    stages the merged files of a conflicted one, copier leaves them unstaged."""
    ours, theirs = work / "ours", work / "theirs"
    for target in (ours, theirs):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(made, target, symlinks=True)
    subprocess.run([str(BIN / "jaki-forge"), "update", str(ours)], env=env, stdout=subprocess.DEVNULL)
    command = [str(BIN / "copier"), "update", "--defaults", "--skip-answered", "--quiet", str(theirs)]
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    unmerged = [git("ls-files", "--unmerged", cwd=replica) for replica in (ours, theirs)]
    return files(ours) == files(theirs), unmerged[0] == unmerged[1]


def conflicting_copy(made: Path, target: Path) -> Path:
    """A copy of the replica `made` with a committed local edit where template 1.1.0 changes the route."""
    shutil.copytree(made, target, symlinks=True)
    route = target / ROUTE
    route.write_text(route.read_text() + "\n# a local note where the template adds its own\n")
    git("add", "-A", cwd=target)
    git(*GIT_ID, "commit", "-q", "-m", "local edit", cwd=target)
    return target


def main() -> None:
    """Print the wall times of jaki-forge update and copier update of the same Lampung replica."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-update-") as scratch:
        work = Path(scratch)
        env = same_scratch("bench-update-scratch")
        template = snapshot_template(work / "template")
        route = template / "template" / ROUTE
        route.write_text(route.read_text() + "\n# template 1.1.0\n")
        (template / "template/app/api/routes/bulletin.py").write_text('"""Bulletin (1.1.0)."""\n')
        git("add", "-A", cwd=template)
        git(*GIT_ID, "commit", "-q", "-m", "1.1.0", cwd=template)
        git("tag", "1.1.0", cwd=template)
        replica = work / "lampung-in"
        made = work / "lampung-in.made"
        create = [str(BIN / "jaki-forge"), "new", "--profile", str(ROOT / "profiles/lampung.yaml"), str(made)]
        subprocess.run(
            [*create, "--template", str(template), "--vcs-ref", "1.0.0"], check=True, env=env, stdout=subprocess.DEVNULL
        )

        edited = conflicting_copy(made, work / "lampung-in.edited")
        commands = {
            "jaki-forge update": [str(BIN / "jaki-forge"), "update", str(replica)],
            "copier update": [str(BIN / "copier"), "update", "--defaults", "--skip-answered", "--quiet", str(replica)],
        }
        print("Lampung replica, template 1.0.0 -> 1.1.0, scratch", env["TMPDIR"])
        for title, start in (("no local edit", made), ("a local edit that conflicts", edited)):

            def fresh(start: Path = start) -> None:
                shutil.rmtree(replica, ignore_errors=True)
                shutil.copytree(start, replica, symlinks=True)

            # a conflicted update exits 1 by design
            samples = interleaved(commands, runs=args.runs, before=fresh, env=env, codes=(0, 1))
            same_files, same_conflicts = identical_results(start, work, env)
            print(f"\n{title}:")
            print("\n".join(report(samples, baseline="copier update")))
            print(f"same files as copier update: {'yes' if same_files else 'NO'}")
            print(f"same unmerged index entries: {'yes' if same_conflicts else 'NO'}")
        shutil.rmtree(env["TMPDIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
