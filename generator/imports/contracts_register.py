"""Reading a Local Government Transparency Code contracts register (CSV or XLSX) as our rows.

Column titles are compared ignoring case, spaces and punctuation ("Total value of contract (£)" is
"totalvalueofcontract"). COLUMN_TITLES lists the titles councils use, our transparency register's and
our contracts.csv's; the header may sit below a few title rows. One row is one contract.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..findings import plural, show
from .contracts_common import ContractsImportError, Notes, Skip, clean_text, contract_row
from .contracts_values import (ORG_ID, charity_number, company_number, derived_status, org_id_from, parse_date,
                               parse_money, parse_route, parse_status, parse_yes_no, text_of)

COLUMN_TITLES = {
    "contract_id": ["Reference", "Contract reference", "Reference number", "Contract ID", "Contract ref",
                    "Contract number", "contract_id"],
    "title": ["Title", "Contract title", "Title of agreement", "Contract name", "Agreement title"],
    "description": ["Description", "Description of goods and services", "Description of goods and/or services",
                    "Contract description"],
    "supplier": ["Supplier", "Supplier name", "Supplier Name and Details", "Contractor", "Provider"],
    "supplier_id": ["Supplier identifier", "Supplier org id", "supplier_org_id", "Organisation identifier"],
    "company": ["Company number", "Supplier company registration number", "Company registration number",
                "Companies House number"],
    "charity": ["Charity number", "Registered charity number", "Supplier charity number",
                "Charity registration number"],
    "registration": ["Supplier registration number", "Registration number"],
    "department": ["Department", "Service area", "Directorate", "Responsible department", "Department responsible",
                   "Local authority department responsible", "Commissioner", "commissioner_id"],
    "total_value_gbp": ["Value", "Contract value", "Total value", "Sum to be paid over the length of the contract",
                        "Total value of contract (£)", "Total contract value", "total_value_gbp"],
    "annual_value_gbp": ["Annual value", "Estimated annual spend", "Estimated annual value (£)",
                         "annual_value_gbp"],
    "vat_not_recoverable_gbp": ["VAT that cannot be recovered", "Irrecoverable VAT", "Non-recoverable VAT",
                                "VAT that cannot be recovered (£)", "vat_not_recoverable_gbp"],
    "start_date": ["Start date", "Contract start date", "start_date"],
    "end_date": ["End date", "Contract end date", "end_date"],
    "review_date": ["Review date", "Contract review date", "review_date"],
    "is_sme": ["SME", "Is the supplier an SME", "Supplier is an SME", "SME status", "is_sme"],
    "is_vcs": ["VCSE", "VCS", "Voluntary or community sector", "Supplier is a VCS organisation",
               "Voluntary, community or social enterprise", "VCSE status", "is_vcs"],
    "procurement_route": ["Procurement route", "Procurement process", "Invitation to quote or tender",
                          "Procurement method", "Route to market", "procurement_route"],
    "status": ["Status", "Contract status"],
    "client_group": ["Client group", "client_group"],
    "london_living_wage": ["London Living Wage", "Pays the London Living Wage", "london_living_wage"],
    "social_value_commitments": ["Social value", "Social value commitments", "social_value_commitments"],
}
REQUIRED = {"contract_id": "the contract reference", "supplier": "the supplier's name",
            "total_value_gbp": "the contract's total value", "start_date": "the start date"}
PERSONAL = ("contact", "email", "telephone", "phone", "officer", "manager")
CLIENT_GROUPS = ["mental health", "children and young people", "older adults", "complex needs", "other"]
DATE_HOW = {"dayfirst": "dates written day/month/year, read as UK dates", "words": "dates written in words",
            "serial": "dates stored as Excel serial numbers, converted"}


def column_key(title) -> str:
    """A column title compared ignoring case, spaces, punctuation, a note in brackets ("SME (Y/N)",
    "Value (£)") and the words and/or ("Description of goods / services")."""
    text = re.sub(r"\([^)]*\)", " ", text_of(title).casefold())
    text = re.sub(r"\b(?:and|or)\b|[&/]", " ", text)
    return re.sub(r"[^a-z0-9]", "", text)


def _keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for name, titles in COLUMN_TITLES.items():
        for title in titles:
            if keys.setdefault(column_key(title), name) != name:  # pragma: no cover - a mistake in the table
                raise AssertionError(f"column title {title!r} is listed for both {keys[column_key(title)]} and {name}")
    return keys


KEYS = _keys()


# --- reading the table -------------------------------------------------------------------


def _read_csv(path: Path, notes: Notes) -> list[list]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        notes.add("Guessed", "the file is not UTF-8: it was read as Windows-1252 (Excel's \"CSV\"); check accented "
                  "letters and symbols such as £ in the imported text")
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ContractsImportError(f"{path}: is not a readable CSV file ({exc}; expected a contracts register "
                                   "saved as CSV UTF-8)") from None


def _read_xlsx(path: Path, notes: Notes) -> list[list]:
    """The register's sheet: the first whose name says "contract", else the first sheet."""
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise ContractsImportError(f"{path}: is not a readable XLSX workbook ({exc}; expected a contracts "
                                   "register saved as an Excel workbook)") from None
    try:
        sheets = book.worksheets
        sheet = next((s for s in sheets if "contract" in s.title.casefold()), sheets[0])
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        for other in sheets:
            if other is not sheet and any(any(text_of(v) for v in r) for r in other.iter_rows(values_only=True)):
                notes.add("Left out", f"sheet {show(other.title)} was not read (only the register's sheet, "
                          f"{show(sheet.title)}, is imported)")
    finally:
        book.close()
    return rows


