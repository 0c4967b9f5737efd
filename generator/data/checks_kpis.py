"""The council's checks on contract KPIs (contract_kpis.csv): what the Procurement Act 2023 asks of
a contract over £5 million, and whether each KPI's periods and ratings make sense.

- Section 52: before entering into a public contract with an estimated value of more than £5 million,
  the council sets at least three key performance indicators (KPIs), unless it considers that the
  supplier's performance could not appropriately be assessed by KPIs. It does not apply to light-touch
  contracts or frameworks (a framework call-off contract is a contract of its own, and is covered).
- Section 71(2): where KPIs were set, the council assesses the supplier's performance against them
  and publishes the assessment at least once every 12 months (and on termination), rated on the scale
  of the Procurement Regulations 2024, regulation 39(5): Good, Approaching target, Requires
  improvement, Inadequate, Other.

The Act applies to procurements started on or after 24 February 2025. The data does not say when a
procurement started, so a contract is taken to be under the Act when it starts on or after that date
(ACT_IN_FORCE), is worth more than £5 million (total_value_gbp) and was not let under the light-touch
regime or as a grant agreement (EXEMPT_ROUTES).

The checks are registered in checks.py (CHECKS) from KPI_CHECKS: (code, datasets, severity, title,
function). This module imports nothing from checks.py (checks.py imports it). A check's severity is
the worst it gives; some of its findings are warnings, as each title says.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..findings import ERROR, WARNING, Finding, show

RATINGS = ("Good", "Approaching target", "Requires improvement", "Inadequate", "Other")  # reg. 39(5), in order
ACT_IN_FORCE = dt.date(2025, 2, 24)  # Procurement Act 2023 in force
KPI_THRESHOLD_GBP = 5_000_000  # s.52: contracts worth more than this need KPIs
MIN_KPIS = 3
EXEMPT_ROUTES = ("light-touch regime", "grant agreement")  # s.52 does not apply (or not a public contract)
ENDED = ("ended", "terminated early")
ASSESSMENT_MONTHS = 12  # s.71(2): an assessment at least once every 12 months
PERIOD_SLACK_DAYS = 31  # a period may run a month past 12 months before it is reported
PUBLISHING_MONTHS = 3  # time to publish an assessment after its period ends, before one is reported overdue

DATASETS = ("contracts", "contract_kpis")


def _shown(value) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _day(value: pd.Timestamp) -> str:
    return value.strftime("%Y-%m-%d")


def _finding(ctx, code: str, severity: str, dataset: str, position: int, column: str, message: str) -> Finding:
    res = ctx.res(dataset)
    return Finding(res.shown, position + 2, column, code, message, severity=severity, dataset=dataset,
                   value=_shown(ctx.tables[dataset].at[position, column]),
                   example=res.field(column).get("example"))


def _ready(ctx, *datasets: str) -> bool:
    """The datasets passed their schemas (so they are loaded) and are in the package."""
    return all(d in ctx.tables for d in datasets)


def under_the_act(contracts: pd.DataFrame) -> pd.Series:
    """The contracts the Act's KPI duties apply to (see the module's docstring), as a mask."""
    route = contracts["procurement_route"] if "procurement_route" in contracts else pd.Series(pd.NA, index=contracts.index)
    return ((contracts["total_value_gbp"] > KPI_THRESHOLD_GBP)
            & (contracts["start_date"] >= pd.Timestamp(ACT_IN_FORCE))
            & ~route.isin(EXEMPT_ROUTES).fillna(False)).fillna(False).astype(bool)


def running(contracts: pd.DataFrame, today: dt.date) -> pd.Series:
    """Contracts not ended by `today` (by their end date and status)."""
    status = contracts["status"] if "status" in contracts else pd.Series(pd.NA, index=contracts.index)
    ended = (contracts["end_date"] < pd.Timestamp(today)).fillna(False) | status.isin(ENDED).fillna(False)
    return ~ended.astype(bool)


def check_kpis_missing(ctx, check) -> list[Finding]:
    """Contracts under the Act: at least three KPIs while they run (a warning); a rated period once a
    year has passed since the start, when KPIs were set (an error); and, while they run, an assessment
    in the last 12 months (a warning)."""
    if not _ready(ctx, *DATASETS):
        return []
    contracts, kpis = ctx.tables["contracts"], ctx.tables["contract_kpis"]
    today = pd.Timestamp(ctx.today)
    subject = under_the_act(contracts)
    live = running(contracts, ctx.today)
    counts = kpis.groupby("contract_id")["kpi_id"].nunique()
    rated = kpis[kpis["rating"].notna()]
    last_rated = rated.groupby("contract_id")["period_end"].max()
    found = []
    for i in contracts.index[subject.to_numpy()]:
        key = contracts.at[i, "contract_id"]
        start = contracts.at[i, "start_date"]
        n = int(counts.get(key, 0))
        last = last_rated.get(key)
        a_year_on = start + pd.DateOffset(months=ASSESSMENT_MONTHS)
        if n and last is None and today >= a_year_on:
            found.append(_finding(
                ctx, check.code, ERROR, "contracts", i, "contract_id",
                f"{show(key)} has no rated KPI period, and a year has passed since it started on {_day(start)} "
                "(expected the council's assessment of its KPIs, with a rating, at least once every 12 months: "
                "Procurement Act 2023 section 71; add the period's rows to contract_kpis.csv with their rating)"))
        elif n < MIN_KPIS and live[i]:
            found.append(_finding(
                ctx, check.code, WARNING, "contracts", i, "contract_id",
                f"{show(key)} has {n} KPI{'' if n == 1 else 's'} in contract_kpis.csv (expected at least "
                f"{MIN_KPIS} for a contract over £5 million starting on or after 24 February 2025: Procurement "
                "Act 2023 section 52, unless the council decided KPIs could not appropriately assess the "
                "supplier's performance)"))
        elif last is not None and live[i] and \
                today > last + pd.DateOffset(months=ASSESSMENT_MONTHS + PUBLISHING_MONTHS):
            found.append(_finding(
                ctx, check.code, WARNING, "contracts", i, "contract_id",
                f"{show(key)} was last rated for a period ending on {_day(last)} (expected an assessment of its "
                "KPIs at least once every 12 months while it runs: Procurement Act 2023 section 71)"))
    return found


def check_kpi_period(ctx, check) -> list[Finding]:
    """Each KPI period is real: it ends on or after its start, a rated one has ended, it lies within
    the contract's dates, it is no longer than 12 months and a month, and its assessment was published
    after it ended and not in the future."""
    if not _ready(ctx, "contract_kpis"):
        return []
    kpis = ctx.tables["contract_kpis"]
    today = pd.Timestamp(ctx.today)
    start, end, published = kpis["period_start"], kpis["period_end"], kpis["published"]
    found = []

    def add(mask, severity, column, message):
        for i in kpis.index[mask.fillna(False).astype(bool).to_numpy()]:
            found.append(_finding(ctx, check.code, severity, "contract_kpis", i, column, message(i)))

    backwards = end < start
    add(backwards, ERROR, "period_end", lambda i: (
        f"{show(_day(end[i]))} is before the period_start {show(_day(start[i]))} "
        "(expected period_end on or after period_start)"))
    add(kpis["rating"].notna() & (end > today), ERROR, "period_end", lambda i: (
        f"{show(_day(end[i]))} has not passed, but the period is rated {show(kpis.at[i, 'rating'])} (expected a "
        "rating only once the period has ended: leave rating empty until then)"))
    longest = start + pd.DateOffset(months=ASSESSMENT_MONTHS) + pd.Timedelta(days=PERIOD_SLACK_DAYS - 1)
    add(~backwards & (end > longest), WARNING, "period_end", lambda i: (
        f"{show(_day(end[i]))} ends a period of more than 12 months from {_day(start[i])} (expected a period of "
        "12 months at most: the Procurement Act 2023 asks for an assessment at least once every 12 months)"))
    add(published < end, WARNING, "published", lambda i: (
        f"{show(_day(published[i]))} is before the period it assesses ended on {_day(end[i])} (expected the date "
        "the assessment was published, after the period)"))
    add(published > today, ERROR, "published", lambda i: (
        f"{show(_day(published[i]))} is in the future (expected the date the assessment was published)"))
    if _ready(ctx, "contracts"):
        contracts = ctx.tables["contracts"].drop_duplicates("contract_id").set_index("contract_id")
        c_start = kpis["contract_id"].map(contracts["start_date"])
        c_end = kpis["contract_id"].map(contracts["end_date"])
        add(start < c_start, WARNING, "period_start", lambda i: (
            f"{show(_day(start[i]))} is before the contract {kpis.at[i, 'contract_id']} started on "
            f"{_day(c_start[i])} (expected a period within the contract's dates)"))
        add(end > c_end, WARNING, "period_end", lambda i: (
            f"{show(_day(end[i]))} is after the contract {kpis.at[i, 'contract_id']} ended on {_day(c_end[i])} "
            "(expected a period within the contract's dates)"))
    return found


def check_kpi_rating(ctx, check) -> list[Finding]:
    """A rated period has a result, and a result or a published assessment has a rating (warnings: the
    schema's enum already keeps ratings to the five of the scale)."""
    if not _ready(ctx, "contract_kpis"):
        return []
    kpis = ctx.tables["contract_kpis"]
    has_result = kpis["result_value"].notna() | kpis["result"].notna()
    rated = kpis["rating"].notna()
    found = []
    for i in kpis.index[(has_result & ~rated).to_numpy()]:
        found.append(_finding(
            ctx, check.code, WARNING, "contract_kpis", i, "rating",
            f"no rating is given for a period with a result ({_day(kpis.at[i, 'period_start'])} to "
            f"{_day(kpis.at[i, 'period_end'])}) (expected one of {', '.join(RATINGS)}, once the period is "
            "assessed)"))
    for i in kpis.index[(rated & ~has_result).to_numpy()]:
        found.append(_finding(
            ctx, check.code, WARNING, "contract_kpis", i, "rating",
            f"{show(kpis.at[i, 'rating'])} is given with no result (expected the result it rates in result_value "
            "or result)"))
    for i in kpis.index[(~rated & ~has_result & kpis["published"].notna()).to_numpy()]:
        found.append(_finding(
            ctx, check.code, WARNING, "contract_kpis", i, "published",
            f"{show(_day(kpis.at[i, 'published']))} is given for a period with no rating or result (expected "
            "the rating and result the published assessment gave)"))
    return found


KPI_CHECKS = [
    ("kpis-missing", DATASETS, ERROR,
     "Contracts over £5 million under the Procurement Act 2023 have at least three KPIs while they run (a warning), "
     "a rated KPI period within a year of their start when KPIs were set (an error), and one in the last 12 months "
     "while they run (a warning)", check_kpis_missing),
    ("kpi-period", ("contract_kpis",), ERROR,
     "KPI periods end on or after their start, a rated period has ended, and no assessment is published in the "
     "future; a period outside the contract's dates, longer than 12 months or published before it ended is a "
     "warning", check_kpi_period),
    ("kpi-rating", ("contract_kpis",), WARNING,
     "A rated KPI period has a result, and a result or a published assessment has a rating", check_kpi_rating),
]
