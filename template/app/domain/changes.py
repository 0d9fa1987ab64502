"""Per-process generations of committed changes to groups of tables, for caches to check cheaply.

A `Watch` names some models. Every ORM flush that adds, changes or deletes one of them marks the
session; once that session commits, the watch's `generation` moves (a rollback forgets the mark).
A cache that remembers the generation it was built at knows, without a query, whether this
process has changed the data since. Changes made by other processes need a check of their own
(a version row, or a short lifetime).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

_WATCHES: list[Watch] = []
_counter = itertools.count(1)


class Watch:
    """Committed changes to `models`; `on_flush(session)` runs in a flush that touches them."""

    def __init__(
        self, name: str, models: tuple[type, ...], on_flush: Callable[[Session], None] | None = None
    ) -> None:
        self.name = name
        self.models = models
        self.on_flush = on_flush
        self.generation = 0
        self._key = f"changed:{name}"
        _WATCHES.append(self)

    def mark(self, session: Session) -> None:
        """Count `session`'s transaction as a change (the generation moves when it commits)."""
        session.info[self._key] = True

    def _touched(self, items: tuple[Any, ...]) -> bool:
        return any(isinstance(item, self.models) for item in items)


@event.listens_for(Session, "before_flush")
def _flushing(session: Session, _context: Any, _instances: Any) -> None:
    touched = (*session.new, *session.dirty, *session.deleted)
    if not touched:
        return
    for watch in _WATCHES:
        if watch._touched(touched):
            watch.mark(session)
            if watch.on_flush is not None:
                watch.on_flush(session)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for watch in _WATCHES:
        if session.info.pop(watch._key, False):
            watch.generation = next(_counter)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    for watch in _WATCHES:
        session.info.pop(watch._key, None)
