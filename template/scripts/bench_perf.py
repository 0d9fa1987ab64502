"""Throughput and latency of the replica's hot paths against a bare-FastAPI floor, with peak RSS.

    python scripts/bench_perf.py                         # 2,000 then 20,000 reports, 5 s a row
    python scripts/bench_perf.py --reports 2000 --duration 3 --save after.json
    python scripts/bench_perf.py --compare before.json   # adds the before figures and ratios
    python scripts/bench_perf.py --list-cache 0          # every request list built afresh
    python scripts/bench_perf.py --region-cache 0        # every region search runs its query

The script serves a fresh replica on 127.0.0.1 (a temporary SQLite database, or DATABASE_URL
when it is PostgreSQL, in a throw-away schema; one worker), seeds regions up to a national-size
set (91,599 by default) and the given numbers of reports, and measures each scenario for a
fixed time with `wrk` when it is installed, otherwise with a built-in async httpx client. Beside
it, a bare FastAPI app under the same uvicorn returns the very bytes of the catalogue pages: the
floor of the stack. Everything it starts stops by itself; it talks to nothing but loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import func, insert, select

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent
sys.path[:0] = [str(ROOT), str(SCRIPTS)]

from bench_load import _free_port, served  # noqa: E402
from bench_region_search import synthetic_regions  # noqa: E402

from app.core.config import Settings  # noqa: E402
from app.core.db import create_db_engine  # noqa: E402
from app.core.profile import get_profile  # noqa: E402
from app.domain.seed import seed_regions  # noqa: E402
from app.domain.text import normalise  # noqa: E402
from app.models import (  # noqa: E402
    Region,
    Report,
    ReportPhoto,
    ReportStatus,
    ReportTransition,
    Service,
)

NATIONAL_REGIONS = 91_599
REGION_SEARCHES = {
    "region search": "/api/regions/search?q=suka",
    "region search 2": "/api/regions/search?q=tanjung%20ka",
}
STATUSES = list(ReportStatus)
FLOOR_APP = '''
"""A bare FastAPI app answering stored bytes: the floor of the stack."""
import json
from pathlib import Path

from fastapi import FastAPI, Response

HERE = Path(__file__).parent
app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
for index, entry in enumerate(json.loads((HERE / "floor.json").read_text())):
    body = (HERE / f"floor-{index}.bin").read_bytes()

    def answer(body: bytes = body, media_type: str = entry["media_type"]) -> Response:
        return Response(body, media_type=media_type)

    app.add_api_route(entry["path"], answer, methods=["GET"], name=f"floor{index}")
'''


@dataclass
class Row:
    """What one scenario measured."""

    scenario: str
    reports: int
    req_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    floor_req_s: float | None = None
    rss_mib: float = 0.0

    @property
    def ratio(self) -> float | None:
        """Throughput as a share of the floor's."""
        return round(self.req_s / self.floor_req_s, 2) if self.floor_req_s else None


