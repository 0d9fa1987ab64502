"""`fleet test` and `ci-matrix`: render a replica per profile, install it, run its own tests, report as JUnit."""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jaki_forge.errors import InvalidInputError, JakiForgeError
from jaki_forge.fleet.runner import Progress, run_parallel
from jaki_forge.replica.scratch import scratch, scratch_root

DEFAULT_PROFILES = ("profiles/*.yaml", "profiles/generated/*.yaml")
INSTALL_MODES = ("link", "pip")
PASSED, FAILED, ERROR = "passed", "failed", "error"
OUTPUT_TAIL = 80


def expand_profiles(patterns: Sequence[str] | str, *, root: str | Path | None = None) -> list[Path]:
    """The profile files matching the glob `patterns` (relative to `root`, default the current directory).

    Sorted and without duplicates; `**` matches any depth. Raises InvalidInputError when nothing matches.
    """
    patterns = [patterns] if isinstance(patterns, str) else list(patterns)
    base = Path(root) if root is not None else Path.cwd()
    found: dict[Path, None] = {}
    for pattern in patterns:
        full = pattern if Path(pattern).is_absolute() else str(base / pattern)
        for name in sorted(glob.glob(full, recursive=True)):
            path = Path(name)
            if path.is_file() and path.suffix in (".yaml", ".yml"):
                found.setdefault(path, None)
    if not found:
        raise InvalidInputError(
            f"no profile matches {', '.join(repr(p) for p in patterns)} in {base}; "
            "give --profiles a glob such as 'profiles/*.yaml'"
        )
    return list(found)


def _display(path: Path, root: Path | None = None) -> str:
    try:
        return str(path.resolve().relative_to((root or Path.cwd()).resolve()))
    except ValueError:
        return str(path)


def profile_slug(path: Path) -> str:
    """The app slug a profile names (read without full validation), or the file's stem."""
    from jaki_forge.profile.yamlsource import load_yaml_mapping

    try:
        app = load_yaml_mapping(path, display=str(path)).data.get("app") or {}
    except JakiForgeError:
        return path.stem
    slug = app.get("slug") if isinstance(app, dict) else None
    return str(slug) if slug else path.stem


def ci_matrix(patterns: Sequence[str] | str = DEFAULT_PROFILES, *, root: str | Path | None = None) -> dict[str, Any]:
    """The profiles as a GitHub Actions matrix: `{"include": [{"name": slug, "profile": path}, …]}`."""
    base = Path(root) if root is not None else Path.cwd()
    include = []
    used: set[str] = set()
    for path in expand_profiles(patterns, root=base):
        name = profile_slug(path)
        if name in used:  # two profiles may name the same app; matrix job names must differ
            name = f"{name}-{_display(path, base).replace('/', '-').removesuffix('.yaml')}"
        used.add(name)
        include.append({"name": name, "profile": _display(path, base)})
    return {"include": include}


@dataclass(frozen=True)
class ProfileTask:
    """What one worker needs to test one profile."""

    name: str
    profile: str
    display: str
    template: str | None
    vcs_ref: str | None
    install: str
    timeout: float
    keep: str | None
    scratch: str | None = None


