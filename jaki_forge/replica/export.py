"""Exporting the replica template as a cookiecutter template (for cookiecutter, cruft and Backstage users)."""

from __future__ import annotations

import fnmatch
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from jaki_forge.errors import DestinationError, InvalidInputError, TemplateError
from jaki_forge.profile.load import LoadedProfile, load_profile
from jaki_forge.replica.answers import ANSWERS_FILE, read_answers
from jaki_forge.replica.create import render
from jaki_forge.replica.git import git, identity_args, is_repo_root
from jaki_forge.replica.payload import template_data
from jaki_forge.replica.source import TemplateSource, resolve_source
from jaki_forge.replica.versions import released_versions

CONTEXT_FILE = "cookiecutter.json"
# the project folder of the exported template; its name is the app slug of the profile
PROJECT_DIR = "{{cookiecutter._profile.app.slug}}"
# copier's `profile` answer becomes the private (never prompted, never re-rendered) cookiecutter variable `_profile`
PROFILE_PRELUDE = "{% set profile = cookiecutter._profile %}"
# what a template may read of copier's own answers, from the variables the export records
ANSWERS_PRELUDE = (
    "{% set _copier_answers = {'_commit': cookiecutter._jaki_forge.version, "
    "'_src_path': cookiecutter._jaki_forge.template, 'profile': cookiecutter._profile} %}"
)
# the Jinja extension copier loads into every render (a dependency of copier, so installed beside it)
COPIER_FILTERS = "jinja2_ansible_filters.AnsibleCoreFiltersExtension"
# what copier leaves out of a render when the template sets no _exclude and no _subdirectory
COPIER_EXCLUDES = ("copier.yaml", "copier.yml", "~*", "*.py[co]", "__pycache__", ".git", ".DS_Store", ".svn")


@dataclass(frozen=True)
class Exported:
    """What `export_cookiecutter` wrote."""

    path: Path
    version: str
    template: str
    files: int
    rendered: int
    static: int
    commit: str | None


def _release(source: TemplateSource, version: str | None) -> str:
    if version:
        return version
    if source.ref:
        return source.ref
    releases = released_versions(source)
    if not releases:
        raise InvalidInputError(
            f"the template {source.url} has no release tags; pass --version with a tag or commit to export"
        )
    return releases[-1][1]


def _checkout(source: TemplateSource, ref: str, target: Path) -> None:
    """The template source at `ref`, as plain files in `target`."""
    with source.reachable():
        cloned = git("clone", "-q", "--no-checkout", source.url, str(target), cwd=target.parent, check=False)
        if cloned.returncode != 0:
            detail = cloned.stderr.strip().splitlines()
            raise TemplateError(
                f"cannot read the template {source.url}: {detail[-1] if detail else 'git clone failed'}; "
                "check --template"
            )
    checked = git("-c", "advice.detachedHead=false", "checkout", "-q", ref, cwd=target, check=False)
    if checked.returncode != 0:
        raise TemplateError(
            f"the template {source.url} has no version {ref!r}; `git tag` in the template lists its versions"
        )


def _copier_config(root: Path) -> dict[str, Any]:
    for name in ("copier.yml", "copier.yaml"):
        path = root / name
        if path.is_file():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict):
                raise TemplateError(f"{path} is not a mapping; it is not a copier template")
            return data
    raise TemplateError("the template has no copier.yml; it is not a copier template")


def _excluded(relative: PurePosixPath, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(part, pattern) for part in relative.parts for pattern in patterns) or any(
        fnmatch.fnmatch(str(relative), pattern) for pattern in patterns
    )


def _jinja_env_vars(config: dict[str, Any]) -> dict[str, Any]:
    """copier's `_envops` as cookiecutter's `_jinja2_env_vars` (cookiecutter always keeps the trailing newline)."""
    envops = dict(config.get("_envops") or {})
    if envops.pop("keep_trailing_newline", True) is not True:
        raise TemplateError(
            "the template sets _envops.keep_trailing_newline to false; cookiecutter always keeps trailing newlines, "
            "so its files cannot be exported byte for byte"
        )
    return envops


def _glob_escape(path: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in path)


