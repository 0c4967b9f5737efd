"""Build: the whole pipeline, step by step.

    data (validate, load, checks) -> exports, beside model -> site (pages, mkdocs, entity
    pages, search) -> publish

Each step is a call into the subpackage that owns it (generator/data/, model/, exports/,
site/, publish/). Nothing is written to the output folder until every step has succeeded:
the new site is built in a staging folder beside it and swapped in at the end, so a failed
build leaves the previously published site exactly as it was.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from .background import Background
from .config import PROJECT_DIR, Config, today
from .data import load
from .data.stage import check_council, check_schemas
from .exports import catalogue
from .exports.kept import Kept, write_state as write_kept_state
from .exports.package import DOWNLOADS, WARNINGS_CSV, Download, export, write_findings_csv
from .exports.standards import export_standards
from .findings import Finding, errors
from .git import GitError
from .model.datasets import dataset_infos, quality_infos
from .model.entities import build_entities
from .model.figures import build_model
from .progress import Quiet
from .publish import incremental, releases
from .publish.swap import MARKER, SwapError, check_out_dir, lock, replace_dir
from .site import entity_pages, mkdocs, reuse, search
from .site.pages import SiteContent, render, render_downloads

GENERATED = PROJECT_DIR / "site_src" / "generated"  # the MkDocs docs folder (git-ignored)


class BuildError(Exception):
    """The build stopped; `findings` says why. Nothing was published."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"{len(errors(findings))} error(s)")
        self.findings = findings


@dataclass
class Result:
    findings: list[Finding]  # warnings only, when the build succeeded
    timings: dict[str, float] = field(default_factory=dict)
    up_to_date: bool = False  # nothing had changed since out_dir was built: nothing was done
    # The steps run beside a stage (background.py), by name: their own seconds and peak_mb.
    beside: dict[str, dict] = field(default_factory=dict)
    # Entity-page jobs (a page, its CSVs and further pages) kept from the site in out_dir, and all of them.
    pages_kept: tuple[int, int] = (0, 0)
    # MkDocs pages kept from the site in out_dir (their Markdown had not changed), and all of them.
    mkdocs_kept: tuple[int, int] = (0, 0)
    # Entity documents of the search index whose words were kept from the site in out_dir, and all of them.
    search_kept: tuple[int, int] = (0, 0)


class _Laps:
    """The time each stage took, in the order they ran, told to `progress` as each ends."""

    def __init__(self, progress: Quiet):
        self.timings: dict[str, float] = {}
        self.clock = time.perf_counter()
        self.progress = progress

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = now - self.clock
        self.clock = now
        self.progress.stage(stage, self.timings[stage])


