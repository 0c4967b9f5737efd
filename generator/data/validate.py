"""Validation: the data package against its Frictionless Table Schemas, all errors at once.

1. file checks (files.py): UTF-8 without a BOM, comma-delimited, exactly the schema's header;
2. the Table Schema (types, required, unique, enum, pattern, minimum, primary and foreign
   keys) on every file that passed the first pass: by fast.py, vectorised, with exactly
   frictionless's findings (tests/data/test_parity.py), or by frictionless itself
   (frictionless.py) with GENERATOR_VALIDATOR=frictionless.
"""

from __future__ import annotations

import os

from ..findings import Finding
from . import fast
from .files import check_file
from .frictionless import run_frictionless
from .package import DataPackage, sort_findings

# What each schema-level finding code checks, in plain English (group headings and
# the data quality pages).
CODE_TITLES = {
    "missing-file": "Every file listed in datapackage.json exists",
    "empty-file": "Files are not empty",
    "bom": "Files are UTF-8 without a byte-order mark",
    "encoding": "Files are UTF-8 text",
    "binary": "Files are text, not binary",
    "delimiter": "Columns are separated by commas",
    "header": "Header names have no spaces around them",
    "duplicate-header": "No column appears twice",
    "extra-header": "Every column is one the schema lists",
    "missing-header": "Every column in the schema is present",
    "header-order": "Columns are in the schema's order",
    "blank-row": "No blank rows",
    "extra-cell": "Rows have no more values than there are columns",
    "missing-cell": "Rows have a value for every column",
    "type-error": "Values have their column's type (number, date, yes or no)",
    "constraint-required": "Required values are present",
    "constraint-enum": "Values are among the column's allowed values",
    "constraint-pattern": "Identifiers and codes have the expected form",
    "constraint-minimum": "Numbers are not below the column's minimum",
    "constraint-maximum": "Numbers are not above the column's maximum",
    "duplicate": "Identifiers and keys are unique",
    "foreign-key": "References match a row in the dataset they point to",
    "invalid-json": "datapackage.json and the schemas are valid JSON",
    "invalid-descriptor": "datapackage.json lists every resource with a name, path and schema",
    "out-dir": "The output folder is one this tool may replace",
    "mkdocs": "MkDocs builds the site without warnings",
    "git": "The data's git history can be read",
}


# Findings about the file itself: its rows could not be read.
FILE_CODES = {"missing-file", "empty-file", "bom", "encoding", "binary", "delimiter", "header",
              "duplicate-header", "extra-header", "missing-header", "header-order"}


# Which checker runs pass 2: "fast" (fast.py: vectorised, the same findings,
# 10-25x faster at every size measured; it hands the rare cases it does not replicate to
# frictionless) or "frictionless" (row by row). The parity tests run both.
VALIDATOR_ENV = "GENERATOR_VALIDATOR"
VALIDATORS = ("fast", "frictionless")


def validate(package: DataPackage, validator: str | None = None) -> list[Finding]:
    """Every schema-level finding for the package, sorted by file, row, column.
    `validator` (else $GENERATOR_VALIDATOR, else "fast") picks the schema checker."""
    validator = validator or os.environ.get(VALIDATOR_ENV) or "fast"
    if validator not in VALIDATORS:
        raise ValueError(f"{VALIDATOR_ENV}={validator!r} (expected one of: {', '.join(VALIDATORS)})")
    found: list[Finding] = []
    readable: set[str] = set()
    for res in package.resources:
        file_findings = check_file(res)
        found.extend(file_findings)
        if not file_findings:
            readable.add(res.name)
    if validator == "fast":
        found.extend(fast.run(package, readable))
    else:
        found.extend(run_frictionless(package, readable))
    return sort_findings(found, package)
