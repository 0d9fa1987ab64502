"""The fleet manifest (`fleet.yaml`): its model, loading with located problems, and its JSON Schema."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from jaki_forge.errors import InvalidInputError, Problem, ProfileError
from jaki_forge.profile.model import KEY_PATTERN, Strict
from jaki_forge.profile.validation import translate

MANIFEST = "fleet.yaml"
STATE_FILE = "state.json"
GIT_URL = re.compile(r"(https?|ssh|git|file)://\S+|[\w.-]+@[\w.-]+:\S+")
BRANCH_NAME = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")


class ReplicaEntry(Strict):
    """One replica of the fleet: its name, where it lives (a local repository or a git URL) and its profile."""

    name: Annotated[str, Field(pattern=KEY_PATTERN, max_length=40, description="short unique name, e.g. lampung")]
    path: Annotated[
        str | None, Field(min_length=1, description="the replica's local git repository, relative to the manifest")
    ] = None
    git: Annotated[
        str | None, Field(min_length=1, description="the replica repository's git URL (https, ssh or file)")
    ] = None
    branch: Annotated[
        str | None,
        Field(
            min_length=1,
            description="branch to update from [default: the checked-out branch of a local replica, main for a URL]",
        ),
    ] = None
    profile: Annotated[
        str | None, Field(min_length=1, description="the replica's province profile, relative to the manifest")
    ] = None

    @field_validator("git")
    @classmethod
    def _git_url(cls, value: str | None) -> str | None:
        if value is not None and not GIT_URL.fullmatch(value):
            raise ValueError(f"'{value}' is not a git URL (https://…, ssh://…, git@host:path or file://…)")
        return value

    @field_validator("branch")
    @classmethod
    def _branch(cls, value: str | None) -> str | None:
        if value is not None and (not BRANCH_NAME.fullmatch(value) or ".." in value or value.endswith(".lock")):
            raise ValueError(f"'{value}' is not a git branch name")
        return value

    @model_validator(mode="after")
    def _one_location(self) -> ReplicaEntry:
        if (self.path is None) == (self.git is None):
            raise ValueError("give exactly one of 'path' (a local repository) or 'git' (a repository URL)")
        return self


class FleetManifest(Strict):
    """The replicas a template maintainer keeps in step with the template."""

    model_config = ConfigDict(title="jaki-forge fleet manifest")

    schema_version: Literal[1]
    template: Annotated[
        str | None,
        Field(
            min_length=1,
            description="read template versions from this source (path or git URL) instead of each replica's own",
        ),
    ] = None
    workdir: Annotated[
        str,
        Field(
            min_length=1,
            description="where `fleet update` puts its worktrees, clones and state, relative to the manifest",
        ),
    ] = ".jaki-forge"
    replicas: Annotated[list[ReplicaEntry], Field(min_length=1)]


@dataclass(frozen=True)
class Fleet:
    """A validated fleet manifest and the file it was read from."""

    manifest: FleetManifest
    path: Path
    display: str

    @property
    def base(self) -> Path:
        """The directory that relative paths in the manifest start from."""
        return self.path.resolve().parent

    @property
    def workdir(self) -> Path:
        """Where worktrees, clones and the fleet's state live."""
        return self.base / self.manifest.workdir

    @property
    def template(self) -> str | None:
        """The template source override, resolved against the manifest's directory when it is a path."""
        return _resolve_source(self.manifest.template, self.base)

    def replica_path(self, entry: ReplicaEntry) -> Path | None:
        """The local repository of `entry`, or None for a git URL."""
        return (self.base / entry.path).resolve() if entry.path else None

    def profile_path(self, entry: ReplicaEntry) -> Path | None:
        """The profile of `entry`, or None when the manifest names none."""
        return (self.base / entry.profile) if entry.profile else None

    def location(self, entry: ReplicaEntry) -> str:
        """Where the replica lives, for people: its path or URL (and branch)."""
        where = str(self.replica_path(entry)) if entry.path else str(entry.git)
        return f"{where}#{entry.branch}" if entry.branch else where

    def select(self, names: Sequence[str] | None) -> list[ReplicaEntry]:
        """The entries named in `names` (all when None), in manifest order."""
        entries = list(self.manifest.replicas)
        if not names:
            return entries
        known = {e.name for e in entries}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InvalidInputError(
                f"{self.display} has no replica named {', '.join(repr(n) for n in unknown)}; "
                f"it lists: {', '.join(sorted(known))}"
            )
        return [e for e in entries if e.name in names]


def _resolve_source(source: str | None, base: Path) -> str | None:
    if source is None or GIT_URL.fullmatch(source):
        return source
    path = (base / source).expanduser()
    return str(path.resolve()) if path.exists() else source


def load_fleet(path: str | Path = MANIFEST) -> Fleet:
    """Read and validate a fleet manifest; raise ProfileError listing every problem found."""
    from jaki_forge.profile.yamlsource import load_yaml_mapping

    path = Path(path)
    display = str(path)
    doc = load_yaml_mapping(path, display=display, what="fleet manifest")
    try:
        manifest = FleetManifest.model_validate(doc.data)
    except ValidationError as error:
        raise ProfileError(
            sorted(translate(error, doc, model=FleetManifest, hints=_hint, messages=_message), key=_order)
        ) from None
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(manifest.replicas):
        if entry.name in seen:
            problems.append(
                doc.problem(
                    ("replicas", index, "name"),
                    f"duplicate replica name '{entry.name}' (also replicas[{seen[entry.name]}])",
                    hint="give each replica its own name",
                )
            )
        seen.setdefault(entry.name, index)
        if entry.profile and not (path.parent / entry.profile).is_file():
            problems.append(
                doc.problem(
                    ("replicas", index, "profile"),
                    f"profile file not found: {path.parent / entry.profile}",
                    hint="the path is relative to the manifest",
                )
            )
    if problems:
        raise ProfileError(sorted(problems, key=_order))
    return Fleet(manifest, path, display)


def _order(problem: Problem) -> tuple[Any, ...]:
    return (problem.file, problem.line or 0, problem.column or 0)


def _hint(kind: str, loc: tuple[Any, ...], ctx: dict[str, Any]) -> str:
    """A fix for a manifest problem, chosen by the kind of error and where it is."""
    if kind == "string_pattern_mismatch" and loc[-1] == "name":
        return "use lowercase letters, digits and single hyphens, e.g. lampung"
    if kind == "value_error" and loc and loc[-1] == "git":
        return "write the URL git clone takes, e.g. https://git.example.go.id/lampung-in.git"
    if kind == "too_short" and loc == ("replicas",):
        return "list at least one replica under 'replicas:' (name, path or git, profile)"
    return ""


def _message(kind: str, loc: tuple[Any, ...]) -> str | None:
    return "the fleet lists no replicas" if kind == "too_short" and loc == ("replicas",) else None


def fleet_schema() -> dict[str, Any]:
    """The manifest's JSON Schema (draft 2020-12), derived from the pydantic model."""
    from jaki_forge.profile.schema import SCHEMA_URI

    return {"$schema": SCHEMA_URI, **FleetManifest.model_json_schema(mode="validation")}


def fleet_schema_text() -> str:
    """The manifest schema as stable, pretty-printed JSON text ending with a newline."""
    return json.dumps(fleet_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def shipped_fleet_schema_text() -> str:
    """The schema file shipped in the package (jaki_forge/data/fleet.schema.json)."""
    from importlib import resources

    return resources.files("jaki_forge").joinpath("data/fleet.schema.json").read_text(encoding="utf-8")
