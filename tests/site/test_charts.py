"""The static SVG charts: well-formed, accessible, escaped, proportional and deterministic."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import markdown
import pytest
from markupsafe import Markup, escape

from generator.site import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> & co"
YEARS = ["2021-22", "2022-23", "2023-24", "2024-25"]


def gbp(v: float) -> str:
    return f"£{v:,.0f}"


def parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    return ET.fromstring(str(svg))


def tag(element: ET.Element) -> str:
    return element.tag.removeprefix(SVG)


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in e.get("class", "").split()]


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


# One of each kind of chart, from the same hostile-looking data.
CHARTS = {
    "bars": lambda cid: charts.bar_chart("Spend", [(HOSTILE, 10), ("b", 5)], value_label=gbp, chart_id=cid),
    "columns": lambda cid: charts.column_chart("Spend", [(HOSTILE, 10), ("2022-23", 5)], value_label=gbp,
                                               chart_id=cid),
    "lines": lambda cid: charts.line_chart("Result", [HOSTILE, "2022-23"], [(HOSTILE, [1, 2]), ("Target", [2, 2])],
                                           chart_id=cid),
}


@pytest.mark.parametrize("kind", CHARTS)
def test_a_chart_is_one_labelled_image(kind):
    root = parse(CHARTS[kind]("spend"))
    assert tag(root) == "svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "spend-title spend-desc"
    title, desc = list(root)[:2]
    assert (tag(title), title.get("id")) == ("title", "spend-title")
    assert text_of(title) == ("Result" if kind == "lines" else "Spend")
    assert (tag(desc), desc.get("id")) == ("desc", "spend-desc") and text_of(desc).endswith(".")
    assert root.get("width") == "100%" and root.get("height") is None
    assert re.fullmatch(r"0 0 640 [\d.]+", root.get("viewBox"))


@pytest.mark.parametrize("kind", CHARTS)
def test_a_chart_obeys_the_content_security_policy(kind):
    """No style attributes or elements, no scripts, nothing fetched from anywhere."""
    svg = CHARTS[kind]("spend")
    root = parse(svg)
    assert "<script" not in svg and "style" not in svg
    for element in root.iter():
        assert tag(element) not in ("script", "style", "image", "use", "foreignObject", "a")
        for name, value in element.attrib.items():
            assert not name.endswith("href") and not name.startswith("on") and "url(" not in value
        if element.get("font-size"):
            assert float(element.get("font-size")) >= 12


@pytest.mark.parametrize("kind", CHARTS)
def test_labels_are_text_not_markup(kind):
    root = parse(CHARTS[kind]("spend"))
    texts = [text_of(e) for e in root.iter() if tag(e) in ("text", "title")]
    assert any(HOSTILE in t or t.startswith("<script>alert(1)</script>") for t in texts)


@pytest.mark.parametrize("kind", CHARTS)
def test_a_chart_passes_through_markdown_unchanged(kind):
    svg = str(CHARTS[kind]("spend"))
    html = markdown.markdown(f"Text\n\n<figure class=\"chart-figure\">\n{svg}\n</figure>\n", extensions=["md_in_html"])
    assert svg in html
    # Even unwrapped (a template mistake), Markdown in a label makes no link or emphasis.
    bare = str(charts.bar_chart("*T*", [("[x](javascript:alert(1)) _a_ `c`", 1)], chart_id="x"))
    html = markdown.markdown(f"Text\n\n{bare}\n", extensions=["md_in_html", "attr_list"])
    assert "<a " not in html and "<em>" not in html and "<code>" not in html
    assert "[x](javascript:alert(1)) _a_ `c`" in text_of(ET.fromstring(html.removeprefix("<p>Text</p>\n<p>")
                                                                       .removesuffix("</p>")))


@pytest.mark.parametrize("given, safe", [("Spend by year", "spend-by-year"), ("My_chart 2!", "my-chart-2"),
                                         ("2024", "chart-2024"), ("", "chart"), ('"><x', "x")])
def test_the_chart_id_is_sanitised(given, safe):
    root = parse(charts.bar_chart("T", [("a", 1)], chart_id=given))
    assert root.get("aria-labelledby") == f"{safe}-title {safe}-desc"


def test_bars_are_proportional_and_the_longest_fills_the_plot():
    root = parse(charts.bar_chart("T", [("a", 100), ("b", 50), ("c", 25)], chart_id="t"))
    bars = by_class(root, "chart-bar")
    widths = [float(b.get("width")) for b in bars]
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.5)
    assert widths[2] == pytest.approx(widths[0] / 4, abs=0.5)
    # The longest bar ends where the space for its value label begins.
    right = float(bars[0].get("x")) + widths[0]
    assert right == pytest.approx(640 - charts.PAD - charts.GAP - charts._text_width("100"), abs=0.1)
    assert [text_of(v) for v in by_class(root, "chart-value")] == ["100", "50", "25"]


def test_zero_and_negative_bars_have_no_length_but_keep_their_labels():
    root = parse(charts.bar_chart("T", [("a", 10), ("zero", 0), ("minus", -5)], chart_id="t"))
    assert [b.get("width") for b in by_class(root, "chart-bar")][1:] == ["0", "0"]
    assert [text_of(v) for v in by_class(root, "chart-value")] == ["10", "0", "-5"]
    assert [text_of(v) for v in by_class(root, "chart-label")] == ["a", "zero", "minus"]
    # All zero: no division by zero.
    root = parse(charts.bar_chart("T", [("a", 0)], chart_id="t"))
    assert [b.get("width") for b in by_class(root, "chart-bar")] == ["0"]


def test_long_labels_are_cut_with_the_full_label_in_a_title():
    label = "Adult social care and a very long programme name"
    root = parse(charts.bar_chart("T", [(label, 1)], chart_id="t"))
    (row,) = by_class(root, "chart-row")
    assert text_of(row.find(f"{SVG}title")) == label
    shown = text_of(by_class(row, "chart-label")[0])
    assert len(shown) == charts.LABEL_CHARS and shown.endswith("…") and label.startswith(shown[:-1])


def test_empty_input_makes_no_chart():
    assert charts.bar_chart("T", [], chart_id="t") == Markup("")
    assert charts.column_chart("T", [], chart_id="t") == Markup("")
    assert charts.line_chart("T", [], [], chart_id="t") == Markup("")
    assert charts.line_chart("T", YEARS, [("Result", [None] * 4)], chart_id="t") == Markup("")
    assert charts.describe_bars([]) == charts.describe_series([], []) == charts.describe_lines([], []) == ""


def test_descriptions():
    rows = [("Youth", 1234), ("Parks", 12), ("Arts", 500)]
    assert charts.describe_bars(rows, gbp) == "Largest: Youth (£1,234); smallest: Parks (£12); 3 items."
    assert charts.describe_bars(rows[:1], gbp) == "One item: Youth (£1,234)."
    values = [100, None, 300, 200]
    assert charts.describe_series(YEARS, values, gbp) == (
        "From 2021-22 to 2024-25 the value went from £100 to £200; highest £300 in 2023-24.")
    assert charts.describe_series(YEARS, [None, 5, None, None]) == "In 2022-23 the value was 5."
    assert charts.describe_lines(YEARS, [("Result", values), ("Target", [None, None, None, 250])], gbp) == (
        "Result: from 2021-22 to 2024-25 the value went from £100 to £200; highest £300 in 2023-24. "
        "Target: in 2024-25 the value was £250.")
    # The charts' <desc> is the same sentence.
    desc = f"{SVG}desc"
    assert text_of(parse(charts.bar_chart("T", rows, value_label=gbp, chart_id="t")).find(desc)) == \
        charts.describe_bars(rows, gbp)
    assert text_of(parse(charts.column_chart("T", list(zip(YEARS, [1, 3, 2, 2])), chart_id="t")).find(desc)) == \
        charts.describe_series(YEARS, [1, 3, 2, 2])


def test_columns_start_from_zero_with_round_labelled_ticks():
    rows = list(zip(YEARS, [1_200_000, 1_500_000, 900_000, 2_400_000]))
    root = parse(charts.column_chart("T", rows, value_label=gbp, chart_id="t"))
    ticks = [text_of(t) for t in by_class(root, "chart-axis-y")[0].iter(f"{SVG}text")]
    assert ticks == ["£0", "£1,000,000", "£2,000,000", "£3,000,000"]
    assert [text_of(v) for v in by_class(root, "chart-value")] == [gbp(v) for _, v in rows]
    # Whole-number labels never repeat a tick: 0..3 is not 0, 0.5, 1, 1.5...
    assert charts._ticks(0, 3, charts._whole) == [0, 1, 2, 3]


def test_many_columns_drop_value_labels_and_thin_category_labels():
    years = [f"{y}-{(y + 1) % 100:02d}" for y in range(2005, 2025)]
    root = parse(charts.column_chart("T", [(y, i) for i, y in enumerate(years)], chart_id="t"))
    assert len(by_class(root, "chart-bar")) == 20 and not by_class(root, "chart-value")
    assert [text_of(t) for t in by_class(root, "chart-axis-x")[0]] == years[::2]
    assert 3 <= len(list(by_class(root, "chart-axis-y")[0].iter(f"{SVG}text"))) <= 5


def test_line_chart_breaks_at_gaps_and_has_a_legend():
    series = [("Result", [61, 64, None, 70, 74]), ("Target", [65, 65, 68, 70, 72]),
              ("England", [None, 60, None, 62, None])]
    root = parse(charts.line_chart("T", YEARS + ["2025-26"], series, value_label=lambda v: f"{v:.0f}%", chart_id="t"))
    paths = [p.get("d") for p in by_class(root, "chart-line")]
    assert [d.count("M") for d in paths] == [2, 1, 2] and paths[2].count("L") == 0
    groups = by_class(root, "chart-series")
    assert [len(by_class(g, "chart-point")) for g in groups] == [4, 5, 2]
    # Told apart by dash and marker shape, not only colour.
    assert len({p.get("stroke-dasharray") for p in by_class(root, "chart-line")}) == 3
    assert len({tag(by_class(g, "chart-point")[0]) for g in groups}) == 3
    assert [text_of(t) for t in by_class(root, "chart-legend")[0].iter(f"{SVG}text")] == ["Result", "Target", "England"]
    # The y axis fits the values (60 to 74, with 10% to spare), not 0.
    ticks = [text_of(t) for t in by_class(root, "chart-axis-y")[0].iter(f"{SVG}text")]
    assert ticks[0] != "0%" and 3 <= len(ticks) <= 5


def test_line_chart_rejects_bad_series():
    with pytest.raises(ValueError):
        charts.line_chart("T", YEARS, [(str(i), [1] * 4) for i in range(4)], chart_id="t")
    with pytest.raises(ValueError):
        charts.line_chart("T", YEARS, [("Result", [1, 2])], chart_id="t")


def test_output_is_deterministic_with_one_decimal():
    periods = [f"P{i}" for i in range(15)]
    for make in (lambda: charts.bar_chart("T", [("a", 1 / 3), ("b", 2 / 7)], chart_id="t"),
                 lambda: charts.column_chart("T", [("a", 1 / 3), ("b", 2 / 7)], chart_id="t"),
                 lambda: charts.line_chart("T", periods, [("R", [i / 7 for i in range(15)])], chart_id="t")):
        svg = make()
        assert svg == make()
        numbers = re.findall(r' (?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]+)"', str(svg))
        assert numbers and all(re.fullmatch(r"-?\d+(\.\d)?|100%", n) for n in numbers)


def contrast(colour: str) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_colours_contrast_with_white():
    assert contrast(charts.TEXT) >= 4.5 and contrast(charts.MUTED) >= 4.5
    for colour in [charts.BAR, charts.AXIS] + [c for c, _, _ in charts.SERIES]:
        assert contrast(colour) >= 3


def test_sparkline_says_every_value_and_marks_the_last():
    svg = charts.sparkline(HOSTILE, YEARS, [5.9, None, 6.2, 6.1], [6, 6, 6.5, 7], value_label=lambda v: f"{v:g}%")
    root = parse(svg)
    assert root.get("role") == "img" and root.get("class") == "sparkline"
    name = root.get("aria-label")
    assert name == f"{HOSTILE}: 2021-22 5.9%, 2023-24 6.2%, 2024-25 6.1%; target 2021-22 6%, 2022-23 6%, 2023-24 6.5%, 2024-25 7%"
    assert text_of(root.find(f"{SVG}title")) == name and "<script>" not in str(svg)
    paths = root.findall(f"{SVG}path")
    assert len(paths) == 2 and paths[0].get("stroke-dasharray")  # the target, dashed, then the results
    assert paths[1].get("d").count("M") == 2  # a gap breaks the line
    circle = root.find(f"{SVG}circle")
    assert float(circle.get("cx")) == pytest.approx(116)  # the last period, at the right
    assert charts.sparkline("x", YEARS, [None] * 4) == Markup("")
    assert charts.sparkline("x", [], []) == Markup("")
    one = parse(charts.sparkline("x", ["2024-25"], [3.0]))
    assert one.find(f"{SVG}circle").get("cx") == "60" and one.get("aria-label") == "x: 2024-25 3"


def _escaped_in_full(text) -> str:
    """What charts._e did for every text before its shortcut for text with nothing to change."""
    return str(escape(re.sub(r"\s*[\r\n]+\s*", " ", str(text)))).translate(charts._MD_INLINE)


def test_the_escaping_shortcut_changes_nothing_it_should_not():
    # Every ASCII character and a few others, alone and among words: the shortcut (text with
    # nothing to change) must give what the full escaping gives.
    samples = [chr(c) for c in range(128)] + ["£", "é", "\u00a0", "\u2028", "2021-22", "£1,234"]
    for sample in samples:
        for text in (sample, f"a {sample} b", f" {sample}{sample} ", Markup(f"<b>{sample}</b>")):
            assert charts._e(text) == _escaped_in_full(text), repr(text)


def test_kept_axis_labels_tell_equal_numbers_apart():
    # The axes' labels are kept by value; 0.0 and -0.0, and 1 and 1.0, are equal keys, yet a
    # label may write them differently.
    written = repr
    assert [charts._label(written, v) for v in (0.0, -0.0, 0, 1, 1.0, 1, 1.0)] == \
        ["0.0", "-0.0", "0", "1", "1.0", "1", "1.0"]
    assert charts._column_y_axis((0, 5.0), repr((0, 5.0)), 20, 200, 40.0, 600, written) != \
        charts._column_y_axis((0.0, 5.0), repr((0.0, 5.0)), 20, 200, 40.0, 600, written)


def test_a_column_chart_given_its_description_is_the_same():
    rows = list(zip(YEARS, [1_200.5, 0.0, 900, 2_400_000]))
    made = charts.column_chart("T", rows, value_label=gbp, chart_id="t")
    given = charts.column_chart("T", rows, value_label=gbp, chart_id="t",
                                desc=charts.describe_series(YEARS, [v for _, v in rows], gbp))
    assert made == given and charts.describe_series(YEARS, [v for _, v in rows], gbp) in str(made)


def test_a_tiny_range_or_a_label_for_every_number_still_has_two_ticks():
    # _ticks once returned a single tick (its first step of one whole tick above a billionth of
    # the range), and the chart then divided by zero.
    for rows, label in (([("2021-22", 1e-12)], charts._whole), ([("2021-22", 5.0)], lambda v: "n/a")):
        root = parse(charts.column_chart("T", rows, value_label=label, chart_id="t"))
        assert len(list(by_class(root, "chart-axis-y")[0].iter(f"{SVG}text"))) >= 2


class _Unkeyable:
    """A label function that cannot be a key (it defines == but no hash)."""

    def __eq__(self, other):
        return isinstance(other, _Unkeyable)

    __hash__ = None

    def __call__(self, value):
        return f"{value:,.0f} units"


def test_a_label_function_that_cannot_be_a_key_is_not_kept():
    rows = list(zip(YEARS, [10, 20, 30, 40]))
    root = parse(charts.column_chart("T", rows, value_label=_Unkeyable(), chart_id="t"))
    assert [text_of(t) for t in by_class(root, "chart-axis-y")[0].iter(f"{SVG}text")][-1] == "40 units"
