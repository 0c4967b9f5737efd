"""Contract KPIs on the site (model/kpis.py computes them):

- a contract's page: each key performance indicator (KPI) with a chart of its results against its
  target over time and a table of its periods, targets, results and ratings (contract_section);
- an outcome's page: the latest period of every KPI that serves it, beside its indicators (the
  "kpis" list, kpi_rows);
- the Contract performance page (performance/): the rated contracts with their ratings counted by
  financial year, a page per financial year and per rating to filter them, each with the CSV of the
  KPI rows it counts (performance_pages).

A council with no contract_kpis rows gets none of this: no page, no navigation entry (site/mkdocs.py
leaves out the pages not written) and nothing on the contract and outcome pages.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from ..data.checks_kpis import RATINGS
from ..model.entities import slugify
from ..model.kpis import Kpis, rating_counts_by_year
from ..model.values import missing, records
from . import charts, listing
from .charts import Chart
from .format import MONTHS, gbp, long_date, number
from .listing import Heading, RowSet
from .templating import write_page
from .urls import beside, href, url_of

FOLDER = "performance"  # the Contract performance pages
PAGE = f"{FOLDER}/index.md"
CONTRACT_PERIODS = 12  # most periods of a KPI in its table on a contract's page; all are in the CSV
NOT_ASSESSED = "not yet assessed"
RATING_MEANINGS = [  # Procurement Regulations 2024, regulation 39(5)
    ("Good", "performance is meeting or exceeding the KPI"),
    ("Approaching target", "performance is close to meeting the KPI"),
    ("Requires improvement", "performance is below the KPI"),
    ("Inadequate", "performance is significantly below the KPI"),
    ("Other", "performance cannot be described as any of these"),
]


# --- values as a reader sees them ---------------------------------------------------------------


def value_text(value, unit) -> str:
    """A target or result value in its unit: 96.2%, £1,200, 12 days; "" when there is none."""
    if missing(value):
        return ""
    unit = "" if missing(unit) else str(unit)
    if unit == "percent":
        return f"{number(value)}%"
    if unit == "pounds":
        return gbp(value)
    return f"{number(value)} {unit}".strip()


def _day(value) -> dt.date:
    return value.date() if hasattr(value, "date") else value


def period_text(start, end) -> str:
    """A period in full: 1 April 2025 to 30 June 2025."""
    return f"{long_date(_day(start))} to {long_date(_day(end))}"


def period_label(start, end) -> str:
    """A period in short, for a chart's axis: 2025-26 for a whole financial year, 2025-26 Q1 for one of
    its quarters, Apr–Jun 2026 for whole months, else its days (23 Jan–22 Apr 2026)."""
    start, end = _day(start), _day(end)
    year = start.year if start.month >= 4 else start.year - 1
    fy = f"{year}-{(year + 1) % 100:02d}"
    if start == dt.date(year, 4, 1) and end == dt.date(year + 1, 3, 31):
        return fy
    month_end = (pd.Timestamp(end) + pd.offsets.MonthEnd(0)).date() == end
    quarter = (start.month - 4) % 12 // 3
    if start.day == 1 and start.month in (4, 7, 10, 1) and month_end and \
            (end.year * 12 + end.month) - (start.year * 12 + start.month) == 2:
        return f"{fy} Q{quarter + 1}"
    same_year = "" if start.year == end.year else f" {start.year}"
    if start.day == 1 and month_end:
        return f"{MONTHS[start.month - 1][:3]}{same_year}–{MONTHS[end.month - 1][:3]} {end.year}"
    return f"{start.day} {MONTHS[start.month - 1][:3]}{same_year}–{end.day} {MONTHS[end.month - 1][:3]} {end.year}"


def _target(row: dict) -> str:
    return value_text(row["target_value"], row["unit"]) or str(row["target"])


def _result(row: dict) -> str:
    return value_text(row["result_value"], row["unit"])


def _rating(row: dict) -> str:
    return NOT_ASSESSED if missing(row["rating"]) else str(row["rating"])


# --- the lists -----------------------------------------------------------------------------------


def kpi_rows(tables: dict, source: tuple[str, listing.Texts], entities, kpis: Kpis) -> RowSet:
    """The KPI list (an outcome's page): one row per contract_kpis row, its CSV line the source's."""
    frame = kpis.frame
    rows = records(frame)
    contracts = entities.by_kind["contract"]
    title = listing._text(frame["kpi"])
    contract = listing._linked(frame["contract_id"], contracts, "contracts")
    period = np.array([escape(period_text(r["period_start"], r["period_end"])) for r in rows], dtype=object)
    period_key = listing._each_distinct(frame["period_end"], lambda v: v.strftime("%Y-%m-%d"))
    target = np.array([str(escape(_target(r))) for r in rows], dtype=object)
    result = np.array([str(escape(_result(r) or ("" if missing(r["result"]) else r["result"]))) for r in rows],
                      dtype=object)
    rating = np.array([str(escape(_rating(r))) for r in rows], dtype=object)
    header, lines = source  # contract_kpis: its header and CSV lines (listing.source_lines)
    return RowSet("contract_kpis",
                  [Heading("Key performance indicator"), Heading("Contract"), Heading("Period", "date"),
                   Heading("Target"), Heading("Result"), Heading("Rating")],
                  listing._assemble([("th", title, None, ""), ("td", contract, None, ""),
                                     ("td", period, period_key, ""), ("td", target, None, ""),
                                     ("td", result, None, ""), ("td", rating, None, "")]),
                  header, lines)


def performance_rows(tables: dict, source: tuple[str, listing.Texts], entities, kpis: Kpis) -> RowSet:
    """The contract performance list: one row per contract and financial year with a rated period (the
    model's summary), with the count of each rating; its CSV lines are the rated contract_kpis rows it
    counts, as the source has them."""
    summary = kpis.summary
    contracts = entities.by_kind["contract"]
    organisations = entities.by_kind["organisation"]
    c = tables["contracts"].drop_duplicates("contract_id").set_index("contract_id")
    title = listing._linked(summary["contract_id"], contracts, "contracts")
    supplier_ids = summary["contract_id"].map(c["supplier_org_id"])
    supplier = listing._linked(supplier_ids, organisations, "organisations")
    cells = [("th", title, None, ""), ("td", supplier, None, ""), ("td", listing._text(summary["year"]), None, "")]
    for column in [*RATINGS, "rated"]:
        counts = summary[column].astype(int)
        cells.append(("td", counts.map(number).to_numpy(dtype=object), counts.astype(str).to_numpy(dtype=object),
                      "num"))
    header, lines = source  # contract_kpis: its header and CSV lines (listing.source_lines)
    frame = kpis.frame
    rated = np.flatnonzero(frame["rating"].notna().to_numpy())
    keys = list(zip(frame["contract_id"].to_numpy()[rated], kpis.years.to_numpy()[rated]))
    grouped: dict[tuple, list[int]] = {}
    for key, position in zip(keys, rated):
        grouped.setdefault(key, []).append(int(position))
    behind = [grouped.get(key, []) for key in zip(summary["contract_id"], summary["year"])]
    return RowSet("contract_kpis",
                  [Heading("Contract"), Heading("Supplier"), Heading("Financial year"),
                   *[Heading(r, "number") for r in RATINGS], Heading("Rated periods", "number")],
                  listing._assemble(cells), header,
                  (lines.join(p) for p in behind),
                  csv_counts=np.array([len(p) for p in behind], dtype=np.int64), csv_noun="rated KPI periods")


# --- a contract's page ---------------------------------------------------------------------------


def contract_section(w, entity) -> dict | None:
    """What a contract's page shows of its KPIs (None: it has none), and the CSV of its KPI rows."""
    kpis: Kpis | None = w.kpis
    if kpis is None or entity.key not in kpis.by_contract:
        return None
    page = entity.page
    records = w.kpi_records()
    items, every, latest = [], [], []
    for kpi_id, positions in kpis.by_contract[entity.key]:
        rows = [records[p] for p in positions]
        every += list(positions)
        last = rows[-1]  # the KPI as it now stands
        shown = rows[-CONTRACT_PERIODS:]
        rated = [r for r in rows if not missing(r["rating"])]
        if rated:
            latest.append(rated[-1]["rating"])
        table_rows = []
        for r in shown:
            result = escape(_result(r))
            if not missing(r["result"]):
                result = Markup("{}{}<span class=\"row-note\">{}</span>").format(
                    result, Markup("<br>") if result else "", r["result"])
            table_rows.append([period_text(r["period_start"], r["period_end"]), _target(r), result, _rating(r),
                               long_date(_day(r["published"])) if not missing(r["published"]) else ""])
        outcome = None if missing(last["outcome_id"]) else w.link(page, "outcome", last["outcome_id"])
        items.append({
            "id": f"kpi-{slugify(kpi_id)}",
            "title": last["kpi"],
            "target": last["target"],
            "outcome": outcome,
            "chart": _kpi_chart(entity, kpi_id, rows),
            "rows": table_rows,
            "numeric": (1, 2) if any(not missing(r["target_value"]) for r in rows) else (2,),
            "earlier": len(rows) - len(shown),
        })
    path = beside(page, "kpis") + ".csv"
    header, lines = w.rows["kpis"].csv_header, w.rows["kpis"].csv_lines
    text = header + lines.join(np.array(sorted(every), dtype=np.int64))
    w.write_file(path, text)
    counts = [(r, latest.count(r)) for r in RATINGS if latest.count(r)]
    return {"items": items, "csv": href(page, path), "csv_rows": len(every), "csv_bytes": len(text.encode("utf-8")),
            "latest": ", ".join(f"{n} {r}" for r, n in counts),
            "performance": href(page, url_of(PAGE)) if len(kpis.summary) else None,
            "dataset": href(page, "datasets/contract_kpis/")}


def _kpi_chart(entity, kpi_id: str, rows: list[dict]) -> Chart | None:
    """A KPI's results against its target by period, up to its latest result: a line chart, when two
    periods or more have a result value."""
    measured = [k for k, r in enumerate(rows) if not missing(r["result_value"])]
    if len(measured) < 2:
        return None
    rows = rows[:measured[-1] + 1]
    unit = next((r["unit"] for r in rows if not missing(r["unit"])), None)
    labels = [period_label(r["period_start"], r["period_end"]) for r in rows]
    values = [None if missing(r["result_value"]) else float(r["result_value"]) for r in rows]
    targets = [None if missing(r["target_value"]) else float(r["target_value"]) for r in rows]
    series = [("Result", values)] + ([("Target", targets)] if any(t is not None for t in targets) else [])

    def fmt(v, unit=unit):
        return value_text(v, unit)

    summary = charts.describe_series(labels, values, fmt)
    known = {t for t in targets if t is not None}
    if len(known) == 1:
        summary += f" The target was {fmt(known.pop())} throughout."
    elif known:
        summary += " Target: " + charts.describe_series(labels, targets, fmt)
    title = f"{rows[0]['kpi']}: results against target"
    return Chart(svg=charts.line_chart(title, labels, series, value_label=fmt,
                                       chart_id=f"kpi-{entity.slug}-{kpi_id}"),
                 summary=summary, caption="", headers=[], rows=[])


# --- the Contract performance pages --------------------------------------------------------------


def has_performance(kpis: Kpis | None) -> bool:
    return kpis is not None and len(kpis.summary) > 0


def performance_pages(w) -> None:
    """performance/index.md: every rated contract by financial year, the totals by year, and the filter
    pages (a financial year, a rating), each list with the CSV of the KPI rows it counts."""
    kpis: Kpis = w.kpis
    summary = kpis.summary
    positions = np.arange(len(summary))
    filters = []
    for year in sorted(set(summary["year"]), reverse=True):
        filters.append((year, f"Rated in {year}", positions[(summary["year"] == year).to_numpy()],
                        f"Contracts with a KPI period ending in the financial year {year}."))
    for rating in RATINGS:
        mask = (summary[rating] > 0).to_numpy()
        if mask.any():
            filters.append((slugify(rating), f"Rated {rating}", positions[mask],
                            f"Contracts with a KPI period rated {rating}, by the financial year the period ends in."))
    links = []
    for name, title, chosen, intro in filters:
        page = f"{FOLDER}/{name}.md"
        sections = w.sections(page, title, [("performance", "contracts", title, chosen, intro)])
        write_page(w.env, w.docs, page, "performance_filter.md.j2", title=title, sections=sections,
                   count=len(chosen), **w.common)
        links.append((name, title, len(chosen)))
    sections = w.sections(PAGE, "every rated contract", [
        ("performance", "contracts", "Rated contracts", positions,
         "Newest financial year first. Each contract's page has its KPIs, with every period's target, result "
         "and rating.")])
    years = [[year, *[number(c[r]) for r in RATINGS], number(c["rated"]),
              number(int((summary["year"] == year).sum()))] for year, c in rating_counts_by_year(summary)]
    write_page(w.env, w.docs, PAGE, "performance.md.j2", sections=sections, filters=links, years=years,
               meanings=RATING_MEANINGS, ratings=RATINGS, contracts=summary["contract_id"].nunique(), **w.common)

