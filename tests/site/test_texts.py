"""The lists' rows kept as one buffer (site/listing.py Texts): the same text as the strings
they were made from, and read by a forked worker without copying the parent's memory."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from generator.site import listing
from generator.site.listing import Texts


@pytest.mark.parametrize("block", [Texts.BLOCK, 2, 1])
def test_texts_give_back_the_strings(monkeypatch, block):
    monkeypatch.setattr(Texts, "BLOCK", block)  # encoded a few at a time, as at 1M grants
    items = ["<tr>a</tr>", "", "£1,000 – Café\ue000x", "plain,line\n", "日本"]
    texts = Texts(np.array(items, dtype=object))
    assert len(texts) == 5
    assert [texts[i] for i in range(5)] == items
    for positions in ([0], [2, 0, 2], [4, 3, 2, 1, 0], []):
        assert texts.join(np.array(positions, dtype=np.int64)) == "".join(items[p] for p in positions)
        assert texts.join_bytes(np.array(positions, dtype=np.int64)) == "".join(items[p] for p in positions).encode()
    # Lengths in characters, as pages are split by (not in bytes).
    assert texts.lengths.tolist() == [10, 0, 15, 11, 2]


def test_rows_split_into_pages_by_characters_not_bytes():
    html = np.array(["<tr>" + "é" * 1_000 + "</tr>"] * 30, dtype=object)  # 1,009 characters, 2,009 bytes
    rows = listing.RowSet("grants", [], html, "", np.array([""] * len(html), dtype=object))
    chunks = listing.pages_of(np.arange(len(html)), rows, listing.FIRST_ROWS, listing.FIRST_CHARS)
    assert [len(c) for c in chunks] == [20, 10]  # as many as fit in 24,000 characters


def _private_mb_after_reading(rows) -> float:
    """Fork; the child reads every row, a page's worth at a time, and says how much of the
    parent's memory it had to copy (Private_Dirty)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            for start in range(0, len(rows), 50):
                positions = np.arange(start, min(start + 50, len(rows)))
                if isinstance(rows, Texts):
                    rows.join(positions)
                else:
                    "".join(rows[positions])
            with open("/proc/self/smaps_rollup") as smaps:
                private = next(int(line.split()[1]) for line in smaps if line.startswith("Private_Dirty:"))
            os.write(write, str(private / 1024).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        value = float(answer.read())
    os.waitpid(pid, 0)
    return value


@pytest.mark.skipif(not sys.platform.startswith("linux") or not os.path.exists("/proc/self/smaps_rollup"),
                    reason="Linux's memory accounting")
def test_a_forked_worker_reads_the_rows_without_copying_them():
    strings = np.array([f"<tr><td>{i}</td><td>{'x' * 200}</td></tr>" for i in range(200_000)], dtype=object)  # ~50 MB
    as_array = _private_mb_after_reading(strings)
    as_texts = _private_mb_after_reading(Texts(strings))
    assert as_array > 30  # every str's reference count is written, so its memory page is copied
    assert as_texts < 10


@pytest.mark.parametrize("named", [True, False])
def test_a_linked_column_is_made_once_per_key_as_its_link_and_text_were_row_by_row(named):
    """listing._linked: the link to each key's entity page with its name (or the key) as text,
    the same as _link(_targets(...), _text(...)) row by row; a key with no entity is its text
    alone, a missing key nothing."""
    import pandas as pd
    from types import SimpleNamespace

    entities = {"GB-CHC-1": SimpleNamespace(name="Tom & Jerry's <Club>", slug="gb-chc-1"),
                "GB-CHC-2": SimpleNamespace(name="Garden club", slug="gb-chc-2")}
    keys = pd.Series(["GB-CHC-1", "GB-COH-9 <b>", None, "GB-CHC-2", float("nan"), "GB-CHC-1", ""], dtype=object)
    names = keys.map(lambda k: entities[k].name if k in entities else k) if named else keys
    expected = listing._link(listing._targets(keys, entities, "organisations"), listing._text(names))
    made = listing._linked(keys, entities, "organisations", named=named)
    assert made.tolist() == expected.tolist()
    mark = listing.SITE_ROOT_MARK
    first = (f'<a href="{mark}organisations/gb-chc-1.html">'
             + ("Tom &amp; Jerry&#39;s &lt;Club&gt;" if named else "GB-CHC-1") + "</a>")
    assert made.tolist() == [first, "GB-COH-9 &lt;b&gt;", "", made[3], "", first, ""]


@pytest.mark.parametrize("block", [Texts.BLOCK, 1])
def test_rows_are_their_cells_in_their_tags(monkeypatch, block):
    """listing._assemble: each row's cells in order, in their tags, with their sort keys; text
    as it is (a % sign, non-ASCII), its length in characters; a block of rows at a time."""
    monkeypatch.setattr(Texts, "BLOCK", block)
    cells = [("th", np.array(['<a href="x">Ä%s</a>', "b", ""], dtype=object), None, ""),
             ("td", np.array(["£1", "100%", "3"], dtype=object), np.array(["1.0", "100.0", ""], dtype=object), "num"),
             ("td", np.array(["x", "", "z"], dtype=object), None, "")]
    rows = listing._assemble(cells)
    expected = ['<tr><th scope="row"><a href="x">Ä%s</a></th><td class="num" data-sort="1.0">£1</td><td>x</td></tr>',
                '<tr><th scope="row">b</th><td class="num" data-sort="100.0">100%</td><td></td></tr>',
                '<tr><th scope="row"></th><td class="num" data-sort="">3</td><td>z</td></tr>']
    assert [rows[i] for i in range(len(rows))] == expected
    assert rows.lengths.tolist() == [len(row) for row in expected]
    assert rows.join([2, 0]) == expected[2] + expected[0]
