"""`fleet status`: where every replica stands, read-only, with its last update result."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jaki_forge.errors import InvalidInputError, JakiForgeError, OperationError
from jaki_forge.fleet.manifest import MANIFEST, Fleet, load_fleet
from jaki_forge.fleet.runner import Progress, run_parallel
from jaki_forge.fleet.update import CONFLICTS, read_results
from jaki_forge.replica.git import git
from jaki_forge.replica.scratch import scratch, scratch_root


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
    last: dict[str, Any] = field(default_factory=dict)
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

    def as_dict(self) -> dict[str, Any]:
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
                cloned = git(
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
                    current = git("rev-parse", "--abbrev-ref", "HEAD", cwd=repo, check=False).stdout.strip()
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


def last_result_text(last: dict[str, Any]) -> str:
    """A replica's last update outcome in a few words, e.g. `conflicts (2) -> 1.1.0`."""
    if not last:
        return "-"
    status = str(last.get("status", "?"))
    if status == CONFLICTS:
        status = f"conflicts ({len(last.get('conflicts') or [])})"
    version = last.get("to_version")
    return f"{status} -> {version}" if version else status
