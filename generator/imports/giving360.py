"""360Giving import: a funder's 360Giving file as our rows.

``import_360giving(path, department_id)`` reads a 360Giving file (CSV, XLSX or JSON package) and returns our
``grants``, ``organisations`` and (departments new to the project) ``commissioners`` rows (dicts with exactly
our schemas' field names, values as strings as they appear in our CSV files) and ``unmapped``: plain-English
notes on every column ignored and every value kept with a problem, left empty, changed or guessed.
Spreadsheet column titles are matched ignoring case and whitespace, as flattentool does, with its item
numbers for several entries ("Funding Org:1:Name"); CSV files are read as UTF-8 (with or without a BOM),
else as Windows-1252. XLSX files: the sheet called "grants" (any case), otherwise the first sheet; other
sheets are reported.

The importer converts, ``validate`` judges. Every grant in the file is written, even a £0 one or one with an
impossible date: a value with a problem is kept as it appears (so that ``validate`` reports it, with file,
row and column), or left empty with a note where keeping it would be wrong (an amount in dollars); every
such value is also listed in the notes. Nothing is shortened, and no grant is skipped. A file that cannot be
read, or a grant with no department and no ``department_id``, stops the import with nothing written.

Mapping rules, for what our data needs and 360Giving does not say:

- grant_id: the 360Giving identifier without whitespace. In a ``360G-`` identifier, characters our
  grant_id does not allow (anything but letters, digits, ``-`` and ``_``, such as ``/``) are replaced by
  ``-``, and each change is reported. Any other identifier (not ``360G-``) is kept as given, a repeated one
  too (every copy is written), and a missing one is left empty: ``validate`` reports the pattern, the
  duplicate or the missing value.
- title: kept as given, however long (``validate`` reports one over the schema's maxLength); a missing title
  is left empty. description: kept as given; a missing one becomes the title (reported; ``validate``'s
  title-is-description warning shows it).
- Personal data in titles and descriptions: a full postcode keeps only its first half (M33 5HF -> M33),
  e-mail addresses and telephone numbers are replaced by the markers ``EMAIL_REMOVED`` ("[e-mail address
  removed]") and ``PHONE_REMOVED`` ("[telephone number removed]"). The markers are stable: ``validate``'s
  removed-by-import check looks for them. Individuals' names are never imported.
- amount_awarded: a number as our CSV writes it (a "£" or thousands commas removed and reported); a value
  that is not a number, or not above zero ("abc", "0", "-50"), is kept as given; a missing one is left
  empty. An amount in another currency than GBP is left empty with a note ("amount in USD, not GBP"), and
  ``validate`` reports the required amount missing. No Currency is taken to be GBP (reported).
- Dates (award_date, planned_start_date, planned_end_date, actual_start_date, actual_end_date) become
  YYYY-MM-DD (date-times keep their date; DD/MM/YYYY is read day first, as in the UK; Excel serial numbers
  are converted; both reported). A value that is not a full date (30 February, only a year) is kept as
  given; a missing one is left empty. The planned and actual dates are the first plannedDates and
  actualDates entries.
- last_modified: dateModified's date (a date-time such as 2019-03-12T10:00:00+00:00 becomes 2019-03-12,
  reported once as a kind of change); anything else is treated as the dates above. data_source: dataSource
  as given (``validate`` checks it is a web link).
- funding_type: a classification whose code is one of ours (our own export) wins; otherwise
  "short-term innovation" when the planned duration (Planned Dates:Duration, or start to end date) is under
  12 months, "longer-term" when it is 12 months or more, and empty (not stated) when there are no planned
  dates or duration to tell by.
- department_id: the file's Funding Org:Department (of this council's Funding Org entry, whose identifier is
  config.yml's publisher.org_id; when the council is not among the funders, of the first funder naming one),
  as the commissioner of that name in the project's commissioners.csv, else a new commissioners row whose id
  is made from the name ("Children's Services" -> CHILDRENS-SERVICES). Grants whose file names no department
  take the ``department_id`` argument (--department); when there is none either, the import stops with an
  error naming the file and the first such grant. Nothing in the code names a council's department.
- co_funders: every Funding Org of the grant other than this council (all of them, from a JSON list or the
  spreadsheet's numbered "Funding Org:0:...", "Funding Org:1:..." columns), as "Name (identifier)" in the
  file's order joined by "; " (";" in a name becomes ","); empty when the council funded the grant alone.
  The grants are recorded as the council's.
- beneficiary_ward: the first Beneficiary Location whose name is one of our ward names (ignoring case,
  "&" / "and" and a trailing "ward"), else empty.
- recipients: an identifier of the form CC-REGISTER-number (two letters, a register code, then the rest) is
  kept, only normalised: whitespace removed and the prefix in capitals; for GB-CHC, GB-COH, GB-SC and GB-NIC
  the number in capitals too, a Companies House number padded to 8 characters, a 6-digit GB-SC number given
  its "SC". It is kept even when its prefix is not on org-id.guide (GB-UNKNOW-123) or its number is not in
  the register's form (GB-CHC-00001): ``validate``'s org-id-prefix and registration-number checks report it,
  and the notes list it. Any other identifier (such as a funder-issued ``360G-trafford-...``, or free text)
  becomes a local one, ``<council org id>-<the identifier with other characters as ->``, for example
  ``GB-LAE-EXB-360G-trafford-be-active``, and is reported. A recipient organisation with no identifier is
  written with an empty org_id (and its name), the grant with an empty recipient_org_id; a grant with no
  recipient, or naming both an organisation and an individual (360Giving allows one), gets an empty
  recipient_org_id and no organisations row. Only the first of several recipient organisations is imported
  (reported). Recipient Ind grants get an anonymous ``<council org id>-IND-0001`` style id, the name
  "Individual recipient" and organisation_type "individual"; the file's individual name is never imported.
- organisation_type from the identifier's prefix: GB-CHC, GB-SC, GB-NIC "registered charity"; GB-COH
  "company limited by guarantee" (or "community interest company" when the name says CIC, "charitable
  incorporated organisation" for CE/CS company numbers); GB-MPR "community benefit society"; GB-EDU "school";
  GB-NHS "NHS body"; GB-LAE, GB-LAS, GB-LANI, GB-PLA "local authority"; a local identifier "unregistered
  community group"; another org-id.guide register's identifier: empty (not stated), or "registered charity"
  with a charity number. A prefix not on org-id.guide, or no identifier: empty, with is_vcs empty too.
- charity_number and company_number: from the GB-CHC / GB-COH identifier when its number is in the
  register's form, else from Recipient Org:Charity Number / Company Number when they have our form (6-7
  digits; 8 characters); other values (Scottish SC numbers, notes in the cell) are left out and reported. A
  Charity Number that differs from the GB-CHC identifier's is reported, and the identifier's kept.
- is_vcs "yes" for charities (charity identifier or number), CIOs, CICs, community benefit societies and
  unregistered community groups; "no" for private limited companies, NHS bodies, local authorities, schools
  and individuals; empty (not stated) for any other or unknown type, such as a company with no charity
  number. is_sme is always empty and based_in_borough empty unless ``in_borough`` (--in-borough) marks every
  recipient "yes": 360Giving does not say, and no "no" is ever guessed. ward is empty. All reported.

``write_import(result, out_dir)`` merges the rows into a project's data folder with imports/project.py (a
grant replaces the one with the same grant_id already in the file; grants with an empty or repeated
grant_id, and organisations with an empty org_id, are all written, never merged into each other;
organisations and commissioners merged by id, existing values kept) and returns the counts; cli.py's
``import-360giving FILE --out DIR [--department ID] [--in-borough]`` runs both.
"""


