"""The "Who the grants reach" pages (issue 19): for each financial year, the grants to first-time recipients,
by the recipients' size and by the communities that lead them and that they serve, with "not recorded" as a
row of its own; an index page with every year's first-time share; and the figures as CSV files.

The figures are model/reach.py's; this module only formats and writes them. With no grants there are no
pages (and mkdocs.present_nav drops the entry), as for any empty dataset. A size or DEI table is left out,
and a sentence says the data does not record it, when no recipient organisation in the data has a value.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from markupsafe import Markup

from ..data import dei
from ..model.reach import INDIVIDUALS, NOT_RECORDED, Reach, ReachRow, YearReach, grants_reach
from .format import gbp, number
from .templating import write_page
from .urls import href

FOLDER = "grants-reach"
CSV_COLUMNS = ["financial_year", "measure", "category", "code", "grants", "share_of_grants", "amount_gbp",
               "share_of_amount"]
MEASURES = {"first_time": "first-time recipients", "by_size": "size (income band)", "led_by": "led by",
            "serving": "communities served"}
HEADERS = ["Recipients", "Grants", "Share of grants", "Money", "Share of money"]


def share(value: float) -> str:
    """A share as the pages show it: 12.3%."""
    return f"{value * 100:.1f}%"


def category_label(measure: str, category: str) -> str:
    """What a row is called on the page."""
    if category == NOT_RECORDED:
        return "Not recorded"
    if category == INDIVIDUALS:
        return "Individuals (never recorded for a person)"
    if measure == "first_time":
        return {"first-time": "First-time recipients (no earlier grant in the data)",
                "returning": "Recipients with an earlier grant in the data"}[category]
    if measure == "by_size":
        return f"{category[:1].upper()}{category[1:]} ({dei.INCOME_BAND_TEXT[category]})"
    return dei.label(category)


def _table_rows(measure: str, rows: list[ReachRow]) -> list[list[str]]:
    return [[category_label(measure, r.category), number(r.grants), share(r.share_grants), gbp(r.amount, False),
             share(r.share_amount)] for r in rows]


def _csv_rows(y: YearReach) -> list[list]:
    out = []
    for measure, name in MEASURES.items():
        for r in getattr(y, measure) or []:
            code = r.category if measure in ("led_by", "serving") and r.category not in (NOT_RECORDED, INDIVIDUALS) \
                else ""
            out.append([y.year, name, category_label(measure, r.category), code, r.grants, round(r.share_grants, 6),
                        round(r.amount, 2), round(r.share_amount, 6)])
    return out


def csv_text(years: list[YearReach]) -> str:
    """The figures of these years as CSV (UTF-8, LF line ends): a row per table row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for y in years:
        writer.writerows(_csv_rows(y))
    return buffer.getvalue()


def _write_csv(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def link_to(page: str, year: str) -> Markup:
    """A link from `page` to a year's page."""
    return Markup('<a href="{}">{}</a>').format(href(page, f"{FOLDER}/{year}/"), year)


def _first_time_summary(reach: Reach) -> list[list[str]]:
    """The index page's table: each year's grants and the first-time recipients' share."""
    rows = []
    for y in reach.years:
        first = y.first_time[0] if y.first_time else None
        link = link_to(f"{FOLDER}/index.md", y.year)
        if not y.grants:
            rows.append([link, "0", "no grants recorded", "", "", ""])
        elif first is None:
            rows.append([link, number(y.grants), "not measured: the first year in the data", "", "", ""])
        else:
            rows.append([link, number(y.grants), number(first.grants), share(first.share_grants),
                         gbp(first.amount, False), share(first.share_amount)])
    return rows


def write_pages(env, docs_dir: Path, site, common: dict) -> Reach | None:
    """The index page, one page per financial year and their CSV files; nothing when there are no grants."""
    reach = grants_reach(site.tables)
    if reach is None:
        return None
    _write_csv(docs_dir / FOLDER / "grants-reach.csv", csv_text(reach.years))
    summary = _first_time_summary(reach)
    write_page(env, docs_dir, f"{FOLDER}/index.md", "grants_reach_index.md.j2", reach=reach, summary=summary,
               **common)
    for y in reach.years:
        _write_csv(docs_dir / FOLDER / f"{y.year}.csv", csv_text([y]))
        tables = {measure: _table_rows(measure, getattr(y, measure) or []) for measure in MEASURES}
        page = f"{FOLDER}/{y.year}.md"
        links = [(other.year, href(page, f"{FOLDER}/{other.year}/"), other.year == y.year) for other in reach.years]
        write_page(env, docs_dir, page, "grants_reach.md.j2", y=y, reach=reach, tables=tables,
                   headers=HEADERS, year_links=links, **common)
    return reach
