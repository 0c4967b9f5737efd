"""Entity pages: one page per organisation, outcome, commissioner,
client group, grant programme, ward, contract and commissioning intention, their
index pages, the dashboards by financial year, Live now and the Forward plan.

These pages are reachable from their index pages but kept out of the sidebar
(mkdocs.yml `not_in_nav`): with every page in the sidebar, page size and build
time grow with the square of the page count.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
from contextlib import ExitStack
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from ..background import Background, cores, release_memory, wait_any
from ..model.entities import KINDS, Entities, Entity, forward_plan, live_now, slugify
from ..model.indicators import indicator_results, target_status
from ..model.kpis import build_kpis
from ..model.values import missing, records
from . import charts, kpi_pages, listing, reuse
from .charts import Chart
from .format import NONE_RECORDED, gbp, long_date, none_recorded, number
from .listing import Listing, RowSet, pages_of
from .templating import write_page
from .urls import beside, href, url_of

CHARITY_REGISTER = "https://register-of-charities.charitycommission.gov.uk/charity-details/?regid={}&subid=0"
COMPANIES_HOUSE = "https://find-and-update.company-information.service.gov.uk/company/{}"


NOT_STATED = "not stated"  # a value the council's register does not give (never guessed)


def stated(value) -> str:
    """A value as shown on a page, or "not stated" when the data leaves it empty."""
    return NOT_STATED if missing(value) else str(value)


def yes_no(value) -> str:
    return NOT_STATED if missing(value) else ("yes" if value else "no")


@dataclass
class Section:
    """A list on a page: its heading, a sentence about it, the table and, when the list
    is longer than one table page, links to the other pages."""

    heading: str
    intro: str
    listing: Listing
    more: list[tuple[str, str]] = field(default_factory=list)  # (link text, href)


def _gbp0(value: float) -> str:
    return gbp(value, False)


# What an entity's chart by year counts, in "No ... recorded in 2015-16".
FUNDING = {"programme": "grants", "ward": "grants", "client-group": "contracts"}


def year_chart(entity: Entity, chart_id: str) -> Chart | None:
    """Its contracts and grants by financial year, from its first year to its latest: a year
    between with nothing recorded is there, at £0, and said."""
    if not entity.by_year:
        return None
    points = [(y, c + g) for y, c, g in entity.by_year]
    empty = set(entity.empty_years)
    title = f"Contracts and grants by financial year: {entity.name}"
    summary = described = charts.describe_series([p[0] for p in points], [p[1] for p in points], _gbp0)
    if empty:
        summary = f"{summary} {none_recorded(entity.empty_years, FUNDING.get(entity.kind, 'contracts or grants'))}"
    return Chart(
        svg=charts.column_chart(title, points, value_label=_gbp0, chart_id=chart_id, desc=described,
                                notes={y: f"{_gbp0(0)}, {NONE_RECORDED}" for y in empty} if empty else None),
        summary=summary,
        caption=f"Contract and grant value by financial year: {entity.name}",
        headers=["Financial year", "Contracts starting", "Grants awarded", "Total"],
        rows=[[f"{y} ({NONE_RECORDED})" if y in empty else y, _gbp0(c), _gbp0(g), _gbp0(c + g)]
              for y, c, g in entity.by_year],
        numeric=(1, 2, 3),
    )


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def write_bytes(path: str, data: bytes) -> None:
    """`data` into the file `path` (made or emptied; its mode as open(path, "wb") makes it):
    three system calls, where open() adds three more (fstat, ioctl, lseek) for each of the
    900,000 files a 1M build writes."""
    fd = os.open(path, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


class _Records:
    """A table's rows as dicts, as DataFrame.to_dict("records") makes them: all at once
    (`every`), or a block of BLOCK rows when one of them is first read. A build that keeps
    most pages from the last one (reuse.py) renders a few, and needs only their rows."""

    BLOCK = 256

    def __init__(self, frame: pd.DataFrame, every: bool = False):
        self.frame = frame
        self.rows = records(frame) if every else None
        self.blocks: dict[int, list[dict]] = {}

    def __getitem__(self, row: int) -> dict:
        if self.rows is not None:
            return self.rows[row]
        block, at = divmod(row, self.BLOCK)
        if block not in self.blocks:
            self.blocks[block] = records(self.frame.iloc[block * self.BLOCK:(block + 1) * self.BLOCK])
        return self.blocks[block][at]


class Writer:
    """Writes the explore pages in two phases: before MkDocs, the pages in the sidebar
    (index pages, Live now, Forward plan) as Markdown into the docs folder; after it, the
    entity pages and the further pages of long lists as HTML straight into the site, in
    shells MkDocs built (mkdocs.Shell)."""

    def __init__(self, env, docs_dir: Path, common: dict, tables: dict, entities: Entities,
                 rows: dict[str, RowSet], today: dt.date, raw: listing.SourceText | None = None):
        self.env, self.docs, self.common = env, docs_dir, common
        self.raw = raw or {}  # the source text of the tables (data/load.py SourceText), for the measurements CSVs
        self.tables, self.entities, self.rows, self.today = tables, entities, rows, today
        self.config = common["config"]
        self.site_dir: Path | None = None  # set for the second phase
        self.shells: dict = {}
        self.deferred: list = []  # further pages of lists on Markdown pages, written in phase two
        self.html_pages: list[str] = []  # URLs of the pages written in phase two
        self.written: list[str] = []  # every file written in phase two, relative to the site
        self.previous: reuse.Previous | None = None  # the published site's pages, to keep where unchanged
        self.digests: dict = {}  # reuse.row_digests, by render_html
        self.kept = (0, 0)  # (jobs whose files were kept from the published site, jobs), once render_html is done
        self._records: dict[str, _Records | list[dict]] = {}
        self._groups: dict[str, dict] = {}
        self._made: set[str] = set()  # folders known to exist (_folder)
        self._links: dict[tuple[str, int], Markup] = {}  # link: (page's folder, id of the entity) -> the link
        self._templates: dict[str, tuple] = {}  # name -> (template, its globals): render
        self._measurement_lines: tuple | None = None  # (header, one CSV line per measurement)
        self.kpis = None  # model.kpis.Kpis: the contract KPIs (None: the data has none)

    def record(self, table: str, row: int) -> dict:
        """One row as a dict (pandas' row access costs ~0.2 ms a call; these are made once per
        table by `prepare`, or else a block of rows at a time: _Records)."""
        if table not in self._records:
            self._records[table] = _Records(self.tables[table])
        return self._records[table][row]

    def prepare(self) -> None:
        """Make the per-table records and groups the entity pages read, before forking."""
        for table in ("organisations", "outcomes", "commissioners", "wards", "contracts",
                      "commissioning_intentions", "decisions"):
            if table in self.tables and table not in self._records:
                self._records[table] = _Records(self.tables[table], every=True)
        if self.kpis is not None:
            self.kpi_records()
        if "measurements" in self.raw and len(self.tables.get("measurements", ())):
            self.measurement_lines()
        self.by_contract("aligned", None)
        self.by_contract("successors", None)

    def measurement_lines(self) -> tuple:
        """The measurements' header and one CSV line per row, from the source text (made once)."""
        if self._measurement_lines is None:
            self._measurement_lines = listing.source_lines(self.raw, "measurements")
        return self._measurement_lines

    def kpi_records(self) -> list[dict]:
        """The contract KPIs' rows as dicts (made once)."""
        if "contract_kpis" not in self._records:
            self._records["contract_kpis"] = records(self.kpis.frame)
        return self._records["contract_kpis"]

    def by_contract(self, what: str, key) -> list:
        """The outcomes a contract is aligned to ("aligned", by row position) or the intentions
        that replace it ("successors", by contract id), grouped once for every contract."""
        if what not in self._groups:
            if what == "aligned":
                frame = self.entities.aligned["contracts"]
                keys, values = frame["pos"].tolist(), frame["outcome_id"].tolist()
            else:
                frame = self.tables["commissioning_intentions"]
                keys, values = frame["replaces_contract_id"].tolist(), frame["intention_id"].tolist()
            groups: dict = {}
            for k, v in zip(keys, values):
                groups.setdefault(k, []).append(v)
            self._groups[what] = groups
        return self._groups[what].get(key, [])

    def csv(self, item: Listing) -> None:
        if item.csv_path is None:  # carried in its link
            return
        self.write_file(item.csv_path, item.csv_data)

    def write_file(self, path: str, text: str | bytes) -> None:
        """A file other than a page (a CSV; a str as UTF-8) at `path`, relative to the site
        (phase two) or docs folder."""
        self._write(self.csv_root(), path, text)
        if self.site_dir is not None:
            self.written.append(path)

    def _write(self, root: Path, path: str, text: str | bytes) -> None:
        """`text` (as UTF-8, when it is a str) into root/path (a path with "/"), its folder made
        once. (Written as bytes: at 1M grants there are some 900,000 files, and a text-mode file
        costs more.)"""
        folder = path.rpartition("/")[0]
        self._folder(f"{root}/{folder}" if folder else str(root))
        write_bytes(f"{root}/{path}", text.encode("utf-8") if isinstance(text, str) else text)

    def folder(self, path: Path) -> None:
        self._folder(str(path))

    def _folder(self, where: str) -> None:
        """The folder `where` made, once: known by its text (making and hashing a Path for each
        of the files a 1M build writes cost more)."""
        if where not in self._made:
            Path(where).mkdir(parents=True, exist_ok=True)
            self._made.add(where)

    def csv_root(self) -> Path:
        return self.site_dir if self.site_dir is not None else self.docs

    def write_html(self, page: str, title: str, template: str, **context) -> None:
        """An HTML page (x/y.html, served at its own name) in its shell."""
        url = url_of(page)
        # The settings are all an HTML page is given of `common`: the site's figures are not
        # among what reuse.py fingerprints a page by.
        body = self.render(template, context)
        self._write(self.site_dir, url, self.shells[url.count("/")].page(title, body))
        self.html_pages.append(url)
        self.written.append(url)

    def render(self, name: str, context: dict) -> str:
        """The template `name` with `context` and the settings: as Template.render, but with the
        template and its globals looked up once, not for each of the thousands of pages
        (Template.render copies the globals, a ChainMap, into a new dict every time). Its
        context is given no globals of its own, only the variables, which hold them: a context
        with globals makes every `{% from "macros.j2" import ... %}` compare their names with the
        imported template's (a set less a ChainMap's keys, in Python: 7% of a page's time) to
        find globals that template lacks, and every template here has the environment's."""
        template, globals_ = self.template(name)
        if "config" in context:
            raise TypeError("render() got multiple values for 'config'")  # as Template.render(**context, config=...)
        made = self.env.context_class(self.env, {**globals_, **context, "config": self.config}, template.name,
                                      template.blocks)
        try:
            return self.env.concat(template.root_render_func(made))
        except Exception:
            self.env.handle_exception()  # raises it, pointing at the template's line

    def template(self, name: str) -> tuple:
        """The template `name` and its globals, compiled and looked up once."""
        found = self._templates.get(name)
        if found is None:
            template = self.env.get_template(name)
            found = self._templates[name] = (template, dict(template.globals))
        return found

    # -- lists -------------------------------------------------------------------

    def sections(self, page: str, name: str, lists: list[tuple], named: bool = True,
                 preview: bool = False) -> list[Section]:
        """Sections for the lists of one page. Each list is (row set, file stem, heading,
        positions, intro). Its CSV and, for a list longer than one table page, its further
        pages <stem>-2, <stem>-3 ... are named by beside(): beside an HTML page
        (x/y.stem.csv, x/y.stem-2.html), in a Markdown page's folder (x/y/stem.csv, x/y/stem-2.html).
        `preview`: the page shows the lists among other things (an entity page, Live now), so
        it holds only the first rows of each (listing.FIRST_ROWS); else a list's page of rows."""
        out = []
        for key, stem, heading, positions, intro in lists:
            if not len(positions):
                continue
            chunks = pages_of(positions, self.rows[key], *((listing.FIRST_ROWS, listing.FIRST_CHARS) if preview else ()))
            label = f"{heading}: {name}" if named else heading  # the table's caption
            first = listing.table(page, label, self.rows[key], chunks[0],
                                  beside(page, stem) + ".csv")
            self.csv(first)
            section = Section(heading, intro, first)
            if len(chunks) > 1:
                pages = [page] + [beside(page, f"{stem}-{n}") + ".html" for n in range(2, len(chunks) + 1)]
                start = len(chunks[0]) + 1
                for n, chunk in enumerate(chunks[1:], start=2):
                    sub = pages[n - 1]
                    span = f"rows {number(start)} to {number(start + len(chunk) - 1)} of {number(len(positions))}"
                    start += len(chunk)
                    section.more.append((span, href(page, url_of(sub))))
                    self.deferred.append(dict(
                        page=sub, caption=f"{label}, {span}", key=key, positions=chunk,
                        csv=beside(page, f"{stem}-{n}") + ".csv", title=f"{label}, {span}",
                        back=(name, href(sub, url_of(page))),
                        previous=href(sub, url_of(pages[n - 2])),
                        next=href(sub, url_of(pages[n])) if n < len(pages) else None))
                section.intro = (intro + " " if intro else "") + \
                    f"The first {number(len(chunks[0]))} of {number(len(positions))} are shown here."
            out.append(section)
        return out

    def write_deferred(self, nested: bool = False) -> list[str]:
        """The further pages of long lists (phase two). `nested`: they are the further pages of
        an entity page being rendered again; each is then kept from the published site by its
        own fingerprint where it can be (a changed grant is on one page of a programme's list
        of thousands), and their lines of the state file are returned (reuse.write_state)."""
        lines = []
        while self.deferred:
            job = self.deferred.pop(0)
            if nested:
                first, fp = len(self.written), reuse.fingerprint(self.digests, job)
                kept = self.previous.files(job["page"], fp) if self.previous is not None else None
                if kept is not None and self.previous.link(kept, self.site_dir, self.folder):
                    self.written += kept
                    self.html_pages += [name for name in kept if name.endswith(".html")]
                else:
                    self._write_part(job)
                lines.append("\t".join([job["page"], fp, *self.written[first:]]))
            else:
                self._write_part(job)
        return lines

    def _write_part(self, job: dict) -> None:
        """One further page of a list, with its CSV."""
        part = listing.table(job["page"], job["caption"], self.rows[job["key"]], job["positions"], job["csv"])
        self.csv(part)
        self.write_html(job["page"], job["title"], "list_page.html.j2", listing=part, back=job["back"],
                        previous=job["previous"], next=job["next"])

    def link(self, page: str, kind: str, key) -> Markup:
        """A link from `page` to the page of an entity (its name); the key as text when it has
        none. Kept for pages in the same folder (the href is relative to the folder): a ward,
        an outcome or a programme is linked from tens of thousands of pages."""
        entity = self.entities.get(kind, key)
        if entity is None:
            return Markup(escape("" if key is None or pd.isna(key) else key))
        known = (url_of(page).rpartition("/")[0], id(entity))
        made = self._links.get(known)
        if made is None:
            if len(self._links) >= LINKS_KEPT:
                self._links.clear()
            made = self._links[known] = Markup(
                f'<a href="{escape(href(page, url_of(entity.page)))}">{escape(entity.name)}</a>')
        return made

    # -- entity pages -------------------------------------------------------------

    def entity_page(self, entity: Entity) -> None:
        page, kind = entity.page, KINDS[entity.kind]
        t = self.tables
        facts: list[tuple[str, Markup | str]] = []
        extra: dict = {}
        lists = []
        contracts_intro = "Contracts are counted in the financial year they start, at their total value."
        grants_intro = "Grants are counted in the financial year they are awarded."
        if entity.kind == "organisation":
            row = self.record("organisations", entity.row)
            facts = [("Identifier", entity.key), ("Type", stated(row["organisation_type"]))]
            if not pd.isna(row["charity_number"]):
                facts.append(("Charity number", Markup('<a href="{}">{}</a> (Charity Commission register)').format(
                    CHARITY_REGISTER.format(row["charity_number"]), row["charity_number"])))
            if not pd.isna(row["company_number"]):
                facts.append(("Company number", Markup('<a href="{}">{}</a> (Companies House)').format(
                    COMPANIES_HOUSE.format(row["company_number"]), row["company_number"])))
            facts += [("Voluntary or community sector", yes_no(row["is_vcs"])),
                      ("Small or medium-sized enterprise", yes_no(row["is_sme"])),
                      ("Based in the area", yes_no(row["based_in_borough"]))]
            if not pd.isna(row["ward"]):
                facts.append(("Ward", self.link(page, "ward", row["ward"])))
            extra["outcomes"] = [(self.link(page, "outcome", key), _gbp0(value)) for key, value in entity.outcomes]
            lists = [("contracts", "contracts", "Contracts", entity.contracts, contracts_intro),
                     ("grants", "grants", "Grants", entity.grants, grants_intro)]
        elif entity.kind == "outcome":
            row = self.record("outcomes", entity.row)
            facts = [("Theme", row["theme"]), ("Identifier", entity.key)]
            extra["description"] = row["description"]
            extra["indicators"] = self.indicators(entity)
            extra["measured"] = measured = self.measurements_page(entity, extra["indicators"])
            extra["latest"] = [
                [Markup('<a href="{}#{}">{}</a>').format(measured, ind["id"].lower(), ind["title"]) if measured
                 else ind["title"], *(ind["latest"] or ["none", "", "", ""]), ind["spark"]]
                for ind in extra["indicators"]]
            lists = [("contracts", "contracts", "Contracts aligned to this outcome", entity.contracts, contracts_intro),
                     ("grants", "grants", "Grants aligned to this outcome", entity.grants, grants_intro)]
            served = self.kpis.by_outcome.get(entity.key) if self.kpis is not None else None
            extra["kpi_sections"] = self.sections(page, entity.name, [
                ("kpis", "kpis", "Contract KPIs serving this outcome", served,
                 "The latest period of each key performance indicator set for a contract that names this outcome, "
                 "with the council's rating of the supplier. Each contract's page has every period.")],
                preview=True) if served is not None else []
        elif entity.kind == "commissioner":
            row = self.record("commissioners", entity.row)
            facts = [("Type", row["commissioner_type"])]
            if not pd.isna(row["active_from"]):
                facts.append(("Commissioning from", long_date(row["active_from"].date())))
            if not pd.isna(row["active_to"]):
                facts.append(("Commissioning until", long_date(row["active_to"].date())))
            if not pd.isna(row["note"]):
                facts.append(("Note", row["note"]))
            lists = [("contracts", "contracts", "Contracts", entity.contracts, contracts_intro),
                     ("grants", "grants", "Grants", entity.grants, grants_intro),
                     ("intentions", "intentions", "Commissioning intentions", entity.intentions, "")]
        elif entity.kind == "client-group":
            lists = [("contracts", "contracts", "Contracts", entity.contracts, contracts_intro),
                     ("intentions", "intentions", "Commissioning intentions", entity.intentions, "")]
        elif entity.kind == "programme":
            g = t["grants"].iloc[entity.grants]
            longer = float(g.loc[g["funding_type"] == "longer-term", "amount_awarded"].sum())
            shorter = float(g.loc[g["funding_type"] == "short-term innovation", "amount_awarded"].sum())
            facts = [("Longer-term funding", _gbp0(longer)), ("Short-term innovation funding", _gbp0(shorter)),
                     ("Recipients", number(g["recipient_org_id"].nunique()))]
            lists = [("grants", "grants", "Grants", entity.grants, grants_intro)]
            extra["trail"] = self.trail(page, "programme", entity.key)
        elif entity.kind == "ward":
            row = self.record("wards", entity.row)
            if not pd.isna(row["ons_code"]):
                facts = [("ONS code", row["ons_code"])]
            lists = [("grants", "grants", "Grants benefiting this ward", entity.grants, grants_intro),
                     ("organisations", "organisations", "Organisations based in this ward", entity.organisations, "")]
        sections = self.sections(page, entity.name, lists, preview=True)
        self.write_html(page, entity.name, "entity.html.j2", entity=entity, kind=kind, facts=facts,
                        chart=year_chart(entity, f"{entity.kind}-{entity.slug}"), sections=sections,
                        index=href(page, f"{kind.folder}/"), measurements=href(page, "datasets/measurements/"),
                        area=self.config.area, **extra)

    def measurements_page(self, entity: Entity, indicators: list[dict]) -> str | None:
        """An outcome's measurements page (outcomes/x.measurements.html, beside its page): each
        indicator's chart, its results for the area in every period and for every ward, and a
        CSV of the measurements rows. Returns its link from the outcome's page (None: nothing
        measured)."""
        if not any(ind["rows"] or ind["wards"] for ind in indicators):
            return None
        page = beside(entity.page, "measurements") + ".html"
        frame = self.tables["measurements"]
        ids = {ind["id"] for ind in indicators}
        positions = np.flatnonzero(frame["indicator_id"].isin(ids).to_numpy())
        header, lines = self.measurement_lines()
        csv_text = header + lines.join(positions)
        path = beside(entity.page, "measurements") + ".csv"
        self.write_file(path, csv_text)
        self.write_html(page, f"Measurements: {entity.name}", "measurements.html.j2", entity=entity,
                        indicators=indicators, back=href(page, url_of(entity.page)), area=self.config.area,
                        csv=href(page, path), csv_rows=len(positions), csv_bytes=len(csv_text.encode("utf-8")),
                        dataset=href(page, "datasets/measurements/"))
        return href(entity.page, url_of(page))

    def indicators(self, entity: Entity) -> list[dict]:
        """An outcome's indicators, formatted and charted (model/indicators.py computes them)."""
        out = []
        for result in indicator_results(self.tables, entity.key, self.config.area):
            row, periods = result.indicator, result.periods
            unit = row.unit

            def fmt(v, unit=unit):
                if pd.isna(v):
                    return ""
                if unit == "percent":
                    return f"{number(v)}%"
                if unit == "pounds":
                    return gbp(v)
                return number(v)

            series = [("Result", result.values)]
            if result.targets is not None:
                series.append(("Target", result.targets))
            chart_id = f"indicator-{row.indicator_id}".lower()
            # The latest result: the area's latest year, else its latest period of any kind.
            latest = None
            if result.rows:
                wanted = result.periods[-1] if result.periods else result.rows[-1][0]
                latest = next(r for r in reversed(result.rows) if r[0] == wanted)
            out.append({
                "id": row.indicator_id,
                "title": row.title,
                "unit": unit,
                "source": row.source,
                "better": "higher" if row.higher_is_better else "lower",
                "svg": charts.line_chart(f"{row.title}: results against target", periods, series,
                                         value_label=fmt, chart_id=chart_id) if len(periods) > 1 else Markup(""),
                "summary": charts.describe_series(periods, series[0][1], fmt) if len(periods) > 1 else "",
                "rows": [[period, area, fmt(value), fmt(target), status]
                         for period, area, value, target, status in result.rows],
                "areas": result.other_areas,
                "latest": None if latest is None else
                [latest[0], fmt(latest[2]), fmt(latest[3]) or "none", latest[4]],
                "spark": charts.sparkline(f"{row.title}, {result.rows[0][1] if result.rows else ''} by year",
                                          result.periods, result.values, result.targets, value_label=fmt)
                if len(result.periods) > 1 else Markup(""),
                "wards": self.ward_results(row, fmt),
            })
        return out

    def ward_results(self, indicator, fmt) -> dict | None:
        """An indicator's results for every area but the council's (its wards), by period:
        {"periods": [...], "rows": [[area link, "61.8 (not met)", ...], ...]}; None when none."""
        m = self.tables["measurements"]
        m = m[(m["indicator_id"] == indicator.indicator_id) & (m["area"] != self.config.area)]
        if not len(m):
            return None
        periods = sorted(set(m["period"]))
        at = {p: i for i, p in enumerate(periods)}
        better = bool(indicator.higher_is_better)
        rows: dict[str, list] = {}
        for area, period, value, target in zip(m["area"], m["period"], m["value"], m["target"]):
            cells = rows.setdefault(area, [""] * len(periods))
            status = target_status(value, target, better)
            cells[at[period]] = fmt(value) + ("" if status == "no target" else f" ({status})")
        page = beside(self._page_of_outcome(indicator.outcome_id), "measurements") + ".html"
        return {"periods": periods,
                "rows": [[self.link(page, "ward", area), *rows[area]] for area in sorted(rows)]}

    def _page_of_outcome(self, outcome_id: str) -> str:
        return self.entities.get("outcome", outcome_id).page

    def trail(self, page: str, kind: str, key: str) -> list[dict]:
        """The decisions behind a contract, intention or programme, oldest first."""
        steps = []
        for step in self.entities.trails.get((kind, key), []):
            row = self.record("decisions", step.decision)
            decided = row["decision_date"]
            steps.append({
                "stage": self.config.stage_name(step.gateway) or "Decision",
                "date": "" if pd.isna(decided) else long_date(decided.date()),
                "iso": "" if pd.isna(decided) else decided.strftime("%Y-%m-%d"),
                "maker": "" if pd.isna(row["decision_maker"]) else row["decision_maker"],
                "link": self.link(page, "decision", row["decision_id"]),
                "provenance": row["provenance"],
                "note": step.note,
            })
        return steps

    def decision_page(self, entity: Entity) -> None:
        page = entity.page
        d = self.record("decisions", entity.row)

        def text(column):
            value = d[column]
            return None if pd.isna(value) else value

        def day(column):
            value = d[column]
            return None if pd.isna(value) else long_date(value.date())

        def yes_no(column):
            value = d[column]
            return None if pd.isna(value) else ("yes" if value else "no")

        key = yes_no("key_decision")
        if key == "yes" and text("reason_key"):
            key = f"yes: {text('reason_key')}"
        facts = [(label, value) for label, value in [
            ("Decision identifier", entity.key),
            ("Decision maker", text("decision_maker")),
            ("Approval stage", self.config.stage_name(None if pd.isna(d["gateway"]) else d["gateway"])),
            ("Status", text("decision_status")),
            ("Key decision", key),
            ("Subject to call-in", yes_no("subject_to_call_in")),
            ("Decided", day("decision_date")),
            ("Published", day("publication_date")),
            ("Effective from", day("effective_from")),
            ("Wards affected", text("wards_affected")),
            ("Department", text("department")),
            ("Estimated value", None if pd.isna(d["estimated_value_gbp"]) else gbp(d["estimated_value_gbp"])),
            ("Value basis", text("value_basis")),
            ("Contract term", text("contract_term")),
            ("Client group", self.link(page, "client-group", d["client_group"]) if text("client_group") else None),
        ] if value]
        governs = []
        for step in self.entities.governs.get(entity.key, []):
            governs.append({"what": {"contract": "Contract", "intention": "Commissioning intention",
                                     "programme": "Grant programme"}[step.kind],
                            "link": self.link(page, step.kind, step.key),
                            "stage": self.config.stage_name(step.gateway), "note": step.note})
        resolutions = [r.strip() for r in (text("resolutions") or "").split(" | ") if r.strip()]
        sources = [u.strip() for u in (text("source_url") or "").split(" ; ") if u.strip()]
        single = listing.table(page, f"This decision as data: {entity.name}", self.rows["decisions"],
                               np.array([entity.row]), beside(page, "decision") + ".csv")
        self.csv(single)
        self.write_html(page, entity.name, "decision.html.j2", entity=entity, facts=facts,
                        real=d["provenance"] == "real", purpose=text("purpose"), resolutions=resolutions,
                        sources=sources, note=text("verification_note"), governs=governs, single=single,
                        index=href(page, "decisions/"))

    def contract_page(self, entity: Entity) -> None:
        page = entity.page
        c = self.record("contracts", entity.row)
        aligned = self.by_contract("aligned", entity.row)
        facts = [
            ("Contract identifier", entity.key),
            ("Supplier", self.link(page, "organisation", c["supplier_org_id"])),
            ("Commissioner", self.link(page, "commissioner", c["commissioner_id"])),
            ("Client group", NOT_STATED if missing(c["client_group"]) else self.link(page, "client-group", c["client_group"])),
            ("Procurement route", stated(c["procurement_route"])),
            ("Starts", long_date(c["start_date"].date())),
            ("Ends", NOT_STATED if missing(c["end_date"]) else long_date(c["end_date"].date())),
        ]
        if not pd.isna(c["review_date"]):
            facts.append(("Review date", long_date(c["review_date"].date())))
        facts += [("Total value", gbp(c["total_value_gbp"])),
                  ("Annual value", NOT_STATED if missing(c["annual_value_gbp"]) else gbp(c["annual_value_gbp"]))]
        if not pd.isna(c["vat_not_recoverable_gbp"]):
            facts.append(("VAT that cannot be recovered", gbp(c["vat_not_recoverable_gbp"])))
        facts += [("London Living Wage", yes_no(c["london_living_wage"])), ("Status", stated(c["status"]))]
        if not pd.isna(c["social_value_commitments"]):
            facts.append(("Social value commitments", c["social_value_commitments"]))
        successors = self.by_contract("successors", entity.key)
        single = listing.table(page, f"This contract as data: {entity.name}", self.rows["contracts"],
                               np.array([entity.row]), beside(page, "contract") + ".csv")
        self.csv(single)
        self.write_html(page, entity.name, "contract.html.j2", entity=entity, contract=c, facts=facts,
                        description=c["description"], outcomes=[self.link(page, "outcome", o) for o in aligned],
                        successors=[self.link(page, "intention", i) for i in successors], single=single,
                        trail=self.trail(page, "contract", entity.key), index=href(page, "contracts/"),
                        kpis=kpi_pages.contract_section(self, entity))

    def intention_page(self, entity: Entity) -> None:
        page = entity.page
        i = self.record("commissioning_intentions", entity.row)
        facts = [
            ("Intention identifier", entity.key),
            ("Commissioner", self.link(page, "commissioner", i["commissioner_id"])),
            ("Client group", self.link(page, "client-group", i["client_group"])),
            ("Estimated value", gbp(i["estimated_value_gbp"])),
            ("Planned start", long_date(i["planned_start_date"].date())),
            ("Intended route", i["intended_route"]),
            ("Status", i["status"]),
        ]
        if not pd.isna(i["replaces_contract_id"]):
            facts.append(("Replaces", self.link(page, "contract", i["replaces_contract_id"])))
        single = listing.table(page, f"This intention as data: {entity.name}", self.rows["intentions"],
                               np.array([entity.row]), beside(page, "intention") + ".csv")
        self.csv(single)
        self.write_html(page, entity.name, "intention.html.j2", entity=entity, facts=facts,
                        description=i["description"], single=single, index=href(page, "forward-plan/"),
                        trail=self.trail(page, "intention", entity.key))

    # -- index pages ------------------------------------------------------------

    def index_page(self, kind_name: str) -> None:
        kind = KINDS[kind_name]
        page = f"{kind.folder}/index.md"
        entities = sorted(self.entities.by_kind[kind_name].values(), key=lambda e: (-e.total, e.name.lower()))
        chart = None
        if kind_name == "organisation":
            positions = np.array([e.row for e in entities], dtype=np.int64)
            sections = self.sections(page, "every organisation",
                                     [("organisations", "page", "Organisations", positions,
                                       "Largest total first: contracts and grants together.")])
            rows = []
        elif kind_name == "contract":
            c = self.tables["contracts"]
            order = np.argsort(-c["start_date"].astype("int64").to_numpy(), kind="stable")
            sections = self.sections(page, "every contract",
                                     [("contracts", "page", "Contracts", order, "Newest first, by start date.")])
            rows = []
        else:
            sections = []
            rows = []
            for e in entities:
                cells = [Markup('<a href="{}">{}</a>').format(href(page, url_of(e.page)), e.name)]
                if kind_name == "outcome":
                    cells.append(self.record("outcomes", e.row)["theme"])
                if kind_name in ("commissioner", "client-group", "outcome"):
                    cells += [number(len(e.contracts)), _gbp0(e.contracts_total)]
                if kind_name in ("commissioner", "programme", "ward", "outcome"):
                    cells += [number(len(e.grants)), _gbp0(e.grants_total)]
                if kind_name == "client-group":
                    cells += [number(len(e.intentions)), _gbp0(e.intentions_total)]
                rows.append(cells)
            top = [(e.name, e.total if kind_name != "client-group" else e.contracts_total) for e in entities[:15]]
            if any(v > 0 for _, v in top):
                label = "Contracts" if kind_name == "client-group" else "Contracts and grants"
                chart = Chart(svg=charts.bar_chart(f"{label} by {kind.singular}", top, value_label=_gbp0,
                                                   chart_id=f"{kind.folder}-totals"),
                              summary=charts.describe_bars(top, _gbp0), caption="", headers=[], rows=[])
        headers = {"outcome": ["Outcome", "Theme", "Contracts", "Contract value", "Grants", "Grant value"],
                   "commissioner": ["Commissioner", "Contracts", "Contract value", "Grants", "Grant value"],
                   "client-group": ["Client group", "Contracts", "Contract value", "Intentions", "Estimated value"],
                   "programme": ["Programme", "Grants", "Grant value"],
                   "ward": ["Ward", "Grants benefiting the ward", "Grant value"]}.get(kind_name, [])
        numeric = tuple(range(2 if kind_name == "outcome" else 1, len(headers)))
        write_page(self.env, self.docs, page, "entity_index.md.j2", kind=kind, sections=sections, rows=rows,
                   headers=headers, numeric=numeric, chart=chart, **self.common)

    # -- decisions -----------------------------------------------------------------

    def decision_pages(self) -> None:
        """The decisions index, newest first, and its filters: key decisions, each approval stage
        and each decision maker (one Markdown page each, so they work without JavaScript)."""
        d = self.tables["decisions"]
        dates = d["decision_date"]
        order = np.lexsort((d["decision_id"].astype(str).to_numpy(), -dates.fillna(pd.Timestamp(0)).astype("int64").to_numpy(),
                            dates.isna().to_numpy()))
        key = d["key_decision"].fillna(False).to_numpy(dtype=bool)
        gateway = d["gateway"]
        makers = sorted({m for m in d["decision_maker"].dropna().astype(str)})
        maker_slugs = {m: slugify(m) for m in makers}
        filters = [("key-decisions", "Key decisions", key)]
        filters += [(f"gateway-{g}", label, (gateway == g).fillna(False).to_numpy(dtype=bool))
                    for g, label in self.config.approval_stages.items()]
        filters += [(f"maker-{maker_slugs[m]}", f"Decided by {m}", (d["decision_maker"] == m).fillna(False).to_numpy(dtype=bool))
                    for m in makers]
        links = []
        for name, title, mask in filters:
            positions = order[mask[order]]
            links.append((name, title, len(positions)))
            page = f"decisions/{name}.md"
            sections = self.sections(page, title.lower() if not title.startswith("Decided") else title, [
                ("decisions", "decisions", title, positions, "Newest first.")])
            write_page(self.env, self.docs, page, "decisions_filter.md.j2", title=title, sections=sections,
                       count=len(positions), **self.common)
        page = "decisions/index.md"
        real = int((d["provenance"] == "real").sum())
        sections = self.sections(page, "every decision", [
            ("decisions", "page", "Decisions", order, "Newest first.")])
        write_page(self.env, self.docs, page, "decisions.md.j2", sections=sections, filters=links,
                   real=real, total=len(d),
                   **self.common)

    # -- live now and forward plan ----------------------------------------------

    def live_page(self) -> None:
        page = "live/index.md"
        contracts, grants, ending = live_now(self.tables, self.today)
        sections = self.sections(page, "live now", [
            ("contracts", "contracts", "Contracts running today", contracts,
             "Contracts whose start date has passed and end date has not, soonest ending first "
             "(contracts terminated early are left out)."),
            ("grants", "grants", "Grants running today", grants,
             "Grants whose planned start date has passed and planned end date has not, soonest ending first."),
        ], named=False, preview=True)  # the headings say what the list is: no page name in its caption
        review = self.sections(page, "live now", [
            ("contracts", "ending", "Contracts ending in the next six months", ending,
             "Coming up for review: the commissioner decides whether to extend, re-commission or end them."),
        ], named=False, preview=True)  # the headings say what the list is: no page name in its caption
        c, g = self.tables["contracts"], self.tables["grants"]
        annual = c["annual_value_gbp"].to_numpy(dtype=float)[contracts]
        undated = int((g["planned_start_date"].isna() | g["planned_end_date"].isna()).sum())
        write_page(self.env, self.docs, page, "live.md.j2", sections=sections, review=review,
                   today=self.today, contracts_value=float(np.nansum(annual)), unvalued=int(np.isnan(annual).sum()),
                   undated_grants=undated, grant_total=len(g),
                   counts=(len(contracts), len(grants), len(ending)), **self.common)

    def forward_plan_page(self) -> None:
        page = "forward-plan/index.md"
        upcoming, passed = forward_plan(self.tables["commissioning_intentions"], self.today)
        sections = self.sections(page, "forward plan", [
            ("intentions", "upcoming", "Planned to start from today", upcoming, "Soonest first."),
        ], named=False, preview=True)  # the headings say what the list is: no page name in its caption
        earlier = self.sections(page, "forward plan", [
            ("intentions", "earlier", "Planned start date passed", passed,
             "Intentions whose planned start date has passed, most recent first: they may be awarded, "
             "still in procurement or deferred."),
        ], named=False, preview=True)  # the headings say what the list is: no page name in its caption
        write_page(self.env, self.docs, page, "forward_plan.md.j2", sections=sections, earlier=earlier,
                   today=self.today, **self.common)