from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..config import PROJECT_DIR, TOOL_DIR
from ..data.checks import EMAIL, PHONE, POSTCODE, REGISTER_FORMS, org_id_prefixes
from ..findings import plural, show
from ..model.values import blank
from .giving360_standard import FUNDING_TYPE_TITLES, load_json, number_value, plain_number, schema_titles, title_key
from .project import Merged, ProjectError, commissioner_id, commissioner_row, write_into

SCHEMAS = TOOL_DIR / "schemas"
EXAMPLES = 5  # values shown in a note before "and N more"
# What replaces personal data in imported text (Mapper.scrub). Stable: validate's removed-by-import check
# looks for them, so that text the import changed is pointed out before it is published.
EMAIL_REMOVED = "[e-mail address removed]"
PHONE_REMOVED = "[telephone number removed]"


# --- import: reading a file ----------------------------------------------------


class Import360Error(Exception):
    """The file cannot be read as 360Giving data; the message is one line for the user."""


@dataclass
class ImportResult:
    grants: list[dict] = field(default_factory=list)  # our grants rows: field name -> text
    organisations: list[dict] = field(default_factory=list)  # our organisations rows
    commissioners: list[dict] = field(default_factory=list)  # departments named in the file, new to the project
    unmapped: list[str] = field(default_factory=list)  # plain-English notes
    read: int = 0  # grants in the file
    source: str = ""  # the file, as given


def _unescape(text: str) -> str:
    """Undo the export's formula guard: an apostrophe before = + - @ is removed."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def _decode(raw: bytes, shown: str, notes: list[str]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise Import360Error(f"{shown}: is neither UTF-8 nor Windows-1252 text (expected a CSV file saved as "
                             "\"CSV UTF-8\")") from None
    notes.append("The file is not UTF-8: it was read as Windows-1252 (Excel's \"CSV\" on Windows); check "
                 "accented letters and symbols such as £ and € in the imported text.")
    return text


def _read_csv(path: Path, shown: str, notes: list[str]) -> list[list]:
    text = _decode(path.read_bytes(), shown, notes)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise Import360Error(f"{shown}: is not a readable CSV file ({exc})") from None


def _read_xlsx(path: Path, shown: str, notes: list[str]) -> list[list]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise Import360Error(f"{shown}: is not a readable XLSX workbook ({exc})") from None
    try:
        sheets = book.worksheets
        sheet = next((s for s in sheets if title_key(s.title) == "grants"), sheets[0])
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        for other in sheets:
            if other is not sheet and any(any(not blank(v) for v in r) for r in other.iter_rows(values_only=True)):
                notes.append(f"Sheet {show(other.title)} was not read: only the grants sheet ({show(sheet.title)}) "
                             "is imported.")
    finally:
        book.close()
    return rows


def _unflatten(rows: list[list], shown: str, notes: list[str]) -> tuple[list[dict], dict[str, str]]:
    """Spreadsheet rows (header first) as 360Giving grant objects, like flattentool with titles."""
    rows = [r for r in rows if any(not blank(v) for v in r)]
    if not rows:
        raise Import360Error(f"{shown}: is empty (expected a header row of 360Giving column titles, then grants)")
    header = ["" if v is None else str(v) for v in rows[0]]
    known = {title_key(t): (t, path, kind) for t, (path, kind) in schema_titles().items()}
    if title_key("Identifier") not in {title_key(h) for h in header}:
        raise Import360Error(f"{shown}: has no \"Identifier\" column (expected 360Giving column titles such as "
                             "Identifier, Title, Amount Awarded in the first row)")
    columns = []
    labels: dict[str, str] = {}  # JSON path (with [] for indexes) -> the file's own column title
    seen = set()
    for title in header:
        entry = known.get(title_key(title)) or _indexed_title(title, known)
        where = entry[1] if entry else title_key(title)
        if not title.strip() or where in seen:
            if title.strip():
                notes.append(f"Ignored the column {show(title.strip())}: a column with the same title comes before "
                             "it.")
            columns.append(None)
            continue
        seen.add(where)
        if entry:
            columns.append((entry[1], entry[2]))
            labels.setdefault(_label_path(entry[1]), title.strip())
        else:  # not a 360Giving field: kept under its own title, as flattentool does
            columns.append(((title.strip(),), "string"))
            labels[title.strip()] = title.strip()
    grants = []
    for row in rows[1:]:
        grant: dict = {}
        for column, value in zip(columns, row):
            if column is None or blank(value):
                continue
            path, kind = column
            if isinstance(value, str):
                value = _unescape(value.strip())
            if kind == "number" and isinstance(value, str):
                try:
                    value = number_value(float(value)) if re.fullmatch(r"-?\d+(\.\d+)?", value) else value
                except ValueError:
                    pass
            elif kind == "array":
                value = [v.strip() for v in str(value).split(";") if v.strip()]
            _set(grant, path, value)
        grants.append(grant)
    return grants, labels


def _indexed_title(title: str, known: dict) -> tuple | None:
    """A title with item numbers, as flattentool writes several items of an array ("Funding Org:1:Name" for
    the second funder's name): (title, JSON path with those indexes, kind), or None when it is not one."""
    names: list[str] = []
    indexes: list[int | None] = []
    for segment in title.split(":"):
        if segment.strip().isdigit() and names and indexes[-1] is None:
            indexes[-1] = int(segment)
        else:
            names.append(segment)
            indexes.append(None)
    if all(i is None for i in indexes):
        return None
    entry = known.get(title_key(":".join(names)))
    if not entry:
        return None
    path, name_number = [], -1
    for step in entry[1]:
        if isinstance(step, int):
            given = indexes[name_number] if 0 <= name_number < len(indexes) else None
            path.append(step if given is None else given)
        else:
            name_number += 1
            path.append(step)
    return entry[0], tuple(path), entry[2]


def _set(target: dict, path: tuple, value) -> None:
    node = target
    for step, following in zip(path, path[1:]):
        if isinstance(following, int):
            node = node.setdefault(step, [])
            while len(node) <= following:
                node.append({})
        elif isinstance(step, int):
            node = node[step]
        else:
            node = node.setdefault(step, {})
    last = path[-1]
    if isinstance(last, int):  # pragma: no cover - titles always end in a field name
        return
    if isinstance(node, list):  # pragma: no cover
        return
    node[last] = value


def _label_path(path: tuple) -> str:
    return "/".join("[]" if isinstance(p, int) else str(p) for p in path)


def read_360giving(path: Path) -> tuple[list[dict], dict[str, str], list[str]]:
    """The grants of a 360Giving file as JSON objects, the file's titles for each JSON path, and notes."""
    path = Path(path)
    shown = str(path)
    notes: list[str] = []
    if not path.exists():
        raise Import360Error(f"{shown}: file not found")
    if not path.is_file():
        raise Import360Error(f"{shown}: is a folder (expected a 360Giving CSV, XLSX or JSON file)")
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            try:
                data = json.loads(_decode(path.read_bytes(), shown, notes))
            except json.JSONDecodeError as exc:
                raise Import360Error(f"{shown}: is not valid JSON ({exc.msg} at line {exc.lineno}, column "
                                     f"{exc.colno}; expected a 360Giving package such as "
                                     "{\"grants\": [...]})") from None
            if not isinstance(data, dict) or not isinstance(data.get("grants"), list):
                raise Import360Error(f"{shown}: is not a 360Giving package (expected a JSON object with a list "
                                     "of \"grants\")")
            grants = data["grants"]
            bad = [i + 1 for i, g in enumerate(grants) if not isinstance(g, dict)]
            if bad:
                raise Import360Error(f"{shown}: grant {bad[0]} is not a JSON object (expected one object per "
                                     "grant)")
            return grants, {}, notes
        if suffix == ".csv":
            grants, labels = _unflatten(_read_csv(path, shown, notes), shown, notes)
            return grants, labels, notes
        if suffix in (".xlsx", ".xlsm"):
            grants, labels = _unflatten(_read_xlsx(path, shown, notes), shown, notes)
            return grants, labels, notes
    except OSError as exc:
        raise Import360Error(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    raise Import360Error(f"{shown}: is not a .csv, .xlsx or .json file (expected a 360Giving file in one of "
                         "those formats)")


# --- import: mapping to our rows -----------------------------------------------


def _schema(name: str) -> dict:
    return load_json(SCHEMAS / f"{name}.json")


def _ward_key(name: str) -> str:
    name = name.casefold().replace("&", " and ").replace("\u2019", "").replace("'", "")
    name = re.sub(r"\bward\b", " ", name)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name).split())


