"""Service catalogue: groups, agencies and services."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base


class ServiceGroup(Base):
    """A catalogue section."""

    __tablename__ = "service_groups"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[dict[str, str]]
    icon: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Agency(Base):
    """A government unit, or an outside body (`external`) whose reports are forwarded."""

    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(String(64))
    external: Mapped[bool] = mapped_column(default=False)
    contact: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)


class Service(Base):
    """A service citizens can request, read about or follow a link to."""

    __tablename__ = "services"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    group_code: Mapped[str] = mapped_column(ForeignKey("service_groups.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[dict[str, str]]
    description: Mapped[dict[str, str]]
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    level: Mapped[str] = mapped_column(String(16))
    sla_days: Mapped[int] = mapped_column(SmallInteger)
    keywords: Mapped[list[str]]
    url: Mapped[str | None] = mapped_column(String(500))
    attributes: Mapped[list[dict[str, Any]]]
    search_text: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship(lazy="joined")
    group: Mapped[ServiceGroup] = relationship(lazy="joined")
