"""Where the replica template comes from: the one shipped with jaki-forge, or a source the user names."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from jaki_forge.errors import InvalidInputError, TemplateError
from jaki_forge.replica.git import git, is_repo_root, tags

# The template's public home. Replicas record it as their copier `_src_path`, so their answers file
# names no path of one machine; jaki-forge maps it to the template history it carries (git insteadOf).
CANONICAL_URL = "https://github.com/jaki-forge/jaki-forge.git"
BUNDLE = "data/template.bundle"


@dataclass(frozen=True)
class TemplateSource:
    """A copier template source: the URL copier is given and the local repository it maps to."""

    url: str
    local: Path | None = None
    ref: str | None = None

    def with_ref(self, ref: str | None) -> TemplateSource:
        """The same source at another version."""
        return TemplateSource(url=self.url, local=self.local, ref=ref)

    @contextlib.contextmanager
    def reachable(self) -> Iterator[None]:
        """Make `url` resolve to `local` for every git command run inside the block."""
        if self.local is None:
            yield
            return
        saved = {k: os.environ.get(k) for k in ("GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0")}
        count = int(saved["GIT_CONFIG_COUNT"] or 0)
        extra = {
            "GIT_CONFIG_COUNT": str(count + 1),
            f"GIT_CONFIG_KEY_{count}": f"url.{self.local.resolve().as_uri()}.insteadOf",
            f"GIT_CONFIG_VALUE_{count}": self.url,
        }
        saved.update({k: os.environ.get(k) for k in extra})
        os.environ.update(extra)
        from plumbum import local  # copier runs git through plumbum, which keeps its own copy of the environment

        try:
            with local.env(**extra):
                yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def package_version() -> str:
    """The installed jaki-forge version."""
    try:
        return version("jaki-forge")
    except PackageNotFoundError:  # pragma: no cover - source tree without install
        return "0+unknown"


def checkout_root() -> Path | None:
    """The repository root when jaki-forge runs from a source checkout of itself, else None."""
    root = Path(__file__).resolve().parents[2]
    if (root / "copier.yml").is_file() and (root / "template").is_dir() and is_repo_root(root):
        return root
    return None


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jaki-forge"


def bundled_repository() -> Path | None:
    """A git repository cloned from the template bundle inside the installed package, or None."""
    bundle = resources.files("jaki_forge").joinpath(BUNDLE)
    if not bundle.is_file():
        return None
    data = bundle.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:16]
    target = _cache_dir() / f"template-{digest}"
    if (target / ".git").is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".template-", dir=target.parent))
    try:
        bundle_file = staging / "template.bundle"
        bundle_file.write_bytes(data)
        git("clone", "-q", str(bundle_file), str(staging / "repo"), cwd=staging)
        git("fetch", "-q", "--tags", str(bundle_file), cwd=staging / "repo")
        try:
            (staging / "repo").rename(target)
        except OSError:  # another process won the race; its copy is as good as ours
            if not (target / ".git").is_dir():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def default_source() -> TemplateSource:
    """The template shipped with this jaki-forge: its bundled history, or the checkout it runs from."""
    override = os.environ.get("JAKI_FORGE_TEMPLATE")
    if override:
        return TemplateSource(url=override)
    local = bundled_repository() or checkout_root()
    if local is None:
        raise TemplateError(
            "this jaki-forge installation carries no template (no bundled template history and no source "
            "checkout); reinstall jaki-forge from a wheel, or pass --template with a template repository"
        )
    wanted = package_version()
    # the release this jaki-forge was built as; a development build renders the history's HEAD
    ref = next((t for t in tags(local) if t.lstrip("v") == wanted), "HEAD")
    return TemplateSource(url=CANONICAL_URL, local=local, ref=ref)


def resolve_source(template: str | None, vcs_ref: str | None) -> TemplateSource:
    """The source to render from: `template` as given (with `vcs_ref`), or the shipped default."""
    if template:
        if re.match(r"^(\w+://|git@|gh:|gl:)", template):
            return TemplateSource(url=template, ref=vcs_ref)
        path = Path(template).expanduser()
        if not path.exists():
            raise InvalidInputError(f"template {template} does not exist; give a template repository path or git URL")
        if path.is_dir() and not any((path / name).is_file() for name in ("copier.yml", "copier.yaml")):
            raise InvalidInputError(
                f"{template} is not a copier template (no copier.yml); give the jaki-forge template repository"
            )
        return TemplateSource(url=str(path.resolve()), ref=vcs_ref)
    source = default_source()
    return TemplateSource(url=source.url, local=source.local, ref=vcs_ref or source.ref)