def build(data_dir: Path, out_dir: Path, config: Config, docs_dir: Path | None = GENERATED,
          force: bool = False, progress: Quiet | None = None) -> Result:
    """Validate `data_dir` and build the site into `out_dir`. The generated Markdown is
    kept in `docs_dir` (None: not kept) for inspection and a standalone `mkdocs build`.
    When `out_dir` was built from exactly the same inputs (publish/incremental.py), nothing
    is done unless `force`. `progress` (progress.py) is told each stage as it ends, and the
    count of long work as it goes."""
    progress = progress or Quiet()
    lap = _Laps(progress)
    key = incremental.build_key(data_dir, config.path)
    if not force and incremental.up_to_date(out_dir, key):
        lap("up to date")
        return Result(findings=[], timings=lap.timings, up_to_date=True)
    out_dir = Path(out_dir).resolve()
    try:
        check_out_dir(out_dir)

        # 1. Validate against the schemas and load the typed tables. When a dataset fails, the
        # council checks still run on the others, so that one run reports every problem.
        found = check_schemas(data_dir)
        if found.package is None or errors(found.findings):
            raise BuildError(check_council(found, config))
        package, tables = found.package, found.tables
        lap("validate")

        # What every kept page and download is checked against (site/reuse.py, exports/kept.py),
        # and the site last built into out_dir, which they are kept from.
        common = incremental.pages_key(data_dir, config.path, reuse.TRACKED_DATA)
        published = out_dir if (out_dir / MARKER).is_file() else None
        with ExitStack() as held:
            try:
                held.enter_context(lock(out_dir))
            except SwapError as busy:  # another build: the data's own errors are said too
                raise BuildError([*errors(check_council(found, config)), *busy.findings]) from None
            staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
            try:
                docs, site_dir = staging / "docs", staging / "site"
                # 2. Downloads, exported from the validated tables in a forked process
                # (background.py) while this one computes the model and writes the Markdown pages.
                # The large files are written beside the docs folder (`large`), with only empty
                # stand-ins inside it: MkDocs checks the links to them, and would copy gigabytes at
                # 1M grants. They are moved into the site after MkDocs. (Should the council checks
                # find an error, the build stops, and with it the exports' process.)
                large = staging / "downloads"
                with Background(_downloads, package, tables, config, docs, large,
                                Kept(published, common, DOWNLOADS),
                                on_progress=progress.counter("exporting", "datasets")) as exporting:
                    # 3. Compute the figures, and what each organisation, outcome, commissioner ...
                    # funds, while another forked process runs the council checks on the same tables.
                    with Background(_council_checks, found, config) as checking:
                        the_model = build_model(tables)
                        if checking.ready() and errors(findings := checking.result()):
                            raise BuildError(findings)  # not waiting for the entities to say so
                        the_entities = build_entities(tables)
                        findings = checking.result()
                    beside = {"council checks": checking.cost}
                    if errors(findings):
                        raise BuildError(findings)
                    (docs / DOWNLOADS).mkdir(parents=True, exist_ok=True)  # the exports' process too
                    write_findings_csv(findings, docs / DOWNLOADS / WARNINGS_CSV)
                    lap("model")  # with the council checks, which end before it, or are waited for

                    # 4. Markdown pages: first those that do not list the downloads.
                    content = _content(config, the_model, the_entities, package, tables, findings)
                    explore = render(content, docs)
                    mkdocs.write_shells(docs)
                    lap("render")
                    downloads, standards, history, kept_downloads = exporting.result()
                # The stage its process began after (run here, on one core, it ran after render).
                beside["export"] = {**exporting.cost, **({"after": "validate"} if exporting.forked else {})}
                lap("export")  # the time waited for the exports, once the pages were written
                _add_downloads(content, package, tables, downloads, standards, history)
                render_downloads(content, docs)
                catalogue.write_catalogue(content, docs / DOWNLOADS / "catalog.jsonld")

                # 5. MkDocs builds the HTML of those pages, each with its Content-Security-Policy,
                # while forked processes read the entities for the search index (step 7): with very
                # many entities, two, half each, as MkDocs ends long before one would.
                # The site's key (the build key without the data) is what MkDocs' kept pages and the
                # search's kept words of the entities are made with, besides their own inputs.
                parts = 2 if sum(map(len, the_entities.by_kind.values())) >= search.SPLIT_ENTITIES else 1
                made_with = incremental.site_key(data_dir, config.path, tuple(r.name for r in package.resources))
                with ExitStack() as stack:
                    indexing = [stack.enter_context(Background(search.collect_entities, the_entities, tables, (i, parts),
                                                               published, made_with))
                                for i in range(parts)]
                    mkdocs_kept = mkdocs.build_site(docs, site_dir, config, published, made_with)
                    mkdocs.move_downloads(large, site_dir / DOWNLOADS, docs / DOWNLOADS)
                    mkdocs.apply_csp(site_dir)
                    built = search.static_pages(site_dir)  # before thousands of entity pages join them
                    found = indexing[0].result()  # before the pages' workers are forked
                    for step in indexing[1:]:
                        found.extend(step.result())
                peaks = [step.cost["peak_mb"] for step in indexing if step.cost["peak_mb"] is not None]
                beside["search entities"] = {"seconds": sum(step.cost["seconds"] for step in indexing),
                                             "peak_mb": max(peaks, default=None)}
                lap("mkdocs")

                # 6. The entity pages (thousands), rendered by Jinja2 into shells MkDocs built.
                # (Making the search index meanwhile, in this process, was tried and was slower: the
                # workers keep both cores busy, and the index's allocations copy pages they share.
                # At 1M grants the two took 239 s together, 165 s one after the other.)
                # A page whose inputs did not change since the site in out_dir was built is linked
                # from there, not rendered again (site/reuse.py).
                urls = entity_pages.render_html(explore, site_dir, mkdocs.load_shells(site_dir),
                                                on_progress=progress.counter("writing pages", "pages"),
                                                build_key=common, published=published)
                mkdocs.remove_shells(site_dir, urls, config.site_url)
                lap("pages")

                # 7. The search index, made from the entities (read in step 5) and the pages MkDocs built.
                search.index(site_dir, the_entities, tables, built, found, published, made_with)
                lap("search")

                # 8. Publish: swap the finished site in, and keep the Markdown it was built from.
                write_kept_state(site_dir, kept_downloads)
                _publish(site_dir, out_dir, docs, docs_dir, key)
                lap("publish")
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except (SwapError, GitError, mkdocs.SiteError, search.SearchError) as exc:
        raise BuildError(exc.findings) from None
    return Result(findings=findings, timings=lap.timings, beside=beside, pages_kept=explore.kept,
                  mkdocs_kept=mkdocs_kept, search_kept=(found.kept, len(found.keys)))


