"""Every count on the site agrees with its noun: "1 row", "2 rows", never "1 rows" (issue 19).
Scanned on the built bundled site and on a site built from a one-grant sample, where most
counts are 1."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from conftest import sample_data

from generator import build
from generator.site.format import file_size, plural

# The nouns the site counts, in the plural. "1 commissioning intentions" is caught by its last word.
NOUNS = ("rows", "grants", "contracts", "organisations", "decisions", "wards", "items", "results", "warnings",
         "errors", "bytes", "intentions", "outcomes", "programmes", "indicators", "years", "pages",
         "commissioners", "recipients", "documents", "columns", "periods", "areas", "measurements", "files",
         "checks", "changes", "records", "suppliers", "datasets", "releases", "groups", "clients", "services")
WRONG = re.compile(r"(?<![\w£$.,/-])1\s+(" + "|".join(NOUNS) + r")\b")


def wrong_counts(site) -> list[tuple[str, str]]:
    found = []
    for path in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup(["script", "style"]):
            tag.decompose()
        text = " ".join(soup.get_text(" ").split())
        for match in WRONG.finditer(text):
            found.append((path.relative_to(site).as_posix(), text[max(0, match.start() - 50):match.end() + 20]))
    return found


def test_plural():
    assert plural(1, "grant") == "1 grant"
    assert plural(0, "grant") == "0 grants"
    assert plural(1600, "grant") == "1,600 grants"
    assert plural(1, "commissioning intention") == "1 commissioning intention"
    assert plural(2, "opportunity", "opportunities") == "2 opportunities"
    assert file_size(1) == "1 byte" and file_size(2) == "2 bytes"


def test_the_pattern_catches_what_it_should():
    assert WRONG.search("Download these 1 rows (CSV, 1 KB)")
    assert WRONG.search("£7,700 in 1 grants to 1 organisations")
    assert not WRONG.search("in 1 grant to 1 organisation; 11 grants; 21 rows; £1 grants; 2024-1 pages")


def test_no_count_of_one_takes_a_plural_on_the_bundled_site(built_site):
    assert wrong_counts(built_site) == []


@pytest.fixture(scope="module")
def one_grant_site(tmp_path_factory, config):
    """The sample with a single grant (and few of everything else)."""
    root = tmp_path_factory.mktemp("one-grant")
    data = sample_data(root, grants=1, seed=7)
    build.build(data, root / "site", config, docs_dir=None)
    return root / "site"


def test_no_count_of_one_takes_a_plural_where_counts_are_one(one_grant_site):
    home = BeautifulSoup((one_grant_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    text = " ".join(home.get_text(" ").split())
    # The premise: this site has counts of one.
    assert re.search(r"\b1 row\b", text) and re.search(r"\bin 1 (contract|grant)\b", " ".join(
        " ".join(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text(" ").split())
        for p in (one_grant_site / "years").rglob("index.html")))
    assert wrong_counts(one_grant_site) == []
