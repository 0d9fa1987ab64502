"""The `fleet`, `profile` and `ci-matrix` commands: parse options, call one library function, print the result."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jaki_forge.cli.output import emit, fail
from jaki_forge.errors import JakiForgeError

if TYPE_CHECKING:
    from rich.console import Console

    from jaki_forge.fleet.test import ProfileTestResult
    from jaki_forge.fleet.update import ReplicaUpdate

fleet_app = typer.Typer(
    help="Keep many replicas in step with the template: status, update and test them all at once.",
    no_args_is_help=True,
)

ManifestOpt = Annotated[Path, typer.Option("--manifest", "-m", help="The fleet manifest (YAML).")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Replicas handled in parallel (processes).")]
ScratchOpt = Annotated[
    str,
    typer.Option(
        help="Where throwaway clones and renders go: auto (the RAM disk /dev/shm when there is one), "
        "system (the system's temporary directory) or a directory."
    ),
]
ProfilesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--profiles",
        help="Glob of profiles (repeatable) \\[default: profiles/*.yaml and profiles/generated/*.yaml].",
        show_default=False,
    ),
]


def _console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, width=None if sys.stdout.isatty() else 160, highlight=False, soft_wrap=False)


class _Display:
    """A rich progress bar on stderr (on a terminal) and one line per finished replica."""

    def __init__(self, total: int, verb: str, describe: Callable[[str, Any], str]):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.console = _console(stderr=True)
        self.describe = describe
        self.running: list[str] = []
        self.verb = verb
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.task = self.progress.add_task(verb, total=total)

    def __enter__(self) -> _Display:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.__exit__(*exc)

    def __call__(self, event: str, name: str, result: Any) -> None:
        if event == "start":
            self.running.append(name)
        else:
            if name in self.running:
                self.running.remove(name)
            self.progress.advance(self.task)
            self.progress.console.print(self.describe(name, result), highlight=False)
        shown = ", ".join(self.running[:3]) + (" …" if len(self.running) > 3 else "")
        self.progress.update(self.task, description=f"{self.verb} {shown}".strip())


def _esc(text: str) -> str:
    """`text` shown as it is: brackets in paths and git messages are not rich markup."""
    from rich.markup import escape

    return escape(str(text))


def _files(files: list[str], limit: int = 4) -> str:
    shown = ", ".join(files[:limit])
    return _esc(shown + (f" (+{len(files) - limit})" if len(files) > limit else ""))


STYLE = {"clean": "green", "conflicts": "yellow", "refused": "magenta", "failed": "red"}
TEST_STYLE = {"passed": "green", "failed": "red", "error": "red"}


@fleet_app.command("validate")
def fleet_validate(manifest: ManifestOpt = Path("fleet.yaml")) -> None:
    """Validate a fleet manifest and list its replicas."""
    from jaki_forge.fleet.manifest import load_fleet

    try:
        fleet = load_fleet(manifest)
    except JakiForgeError as error:
        fail(error)
    typer.echo(f"{fleet.display}: valid, {len(fleet.manifest.replicas)} replicas")
    for entry in fleet.manifest.replicas:
        profile = f" (profile {entry.profile})" if entry.profile else ""
        typer.echo(f"  {entry.name:<20} {fleet.location(entry)}{profile}")


@fleet_app.command("schema")
def fleet_schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of the fleet manifest (fleet.yaml)."""
    from jaki_forge.fleet.manifest import fleet_schema_text

    emit(fleet_schema_text(), output)


