"""An installed wheel carries the template history: it updates replicas offline, with no checkout around."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import yaml

from jaki_forge.replica.releases import record_release

from .conftest import GOOD, ROOT, commit_all, git

SOURCES = ["jaki_forge", "template", "copier.yml", "pyproject.toml", "README.md", "hatch_build.py"]


def _set_version(repo: Path, version: str) -> None:
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', pyproject.read_text()))


def _offline_env(home: Path, extra: dict | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "JAKI_FORGE_", "PYTHON"))}
    env.update(
        {
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "GIT_ALLOW_PROTOCOL": "file",
            "http_proxy": "http://127.0.0.1:9",
            "https_proxy": "http://127.0.0.1:9",
            "GIT_TERMINAL_PROMPT": "0",
        }
    )
    env.update(extra or {})
    return env


def test_wheel_updates_a_replica_of_an_earlier_release_offline(tmp_path):
    source = tmp_path / "jaki-forge"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.bundle"))
        else:
            shutil.copy2(path, source / name)
    _set_version(source, "1.0.0")
    git("init", "-q", "-b", "main", cwd=source)
    commit_all(source, "release 1.0.0")
    record_release(source, "1.0.0")  # releases live in the tree's ledger: no tag anywhere
    commit_all(source, "record release 1.0.0")

    # a province made its replica with jaki-forge 1.0.0 (run here from that release's source)
    home = tmp_path / "home"
    replica = tmp_path / "replica"
    subprocess.run(
        [sys.executable, "-m", "jaki_forge", "new", "--profile", str(GOOD / "minimal.yaml"), str(replica)],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env=_offline_env(home, {"PYTHONPATH": str(source)}),
    )
    answers = yaml.safe_load((replica / ".copier-answers.yml").read_text())
    assert (answers["_src_path"], answers["_commit"]) == ("https://github.com/jaki-forge/jaki-forge.git", "1.0.0")

    # release 1.1.0 of jaki-forge changes the template, and is built as a wheel
    routes = source / "template/app/api/routes"
    (routes / "bulletin.py").write_text('"""Bulletin board routes (template 1.1.0)."""\n')
    _set_version(source, "1.1.0")
    commit_all(source, "release 1.1.0")
    record_release(source, "1.1.0")
    commit_all(source, "record release 1.1.0")
    assert git("tag", cwd=source) == ""
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(dist),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("jaki_forge-1.1.0-*.whl"))
    assert "jaki_forge/data/template.bundle" in zipfile.ZipFile(wheel).namelist()
    shutil.rmtree(source)  # no checkout of jaki-forge is left on this machine

    # a fresh environment with only the wheel (its dependencies come from this test environment, read-only)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # plain path: no editable jaki-forge
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin/python"),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    where = subprocess.run(
        [str(venv / "bin/python"), "-c", "import jaki_forge; print(jaki_forge.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert where.startswith(str(site))

    env = _offline_env(tmp_path / "fresh-home")
    check = subprocess.run(
        [str(venv / "bin/jaki-forge"), "check", str(replica)], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert (check.returncode, check.stdout) == (
        1,
        "replica: template 1.0.0, behind by 1 (newest 1.1.0); run `jaki-forge update`\n",
    ), check.stderr
    result = subprocess.run(
        [str(venv / "bin/jaki-forge"), "update", str(replica)], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "template 1.0.0 -> 1.1.0" in result.stdout
    assert (replica / "app/api/routes/bulletin.py").is_file()
    answers = yaml.safe_load((replica / ".copier-answers.yml").read_text())
    assert (answers["_src_path"], answers["_commit"]) == ("https://github.com/jaki-forge/jaki-forge.git", "1.1.0")
    assert git("status", "--porcelain", cwd=replica) == ""
