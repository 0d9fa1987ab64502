"""Province-owned hooks; template updates never overwrite this file."""

from __future__ import annotations

from fastapi import APIRouter

from app.models import Report


def extra_routers() -> list[APIRouter]:
    """Routers mounted under /api next to the standard ones (province-specific endpoints)."""
    return []


def on_report_created(report: Report) -> None:
    """Called after a report is stored, e.g. to notify a regional system. Must not raise."""
    return None
