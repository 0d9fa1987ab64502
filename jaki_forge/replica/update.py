"""Keeping a replica in sync (`update`): the template's newer version and/or a changed profile, merged 3-way."""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jaki_forge.errors import InterruptedError_
from jaki_forge.profile.load import LoadedProfile, load_profile
from jaki_forge.replica.git import git, identity_args
from jaki_forge.replica.merge import Merged, prepare_merge
from jaki_forge.replica.payload import template_data
from jaki_forge.replica.plan import UpdatePlan, plan_update
from jaki_forge.replica.scratch import scratch_root
from jaki_forge.replica.state import ReplicaState, read_state
from jaki_forge.replica.transaction import PRE_UPDATE_REF, abort, apply, deferred_signals, test_stop


@dataclass
class Changes:
    """Files an update added, updated, removed, left in conflict, and kept deleted as the replica wanted."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    kept_deleted: list[str] = field(default_factory=list)
    conflict_kinds: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The changes as plain data."""
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "conflicts": self.conflicts,
            "kept_deleted": self.kept_deleted,
        }


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

    @property
    def commit_message(self) -> str:
        """The message of the update's commit (made by jaki-forge, or by the user after resolving)."""
        what = (
            f"template {self.from_version} -> {self.to_version}"
            if self.from_version != self.to_version
            else f"profile change at template {self.to_version}"
        )
        return f"Update {what} (jaki-forge)"


def _changes(merged: Merged) -> Changes:
    return Changes(
        added=merged.added,
        updated=merged.updated,
        removed=merged.removed,
        conflicts=merged.conflicts,
        kept_deleted=merged.kept_deleted,
        conflict_kinds=merged.conflict_kinds,
    )


def _label(version: str) -> str:
    return "template-" + re.sub(r"[^0-9A-Za-z.+-]", "-", version)


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

    The merge is prepared in a scratch folder; the replica changes only in the final step, all at once.
    `record_ref` keeps the pre-update commit in refs/jaki-forge/pre-update (a fleet update on its own
    branch passes False). `template` names a new home of the template (recorded by the update).
    """
    started = time.perf_counter()
    state = read_state(dest, template=template)
    state.require_clean()
    plan = plan_update(state, to=to)
    loaded = profile if isinstance(profile, LoadedProfile) or profile is None else load_profile(profile)
    payload = template_data(loaded) if loaded is not None else state.payload
    test_stop("plan")
    if not plan.moves and payload == state.payload and template is None:
        return UpdateResult(
            state.path, str(plan.current), str(plan.target), Changes(), None, dry_run, time.perf_counter() - started
        )
    try:
        with tempfile.TemporaryDirectory(prefix="jaki-forge-update-", dir=scratch_root("auto")) as folder:
            merged = prepare_merge(
                state,
                Path(folder),
                base_source=plan.source.with_ref(plan.current_ref),
                target_source=plan.source.with_ref(plan.target_ref),
                target_payload=payload,
                target_label=_label(str(plan.target)),
                phase=test_stop,
            )
    except KeyboardInterrupt:
        raise InterruptedError_(f"the update stopped before it changed anything: {state.path} is as it was") from None
    result = UpdateResult(state.path, str(plan.current), str(plan.target), _changes(merged), None, dry_run, 0.0)
    if dry_run:
        result.seconds = time.perf_counter() - started
        return result
    _apply(state, plan, merged, result, record_ref=record_ref)
    result.seconds = time.perf_counter() - started
    return result


def _apply(state: ReplicaState, plan: UpdatePlan, merged: Merged, result: UpdateResult, *, record_ref: bool) -> None:
    commit = None
    if not merged.conflicts:
        if merged.tree == git("rev-parse", "HEAD^{tree}", cwd=state.path).stdout.strip():
            return  # nothing to change: the replica already has every change
        commit = git(
            *identity_args(state.path),
            "commit-tree",
            merged.tree,
            "-p",
            state.head,
            "-m",
            result.commit_message,
            cwd=state.path,
        ).stdout.strip()
    journal = {
        "old": state.head,
        "tree": merged.tree,
        "commit": commit,
        "message": result.commit_message,
        "index_entries": merged.index_entries,
        "from": str(plan.current),
        "to": str(plan.target),
        "added": merged.added + [name for name in merged.conflicts if not _in_head(state, name)],
    }
    with deferred_signals() as received:
        if record_ref:
            git("update-ref", "-m", f"jaki-forge update to {plan.target}", PRE_UPDATE_REF, state.head, cwd=state.path)
        apply(state.path, state.git_dir, journal)
    result.committed = commit
    if received:
        raise InterruptedError_(
            f"the update had already been applied when it was stopped: {state.path} is at template {plan.target}"
            + ("" if commit else " with conflicts to resolve"),
            code=128 + received[0],
        )


def _in_head(state: ReplicaState, name: str) -> bool:
    return git("cat-file", "-e", f"HEAD:{name}", cwd=state.path, check=False).returncode == 0


def abort_update(dest: str | Path = ".") -> str:
    """Undo the last update of the replica at `dest` exactly (files it added included); return the version restored."""
    path = Path(dest).resolve()
    state = read_state(path)
    return abort(state.path, state.git_dir)
