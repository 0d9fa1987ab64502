"""Loading a province profile: YAML with positions, model validation, regions, semantic checks."""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .checks import check_profile, suggestion
from .errors import Problem, ProfileError
from .model import CODE_PATTERN, COLOUR_PATTERN, KEY_PATTERN, Profile
from .regions import RawRegion, Region, build_regions, level_counts, read_regions_csv
from .yamlsource import YamlDocument, dotted, load_yaml_mapping, read_text

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
    """Read and validate a profile; raise ProfileError listing every problem found."""
    path = Path(path)
    display = str(path)
    doc = load_yaml_mapping(path, display=display)
    try:
        profile = Profile.model_validate(doc.data)
    except ValidationError as error:
        raise ProfileError(sorted(_translate(error, doc), key=_order)) from None
    problems: list[Problem] = []
    regions, region_problems = _load_regions(profile, doc, path.parent)
    problems.extend(region_problems)

    def report(where: tuple, message: str, *, hint: str = "") -> None:
        problems.append(doc.problem(where, message, hint=hint))

    if not region_problems:
        check_profile(profile, regions, path.parent, report)
    if problems:
        raise ProfileError(sorted(problems, key=_order))
    return LoadedProfile(profile, regions, path, display, level_counts(regions))


def _order(problem: Problem) -> tuple:
    return (problem.file, problem.line or 0, problem.column or 0)


def _load_regions(profile: Profile, doc: YamlDocument, base: Path) -> tuple[list[Region], list[Problem]]:
    source = profile.regions
    province = profile.province
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
    csv_path = base / source.file
    display = str(Path(doc.file).parent / source.file)
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


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The pydantic model that holds the field at `loc` (its last element)."""
    model: typing.Any = Profile
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
        model = _unwrap(annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _unwrap(annotation: typing.Any) -> typing.Any:
    for arg in typing.get_args(annotation) or ():
        inner = _unwrap(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return annotation


VALUE_HINTS = {
    "slug": "use lowercase letters, digits and hyphens, e.g. lampung-in",
    "application_id": "write it like id.go.lampungprov.lampungin",
    "domain": "write the bare host name, without https:// or a path",
    "languages": "write languages: [id, en]",
    "name": "write the name as plain text",
    "regions": "keep either 'file' or 'items'",
}


def _value_hint(loc: tuple) -> str:
    """A fix for a failed field validator, chosen by where it failed."""
    named = [part for part in loc if isinstance(part, str)]
    if named and named[-1] in VALUE_HINTS:
        return VALUE_HINTS[named[-1]]
    if named and named[-1] == "attributes":
        return "add 'values:' as a list of {key, name}, or use the string, text, number or datetime datatype"
    if named and named[-1] == "services":
        return "add 'url: https://…', or change 'kind' to report, application or information"
    return ""


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if value is None:
        return "nothing (null)"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"'{value}'"


def _translate(error: ValidationError, doc: YamlDocument) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(part for part in item["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        kind = item["type"]
        ctx = item.get("ctx") or {}
        value = item.get("input")
        hint = ""
        path = loc
        if kind == "missing":
            message = f"missing required field '{loc[-1]}'"
            path = loc[:-1]
            hint = f"add '{loc[-1]}:' to {dotted(loc[:-1]) or 'the top level'}"
        elif kind == "extra_forbidden":
            model = _model_at(loc)
            fields = list(model.model_fields) if model else []
            message = f"unknown field '{loc[-1]}'"
            hint = suggestion(str(loc[-1]), fields) or (f"allowed here: {', '.join(fields)}" if fields else "")
        elif kind == "string_pattern_mismatch":
            message = f"{_describe(value)} is not valid here (expected pattern {ctx.get('pattern')})"
            hint = PATTERN_HINTS.get(ctx.get("pattern", ""), "")
        elif kind in ("literal_error", "enum"):
            message = f"{_describe(value)} is not allowed; expected {ctx.get('expected')}"
        elif kind == "value_error":
            message = str(ctx.get("error", item["msg"]))
            hint = _value_hint(loc)
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            message = f"expected a mapping of keys to values, found {_describe(value)}"
        elif kind == "list_type":
            message = f"expected a list, found {_describe(value)}"
        elif kind == "string_type":
            message = f"expected text, found {_describe(value)}"
            hint = 'quote the value, e.g. code: "18"' if isinstance(value, int) else ""
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            message = f"expected a whole number, found {_describe(value)}"
        elif kind in ("bool_type", "bool_parsing"):
            message = f"expected true or false, found {_describe(value)}"
        elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            message = f"{_describe(value)} is out of range: {item['msg'].lower()}"
        elif kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
            message = f"{_describe(value)} is too {'short' if 'short' in kind else 'long'}: {item['msg'].lower()}"
        else:
            message = item["msg"]
        problems.append(doc.problem(path, message, hint=hint))
    return problems
