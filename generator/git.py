"""The one place the tool runs git: the data's history gives the datasets' last-updated dates
(data/load.py), the releases and their feed (publish/releases.py) and part of the build key
(publish/incremental.py).

Without git, or outside a repository, there is no history, and each of them says so in its
own way (a file's date, a single "working copy" release). A git that fails half way through
(it timed out, it could not be started) is not taken for "no history": `run` raises GitError,
whose finding names the command, so no page counts rows from a history that was not read.
"""

from __future__ import annotations

import subprocess

from .findings import Finding

NOT_INSTALLED = 127  # the return code `run` gives when there is no git to run (as a shell does)


class GitError(Exception):
    """git could not be run to the end; `findings` says which command and why."""

    def __init__(self, args: list[str], cwd, why: str):
        self.findings = [Finding(str(cwd), None, None, "git",
                                 f"`git {' '.join(args)}` {why} (expected the data's history to be readable: "
                                 "run the command there to see why, then build again)")]
        super().__init__(str(self.findings[0]))
        self._made_from = (args, cwd, why)

    def __reduce__(self):  # made again from the same arguments (pickled by background.py)
        return (type(self), self._made_from)


def run(args: list[str], cwd, timeout: float = 120) -> subprocess.CompletedProcess:
    """`git ARGS` in `cwd`, its output as bytes. No git installed: a result with return code
    NOT_INSTALLED. git started but timed out or could not be run: GitError."""
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        return subprocess.CompletedProcess(["git", *args], NOT_INSTALLED, b"", b"git: not found")
    except subprocess.TimeoutExpired:
        raise GitError(args, cwd, f"did not finish in {timeout:g} s") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(args, cwd, f"could not be run ({exc})") from None


def output(args: list[str], cwd, timeout: float = 20) -> str:
    """What `git ARGS` prints, as text without surrounding white space; "" when git is missing,
    fails or times out (for dates and keys, where no answer has a safe meaning)."""
    try:
        return run(args, cwd, timeout).stdout.decode("utf-8", "replace").strip()
    except GitError:
        return ""


def absent(result: subprocess.CompletedProcess) -> bool:
    """`git show COMMIT:PATH` failed because the file was not in that commit (rather than
    because git failed)."""
    return result.returncode != 0 and (b"does not exist in" in result.stderr
                                       or b"exists on disk, but not in" in result.stderr)
