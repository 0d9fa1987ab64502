"""RecentBodies: built once for concurrent callers, fresh for its seconds, dropped on a change."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.api.recent import RecentBodies
from app.domain.changes import Watch

UNWATCHED = Watch("nothing (tests)", ())


class Builder:
    """Counts its builds; each takes `delay` seconds and returns `body`."""

    def __init__(self, body: bytes = b"body", delay: float = 0.0) -> None:
        self.body, self.delay, self.calls = body, delay, 0
        self._lock = threading.Lock()

    def __call__(self) -> bytes:
        with self._lock:
            self.calls += 1
        time.sleep(self.delay)
        return self.body


def test_concurrent_callers_wait_for_one_build() -> None:
    recent = RecentBodies(UNWATCHED, seconds=5)
    build = Builder(b"list", delay=0.2)
    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(lambda _: recent.get("k", build), range(8)))
    assert bodies == [b"list"] * 8
    assert build.calls == 1


def test_a_body_lives_for_its_seconds_only() -> None:
    recent = RecentBodies(UNWATCHED, seconds=0.2)
    build = Builder()
    recent.get("k", build)
    recent.get("k", build)
    assert build.calls == 1
    time.sleep(0.25)
    assert recent.recent("k") is None
    recent.get("k", build)
    assert build.calls == 2


def test_a_change_committed_here_drops_every_body() -> None:
    watch = Watch("bodies (tests)", ())
    recent = RecentBodies(watch, seconds=60)
    build = Builder()
    recent.get("a", build)
    recent.get("b", build)
    watch.generation += 1
    assert recent.recent("a") is None
    recent.get("a", build)
    recent.get("b", build)
    assert build.calls == 4


def test_the_bodies_kept_stay_within_the_byte_budget() -> None:
    recent = RecentBodies(UNWATCHED, seconds=60, max_bytes=100)
    for key in range(10):
        recent.get(key, Builder(bytes(20)))
    kept = [key for key in range(10) if recent.recent(key) is not None]
    assert kept == [5, 6, 7, 8, 9]  # the least recently used went first
    huge = Builder(bytes(30))  # over a quarter of the budget: served, never kept
    recent.get("huge", huge)
    recent.get("huge", huge)
    assert huge.calls == 2


def test_a_failed_build_keeps_nothing_and_the_next_call_builds() -> None:
    recent = RecentBodies(UNWATCHED, seconds=60)

    def failing() -> bytes:
        raise OSError("database went away")

    for _ in range(3):
        with pytest.raises(OSError, match="went away"):
            recent.get("k", failing)
    assert recent.recent("k") is None
    assert recent._building == {}  # no lock left behind per failed key
    assert recent.get("k", Builder(b"ok")) == b"ok"


def test_zero_seconds_builds_every_time() -> None:
    recent = RecentBodies(UNWATCHED, seconds=0)
    build = Builder()
    recent.get("k", build)
    recent.get("k", build)
    assert build.calls == 2
    assert recent.recent("k") is None
