"""Administrative regions: Kemendagri codes, local keys, and the CSV formats they come in."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jaki_forge.errors import Problem
from jaki_forge.safetext import single_line

LEVEL_NAMES = {1: "province", 2: "regency", 3: "district", 4: "village"}
OFFICIAL_WIDTHS = (2, 2, 2, 4)
KINDS = ("provinsi", "kabupaten", "kota", "kecamatan", "kelurahan", "desa", "desa adat")
# The first digit of a village code's last segment says what the village is (Kemendagri 2025 table).
VILLAGE_KINDS = {"1": "kelurahan", "2": "desa", "3": "desa adat"}
OWN_COLUMNS = ("code", "parent", "level", "kind", "name", "postal_code")
LOCAL_SEGMENT = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class Region:
    """One region: its code (official or local key), parent, level 1-4, kind and name."""

    code: str
    parent: str | None
    level: int
    kind: str | None
    name: str
    postal_code: str | None = None

    @property
    def official(self) -> bool:
        """Whether the code is a Kemendagri code (all segments numeric)."""
        return all(part.isdigit() for part in self.code.split("."))

    def as_dict(self) -> dict[str, Any]:
        """The region as plain data for the template."""
        return {
            "code": self.code,
            "parent": self.parent,
            "level": self.level,
            "kind": self.kind,
            "name": self.name,
            "postal_code": self.postal_code,
        }


@dataclass(frozen=True, slots=True)
class RawRegion:
    """A region row as read, before its code is checked, with where it was read."""

    code: str
    name: str
    parent: str | None
    kind: str | None
    postal_code: str | None
    level: str | None
    file: str
    line: int
    field: str


def official_kind(code: str) -> str | None:
    """The kind a Kemendagri code implies, or None where the code does not say (local keys)."""
    parts = code.split(".")
    last = parts[-1]
    if not last.isdigit():
        return None
    if len(parts) == 1:
        return "provinsi"
    if len(parts) == 2:
        return "kota" if int(last) >= 71 else "kabupaten"
    if len(parts) == 3:
        return "kecamatan"
    return VILLAGE_KINDS.get(last[0], "desa")


def code_problem(code: str, province: str) -> tuple[str, str] | None:
    """Why `code` is not a valid region code under `province`, with a hint; None when it is."""
    parts = code.split(".")
    if len(parts) < 2 or len(parts) > 4:
        return (
            f"'{code}' has {len(parts)} segment(s); a region code has 2 (regency), 3 (district) or 4 (village)",
            "write Kemendagri codes as 18.71, 18.71.01 or 18.71.01.1003",
        )
    if parts[0] != province:
        return (
            f"'{code}' is not under the province's code '{province}'",
            f"every region code starts with '{province}.'",
        )
    for depth, part in enumerate(parts[1:], start=2):
        if part.isdigit():
            width = OFFICIAL_WIDTHS[depth - 1]
            if len(part) != width:
                return (
                    f"'{code}': segment {depth} '{part}' must have {width} digits",
                    "Kemendagri codes are dotted 2-2-2-4 digits, e.g. 18.71.01.1003",
                )
            if depth == 2 and not (1 <= int(part) <= 69 or 71 <= int(part) <= 99):
                return (
                    f"'{code}': regency number {part} is neither a kabupaten (01-69) nor a kota (71-99)",
                    "check the official code list",
                )
            if depth == 4 and part[0] not in VILLAGE_KINDS:
                return (
                    f"'{code}': a village code's last segment starts with 1 (kelurahan), 2 (desa) "
                    f"or 3 (desa adat), not {part[0]}",
                    "check the official code list",
                )
        elif not LOCAL_SEGMENT.fullmatch(part):
            return (
                f"'{code}': segment {depth} '{part}' is neither digits nor a local key",
                "a region without an official code uses a lowercase slug segment, e.g. 18.04.air-hitam",
            )
    return None


def read_regions_csv(path: Path, *, display: str, text: str) -> tuple[list[RawRegion], list[Problem]]:
    """Rows of a regions CSV in the official `code,name` format or the project's own format."""
    reader = csv.reader(io.StringIO(text))
    rows: list[list[str]] = []
    starts: list[int] = []  # the line each row starts on (a quoted cell may span lines)
    previous_end = 0
    for row in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
        rows.append(row)
    problems: list[Problem] = []
    if not rows:
        return [], [Problem(display, "regions file is empty", hint="run `jaki-forge regions import` to write it")]
    header = [cell.strip().lower() for cell in rows[0]]
    if header in (["code", "name"], ["kode", "nama"]):
        columns, body, first = ("code", "name"), rows[1:], 2
    elif header[:1] == ["code"] and set(header) <= set(OWN_COLUMNS) and "name" in header:
        columns, body, first = tuple(header), rows[1:], 2  # type: ignore[assignment]  # any header width
    elif len(header) == 2 and re.fullmatch(r"[\d.]+", header[0]):
        columns, body, first = ("code", "name"), rows, 1
    else:
        return [], [
            Problem(
                display,
                "the first line is not a regions CSV header jaki-forge knows (is this a regions table?)",
                line=1,
                column=1,
                hint="use the official 'code,name' table or the columns " + ",".join(OWN_COLUMNS),
            )
        ]
    out: list[RawRegion] = []
    for offset, row in enumerate(body):
        line = starts[first - 1 + offset]
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            problems.append(
                Problem(
                    display,
                    f"row has {len(row)} column(s), the header has {len(columns)}",
                    field=f"regions[{len(out)}]",
                    line=line,
                    column=1,
                    hint="quote names that contain commas",
                )
            )
            continue
        cells = {name: value.strip() for name, value in zip(columns, row, strict=True)}
        out.append(
            RawRegion(
                code=cells["code"],
                name=cells["name"],
                parent=cells.get("parent") or None,
                kind=cells.get("kind") or None,
                postal_code=cells.get("postal_code") or None,
                level=cells.get("level") or None,
                file=display,
                line=line,
                field=f"regions[{len(out)}]",
            )
        )
    return out, problems


