"""The region-search timing script runs and search stays fast on a few thousand regions."""

from __future__ import annotations

import importlib.util
import json
import sys
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


def test_load_bench_serves_measures_and_stops(capsys) -> None:
    script = SCRIPT.parent / "bench_load.py"
    spec = importlib.util.spec_from_file_location("bench_load", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        results = module.main(["--clients", "2", "--duration", "0.5"])
    finally:
        del sys.modules[spec.name]
    assert [(r.scenario, r.clients) for r in results] == [
        ("services", 2),
        ("home", 2),
        ("open311-post", 2),
    ]
    assert all(r.row()["requests"] > 0 and r.errors == 0 for r in results)
    assert {s for r in results for s in r.statuses} == {"200", "201"}
    assert "open311-post" in capsys.readouterr().out


def test_perf_bench_seeds_measures_against_the_floor_and_stops(capsys, tmp_path) -> None:
    script = SCRIPT.parent / "bench_perf.py"
    spec = importlib.util.spec_from_file_location("bench_perf", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    saved = tmp_path / "run.json"
    try:
        spec.loader.exec_module(module)
        options = ["--regions", "3000", "--duration", "0.3", "--client", "httpx"]
        options += ["--connections", "2", "--save", str(saved)]
        rows, peak = module.main(["--reports", "30", "60", *options])
        table = module.compare(rows, json.loads(saved.read_text()), after_peak=peak)
    finally:
        del sys.modules[spec.name]
    scenarios = {(r.scenario, r.reports) for r in rows}
    assert ("services.json", 30) in scenarios
    assert ("requests?all filters", 60) in scenarios
    assert ("requests?status=open @1", 60) in scenarios
    assert ("region search @1", 30) in scenarios
    assert any(name.startswith("region search x") for name, _ in scenarios)  # many prefixes
    assert all(r.errors == 0 and r.req_s > 0 for r in rows), rows
    floors = [r for r in rows if r.floor_req_s]
    assert {r.scenario for r in floors} >= {"services.json", "services.xml", "home page"}
    assert peak > 10
    out = capsys.readouterr().out
    assert "peak RSS of the server" in out
    assert "before r/s" in table.splitlines()[0]
    assert len(table.splitlines()) == len(rows) + 2  # header, every row, the RSS line
