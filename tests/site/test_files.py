"""The entity pages' files, written with os.open (site/entity_pages.write_bytes)."""

from __future__ import annotations

import os
import stat

from generator.site.entity_pages import write_bytes


def test_write_bytes_makes_or_empties_the_file_as_open_does(tmp_path):
    ours, theirs = tmp_path / "ours.html", tmp_path / "theirs.html"
    page = "<p>é £ 😀</p>\n".encode("utf-8") * 10_000  # more than one write may take
    write_bytes(str(ours), page)
    with open(theirs, "wb") as out:
        out.write(page)
    assert ours.read_bytes() == page
    assert stat.S_IMODE(ours.stat().st_mode) == stat.S_IMODE(theirs.stat().st_mode)
    write_bytes(str(ours), b"short")  # an existing, longer file: emptied first
    assert ours.read_bytes() == b"short"
    write_bytes(str(ours), b"")
    assert ours.read_bytes() == b""
    old = os.umask(0o077)
    try:
        write_bytes(str(tmp_path / "private.html"), b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "private.html").stat().st_mode) == 0o600
