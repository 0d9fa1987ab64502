"""A short account of a validated profile: app, services per group, regions per level."""

from __future__ import annotations

from collections import Counter
from typing import Any

from jaki_forge.profile.load import LoadedProfile


def profile_summary(loaded: LoadedProfile) -> dict[str, Any]:
    """Counts and names that tell a reader what a profile holds."""
    p = loaded.profile
    per_group = Counter(s.group for s in p.services)
    kinds = Counter(r.kind for r in loaded.regions if r.level == 2)
    villages = Counter(r.kind or "unknown" for r in loaded.regions if r.level == 4)
    return {
        "profile": loaded.display,
        "app": {"name": p.app.name, "slug": p.app.slug, "domain": p.app.domain},
        "province": {"code": p.province.code, "name": p.province.name, "timezone": p.province.timezone},
        "services": len(p.services),
        "services_per_group": {g.code: per_group.get(g.code, 0) for g in p.groups},
        "agencies": len(p.agencies),
        "regions": dict(loaded.counts),
        "regencies": {"kabupaten": kinds.get("kabupaten", 0), "kota": kinds.get("kota", 0)},
        "villages": dict(sorted(villages.items())),
        "modules": [name for name, on in p.modules.model_dump().items() if on],
        "commodities": len(p.commodities),
        "integrations": len(p.integrations),
    }


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The summary as lines of text for the terminal."""
    regions = summary["regions"]
    lines = [
        f"{summary['profile']}: valid",
        f"App:       {summary['app']['name']} ({summary['app']['slug']}, {summary['app']['domain']})",
        f"Province:  {summary['province']['name']} ({summary['province']['code']}), {summary['province']['timezone']}",
        f"Services:  {summary['services']} in {len(summary['services_per_group'])} groups, "
        f"handled by {summary['agencies']} agencies",
    ]
    lines += [f"  {group:<20} {count}" for group, count in summary["services_per_group"].items()]
    regencies = summary["regencies"]
    villages = ", ".join(f"{n} {k}" for k, n in summary["villages"].items()) or "none"
    lines += [
        "Regions:",
        f"  kabupaten/kota       {regions['regency']} ({regencies['kabupaten']} kabupaten, {regencies['kota']} kota)",
        f"  kecamatan            {regions['district']}",
        f"  desa/kelurahan       {regions['village']} ({villages})",
        f"Modules:   {', '.join(summary['modules']) or 'none'}",
        f"Commodities: {summary['commodities']}, integrations: {summary['integrations']}",
    ]
    return lines
