"""Build: the whole pipeline, step by step.

    validate -> checks -> load -> model -> render -> export -> mkdocs -> publish

Nothing is written to the output folder until every step has succeeded: the new
site is built in a staging folder beside it and swapped in at the end, so a
failed build leaves the previously published site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import checks, export, load, model, render, site, validate
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
    out_dir: Path | None = None


def check(data_dir: Path, config: Config) -> tuple[list[Finding], validate.DataPackage, dict | None]:
    """Validate the package and run the council checks. Returns the findings,
    the package and, when the schemas passed, the typed tables."""
    try:
        package = validate.load_package(data_dir)
    except validate.PackageError as exc:
        return [exc.finding], None, None
    findings = validate.validate(package)
    if errors(findings):
        return findings, package, None
    tables = load.load(package)
    findings += checks.run_checks(tables, package, config)
    return findings, package, tables


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise BuildError([Finding(str(out_dir), None, None, "out-dir", "is a file (expected a folder for the site)")])
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise BuildError([Finding(
            str(out_dir), None, None, "out-dir",
            "is not empty and was not built by this tool, so it will not be replaced "
            "(expected an empty folder, a new one, or a previous build)")])


def publish(staging: Path, out_dir: Path) -> None:
    """Swap the finished staging folder in for the published site."""
    (staging / MARKER).write_text("This folder is replaced by each `python -m generator build`.\n", encoding="utf-8")
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        os.replace(out_dir, old)
    os.replace(staging, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(data_dir: Path, out_dir: Path, config: Config, docs_dir: Path = GENERATED) -> Result:
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    out_dir = Path(out_dir).resolve()
    _check_out_dir(out_dir)

    # 1. Validate against the schemas, then the council checks.
    findings, package, tables = check(data_dir, config)
    if errors(findings):
        raise BuildError(findings)
    lap("validate")

    # 2. Compute the figures.
    the_model = model.build_model(tables)
    lap("model")

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        # 3. Downloads, written into the docs folder so MkDocs copies them and checks links to them.
        if docs_dir.exists():
            shutil.rmtree(docs_dir)
        downloads_dir = Path(tempfile.mkdtemp(prefix="downloads-", dir=staging))
        downloads = export.export(package, tables, downloads_dir)
        export.write_findings_csv(findings, downloads_dir / export.WARNINGS_CSV)
        lap("export")

        # 4. Markdown pages.
        content = model.Site(
            config=config,
            model=the_model,
            datasets=model.dataset_infos(package, tables, downloads, load.last_updated(package)),
            commissioners=tables["commissioners"],
            quality=model.quality_infos(package, findings, checks.today()),
        )
        render.render(content, docs_dir)
        shutil.move(str(downloads_dir), str(docs_dir / export.DOWNLOADS))
        lap("render")

        # 5. MkDocs builds the HTML.
        site_dir = staging / "site"
        site.build_site(docs_dir, site_dir)
        lap("mkdocs")

        # 6. Publish: swap the finished site in.
        publish(site_dir, out_dir)
        lap("publish")
    except site.SiteError as exc:
        raise BuildError(exc.findings) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Result(findings=findings, timings=timings, out_dir=out_dir)
