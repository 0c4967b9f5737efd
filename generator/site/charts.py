"""Static SVG charts, drawn at build time and embedded in the pages as HTML.

The site's Content-Security-Policy allows no inline styles and no scripts, so a chart is
plain SVG: presentation attributes (fill, stroke, font-size) give it its look with no CSS at
all, and class names (``chart``, ``chart-bar``, ``chart-axis``...) let site.css restyle it.
Nothing refers to another file or origin.

Accessibility: the ``<svg>`` is one image (``role="img"``) named by its ``<title>`` and
described by its ``<desc>``, a one-sentence summary of the data (``describe_bars``,
``describe_series``, ``describe_lines`` give the same sentence for the page's visible text).
Text is #1f1f1f on a white background (16.5:1); bars, lines and axes are at least 3:1 against
white (WCAG 1.4.11); the lines of a line chart differ by dash and marker as well as colour;
text is at least 12 units high.

A `value_label` (the text of a number on an axis) must give the same text for the same number,
and equal label functions the same texts: the axes' labels and a column chart's axes are kept
by label function and value, made once for the thousands of charts by year.

Every label and title is data, escaped for HTML/XML here, with Markdown's inline characters
written as character references so that the chart passes through Markdown unchanged. Embed a
chart in a page inside a block-level element (``<figure>``, ``<div>``) with no ``markdown``
attribute, on lines of its own. The SVG is 100% of its container's width and its height
follows from the viewBox. Output is deterministic: coordinates are written with one decimal.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup, escape

TEXT = "#1f1f1f"        # labels: 16.5:1 on white
MUTED = "#4d4d4d"       # axis tick labels: 8.5:1
AXIS = "#595959"        # axis lines: 7:1
GRID = "#d9d9d9"        # gridlines: decoration only, every value is also labelled or in a table
BACKGROUND = "#ffffff"
BAR = "#3f51b5"         # bars and columns: 6.9:1
# Line series: colour, dash pattern and marker shape, so they differ by more than colour.
SERIES = [("#283593", None, "circle"),      # solid, filled circles: 10.4:1
          ("#b04500", "6 4", "square"),     # dashed, hollow squares: 5.7:1
          ("#1b5e20", "2 3", "diamond")]    # dotted, filled diamonds: 7.9:1

FONT = 13               # labels and values
SMALL = 12              # axis ticks
PAD = 8                 # space around the plot
GAP = 6                 # between a label and what it labels
ROW = 28                # bar chart: height of one bar's row
BAR_HEIGHT = 18
LABEL_CHARS = 28        # longer labels are cut, with "…"; the full text is in a <title>
MAX_LABELLED_COLUMNS = 12


def _whole(value: float) -> str:
    return f"{value:,.0f}"


def _num(x: float) -> str:
    """A coordinate with one decimal, without a trailing ".0": the same bytes every time."""
    text = f"{x:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


# Characters that mean something to Markdown inline, written as character references: a chart
# is HTML inside a Markdown page, and if it ever reached the Markdown parser (not wrapped in a
# block-level element), a label such as "[x](javascript:...)" would otherwise become a link.
_MD_INLINE = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]{}"})


# What _e changes: line breaks, what HTML escapes, and Markdown's inline characters.
_SPECIAL = re.compile(r"[\r\n&<>\"'\\`*_\[\]{}]")


def _e(text) -> str:
    """Text for an element or attribute: always treated as plain text (even Markup), escaped
    for HTML/XML and for Markdown, on one line."""
    text = str(text)
    if _SPECIAL.search(text) is None:  # most labels: nothing to change (a chart has dozens)
        return text
    text = re.sub(r"\s*[\r\n]+\s*", " ", text)
    return str(escape(text)).translate(_MD_INLINE)


def _label(value_label: Callable[[float], str], value: float) -> str:
    """value_label(value), for the round values of the axes: the same few for thousands of
    charts (an entity page's chart by year; at 1M grants there are over 300,000). Zero is not
    kept: 0.0 and -0.0 would be one key (typed keeps 1 and 1.0 apart); nor is the text of a
    value_label that cannot be a key."""
    return value_label(value) if value == 0 or not _keyable(value_label) else _kept_label(value_label, value)


def _keyable(value_label) -> bool:
    try:
        hash(value_label)
    except TypeError:
        return False
    return True


@functools.lru_cache(maxsize=4096, typed=True)
def _kept_label(value_label: Callable[[float], str], value: float) -> str:
    return value_label(value)


def _text_width(text: str, size: int = FONT) -> float:
    """A generous estimate of the width of text in a sans-serif font (0.6em a character)."""
    return len(text) * size * 0.6


def _shorten(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def safe_id(chart_id: str) -> str:
    """chart_id reduced to lowercase letters, digits and hyphens, starting with a letter."""
    cid = re.sub(r"[^a-z0-9]+", "-", str(chart_id).lower()).strip("-")
    return cid if cid[:1].isalpha() else f"chart-{cid}".rstrip("-")


def _value(value) -> float:
    """A bar or column value: any finite number."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"chart values must be finite numbers, not {value!r}")
    return number


def _point(value) -> float | None:
    """A line chart value: None (or NaN) is a gap."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _ticks(lo: float, hi: float, value_label: Callable[[float], str]) -> list[float]:
    """3 to 5 round ticks (1, 2 or 5 times a power of ten) covering lo..hi, the first step
    whose labels are all different (so a whole-number label never shows 0, 0, 1, 1)."""
    if hi <= lo:
        hi = lo + (abs(lo) or 1)
    step = 10 ** math.floor(math.log10((hi - lo) / 5))
    for _ in range(40):
        for multiple in (1, 2, 5):
            size = multiple * step
            first, last = math.floor(lo / size + 1e-9), math.ceil(hi / size - 1e-9)
            if last - first <= 4:
                ticks = [round(k * size, 10) + 0.0 for k in range(first, last + 1)]
                if len(ticks) > 1 and len({_label(value_label, t) for t in ticks}) == len(ticks):
                    return ticks
        step *= 10
    return [lo, hi]  # value_label gives every number the same text


def _thin(labels: list[str], band: float) -> int:
    """Show every k-th category label: no more than 12, and none overlapping."""
    widest = max(_text_width(label, SMALL) for label in labels) + GAP
    return max(math.ceil(len(labels) / 12), math.ceil(widest / band), 1)


def _open(cid: str, kind: str, title: str, desc: str, width: int, height: float) -> list[str]:
    """The <svg> start tag, its title and description, and a white background (so the colour
    contrast holds whatever is behind the chart)."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" viewBox="0 0 {width} {_num(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-family="sans-serif" font-size="{FONT}" fill="{TEXT}">',
        f'<title id="{cid}-title">{_e(title)}</title>',
        f'<desc id="{cid}-desc">{_e(desc)}</desc>',
        f'<rect class="chart-background" width="{width}" height="{_num(height)}" fill="{BACKGROUND}"/>',
    ]


