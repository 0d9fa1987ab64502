"""Moving a replica between jaki-forge (copier answers) and cruft (a `.cruft.json` on an exported template)."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jaki_forge.errors import DestinationError, InvalidInputError
from jaki_forge.replica.answers import ANSWERS_FILE, read_answers
from jaki_forge.replica.export import CONTEXT_FILE
from jaki_forge.replica.git import git, identity_args, is_repo_root
from jaki_forge.replica.render import render_tree
from jaki_forge.replica.source import CANONICAL_URL, TemplateSource, default_source

CRUFT_FILE = ".cruft.json"


@dataclass(frozen=True)
class Handover:
    """What a handover did: the replica, the template version it records, the commit it made."""

    path: Path
    version: str
    manager: str
    commit: str


def _clean_replica(path: Path) -> None:
    if not is_repo_root(path):
        raise DestinationError(f"{path} is not the top of a git repository; run this on the replica's own repository")
    if git("status", "--porcelain", cwd=path).stdout.strip():
        raise DestinationError(f"{path} has uncommitted changes; commit or stash them before the handover")


def _commit(path: Path, message: str) -> str:
    git("add", "-A", cwd=path)
    git(*identity_args(path), "commit", "-q", "--no-verify", "-m", message, cwd=path)
    return git("rev-parse", "HEAD", cwd=path).stdout.strip()


def _export_url(export: str | Path) -> str:
    text = str(export)
    if "://" in text or text.startswith("git@"):
        return text
    path = Path(text).expanduser()
    if not path.is_dir():
        raise InvalidInputError(f"the exported template {export} does not exist; export it with --git first")
    return str(path.resolve())


def to_cruft(replica: str | Path, *, export: str | Path) -> Handover:
    """Let cruft manage a jaki-forge replica: link it to its release in the exported git template `export`."""
    path = Path(replica)
    answers = read_answers(path)
    _clean_replica(path)
    version = str(answers.get("_commit") or "")
    url = _export_url(export)
    with tempfile.TemporaryDirectory(prefix="jaki-forge-handover-") as scratch:
        clone = Path(scratch) / "export"
        cloned = git("clone", "-q", url, str(clone), cwd=Path(scratch), check=False)
        if cloned.returncode != 0:
            raise InvalidInputError(f"cannot clone the exported template {export}; give the directory made by --git")
        found = git("rev-parse", "-q", "--verify", f"refs/tags/{version}^{{commit}}", cwd=clone, check=False)
        if found.returncode != 0:
            raise InvalidInputError(
                f"the exported template {export} has no release {version} (the replica's version); "
                f"add it with `jaki-forge export cookiecutter --version {version} --git --out {export}`"
            )
        commit = found.stdout.strip()
        shown = git("show", f"{commit}:{CONTEXT_FILE}", cwd=clone, check=False)
        if shown.returncode != 0:
            raise InvalidInputError(f"{export} at {version} has no {CONTEXT_FILE}; it is not a cookiecutter template")
    context = json.loads(shown.stdout)
    if json.loads(json.dumps(answers["profile"])) != context.get("_profile"):
        raise InvalidInputError(
            f"the exported template {export} at {version} was made from another profile than the one {path} "
            f"records; export it from this replica's profile (jaki-forge export cookiecutter --profile …)"
        )
    state = {
        "template": url,
        "commit": commit,
        "checkout": None,
        "context": {"cookiecutter": {**context, "_template": url, "_commit": commit}},
        "directory": None,
        "skip": list(context.get("_jaki_forge", {}).get("skip", [])),
    }
    (path / CRUFT_FILE).write_text(json.dumps(state, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (path / ANSWERS_FILE).unlink()
    made = _commit(path, f"Hand the replica over to cruft (template {version}, exported to {url})")
    return Handover(path, version, "cruft", made)


def to_jaki_forge(replica: str | Path, *, template: str | None = None) -> Handover:
    """Let jaki-forge manage a replica created by cruft from an exported template: write its copier answers."""
    path = Path(replica)
    state_file = path / CRUFT_FILE
    if not state_file.is_file():
        raise DestinationError(f"{path} has no {CRUFT_FILE}; it is not managed by cruft")
    try:
        context = json.loads(state_file.read_text(encoding="utf-8"))["context"]["cookiecutter"]
        origin = context["_jaki_forge"]
        profile, version, src = context["_profile"], str(origin["version"]), str(origin["template"])
    except (ValueError, KeyError, TypeError):
        raise DestinationError(
            f"{state_file} records no jaki-forge export (context.cookiecutter._profile and _jaki_forge); "
            "only replicas made from `jaki-forge export cookiecutter` can be handed over"
        ) from None
    _clean_replica(path)
    url = template or src
    # the shipped template's public URL maps to the history this jaki-forge carries, as for `update`
    local = default_source().local if url == CANONICAL_URL else None
    source = TemplateSource(url=url, local=local, ref=version)
    with tempfile.TemporaryDirectory(prefix="jaki-forge-handover-") as scratch:
        pristine = Path(scratch) / "pristine"
        render_tree({"profile": profile}, pristine, source)
        shutil.copyfile(pristine / ANSWERS_FILE, path / ANSWERS_FILE)
    state_file.unlink()
    made = _commit(path, f"Hand the replica over to jaki-forge (template {version})")
    return Handover(path, version, "jaki-forge", made)