def _write_files(
    template_root: Path, rendered: Path, project: Path, config: dict[str, Any]
) -> tuple[list[str], int, int]:
    """Translate the template's files into `project`; return the verbatim paths and the rendered/static counts."""
    suffix = str(config.get("_templates_suffix", ".jinja"))
    if not suffix:
        raise TemplateError("the template renders every file (_templates_suffix is empty); export needs a suffix")
    subdirectory = str(config.get("_subdirectory") or ".")
    default = COPIER_EXCLUDES if PurePosixPath(subdirectory) == PurePosixPath(".") else ()
    excludes = [*config.get("_exclude", default), ".git"]
    verbatim: list[str] = []
    produced: set[str] = set()
    templated = 0
    for path in sorted(p for p in template_root.rglob("*") if p.is_file() or p.is_symlink()):
        relative = PurePosixPath(path.relative_to(template_root).as_posix())
        if _excluded(relative, excludes):
            continue
        if "{{" in str(relative) or "{%" in str(relative):
            if relative.name == "{{_copier_conf.answers_file}}" + suffix:
                continue  # the answers file: cruft records its state in .cruft.json instead
            raise TemplateError(
                f"{relative} has a templated name; the cookiecutter export supports templated file contents only"
            )
        is_template = relative.name.endswith(suffix)
        out_name = str(relative)[: -len(suffix)] if is_template else str(relative)
        target = project / out_name
        target.parent.mkdir(parents=True, exist_ok=True)
        if is_template:
            text = path.read_text(encoding="utf-8")
            if "_copier_" in text.replace("_copier_answers", ""):
                raise TemplateError(
                    f"{relative} uses copier's own variables (_copier_conf, …), which cookiecutter does not have; "
                    "only _copier_answers can be exported"
                )
            prelude = PROFILE_PRELUDE + (ANSWERS_PRELUDE if "_copier_answers" in text else "")
            target.write_text(prelude + text, encoding="utf-8", newline="")
            shutil.copymode(path, target)
            templated += 1
        else:
            after = rendered / out_name
            # jaki-forge rewrote this file after rendering: the export ships its rendered bytes
            source = after if after.is_file() and after.read_bytes() != path.read_bytes() else path
            shutil.copy2(source, target)
            verbatim.append(out_name)
        produced.add(out_name)
    static = 0
    for written in sorted(p for p in rendered.rglob("*") if p.is_file()):
        name = written.relative_to(rendered).as_posix()
        if name in produced or name == ANSWERS_FILE or name.split("/", 1)[0] == ".git":
            continue
        # a file jaki-forge writes after rendering (the logo, its icons): shipped as it is
        target = project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(written, target)
        verbatim.append(name)
        static += 1
    return verbatim, templated, static


def build_template(
    loaded: LoadedProfile, target: Path, *, source: TemplateSource, ref: str, work: Path
) -> tuple[dict[str, Any], int, int, int]:
    """Write the cookiecutter template of `source` at `ref` for one profile into the empty directory `target`.

    Returns the cookiecutter.json context and the counts of files (all, rendered, static).
    """
    rendered = work / "rendered"
    render(loaded, rendered, source.with_ref(ref))
    answers = read_answers(rendered)
    checkout = work / "template"
    # the commit copier rendered (a tag, or `git describe` output, which git resolves too), so the files
    # translated below are the ones `new` renders even when `ref` is a moving name such as HEAD
    _checkout(source, str(answers.get("_commit") or ref), checkout)
    config = _copier_config(checkout)
    subdirectory = str(config.get("_subdirectory") or "")
    template_root = (checkout / subdirectory).resolve()
    if not template_root.is_dir() or not template_root.is_relative_to(checkout.resolve()):
        raise TemplateError(f"the template's _subdirectory {subdirectory!r} does not exist at version {ref}")
    project = target / PROJECT_DIR
    project.mkdir(parents=True)
    verbatim, templated, static = _write_files(template_root, rendered, project, config)
    context = {
        "_profile": template_data(loaded),
        "_jaki_forge": {
            "template": str(answers.get("_src_path") or source.url),
            "version": str(answers.get("_commit")),
            # copier's _skip_if_exists: files the province owns; cruft's `skip` is the same promise
            "skip": [str(p) for p in config.get("_skip_if_exists") or []],
        },
        "_copy_without_render": sorted(_glob_escape(p) for p in verbatim),
        "_jinja2_env_vars": _jinja_env_vars(config),
        # the filters copier always loads (to_json, regex_replace, …), then the template's own extensions
        "_extensions": [COPIER_FILTERS, *(str(e) for e in config.get("_jinja_extensions") or [])],
        # Jinja (copier's and cookiecutter's) ends rendered lines with \n; cookiecutter would otherwise
        # write the template file's own line ending back
        "_new_lines": "\n",
    }
    text = json.dumps(context, indent=2, ensure_ascii=False) + "\n"
    (target / CONTEXT_FILE).write_text(text, encoding="utf-8")
    return context, len(verbatim) + templated, templated, static


