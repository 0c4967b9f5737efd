"""Counterparts of the checks in 360Giving's data quality tool (DQT, lib360dataquality; issue 17).

DQT reads a 360Giving file; these read our data, before the 360Giving export is made from it, so that
`validate` tells the council what DQT would say of the export, with the file, row and column to look at.
Each check names its DQT counterparts; README.md ("360Giving data quality tool checks and ours") maps all
of DQT's checks to ours, to a schema rule, or to "not held". The counterparts that stop publishing (a
£0 grant, an unrecognised recipient identifier, an email address, a future award date) were already
errors in checks.py; those here are warnings: DQT's notes ask the publisher to look, and are often fine.

A grant's funders are those the 360Giving export (generator/exports/giving360.py) lists: the council
(config.yml publisher.org_id and publisher.name), or the commissioner named by the grant's department_id
when that commissioner has an org_id other than the council's; then each co-funder in co_funders,
written "Name (identifier)" and joined by "; ".

"Today" is the context's (SOURCE_DATE_EPOCH when set). checks.py adds CHECKS_360 to its CHECKS, after
the council's own checks; both modules share checks_base.py.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..findings import WARNING, Finding, show
from . import wards as ons
from .checks_base import (Check, Context, _a, _finding, _free_text, _has, _individuals, _rows, _text,
                          org_id_prefixes)

ARROW_FROM = 1000  # values in a column from which pyarrow's substring search is worth its set-up

# --- helpers ------------------------------------------------------------------------------


def _value(value) -> str:
    """A cell as a finding shows it: empty for a missing value (a missing date included)."""
    return "" if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)) else _text(value)


def _texts(values: pd.Series) -> list[str]:
    """Cells as findings show them, column at once for dates and for wholly missing ones."""
    if values.isna().all():
        return [""] * len(values)
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m-%d").fillna("").tolist()
    return [_value(v) for v in values.tolist()]


def _findings(ctx: Context, check: Check, dataset: str, rows: list[int], column: str, message,
              example: str | None = None) -> list[Finding]:
    """_finding for many rows at once (one lookup of the file, the column and its example, not one per
    row: checks such as no-data-source can flag every grant). `message` is text, or a function of the
    row's position (the spreadsheet row less 2)."""
    if not rows:
        return []
    res = ctx.res(dataset)
    if example is None:
        example = res.field(column).get("example")
    positions = [row - 2 for row in rows]
    values = _texts(ctx.tables[dataset][column].iloc[positions])
    return [Finding(res.shown, row, column, check.code, message(row - 2) if callable(message) else message,
                    severity=check.severity, dataset=dataset, value=value, example=example)
            for row, value in zip(rows, values)]


