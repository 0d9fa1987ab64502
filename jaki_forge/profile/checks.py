"""Semantic checks of a profile: uniqueness, references, regions, colours, logo, timezone."""

from __future__ import annotations

import difflib
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from jaki_forge.profile.colours import AA_NORMAL_TEXT, contrast_ratio
from jaki_forge.profile.logo import inspect_logo
from jaki_forge.profile.model import (
    Agency,
    Branding,
    Commodity,
    Group,
    Integration,
    Modules,
    Profile,
    Province,
    Service,
)
from jaki_forge.regions.codes import Region

Report = Callable[..., None]


def known(values: Iterable[str], *, limit: int = 8) -> str:
    """A short list of known values for an error message."""
    items = sorted(values)
    shown = ", ".join(items[:limit])
    return shown + (f", … ({len(items)} in all)" if len(items) > limit else "")


def suggestion(value: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint, or an empty string."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def check_unique(items: list[Any], label: str, path: str, report: Report) -> None:
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


@dataclass
class Parts:
    """The parts of a profile that passed validation; a list is None unless every entry of it did.

    `services` holds the entries that passed, by index, so checks of one service still run when another failed.
    """

    province: Province | None = None
    branding: Branding | None = None
    modules: Modules | None = None
    groups: list[Group] | None = None
    agencies: list[Agency] | None = None
    services: dict[int, Service] = field(default_factory=dict)
    commodities: list[Commodity] | None = None
    integrations: list[Integration] | None = None

    @classmethod
    def of(cls, profile: Profile) -> Parts:
        """Every part of a valid profile."""
        return cls(
            profile.province,
            profile.branding,
            profile.modules,
            list(profile.groups),
            list(profile.agencies),
            dict(enumerate(profile.services)),
            list(profile.commodities),
            list(profile.integrations),
        )

    @classmethod
    def parsed(cls, data: dict[str, Any]) -> Parts:
        """The parts of raw profile data that validate on their own (the rest is reported by the model)."""
        services: dict[int, Service] = {}
        raw_services = data.get("services")
        for index, item in enumerate(raw_services if isinstance(raw_services, list) else []):
            service = _valid(Service, item)
            if service is not None:
                services[index] = service
        return cls(
            _valid(Province, data.get("province")),
            _valid(Branding, data.get("branding")),
            _valid(Modules, data.get("modules", {})),
            _valid_list(Group, data.get("groups")),
            _valid_list(Agency, data.get("agencies")),
            services,
            _valid_list(Commodity, data.get("commodities", [])),
            _valid_list(Integration, data.get("integrations", [])),
        )


def _valid(model: type[BaseModel], raw: object) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


def _valid_list(model: type[BaseModel], raw: object) -> list[Any] | None:
    if not isinstance(raw, list):
        return None
    items = [_valid(model, item) for item in raw]
    return None if any(item is None for item in items) else items


def check_profile(profile: Profile | Parts, regions: list[Region] | None, base: Path, report: Report) -> None:
    """Run every semantic check whose parts are valid, calling `report(path, message, hint=...)` for each problem.

    `regions` is None when the regions could not be read; checks that need them are skipped.
    """
    parts = profile if isinstance(profile, Parts) else Parts.of(profile)
    for items, label, path in (
        (parts.groups, "group", "groups"),
        (parts.agencies, "agency", "agencies"),
        (parts.commodities, "commodity", "commodities"),
        (parts.integrations, "integration", "integrations"),
    ):
        if items is not None:
            check_unique(items, label, path, report)
    _check_unique_services(parts.services, report)
    _check_references(parts, regions, report)
    _check_attributes(parts.services, report)
    if parts.branding is not None:
        _check_branding(parts.branding, base, report)
    if parts.province is not None:
        _check_timezone(parts.province, report)
    if parts.modules is not None and parts.commodities is not None and parts.modules.prices and not parts.commodities:
        report(
            ("modules", "prices"),
            "the prices module is on but no commodities are listed",
            hint="list the commodities to track, or set modules.prices: false",
        )


def _check_unique_services(services: dict[int, Service], report: Report) -> None:
    first: dict[str, int] = {}
    for index, service in services.items():
        if service.code in first:
            report(
                ("services", index, "code"),
                f"duplicate service code '{service.code}' (also services[{first[service.code]}])",
                hint="give each service its own code",
            )
        else:
            first[service.code] = index


def _check_references(parts: Parts, regions: list[Region] | None, report: Report) -> None:
    groups = {g.code for g in parts.groups} if parts.groups is not None else None
    agencies = {a.code: a for a in parts.agencies} if parts.agencies is not None else None
    for index, service in parts.services.items():
        if groups is not None and service.group not in groups:
            report(
                ("services", index, "group"),
                f"unknown group '{service.group}' (known: {known(groups)})",
                hint=suggestion(service.group, groups) or "add the group under 'groups'",
            )
        if agencies is not None and service.agency not in agencies:
            report(
                ("services", index, "agency"),
                f"unknown agency '{service.agency}' (known: {known(agencies)})",
                hint=suggestion(service.agency, agencies) or "add the agency under 'agencies'",
            )
    if regions is None or parts.agencies is None:
        return
    region_codes = {r.code for r in regions}
    province = next((r.code for r in regions if r.level == 1), "")
    for index, agency in enumerate(parts.agencies):
        if agency.region not in region_codes:
            report(
                ("agencies", index, "region"),
                f"unknown region '{agency.region}'",
                hint=f"use the province code '{province}' or a code from the regions list",
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


def _check_attributes(services: dict[int, Service], report: Report) -> None:
    for s_index, service in services.items():
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


def _check_branding(branding: Branding, base: Path, report: Report) -> None:
    ratio = contrast_ratio(branding.primary, branding.text_on_primary)
    if ratio < AA_NORMAL_TEXT:
        report(
            ("branding", "primary"),
            f"text colour {branding.text_on_primary} on primary {branding.primary} has contrast {ratio:.2f}:1, "
            f"below the WCAG AA minimum of {AA_NORMAL_TEXT}:1",
            hint="darken the primary colour (for white text) or change branding.text_on_primary",
        )
    for problem in inspect_logo(base / branding.logo):
        if problem.line is None:
            report(("branding", "logo"), problem.message, hint=problem.hint)
        else:  # a problem inside the logo file is located there
            where = str(base / branding.logo)
            report(("branding", "logo"), problem.message, hint=problem.hint, file=where, line=problem.line)


def _check_timezone(province: Province, report: Report) -> None:
    name = province.timezone
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
