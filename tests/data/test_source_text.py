"""The tables' source text (data/load.py SourceText): each value exactly as the file has it,
read when asked for and not kept, so the build does not hold every table twice while it
writes the entity pages."""

from __future__ import annotations

import gc
import weakref

from generator.data import load
from generator.data.package import load_package


def test_source_text_is_the_files_text(small_data):
    resources = load_package(small_data).resources
    raw = load.load_raw(resources)
    assert list(raw) == [res.name for res in resources] and len(raw) == len(resources)
    grants = raw["grants"]
    lines = (small_data / "grants.csv").read_text(encoding="utf-8").splitlines()
    assert list(grants.columns) == lines[0].split(",")
    assert len(grants) == len(lines) - 1
    # Every cell a string, an empty cell empty (not NaN), amounts as written.
    assert all(isinstance(v, str) for v in grants.to_numpy().ravel())
    assert (grants["programme"] == "").any()
    first = dict(zip(grants.columns, grants.iloc[0]))
    assert first["amount_awarded"] in lines[1].split(",")


def test_source_text_is_not_kept(small_data):
    raw = load.load_raw(load_package(small_data).resources)
    grants = raw["grants"]
    gone = weakref.ref(grants)
    del grants
    gc.collect()
    assert gone() is None  # nothing else holds it: read again when next asked for
    again = raw["grants"]
    assert again is not raw["grants"]
