"""Pages: the Markdown pages MkDocs builds (home, one page per financial year, datasets, about,
accessibility, standards, what changed, data quality, search), from the model, through the
templates; then the entity pages' first phase (entity_pages.py).

Every data value is escaped for HTML (autoescape) and, where it lands in Markdown text rather
than inside an HTML element, for Markdown too (the `md` filter): Python-Markdown passes raw
HTML and links straight through.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from ..config import PROJECT_DIR
from ..exports import catalogue
from ..model.datasets import DatasetInfo, QualityInfo
from ..model.dates import financial_year, financial_year_end, previous_financial_year
from ..model.figures import Model, year_breakdown
from ..model.kpis import any_rated
from ..model.values import missing
from . import charts, entity_pages, reach
from .charts import Chart
from .format import NONE_RECORDED, cell, file_size, gbp, link, long_date, none_recorded, number, shorten
from .templating import environment, write_page
from .urls import href

ASSETS = PROJECT_DIR / "site_src" / "assets"


@dataclass
class SiteContent:
    """Everything the pages are made from (build.py gathers it)."""

    config: object
    model: Model
    datasets: list[DatasetInfo]
    commissioners: pd.DataFrame
    quality: list[QualityInfo] = field(default_factory=list)
    package_zip: object = None  # exports.package.Download of the whole package
    standards: list = field(default_factory=list)  # exports.package.Download in standard formats
    releases: list = field(default_factory=list)  # publish.releases.Release, newest first (only its fields are read)
    tables: dict = field(default_factory=dict)  # the typed tables
    raw: object = None  # data.load.SourceText: the files as their source text, for row CSVs
    entities: object = None  # model.entities.Entities
    today: dt.date | None = None  # the build's date (SOURCE_DATE_EPOCH when set)


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
    by_year = sorted(site.model.by_year.items())
    # The last year in the data is incomplete: still running ("so far"), or over but with data
    # only to the latest date in it.
    over = bool(by_year) and financial_year_end(by_year[-1][0]) <= site.today
    partial = f"data to {long_date(site.model.as_of)}" if over else "so far"

    def label(y, f) -> str:
        """A year's name in lists: with "(so far)" or "(data to ...)" when it is the incomplete last
        year, "(none recorded)" when nothing is recorded in it."""
        return y if f.complete and not f.empty else f"{y} ({partial if not f.complete else NONE_RECORDED})"

    def year_links(page: str, current: str) -> list:
        return [(label(y, f), href(page, f"years/{y}/"), y == current) for y, f in by_year]

    points = [(y, f.total) for y, f in by_year]
    empty = [y for y, f in by_year if f.empty]
    whole = lambda v: gbp(v, False)  # noqa: E731
    chart = Chart(
        svg=charts.column_chart("Contracts and grants by financial year", points, value_label=whole,
                                chart_id="years-total", notes={y: f"{whole(0)}, {NONE_RECORDED}" for y in empty}),
        summary=" ".join(filter(None, [charts.describe_series([y for y, _ in points], [v for _, v in points], whole),
                                       none_recorded(empty)])),
        caption="Contracts and grants by financial year",
        headers=["Financial year", "Contracts starting", "Contract value", "Grants awarded", "Grant value"],
        rows=[[label(y, f), number(f.contracts_count), gbp(f.contracts_total, False)]
              + ([number(f.grants_count), gbp(f.grants_total, False)] if f.grants_covered else ["not in the data"] * 2)
              for y, f in by_year],
        numeric=(1, 2, 3, 4),
    ) if points else None
    write_page(env, docs_dir, "index.md", "home.md.j2", chart=chart, explore=explore_links(site),
               year_links=year_links("index.md", ""), **common)
    tables = site.tables
    for year, figures in by_year:
        previous = site.model.by_year.get(previous_financial_year(year))
        if previous is not None and not (previous.grants_covered and figures.complete):
            previous = None  # a part of a year is not compared with a whole one
        by_client_group, by_programme = year_breakdown(tables, site.entities, year)
        groups = [[k[:1].upper() + k[1:], number(count), gbp(total, False)] for k, count, total in by_client_group]
        programmes = [[k, number(count), gbp(total, False)] for k, count, total in by_programme]
        page = f"years/{year}.md"
        write_page(env, docs_dir, page, "year.md.j2", h=figures, p=previous, year_over=over, year_links=year_links(page, year),
                   groups=groups, programmes=programmes, **common)


# The home page's "Explore" list: (kind or page, title, address, what it shows).
EXPLORE = [
    ("live", "Live now", "live/index.md", "contracts and grants running today, and contracts ending in the next "
                                          "six months"),
    ("intention", "Forward plan", "forward-plan/index.md", "what the council plans to commission next"),
    ("organisation", "Organisations", "organisations/index.md", "who receives the money"),
    ("contract", "Contracts", "contracts/index.md", ""),
    ("performance", "Contract performance", "performance/index.md", "how the suppliers of the largest contracts "
                                                                     "perform against their key performance indicators"),
    ("programme", "Grant programmes", "programmes/index.md", ""),
    ("reach", "Who the grants reach", "grants-reach/index.md", "grants to first-time recipients, by the "
                                                                "recipients' size and by the communities that "
                                                                "lead them and that they serve"),
    ("ward", "Wards", "wards/index.md", "grants by the ward their beneficiaries live in"),
    ("outcome", "The outcomes framework", "outcomes/index.md", "what the money is meant to achieve, and the results"),
    ("commissioner", "Commissioners", "commissioners/index.md", ""),
    ("client-group", "Client groups", "client-groups/index.md", ""),
    ("decision", "Decisions", "decisions/index.md", "who decided what, when"),
]


def explore_links(site) -> list[tuple[dict, str]]:
    """The explore pages that have something on them: ({title, path}, description)."""
    tables, by_kind = site.tables, site.entities.by_kind
    present = {"live": bool(len(tables["contracts"]) or len(tables["grants"])),
               "intention": bool(len(tables["commissioning_intentions"])),
               "decision": bool(len(tables["decisions"])), "reach": bool(len(tables["grants"])),
               "performance": any_rated(tables)}
    return [({"title": title, "path": path}, text) for kind, title, path, text in EXPLORE
            if present.get(kind, bool(by_kind.get(kind)))]


def about_text(config) -> str:
    """The council's own Markdown for the About page (config.yml site.about), as written."""
    if config.about is None:
        return Markup("")
    return Markup(config.about.read_text(encoding="utf-8").strip())  # the council's own Markdown, as written


