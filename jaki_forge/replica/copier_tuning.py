"""Two narrow, version-guarded speed-ups of copier for jaki-forge's renders into fresh folders.

Measured on the Lampung replica (bench/update.py, bench/new.py): copier asks git for `core.fileMode` once per
rendered file (341 `git` processes per update, about a third of its time), and compiles the same Jinja
strings (paths, answers) again for every file. jaki-forge renders only into new, empty folders outside any
repository's index, where that git lookup never changes anything, so inside `tuned()` it is skipped; and
`from_string` compiles of one environment are cached by their source. Both apply only to the copier
versions listed in TESTED (anything else runs copier untouched) and only inside the block.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import Version

TESTED = SpecifierSet(">=9.4,<10")
_lock = threading.Lock()


OFF = "JAKI_FORGE_PLAIN_COPIER"  # set to 1 to run copier untouched (tests compare both)


def supported() -> bool:
    """Whether the installed copier is one these adaptations were measured and tested on (and not turned off)."""
    import copier
    from copier._main import Worker

    version = getattr(copier, "__version__", "0")
    wanted = os.environ.get(OFF, "") not in ("1", "true", "yes")
    return wanted and Version(version) in TESTED and hasattr(Worker, "_sync_git_index_executable_bit")


@contextlib.contextmanager
def tuned() -> Iterator[None]:
    """Inside the block, copier renders into fresh folders without its per-file git lookups and recompiles."""
    if not supported():
        yield
        return
    from copier._main import Worker
    from jinja2 import Environment

    with _lock:
        saved_sync = Worker._sync_git_index_executable_bit
        saved_from_string = Environment.from_string
        Worker._sync_git_index_executable_bit = _no_index_sync  # type: ignore[method-assign]
        Environment.from_string = _cached_from_string(saved_from_string)  # type: ignore[method-assign]
    try:
        yield
    finally:
        with _lock:
            Worker._sync_git_index_executable_bit = saved_sync  # type: ignore[method-assign]
            Environment.from_string = saved_from_string  # type: ignore[method-assign]


def _no_index_sync(self: Any, dst_relpath: Any, src_mode: int) -> None:
    """copier's git-index mode sync: a no-op for files no index tracks, which is all a fresh render writes."""


def _cached_from_string(original: Any) -> Any:
    cache: dict[tuple[int, str], Any] = {}

    @functools.wraps(original)
    def from_string(env: Any, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals or template_class is not None or not isinstance(source, str):
            return original(env, source, globals, template_class)
        key = (id(env), source)
        found = cache.get(key)
        if found is None or found.environment is not env:
            found = cache[key] = original(env, source)
        return found

    return from_string
