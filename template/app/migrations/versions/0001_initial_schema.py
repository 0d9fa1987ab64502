"""Initial schema: regions, catalogue, accounts, reports, news, prices and apps.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "agencies",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=64), nullable=False),
        sa.Column("external", sa.Boolean(), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_agencies")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "app_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_meta")),
    )
    op.create_table(
        "citizens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizens")),
        sa.UniqueConstraint("email", name=op.f("uq_citizens_email")),
    )
    op.create_table(
        "commodities",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_commodities")),
    )
    op.create_table(
        "integrations",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("icon", sa.String(length=64), nullable=True),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_integrations")),
    )
    op.create_index(op.f("ix_integrations_audience"), "integrations", ["audience"], unique=False)
    op.create_table(
        "regions",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("parent_code", sa.String(length=64), nullable=True),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_regions")),
    )
    op.create_index(op.f("ix_regions_parent_code"), "regions", ["parent_code"], unique=False)
    op.create_table(
        "service_groups",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("icon", sa.String(length=64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_service_groups")),
    )
    op.create_table(
        "officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "operator", "supervisor", "admin", name="officerrole", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=64), nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agencies.code"], name=op.f("fk_officers_agency_code_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_officers_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officers")),
        sa.UniqueConstraint("email", name=op.f("uq_officers_email")),
    )
    op.create_table(
        "region_search_keys",
        sa.Column(
            "key",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["regions.code"],
            name=op.f("fk_region_search_keys_region_code_regions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "region_code", name=op.f("pk_region_search_keys")),
    )
    op.create_index(
        op.f("ix_region_search_keys_region_code"),
        "region_search_keys",
        ["region_code"],
        unique=False,
    )
    op.create_table(
        "services",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("group_code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("sla_days", sa.SmallInteger(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agencies.code"], name=op.f("fk_services_agency_code_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["group_code"],
            ["service_groups.code"],
            name=op.f("fk_services_group_code_service_groups"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_services")),
    )
    op.create_index(op.f("ix_services_group_code"), "services", ["group_code"], unique=False)
    op.create_table(
        "commodity_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commodity_code", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=64), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commodity_code"],
            ["commodities.code"],
            name=op.f("fk_commodity_prices_commodity_code_commodities"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["officers.id"],
            name=op.f("fk_commodity_prices_recorded_by_id_officers"),
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_commodity_prices_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commodity_prices")),
        sa.UniqueConstraint(
            "commodity_code",
            "region_code",
            "observed_on",
            name=op.f("uq_commodity_prices_commodity_code"),
        ),
    )
    op.create_index(
        op.f("ix_commodity_prices_commodity_code"),
        "commodity_prices",
        ["commodity_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_commodity_prices_region_code"), "commodity_prices", ["region_code"], unique=False
    )
    op.create_table(
        "news_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.String(length=1000), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("is_announcement", sa.Boolean(), nullable=False),
        sa.Column("region_code", sa.String(length=64), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["officers.id"], name=op.f("fk_news_items_author_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_news_items_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_items")),
    )
    op.create_index(
        op.f("ix_news_items_published_at"), "news_items", ["published_at"], unique=False
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_number", sa.String(length=32), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("region_code", sa.String(length=64), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("long", sa.Float(), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("media_url", sa.String(length=1000), nullable=True),
        sa.Column("handling_agency_code", sa.String(length=64), nullable=False),
        sa.Column("handling_region_code", sa.String(length=64), nullable=False),
        sa.Column("outside_authority", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "Menunggu",
                "Koordinasi",
                "Disposisi",
                "Proses",
                "Selesai",
                "Ditolak",
                name="reportstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("contact_phone", sa.String(length=32), nullable=True),
        sa.Column("access_code_hash", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("rating_score", sa.SmallInteger(), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["api_key_id"], ["api_keys.id"], name=op.f("fk_reports_api_key_id_api_keys")
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_reports_citizen_id_citizens")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["officers.id"], name=op.f("fk_reports_closed_by_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["handling_agency_code"],
            ["agencies.code"],
            name=op.f("fk_reports_handling_agency_code_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["handling_region_code"],
            ["regions.code"],
            name=op.f("fk_reports_handling_region_code_regions"),
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_reports_region_code_regions")
        ),
        sa.ForeignKeyConstraint(
            ["service_code"], ["services.code"], name=op.f("fk_reports_service_code_services")
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"], ["officers.id"], name=op.f("fk_reports_verified_by_id_officers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("token", name=op.f("uq_reports_token")),
        sa.UniqueConstraint("tracking_number", name=op.f("uq_reports_tracking_number")),
    )
    op.create_index(op.f("ix_reports_citizen_id"), "reports", ["citizen_id"], unique=False)
    op.create_index(op.f("ix_reports_created_at"), "reports", ["created_at"], unique=False)
    op.create_index(op.f("ix_reports_due_at"), "reports", ["due_at"], unique=False)
    op.create_index(
        op.f("ix_reports_handling_agency_code"), "reports", ["handling_agency_code"], unique=False
    )
    op.create_index(
        op.f("ix_reports_handling_region_code"), "reports", ["handling_region_code"], unique=False
    )
    op.create_index(op.f("ix_reports_service_code"), "reports", ["service_code"], unique=False)
    op.create_index(op.f("ix_reports_status"), "reports", ["status"], unique=False)
    op.create_table(
        "report_forwards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agencies.code"], name=op.f("fk_report_forwards_agency_code_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_forwards_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_forwards")),
    )
    op.create_index(
        op.f("ix_report_forwards_report_id"), "report_forwards", ["report_id"], unique=False
    )
    op.create_table(
        "report_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=300), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_photos_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_photos")),
    )
    op.create_index(
        op.f("ix_report_photos_report_id"), "report_photos", ["report_id"], unique=False
    )
    op.create_table(
        "report_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "Menunggu",
                "Koordinasi",
                "Disposisi",
                "Proses",
                "Selesai",
                "Ditolak",
                name="reportstatus",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "Menunggu",
                "Koordinasi",
                "Disposisi",
                "Proses",
                "Selesai",
                "Ditolak",
                name="reportstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officers.id"], name=op.f("fk_report_transitions_officer_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_transitions_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_transitions")),
    )
    op.create_index(
        op.f("ix_report_transitions_report_id"), "report_transitions", ["report_id"], unique=False
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_report_transitions_report_id"), table_name="report_transitions")
    op.drop_table("report_transitions")
    op.drop_index(op.f("ix_report_photos_report_id"), table_name="report_photos")
    op.drop_table("report_photos")
    op.drop_index(op.f("ix_report_forwards_report_id"), table_name="report_forwards")
    op.drop_table("report_forwards")
    op.drop_index(op.f("ix_reports_status"), table_name="reports")
    op.drop_index(op.f("ix_reports_service_code"), table_name="reports")
    op.drop_index(op.f("ix_reports_handling_region_code"), table_name="reports")
    op.drop_index(op.f("ix_reports_handling_agency_code"), table_name="reports")
    op.drop_index(op.f("ix_reports_due_at"), table_name="reports")
    op.drop_index(op.f("ix_reports_created_at"), table_name="reports")
    op.drop_index(op.f("ix_reports_citizen_id"), table_name="reports")
    op.drop_table("reports")
    op.drop_index(op.f("ix_news_items_published_at"), table_name="news_items")
    op.drop_table("news_items")
    op.drop_index(op.f("ix_commodity_prices_region_code"), table_name="commodity_prices")
    op.drop_index(op.f("ix_commodity_prices_commodity_code"), table_name="commodity_prices")
    op.drop_table("commodity_prices")
    op.drop_index(op.f("ix_services_group_code"), table_name="services")
    op.drop_table("services")
    op.drop_index(op.f("ix_region_search_keys_region_code"), table_name="region_search_keys")
    op.drop_table("region_search_keys")
    op.drop_table("officers")
    op.drop_table("service_groups")
    op.drop_index(op.f("ix_regions_parent_code"), table_name="regions")
    op.drop_table("regions")
    op.drop_index(op.f("ix_integrations_audience"), table_name="integrations")
    op.drop_table("integrations")
    op.drop_table("commodities")
    op.drop_table("citizens")
    op.drop_table("app_meta")
    op.drop_table("api_keys")
    op.drop_table("agencies")