def _listed(values: list[str]) -> str:
    """"A", "A" and "B", "A", "B" and "C"."""
    shown = [show(v) for v in values]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _years(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole years, 29 February becoming the 28th, as dateutil's relativedelta(years=n)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _is_individual(ctx: Context, org_ids: pd.Series) -> pd.Series:
    """Which of these org_ids are individuals' (by organisation_type, or an individual's -IND- id)."""
    individuals = _individuals(ctx)
    return (org_ids.isin(individuals) | org_ids.str.contains("-IND-", regex=False)).fillna(False).astype(bool)


# --- funders ------------------------------------------------------------------------------

# A co-funder in co_funders: "Name (identifier)". Duplicated from exports/giving360.py
# (co_funder_entries), because generator/data must not import generator/exports: the parts are split
# at ";" and matched whole; a part with no identifier in brackets, or no name, is left out there too.
CO_FUNDER = r"\A\s*(.*?)\s*\(([^()\s]+)\)\s*\Z"

FUNDER_COLUMNS = ["pos", "order", "name", "id", "column"]


def _co_funders(ctx: Context) -> pd.DataFrame:
    """Every co-funder of every grant, in file order: pos (the grant's position: its spreadsheet row
    less 2), order (1, 2, ... within the grant), name, id and column ("co_funders"). Made once."""
    if "co_funders" not in ctx.cache:
        frame = ctx.tables["grants"]
        cells = frame["co_funders"].dropna().astype(str) if "co_funders" in frame.columns else pd.Series(dtype=str)
        if cells.empty:
            entries = pd.DataFrame({c: pd.Series(dtype=object) for c in FUNDER_COLUMNS})
        else:
            parts = cells.str.split(";").explode()
            entries = parts.str.extract(CO_FUNDER)
            entries.columns = ["name", "id"]
            entries["order"] = entries.groupby(level=0).cumcount() + 1
            entries["pos"] = entries.index.astype(int)
            entries["column"] = "co_funders"
            entries = entries[entries["name"].fillna("").ne("")][FUNDER_COLUMNS].reset_index(drop=True)
        ctx.cache["co_funders"] = entries
    return ctx.cache["co_funders"]


def _other_funders(ctx: Context) -> pd.DataFrame:
    """The grants whose funder is a commissioner with an org_id other than the council's, in the funder
    columns (order 0, column "department_id"): the export lists that commissioner, not the council."""
    if "other_funders" not in ctx.cache:
        entries = pd.DataFrame({c: pd.Series(dtype=object) for c in FUNDER_COLUMNS})
        if _has(ctx, {"grants": ("department_id",), "commissioners": ("commissioner_id", "name", "org_id")}):
            commissioners = ctx.tables["commissioners"]
            other = commissioners[commissioners["org_id"].notna()
                                  & (commissioners["org_id"] != ctx.config.publisher_org_id)]
            other = other.drop_duplicates("commissioner_id").set_index("commissioner_id")
            department = ctx.tables["grants"]["department_id"]
            funded = department.isin(other.index).fillna(False).astype(bool).to_numpy()
            if funded.any():
                chosen = department[funded]
                entries = pd.DataFrame({
                    "pos": chosen.index.astype(int), "order": 0,
                    "name": chosen.map(other["name"]).astype(str).to_numpy(),
                    "id": chosen.map(other["org_id"]).astype(str).to_numpy(), "column": "department_id"})
        ctx.cache["other_funders"] = entries
    return ctx.cache["other_funders"]


def _recognised(ids: pd.Series) -> pd.Series:
    """Which identifiers start with an org-id.guide prefix or 360G, as DQT tests them: ignoring case,
    a plain prefix (no separator needed: GB-CHC matches GB-CHCX1 too). One vectorised test per length."""
    codes = {code.lower() for code in org_id_prefixes()} | {"360g"}
    lower = ids.astype(str).str.lower()
    found = pd.Series(False, index=ids.index)
    for length in sorted({len(code) for code in codes}):
        found |= lower.str.slice(0, length).isin({code for code in codes if len(code) == length}).to_numpy()
    return found


def _grant_findings(ctx: Context, check: Check, cells: list[tuple[int, str]], messages: list[str]) -> list[Finding]:
    """_finding for grants' cells (position, column), made in bulk: the funder checks can flag many grants."""
    res, frame = ctx.res("grants"), ctx.tables["grants"]
    columns = {column for _, column in cells}
    examples = {column: res.field(column).get("example") for column in columns}
    values = {column: frame[column].to_numpy(dtype=object) for column in columns}
    return [Finding(res.shown, pos + 2, column, check.code, message, severity=check.severity, dataset="grants",
                    value=_value(values[column][pos]), example=examples[column])
            for (pos, column), message in zip(cells, messages)]


def _per_grant(ctx: Context, check: Check, entries: pd.DataFrame, message) -> list[Finding]:
    """One finding per grant cell (co_funders or department_id) with flagged funder entries, in row order;
    message(the cell's entries, as dicts in the export's order) says what is wrong with them. Only the
    flagged entries are looped over."""
    if entries.empty:
        return []
    entries = entries.sort_values(["pos", "order"], kind="mergesort")
    cells: dict[tuple[int, str], list[dict]] = {}
    for record in entries.to_dict("records"):
        cells.setdefault((int(record["pos"]), record["column"]), []).append(record)
    return _grant_findings(ctx, check, list(cells), [message(records) for records in cells.values()])


def _ids(records: list[dict]) -> list[str]:
    """The distinct identifiers of a cell's funder entries, in order."""
    return list(dict.fromkeys(record["id"] for record in records))


def _commissioner_ids(ctx: Context) -> pd.Series | None:
    """commissioners.org_id (non-empty), where commissioners.csv passed its schema."""
    if not _has(ctx, {"commissioners": ("org_id",)}):
        return None
    return ctx.tables["commissioners"]["org_id"].dropna().astype(str)


def check_funder_prefix(ctx: Context, check: Check) -> list[Finding]:
    """DQT FundingOrgUnrecognisedPrefix: a funder's identifier (a co-funder's, or a commissioner's
    own org_id) that starts with no org-id.guide prefix, nor 360G."""
    found = []
    if _has(ctx, {"grants": ("co_funders",)}):
        co = _co_funders(ctx)
        bad = co[~_recognised(co["id"]).to_numpy()]
        found += _per_grant(ctx, check, bad, lambda cell: (
            f"{_listed(_ids(cell))} in co_funders {'does' if len(_ids(cell)) == 1 else 'do'} not start with a prefix "
            "listed on org-id.guide "
            "(expected each co-funder's identifier from its register, such as GB-CHC-1123456 for a charity or "
            "GB-COH-08123456 for a company: the 360Giving export lists co-funders as funders)"))
    ids = _commissioner_ids(ctx)
    if ids is not None:
        for i in ids.index[~_recognised(ids).to_numpy()]:
            found.append(_finding(ctx, check, "commissioners", int(i) + 2, "org_id",
                                  f"{show(ids[i])} does not start with a prefix listed on org-id.guide (expected "
                                  "an identifier from a register, such as GB-LAE-EXB for a council or GB-NHS-QKK "
                                  "for an NHS body: a commissioner with an org_id other than the council's is the "
                                  "funder of its grants in the 360Giving export)"))
    return found


def _charity_number_ok(numbers: pd.Series) -> pd.Series:
    """DQT's charity-number test: 6 or 7 characters that Python's int() reads (so spaces around, a sign
    and underscores between digits pass, as there)."""
    digits = numbers.str.fullmatch(r"\s*[+-]?\d+(?:_\d+)*\s*").fillna(False).astype(bool)
    return numbers.str.len().isin([6, 7]).fillna(False).astype(bool) & digits


def _company_number_ok(numbers: pd.Series) -> pd.Series:
    """DQT's company-number test: re.match(r"^\\w{8}$") (which lets one line break follow)."""
    return numbers.str.fullmatch(r"\w{8}\n?").fillna(False).astype(bool)


def _invalid_ids(ids: pd.Series) -> pd.Series:
    """DQT OrganizationIdLooksInvalid: GB-CHC- (any case) then a number DQT's charity test refuses, or
    GB-COH- then one its company test refuses; and DQT OrganizationIdUnexpectedChars: a line break (here
    any space: commissioners.org_id has no pattern). The reason for each flagged id; empty where fine."""
    upper = ids.str.upper()
    rest = ids.str.slice(7)
    charity = upper.str.startswith("GB-CHC-").fillna(False)
    company = upper.str.startswith("GB-COH-").fillna(False) & ~charity
    reason = pd.Series("", index=ids.index, dtype=object)
    reason[charity & ~_charity_number_ok(rest)] = "charity"
    reason[company & ~_company_number_ok(rest)] = "company"
    reason[ids.str.contains(r"\s", regex=True).fillna(False).astype(bool)] = "space"
    return reason


def _invalid_message(org_id: str, kind: str) -> str:
    if kind == "space":
        return (f"{show(org_id)} contains a space or line break (expected an identifier without spaces, such as "
                "GB-NHS-QKK: 360Giving's tools leave out a grant whose funder's identifier has a line break)")
    if kind == "charity":
        return (f"{show(org_id)} has a charity number {show(org_id[7:])} that is not 6 or 7 digits (expected a "
                "Charity Commission number, such as GB-CHC-1123456)")
    return (f"{show(org_id)} has a company number {show(org_id[7:])} that is not 8 letters or digits (expected a "
            "Companies House number, such as GB-COH-08123456 or GB-COH-SC123456)")


def check_funder_id_invalid(ctx: Context, check: Check) -> list[Finding]:
    """DQT OrganizationIdLooksInvalid, for funders (recipients: registration-number, in checks.py)."""
    found = []
    if _has(ctx, {"grants": ("co_funders",)}):
        co = _co_funders(ctx).copy()
        co["reason"] = _invalid_ids(co["id"]).to_numpy()
        bad = co[co["reason"] != ""]
        found += _per_grant(ctx, check, bad, lambda cell: "; ".join(
            _invalid_message(org_id, kind) for org_id, kind in {r["id"]: r["reason"] for r in cell}.items()))
    ids = _commissioner_ids(ctx)
    if ids is not None:
        reasons = _invalid_ids(ids)
        for i in reasons.index[(reasons != "").to_numpy()]:
            found.append(_finding(ctx, check, "commissioners", int(i) + 2, "org_id", _invalid_message(ids[i], reasons[i])))
    return found


def check_funder_360g(ctx: Context, check: Check) -> list[Finding]:
    """DQT FundingOrg360GPrefix: a funder's identifier that starts 360G (any case)."""
    advice = ("a 360G- identifier is one a publisher makes up, for funders with no register's identifier: "
              "360Giving's data quality tool asks for the register's where there is one")
    found = []
    if _has(ctx, {"grants": ("co_funders",)}):
        co = _co_funders(ctx)
        bad = co[co["id"].str.lower().str.startswith("360g").to_numpy()]
        found += _per_grant(ctx, check, bad, lambda cell: (
            f"{_listed(_ids(cell))} in co_funders {'starts' if len(_ids(cell)) == 1 else 'start'} with 360G (expected "
            f"the co-funder's identifier from its register, such as GB-CHC-1123456, where it has one: {advice})"))
    ids = _commissioner_ids(ctx)
    if ids is not None:
        for i in ids.index[ids.str.lower().str.startswith("360g").to_numpy()]:
            found.append(_finding(ctx, check, "commissioners", int(i) + 2, "org_id",
                                  f"{show(ids[i])} starts with 360G (expected the commissioner's identifier from "
                                  f"its register, such as GB-NHS-QKK, where it has one: {advice})"))
    return found


def _funders_shown(entries: list[tuple[str, str]]) -> str:
    return ", ".join(f"{name} ({org_id})" for name, org_id in entries)


def check_several_funders(ctx: Context, check: Check) -> list[Finding]:
    """DQT MoreThanOneFundingOrg (a file with more than one funder identifier): here, each grant whose
    funders in the export are more than the council alone."""
    council, council_name = ctx.config.publisher_org_id, ctx.config.publisher_name
    co = _co_funders(ctx) if _has(ctx, {"grants": ("co_funders",)}) else _co_funders_none()
    other = _other_funders(ctx)
    frame = ctx.tables["grants"]
    main_id = np.full(len(frame), council, dtype=object)
    main_name = np.full(len(frame), council_name, dtype=object)
    main_id[other["pos"].to_numpy(dtype=int)] = other["id"].to_numpy()
    main_name[other["pos"].to_numpy(dtype=int)] = other["name"].to_numpy()
    adds = co[co["id"].to_numpy() != main_id[co["pos"].to_numpy(dtype=int)]] if len(co) else co
    adds = adds.drop_duplicates(["pos", "id"])  # the export lists each funder once
    by_grant: dict[int, list[tuple[str, str]]] = {}
    for pos, name, org_id in zip(adds["pos"].tolist(), adds["name"].tolist(), adds["id"].tolist()):
        by_grant.setdefault(int(pos), []).append((name, org_id))
    flagged = sorted(set(by_grant) | set(other["pos"].astype(int).tolist()))
    co_funders = frame["co_funders"].to_numpy(dtype=object) if "co_funders" in frame.columns else None
    department = frame["department_id"].to_numpy(dtype=object) if "department_id" in frame.columns else None
    cells, messages = [], []
    for pos in flagged:
        funders = [(main_name[pos], main_id[pos])] + by_grant.get(pos, [])
        if pos in by_grant:
            cells.append((pos, "co_funders"))
            messages.append(
                f"{show(_value(co_funders[pos]))} makes {len(funders)} funders of the grant in the 360Giving export: "
                f"{_funders_shown(funders)} (expected the council alone, unless the grant really has several "
                "funders: then this is fine; 360Giving's data quality tool notes every file with more than one funder)")
        else:
            cells.append((pos, "department_id"))
            messages.append(
                f"{show(_value(department[pos]))} is {main_name[pos]} ({main_id[pos]}), a funder other than the council, "
                f"which the 360Giving export lists as the grant's funder (expected only when it, not {council_name}, "
                "made the grant: then this is fine; otherwise give the commissioner the council's org_id in "
                "commissioners.csv, or none)")
    return _grant_findings(ctx, check, cells, messages)


def _co_funders_none() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in FUNDER_COLUMNS})


