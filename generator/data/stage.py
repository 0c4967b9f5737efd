"""The data stage, whole: the package validated against its schemas, the typed tables loaded and
the council's checks run, reporting every problem one run can find."""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..findings import Finding, errors
from . import checks, load
from .package import DataPackage, PackageError, load_package, sort_findings
from .validate import FILE_CODES, validate


def check_data(data_dir: Path, config: Config) -> tuple[list[Finding], DataPackage | None, dict | None]:
    """Validate the package and run the council checks on every dataset that passed
    its schema, so that one run reports every problem it can. Returns the findings,
    the package and the typed tables (None when any error was found)."""
    try:
        package = load_package(data_dir)
    except PackageError as exc:
        return exc.findings, None, None
    findings = validate(package)
    failed = {f.dataset for f in errors(findings)}
    passed = [res for res in package.resources if res.name not in failed]
    tables, load_findings = load.load(passed)
    findings += load_findings
    tables = {name: table for name, table in tables.items() if name not in {f.dataset for f in load_findings}}
    findings += checks.run_checks(tables, package, config)
    unreadable = {f.dataset for f in findings if f.code in FILE_CODES}
    raw = load.load_text([r for r in package.resources if r.name in failed - unreadable])
    findings += checks.run_text_checks(raw, package, config)
    findings = sort_findings(findings, package)
    return findings, package, (None if errors(findings) else tables)
