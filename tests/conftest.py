"""Shared fixtures: repository paths, a CLI runner, a tagged snapshot of the template, rendered replicas."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"
GOOD = Path(__file__).resolve().parent / "profiles" / "good"
GIT_ID = ["-c", "user.name=test", "-c", "user.email=test@localhost"]


def git(*args: str, cwd: Path) -> str:
    """Run git in `cwd` and return its output; fail the test when git fails."""
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def commit_all(repo: Path, message: str) -> None:
    """Stage everything in `repo` and commit it."""
    git("add", "-A", cwd=repo)
    git(*GIT_ID, "commit", "-q", "-m", message, cwd=repo)


def snapshot_template(target: Path, tag: str | None = "1.0.0") -> Path:
    """A git repository holding the working tree's copier.yml and template/, tagged `tag`."""
    target.mkdir(parents=True)
    shutil.copy2(ROOT / "copier.yml", target / "copier.yml")
    shutil.copytree(ROOT / "template", target / "template", ignore=shutil.ignore_patterns("__pycache__"))
    git("init", "-q", "-b", "main", cwd=target)
    commit_all(target, "template")
    if tag:
        git("tag", tag, cwd=target)
    return target


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory) -> Path:
    """jaki-forge's cache (template mirrors, icons) in a folder of this test run, never the user's."""
    folder = tmp_path_factory.mktemp("cache")
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture
def runner() -> CliRunner:
    """A runner for the `jaki-forge` CLI, in-process."""
    return CliRunner()


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory) -> Path:
    """The working tree's template as a git repository tagged 1.0.0 (shared, do not modify)."""
    return snapshot_template(tmp_path_factory.mktemp("tpl") / "template")


@pytest.fixture(scope="session")
def replicas(tmp_path_factory, template_repo) -> dict[str, Path]:
    """The Jakarta and Lampung replicas rendered once from `template_repo` (shared, do not modify)."""
    from jaki_forge.replica.create import generate

    base = tmp_path_factory.mktemp("replicas")
    return {
        name: generate(PROFILES / f"{name}.yaml", base / name, template=str(template_repo), vcs_ref="1.0.0").path
        for name in ("jakarta", "lampung")
    }


@pytest.fixture
def offline(monkeypatch):
    """Let git reach only local repositories, as on a machine without network."""
    monkeypatch.setenv("GIT_ALLOW_PROTOCOL", "file")
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "0")
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")


def replica_env() -> dict[str, str]:
    """The environment to run a replica's own tools in, without this test run's variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "JAKI_FORGE_"))}
    env.pop("DATABASE_URL", None)
    return env


def install(replica: Path) -> Path:
    """A virtual environment with `replica` installed; its dependencies come from this test environment."""
    venv = replica.parent / f"{replica.name}-venv"
    if not venv.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        site = next((venv / "lib").glob("python3*/site-packages"))
        shared = sysconfig.get_paths()["purelib"]
        (site / "shared-deps.pth").write_text(f"import site; site.addsitedir({shared!r})\n")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(venv / "bin" / "python"),
                "install",
                "-q",
                "--no-deps",
                "--no-build-isolation",
                "--no-index",
                "-e",
                str(replica),
            ],
            check=True,
            capture_output=True,
        )
    return venv / "bin" / "python"


def run(python: Path, *args: str, cwd: Path, env: dict | None = None, check: bool = True):
    result = subprocess.run(
        [str(python), *args], cwd=cwd, capture_output=True, text=True, env={**replica_env(), **(env or {})}
    )
    if check:
        assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout[-4000:]}\n{result.stderr[-3000:]}"
    return result
