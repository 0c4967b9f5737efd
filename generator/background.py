"""Background: one step of the build run in a forked process while the build goes on.

The exports need only the validated tables, and the pages need them only where they list the
downloads' sizes, so on a machine with more than one core the exports run in a forked child
while this process computes the model and renders the pages (build.py). The child inherits
the tables as they are (nothing is pickled on the way in) and sends back its result, or the
exception it raised, through a pipe; the counts it reports for a progress bar come through the
same pipe and are shown when the build waits for it.

Where fork is missing (Windows, macOS's default) or only one core may be used, the step runs
in this process when its result is first asked for (so on one core the build's own work comes
first, and a step that would have run beside it, such as the exports, is not done before the
build can stop), and `result()` returns what it returned: the output is the same.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import time
import traceback
from typing import Callable


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Background:
    """`fn(*args, on_progress=...)` in a forked child (or at once, here: see the module's text).
    `result()` waits for it, calling `on_progress(done, total)` with the counts it reported,
    and returns its value or raises its exception. After a value, `cost` holds the step's own
    `seconds` and `peak_mb` (None where it ran here: this process's peak is the build's)."""

    def __init__(self, fn: Callable, *args, on_progress: Callable[[int, int], None] | None = None,
                 fork: bool | None = None):
        self.on_progress = on_progress or (lambda done, total: None)
        if fork is None:
            fork = cores() > 1 and "fork" in multiprocessing.get_all_start_methods()
        self._process = None
        self._later: tuple | None = None  # (fn, args) of a step run here, until it has run
        self.cost: dict | None = None  # the step's own seconds and peak memory, once it has ended
        self.forked = fork  # whether it runs in a forked child (else here, when result() is asked)
        if not fork:
            self._later = (fn, args)
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        # The collector would otherwise visit (and so copy) every object the child inherits.
        # (A caller that froze them itself, to fork several children, keeps them frozen.)
        frozen = gc.get_freeze_count()
        gc.freeze()
        try:
            self._process = context.Process(target=_child, args=(send, os.getpid(), fn, args), name="build-background")
            self._process.start()
        finally:
            if not frozen:
                gc.unfreeze()
        send.close()

    def ready(self) -> bool:
        """True once `result()` would not wait: the step has ended (or reported progress, which
        `result()` reads on its way to the value)."""
        return self._process is None or self._receive.poll()

    def _run_here(self) -> None:
        fn, args = self._later
        self._later = None
        self._value = self._error = None
        started = time.perf_counter()
        try:
            self._value = fn(*args, on_progress=self.on_progress)
        except Exception as exc:  # raised by result(), where the forked one would be
            self._error = exc
        self.cost = {"seconds": time.perf_counter() - started, "peak_mb": None}

    def result(self):
        if self._later is not None:
            self._run_here()
        if self._process is None:
            if self._error is not None:
                raise self._error
            return self._value
        try:
            while True:
                try:
                    kind, *message = self._receive.recv()
                except EOFError:
                    self._process.join()
                    raise RuntimeError(f"the background step ended without a result "
                                       f"(exit code {self._process.exitcode})") from None
                if kind == "progress":
                    self.on_progress(*message)
                    continue
                if kind == "cost":
                    self.cost = message[0]
                    continue
                self._process.join()
                if kind == "value":
                    self._value, self._error = message[0], None
                    return self._value
                self._value, self._error = None, message[0]
                raise self._error
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child if it still runs (the build stopped before waiting for it). A result
        already received stays: `result()` returns (or raises) it again. A step to be run here
        that has not run will not."""
        if self._later is not None:
            self._later = None
            self._value, self._error = None, RuntimeError("the background step was stopped")
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._receive.close()
            self._process = None
            if not hasattr(self, "_value"):
                self._value, self._error = None, RuntimeError("the background step was stopped")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def wait_any(steps: dict) -> list:
    """The keys of the steps in `steps` ({key: Background}) whose `result()` would not wait,
    waiting until there is at least one."""
    ready = [key for key, step in steps.items() if step._process is None]
    if ready or not steps:
        return ready
    by_connection = {step._receive: key for key, step in steps.items()}
    return [by_connection[c] for c in multiprocessing.connection.wait(list(by_connection))]


def die_with_parent(parent: int) -> None:
    """In a forked child of process `parent`: ask Linux to kill this process when its parent
    ends. A build that is killed must not leave a child writing on, holding the output folder's
    lock (publish/swap.py).

    Linux sends the signal when the *thread* that forked the child ends, not the process: call
    it only in a child forked by a thread that outlives it (the main thread). Not in a
    multiprocessing Pool's workers: the pool forks replacements from a helper thread, and its
    end would kill idle workers holding the pool's queue lock, so that the pool never closes."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the child ends when its step does
        return
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(1)


def release_memory() -> None:
    """Before forking workers that live long: collect garbage, then ask the C library to give
    freed memory back to the system (glibc's malloc_trim). Memory that Python freed but the
    allocator kept counts in this process's resident size, and in the copies its children
    make (at 100k grants, 43 MB of a 748 MB process). Elsewhere (no glibc) only the collection."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _child(send, parent: int, fn: Callable, args: tuple) -> None:
    started = time.perf_counter()
    die_with_parent(parent)

    def report(done: int, total: int) -> None:
        send.send(("progress", done, total))

    try:
        value = fn(*args, on_progress=report)
    except BaseException as exc:  # sent back whole, with where it happened as a note
        exc.add_note("".join(traceback.format_exception(exc)).rstrip())
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:  # one that cannot be pickled and made again: its text instead
            exc = RuntimeError(f"{type(exc).__name__}: {exc}\n{exc.__notes__[-1]}")
        send.send(("error", exc))
    else:
        send.send(("cost", {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}))
        send.send(("value", value))
    finally:
        send.close()


def _peak_mb() -> float | None:
    """This process's peak resident memory (VmHWM). In a forked child it counts the memory
    inherited from the parent too, as a process that had done the build's earlier steps and
    then this one would hold it."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None
