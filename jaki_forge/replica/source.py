"""Where the replica template comes from: the one shipped with jaki-forge, or a source the user names."""

from __future__ import annotations

import contextlib
import fcntl
import functools
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

from jaki_forge.cache import cache_dir
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
            # copier caches remote templates by URL; keep its cache beside this history, never shared
            "COPIER_CACHE_DIR": str(cache_dir() / "copier" / self.local.resolve().name),
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


def checkout_version(root: Path) -> str:
    """The version a source checkout declares (its pyproject.toml), which may differ from what is installed."""
    import tomllib

    try:
        return str(tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return package_version()


def checkout_root() -> Path | None:
    """The repository root when jaki-forge runs from a source checkout of itself, else None."""
    root = Path(__file__).resolve().parents[2]
    if (root / "copier.yml").is_file() and (root / "template").is_dir() and is_repo_root(root):
        return root
    return None


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _bare(target: Path) -> None:
    """Create the bare repository `target` atomically (staging folder, then rename)."""
    if (target / "objects").is_dir():
        return
    staging = Path(tempfile.mkdtemp(prefix=".mirror-", dir=target.parent))
    try:
        git("init", "-q", "--bare", "-b", "main", str(staging / "repo.git"), cwd=staging)
        (staging / "repo.git").rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def bundled_repository() -> Path | None:
    """A bare repository holding the template history bundled inside the installed package, or None.

    Keyed by the bundle's content, so two installations never share (or go stale on) each other's copy.
    """
    bundle = resources.files("jaki_forge").joinpath(BUNDLE)
    if not bundle.is_file():
        return None
    data = bundle.read_bytes()
    target = cache_dir() / f"bundle-{hashlib.sha256(data).hexdigest()[:20]}.git"
    with _locked(target.with_suffix(".lock")):
        if not (target / "objects").is_dir():
            _bare(target)
            with tempfile.TemporaryDirectory(prefix="jaki-forge-bundle-") as folder:
                bundle_file = Path(folder) / "template.bundle"
                bundle_file.write_bytes(data)
                git("fetch", "-q", str(bundle_file), "+refs/*:refs/*", cwd=target)
    return target


def checkout_mirror(root: Path) -> Path:
    """A private bare mirror of the checkout at `root`: its HEAD, with the ledger's releases as tags."""
    from jaki_forge.replica.releases import read_ledger, tag_releases

    key = hashlib.sha256(str(root).encode("utf-8")).hexdigest()[:20]
    target = cache_dir() / f"checkout-{key}.git"
    with _locked(target.with_suffix(".lock")):
        _bare(target)
        git("fetch", "-q", "--no-tags", "--prune", str(root), "+HEAD:refs/heads/main", cwd=target)
        tag_releases(target, read_ledger(root))
    return target


@functools.cache
def shipped_repository() -> Path | None:
    """The template history this jaki-forge carries: its wheel's bundle, or a mirror of its checkout."""
    root = checkout_root()
    if root is not None:
        return checkout_mirror(root)
    return bundled_repository()


def default_source() -> TemplateSource:
    """The template shipped with this jaki-forge, at the release it was built as (else its newest history)."""
    override = os.environ.get("JAKI_FORGE_TEMPLATE")
    if override:
        return TemplateSource(url=override)
    local = shipped_repository()
    if local is None:
        raise TemplateError(
            "this jaki-forge installation carries no template (no bundled template history and no source "
            "checkout); reinstall jaki-forge from a wheel, or pass --template with a template repository"
        )
    root = checkout_root()
    wanted = checkout_version(root) if root is not None else package_version()
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
