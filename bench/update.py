"""Benchmark `jaki-forge update` of the Lampung replica 1.0.0 -> 1.1.0 against plain `copier update`.

Run: python bench/update.py [--runs N]   (interleaved runs, both sides with the same scratch directory;
prints min/median/max wall seconds and the ratio jaki-forge/copier)
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


def git(*args: str, cwd: Path) -> str:
    """Run git, return its output."""
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def main() -> None:
    """Print the wall times of jaki-forge update and copier update of the same Lampung replica."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-update-") as scratch:
        work = Path(scratch)
        env = same_scratch("bench-update-scratch")
        template = snapshot_template(work / "template")
        route = template / "template/app/api/routes/services.py"
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

        def fresh() -> None:
            shutil.rmtree(replica, ignore_errors=True)
            shutil.copytree(made, replica, symlinks=True)

        samples = interleaved(
            {
                "jaki-forge update": [str(BIN / "jaki-forge"), "update", str(replica)],
                "copier update": [
                    str(BIN / "copier"),
                    "update",
                    "--defaults",
                    "--skip-answered",
                    "--quiet",
                    str(replica),
                ],
            },
            runs=args.runs,
            before=fresh,
            env=env,
        )
        shutil.rmtree(env["TMPDIR"], ignore_errors=True)
        print("Lampung replica, template 1.0.0 -> 1.1.0, scratch", env["TMPDIR"])
        print("\n".join(report(samples, baseline="copier update")))


if __name__ == "__main__":
    main()
