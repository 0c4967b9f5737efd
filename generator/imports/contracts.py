"""Contracts import: a council's contracts register, or an OCDS file, as our rows.

``import_contracts(path, local_org_prefix=...)`` reads

- a Local Government Transparency Code contracts register, CSV or XLSX: column titles are matched
  ignoring case, spaces and punctuation, with the titles councils use (see COLUMN_TITLES) and our own
  exports' (the transparency register, contracts.csv);
- an OCDS 1.1 release package or record package (Contracts Finder, Find a Tender, our own
  ocds-contracts.json): each award is a contract.

It returns ``ContractsImport``: rows for our contracts, organisations and commissioners datasets (dicts of
our schemas' columns, values as text as our CSV files hold them), plain-English notes ("Mapped: ...",
"Guessed: ...", "Left out: ...") and counts. Nothing is invented: a value the source does not state is
left empty ("not stated") and noted. Contact points (officers' names, e-mail addresses, telephone
numbers) are never imported, and are removed from free text. ``project.write_into`` merges the rows into
a project; cli.py's ``import-contracts`` runs both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..data.checks import org_id_prefixes
from ..findings import plural, show
from . import contracts_ocds, contracts_register
from .contracts_common import Commissioners, ContractsImportError, Notes, Organisations

__all__ = ["ContractsImport", "ContractsImportError", "import_contracts", "read_existing_commissioners"]


@dataclass
class ContractsImport:
    """What an import found: our rows, the notes, and how many contracts were read, imported, skipped."""
    contracts: list[dict] = field(default_factory=list)
    organisations: list[dict] = field(default_factory=list)
    commissioners: list[dict] = field(default_factory=list)  # the ones the import names that are new
    notes: list[str] = field(default_factory=list)
    read: int = 0  # register rows, or OCDS awards
    skipped: int = 0
    kind: str = ""  # "register" or "OCDS"
    source: str = ""

    @property
    def imported(self) -> int:
        return len(self.contracts)

    def datasets(self) -> dict[str, list[dict]]:
        """The rows as project.write_into takes them (organisations before the contracts naming them)."""
        return {"commissioners": self.commissioners, "organisations": self.organisations,
                "contracts": self.contracts}


def _check_file(path: Path) -> str:
    shown = str(path)
    if not path.exists():
        raise ContractsImportError(f"{shown}: file not found (expected a contracts register .csv or .xlsx, or "
                                   "an OCDS .json file)")
    if not path.is_file():
        raise ContractsImportError(f"{shown}: is a folder (expected a contracts register .csv or .xlsx, or an "
                                   "OCDS .json file)")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm", ".json"):
        raise ContractsImportError(f"{shown}: is not a .csv, .xlsx or .json file (expected a contracts register "
                                   "as CSV or XLSX, or an OCDS release or record package as JSON)")
    return suffix


def import_contracts(path: Path, *, local_org_prefix: str, today: dt.date | None = None,
                     commissioners: list[dict] | None = None, department: dict | None = None) -> ContractsImport:
    """A contracts register (CSV, XLSX) or an OCDS package (JSON) as our rows and notes.

    local_org_prefix starts the org_id of a supplier with no charity or company identifier (the
    council's publisher.org_id). today dates a derived status (default: today). commissioners are the
    project's existing commissioners rows: a department is matched to one by id or name before a new
    row is made. department ({"commissioner_id", "name"}) is the commissioner of contracts whose file
    names none. Raises ContractsImportError (one line for the user) when the file cannot be read."""
    path = Path(path)
    suffix = _check_file(path)
    notes = Notes()
    context = {
        "notes": notes, "today": today or dt.date.today(),
        "commissioners": Commissioners(commissioners or [], department, notes),
        "organisations": Organisations(local_org_prefix, org_id_prefixes(), notes),
    }
    result = ContractsImport(source=str(path))
    try:
        if suffix == ".json":
            result.kind = "OCDS"
            rows, result.read = contracts_ocds.import_ocds(path, context)
        else:
            result.kind = "register"
            rows, result.read = contracts_register.import_register(path, suffix, context)
    except OSError as exc:
        raise ContractsImportError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    result.contracts = rows
    result.skipped = result.read - len(rows)
    used = {row["supplier_org_id"] for row in rows}
    result.organisations = [o for o in context["organisations"].rows() if o["org_id"] in used]
    named = {row["commissioner_id"] for row in rows}
    result.commissioners = [c for c in context["commissioners"].new_rows() if c["commissioner_id"] in named]
    _check_ids(rows, notes)
    result.notes = notes.lines()
    return result


def _check_ids(rows: list[dict], notes: Notes) -> None:
    """Note contract ids our schema's pattern rejects (kept as the file gives them: fix them there)."""
    import json
    import re

    from ..config import TOOL_DIR

    schema = json.loads((TOOL_DIR / "schemas" / "contracts.json").read_text(encoding="utf-8"))
    rules = next(f for f in schema["fields"] if f["name"] == "contract_id").get("constraints", {})
    pattern = rules.get("pattern")
    for row in rows:
        if pattern and not re.fullmatch(pattern, row["contract_id"]):
            notes.add("Guessed", f"contract ids kept as the file gives them, though validate expects the form "
                      f"{pattern}: fix them in the file", show(row["contract_id"]))


def read_existing_commissioners(data_dir: Path) -> list[dict]:
    """The rows of data_dir/commissioners.csv ([] when there is none)."""
    import csv

    path = Path(data_dir) / "commissioners.csv"
    if not path.is_file():
        return []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [row for row in csv.DictReader(handle) if (row.get("commissioner_id") or "").strip()]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ContractsImportError(f"{path}: cannot be read for the commissioners ({exc}); fix it before "
                                   "importing into it") from None


def summary(result: ContractsImport) -> str:
    """"Read 12 register rows from FILE: imported 10 contracts, skipped 2.\""""
    unit = "register row" if result.kind == "register" else "award"
    skipped = f", skipped {result.skipped:,}" if result.skipped else ""
    return (f"Read {plural(result.read, unit)} from {result.source}: imported "
            f"{plural(result.imported, 'contract')}{skipped}.")