def _y_axis(ticks: list[float], y_of, left: float, right: float, value_label) -> list[str]:
    """Horizontal gridlines with their values at the left."""
    parts = ['<g class="chart-axis chart-axis-y">']
    for tick in ticks:
        y = y_of(tick)
        parts.append(f'<line class="chart-grid" x1="{_num(left)}" y1="{_num(y)}" x2="{_num(right)}" '
                     f'y2="{_num(y)}" stroke="{GRID}"/>')
        parts.append(f'<text x="{_num(left - GAP)}" y="{_num(y + SMALL * 0.35)}" text-anchor="end" '
                     f'font-size="{SMALL}" fill="{MUTED}">{_e(value_label(tick))}</text>')
    parts.append("</g>")
    return parts


def _x_labels(labels: list[str], x_of, y: float, band: float) -> list[str]:
    """Category labels under the plot, thinned to every k-th when they would not fit."""
    k = _thin(labels, band)
    parts = ['<g class="chart-axis chart-axis-x">']
    for i, label in enumerate(labels):
        if i % k == 0:
            parts.append(f'<text x="{_num(x_of(i))}" y="{_num(y)}" text-anchor="middle" '
                         f'font-size="{SMALL}" fill="{MUTED}">{_e(label)}</text>')
    parts.append("</g>")
    return parts


