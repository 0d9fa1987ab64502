"""The profile as the data the copier template receives (see the `profile` question)."""

from __future__ import annotations

from typing import Any

from jaki_forge.profile.load import LoadedProfile
from jaki_forge.profile.logo import logo_payload
from jaki_forge.profile.model import Localized
from jaki_forge.regions.codes import regions_csv


def _text(value: Localized | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {"id": value.id, "en": value.get("en")}


def template_data(loaded: LoadedProfile) -> dict[str, Any]:
    """The normalised profile dict passed to copier as the `profile` answer."""
    p = loaded.profile
    return {
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
        # one CSV text, not a list: the answers file stays small and fast to parse (copier reads it in pure Python)
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
