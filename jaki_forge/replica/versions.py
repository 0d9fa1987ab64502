"""Template versions: the PEP 440 tags of a template source, and the version a replica records."""

from __future__ import annotations

from pathlib import Path

from packaging.version import InvalidVersion, Version

from jaki_forge.errors import TemplateError
from jaki_forge.replica.git import git
from jaki_forge.replica.source import TemplateSource


def parse_version(text: str) -> Version | None:
    """A PEP 440 version from a tag or a recorded `_commit`, or None when it is not one."""
    try:
        return Version(text.lstrip("v"))
    except InvalidVersion:
        return None


def released_versions(source: TemplateSource) -> list[tuple[Version, str]]:
    """(version, tag) of every final release tag of the template, oldest first."""
    remote = str(source.local.resolve()) if source.local else source.url
    result = git("ls-remote", "--tags", "--refs", remote, cwd=Path.cwd(), check=False)
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()
        raise TemplateError(
            f"cannot list the versions of the template {source.url}: {detail[-1] if detail else 'git failed'}"
        )
    found = []
    for line in result.stdout.splitlines():
        tag = line.split("refs/tags/", 1)[-1]
        version = parse_version(tag)
        if version is not None and not version.is_prerelease and not version.is_devrelease:
            found.append((version, tag))
    return sorted(found)
