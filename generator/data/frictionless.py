"""Validation, pass 2, by frictionless itself: the package as frictionless reads it, and its
errors (or the fast validator's look-alikes) translated into plain-English findings that name
the file, row, column and value and say what was expected.

This module holds the library's own import of frictionless (`import frictionless` below is the
library, not this module: imports are absolute)."""

from __future__ import annotations

import json
import os
import re

from ..findings import Finding, show
from .package import DataPackage, Resource, display_path

# Frictionless stops at 1,000 errors by default; report every one.
LIMIT_ERRORS = 10_000_000

TYPE_EXPECTED = {
    "number": ("is not a number", "a plain number such as 1200.50"),
    "integer": ("is not a whole number", "a whole number such as 12"),
    "date": ("is not a date", "a date written YYYY-MM-DD, such as 2025-01-15"),
    "boolean": ("is not yes or no", "yes or no"),
    "string": ("is not text", "text"),
}


def descriptor_for(package: DataPackage, names: set[str]) -> dict:
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

    descriptor = descriptor_for(package, names)
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
    """One resource's frictionless errors (or the fast validator's look-alikes, fast.py) as findings,
    in the order found, without the duplicates frictionless reports."""
    unique_rows = {(e.row_number, e.field_name) for e in errors if e.type == "unique-error"}
    blank_rows = {e.row_number for e in errors if e.type == "blank-row"}
    missing_cells = {(e.row_number, e.field_name) for e in errors if e.type == "missing-cell"}
    required_rows = missing_cells | {(e.row_number, e.field_name) for e in errors if e.type == "constraint-error"
                                     and (e.note or "").startswith('constraint "required"')}
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
        # An empty key is also reported as a missing value, when a key column is required.
        if (error.type == "primary-key" and _empty_key(error)
                and any((error.row_number, name) in required_rows for name in pk)):
            continue
        found.append(translate(res, error))
    return found


def _empty_key(error) -> bool:
    """A primary-key error for a row whose key cells are all empty (frictionless's note)."""
    return "are all" in (getattr(error, "note", "") or "")


def _key_cells(res: Resource, pk: list[str], cells: list) -> list:
    """The key's own cells of a row (frictionless gives the whole row's)."""
    names = [f.get("name") for f in res.schema.get("fields", [])]
    if len(cells) != len(names) or not set(pk) <= set(names):
        return cells
    return [cells[names.index(name)] for name in pk]


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
        if _empty_key(error):
            message = (f"the key {', '.join(pk)} is empty (expected a value in "
                       f"{'it' if len(pk) == 1 else 'at least one of them'}, unique to the row)")
        else:
            values = ", ".join(show(c) for c in _key_cells(res, pk, error.cells or []))
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
