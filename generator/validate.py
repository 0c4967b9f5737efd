"""Validate stage: the data package against its Frictionless Table Schemas.

Two passes, all errors reported at once:

1. file checks frictionless is lenient about (it guesses encodings, delimiters
   and skips a BOM): each CSV must be UTF-8 without a BOM, comma-delimited, with
   exactly the schema's header row;
2. the Table Schema (types, required, unique, enum, pattern, minimum,
   primary and foreign keys), on every file that passed the first pass: by
   generator/fastvalidate.py, vectorised, with exactly frictionless's findings
   (tests/test_parity.py), or by frictionless itself with
   GENERATOR_VALIDATOR=frictionless.

Frictionless errors are turned into plain-English findings that name the file,
row, column and value and say what was expected.
"""

from __future__ import annotations

import codecs
import csv
import re
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .findings import Finding, show

# Frictionless stops at 1,000 errors by default; report every one.
LIMIT_ERRORS = 10_000_000

TYPE_EXPECTED = {
    "number": ("is not a number", "a plain number such as 1200.50"),
    "integer": ("is not a whole number", "a whole number such as 12"),
    "date": ("is not a date", "a date written YYYY-MM-DD, such as 2025-01-15"),
    "boolean": ("is not yes or no", "yes or no"),
    "string": ("is not text", "text"),
}


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
}


# Findings about the file itself: its rows could not be read.
FILE_CODES = {"missing-file", "empty-file", "bom", "encoding", "binary", "delimiter", "header",
              "duplicate-header", "extra-header", "missing-header", "header-order"}


class PackageError(Exception):
    """The package descriptor or a schema cannot be used: no data can be checked."""

    def __init__(self, findings: Finding | list[Finding]):
        self.findings = findings if isinstance(findings, list) else [findings]
        super().__init__("; ".join(str(f) for f in self.findings))


SUPPORTED_TYPES = {"string", "number", "integer", "date", "boolean"}

# The datasets and columns the generator itself reads (model, checks, pages). A package
# may add datasets and columns, but not drop these.
REQUIRED = {
    "wards": ["ward_name"],
    "commissioners": ["commissioner_id", "name", "commissioner_type", "active_from", "active_to", "note"],
    "organisations": ["org_id", "name", "organisation_type", "charity_number", "company_number", "is_vcs",
                      "is_sme", "based_in_borough", "ward"],
    "contracts": ["contract_id", "title", "description", "supplier_org_id", "start_date", "end_date",
                  "review_date", "total_value_gbp", "annual_value_gbp"],
    "grants": ["grant_id", "title", "description", "programme", "funding_type", "recipient_org_id",
               "amount_awarded", "award_date", "planned_start_date", "planned_end_date"],
    "commissioning_intentions": ["intention_id", "title", "description"],
    "outcomes": ["outcome_id"],
    "indicators": ["indicator_id"],
    "measurements": ["period"],
    "funding_outcomes": ["contract_id", "grant_id", "outcome_id"],
    "decisions": ["decision_id", "provenance", "title", "gateway", "decision_maker", "decision_status",
                  "key_decision", "reason_key", "subject_to_call_in", "decision_date", "publication_date",
                  "effective_from", "wards_affected", "department", "purpose", "resolutions",
                  "estimated_value_gbp", "value_basis", "contract_term", "client_group", "source_url",
                  "verification_note"],
    "decision_links": ["decision_id", "contract_id", "intention_id", "programme", "gateway", "note"],
}

@dataclass
class Resource:
    name: str
    title: str
    path: Path  # absolute
    shown: str  # as shown in messages, e.g. data/grants.csv
    schema: dict
    descriptor: dict

    @property
    def fields(self) -> list[dict]:
        return self.schema["fields"]

    def field(self, name: str) -> dict:
        return next((f for f in self.fields if f["name"] == name), {})


