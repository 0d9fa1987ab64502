"""The template's release ledger: versions recorded in the tree (version -> commit), turned into tags where needed."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.version import InvalidVersion, Version

from jaki_forge.errors import InvalidInputError, TemplateError
from jaki_forge.replica.git import git

LEDGER = "template-releases.toml"
HEADER = (
    "# Template releases: each version names the commit of this repository whose copier.yml and template/\n"
    "# make that release. A clone carries no tags; jaki-forge makes tags from this table in its own mirror\n"
    "# of the history and in the wheel's bundle. Add a line with `jaki-forge release VERSION`.\n"
)


def read_ledger(root: Path) -> dict[str, str]:
    """version -> commit from the ledger of the repository at `root` (empty when it has none)."""
    path = root / LEDGER
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise TemplateError(f"{path}: not valid TOML ({error}); fix the file or restore it from git") from None
    releases = data.get("releases", {})
    if not isinstance(releases, dict) or not all(isinstance(v, str) for v in releases.values()):
        raise TemplateError(f'{path}: [releases] must map versions to commits, e.g. "0.2.0" = "<commit>"')
    for version in releases:
        try:
            Version(version)
        except InvalidVersion:
            raise TemplateError(f"{path}: release {version!r} is not a PEP 440 version, e.g. 0.2.0") from None
    return dict(releases)


def tag_releases(git_dir: Path, ledger: dict[str, str]) -> None:
    """Make the tags of the bare repository `git_dir` exactly the ledger's releases."""
    existing: dict[str, str] = {}
    listing = git("for-each-ref", "--format=%(refname:strip=2) %(objectname)", "refs/tags", cwd=git_dir).stdout
    for line in listing.splitlines():
        name, _, sha = line.partition(" ")
        existing[name] = sha
    for version, commit in ledger.items():
        found = git("rev-parse", "--verify", "-q", f"{commit}^{{commit}}", cwd=git_dir, check=False)
        if found.returncode != 0:
            raise TemplateError(
                f"release {version} names commit {commit}, which this history does not contain; "
                "fetch the full history (`git fetch --unshallow`) or correct template-releases.toml"
            )
        sha = found.stdout.strip()
        if existing.get(version) != sha:
            git("update-ref", f"refs/tags/{version}", sha, cwd=git_dir)
    for stale in set(existing) - set(ledger):
        git("update-ref", "-d", f"refs/tags/{stale}", cwd=git_dir)


def record_release(root: Path, version: str, *, commit: str = "HEAD") -> str:
    """Add `version` -> `commit` (resolved) to the ledger of the checkout at `root`; return the commit."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        raise InvalidInputError(f"{version!r} is not a PEP 440 version; give one such as 0.2.0") from None
    if parsed.is_prerelease or parsed.is_devrelease or parsed.local:
        raise InvalidInputError(f"{version} is not a final release; replicas update only between final releases")
    ledger = read_ledger(root)
    if version in ledger:
        raise InvalidInputError(f"release {version} is already recorded (commit {ledger[version]}) in {LEDGER}")
    resolved = git("rev-parse", "--verify", "-q", f"{commit}^{{commit}}", cwd=root, check=False)
    if resolved.returncode != 0:
        raise InvalidInputError(f"{commit!r} is not a commit of {root}; give a commit or leave --commit out")
    sha = resolved.stdout.strip()
    newest = max((Version(v) for v in ledger), default=None)
    if newest is not None and parsed <= newest:
        raise InvalidInputError(f"release {version} is not newer than the last recorded release {newest}")
    ledger[version] = sha
    lines = [HEADER, "[releases]"]
    lines += [f'"{v}" = "{c}"' for v, c in sorted(ledger.items(), key=lambda item: Version(item[0]))]
    (root / LEDGER).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sha
