"""Composite indexes for the Open311 request list: its filters in newest-first order.

Revision ID: 0010
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_reports_public_created": ["is_public", "created_at", "id"],
    "ix_reports_status_created": ["status", "created_at", "id"],
    "ix_reports_service_created": ["service_code", "created_at", "id"],
}


def upgrade() -> None:
    """Apply this revision."""
    for name, columns in INDEXES.items():
        op.create_index(name, "reports", columns)


def downgrade() -> None:
    """Revert this revision."""
    for name in INDEXES:
        op.drop_index(name, table_name="reports")
