"""Creating replicas (`new`): render a replica from the template into a fresh git repository, all or nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from jaki_forge.errors import DestinationError
from jaki_forge.profile.load import LoadedProfile, load_profile
from jaki_forge.replica.answers import read_answers
from jaki_forge.replica.git import init_and_commit
from jaki_forge.replica.payload import template_data
from jaki_forge.replica.render import render_tree
from jaki_forge.replica.source import TemplateSource, resolve_source


@dataclass(frozen=True)
class Generated:
    """What `generate` made."""

    path: Path
    commit: str
    template_version: str
    profile: LoadedProfile
    seconds: float


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_destination(dest: Path) -> None:
    """Refuse a destination that exists and is not an empty directory."""
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise DestinationError(f"{dest} exists and is not a directory; choose another destination")
    if dest.is_dir() and any(dest.iterdir()):
        raise DestinationError(
            f"{dest} already exists and is not empty; choose another destination or remove it first "
            "(to bring an existing replica up to date, use `jaki-forge update`)"
        )


def render(loaded: LoadedProfile, target: Path, source: TemplateSource) -> None:
    """Render the template for a validated profile into the empty directory `target`."""
    render_tree({"profile": template_data(loaded)}, target, source)


def generate(
    profile: str | Path | LoadedProfile,
    dest: str | Path | None = None,
    *,
    template: str | None = None,
    vcs_ref: str | None = None,
) -> Generated:
    """Validate `profile`, render the replica at `dest` (default ./<slug>), make it a git repo.

    Nothing is left at `dest` when anything fails or the user interrupts.
    """
    started = time.perf_counter()
    loaded = profile if isinstance(profile, LoadedProfile) else load_profile(profile)
    dest = Path(dest) if dest is not None else Path.cwd() / loaded.profile.app.slug
    check_destination(dest)
    source = resolve_source(template, vcs_ref)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent))
    try:
        render(loaded, staging, source)
        answers = read_answers(staging)
        version = str(answers.get("_commit") or "unversioned")
        commit = init_and_commit(staging, f"Generate {loaded.profile.app.name} from the jaki-forge template {version}")
        staging.chmod(0o777 & ~_umask())  # mkdtemp made it private; give it the usual mode
        if dest.is_dir():
            dest.rmdir()  # empty, checked above
        staging.rename(dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Generated(dest, commit, version, loaded, time.perf_counter() - started)
