"""`fleet update`: every replica updated on its own branch by the shared update core, results kept."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jaki_forge.errors import InvalidInputError, JakiForgeError, OperationError
from jaki_forge.fleet.manifest import MANIFEST, STATE_FILE, Fleet, load_fleet
from jaki_forge.fleet.runner import Progress, run_parallel
from jaki_forge.replica.git import git
from jaki_forge.replica.scratch import scratch, scratch_root
from jaki_forge.replica.state import ReplicaState

BRANCH_PREFIX = "jaki-forge/update-"


# --- git helpers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    current: str
    target: str
    tag: str

    @property
    def branch(self) -> str:
        return f"{BRANCH_PREFIX}{self.target}"


def _plan(state: ReplicaState, *, to: str | None) -> _Plan:
    """The shared update plan (the one `update` and `check` use), in the fleet's terms."""
    from jaki_forge.replica.plan import plan_update

    plan = plan_update(state, to=to)
    return _Plan(str(plan.current), str(plan.target), plan.target_ref)


# --- fleet update --------------------------------------------------------------------------------------

CLEAN, CONFLICTS, REFUSED, FAILED = "clean", "conflicts", "refused", "failed"
OUTCOMES = (CLEAN, CONFLICTS, REFUSED, FAILED)


@dataclass(frozen=True)
class UpdateTask:
    """What one worker needs to update one replica (plain data, so it crosses process boundaries)."""

    name: str
    location: str
    path: str | None
    git: str | None
    branch: str | None
    template: str | None
    workdir: str
    to: str | None
    push: bool
    scratch: str | None = None
    profile: str | None = None


@dataclass
class ReplicaUpdate:
    """The outcome of updating one replica: clean, conflicts (with files), refused or failed (with a reason)."""

    name: str
    location: str
    status: str
    from_version: str = ""
    to_version: str = ""
    branch: str = ""
    worktree: str = ""
    commit: str = ""
    conflicts: list[str] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)
    reason: str = ""
    pushed: bool = False
    seconds: float = 0.0