# -- load generators ------------------------------------------------------------------------
_WRK_LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(
    urls: Sequence[str], *, connections: int, seconds: float
) -> tuple[float, float, float, int]:
    options = [f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if len(urls) > 1:  # each request asks for one of the paths, at random
            paths = ", ".join(json.dumps(httpx.URL(url).raw_path.decode()) for url in urls)
            script.write(f"paths = {{{paths}}}\n")
            script.write("request = function()\n")
            script.write('  return wrk.format("GET", paths[math.random(#paths)])\nend\n')
            script.flush()
            options += ["-s", script.name]
        out = subprocess.run(
            ["wrk", "-t1", *options, "--latency", urls[0]],
            check=True,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = {int(p): float(v) * _UNITS[u] for p, v, u in _WRK_LATENCY.findall(out)}
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    failed = re.search(r"Socket errors:.*timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (int(failed.group(1)) if failed else 0)
    return rate, latency.get(50, 0.0), latency.get(99, 0.0), errors


async def _httpx_run(urls: Sequence[str], *, connections: int, seconds: float) -> tuple[float, ...]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        stop = time.monotonic() + seconds

        async def one_client() -> None:
            while time.monotonic() < stop:
                started = time.perf_counter()
                try:
                    statuses[(await client.get(random.choice(urls))).status_code] += 1
                except httpx.HTTPError:
                    statuses[0] += 1
                latencies.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(one_client() for _ in range(connections)))
    ordered = sorted(latencies) or [0.0]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    errors = sum(n for status, n in statuses.items() if not 200 <= status < 400)
    return len(latencies) / seconds, statistics.median(ordered), p99, errors


def measure(
    url: str | Sequence[str], *, client: str, connections: int, seconds: float
) -> tuple[float, ...]:
    """(req/s, p50 ms, p99 ms, errors) of GET `url` (or of one of several at random), `seconds`."""
    urls = [url] if isinstance(url, str) else list(url)
    if client == "wrk":
        return _wrk(urls, connections=connections, seconds=seconds)
    return asyncio.run(_httpx_run(urls, connections=connections, seconds=seconds))


# -- memory ---------------------------------------------------------------------------------
def _rss_kib(pid: int) -> int:
    """Resident memory of `pid` and its descendants, in KiB (0 once they are gone)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total


class RssWatch:
    """Samples a process tree's RSS in a thread; `peak_mib` is the highest seen."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

        self.row_peak = 0

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            now = _rss_kib(self.pid)
            self.peak = max(self.peak, now)
            self.row_peak = max(self.row_peak, now)

    def take_row_peak(self) -> float:
        """Peak RSS in MiB since the last call."""
        peak, self.row_peak = self.row_peak, 0
        return round(peak / 1024, 1)

    def __enter__(self) -> RssWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mib(self) -> float:
        """Peak RSS in MiB."""
        return round(self.peak / 1024, 1)


def _server_pid(port: int) -> int:
    """The pid of the process listening on `port` (the uvicorn server)."""
    wanted = f":{port:04X}"
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(wanted) and fields[3] == "0A":
                inodes.add(fields[9])
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return int(proc.name)
        except OSError:
            continue
    raise RuntimeError(f"no process listens on port {port}")


# -- the floor ------------------------------------------------------------------------------
@contextmanager
def floor_server(pages: dict[str, httpx.Response], tmp: Path) -> Iterator[str]:
    """A bare FastAPI app under the same uvicorn, answering each page's bytes at its path."""
    entries = []
    for index, (path, response) in enumerate(pages.items()):
        (tmp / f"floor-{index}.bin").write_bytes(response.content)
        entries.append({"path": path, "media_type": response.headers["content-type"]})
    (tmp / "floor.json").write_text(json.dumps(entries))
    (tmp / "floor_app.py").write_text(FLOOR_APP)
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "floor_app:app", "--app-dir", str(tmp)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    command += ["--log-level", "warning"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + next(iter(pages)), timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the floor app did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- seeding --------------------------------------------------------------------------------
def seed_national_regions(settings: Settings, *, total: int) -> int:
    """Add synthetic regions (under code 99.) until the database holds `total`; returns it."""
    engine = create_db_engine(settings)
    try:
        with engine.begin() as connection:
            have = connection.scalar(select(func.count()).select_from(Region))
            profile = [
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
            extra = []
            for entry in synthetic_regions(max(0, total - have)):
                parent = entry["parent_code"]
                extra.append(
                    {
                        **entry,
                        "code": "99." + entry["code"],
                        "parent_code": "99." + parent if parent else None,
                    }
                )
            from sqlalchemy.orm import Session

            with Session(bind=connection) as session:
                seed_regions(session, [*profile, *extra])
                session.flush()
            return int(connection.scalar(select(func.count()).select_from(Region)) or 0)
    finally:
        engine.dispose()


def region_prefixes(settings: Settings, *, count: int, rng: random.Random) -> list[str]:
    """`count` different starts (3-6 letters) of words of region names, in random order."""
    engine = create_db_engine(settings)
    try:
        with engine.connect() as connection:
            names = connection.scalars(select(Region.name).where(Region.level >= 3)).all()
    finally:
        engine.dispose()
    words = sorted({word.lower() for name in names for word in name.split() if len(word) >= 3})
    starts = {word[: rng.randint(3, min(6, len(word)))] for word in words}
    # a start without a letter or digit (a name of punctuation) is a 422, not a search
    starts = sorted(start for start in starts if normalise(start))
    return rng.sample(starts, min(count, len(starts)))


def seed_reports(settings: Settings, *, until: int, rng: random.Random) -> list[str]:
    """Insert reports (each with a transition, every fifth with a photo) up to `until`."""
    engine = create_db_engine(settings)
    profile = get_profile()
    now = datetime.now(UTC)
    try:
        with engine.begin() as connection:
            have = connection.scalar(select(func.count()).select_from(Report)) or 0
            services = connection.execute(
                select(Service.code, Service.agency_code).where(
                    Service.kind.in_(["report", "application"]), Service.active.is_(True)
                )
            ).all()
            villages = connection.scalars(
                select(Region.code).where(
                    Region.level == 4, Region.code.startswith(profile.province.code + ".")
                )
            ).all()
            reports, transitions, photos = [], [], []
            for number in range(have, until):
                code, agency = rng.choice(services)
                created = now - timedelta(minutes=rng.randrange(60 * 24 * 120))
                status = rng.choice(STATUSES)
                reports.append(
                    {
                        "id": number + 1,
                        "tracking_number": f"BENCH-{number + 1:07d}",
                        "token": secrets.token_hex(16),
                        "service_code": code,
                        "description": f"Laporan uji beban nomor {number + 1}",
                        "attributes": {},
                        "region_code": rng.choice(villages) if villages else None,
                        "lat": -5.4 + rng.random() / 10,
                        "long": 105.2 + rng.random() / 10,
                        "handling_agency_code": agency,
                        "handling_region_code": profile.province.code,
                        "status": status,
                        "is_public": rng.random() < 0.8,
                        "source": "api",
                        "contact_email": "warga@example.org",
                        "created_at": created,
                        "updated_at": created,
                        "due_at": created + timedelta(days=5),
                    }
                )
                transitions.append(
                    {
                        "report_id": number + 1,
                        "from_status": None,
                        "to_status": status,
                        "note": "Diterima" if status != ReportStatus.MENUNGGU else None,
                        "actor": "bench",
                        "created_at": created,
                    }
                )
                if number % 5 == 0:
                    photos.append(
                        {
                            "report_id": number + 1,
                            "storage_key": f"bench/{number + 1}.jpg",
                            "content_type": "image/jpeg",
                            "size": 1000,
                            "created_at": created,
                        }
                    )
            for table, rows in ((Report, reports), (ReportTransition, transitions)):
                for start in range(0, len(rows), 1000):
                    connection.execute(insert(table), rows[start : start + 1000])
            if photos:
                connection.execute(insert(ReportPhoto), photos)
            numbers = connection.scalars(select(Report.tracking_number).limit(10)).all()
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("ANALYZE")
            return list(numbers)
    finally:
        engine.dispose()


# -- the run --------------------------------------------------------------------------------
def request_paths(service_code: str, numbers: Sequence[str]) -> dict[str, str]:
    """The requests.json variants: no filter and every filter the spec has."""
    end = datetime.now(UTC)
    start = end - timedelta(days=30)
    dates = f"start_date={start:%Y-%m-%dT%H:%M:%SZ}&end_date={end:%Y-%m-%dT%H:%M:%SZ}"
    base = "/open311/v2/requests.json"
    return {
        "requests.json": base,
        "requests?status=open": f"{base}?status=open",
        "requests?service_code": f"{base}?service_code={service_code}",
        "requests?dates": f"{base}?{dates}",
        "requests?ids": f"{base}?service_request_id={','.join(numbers)}",
        "requests?all filters": f"{base}?status=closed&service_code={service_code}&{dates}",
    }


def run(args: argparse.Namespace, *, settings: Settings) -> tuple[list[Row], float]:
    """Serve the database of `settings`, seed, measure; returns the rows and peak RSS in MiB."""
    rows: list[Row] = []
    rng = random.Random(13)
    # the server logs every request as in production (one JSON line each)
    extra_env = {"LOG_LEVEL": "INFO", "LOG_JSON": "true", "DATABASE_URL": settings.database_url}
    # as the Dockerfile sets it (unless the caller's environment says otherwise)
    extra_env["MALLOC_ARENA_MAX"] = os.environ.get("MALLOC_ARENA_MAX", "2")
    if settings.database_schema:
        extra_env["DATABASE_SCHEMA"] = settings.database_schema
    if args.list_cache is not None:
        extra_env["REQUEST_LIST_CACHE_SECONDS"] = str(args.list_cache)
    if args.region_cache is not None:
        extra_env["REGION_SEARCH_CACHE_SECONDS"] = str(args.region_cache)
    with (
        tempfile.TemporaryDirectory(prefix="bench-perf-") as name,
        served(workers=1, extra_env=extra_env) as (base, _key),
    ):
        tmp = Path(name)
        port = int(base.rsplit(":", 1)[1])
        env_settings = settings
        seed_national_regions(env_settings, total=args.regions)
        # what many people typing ask for: the first 3-6 letters of region names, all different
        prefixes = [
            "/api/regions/search?q=" + quote(word)
            for word in region_prefixes(env_settings, count=500, rng=rng)
        ]
        services = httpx.get(base + "/open311/v2/services.json", timeout=30).json()
        code = services[0]["service_code"]
        catalogue = {
            "services.json": "/open311/v2/services.json",
            "services.xml": "/open311/v2/services.xml",
            "catalogue page": "/services",
            "service page": f"/services/{code}",
            "home page": "/",
        }
        pages = {path: httpx.get(base + path, timeout=30) for path in catalogue.values()}

        def one(
            scenario: str,
            path: str | list[str],
            reports: int,
            floor: str | None = None,
            *,
            connections: int = args.connections,
        ) -> None:
            if connections != args.connections:
                scenario = f"{scenario} @{connections}"
            urls = base + path if isinstance(path, str) else [base + p for p in path]
            rate, p50, p99, errors = measure(
                urls, client=args.client, connections=connections, seconds=args.duration
            )
            floor_rate = None
            if floor is not None:
                floor_rate = measure(
                    floor + path,
                    client=args.client,
                    connections=connections,
                    seconds=args.duration,
                )[0]
            row = Row(scenario, reports, round(rate, 1), round(p50, 2), round(p99, 2), errors)
            row.floor_req_s = round(floor_rate, 1) if floor_rate else None
            row.rss_mib = watch.take_row_peak()
            rows.append(row)
            print(_line(row), flush=True)

        print(_header(), flush=True)
        with RssWatch(_server_pid(port)) as watch:
            numbers: list[str] = []
            for count in sorted(args.reports):
                numbers = seed_reports(env_settings, until=count, rng=rng) or numbers
                if count == min(args.reports):
                    with floor_server(pages, tmp) as floor:
                        for scenario, path in catalogue.items():
                            one(scenario, path, count, floor)
                    for connections in sorted(
                        {args.connections, args.latency_connections}, reverse=True
                    ):
                        for scenario, path in REGION_SEARCHES.items():
                            one(scenario, path, count, connections=connections)
                        varied = f"region search x{len(prefixes)}"
                        one(varied, prefixes, count, connections=connections)
                for connections in sorted(
                    {args.connections, args.latency_connections}, reverse=True
                ):
                    for scenario, path in request_paths(code, numbers).items():
                        one(scenario, path, count, connections=connections)
        return rows, watch.peak_mib


@contextmanager
def bench_database(tmp: Path) -> Iterator[Settings]:
    """A temporary SQLite file, or a throw-away schema when DATABASE_URL is PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield Settings(_env_file=None, database_url=f"sqlite:///{tmp / 'bench.db'}")  # type: ignore[call-arg]
        return
    import psycopg

    schema = f"bench_perf_{secrets.token_hex(4)}"
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield Settings(_env_file=None, database_url=url, database_schema=schema)  # type: ignore[call-arg]
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _header() -> str:
    return (
        f"{'scenario':<24}{'reports':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'errors':>7}{'floor':>9}{'ratio':>7}{'RSS MiB':>9}"
    )


def _line(row: Row) -> str:
    floor = f"{row.floor_req_s:>9}" if row.floor_req_s else f"{'':>9}"
    ratio = f"{row.ratio:>6}x" if row.ratio else f"{'':>7}"
    return (
        f"{row.scenario:<24}{row.reports:>8}{row.req_s:>9}{row.p50_ms:>9}{row.p99_ms:>9}"
        f"{row.errors:>7}{floor}{ratio}{row.rss_mib:>9}"
    )


def compare(rows: Sequence[Row], before: dict[str, Any], *, after_peak: float) -> str:
    """A before/after table: req/s and p99 of both runs and the throughput ratio."""
    old = {(r["scenario"], r["reports"]): r for r in before["rows"]}
    lines = [
        f"{'scenario':<24}{'reports':>8}{'before r/s':>11}{'after r/s':>10}{'x':>7}"
        f"{'before p99':>11}{'after p99':>10}{'vs floor':>9}"
    ]
    for row in rows:
        prior = old.get((row.scenario, row.reports))
        if prior is None:
            continue
        gain = round(row.req_s / prior["req_s"], 1) if prior["req_s"] else float("inf")
        ratio = f"{row.ratio}x" if row.ratio else ""
        lines.append(
            f"{row.scenario:<24}{row.reports:>8}{prior['req_s']:>11}{row.req_s:>10}"
            f"{gain:>7}{prior['p99_ms']:>11}{row.p99_ms:>10}{ratio:>9}"
        )
    lines.append(f"peak RSS MiB: before {before['peak_rss_mib']}, after {after_peak}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> tuple[list[Row], float]:
    """Run the bench and print the table (and the comparison with a saved run)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--regions", type=int, default=NATIONAL_REGIONS)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per row")
    parser.add_argument("--connections", type=int, default=16, help="for throughput")
    parser.add_argument(
        "--latency-connections",
        type=int,
        default=1,
        help="the request-list and region-search rows are measured again at this concurrency",
    )
    parser.add_argument("--client", choices=("wrk", "httpx"), default=None)
    parser.add_argument(
        "--list-cache",
        type=float,
        default=None,
        help="REQUEST_LIST_CACHE_SECONDS of the server (default: the app's; 0 builds every list)",
    )
    parser.add_argument(
        "--region-cache",
        type=float,
        default=None,
        help="REGION_SEARCH_CACHE_SECONDS of the server (default: the app's; 0: no reuse)",
    )
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--compare", type=Path, help="a JSON file saved by an earlier run")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= 120 or not 0 < args.connections <= 256:
        parser.error("use 1-256 connections and a duration of at most 120 seconds")
    if not 0 < args.latency_connections <= 256:
        parser.error("use 1-256 connections and a duration of at most 120 seconds")
    if not all(0 < n <= 200_000 for n in args.reports) or not 0 <= args.regions <= 200_000:
        parser.error("use at most 200,000 reports and 200,000 regions")
    args.client = args.client or ("wrk" if shutil.which("wrk") else "httpx")
    with (
        tempfile.TemporaryDirectory(prefix="bench-perf-db-") as name,
        bench_database(Path(name)) as settings,
    ):
        rows, peak = run(args, settings=settings)
    print(f"peak RSS of the server: {peak} MiB (client: {args.client})")
    if args.save:
        document = {"rows": [asdict(r) for r in rows], "peak_rss_mib": peak}
        args.save.write_text(json.dumps(document, indent=1))
    if args.compare:
        print(compare(rows, json.loads(args.compare.read_text()), after_peak=peak))
    return rows, peak


if __name__ == "__main__":
    main()
