"""Local Government Transparency Code 2015: the contracts register and the annual list of
grants to voluntary and community sector (VCS) organisations, as CSV.

CSV files written by ``write_csv`` (the published copies of these two lists):

- UTF-8 **with** a byte-order mark. These lists are meant to be opened in Excel, which reads
  UTF-8 without a BOM as a legacy Windows encoding (so "£" and accented names break); with a
  BOM it reads them correctly, and pandas, Python's csv module (``encoding="utf-8-sig"``) and
  Frictionless all skip it. (The dataset downloads, by contrast, are the validated source files,
  which have no BOM.)
- Comma-separated, a header row of plain column titles, lines ending CRLF as RFC 4180 says
  (which also makes Python's csv module quote a value holding a lone carriage return); a value
  is in double quotes only when it holds a comma, a quote or a line break.
- Dates ``YYYY-MM-DD``; money as plain numbers in pounds (``1200.5``, ``170100``: no ``£``, no
  thousands separators, no trailing ``.0``); yes/no columns ``yes`` or ``no``; a missing value is
  an empty cell.
- Formula policy: a spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` (and,
  in some programs, a tab or carriage return) as a formula, so a text such as
  ``=HYPERLINK(...)`` in a title could run when the file is opened. Every **text** cell that
  starts with one of ``= + - @``, a tab or a carriage return is written with a single quote
  ``'`` in front (``=SUM(A1)`` -> ``'=SUM(A1)``), which spreadsheets show as text. Numbers and
  dates are never prefixed (a negative amount stays ``-5``); nothing else is changed. A
  program reading the file as data sees the quote, so it is applied only to these published
  lists, never to the validated source files.

The Code's contract fields (Part 2, "Contracts", for every contract, commissioned activity,
purchase order, framework agreement or other legally enforceable agreement with a value over
£5,000) and where each comes from:

==============================================================  =================================================
the Code asks for                                               column (our field)
==============================================================  =================================================
reference number                                                Reference number (contract_id)
title of agreement                                              Title of agreement (title)
local authority department responsible                          Department responsible (commissioner's name)
description of the goods and/or services being provided         Description of goods and/or services (description)
supplier name and details                                       Supplier name (organisation's name),
                                                                Supplier identifier (org_id, an org-id.guide id)
sum to be paid over the length of the contract, or the          Total value of contract (£) (total_value_gbp),
estimated annual spending or budget                             Estimated annual value (£) (annual_value_gbp)
Value Added Tax that cannot be recovered                        VAT that cannot be recovered (£) (vat_not_recoverable_gbp)
start, end and review dates                                     Start date, End date, Review date
whether the contract was the result of an invitation to         Procurement process (procurement_route, our
quote or a published invitation to tender                       exact words: the data records the procedure,
                                                                not a yes/no, so none is derived)
whether the supplier is an SME and/or a VCS organisation,       Supplier is an SME, Supplier is a VCS
and where it is, the relevant registration number               organisation (is_sme, is_vcs: yes/no),
                                                                Supplier registration number (see below)
==============================================================  =================================================

"Value" for the £5,000 threshold is the total value of the contract: a contract is listed when
``total_value_gbp`` is more than 5000 (exactly £5,000 is not). The registration number is the
charity number for a VCS organisation that has one, otherwise the company number, otherwise the
charity number; empty for unregistered groups, NHS bodies and schools.

The Code's VCS grants list (Part 2, "Grants to voluntary, community and social enterprise
organisations"; published annually) asks for: date awarded, time period, department which
awarded it, beneficiary, beneficiary's registration number, summary of its purpose, and amount.
``vcs_grants`` gives all of these (the time period as the planned start and end dates), plus the
grant's identifier, title and programme.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..data.checks import FORMULA_START
from ..model.dates import financial_year
from ..model.values import missing, records
from .columns import formula_safe, iso_dates, number_text, write_csv_columns

THRESHOLD_GBP = 5000  # the Code: contracts with a value that exceeds £5,000

CONTRACT_COLUMNS = [
    "Reference number",
    "Title of agreement",
    "Description of goods and/or services",
    "Department responsible",
    "Supplier name",
    "Supplier identifier",
    "Supplier registration number",
    "Supplier is an SME",
    "Supplier is a VCS organisation",
    "Procurement process",
    "Start date",
    "End date",
    "Review date",
    "Total value of contract (£)",
    "Estimated annual value (£)",
    "VAT that cannot be recovered (£)",
]

GRANT_COLUMNS = [
    "Grant identifier",
    "Date awarded",
    "Grant period start",
    "Grant period end",
    "Department which awarded the grant",
    "Beneficiary",
    "Beneficiary identifier",
    "Beneficiary registration number",
    "Title",
    "Summary of the purpose of the grant",
    "Grant programme",
    "Amount (£)",
]


# --- helpers --------------------------------------------------------------------


def registration_number(org: pd.Series | dict | None) -> str | None:
    """The number the Code asks for: a VCS organisation's charity number if it has one,
    otherwise its company number, otherwise its charity number; None if it has neither."""
    if org is None:
        return None
    charity = None if missing(org.get("charity_number")) else str(org.get("charity_number"))
    company = None if missing(org.get("company_number")) else str(org.get("company_number"))
    vcs = not missing(org.get("is_vcs")) and bool(org.get("is_vcs"))
    if vcs and charity:
        return charity
    return company or charity


def _lookup(frame: pd.DataFrame, key: str) -> dict[str, dict]:
    return {str(row[key]): row for row in records(frame)}


def _name_of(commissioners: dict, commissioner_id) -> str | None:
    if missing(commissioner_id):
        return None
    row = commissioners.get(str(commissioner_id))
    return str(row["name"]) if row is not None else str(commissioner_id)


def _text_series(values) -> pd.Series:
    return pd.Series(values, dtype="string")


def _names_of(commissioners: dict, ids: pd.Series) -> list:
    """_name_of for each id, worked out once per distinct id."""
    codes, uniques = pd.factorize(ids)  # missing ids: code -1
    names = np.array([_name_of(commissioners, u) for u in uniques] + [None], dtype=object)
    return names[codes].tolist()


def _latest_organisations(organisations: pd.DataFrame) -> pd.DataFrame:
    """The last row of each org_id (as a dict by org_id keeps), indexed by the id as text."""
    keys = organisations["org_id"].astype(str)
    latest = ~keys.duplicated(keep="last")
    rows = organisations[latest.to_numpy()]
    rows.index = keys[latest].to_numpy()
    return rows


def _organisations_of(organisations: pd.DataFrame, ids: pd.Series,
                      latest: pd.DataFrame | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """The organisations row of each id (the last row of an id, as a dict by org_id keeps),
    aligned with `ids`, and which ids have one. `latest`: _latest_organisations, when made already."""
    rows = _latest_organisations(organisations) if latest is None else latest
    wanted = ids.astype(str).to_numpy()
    found = pd.Index(rows.index).get_indexer(wanted)
    return rows.iloc[np.where(found < 0, 0, found)].reset_index(drop=True) if len(rows) else \
        pd.DataFrame(index=range(len(wanted)), columns=rows.columns), found >= 0


def _registration_numbers(rows: pd.DataFrame, found: np.ndarray) -> list:
    """registration_number of each row (None where `found` is false), column by column."""
    def text(name):
        if name not in rows:
            return pd.Series([pd.NA] * len(rows), dtype="string")
        column = rows[name].reset_index(drop=True)
        return column.astype("string").where(column.notna().to_numpy(), pd.NA)

    charity, company = text("charity_number"), text("company_number")
    vcs = (rows["is_vcs"].astype("boolean").fillna(False).to_numpy(dtype=bool) if "is_vcs" in rows
           else np.zeros(len(rows), dtype=bool))
    has_charity = charity.notna().to_numpy() & (charity.fillna("").str.len() > 0).to_numpy()
    has_company = company.notna().to_numpy() & (company.fillna("").str.len() > 0).to_numpy()
    chosen = np.where(vcs & has_charity, charity.to_numpy(dtype=object),
                      np.where(has_company, company.to_numpy(dtype=object), charity.to_numpy(dtype=object)))
    return [None if (not ok or v is pd.NA) else v for v, ok in zip(chosen.tolist(), found.tolist())]


def _yes_nos(rows: pd.DataFrame, name: str, found: np.ndarray) -> list:
    values = rows[name].astype("boolean").reset_index(drop=True)
    text = np.where(values.fillna(False).to_numpy(dtype=bool), "yes", "no").astype(object)
    text[values.isna().to_numpy() | ~found] = None
    return text.tolist()


# --- the contracts register --------------------------------------------------------


def contracts_register(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The Code's contracts register: every contract whose total value is more than £5,000,
    in the contracts table's order, one column per Code field (see the module docstring).
    Text columns are pandas strings, dates datetime64, money floats, yes/no flags "yes"/"no"."""
    contracts = tables["contracts"]
    listed = contracts[contracts["total_value_gbp"].astype("float64") > THRESHOLD_GBP]
    rows, found = _organisations_of(tables["organisations"], listed["supplier_org_id"])
    commissioners = _lookup(tables["commissioners"], "commissioner_id")
    names = rows["name"].reset_index(drop=True).astype(object).where(found, None).tolist()
    frame = pd.DataFrame({
        "Reference number": _text_series(listed["contract_id"].tolist()),
        "Title of agreement": _text_series(listed["title"].tolist()),
        "Description of goods and/or services": _text_series(listed["description"].tolist()),
        "Department responsible": _text_series(_names_of(commissioners, listed["commissioner_id"])),
        "Supplier name": _text_series(names),
        "Supplier identifier": _text_series(listed["supplier_org_id"].tolist()),
        "Supplier registration number": _text_series(_registration_numbers(rows, found)),
        "Supplier is an SME": _text_series(_yes_nos(rows, "is_sme", found)),
        "Supplier is a VCS organisation": _text_series(_yes_nos(rows, "is_vcs", found)),
        "Procurement process": _text_series(listed["procurement_route"].tolist()),
        "Start date": pd.to_datetime(listed["start_date"].to_numpy()),
        "End date": pd.to_datetime(listed["end_date"].to_numpy()),
        "Review date": pd.to_datetime(listed["review_date"].to_numpy()),
        "Total value of contract (£)": listed["total_value_gbp"].astype("float64").to_numpy(),
        "Estimated annual value (£)": listed["annual_value_gbp"].astype("float64").to_numpy(),
        "VAT that cannot be recovered (£)": (listed["vat_not_recoverable_gbp"].astype("float64").to_numpy()
                                             if "vat_not_recoverable_gbp" in listed else math.nan),
    })
    return frame[CONTRACT_COLUMNS]