@dataclass
class DataPackage:
    data_dir: Path
    descriptor: dict  # as written, with schema paths
    resources: list[Resource]

    def resource(self, name: str) -> Resource:
        return next(r for r in self.resources if r.name == name)


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _read_json(path: Path, what: str) -> dict:
    shown = display_path(path)
    if not path.is_file():
        raise PackageError(Finding(shown, None, None, "missing-file", f"file not found (expected {what})"))
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(Finding(shown, None, None, "invalid-json", f"is not valid JSON ({exc})")) from None
    if not isinstance(value, dict):
        raise PackageError(Finding(shown, None, None, "invalid-json", "is not a JSON object"))
    return value


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def schema_problems(name: str, schema: dict, schemas: dict[str, dict], unreadable: frozenset = frozenset()) -> list[str]:
    """What is wrong with one resource's table schema, in plain English."""
    problems = []
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [f'the schema of "{name}" has no list of fields']
    names = []
    for i, spec in enumerate(fields, start=1):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
            problems.append(f'field {i} of "{name}" has no name')
            continue
        names.append(spec["name"])
        label = f'field "{spec["name"]}" of "{name}"'
        if spec.get("type", "string") not in SUPPORTED_TYPES:
            problems.append(f'{label} has type {spec.get("type")!r} (expected one of: {", ".join(sorted(SUPPORTED_TYPES))})')
        constraints = spec.get("constraints", {})
        if not isinstance(constraints, dict):
            problems.append(f"{label} has constraints that are not an object")
            continue
        if "pattern" in constraints:
            try:
                re.compile(str(constraints["pattern"]))
            except re.error as exc:
                problems.append(f"{label} has a pattern that is not a valid regular expression ({exc})")
        if "enum" in constraints and not isinstance(constraints["enum"], list):
            problems.append(f"{label} has an enum that is not a list")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        problems.append(f'the schema of "{name}" lists {", ".join(duplicates)} more than once')
    for key in _as_list(schema.get("primaryKey", [])):
        if key not in names:
            problems.append(f'the primary key of "{name}" names "{key}", which is not one of its fields')
    for fk in schema.get("foreignKeys", []) or []:
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            problems.append(f'a foreign key of "{name}" is not an object with a reference')
            continue
        target = fk["reference"].get("resource", "") or name
        for field in _as_list(fk.get("fields", [])):
            if field not in names:
                problems.append(f'a foreign key of "{name}" names "{field}", which is not one of its fields')
        if target not in schemas:
            if target not in unreadable:
                problems.append(f'a foreign key of "{name}" points to the resource "{target}", which is not in the package')
            continue
        target_names = [f.get("name") for f in schemas[target].get("fields", []) if isinstance(f, dict)]
        for field in _as_list(fk["reference"].get("fields", [])):
            if field not in target_names:
                problems.append(f'a foreign key of "{name}" points to "{target}.{field}", which is not a field there')
    for field in REQUIRED.get(name, []):
        if field not in names:
            problems.append(f'the schema of "{name}" has no field "{field}" (the site needs it)')
    return problems


def load_package(data_dir: Path) -> DataPackage:
    """Read datapackage.json and every schema it points to, and check they can be used."""
    data_dir = Path(data_dir).resolve()
    dp_path = data_dir / "datapackage.json"
    if not dp_path.is_file():
        raise PackageError(Finding(display_path(dp_path), None, None, "missing-file",
                                   "file not found (expected the data package descriptor here)"))
    descriptor = _read_json(dp_path, "the data package descriptor")
    shown_dp = display_path(dp_path)

    def problem(message: str) -> Finding:
        return Finding(shown_dp, None, None, "invalid-descriptor", message)

    listed = descriptor.get("resources")
    if not isinstance(listed, list) or not listed:
        raise PackageError(problem('"resources" is not a list of datasets (expected one entry per CSV file)'))
    problems: list[Finding] = []
    entries = []
    unreadable = set()  # resources whose schema file could not be read
    for i, res in enumerate(listed, start=1):
        if not isinstance(res, dict) or not isinstance(res.get("name"), str) or not isinstance(res.get("path"), str):
            problems.append(problem(f"resource {i} needs a name and a path"))
            continue
        schema = res.get("schema")
        if isinstance(schema, str):
            try:
                schema = _read_json((data_dir / schema).resolve(), f"the table schema for {res['name']}")
            except PackageError as exc:
                problems.extend(exc.findings)
                unreadable.add(res["name"])
                continue
        if not isinstance(schema, dict):
            problems.append(problem(f'resource "{res["name"]}" has no table schema'))
            continue
        entries.append((res, schema))
    schemas = {res["name"]: schema for res, schema in entries}
    for name in REQUIRED:
        if name not in schemas and not problems:
            problems.append(problem(f'the resource "{name}" is missing (the site needs: {", ".join(REQUIRED)})'))
    for res, schema in entries:
        problems.extend(problem(p) for p in schema_problems(res["name"], schema, schemas, frozenset(unreadable)))
    if problems:
        raise PackageError(problems)
    resources = []
    for res, schema in entries:
        path = (data_dir / res["path"]).resolve()
        resources.append(Resource(res["name"], res.get("title", res["name"]), path, display_path(path), schema, res))
    return DataPackage(data_dir, descriptor, resources)


# --- pass 1: the file itself -------------------------------------------------


