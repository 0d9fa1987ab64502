"""The `jaki-forge export` commands: the template for cookiecutter/cruft, and handing replicas between managers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jaki_forge.cli.output import safe

export_app = typer.Typer(help="Share the template with cookiecutter, cruft and Backstage users.", no_args_is_help=True)

ReplicaArg = Annotated[Path, typer.Argument(help="The replica's git repository.")]


@export_app.command("cookiecutter")
def cookiecutter(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write the cookiecutter template to.")],
    profile: Annotated[Path, typer.Option("--profile", "-p", help="The province profile (YAML).", show_default=False)],
    version: Annotated[
        str | None, typer.Option(help="Template release (git tag) to export \\[default: newest].", show_default=False)
    ] = None,
    template: Annotated[
        str | None,
        typer.Option(help="Another template source (path or git URL) instead of the shipped one.", show_default=False),
    ] = None,
    as_git: Annotated[
        bool, typer.Option("--git", help="Make --out a git repository with one commit and tag per release (cruft).")
    ] = False,
) -> None:
    """Write the replica template at a release as a cookiecutter template with the profile as its defaults."""
    from jaki_forge.replica.export import export_cookiecutter

    result = export_cookiecutter(out, profile=profile, version=version, template=template, as_git=as_git)
    typer.echo(
        f"Exported template {safe(result.version)} to {safe(result.path)}: {result.files} files "
        f"({result.rendered} rendered, {result.static} written by jaki-forge)."
    )
    if result.commit:
        typer.echo(f"Committed {result.commit[:10]} and tagged {safe(result.version)}.")
    typer.echo(f"  cookiecutter --no-input {safe(result.path)}      # or: cruft create {safe(result.path)}")


@export_app.command("to-cruft")
def to_cruft(
    export: Annotated[
        str, typer.Option("--export", help="The exported git template (from `export cookiecutter --git`).")
    ],
    dest: ReplicaArg = Path("."),
) -> None:
    """Hand a jaki-forge replica over to cruft: .copier-answers.yml becomes .cruft.json, in one commit."""
    from jaki_forge.replica.handover import to_cruft as run

    result = run(dest, export=export)
    typer.echo(
        f"{safe(result.path.name)}: now managed by cruft at template {safe(result.version)} "
        f"(commit {result.commit[:10]})."
    )
    typer.echo("  cruft check && cruft update      # after newer releases are exported")


@export_app.command("from-cruft")
def from_cruft(
    dest: ReplicaArg = Path("."),
    template: Annotated[
        str | None, typer.Option(help="Render from this template source instead of the recorded one.")
    ] = None,
) -> None:
    """Hand a cruft-managed replica back to jaki-forge: .cruft.json becomes .copier-answers.yml, in one commit."""
    from jaki_forge.replica.handover import to_jaki_forge as run

    result = run(dest, template=template)
    typer.echo(
        f"{safe(result.path.name)}: now managed by jaki-forge at template {safe(result.version)} "
        f"(commit {result.commit[:10]})."
    )
    typer.echo("  jaki-forge check && jaki-forge update")
