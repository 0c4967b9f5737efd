"""Progress: each stage printed as it ends, bars on a terminal only, --quiet for errors and the
last line; the final line as it always was."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys


from generator import build, progress
from generator.config import PROJECT_DIR

from conftest import set_cell

STAGE = re.compile(r"^  (\S+) +(\d+\.\d)s$")
FINAL = re.compile(r"^Built the site in .+ in \d+\.\ds \((.+)\)\.$")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*args):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=PROJECT_DIR, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(PROJECT_DIR)), timeout=600)


def test_build_prints_each_stage_as_it_ends_then_the_same_final_line(data, tmp_path):
    done = run("build", "--data", str(data), "--out", str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    stages = [STAGE.match(line).groups() for line in lines if STAGE.match(line)]
    final = FINAL.match(lines[-1])
    assert final, lines[-1]
    # the same stages, in the same order and with the same times, as the final line sums up
    assert ", ".join(f"{name} {seconds}s" for name, seconds in stages) == final.group(1)
    assert [name for name, _ in stages] == ["validate", "model", "render", "export", "mkdocs", "pages", "search",
                                            "publish"]
    assert lines.index(next(line for line in lines if STAGE.match(line))) == 0  # before the warnings
    assert "\r" not in done.stdout + done.stderr and done.stderr == ""  # no bar in a log


def test_quiet_prints_only_errors_and_the_last_line(data, tmp_path):
    out = tmp_path / "site"
    done = run("build", "--data", str(data), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1 and FINAL.match(done.stdout.splitlines()[0]), done.stdout
    assert done.stderr == ""
    checked = run("validate", "--data", str(data), "--quiet")
    assert checked.stdout.startswith("Valid: 13 datasets, ") and len(checked.stdout.splitlines()) == 1
    set_cell(data, "grants", 14, "amount_awarded", "lots")
    failed = run("build", "--data", str(data), "--out", str(out), "--quiet")
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.splitlines() == [
        f"{os.path.relpath(data / 'grants.csv', PROJECT_DIR)}: 1 error: Values have their column's type (number, "
        "date, yes or no)",
        f'  {os.path.relpath(data / "grants.csv", PROJECT_DIR)}, row 14, column "amount_awarded": "lots" is not a '
        "number (expected a plain number such as 1200.50)",
        f"Build stopped: 1 error in 1 file. Nothing was published; {out} is unchanged.",
    ]


def test_a_bar_shows_on_a_terminal_and_nowhere_else(monkeypatch):
    monkeypatch.setattr(progress, "BAR_DELAY", 0)
    monkeypatch.setattr(progress, "BAR_INTERVAL", 0)
    out, bars = io.StringIO(), Terminal()
    shown = progress.Progress(out, bars)
    update = shown.counter("writing pages", "pages")
    for done in range(250, 1001, 250):
        update(done, 1000)
    assert "writing pages" in bars.getvalue() and "1000/1000" in bars.getvalue()
    shown.stage("pages", 1.04)
    assert out.getvalue() == "  pages     1.0s\n"
    log, not_a_terminal = io.StringIO(), io.StringIO()
    quiet_bars = progress.Progress(log, not_a_terminal)
    quiet_bars.counter("writing pages", "pages")(10, 10)
    quiet_bars.stage("pages", 2.0)
    assert not_a_terminal.getvalue() == "" and log.getvalue() == "  pages     2.0s\n"


def test_the_build_counts_its_exports_and_pages(small_data, tmp_path, config, monkeypatch):
    monkeypatch.setattr(progress, "BAR_DELAY", 0)
    monkeypatch.setattr(progress, "BAR_INTERVAL", 0)
    out, bars = io.StringIO(), Terminal()
    result = build.build(small_data, tmp_path / "site", config, docs_dir=None, progress=progress.Progress(out, bars))
    assert [line.split()[0] for line in out.getvalue().splitlines()] == list(result.timings)
    shown = bars.getvalue()
    assert re.search(r"exporting: +100%.* 14/14", shown), shown  # 13 datasets, then the spreadsheets
    pages = re.findall(r"writing pages: +\d+%.* (\d+)/(\d+)", shown)
    assert pages and pages[-1][0] == pages[-1][1] and int(pages[-1][1]) > 100


def test_a_reader_that_goes_away_does_not_stop_the_build(data, tmp_path):
    """`build | head -1`: the stage lines find no reader, and the site is published anyway."""
    out = tmp_path / "site"
    child = subprocess.Popen([sys.executable, "-m", "generator", "build", "--data", str(data), "--out", str(out)],
                             cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=dict(os.environ, PYTHONPATH=str(PROJECT_DIR)))
    first = child.stdout.readline()
    child.stdout.close()
    child.wait(timeout=600)
    assert STAGE.match(first.decode().rstrip("\n"))
    assert (out / "index.html").is_file() and (out / ".built-by-generator").is_file()
