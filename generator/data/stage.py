"""The data stage, whole: the package validated against its schemas, the typed tables loaded and
the council's checks run, reporting every problem one run can find.

It is two steps, so that a build can run the second beside the model (build.py): `check_schemas`
(validate and load) and `check_council` (the council's checks on what loaded). `check_data` is
both, one after the other."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..config import Config
from ..findings import Finding, errors
from . import checks, load
from .package import DataPackage, PackageError, load_package, sort_findings
from .validate import FILE_CODES, validate


@dataclass
class Schemas:
    """What `check_schemas` found: its findings, the package (None when it could not be read),
    the typed tables of every dataset that passed its schema and loaded, and the names of the
    datasets that failed their schema."""

    findings: list[Finding]
    package: DataPackage | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)


def check_data(data_dir: Path, config: Config) -> tuple[list[Finding], DataPackage | None, dict | None]:
    """Validate the package and run the council checks on every dataset that passed
    its schema, so that one run reports every problem it can. Returns the findings,
    the package and the typed tables (None when any error was found)."""
    found = check_schemas(data_dir)
    findings = check_council(found, config)
    return findings, found.package, (None if errors(findings) else found.tables)


def check_schemas(data_dir: Path) -> Schemas:
    """Validate the package against its schemas and load the typed tables of the datasets
    that passed."""
    try:
        package = load_package(data_dir)
    except PackageError as exc:
        return Schemas(exc.findings, None)
    loading = load.Preload(package.resources)  # in a thread, while they are validated
    findings = validate(package)
    failed = {f.dataset for f in errors(findings)}
    passed = [res for res in package.resources if res.name not in failed]
    tables, load_findings = loading.load(passed)
    unloaded = {f.dataset for f in load_findings}
    tables = {name: table for name, table in tables.items() if name not in unloaded}
    return Schemas(findings + load_findings, package, tables, failed)


def check_council(found: Schemas, config: Config) -> list[Finding]:
    """Every finding: the schemas' (from `check_schemas`), the council checks' on the tables
    that loaded, and the text checks' on the files that failed their schema, in file and
    row order."""
    if found.package is None:
        return found.findings
    package = found.package
    findings = found.findings + checks.run_checks(found.tables, package, config)
    unreadable = {f.dataset for f in findings if f.code in FILE_CODES}
    raw = load.load_text([r for r in package.resources if r.name in found.failed - unreadable])
    findings += checks.run_text_checks(raw, package, config)
    return sort_findings(findings, package)