SCAN_CHUNK = 1 << 24  # bytes read at a time by the file checks
HEAD = 65536  # NUL bytes here mean a binary file


@dataclass
class _Scan:
    nonblank: bool = False  # any byte besides ASCII whitespace
    head: bytes = b""  # the first HEAD bytes
    first_line: bytes | None = None  # up to the first \n
    bad_byte: str | None = None  # the first byte that is not UTF-8, in hex
    bad_line: int | None = None  # its line


def _scan(path: Path) -> _Scan:
    """One pass over a file, a chunk at a time (a whole 1M-row file is never in memory)."""
    scan = _Scan()
    start = b""  # the first line so far
    pending = b""  # an incomplete UTF-8 sequence at the end of the last chunk
    lines = 0  # \n before `pending`
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(SCAN_CHUNK)
            final = not chunk
            if len(scan.head) < HEAD:
                scan.head += chunk[: HEAD - len(scan.head)]
            if not scan.nonblank and chunk.strip():
                scan.nonblank = True
            if scan.first_line is None:
                end = chunk.find(b"\n")
                if end >= 0 or final:
                    scan.first_line = start + (chunk[:end] if end >= 0 else chunk)
                else:
                    start += chunk
            if scan.bad_byte is None:
                buffer = pending + chunk
                try:
                    _, consumed = codecs.utf_8_decode(buffer, "strict", final)
                except UnicodeDecodeError as exc:
                    scan.bad_byte = buffer[exc.start : exc.start + 1].hex().upper()
                    scan.bad_line = lines + buffer[: exc.start].count(b"\n") + 1
                else:
                    lines += buffer[:consumed].count(b"\n")
                    pending = buffer[consumed:]
            if final or (scan.bad_byte is not None and scan.nonblank and scan.first_line is not None
                         and len(scan.head) >= HEAD):
                return scan


def check_file(res: Resource) -> list[Finding]:
    """Encoding, BOM, delimiter and header row. Any finding here means the
    file's rows cannot be checked until it is fixed."""
    shown, name = res.shown, res.name

    def finding(code: str, message: str, row: int | None = None, column: str | None = None) -> Finding:
        return Finding(shown, row, column, code, message, dataset=name)

    if not res.path.is_file():
        return [finding("missing-file", "file not found (it is listed in datapackage.json)")]
    scan = _scan(res.path)
    if not scan.nonblank:
        return [finding("empty-file", "the file is empty (expected a header row and data rows)")]
    if scan.head.startswith(b"\xef\xbb\xbf"):
        return [
            finding("bom", "the file starts with a byte-order mark (expected UTF-8 without a BOM: Excel's "
                    "\"CSV UTF-8\" adds one; remove it in a text editor, e.g. save as \"UTF-8\" not \"UTF-8 with BOM\")")
        ]
    if scan.head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [finding("encoding", "the file is UTF-16 (expected UTF-8 text)")]
    if scan.head.startswith(b"PK\x03\x04"):
        return [finding("binary", "the file is an Excel workbook or another ZIP file, not CSV (expected a CSV "
                                  "file: in Excel use Save As, \"CSV UTF-8\")")]
    if b"\x00" in scan.head:
        return [finding("binary", "the file is not text: it contains NUL bytes (expected a CSV file in UTF-8)")]
    if scan.bad_byte is not None:
        hint = " (0xA3 is £ in Windows-1252)" if scan.bad_byte == "A3" else ""
        return [
            finding(
                "encoding",
                f"byte 0x{scan.bad_byte} is not UTF-8{hint} (expected UTF-8 text: save the file as \"CSV UTF-8\")",
                row=scan.bad_line,
            )
        ]
    first_line = scan.first_line.decode("utf-8")
    if "," not in first_line and (";" in first_line or "\t" in first_line):
        sep = "semicolons" if ";" in first_line else "tabs"
        return [finding("delimiter", f"the columns are separated by {sep} (expected commas)", row=1)]
    try:
        with open(res.path, encoding="utf-8", newline="\n") as handle:  # lines end at \n only, as a str's
            header = next(csv.reader(handle))
    except (csv.Error, StopIteration) as exc:  # pragma: no cover - csv rarely raises here
        return [finding("header", f"the header row cannot be read ({exc})", row=1)]
    return check_header(res, header, finding)


