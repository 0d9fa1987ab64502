"""Benchmark what hostile profiles cost: `validate` on the YAML alias bomb, and drawing the icons of logos.

Run: python bench/hostile.py
Prints the wall time and peak memory of `jaki-forge validate` on tests/profiles/bad/yaml-alias-bomb.yaml
(goal: refused, exit 2, well under 1 s and 100 MB), and the time `write_assets` takes for the Lampung logo and
for the most complex SVG the allow-list accepts (10,000 drawn elements; goal: well under the 60 s render bound).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BIN, ROOT

from jaki_forge.profile.logo import MAX_SVG_ELEMENTS, logo_payload, write_assets


def alias_bomb() -> None:
    bomb = ROOT / "tests" / "profiles" / "bad" / "yaml-alias-bomb.yaml"
    start = time.perf_counter()
    done = subprocess.run([str(BIN / "jaki-forge"), "validate", str(bomb)], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"alias bomb: exit {done.returncode} in {seconds:.2f} s, peak {peak:.0f} MB: {done.stderr.splitlines()[0]}")


def icons(name: str, svg: Path) -> None:
    payload = {"app": {"name": "Bench"}, "branding": {"primary": "#0B6E4F", "logo": logo_payload(svg)}}
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch)
        (tree / "app" / "core").mkdir(parents=True)
        (tree / "app" / "core" / "logo.py").write_text("")
        start = time.perf_counter()
        write_assets(tree, payload)
        print(f"icons for {name}: {time.perf_counter() - start:.2f} s")


def main() -> None:
    alias_bomb()
    icons("the Lampung logo", ROOT / "profiles" / "lampung" / "logo.svg")
    with tempfile.TemporaryDirectory() as scratch:
        busy = Path(scratch) / "busy.svg"
        circles = "".join(
            f'<circle cx="{i % 100 * 5}" cy="{i // 100 * 5}" r="4" fill="#C8102E" opacity="0.5"/>'
            for i in range(MAX_SVG_ELEMENTS - 2)
        )
        busy.write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="500" height="500"><g>{circles}</g></svg>',
            encoding="utf-8",
        )
        icons(f"a logo of {MAX_SVG_ELEMENTS:,} elements", busy)


if __name__ == "__main__":
    main()