@dataclass
class FleetUpdateReport:
    """Everything `fleet update` did, replica by replica."""

    manifest: str
    to: str | None
    jobs: int
    push: bool
    started: str
    seconds: float
    replicas: list[ReplicaUpdate]

    @property
    def summary(self) -> dict[str, int]:
        """How many replicas ended in each outcome."""
        return {status: sum(r.status == status for r in self.replicas) for status in OUTCOMES}

    @property
    def ok(self) -> bool:
        """Whether every replica was updated cleanly (or was already up to date)."""
        return all(r.status == CLEAN for r in self.replicas)

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data (the JSON report)."""
        data = asdict(self)
        data["summary"] = self.summary
        data["ok"] = self.ok
        return data


def update_fleet(
    fleet: Fleet | str | Path = MANIFEST,
    *,
    to: str | None = None,
    jobs: int = 1,
    push: bool = False,
    only: Sequence[str] | None = None,
    progress: Progress | None = None,
    report: str | Path | None = None,
    scratch_dir: str | Path | None = "auto",
) -> FleetUpdateReport:
    """Update every replica of the fleet on its own branch `jaki-forge/update-<version>`, in `jobs` processes.

    Each replica's checked-out branch and working tree stay untouched: the update runs in a git worktree
    (a fresh clone for a git URL) under the manifest's workdir. A clean update is committed on the branch
    (and its worktree removed); one with conflicts is left in its worktree with the unmerged files. A
    replica with uncommitted changes is refused. Nothing is pushed unless `push`. The report is also
    written to `report` (JSON) and recorded as each replica's last result. `scratch_dir`: see `scratch_root`.
    """
    fleet = fleet if isinstance(fleet, Fleet) else load_fleet(fleet)
    if jobs < 1:
        raise InvalidInputError(f"--jobs must be 1 or more, not {jobs}")
    entries = fleet.select(only)
    root = scratch_root(scratch_dir)
    tasks = [
        UpdateTask(
            name=e.name,
            location=fleet.location(e),
            path=str(fleet.replica_path(e)) if e.path else None,
            git=e.git,
            branch=e.branch,
            template=fleet.template,
            workdir=str(fleet.workdir / e.name),
            to=to,
            push=push,
            scratch=root,
            profile=str(fleet.profile_path(e)) if e.profile else None,
        )
        for e in entries
    ]
    started, clock = datetime.now(UTC).isoformat(timespec="seconds"), time.perf_counter()
    results = run_parallel(
        update_replica,
        tasks,
        jobs=jobs,
        progress=progress,
        failed=lambda task, message: ReplicaUpdate(task.name, task.location, FAILED, reason=message),
    )
    result = FleetUpdateReport(fleet.display, to, jobs, push, started, time.perf_counter() - clock, results)
    record_results(fleet, result)
    if report is not None:
        write_json(result.as_dict(), Path(report))
    return result


def update_replica(task: UpdateTask) -> ReplicaUpdate:
    """Update one replica as `task` says; never raises: every problem becomes a refused or failed outcome."""
    started = time.perf_counter()
    out = ReplicaUpdate(task.name, task.location, FAILED)
    try:
        with scratch(task.scratch):
            if task.git:
                _update_clone(task, out)
            else:
                _update_local(task, out)
    except InvalidInputError as error:
        out.status, out.reason = REFUSED, str(error)
    except JakiForgeError as error:
        out.status, out.reason = FAILED, str(error)
    except Exception as error:  # a bug or an environment problem in one replica must not stop the fleet
        out.status, out.reason = FAILED, f"unexpected {type(error).__name__}: {error}"
    out.seconds = round(time.perf_counter() - started, 3)
    return out


def _update_local(task: UpdateTask, out: ReplicaUpdate) -> None:
    from jaki_forge.replica.state import read_state, state_at

    repo = Path(task.path or "")
    state = read_state(repo, template=task.template)
    state.require_clean()
    base = task.branch or "HEAD"
    if git("rev-parse", "--verify", "-q", f"{base}^{{commit}}", cwd=repo, check=False).returncode != 0:
        raise InvalidInputError(f"{repo} has no branch '{base}'; fix 'branch' of replica {task.name} in the manifest")
    recorded = state_at(state, base)
    plan = _plan(recorded, to=task.to)
    out.from_version, out.to_version = plan.current, plan.target
    if plan.current == plan.target and not _profile_changed(task, recorded.answers):
        out.status, out.reason = CLEAN, f"already at template {plan.target}; nothing to do"
        return
    worktree = Path(task.workdir) / f"update-{plan.target}"
    if git("rev-parse", "--verify", "-q", f"refs/heads/{plan.branch}", cwd=repo, check=False).returncode == 0:
        if _reuse(task, repo, base, plan, worktree, out):
            return
    elif worktree.exists():
        raise InvalidInputError(f"{worktree} is left from an earlier update; remove it, then run again")
    worktree.parent.mkdir(parents=True, exist_ok=True)
    git("worktree", "add", "-q", "-B", plan.branch, str(worktree), base, cwd=repo)
    out.branch, out.worktree = plan.branch, str(worktree)
    try:
        _run_update(task, plan, worktree, out)
    except BaseException:
        git("worktree", "remove", "--force", str(worktree), cwd=repo, check=False)
        git("branch", "-D", plan.branch, cwd=repo, check=False)
        shutil.rmtree(worktree, ignore_errors=True)
        git("worktree", "prune", cwd=repo, check=False)
        out.branch = out.worktree = ""
        raise
    if out.status == CLEAN:
        if task.push:
            _push(repo, plan.branch, out)
        # the branch holds the update; a worktree is only worth keeping while a person has work to do in it
        git("worktree", "remove", str(worktree), cwd=repo)
        out.worktree = ""


def _reuse(task: UpdateTask, repo: Path, base: str, plan: _Plan, worktree: Path, out: ReplicaUpdate) -> bool:
    """An earlier run left the update branch: report it as it stands (True), or clear it for a fresh run (False)."""
    from jaki_forge.replica.state import read_state, state_at

    out.branch = plan.branch
    if worktree.is_dir():
        left = read_state(worktree)
        if left.pending is not None or left.unmerged:
            out.status, out.worktree, out.conflicts = CONFLICTS, str(worktree), list(left.unmerged)
            out.reason = (
                f"{len(left.unmerged)} file(s) still in conflict from an earlier run; resolve them in {worktree}, "
                "then `git add -A` and `git commit` there (or `jaki-forge update --abort` there to drop the update)"
            )
            return True
    on_branch = state_at(read_state(repo), plan.branch)
    based = git("merge-base", "--is-ancestor", base, plan.branch, cwd=repo, check=False).returncode == 0
    if based and str(on_branch.version) == plan.target and not _profile_changed(task, on_branch.answers):
        out.status, out.reason = CLEAN, f"already updated on {plan.branch} by an earlier run; merge that branch"
        if task.push:
            _push(repo, plan.branch, out)
        return True
    extra = git("log", "--format=%s", f"{base}..{plan.branch}", cwd=repo).stdout.splitlines()
    if any(not line.endswith("(jaki-forge)") for line in extra):
        raise InvalidInputError(
            f"{repo} has a branch {plan.branch} with commits of its own from an earlier update; merge it into "
            f"your branch, or drop it with `git -C {repo} branch -D {plan.branch}`, then run again"
        )
    if worktree.exists():  # an outdated update made by jaki-forge alone: refresh it from the current base
        git("worktree", "remove", "--force", str(worktree), cwd=repo, check=False)
        shutil.rmtree(worktree, ignore_errors=True)
        git("worktree", "prune", cwd=repo, check=False)
    return False


def _update_clone(task: UpdateTask, out: ReplicaUpdate) -> None:
    from jaki_forge.replica.state import read_state

    parent = Path(task.workdir)
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".clone-", dir=parent))
    branch = task.branch or "main"
    try:
        cloned = git(
            "clone",
            "-q",
            "--single-branch",
            "--branch",
            branch,
            str(task.git),
            str(staging / "r"),
            cwd=parent,
            check=False,
        )
        if cloned.returncode != 0:
            detail = (cloned.stderr.strip().splitlines() or ["git clone failed"])[-1]
            raise OperationError(f"cannot clone {task.git} (branch {branch}): {detail}; check 'git' and 'branch'")
        clone = staging / "r"
        recorded = read_state(clone, template=task.template)
        plan = _plan(recorded, to=task.to)
        out.from_version, out.to_version = plan.current, plan.target
        if plan.current == plan.target and not _profile_changed(task, recorded.answers):
            out.status, out.reason = CLEAN, f"already at template {plan.target}; nothing to do"
            return
        remote = git("ls-remote", "--heads", "origin", plan.branch, cwd=clone).stdout.strip()
        if remote:
            raise InvalidInputError(
                f"{task.git} already has a branch {plan.branch} from an earlier update; "
                "merge or delete it, then run again"
            )
        target = parent / f"update-{plan.target}"
        if target.exists():
            raise InvalidInputError(f"{target} is left from an earlier update; remove it, then run again")
        clone.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    git("checkout", "-q", "-b", plan.branch, cwd=target)
    out.branch, out.worktree = plan.branch, str(target)
    try:
        _run_update(task, plan, target, out)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        out.branch = out.worktree = ""
        raise
    if task.push and out.status == CLEAN:
        _push(target, plan.branch, out)
        if out.pushed:  # the remote has the branch now; the clone was only a place to make it
            shutil.rmtree(target, ignore_errors=True)
            out.worktree = ""


def _profile_changed(task: UpdateTask, answers: dict[str, Any]) -> bool:
    """Whether the manifest's profile differs from the profile the replica records."""
    if not task.profile:
        return False
    from jaki_forge.profile.load import load_profile
    from jaki_forge.replica.payload import template_data

    return template_data(load_profile(task.profile)) != answers.get("profile")


