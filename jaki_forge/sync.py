"""Keeping a replica in sync (`update`): re-apply the template (newer version and/or changed profile) by 3-way merge."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .answers import template_data
from .errors import DestinationError, InvalidInputError, OperationError, TemplateError
from .gitrepo import git, identity_args, is_repo_root
from .logo import write_assets
from .profile import LoadedProfile, load_profile
from .replica import read_answers
from .scratch import scratch, scratch_root
from .versions import parse_version, released_versions, source_of

PRE_UPDATE_REF = "refs/jaki-forge/pre-update"
UNMERGED = {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}


@dataclass
class Changes:
    """Files an update added, updated, removed, and left in conflict."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        """The changes as plain data."""
        return {"added": self.added, "updated": self.updated, "removed": self.removed, "conflicts": self.conflicts}


@dataclass
class UpdateResult:
    """What `update` did (or, with dry_run, would do)."""

    path: Path
    from_version: str
    to_version: str
    changes: Changes
    committed: str | None
    dry_run: bool
    seconds: float
    pre_update_ref: str = PRE_UPDATE_REF

    @property
    def clean(self) -> bool:
        """Whether no file is left in conflict."""
        return not self.changes.conflicts


def working_changes(path: Path) -> Changes:
    """The uncommitted changes of the git work tree at `path`, sorted into the update's summary."""
    out = git("status", "--porcelain=v1", "-z", "--untracked-files=all", cwd=path).stdout
    changes = Changes()
    entries = out.split("\0")
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if not entry:
            continue
        code, name = entry[:2], entry[3:]
        if code[0] in "RC":  # a rename carries its source as the next entry
            index += 1
        if code in UNMERGED:
            changes.conflicts.append(name)
        elif code == "??" or "A" in code:
            changes.added.append(name)
        elif "D" in code:
            changes.removed.append(name)
        else:
            changes.updated.append(name)
    for bucket in (changes.added, changes.updated, changes.removed, changes.conflicts):
        bucket.sort()
    return changes


def ensure_replica(path: Path) -> dict:
    """The answers of the replica at `path`, which must be the top of a git repository."""
    if not path.is_dir():
        raise DestinationError(f"{path} does not exist or is not a directory")
    answers = read_answers(path)
    if not is_repo_root(path):
        raise DestinationError(f"{path} is not the top of a git repository; updates need the replica's git history")
    return answers


def update(
    dest: str | Path = ".",
    *,
    to: str | None = None,
    profile: str | Path | LoadedProfile | None = None,
    dry_run: bool = False,
    template: str | None = None,
    record_ref: bool = True,
) -> UpdateResult:
    """Bring the replica at `dest` to template version `to` (default: newest), optionally with a new profile.

    With `record_ref` the pre-update commit is kept in refs/jaki-forge/pre-update (shared by all worktrees
    of the repository; a fleet update on its own branch passes False).
    """
    started = time.perf_counter()
    path = Path(dest).resolve()
    answers = ensure_replica(path)
    dirty = git("status", "--porcelain", "--untracked-files=all", cwd=path).stdout.strip()
    if dirty:
        first = dirty.splitlines()[0][3:]
        raise InvalidInputError(
            f"{path} has uncommitted changes (e.g. {first}); commit or stash them before updating, "
            "so the update can be reviewed and undone"
        )
    loaded = profile if isinstance(profile, LoadedProfile) or profile is None else load_profile(profile)
    source = source_of(answers, template=template)
    current_text = str(answers.get("_commit") or "")
    current = parse_version(current_text)
    if current is None:
        raise InvalidInputError(
            f"the replica records template version '{current_text}', which is not a released version; "
            "only replicas made from a tagged template release can be updated"
        )
    releases = released_versions(source)
    if to is None:
        if not releases:
            raise TemplateError(f"the template {source.url} has no released versions (PEP 440 tags)")
        target, target_ref = releases[-1]
    else:
        target = parse_version(to)
        match = next((tag for version, tag in releases if version == target), None)
        if target is None or match is None:
            known = ", ".join(tag for _, tag in releases) or "none"
            raise InvalidInputError(f"template version '{to}' is not a release of {source.url} (known: {known})")
        target_ref = match
    if target < current:
        raise InvalidInputError(
            f"refusing to downgrade {path.name} from template {current} to {target}; pass --to {current} or newer"
        )
    if target == current and loaded is None:
        return UpdateResult(path, str(current), str(target), Changes(), None, dry_run, time.perf_counter() - started)
    data = {"profile": template_data(loaded)} if loaded is not None else None
    if dry_run:
        with tempfile.TemporaryDirectory(prefix="jaki-forge-dry-run-") as scratch:
            trial = Path(scratch) / path.name
            git("clone", "-q", "--no-hardlinks", str(path), str(trial), cwd=Path(scratch))
            _apply(trial, source, target_ref, data, loaded)
            changes = working_changes(trial)
        return UpdateResult(path, str(current), str(target), changes, None, True, time.perf_counter() - started)
    if record_ref:
        git("update-ref", "-m", f"jaki-forge update to {target}", PRE_UPDATE_REF, "HEAD", cwd=path)
    _apply(path, source, target_ref, data, loaded)
    changes = working_changes(path)
    committed = None
    if not changes.conflicts:
        git("add", "-A", cwd=path)
        what = f"template {current} -> {target}" if target != current else f"profile change at template {target}"
        if git("diff", "--cached", "--quiet", cwd=path, check=False).returncode != 0:
            git(*identity_args(path), "commit", "-q", "--no-verify", "-m", f"Update {what} (jaki-forge)", cwd=path)
            committed = git("rev-parse", "HEAD", cwd=path).stdout.strip()
    return UpdateResult(path, str(current), str(target), changes, committed, False, time.perf_counter() - started)


def _apply(path: Path, source, ref: str, data: dict | None, loaded: LoadedProfile | None) -> None:
    from copier import run_update
    from copier.errors import CopierError
    from plumbum import ProcessExecutionError

    try:
        with source.reachable(), scratch(scratch_root("auto")):
            run_update(
                path,
                data=data or {},
                vcs_ref=ref,
                defaults=True,
                overwrite=True,
                conflict="inline",
                quiet=True,
                skip_answered=True,
            )
    except CopierError as error:
        raise OperationError(f"copier could not update {path}: {error}") from None
    except ProcessExecutionError as error:
        detail = (error.stderr or str(error)).strip().splitlines()
        raise OperationError(f"git failed while updating {path}: {detail[-1] if detail else error}") from None
    # the logo and its icons belong to the toolkit: rewrite them from the answers the update recorded
    write_assets(path, (data or read_answers(path))["profile"])