def _check_destination(out: Path, *, as_git: bool) -> bool:
    """Whether `out` is fresh (missing or empty); refuse a destination the export cannot use."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise DestinationError(f"{out} exists and is not a directory; choose another --out")
    if not out.exists() or not any(out.iterdir()):
        return True
    if not as_git:
        raise DestinationError(
            f"{out} is not empty; choose an empty --out, or pass --git to add this release to an exported repository"
        )
    if not is_repo_root(out) or not (out / CONTEXT_FILE).is_file():
        raise DestinationError(
            f"{out} is neither empty nor a git repository made by `jaki-forge export cookiecutter --git`; "
            "choose an empty --out"
        )
    if git("status", "--porcelain", cwd=out).stdout.strip():
        raise DestinationError(f"{out} has uncommitted changes; commit or discard them before exporting into it")
    return False


def _commit_release(out: Path, *, version: str, app_name: str) -> str:
    git("add", "-A", cwd=out)
    existing = git("rev-parse", "-q", "--verify", f"refs/tags/{version}", cwd=out, check=False)
    changed = git("diff", "--cached", "--quiet", cwd=out, check=False).returncode != 0
    has_head = git("rev-parse", "-q", "--verify", "HEAD", cwd=out, check=False).returncode == 0
    if existing.returncode == 0:
        tagged_tree = git("rev-parse", f"{version}^{{tree}}", cwd=out).stdout.strip()
        staged_tree = git("write-tree", cwd=out).stdout.strip()
        if tagged_tree != staged_tree:
            git("reset", "-q", "--hard", cwd=out)
            raise DestinationError(
                f"{out} already has release {version} with other content; export a new release, "
                "or export into a fresh directory"
            )
    if changed or not has_head:
        message = f"Export the jaki-forge template {version} for {app_name} as a cookiecutter template"
        git(*identity_args(out), "commit", "-q", "--no-verify", "--allow-empty", "-m", message, cwd=out)
    if existing.returncode != 0:
        git(*identity_args(out), "tag", "-a", version, "-m", f"jaki-forge template {version}", cwd=out)
    return git("rev-parse", "HEAD", cwd=out).stdout.strip()


def export_cookiecutter(
    out: str | Path,
    *,
    profile: str | Path | LoadedProfile,
    version: str | None = None,
    template: str | None = None,
    as_git: bool = False,
) -> Exported:
    """Write the replica template at a release, for one profile, as a cookiecutter template in `out`.

    With `as_git`, `out` is a git repository that gets one commit (and tag) per exported release.
    """
    loaded = profile if isinstance(profile, LoadedProfile) else load_profile(profile)
    out = Path(out).expanduser()
    source = resolve_source(template, None)
    ref = _release(source, version)
    fresh = _check_destination(out, as_git=as_git)
    with tempfile.TemporaryDirectory(prefix="jaki-forge-export-") as scratch:
        work = Path(scratch)
        staged = work / "export"
        staged.mkdir()
        context, files, templated, static = build_template(loaded, staged, source=source, ref=ref, work=work)
        if fresh:
            out.mkdir(parents=True, exist_ok=True)
            if as_git:
                git("init", "-q", "-b", "main", cwd=out)
        for child in out.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        for child in staged.iterdir():
            shutil.move(str(child), out / child.name)
    released = context["_jaki_forge"]["version"]
    commit = _commit_release(out, version=released, app_name=loaded.profile.app.name) if as_git else None
    return Exported(out, released, context["_jaki_forge"]["template"], files, templated, static, commit)
