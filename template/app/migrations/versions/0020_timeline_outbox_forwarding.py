"""Public timeline (public notes, completion evidence).

Revision ID: 0020
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # plain ADD COLUMN: SQLite need not copy the table (see 0003)
    op.add_column(
        "report_transitions",
        sa.Column("note_public", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "report_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("transition_id", sa.Integer(), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("storage_key", sa.String(length=300), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officers.id"], name=op.f("fk_report_evidence_officer_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_evidence_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["transition_id"],
            ["report_transitions.id"],
            name=op.f("fk_report_evidence_transition_id_report_transitions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_evidence")),
    )
    op.create_index(op.f("ix_report_evidence_report_id"), "report_evidence", ["report_id"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_report_evidence_report_id"), table_name="report_evidence")
    op.drop_table("report_evidence")
    with op.batch_alter_table("report_transitions") as batch:
        batch.drop_column("note_public")
