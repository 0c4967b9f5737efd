"""Checks stage: council rules a Table Schema cannot express.

Each check looks at the typed tables and returns findings with a severity:
error (blocks publishing) or warning (published, and listed in the build output).
"""

from __future__ import annotations

import pandas as pd

from .config import Config
from .findings import ERROR, WARNING, Finding, show
from .validate import DataPackage, sort_findings


def _rows(mask: pd.Series) -> list[int]:
    """DataFrame positions to spreadsheet row numbers (the header is row 1)."""
    return [int(i) + 2 for i in mask[mask.fillna(False)].index]


def _date(value) -> str:
    return value.strftime("%Y-%m-%d")


def check_date_order(tables, package, dataset, start, end) -> list[Finding]:
    frame, res = tables[dataset], package.resource(dataset)
    bad = frame[end] < frame[start]
    return [
        Finding(res.shown, row, end, "end-before-start",
                f"{show(_date(frame.at[row - 2, end]))} is before the {start} {show(_date(frame.at[row - 2, start]))} "
                f"(expected {end} on or after {start})", dataset=dataset)
        for row in _rows(bad)
    ]


def check_annual_value(tables, package) -> list[Finding]:
    frame, res = tables["contracts"], package.resource("contracts")
    bad = frame["annual_value_gbp"] > frame["total_value_gbp"]
    return [
        Finding(res.shown, row, "annual_value_gbp", "annual-exceeds-total",
                f"{show(frame.at[row - 2, 'annual_value_gbp'])} is more than the total value "
                f"{show(frame.at[row - 2, 'total_value_gbp'])} (expected an annual value no larger than the total)",
                dataset="contracts")
        for row in _rows(bad)
    ]


def check_positive(tables, package, dataset, column) -> list[Finding]:
    frame, res = tables[dataset], package.resource(dataset)
    return [
        Finding(res.shown, row, column, "not-positive",
                f"{show(frame.at[row - 2, column])} is not more than zero (expected an amount above £0)", dataset=dataset)
        for row in _rows(frame[column] <= 0)
    ]


def check_grant_prefix(tables, package, config: Config) -> list[Finding]:
    frame, res = tables["grants"], package.resource("grants")
    bad = ~frame["grant_id"].str.startswith(config.grant_id_prefix)
    return [
        Finding(res.shown, row, "grant_id", "grant-id-prefix",
                f"{show(frame.at[row - 2, 'grant_id'])} does not start with the council's 360Giving prefix "
                f"(expected {config.grant_id_prefix} then a reference)", dataset="grants")
        for row in _rows(bad)
    ]


def check_funding_outcomes(tables, package) -> list[Finding]:
    frame, res = tables["funding_outcomes"], package.resource("funding_outcomes")
    found = []
    both = frame["contract_id"].notna() & frame["grant_id"].notna()
    neither = frame["contract_id"].isna() & frame["grant_id"].isna()
    for row in _rows(both):
        found.append(Finding(res.shown, row, "grant_id", "one-of",
                             "both a contract and a grant are given (expected one or the other: use two rows)",
                             dataset="funding_outcomes"))
    for row in _rows(neither):
        found.append(Finding(res.shown, row, "contract_id", "one-of",
                             "neither a contract nor a grant is given (expected one of them)", dataset="funding_outcomes"))
    key = ["contract_id", "grant_id", "outcome_id"]
    duplicated = frame.duplicated(subset=key, keep="first")
    for row in _rows(duplicated):
        found.append(Finding(res.shown, row, None, "duplicate",
                             "this row repeats an earlier row (expected each funding and outcome pair once)",
                             dataset="funding_outcomes"))
    return found


def check_periods(tables, package) -> list[Finding]:
    frame, res = tables["measurements"], package.resource("measurements")
    years = frame["period"].str.slice(0, 7)
    first = pd.to_numeric(years.str.slice(0, 4))
    second = pd.to_numeric(years.str.slice(5, 7))
    bad = (first + 1) % 100 != second
    return [
        Finding(res.shown, row, "period", "financial-year",
                f"{show(frame.at[row - 2, 'period'])} is not a financial year (expected two consecutive years, "
                f"such as 2024-25 or 2024-25 Q1)", dataset="measurements")
        for row in _rows(bad)
    ]


def check_review_date(tables, package) -> list[Finding]:
    frame, res = tables["contracts"], package.resource("contracts")
    bad = frame["review_date"] > frame["end_date"]
    return [
        Finding(res.shown, row, "review_date", "review-after-end",
                f"{show(_date(frame.at[row - 2, 'review_date']))} is after the end date "
                f"{show(_date(frame.at[row - 2, 'end_date']))} (expected a review before the contract ends)",
                severity=WARNING, dataset="contracts")
        for row in _rows(bad)
    ]


def run_checks(tables: dict[str, pd.DataFrame], package: DataPackage, config: Config) -> list[Finding]:
    found: list[Finding] = []
    found += check_date_order(tables, package, "contracts", "start_date", "end_date")
    found += check_date_order(tables, package, "grants", "planned_start_date", "planned_end_date")
    found += check_annual_value(tables, package)
    found += check_positive(tables, package, "contracts", "total_value_gbp")
    found += check_positive(tables, package, "grants", "amount_awarded")
    found += check_grant_prefix(tables, package, config)
    found += check_funding_outcomes(tables, package)
    found += check_periods(tables, package)
    found += check_review_date(tables, package)
    return sorted(sort_findings(found, package), key=lambda f: f.severity != ERROR)
