"""Scratch space for copier's throwaway clones and renders: a RAM disk where there is one."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from jaki_forge.errors import InvalidInputError

RAM_DISK = Path("/dev/shm")
RAM_DISK_ROOM = 1 << 30  # leave the RAM disk alone when it has less than 1 GiB free


def scratch_root(choice: str | Path | None = "auto") -> str | None:
    """Where workers put copier's throwaway clones and renders; None for the system's temporary directory.

    "auto" picks the RAM disk /dev/shm when there is one with room: each update clones the template and
    renders it three times, and on a slow disk those files cost more than the update itself. "system"
    (or None) keeps the system's temporary directory; any other value is a directory to use.
    """
    if choice is None or str(choice) == "system":
        return None
    if str(choice) == "auto":
        try:
            stat = os.statvfs(RAM_DISK)
        except OSError:
            return None
        roomy = stat.f_bavail * stat.f_frsize >= RAM_DISK_ROOM
        return str(RAM_DISK) if roomy and RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK | os.X_OK) else None
    path = Path(choice)
    if not path.is_dir():
        raise InvalidInputError(f"the scratch directory {path} does not exist; create it or pass --scratch system")
    return str(path.resolve())


@contextlib.contextmanager
def scratch(root: str | None) -> Iterator[None]:
    """Inside the block, Python's temporary files (copier's clones and renders) go to a private folder in `root`."""
    if root is None:
        yield
        return
    private = tempfile.mkdtemp(prefix="jaki-forge-", dir=root)
    saved = tempfile.tempdir
    tempfile.tempdir = private
    try:
        yield
    finally:
        tempfile.tempdir = saved
        shutil.rmtree(private, ignore_errors=True)
