"""Shared fixtures: paths of the repository, the shipped profiles and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"
GOOD = Path(__file__).resolve().parent / "profiles" / "good"


@pytest.fixture
def runner() -> CliRunner:
    """A runner for the `jaki-forge` CLI, in-process."""
    return CliRunner()
