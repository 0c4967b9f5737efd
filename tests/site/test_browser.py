"""The built site in real headless Chromium: WCAG 2.2 A/AA with axe-core, and no request
to any other origin. Uses Debian's chromium (`make test` installs it when root)."""

from __future__ import annotations

import csv
import os
from collections import Counter
from decimal import Decimal

import pytest

from conftest import CHROMIUM, serve
from generator.config import PROJECT_DIR
from generator.model.entities import slugify

# In CI (.ci/run sets CI) a missing browser fails the run instead of skipping these tests.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                       reason="chromium is not installed (make test installs it when root)"),
]

def _rows(name: str) -> list[dict]:
    with (PROJECT_DIR / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _busiest_org() -> dict:
    counts = Counter(g["recipient_org_id"] for g in _rows("grants")) + Counter(c["supplier_org_id"] for c in _rows("contracts"))
    best = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return next(o for o in _rows("organisations") if o["org_id"] == best)


# One page of every template (entity pages of every kind), plus search and 404.
PAGES = ["", "datasets/", "datasets/grants/", "datasets/contracts/", "about/", "accessibility/", "standards/",
         "quality/", "quality/grants/", "changes/", "search/", "live/", "forward-plan/", "organisations/",
         "outcomes/", "programmes/", "years/2024-25/", "grants-reach/", "grants-reach/2024-25/",
         f"organisations/{slugify(_busiest_org()['org_id'])}.html", "outcomes/oc1.html",
         "outcomes/oc1.measurements.html", "commissioners/swk-cfs.html",
         "client-groups/mental-health.html", "programmes/neighbourhoods-fund.html",
         "programmes/neighbourhoods-fund.grants-2.html",
         "wards/peckham.html", f"contracts/{slugify(_rows('contracts')[0]['contract_id'])}.html",
         f"intentions/{slugify(_rows('commissioning_intentions')[0]['intention_id'])}.html", "decisions/",
         "decisions/gateway-2/", "decisions/swk-dec-0001.html", "decisions/ill-dec-0001.html", "404.html",
         # Contract KPIs: a contract with KPIs and their charts, the Contract performance page and a filter of it.
         f"contracts/{slugify(_rows('contract_kpis')[-1]['contract_id'])}.html", "performance/", "performance/2025-26/",
         "outcomes/oc2.html"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def server(built_site):
    url, httpd = serve(built_site)
    yield url
    httpd.shutdown()


@pytest.fixture
def page(browser, server):
    context = browser.new_context()
    page = context.new_page()
    foreign: list[str] = []

    def guard(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.foreign = foreign
    # Content-Security-Policy violations and script errors, as the page reports them.
    page.add_init_script("""window.__violations = [];
        document.addEventListener('securitypolicyviolation',
            e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));""")
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    assert context.cookies() == [], "the site set a cookie"
    context.close()


def settle(page) -> list[str]:
    """Problems seen so far: CSP violations, console errors and uncaught exceptions."""
    return page.evaluate("window.__violations") + page.problems


@pytest.mark.parametrize("url", PAGES)
def test_axe_finds_no_wcag_violations(page, server, url):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(server + url, wait_until="networkidle")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert violations == []
    assert page.foreign == []
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    if url != "404.html":  # the 404 page is served with status 200 here, but loads nothing else
        assert settle(page) == []


def test_numbers_are_right_aligned(page, server):
    page.goto(server, wait_until="networkidle")
    cells = page.locator("table td.num")
    assert cells.count() > 0
    assert {cells.nth(i).evaluate("e => getComputedStyle(e).textAlign") for i in range(cells.count())} == {"right"}
    text = page.locator("table td:not(.num)")
    assert text.count() == 0 or text.first.evaluate("e => getComputedStyle(e).textAlign") != "right"


def test_a_table_csv_downloads_under_its_name_whether_in_its_link_or_a_file(page, server, tmp_path):
    """A contract's single row is carried in its link (a data: URL); a long list's CSV is a file.
    Both download, named as the page says, with the source rows, and no request leaves the site."""
    contract = _rows("contracts")[0]
    slug = slugify(contract["contract_id"])
    with (PROJECT_DIR / "data" / "contracts.csv").open(encoding="utf-8", newline="") as handle:
        source = handle.read().splitlines(keepends=True)
    for url, name in [(f"contracts/{slug}.html", f"{slug}.contract.csv"), ("organisations/", "organisations.csv")]:
        page.goto(server + url, wait_until="networkidle")
        with page.expect_download() as info:
            page.locator("p.table-download a").first.click()
        download = info.value
        assert download.suggested_filename == name
        download.save_as(tmp_path / name)
        text = (tmp_path / name).read_text(encoding="utf-8")
        if url.startswith("contracts/"):
            assert page.locator("p.table-download a").first.get_attribute("href").startswith("data:text/csv;")
            assert text == source[0] + next(line for line in source if line.startswith(contract["contract_id"] + ","))
        else:
            assert page.locator("p.table-download a").first.get_attribute("href") == "page.csv"
            assert text.startswith("org_id,name,") and text.count("\n") == 101
    assert page.foreign == [] and settle(page) == []


def search(page, server, query: str):
    page.goto(server + "search/", wait_until="networkidle")
    page.fill("#search-input", query)
    page.wait_for_selector("#search-results li a", timeout=15000)
    return page.locator("#search-results li a")


def test_search_finds_an_organisation_by_name(page, server):
    org = _busiest_org()
    results = search(page, server, org["name"])
    first = results.first.get_attribute("href")
    assert first.endswith(f"organisations/{slugify(org['org_id'])}.html")
    assert "result" in page.locator("#search-status").inner_text()
    assert page.foreign == [] and settle(page) == []


def test_search_finds_a_contract_by_words_in_its_description_and_an_outcome(page, server):
    titles = Counter(c["title"] for c in _rows("contracts"))
    contract = next(c for c in _rows("contracts") if titles[c["title"]] == 1)  # a title no other contract has
    results = search(page, server, contract["title"])
    hrefs = [results.nth(i).get_attribute("href") for i in range(min(5, results.count()))]
    # Its decisions ("Gateway 2 - Contract Award: <title>") may rank beside it, but it is in the first five.
    assert any(h.endswith(f"contracts/{slugify(contract['contract_id'])}.html") for h in hrefs), hrefs
    outcome = _rows("outcomes")[1]
    first = search(page, server, outcome["title"]).first.get_attribute("href")
    assert first.endswith(f"outcomes/{slugify(outcome['outcome_id'])}.html")
    assert page.foreign == [] and settle(page) == []


def test_search_from_the_home_page_form(page, server):
    page.goto(server, wait_until="networkidle")
    page.fill("#home-search", "Neighbourhoods Fund")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li a", timeout=15000)
    assert "q=Neighbourhoods" in page.url
    assert page.locator("#search-results li a").count() > 0


def test_tables_sort_by_keyboard(page, server):
    page.goto(server + "live/", wait_until="networkidle")
    table = page.locator("table[data-sortable]").first
    header = table.locator("thead th").nth(5)  # Total value
    button = header.locator("button")
    button.focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"
    values = [float(v) for v in table.locator("tbody td.num").evaluate_all("cells => cells.map(c => c.dataset.sort)")]
    assert values == sorted(values) and len(values) > 1
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    values = [float(v) for v in table.locator("tbody td.num").evaluate_all("cells => cells.map(c => c.dataset.sort)")]
    assert values == sorted(values, reverse=True)
    assert "Sorted by Total value, descending." in page.locator(".sort-status").first.inner_text()
    assert settle(page) == []


def test_entity_page_figures_match_the_data(page, server):
    org = _busiest_org()
    contracts = [c for c in _rows("contracts") if c["supplier_org_id"] == org["org_id"]]
    grants = [g for g in _rows("grants") if g["recipient_org_id"] == org["org_id"]]
    page.goto(server + f"organisations/{slugify(org['org_id'])}.html", wait_until="networkidle")
    assert page.locator("h1").inner_text() == org["name"]
    shown = [" ".join(t.split()) for t in page.locator("article ul.figures li").all_inner_texts()]
    total_c = int(sum(Decimal(c["total_value_gbp"]) for c in contracts).quantize(Decimal(1)))
    total_g = int(sum(Decimal(g["amount_awarded"]) for g in grants).quantize(Decimal(1)))
    assert shown[:2] == [f"£{total_c:,} in {len(contracts)} contract{'' if len(contracts) == 1 else 's'}",
                         f"£{total_g:,} in {len(grants)} grant{'' if len(grants) == 1 else 's'}"]
    # An entity page shows the first 20 of each list (the rest on further pages).
    assert page.locator("table[data-sortable] tbody tr").count() == min(20, len(contracts)) + min(20, len(grants))


def test_search_finds_an_organisation_by_its_identifier(page, server):
    """Its org-id's words (gb, chc) are in thousands of pages and kept only for the best of
    them; the number is rare, and the organisation must still come first."""
    org = _busiest_org()
    results = search(page, server, org["org_id"])
    first = results.first.get_attribute("href")
    assert first.endswith(f"organisations/{slugify(org['org_id'])}.html")
    assert page.foreign == [] and settle(page) == []


@pytest.mark.parametrize("url", ["", f"organisations/{slugify(_busiest_org()['org_id'])}.html",
                                 "programmes/neighbourhoods-fund.html", "commissioners/", "contracts/"])
def test_no_page_scrolls_sideways_on_a_phone(browser, server, url):
    """At 375 px, a chart or table scrolls inside its own box: nothing in the page's content runs
    past the screen's edge (Material clips the page sideways, so it would be cut off, not scrolled)."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(server + url, wait_until="networkidle")
    cut_off = page.evaluate("""() => [...document.querySelectorAll('article *')].filter(e => {
        if (e.getBoundingClientRect().right <= window.innerWidth + 1) return false;
        for (let a = e.parentElement; a && a.tagName !== 'ARTICLE'; a = a.parentElement) {
            if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return false;
        }
        return true;
    }).map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 40))""")
    assert cut_off == []
    context.close()


@pytest.fixture(scope="module")
def empty_site(tmp_path_factory):
    """A council's new project, with no rows yet, built and served."""
    from generator import build, new
    from generator.config import load_config

    root = tmp_path_factory.mktemp("empty-council")
    new.new_project(root / "council", name="Example Borough Council", org_id="GB-LAE-EXB",
                    grant_prefix="360G-exampleborough-")
    build.build(root / "council" / "data", root / "site", load_config(root / "council" / "config.yml"), docs_dir=None)
    url, httpd = serve(root / "site")
    yield url
    httpd.shutdown()


@pytest.mark.parametrize("url", ["", "about/", "datasets/", "standards/", "quality/", "search/", "changes/",
                                 "accessibility/"])
def test_an_empty_councils_site_passes_axe(browser, empty_site, url):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context()
    page = context.new_page()
    page.goto(empty_site + url, wait_until="networkidle")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert [v["id"] for v in results.response["violations"]] == []
    context.close()
