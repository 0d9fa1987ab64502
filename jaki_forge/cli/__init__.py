"""The jaki-forge command line: one module per command group over the library API."""

from jaki_forge.cli.app import main

__all__ = ["main"]
