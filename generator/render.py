"""Render stage: Markdown pages from the model, through Jinja2 templates.

Every data value is escaped for HTML (autoescape) and, where it lands in
Markdown text rather than inside an HTML element, for Markdown too (the `md`
filter): Python-Markdown passes raw HTML and links straight through.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup, escape

from . import catalogue
from .config import ROOT
from .model import previous_financial_year

TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = ROOT / "site_src" / "assets"

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def md(value) -> Markup:
    """Escape text for a Markdown context: Markdown syntax first, then HTML."""
    text = _MD_SPECIAL.sub(r"\\\1", "" if value is None else str(value))
    return Markup(escape(text.replace("\r", " ").replace("\n", " ")))


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def gbp(value, pence: bool = True) -> str:
    """£1,234,567 for whole pounds; £1,234.50 when there are pence and `pence` is on."""
    if _missing(value):
        return ""
    value = float(value)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if pence and round(value, 2) != round(value):
        return f"{sign}£{value:,.2f}"
    return f"{sign}£{round(value):,}"


def long_date(value) -> str:
    """15 January 2025."""
    if _missing(value):
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def number(value) -> str:
    if _missing(value):
        return ""
    value = float(value)
    return f"{int(value):,}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def percent(value) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
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
    if _missing(value):
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


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md=md, gbp=gbp, long_date=long_date, number=number, percent=percent,
                       file_size=file_size, cell=cell)
    env.globals.update(change=change)
    return env


def write_page(env: jinja2.Environment, docs_dir: Path, page: str, template: str, **context) -> None:
    path = docs_dir / page
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(env.get_template(template).render(**context), encoding="utf-8")


TYPE_LABELS = {"string": "text", "number": "number", "integer": "whole number", "date": "date (YYYY-MM-DD)",
               "boolean": "yes or no"}
PREVIEW_ROWS = 10
QUALITY_ROWS = 200  # warnings listed on a quality page; all are in the CSV download


def dictionary_rows(fields: list[dict]) -> list[list[str]]:
    rows = []
    for spec in fields:
        constraints = spec.get("constraints", {})
        if "enum" in constraints:
            allowed = "one of: " + "; ".join(str(v) for v in constraints["enum"])
        else:
            allowed = f"for example {spec['example']}" if spec.get("example") else ""
        rows.append([
            spec.get("title", spec["name"]),
            spec["name"],
            TYPE_LABELS.get(spec.get("type", "string"), spec.get("type")),
            "yes" if constraints.get("required") else "no",
            spec.get("description", ""),
            allowed,
        ])
    return rows


def preview_rows(frame: pd.DataFrame, fields: list[dict]) -> list[list[str]]:
    return [[shorten(cell(value, spec)) for value, spec in zip(row, fields)]
            for row in frame.head(PREVIEW_ROWS).itertuples(index=False, name=None)]


def write_dashboards(env, docs_dir: Path, site, common: dict) -> None:
    """The home page (the latest complete financial year) and one page per financial year."""
    from . import charts
    from .entity_pages import Chart

    by_year = sorted(site.model.by_year.items())

    def year_links(page: str, current: str) -> list:
        from .listing import href
        return [(y if f.complete else f"{y} (so far)", href(page, f"years/{y}/"), y == current) for y, f in by_year]

    points = [(y, f.total) for y, f in by_year]
    whole = lambda v: gbp(v, False)  # noqa: E731
    chart = Chart(
        svg=charts.column_chart("Contracts and grants by financial year", points, value_label=whole,
                                chart_id="years-total"),
        summary=charts.describe_series([y for y, _ in points], [v for _, v in points], whole),
        caption="Contracts and grants by financial year",
        headers=["Financial year", "Contracts starting", "Contract value", "Grants awarded", "Grant value"],
        rows=[[y if f.complete else f"{y} (so far)", number(f.contracts_count), gbp(f.contracts_total, False)]
              + ([number(f.grants_count), gbp(f.grants_total, False)] if f.grants_covered else ["not in the data"] * 2)
              for y, f in by_year],
        numeric=(1, 2, 3, 4),
    ) if points else None
    write_page(env, docs_dir, "index.md", "home.md.j2", chart=chart,
               year_links=year_links("index.md", ""), **common)
    tables = site.tables
    for year, figures in by_year:
        previous = site.model.by_year.get(previous_financial_year(year))
        if previous is not None and not previous.grants_covered:
            previous = None
        c = tables["contracts"][site.entities.contract_year.to_numpy() == year]
        g = tables["grants"][site.entities.grant_year.to_numpy() == year]
        groups = [[k[:1].upper() + k[1:], number(len(v)), gbp(v.sum(), False)]
                  for k, v in c.groupby("client_group")["total_value_gbp"]]
        programmes = [[k, number(len(v)), gbp(v.sum(), False)]
                      for k, v in g.groupby("programme")["amount_awarded"]]
        page = f"years/{year}.md"
        write_page(env, docs_dir, page, "year.md.j2", h=figures, p=previous, year_links=year_links(page, year),
                   groups=groups, programmes=programmes, **common)


def render(site, docs_dir: Path):
    """Write every page MkDocs builds into docs_dir (the MkDocs docs folder). Returns the
    writer of the entity pages, which are made after MkDocs (entity_pages.render_html)."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ASSETS, docs_dir / "assets")
    env = environment()
    common = dict(config=site.config, model=site.model, datasets=site.datasets)

    write_dashboards(env, docs_dir, site, common)

    dataset_rows = [[link(d.title, f"{d.name}/"), number(d.rows), long_date(d.last_updated) if d.last_updated else "not known",
                     d.description] for d in site.datasets]
    write_page(env, docs_dir, "datasets/index.md", "datasets.md.j2", dataset_rows=dataset_rows,
               zip=site.package_zip, **common)
    for d in site.datasets:
        write_page(env, docs_dir, f"datasets/{d.name}.md", "dataset.md.j2", dataset=d,
                   jsonld=catalogue.script_json(catalogue.dataset_jsonld(d, site.config)),
                   dictionary=dictionary_rows(d.fields),
                   preview=preview_rows(d.frame, d.fields),
                   preview_headers=[f.get("title", f["name"]) for f in d.fields],
                   preview_numeric=tuple(i for i, f in enumerate(d.fields) if f.get("type") in ("number", "integer")),
                   **common)

    commissioner_rows = [[c.name, c.commissioner_type, long_date(c.active_from) or "", long_date(c.active_to) or "",
                          "" if _missing(c.note) else c.note]
                         for c in site.commissioners.itertuples(index=False)]
    decisions = site.entities.by_kind["decision"] if site.entities else {}
    seed = next(iter(decisions.values()), None)  # the first record: the decision that created the approach
    seed_date = None
    if seed is not None and not pd.isna(site.tables["decisions"].iloc[seed.row]["decision_date"]):
        seed_date = site.tables["decisions"].iloc[seed.row]["decision_date"].date()
    write_page(env, docs_dir, "about.md", "about.md.j2", commissioner_rows=commissioner_rows, seed=seed,
               seed_date=seed_date, **common)
    write_page(env, docs_dir, "accessibility.md", "accessibility.md.j2", **common)

    by_kind = {d.dataset: d for d in site.standards}
    grant_years = [(d.dataset.removeprefix("transparency-grants-"), d)
                   for d in site.standards if d.dataset.startswith("transparency-grants-")]
    updated = {d.name: d.last_updated for d in site.datasets}
    code_rows = []
    register = by_kind.get("transparency-contracts")
    if register:
        years = site.model.years
        code_rows.append(["Contracts register: every contract over £5,000",
                          f"all contracts in the data, {years[0]} to {years[-1]}", long_date(updated.get("contracts")),
                          link(f"Contracts register (CSV, {file_size(register.bytes)})",
                               f"../downloads/{register.filename}")])
    for year, d in reversed(grant_years):
        code_rows.append(["Grants to voluntary, community and social enterprise organisations",
                          f"financial year {year}", long_date(updated.get("grants")),
                          link(f"VCS grants {year} (CSV, {file_size(d.bytes)})", f"../downloads/{d.filename}")])
    write_page(env, docs_dir, "standards.md", "standards.md.j2", code_rows=code_rows, ocds=by_kind.get("ocds"),
               giving=by_kind.get("360giving-json"), giving_csv=by_kind.get("360giving-csv"),
               **common)

    write_page(env, docs_dir, "changes.md", "changes.md.j2", releases=site.releases, **common)

    quality_rows = [[q.title, number(len(q.checks)), number(len(q.warnings)), long_date(q.passed_on)]
                    for q in site.quality]
    write_page(env, docs_dir, "quality/index.md", "quality.md.j2", quality_rows=quality_rows,
               quality=site.quality, **common)
    for q in site.quality:
        write_page(env, docs_dir, f"quality/{q.name}.md", "quality_dataset.md.j2", q=q,
                   check_rows=[list(c) for c in q.checks],
                   group_rows=[[title, number(n)] for title, n in q.warning_groups()],
                   warning_rows=[[str(w.row or ""), w.column or "", w.value or "", w.message]
                                 for w in q.warnings[:QUALITY_ROWS]],
                   **common)

    write_page(env, docs_dir, "search.md", "search.md.j2", **common)

    from . import entity_pages
    explore = entity_pages.writer(env, docs_dir, common, site.tables, site.raw, site.entities, site.today)
    entity_pages.render_markdown(explore)
    return explore
