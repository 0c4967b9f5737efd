"""The entity pages come out the same whether one process writes them or several forked ones."""

from __future__ import annotations

import filecmp
from pathlib import Path

from generator import build
from generator.site import entity_pages


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
