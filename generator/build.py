"""Build: the whole pipeline, step by step.

    validate -> load -> checks -> model -> export -> render -> mkdocs -> pages -> search -> publish

Nothing is written to the output folder until every step has succeeded: the new
site is built in a staging folder beside it and swapped in at the end, so a
failed build leaves the previously published site exactly as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import checks, entities, entity_pages, export, incremental, load, model, releases, render, search, site, validate
from .config import ROOT, Config
from .findings import Finding, errors

GENERATED = ROOT / "site_src" / "generated"  # the MkDocs docs folder (git-ignored)
MARKER = ".built-by-generator"  # proves an output folder is ours to replace


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


def check(data_dir: Path, config: Config) -> tuple[list[Finding], validate.DataPackage | None, dict | None]:
    """Validate the package and run the council checks on every dataset that passed
    its schema, so that one run reports every problem it can. Returns the findings,
    the package and the typed tables (None when any error was found)."""
    try:
        package = validate.load_package(data_dir)
    except validate.PackageError as exc:
        return exc.findings, None, None
    findings = validate.validate(package)
    failed = {f.dataset for f in errors(findings)}
    passed = [res for res in package.resources if res.name not in failed]
    tables, load_findings = load.load(passed)
    findings += load_findings
    tables = {name: table for name, table in tables.items() if name not in {f.dataset for f in load_findings}}
    findings += checks.run_checks(tables, package, config)
    unreadable = {f.dataset for f in findings if f.code in validate.FILE_CODES}
    raw = load.load_text([r for r in package.resources if r.name in failed - unreadable])
    findings += checks.run_text_checks(raw, package, config)
    findings = validate.sort_findings(findings, package)
    return findings, package, (None if errors(findings) else tables)


def _check_out_dir(out_dir: Path) -> None:
    def refuse(path: Path, message: str) -> BuildError:
        return BuildError([Finding(str(path), None, None, "out-dir", message)])

    for parent in out_dir.parents:
        if parent.exists() and not parent.is_dir():
            raise refuse(parent, "is a file (expected a folder to hold the site)")
    if out_dir.exists() and not out_dir.is_dir():
        raise refuse(out_dir, "is a file (expected a folder for the site)")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise refuse(out_dir, "is not empty and was not built by this tool, so it will not be replaced "
                              "(expected an empty folder, a new one, or a previous build)")


@contextlib.contextmanager
def lock(out_dir: Path):
    """One build at a time per output folder: a second one stops with a message."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    path = out_dir.with_name(f".{out_dir.name}.lock")
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError([Finding(str(out_dir), None, None, "out-dir",
                                      "another build is writing to this folder (expected one build at a time: "
                                      "run this one again when it has finished)")]) from None
        # Staging folders left by a build that was killed: ours to remove, as we hold the lock.
        for stale in out_dir.parent.glob(f".{out_dir.name}.new-*"):
            shutil.rmtree(stale, ignore_errors=True)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE), so no
    moment exists when the published folder is missing. False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def replace_dir(new: Path, target: Path) -> None:
    """Put the folder `new` where `target` is. With an existing target the two are
    exchanged atomically where the system allows it; otherwise the old one is moved
    aside first and put back if the move fails."""
    if target.exists() and _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the previous site
        return
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            os.replace(old, target)  # put the previous one back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _stand_ins(large: Path, docs_downloads: Path) -> None:
    """An empty file in the docs folder for each large download, for MkDocs' link checks."""
    docs_downloads.mkdir(parents=True, exist_ok=True)
    for path in large.iterdir():
        (docs_downloads / path.name).touch()


def _move_downloads(large: Path, site_downloads: Path, docs_downloads: Path) -> None:
    """Put each large download in the site (over MkDocs' copy of its stand-in) and, as a hard
    link, in the docs folder too, so the kept Markdown folder builds on its own."""
    for path in sorted(large.iterdir()):
        target = site_downloads / path.name
        os.replace(path, target)
        stand_in = docs_downloads / path.name
        stand_in.unlink()
        try:
            os.link(target, stand_in)
        except OSError:  # a file system without hard links
            shutil.copyfile(target, stand_in)


