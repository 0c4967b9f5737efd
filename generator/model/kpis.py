"""Contract KPIs: each contract's key performance indicators with their periods, the latest result of
each KPI, the KPIs serving each outcome, and the ratings counted by contract and financial year. (The
site formats and charts them: site/kpi_pages.py.)

A period belongs to the financial year its period_end falls in: an assessment is counted in the year the
period it rates ends. Nothing here formats or renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..data.checks_kpis import RATINGS
from .dates import financial_years


@dataclass
class Kpis:
    frame: pd.DataFrame  # contract_kpis, typed, in the file's order
    years: pd.Series  # the financial year of each row's period_end
    by_contract: dict[str, list[tuple[str, np.ndarray]]]  # contract_id -> [(kpi_id, row positions by period)]
    latest: np.ndarray  # each KPI's latest rated period (else its latest period), by contract then KPI order
    by_outcome: dict[str, np.ndarray] = field(default_factory=dict)  # outcome_id -> its KPIs' latest positions
    # One row per contract and financial year with a rated period: contract_id, year, a count per rating
    # (RATINGS), rated (their sum); ordered by year, newest first, then contract_id.
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)


def any_rated(tables: dict[str, pd.DataFrame]) -> bool:
    """The data has a rated KPI period (the Contract performance page is then published)."""
    frame = tables.get("contract_kpis")
    return frame is not None and bool(frame["rating"].notna().any())


def build_kpis(tables: dict[str, pd.DataFrame]) -> Kpis | None:
    """The KPIs of `tables`; None when the package has no contract_kpis or it has no rows."""
    frame = tables.get("contract_kpis")
    if frame is None or not len(frame):
        return None
    frame = frame.reset_index(drop=True)
    years = financial_years(frame["period_end"])
    # Each contract's KPIs in the order they first appear, each one's periods by start date.
    codes, keys = pd.factorize(pd.Series(list(zip(frame["contract_id"], frame["kpi_id"]))), sort=False)
    starts = frame["period_start"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    order = np.lexsort((starts, codes))
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    rated = frame["rating"].notna().to_numpy()
    by_contract: dict[str, list[tuple[str, np.ndarray]]] = {}
    latest = []
    for code, positions in enumerate(np.split(order, bounds)):
        contract_id, kpi_id = keys[code]
        by_contract.setdefault(contract_id, []).append((kpi_id, positions.astype(np.int64)))
        done = positions[rated[positions]]
        latest.append(int((done if len(done) else positions)[-1]))
    latest_positions = np.array(latest, dtype=np.int64)
    by_outcome: dict[str, list[int]] = {}
    outcomes = frame["outcome_id"]
    for p in latest_positions:
        if not pd.isna(outcomes.iat[p]):
            by_outcome.setdefault(outcomes.iat[p], []).append(int(p))
    return Kpis(frame=frame, years=years, by_contract=by_contract, latest=latest_positions,
                by_outcome={k: np.array(v, dtype=np.int64) for k, v in by_outcome.items()},
                summary=rating_summary(frame, years))


def rating_summary(frame: pd.DataFrame, years: pd.Series) -> pd.DataFrame:
    """The rated periods counted by contract, financial year and rating."""
    rated = frame["rating"].notna()
    table = pd.crosstab([frame.loc[rated, "contract_id"], years[rated].rename("year")], frame.loc[rated, "rating"])
    table = table.reindex(columns=list(RATINGS), fill_value=0)
    table.columns.name = None
    summary = table.reset_index()
    summary["rated"] = summary[list(RATINGS)].sum(axis=1)
    order = np.lexsort((summary["contract_id"].to_numpy(), [-int(y[:4]) for y in summary["year"]]))
    return summary.iloc[order].reset_index(drop=True)


def rating_counts_by_year(summary: pd.DataFrame) -> list[tuple[str, dict[str, int]]]:
    """Every contract's rated periods counted by rating, per financial year, newest first."""
    if summary.empty:
        return []
    totals = summary.groupby("year")[[*RATINGS, "rated"]].sum()
    return [(year, {k: int(v) for k, v in totals.loc[year].items()})
            for year in sorted(totals.index, reverse=True)]
