"""Hatch build hook: packs the template's git history (release tags and HEAD) into the package."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLE = "jaki_forge/data/template.bundle"


class TemplateBundleHook(BuildHookInterface):
    """Adds jaki_forge/data/template.bundle so an installed jaki-forge can update replicas offline."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        """Create the bundle from the git checkout (or keep the one an sdist already carries)."""
        if version == "editable":
            return  # an editable install renders from its own checkout
        root = Path(self.root)
        if not (root / ".git").exists():
            if (root / BUNDLE).is_file():
                build_data["force_include"][str(root / BUNDLE)] = BUNDLE
                return
            raise RuntimeError(
                "building jaki-forge needs the template history: build from a git checkout, or from an sdist "
                f"that carries {BUNDLE}"
            )
        out = Path(tempfile.mkdtemp(prefix="jaki-forge-bundle-")) / "template.bundle"
        subprocess.run(["git", "bundle", "create", str(out), "--tags", "HEAD"], cwd=root, check=True,
                       capture_output=True)
        build_data["force_include"][str(out)] = BUNDLE