@dataclass
class ProfileTestResult:
    """The outcome of testing one profile: passed, failed (its tests failed) or error (render or install failed)."""

    name: str
    profile: str
    status: str
    stage: str = ""
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    message: str = ""
    output: str = ""
    replica: str = ""
    cases: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FleetTestReport:
    """Every profile's test outcome."""

    started: str
    seconds: float
    jobs: int
    results: list[ProfileTestResult]

    @property
    def ok(self) -> bool:
        """Whether every replica's test suite passed."""
        return all(r.status == PASSED for r in self.results)

    @property
    def summary(self) -> dict[str, int]:
        """How many profiles passed, failed and could not be tested."""
        return {s: sum(r.status == s for r in self.results) for s in (PASSED, FAILED, ERROR)}

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data (for --json)."""
        data = asdict(self)
        data["summary"], data["ok"] = self.summary, self.ok
        return data


def fleet_test(
    patterns: Sequence[str] | str = DEFAULT_PROFILES,
    *,
    jobs: int = 1,
    template: str | None = None,
    vcs_ref: str | None = None,
    install: str = "link",
    timeout: float = 1800,
    keep: str | Path | None = None,
    junit: str | Path | None = None,
    progress: Progress | None = None,
    scratch_dir: str | Path | None = "auto",
) -> FleetTestReport:
    """For each profile: render a replica into a temporary directory, install it, run its test suite.

    `install="link"` gives the replica a virtual environment that reuses this environment's packages (fast,
    offline); `install="pip"` gives it a fresh one with `pip install -e '.[test]'` (what a province does).
    With `keep`, replicas are kept under that directory. With `junit`, a JUnit XML report is written there.
    Replicas are rendered and tested in `scratch_dir` (see `jaki_forge.scratch.scratch_root`).
    """
    if install not in INSTALL_MODES:
        raise InvalidInputError(f"unknown install mode '{install}'; use one of {', '.join(INSTALL_MODES)}")
    if jobs < 1:
        raise InvalidInputError(f"--jobs must be 1 or more, not {jobs}")
    profiles = expand_profiles(patterns)
    root = scratch_root(scratch_dir)
    names: set[str] = set()
    tasks = []
    for path in profiles:
        name = profile_slug(path)
        while name in names:
            name += "-2"
        names.add(name)
        tasks.append(
            ProfileTask(
                name,
                str(path.resolve()),
                _display(path),
                template,
                vcs_ref,
                install,
                timeout,
                str(Path(keep).resolve()) if keep else None,
                root,
            )
        )
    started, clock = datetime.now(UTC).isoformat(timespec="seconds"), time.perf_counter()
    results = run_parallel(
        run_profile,
        tasks,
        jobs=jobs,
        progress=progress,
        failed=lambda task, message: ProfileTestResult(task.name, task.display, ERROR, "worker", message=message),
    )
    report = FleetTestReport(started, round(time.perf_counter() - clock, 3), jobs, results)
    if junit is not None:
        from jaki_forge.fleet.junit import write_junit  # the report module builds on this one

        write_junit(report, Path(junit))
    return report


def replica_env() -> dict[str, str]:
    """The environment a replica's tests run in: this one without test-runner and jaki-forge variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "JAKI_FORGE_", "GIT_CONFIG_"))}
    for name in ("DATABASE_URL", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    return env


def run_profile(task: ProfileTask) -> ProfileTestResult:
    """Render, install and test one profile; never raises: problems become an `error` result."""
    with scratch(task.scratch):
        return _run_profile(task)


def _run_profile(task: ProfileTask) -> ProfileTestResult:
    from jaki_forge.replica.create import generate

    out = ProfileTestResult(task.name, task.display, ERROR)
    scratch = Path(tempfile.mkdtemp(prefix=f"jaki-forge-test-{task.name}-"))
    replica = scratch / task.name
    try:
        out.stage, clock = "render", time.perf_counter()
        try:
            generate(task.profile, replica, template=task.template, vcs_ref=task.vcs_ref)
        except JakiForgeError as error:
            out.message = f"rendering {task.display} failed: {error}"
            return out
        out.seconds["render"] = round(time.perf_counter() - clock, 3)
        out.stage, clock = "install", time.perf_counter()
        try:
            python = _install(replica, scratch / "venv", task.install, task.timeout)
        except _StepFailed as error:
            out.message, out.output = error.message, error.output
            return out
        out.seconds["install"] = round(time.perf_counter() - clock, 3)
        out.stage, clock = "tests", time.perf_counter()
        _run_tests(replica, python, scratch / "junit.xml", task.timeout, out)
        out.seconds["tests"] = round(time.perf_counter() - clock, 3)
    except Exception as error:  # one broken replica must not stop the others
        out.status, out.message = ERROR, f"unexpected {type(error).__name__} at {out.stage}: {error}"
    finally:
        if task.keep:
            target = Path(task.keep) / task.name
            shutil.rmtree(target, ignore_errors=True)
            target.parent.mkdir(parents=True, exist_ok=True)
            if replica.exists():
                shutil.move(str(replica), target)
                out.replica = str(target)
        shutil.rmtree(scratch, ignore_errors=True)
    return out


class _StepFailed(Exception):
    def __init__(self, message: str, output: str = ""):
        super().__init__(message)
        self.message, self.output = message, output


def _tail(text: str, lines: int = OUTPUT_TAIL) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _run(command: list[str], *, cwd: Path, timeout: float, what: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command,
            cwd=cwd,
            env=replica_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as error:
        output = (error.stdout or b"").decode() if isinstance(error.stdout, bytes) else (error.stdout or "")
        raise _StepFailed(f"{what} did not finish within {timeout:.0f} s", _tail(output)) from None


def _install(replica: Path, venv: Path, mode: str, timeout: float) -> Path:
    """A Python for the replica: a virtual environment where the replica is installed (editable)."""
    if mode == "pip":
        created = _run([sys.executable, "-m", "venv", str(venv)], cwd=replica, timeout=timeout, what="python -m venv")
        if created.returncode != 0:
            raise _StepFailed("creating the virtual environment failed", _tail(created.stderr or created.stdout))
        python = venv / "bin" / "python"
        pip = _run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", f"{replica}[test]"],
            cwd=replica,
            timeout=timeout,
            what="pip install",
        )
        if pip.returncode != 0:
            raise _StepFailed(
                f"pip install -e '{replica.name}[test]' failed", _tail((pip.stdout or "") + (pip.stderr or ""))
            )
        return python
    # link: a bare environment that sees this environment's packages, with the replica installed editable
    # without dependencies (no network); without a build backend here, the replica's source goes on the path
    created = _run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=replica, timeout=timeout, what="venv"
    )
    if created.returncode != 0:
        raise _StepFailed("creating the virtual environment failed", _tail(created.stderr or created.stdout))
    site = next(venv.glob("lib/python*/site-packages"), None)
    if site is None:
        raise _StepFailed(f"the virtual environment at {venv} has no site-packages folder")
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    lines = [f"import site; site.addsitedir({path!r})" for path in ours]
    python = venv / "bin" / "python"
    if importlib.util.find_spec("hatchling") is None:  # cannot build the replica here: put its source on the path
        lines.append(str(replica))
    (site / "_jaki_forge_fleet.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if importlib.util.find_spec("hatchling") is not None:
        pip = _run(
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(python),
                "install",
                "-q",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-build-isolation",
                "--no-index",
                "-e",
                str(replica),
            ],
            cwd=replica,
            timeout=timeout,
            what="pip install",
        )
        if pip.returncode != 0:
            raise _StepFailed(
                f"pip install -e {replica.name} (no dependencies) failed",
                _tail((pip.stdout or "") + (pip.stderr or "")),
            )
    return python


