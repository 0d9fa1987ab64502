"""The one update plan: which template version a replica is on, which it can go to, or why it cannot."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import Version

from jaki_forge.errors import InvalidInputError, TemplateError
from jaki_forge.replica.source import CANONICAL_URL, TemplateSource, default_source
from jaki_forge.replica.state import ReplicaState
from jaki_forge.replica.versions import parse_version, released_versions

MOVED_HINT = (
    "if the template moved, point the replica at its new home with `jaki-forge update --template NEW_SOURCE` "
    "(the new source is recorded by that update)"
)


@dataclass(frozen=True)
class UpdatePlan:
    """Where a replica stands and where an update takes it."""

    source: TemplateSource
    current: Version
    current_ref: str
    target: Version
    target_ref: str
    newer: list[str] = field(default_factory=list)
    latest: str | None = None

    @property
    def moves(self) -> bool:
        """Whether the target is another template version."""
        return self.target != self.current


def source_for(state: ReplicaState) -> TemplateSource:
    """The template source of the replica, reachable on this machine, or a message saying how to fix it."""
    url = state.source_url
    if not url:
        raise InvalidInputError(f"{state.path}'s answers file records no template source (_src_path); {MOVED_HINT}")
    if url == CANONICAL_URL:
        return TemplateSource(url=url, local=default_source().local)
    if "://" not in url and not url.startswith(("git@", "gh:", "gl:")) and not Path(url).exists():
        raise InvalidInputError(f"the replica's template source {url} does not exist on this machine; {MOVED_HINT}")
    return TemplateSource(url=url)


def plan_update(state: ReplicaState, *, to: str | None = None) -> UpdatePlan:
    """The update plan for `state` (to `to`, default the newest release); raise a full sentence when there is none."""
    source = source_for(state)
    try:
        releases = released_versions(source)
    except TemplateError as error:
        raise InvalidInputError(f"{error}; {MOVED_HINT}") from None
    known = ", ".join(tag for _, tag in releases) or "none"
    if not state.version_text:
        raise InvalidInputError(
            f"{state.path}'s answers file records no template version (_commit); restore "
            ".copier-answers.yml from git, or re-create the replica with `jaki-forge new`"
        )
    current = state.version
    current_ref = next((tag for version, tag in releases if version == current), None)
    if current is None or current_ref is None:
        raise InvalidInputError(
            f"the replica records template version '{state.version_text}', which is not a release of "
            f"{source.url} (releases: {known}); it was made from a development build or an unreleased commit. "
            "Re-create it from a release (`jaki-forge new --vcs-ref VERSION`) or record that version as a release"
        )
    if not releases:
        raise InvalidInputError(f"the template {source.url} has no released versions; {MOVED_HINT}")
    if to is None:
        target, target_ref = releases[-1]
    else:
        wanted = parse_version(to)
        match = next(((v, tag) for v, tag in releases if v == wanted), None)
        if match is None:
            raise InvalidInputError(f"template version '{to}' is not a release of {source.url} (releases: {known})")
        target, target_ref = match
    if target < current:
        raise InvalidInputError(
            f"refusing to downgrade {state.path.name} from template {current} to {target}; pass --to {current} or newer"
        )
    newer = [tag for version, tag in releases if version > current]
    return UpdatePlan(
        source=source,
        current=current,
        current_ref=current_ref,
        target=target,
        target_ref=target_ref,
        newer=newer,
        latest=releases[-1][1],
    )
