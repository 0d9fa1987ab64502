"""Admin pages: the administration audit trail and news images.

Revision ID: 0030
Revises: 0020
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "admin_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("region_code", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officers.id"], name=op.f("fk_admin_events_officer_id_officers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_events")),
    )
    for column in ("officer_id", "region_code", "created_at"):
        op.create_index(op.f(f"ix_admin_events_{column}"), "admin_events", [column])
    # plain ADD COLUMN: SQLite need not copy the table
    op.add_column("news_items", sa.Column("image_key", sa.String(length=200), nullable=True))
    op.add_column("news_items", sa.Column("image_type", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("news_items") as batch:
        batch.drop_column("image_type")
        batch.drop_column("image_key")
    for column in ("created_at", "region_code", "officer_id"):
        op.drop_index(op.f(f"ix_admin_events_{column}"), table_name="admin_events")
    op.drop_table("admin_events")