def _header(rows: list[list], path: Path) -> tuple[int, list[str | None], list[str]]:
    """The header row's index (in the first 10 rows: the one naming most of our columns), each
    column's field (None when not ours), and the titles as the file writes them."""
    best, best_count = None, 0
    for index, row in enumerate(rows[:10]):
        names = {KEYS.get(column_key(v)) for v in row} - {None}
        if "contract_id" in names and len(names) > best_count:
            best, best_count = index, len(names)
    if best is None:
        raise ContractsImportError(f"{path}: has no column for the contract reference in its first 10 rows "
                                   f"(expected a header row with titles such as \"Reference\", \"Contract "
                                   f"reference\", \"Title\", \"Supplier\", \"Value\", \"Start date\")")
    titles = [text_of(v) for v in rows[best]]
    fields: list[str | None] = []
    for title in titles:
        name = KEYS.get(column_key(title))
        fields.append(None if name in fields else name)
    missing = [what for name, what in REQUIRED.items() if name not in fields
               and not (name == "supplier" and "supplier_id" in fields)]
    if "title" not in fields and "description" not in fields:
        missing.append("the title")
    if missing:
        expected = "; ".join(f"{what}: {' / '.join(show(t) for t in COLUMN_TITLES[name][:3])}"
                             for name, what in REQUIRED.items() if what in missing)
        raise ContractsImportError(f"{path}: has no column for {', '.join(missing)} (expected titles such as "
                                   f"{expected or 'Title / Contract title / Title of agreement'})")
    return best, fields, titles


def _left_out_columns(fields: list, titles: list[str], rows: list[list], notes: Notes) -> None:
    for index, (name, title) in enumerate(zip(fields, titles)):
        if name is not None or not title:
            continue
        filled = sum(1 for r in rows if index < len(r) and text_of(r[index]))
        if any(word in column_key(title) for word in PERSONAL):
            notes.add("Left out", f"column {show(title)}: contact details are never imported")
        elif filled:
            notes.add("Left out", f"column {show(title)} (a value in {plural(filled, 'row')}): our contracts data "
                      "has no place for it")


# --- one row -------------------------------------------------------------------------------


def _date(values: dict, name: str, label: str, notes: Notes, required: bool = False) -> str:
    raw = values.get(name)
    value, how = parse_date(raw)
    if how in DATE_HOW:
        notes.add("Guessed", DATE_HOW[how], label)
    if how in ("bad", "partial"):
        if required:
            raise Skip(f"its {name.replace('_', ' ')} {show(text_of(raw))} is not a full date (expected a day such "
                       "as 2024-04-01, 01/04/2024 or 1 April 2024)")
        notes.add("Left out", f"{name.replace('_', ' ')}s that are not full dates, left empty",
                  f"{label}: {show(text_of(raw))}")
    elif required and not value:
        raise Skip(f"it has no {name.replace('_', ' ')}")
    return value