def check_funder_names(ctx: Context, check: Check) -> list[Finding]:
    """DQT MultiFundingNamesForOrgId and MultiFundingOrgIdsForName: across the file, one funder
    identifier under several names, or one name under several identifiers. The first seen wins (the
    council first, then the grants in file order, each grant's funders in the export's order); each
    later name or identifier that differs is flagged, where it is."""
    co = _co_funders(ctx) if _has(ctx, {"grants": ("co_funders",)}) else _co_funders_none()
    council = pd.DataFrame({"pos": [-1], "order": [0], "name": [ctx.config.publisher_name],
                            "id": [ctx.config.publisher_org_id], "column": [None]})
    parts = [council] + [part for part in (_other_funders(ctx), co) if len(part)]
    entries = pd.concat(parts, ignore_index=True)
    entries["pos"] = entries["pos"].astype(int)
    entries = entries.sort_values(["pos", "order"], kind="mergesort").reset_index(drop=True)
    first_name = entries.groupby("id", sort=False)["name"].transform("first")
    first_id = entries.groupby("name", sort=False)["id"].transform("first")
    first_at = {("id", k): int(v) for k, v in entries.groupby("id", sort=False)["pos"].first().items()}
    first_at |= {("name", k): int(v) for k, v in entries.groupby("name", sort=False)["pos"].first().items()}
    entries["other_name"] = (entries["name"] != first_name).to_numpy()
    entries["other_id"] = (entries["id"] != first_id).to_numpy()
    entries["first_name"], entries["first_id"] = first_name.to_numpy(), first_id.to_numpy()
    bad = entries[entries["other_name"] | entries["other_id"]]

    def where(kind: str, key: str) -> str:
        pos = first_at[kind, key]
        return "the council's, in config.yml" if pos < 0 else f"grants.csv row {pos + 2}"

    def message(cell: list[dict]) -> str:
        said = []
        for entry in cell:
            if entry["other_name"]:
                said.append(f"the identifier {entry['id']} is named {show(entry['name'])} here but "
                            f"{show(entry['first_name'])} first ({where('id', entry['id'])})")
            if entry["other_id"]:
                said.append(f"the funder {show(entry['name'])} has the identifier {entry['id']} here but "
                            f"{entry['first_id']} first ({where('name', entry['name'])})")
        return (f"{'; '.join(dict.fromkeys(said))} (expected one name for each funder identifier and one identifier "
                "for each funder name: correct whichever is wrong, here or where it first appears)")

    return _per_grant(ctx, check, bad, message)


