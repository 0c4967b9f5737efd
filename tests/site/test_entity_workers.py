"""The entity pages come out the same whether one process writes them or several forked ones."""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

from generator import build
from generator.site import entity_pages

from conftest import alive


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_pages_written_by_workers_equal_pages_written_by_one_process(small_data, tmp_path, config, monkeypatch):
    monkeypatch.setattr(entity_pages, "MIN_JOBS", 10)  # the small data would not be worth a worker
    monkeypatch.setattr(entity_pages, "CHUNKS_PER_WORKER", 5)
    monkeypatch.setattr(entity_pages, "MIN_CHUNK", 10)
    urls = {}
    original = entity_pages.render_html

    for workers in (1, 3):
        def counted(*args, workers=workers, **kwargs):
            urls[workers] = original(*args, workers=workers, **kwargs)
            return urls[workers]

        monkeypatch.setattr(build.entity_pages, "render_html", counted)
        build.build(small_data, tmp_path / f"site-{workers}", config, docs_dir=None)
    assert urls[1] == urls[3] and len(urls[1]) > 100 and len(set(urls[1])) == len(urls[1])
    one, three = tmp_path / "site-1", tmp_path / "site-3"
    files = _files(one)
    assert files == _files(three)
    _, mismatch, errors = filecmp.cmpfiles(one, three, [f for f in files if f != ".build-key"], shallow=False)
    assert mismatch == [] and errors == []


