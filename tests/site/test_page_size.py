"""Page sizes (issue 19): no HTML page of the bundled site is over 120 KB, lists are split into
pages by rows and by size, and an outcome page is under ten screens tall on a desktop."""

from __future__ import annotations

import os
import re
import numpy as np
import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from conftest import CHROMIUM, serve
from generator.config import PROJECT_DIR
from generator.site import listing
from generator.site.entity_pages import Section
from generator.site.templating import environment

LIMIT = 120 * 1024  # bytes, any HTML page
SCREEN = (1280, 900)  # a desktop browser window
SCREENS = 10  # an outcome page is at most this many screens tall


def test_no_page_is_larger_than_120_kb(built_site):
    sizes = {p.relative_to(built_site).as_posix(): p.stat().st_size for p in built_site.rglob("*.html")}
    assert len(sizes) > 900
    over = sorted(((u, s) for u, s in sizes.items() if s > LIMIT), key=lambda kv: -kv[1])
    assert over == []


TBODY = re.compile(r"<table data-sortable>.*?<tbody>(.*?)</tbody>", re.S)


def test_lists_show_at_most_20_rows_beside_other_things_and_100_on_their_own_pages(built_site):
    entity = re.compile(r"^(organisations|outcomes|commissioners|client-groups|programmes|wards)/(?!index\.)[^/.]+\.html$")
    further = re.compile(r"(\.[a-z]+-\d+|/(page|contracts|grants|ending|upcoming|earlier|decisions)-\d+)\.html$")
    seen = {"entity": 0, "further": 0, "own": 0}
    for path in built_site.rglob("*.html"):
        url = path.relative_to(built_site).as_posix()
        # The list tables (listing.table writes them, always alike), counted without parsing the page.
        counts = [body.count("<tr>") for body in TBODY.findall(path.read_text(encoding="utf-8"))]
        if not counts:
            continue
        if further.search(url):
            assert max(counts) <= 100, url
            seen["further"] += 1
        elif entity.match(url) or url in ("live/index.html", "forward-plan/index.html"):
            assert max(counts) <= 20, url
            seen["entity"] += 1
        else:
            assert max(counts) <= 100, url
            seen["own"] += 1
    assert min(seen.values()) > 0, seen


def test_a_list_is_split_by_size_as_well_as_by_rows():
    html = np.array(["<tr>" + "x" * n + "</tr>" for n in [1_000] * 30 + [30_000] * 3 + [10] * 250], dtype=object)
    rows = listing.RowSet("grants", [], html, "", np.array([""] * len(html), dtype=object))
    chunks = listing.pages_of(np.arange(len(html)), rows, listing.FIRST_ROWS, listing.FIRST_CHARS)
    sizes = [len(c) for c in chunks]
    # 20 rows of 1,009 characters fit in 24,000; then 10 more and one of 30,009 (two would pass
    # 64,000); then the other long one and 98 short ones (100 rows); then 100 and the last 52.
    assert sizes == [20, 11, 100, 100, 52]
    assert sum(sizes) == len(html) and max(sizes) <= listing.PAGE_ROWS
    assert np.concatenate(chunks).tolist() == list(range(len(html)))
    for chunk in chunks[1:]:
        assert len(chunk) == 1 or rows.lengths()[chunk].sum() <= listing.PAGE_CHARS
    assert [len(c) for c in listing.pages_of(np.arange(0), rows)] == [0]


def test_a_very_long_list_links_its_first_further_pages_and_its_last():
    macros = environment().get_template("macros.j2").module
    table = listing.Listing(Markup("<table></table>"), "x.csv", b"")
    more = [(f"rows {n} to {n + 99}", f"x.grants-{i}.html") for i, n in enumerate(range(21, 3021, 100), start=2)]
    html = str(macros.section(Section("Grants", "", table, more)))
    links = BeautifulSoup(html, "html.parser").select("nav a")
    assert [a["href"] for a in links] == [f"x.grants-{i}.html" for i in range(2, 12)] + ["x.grants-31.html"]
    assert "31 pages, each linking to the next" in html
    short = str(macros.section(Section("Grants", "", table, more[:12])))
    assert len(BeautifulSoup(short, "html.parser").select("nav a")) == 12


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")
def test_an_outcome_page_is_under_ten_screens_tall(browser, built_site):
    outcomes = sorted(p.name for p in (built_site / "outcomes").glob("oc*.html") if p.name.count(".") == 1)
    assert len(outcomes) == len((PROJECT_DIR / "data" / "outcomes.csv").read_text(encoding="utf-8").splitlines()) - 1
    url, httpd = serve(built_site)
    heights = {}
    try:
        context = browser.new_context(viewport={"width": SCREEN[0], "height": SCREEN[1]})
        page = context.new_page()
        for name in outcomes:
            page.goto(url + "outcomes/" + name, wait_until="networkidle")
            heights[name] = page.evaluate("document.documentElement.scrollHeight")
        context.close()
    finally:
        httpd.shutdown()
    assert max(heights.values()) <= SCREENS * SCREEN[1], heights

