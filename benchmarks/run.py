#!/usr/bin/env python3
"""Benchmark: our build against a naive baseline, at 20k, 100k and 1M grants.

    .venv/bin/python benchmarks/run.py [--sizes "20k 100k 1M"] [--grants N] [--no-browser] ...
    make bench [SIZES="20k"]

For each size, in this order, every step in a fresh child process (so sizes and steps do not
contaminate each other's memory figures):

1. the seeded sample data (`python -m generator sample --grants N --seed S`) in a temporary folder;
2. our full build (`generator.build.build()` into a new folder): per-stage wall time from the
   Result's `timings`, per-stage peak memory (see `PeakSampler`), the build's wall time, and the
   whole command's wall time and peak RSS (Python start-up and imports included);
3. the same build again with no data change (the rebuild), then again after one grant's amount
   changed (`change_one_row`: the council's usual update, a row edited), into the same folder;
4. the naive baseline: stock `frictionless validate --trusted datapackage.json`; a naive MkDocs
   site with one Markdown page per organisation (its grants and contracts as tables), every page
   in the nav, Material's built-in search. Beyond `--naive-full-max` organisations only samples of
   the site are built and the full site's figures are extrapolated (and labelled so);
5. search: the size of each site's search index, and, when Chromium is installed, the time to the
   first search result and the bytes downloaded before it, in headless Chromium.

It prints one table per size with the targets of the issue marked pass or fail, and writes every
figure to benchmarks/results/latest.json (or --json). A time budget (--budget, default 19
minutes) stops steps that would run past it, so `make bench` always finishes; a stopped step is
reported as a lower bound ("> N s").
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import fcntl
import functools
import gzip
import http.server
import io
import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_JSON = HERE / "results" / "latest.json"
PYTHON = sys.executable
BIN = Path(sys.executable).parent  # the venv's bin folder: frictionless, mkdocs
SIZES = {"20k": 20_000, "100k": 100_000, "1M": 1_000_000}
MB = 1024 * 1024

# The targets. Each is checked at one size; see `targets()`.
TARGETS_TEXT = {
    "20k": ["full build <= 8 s", "rebuild with no data change <= 1 s", ">= 10x faster than the naive baseline",
            "one changed row <= 20% of the full build"],
    "100k": ["full build <= 60 s", "full build peak memory <= 2 GB"],
    "1M": ["validation plus all exports <= 60 s", "validation plus all exports peak memory <= 4 GB",
           "whole site <= 4 min", "whole site peak memory <= 6 GB", "one changed row <= 10% of the full build",
           "search: first result < 1 s", "search: <= 1 MB downloaded before the first result"],
}


# --------------------------------------------------------------------------- memory sampling

def descendants(pid: int) -> list[str]:
    """The process ids below `pid` (from /proc/<pid>/task/<tid>/children)."""
    found, stack = [], [str(pid)]
    while stack:
        parent = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{parent}/task/{tid}/children") as handle:
                    kids = handle.read().split()
            except OSError:
                continue
            found += kids
            stack += kids
    return found


def private_kb(pid: str) -> int:
    """The memory only this process holds (Private_Clean + Private_Dirty, from smaps_rollup):
    for a process forked without exec (the build's page workers), what it adds to its parent,
    since the pages the two still share are counted in the parent already."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            text = handle.read()
    except OSError:
        return 0
    return sum(int(m) for m in re.findall(r"^Private_(?:Clean|Dirty):\s+(\d+)", text, re.M))


# kcmp(2), which tells whether two processes share their memory (KCMP_VM), by machine.
_KCMP_SYSCALL = {"x86_64": 312, "aarch64": 272}.get(platform.machine())
_KCMP_VM = 1


@functools.cache
def _libc():
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def shares_memory(pid: int | str, other: int | str) -> bool:
    """Whether the two processes use the same memory: a child started by vfork (as Python's
    subprocess starts `git` and the detached deletion), until it runs its program, is the
    parent's memory, not a copy, and its smaps show the parent's private pages as its own.
    False where kcmp(2) cannot tell (another machine, no permission, a process gone)."""
    if _KCMP_SYSCALL is None:
        return False
    try:
        return _libc().syscall(_KCMP_SYSCALL, int(pid), int(other), _KCMP_VM, 0, 0) == 0
    except (OSError, AttributeError, ValueError):
        return False


def _cmdline(pid: str) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """Resident memory of a process and everything below it: (now, sum of each one's peak).
    A descendant forked without exec (same command line as its parent) counts its private
    memory only (private_kb), now and as its peak: summing its RSS would count every page it
    shares with its parent twice. One started by vfork that has not yet run its program uses
    its parent's memory itself (shares_memory) and counts nothing."""
    rss = hwm = 0
    for each in [str(pid), *descendants(pid)]:
        try:
            with open(f"/proc/{each}/status") as handle:
                text = handle.read()
            ppid = re.search(r"PPid:\s+(\d+)", text)
        except OSError:
            continue
        if each != str(pid) and ppid and _cmdline(each) == _cmdline(ppid[1]):
            own = 0 if shares_memory(each, ppid[1]) else private_kb(each)
            rss += own
            hwm += own
            continue
        now, high = re.search(r"VmRSS:\s+(\d+)", text), re.search(r"VmHWM:\s+(\d+)", text)
        rss += int(now[1]) if now else 0
        hwm += int(high[1]) if high else 0
    return rss, hwm


class PeakSampler(threading.Thread):
    """Peak resident memory of this process and its child processes, per interval of about
    `interval` seconds.

    This process: every interval it reads VmHWM ("high water mark": the exact peak RSS since the
    last reset) from /proc/self/status and resets it by writing 5 to /proc/self/clear_refs
    (Linux >= 4.0). So each sample is the true peak of its interval, not a snapshot: a spike
    between two samples is not missed, even while a C extension holds the GIL and delays the
    thread (the interval just gets longer). Where clear_refs cannot be written it falls back to
    VmRSS snapshots (`exact` is then False).

    Child processes (git): the sum of the live descendants' own VmHWM (their peak so far), added
    to this process's peak. Children run while this process waits for them, so the sum is a fair
    (slightly high) figure for the two together; a child's growth in the last 20 ms before it
    ends can be missed. RUSAGE_CHILDREN is not used: a forked child's ru_maxrss includes the
    parent's memory it inherited before exec, so every `git` call would count as a copy of the
    build. For the same reason a child forked without exec (same command line as this process:
    the build's page workers, or a `git` about to start) counts its private memory only
    (private_kb, sampled now): the pages it shares with this process are in this process's figure.
    A child started by vfork that has not yet run its program (Python's subprocess starts `git`
    and the detached deletion so) is this process's memory itself and counts nothing (_vforked).

    A stage's peak is the maximum over the intervals overlapping it, so an interval straddling a
    stage boundary counts for both stages (an upper bound, 20 ms resolution).

    Reading a forked child's smaps_rollup walks its page tables: 14 ms for an 800 MB process,
    so four page workers read every 20 ms took most of a core from the build being measured
    (its pages stage ran twice as long as unmeasured). A forked child's private memory is
    therefore read when it first appears and then at most once per PRIVATE_DUTY of the time
    spent reading it (about 5% of one core; the figure in between is its last reading).
    """

    PRIVATE_DUTY = 20  # wait this many times the last read's cost before reading smaps again

    def __init__(self, interval: float = 0.02, progress: Path | None = None):
        super().__init__(daemon=True)
        self.interval = interval
        self.progress = progress
        # (from, to, own peak kB, own rss kB at `to`, children kB)
        self.samples: list[tuple[float, float, int, int, int]] = []
        self._stop_event = threading.Event()
        self._cmdline = self._read(f"/proc/{os.getpid()}/cmdline")
        self._main = threading.main_thread().ident
        self.timeline: list[tuple[float, str]] = []  # (when, where the build is) at each change
        self.exact = self._reset()
        self._last = time.perf_counter()
        self._private: dict[str, int] = {}  # forked child -> its private kB at the last reading
        self._private_due = 0.0  # when the forked children's private memory may be read again

    @staticmethod
    def _reset() -> bool:
        try:
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")
            return True
        except OSError:
            return False

    @staticmethod
    def _status(pid: str = "self") -> tuple[int, int]:
        try:
            with open(f"/proc/{pid}/status") as handle:
                text = handle.read()
            return int(re.search(r"VmHWM:\s+(\d+)", text)[1]), int(re.search(r"VmRSS:\s+(\d+)", text)[1])
        except (OSError, TypeError):  # gone, or a zombie without memory lines
            return 0, 0

    @staticmethod
    def _read(path: str) -> bytes:
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except OSError:
            return b""

    def _children_kb(self) -> int:
        total, now = 0, time.perf_counter()
        pids = self._descendants()
        due = now >= self._private_due
        spent = 0.0
        for pid in pids:
            if self._read(f"/proc/{pid}/cmdline") != self._cmdline:
                total += self._status(pid)[0]
                continue
            if pid not in self._private or due:
                began = time.perf_counter()
                self._private[pid] = 0 if self._vforked(pid) else private_kb(pid)
                spent += time.perf_counter() - began
            total += self._private[pid]
        if spent:
            self._private_due = time.perf_counter() + self.PRIVATE_DUTY * spent
        for gone in set(self._private) - set(pids):
            del self._private[gone]
        return total

    @staticmethod
    def _vforked(pid: str) -> bool:
        """A child started by vfork, not yet running its program: its parent's memory, already
        counted (its smaps would show the parent's private pages as its own, and so count the
        build twice: see benchmarks/README.md)."""
        try:
            with open(f"/proc/{pid}/status") as handle:
                ppid = re.search(r"PPid:\s+(\d+)", handle.read())
        except OSError:
            return False
        return bool(ppid) and shares_memory(pid, ppid[1])

    @staticmethod
    def _descendants() -> list[str]:
        return descendants(os.getpid())

    def sample(self) -> None:
        hwm, rss = self._status()
        now = time.perf_counter()
        if self.exact:
            self._reset()
        children = self._children_kb()
        self.samples.append((self._last, now, hwm if self.exact else rss, rss, children))
        self._last = now
        if len(self.samples) % 5 == 1:  # every 0.1 s
            where = self.where()
            if not self.timeline or self.timeline[-1][1] != where:
                self.timeline.append((now, where))

    def where(self) -> str:
        """Which pipeline function the main thread is in: the two calls below generator.build.build,
        e.g. "stage.check_data > validate.validate", or the library function build() itself is in
        (e.g. "shutil.copytree"); "build" when in build()'s own lines (a sampling profile)."""
        frame = sys._current_frames().get(self._main)
        chain = []
        while frame is not None:
            chain.append(frame.f_code)
            frame = frame.f_back
        chain.reverse()
        for i, code in enumerate(chain):
            if code.co_name == "build" and code.co_filename.endswith(os.path.join("generator", "build.py")):
                ours = [c for c in chain[i + 1:i + 3] if os.sep + "generator" + os.sep in c.co_filename]
                if not ours and len(chain) > i + 1:  # build() itself calling a library (shutil, os ...)
                    ours = [chain[i + 1]]
                return " > ".join(f"{Path(c.co_filename).stem}.{c.co_name}" for c in ours) or "build"
        return "-"

    def inside(self, end: float) -> list[dict]:
        """Seconds spent in each place of the timeline, largest first, with the peak memory
        (this process and its children) while there."""
        spent: dict[str, float] = {}
        peak: dict[str, float] = {}
        for (start, where), (stop, _) in zip(self.timeline, [*self.timeline[1:], (end, "")]):
            spent[where] = spent.get(where, 0.0) + stop - start
            peak[where] = max(peak.get(where, 0.0), self.peak_between(start, stop) / 1024)
        return [{"where": k, "seconds": v, "peak_mb": peak[k]}
                for k, v in sorted(spent.items(), key=lambda kv: -kv[1]) if k != "-"]

    def run(self) -> None:
        written = time.perf_counter()
        while not self._stop_event.wait(self.interval):
            self.sample()
            if self.progress and time.perf_counter() - written > 1:  # what a killed child leaves behind
                written = time.perf_counter()
                self.progress.write_text(json.dumps(self.snapshot()))

    def snapshot(self) -> dict:
        """The peak so far, and what is running now (for a build stopped before it ends)."""
        running = []
        for pid in self._descendants():
            name = self._read(f"/proc/{pid}/comm").decode(errors="replace").strip()
            running.append({"pid": int(pid), "command": name, "rss_mb": self._status(pid)[1] / 1024})
        now = time.perf_counter()
        return {"peak_mb": self.peak_between(0, math.inf) / 1024, "own_rss_mb": self._status()[1] / 1024,
                "elapsed_s": now - self.samples[0][0] if self.samples else 0,
                "children_now": running, "where": self.timeline[-1][1] if self.timeline else None,
                "inside": self.inside(now)}

    def stop(self) -> None:
        self._stop_event.set()
        self.join()
        self.sample()

    def peak_between(self, start: float, end: float, children: bool = True) -> float:
        """Peak kB over the intervals that overlap [start, end]."""
        values = [own + (kids if children else 0) for a, b, own, _, kids in self.samples if a < end and b > start]
        return max(values, default=0)

    def rss_at(self, moment: float) -> float:
        """The RSS (kB) of the last sample taken at or before `moment`."""
        before = [rss for _, b, _, rss, _ in self.samples if b <= moment]
        return before[-1] if before else (self.samples[0][3] if self.samples else 0)


def progress_cost(data: Path, folder: Path, env: dict, runs: int) -> dict:
    """`python -m generator build --force` in a pseudo-terminal, as a person at a terminal runs it
    (a line per stage, a bar for the pages and the exports), and the same with --quiet, taking
    turns `runs` times each after one untimed build per folder (so every timed build replaces a
    site, as a real one does). Returns the wall times and the output's size."""
    import pty

    times: dict[str, list[float]] = {"terminal": [], "quiet": []}
    shown = 0
    for attempt in range(runs + 1):
        for mode in ("terminal", "quiet"):
            cmd = [PYTHON, "-m", "generator", "build", "--data", str(data), "--out", str(folder / f"progress-{mode}"),
                   "--force"] + (["--quiet"] if mode == "quiet" else [])
            master, slave = pty.openpty()
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a 100-column terminal
            started = time.perf_counter()
            child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
            os.close(slave)
            output = b""
            while True:
                try:
                    chunk = os.read(master, 1 << 16)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            child.wait()
            elapsed = time.perf_counter() - started
            os.close(master)
            if child.returncode != 0:
                return {"status": "failed", "mode": mode, "output": output.decode("utf-8", "replace")[-2000:]}
            if attempt:  # the first of each is untimed
                times[mode].append(elapsed)
                if mode == "terminal":
                    shown = max(shown, len(output))
    return {"status": "ok", "terminal_s": times["terminal"], "quiet_s": times["quiet"], "terminal_output_bytes": shown}


def progress_line(cost: dict) -> str:
    if cost.get("status") != "ok":
        return f"progress: {cost.get('status')} ({cost.get('mode')}): {cost.get('output', '')[-300:]}"
    terminal, quiet = statistics.median(cost["terminal_s"]), statistics.median(cost["quiet_s"])
    return (f"progress: the build command on a terminal {terminal:.2f} s, with --quiet {quiet:.2f} s (medians of "
            f"{len(cost['terminal_s'])} alternating runs each: {terminal / quiet - 1:+.1%}; "
            f"{cost['terminal_output_bytes']:,} bytes of stage lines and bars)")


def maxrss_mb_self() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


# --------------------------------------------------------------------------- child processes

def child_build(data: Path, out: Path, result: Path) -> int:
    """One `generator.build.build()` in this (fresh) process; its figures as JSON in `result`."""
    started = time.perf_counter()
    sampler = PeakSampler(progress=result.with_suffix(".progress"))
    sampler.start()
    from generator import build as pipeline
    from generator.config import load_config

    config = load_config()
    imported = time.perf_counter()
    try:
        outcome = pipeline.build(data, out, config, docs_dir=None)
    except pipeline.BuildError as exc:
        sampler.stop()
        result.write_text(json.dumps({"ok": False, "error": [str(f) for f in exc.findings[:20]]}))
        return 1
    finished = time.perf_counter()
    sampler.stop()
    stages, moment = [], imported
    for name, seconds in outcome.timings.items():  # the stages are consecutive laps from the call
        stages.append({"stage": name, "seconds": seconds,
                       "peak_mb": sampler.peak_between(moment, moment + seconds) / 1024,
                       "own_peak_mb": sampler.peak_between(moment, moment + seconds, children=False) / 1024,
                       "start_rss_mb": sampler.rss_at(moment) / 1024})
        moment += seconds
    if finished - moment > 0.05:  # build() returns some time after its last lap (removing its staging folder)
        stages.append({"stage": "(after the last stage)", "seconds": finished - moment, "outside": True,
                       "peak_mb": sampler.peak_between(moment, finished) / 1024,
                       "own_peak_mb": sampler.peak_between(moment, finished, children=False) / 1024,
                       "start_rss_mb": sampler.rss_at(moment) / 1024})
    result.write_text(json.dumps({
        "ok": True,
        "stages": stages,
        "build_s": finished - imported,
        "imports_s": imported - started,
        "warnings": len(outcome.findings),
        # this process and its children together (ru_maxrss misses a child's memory, and the
        # sampler's resets of VmHWM also reset this process's ru_maxrss)
        "peak_mb": max(maxrss_mb_self(), sampler.peak_between(0, math.inf) / 1024),
        "own_peak_mb": sampler.peak_between(0, math.inf, children=False) / 1024,
        "exact_peaks": sampler.exact,
        "samples": len(sampler.samples),
        "inside": sampler.inside(finished),
        "beside": outcome.beside,
        "pages_kept": list(outcome.pages_kept),
        "mkdocs_kept": list(outcome.mkdocs_kept),
        "search_kept": list(outcome.search_kept),
    }))
    return 0


def naive_markdown(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def child_naive(data: Path, root: Path, pages: int, result: Path) -> int:
    """The naive site's Markdown: one page per organisation (or an evenly spaced sample of
    `pages` of them), every page in the nav, Material with its built-in search."""
    import numpy as np
    import pandas as pd

    started = time.perf_counter()
    read = functools.partial(pd.read_csv, dtype=str, keep_default_na=False)
    orgs = read(data / "organisations.csv")
    grants = read(data / "grants.csv")
    contracts = read(data / "contracts.csv")
    loaded = time.perf_counter()

    total = len(orgs)
    if pages < len(orgs):
        orgs = orgs.iloc[np.unique(np.linspace(0, len(orgs) - 1, pages).round().astype(int))]
    grant_groups = {k: g for k, g in grants.groupby("recipient_org_id", sort=False)}
    contract_groups = {k: g for k, g in contracts.groupby("supplier_org_id", sort=False)}
    docs = root / "docs"
    (docs / "organisations").mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Organisations\n\nOne page per organisation.\n", encoding="utf-8")
    nav = []
    grant_columns = ["grant_id", "title", "programme", "amount_awarded", "award_date"]
    contract_columns = ["contract_id", "title", "total_value_gbp", "start_date", "end_date"]
    for org in orgs.itertuples(index=False):
        slug = re.sub(r"[^a-z0-9-]+", "-", org.org_id.lower())
        lines = [f"# {naive_markdown(org.name)}", "", f"Identifier: {org.org_id}. Type: {org.organisation_type}.", ""]
        for title, groups, columns in (("Grants", grant_groups, grant_columns),
                                       ("Contracts", contract_groups, contract_columns)):
            rows = groups.get(org.org_id)
            lines += [f"## {title}", ""]
            if rows is None:
                lines += ["None.", ""]
                continue
            lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
            lines += ["| " + " | ".join(naive_markdown(v) for v in row) + " |"
                      for row in rows[columns].itertuples(index=False)]
            lines.append("")
        (docs / "organisations" / f"{slug}.md").write_text("\n".join(lines), encoding="utf-8")
        nav.append({org.name: f"organisations/{slug}.md"})
    config = {  # JSON is YAML: names need no escaping
        "site_name": "Naive baseline",
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": True,
        "theme": {"name": "material", "font": False, "language": "en",
                  "features": ["navigation.sections", "navigation.top"],
                  "palette": {"scheme": "default", "primary": "indigo", "accent": "indigo"}},
        "plugins": [{"search": {"lang": "en"}}],
        "markdown_extensions": ["tables", "attr_list"],
        "nav": [{"Home": "index.md"}, {"Organisations": nav}],
    }
    (root / "mkdocs.yml").write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    finished = time.perf_counter()
    result.write_text(json.dumps({"ok": True, "pages": len(nav), "organisations_total": total,
                                  "load_s": loaded - started, "render_s": finished - loaded,
                                  "peak_mb": maxrss_mb_self()}))
    return 0


class Step:
    """A child process with a wall-clock timeout and a memory limit: wall time, CPU time and exit
    status (wait4), and peak memory: the largest sum of VmHWM over the child's process tree,
    polled at 20, 50 and 100 ms and then every 0.2 s (growth in a process's last moments before
    it exits can be missed). Not wait4's ru_maxrss: it includes the memory a forked child
    inherited from this process before exec (kept as `wait4_maxrss_mb`, an upper bound, and used
    only for a process too short to be polled)."""

    def __init__(self, name: str, cmd: list[str], timeout: float, log: Path, env: dict | None = None,
                 memory_limit_mb: float | None = None):
        self.name, self.cmd, self.timeout, self.log = name, cmd, timeout, log
        self.env = env
        self.memory_limit_mb = memory_limit_mb  # the machine is shared: stop a step before the OOM killer does

    def run(self) -> dict:
        if self.timeout <= 1:
            return {"status": "skipped", "reason": "time budget used up", "wall_s": None, "peak_mb": None}
        with self.log.open("ab") as log:
            log.write(f"$ {' '.join(map(str, self.cmd))}\n".encode())
            log.flush()
            load = os.getloadavg()[0]
            started = time.perf_counter()
            proc = subprocess.Popen([str(c) for c in self.cmd], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                                    env=self.env, start_new_session=True)
            timed_out = threading.Event()

            def stop():
                timed_out.set()
                try:
                    os.killpg(proc.pid, signal.SIGKILL)  # the child's own process group only
                except ProcessLookupError:
                    pass

            timer = threading.Timer(self.timeout, stop)
            timer.start()
            too_big = threading.Event()
            finished = threading.Event()

            polled = [0]  # kB
            delays = iter([0.02, 0.03, 0.05])

            def watch():
                cost = 0.0  # the last reading's time: forked children's smaps_rollup is costly
                while not finished.wait(max(next(delays, 0.2), PeakSampler.PRIVATE_DUTY * cost)):
                    began = time.perf_counter()
                    rss, hwm = tree_memory_kb(proc.pid)
                    cost = time.perf_counter() - began
                    polled[0] = max(polled[0], hwm)
                    if self.memory_limit_mb and rss / 1024 > self.memory_limit_mb:
                        too_big.set()
                        stop()
                        return

            watchdog = threading.Thread(target=watch, daemon=True)
            watchdog.start()
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            finished.set()
            timer.cancel()
            watchdog.join()
            proc.returncode = os.waitstatus_to_exitcode(status)
        result = {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "system_s": usage.ru_stime,
                  "peak_mb": (polled[0] or usage.ru_maxrss) / 1024, "wait4_maxrss_mb": usage.ru_maxrss / 1024,
                  "exit": proc.returncode, "load_average_1min_before": load}
        if too_big.is_set():
            result.update(status="timeout", reason=f"stopped at the memory limit of {self.memory_limit_mb:,.0f} MB",
                          memory_limit_hit=True)
        elif timed_out.is_set():
            result.update(status="timeout", reason=f"stopped after {self.timeout:.0f} s")
        elif proc.returncode != 0:
            tail = self.log.read_text(errors="replace").splitlines()[-15:]
            result.update(status="failed", reason="\n".join(tail))
        else:
            result["status"] = "ok"
        return result


# --------------------------------------------------------------------------- search

def search_index_files(site: Path) -> dict:
    """The search index the build produced: Material's search/search_index.json, any
    Pagefind folder (pagefind/, _pagefind/) and this project's search-index/, with their sizes."""
    found = {}
    material = site / "search" / "search_index.json"
    if material.is_file():
        found["search/search_index.json"] = {"files": 1, "bytes": material.stat().st_size,
                                             "largest": "search/search_index.json",
                                             "largest_bytes": material.stat().st_size}
    for folder in [*sorted(site.glob("pagefind*")), *sorted(site.glob("_pagefind*")), *sorted(site.glob("search-index"))]:
        if folder.is_dir():
            files = [p for p in folder.rglob("*") if p.is_file()]
            largest = max(files, key=lambda p: p.stat().st_size, default=None)
            found[folder.name + "/"] = {"files": len(files), "bytes": sum(p.stat().st_size for p in files),
                                        "largest": str(largest.relative_to(site)) if largest else None,
                                        "largest_bytes": largest.stat().st_size if largest else 0}
    return found


# The search box of each kind of site: the page it is on, keys that open it and/or a selector
# to click and type into, and the selector of one result. detect_search_ui() chooses; pass your
# own to measure_search() when the site changes.
SEARCH_UIS = {
    # this project's search page (site_src/assets/search.js over generator/search.py's index)
    "project": {"path": "search/", "open_keys": [], "input_selector": "#search-input",
                "result_selector": "#search-results li"},
    # Pagefind's own UI
    "pagefind-ui": {"path": "", "open_keys": [], "input_selector": ".pagefind-ui__search-input",
                    "result_selector": ".pagefind-ui__result"},
    # Material's built-in search: "/" opens it on any page
    "material": {"path": "", "open_keys": ["/"], "input_selector": None, "result_selector": ".md-search-result__item"},
}


def detect_search_ui(site: Path) -> tuple[str, dict] | None:
    page = site / "search" / "index.html"
    if page.is_file() and 'id="search-input"' in page.read_text(encoding="utf-8", errors="replace"):
        return "project", SEARCH_UIS["project"]
    if any(site.glob("*pagefind*/pagefind-ui.js")) and any(
            "pagefind-ui" in p.read_text(encoding="utf-8", errors="replace") for p in [site / "index.html"]
            if p.is_file()):
        return "pagefind-ui", SEARCH_UIS["pagefind-ui"]
    if (site / "search" / "search_index.json").is_file():
        return "material", SEARCH_UIS["material"]
    return None


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site and notes every response: when it was asked for, path, bytes."""

    served: list  # set per server

    def log_message(self, *args):
        pass

    def copyfile(self, source, outputfile):
        asked = time.perf_counter()
        count = 0
        while chunk := source.read(64 * 1024):
            outputfile.write(chunk)
            count += len(chunk)
        self.served.append({"asked": asked, "path": self.path, "bytes": count})


def measure_search(site: Path, query: str, *, chromium: str, path: str = "", open_keys=("/",),
                   input_selector: str | None = None, result_selector: str = ".md-search-result__item",
                   timeout_s: float = 10.0) -> dict:
    """Open the site's page `path` in headless Chromium (a fresh profile: empty cache), wait for
    its load event, then type `query` into the search and wait for the first `result_selector`.

    first_result_s: from the first key press to the first result on screen (the search index
    may still be downloading when typing starts, as for a real visitor). bytes_before_first_result:
    every response the server was asked for before the first result appeared, counted in full
    (uncompressed, as http.server sends it; `gzip_bytes_before_first_result` estimates what a
    compressing host such as GitHub Pages would send)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    served: list = []
    handler = type("Handler", (_CountingHandler,), {"served": served})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/{path}"
    result: dict = {"query": query, "url_path": path or "/", "result_selector": result_selector}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            try:
                context = browser.new_context()
                page = context.new_page()
                origin = url[:url.index("/", 8)]
                foreign: list[str] = []  # noted, not intercepted: routing every request would slow them all
                page.on("request", lambda request: None if request.url.startswith((origin, "data:", "blob:"))
                        else foreign.append(request.url))
                navigated = time.perf_counter()
                page.goto(url, wait_until="load")
                result["page_load_s"] = time.perf_counter() - navigated
                typed = time.perf_counter()
                if input_selector:
                    page.click(input_selector)
                for key in open_keys:
                    page.keyboard.press(key)
                page.keyboard.type(query)
                try:
                    page.wait_for_selector(result_selector, timeout=timeout_s * 1000)
                    first = time.perf_counter()
                    result["first_result_s"] = first - typed
                except PlaywrightTimeout:
                    first = None
                    result["first_result_s"] = None
                    result["error"] = f"no result within {timeout_s:.0f} s"
                try:
                    page.wait_for_load_state("networkidle", timeout=timeout_s * 1000)
                except PlaywrightTimeout:
                    pass
                page.wait_for_timeout(300)  # let the last keystroke's search finish
                result["results_shown"] = page.locator(result_selector).count()
                text = page.locator(result_selector).all_inner_texts() if result["results_shown"] else []
                result["query_found"] = any(query.lower() in t.lower() for t in text)
                result["requests_to_other_origins"] = foreign
                context.close()
            finally:
                browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    before = [s for s in served if first is not None and s["asked"] <= first]
    result["requests_before_first_result"] = len(before)
    result["bytes_before_first_result"] = sum(s["bytes"] for s in before) if first else None
    result["gzip_bytes_before_first_result"] = (sum(_gzip_size(site, s["path"]) for s in before) if first else None)
    result["bytes_total"] = sum(s["bytes"] for s in served)
    result["largest_downloads"] = sorted(({"path": s["path"], "bytes": s["bytes"]} for s in served),
                                         key=lambda s: -s["bytes"])[:3]
    return result


def _gzip_size(site: Path, url_path: str) -> int:
    relative = url_path.split("?")[0].split("#")[0].lstrip("/")
    target = site / relative
    if target.is_dir():
        target = target / "index.html"
    try:
        return len(gzip.compress(target.read_bytes(), compresslevel=6))
    except OSError:
        return 0


def child_search(site: Path, query: str, result: Path) -> int:
    chromium = chromium_path()
    name, ui = detect_search_ui(site)
    measured = measure_search(site, query, chromium=chromium, **ui)
    measured["ui"] = name
    measured["peak_mb_driver"] = maxrss_mb_self()
    result.write_text(json.dumps(measured))
    return 0


# --------------------------------------------------------------------------- orchestration

def parse_size(text: str) -> tuple[str, int]:
    text = text.strip()
    if text in SIZES:
        return text, SIZES[text]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (expected e.g. 20k, 100k, 1M or 300)")
    number = float(match[1]) * {"": 1, "k": 1_000, "m": 1_000_000}[match[2].lower()]
    return text, int(number)


def machine() -> dict:
    info = {"python": platform.python_version(), "kernel": platform.release(), "cpus": os.cpu_count()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = re.search(r"model name\s*:\s*(.*)", cpuinfo)[1].strip()
        meminfo = Path("/proc/meminfo").read_text()
        info["memory_gb"] = round(int(re.search(r"MemTotal:\s+(\d+)", meminfo)[1]) / 1024 / 1024, 1)
        info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    except (OSError, TypeError):
        pass
    from importlib.metadata import PackageNotFoundError, version
    for package in ("mkdocs", "mkdocs-material", "frictionless", "pandas", "pyarrow", "playwright"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            pass
    try:  # which code was measured (read-only git commands)
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "generator", "mkdocs.yml", "site_src"],
                               cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
        info["code"] = f"{head}{' + uncommitted changes' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        pass
    chromium = chromium_path()
    if chromium:
        try:
            info["chromium"] = subprocess.run([chromium, "--version"], capture_output=True, text=True,
                                              timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return info


def fit_naive(samples: list[dict], pages: int) -> dict:
    """Extrapolate the naive site to `pages` pages from samples of it.

    MkDocs time and site size: a + b n + c n^2 with a, b, c >= 0, least squares over three or
    more samples (every page carries the whole nav, so page size and cost grow with the page count
    and the site with its square); a line through two samples when there are only two. Search
    index size and memory: a line through the two largest samples (the index holds each page's
    text once)."""
    pts = sorted(samples, key=lambda s: s["pages"])
    xs = [s["pages"] for s in pts]

    def line(key):
        a, b = pts[-2], pts[-1]
        slope = (b[key] - a[key]) / (b["pages"] - a["pages"])
        return a[key] + slope * (pages - a["pages"])

    def quadratic(key):
        """Least squares with a, b, c >= 0 (no cost is negative): the best of the fits on every
        subset of the three terms whose coefficients all come out non-negative. Pure Python, so
        this process stays small (see Bench.__init__)."""
        import itertools

        scale = max(xs)  # pages / scale is at most 1: well-conditioned normal equations
        x = [n / scale for n in xs]
        y = [s[key] for s in pts]
        terms = {"a": [1.0] * len(x), "b": x, "c": [v * v for v in x]}
        best = None
        for k in range(1, 4):
            for subset in itertools.combinations("abc", k):
                coef = _least_squares([terms[t] for t in subset], y)
                if coef is None or min(coef) < 0:
                    continue
                model = dict.fromkeys("abc", 0.0) | dict(zip(subset, coef))
                error = sum((model["a"] + model["b"] * u + model["c"] * u * u - v) ** 2 for u, v in zip(x, y))
                if best is None or error < best[0] - 1e-12:
                    best = (error, model)
        model = {"a": best[1]["a"], "b": best[1]["b"] / scale, "c": best[1]["c"] / scale ** 2}
        return model["a"] + model["b"] * pages + model["c"] * pages * pages, model

    fit: dict = {"pages": pages, "from_pages": xs}
    for key in ("mkdocs_cpu_s", "mkdocs_s", "site_bytes"):
        if len(pts) >= 3:
            fit[key], model = quadratic(key)
            fit[f"{key}_model"] = dict(model, method="a + b*pages + c*pages^2, least squares, a, b, c >= 0")
        else:
            fit[key], fit[f"{key}_model"] = line(key), {"method": "line through two samples"}
    for key in ("search_index_bytes", "mkdocs_peak_mb"):
        fit[key] = line(key)
    fit["render_s"] = pts[-1]["render_s"] * pages / pts[-1]["pages"]
    return fit


def _least_squares(columns: list[list[float]], y: list[float]) -> list[float] | None:
    """Coefficients minimising |A x - y| for the columns of A (normal equations, Gauss-Jordan)."""
    k = len(columns)
    rows = [[sum(a * b for a, b in zip(columns[i], columns[j])) for j in range(k)]
            + [sum(a * b for a, b in zip(columns[i], y))] for i in range(k)]
    for col in range(k):
        pivot = max(range(col, k), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        if abs(rows[col][col]) < 1e-12:
            return None
        for r in range(k):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col])]
    return [rows[i][k] / rows[i][i] for i in range(k)]


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


class Bench:
    def __init__(self, args):
        self.args = args
        self.started = time.perf_counter()
        self.deadline = self.started + args.budget
        self.work = Path(tempfile.mkdtemp(prefix="bench-", dir=args.tmp))
        self.env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")
        if "SOURCE_DATE_EPOCH" not in self.env:
            # "today" for the date checks: the sample's reference date, so the seeded data is valid on
            # any day. Asked of a child: importing the generator (pandas) here would make this process
            # big, and every child forked from it would start with that memory.
            reference = subprocess.run([PYTHON, "-c", "from generator.sample.vocabulary import REFERENCE_DATE as d; print(d)"],
                                       cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
            day = dt.datetime.fromisoformat(reference).replace(tzinfo=dt.timezone.utc)
            self.env["SOURCE_DATE_EPOCH"] = str(int(day.timestamp()) + 86399)

    def save(self, report: dict) -> None:
        report["duration_s"] = time.perf_counter() - self.started
        self.args.json.parent.mkdir(parents=True, exist_ok=True)
        self.args.json.write_text(json.dumps(report, indent=1, default=str) + "\n", encoding="utf-8")

    def timeout(self, cap: float | None = None) -> float:
        left = self.deadline - time.perf_counter()
        return max(0.0, min(cap or self.args.step_timeout, left))

    def step(self, name: str, cmd: list, folder: Path, cap: float | None = None) -> dict:
        self.say(f"  {name}...")
        outcome = Step(name, cmd, self.timeout(cap), folder / "log.txt", self.env, self.args.memory_limit).run()
        shown = {"ok": "", "timeout": f" ({outcome.get('reason')})",
                 "skipped": " (skipped: the time budget is used up)", "failed": " (FAILED)"}[outcome["status"]]
        wall = f"{outcome['wall_s']:.1f} s" if outcome["wall_s"] is not None else "-"
        self.say(f"    {wall}{shown}")
        if outcome["status"] == "failed":
            self.say("    " + outcome["reason"].replace("\n", "\n    "))
        return outcome

    def child(self, kind: str, *args) -> list:
        return [PYTHON, str(Path(__file__).resolve()), kind, *map(str, args)]

    @staticmethod
    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def read(self, path: Path) -> dict:
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return {}

    # ---- one size
    def size(self, label: str, grants: int) -> dict:
        args = self.args
        folder = self.work / label
        folder.mkdir()
        data = folder / "data"
        record: dict = {"label": label, "grants": grants, "seed": args.seed}
        self.say(f"== {label} ({grants:,} grants) in {folder}")

        gen = self.step("sample data", [PYTHON, "-m", "generator", "sample", "--out", data, "--grants", grants,
                                        "--seed", args.seed], folder)
        record["generate"] = gen
        if gen["status"] != "ok":
            return record
        record["rows"] = {p.stem: _count_rows(p) for p in sorted(data.glob("*.csv"))}
        record["csv_bytes"] = sum(p.stat().st_size for p in data.glob("*.csv"))

        # Ours: full build, then a rebuild with nothing changed, then one after a row changed.
        ours: dict = {}
        site = folder / "ours" / "site"
        for run in ("full", "rebuild", "changed"):
            if run != "full" and ours["full"]["status"] != "ok":
                ours[run] = {"status": "skipped", "reason": "the full build did not finish"}
                continue
            if run == "changed":
                ours["changed_row"] = change_one_row(data / "grants.csv")
            result = folder / f"ours-{run}.json"
            cap = args.rebuild_timeout if run == "rebuild" else None
            outcome = self.step(f"our build ({run})", self.child("_build", data, site, result), folder, cap=cap)
            # from outside: the child resets its own VmHWM, so its own figures (below) are the ones
            outcome["watchdog_peak_mb"] = outcome.pop("peak_mb")
            outcome.update(self.read(result))
            if outcome["status"] == "timeout":  # what the sampler wrote before the child was stopped
                progress = self.read(result.with_suffix(".progress"))
                outcome["when_stopped"] = progress
                so_far = progress.get("peak_mb") or 0
                if outcome.get("memory_limit_hit"):
                    so_far = max(so_far, args.memory_limit)
                outcome["peak_mb"] = outcome["peak_mb_so_far"] = so_far or None
            ours[run] = outcome
        if site.is_dir():
            ours["search_index"] = search_index_files(site)
            ours["site_bytes"] = folder_bytes(site)
        record["ours"] = ours

        # What progress costs: the command with its stage lines and bars on a terminal, against --quiet.
        if grants <= args.progress_max and ours["full"]["status"] == "ok" and self.deadline - time.perf_counter() > 8 * (ours["full"].get("wall_s") or 0) + 60:
            self.say("  progress on a terminal against --quiet...")
            record["progress"] = progress_cost(data, folder, self.env, args.progress_runs)
            self.say("    " + progress_line(record["progress"]))

        # The naive baseline.
        base: dict = {}
        descriptor = data / "datapackage.json"
        base["frictionless"] = self.step("baseline: frictionless validate",
                                         [BIN / "frictionless", "validate", "--trusted", descriptor], folder,
                                         cap=args.baseline_timeout)
        if (base["frictionless"]["status"] == "failed" and base["frictionless"]["exit"] == 1
                and "invalid" in base["frictionless"]["reason"].lower()):
            # it ran to the end and reported the data invalid: still a full validation run
            base["frictionless"].update(status="ok", valid=False, reason=None)
        elif base["frictionless"]["status"] == "ok":
            base["frictionless"]["valid"] = True
        base["naive"] = self.naive(folder, data)
        record["baseline"] = base

        # Search in a browser.
        if args.browser and chromium_path():
            query = _query(data) if args.query is None else args.query
            record["search_query"] = query
            if site.is_dir() and not detect_search_ui(site):
                ours["browser"] = {"status": "skipped", "reason": "no search found in the site (see SEARCH_UIS)"}
            elif site.is_dir():
                result = folder / "search-ours.json"
                outcome = self.step("search in Chromium (ours)", self.child("_search", site, query, result), folder,
                                    cap=120)
                outcome.update(self.read(result))
                ours["browser"] = outcome
            naive_site = base["naive"].get("largest_site")
            if naive_site:
                result = folder / "search-naive.json"
                outcome = self.step(f"search in Chromium (naive, {base['naive']['largest_pages']} pages)",
                                    self.child("_search", naive_site, query, result), folder, cap=120)
                outcome.update(self.read(result))
                base["browser"] = outcome
        elif args.browser:
            record["browser_skipped"] = "chromium is not installed"
        return record

    def naive(self, folder: Path, data: Path) -> dict:
        args = self.args
        organisations = _count_rows(data / "organisations.csv")
        if organisations <= args.naive_full_max:
            plan, extrapolated = [organisations], False
        else:
            plan, extrapolated = sorted(set(min(n, organisations) for n in args.naive_pages)), True
        naive: dict = {"organisations": organisations, "extrapolated": extrapolated, "samples": []}
        for pages in plan:
            root = folder / f"naive-{pages}"
            result = root / "naive.json"
            root.mkdir()
            render = self.step(f"baseline: naive pages ({pages:,} organisations)",
                               self.child("_naive", data, root, pages, result), folder, cap=args.baseline_timeout)
            if render["status"] != "ok":
                naive["samples"].append({"pages": pages, "status": render["status"]})
                break
            facts = self.read(result)
            mk = self.step(f"baseline: mkdocs build ({pages:,} pages)",
                           [BIN / "mkdocs", "build", "--quiet", "-f", root / "mkdocs.yml"], folder,
                           cap=args.baseline_timeout)
            sample = {"pages": facts["pages"], "status": mk["status"], "load_s": facts["load_s"],
                      "render_s": facts["render_s"], "render_peak_mb": facts["peak_mb"],
                      "mkdocs_s": mk["wall_s"], "mkdocs_cpu_s": mk.get("cpu_s"), "mkdocs_peak_mb": mk["peak_mb"]}
            if mk["status"] == "ok":
                index = root / "site" / "search" / "search_index.json"
                sample["search_index_bytes"] = index.stat().st_size if index.exists() else 0
                sample["site_bytes"] = folder_bytes(root / "site")
                naive["largest_site"] = str(root / "site")
                naive["largest_pages"] = facts["pages"]
            naive["samples"].append(sample)
            if mk["status"] != "ok":
                break
        done = [s for s in naive["samples"] if s.get("status") == "ok"]
        if not done:
            naive["status"] = "incomplete"
            return naive
        naive["status"] = "ok"
        naive["load_s"] = max(s["load_s"] for s in done)  # the data is read in full for every sample
        if not extrapolated:
            only = done[-1]
            naive.update(render_s=only["render_s"], mkdocs_s=only["mkdocs_s"],
                         mkdocs_peak_mb=only["mkdocs_peak_mb"], search_index_bytes=only["search_index_bytes"],
                         site_bytes=only["site_bytes"])
        elif len(done) >= 2:
            fit = fit_naive(done, organisations)
            naive["fit"] = fit
            # CPU time, not wall time: on a shared machine the samples' wall times are too noisy to
            # extrapolate from; MkDocs runs on one core, so on an idle machine they are the same.
            naive.update(render_s=fit["render_s"], mkdocs_s=fit["mkdocs_cpu_s"], mkdocs_peak_mb=fit["mkdocs_peak_mb"],
                         search_index_bytes=fit["search_index_bytes"], site_bytes=fit["site_bytes"])
        else:
            naive["status"] = "incomplete"
        naive["render_peak_mb"] = max(s["render_peak_mb"] for s in done)
        return naive

    def free(self, label: str) -> None:
        """A measured size's folders are removed at the end of the run, not before the next
        size: on an ext4 file system without a journal (this project's machines), creating a
        file scans the inodes deleted in the last minutes (`recently_deleted()` in the
        kernel's inode allocator), so deleting a site of 50,000 files just before building the
        next one made that build's page writing several times slower. Only when the disk is
        short of room (less than --min-free-gb) is a size removed at once."""
        free_gb = shutil.disk_usage(self.work).free / 1e9
        if free_gb < self.args.min_free_gb:
            self.say(f"  removing {label}'s folders now: {free_gb:.0f} GB free (less than --min-free-gb)")
            shutil.rmtree(self.work / label, ignore_errors=True)

    def run(self) -> dict:
        args = self.args
        report = {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                  "command": " ".join(sys.argv), "machine": machine(),
                  "settings": {"seed": args.seed, "budget_s": args.budget, "memory_limit_mb": args.memory_limit,
                               "step_timeout_s": args.step_timeout,
                               "rebuild_timeout_s": args.rebuild_timeout, "baseline_timeout_s": args.baseline_timeout,
                               "naive_full_max": args.naive_full_max, "naive_pages": args.naive_pages},
                  "sizes": {}}
        try:
            for label, grants in args.sizes:
                record = self.size(label, grants)
                record["table"] = table_rows(record)
                record["targets"] = targets(label, record)
                report["sizes"][label] = record
                print(format_size(record), flush=True)
                self.save(report)  # after each size: a run stopped later keeps what it measured
                if not args.keep:
                    self.free(label)
        finally:
            report["duration_s"] = time.perf_counter() - self.started
            if args.keep:
                self.say(f"kept the data and sites in {self.work}")
            else:
                shutil.rmtree(self.work, ignore_errors=True)
        return report


def change_one_row(path: Path) -> str:
    """Add 1 to the amount of the middle grant of a CSV file, in place (no other byte changes):
    the smallest real update. Returns what changed."""
    lines = path.read_text(encoding="utf-8").split("\n")  # the sample's rows are one line each
    header = next(csv.reader([lines[0]]))
    row = len(lines) // 2
    cells = next(csv.reader([lines[row]]))
    column = header.index("amount_awarded")
    before = cells[column]
    cells[column] = str(int(float(before)) + 1) if float(before).is_integer() else f"{float(before) + 1:.2f}"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    lines[row] = out.getvalue()
    path.write_text("\n".join(lines), encoding="utf-8")
    return f"{path.name} line {row + 1}: amount_awarded {before} -> {cells[column]}"


def _count_rows(path: Path) -> int:
    import csv
    with path.open(encoding="utf-8", newline="") as handle:
        return max(0, sum(1 for _ in csv.reader(handle)) - 1)


def _query(data: Path) -> str:
    """A realistic search: an organisation's name (the first in organisations.csv, which every
    sample of the naive site includes)."""
    import csv
    with (data / "organisations.csv").open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle), None)
    return first["name"] if first else "grants"


# --------------------------------------------------------------------------- report

def table_rows(record: dict) -> list[dict]:
    """stage, ours (s, MB), baseline (s, MB), ratio (baseline / ours: how many times faster we are).
    Values are None when not measured; `note` says what is extrapolated or a lower bound."""
    ours = record.get("ours", {})
    full, rebuild, changed = ours.get("full", {}), ours.get("rebuild", {}), ours.get("changed", {})
    base = record.get("baseline", {})
    fr, naive = base.get("frictionless", {}), base.get("naive", {})
    est = "~" if naive.get("extrapolated") else ""
    lower = {"timeout": ">"}
    rows: list[dict] = []
    failed = {"failed": " (FAILED: see the log above)", "skipped": " (skipped)"}

    def row(stage, ours_s=None, ours_mb=None, base_s=None, base_mb=None, note="", ours_mark="", base_mark=""):
        ratio = base_s / ours_s if ours_s and base_s is not None else None
        ratio_mark = "<" if ours_mark == ">" else base_mark  # we took at least this long: at most this ratio
        if ours_mark == ">" and base_mark == ">":
            ratio, ratio_mark = None, ""
        rows.append({"stage": stage, "ours_s": ours_s, "ours_mb": ours_mb, "baseline_s": base_s,
                     "baseline_mb": base_mb, "ratio": ratio, "ratio_mark": ratio_mark, "note": note,
                     "ours_mark": ours_mark, "baseline_mark": base_mark})

    base_stage = {  # our stage name -> the baseline's figures for the same work
        "validate": (measured(fr), measured(fr, "peak_mb"), lower.get(fr.get("status"), ""),
                     "baseline: stock frictionless validate (command)"),
        "render": (naive.get("render_s"), naive.get("render_peak_mb"), est,
                   "baseline: one Markdown page per organisation"),
        "mkdocs": (naive.get("mkdocs_s"), naive.get("mkdocs_peak_mb"), est,
                   "baseline: mkdocs build, every page in the nav, built-in search"),
    }
    stages = full.get("stages", [])
    for s in stages:
        b = base_stage.pop(s["stage"], (None, None, "", ""))
        note = "not in Result.timings: build() ran on after its last stage" if s.get("outside") else b[3]
        row(s["stage"], s["seconds"], s["peak_mb"], b[0], b[1], note, base_mark=b[2])
    if naive.get("load_s") is not None:  # our load happens inside our first stage
        row("load (baseline only)", None, None, naive["load_s"], naive.get("render_peak_mb"),
            "baseline: pandas reads the CSVs; ours is inside validate")
    for name, b in base_stage.items():  # baseline stages we have no stage for
        if b[0] is not None:
            row(f"{name} (baseline only)", None, None, b[0], b[1], b[3], base_mark=b[2])

    base_parts = [measured(fr), naive.get("load_s"), naive.get("render_s"), naive.get("mkdocs_s")]
    base_total = sum(base_parts) if all(p is not None for p in base_parts) else None
    base_peak = max([p for p in (fr.get("peak_mb"), naive.get("render_peak_mb"), naive.get("mkdocs_peak_mb"))
                     if p is not None], default=None)
    total_mark = est or lower.get(fr.get("status"), "")
    if stages:
        row("build() total", full.get("build_s"), max(s["peak_mb"] for s in stages), None, None,
            "the call's wall time; memory: the highest stage peak")
    row("full build (command)", measured(full), measured(full, "peak_mb"), base_total, base_peak,
        "whole process incl. Python start-up and imports; baseline: the three commands" + cpu_note(full)
        + failed.get(full.get("status"), ""),
        ours_mark=lower.get(full.get("status"), ""), base_mark=total_mark)
    row("rebuild, no change (command)", measured(rebuild), measured(rebuild, "peak_mb"), None, None,
        "same data, same --out; the baseline has no incremental build" + failed.get(rebuild.get("status"), ""),
        ours_mark=lower.get(rebuild.get("status"), ""))
    share = changed_share(full, changed)
    row("rebuild, one changed row (command)", measured(changed), measured(changed, "peak_mb"), None, None,
        ("one grant's amount changed, same --out" + (f"; {share:.0%} of the full build" if share is not None else "")
         + cpu_note(changed)
         + ("; {:,} of {:,} entity-page jobs kept".format(*changed["pages_kept"]) if changed.get("pages_kept") else "")
         + ("; {:,} of {:,} MkDocs pages kept".format(*changed["mkdocs_kept"]) if changed.get("mkdocs_kept") else "")
         + ("; {:,} of {:,} search documents' words kept".format(*changed["search_kept"])
            if changed.get("search_kept") else ""))
        + failed.get(changed.get("status"), ""), ours_mark=lower.get(changed.get("status"), ""))
    index = sum(v["bytes"] for v in ours.get("search_index", {}).values()) if ours.get("search_index") else None
    naive_index = naive.get("search_index_bytes")
    rows.append({"stage": "search index (MB)", "ours_s": None, "ours_mb": index / MB if index is not None else None,
                 "baseline_s": None, "baseline_mb": naive_index / MB if naive_index is not None else None,
                 "ratio": (naive_index / index) if index and naive_index else None, "ratio_mark": est,
                 "note": "on disk: " + (", ".join(f"{k} ({v['files']:,} files)" for k, v in
                                                 ours.get("search_index", {}).items()) or "no search index")
                 + "; baseline: search_index.json",
                 "ours_mark": "", "baseline_mark": est})
    return rows


def cpu_note(result: dict) -> str:
    """The CPU time of a command and of the processes it waited for (os.wait4's), and how much of
    it the kernel spent for them (writing files, allocating memory): "" when not measured."""
    if result.get("status") != "ok" or result.get("cpu_s") is None or result.get("system_s") is None:
        return ""
    return f"; CPU of its processes {result['cpu_s']:,.1f} s, {result['system_s']:,.1f} s of it in the kernel"


def changed_share(full: dict, changed: dict) -> float | None:
    """The rebuild after one changed row as a share of the full build (both whole commands)."""
    a, b = measured(full), measured(changed)
    return b / a if a and b is not None else None


def measured(step: dict, key: str = "wall_s"):
    """A step's figure when it ran to the end (or was stopped: then a lower bound), else None."""
    return step.get(key) if step.get("status") in ("ok", "timeout") else None


def targets(label: str, record: dict) -> list[dict]:
    """The issue's targets that apply at this size, each with its measured value and pass/fail
    (None: not measured). A lower bound (a stopped step) can still fail a target."""
    ours = record.get("ours", {})
    full, rebuild, changed = ours.get("full", {}), ours.get("rebuild", {}), ours.get("changed", {})
    out: list[dict] = []

    def add(name, value, limit, unit, better="lower", bound=False):
        if value is None:
            verdict = None
        elif better == "lower":
            verdict = value <= limit if not bound else (False if value > limit else None)
        else:
            verdict = value >= limit if not bound else (False if value < limit else None)
        out.append({"size": label, "target": name, "value": value, "limit": limit, "unit": unit,
                    "pass": verdict, "lower_bound": bound})

    stopped = full.get("status") == "timeout"
    if label == "20k":
        add("full build <= 8 s", measured(full), 8, "s", bound=stopped)
        add("rebuild with no data change <= 1 s", measured(rebuild), 1, "s",
            bound=rebuild.get("status") == "timeout")
        speed = next((r for r in record.get("table") or table_rows(record) if r["stage"] == "full build (command)"), {})
        add(">= 10x faster than the naive baseline", speed.get("ratio"), 10, "x", better="higher",
            bound=speed.get("ratio_mark") == "<")
        share = changed_share(full, changed)
        add("one changed row <= 20% of the full build", share * 100 if share is not None else None, 20, "%")
    if label == "100k":
        add("full build <= 60 s", measured(full), 60, "s", bound=stopped)
        peak = full.get("peak_mb_so_far") if stopped else measured(full, "peak_mb")
        add("full build peak memory <= 2 GB", peak, 2048, "MB",
            bound=stopped)
    if label == "1M":
        seconds, peak = _validation_and_exports(full)
        head = seconds is not None
        profiled = False
        if not head and stopped:  # from the sampling profile of the stopped build, when it got past them
            when = full.get("when_stopped") or {}
            parts = [p for p in when.get("inside") or [] if p["where"].startswith(EARLY_STAGES)]
            if parts and when.get("where") and not when["where"].startswith(EARLY_STAGES):
                seconds = sum(p["seconds"] for p in parts)
                peak = max((p["peak_mb"] for p in parts if p.get("peak_mb")), default=None)
                profiled = True
        add("validation plus all exports <= 60 s", seconds, 60, "s")
        add("validation plus all exports peak memory <= 4 GB", peak, 4096, "MB")
        for t in out[-2:]:
            t["from_profile"] = profiled
        add("whole site <= 4 min", measured(full), 240, "s", bound=stopped)
        peak = full.get("peak_mb_so_far") if stopped else measured(full, "peak_mb")
        add("whole site peak memory <= 6 GB", peak, 6144, "MB", bound=stopped)
        share = changed_share(full, changed)
        add("one changed row <= 10% of the full build", share * 100 if share is not None else None, 10, "%")
        browser = ours.get("browser", {})
        first = browser.get("first_result_s")
        add("search: first result < 1 s", first if first is not None else (math.inf if browser.get("error") else None),
            1, "s")
        got = browser.get("bytes_before_first_result")
        add("search: <= 1 MB downloaded before the first result", got / MB if got is not None else None, 1, "MB")
    return out


# For a build stopped before it ended: the pipeline functions of the stages up to the exports, as
# the sampling profile names them (module.function below build()).
EARLY_STAGES = ("stage.check_schemas", "stage.check_council", "build._council_checks", "figures.", "entities.", "build._downloads", "package.", "standards.", "releases.")


def _validation_and_exports(full: dict) -> tuple[float | None, float | None]:
    """The seconds and peak MB of validation plus all exports in a full build. Where the
    exports ran in a forked process (Result.beside), the stages before they began plus the
    longer of the exports' own time and the council checks' (which finish the validation, in
    another forked process beside them), and the highest of those stages' peaks and the two
    processes' own (which count the tables they inherited): the model and render, which ran
    beside them, are not counted. The exports began after the stage named by their "after"
    (the validate stage); in builds that did not say, after the stages before render (the
    council checks then ran inside those). Otherwise the stages up to and including the export
    stage."""
    stages = full.get("stages", [])
    beside = full.get("beside") or {}
    export = beside.get("export")
    names = [s["stage"] for s in stages]
    if export and export.get("after") in names:
        head = stages[: names.index(export["after"]) + 1]
        alongside = [export] + ([beside["council checks"]] if beside.get("council checks") else [])
    elif export and "render" in names:
        head, alongside = stages[: names.index("render")], [export]
    else:
        head = _through_export(stages)
        if not head:
            return None, None
        return sum(s["seconds"] for s in head), max(s["peak_mb"] for s in head)
    peaks = [s["peak_mb"] for s in head] + [step["peak_mb"] for step in alongside if step.get("peak_mb")]
    return sum(s["seconds"] for s in head) + max(step["seconds"] for step in alongside), max(peaks, default=None)


def _through_export(stages: list[dict]) -> list[dict]:
    """The stages up to and including the last one whose name mentions export (validation,
    loading, checks, model and exports, whatever the build calls them)."""
    last = max((i for i, s in enumerate(stages) if "export" in s["stage"]), default=None)
    return stages[: last + 1] if last is not None else []


def _num(value, digits: int = 1, mark: str = "") -> str:
    if value is None:
        return "-"
    if value == math.inf:
        return "none"
    return f"{mark}{value:,.{digits}f}"


def format_size(record: dict) -> str:
    rows = record.get("rows", {})
    head = (f"\n=== {record['label']}: {record['grants']:,} grants, {rows.get('organisations', 0):,} organisations, "
            f"{rows.get('contracts', 0):,} contracts ({sum(rows.values()):,} rows, "
            f"{record.get('csv_bytes', 0) / MB:,.0f} MB of CSV) ===")
    lines = [head]
    if record.get("generate", {}).get("status") != "ok":
        return "\n".join(lines + ["sample data: " + record.get("generate", {}).get("status", "not made")])
    fmt = "{:<30} {:>10} {:>9} {:>12} {:>11} {:>9}  {}"
    lines.append(fmt.format("stage", "ours s", "ours MB", "baseline s", "baseline MB", "ratio", "note"))
    for r in record["table"]:
        is_index = r["stage"].startswith("search index")
        digits = 2 if is_index else 0
        lines.append(fmt.format(
            r["stage"], _num(r["ours_s"], 2, r["ours_mark"]), _num(r["ours_mb"], digits, r["ours_mark"]),
            _num(r["baseline_s"], 2, r["baseline_mark"]),
            _num(r["baseline_mb"], digits, r["baseline_mark"]),
            f"{r.get('ratio_mark', '')}{r['ratio']:,.1f}x" if r["ratio"] is not None else "-", r["note"]))
    naive = record.get("baseline", {}).get("naive", {})
    if naive.get("extrapolated") and naive.get("status") == "ok":
        pages = ", ".join(f"{s['pages']:,}" for s in naive["samples"])
        lines.append(f"~ extrapolated to {naive['organisations']:,} pages from naive sites of {pages} "
                     "organisation pages "
                     "(MkDocs CPU time: a + b n + c n^2; index, memory: linear)")
    if any(r["ours_mark"] == ">" or r["baseline_mark"] == ">" for r in record["table"]):
        lines.append("> stopped (time budget, step timeout or memory limit): a lower bound; "
                     "< an upper bound, from a lower bound")
    for who in ("ours", "baseline"):
        browser = record.get(who, {}).get("browser")
        if browser and browser.get("status") == "ok":
            size = f" ({record['baseline']['naive'].get('largest_pages'):,}-page sample)" if who == "baseline" else ""
            got = browser.get("bytes_before_first_result")
            lines.append(
                f"search in Chromium, {who}{size}: first result "
                f"{_num(browser.get('first_result_s'), 2)} s after the first key, "
                f"{_num(got / 1024 if got is not None else None, 0)} KB downloaded before it "
                f"(gzip ~{_num((browser.get('gzip_bytes_before_first_result') or 0) / 1024, 0)} KB), "
                f"{browser.get('results_shown')} results for {browser.get('query')!r}")
        elif browser:
            lines.append(f"search in Chromium, {who}: {browser.get('status')} {browser.get('reason', '')}")
    if record.get("progress"):
        lines.append(progress_line(record["progress"]))
    full = record.get("ours", {}).get("full", {})
    if full.get("status") == "ok":
        lines.append(f"ours: Python start-up and imports {full['imports_s']:.1f} s; "
                     f"{full['warnings']:,} data warnings; "
                     f"memory per stage from {'exact VmHWM peaks' if full.get('exact_peaks') else 'VmRSS samples'}")
        beside = [f"{name} {cost['seconds']:.1f} s" + (f", {cost['peak_mb']:,.0f} MB" if cost.get("peak_mb") else "")
                  for name, cost in (full.get("beside") or {}).items() if cost]
        if beside:
            lines.append("ours, steps in forked processes beside a stage (own time; peak VmHWM with what they "
                         "inherited): " + "; ".join(beside))
    elif full:
        when = full.get("when_stopped") or {}
        running = ", ".join(f"{c['command']} {c['rss_mb']:,.0f} MB" for c in when.get("children_now", []))
        lines.append(f"our full build: {full.get('status')}: {full.get('reason', '')} "
                     f"(peak so far {_num(full.get('peak_mb_so_far'), 0)} MB; a second before: the build process "
                     f"{_num(when.get('own_rss_mb'), 0)} MB" + (f", running {running}" if running else "")
                     + (f", in {when['where']}" if when.get("where") else "") + ")")
    inside = full.get("inside") or (full.get("when_stopped") or {}).get("inside") or []
    if inside:
        lines.append("ours, where the time went (sampled every 0.1 s): "
                     + "; ".join(f"{p['where']} {p['seconds']:,.1f} s"
                                 + (f" ({p['peak_mb']:,.0f} MB)" if p.get("peak_mb") else "") for p in inside[:8]))
    if record["targets"]:
        lines.append("targets:")
        for t in record["targets"]:
            verdict = {True: "PASS", False: "FAIL", None: "not measured"}[t["pass"]]
            mark = (">" if t["unit"] != "x" else "<") if t["lower_bound"] else ""
            if t.get("from_profile") and t["value"] is not None:
                verdict += " (from the sampling profile of the stopped build: approximate)"
            lines.append(f"  {t['target']:<55} {_num(t['value'], 2, mark):>10} {t['unit']:<3} {verdict}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- command line

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_build"]:
        return child_build(Path(argv[1]), Path(argv[2]), Path(argv[3]))
    if argv[:1] == ["_naive"]:
        return child_naive(Path(argv[1]), Path(argv[2]), int(argv[3]), Path(argv[4]))
    if argv[:1] == ["_search"]:
        return child_search(Path(argv[1]), argv[2], Path(argv[3]))

    parser = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20k 100k 1M",
                        help='sizes to run, space- or comma-separated: 20k, 100k, 1M or a number '
                             '(default: "20k 100k 1M")')
    parser.add_argument("--grants", type=int, action="append", metavar="N",
                        help="a size by its number of grants (repeatable; replaces --sizes)")
    parser.add_argument("--seed", type=int, default=2016, help="the sample data's seed (default: 2016)")
    parser.add_argument("--budget", type=float, default=30 * 60,
                        help="stop steps that would run past this many seconds in all (default: 1800)")
    parser.add_argument("--step-timeout", type=float, default=900, help="longest one step may run (default: 900 s)")
    parser.add_argument("--memory-limit", type=float, default=None, metavar="MB",
                        help="stop a step whose processes hold more than this "
                             "(default: 60%% of the memory, at most 12 GB)")
    parser.add_argument("--rebuild-timeout", type=float, default=60,
                        help="longest the rebuild may run: beyond it only a lower bound is reported (default: 60 s)")
    parser.add_argument("--baseline-timeout", type=float, default=300,
                        help="longest each baseline step may run (default: 300 s)")
    parser.add_argument("--naive-full-max", type=int, default=500,
                        help="build the whole naive site up to this many organisations, else samples (default: 500)")
    parser.add_argument("--naive-pages", default="250,500,1000",
                        help="sample sizes of the naive site, in pages (default: 250,500,1000)")
    parser.add_argument("--no-browser", dest="browser", action="store_false",
                        help="skip the search measurement in Chromium")
    parser.add_argument("--query", help="what to type into the search (default: an organisation's name from the data)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON,
                        help=f"where to write the figures (default: {DEFAULT_JSON.relative_to(ROOT)})")
    parser.add_argument("--tmp", type=Path, default=None,
                        help="where to make the temporary folder (default: the system's)")
    parser.add_argument("--progress-max", type=int, default=20_000, metavar="N",
                        help="measure what progress costs (the build command on a terminal against --quiet) at "
                             "sizes up to N grants (default: 20000; 0: never)")
    parser.add_argument("--progress-runs", type=int, default=2, metavar="K",
                        help="timed runs of each for that measurement (default: 2)")
    parser.add_argument("--keep", action="store_true", help="keep the generated data and sites")
    parser.add_argument("--min-free-gb", type=float, default=40,
                        help="remove a measured size's data and sites at once (not at the end of the run) when "
                             "less than this much disk is free (default: 40)")
    args = parser.parse_args(argv)
    if args.grants:
        args.sizes = [(str(n), n) for n in args.grants]
    else:
        try:
            args.sizes = [parse_size(s) for s in re.split(r"[\s,]+", args.sizes.strip()) if s]
        except argparse.ArgumentTypeError as exc:
            parser.error(str(exc))
    if args.memory_limit is None:
        total_mb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1]) / 1024
        args.memory_limit = min(12 * 1024, 0.6 * total_mb)
    args.naive_pages = sorted({int(n) for n in args.naive_pages.split(",") if n.strip()})
    if len(args.naive_pages) < 2:
        parser.error("--naive-pages needs at least two sample sizes to extrapolate from")

    bench = Bench(args)
    report = bench.run()
    bench.save(report)
    minutes = report["duration_s"] / 60
    print(f"\nBenchmark finished in {minutes:.1f} min; figures in {args.json}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
