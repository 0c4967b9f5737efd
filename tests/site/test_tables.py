"""The templates' tables (format.html_table, through the `table` macro) and description lists
(format.facts_html): parsed, not compared as text; and entity links (entity_pages.Writer.link)."""

from __future__ import annotations

import math
from types import SimpleNamespace

from bs4 import BeautifulSoup
from markupsafe import Markup, escape

from generator.model.entities import Entities
from generator.site import entity_pages
from generator.site.format import facts_html, html_table
from generator.site.templating import environment
from generator.site.urls import href

HOSTILE = '<script>alert("x")</script> & co'


def parse(html: str):
    return BeautifulSoup(html, "html.parser")


def test_a_table_has_its_caption_headers_and_rows_with_numbers_marked():
    rows = [["2021-22", "£1,200", 3], [Markup('<a href="x.html">2022-23</a>'), HOSTILE, None]]
    html = html_table("Grants by year", ["Year", "Value", "Count"], rows, numeric=(1, 2))
    soup = parse(html)
    region = soup.select_one("div.table-scroll")
    assert (region["role"], region["aria-label"], region["tabindex"]) == ("region", "Grants by year", "0")
    assert soup.caption.get_text() == "Grants by year"
    assert [(th["scope"], th.get("class"), th.get_text()) for th in soup.thead.find_all("th")] == [
        ("col", None, "Year"), ("col", ["num"], "Value"), ("col", ["num"], "Count")]
    body = soup.tbody.find_all("tr")
    assert [[(cell.name, cell.get("scope"), cell.get("class"), cell.get_text()) for cell in tr.find_all(["th", "td"])]
            for tr in body] == [
        [("th", "row", None, "2021-22"), ("td", None, ["num"], "£1,200"), ("td", None, ["num"], "3")],
        [("th", "row", None, "2022-23"), ("td", None, ["num"], HOSTILE), ("td", None, ["num"], "None")]]
    assert body[1].th.a["href"] == "x.html" and not soup.find("script")


def test_a_table_is_named_by_its_label_and_the_first_column_can_be_a_number():
    soup = parse(html_table(HOSTILE, ["Row"], [[1]], numeric=range(0, 1), label="Warnings <in> grants"))
    assert soup.select_one("div.table-scroll")["aria-label"] == "Warnings <in> grants"
    assert soup.caption.get_text() == HOSTILE and not soup.find("script")
    assert soup.tbody.th["class"] == ["num"] and soup.thead.th["class"] == ["num"]
    empty = parse(html_table("Nothing", ["A", "B"], []))
    assert empty.tbody.find_all("tr") == [] and len(empty.thead.find_all("th")) == 2


def test_the_macro_is_the_table_on_lines_of_its_own():
    template = environment().from_string('{% from "macros.j2" import table %}<p>before</p>\n'
                                         '{{ table("T", ["A", "B"], rows, numeric=(1,), label="L") }}<p>after</p>')
    rows = [["x", 1], ["<y>", 2]]
    assert template.render(rows=rows) == ("<p>before</p>\n" + str(html_table("T", ["A", "B"], rows, numeric=(1,), label="L"))
                                          + "\n<p>after</p>")


def test_facts_are_a_description_list_with_every_value_escaped_unless_markup():
    link = Markup('<a href="../wards/rye-lane.html">Rye Lane</a>')
    soup = parse(facts_html([("Identifier", "GB-CHC-1"), (HOSTILE, HOSTILE), ("Ward", link), ("Amount", 1200),
                             ("Note", None)]))
    assert soup.dl["class"] == ["dataset-facts"] and not soup.find("script")
    assert [(dt.get_text(), dt.find_next_sibling("dd").get_text()) for dt in soup.dl.find_all("dt")] == [
        ("Identifier", "GB-CHC-1"), (HOSTILE, HOSTILE), ("Ward", "Rye Lane"), ("Amount", "1200"), ("Note", "None")]
    assert soup.dl.find("a")["href"] == "../wards/rye-lane.html"
    assert facts_html([]) == "" and facts_html(()) == ""


def test_facts_are_what_the_templates_loop_made():
    """The text is the same as the Jinja2 macro it replaced gave (pages stay byte for byte the same)."""
    macro = environment().from_string(
        "{% macro facts(items) %}\n{% if items %}\n<dl class=\"dataset-facts\">\n{% for label, value in items %}\n"
        "<dt>{{ label }}</dt><dd>{{ value }}</dd>\n{% endfor %}\n</dl>\n{% endif %}\n{% endmacro %}"
        "<p>a</p>\n{{ facts(items) }}\n<p>b</p>\n")
    page = environment().from_string("<p>a</p>\n{{ facts_html(items) }}\n<p>b</p>\n")
    for items in ([], [("Type", "Charity")], [(HOSTILE, Markup("<b>x</b>")), ("£", 3.5), ("é", None)]):
        assert page.render(items=items) == macro.render(items=items)


def _writer(tmp_path, entities):
    return entity_pages.Writer(environment(), tmp_path, {"config": None}, {}, entities, {}, None)


def test_a_link_is_relative_to_its_page_and_each_entity_its_own(tmp_path, monkeypatch):
    def entity(page, name):
        return SimpleNamespace(page=page, name=name)
    wards = {"1": entity("wards/one.html", "One & <Only>"), "1.0": entity("wards/one-0.html", "One point oh"),
             "True": entity("wards/true.html", "True")}
    pages = ["organisations/a.html", "organisations/b.html", "wards/x.html", "index.md", "wards/index.md",
             "years/2024-25.md", "organisations/a.html"]
    for limit in (entity_pages.LINKS_KEPT, 2):
        monkeypatch.setattr(entity_pages, "LINKS_KEPT", limit)
        w = _writer(tmp_path, Entities({"ward": wards}, None, None, {}))
        for page in pages:
            # 1, 1.0 and True are one dict key, but name three entities (their keys as text)
            for key in (1, "1", 1.0, True):
                target = wards[str(key)]
                assert w.link(page, "ward", key) == (f'<a href="{escape(href(page, target.page))}">'
                                                     f'{escape(target.name)}</a>')
        assert len(w._links) <= limit
    assert w.link("organisations/a.html", "ward", "1") == '<a href="../wards/one.html">One &amp; &lt;Only&gt;</a>'
    assert w.link("index.md", "ward", "1") == '<a href="wards/one.html">One &amp; &lt;Only&gt;</a>'
    assert w.link("wards/index.md", "ward", 1.0) == '<a href="one-0.html">One point oh</a>'
    assert w.link("years/2024-25.md", "ward", True) == '<a href="../../wards/true.html">True</a>'
    # no such entity: the key as text; none at all: nothing
    assert w.link("index.md", "ward", "<2>") == "&lt;2&gt;" and w.link("index.md", "ward", None) == ""
    assert w.link("index.md", "ward", math.nan) == "" and isinstance(w.link("index.md", "ward", "2"), Markup)
