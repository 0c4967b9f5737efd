"""Publishing safely: a killed build leaves the previous site byte for byte intact, two
builds of the same data are byte-identical, and hostile values never run in a browser."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import build
from generator.config import PROJECT_DIR

from conftest import sample_data, set_cell
from generator.publish import swap

EPOCH = "1795564800"  # 25 November 2026


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def larger_data(tmp_path_factory) -> Path:
    """20,000 grants: large enough for each stage to take a moment."""
    return sample_data(tmp_path_factory.mktemp("larger"), grants=20_000, seed=11)


def stage_reached(staging: Path, stage: str) -> bool:
    docs = staging / "docs"
    if stage == "export":  # the exports' process writing the downloads (build.py), MkDocs not started
        large = staging / "downloads"
        return large.is_dir() and any(large.iterdir()) and not (staging / "site").exists()
    if stage == "render":  # pages being written, MkDocs not started
        return (docs / "index.md").exists() and not (staging / "site").exists()
    if stage == "mkdocs":  # MkDocs writing HTML
        return (staging / "site").is_dir() and any((staging / "site").iterdir())
    raise ValueError(stage)


@pytest.fixture(scope="module")
def larger_site(larger_data, tmp_path_factory, config) -> Path:
    out = tmp_path_factory.mktemp("larger-site") / "site"
    build.build(larger_data, out, config, docs_dir=None)
    return out


@pytest.mark.parametrize("stage", ["export", "render", "mkdocs"])
def test_a_killed_build_leaves_the_published_site_intact(stage, larger_data, larger_site, tmp_path):
    out = tmp_path / "site"
    shutil.copytree(larger_site, out)
    before = digest(out)
    env = dict(os.environ, PYTHONPATH=str(PROJECT_DIR), SOURCE_DATE_EPOCH=EPOCH)
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--data", str(larger_data),
                                "--out", str(out), "--force"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    killed = False
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        for staging in tmp_path.glob(".site.new-*"):
            try:
                if stage_reached(staging, stage):
                    process.send_signal(signal.SIGKILL)
                    killed = True
            except OSError:
                pass
        if killed:
            break
        time.sleep(0.002)
    process.wait(timeout=60)
    assert killed, f"the build finished before reaching {stage}: {process.stderr.read().decode()[-500:]}"
    assert process.returncode == -signal.SIGKILL
    assert digest(out) == before
    # The next build, once it holds the lock, cleans up after the killed one.
    assert list(tmp_path.glob(".site.new-*"))
    with swap.lock(out):
        pass
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == [".site.lock"]


def _council_error(data: Path) -> None:
    set_cell(data, "grants", 2, "title", "=HYPERLINK(\"http://example.com\")")


def test_the_exports_run_beside_the_model_and_a_council_error_stops_them(data, tmp_path, config, monkeypatch):
    """The exports need only the validated tables, so they begin before the model is computed
    (and the council checks beside it have ended). An error from those checks then stops the
    build and its exports: nothing is published, and no staging folder is left."""
    out = tmp_path / "site"
    build.build(data, out, config, docs_dir=None)
    before = digest(out)
    started, finished = tmp_path / "exports-started", tmp_path / "exports-finished"
    seen = []
    real_downloads, real_model = build._downloads, build.build_model

    def downloads(*args, **kwargs):  # in the exports' process
        started.touch()
        time.sleep(20)  # still at work when the council checks' error stops the build
        finished.touch()
        return real_downloads(*args, **kwargs)

    def model(tables):  # in the build's process: the exports have begun, or begin soon
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(started.exists())
        return real_model(tables)

    monkeypatch.setattr(build, "_downloads", downloads)
    monkeypatch.setattr(build, "build_model", model)
    _council_error(data)
    with pytest.raises(build.BuildError) as stopped:
        build.build(data, out, config, docs_dir=None)
    assert seen == [True]
    assert [(f.dataset, f.row, f.column, f.code) for f in stopped.value.findings if f.severity == "error"] == [
        ("grants", 2, "title", "formula-like")]
    assert digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == [".site.lock"]
    time.sleep(0.5)
    assert not finished.exists()  # stopped, not waited for


def test_on_one_core_the_exports_wait_for_the_model_and_a_council_error_spares_them(data, tmp_path, config, monkeypatch):
    """Where only one core may be used, the exports run in the build's process once the pages
    are written, as before: a council check's error stops the build before they begin."""
    from generator import background

    out = tmp_path / "site"
    monkeypatch.setattr(background, "cores", lambda: 1)
    ran = []
    real_downloads = build._downloads
    monkeypatch.setattr(build, "_downloads", lambda *args, **kwargs: ran.append(1) or real_downloads(*args, **kwargs))
    result = build.build(data, out, config, docs_dir=None)
    assert ran == [1] and "after" not in result.beside["export"]  # run here, after render
    _council_error(data)
    with pytest.raises(build.BuildError) as stopped:
        build.build(data, out, config, docs_dir=None, force=True)
    assert ran == [1]
    assert [f.code for f in stopped.value.findings if f.severity == "error"] == ["formula-like"]


