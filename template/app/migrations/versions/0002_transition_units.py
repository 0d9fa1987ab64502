"""Handling unit (agency and region) before and after each report transition.

Revision ID: 0002
Revises: 0001
Create Date: 2026-02-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("from_agency_code", "from_region_code", "to_agency_code", "to_region_code")


def upgrade() -> None:
    """Apply this revision: add the unit columns and fill them for existing history."""
    with op.batch_alter_table("report_transitions") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=64), nullable=True))
    # Before this revision a report never changed unit: every step stayed with the report's
    # current handling unit; the first step (from_status NULL) has no "from" unit.
    for side in ("to", "from"):
        condition = "" if side == "to" else " WHERE from_status IS NOT NULL"
        for column in ("agency", "region"):
            op.execute(
                f"UPDATE report_transitions SET {side}_{column}_code = ("
                f"SELECT reports.handling_{column}_code FROM reports "
                f"WHERE reports.id = report_transitions.report_id){condition}"
            )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("report_transitions") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
