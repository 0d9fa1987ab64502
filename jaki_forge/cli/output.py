"""What every command shares: exit codes, turning library errors into messages, terminal-safe output."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import NoReturn

import typer

from jaki_forge.errors import InterruptedError_, InvalidInputError, JakiForgeError, ProfileError
from jaki_forge.safetext import terminal_safe

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_INTERRUPTED = 0, 1, 2, 130


def safe(text: object) -> str:
    """`text` with control characters shown as escapes, so nothing a file says can drive the terminal."""
    return terminal_safe(str(text))


def package_version() -> str:
    """The installed jaki-forge version."""
    try:
        return version("jaki-forge")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0+unknown"


def exit_code(error: JakiForgeError) -> int:
    """The exit code for a library error: 2 for unusable input, 130 for an interruption, 1 otherwise."""
    if isinstance(error, InterruptedError_):
        return error.code
    return EXIT_INVALID if isinstance(error, InvalidInputError) else EXIT_FAILED


def fail(error: JakiForgeError) -> NoReturn:
    """Print the error for a person (every problem of a profile, one per line) and exit with its code."""
    if isinstance(error, ProfileError):
        typer.echo(safe(error), err=True)
        if len(error.problems) > 1:
            typer.echo(f"{len(error.problems)} problems found.", err=True)
    elif isinstance(error, InterruptedError_):
        typer.echo(f"interrupted: {safe(error)}", err=True)
    else:
        typer.echo(f"error: {safe(error)}", err=True)
    raise typer.Exit(exit_code(error))


def emit(text: str, output: Path | None) -> None:
    """Print `text`, or write it to `output` and say so."""
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}")