def _money(values: dict, name: str, label: str, notes: Notes, required: bool = False) -> str:
    raw = values.get(name)
    value, how = parse_money(raw)
    if how == "cleaned":
        notes.add("Guessed", "amounts written with £, GBP, commas or spaces, which were removed", label)
    if how in ("bad", "negative"):
        problem = "is below zero" if how == "negative" else "is not an amount"
        if required:
            raise Skip(f"its {name} {show(text_of(raw))} {problem} (expected pounds, such as 1234.50 or £1,234.50)")
        notes.add("Left out", f"{name} values that are not amounts of pounds, left empty", f"{label}: "
                  f"{show(text_of(raw))}")
    elif required and not value:
        raise Skip(f"it has no {name}")
    return value


def _flag(values: dict, name: str, label: str, notes: Notes) -> str:
    value, how = parse_yes_no(values.get(name))
    if how == "bad":
        notes.add("Left out", f"{name} values that are not yes or no, left empty (not stated)",
                  f"{label}: {show(text_of(values.get(name)))}")
    return value


def _supplier(values: dict, label: str, context: dict) -> str:
    """The supplier's org_id: its identifier, else its company or charity number, else a local one."""
    orgs, notes = context["organisations"], context["notes"]
    ident = text_of(values.get("supplier_id")).replace(" ", "")
    org_id = ""
    if ident:
        scheme = "-".join(ident.split("-")[:2]) if ORG_ID.fullmatch(ident) else ""
        org_id = org_id_from(scheme, ident[len(scheme) + 1:], orgs.prefixes) if scheme else ""
        if not org_id:
            notes.add("Left out", "supplier identifiers that are not org-ids we accept", f"{label}: {show(ident)}")
    company, charity = text_of(values.get("company")), text_of(values.get("charity"))
    registration = text_of(values.get("registration"))
    if not org_id and company_number(company):
        org_id = f"GB-COH-{company_number(company)}"
    if not org_id and charity_number(charity):
        org_id = f"GB-CHC-{charity_number(charity)}"
    if not org_id and registration:
        if re.fullmatch(r"[A-Za-z]{2}\d{6}|0\d{7}", registration.replace(" ", "")):
            org_id = f"GB-COH-{company_number(registration)}"
            notes.add("Guessed", "registration numbers read as Companies House numbers (8 characters)", label)
        else:
            notes.add("Left out", "registration numbers that could be a charity's or a company's (give them in a "
                      "\"Company number\" or \"Charity number\" column)", f"{label}: {show(registration)}")
    if org_id and not text_of(values.get("supplier")):
        notes.add("Guessed", "suppliers given by identifier only (no name): they must already be in "
                  "organisations.csv", label)
        return org_id
    return orgs.add(org_id, text_of(values.get("supplier")), ident=label, company=company, charity=charity,
                    is_sme=_flag(values, "is_sme", label, notes), is_vcs=_flag(values, "is_vcs", label, notes))


def _commissioner(values: dict, context: dict) -> str:
    department = text_of(values.get("department"))
    commissioners = context["commissioners"]
    if department:
        return commissioners.resolve(department, department)
    if commissioners.fallback():
        return commissioners.fallback()
    raise Skip("it names no department (give --department ID for rows without one)")


def _choices(values: dict, label: str, notes: Notes) -> dict:
    """procurement_route, client_group and status: only values that clearly are ours."""
    chosen = {}
    raw = text_of(values.get("procurement_route"))
    chosen["procurement_route"] = parse_route(raw)
    if raw and not chosen["procurement_route"]:
        notes.add("Left out", "procurement routes that do not clearly name one of ours (open procedure, restricted "
                  "procedure, framework call-off, direct award...), left empty", f"{label}: {show(raw)}")
    group = text_of(values.get("client_group")).casefold()
    chosen["client_group"] = group if group in CLIENT_GROUPS else ""
    if group and not chosen["client_group"]:
        notes.add("Left out", "client groups that are not one of ours, left empty", f"{label}: {show(group)}")
    raw = text_of(values.get("status"))
    chosen["status"] = parse_status(raw)
    if raw and not chosen["status"]:
        notes.add("Left out", "statuses that are not one of ours, left empty", f"{label}: {show(raw)}")
    return chosen


