"""The replica commands: `new`, `update`, `check`, `diff`."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Annotated

import typer

from jaki_forge.cli.output import EXIT_FAILED, EXIT_OK, fail, safe
from jaki_forge.errors import JakiForgeError


def new(
    profile: Annotated[Path, typer.Option("--profile", "-p", help="The province profile (YAML).", show_default=False)],
    dest: Annotated[
        Path | None, typer.Argument(help="Where to create the replica \\[default: ./<app slug>].", show_default=False)
    ] = None,
    template: Annotated[
        str | None,
        typer.Option(help="Another template source (path or git URL) instead of the shipped one.", show_default=False),
    ] = None,
    vcs_ref: Annotated[
        str | None, typer.Option(help="Template version (git tag or commit) to render.", show_default=False)
    ] = None,
) -> None:
    """Render a complete, branded service project for a province into its own git repository."""
    from jaki_forge.replica.create import generate

    try:
        result = generate(profile, dest, template=template, vcs_ref=vcs_ref)
    except JakiForgeError as error:
        fail(error)
    except KeyboardInterrupt:
        typer.echo("interrupted: nothing was written", err=True)
        raise typer.Exit(130) from None
    app_name = result.profile.profile.app.name
    typer.echo(
        f"Created {app_name} in {result.path} (template {result.template_version}, "
        f"commit {result.commit[:10]}, {result.seconds:.1f} s)."
    )
    typer.echo("Next steps:")
    typer.echo(f"  cd {result.path}")
    typer.echo("  python -m venv .venv && . .venv/bin/activate && pip install -e '.[test]'")
    typer.echo("  python -m app serve          # migrates and seeds SQLite, then serves on :8000")
    typer.echo("  pytest                       # the replica's own test suite")


ReplicaArg = Annotated[Path, typer.Argument(help="The replica (a git repository made by `new`).")]
TemplateOpt = Annotated[
    str | None, typer.Option(help="Read template versions from this source instead of the recorded one.")
]


def update(
    dest: ReplicaArg = Path("."),
    to: Annotated[str | None, typer.Option(help="Template version to update to \\[default: newest].")] = None,
    profile: Annotated[
        Path | None, typer.Option(help="Re-render with this (changed) profile in the same merge.", show_default=False)
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; touch nothing.")] = False,
    template: Annotated[
        str | None,
        typer.Option(help="The template's source when it moved (path or git URL); the update records it."),
    ] = None,
    abort: Annotated[
        bool, typer.Option("--abort", help="Undo the last update exactly (also after conflicts).")
    ] = False,
) -> None:
    """Re-apply the template (newer version and/or changed profile) with a 3-way merge that keeps local edits."""
    from jaki_forge.replica.update import abort_update
    from jaki_forge.replica.update import update as run

    if abort:
        restored = abort_update(dest)
        typer.echo(f"{safe(Path(dest).resolve().name)}: the last update was undone; template {restored} again")
        return
    result = run(dest, to=to, profile=profile, dry_run=dry_run, template=template)
    changes = result.changes
    moved = (
        f"{result.from_version} -> {result.to_version}"
        if result.from_version != result.to_version
        else (f"{result.to_version} (profile change)" if profile else f"{result.to_version}, already up to date")
    )
    typer.echo(f"{'Dry run: ' if result.dry_run else ''}{safe(result.path.name)}: template {moved}")
    for label, files in (
        ("added", changes.added),
        ("updated", changes.updated),
        ("removed", changes.removed),
        ("conflict", changes.conflicts),
        ("kept deleted", changes.kept_deleted),
    ):
        if not files and label == "kept deleted":
            continue
        typer.echo(f"  {label:<13}{len(files)}")
        shown = files if label in ("conflict", "kept deleted") or len(files) <= 20 else [*files[:20], "…"]
        for name in shown:
            kind = changes.conflict_kinds.get(name, "")
            typer.echo(f"    {safe(name)}" + (f"  ({safe(kind)})" if kind else ""))
    if changes.kept_deleted:
        typer.echo("  (kept deleted: you deleted these and the template changed them; they stay deleted)")
    if result.dry_run:
        raise typer.Exit(EXIT_OK if result.clean else EXIT_FAILED)
    if result.committed:
        typer.echo(f"Committed {result.committed[:10]}. Undo with: jaki-forge update --abort")
    if not result.clean:
        quoted = " ".join(shlex.quote(name) for name in changes.conflicts)
        typer.echo("Conflicts remain (git lists them as unmerged; every other change is staged). Next steps:")
        typer.echo(f"  cd {shlex.quote(str(result.path))}")
        typer.echo("  edit each file above: keep what you need between <<<<<<< and >>>>>>> and remove the markers")
        typer.echo("  (a file the template removed: keep it, or delete it to accept the removal)")
        typer.echo(f"  git add -A -- {quoted} && git commit -m {shlex.quote(result.commit_message)}")
        typer.echo("  or undo the whole update: jaki-forge update --abort")
        raise typer.Exit(EXIT_FAILED)


def check(
    dest: ReplicaArg = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    template: TemplateOpt = None,
) -> None:
    """Tell whether the replica is behind the newest template version (exit 1 when behind)."""
    from jaki_forge.replica.drift import check as run

    try:
        result = run(dest, template=template)
    except JakiForgeError as error:
        fail(error)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    elif result.behind:
        typer.echo(
            f"{result.path.name}: template {result.current}, behind by {len(result.newer)} "
            f"(newest {result.latest}); run `jaki-forge update`"
        )
    else:
        typer.echo(f"{result.path.name}: template {result.current}, up to date")
    raise typer.Exit(EXIT_FAILED if result.behind else EXIT_OK)


def diff(
    dest: ReplicaArg = Path("."),
    upcoming: Annotated[
        bool, typer.Option("--upcoming", help="Also list local changes the next template version touches.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    template: TemplateOpt = None,
) -> None:
    """List what the province changed relative to a clean render of its recorded version and profile."""
    from jaki_forge.replica.drift import diff as run

    try:
        result = run(dest, upcoming=upcoming, template=template)
    except JakiForgeError as error:
        fail(error)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
        return
    typer.echo(f"{result.path.name}: local changes against template {result.version}")
    for label, files in (("added", result.added), ("edited", result.edited), ("deleted", result.deleted)):
        typer.echo(f"  {label:<8}{len(files)}")
        for name in files:
            typer.echo(f"    {name}")
    if upcoming:
        if result.upcoming_version is None:
            typer.echo("No newer template version.")
        else:
            typer.echo(
                f"Template {result.upcoming_version} changes {len(result.upcoming_changes)} files; "
                f"{len(result.at_risk)} of them are changed here too (conflict risk):"
            )
            for name in result.at_risk:
                typer.echo(f"    {name}")
