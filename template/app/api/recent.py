"""Response bodies built in the last moments, reused while the tables they show are unchanged here.

A public list is often asked for many times a second with the same parameters (dashboards,
partner apps polling). `RecentBodies` keeps each body for `seconds` at most, and drops it at once
when this process commits a change to the watched tables; changes committed by other workers
show within `seconds`. Concurrent requests for a body being built wait for it instead of building
it again, and the bodies kept never exceed `max_bytes` together.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from fastapi.concurrency import run_in_threadpool

from app.domain.changes import Watch


class RecentBodies:
    """A small, short-lived, generation-checked cache of response bodies."""

    def __init__(self, watch: Watch, *, seconds: float, max_bytes: int = 16 << 20) -> None:
        self.watch = watch
        self.seconds = seconds
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[int, float, bytes]] = OrderedDict()
        self._size = 0
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    async def answer(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """`get` for a coroutine endpoint: a fresh body on the event loop, else `get` (which may
        build or wait for a build) in the thread pool."""
        body = self.recent(key)
        return body if body is not None else await run_in_threadpool(self.get, key, build)

    def get(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """The body for `key`: a recent one, or the one `build` makes now (once for all callers)."""
        if self.seconds <= 0:
            return build()
        body = self.recent(key)
        if body is not None:
            return body
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        try:
            with building:
                body = self.recent(key)
                if body is None:
                    # read before building: a change committed meanwhile makes the body stale
                    generation = self.watch.generation
                    body = build()
                    self._keep(key, generation, body)
        finally:
            with self._lock:
                self._building.pop(key, None)
        return body

    def recent(self, key: Hashable) -> bytes | None:
        """The body kept for `key` if it is still fresh (never waits for a build)."""
        if self.seconds <= 0:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            generation, built_at, body = entry
            if generation == self.watch.generation and time.monotonic() - built_at < self.seconds:
                self._entries.move_to_end(key)
                return body
            self._drop(key)
            return None

    def _keep(self, key: Hashable, generation: int, body: bytes) -> None:
        if len(body) > self.max_bytes // 4:
            return
        with self._lock:
            self._drop(key)
            while self._entries and self._size + len(body) > self.max_bytes:
                self._drop(next(iter(self._entries)))
            self._entries[key] = (generation, time.monotonic(), body)
            self._size += len(body)

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._size -= len(entry[2])