def _default_wards() -> list[str]:
    path = PROJECT_DIR / "data" / "wards.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["ward_name"] for row in csv.DictReader(handle) if row.get("ward_name")]


def _text(value) -> str:
    if blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _parse_date(value) -> tuple[str | None, str]:
    """(YYYY-MM-DD or None, how it was read: "" plain, "dayfirst", "serial", "partial", "bad")."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), ""
    if isinstance(value, dt.date):
        return value.isoformat(), ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # an Excel serial date
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date().isoformat(), "serial"
        return None, "bad"
    text = _text(value)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text).isoformat(), ""
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].+", text):
            return dt.date.fromisoformat(text[:10]).isoformat(), ""
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day).isoformat(), "dayfirst"
    except ValueError:
        return None, "bad"
    if re.fullmatch(r"\d{4}(-\d{2})?", text):
        return None, "partial"
    return None, "bad"


def _parse_amount(value) -> tuple[float | None, bool]:
    """(amount or None, whether "£" or commas were removed)."""
    if isinstance(value, bool):
        return None, False
    if isinstance(value, (int, float)):
        return (float(value) if math.isfinite(value) else None), False
    text = _text(value)
    cleaned = text.replace("£", "").replace(",", "").strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        return float(cleaned), cleaned != text
    return None, False


def _months(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days + 1
    return days / (365.25 / 12)


def _examples(items: list[str]) -> str:
    shown = ", ".join(items[:EXAMPLES])
    return shown + (f" and {len(items) - EXAMPLES:,} more" if len(items) > EXAMPLES else "")


@dataclass
class Options:
    """How to import: the council (config.yml's publisher.org_id: its funder id, and the start of local
    recipient identifiers), the department for grants whose file names none, the existing departments
    (name, ignoring case -> commissioner_id) and whether every recipient is based in the borough."""
    council_id: str
    department_id: str | None = None
    departments: dict[str, str] = field(default_factory=dict)
    in_borough: bool = False


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


# is_vcs by organisation_type: types not listed (company limited by guarantee, or none) are not stated.
VCS_BY_TYPE = {
    "registered charity": "yes", "charitable incorporated organisation": "yes",
    "community interest company": "yes", "community benefit society": "yes",
    "unregistered community group": "yes", "private limited company": "no", "NHS body": "no",
    "local authority": "no", "school": "no", "individual": "no",
}


class _Mapper:
    def __init__(self, options: Options, wards: list[str]):
        self.options = options
        self.department_id = options.department_id
        self.wards = {_ward_key(w): w for w in wards}
        self.local_prefix = options.council_id
        self.council_key = re.sub(r"\s+", "", options.council_id).upper()
        self.commissioners: dict[str, dict] = {}  # departments named in the file, new to the project
        self.department_sources = {"file": 0, "option": 0}
        self.co_funded = 0
        self.pending_department: tuple[str, dict | None] = ("option", None)
        self.known_prefixes = org_id_prefixes()
        self.register_forms = REGISTER_FORMS
        self.grants_schema = _schema("grants")
        self.orgs_schema = _schema("organisations")
        self.grant_pattern = re.compile(next(f for f in self.grants_schema["fields"]
                                             if f["name"] == "grant_id")["constraints"]["pattern"])
        self.org_pattern = re.compile(next(f for f in self.orgs_schema["fields"]
                                           if f["name"] == "org_id")["constraints"]["pattern"])
        self.individuals: dict[str, str] = {}
        # Organisations by org_id; those with none (a recipient with a name but no identifier) by their name.
        self.orgs: dict[str | tuple[str, str], dict] = {}
        self.grant_ids: set[str] = set()
        # Notes grouped by kind: kind -> list of examples
        self.changes: dict[str, list[str]] = {}
        self.funders: dict[str, int] = {}
        self.types: dict[str, int] = {}
        self.funding_types = {"classification": 0, "longer-term": 0, "short-term innovation": 0, "not stated": 0}

    def change(self, kind: str, example: str) -> None:
        """A value changed, guessed, kept with a problem or left empty: one example for the notes."""
        self.changes.setdefault(kind, []).append(example)

    # identifiers ---------------------------------------------------------------

    def registered(self, org_id: str) -> bool:
        parts = org_id.split("-")
        return any("-".join(parts[:n]) in self.known_prefixes for n in range(2, len(parts)))

    def org_id(self, raw: str) -> tuple[str, str, bool]:
        """Our org_id for a recipient identifier, its register prefix ("" when it has none) and whether it is
        a local one, made here.

        An identifier of the form CC-REGISTER-number is kept, only normalised (no whitespace, the prefix in
        capitals; for GB-CHC, GB-COH, GB-SC and GB-NIC the number in capitals too, a Companies House number
        padded to 8 characters, a GB-SC number of 6 digits given its SC), whether or not its prefix is on
        org-id.guide and its number in the register's form: `validate` judges those. Any other identifier
        becomes a local one, <council org id>-<the identifier with other characters as ->."""
        ident = re.sub(r"\s+", "", raw)  # identifiers never hold spaces or line breaks
        match = re.fullmatch(r"([A-Za-z]{2})-([A-Za-z0-9]+)-(.+)", ident)
        if match:
            country, register, number = match.groups()
            prefix = f"{country.upper()}-{register.upper()}"
            if prefix in self.register_forms:
                number = number.upper()
                if prefix == "GB-COH" and number.isdigit() and len(number) < 8:
                    number = number.zfill(8)
                if prefix == "GB-SC" and re.fullmatch(r"\d{6}", number):
                    number = "SC" + number
            fixed = f"{prefix}-{number}"
            if fixed != raw:
                self.change("org-id-normalised", f"{show(raw.strip())} → {show(fixed)}")
            form = self.register_forms.get(prefix)
            if form and not form[0].fullmatch(number):
                self.change("org-id-kept", f"{show(fixed)} (not a {prefix} number: expected {form[1]})")
            elif not self.org_pattern.fullmatch(fixed):
                self.change("org-id-kept", f"{show(fixed)} (characters other than letters, digits and -)")
            elif not self.registered(fixed):
                self.change("org-id-kept", f"{show(fixed)} (prefix {prefix} is not on org-id.guide)")
            return fixed, prefix, False
        local = re.sub(r"[^A-Za-z0-9]+", "-", ident).strip("-")
        if not local:  # no letters or digits at all: kept as given, for validate to report
            self.change("org-id-kept", f"{show(ident)} (no letters or digits)")
            return ident, "", False
        org_id = f"{self.local_prefix}-{local}"
        self.change("org-id-local", f"{show(raw.strip())} → {show(org_id)}")
        return org_id, "", True

    def identifier(self, raw_id: str) -> str:
        """Our grant_id for the grant's Identifier: without whitespace, a 360G- identifier with characters our
        grant_id does not allow replaced by "-"; any other (not 360G-, or a repeat) kept as given, and an empty
        one left empty, for validate to report."""
        if not raw_id:
            return ""
        ident = re.sub(r"\s+", "", raw_id)  # identifiers never hold spaces or line breaks
        grant_id = ident
        if not self.grant_pattern.fullmatch(ident) and ident.startswith("360G-"):
            fixed = "360G-" + re.sub(r"[^A-Za-z0-9_-]+", "-", ident[5:]).strip("-")
            if self.grant_pattern.fullmatch(fixed):
                grant_id = fixed
        if grant_id != raw_id:
            self.change("grant-id", f"{show(raw_id)} → {show(grant_id)}")
        if not self.grant_pattern.fullmatch(grant_id):
            self.change("grant-id-kept", show(grant_id))
        if grant_id in self.grant_ids:
            self.change("repeated-id", show(grant_id))
        self.grant_ids.add(grant_id)
        return grant_id

    # one grant -----------------------------------------------------------------

    def organisation(self, grant: dict, used: set, label: str) -> dict | None:
        """Our organisations row for the grant's recipient, or None (noted) when it names no recipient or
        both an organisation and an individual: the grant's recipient_org_id is then left empty."""
        orgs = grant.get("recipientOrganization")
        person = grant.get("recipientIndividual")
        orgs = [orgs] if isinstance(orgs, dict) else orgs
        orgs = [o for o in orgs if isinstance(o, dict)] if isinstance(orgs, list) else []
        if orgs and isinstance(person, dict) and person:
            used.update({"recipientIndividual/id", "recipientIndividual/name", "recipientOrganization/[]/id",
                         "recipientOrganization/[]/name"})  # neither imported: noted here
            self.change("both-recipients", label)
            return None
        if isinstance(person, dict) and person:
            used.update({"recipientIndividual/id", "recipientIndividual/name"})
            key = _text(person.get("id")) or f"row-{len(self.individuals) + 1}"
            if key not in self.individuals:
                self.individuals[key] = f"{self.local_prefix}-IND-{len(self.individuals) + 1:04d}"
            if _text(person.get("name")):
                self.change("individual-name", label)
            if any(_dei_codes(grant, area) for area in DEI_AREAS.values()):  # never about individuals
                used.update(DEI_AREAS)
                self.change("individual-dei", label)
            return {
                "org_id": self.individuals[key], "name": "Individual recipient", "organisation_type": "individual",
                "charity_number": "", "company_number": "", "is_vcs": "no", "is_sme": "",
                "based_in_borough": self.in_borough(), "ward": "", **NO_EQUALITY,
            }
        if not orgs:
            self.change("no-recipient", label)
            return None
        if len(orgs) > 1:
            self.change("several-recipients", label)
        org = orgs[0]
        used.update({"recipientOrganization/[]/id", "recipientOrganization/[]/name",
                     "recipientOrganization/[]/charityNumber", "recipientOrganization/[]/companyNumber"})
        raw_id, name = _text(org.get("id")), _text(org.get("name"))
        if not name:
            self.change("no-recipient-name", label)
        given_charity, given_company = _text(org.get("charityNumber")), _text(org.get("companyNumber"))
        company = given_company.upper().replace(" ", "")
        if company.isdigit() and len(company) < 8:
            company = company.zfill(8)
        if raw_id:
            org_id, register, local = self.org_id(raw_id)
        else:
            self.change("no-recipient-id", f"{label}: {show(name)}" if name else label)
            org_id, register, local = "", "", False
        number = org_id[len(register) + 1:] if register else ""
        # A number from the identifier only when it is in its register's form (else validate reports the
        # identifier, and our charity_number or company_number, which the schema checks, stays empty).
        form = self.register_forms.get(register)
        number_ok = bool(form and form[0].fullmatch(number))
        charity = ""
        if register == "GB-CHC":
            charity = number if number_ok else ""
            if given_charity and given_charity != number:
                self.change("charity-number-conflict", f"{show(given_charity)} ({org_id})")
        elif given_charity:
            if re.fullmatch(r"[0-9]{6,7}", given_charity):
                charity = given_charity
            else:
                self.change("charity-number", f"{show(given_charity)} ({org_id or show(name)})")
        if register == "GB-COH":
            company_number = number if number_ok else ""
        elif company and re.fullmatch(r"[A-Z0-9]{8}", company):
            company_number = company
        else:
            company_number = ""
            if given_company:
                self.change("company-number", f"{show(given_company)} ({org_id or show(name)})")
        if local or (register and self.registered(org_id)):
            org_type = self.organisation_type(register, name, company_number, bool(charity))
            is_vcs = "yes" if charity else VCS_BY_TYPE.get(org_type, "")
        else:  # a prefix not on org-id.guide, or no usable identifier: nothing is guessed
            org_type = is_vcs = ""
        return {
            "org_id": org_id,
            "name": name,
            "organisation_type": org_type,
            "charity_number": charity,
            "company_number": company_number,
            "is_vcs": is_vcs,
            "is_sme": "",  # 360Giving does not say
            "based_in_borough": self.in_borough(),
            "ward": "",
            **NO_EQUALITY,
            **self.dei(grant, used),
        }

    def dei(self, grant: dict, used: set) -> dict[str, str]:
        """led_by and serving from the grant's deiDetails (the DEI extension's leadership and project taxonomy
        codes: what the organisation declared to the funder), as given; dei_declared_on stays empty (the file
        does not say when it answered)."""
        found = {}
        for path, (column, area) in DEI_AREAS.items():
            codes = _dei_codes(grant, area)
            if codes:
                used.add(path)
                found[column] = ";".join(codes)
        return found

    def in_borough(self) -> str:
        """based_in_borough: "yes" with --in-borough, else not stated (360Giving does not say)."""
        return "yes" if self.options.in_borough else ""

    @staticmethod
    def organisation_type(register: str, name: str, company_number: str, charity: bool) -> str:
        """The legal form the identifier's prefix (or a charity number) shows; "unregistered community
        group" for a local identifier (no register), "" for a register we cannot place."""
        if register in ("GB-CHC", "GB-SC", "GB-NIC"):
            return "registered charity"
        if register == "GB-COH":
            if company_number[:2] in ("CE", "CS"):
                return "charitable incorporated organisation"
            if re.search(r"\bC\.?I\.?C\b|community interest company", name, re.IGNORECASE):
                return "community interest company"
            return "company limited by guarantee"
        return {
            "GB-MPR": "community benefit society",
            "GB-EDU": "school",
            "GB-NHS": "NHS body",
            "GB-LAE": "local authority",
            "GB-LAS": "local authority",
            "GB-LANI": "local authority",
            "GB-PLA": "local authority",
        }.get(register, "registered charity" if charity else "" if register else "unregistered community group")

    def title_and_description(self, grant: dict, label: str) -> tuple[str, str]:
        """The title and the description (the title when missing), without personal data; a missing title is
        left empty, for validate to report."""
        title = self.scrub(_text(grant.get("title")), label)
        if not title:
            self.change("no-title", label)
        description = self.scrub(_text(grant.get("description")), label)
        if not description and title:
            self.change("no-description", label)
            description = title
        return title, description

    def scrub(self, text: str, label: str) -> str:
        """Text without the personal data validation refuses: a full postcode keeps only its first half
        (M33 5HF -> M33), e-mail addresses and telephone numbers are replaced by the markers EMAIL_REMOVED
        and PHONE_REMOVED."""
        cleaned = POSTCODE.sub(lambda m: re.sub(r"\s+", "", m.group(0))[:-3].upper(), text)
        cleaned = EMAIL.sub(EMAIL_REMOVED, cleaned)
        cleaned = PHONE.sub(PHONE_REMOVED, cleaned)
        if cleaned != text:
            self.change("personal-data", label)
        return cleaned

    def amount(self, grant: dict, label: str) -> str:
        """The amount awarded as our CSV writes it: a number (a "£" and thousands commas removed), else the
        value as given ("abc", "0" and "-50" are kept, for validate to report); empty when missing or in
        another currency than GBP."""
        currency = _text(grant.get("currency")).upper()
        value = grant.get("amountAwarded")
        if currency and currency != "GBP":
            self.change("currency", f"{label}: amount in {currency}, not GBP")
            return ""
        if not currency:
            self.change("no-currency", label)
        if blank(value):
            self.change("no-amount", label)
            return ""
        amount, cleaned = _parse_amount(value)
        if amount is None:
            shown = _text(value)
            self.change("amount-kept", f"{label}: {show(shown)}")
            return shown
        if cleaned:
            self.change("amount-cleaned", label)
        if amount <= 0:
            self.change("amount-kept", f"{label}: {plain_number(amount)}")
        return plain_number(amount)

    def date(self, value, label: str, what: str) -> tuple[str, str | None]:
        """A date as our CSV writes it (YYYY-MM-DD; a date-time keeps its date; DD/MM/YYYY read day first),
        and the date when it is one; anything else (a year, 30 February) is kept as given, and noted."""
        parsed, how = _parse_date(value)
        if parsed is None:
            shown = _text(value)
            self.change("date-kept", f"{label}: {what} {show(shown)}")
            return shown, None
        if how:
            self.change(f"date-{how}", label)
        return parsed, parsed

    def dates(self, grant: dict, label: str, used: set) -> tuple[str, dict, dict[str, str], dict[str, str | None]]:
        """The award date, the first plannedDates entry, and the planned and actual start and end dates as
        written ("" when missing), with the planned ones as dates (None when missing or not a date)."""
        if blank(grant.get("awardDate")):
            self.change("no-award-date", label)
            award = ""
        else:
            award, _ = self.date(grant.get("awardDate"), label, "Award Date")
        planned = _first(grant.get("plannedDates"))
        actual = _first(grant.get("actualDates"))
        written, parsed = {}, {}
        for group, entry, title in (("planned", planned, "Planned Dates"), ("actual", actual, "Actual Dates")):
            for key, name in (("startDate", "Start Date"), ("endDate", "End Date")):
                used.add(f"{group}Dates/[]/{key}")
                if blank(entry.get(key)):
                    written[f"{group}_{key}"], parsed[f"{group}_{key}"] = "", None
                    continue
                written[f"{group}_{key}"], parsed[f"{group}_{key}"] = self.date(entry[key], label,
                                                                                f"{title}:{name}")
        return award, planned, written, parsed

    def last_modified(self, grant: dict, label: str, used: set) -> str:
        """dateModified as our last_modified: a date-time's date (reported), a date as it is, anything else
        kept as given (validate reports it)."""
        used.add("dateModified")
        value = grant.get("dateModified")
        if blank(value):
            return ""
        text = _text(value)
        if isinstance(value, dt.datetime) or re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].+", text):
            parsed, _ = _parse_date(value)
            if parsed:
                self.change("last-modified", label)
                return parsed
        written, _ = self.date(value, label, "Last Modified")
        return written

    def funding_type(self, grant: dict, planned: dict, dates: dict[str, str | None], used: set) -> str:
        """Our own classification when the grant has one, else from the planned duration."""
        for item in grant.get("classifications") or []:
            if isinstance(item, dict) and _text(item.get("code")).casefold() in FUNDING_TYPE_TITLES:
                used.update({"classifications/[]/code", "classifications/[]/vocabulary",
                             "classifications/[]/title"})
                self.funding_types["classification"] += 1
                return _text(item["code"]).casefold()
        duration = planned.get("duration")
        if isinstance(duration, str):
            duration, _ = _parse_amount(duration)
        if isinstance(duration, (int, float)) and not isinstance(duration, bool):
            used.add("plannedDates/[]/duration")
        else:
            duration = _months(dates["planned_startDate"], dates["planned_endDate"])
        if duration is None:  # nothing to tell longer-term from short-term by: not stated, never guessed
            self.funding_types["not stated"] += 1
            return ""
        funding_type = "short-term innovation" if duration < 12 else "longer-term"
        self.funding_types[funding_type] += 1
        return funding_type

    def ward(self, grant: dict, org: dict | None, used: set) -> str:
        """The first Beneficiary Location naming one of our wards (none for individuals)."""
        for location in grant.get("beneficiaryLocation") or []:
            if isinstance(location, dict) and _text(location.get("name")):
                used.add("beneficiaryLocation/[]/name")
                match = self.wards.get(_ward_key(_text(location["name"])))
                if match and (org or {}).get("organisation_type") != "individual":
                    return match
        return ""

    def programme(self, grant: dict, used: set) -> str:
        """The first Grant Programme's title (else its code)."""
        for item in grant.get("grantProgramme") or []:
            if isinstance(item, dict):
                used.add("grantProgramme/[]/title" if _text(item.get("title")) else "grantProgramme/[]/code")
                return _text(item.get("title")) or _text(item.get("code"))
        return ""

    def co_funders(self, grant: dict, used: set) -> list[str]:
        """Every funder of the grant other than this council, as "Name (identifier)" in the file's order
        (";" in a name becomes ","); each funder is counted for the notes."""
        others = []
        for funder in _funders(grant):
            used.update({"fundingOrganization/[]/id", "fundingOrganization/[]/name"})
            name = " ".join(_text(funder.get("name")).replace(";", ",").split()) or "(no name)"
            ident = "".join(_text(funder.get("id")).split())
            shown_as = f"{name} ({ident})" if ident else name
            self.funders[shown_as] = self.funders.get(shown_as, 0) + 1
            if ident.upper() != self.council_key and shown_as not in others:
                others.append(shown_as)
        return others

    def department(self, grant: dict, used: set) -> str:
        """The department that made the grant: the file's Funding Org:Department (_department_name), made a
        commissioner when the project has none by that name; else --department."""
        name = _department_name(_funders(grant), self.council_key)
        if not name:
            self.pending_department = ("option", None)
            return self.department_id or ""
        used.add("fundingOrganization/[]/department")
        known = self.options.departments.get(_name_key(name))
        if known:
            self.pending_department = ("file", None)
            return known
        ident = commissioner_id(name)
        self.pending_department = ("file", commissioner_row(name, ident, note="Added by import-360giving from "
                                                                          "the file's Funding Org:Department."))
        return ident

    def grant(self, grant: dict, index: int) -> tuple[dict, dict | None, set]:
        """One 360Giving grant as (our grants row, its organisations row or None, the JSON paths used). Every
        grant is mapped: a value with a problem is kept as given, or left empty, and noted."""
        used: set[str] = {"id", "title", "description", "currency", "amountAwarded", "awardDate", "dataSource"}
        raw_id = _text(grant.get("id"))
        grant_id = self.identifier(raw_id)
        label = grant_id or f"grant {index}"
        if not raw_id:
            self.change("no-identifier", label)
        title, description = self.title_and_description(grant, label)
        amount = self.amount(grant, label)
        award, planned, written, parsed = self.dates(grant, label, used)
        org = self.organisation(grant, used, label)
        funding_type = self.funding_type(grant, planned, parsed, used)
        ward = self.ward(grant, org, used)
        programme = self.programme(grant, used)
        others = self.co_funders(grant, used)
        department = self.department(grant, used)
        row = {
            "grant_id": grant_id,
            "title": title,
            "description": description,
            "programme": programme,
            "funding_type": funding_type,
            "recipient_org_id": org["org_id"] if org else "",
            "amount_awarded": amount,
            "award_date": award,
            "planned_start_date": written["planned_startDate"],
            "planned_end_date": written["planned_endDate"],
            "beneficiary_ward": ward,
            "department_id": department,
            "co_funders": "; ".join(others),
            "actual_start_date": written["actual_startDate"],
            "actual_end_date": written["actual_endDate"],
            "data_source": _text(grant.get("dataSource")),
            "last_modified": self.last_modified(grant, label, used),
        }
        self.co_funded += bool(others)
        source, commissioner = self.pending_department
        self.department_sources[source] += 1
        if commissioner:
            self.commissioners.setdefault(commissioner["commissioner_id"], commissioner)
        if org is not None:
            kept = self.orgs.setdefault(org["org_id"] or ("", org["name"]), org)
            for column in ("led_by", "serving"):  # DEI codes from a later grant fill an empty one
                if not kept.get(column) and org.get(column):
                    kept[column] = org[column]
        return row, org, used


