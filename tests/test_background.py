"""Background: a build step in a forked child gives the same value, the same exception and the
same progress counts as the step run here; a child whose parent dies goes with it, and so do
the pages' workers and the exports' child."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
import time

import pytest

from generator.background import Background
from generator.config import PROJECT_DIR
from generator.git import GitError

from conftest import alive

BOTH = pytest.mark.parametrize("fork", [True, False], ids=["forked", "here"])


def counting(n: int, on_progress):
    for done in range(1, n + 1):
        on_progress(done, n)
    return {"pid": os.getpid(), "squares": [i * i for i in range(n)]}


def failing(on_progress):
    on_progress(1, 2)
    raise GitError(["log", "-1"], "/data", "ended with code 128")


@BOTH
def test_the_value_and_the_counts_come_back(fork):
    seen = []
    step = Background(counting, 5, on_progress=lambda done, total: seen.append((done, total)), fork=fork)
    value = step.result()
    assert value["squares"] == [0, 1, 4, 9, 16] and seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert (value["pid"] != os.getpid()) is fork


def sleeping_and_holding(megabytes: int, on_progress):
    held = bytearray(megabytes << 20)  # zero-filled: every page touched
    time.sleep(0.3)
    return len(held)


@BOTH
def test_the_step_says_its_own_time_and_peak_memory(fork):
    step = Background(sleeping_and_holding, 200, fork=fork)
    assert step.cost is None or not fork  # nothing yet from a forked step
    step.result()
    assert 0.3 <= step.cost["seconds"] < 30
    if fork:  # its own peak, which counts what it inherited and the 200 MB it held
        assert step.cost["peak_mb"] >= 200
    else:  # here, this process's peak is the build's own
        assert step.cost["peak_mb"] is None


@BOTH
def test_its_exception_is_raised_here_with_its_findings(fork):
    with pytest.raises(GitError) as raised:
        Background(failing, fork=fork).result()
    [finding] = raised.value.findings
    assert (finding.path, finding.row, finding.column, finding.code) == ("/data", None, None, "git")
    assert finding.message.startswith("`git log -1` ended with code 128 (expected the data's history")


# Two ways the build starts a child, each with a job that writes its process id and sleeps.
STARTS = {
    "background": "Background(forever, fork=True)",
    "exports' child": "from generator.exports.package import in_parallel; in_parallel(lambda: forever(None))",
}


@pytest.mark.parametrize("start", STARTS.values(), ids=STARTS.keys())
def test_a_child_ends_with_its_parent(tmp_path, start):
    """A killed build leaves no child writing on (and holding the output folder's lock)."""
    pid_file = tmp_path / "child"
    script = textwrap.dedent(f"""
        import os, time
        from generator.background import Background

        def forever(on_progress):
            open({str(pid_file)!r}, "w").write(str(os.getpid()))
            time.sleep(600)

        {start}
        time.sleep(600)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=PROJECT_DIR,
                              env=dict(os.environ, PYTHONPATH=str(PROJECT_DIR)))
    deadline = time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int(pid_file.read_text())
    assert child != parent.pid and alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=60)
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


def waiting(path: str, on_progress):
    """Ends once `path` exists."""
    while not os.path.exists(path):
        time.sleep(0.01)
    return "done"


def test_ready_says_when_the_result_has_come(tmp_path):
    go = tmp_path / "go"
    with Background(waiting, str(go), fork=True) as step:
        time.sleep(0.2)
        assert not step.ready()
        go.touch()
        deadline = time.monotonic() + 30
        while not step.ready() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert step.ready()
        assert step.result() == "done"


@BOTH
def test_a_result_can_be_asked_for_again(fork):
    step = Background(counting, 3, fork=fork)
    assert step.ready() or fork  # here, it runs now
    first = step.result()
    assert step.ready() and step.result() == first and first["squares"] == [0, 1, 4]
    failed = Background(failing, fork=fork)
    for _ in range(2):
        with pytest.raises(GitError):
            failed.result()


def touching(path: str, on_progress):
    Path(path).touch()
    return "touched"


def test_a_step_here_runs_when_its_result_is_asked_for_and_never_once_stopped(tmp_path):
    """On one core, or without fork, a step runs in the build's process when its result is
    first asked for, so the build's own work comes first; stopped before that, it never runs."""
    seen = []
    step = Background(counting, 3, on_progress=lambda done, total: seen.append(done), fork=False)
    assert (seen, step.cost, step.forked) == ([], None, False)
    assert step.result()["pid"] == os.getpid() and seen == [1, 2, 3] and step.cost["peak_mb"] is None
    stopped = Background(touching, str(tmp_path / "ran"), fork=False)
    stopped.close()
    with pytest.raises(RuntimeError, match="the background step was stopped"):
        stopped.result()
    assert not (tmp_path / "ran").exists()
    assert Background(touching, str(tmp_path / "ran"), fork=False).result() == "touched"


def test_a_step_stopped_before_its_result_says_so(tmp_path):
    step = Background(waiting, str(tmp_path / "never"), fork=True)
    step.close()
    with pytest.raises(RuntimeError, match="the background step was stopped"):
        step.result()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_release_memory_gives_freed_memory_back():
    """Memory freed in the middle of the heap is given back before workers are forked (run in
    a fresh interpreter, so that other tests' memory does not blur the measure)."""
    script = textwrap.dedent("""
        import sys
        from generator.background import release_memory

        def rss():
            for line in open("/proc/self/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024

        blocks = [bytearray(2000) for _ in range(100_000)]  # 200 MB in C-library blocks
        kept = blocks[::100]  # one in a hundred stays, so the heap cannot just shrink from its top
        del blocks
        before = rss()
        release_memory()
        print(before - rss())
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_DIR,
                         check=True).stdout
    assert int(out) > 100  # MB given back