def contract_span(contracts: pd.DataFrame) -> tuple[str, str] | None:
    """The financial years the contracts run in, first to last (by start and end dates), or None."""
    dates = pd.concat([contracts["start_date"], contracts["end_date"]]).dropna() if len(contracts) else []
    if not len(dates):
        return None
    return financial_year(dates.min().date()), financial_year(dates.max().date())


def render(site, docs_dir: Path):
    """Write every page MkDocs builds into docs_dir (the MkDocs docs folder), but those that
    list the downloads (render_downloads: written once the exports are done). Returns the
    writer of the entity pages, which are made after MkDocs (entity_pages.render_html)."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ASSETS, docs_dir / "assets")
    env = environment()
    common = dict(config=site.config, model=site.model, datasets=site.datasets)

    write_dashboards(env, docs_dir, site, common)
    reach.write_pages(env, docs_dir, site, common)  # "Who the grants reach" (none without grants)

    commissioner_rows = [[c.name, c.commissioner_type, long_date(c.active_from) or "", long_date(c.active_to) or "",
                          "" if missing(c.note) else c.note]
                         for c in site.commissioners.itertuples(index=False)]
    write_page(env, docs_dir, "about.md", "about.md.j2", commissioner_rows=commissioner_rows,
               about_text=about_text(site.config), **common)
    write_page(env, docs_dir, "accessibility.md", "accessibility.md.j2", **common)

    rows_of = {d.name: d.rows for d in site.datasets}
    quality = [q for q in site.quality if rows_of.get(q.name)]  # as the dataset pages: none for an empty one
    quality_rows = [[q.title, number(len(q.checks)), number(len(q.warnings)), long_date(q.passed_on)]
                    for q in quality]
    write_page(env, docs_dir, "quality/index.md", "quality.md.j2", quality_rows=quality_rows,
               quality=quality, **common)
    for q in quality:
        write_page(env, docs_dir, f"quality/{q.name}.md", "quality_dataset.md.j2", q=q,
                   check_rows=[list(c) for c in q.checks],
                   group_rows=[[title, number(n)] for title, n in q.warning_groups()],
                   warning_rows=[[str(w.row or ""), w.column or "", w.value or "", w.message]
                                 for w in q.warnings[:QUALITY_ROWS]],
                   **common)

    write_page(env, docs_dir, "search.md", "search.md.j2", explore=explore_links(site), **common)

    explore = entity_pages.writer(env, docs_dir, common, site.tables, site.raw, site.entities, site.today)
    entity_pages.render_markdown(explore)
    return explore


def render_downloads(site, docs_dir: Path) -> None:
    """The pages that list the downloads with their sizes, and the releases: the datasets
    and each dataset's page, Standards, and What changed. `site` has its downloads,
    standards files and releases by now (build.py exports them while render() runs)."""
    env = environment()
    common = dict(config=site.config, model=site.model, datasets=site.datasets)

    published = [d for d in site.datasets if d.rows]  # empty is not published
    dataset_rows = [[link(d.title, f"{d.name}/"), number(d.rows), long_date(d.last_updated) if d.last_updated else "not known",
                     d.description] for d in published]
    write_page(env, docs_dir, "datasets/index.md", "datasets.md.j2", dataset_rows=dataset_rows,
               zip=site.package_zip, empty=[d for d in site.datasets if not d.rows], **common)
    for d in published:
        write_page(env, docs_dir, f"datasets/{d.name}.md", "dataset.md.j2", dataset=d,
                   jsonld=catalogue.script_json(catalogue.dataset_jsonld(d, site.config)),
                   dictionary=dictionary_rows(d.fields),
                   preview=preview_rows(d.frame, d.fields),
                   preview_headers=[f.get("title", f["name"]) for f in d.fields],
                   preview_numeric=tuple(i for i, f in enumerate(d.fields) if f.get("type") in ("number", "integer")),
                   **common)

    by_kind = {d.dataset: d for d in site.standards}
    grant_years = [(d.dataset.removeprefix("transparency-grants-"), d)
                   for d in site.standards if d.dataset.startswith("transparency-grants-")]
    updated = {d.name: d.last_updated for d in site.datasets}
    code_rows = []
    register = by_kind.get("transparency-contracts")
    contract_years = contract_span(site.tables["contracts"])
    if register and contract_years:
        code_rows.append(["Contracts register: every contract over £5,000",
                          f"all contracts in the data, {contract_years[0]} to {contract_years[1]}",
                          long_date(updated.get("contracts")),
                          link(f"Contracts register (CSV, {file_size(register.bytes)})",
                               f"../downloads/{register.filename}")])
    else:
        code_rows.append(["Contracts register: every contract over £5,000", "not published: no contracts yet", "",
                          ""])
    for year, d in reversed(grant_years):
        code_rows.append(["Grants to voluntary, community and social enterprise organisations",
                          f"financial year {year}", long_date(updated.get("grants")),
                          link(f"VCS grants {year} (CSV, {file_size(d.bytes)})", f"../downloads/{d.filename}")])
    if not grant_years:
        code_rows.append(["Grants to voluntary, community and social enterprise organisations",
                          "not published: no grants yet", "", ""])
    write_page(env, docs_dir, "standards.md", "standards.md.j2", code_rows=code_rows, ocds=by_kind.get("ocds"),
               has_contracts=bool(len(site.tables["contracts"])),
               giving=by_kind.get("360giving-json"), giving_csv=by_kind.get("360giving-csv"),
               **common)

    write_page(env, docs_dir, "changes.md", "changes.md.j2", releases=site.releases, **common)