# The equality lens's organisations columns, empty: 360Giving files say nothing of an organisation's size.
NO_EQUALITY = {"income_band": "", "led_by": "", "serving": "", "dei_declared_on": ""}
# The DEI extension's taxonomy codes the import reads: JSON path -> (our column, application area).
DEI_AREAS = {"deiDetails/leadership/response/taxonomyCodes": ("led_by", "leadership"),
             "deiDetails/project/response/taxonomyCodes": ("serving", "project")}


def _dei_codes(grant: dict, area) -> list[str]:
    """The taxonomy codes of one application area of a grant's deiDetails (area: its name, or (column, name)),
    as given: a list, or one text of codes separated by ";"."""
    name = area[1] if isinstance(area, tuple) else area
    details = grant.get("deiDetails")
    area_value = details.get(name) if isinstance(details, dict) else None
    response = area_value.get("response") if isinstance(area_value, dict) else None
    codes = response.get("taxonomyCodes") if isinstance(response, dict) else None
    if isinstance(codes, str):
        codes = codes.split(";")
    if not isinstance(codes, list):
        return []
    return list(dict.fromkeys(c for c in (_text(v) for v in codes) if c))


def _first(value) -> dict:
    """The first entry of a list of objects (plannedDates, actualDates); {} when there is none."""
    return value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else {}


