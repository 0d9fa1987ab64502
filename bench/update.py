"""Benchmark `jaki-forge update` of the Lampung replica between two template versions, beside `new`.

Run: python bench/update.py   (median wall seconds over 3 runs; plain `copier update` of the same replica as baseline)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BIN, GIT_ID, ROOT, snapshot_template, timed


def git(*args: str, cwd: Path) -> str:
    """Run git, return its output."""
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def main() -> None:
    """Print the wall times of new, update and copier update for the Lampung replica."""
    with tempfile.TemporaryDirectory(prefix="bench-update-") as scratch:
        work = Path(scratch)
        template = snapshot_template(work / "template")
        route = template / "template/app/api/routes/services.py"
        route.write_text(route.read_text() + "\n# template 1.1.0\n")
        (template / "template/app/api/routes/bulletin.py").write_text('"""Bulletin (1.1.0)."""\n')
        git("add", "-A", cwd=template)
        git(*GIT_ID, "commit", "-q", "-m", "1.1.0", cwd=template)
        git("tag", "1.1.0", cwd=template)
        replica = work / "lampung-in"
        profile = ROOT / "profiles/lampung.yaml"

        create = [
            str(BIN / "jaki-forge"),
            "new",
            "--profile",
            str(profile),
            str(replica),
            "--template",
            str(template),
            "--vcs-ref",
            "1.0.0",
        ]

        def fresh() -> None:
            subprocess.run(["rm", "-rf", str(replica)], check=True)
            subprocess.run(create, check=True, stdout=subprocess.DEVNULL)

        new = timed(create, before=lambda: subprocess.run(["rm", "-rf", str(replica)], check=True))
        ours = timed([str(BIN / "jaki-forge"), "update", str(replica)], before=fresh)
        theirs = timed(
            [str(BIN / "copier"), "update", "--defaults", "--skip-answered", "--quiet", str(replica)], before=fresh
        )
        print(f"lampung new             {new:6.2f} s")
        print(f"lampung update 1.0->1.1 {ours:6.2f} s")
        print(f"copier update (same)    {theirs:6.2f} s   ratio jaki-forge/copier {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