def build(data_dir: Path, out_dir: Path, config: Config, docs_dir: Path | None = GENERATED,
          force: bool = False) -> Result:
    """Validate `data_dir` and build the site into `out_dir`. The generated Markdown is
    kept in `docs_dir` (None: not kept) for inspection and a standalone `mkdocs build`.
    When `out_dir` was built from exactly the same inputs (incremental.py), nothing is
    done unless `force`."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    key = incremental.build_key(data_dir, config.path)
    if not force and incremental.up_to_date(out_dir, key):
        timings["up to date"] = time.perf_counter() - clock
        return Result(findings=[], timings=timings, up_to_date=True)

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    out_dir = Path(out_dir).resolve()
    _check_out_dir(out_dir)

    # 1. Validate against the schemas, load the typed tables and run the council checks.
    findings, package, tables = check(data_dir, config)
    if errors(findings):
        raise BuildError(findings)
    lap("validate")

    # 2. Compute the figures, and what each organisation, outcome, commissioner ... funds.
    the_model = model.build_model(tables)
    the_entities = entities.build_entities(tables)
    lap("model")

    with lock(out_dir):
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
        try:
            # 3. Downloads. The large files are written beside the docs folder, with only empty
            # stand-ins inside it (MkDocs checks the links to them, and would copy gigabytes at
            # 1M grants); they are moved into the site after MkDocs (_move_downloads).
            docs = staging / "docs"
            large = staging / "downloads"
            downloads = export.export(package, tables, large)
            (docs / export.DOWNLOADS).mkdir(parents=True)
            export.write_findings_csv(findings, docs / export.DOWNLOADS / export.WARNINGS_CSV)
            standards = export.export_standards(tables, config, large, checks.today())
            _stand_ins(large, docs / export.DOWNLOADS)
            history = releases.history(package)
            export.write_releases(history, config, docs)
            lap("export")

            # 4. Markdown pages.
            content = model.Site(
                config=config,
                model=the_model,
                datasets=model.dataset_infos(package, tables, downloads, load.last_updated(package)),
                commissioners=tables["commissioners"],
                quality=model.quality_infos(package, findings, checks.today()),
                package_zip=next(d for d in downloads if d.label == "ZIP"),
                standards=standards,
                releases=history,
                tables=tables,
                raw=load.load_raw(package.resources),
                entities=the_entities,
                today=checks.today(),
            )
            explore = render.render(content, docs)
            site.write_shells(docs)
            export.write_catalogue(content, docs / export.DOWNLOADS / "catalog.jsonld")
            lap("render")

            # 5. MkDocs builds the HTML of those pages, each with its Content-Security-Policy.
            site_dir = staging / "site"
            site.build_site(docs, site_dir, config)
            _move_downloads(large, site_dir / export.DOWNLOADS, docs / export.DOWNLOADS)
            site.apply_csp(site_dir)
            built = search.static_pages(site_dir)  # before thousands of entity pages join them
            lap("mkdocs")

            # 6. The entity pages (thousands), rendered by Jinja2 into shells MkDocs built.
            # (Making the search index meanwhile, in this process, was tried and was slower: the
            # workers keep both cores busy, and the index's allocations copy pages they share.
            # At 1M grants the two took 239 s together, 165 s one after the other.)
            urls = entity_pages.render_html(explore, site_dir, site.load_shells(site_dir))
            site.remove_shells(site_dir, urls, config.site_url)
            lap("pages")

            # 7. The search index, made from the entities and the pages MkDocs built.
            search.index(site_dir, the_entities, tables, built)
            lap("search")

            # 8. Publish: swap the finished site in, and keep the Markdown it was built from.
            (site_dir / MARKER).write_text(
                "This folder is replaced by each `python -m generator build`.\n", encoding="utf-8")
            incremental.record(site_dir, key)
            replace_dir(site_dir, out_dir)
            if docs_dir is not None:
                docs_dir.parent.mkdir(parents=True, exist_ok=True)
                replace_dir(docs, docs_dir)
            lap("publish")
        except (site.SiteError, search.SearchError) as exc:
            raise BuildError(exc.findings) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return Result(findings=findings, timings=timings)