def _contract(values: dict, label: str, ident: str, context: dict) -> dict:
    """One register row as our contracts row (Skip when it cannot be imported)."""
    notes = context["notes"]
    title = text_of(values.get("title"))
    if not title and values.get("description") and "title" not in values:
        title = text_of(values["description"])
        notes.add("Guessed", "titles taken from the description column (the register has no title column)", label)
    if not title:
        raise Skip("it has no title")
    start = _date(values, "start_date", label, notes, required=True)
    end = _date(values, "end_date", label, notes)
    row = {
        "contract_id": ident, "title": clean_text(title, "title", label, notes),
        "description": clean_text(values.get("description"), "description", label, notes),
        "commissioner_id": _commissioner(values, context), "supplier_org_id": _supplier(values, label, context),
        "start_date": start, "end_date": end, "review_date": _date(values, "review_date", label, notes),
        "total_value_gbp": _money(values, "total_value_gbp", label, notes, required=True),
        "annual_value_gbp": _money(values, "annual_value_gbp", label, notes),
        "vat_not_recoverable_gbp": _money(values, "vat_not_recoverable_gbp", label, notes),
        "london_living_wage": _flag(values, "london_living_wage", label, notes),
        "social_value_commitments": clean_text(values.get("social_value_commitments"), "social_value_commitments",
                                               label, notes),
        **_choices(values, label, notes),
    }
    if not row["status"]:
        row["status"] = derived_status(start, end, context["today"])
        if row["status"]:
            notes.add("Guessed", f"statuses derived from the dates (end date before {context['today']}: ended, "
                      "otherwise live)", label)
    return contract_row(row)


def import_register(path: Path, suffix: str, context: dict) -> tuple[list[dict], int]:
    """The register's contracts rows, and how many rows it has."""
    notes: Notes = context["notes"]
    rows = _read_csv(path, notes) if suffix == ".csv" else _read_xlsx(path, notes)
    rows = [r for r in rows if any(text_of(v) for v in r)]
    if not rows:
        raise ContractsImportError(f"{path}: is empty (expected a header row such as Reference, Title, Supplier, "
                                   "Value, Start date, then one row per contract)")
    start, fields, titles = _header(rows, path)
    data = rows[start + 1:]
    mapped = ", ".join(f"{show(t)} → {f}" for f, t in zip(fields, titles) if f)
    notes.add("Mapped", f"columns {mapped}")
    _left_out_columns(fields, titles, data, notes)
    contracts: dict[str, dict] = {}
    for offset, row in enumerate(data, start=start + 2):
        values = {f: v for f, v in zip(fields, row) if f}
        ident = text_of(values.get("contract_id"))
        label = f"row {offset}" + (f" ({ident})" if ident else "")
        try:
            if not ident:
                raise Skip("it has no contract reference")
            if ident in contracts:
                raise Skip(f"its reference {show(ident)} is the same as an earlier row's (expected each contract once)")
            contracts[ident] = _contract(values, label, ident, context)
        except Skip as skipped:
            notes.add("Left out", f"skipped {label}: {skipped}")
    _not_stated(list(contracts.values()), fields, notes)
    return list(contracts.values()), len(data)


def _not_stated(rows: list[dict], fields: list, notes: Notes) -> None:
    """Note our optional columns the register does not have, left empty (not stated)."""
    absent = [name for name in ("description", "client_group", "procurement_route", "end_date", "review_date",
                                "annual_value_gbp", "vat_not_recoverable_gbp", "london_living_wage",
                                "social_value_commitments", "is_sme", "is_vcs") if name not in fields]
    if rows and absent:
        notes.add("Left out", f"not in the register, left empty (not stated): {', '.join(absent)}; and for every "
                  "supplier organisation_type (except NHS bodies, local authorities and schools, known from their "
                  "identifier), based_in_borough and ward")
    elif rows:
        notes.add("Left out", "not in the register, left empty (not stated): organisation_type (except NHS bodies, "
                  "local authorities and schools), based_in_borough and ward of every supplier")
