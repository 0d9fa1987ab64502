"""Hatch build hook: packs the template's git history (HEAD, and a tag per release of the ledger) into the package."""

from __future__ import annotations

import subprocess
import tempfile
import tomllib
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
        work = Path(tempfile.mkdtemp(prefix="jaki-forge-bundle-"))
        mirror = work / "mirror.git"

        def git(*args: str) -> None:
            subprocess.run(["git", *args], cwd=work, check=True, capture_output=True)

        # the releases are recorded in the tree (template-releases.toml), not as tags a clone may lack
        git("init", "-q", "--bare", "-b", "main", str(mirror))
        git("--git-dir", str(mirror), "fetch", "-q", "--no-tags", str(root), "+HEAD:refs/heads/main")
        ledger_file = root / "template-releases.toml"
        ledger = {}
        if ledger_file.is_file():
            ledger = tomllib.loads(ledger_file.read_text(encoding="utf-8")).get("releases", {})
        for release, commit in ledger.items():
            git("--git-dir", str(mirror), "update-ref", f"refs/tags/{release}", commit)
        out = work / "template.bundle"
        git("--git-dir", str(mirror), "bundle", "create", str(out), "--all")
        build_data["force_include"][str(out)] = BUNDLE