def test_a_killed_build_leaves_no_page_worker_writing(small_data, tmp_path):
    """The workers are forked by the build's own thread (background.Background), so each dies
    with the build (a multiprocessing Pool's workers wrote on after it was killed)."""
    import os
    import signal
    import subprocess
    import sys
    import textwrap
    import time

    from generator.config import PROJECT_DIR

    pids = tmp_path / "pids"
    pids.mkdir()
    script = textwrap.dedent(f"""
        import os, time
        from pathlib import Path
        from generator import build
        from generator.config import load_config
        from generator.site import entity_pages

        entity_pages.MIN_JOBS, entity_pages.CHUNKS_PER_WORKER, entity_pages.MIN_CHUNK = 10, 5, 10
        entity_pages.cores = lambda: 2

        def slow(w, jobs):  # a worker that would write for ten minutes
            (Path({str(pids)!r}) / str(os.getpid())).touch()
            time.sleep(600)

        entity_pages._render_jobs = slow
        build.build(Path({str(small_data)!r}), Path({str(tmp_path / "site")!r}), load_config(), docs_dir=None)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=PROJECT_DIR,
                              env=dict(os.environ, PYTHONPATH=str(PROJECT_DIR)))
    deadline = time.monotonic() + 120
    while len(list(pids.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.name) for p in pids.iterdir()]
    assert len(workers) == 2 and parent.pid not in workers and all(map(alive, workers))
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=60)
    deadline = time.monotonic() + 10
    while any(map(alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(alive, workers))


def test_rows_read_a_block_at_a_time_are_those_of_the_whole_table(small_tables, monkeypatch):
    """entity_pages._Records: a row made with its block (a build that keeps most pages) is the
    row pandas makes of the whole table (a full build): dates, missing values, numbers."""
    monkeypatch.setattr(entity_pages._Records, "BLOCK", 7)
    for name in ("organisations", "contracts", "decisions", "commissioning_intentions", "outcomes"):
        frame = small_tables[name]
        whole = entity_pages._Records(frame, every=True)
        lazy = entity_pages._Records(frame)
        order = list(range(len(frame)))[::-3] + list(range(len(frame)))  # out of order, then again
        assert [repr(lazy[i]) for i in order] == [repr(whole[i]) for i in order], name
        assert len(lazy.blocks) == -(-len(frame) // 7) and repr(whole.rows) == repr(frame.to_dict("records"))


def test_a_page_is_rendered_as_template_render_renders_it():
    # Writer.render looks each template and its globals up once: the page must be what
    # Template.render gives, globals, imported macros, escaping and errors alike.
    import jinja2
    from types import SimpleNamespace

    # (its context has no globals of its own: the imported macros still see the environment's)
    templates = {"macros.j2": "{% macro shout(x) %}{{ x|upper }}{{ twice(range(2)|length) }}!{% endmacro %}",
                 "page.j2": '{% from "macros.j2" import shout %}{{ shout(name) }} {{ twice(2) }} '
                            "{{ range(3)|list }} {{ config.area }}",
                 "broken.j2": "{{ missing }}"}
    env = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True,
                             undefined=jinja2.StrictUndefined, auto_reload=False)
    env.globals["twice"] = lambda n: n * 2
    config = SimpleNamespace(area="Southwark & Co")
    writer = SimpleNamespace(env=env, config=config, _templates={})
    writer.template = lambda name: entity_pages.Writer.template(writer, name)
    for _ in range(2):  # the first lookup, then the kept template
        page = entity_pages.Writer.render(writer, "page.j2", {"name": "<b>"})
        assert page == env.get_template("page.j2").render(name="<b>", config=config)
        assert page == "&lt;B&gt;4! 4 [0, 1, 2] Southwark &amp; Co"
    try:
        entity_pages.Writer.render(writer, "broken.j2", {})
    except jinja2.UndefinedError as error:
        assert str(error) == "'missing' is undefined"
    else:
        raise AssertionError("an undefined name must fail as Template.render fails")
    try:  # the settings are the page's own: a context that brings its own is a mistake
        entity_pages.Writer.render(writer, "page.j2", {"name": "x", "config": config})
    except TypeError as error:
        assert str(error) == "render() got multiple values for 'config'"
    else:
        raise AssertionError("a context with its own config must fail, as Template.render(**context, config=...)")


def test_every_page_template_is_compiled_before_the_workers_fork():
    # render_html compiles PAGE_TEMPLATES once, before forking; a page template missing from
    # the list would be compiled again in every chunk's process.
    used = {name for path in Path(entity_pages.__file__).parent.glob("*.py")
            for name in re.findall(r'"(\w+\.html\.j2)"', path.read_text(encoding="utf-8"))}
    assert used == set(entity_pages.PAGE_TEMPLATES)
    assert used <= {path.name for path in (Path(entity_pages.__file__).parent / "templates").iterdir()}


def test_with_workers_the_rows_digests_are_made_in_children_while_this_process_prepares(
        small_data, tmp_path, config, monkeypatch):
    # render_html forks children for reuse.row_digests (DIGEST_PARTS, a part each), and makes the
    # records the workers share (Writer.prepare) meanwhile; the workers read the children's
    # digests, joined: the same as made here at once.
    import os

    import numpy as np

    from generator.site import reuse

    monkeypatch.setattr(entity_pages, "MIN_JOBS", 10)
    monkeypatch.setattr(entity_pages, "MIN_CHUNK", 10)
    made_in = tmp_path / "made-in"
    original_digests, original_prepare, original_render = (reuse.row_digests, entity_pages.Writer.prepare,
                                                           entity_pages.render_html)

    def digests(rows, part=(0, 1)):
        with made_in.open("a") as log:
            log.write(f"digests {os.getpid()}\n")
        return original_digests(rows, part)

    def prepare(self):
        with made_in.open("a") as log:
            log.write(f"prepare {os.getpid()}\n")
        return original_prepare(self)

    writers = []

    def render(w, *args, **kwargs):
        writers.append(w)
        return original_render(w, *args, workers=2, **kwargs)

    monkeypatch.setattr(reuse, "row_digests", digests)
    monkeypatch.setattr(entity_pages.Writer, "prepare", prepare)
    monkeypatch.setattr(build.entity_pages, "render_html", render)
    build.build(small_data, tmp_path / "site", config, docs_dir=None)
    lines = sorted(made_in.read_text().split("\n")[:-1])
    assert [line.split()[0] for line in lines] == ["digests"] * entity_pages.DIGEST_PARTS + ["prepare"]
    assert lines[-1] == f"prepare {os.getpid()}"
    assert len({line.split()[1] for line in lines}) == entity_pages.DIGEST_PARTS + 1  # a process each
    (w,) = writers
    again = original_digests(w.rows)
    assert sorted(w.digests) == sorted(again) == sorted(reuse.TRACKED_ROWS)
    assert all(np.array_equal(w.digests[name], again[name]) and len(again[name]) for name in again)


def test_the_rows_digests_made_in_parts_are_those_made_at_once(small_data, small_tables):
    # reuse.row_digests' parts, joined in order, whatever their number, also more parts than a
    # list has rows
    import numpy as np

    from generator.site import reuse
    from generator.site.listing import RowSet, Texts

    from generator.data.package import load_package
    from generator.data.load import SourceText
    from generator.model.entities import build_entities
    from generator.site.listing import row_sets

    rows = row_sets(small_tables, SourceText(load_package(small_data).resources), build_entities(small_tables))
    rows["intentions"] = RowSet("commissioning_intentions", [], Texts(["<td>one</td>"]), "h", Texts(["a,b"]))
    whole = reuse.row_digests(rows)
    assert {name: len(whole[name]) for name in whole}["intentions"] == 1
    assert all(len(whole[name]) > 3 for name in ("contracts", "grants", "organisations")), {n: len(d) for n, d in whole.items()}
    for n in (1, 2, 3, 7):
        joined = reuse.join_digests([reuse.row_digests(rows, (i, n)) for i in range(n)])
        assert sorted(joined) == sorted(whole)
        assert all(np.array_equal(joined[name], whole[name]) for name in whole)
    assert not np.array_equal(reuse.row_digests(rows, (1, 2))["grants"], reuse.row_digests(rows, (0, 2))["grants"])


def test_the_chunks_are_runs_of_about_equal_pages():
    import numpy as np

    from generator.model.entities import Entity
    from generator.site import listing

    first, more = listing.FIRST_ROWS, listing.PAGE_ROWS
    jobs = [{"page": "a-2.html"},
            Entity("ward", "w", "W", "w", grants=np.arange(first)),
            Entity("ward", "w", "W", "w", grants=np.arange(first + 1)),
            Entity("commissioner", "c", "C", "c", grants=np.arange(first + 2 * more),
                   contracts=np.arange(first + 1), organisations=np.arange(first + more + 1))]
    assert entity_pages._pages(jobs).tolist() == [1, 1, 2, 1 + 2 + 1 + 2]
    # pages of one each: the runs of a fixed size they always were
    assert entity_pages._chunks(np.ones(10, dtype=np.int64), 3, 1) == [(0, 4), (4, 8), (8, 10)]
    assert entity_pages._chunks(np.ones(100, dtype=np.int64), 8, 30) == [(0, 30), (30, 60), (60, 90), (90, 100)]
    assert entity_pages._chunks(np.ones(0, dtype=np.int64), 8, 30) == []
    rng = np.random.default_rng(7)
    for _ in range(200):
        pages = rng.integers(1, 3, size=int(rng.integers(1, 400)))
        pages[rng.integers(0, len(pages), size=3)] = rng.integers(1, 300, size=3)  # a few entities of long lists
        count, least = int(rng.integers(1, 20)), int(rng.integers(1, 50))
        chunks = entity_pages._chunks(pages, count, least)
        assert chunks[0][0] == 0 and chunks[-1][1] == len(pages)
        assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:])) and all(end > start for start, end in chunks)
        size = max(least, -(-int(pages.sum()) // count))
        assert len(chunks) <= count or size == least
        for start, end in chunks:  # a run holds a size of pages, and at most one job more
            assert int(pages[start:end - 1].sum()) < size
        ends = np.concatenate([[0], np.cumsum(pages)])
        for start, end in chunks[:-1]:  # ... and ends where its pages reach the next multiple of a size
            assert ends[end] // size > ends[start] // size and ends[end - 1] // size == ends[start] // size
