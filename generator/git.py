"""The one place the tool runs git: the data's history gives the datasets' last-updated dates
(data/load.py), the releases and their feed (publish/releases.py) and part of the build key
(publish/incremental.py). Without git, or outside a repository, each falls back on its own."""

from __future__ import annotations

import subprocess


def run(args: list[str], cwd, timeout: float = 120) -> subprocess.CompletedProcess:
    """`git ARGS` in `cwd`, its output as bytes; when git is missing or too slow, a failed result
    (return code 127) rather than an exception."""
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return subprocess.CompletedProcess(["git", *args], 127, b"", b"")


def output(args: list[str], cwd, timeout: float = 20) -> str:
    """What `git ARGS` prints, as text without surrounding white space ("" when it fails)."""
    return run(args, cwd, timeout).stdout.decode("utf-8", "replace").strip()