# --- dates ------------------------------------------------------------------------------------

# DQT FarFuturePlannedDates and FarFutureActualDates: (which dates, their columns in DQT's order, years).
FAR_FUTURE = (("planned", ("planned_start_date", "planned_end_date"), 12),
              ("actual", ("actual_start_date", "actual_end_date"), 5))
# DQT FarPastDates, in DQT's order.
FAR_PAST_COLUMNS = ("award_date", "planned_start_date", "planned_end_date", "actual_start_date", "actual_end_date")
FAR_PAST_YEARS = 25


def _first_flagged(frame: pd.DataFrame, columns, test) -> list[tuple[int, str]]:
    """(row, column) of the first of `columns` whose date passes `test`, per grant (DQT flags one date a grant)."""
    done = pd.Series(False, index=frame.index)
    flagged = []
    for column in (c for c in columns if c in frame.columns):
        mask = test(frame[column]).fillna(False).astype(bool) & ~done
        done |= mask
        flagged += [(row, column) for row in _rows(mask)]
    return sorted(flagged)


def check_far_future(ctx: Context, check: Check) -> list[Finding]:
    """Planned dates more than 12 years after today, actual dates more than 5: the first such date of a
    grant for each (DQT compares a date's midnight with the time now, so "more than" is "after the day")."""
    frame = ctx.tables["grants"]
    found = []
    for kind, columns, years in FAR_FUTURE:
        limit = _years(ctx.today, years)
        note = "; actual dates are when the work really started and ended" if kind == "actual" else ""
        for row, column in _first_flagged(frame, columns, lambda dates: dates > pd.Timestamp(limit)):
            found.append(_finding(
                ctx, check, "grants", row, column,
                f"{show(_text(frame.at[row - 2, column]))} is more than {years} years from today (expected {kind} "
                f"dates no later than {limit:%Y-%m-%d}: check the year{note})"))
    return found