def test_a_build_held_back_by_another_says_the_datas_errors_too(data, tmp_path, config):
    """The output folder's lock is taken before the model (the exports begin there); a second
    build with bad data still says what is wrong with it, beside the lock."""
    out = tmp_path / "site"
    _council_error(data)
    with swap.lock(out):
        with pytest.raises(build.BuildError) as caught:
            build.build(data, out, config, docs_dir=None)
    assert [(f.code, f.row) for f in caught.value.findings] == [("formula-like", 2), ("out-dir", None)]


def test_two_builds_are_byte_identical(small_data, tmp_path):
    """Two separate processes, from different working folders, with different hash seeds
    and a second apart, given the same data and SOURCE_DATE_EPOCH."""
    for name, seed in (("one", "1"), ("two", "2")):
        folder = tmp_path / f"cwd-{name}"
        folder.mkdir()
        env = dict(os.environ, PYTHONPATH=str(PROJECT_DIR), SOURCE_DATE_EPOCH=EPOCH, PYTHONHASHSEED=seed)
        result = subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(small_data),
                                 "--config", str(PROJECT_DIR / "config.yml"), "--out", str(tmp_path / name)], cwd=folder, env=env, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        time.sleep(1.1)  # a different wall-clock second must not matter
    one, two = digest(tmp_path / "one"), digest(tmp_path / "two")
    assert len(one) > 50
    assert one == two


def test_a_second_build_waits_for_none_and_says_why(small_data, tmp_path, config):
    out = tmp_path / "site"
    with swap.lock(out):
        with pytest.raises(build.BuildError) as caught:
            build.build(small_data, out, config, docs_dir=None)
    assert [str(f) for f in caught.value.findings] == [
        f"{out}: another build is writing to this folder (expected one build at a time: "
        "run this one again when it has finished)"]


def test_the_previous_site_is_deleted_by_a_detached_process(small_data, tmp_path, config, monkeypatch):
    """Publishing does not wait for the old site's deletion: the old folder is renamed aside
    and handed to a process of its own; the next build starts any deletion left unfinished."""
    out = tmp_path / "site"
    build.build(small_data, out, config, docs_dir=None)
    first = digest(out)
    started = []
    monkeypatch.setattr(swap, "_detach", started.append)
    build.build(small_data, out, config, docs_dir=None, force=True)
    assert digest(out) == first
    [args] = started
    old = Path(args[-1])
    assert old.parent == tmp_path and old.name.startswith(".site.old-")
    assert digest(old) == first  # the previous site, not yet deleted: nothing waited for it
    # The next build (here a real process) deletes what is left, and returns without waiting.
    monkeypatch.undo()
    build.build(small_data, out, config, docs_dir=None, force=True)
    for _ in range(600):
        if not list(tmp_path.glob(".site.old-*")):
            break
        time.sleep(0.1)
    assert list(tmp_path.glob(".site.old-*")) == []
    assert digest(out) == first


def test_a_folder_is_deleted_here_when_no_process_can_be_started(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no processes")

    monkeypatch.setattr(swap, "_detach", refuse)
    old = tmp_path / "old"
    (old / "a").mkdir(parents=True)
    (old / "a" / "x.html").write_text("x")
    swap.discard(old, tmp_path / "site")
    assert list(tmp_path.iterdir()) == []
