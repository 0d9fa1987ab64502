"""The payload the template receives (the copier `profile` answer): typed models whose dump is that data.

The same models give the JSON Schema shipped inside every replica (app/data/payload.schema.json), so the
replica can check what it was rendered with, and the toolkit's and the replica's defaults cannot drift apart.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from jaki_forge.profile.load import LoadedProfile
from jaki_forge.profile.logo import logo_payload
from jaki_forge.profile.model import Localized
from jaki_forge.regions.codes import regions_csv

SCHEMA_FILE = "template/app/data/payload.schema.json"  # in the jaki-forge repository


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(_Part):
    """A text in Indonesian and English (English falls back to Indonesian)."""

    id: str
    en: str


class ProvinceData(_Part):
    """The province the replica serves."""

    code: str
    name: str
    iso_code: str
    capital: str
    timezone: str


class AppData(_Part):
    """The replica's identity."""

    name: str
    short_name: str
    slug: str
    package: str
    tagline: Text | None = None
    application_id: str
    domain: str
    languages: list[str]


class LogoData(_Part):
    """The logo: SVG markup or a base64 PNG; it travels in the answers once, the generator writes the files."""

    filename: str
    media_type: str
    svg: str | None = None
    png: str | None = None


class BrandingData(_Part):
    """Colours, font and logo."""

    primary: str
    secondary: str
    accent: str
    text_on_primary: str
    font: str | None = None
    logo: LogoData


class GroupData(_Part):
    """A section of the catalogue."""

    code: str
    name: Text
    icon: str | None = None


class AgencyData(_Part):
    """An organisation that handles reports."""

    code: str
    name: str
    kind: str
    level: str
    region: str
    external: bool = False
    contact: str | None = None


class ValueData(_Part):
    """A choice of a value-list attribute."""

    key: str
    name: Text


class AttributeData(_Part):
    """An Open311 attribute of a service."""

    code: str
    datatype: str
    description: Text
    required: bool = False
    order: int = 0
    values: list[ValueData] = []


class ServiceData(_Part):
    """A service of the catalogue."""

    code: str
    group: str
    kind: str
    name: Text
    description: Text
    agency: str
    level: str
    sla_days: int
    keywords: list[str] = []
    url: str | None = None
    attributes: list[AttributeData] = []


class ModulesData(_Part):
    """Feature switches (the defaults are the profile's)."""

    reports: bool = True
    news: bool = True
    prices: bool = False
    integrations: bool = True


class CommodityData(_Part):
    """A commodity whose market price is published."""

    code: str
    name: Text
    unit: str


class IntegrationData(_Part):
    """An existing regional app linked from the replica."""

    code: str
    name: str
    url: str
    icon: str | None = None
    audience: str
    description: Text


class Payload(_Part):
    """Everything the template is rendered from."""

    schema_version: int = 1
    province: ProvinceData
    app: AppData
    branding: BrandingData
    groups: list[GroupData] = []
    agencies: list[AgencyData] = []
    services: list[ServiceData] = []
    # one CSV text, not a list: the answers file stays small and fast to parse (copier reads it in pure Python)
    regions: str = ""
    modules: ModulesData = ModulesData()
    commodities: list[CommodityData] = []
    integrations: list[IntegrationData] = []


def payload_schema_text() -> str:
    """The payload's JSON Schema as shipped in the replica."""
    return json.dumps(Payload.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _text(value: Localized | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {"id": value.id, "en": value.get("en")}


def template_data(loaded: LoadedProfile) -> dict[str, Any]:
    """The normalised profile passed to copier as the `profile` answer (the dump of a `Payload`)."""
    return build_payload(loaded).model_dump(mode="json")


def build_payload(loaded: LoadedProfile) -> Payload:
    """The typed payload of a validated profile."""
    p = loaded.profile
    data = {
        "schema_version": p.schema_version,
        "province": p.province.model_dump(mode="json"),
        "app": {
            "name": p.app.name,
            "short_name": p.app.short_name or p.app.name[:12],
            "slug": p.app.slug,
            "package": p.app.package,
            "tagline": _text(p.app.tagline),
            "application_id": p.app.application_id,
            "domain": p.app.domain,
            "languages": list(p.app.languages),
        },
        "branding": {
            "primary": p.branding.primary.upper(),
            "secondary": p.branding.secondary.upper(),
            "accent": p.branding.accent.upper(),
            "text_on_primary": p.branding.text_on_primary.upper(),
            "font": p.branding.font,
            # the logo travels here once (SVG text or base64 PNG); profile.logo.write_assets writes it and its icons
            "logo": logo_payload(loaded.logo_path),
        },
        "groups": [{"code": g.code, "name": _text(g.name), "icon": g.icon} for g in p.groups],
        "agencies": [
            {
                "code": a.code,
                "name": a.name,
                "kind": a.kind.value,
                "level": a.level.value,
                "region": a.region,
                "external": a.external,
                "contact": a.contact,
            }
            for a in p.agencies
        ],
        "services": [
            {
                "code": s.code,
                "group": s.group,
                "kind": s.kind.value,
                "name": _text(s.name),
                "description": _text(s.description),
                "agency": s.agency,
                "level": s.level.value,
                "sla_days": s.sla_days,
                "keywords": list(s.keywords),
                "url": s.url,
                "attributes": [
                    {
                        "code": a.code,
                        "datatype": a.datatype.value,
                        "description": _text(a.description),
                        "required": a.required,
                        "order": a.order,
                        "values": [{"key": v.key, "name": _text(v.name)} for v in a.values],
                    }
                    for a in sorted(s.attributes, key=lambda a: a.order)
                ],
            }
            for s in p.services
        ],
        "regions": regions_csv(loaded.regions, with_province=True),
        "modules": p.modules.model_dump(mode="json"),
        "commodities": [{"code": c.code, "name": _text(c.name), "unit": c.unit} for c in p.commodities],
        "integrations": [
            {
                "code": i.code,
                "name": i.name,
                "url": i.url,
                "icon": i.icon,
                "audience": i.audience,
                "description": _text(i.description or Localized(id=i.name)),
            }
            for i in p.integrations
        ],
    }
    return Payload.model_validate(data)


if __name__ == "__main__":  # maintainers: python -m jaki_forge.replica.payload  (rewrites the shipped schema)
    from pathlib import Path

    Path(SCHEMA_FILE).write_text(payload_schema_text(), encoding="utf-8")
