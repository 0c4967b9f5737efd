"""Hostile values: data that tries to inject markup or script is shown as text.

Validation refuses HTML and formula-like text, so this test switches those two checks
off to prove the second line of defence: every value rendered into a page is escaped
for Markdown and HTML. The site is then loaded in headless Chromium."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from generator import build
from generator.data import checks

from conftest import CHROMIUM, read_rows, serve, set_cell, write_rows

HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "<svg onload=window.__pwned=1>",
    "[click](javascript:window.__pwned=1)",
    "![i](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="javascript:window.__pwned=1">x</a>',
    "| a | b |",
    "{{ 7*7 }} {% if true %}jinja{% endif %}",
    '<iframe src="data:text/html,x"></iframe>',
    "**bold** _it_ `code` # not a heading",
    "&lt;b&gt; &amp; &#60;script&#62;",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed"),
]


@pytest.fixture(scope="module")
def hostile_site(small_data, tmp_path_factory, config):
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(small_data, root / "data")
    shutil.copytree(small_data.parent / "schemas", root / "schemas")
    data = root / "data"
    for i, value in enumerate(HOSTILE[:10]):  # the preview shows the first 10 rows
        set_cell(data, "grants", 2 + i, "title", value)
        set_cell(data, "grants", 2 + i, "description", value + " (description)")
    set_cell(data, "organisations", 2, "name", HOSTILE[1])
    set_cell(data, "organisations", 3, "name", HOSTILE[10])
    set_cell(data, "commissioners", 2, "name", HOSTILE[0])
    set_cell(data, "commissioners", 2, "note", HOSTILE[3])
    set_cell(data, "outcomes", 2, "title", HOSTILE[5])
    kpis = read_rows(data / "contract_kpis.csv")  # the KPIs of SWK-C-00006 (model/kpis: its charts, its page)
    col = {name: k for k, name in enumerate(kpis[0])}
    for row in kpis[1:]:
        if row[col["kpi_id"]] == "KPI1":
            row[col["kpi"]], row[col["target"]] = HOSTILE[0], HOSTILE[3]
        if row[col["kpi_id"]] == "KPI2":
            row[col["unit"]] = HOSTILE[2]
    kpis[1][col["result"]] = HOSTILE[1]
    write_rows(data / "contract_kpis.csv", kpis)
    descriptor = json.loads((data / "datapackage.json").read_text())
    grants = next(r for r in descriptor["resources"] if r["name"] == "grants")
    grants["title"] = "Grants " + HOSTILE[2]
    grants["description"] = HOSTILE[3] + " " + HOSTILE[6]
    (data / "datapackage.json").write_text(json.dumps(descriptor))
    safe = [c for c in checks.CHECKS if c.code not in ("html-in-text", "formula-like")]
    original = checks.CHECKS[:]
    checks.CHECKS[:] = safe
    try:
        build.build(data, root / "site", config, docs_dir=None)
    finally:
        checks.CHECKS[:] = original
    return root / "site"


@pytest.fixture(scope="module")
def base_url(hostile_site):
    url, httpd = serve(hostile_site)
    yield url
    httpd.shutdown()


INJECTED = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('article *')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
      // Ours: a table's small CSV, carried in its download link (generator/site/listing.py). Nothing else.
      const ownCsv = el.tagName === 'A' && el.hasAttribute('download') && el.parentElement.matches('p.table-download')
        && attr.value.startsWith('data:text/csv;charset=utf-8;base64,');
      if (['href', 'src'].includes(attr.name) && /^\\s*(javascript|data):/i.test(attr.value) && !ownCsv) bad.push(el.tagName + ' ' + attr.value);
    }
    if (['SCRIPT', 'IFRAME', 'IMG', 'OBJECT', 'EMBED'].includes(el.tagName)) bad.push(el.tagName);
    // An outcome's sparklines are the only SVG in a table: a path, a circle and a title each.
    const spark = el.tagName.toLowerCase() === 'svg' && el.classList.contains('sparkline') && el.parentElement.tagName === 'TD'
      && el.closest('table').caption.textContent.startsWith('Latest results against target')
      && [...el.querySelectorAll('*')].every(c => ['title', 'path', 'circle'].includes(c.tagName.toLowerCase()));
    if (el.tagName.toLowerCase() === 'svg' && el.closest('table, h1, p, td, th, dd') && !spark) bad.push('SVG in content');
  }
  return bad;
}"""