@fleet_app.command("status")
def fleet_status(
    manifest: ManifestOpt = Path("fleet.yaml"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
    jobs: JobsOpt = 1,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Show only this replica (repeatable).", show_default=False)
    ] = None,
    scratch: ScratchOpt = "auto",
) -> None:
    """One table: template version, versions behind, local changes, conflict risk and last result (read-only)."""
    from jaki_forge.fleet.manifest import load_fleet
    from jaki_forge.fleet.status import fleet_status as run
    from jaki_forge.fleet.status import last_result_text

    try:
        fleet = load_fleet(manifest)
        entries = fleet.select(only)
        with _Display(len(entries), "reading", lambda name, r: _esc(f"{name}: {r.error or r.version}")) as display:
            result = run(fleet, jobs=jobs, only=only, progress=display, scratch_dir=scratch)
    except JakiForgeError as error:
        fail(error)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        from rich.table import Table

        table = Table(title=f"{result.manifest}: {len(result.replicas)} replicas")
        for column in ("replica", "version", "behind", "locally modified", "at risk (next)", "last result"):
            table.add_column(column, justify="right" if column == "behind" else "left")
        for r in result.replicas:
            if r.error:
                table.add_row(r.name, "[red]error", "", _esc(r.error), "", _esc(last_result_text(r.last)))
                continue
            modified = f"{len(r.modified)}" + (f": {_files(r.modified)}" if r.modified else "")
            if r.uncommitted:
                modified += f" [magenta]({r.uncommitted} uncommitted)"
            risk = f"{len(r.at_risk)}" + (f": {_files(r.at_risk)}" if r.at_risk else "")
            risk += f" ({r.upcoming})" if r.upcoming else ""
            behind = str(r.behind) if r.behind else "[green]0"
            table.add_row(r.name, _esc(r.version), behind, modified, risk, _esc(last_result_text(r.last)))
        _console().print(table)
    if any(r.error for r in result.replicas):
        raise typer.Exit(1)


@fleet_app.command("update")
def fleet_update(
    manifest: ManifestOpt = Path("fleet.yaml"),
    to: Annotated[str | None, typer.Option(help="Template version to update to \\[default: newest].")] = None,
    jobs: JobsOpt = 1,
    push: Annotated[
        bool, typer.Option("--push", help="Push each clean update branch to the replica's origin.")
    ] = False,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Update only this replica (repeatable).", show_default=False)
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write the JSON report here \\[default: <workdir>/last-update.json].")
    ] = None,
    scratch: ScratchOpt = "auto",
) -> None:
    """Update every replica on its own branch jaki-forge/update-<version>, in parallel; exit 1 unless all clean."""
    from jaki_forge.fleet.manifest import load_fleet
    from jaki_forge.fleet.update import update_fleet

    def describe(name: str, r: ReplicaUpdate) -> str:
        style = STYLE.get(r.status, "")
        detail = _files(r.conflicts) if r.conflicts else _esc(r.reason or f"{r.from_version} -> {r.to_version}")
        return f"[{style}]{r.status:<9}[/] {name}: {detail} ({r.seconds:.1f} s)"

    try:
        fleet = load_fleet(manifest)
        entries = fleet.select(only)
        target = report or fleet.workdir / "last-update.json"
        with _Display(len(entries), "updating", describe) as display:
            result = update_fleet(
                fleet, to=to, jobs=jobs, push=push, only=only, progress=display, report=target, scratch_dir=scratch
            )
    except KeyboardInterrupt:
        typer.echo("interrupted: replicas not yet updated were left as they were", err=True)
        raise typer.Exit(130) from None
    except JakiForgeError as error:
        fail(error)
    from rich.table import Table

    summary = ", ".join(f"{n} {status}" for status, n in result.summary.items() if n)
    table = Table(title=f"fleet update: {summary} ({result.seconds:.1f} s, --jobs {result.jobs})")
    for column in ("replica", "result", "version", "branch / worktree", "files or reason"):
        table.add_column(column, overflow="fold")
    for r in result.replicas:
        version = f"{r.from_version} -> {r.to_version}" if r.to_version else ""
        where = r.branch + (f"\n{r.worktree}" if r.worktree else "")  # kept: conflicts, or an unpushed clone
        if r.status == "conflicts":
            detail = _esc("\n".join(r.conflicts))
        elif r.status == "clean" and not r.reason:
            changed = sum(len(v) for v in r.changes.values())
            detail = f"{changed} files changed, commit {r.commit[:10]}" + (", pushed" if r.pushed else "")
        else:
            detail = _esc(r.reason)
        table.add_row(r.name, f"[{STYLE.get(r.status, '')}]{r.status}", version, _esc(where), detail)
    _console().print(table)
    typer.echo(f"report: {target}")
    if not result.ok:
        raise typer.Exit(1)


