"""The province profile as pydantic models: the shape and field-level rules of a profile."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from jaki_forge.safetext import paragraph, single_line

CODE_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$"
KEY_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
ATTRIBUTE_PATTERN = r"^[a-z][a-z0-9_]*$"
COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
URL_PATTERN = r"^https://\S+$"
# What each pattern means, for messages: a reader is told the rule in words, never the regex.
PATTERN_WORDS = {
    CODE_PATTERN: "uppercase letters, digits and single hyphens, starting with a letter",
    KEY_PATTERN: "lowercase letters, digits and single hyphens, starting with a letter",
    ATTRIBUTE_PATTERN: "lowercase letters, digits and '_', starting with a letter",
    COLOUR_PATTERN: "a colour written as # and six hexadecimal digits",
    URL_PATTERN: "an https:// address without spaces",
    r"^\d{2}$": "two digits",
    r"^\d{5}$": "five digits",
    r"^ID-[A-Z]{2}$": "an ISO 3166-2 code: ID- and two capital letters",
    r"^[a-z0-9][a-z0-9_-]*$": "lowercase letters, digits, '_' and '-', starting with a letter or digit",
}
# Names Windows reserves for devices: a directory or file so named cannot be created or checked out there.
RESERVED_SLUGS = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))]
)


def check_safe(value: str) -> str:
    """Refuse text that would escape a directory or be read as template syntax."""
    if "/" in value or "\\" in value:
        raise ValueError("must not contain path separators ('/' or '\\')")
    if ".." in value:
        raise ValueError("must not contain '..'")
    if re.search(r"\{\{|\}\}|\{%|%\}|\{#|#\}", value):
        raise ValueError("must not contain template syntax ('{{', '{%' or '{#')")
    return value


Line = Annotated[str, AfterValidator(single_line)]
SafeCode = Annotated[str, Field(pattern=CODE_PATTERN, max_length=40)]
SafeKey = Annotated[str, Field(pattern=KEY_PATTERN, max_length=40)]
Colour = Annotated[str, Field(pattern=COLOUR_PATTERN, examples=["#0B6E4F"])]
Text = Annotated[str, Field(min_length=1), AfterValidator(single_line)]
Paragraph = Annotated[str, Field(min_length=1), AfterValidator(paragraph)]
Url = Annotated[str, Field(pattern=URL_PATTERN, max_length=2000), AfterValidator(single_line)]


class Strict(BaseModel):
    """Base of every profile model: unknown keys are errors, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Localized(Strict):
    """A one-line text in Indonesian (required) and English (optional, falls back to Indonesian)."""

    id: Text
    en: Text | None = None

    def get(self, language: str) -> str:
        """The text in `language`, or the Indonesian text when that language is missing."""
        return (self.en if language == "en" else None) or self.id


class LocalizedParagraph(Localized):
    """A text that may span lines, in Indonesian (required) and English (optional)."""

    id: Paragraph
    en: Paragraph | None = None


class Level(StrEnum):
    """A level of the administrative hierarchy."""

    province = "province"
    regency = "regency"
    district = "district"
    village = "village"

    @property
    def depth(self) -> int:
        """1 for province … 4 for village: the number of segments of a code at this level."""
        return LEVEL_DEPTH[self]


LEVEL_DEPTH = {Level.province: 1, Level.regency: 2, Level.district: 3, Level.village: 4}


class Province(Strict):
    """The province the replica serves."""

    code: Annotated[str, Field(pattern=r"^\d{2}$", description="Kemendagri province code, e.g. '18'")]
    name: Text
    iso_code: Annotated[str, Field(pattern=r"^ID-[A-Z]{2}$", description="ISO 3166-2 code, e.g. ID-LA")]
    capital: Text
    timezone: Annotated[Line, Field(description="IANA timezone, e.g. Asia/Jakarta")]


class App(Strict):
    """The replica's identity: name, slug, ids and languages."""

    name: Annotated[Line, Field(min_length=1, max_length=40)]
    short_name: Annotated[Line | None, Field(min_length=1, max_length=12)] = None
    slug: Annotated[Line, Field(max_length=40, description="directory, Python and Docker safe name")]
    tagline: Localized
    application_id: Annotated[Line, Field(description="Android-style application id, e.g. id.go.lampungprov.lampungin")]
    domain: Annotated[Line, Field(description="public domain name, e.g. lampungin.lampungprov.go.id")]
    languages: list[Literal["id", "en"]] = ["id", "en"]

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value: str) -> str:
        if re.search(r"\{\{|\{%|\{#", value):
            raise ValueError("must not contain template syntax ('{{', '{%' or '{#')")
        return value

    @field_validator("slug")
    @classmethod
    def _safe_slug(cls, value: str) -> str:
        check_safe(value)
        if not re.fullmatch(KEY_PATTERN, value):
            raise ValueError(f"'{value}' is not a safe slug (it names the replica's directory and Docker image)")
        if value in RESERVED_SLUGS:
            raise ValueError(f"'{value}' is a name Windows reserves for a device; a directory cannot be called that")
        return value

    @field_validator("application_id")
    @classmethod
    def _application_id(cls, value: str) -> str:
        check_safe(value)
        if not re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+", value):
            raise ValueError(
                f"'{value}' is not an Android-style application id: "
                "two or more dot-separated parts of lowercase letters, digits and '_', each starting with a letter"
            )
        return value

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        check_safe(value)
        if not re.fullmatch(r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}", value):
            raise ValueError(f"'{value}' is not a domain name such as lampungin.lampungprov.go.id")
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        if not value or value[0] != "id":
            raise ValueError("must start with 'id' (Indonesian is the default language)")
        if len(set(value)) != len(value):
            raise ValueError("lists a language twice")
        return value

    @property
    def package(self) -> str:
        """The slug as a Python identifier."""
        return self.slug.replace("-", "_")