# --- Text summaries (the <desc>, and the page's visible sentence) -------------------------

def describe_bars(rows: list[tuple[str, float]], value_label: Callable[[float], str] = _whole) -> str:
    """"Largest: X (£1,234); smallest: Y (£12); 7 items." Plain text: escape it where it is used."""
    if not rows:
        return ""
    values = [_value(v) for _, v in rows]
    if len(rows) == 1:
        return f"One item: {rows[0][0]} ({value_label(values[0])})."
    top = max(range(len(rows)), key=values.__getitem__)       # the first, on a tie
    bottom = min(range(len(rows)), key=values.__getitem__)
    return (f"Largest: {rows[top][0]} ({value_label(values[top])}); "
            f"smallest: {rows[bottom][0]} ({value_label(values[bottom])}); {len(rows):,} items.")


def describe_series(periods: list[str], values: list[float | None],
                    value_label: Callable[[float], str] = _whole) -> str:
    """"From 2021-22 to 2024-25 the value went from A to B; highest C in 2023-24." Periods with
    no value are skipped. Plain text: escape it where it is used."""
    points = [(p, v) for p, v in zip(periods, map(_point, values)) if v is not None]
    if not points:
        return ""
    if len(points) == 1:
        return f"In {points[0][0]} the value was {value_label(points[0][1])}."
    (first, a), (last, b) = points[0], points[-1]
    peak, high = max(points, key=lambda pv: pv[1])             # the first, on a tie
    return (f"From {first} to {last} the value went from {value_label(a)} to {value_label(b)}; "
            f"highest {value_label(high)} in {peak}.")


def describe_lines(periods: list[str], series: list[tuple[str, list[float | None]]],
                   value_label: Callable[[float], str] = _whole) -> str:
    """describe_series for each series, named: "Result: from 2021-22 to ... Target: in 2024-25 ..."."""
    sentences = []
    for name, values in series:
        sentence = describe_series(periods, values, value_label)
        if sentence:
            sentences.append(f"{name}: {sentence[0].lower()}{sentence[1:]}")
    return " ".join(sentences)


# --- Charts -----------------------------------------------------------------------------

