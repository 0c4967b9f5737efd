"""Formatting: data values as a reader sees them (£1,234, 15 January 2025, 12%), and escaped for
Markdown. Every page and list formats through these, so a value reads the same everywhere."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from markupsafe import Markup, escape

from ..model.values import missing

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def md(value) -> Markup:
    """Escape text for a Markdown context: Markdown syntax first, then HTML."""
    text = _MD_SPECIAL.sub(r"\\\1", "" if value is None else str(value))
    return Markup(escape(text.replace("\r", " ").replace("\n", " ")))


def gbp(value, pence: bool = True) -> str:
    """£1,234,567 for whole pounds; £1,234.50 when there are pence and `pence` is on."""
    if missing(value):
        return ""
    value = float(value)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if pence and round(value, 2) != round(value):
        return f"{sign}£{value:,.2f}"
    return f"{sign}£{round(value):,}"


def long_date(value) -> str:
    """15 January 2025."""
    if missing(value):
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def number(value) -> str:
    if missing(value):
        return ""
    value = float(value)
    return f"{int(value):,}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def plural(count, word: str, words: str | None = None) -> str:
    """A count and its noun, agreeing: "1 grant", "1,600 grants", "1 opportunity" (give `words`
    when the plural is not the word and an s). findings.plural does the same for messages."""
    return f"{number(count)} {word if count == 1 else (words or word + 's')}"


def percent(value) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def file_size(size: int) -> str:
    if size < 1024:
        return plural(size, "byte")
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def change(current: float, previous: float | None) -> str:
    """The change on the year before, in words, with its leading comma:
    ", up 12% on the year before"; nothing when there is no year to compare."""
    if previous is None or previous == 0:
        return ""
    ratio = (current - previous) / previous
    if abs(ratio) < 0.005:
        return ", no change on the year before"
    return f", {'up' if ratio > 0 else 'down'} {abs(ratio) * 100:.0f}% on the year before"


def link(text: str, href: str) -> Markup:
    """An HTML link for a table cell. `href` is relative to the page's own URL
    (directory URLs: datasets/grants.md is served at datasets/grants/)."""
    return Markup('<a href="{}">{}</a>').format(href, text)


def shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def cell(value, spec: dict) -> str:
    """A value from a table, formatted for reading according to its schema field."""
    if missing(value):
        return ""
    ftype, name = spec.get("type"), spec.get("name", "")
    if ftype == "date":
        return long_date(value)
    if ftype == "boolean":
        return "yes" if value else "no"
    if ftype == "number" and (name.endswith("_gbp") or name.startswith("amount")):
        return gbp(value)
    if ftype in ("number", "integer"):
        return number(value)
    return str(value)


NONE_RECORDED = "none recorded"  # a year in the data's range with no contract or grant: its label in lists


def none_recorded(years, what: str = "contracts or grants") -> str:
    """The sentence for years inside the data's range with nothing in them: "No contracts or
    grants recorded in 2015-16 and 2017-18."; "" for no years."""
    years = list(years)
    if not years:
        return ""
    listed = years[0] if len(years) == 1 else f"{', '.join(years[:-1])} and {years[-1]}"
    return f"No {what} recorded in {listed}."


def html_table(caption, headers, rows, numeric=(), label=None) -> Markup:
    """A table in a scrolling region named `label` (by default its caption): the headers, then
    each row with its first cell as the row's header; the columns in `numeric` (0-based) are
    numbers, aligned right. Every value is escaped unless it is Markup. (It is what the
    templates' `table` macro, macros.j2, returns: written here, as the macro's loops cost
    more than the rest of a page at 1M grants, where some 300,000 pages have a chart's table.)"""
    head = "".join(f'<th scope="col"{_NUM if i in numeric else ""}>{escape(h)}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join((f'<th scope="row"{_NUM if i in numeric else ""}>{escape(v)}</th>' if i == 0 else
                          f'<td{_NUM if i in numeric else ""}>{escape(v)}</td>') for i, v in enumerate(row)) + "</tr>\n"
        for row in rows)
    return Markup(f'<div class="table-scroll" role="region" aria-label="{escape(label or caption)}" tabindex="0">\n'
                  f"<table>\n<caption>{escape(caption)}</caption>\n<thead>\n<tr>{head}</tr>\n</thead>\n"
                  f"<tbody>\n{body}</tbody>\n</table>\n</div>")


_NUM = ' class="num"'


def facts_html(items) -> Markup:
    """Facts about one thing, as a description list: each (label, value) as a term and its
    description, escaped unless Markup (a ready-made link); nothing for no items. (Written here
    for speed, as html_table is: every entity page has one, some 600,000 pages at 1M grants.)"""
    if not items:
        return Markup("")
    return Markup('<dl class="dataset-facts">\n'
                  + "".join([f"<dt>{_label(label) if type(label) is str else escape(label)}</dt><dd>{escape(value)}</dd>\n"
                             for label, value in items])
                  + "</dl>\n")


@lru_cache(maxsize=1024)
def _label(text: str) -> str:
    """A label (a str, never Markup: facts_html) escaped: the same few on every page."""
    return str(escape(text))
