"""A fleet of replicas: the `fleet.yaml` manifest, and status and update across every replica at once."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from jaki_forge.errors import InvalidInputError, JakiForgeError, OperationError, Problem, ProfileError
from jaki_forge.profile.model import KEY_PATTERN, Strict
from jaki_forge.profile.validation import translate
from jaki_forge.replica.scratch import scratch, scratch_root
from jaki_forge.replica.state import ReplicaState

MANIFEST = "fleet.yaml"
BRANCH_PREFIX = "jaki-forge/update-"
STATE_FILE = "state.json"
GIT_URL = re.compile(r"(https?|ssh|git|file)://\S+|[\w.-]+@[\w.-]+:\S+")
BRANCH_NAME = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")

Progress = Callable[[str, str, Any], None]
"""`progress(event, replica name, result)`: event is "start" (result None) or "done" (result the outcome)."""


# --- the manifest -------------------------------------------------------------------------------------


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


def _order(problem: Problem) -> tuple:
    return (problem.file, problem.line or 0, problem.column or 0)


def _hint(kind: str, loc: tuple, ctx: dict) -> str:
    """A fix for a manifest problem, chosen by the kind of error and where it is."""
    if kind == "string_pattern_mismatch" and loc[-1] == "name":
        return "use lowercase letters, digits and single hyphens, e.g. lampung"
    if kind == "value_error" and loc and loc[-1] == "git":
        return "write the URL git clone takes, e.g. https://git.example.go.id/lampung-in.git"
    if kind == "too_short" and loc == ("replicas",):
        return "list at least one replica under 'replicas:' (name, path or git, profile)"
    return ""


def _message(kind: str, loc: tuple) -> str | None:
    return "the fleet lists no replicas" if kind == "too_short" and loc == ("replicas",) else None


def fleet_schema() -> dict:
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


# --- running one job per replica, in parallel processes ----------------------------------------------


def run_parallel(func: Callable, tasks: Sequence, *, jobs: int, progress: Progress | None, failed: Callable) -> list:
    """`func(task)` for every task, in `jobs` processes (in this process when jobs is 1), results in task order.

    Processes, not threads: rendering maps the template URL through process-wide environment variables.
    `failed(task, message)` makes the result of a task whose worker died.
    """
    notify = progress or (lambda *_: None)
    results: list = [None] * len(tasks)
    if jobs <= 1 or len(tasks) <= 1:
        for index, task in enumerate(tasks):
            notify("start", task.name, None)
            results[index] = func(task)
            notify("done", task.name, results[index])
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn")  # no fork of a process that runs a progress thread
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context)
    try:
        futures = {pool.submit(func, task): index for index, task in enumerate(tasks)}
        for task in tasks:
            notify("start", task.name, None)
        for future in as_completed(futures):
            index = futures[future]
            try:
                results[index] = future.result()
            except Exception as error:  # a worker that died (killed, out of memory) takes no other replica down
                results[index] = failed(tasks[index], f"the worker process failed: {type(error).__name__}: {error}")
            notify("done", tasks[index].name, results[index])
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


# --- git helpers ---------------------------------------------------------------------------------------


def _git(*args: str, cwd: Path, check: bool = True):
    from jaki_forge.replica.git import git

    return git(*args, cwd=cwd, check=check)


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

    def as_dict(self) -> dict:
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
    if _git("rev-parse", "--verify", "-q", f"{base}^{{commit}}", cwd=repo, check=False).returncode != 0:
        raise InvalidInputError(f"{repo} has no branch '{base}'; fix 'branch' of replica {task.name} in the manifest")
    recorded = state_at(state, base)
    plan = _plan(recorded, to=task.to)
    out.from_version, out.to_version = plan.current, plan.target
    if plan.current == plan.target and not _profile_changed(task, recorded.answers):
        out.status, out.reason = CLEAN, f"already at template {plan.target}; nothing to do"
        return
    worktree = Path(task.workdir) / f"update-{plan.target}"
    if _git("rev-parse", "--verify", "-q", f"refs/heads/{plan.branch}", cwd=repo, check=False).returncode == 0:
        if _reuse(task, repo, base, plan, worktree, out):
            return
    elif worktree.exists():
        raise InvalidInputError(f"{worktree} is left from an earlier update; remove it, then run again")
    worktree.parent.mkdir(parents=True, exist_ok=True)
    _git("worktree", "add", "-q", "-B", plan.branch, str(worktree), base, cwd=repo)
    out.branch, out.worktree = plan.branch, str(worktree)
    try:
        _run_update(task, plan, worktree, out)
    except BaseException:
        _git("worktree", "remove", "--force", str(worktree), cwd=repo, check=False)
        _git("branch", "-D", plan.branch, cwd=repo, check=False)
        shutil.rmtree(worktree, ignore_errors=True)
        _git("worktree", "prune", cwd=repo, check=False)
        out.branch = out.worktree = ""
        raise
    if out.status == CLEAN:
        if task.push:
            _push(repo, plan.branch, out)
        # the branch holds the update; a worktree is only worth keeping while a person has work to do in it
        _git("worktree", "remove", str(worktree), cwd=repo)
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
    based = _git("merge-base", "--is-ancestor", base, plan.branch, cwd=repo, check=False).returncode == 0
    if based and str(on_branch.version) == plan.target and not _profile_changed(task, on_branch.answers):
        out.status, out.reason = CLEAN, f"already updated on {plan.branch} by an earlier run; merge that branch"
        if task.push:
            _push(repo, plan.branch, out)
        return True
    extra = _git("log", "--format=%s", f"{base}..{plan.branch}", cwd=repo).stdout.splitlines()
    if any(not line.endswith("(jaki-forge)") for line in extra):
        raise InvalidInputError(
            f"{repo} has a branch {plan.branch} with commits of its own from an earlier update; merge it into "
            f"your branch, or drop it with `git -C {repo} branch -D {plan.branch}`, then run again"
        )
    if worktree.exists():  # an outdated update made by jaki-forge alone: refresh it from the current base
        _git("worktree", "remove", "--force", str(worktree), cwd=repo, check=False)
        shutil.rmtree(worktree, ignore_errors=True)
        _git("worktree", "prune", cwd=repo, check=False)
    return False


def _update_clone(task: UpdateTask, out: ReplicaUpdate) -> None:
    from jaki_forge.replica.state import read_state

    parent = Path(task.workdir)
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".clone-", dir=parent))
    branch = task.branch or "main"
    try:
        cloned = _git(
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
        remote = _git("ls-remote", "--heads", "origin", plan.branch, cwd=clone).stdout.strip()
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
    _git("checkout", "-q", "-b", plan.branch, cwd=target)
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


def _profile_changed(task: UpdateTask, answers: dict) -> bool:
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
    if "origin" not in _git("remote", cwd=repo).stdout.split():
        out.status = FAILED
        out.reason = f"updated cleanly on {branch}, but {repo} has no remote 'origin' to push it to"
        return
    pushed = _git("push", "-q", "origin", f"{branch}:refs/heads/{branch}", cwd=repo, check=False)
    if pushed.returncode != 0:
        detail = (pushed.stderr.strip().splitlines() or ["git push failed"])[-1]
        out.status = FAILED
        out.reason = f"updated cleanly on {branch} (commit {out.commit[:10]}), but the push failed: {detail}"
        return
    out.pushed = True


def write_json(data: dict, path: Path) -> Path:
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


def read_results(fleet: Fleet) -> dict:
    """The last update outcome of each replica, by name (empty before the first `fleet update`)."""
    path = fleet.workdir / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# --- fleet status --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusTask:
    """What one worker needs to look at one replica."""

    name: str
    location: str
    path: str | None
    git: str | None
    branch: str | None
    template: str | None
    scratch: str | None = None


@dataclass
class ReplicaStatus:
    """Where one replica stands: its version, how far behind, what the province changed, what is at risk."""

    name: str
    location: str
    version: str = ""
    latest: str = ""
    behind: int = 0
    newer: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    upcoming: str = ""
    at_risk: list[str] = field(default_factory=list)
    uncommitted: int = 0
    last: dict = field(default_factory=dict)
    error: str = ""

    @property
    def modified(self) -> list[str]:
        """Every file the province added, edited or deleted against a clean render."""
        return sorted({*self.added, *self.edited, *self.deleted})


@dataclass
class FleetStatus:
    """The status of every replica of a fleet."""

    manifest: str
    replicas: list[ReplicaStatus]
    seconds: float = 0.0

    def as_dict(self) -> dict:
        """The status as plain data (for --json)."""
        rows = []
        for r in self.replicas:
            row = asdict(r)
            row["modified"] = r.modified
            rows.append(row)
        return {"manifest": self.manifest, "seconds": self.seconds, "replicas": rows}


def fleet_status(
    fleet: Fleet | str | Path = MANIFEST,
    *,
    jobs: int = 1,
    only: Sequence[str] | None = None,
    progress: Progress | None = None,
    scratch_dir: str | Path | None = "auto",
) -> FleetStatus:
    """Version, versions behind, locally modified files and conflict risk of every replica; changes nothing."""
    fleet = fleet if isinstance(fleet, Fleet) else load_fleet(fleet)
    if jobs < 1:
        raise InvalidInputError(f"--jobs must be 1 or more, not {jobs}")
    root = scratch_root(scratch_dir)
    tasks = [
        StatusTask(
            e.name,
            fleet.location(e),
            str(fleet.replica_path(e)) if e.path else None,
            e.git,
            e.branch,
            fleet.template,
            root,
        )
        for e in fleet.select(only)
    ]
    clock = time.perf_counter()
    results = run_parallel(
        replica_status,
        tasks,
        jobs=jobs,
        progress=progress,
        failed=lambda task, message: ReplicaStatus(task.name, task.location, error=message),
    )
    state = read_results(fleet)
    for row in results:
        row.last = state.get(row.name, {})
    return FleetStatus(fleet.display, results, round(time.perf_counter() - clock, 3))


def replica_status(task: StatusTask) -> ReplicaStatus:
    """The status of one replica; never raises: a problem is reported in `error`."""
    out = ReplicaStatus(task.name, task.location)
    try:
        with scratch(task.scratch), tempfile.TemporaryDirectory(prefix="jaki-forge-status-") as folder:
            if task.git:
                repo = Path(folder) / task.name
                branch = task.branch or "main"
                cloned = _git(
                    "clone",
                    "-q",
                    "--depth",
                    "1",
                    "--branch",
                    branch,
                    task.git,
                    str(repo),
                    cwd=Path(folder),
                    check=False,
                )
                if cloned.returncode != 0:
                    detail = (cloned.stderr.strip().splitlines() or ["git clone failed"])[-1]
                    raise OperationError(f"cannot clone {task.git} (branch {branch}): {detail}")
            else:
                repo = Path(task.path or "")
                if task.branch:
                    current = _git("rev-parse", "--abbrev-ref", "HEAD", cwd=repo, check=False).stdout.strip()
                    if current != task.branch:
                        raise InvalidInputError(
                            f"{repo} has {current} checked out, not {task.branch}; status reads the checked-out tree"
                        )
            _fill_status(repo, task.template, out)
    except JakiForgeError as error:
        out.error = str(error)
    except Exception as error:
        out.error = f"unexpected {type(error).__name__}: {error}"
    return out


def _fill_status(repo: Path, template: str | None, out: ReplicaStatus) -> None:
    from jaki_forge.replica.drift import check, diff

    checked = check(repo, template=template)
    out.version, out.latest, out.newer, out.behind = (
        checked.current,
        checked.latest or "",
        checked.newer,
        len(checked.newer),
    )
    from jaki_forge.replica.state import read_state

    out.uncommitted = len(read_state(repo).dirty)
    changes = diff(repo, upcoming=checked.behind, template=template)
    out.added, out.edited, out.deleted = changes.added, changes.edited, changes.deleted
    out.upcoming, out.at_risk = changes.upcoming_version or "", changes.at_risk


def last_result_text(last: dict) -> str:
    """A replica's last update outcome in a few words, e.g. `conflicts (2) -> 1.1.0`."""
    if not last:
        return "-"
    status = str(last.get("status", "?"))
    if status == CONFLICTS:
        status = f"conflicts ({len(last.get('conflicts') or [])})"
    version = last.get("to_version")
    return f"{status} -> {version}" if version else status


__all__ = [
    "Fleet",
    "FleetManifest",
    "FleetStatus",
    "FleetUpdateReport",
    "ReplicaEntry",
    "ReplicaStatus",
    "ReplicaUpdate",
    "fleet_schema",
    "fleet_status",
    "load_fleet",
    "update_fleet",
]
