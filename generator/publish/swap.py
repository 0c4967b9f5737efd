"""Publishing: the finished site replaces the published one in a single step.

One build at a time writes to an output folder (`lock`); the new site is built in a staging
folder beside it and swapped in at the end (`replace_dir`), atomically where Linux allows
(renameat2 RENAME_EXCHANGE), so no moment exists when the published site is missing or half
written, and a failed build leaves it exactly as it was. Only a folder this tool built (it
holds MARKER), an empty one or a new one is ever replaced.

Light on purpose (no pandas): `incremental` imports MARKER before a build decides to run.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from ..findings import Finding

MARKER = ".built-by-generator"  # proves an output folder is ours to replace


class SwapError(Exception):
    """The output folder cannot be written; `findings` says why."""

    def __init__(self, findings: list[Finding]):
        super().__init__("; ".join(str(f) for f in findings))
        self.findings = findings


def check_out_dir(out_dir: Path) -> None:
    """Refuse an output folder this tool may not replace (SwapError says why)."""

    def refuse(path: Path, message: str) -> SwapError:
        return SwapError([Finding(str(path), None, None, "out-dir", message)])

    for parent in out_dir.parents:
        if parent.exists() and not parent.is_dir():
            raise refuse(parent, "is a file (expected a folder to hold the site)")
    if out_dir.exists() and not out_dir.is_dir():
        raise refuse(out_dir, "is a file (expected a folder for the site)")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise refuse(out_dir, "is not empty and was not built by this tool, so it will not be replaced "
                              "(expected an empty folder, a new one, or a previous build)")


@contextlib.contextmanager
def lock(out_dir: Path):
    """One build at a time per output folder: a second one stops with a message."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    path = out_dir.with_name(f".{out_dir.name}.lock")
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SwapError([Finding(str(out_dir), None, None, "out-dir",
                                      "another build is writing to this folder (expected one build at a time: "
                                      "run this one again when it has finished)")]) from None
        # Staging folders left by a build that was killed: ours to remove, as we hold the lock.
        for stale in out_dir.parent.glob(f".{out_dir.name}.new-*"):
            shutil.rmtree(stale, ignore_errors=True)
        # Previous sites a detached deletion had not finished (discard): started again, not waited for.
        for stale in out_dir.parent.glob(f".{out_dir.name}.old-*"):
            discard(stale, out_dir)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def discard(folder: Path, out_dir: Path) -> None:
    """Remove `folder` (a previous site, swapped out) without waiting for it: it is renamed
    .<out>.old-<random> beside `out_dir`, and a detached process deletes it, so the command ends
    as soon as the new site is in place (deleting 40,000 files took 4.8 s at 20k grants). A deletion
    that did not finish (the machine stopped) is started again by the next build's `lock`. Where
    no process can be started, it is deleted here."""
    target = folder
    if not folder.name.startswith(f".{out_dir.name}.old-"):
        target = out_dir.with_name(f".{out_dir.name}.old-{uuid.uuid4().hex[:12]}")
        try:
            os.replace(folder, target)
        except OSError:
            target = folder
    try:
        _detach([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                 str(target)])
    except OSError:
        shutil.rmtree(target, ignore_errors=True)


def _detach(args: list[str]) -> None:
    """Start `args` in a session of its own, not waited for (it outlives this command)."""
    subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True, close_fds=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE), so no
    moment exists when the published folder is missing. False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def replace_dir(new: Path, target: Path, wait: bool = True) -> None:
    """Put the folder `new` where `target` is. With an existing target the two are
    exchanged atomically where the system allows it; otherwise the old one is moved
    aside first and put back if the move fails. The old one is then deleted, or with
    `wait=False` handed to a detached deletion (discard)."""
    if target.exists() and _exchange(new, target):
        if wait:
            shutil.rmtree(new, ignore_errors=True)  # `new` now holds the previous site
        else:
            discard(new, target)
        return
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            os.replace(old, target)  # put the previous one back
        raise
    if old is not None and wait:
        shutil.rmtree(old, ignore_errors=True)
    elif old is not None:
        discard(old, target)
