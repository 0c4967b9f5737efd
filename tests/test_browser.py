"""The built site in real headless Chromium: WCAG 2.2 A/AA with axe-core, and no request
to any other origin. Uses Debian's chromium (`make test` installs it when root)."""

from __future__ import annotations

import os

import pytest

from conftest import CHROMIUM, serve

# In CI (.ci/run sets CI) a missing browser fails the run instead of skipping these tests.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                       reason="chromium is not installed (make test installs it when root)"),
]

PAGES = ["", "datasets/", "datasets/grants/", "datasets/contracts/", "about/", "accessibility/", "standards/",
         "quality/", "quality/grants/"]
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
    yield page
    assert context.cookies() == [], "the site set a cookie"
    context.close()


@pytest.mark.parametrize("url", PAGES)
def test_axe_finds_no_wcag_violations(page, server, url):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(server + url, wait_until="networkidle")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert violations == []
    assert page.foreign == []
    assert page.evaluate("document.documentElement.lang") == "en-GB"


def test_numbers_are_right_aligned(page, server):
    page.goto(server, wait_until="networkidle")
    cells = page.locator("table td.num")
    assert cells.count() > 0
    assert {cells.nth(i).evaluate("e => getComputedStyle(e).textAlign") for i in range(cells.count())} == {"right"}
    text = page.locator("table td:not(.num)")
    assert text.count() == 0 or text.first.evaluate("e => getComputedStyle(e).textAlign") != "right"


def test_search_works_offline(page, server):
    page.goto(server, wait_until="networkidle")
    page.keyboard.press("/")  # Material's shortcut opens the search box
    page.keyboard.type("Grants")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    assert page.locator(".md-search-result__item").count() > 0
    assert page.foreign == []
