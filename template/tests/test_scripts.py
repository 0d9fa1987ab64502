"""The region-search timing script runs and search stays fast on a few thousand regions."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench_region_search.py"


def test_bench_script_runs(capsys) -> None:
    spec = importlib.util.spec_from_file_location("bench_region_search", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    results = module.main(["--regions", "3000", "--repeat", "3", "--skip-profile"])
    assert "synthetic: 3000 regions seeded" in capsys.readouterr().out
    # generous bound: an indexed prefix range answers in a few milliseconds
    assert max(results["synthetic"].values()) < 250
