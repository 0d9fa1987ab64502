"""Semantic checks of a profile: uniqueness, references, regions, colours, logo, timezone."""

from __future__ import annotations

import difflib
import xml.etree.ElementTree as ET
import zoneinfo
from collections.abc import Callable, Iterable
from pathlib import Path

from jaki_forge.profile.colours import AA_NORMAL_TEXT, contrast_ratio
from jaki_forge.profile.model import Profile
from jaki_forge.regions.codes import Region

Report = Callable[..., None]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def known(values: Iterable[str], *, limit: int = 8) -> str:
    """A short list of known values for an error message."""
    items = sorted(values)
    shown = ", ".join(items[:limit])
    return shown + (f", … ({len(items)} in all)" if len(items) > limit else "")


def suggestion(value: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint, or an empty string."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def check_unique(items: list, label: str, path: str, report: Report) -> None:
    """Report every item whose code repeats an earlier one."""
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.code in first:
            report(
                (path, index, "code"),
                f"duplicate {label} code '{item.code}' (also {path}[{first[item.code]}])",
                hint=f"give each {label} its own code",
            )
        else:
            first[item.code] = index


def check_profile(profile: Profile, regions: list[Region], base: Path, report: Report) -> None:
    """Run every semantic check, calling `report(path, message, hint=...)` for each problem."""
    check_unique(profile.groups, "group", "groups", report)
    check_unique(profile.agencies, "agency", "agencies", report)
    check_unique(profile.services, "service", "services", report)
    check_unique(profile.commodities, "commodity", "commodities", report)
    check_unique(profile.integrations, "integration", "integrations", report)
    _check_references(profile, regions, report)
    _check_attributes(profile, report)
    _check_branding(profile, base, report)
    _check_timezone(profile, report)
    if profile.modules.prices and not profile.commodities:
        report(
            ("modules", "prices"),
            "the prices module is on but no commodities are listed",
            hint="list the commodities to track, or set modules.prices: false",
        )


def _check_references(profile: Profile, regions: list[Region], report: Report) -> None:
    groups = {g.code for g in profile.groups}
    agencies = {a.code: a for a in profile.agencies}
    region_codes = {r.code for r in regions}
    for index, service in enumerate(profile.services):
        if service.group not in groups:
            report(
                ("services", index, "group"),
                f"unknown group '{service.group}' (known: {known(groups)})",
                hint=suggestion(service.group, groups) or "add the group under 'groups'",
            )
        if service.agency not in agencies:
            report(
                ("services", index, "agency"),
                f"unknown agency '{service.agency}' (known: {known(agencies)})",
                hint=suggestion(service.agency, agencies) or "add the agency under 'agencies'",
            )
    for index, agency in enumerate(profile.agencies):
        if agency.region not in region_codes:
            report(
                ("agencies", index, "region"),
                f"unknown region '{agency.region}'",
                hint=f"use the province code '{profile.province.code}' or a code from the regions list",
            )
            continue
        depth = agency.region.count(".") + 1
        if depth > agency.level.depth:
            report(
                ("agencies", index, "level"),
                f"a {agency.level.value}-level agency cannot sit in region '{agency.region}', "
                f"which is a {('province', 'regency', 'district', 'village')[depth - 1]}",
                hint="raise the agency's level or place it in a higher region",
            )


def _check_attributes(profile: Profile, report: Report) -> None:
    for s_index, service in enumerate(profile.services):
        seen: dict[str, int] = {}
        orders: dict[int, int] = {}
        for a_index, attribute in enumerate(service.attributes):
            where = ("services", s_index, "attributes", a_index)
            if attribute.code in seen:
                report(
                    (*where, "code"),
                    f"duplicate attribute code '{attribute.code}' in service '{service.code}'",
                    hint="each attribute of a service needs its own code",
                )
            seen.setdefault(attribute.code, a_index)
            if attribute.order in orders:
                report(
                    (*where, "order"),
                    f"order {attribute.order} is already used by attributes[{orders[attribute.order]}]",
                    hint="number the attributes 1, 2, 3, …",
                )
            orders.setdefault(attribute.order, a_index)
            keys: set[str] = set()
            for v_index, value in enumerate(attribute.values):
                if value.key in keys:
                    report(
                        (*where, "values", v_index, "key"),
                        f"duplicate value key '{value.key}'",
                        hint="each value of a list needs its own key",
                    )
                keys.add(value.key)


def _check_branding(profile: Profile, base: Path, report: Report) -> None:
    branding = profile.branding
    ratio = contrast_ratio(branding.primary, branding.text_on_primary)
    if ratio < AA_NORMAL_TEXT:
        report(
            ("branding", "primary"),
            f"text colour {branding.text_on_primary} on primary {branding.primary} has contrast {ratio:.2f}:1, "
            f"below the WCAG AA minimum of {AA_NORMAL_TEXT}:1",
            hint="darken the primary colour (for white text) or change branding.text_on_primary",
        )
    logo_problem = inspect_logo(base / branding.logo)
    if logo_problem:
        report(("branding", "logo"), logo_problem[0], hint=logo_problem[1])


def inspect_logo(path: Path) -> tuple[str, str] | None:
    """Why the file at `path` is not a usable SVG or PNG logo, with a hint; None when it is."""
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        return f"logo '{path.name}' must be an .svg or .png file", "convert the logo to SVG (preferred) or PNG"
    if not path.is_file():
        return f"logo file not found: {path}", "the path is relative to the profile file"
    data = path.read_bytes()
    if suffix == ".png":
        if not data.startswith(PNG_MAGIC):
            return f"logo '{path.name}' is not a PNG image", "export the logo as a real PNG file"
        return None
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        return f"logo '{path.name}' is not valid SVG: {error}", "open it in an SVG editor and save it again"
    if root.tag not in ("{http://www.w3.org/2000/svg}svg", "svg"):
        return f"logo '{path.name}' is XML but its root element is not <svg>", "export the logo as SVG"
    return None


def _check_timezone(profile: Profile, report: Report) -> None:
    name = profile.province.timezone
    try:
        valid = name in zoneinfo.available_timezones()
    except Exception:  # pragma: no cover - no tz database at all
        valid = False
    if not valid:
        report(
            ("province", "timezone"),
            f"unknown IANA timezone '{name}'",
            hint=suggestion(name, zoneinfo.available_timezones())
            or "Indonesia uses Asia/Jakarta, Asia/Makassar or Asia/Jayapura",
        )