def _council_checks(found, config, on_progress) -> list[Finding]:
    """check_council, in the forked process of step 2 (it reports no progress)."""
    return check_council(found, config)


def _downloads(package, tables, config, docs: Path, large: Path, kept: Kept,
               on_progress) -> tuple[list[Download], list[Download], list, list[str]]:
    """Every download (into `large`, with stand-ins in the docs folder), the standards files,
    and the releases with their feed. Returns the downloads, the standards files, the releases
    and the lines of the kept downloads' state (exports/kept.py). (Run in a forked process: it
    writes only into docs/downloads/, docs/feed.xml and `large`, where the pages are not
    written; the build's process writes the warnings CSV into docs/downloads/.)"""
    downloads = export(package, tables, large, on_progress=on_progress, kept=kept)
    (docs / DOWNLOADS).mkdir(parents=True, exist_ok=True)
    standards = export_standards(tables, config, large, today(), kept=kept)
    mkdocs.stand_ins(large, docs / DOWNLOADS)
    history = releases.history(package)
    releases.write_releases(history, config, docs)
    return downloads, standards, history, kept.lines


def _content(config, the_model, the_entities, package, tables, findings) -> SiteContent:
    """Everything the pages are made from: the figures, the datasets and their quality, the
    tables (typed, and as their source text) and the entities. The downloads and releases
    are added when the exports are done (_add_downloads)."""
    return SiteContent(
        config=config,
        model=the_model,
        datasets=dataset_infos(package, tables, [], load.last_updated(package)),
        commissioners=tables["commissioners"],
        quality=quality_infos(package, findings, today()),
        tables=tables,
        raw=load.SourceText(package.resources),
        entities=the_entities,
        today=today(),
    )


def _add_downloads(content: SiteContent, package, tables, downloads, standards, history) -> None:
    """The exports' files (with their sizes) and the releases, for the pages that list them."""
    updated = {d.name: d.last_updated for d in content.datasets}  # git is asked once
    content.datasets = dataset_infos(package, tables, downloads, updated)
    content.package_zip = next(d for d in downloads if d.label == "ZIP")
    content.standards, content.releases = standards, history


def _publish(site_dir: Path, out_dir: Path, docs: Path, docs_dir: Path | None, key: str | None) -> None:
    """Mark the finished site as ours, record its build key, swap it in for `out_dir`, and keep
    the Markdown it was built from in `docs_dir` (when given)."""
    (site_dir / MARKER).write_text(
        "This folder is replaced by each `python -m generator build`.\n", encoding="utf-8")
    incremental.record(site_dir, key)
    replace_dir(site_dir, out_dir, wait=False)  # the previous site is deleted by a detached process
    if docs_dir is not None:
        docs_dir.parent.mkdir(parents=True, exist_ok=True)
        replace_dir(docs, docs_dir)