def _funders(grant: dict) -> list[dict]:
    """The grant's Funding Org entries (a JSON object for one is read as a list of it)."""
    funders = grant.get("fundingOrganization")
    funders = [funders] if isinstance(funders, dict) else funders if isinstance(funders, list) else []
    return [f for f in funders if isinstance(f, dict) and any(not blank(v) for v in f.values())]


def _leaves(value, prefix: str = "") -> Iterable[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{prefix}/{key}" if prefix else str(key))
    elif isinstance(value, list):
        if value and all(not isinstance(v, (dict, list)) for v in value):
            yield prefix
        for item in value:
            if isinstance(item, (dict, list)):
                yield from _leaves(item, f"{prefix}/[]")
    elif not blank(value):
        yield prefix


# What the import did, by kind: what happened, then the count and examples. First the values kept as given
# or left empty, each of which `validate` then reports; then the values changed or guessed.
CHANGE_NOTES = {
    "no-identifier": "Grants with no Identifier, written with an empty grant_id (validate reports it)",
    "grant-id-kept": ("Identifiers that do not fit our grant_id (360G- then letters, digits, - and _), kept as "
                      "given (validate reports them)"),
    "repeated-id": ("Identifiers the same as an earlier grant's, kept: every copy is written (validate reports "
                    "the duplicates)"),
    "no-title": "Grants with no Title, written with an empty title (validate reports it)",
    "currency": ("Grants whose amount is not in pounds, written with amount_awarded empty (validate reports the "
                 "missing amount)"),
    "no-amount": "Grants with no Amount Awarded, written with amount_awarded empty (validate reports it)",
    "amount-kept": "Amounts that are not a number above zero, kept as given (validate reports them)",
    "no-award-date": "Grants with no Award Date, written with award_date empty (validate reports it)",
    "date-kept": ("Dates that are not full dates (30 February, only a year or a month, or not a date), kept as "
                  "given (validate reports them)"),
    "no-recipient": ("Grants with no recipient (no Recipient Org or Recipient Ind), written with "
                     "recipient_org_id empty (validate reports it)"),
    "both-recipients": ("Grants naming both a recipient organisation and an individual (360Giving allows one), "
                        "written with recipient_org_id empty and neither imported (validate reports it)"),
    "no-recipient-id": ("Recipient organisations with no Identifier, written with an empty org_id and "
                        "recipient_org_id (validate reports them; give their charity or company identifier)"),
    "no-recipient-name": "Recipient organisations with no Name, written with an empty name (validate reports it)",
    "org-id-kept": ("Recipient identifiers kept as given although their prefix is not on org-id.guide or their "
                    "number is not in the register's form; organisation_type and is_vcs are not guessed for an "
                    "unknown prefix (validate reports them)"),
    "grant-id": "Grant identifiers changed to fit our grant_id (letters, digits, - and _ only)",
    "org-id-local": ("Recipient identifiers that are not of the form country-register-number (such as a "
                     "funder's own 360G- reference), given a local identifier instead; replace them with charity "
                     "or company identifiers where the organisation has one"),
    "org-id-normalised": "Recipient identifiers rewritten in their register's form",
    "no-description": "Grants with no Description, given their title as the description",
    "personal-data": ("Titles or descriptions with personal data, which validation refuses: full postcodes "
                      "shortened to their first half (M33 5HF became M33), e-mail addresses and telephone numbers "
                      f"replaced by {EMAIL_REMOVED} and {PHONE_REMOVED}; check the wording"),
    "no-currency": "Grants with no Currency, taken to be GBP",
    "amount-cleaned": "Amounts written with \"£\" or commas, which were removed",
    "date-dayfirst": "Grants with dates written day/month/year, read as UK dates",
    "date-serial": "Grants with dates stored as Excel serial numbers, converted",
    "last-modified": ("Last Modified date-times given as their date, as last_modified is a date "
                      "(2019-03-12T10:00:00+00:00 became 2019-03-12)"),
    "charity-number": ("Recipient Org:Charity Number values that are not Charity Commission numbers (6 or 7 "
                       "digits), such as Scottish SC numbers or notes, left out"),
    "charity-number-conflict": ("Recipient Org:Charity Number values that differ from the number in the "
                                "GB-CHC identifier; the identifier's number was kept"),
    "company-number": ("Recipient Org:Company Number values that are not 8-character Companies House "
                       "numbers, left out"),
    "individual-name": "Recipient Ind:Name values not imported: individuals are shown as \"Individual recipient\"",
    "individual-dei": ("DEI Details (taxonomy codes) on grants to individuals, not imported: equality data is never "
                       "about individuals"),
    "several-recipients": "Grants with several recipient organisations; only the first was imported",
}


def _change_note(kind: str, examples: list[str]) -> str:
    unique = list(dict.fromkeys(examples))
    return f"{CHANGE_NOTES[kind]}: {len(unique):,} ({_examples(unique)})."


def _department_name(funders: list[dict], council_key: str) -> str:
    """The department that made a grant: its Funding Org:Department of this council's entry when the
    council is among the funders, else of the first funder that names one; "" when none does."""
    council = [f for f in funders if "".join(_text(f.get("id")).split()).upper() == council_key]
    for funder in council[:1] or funders:
        name = " ".join(_text(funder.get("department")).split())
        if name:
            return name
    return ""


def _check_departments(grants: list[dict], department_id: str | None, council_key: str, shown: str) -> None:
    """Stop, before anything is mapped, when a grant has no Funding Org:Department and no --department
    was given: nothing in the tool knows a council's departments."""
    if department_id:
        return
    missing = []
    for index, grant in enumerate(grants, start=1):
        if not _department_name(_funders(grant), council_key):
            missing.append(f"grant {index}" + (f" ({show(_text(grant.get('id')))})" if _text(grant.get("id")) else ""))
    if missing:
        more = f" and {plural(len(missing) - 1, 'other grant')}" if len(missing) > 1 else ""
        raise Import360Error(
            f"{shown}: {missing[0]}{more} {'have' if more else 'has'} no Funding Org:Department, and no --department "
            "was given (expected "
            "the department that made each grant: pass --department ID with a commissioner_id from "
            "data/commissioners.csv, or fill the file's Funding Org:Department column)")


def import_360giving(path: Path, department_id: str | None = None, *, wards: Iterable[str] | None = None,
                     council_id: str | None = None, departments: dict[str, str] | None = None,
                     in_borough: bool = False) -> ImportResult:
    """A funder's 360Giving file (CSV, XLSX or JSON package) as our grants, organisations and (new
    departments) commissioners rows.

    `department_id` is the department of grants whose file names none (the file's Funding Org:Department wins
    where it is given); `wards` are our ward names (default: data/wards.csv); `council_id` is the council's
    org id (config.yml's publisher.org_id, the default): its Funding Org entry is the council's, other funders
    are co-funders, and it starts the local identifiers of recipients whose identifier is not of the form
    country-register-number; `departments` maps existing departments' names to their commissioner_id; `in_borough` marks every
    recipient based in the borough. Every grant in the file is returned (none is skipped). Raises
    Import360Error, with a one-line message, when the file cannot be read or a grant's department is
    unknown."""
    grants, labels, notes = read_360giving(path)
    if council_id is None:
        from ..config import load_config

        council_id = load_config().publisher_org_id
    _check_departments(grants, department_id, re.sub(r"\s+", "", council_id).upper(), str(path))
    options = Options(council_id, department_id, {_name_key(k): v for k, v in (departments or {}).items()},
                      in_borough)
    mapper = _Mapper(options, list(_default_wards() if wards is None else wards))
    result = ImportResult(read=len(grants), source=str(path))
    ignored: dict[str, int] = {}  # in the order first seen
    for index, grant in enumerate(grants, start=1):
        row, _, used = mapper.grant(grant, index)
        result.grants.append(row)
        for leaf in dict.fromkeys(_leaves(grant)):
            if leaf not in used:
                ignored[leaf] = ignored.get(leaf, 0) + 1
    result.organisations = list(mapper.orgs.values())
    result.commissioners = list(mapper.commissioners.values())
    result.unmapped = notes + _column_notes(ignored, labels) + _funder_notes(mapper, result) \
        + [_change_note(kind, mapper.changes[kind]) for kind in CHANGE_NOTES if kind in mapper.changes] \
        + _guess_notes(mapper, result)
    return result


def _column_notes(ignored: dict[str, int], labels: dict[str, str]) -> list[str]:
    """One note per column (or JSON field) the import has no place for."""
    titles = {_label_path(p): t for t, (p, _) in schema_titles().items()}
    notes = []
    for leaf, count in ignored.items():
        if leaf.startswith("fundingOrganization/"):
            continue  # reported with the funders
        name = labels.get(leaf) or titles.get(leaf) or leaf
        kind = "column" if labels else "field"
        notes.append(f"Ignored the {kind} {show(name)} (a value in {plural(count, 'grant')}): our grants and "
                     "organisations data have no place for it.")
    return notes


def _funder_notes(mapper: _Mapper, result: ImportResult) -> list[str]:
    """The funders the file names, where each grant's department came from, and the co-funded grants."""
    notes = []
    if mapper.funders:
        funders = "; ".join(f"{name}: {plural(n, 'grant')}" for name, n in mapper.funders.items())
        notes.append(f"Funding Org: the file names {funders}.")
    sources = mapper.department_sources
    if sources["file"]:
        added = ", ".join(c["commissioner_id"] for c in result.commissioners)
        notes.append(f"department_id from the file's Funding Org:Department for {plural(sources['file'], 'grant')}"
                     + (f"; departments new to the project added to commissioners.csv: {added} (check their "
                        "commissioner_type, org_id and dates)" if added else "") + ".")
    if sources["option"] and mapper.department_id:
        notes.append(f"department_id {mapper.department_id} (from --department) for "
                     f"{plural(sources['option'], 'grant')} whose Funding Org has no Department.")
    if mapper.co_funded:
        notes.append(f"Co-funded grants (a Funding Org other than this council, {mapper.options.council_id}): "
                     f"{mapper.co_funded:,}; their other funders are in co_funders.")
    return notes


def _guess_notes(mapper: _Mapper, result: ImportResult) -> list[str]:
    """What 360Giving does not say and the import had to decide: funding types, wards, organisation flags."""
    if not result.grants:
        return []
    notes = []
    counts = mapper.funding_types
    parts = []
    if counts["classification"]:
        parts.append(f"{plural(counts['classification'], 'grant')} from the file's own funding-type classification")
    if counts["longer-term"]:
        parts.append(f"{plural(counts['longer-term'], 'grant')} longer-term (planned for 12 months or more)")
    if counts["short-term innovation"]:
        parts.append(f"{plural(counts['short-term innovation'], 'grant')} short-term innovation (planned for "
                     "under 12 months)")
    if counts["not stated"]:
        parts.append(f"{plural(counts['not stated'], 'grant')} left empty (not stated: no planned duration or dates "
                     "to tell by)")
    if counts["longer-term"] or counts["short-term innovation"] or counts["not stated"]:
        notes.append("funding_type is not in 360Giving: " + "; ".join(parts) + ". Check them.")
    unmatched = sum(1 for r in result.grants if not r["beneficiary_ward"])
    if unmatched:
        notes.append(f"beneficiary_ward is empty for {plural(unmatched, 'grant')}: no Beneficiary Location names one "
                     "of our wards.")
    orgs = result.organisations
    unknown = sum(1 for o in orgs if not o["is_vcs"])
    borough = ("based_in_borough is \"yes\" for every organisation (--in-borough)" if mapper.options.in_borough
               else "based_in_borough is empty (not stated; pass --in-borough when every recipient is based in "
                    "the borough)")
    declared = sum(1 for o in orgs if o.get("led_by") or o.get("serving"))
    if declared:
        notes.append(f"led_by and serving from the file's DEI Details (the Leadership and Project taxonomy codes, "
                     f"as the organisations declared them to the funder) for {plural(declared, 'organisation')}; "
                     "dei_declared_on is empty, as the file does not say when they answered: give it, or the "
                     "360Giving export leaves their DEI details out (validate warns: dei-no-date).")
    notes.append(f"Organisations ({len(orgs):,}): organisation_type is guessed from the identifier; is_vcs is "
                 "\"yes\" for charities, CIOs, CICs, community benefit societies and unregistered community groups, "
                 "\"no\" for NHS bodies, local authorities, schools and individuals"
                 + (f", empty (not stated) for {plural(unknown, 'organisation')} of another or unknown type"
                    if unknown else "")
                 + f"; is_sme is empty (360Giving does not say); {borough}; ward is empty. Check them.")
    return notes


def _columns(name: str) -> list[str]:
    return [f["name"] for f in _schema(name)["fields"]]


def _fitted(rows: list[dict], existing: Path) -> list[dict]:
    """The rows without the columns an existing file made before they were added lacks, when no row has a
    value in them (a project's grants.csv from before co_funders, its organisations.csv from before led_by)."""
    if not rows or not existing.is_file():
        return rows
    with existing.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    unused = {c for c in rows[0] if c not in header and not any(r.get(c) for r in rows)} if header else set()
    return [{k: v for k, v in r.items() if k not in unused} for r in rows] if unused else rows


def write_import(result: ImportResult, out_dir: Path) -> dict[str, Merged]:
    """Merge the imported rows into out_dir's grants.csv, organisations.csv and (for departments new to the
    project) commissioners.csv, creating the folder and files when missing (imports/project.py: a grant
    replaces the one with the same grant_id already in the file; grants with an empty or repeated grant_id
    are all written; existing organisations and commissioners keep their values and only have empty cells
    filled). A grants.csv made before a column was added (co_funders, actual_start_date, actual_end_date,
    data_source, last_modified), or an organisations.csv made before the equality columns (income_band, led_by,
    serving, dei_declared_on), still takes rows with no value for it. Returns what happened to each
    file; raises Import360Error (nothing changed) when a file cannot take them."""
    out_dir = Path(out_dir)
    grants = _fitted(result.grants, out_dir / "grants.csv")
    datasets = {"grants": grants, "organisations": _fitted(result.organisations, out_dir / "organisations.csv")}
    if result.commissioners:
        datasets["commissioners"] = result.commissioners
    try:
        return write_into(out_dir, datasets)
    except ProjectError as exc:
        raise Import360Error(str(exc)) from None
    except OSError as exc:
        where = exc.filename or out_dir
        raise Import360Error(f"{where}: cannot be written ({exc.strerror or exc}); check the folder and its "
                             "permissions, then run the command again") from None