def bar_chart(title: str, rows: list[tuple[str, float]], *, value_label=_whole, chart_id: str,
              width: int = 640) -> Markup:
    """Horizontal bars, one a row in the given order: the label at the left (cut to 28
    characters; the full label is the row's <title>, a tooltip), the value at the bar's end.
    The longest bar fills the plot; a zero or negative value has no bar but keeps its labels."""
    if not rows:
        return Markup("")
    cid = safe_id(chart_id)
    values = [_value(v) for _, v in rows]
    labels = [str(label) for label, _ in rows]
    texts = [value_label(v) for v in values]
    plot_x = PAD + max(_text_width(_shorten(label)) for label in labels) + GAP
    plot_w = max(width - plot_x - GAP - max(_text_width(t) for t in texts) - PAD, 40)
    scale = plot_w / max(values) if max(values) > 0 else 0
    height = 2 * PAD + len(rows) * ROW

    parts = _open(cid, "bars", title, describe_bars(rows, value_label), width, height)
    for i, (label, value, text) in enumerate(zip(labels, values, texts)):
        top = PAD + i * ROW
        middle = top + ROW / 2 + FONT * 0.35                    # text baseline, centred on the row
        bar_w = max(value, 0) * scale
        parts += [
            '<g class="chart-row">',
            f"<title>{_e(label)}</title>",
            f'<text class="chart-label" x="{_num(plot_x - GAP)}" y="{_num(middle)}" '
            f'text-anchor="end">{_e(_shorten(label))}</text>',
            f'<rect class="chart-bar" x="{_num(plot_x)}" y="{_num(top + (ROW - BAR_HEIGHT) / 2)}" '
            f'width="{_num(bar_w)}" height="{BAR_HEIGHT}" fill="{BAR}"/>',
            f'<text class="chart-value" x="{_num(plot_x + bar_w + GAP)}" y="{_num(middle)}">{_e(text)}</text>',
            "</g>",
        ]
    parts.append(f'<line class="chart-axis" x1="{_num(plot_x)}" y1="{PAD}" x2="{_num(plot_x)}" '
                 f'y2="{_num(height - PAD)}" stroke="{AXIS}"/>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def column_chart(title: str, rows: list[tuple[str, float]], *, value_label=_whole, chart_id: str,
                 width: int = 640, height: int = 240, notes: dict[str, str] | None = None,
                 desc: str | None = None) -> Markup:
    """Vertical columns for a time series, in the given order: the y axis from 0 with 3 to 5
    round gridlines, the category under each column and its value above it (values left out
    when there are more than 12 columns or they would overlap: the tooltips and the page's
    table have them). A zero or negative value has no column. `notes` gives some categories a
    tooltip text instead of their value (a year with nothing recorded: "none recorded").
    `desc`: describe_series of the rows, when the caller has made it already."""
    if not rows:
        return Markup("")
    cid = safe_id(chart_id)
    values = [_value(v) for _, v in rows]
    labels = [str(label) for label, _ in rows]
    texts = [value_label(v) for v in values]
    ticks = _ticks(0, max(max(values), 0), value_label)
    left = PAD + max(_text_width(_label(value_label, t), SMALL) for t in ticks) + GAP
    right = width - PAD
    band = (right - left) / len(rows)
    column_w = min(band * 0.6, 64)
    show_values = len(rows) <= MAX_LABELLED_COLUMNS and max(_text_width(t) for t in texts) <= band
    top = PAD + (FONT + GAP if show_values else SMALL / 2)
    bottom = height - PAD - SMALL - GAP
    low, span = ticks[0], ticks[-1] - ticks[0]

    parts = _open(cid, "columns", title, describe_series(labels, values, value_label) if desc is None else desc,
                  width, height)
    axis = _column_y_axis if _keyable(value_label) else _column_y_axis.__wrapped__
    parts += axis(tuple(ticks), repr(ticks), top, bottom, left, right, value_label)
    notes = notes or {}
    for i, (label, value, text) in enumerate(zip(labels, values, texts)):
        y = bottom - (max(value, 0) - low) / span * (bottom - top)
        x = left + (i + 0.5) * band
        parts += [
            '<g class="chart-column">',
            f"<title>{_e(label)}: {_e(notes.get(label, text))}</title>",
            f'<rect class="chart-bar" x="{_num(x - column_w / 2)}" y="{_num(y)}" width="{_num(column_w)}" '
            f'height="{_num(bottom - y)}" fill="{BAR}"/>',
        ]
        if show_values:
            parts.append(f'<text class="chart-value" x="{_num(x)}" y="{_num(y - GAP)}" '
                         f'text-anchor="middle">{_e(text)}</text>')
        parts.append("</g>")
    parts.append(f'<line class="chart-axis" x1="{_num(left)}" y1="{_num(bottom)}" x2="{_num(right)}" '
                 f'y2="{_num(bottom)}" stroke="{AXIS}"/>')
    parts += _column_x_labels(tuple(labels), left, band, bottom + GAP + SMALL)
    parts.append("</svg>")
    return Markup("\n".join(parts))