class Branding(Strict):
    """Colours, logo and font of the replica."""

    primary: Colour
    secondary: Colour
    accent: Colour
    text_on_primary: Colour = "#FFFFFF"
    logo: Annotated[Line, Field(min_length=1, description="SVG or PNG file, relative to the profile")]
    font: Annotated[Line, Field(min_length=1, max_length=100)] | None = None


class Group(Strict):
    """A section of the service catalogue."""

    code: SafeKey
    name: Localized
    icon: SafeKey | None = None


class AgencyKind(StrEnum):
    """What kind of organisation an agency is."""

    dinas = "dinas"
    badan = "badan"
    biro = "biro"
    satpol = "satpol"
    kecamatan = "kecamatan"
    kelurahan = "kelurahan"
    desa = "desa"
    other = "other"


class Agency(Strict):
    """An organisation that handles work (OPD, badan, district or village office)."""

    code: SafeCode
    name: Text
    kind: AgencyKind = AgencyKind.dinas
    level: Level
    region: Annotated[Line, Field(min_length=2, description="code of the region the agency sits in")]
    external: bool = False
    contact: Annotated[Line, Field(description="an https:// address or an e-mail address")] | None = None

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str | None) -> str | None:
        if value is None or re.fullmatch(URL_PATTERN, value):
            return value
        from email_validator import EmailNotValidError, validate_email

        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError as error:
            raise ValueError(
                f"'{value}' is neither an https:// address nor an e-mail address ({str(error).rstrip('.')})"
            ) from None
        return value


class Datatype(StrEnum):
    """Open311 attribute datatypes."""

    string = "string"
    number = "number"
    datetime = "datetime"
    text = "text"
    singlevaluelist = "singlevaluelist"
    multivaluelist = "multivaluelist"


class AttributeValue(Strict):
    """One choice of a single/multi value list attribute."""

    key: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    name: Localized


class Attribute(Strict):
    """An Open311 attribute: one extra question a service asks."""

    code: Annotated[str, Field(pattern=ATTRIBUTE_PATTERN, max_length=40)]
    datatype: Datatype
    description: LocalizedParagraph
    required: bool = False
    order: Annotated[int, Field(ge=1)]
    values: list[AttributeValue] = []

    @model_validator(mode="after")
    def _values_match_datatype(self) -> Attribute:
        listed = self.datatype in (Datatype.singlevaluelist, Datatype.multivaluelist)
        if listed and not self.values:
            raise ValueError(f"a {self.datatype.value} attribute needs at least one entry in 'values'")
        if not listed and self.values:
            raise ValueError(f"a {self.datatype.value} attribute takes no 'values' (only value lists do)")
        return self


class ServiceKind(StrEnum):
    """What a catalogue entry does."""

    report = "report"
    application = "application"
    information = "information"
    link = "link"


class Service(Strict):
    """One entry of the service catalogue."""

    code: SafeCode
    group: SafeKey
    kind: ServiceKind
    name: Localized
    description: LocalizedParagraph
    agency: SafeCode
    level: Level
    sla_days: Annotated[int, Field(ge=1, le=90, description="working days to resolve")]
    keywords: list[Text] = []
    url: Url | None = None
    attributes: list[Attribute] = []

    @model_validator(mode="after")
    def _link_has_url(self) -> Service:
        if self.kind is ServiceKind.link and not self.url:
            raise ValueError("a 'link' service needs a 'url' (https://...) to the external app")
        return self


class InlineRegion(Strict):
    """A region given inline in the profile."""

    code: Annotated[Line, Field(min_length=1)]
    name: Text
    parent: Line | None = None
    kind: Line | None = None
    postal_code: Annotated[str, Field(pattern=r"^\d{5}$")] | None = None


class Regions(Strict):
    """Where the administrative hierarchy comes from: a CSV file or an inline list."""

    file: Annotated[Line, Field(min_length=1, description="CSV file relative to the profile")] | None = None
    items: list[InlineRegion] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Regions:
        if (self.file is None) == (self.items is None):
            raise ValueError("give exactly one of 'file' (a CSV next to the profile) or 'items' (an inline list)")
        return self


class Modules(Strict):
    """Feature switches of the replica."""

    reports: bool = True
    news: bool = True
    prices: bool = False
    integrations: bool = True


class Commodity(Strict):
    """A commodity whose market price the prices module tracks."""

    code: SafeKey
    name: Localized
    unit: Text


class Integration(Strict):
    """An existing regional app brought into the platform."""

    code: SafeKey
    name: Text
    url: Url
    icon: SafeKey | None = None
    audience: Literal["citizens", "officials"]
    description: LocalizedParagraph | None = None


class Profile(Strict):
    """A province profile: everything that makes one replica differ from another."""

    model_config = ConfigDict(title="jaki-forge province profile")

    schema_version: Literal[1]
    province: Province
    app: App
    branding: Branding
    groups: Annotated[list[Group], Field(min_length=1)]
    agencies: Annotated[list[Agency], Field(min_length=1)]
    services: Annotated[list[Service], Field(min_length=1)]
    regions: Regions
    modules: Modules = Modules()
    commodities: list[Commodity] = []
    integrations: list[Integration] = []