def writer(env, docs_dir: Path, common: dict, tables: dict, raw: listing.SourceText, entities: Entities,
           today: dt.date) -> Writer:
    rows = listing.row_sets(tables, raw, entities)
    kpis = build_kpis(tables)
    if kpis is not None:
        lines = listing.source_lines(raw, "contract_kpis")  # read once, for both lists
        rows["kpis"] = kpi_pages.kpi_rows(tables, lines, entities, kpis)
        rows["performance"] = kpi_pages.performance_rows(tables, lines, entities, kpis)
    w = Writer(env, docs_dir, common, tables, entities, rows, today, raw)
    w.kpis = kpis
    return w


def render_markdown(w: Writer) -> None:
    """Phase one, before MkDocs: the pages in the sidebar, as Markdown. A kind with nothing in
    it has no page (the navigation leaves it out: site/mkdocs.py)."""
    for kind in KINDS:
        if kind not in ("intention", "decision") and w.entities.by_kind[kind]:
            w.index_page(kind)
    if len(w.tables["contracts"]) or len(w.tables["grants"]):
        w.live_page()
    if len(w.tables["commissioning_intentions"]):
        w.forward_plan_page()
    if len(w.tables["decisions"]):
        w.decision_pages()
    if kpi_pages.has_performance(w.kpis):
        kpi_pages.performance_pages(w)


