"""Rate limits (the `limits` library) counted where all workers see them: Redis or the database."""

from __future__ import annotations

import hashlib
import math
import random
import time
from collections.abc import Mapping
from typing import ClassVar

from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from app.models import RateLimitCounter

_UPSERT = text(
    "INSERT INTO rate_limit_counters (name, count, expires_at) VALUES (:name, :amount, :expires) "
    "ON CONFLICT (name) DO UPDATE SET "
    "count = CASE WHEN rate_limit_counters.expires_at <= :now THEN :amount "
    "ELSE rate_limit_counters.count + :amount END, "
    "expires_at = CASE WHEN rate_limit_counters.expires_at <= :now THEN :expires "
    "ELSE rate_limit_counters.expires_at END "
    "RETURNING count"
)
PURGE_CHANCE = 0.01  # share of hits that also delete expired counters


class DatabaseStorage(Storage):
    """Fixed-window counters in the `rate_limit_counters` table (one atomic upsert per hit)."""

    STORAGE_SCHEME: ClassVar[list[str]] = ["appdb"]

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine

    @property
    def base_exceptions(self) -> type[Exception]:
        """Errors of this backend."""
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the counter, starting a new window when the old one expired."""
        now = time.time()
        with self.engine.begin() as connection:
            count = connection.scalar(
                _UPSERT, {"name": key, "amount": amount, "expires": now + expiry, "now": now}
            )
            if random.random() < PURGE_CHANCE:
                connection.execute(
                    delete(RateLimitCounter).where(RateLimitCounter.expires_at <= now)
                )
        return int(count or 0)

    def _row(self, key: str) -> tuple[int, float] | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(RateLimitCounter.count, RateLimitCounter.expires_at).where(
                    RateLimitCounter.name == key
                )
            ).first()
        if row is None or row.expires_at <= time.time():
            return None
        return int(row.count), float(row.expires_at)

    def get(self, key: str) -> int:
        """The counter in its current window."""
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        """When the current window ends (seconds since the epoch)."""
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(select(func.count()).select_from(RateLimitCounter))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Delete every counter."""
        with self.engine.begin() as connection:
            return connection.execute(delete(RateLimitCounter)).rowcount

    def clear(self, key: str) -> None:
        """Delete one counter."""
        with self.engine.begin() as connection:
            connection.execute(delete(RateLimitCounter).where(RateLimitCounter.name == key))


class RateLimited(Exception):
    """A client went over a limit; `retry_after` says in how many seconds it may try again."""

    def __init__(self, rule: str, retry_after: int) -> None:
        super().__init__(f"rate limit {rule!r} reached; retry after {retry_after} s")
        self.rule = rule
        self.retry_after = retry_after


class RateLimits:
    """Named rules (`"login_ip": "20/minute"`, several tiers with `;`) over one shared storage."""

    def __init__(self, rules: Mapping[str, str], *, storage: Storage) -> None:
        self.rules: dict[str, list[RateLimitItem]] = {
            name: parse_many(value) for name, value in rules.items()
        }
        self.limiter = FixedWindowRateLimiter(storage)

    def _retry_after(self, item: RateLimitItem, name: str, client: str) -> int:
        reset = self.limiter.get_window_stats(item, name, client).reset_time
        return max(1, math.ceil(reset - time.time()))

    def hit(self, name: str, *keys: str) -> None:
        """Count one request against every tier of rule `name`; RateLimited when over one."""
        client = _client(keys)
        for item in self.rules[name]:
            # a client already over the limit costs a read, not a write (floods stay cheap)
            if not self.limiter.test(item, name, client) or not self.limiter.hit(
                item, name, client
            ):
                raise RateLimited(name, self._retry_after(item, name, client))

    def check(self, name: str, *keys: str) -> None:
        """RateLimited when a tier of `name` is used up, without counting this request."""
        client = _client(keys)
        for item in self.rules[name]:
            if not self.limiter.test(item, name, client):
                raise RateLimited(name, self._retry_after(item, name, client))

    def clear(self, name: str, *keys: str) -> None:
        """Forget the counts of rule `name` for `keys`."""
        client = _client(keys)
        for item in self.rules[name]:
            self.limiter.clear(item, name, client)


def _client(keys: tuple[str, ...]) -> str:
    """A short digest of the client's identifiers: no e-mail or address is stored."""
    return hashlib.sha256("\0".join(keys).encode()).hexdigest()[:32]


def create_storage(engine: Engine, redis_url: str | None) -> Storage:
    """Redis when REDIS_URL is set (install the `redis` extra), else the database."""
    if redis_url:
        return storage_from_string(redis_url)
    return DatabaseStorage(engine)
