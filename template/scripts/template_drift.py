"""Fail when the replica is more than N template releases behind (for CI).

    jaki-forge check --json > drift.json || true
    python scripts/template_drift.py drift.json --max-behind 1

Reads the JSON that `jaki-forge check --json` prints; exit 0 within the limit, 1 beyond it,
2 when the input is not such a report.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path


def versions_behind(report: object) -> int:
    """How many releases the report says the replica is behind; ValueError if it is not a report."""
    if not isinstance(report, dict) or "versions_behind" not in report:
        raise ValueError("not a `jaki-forge check --json` report (no versions_behind)")
    behind = report["versions_behind"]
    if not isinstance(behind, int) or isinstance(behind, bool) or behind < 0:
        raise ValueError(f"versions_behind is {behind!r}, not a count")
    return behind


def main(argv: Sequence[str] | None = None) -> int:
    """Check one report; print one line saying why it passes or fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="output of `jaki-forge check --json`")
    parser.add_argument("--max-behind", type=int, default=1, help="releases behind still accepted")
    args = parser.parse_args(argv)
    try:
        report = json.loads(args.report.read_text(encoding="utf-8"))
        behind = versions_behind(report)
    except (OSError, ValueError) as error:
        print(f"{args.report}: {error}", file=sys.stderr)
        return 2
    current, latest = report.get("current"), report.get("latest")
    if behind > args.max_behind:
        print(
            f"template {current} is {behind} releases behind {latest} (limit {args.max_behind}); "
            "run `jaki-forge update`",
            file=sys.stderr,
        )
        return 1
    print(f"template {current}: {behind} release(s) behind {latest} (limit {args.max_behind})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
