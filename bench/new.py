"""Benchmark `jaki-forge new` (Jakarta, Lampung) against plain `copier copy` of the same template and data.

Run: python bench/new.py [--runs N]   (interleaved runs, both sides with the same scratch directory; the
jaki-forge side is the whole CLI, import time included; prints min/median/max and the ratio jaki-forge/copier)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BIN, ROOT, interleaved, report, same_scratch, snapshot_template

from jaki_forge.profile.load import load_profile
from jaki_forge.replica.payload import template_data


def main() -> None:
    """Print, per profile, jaki-forge new against copier copy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-new-") as folder:
        work = Path(folder)
        env = same_scratch("bench-new-scratch")
        template = snapshot_template(work / "template")
        for name in ("jakarta", "lampung"):
            profile = ROOT / "profiles" / f"{name}.yaml"
            data_file = work / f"{name}-data.yml"
            data_file.write_text(yaml.safe_dump({"profile": template_data(load_profile(profile))}), encoding="utf-8")
            dest = work / f"{name}-replica"
            samples = interleaved(
                {
                    "jaki-forge new": [
                        str(BIN / "jaki-forge"),
                        "new",
                        "--profile",
                        str(profile),
                        str(dest),
                        "--template",
                        str(template),
                        "--vcs-ref",
                        "1.0.0",
                    ],
                    "copier copy": [
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
                },
                runs=args.runs,
                before=lambda dest=dest: shutil.rmtree(dest, ignore_errors=True),
                env=env,
            )
            print(f"{name}: new vs copier copy, scratch {env['TMPDIR']}")
            print("\n".join(report(samples, baseline="copier copy")))
        shutil.rmtree(env["TMPDIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