def _open(browser, base_url, url):
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url) else route.abort())
    page.goto(base_url + url, wait_until="networkidle")
    page.wait_for_timeout(300)
    return context, page, dialogs


@pytest.mark.parametrize("url", ["", "datasets/", "datasets/grants/", "datasets/organisations/",
                                 "datasets/commissioners/", "datasets/outcomes/", "about/", "quality/grants/"])
def test_hostile_values_are_shown_as_text(browser, base_url, url):
    context, page, dialogs = _open(browser, base_url, url)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.evaluate(INJECTED) == []
    text = page.inner_text("article")
    context.close()
    if url == "datasets/grants/":
        for value in HOSTILE[:10]:
            assert value in text, value
        assert "49 jinja" not in text
    if url == "datasets/organisations/":
        assert HOSTILE[1] in text and HOSTILE[10] in text
    if url == "about/":
        assert HOSTILE[0] in text and HOSTILE[3] in text
    if url == "datasets/":
        assert "Grants " + HOSTILE[2] in text


def test_json_ld_keeps_hostile_values_as_data(hostile_site):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((hostile_site / "datasets" / "grants" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    scripts = soup.find_all("script")
    data = [s for s in scripts if s.get("type") == "application/ld+json"]
    assert len(data) == 1
    assert "<" not in data[0].string
    assert json.loads(data[0].string)["name"] == "Grants " + HOSTILE[2]


def test_hostile_values_on_entity_pages_and_in_search(browser, base_url, hostile_site):
    """The pages rendered outside MkDocs (entity pages in shells) and the search results."""
    from conftest import get_cell, read_rows
    from generator.model.entities import slugify

    data = hostile_site.parent / "data"
    org_id = get_cell(data, "organisations", 2, "org_id")
    grant_org = get_cell(data, "grants", 2, "recipient_org_id")
    urls = {f"organisations/{slugify(org_id)}.html": [HOSTILE[1]],
            f"organisations/{slugify(grant_org)}.html": [HOSTILE[0]],
            f"commissioners/{slugify(get_cell(data, 'commissioners', 2, 'commissioner_id'))}.html": [HOSTILE[0], HOSTILE[3]],
            f"outcomes/{slugify(get_cell(data, 'outcomes', 2, 'outcome_id'))}.html": [HOSTILE[5]],
            "organisations/": [HOSTILE[1], HOSTILE[10]],
            "contracts/swk-c-00006.html": [HOSTILE[0], HOSTILE[1], HOSTILE[3]],
            "outcomes/oc4.html": [HOSTILE[0]], "performance/": []}
    assert len(read_rows(data / "grants.csv")) > 10
    for url, expected in urls.items():
        context, page, dialogs = _open(browser, base_url, url)
        assert page.evaluate("window.__pwned") is None, url
        assert dialogs == [] and page.evaluate(INJECTED) == [], url
        if url.startswith(("organisations/gb", "commissioners/", "outcomes/", "contracts/")):
            assert page.title().startswith(page.inner_text("h1"))
        text = page.inner_text("article")
        for value in expected:
            assert value in text, (url, value)
        context.close()
    context, page, dialogs = _open(browser, base_url, "search/?q=pwned")
    page.wait_for_selector("#search-results li a", timeout=15000)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None and dialogs == []
    marks = page.evaluate("""() => [...document.querySelectorAll('#search-results *')]
        .map(e => e.tagName).filter(t => !['LI', 'A', 'P', 'MARK'].includes(t))""")
    assert marks == []
    context.close()
