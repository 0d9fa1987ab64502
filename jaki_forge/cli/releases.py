"""The `release` command: record a template release in the tree's ledger (maintainers)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def release(
    version: Annotated[str, typer.Argument(help="The release's PEP 440 version, e.g. 0.2.0.", show_default=False)],
    commit: Annotated[str, typer.Option(help="The commit that holds the release.")] = "HEAD",
    repository: Annotated[Path, typer.Option(help="The jaki-forge checkout whose ledger to write.")] = Path("."),
) -> None:
    """Record a template release (version -> commit) in template-releases.toml; commit that file afterwards."""
    from jaki_forge.replica.releases import LEDGER, record_release

    sha = record_release(repository.resolve(), version, commit=commit)
    typer.echo(f"recorded release {version} = {sha} in {repository / LEDGER}; commit it to publish the release")
