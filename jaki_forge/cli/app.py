"""The `jaki-forge` command line: the root command, its groups, and the one place errors become exit codes."""

from __future__ import annotations

import signal
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from jaki_forge.cli.export import export_app
from jaki_forge.cli.fleet import ci_matrix, fleet_app
from jaki_forge.cli.output import EXIT_INTERRUPTED, fail, package_version
from jaki_forge.cli.profiles import profile_app, schema, validate
from jaki_forge.cli.regions import regions_app
from jaki_forge.cli.releases import release
from jaki_forge.cli.replicas import check, diff, new, update
from jaki_forge.errors import JakiForgeError


class _GuardedGroup(TyperGroup):
    """Runs a command so that any library error or interruption ends as a message and an exit code."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]  # typer's own Context
        """Invoke the command; JakiForgeError -> its message and exit code, Ctrl-C/SIGTERM -> 130."""
        try:
            return super().invoke(ctx)
        except JakiForgeError as error:
            fail(error)
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None


app = typer.Typer(
    name="jaki-forge",
    cls=_GuardedGroup,
    help="Replicate the JAKI citizen-service app for an Indonesian province from one profile.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"jaki-forge {package_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Replicate the JAKI citizen-service app for an Indonesian province from one profile."""


app.command()(validate)
app.command()(schema)
app.command()(new)
app.command()(update)
app.command()(check)
app.command()(diff)
app.add_typer(regions_app, name="regions")
app.add_typer(fleet_app, name="fleet")
app.add_typer(profile_app, name="profile")
app.add_typer(export_app, name="export")
app.command("ci-matrix")(ci_matrix)
app.command()(release)


def _terminated(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt  # SIGTERM unwinds like Ctrl-C: half-written work is removed and reported


def main() -> None:
    """Entry point of the console script."""
    signal.signal(signal.SIGTERM, _terminated)
    app()
