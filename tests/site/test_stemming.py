"""Search with English stemming (issue 19): the index holds Porter2 stems made in Python
(snowballstemmer 2.2), the browser stems what is typed with porter2.js (vendored from npm), and
the two must agree word for word; "grant" finds "grants", "fund" finds "funding" and the other
way round."""

from __future__ import annotations

import hashlib
import os
import re
import shutil

import pytest

from conftest import CHROMIUM, serve
from generator.config import PROJECT_DIR
from generator.site import search

VENDORED = PROJECT_DIR / "site_src" / "assets" / "vendor" / "porter2.js"
WORDS = PROJECT_DIR / "tests" / "site" / "stem_words.txt"

def word_list() -> list[str]:
    return [w for w in WORDS.read_text(encoding="utf-8").split("\n") if w and not w.startswith("#")]


def data_words() -> list[str]:
    """Every word in the bundled data's text (names, titles, descriptions, purposes...)."""
    import csv

    found = set()
    for name in ("grants", "organisations", "contracts", "commissioning_intentions", "decisions", "outcomes",
                 "indicators", "commissioners", "wards"):
        with (PROJECT_DIR / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for value in row:
                    found.update(search.tokens(value))
    return sorted(found)


def test_stems():
    assert [search.stem(w) for w in ("grants", "granted", "granting", "grant")] == ["grant"] * 4
    assert [search.stem(w) for w in ("funding", "funded", "funds", "fund")] == ["fund"] * 4
    assert search.stem("charities") == search.stem("charity") == "chariti"
    assert search.stem("organisations") == search.stem("organised") == "organis"
    # snowballstemmer 2.x's Porter2, which porter2.js implements: 3.x stems these otherwise.
    assert (search.stem("added"), search.stem("biologist")) == ("ad", "biologist")
    # Words with letters outside a to z are kept as they are; numbers too.
    assert [search.stem(w) for w in ("ælfred", "straße", "москва", "2024", "swk")] == \
        ["ælfred", "straße", "москва", "2024", "swk"]
    assert search.terms("Grants for Community Funding, 2024-25") == ["grant", "for", "communiti", "fund", "2024", "25"]
    # Numbers skip the stemmer (stem), which would leave them as they are: the same stems either way.
    numbers = [str(n) for n in (0, 7, 42, 1990, 2024, 9000187, 1234567890123)] + ["007"]
    assert [search._STEMMER.stemWord(n) for n in numbers] == [search.stem(n) for n in numbers] == numbers


def test_the_vendored_stemmer_is_the_published_file():
    """porter2.js holds porter2 1.1.0's dist/index.js unchanged, between a comment and two
    wrapper lines; its licence is beside it."""
    text = VENDORED.read_text(encoding="utf-8")
    start = text.index("(function (exports) {\n") + len("(function (exports) {\n")
    end = text.rindex("})(window.porter2 = {});")
    body = text[start:end].encode("utf-8")
    assert hashlib.sha256(body).hexdigest() == "2123d979de454e49b0c455d632331b9f50da7a393296323db562a7a8ded661b0"
    assert "MIT License" in (VENDORED.parent / "porter2.LICENSE.txt").read_text(encoding="utf-8")


def test_the_site_ships_the_stemmer(built_site):
    assert (built_site / "assets" / "vendor" / "porter2.js").read_bytes() == VENDORED.read_bytes()
    assert (built_site / "assets" / "vendor" / "porter2.LICENSE.txt").is_file()


@pytest.fixture(scope="module")
def search_page(browser, built_site):
    url, httpd = serve(built_site)
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "search/", wait_until="load")
    yield page
    context.close()
    httpd.shutdown()


@pytest.mark.parametrize("source", ["word list", "bundled data"])
@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")
def test_python_and_the_browser_stem_every_word_alike(search_page, source):
    words = word_list() if source == "word list" else data_words()
    assert len(words) > 1000
    seen = search_page.evaluate("words => window.siteSearchStems(words)", words)
    differ = [(w, search.stem(w), s) for w, s in zip(words, seen) if search.stem(w) != s]
    assert differ == [] and len(seen) == len(words)


DOCS = [  # (title, body): each word below is in one document only, in one form only
    ("Youth club", "Grants for young people's football"),                 # 0: grants
    ("Park benches", "Funding to repair the benches"),                    # 1: funding
    ("Lunch club", "A grant towards the lunch club's kitchen"),           # 2: grant
    ("River walk", "The walk was funded by the council"),                 # 3: funded
    ("Advice centre", "Help for local charities with their accounts"),    # 4: charities
    ("Choir", "An organisation of singers"),                              # 5: organisation
]


@pytest.fixture(scope="module")
def small_index_server(built_site, tmp_path_factory):
    """The built site's search page and assets over a small index of DOCS."""
    site = tmp_path_factory.mktemp("stemmed") / "site"
    shutil.copytree(built_site / "search", site / "search")
    shutil.copytree(built_site / "assets", site / "assets")
    index = search.Index()
    for n, (title, body) in enumerate(DOCS):
        index.add(title, f"d{n}/", "Page", body=[body])
    index.write(site / search.FOLDER)
    url, httpd = serve(site)
    yield url
    httpd.shutdown()


def found(browser, server, query: str, typed: bool = False) -> list[str]:
    """The titles found for `query`, from a ?q= link or (`typed`) typed key by key."""
    context = browser.new_context()
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    if typed:
        page.goto(server + "search/", wait_until="load")
        page.locator("#search-input").press_sequentially(query, delay=20)
    else:
        page.goto(server + "search/?q=" + query, wait_until="load")
    page.locator("#search-status", has_text=re.compile("result")).wait_for(timeout=15000)
    titles = page.locator("#search-results li a").all_inner_texts()
    context.close()
    assert all(r.startswith(server) for r in requests)
    return titles


@pytest.mark.parametrize("query, titles", [
    ("grant", ["Youth club", "Lunch club"]),          # "grants" and "grant"
    ("grants", ["Youth club", "Lunch club"]),
    ("fund", ["Park benches", "River walk"]),         # "funding" and "funded"
    ("funding", ["Park benches", "River walk"]),
    ("charity", ["Advice centre"]),                   # "charities"
    ("organisations", ["Choir"]),                     # "organisation"
])
@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")
def test_a_word_finds_its_other_forms(browser, small_index_server, query, titles):
    assert sorted(found(browser, small_index_server, query)) == sorted(titles)


@pytest.mark.parametrize("query, title", [("fundi", "Park benches"), ("organisati", "Choir"),
                                          ("charit", "Advice centre")])
@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")
def test_a_word_still_being_typed_finds_the_word_it_begins(browser, small_index_server, query, title):
    """"fundi" is the beginning of "funding", whose stem "fund" is shorter than it."""
    assert title in found(browser, small_index_server, query, typed=True)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")
def test_a_plural_finds_the_bundled_site_page_named_in_the_singular(browser, built_site):
    """"funds" was not found in "Neighbourhoods Fund" before stemming."""
    url, httpd = serve(built_site)
    try:
        titles = found(browser, url, "neighbourhood funds")
    finally:
        httpd.shutdown()
    assert titles[0] == "Neighbourhoods Fund"
    assert re.search(r"fund", " ".join(titles[:3]), re.I)