@fleet_app.command("test")
def fleet_test(
    profiles: ProfilesOpt = None,
    jobs: JobsOpt = 1,
    junit: Annotated[Path, typer.Option(help="Write the JUnit XML report here.")] = Path("fleet-test.xml"),
    install: Annotated[
        str,
        typer.Option(
            help="link: reuse this environment's packages (offline); pip: fresh venv, pip install -e '.[test]'."
        ),
    ] = "link",
    template: Annotated[
        str | None, typer.Option(help="Render from this template source instead of the shipped one.")
    ] = None,
    vcs_ref: Annotated[str | None, typer.Option(help="Template version (git tag or commit) to render.")] = None,
    keep: Annotated[
        Path | None, typer.Option(help="Keep the rendered replicas in this directory.", show_default=False)
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds allowed for each install and test run.")] = 1800,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON instead of a table.")] = False,
    scratch: ScratchOpt = "auto",
) -> None:
    """For each profile: render a replica into a temporary directory, install it and run its test suite."""
    from jaki_forge.fleet.test import DEFAULT_PROFILES, expand_profiles
    from jaki_forge.fleet.test import fleet_test as run

    def describe(name: str, r: ProfileTestResult) -> str:
        return f"[{TEST_STYLE.get(r.status, '')}]{r.status:<7}[/] {name}: {_esc(r.message)}"

    patterns = profiles or list(DEFAULT_PROFILES)
    try:
        count = len(expand_profiles(patterns))
        with _Display(count, "testing", describe) as display:
            result = run(
                patterns,
                jobs=jobs,
                template=template,
                vcs_ref=vcs_ref,
                install=install,
                timeout=timeout,
                keep=keep,
                junit=junit,
                progress=display,
                scratch_dir=scratch,
            )
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(130) from None
    except JakiForgeError as error:
        fail(error)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        from rich.table import Table

        summary = ", ".join(f"{n} {status}" for status, n in result.summary.items() if n)
        table = Table(title=f"fleet test: {summary} ({result.seconds:.1f} s, --jobs {result.jobs})")
        for column in ("replica", "profile", "result", "tests", "seconds", "message"):
            table.add_column(column, overflow="fold")
        for r in result.results:
            counts = f"{r.tests}" + (f" ({r.failures + r.errors} failed)" if r.failures or r.errors else "")
            table.add_row(
                r.name,
                _esc(r.profile),
                f"[{TEST_STYLE.get(r.status, '')}]{r.status}",
                counts,
                f"{sum(r.seconds.values()):.1f}",
                _esc(r.message),
            )
        _console().print(table)
        for r in result.results:
            if r.status != "passed" and r.output:
                typer.echo(f"--- {r.name} ({r.stage}) ---\n{r.output}\n")
    typer.echo(f"JUnit report: {junit}")
    if not result.ok:
        raise typer.Exit(1)


def ci_matrix(
    profiles: ProfilesOpt = None,
) -> None:
    """Print the profiles as a GitHub Actions matrix (JSON) for a job per replica."""
    from jaki_forge.fleet.test import DEFAULT_PROFILES
    from jaki_forge.fleet.test import ci_matrix as run

    try:
        matrix = run(profiles or list(DEFAULT_PROFILES))
    except JakiForgeError as error:
        fail(error)
    typer.echo(json.dumps(matrix, separators=(",", ":")))
