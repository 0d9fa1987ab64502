"""Rate-limit counters shared by every worker process (when no Redis is configured)."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class RateLimitCounter(Base):
    """Hits of one limit for one client in the current fixed window."""

    __tablename__ = "rate_limit_counters"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # seconds since the epoch