# --- grants to VCS organisations ------------------------------------------------------


def _year_bounds(year: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", str(year))
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"{year!r} is not a financial year (expected one like 2024-25)")
    start = int(match[1])
    return pd.Timestamp(start, 4, 1), pd.Timestamp(start + 1, 3, 31)


def years_with_grants(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The financial years that have at least one grant (by award date), oldest first."""
    dates = tables["grants"]["award_date"].dropna().unique()
    return sorted({financial_year(d) for d in dates})


def vcs_grants(tables: dict[str, pd.DataFrame], year: str) -> pd.DataFrame:
    """The Code's annual list of grants to VCS organisations for the financial year ``year``
    (like "2024-25": awarded from 1 April 2024 to 31 March 2025 inclusive, by award date):
    every grant whose recipient has is_vcs yes, in the grants table's order."""
    return next(vcs_grants_by_year(tables, [year]))[1]


def vcs_grants_by_year(tables: dict[str, pd.DataFrame], years: list[str]):
    """(year, vcs_grants(tables, year)) for each of `years` in turn, one frame at a time: the
    VCS organisations and their grants are found once for all the years."""
    bounds = [_year_bounds(year) for year in years]  # a year that is not one fails before any work
    if not years:
        return
    grants = tables["grants"]
    organisations = tables["organisations"]
    commissioners = _lookup(tables["commissioners"], "commissioner_id")
    latest_rows = _latest_organisations(organisations)  # the last row of an id, as a dict by org_id keeps
    vcs_ids = set(latest_rows.index[latest_rows["is_vcs"].astype("boolean").fillna(False).to_numpy(dtype=bool)])
    by_vcs = grants[grants["recipient_org_id"].astype(str).isin(vcs_ids).to_numpy()]
    awarded = by_vcs["award_date"]
    for year, (first, last) in zip(years, bounds):
        chosen = by_vcs[((awarded >= first) & (awarded <= last)).to_numpy()]
        rows, found = _organisations_of(organisations, chosen["recipient_org_id"], latest_rows)
        yield year, _vcs_frame(chosen, rows, found, commissioners)


def _vcs_frame(chosen: pd.DataFrame, rows: pd.DataFrame, found: np.ndarray, commissioners: dict) -> pd.DataFrame:
    """The list's columns for the grants `chosen`, with their recipients' organisations rows."""
    def column(name):
        return chosen[name].tolist() if name in chosen else [None] * len(chosen)

    frame = pd.DataFrame({
        "Grant identifier": _text_series(column("grant_id")),
        "Date awarded": pd.to_datetime(chosen["award_date"].to_numpy()),
        "Grant period start": pd.to_datetime(chosen["planned_start_date"].to_numpy()),
        "Grant period end": pd.to_datetime(chosen["planned_end_date"].to_numpy()),
        "Department which awarded the grant": _text_series(
            _names_of(commissioners, chosen["department_id"]) if "department_id" in chosen else [None] * len(chosen)),
        "Beneficiary": _text_series(rows["name"].reset_index(drop=True).tolist()),
        "Beneficiary identifier": _text_series(column("recipient_org_id")),
        "Beneficiary registration number": _text_series(_registration_numbers(rows, found)),
        "Title": _text_series(column("title")),
        "Summary of the purpose of the grant": _text_series(column("description")),
        "Grant programme": _text_series(column("programme")),
        "Amount (£)": chosen["amount_awarded"].astype("float64").to_numpy(),
    })
    return frame[GRANT_COLUMNS]


# --- CSV -------------------------------------------------------------------------


def _number(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    text = repr(value)
    return format(Decimal(text), "f") if "e" in text or "E" in text else text


def _cell(value) -> str:
    if missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_START) else value
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return _number(float(value))
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _column_cells(series: pd.Series) -> pa.Array:
    """_cell on every value of a column, column by column (Arrow) for the column types the
    lists have (text, dates, numbers, yes/no); other columns cell by cell."""
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        return pc.fill_null(formula_safe(pa.array(series, type=pa.string())), "")
    if pd.api.types.is_datetime64_dtype(dtype):
        return pc.fill_null(iso_dates(pa.array(series)), "")
    if pd.api.types.is_float_dtype(dtype) and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return pc.fill_null(number_text(pa.array(series, type=pa.float64()), _number), "")
    if pd.api.types.is_bool_dtype(dtype):
        return pc.fill_null(pc.if_else(pa.array(series, type=pa.bool_()), "yes", "no"), "")
    return pa.array([_cell(v) for v in series.tolist()], pa.string())


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as a CSV for spreadsheets: UTF-8 with a BOM, dates YYYY-MM-DD, money as
    plain numbers, and text cells that a spreadsheet would run as a formula prefixed with ``'``
    (the policy is in the module docstring). The bytes are those of csv.writer (CRLF) over
    ``_cell`` of every value, written column by column."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = [_column_cells(frame.iloc[:, i]) for i in range(frame.shape[1])]
    with path.open("wb") as handle:
        handle.write(b"\xef\xbb\xbf")
        write_csv_columns(handle, [_cell(str(c)) for c in frame.columns], columns, "\r\n")