def check_header(res: Resource, header: list[str], finding) -> list[Finding]:
    expected = [f["name"] for f in res.fields]
    found: list[Finding] = []
    seen: set[str] = set()
    for position, label in enumerate(header, start=1):
        if label != label.strip():
            found.append(finding("header", f"the header {show(label)} has spaces around it (expected {show(label.strip())})", row=1))
        elif label in seen:
            found.append(finding("duplicate-header", f"the header {show(label)} appears more than once (expected each column once)", row=1))
        elif label not in expected:
            found.append(
                finding("extra-header", f"unexpected column {show(label)} at position {position} (expected only: {', '.join(expected)})", row=1)
            )
        seen.add(label)
    stripped = {h.strip() for h in header}
    for name in expected:
        if name not in stripped:
            found.append(finding("missing-header", f'the column "{name}" is missing (expected the header row: {",".join(expected)})', row=1))
    if not found and header != expected:
        found.append(finding("header-order", f"the columns are in a different order (expected: {','.join(expected)})", row=1))
    return found


# --- pass 2: frictionless ----------------------------------------------------


def _frictionless_descriptor(package: DataPackage, names: set[str]) -> dict:
    """An in-memory, self-contained descriptor for the resources in `names`,
    without foreign keys into resources that could not be read."""
    resources = []
    for res in package.resources:
        if res.name not in names:
            continue
        schema = json.loads(json.dumps(res.schema))
        # Keys into a file that could not be read are not checked: they would all fail.
        schema["foreignKeys"] = [
            fk for fk in schema.get("foreignKeys", []) if (fk["reference"].get("resource") or res.name) in names
        ]
        resources.append(
            {
                "name": res.name,
                "path": str(res.path),
                "format": "csv",
                "encoding": "utf-8",
                "dialect": {"csv": {"delimiter": ","}},
                "schema": schema,
            }
        )
    return {"name": "validation", "resources": resources}


def run_frictionless(package: DataPackage, names: set[str]) -> list[Finding]:
    """Frictionless on the resources in `names` (foreign keys between them checked)."""
    if not names:
        return []
    os.environ.setdefault("FRICTIONLESS_NO_TELEMETRY", "1")
    import frictionless

    descriptor = _frictionless_descriptor(package, names)
    try:
        with frictionless.system.use_context(trusted=True):
            pkg = frictionless.Package(descriptor, basepath=str(package.data_dir))
            report = pkg.validate(limit_errors=LIMIT_ERRORS)
    except frictionless.FrictionlessException as exc:
        shown = display_path(package.data_dir / "datapackage.json")
        return [Finding(shown, None, None, "invalid-descriptor",
                        f"Frictionless cannot use the package ({exc.error.message})")]
    found: list[Finding] = []
    for task in report.tasks:
        found.extend(translate_task(package.resource(task.name), task.errors))
    for error in report.errors:  # package-level problems
        found.append(Finding(display_path(package.data_dir / "datapackage.json"), None, None, error.type, error.message))
    return found


def translate_task(res: Resource, errors: list) -> list[Finding]:
    """One resource's frictionless errors (or fastvalidate's look-alikes) as findings,
    in the order found, without the duplicates frictionless reports."""
    unique_rows = {(e.row_number, e.field_name) for e in errors if e.type == "unique-error"}
    blank_rows = {e.row_number for e in errors if e.type == "blank-row"}
    missing_cells = {(e.row_number, e.field_name) for e in errors if e.type == "missing-cell"}
    pk = res.schema.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else pk
    extra: dict[int, object] = {}
    for error in errors:
        if error.type == "extra-cell":
            extra.setdefault(error.row_number, error)
    found: list[Finding] = []
    for error in errors:
        # Several extra values in a row are one problem: the row is too long.
        if error.type == "extra-cell" and extra[error.row_number] is not error:
            continue
        # A duplicate single-column key is reported twice (unique-error and primary-key).
        if error.type == "primary-key" and len(pk) == 1 and (error.row_number, pk[0]) in unique_rows:
            continue
        # A missing cell in a required column is also reported as a missing value.
        if error.type == "constraint-error" and (error.row_number, error.field_name) in missing_cells:
            continue
        # A blank row is also reported as a primary key made of empty cells.
        if error.type == "primary-key" and error.row_number in blank_rows:
            continue
        found.append(translate(res, error))
    return found


def _hint(value, kind: str) -> str:
    """A likely cause, when one is recognisable."""
    text = "" if value is None else str(value)
    if text != text.strip():
        return ": it has a space or line break at the start or end"
    if kind == "date" and text.isdigit() and 4 <= len(text) <= 5:
        return ": it looks like an Excel serial date (format the column as a date, or type YYYY-MM-DD)"
    if kind == "date" and re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", text):
        return ": it is written day/month/year"
    return ""