def _run_update(task: UpdateTask, plan: _Plan, worktree: Path, out: ReplicaUpdate) -> None:
    # the manifest's profile is the replica's source of truth: a changed one is merged in the same update
    from jaki_forge.replica.state import read_state
    from jaki_forge.replica.update import update

    profile = task.profile if _profile_changed(task, read_state(worktree).answers) else None
    result = update(worktree, to=plan.tag, template=task.template, profile=profile, record_ref=False)
    out.changes = result.changes.as_dict()
    out.conflicts = list(result.changes.conflicts)
    out.commit = result.committed or ""
    if result.clean:
        out.status = CLEAN
    else:
        out.status = CONFLICTS
        out.reason = (
            f"{len(out.conflicts)} file(s) in conflict; resolve them in {worktree}, then "
            "`git add` and `git commit` there (or delete the branch to drop the update)"
        )


def _push(repo: Path, branch: str, out: ReplicaUpdate) -> None:
    if "origin" not in git("remote", cwd=repo).stdout.split():
        out.status = FAILED
        out.reason = f"updated cleanly on {branch}, but {repo} has no remote 'origin' to push it to"
        return
    pushed = git("push", "-q", "origin", f"{branch}:refs/heads/{branch}", cwd=repo, check=False)
    if pushed.returncode != 0:
        detail = (pushed.stderr.strip().splitlines() or ["git push failed"])[-1]
        out.status = FAILED
        out.reason = f"updated cleanly on {branch} (commit {out.commit[:10]}), but the push failed: {detail}"
        return
    out.pushed = True


def write_json(data: dict[str, Any], path: Path) -> Path:
    """Write `data` as pretty JSON to `path` (its folder is created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def record_results(fleet: Fleet, report: FleetUpdateReport) -> Path:
    """Remember each replica's outcome in the fleet's state file (what `fleet status` shows as last result)."""
    state = read_results(fleet)
    for r in report.replicas:
        previous = state.get(r.name) or {}
        history = [*previous.pop("history", []), previous][-20:] if previous else []
        state[r.name] = {
            "status": r.status,
            "from_version": r.from_version,
            "to_version": r.to_version,
            "branch": r.branch,
            "worktree": r.worktree,
            "conflicts": r.conflicts,
            "reason": r.reason,
            "finished": report.started,
            "history": history,
        }
    return write_json(state, fleet.workdir / STATE_FILE)


def read_results(fleet: Fleet) -> dict[str, Any]:
    """The last update outcome of each replica, by name (empty before the first `fleet update`)."""
    path = fleet.workdir / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
