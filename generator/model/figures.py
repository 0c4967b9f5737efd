"""Figures: what the home page and the year pages show, computed from the typed tables.

Nothing here formats or renders; site/pages.py turns these plain values into pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .dates import (
    financial_year,
    financial_year_end,
    financial_year_range,
    financial_years,
    previous_financial_year,
)


@dataclass
class YearFigures:
    year: str
    grants_count: int = 0
    grants_total: float = 0.0
    grant_recipients: int = 0
    longer_term_total: float = 0.0
    short_term_total: float = 0.0
    unstated_term_total: float = 0.0  # grants whose funding type is not stated
    contracts_count: int = 0
    contracts_total: float = 0.0
    share_vcs: float | None = None  # share of grants + contracts value, 0..1
    share_sme: float | None = None
    share_in_borough: float | None = None
    # shares of the value paid to organisations whose flag is not stated (empty in organisations.csv)
    unstated_vcs: float = 0.0
    unstated_sme: float = 0.0
    unstated_in_borough: float = 0.0
    complete: bool = True  # the year had ended by the last date in the data
    grants_covered: bool = True  # the grants data covers this year

    @property
    def total(self) -> float:
        return self.grants_total + self.contracts_total

    @property
    def empty(self) -> bool:
        """No contracts or grants recorded in the year (a year inside the data's range)."""
        return self.grants_count == 0 and self.contracts_count == 0


@dataclass
class Model:
    as_of: dt.date  # the latest award or start date in the data
    latest_year: str  # the latest complete financial year
    years: list[str]  # every financial year from the first in the data to the latest, oldest first (none skipped)
    by_year: dict[str, YearFigures] = field(default_factory=dict)

    @property
    def headline(self) -> YearFigures | None:
        """The latest complete year's figures; None when there are no contracts or grants yet."""
        return self.by_year.get(self.latest_year)

    @property
    def previous(self) -> YearFigures | None:
        return self.by_year.get(previous_financial_year(self.latest_year))


def year_figures(year: str, grants: pd.DataFrame, contracts: pd.DataFrame, orgs: pd.DataFrame) -> YearFigures:
    g = grants[grants["financial_year"] == year]
    c = contracts[contracts["financial_year"] == year]
    figures = YearFigures(
        year=year,
        grants_count=len(g),
        grants_total=float(g["amount_awarded"].sum()),
        grant_recipients=int(g["recipient_org_id"].nunique()),
        longer_term_total=float(g.loc[g["funding_type"] == "longer-term", "amount_awarded"].sum()),
        short_term_total=float(g.loc[g["funding_type"] == "short-term innovation", "amount_awarded"].sum()),
        unstated_term_total=float(g.loc[g["funding_type"].isna(), "amount_awarded"].sum()),
        contracts_count=len(c),
        contracts_total=float(c["total_value_gbp"].sum()),
    )
    money = pd.concat(
        [
            g[["recipient_org_id", "amount_awarded"]].set_axis(["org_id", "value"], axis=1),
            c[["supplier_org_id", "total_value_gbp"]].set_axis(["org_id", "value"], axis=1),
        ]
    ).merge(orgs[["org_id", "is_vcs", "is_sme", "based_in_borough"]], on="org_id", how="left")
    total = money["value"].sum()
    if total > 0:
        for flag, name in (("is_vcs", "vcs"), ("is_sme", "sme"), ("based_in_borough", "in_borough")):
            known = money[flag]
            setattr(figures, f"share_{name}", float(money.loc[known.fillna(False).astype(bool), "value"].sum() / total))
            setattr(figures, f"unstated_{name}", float(money.loc[known.isna(), "value"].sum() / total))
    return figures


def build_model(tables: dict[str, pd.DataFrame]) -> Model:
    grants = tables["grants"].copy()
    contracts = tables["contracts"].copy()
    grants["financial_year"] = financial_years(grants["award_date"])
    contracts["financial_year"] = financial_years(contracts["start_date"])
    dates = pd.concat([grants["award_date"], contracts["start_date"]]).dropna()
    as_of = dates.max().date() if len(dates) else dt.date(1970, 1, 1)
    # Every year from the first to the latest, a year with nothing recorded included (as zero):
    # a year left out would put its neighbours side by side, as if the series were continuous.
    years = financial_year_range(set(grants["financial_year"]) | set(contracts["financial_year"]))
    # Years outside the grants data's range are not covered ("not in the data"); a year inside
    # it with no grants is covered, with none.
    grant_years = financial_year_range(set(grants["financial_year"]))
    by_year = {}
    for year in years:
        figures = year_figures(year, grants, contracts, tables["organisations"])
        figures.complete = financial_year_end(year) <= as_of
        figures.grants_covered = bool(grant_years) and grant_years[0] <= year <= grant_years[-1]
        by_year[year] = figures
    # The headline: the latest year that is over with something recorded in it (a year with
    # nothing has its own page saying so, but is no headline).
    complete = [y for y in years if by_year[y].complete and not by_year[y].empty]
    latest = complete[-1] if complete else (years[-1] if years else financial_year(as_of))
    return Model(as_of=as_of, latest_year=latest, years=years, by_year=by_year)


def year_breakdown(tables: dict[str, pd.DataFrame], entities, year: str) -> tuple[list[tuple], list[tuple]]:
    """A year page's tables: (client group, contracts starting, their value) and (programme,
    grants awarded, their value), each sorted by name."""
    c = tables["contracts"][entities.contract_year.to_numpy() == year]
    g = tables["grants"][entities.grant_year.to_numpy() == year]
    by_client_group = [(k, len(v), v.sum()) for k, v in c.groupby("client_group")["total_value_gbp"]]
    by_programme = [(k, len(v), v.sum()) for k, v in g.groupby("programme")["amount_awarded"]]
    return by_client_group, by_programme
