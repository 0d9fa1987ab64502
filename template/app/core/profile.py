"""Typed access to the province profile generated into `app/data/profile.json` and `regions.csv`."""

from __future__ import annotations

import csv
import json
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

PROFILE_FILE = Path(__file__).resolve().parent.parent / "data" / "profile.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Text(_Model):
    """A text in Indonesian (`id`) with an optional English (`en`) version."""

    id: str
    en: str | None = None

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to Indonesian."""
        return self.en if lang == "en" and self.en else self.id


class Province(_Model):
    """The province the replica serves."""

    code: str
    name: str
    iso_code: str | None = None
    capital: str | None = None
    timezone: str = "Asia/Jakarta"


class AppInfo(_Model):
    """Name and identifiers of the app."""

    name: str
    short_name: str
    slug: str
    package: str | None = None
    tagline: Text | None = None
    application_id: str | None = None
    domain: str | None = None
    languages: list[str] = ["id", "en"]


class Logo(_Model):
    """The logo's file name and media type; the generator writes the file into app/static."""

    filename: str
    media_type: str


class Branding(_Model):
    """Colours, font and logo."""

    primary: str
    secondary: str
    accent: str
    text_on_primary: str = "#FFFFFF"
    font: str | None = None
    logo: Logo | None = None


class Group(_Model):
    """A section of the service catalogue."""

    code: str
    name: Text
    icon: str | None = None


class Agency(_Model):
    """A government unit or outside body that handles services."""

    code: str
    name: str
    kind: str
    level: str
    region: str
    external: bool = False
    contact: str | None = None


class AttributeValue(_Model):
    """One allowed value of a list attribute."""

    key: str
    name: Text


class Attribute(_Model):
    """An Open311 attribute a request for a service carries."""

    code: str
    datatype: str
    description: Text
    required: bool = False
    order: int = 0
    values: list[AttributeValue] = []


class Service(_Model):
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
    attributes: list[Attribute] = []


class RegionEntry(_Model):
    """An administrative region."""

    code: str
    parent: str | None = None
    level: int
    kind: str | None = None
    name: str
    postal_code: str | None = None


class Modules(_Model):
    """Feature switches."""

    reports: bool = True
    news: bool = True
    prices: bool = False  # as in the profile (tests/core/test_payload.py checks the two agree)
    integrations: bool = True


class Commodity(_Model):
    """A commodity whose market price is published."""

    code: str
    name: Text
    unit: str


class Integration(_Model):
    """An existing regional app linked from the platform."""

    code: str
    name: str
    url: str
    icon: str | None = None
    audience: str
    description: Text


class Profile(_Model):
    """The whole province profile."""

    schema_version: int = 1
    province: Province
    app: AppInfo
    branding: Branding
    groups: list[Group] = []
    agencies: list[Agency] = []
    services: list[Service] = []
    regions: list[RegionEntry] = []
    modules: Modules = Modules()
    commodities: list[Commodity] = []
    integrations: list[Integration] = []


def read_regions(path: Path) -> list[dict[str, object]]:
    """Regions from a CSV with the columns code,parent,level,kind,name,postal_code."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "code": row["code"],
                "parent": row["parent"] or None,
                "level": int(row["level"]),
                "kind": row["kind"] or None,
                "name": row["name"],
                "postal_code": row["postal_code"] or None,
            }
            for row in csv.DictReader(handle)
        ]


def read_profile(path: Path) -> Profile:
    """Parse a profile JSON file and the `regions.csv` beside it."""
    data = json.loads(path.read_bytes())
    regions = path.with_name("regions.csv")
    if regions.is_file():
        data["regions"] = read_regions(regions)
    return Profile.model_validate(data)


@lru_cache
def get_profile() -> Profile:
    """The profile generated into this project, read once."""
    return read_profile(PROFILE_FILE)
