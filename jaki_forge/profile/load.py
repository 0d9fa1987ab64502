"""Loading a province profile: YAML with positions, model validation, regions, semantic checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jaki_forge.errors import Problem, ProfileError
from jaki_forge.profile.checks import Parts, check_profile
from jaki_forge.profile.model import CODE_PATTERN, COLOUR_PATTERN, KEY_PATTERN, Profile, Province, Regions
from jaki_forge.profile.validation import translate
from jaki_forge.profile.yamlsource import YamlDocument, dotted, load_yaml_mapping, read_text
from jaki_forge.regions.codes import RawRegion, Region, build_regions, level_counts, read_regions_csv

PATTERN_HINTS = {
    CODE_PATTERN: "use uppercase letters, digits and single hyphens, e.g. DINAS-PU",
    KEY_PATTERN: "use lowercase letters, digits and single hyphens, e.g. infrastruktur",
    COLOUR_PATTERN: "write colours as #RRGGBB, e.g. #0B6E4F",
}


@dataclass(frozen=True)
class LoadedProfile:
    """A validated profile with its regions and the files it was read from."""

    profile: Profile
    regions: list[Region]
    path: Path
    display: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def base(self) -> Path:
        """The directory that relative paths in the profile start from."""
        return self.path.parent

    @property
    def logo_path(self) -> Path:
        """The logo file."""
        return self.base / self.profile.branding.logo


def load_profile(path: str | Path) -> LoadedProfile:
    """Read and validate a profile; raise ProfileError listing every problem found.

    Semantic checks run on every part that is valid on its own, so one run reports the shape errors
    of some parts together with, say, an unknown timezone or a low contrast in others.
    """
    path = Path(path)
    display = str(path)
    doc = load_yaml_mapping(path, display=display)
    problems: list[Problem] = []
    profile: Profile | None = None
    try:
        profile = Profile.model_validate(doc.data)
        parts = Parts.of(profile)
        source: Regions | None = profile.regions
    except ValidationError as error:
        problems.extend(translate(error, doc, model=Profile, hints=_hint))
        parts = Parts.parsed(doc.data)
        source = _parsed_regions(doc.data)
    regions: list[Region] | None = None
    if parts.province is not None and source is not None:
        loaded_regions, region_problems = _load_regions(source, parts.province, doc, path.parent)
        problems.extend(region_problems)
        regions = None if region_problems else loaded_regions

    def report(
        where: tuple[Any, ...], message: str, *, hint: str = "", file: str | None = None, line: int | None = None
    ) -> None:
        if file is None:
            problems.append(doc.problem(where, message, hint=hint))
        else:
            problems.append(Problem(file, message, field=dotted(where), line=line, hint=hint))

    check_profile(parts, regions, path.parent, report)
    if problems or profile is None or regions is None:
        raise ProfileError(sorted(problems, key=_order))
    return LoadedProfile(profile, regions, path, display, level_counts(regions))


def _parsed_regions(data: dict[str, Any]) -> Regions | None:
    try:
        return Regions.model_validate(data.get("regions"))
    except ValidationError:
        return None


def _order(problem: Problem) -> tuple[Any, ...]:
    return (problem.file, problem.line or 0, problem.column or 0)


def _load_regions(
    source: Regions, province: Province, doc: YamlDocument, base: Path
) -> tuple[list[Region], list[Problem]]:
    if source.items is not None:
        raw = [
            RawRegion(
                item.code,
                item.name,
                item.parent,
                item.kind,
                item.postal_code,
                None,
                doc.file,
                doc.position(("regions", "items", index))[0],
                f"regions.items[{index}]",
            )
            for index, item in enumerate(source.items)
        ]
        return build_regions(raw, province_code=province.code, province_name=province.name)
    file = source.file or ""
    csv_path = base / file
    display = str(Path(doc.file).parent / file)
    try:
        text = read_text(csv_path, display=display, what="regions file")
    except ProfileError as error:
        line, column = doc.position(("regions", "file"))
        return [], [
            Problem(
                doc.file,
                f"{p.message} ({p.file})",
                field="regions.file",
                line=line,
                column=column,
                hint=p.hint or "run `jaki-forge regions import` to write it",
            )
            for p in error.problems
        ]
    raw, problems = read_regions_csv(csv_path, display=display, text=text)
    if problems:
        return [], problems
    regions, problems = build_regions(raw, province_code=province.code, province_name=province.name)
    if not problems and len(regions) == 1:
        line, column = doc.position(("regions", "file"))
        problems = [
            Problem(
                doc.file,
                f"the regions file {display} lists no regions",
                field="regions.file",
                line=line,
                column=column,
                hint="run `jaki-forge regions import` to fill it",
            )
        ]
    return regions, problems


VALUE_HINTS = {
    "slug": "use lowercase letters, digits and hyphens, e.g. lampung-in",
    "application_id": "write it like id.go.lampungprov.lampungin",
    "domain": "write the bare host name, without https:// or a path",
    "languages": "write languages: [id, en]",
    "name": "write the name as plain text",
    "contact": "write an e-mail address such as pengaduan@lampungprov.go.id or an https:// address",
    "regions": "keep either 'file' or 'items'",
}


def _hint(kind: str, loc: tuple[Any, ...], ctx: dict[str, Any]) -> str:
    """A fix for a profile problem, chosen by the kind of error and where it is."""
    if kind == "string_pattern_mismatch":
        return PATTERN_HINTS.get(ctx.get("pattern", ""), "")
    if kind != "value_error":
        return ""
    error = str(ctx.get("error", ""))
    if error.startswith("must be on one line"):
        return "write it on one line; only descriptions may span lines"
    if error.startswith(("contains the control character", "contains the line break", "contains the text-direction")):
        return "remove the invisible character (it often comes with text copied from another program)"
    named = [part for part in loc if isinstance(part, str)]
    if named and named[-1] in VALUE_HINTS:
        return VALUE_HINTS[named[-1]]
    if named and named[-1] == "attributes":
        return "add 'values:' as a list of {key, name}, or use the string, text, number or datetime datatype"
    if named and named[-1] == "services":
        return "add 'url: https://…', or change 'kind' to report, application or information"
    return ""