def translate(res: Resource, error) -> Finding:
    """One frictionless error as a plain-English finding."""
    etype = error.type
    row = getattr(error, "row_number", None)
    column = getattr(error, "field_name", None) or None
    cell = getattr(error, "cell", None)
    spec = res.field(column) if column else {}
    example = spec.get("example")
    for_example = f", such as {example}" if example else ""
    note = getattr(error, "note", "") or ""

    if etype == "type-error":
        ftype = spec.get("type", "string")
        problem, expected = TYPE_EXPECTED.get(ftype, (f"is not a valid {ftype}", ftype))
        message = f"{show(cell)} {problem}{_hint(cell, ftype)} (expected {expected})"
    elif etype == "constraint-error":
        constraints = spec.get("constraints", {})
        if note.startswith('constraint "required"'):
            message = f"the value is missing (expected a value{for_example}: this column is required)"
        elif note.startswith('constraint "enum"'):
            allowed = "; ".join(str(v) for v in constraints.get("enum", []))
            message = f"{show(cell)} is not one of the allowed values (expected one of: {allowed})"
        elif note.startswith('constraint "pattern"'):
            message = f"{show(cell)} is not in the expected form{_hint(cell, 'id')} (expected something like {example or constraints.get('pattern')})"
        elif str(cell).strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
            message = f"{show(cell)} is not a usable number (expected a plain number such as {example or '1200.50'})"
            note = 'constraint "finite"'
        elif note.startswith('constraint "minimum"'):
            message = f"{show(cell)} is less than {constraints.get('minimum')} (expected {constraints.get('minimum')} or more)"
        elif note.startswith('constraint "maximum"'):
            message = f"{show(cell)} is more than {constraints.get('maximum')} (expected {constraints.get('maximum')} or less)"
        elif note.startswith('constraint "maxLength"'):
            message = (f"{show(cell)} is {len(str(cell)):,} characters long "
                       f"(expected at most {constraints.get('maxLength'):,} characters)")
        elif note.startswith('constraint "minLength"'):
            message = f"{show(cell)} is too short (expected at least {constraints.get('minLength'):,} characters)"
        else:
            message = f"{show(cell)} breaks a rule ({note})"
        etype = "constraint-" + note.split('"')[1] if '"' in note else etype
    elif etype == "unique-error":
        message = f"{show(cell)} appears more than once (expected each {column} to be unique)"
        etype = "duplicate"
    elif etype == "primary-key":
        pk = res.schema.get("primaryKey")
        pk = [pk] if isinstance(pk, str) else pk
        values = ", ".join(show(c) for c in (error.cells or []))
        message = f"the key {', '.join(pk)} = {values} appears more than once (expected each combination to be unique)"
        etype = "duplicate"
        column = None
    elif etype == "foreign-key":
        names = list(error.field_names or [])
        column = names[0] if names else None
        value = (error.field_cells or [None])[0]
        target = error.reference_name or res.name
        target_field = (error.reference_field_names or ["?"])[0]
        article = "an" if target_field[:1].lower() in "aeiou" else "a"
        message = (f"{show(value)} does not match any {target_field} in {target}.csv{_hint(value, 'id')} "
                   f"(expected {article} {target_field} listed there: add it there first, or correct this one)")
    elif etype == "blank-row":
        message = "the row is blank (expected no blank rows: delete it)"
    elif etype == "extra-cell":
        values = len(error.cells or [])
        message = (f"the row has {values} values but there are {len(res.fields)} columns; the first extra value is "
                   f"{show(cell)} (expected {len(res.fields)} values: a value with a comma must be in double quotes)")
        column = None
    elif etype == "missing-cell":
        message = f"the row has too few values (expected {len(res.fields)} values)"
    else:
        message = error.message
    value = cell if etype != "foreign-key" else value
    return Finding(res.shown, row, column, etype, message, dataset=res.name,
                   value=None if value is None else str(value), example=example)


# --- the stage ---------------------------------------------------------------


# Which checker runs pass 2: "fast" (generator/fastvalidate.py: vectorised, the same findings,
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
        from . import fastvalidate

        found.extend(fastvalidate.run(package, readable))
    else:
        found.extend(run_frictionless(package, readable))
    return sort_findings(found, package)


def sort_findings(found: list[Finding], package: DataPackage) -> list[Finding]:
    """By file (in package order), row and column (in schema order); otherwise as found."""
    order = {r.name: i for i, r in enumerate(package.resources)}
    columns = {r.name: {f["name"]: i for i, f in enumerate(r.fields)} for r in package.resources}

    def key(f: Finding):
        return (order.get(f.dataset, -1), f.row or 0, columns.get(f.dataset, {}).get(f.column or "", -1))

    return sorted(found, key=key)