def check_far_past(ctx: Context, check: Check) -> list[Finding]:
    """An award, planned or actual date 25 years or more before today: the first of a grant's (DQT's
    "less than now minus 25 years" with the time of day: the day 25 years ago is already before it)."""
    frame = ctx.tables["grants"]
    limit = _years(ctx.today, -FAR_PAST_YEARS)
    return [
        _finding(ctx, check, "grants", row, column,
                 f"{show(_text(frame.at[row - 2, column]))} is {FAR_PAST_YEARS} years ago or more (expected a date "
                 f"after {limit:%Y-%m-%d}: check the year)")
        for row, column in _first_flagged(frame, FAR_PAST_COLUMNS, lambda dates: dates <= pd.Timestamp(limit))
    ]


# --- organisations --------------------------------------------------------------------------

# The organisation types that are registered with the Charity Commission or Companies House, and the
# number each should give (DQT NoRecipientOrgCompanyCharityNumber). Community benefit societies (FCA
# register), unregistered groups, individuals, NHS bodies, local authorities and schools have neither.
REGISTERED_TYPES = {
    "registered charity": "charity_number",
    "charitable incorporated organisation": "charity_number",
    "company limited by guarantee": "company_number",
    "private limited company": "company_number",
    "community interest company": "company_number",
}
NUMBERED_PREFIXES = ("GB-CHC-", "GB-COH-", "GB-SC-", "GB-NIC-")  # an org_id that is a registration number
REGISTER_EXAMPLES = {"charity_number": "its Charity Commission number, such as 1123456",
                     "company_number": "its Companies House number, such as 08123456"}


