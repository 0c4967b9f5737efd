"""Progress: what a long build shows while it runs.

Each stage is printed as it finishes, with its time ("  validate  1.2s"), on a terminal and in
a CI log alike, so a slow build can be told from a stuck one. On a terminal, work that is
counted (the entity pages, the datasets exported) also shows a bar with its count, its rate and
an estimate of the time left (tqdm, on standard error). `Quiet` shows nothing: the command's
errors and its final line are printed by cli.py either way.

The pipeline only calls `stage()` and `counter()`: it never prints.
"""

from __future__ import annotations

import sys
from typing import Callable, TextIO

BAR_DELAY = 2.0  # seconds before a bar appears: short work shows none
BAR_INTERVAL = 0.5  # seconds between redraws at most


class Quiet:
    """No progress at all (--quiet, the tests, the benchmark's library calls)."""

    def stage(self, name: str, seconds: float) -> None:
        pass

    def counter(self, what: str, unit: str) -> Callable[[int, int], None]:
        return lambda done, total: None

    def close(self) -> None:
        pass


class Progress(Quiet):
    """Stage lines on `out`; bars on `bars` when it is a terminal."""

    def __init__(self, out: TextIO | None = None, bars: TextIO | None = None):
        self.out: TextIO | None = out or sys.stdout
        self.bars = bars or sys.stderr
        self.terminal = self.bars.isatty()
        self._bar = None

    def stage(self, name: str, seconds: float) -> None:
        self._close_bar()
        if self.out is None:
            return
        try:
            print(f"  {name:<9} {seconds:.1f}s", file=self.out, flush=True)
        except OSError:  # the reader went away (`build | head -1`): the build goes on, unseen
            self.out = None

    def counter(self, what: str, unit: str) -> Callable[[int, int], None]:
        """A function to call with (done, total) as counted work goes on: a bar on a terminal
        once the work has run for BAR_DELAY seconds, nothing elsewhere."""
        if not self.terminal:
            return lambda done, total: None

        def update(done: int, total: int) -> None:
            if self._bar is None:
                from tqdm import tqdm  # only on a terminal, where a bar is drawn

                self._bar = tqdm(total=total, desc=f"  {what}", unit=f" {unit}", file=self.bars, delay=BAR_DELAY, mininterval=BAR_INTERVAL,
                                 leave=False, dynamic_ncols=True, unit_scale=False)
            self._bar.total = total
            self._bar.update(done - self._bar.n)

        return update

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def close(self) -> None:
        self._close_bar()