def build_regions(
    raw: list[RawRegion], *, province_code: str, province_name: str
) -> tuple[list[Region], list[Problem]]:
    """Check region rows (codes, nesting, kinds, duplicates) and turn them into regions."""
    problems: list[Problem] = []
    seen: dict[str, RawRegion] = {}
    regions: list[Region] = []

    def bad(row: RawRegion, column: str, message: str, hint: str = "") -> None:
        problems.append(Problem(row.file, message, field=f"{row.field}.{column}", line=row.line, column=1, hint=hint))

    for row in raw:
        if row.code == province_code:
            continue  # the province's own row, as official tables list it
        issue = code_problem(row.code, province_code)
        if issue:
            bad(row, "code", issue[0], issue[1])
            continue
        if row.code in seen:
            bad(
                row,
                "code",
                f"duplicate region code '{row.code}' (first on line {seen[row.code].line})",
                "each region appears once",
            )
            continue
        seen[row.code] = row
        depth = row.code.count(".") + 1
        natural_parent = row.code.rsplit(".", 1)[0]
        if row.parent is not None and row.parent != natural_parent:
            bad(
                row,
                "parent",
                f"'{row.code}' does not nest under its parent '{row.parent}'",
                f"a region's code extends its parent's code; the parent of '{row.code}' is '{natural_parent}'",
            )
            continue
        if row.level is not None and row.level not in (str(depth), LEVEL_NAMES[depth]):
            bad(
                row,
                "level",
                f"level '{row.level}' does not match code '{row.code}' ({LEVEL_NAMES[depth]})",
                "the level follows from the number of code segments",
            )
            continue
        implied = official_kind(row.code)
        kind = row.kind
        if kind is not None and kind not in KINDS:
            bad(row, "kind", f"unknown kind '{kind}'", "use one of " + ", ".join(KINDS))
            continue
        if kind is not None and implied is not None and kind != implied:
            bad(
                row,
                "kind",
                f"kind '{kind}' contradicts code '{row.code}', which is a {implied}",
                "kabupaten 01-69, kota 71-99; villages starting 1 are kelurahan, 2 desa, 3 desa adat",
            )
            continue
        try:
            single_line(row.name)
        except ValueError as error:
            bad(row, "name", f"the name {error}", "write the name on one line, without invisible characters")
            continue
        if row.postal_code is not None and not re.fullmatch(r"\d{5}", row.postal_code):
            bad(row, "postal_code", f"postal code '{row.postal_code}' is not 5 digits")
            continue
        regions.append(
            Region(
                row.code,
                province_code if depth == 2 else natural_parent,
                depth,
                kind or implied,
                row.name,
                row.postal_code,
            )
        )
    for region in regions:
        if region.level > 2 and region.parent not in seen:
            row = seen[region.code]
            bad(
                row,
                "code",
                f"the parent '{region.parent}' of '{region.code}' is not in the regions list",
                "add the parent region or fix the code",
            )
    regions.sort(key=lambda r: sort_key(r.code))
    province = Region(province_code, None, 1, "provinsi", province_name)
    return [province, *regions], problems


def sort_key(code: str) -> tuple[Any, ...]:
    """Sort codes segment by segment, numbers before local keys."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


def regions_csv(regions: list[Region], *, with_province: bool = False) -> str:
    """Regions as text in the project's own CSV format, sorted by code, deterministic."""
    rows = sorted((r for r in regions if with_province or r.level > 1), key=lambda r: sort_key(r.code))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OWN_COLUMNS)
    for r in rows:
        writer.writerow([r.code, r.parent or "", r.level, r.kind or "", r.name, r.postal_code or ""])
    return buffer.getvalue()


def write_regions_csv(regions: list[Region], path: Path) -> None:
    """Write regions (without the province's own row) to `path` in the project's own CSV format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(regions_csv(regions), encoding="utf-8")


def level_counts(regions: list[Region]) -> dict[str, int]:
    """How many regions there are at each level below the province."""
    counts = {LEVEL_NAMES[level]: 0 for level in (2, 3, 4)}
    for region in regions:
        if region.level > 1:
            counts[LEVEL_NAMES[region.level]] += 1
    return counts
