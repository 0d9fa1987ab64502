"""Rate-limit counters, revocable sessions, location privacy and idempotent report creation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "rate_limit_counters",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_rate_limit_counters")),
    )
    op.create_index(
        op.f("ix_rate_limit_counters_expires_at"), "rate_limit_counters", ["expires_at"]
    )
    # plain ADD COLUMN and CREATE INDEX: SQLite need not copy the tables (a copy would
    # cascade-delete the reports' history through the foreign keys)
    for table in ("citizens", "officers"):
        op.add_column(
            table, sa.Column("token_version", sa.Integer(), nullable=False, server_default="0")
        )
    op.add_column(
        "reports",
        sa.Column("exact_location_public", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("reports", sa.Column("idempotency_scope", sa.String(length=40), nullable=True))
    op.add_column("reports", sa.Column("idempotency_key", sa.String(length=255), nullable=True))
    op.add_column(
        "reports", sa.Column("idempotency_fingerprint", sa.String(length=64), nullable=True)
    )
    op.create_index(
        "uq_reports_idempotency", "reports", ["idempotency_scope", "idempotency_key"], unique=True
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("uq_reports_idempotency", table_name="reports")
    with op.batch_alter_table("reports") as batch:
        for name in (
            "idempotency_fingerprint",
            "idempotency_key",
            "idempotency_scope",
            "exact_location_public",
        ):
            batch.drop_column(name)
    for table in ("officers", "citizens"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("token_version")
    op.drop_index(op.f("ix_rate_limit_counters_expires_at"), table_name="rate_limit_counters")
    op.drop_table("rate_limit_counters")