# A column chart's axes depend only on its ticks, years and size: the same few for most of
# the thousands of charts by year, so they are made once each. (The ticks' repr is in the key:
# 0 and 0.0 are equal, yet value_label may write them differently.)
@functools.lru_cache(maxsize=1024)
def _column_y_axis(ticks: tuple[float, ...], _written: str, top: float, bottom: float, left: float, right: float,
                   value_label) -> tuple[str, ...]:
    return tuple(_y_axis(list(ticks), lambda v: bottom - (v - ticks[0]) / (ticks[-1] - ticks[0]) * (bottom - top),
                         left, right, value_label))


@functools.lru_cache(maxsize=1024)
def _column_x_labels(labels: tuple[str, ...], left: float, band: float, y: float) -> tuple[str, ...]:
    return tuple(_x_labels(list(labels), lambda i: left + (i + 0.5) * band, y, band))


def _marker(shape: str, x: float, y: float, colour: str, tooltip: str | None = None) -> str:
    """A point's marker: filled circle, hollow square or filled diamond."""
    title = f"<title>{_e(tooltip)}</title>" if tooltip else ""
    if shape == "circle":
        return f'<circle class="chart-point" cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{colour}">{title}</circle>'
    if shape == "square":
        return (f'<rect class="chart-point" x="{_num(x - 4)}" y="{_num(y - 4)}" width="8" height="8" '
                f'fill="{BACKGROUND}" stroke="{colour}" stroke-width="2">{title}</rect>')
    return (f'<path class="chart-point" d="M{_num(x)} {_num(y - 5)}L{_num(x + 5)} {_num(y)}L{_num(x)} '
            f'{_num(y + 5)}L{_num(x - 5)} {_num(y)}Z" fill="{colour}">{title}</path>')


def line_chart(title: str, periods: list[str], series: list[tuple[str, list[float | None]]], *,
               value_label=_whole, chart_id: str, width: int = 640, height: int = 240) -> Markup:
    """Up to 3 lines over the same periods (an indicator's results and its target), with a
    legend. None (or NaN) is a gap: the line breaks there. The y axis covers the values with
    10% to spare (from 0 when that would go below 0 for values that are not negative); the
    period labels are thinned to every k-th when there are more than 12."""
    if len(series) > len(SERIES):
        raise ValueError(f"a line chart has at most {len(SERIES)} series, not {len(series)}")
    for name, values in series:
        if len(values) != len(periods):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(periods)} periods")
    cid = safe_id(chart_id)
    periods = [str(p) for p in periods]
    lines = [(str(name), [_point(v) for v in values]) for name, values in series]
    known = [v for _, values in lines for v in values if v is not None]
    if not periods or not known:
        return Markup("")
    lo, hi = min(known), max(known)
    spare = (hi - lo or abs(hi) or 1) * 0.1
    ticks = _ticks(0 if lo >= 0 and lo - spare < 0 else lo - spare, hi + spare, value_label)
    left = PAD + max(_text_width(value_label(t), SMALL) for t in ticks) + GAP
    right = width - PAD

    # The legend: a sample of each line with its marker, then its name; wraps onto new rows.
    legend, x, y = ['<g class="chart-legend">'], left, PAD + FONT / 2
    for (name, _), (colour, dash, shape) in zip(lines, SERIES):
        shown = _shorten(name)
        item_w = 28 + GAP + _text_width(shown) + 3 * GAP
        if x > left and x + item_w > right:
            x, y = left, y + FONT + GAP
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        legend += [
            '<g class="chart-legend-item">',
            f'<line x1="{_num(x)}" y1="{_num(y)}" x2="{_num(x + 28)}" y2="{_num(y)}" stroke="{colour}" '
            f'stroke-width="2.5"{dashes}/>',
            _marker(shape, x + 14, y, colour),
            f'<text x="{_num(x + 28 + GAP)}" y="{_num(y + FONT * 0.35)}">{_e(shown)}</text>',
            "</g>",
        ]
        x += item_w
    legend.append("</g>")

    top = y + FONT / 2 + GAP + SMALL / 2
    bottom = height - PAD - SMALL - GAP
    band = (right - left) / len(periods)

    def y_of(v: float) -> float:
        return bottom - (v - ticks[0]) / (ticks[-1] - ticks[0]) * (bottom - top)

    def x_of(i: int) -> float:
        return left + (i + 0.5) * band

    parts = _open(cid, "lines", title, describe_lines(periods, lines, value_label), width, height)
    parts += _y_axis(ticks, y_of, left, right, value_label)
    parts.append(f'<line class="chart-axis" x1="{_num(left)}" y1="{_num(bottom)}" x2="{_num(right)}" '
                 f'y2="{_num(bottom)}" stroke="{AXIS}"/>')
    parts += _x_labels(periods, x_of, bottom + GAP + SMALL, band)
    parts += legend
    for number, ((name, values), (colour, dash, shape)) in enumerate(zip(lines, SERIES), start=1):
        # One path; each run of values after a gap starts with a new M (move) command.
        path, previous = [], None
        for i, v in enumerate(values):
            if v is not None:
                path.append(f"{'L' if previous is not None else 'M'}{_num(x_of(i))} {_num(y_of(v))}")
            previous = v
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts += [f'<g class="chart-series chart-series-{number}">',
                  f'<path class="chart-line" d="{"".join(path)}" fill="none" stroke="{colour}" '
                  f'stroke-width="2.5" stroke-linejoin="round"{dashes}/>']
        parts += [_marker(shape, x_of(i), y_of(v), colour, f"{name}, {periods[i]}: {value_label(v)}")
                  for i, v in enumerate(values) if v is not None]
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("\n".join(parts))