def _run_tests(replica: Path, python: Path, xml: Path, timeout: float, out: ProfileTestResult) -> None:
    try:
        done = _run(
            [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={xml}"],
            cwd=replica,
            timeout=timeout,
            what="the replica's test suite",
        )
    except _StepFailed as error:
        out.status, out.message, out.output = FAILED, error.message, error.output
        return
    out.output = _tail((done.stdout or "") + (done.stderr or ""))
    if xml.is_file():
        _read_junit(xml, out)
    if done.returncode == 0:
        out.status, out.message = (
            PASSED,
            f"{out.tests} tests passed" + (f", {out.skipped} skipped" if out.skipped else ""),
        )
    elif done.returncode == 5:
        out.status, out.message = FAILED, "the replica's test suite collected no tests"
    else:
        out.status = FAILED
        last = out.output.splitlines()[-1] if out.output else f"pytest exited with {done.returncode}"
        out.message = f"the replica's test suite failed: {last.strip('= ')}"


def _read_junit(xml: Path, out: ProfileTestResult) -> None:
    try:
        root = ET.parse(xml).getroot()
    except ET.ParseError:
        return
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    for suite in suites:
        out.tests += int(suite.get("tests", 0))
        out.failures += int(suite.get("failures", 0))
        out.errors += int(suite.get("errors", 0))
        out.skipped += int(suite.get("skipped", 0))
        for case in suite.iter("testcase"):
            entry: dict[str, Any] = {
                "classname": case.get("classname", ""),
                "name": case.get("name", ""),
                "time": case.get("time", "0"),
            }
            for kind in ("failure", "error", "skipped"):
                found = case.find(kind)
                if found is not None:
                    entry[kind] = {"message": found.get("message", ""), "text": (found.text or "")[-4000:]}
            out.cases.append(entry)
