"""The templates' tables (format.html_table, through the `table` macro): parsed, not compared as text."""

from __future__ import annotations

from bs4 import BeautifulSoup
from markupsafe import Markup

from generator.site.format import html_table
from generator.site.templating import environment

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
