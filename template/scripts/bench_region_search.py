"""Time region search on the profile's regions and on a synthetic national-size set.

    python scripts/bench_region_search.py              # profile regions + 90,000 synthetic
    python scripts/bench_region_search.py --regions 3000 --repeat 20

Each run uses a fresh temporary SQLite database (or DATABASE_URL when it is PostgreSQL, in
a throw-away schema) and prints the median and 95th percentile per query in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.config import Settings
from app.core.db import create_db_engine, create_session_factory
from app.core.migrate import upgrade_database
from app.core.profile import get_profile
from app.domain import regions
from app.domain.seed import seed_regions

SYLLABLES = [
    "suka",
    "maju",
    "jaya",
    "mulya",
    "sido",
    "rejo",
    "karang",
    "tanjung",
    "way",
    "sri",
    "bumi",
    "harapan",
    "sinar",
    "baru",
    "mekar",
    "sari",
    "gunung",
    "batu",
    "air",
    "teluk",
    "pasir",
    "kampung",
    "negeri",
    "ratu",
    "agung",
    "makmur",
    "tirta",
    "wono",
    "margo",
    "lestari",
]
QUERIES = ["suka", "Sukajaya", "tanjung ka", "BATU", "mekar sari", "way", "negeri ratu", "zzz"]


def synthetic_regions(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """About `count` regions in a 4-level tree with plausible, often repeated, names."""
    rng = random.Random(seed)

    def name() -> str:
        words = rng.choice([1, 2, 2, 3])
        return " ".join(
            "".join(rng.choice(SYLLABLES) for _ in range(rng.choice([1, 2]))).title()
            for _ in range(words)
        )

    made = 0
    province = 0
    while made < count:
        province += 1
        code = f"{province:02d}"
        yield {"code": code, "parent_code": None, "level": 1, "kind": "provinsi", "name": name()}
        made += 1
        for regency in range(1, 15):
            r_code = f"{code}.{regency:02d}"
            yield {
                "code": r_code,
                "parent_code": code,
                "level": 2,
                "kind": "kabupaten",
                "name": f"Kabupaten {name()}",
            }
            made += 1
            for district in range(1, 13):
                d_code = f"{r_code}.{district:02d}"
                yield {
                    "code": d_code,
                    "parent_code": r_code,
                    "level": 3,
                    "kind": "kecamatan",
                    "name": name(),
                }
                made += 1
                for village in range(1, 15):
                    yield {
                        "code": f"{d_code}.{2000 + village}",
                        "parent_code": d_code,
                        "level": 4,
                        "kind": "desa",
                        "name": name(),
                    }
                    made += 1
                    if made >= count:
                        return


def _engine(tmp: Path) -> tuple[Engine, str | None]:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    if settings.is_sqlite:
        url = f"sqlite:///{tmp / f'bench-{secrets.token_hex(3)}.db'}"
        return create_db_engine(Settings(_env_file=None, database_url=url)), None  # type: ignore[call-arg]
    schema = f"bench_{secrets.token_hex(4)}"
    with create_engine(settings.database_url).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    bench = Settings(_env_file=None, database_url=settings.database_url, database_schema=schema)  # type: ignore[call-arg]
    return create_db_engine(bench), schema


def bench(
    entries: Sequence[dict[str, Any]],
    *,
    label: str,
    repeat: int,
    tmp: Path,
    queries: Sequence[str] = QUERIES,
) -> dict[str, float]:
    """Seed `entries` into a fresh database and time each query; returns median ms per query."""
    engine, schema = _engine(tmp)
    try:
        upgrade_database(engine)
        started = time.perf_counter()
        with create_session_factory(engine)() as session:
            seed_regions(session, entries)
            session.commit()
        seeded = time.perf_counter() - started
        print(f"{label}: {len(entries)} regions seeded in {seeded:.1f} s")
        medians: dict[str, float] = {}
        with create_session_factory(engine)() as session:
            for query in queries:
                timings = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    found = regions.search(session, query, limit=20)
                    timings.append((time.perf_counter() - started) * 1000)
                    session.expunge_all()
                timings.sort()
                medians[query] = statistics.median(timings)
                p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
                print(
                    f"  q={query!r:14} hits={len(found):3}  median {medians[query]:6.2f} ms"
                    f"  p95 {p95:6.2f} ms"
                )
        return medians
    finally:
        engine.dispose()
        if schema:
            with create_engine(Settings(_env_file=None).database_url).begin() as connection:  # type: ignore[call-arg]
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def main(argv: Sequence[str] | None = None) -> dict[str, dict[str, float]]:
    """Run the benchmark; returns the medians per data set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=90_000, help="synthetic region count")
    parser.add_argument("--repeat", type=int, default=50, help="timings per query")
    parser.add_argument("--skip-profile", action="store_true", help="only the synthetic set")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_profile:
            profile_entries = [
                {
                    "code": r.code,
                    "parent_code": r.parent,
                    "level": r.level,
                    "kind": r.kind,
                    "name": r.name,
                    "postal_code": r.postal_code,
                }
                for r in get_profile().regions
            ]
            names = [e["name"] for e in profile_entries[:: max(1, len(profile_entries) // 5)]]
            names = [e["name"] for e in profile_entries[:: max(1, len(profile_entries) // 5)]]
            results["profile"] = bench(
                profile_entries,
                label="profile",
                repeat=args.repeat,
                tmp=Path(tmp),
                queries=[*names, *QUERIES],
            )
        synthetic = list(synthetic_regions(args.regions))
        results["synthetic"] = bench(
            synthetic, label="synthetic", repeat=args.repeat, tmp=Path(tmp)
        )
    return results


if __name__ == "__main__":
    main()
