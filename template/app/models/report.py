"""Citizen reports, their photos, status history (audit), forwards and ratings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, Float, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.catalogue import Agency, Service


class ReportStatus(enum.StrEnum):
    """Report states; the values are stored as these exact words."""

    MENUNGGU = "Menunggu"
    KOORDINASI = "Koordinasi"
    DISPOSISI = "Disposisi"
    PROSES = "Proses"
    SELESAI = "Selesai"
    DITOLAK = "Ditolak"


class ReportSource(enum.StrEnum):
    """Channels a report arrives through (stored as plain text, so no DB enum to extend)."""

    API = "api"
    WEB = "web"
    OPEN311 = "open311"


def _status_type() -> Enum:
    return Enum(
        ReportStatus,
        native_enum=False,
        length=16,
        values_callable=lambda enum_cls: [member.value for member in enum_cls],
    )


class Report(Base):
    """A report (service request) from a citizen, a guest or an Open311 client."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(32), unique=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"), index=True)
    description: Mapped[str] = mapped_column(Text)
    attributes: Mapped[dict[str, Any]]
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    lat: Mapped[float | None] = mapped_column(Float)
    long: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(500))
    media_url: Mapped[str | None] = mapped_column(String(1000))
    handling_agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), index=True)
    handling_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    outside_authority: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ReportStatus] = mapped_column(_status_type(), index=True)
    is_public: Mapped[bool] = mapped_column(default=False)
    # public views round the coordinates and hide the address unless the reporter allows more
    exact_location_public: Mapped[bool] = mapped_column(default=False)
    anonymous: Mapped[bool] = mapped_column(default=False)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    access_code_hash: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default=ReportSource.API.value)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    rating_score: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None]
    # a client's Idempotency-Key, unique per client (API key, citizen or guests)
    idempotency_scope: Mapped[str | None] = mapped_column(String(40))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("uq_reports_idempotency", "idempotency_scope", "idempotency_key", unique=True),
        # the Open311 request list: each filter, newest first
        Index("ix_reports_public_created", "is_public", "created_at", "id"),
        Index("ix_reports_status_created", "status", "created_at", "id"),
        Index("ix_reports_service_created", "service_code", "created_at", "id"),
    )

    service: Mapped[Service] = relationship(lazy="joined")
    handling_agency: Mapped[Agency] = relationship(lazy="joined")
    photos: Mapped[list[ReportPhoto]] = relationship(
        back_populates="report", order_by="ReportPhoto.id", cascade="all, delete-orphan"
    )
    transitions: Mapped[list[ReportTransition]] = relationship(
        back_populates="report", order_by="ReportTransition.id", cascade="all, delete-orphan"
    )
    forwards: Mapped[list[ReportForward]] = relationship(
        back_populates="report", order_by="ReportForward.id", cascade="all, delete-orphan"
    )
    evidence: Mapped[list[ReportEvidence]] = relationship(
        back_populates="report", order_by="ReportEvidence.id", cascade="all, delete-orphan"
    )

    @property
    def is_closed(self) -> bool:
        """Whether the report reached Selesai or Ditolak."""
        return self.status in (ReportStatus.SELESAI, ReportStatus.DITOLAK)

    def overdue_at(self, now: datetime) -> bool:
        """Whether the report is still open after its due time."""
        return not self.is_closed and self.due_at < now


class ReportPhoto(Base):
    """A photo stored through the storage backend under `storage_key`."""

    __tablename__ = "report_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship(back_populates="photos")


class ReportTransition(Base):
    """Audit record of one status change: who, when, from, to, the note and the handling unit.

    `from_*` / `to_*` hold the handling unit (agency and region) before and after the step;
    they differ when Koordinasi or Disposisi hands the report to another unit.
    """

    __tablename__ = "report_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[ReportStatus | None] = mapped_column(_status_type())
    to_status: Mapped[ReportStatus] = mapped_column(_status_type())
    note: Mapped[str | None] = mapped_column(Text)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    from_agency_code: Mapped[str | None] = mapped_column(String(64))
    from_region_code: Mapped[str | None] = mapped_column(String(64))
    to_agency_code: Mapped[str | None] = mapped_column(String(64))
    to_region_code: Mapped[str | None] = mapped_column(String(64))
    # shown on the public tracking page; a rejection reason is always public
    note_public: Mapped[bool] = mapped_column(default=False)

    report: Mapped[Report] = relationship(back_populates="transitions")
    evidence: Mapped[list[ReportEvidence]] = relationship(
        back_populates="transition", order_by="ReportEvidence.id"
    )

    @property
    def moved_unit(self) -> bool:
        """Whether this step handed the report to another agency or region."""
        return self.from_agency_code is not None and (
            self.from_agency_code != self.to_agency_code
            or self.from_region_code != self.to_region_code
        )


class ReportForward(Base):
    """A report handed to an agency outside the province's authority, with its contact."""

    __tablename__ = "report_forwards"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    contact: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # delivery through the outbox: how, when, and the other side's id and last known status
    transport: Mapped[str | None] = mapped_column(String(16))
    delivered_at: Mapped[datetime | None]
    remote_id: Mapped[str | None] = mapped_column(String(100))
    remote_status: Mapped[str | None] = mapped_column(String(32))
    remote_notes: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime | None]

    report: Mapped[Report] = relationship(back_populates="forwards")


class ReportEvidence(Base):
    """An officer's photo of the finished work ("after" photo), public with the Selesai move.

    Uploaded before the move (`transition_id` empty), attached to the Selesai transition.
    """

    __tablename__ = "report_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    transition_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_transitions.id", ondelete="SET NULL")
    )
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    storage_key: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship(back_populates="evidence")
    transition: Mapped[ReportTransition | None] = relationship(back_populates="evidence")