def render_html(w: Writer, site_dir: Path, shells: dict, workers: int | None = None,
                on_progress: Callable[[int, int], None] | None = None, build_key: str | None = None,
                published: Path | None = None) -> list[str]:
    """Phase two, after MkDocs: every entity page and the further pages of long lists,
    as HTML in the site. Returns the URLs written, in the same order whatever `workers`.

    With `build_key` (publish/incremental.pages_key), the site gets reuse.STATE_FILE, and a
    job whose fingerprint is the same as in `published` (the site last built into the same
    folder) has its files hard-linked from there, not rendered (reuse.py).

    The pages are independent, so with more than one core they are shared among forked
    worker processes (`workers`, default: the cores this process may use, at most WORKERS).
    Each inherits the tables and rows as they are and sends back only the URLs it wrote. The
    jobs go in CHUNKS_PER_WORKER chunks per worker, a new process for each chunk: a process
    copies every page of memory whose objects it touches, so one that lived for the whole
    stage would end up with a copy of most of this one (12 GB in all at 1M grants).
    Each chunk's process is a background.Background forked by this thread, so it dies with the
    build: a build that is killed leaves no worker writing pages (a multiprocessing Pool forks
    from a helper thread, where that cannot be asked for: background.die_with_parent).
    `on_progress(done, total)` is called as the jobs (entities, and further pages of lists) are
    done: every PROGRESS_EVERY jobs in one process, as each chunk ends with workers."""
    global _JOBS
    w.site_dir, w.shells = site_dir, shells
    # The further pages of the lists on the Markdown pages (phase one), then every entity.
    jobs = w.deferred + [entity for kind in KINDS for entity in w.entities.by_kind[kind].values()]
    w.deferred = []
    if workers is None:
        workers = min(WORKERS, cores())
    workers = max(1, min(workers, len(jobs) // MIN_JOBS))
    forking = workers > 1 and "fork" in multiprocessing.get_all_start_methods()
    # Every job's fingerprint reads the rows' digests, so they are made before the workers fork
    # (once, not in each). With workers, forked children make them, half each, while this process
    # makes what the workers share (prepare): at 1M grants, 4 and 5 s that had one core idle, one
    # after the other; and a rebuild that keeps the pages has little else to do meanwhile.
    with ExitStack() as digesting:
        parts = [digesting.enter_context(Background(_row_digests, w.rows, (i, DIGEST_PARTS), fork=True))
                 for i in range(DIGEST_PARTS if forking else 0)]
        key = reuse.common_key(build_key, shells, w.entities, w.rows) if build_key is not None else None
        w.previous = reuse.Previous(published, key) if key is not None else None
        if forking:
            if not (w.previous is not None and w.previous.jobs):
                # Made once here and shared, not once per process; but when the published site's pages
                # can be kept, most are, and the workers read the rows of the few they render.
                w.prepare()
            for name in PAGE_TEMPLATES:  # compiled once here, not in every chunk's process (30-50 ms each time)
                w.template(name)
            job_pages = _pages(jobs)  # (0.3 s at 1M grants) while the digests are made
        w.digests = reuse.join_digests([part.result() for part in parts]) if forking else reuse.row_digests(w.rows)
    lines: list[str] = []
    w.kept = (0, len(jobs))
    report = on_progress or (lambda done, total: None)
    if not forking:
        urls = []
        for start in range(0, len(jobs), PROGRESS_EVERY):
            pages, state, kept = _render_jobs(w, jobs[start:start + PROGRESS_EVERY])
            urls += pages
            lines += state
            w.kept = (w.kept[0] + kept, len(jobs))
            report(min(start + PROGRESS_EVERY, len(jobs)), len(jobs))
        if key is not None:
            reuse.write_state(site_dir, key, lines)
        return urls
    release_memory()  # what the steps before freed, not copied into every worker
    chunks = _chunks(job_pages, workers * CHUNKS_PER_WORKER, MIN_CHUNK)
    _JOBS = (w, jobs)
    gc.freeze()  # the collector would otherwise write to every object in every process
    done: dict[int, tuple[list[str], list[str], int]] = {}
    running: dict[int, Background] = {}
    try:
        waiting, written = list(range(len(chunks))), 0

        def start_next() -> None:
            following = waiting.pop(0)
            running[following] = Background(_render_chunk, chunks[following], fork=True)

        while waiting or running:
            while waiting and len(running) < workers:
                start_next()
            for index in wait_any(running):
                finished = running.pop(index)
                if waiting:  # the next chunk's process first: result() waits for this one to exit,
                    start_next()  # which at 1M grants takes a while (its copy of the build's memory is unmapped)
                done[index] = finished.result()
                written += chunks[index][1] - chunks[index][0]
                report(written, len(jobs))
    finally:
        for step in running.values():  # the build stopped: stop the other workers
            step.close()
        _JOBS = None
        gc.unfreeze()
    w.kept = (sum(done[index][2] for index in range(len(chunks))), len(jobs))
    if key is not None:
        reuse.write_state(site_dir, key, [line for index in range(len(chunks)) for line in done[index][1]])
    return [url for index in range(len(chunks)) for url in done[index][0]]


LINKS_KEPT = 100_000  # most links a Writer keeps (Writer.link)
# The templates of the pages phase two writes (Writer.write_html).
PAGE_TEMPLATES = ("entity.html.j2", "measurements.html.j2", "decision.html.j2", "contract.html.j2",
                  "intention.html.j2", "list_page.html.j2")
WORKERS = 4  # most worker processes for the entity pages
DIGEST_PARTS = 2  # forked children making the rows' digests before the workers fork
MIN_JOBS = 500  # fewer pages than this per worker are not worth a process
CHUNKS_PER_WORKER = 8
# The fewest pages a new process is started for: each costs a fork and copies again the memory
# pages it writes (at 20k grants 32 chunks of 580 pages took 3.3 s, 8 of 2,300 2.9 s).
MIN_CHUNK = 2500
PROGRESS_EVERY = 1000  # jobs between progress reports when one process writes every page
_JOBS: tuple | None = None  # (writer, jobs) for the forked workers


def _row_digests(rows: dict, part: tuple[int, int], on_progress=None) -> dict:
    """reuse.row_digests of one part of the rows, in a forked child render_html starts for it."""
    return reuse.row_digests(rows, part)


def _render_chunk(span: tuple[int, int], on_progress=None) -> tuple[list[str], list[str], int]:
    """A worker's chunk of jobs. The state file's lines come back as one string (at 1M grants a
    million small strings in the build's process would be some 50 MB more)."""
    w, jobs = _JOBS
    urls, lines, kept = _render_jobs(w, jobs[span[0]:span[1]])
    return urls, ["\n".join(lines)] if lines else [], kept


def _pages(jobs: list) -> np.ndarray:
    """About how many pages each job writes: an entity's page and the further pages of its
    long lists (a commissioner's at 1M grants are thousands, and all its kind's few entities
    came in one chunk that took twice as long as the others), a further page of a list one."""
    pages = np.ones(len(jobs), dtype=np.int64)
    at = [i for i, job in enumerate(jobs) if not isinstance(job, dict)]
    entities = [jobs[i] for i in at]
    beyond = np.zeros(len(at), dtype=np.int64)  # further pages
    for name in ("grants", "contracts", "intentions", "organisations"):
        rows = np.fromiter(map(len, map(attrgetter(name), entities)), dtype=np.int64, count=len(entities))
        beyond += -(-np.maximum(rows - listing.FIRST_ROWS, 0) // listing.PAGE_ROWS)
    pages[at] += beyond
    return pages


def _chunks(pages: np.ndarray, count: int, least: int) -> list[tuple[int, int]]:
    """The jobs in runs, (start, end), of about equal `pages` (a job's pages are never split),
    `count` of them, each of `least` pages at least (but the last)."""
    if not len(pages):
        return []
    ends = np.cumsum(pages)
    size = max(least, -(-int(ends[-1]) // count))
    # each run ends with the first job whose pages reach the next multiple of `size`
    cuts = np.unique(np.searchsorted(ends, np.arange(size, int(ends[-1]), size)) + 1)
    bounds = [0, *cuts[cuts < len(pages)].tolist(), len(pages)]
    return [(start, end) for start, end in zip(bounds, bounds[1:]) if end > start]


def _render_jobs(w: Writer, jobs: list) -> tuple[list[str], list[str], int]:
    """Each job's page (an entity's, then the further pages of its long lists; or a further
    page of a list on a Markdown page), or, where `w.previous` has the job with the same
    fingerprint (reuse.py), its files linked from the published site. Returns the URLs of
    the pages, the jobs' lines of the state file (reuse.write_state) and how many were kept."""
    start, lines, kept_jobs = len(w.html_pages), [], 0
    for entity in jobs:
        first = len(w.written)
        fp = reuse.fingerprint(w.digests, entity)
        kept = w.previous.files(reuse.job_page(entity), fp) if w.previous is not None else None
        further: list[str] = []
        if kept is not None and w.previous.link(kept, w.site_dir, w.folder):
            w.written += kept
            w.html_pages += [name for name in kept if name.endswith(".html")]
            kept_jobs += 1
            further = w.previous.lines_of(kept, reuse.job_page(entity))  # its further pages' own lines
        elif isinstance(entity, dict):  # a further page of a list
            w.deferred.append(entity)
        elif entity.kind == "contract":
            w.contract_page(entity)
        elif entity.kind == "intention":
            w.intention_page(entity)
        elif entity.kind == "decision":
            w.decision_page(entity)
        else:
            w.entity_page(entity)
        further += w.write_deferred(nested=not isinstance(entity, dict))
        lines.append("\t".join([reuse.job_page(entity), fp, *w.written[first:]]))
        lines += further
    return w.html_pages[start:], lines, kept_jobs