def sparkline(label: str, periods: list[str], values: list[float | None], targets: list[float | None] | None = None,
              *, value_label=_whole, width: int = 120, height: int = 32) -> Markup:
    """A small line of values over periods, for a table cell: no axes or labels, the last value
    marked, the target (if any) as a dashed line. Its accessible name says every value:
    "<label>: 2021-22 5.9%, 2022-23 6%, ...". Empty when no value is known."""
    points = [_point(v) for v in values]
    goals = [_point(v) for v in targets] if targets is not None else []
    known = [v for v in points + goals if v is not None]
    if not periods or not [v for v in points if v is not None]:
        return Markup("")
    lo, hi = min(known), max(known)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    pad = 4
    band = (width - 2 * pad) / max(1, len(periods) - 1)

    def x_of(i: int) -> float:
        return pad + i * band if len(periods) > 1 else width / 2

    def y_of(v: float) -> float:
        return height - pad - (v - lo) / (hi - lo) * (height - 2 * pad)

    def path(series: list[float | None]) -> str:
        out, previous = [], None
        for i, v in enumerate(series):
            if v is not None:
                out.append(f"{'L' if previous is not None else 'M'}{_num(x_of(i))} {_num(y_of(v))}")
            previous = v
        return "".join(out)

    said = ", ".join(f"{p} {value_label(v)}" for p, v in zip(periods, points) if v is not None)
    name = f"{label}: {said}"
    if goals and any(v is not None for v in goals):
        name += "; target " + ", ".join(f"{p} {value_label(v)}" for p, v in zip(periods, goals) if v is not None)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" role="img" aria-label="{_e(name)}" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
             f"<title>{_e(name)}</title>"]
    colour, (target_colour, dash, _) = SERIES[0][0], SERIES[1]
    if goals and any(v is not None for v in goals):
        parts.append(f'<path d="{path(goals)}" fill="none" stroke="{target_colour}" stroke-width="1.5" '
                     f'stroke-dasharray="{dash}"/>')
    parts.append(f'<path d="{path(points)}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"/>')
    last = max(i for i, v in enumerate(points) if v is not None)
    parts.append(f'<circle cx="{_num(x_of(last))}" cy="{_num(y_of(points[last]))}" r="3" fill="{colour}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass
class Chart:
    """A chart with its summary sentence and the same numbers as a table."""

    svg: Markup
    summary: str
    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: tuple = ()
