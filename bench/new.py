"""Benchmark `jaki-forge new` (Jakarta, Lampung) against plain `copier copy` of the same template and data.

Run: python bench/new.py   (prints median wall seconds over 3 runs and the ratio jaki-forge/copier)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BIN, ROOT, snapshot_template, timed

from jaki_forge.profile.load import load_profile
from jaki_forge.replica.payload import template_data


def main() -> None:
    """Print one line per profile: jaki-forge new, copier copy, ratio."""
    with tempfile.TemporaryDirectory(prefix="bench-new-") as scratch:
        work = Path(scratch)
        template = snapshot_template(work / "template")
        print(f"{'profile':<10} {'jaki-forge new':>15} {'copier copy':>12} {'ratio':>6}")
        for name in ("jakarta", "lampung"):
            profile = ROOT / "profiles" / f"{name}.yaml"
            data_file = work / f"{name}-data.yml"
            data_file.write_text(yaml.safe_dump({"profile": template_data(load_profile(profile))}), encoding="utf-8")
            dest = work / f"{name}-replica"

            def clean(dest: Path = dest) -> None:
                shutil.rmtree(dest, ignore_errors=True)

            ours = timed(
                [str(BIN / "jaki-forge"), "new", "--profile", str(profile), str(dest), "--template", str(template)],
                before=clean,
            )
            theirs = timed(
                [
                    str(BIN / "copier"),
                    "copy",
                    "--quiet",
                    "--defaults",
                    "--overwrite",
                    "--data-file",
                    str(data_file),
                    "--vcs-ref",
                    "1.0.0",
                    str(template),
                    str(dest),
                ],
                before=clean,
            )
            print(f"{name:<10} {ours:>14.2f}s {theirs:>11.2f}s {ours / theirs:>6.2f}")


if __name__ == "__main__":
    main()
