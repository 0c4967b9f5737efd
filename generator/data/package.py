"""The data package: datapackage.json and the Table Schemas it names, read and checked
before any row is (a package that cannot be used stops here with a PackageError)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..findings import Finding


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
# Datasets a package may leave out (a project made before they were added still builds), and the
# columns the generator reads when one is there.
OPTIONAL = {
    "contract_kpis": ["contract_id", "kpi_id", "kpi", "target", "target_value", "result_value", "result", "unit",
                      "period_start", "period_end", "rating", "outcome_id", "published"],
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
    for field in REQUIRED.get(name, OPTIONAL.get(name, [])):
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


def sort_findings(found: list[Finding], package: DataPackage) -> list[Finding]:
    """By file (in package order), row and column (in schema order); otherwise as found."""
    order = {r.name: i for i, r in enumerate(package.resources)}
    columns = {r.name: {f["name"]: i for i, f in enumerate(r.fields)} for r in package.resources}

    def key(f: Finding):
        return (order.get(f.dataset, -1), f.row or 0, columns.get(f.dataset, {}).get(f.column or "", -1))

    return sorted(found, key=key)