def check_registration_given(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["organisations"]
    expected = frame["organisation_type"].map(REGISTERED_TYPES)
    missing = (expected.notna() & frame["charity_number"].isna() & frame["company_number"].isna()
               & ~frame["org_id"].str.upper().str.startswith(NUMBERED_PREFIXES).fillna(False))
    found = []
    for column in ("charity_number", "company_number"):
        rows = _rows(missing & (expected == column))
        kinds = frame["organisation_type"]
        found += _findings(ctx, check, "organisations", rows, column, lambda pos, column=column: (
            f"no charity_number or company_number is given for {_a(kinds[pos])} (expected "
            f"{REGISTER_EXAMPLES[column]}, or an org_id from its register, such as "
            f"{'GB-CHC-1123456' if column == 'charity_number' else 'GB-COH-08123456'}: 360Giving's data quality "
            "tool notes recipients with neither number)"))
    return sorted(found, key=lambda f: f.row)


def check_recipient_location(ctx: Context, check: Check) -> list[Finding]:
    """DQT IncompleteRecipientOrg and BeneficiaryButNotRecipientGeoData: a grant recipient with no
    location (the export gives its ward). Organisations based in the area are no-ward's; those based
    outside it cannot have one of the area's wards, so only those not saying where they are based are here."""
    if not _has(ctx, {"grants": ("recipient_org_id",)}):
        return []
    frame = ctx.tables["organisations"]
    recipient = frame["org_id"].isin(set(ctx.tables["grants"]["recipient_org_id"].dropna())).fillna(False)
    wards = ctx.tables.get("wards")
    such_as = f", such as {wards['ward_name'].iloc[0]}" if wards is not None and len(wards) else ""
    rows = _rows(recipient & ~_is_individual(ctx, frame["org_id"]) & frame["ward"].isna()
                 & frame["based_in_borough"].isna())
    return _findings(ctx, check, "organisations", rows, "ward",
                     "no ward is given for a grant recipient, nor whether it is based in the area (expected its ward"
                     f"{such_as}, and based_in_borough yes, when it is in the area; otherwise based_in_borough no: "
                     "the 360Giving export gives a recipient's ward, or the council's district, as its location)")


# --- grants -----------------------------------------------------------------------------------


def check_beneficiary_ward(ctx: Context, check: Check) -> list[Finding]:
    """DQT NoBeneficiaryLocation and RecipientGeoDataButNoBeneficiary: a grant (not to an individual, whose
    ward the export never gives) with no beneficiary ward."""
    frame = ctx.tables["grants"]
    if "beneficiary_ward" not in frame.columns:
        return []
    wards = ctx.tables.get("wards")
    such_as = f", such as {wards['ward_name'].iloc[0]}" if wards is not None and len(wards) else ""
    rows = _rows(frame["beneficiary_ward"].isna() & ~_is_individual(ctx, frame["recipient_org_id"]))
    return _findings(ctx, check, "grants", rows, "beneficiary_ward",
                     f"no beneficiary ward is given (expected the ward the grant benefits{such_as}; a grant for the "
                     "whole area has none, which is fine: the 360Giving export then gives no beneficiary location)")


TITLE_LONGEST = 140  # characters: 360Giving's recommended longest title


def check_long_title(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["grants"]
    lengths = frame["title"].str.len()
    return _findings(ctx, check, "grants", _rows(lengths > TITLE_LONGEST), "title", lambda pos: (
        f"{show(frame.at[pos, 'title'])} is {int(lengths[pos]):,} characters long (expected a title of at most "
        f"{TITLE_LONGEST} characters, as 360Giving recommends: move the detail to the description)"))


def check_last_modified(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["grants"]
    if "last_modified" not in frame.columns:
        return []
    return _findings(ctx, check, "grants", _rows(frame["last_modified"].isna()), "last_modified",
                     "no last_modified date is given (expected the date the grant's record last changed, such as "
                     "2025-05-02: the 360Giving export gives it as dateModified)")


def check_data_source(ctx: Context, check: Check) -> list[Finding]:
    """DQT NoDataSource: the export's dataSource is the grant's data_source, else site.url, else
    publisher.website (publisher_website: read with a default, for a Config without it)."""
    frame = ctx.tables["grants"]
    if "data_source" not in frame.columns or getattr(ctx.config, "site_url", "") \
            or getattr(ctx.config, "publisher_website", ""):
        return []
    return _findings(ctx, check, "grants", _rows(frame["data_source"].isna()), "data_source",
                     "no data_source is given, and config.yml sets neither site.url nor publisher.website (expected "
                     "the address where the grant is published, which the 360Giving export gives as dataSource: set "
                     "site.url or publisher.website once for every grant, or data_source for this one)")


def check_planned_dates(ctx: Context, check: Check) -> list[Finding]:
    """DQT PlannedDurationNotPresent: a grant without both planned dates (we hold no duration)."""
    frame = ctx.tables["grants"]
    start, end = frame["planned_start_date"].isna(), frame["planned_end_date"].isna()
    found = _findings(ctx, check, "grants", _rows(start & end), "planned_start_date",
                      "no planned start or end date is given (expected the dates the funded work is planned to start "
                      "and end, such as 2025-04-01 and 2026-03-31: the 360Giving export gives them as plannedDates)")
    for column, other in (("planned_start_date", "planned_end_date"), ("planned_end_date", "planned_start_date")):
        missing = frame[column].isna() & frame[other].notna()
        found += _findings(ctx, check, "grants", _rows(missing), column,
                           f"no {column} is given, though the {other} is (expected both planned dates, such as "
                           f"{ctx.res('grants').field(column).get('example', '2025-04-01')}: the 360Giving export "
                           "gives them as plannedDates)")
    return sorted(found, key=lambda f: f.row)


# --- wards ------------------------------------------------------------------------------------


def _district_codes(ctx: Context) -> dict[str, str]:
    """{name_key(ward name): its code} for the council's area in the ONS lookup (read once a run)."""
    if "district_codes" not in ctx.cache:
        wards = ons.district_wards(ctx.config.area)
        ctx.cache["district_codes"] = {ons.name_key(name): code for name, code in wards.items()}
    return ctx.cache["district_codes"]


def check_ward_code_given(ctx: Context, check: Check) -> list[Finding]:
    """DQT BeneficiaryLocationNameButNoCode: a ward that grants or organisations use, with no ons_code
    (the export's beneficiaryLocation then has a name and no geoCode)."""
    if not _has(ctx, {"wards": ("ward_name", "ons_code")}):
        return []
    frame = ctx.tables["wards"]
    uses = []
    if _has(ctx, {"grants": ("beneficiary_ward",)}):
        uses.append(("grants", ctx.tables["grants"]["beneficiary_ward"].value_counts()))
    if _has(ctx, {"organisations": ("ward",)}):
        uses.append(("organisations", ctx.tables["organisations"]["ward"].value_counts()))
    district = _district_codes(ctx)
    found = []
    for row in _rows(frame["ons_code"].isna()):
        ward = str(frame.at[row - 2, "ward_name"])
        counts = [f"{int(c[ward]):,} {dataset if c[ward] != 1 else dataset[:-1]}" for dataset, c in uses if ward in c]
        if not counts:
            continue
        code = district.get(ons.name_key(ward))
        which = f"{code} in ONS's {ons.ONS_WARDS_YEAR} ward lookup" if code else "such as E05011095"
        found.append(_finding(
            ctx, check, "wards", row, "ons_code",
            f"{show(ward)} has no ons_code, but {' and '.join(counts)} name it (expected its ONS ward code, {which}: the 360Giving "
            "export gives a ward's code only from wards.csv, and 360Giving's data quality tool notes a location with "
            "a name but no code)", example=code))
    return found


def check_ward_code_known(ctx: Context, check: Check) -> list[Finding]:
    """An ons_code that is not in the ONS ward lookup, or is there under another name."""
    if not _has(ctx, {"wards": ("ward_name", "ons_code")}):
        return []
    frame = ctx.tables["wards"]
    known = ons.codes()
    district = _district_codes(ctx)
    found = []
    for row in _rows(frame["ons_code"].notna()):
        ward, code = str(frame.at[row - 2, "ward_name"]), str(frame.at[row - 2, "ons_code"])
        right = district.get(ons.name_key(ward))
        expected = f"{right}, its code in the lookup" if right and right != code else "the ward's own code"
        if code not in known:
            message = (f"{show(code)} is not a ward code in ONS's {ons.ONS_WARDS_YEAR} ward lookup (expected {expected}; "
                       "a ward created since then is not in the lookup: check the code with ONS)")
        elif ons.name_key(ward) not in {ons.name_key(name) for name in known[code]}:
            message = (f"{show(code)} is the ONS code of {' / '.join(known[code])}, not of {show(ward)} (expected "
                       f"{expected}, as ONS's {ons.ONS_WARDS_YEAR} ward lookup gives it)")
        else:
            continue
        found.append(_finding(ctx, check, "wards", row, "ons_code", message, example=right))
    return found


# --- text -------------------------------------------------------------------------------------

# What the imports write where they removed personal data (imports/giving360.py, imports/contracts_values.py).
REMOVED_MARKERS = ("[e-mail address removed]", "[telephone number removed]", "[name removed]")


def check_removed_by_import(ctx: Context, check: Check) -> list[Finding]:
    """Text where an import removed personal data: each place, so that the council can check the words
    around it still read well."""
    found = []
    for dataset, column, cells in _free_text(ctx, check):
        values = cells.values
        array = cells.arrow() if len(values) > ARROW_FROM else False
        if array is not False:
            import pyarrow.compute as pc

            values = values[pc.match_substring(array, "removed]").to_numpy(zero_copy_only=False)]
        else:
            values = values[values.str.contains("removed]", regex=False).fillna(False).astype(bool)]
        for i, text in values.items():
            markers = [m for m in REMOVED_MARKERS if m in text]
            if markers:
                found.append(_finding(
                    ctx, check, dataset, int(i) + 2, column,
                    f"contains {_listed(markers)}, which an import wrote where it took out personal data (expected "
                    "words that read well without it: reword the sentence and remove the marker)"))
    return found


# --- registration -----------------------------------------------------------------------------

CHECKS_360: list[Check] = [
    Check("funder-id-prefix", ("grants", "commissioners"), WARNING,
          "Funders' identifiers (co-funders, commissioners' own org_id) use a prefix listed on org-id.guide",
          check_funder_prefix),
    Check("funder-id-invalid", ("grants", "commissioners"), WARNING,
          "Funders' identifiers have no spaces, and GB-CHC and GB-COH ones hold a charity or company number of "
          "the register's form",
          check_funder_id_invalid),
    Check("funder-360g-id", ("grants", "commissioners"), WARNING,
          "Funders' identifiers come from a register, not a made-up 360G- identifier", check_funder_360g),
    Check("several-funders", ("grants",), WARNING,
          "Grants with a funder other than the council (co-funders, or a commissioner of its own) are meant to be",
          check_several_funders),
    Check("funder-names", ("grants",), WARNING,
          "Each funder has one name and one identifier throughout", check_funder_names),
    Check("far-future-date", ("grants",), WARNING,
          "Planned dates are at most 12 years ahead and actual dates at most 5", check_far_future),
    Check("far-past-date", ("grants",), WARNING, "Grant dates are less than 25 years ago", check_far_past),
    Check("no-registration-number", ("organisations",), WARNING,
          "Registered charities and companies give their charity or company number", check_registration_given),
    Check("no-recipient-location", ("organisations",), WARNING,
          "Grant recipients give their ward, or say they are based outside the area", check_recipient_location),
    Check("no-beneficiary-ward", ("grants",), WARNING,
          "Grants name the ward they benefit (not for grants to individuals)", check_beneficiary_ward),
    Check("long-title", ("grants",), WARNING, "Grant titles are at most 140 characters", check_long_title),
    Check("no-last-modified", ("grants",), WARNING, "Grants give the date they last changed", check_last_modified),
    Check("no-data-source", ("grants",), WARNING,
          "Grants say where they are published (data_source, or site.url or publisher.website in config.yml)",
          check_data_source),
    Check("no-planned-dates", ("grants",), WARNING, "Grants give planned start and end dates", check_planned_dates),
    Check("ward-without-code", ("wards",), WARNING, "Wards that grants or organisations name have an ONS code",
          check_ward_code_given),
    Check("ward-code-unknown", ("wards",), WARNING,
          "Wards' ONS codes are in ONS's ward lookup, under the ward's name", check_ward_code_known),
    Check("removed-by-import", ("grants", "organisations", "contracts"), WARNING,
          "Text where an import removed an email address, telephone number or name reads well", check_removed_by_import),
]
