"""Catalogue schemas (localised: names are plain strings in the requested language)."""

from __future__ import annotations

from pydantic import BaseModel


class GroupPublic(BaseModel):
    """A catalogue section."""

    code: str
    name: str
    icon: str | None


class AgencyPublic(BaseModel):
    """An agency."""

    code: str
    name: str
    kind: str
    level: str
    region_code: str
    external: bool


class AttributeValuePublic(BaseModel):
    """An allowed value."""

    key: str
    name: str


class AttributePublic(BaseModel):
    """An attribute to fill in when requesting the service."""

    code: str
    datatype: str
    description: str
    required: bool
    order: int
    values: list[AttributeValuePublic]


class ServicePublic(BaseModel):
    """A service."""

    code: str
    group: str
    kind: str
    name: str
    description: str
    agency: str
    level: str
    sla_days: int
    keywords: list[str]
    url: str | None


class ServiceDetail(ServicePublic):
    """A service with its attributes."""

    agency_name: str
    attributes: list[AttributePublic]
