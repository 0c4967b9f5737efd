"""Indicators: each outcome's measured results against their targets, and whether each target
was met. (The site formats and charts them: site/entity_pages.py.)"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

@dataclass
class IndicatorResults:
    indicator: tuple  # the indicators row (a named tuple)
    periods: list[str]  # the annual periods (YYYY-YY) of the charted area, oldest first
    values: list[float]  # their results
    targets: list[float | None] | None  # their targets; None when no period has one
    rows: list[tuple]  # (period, area, value, target, "met", "not met" or "no target"), by period
    other_areas: list[str]  # the other areas measured, by name


def target_status(value: float, target: float, higher_is_better: bool) -> str:
    """"met", "not met", or "no target" when there is none."""
    if pd.isna(target):
        return "no target"
    return "met" if (value >= target if higher_is_better else value <= target) else "not met"


def indicator_results(tables: dict[str, pd.DataFrame], outcome_id: str, area: str) -> list[IndicatorResults]:
    """The results of every indicator of an outcome, in the indicators' order. `area` is the
    council's whole area (config publisher.area): its results are charted when an indicator has
    them, else every area's."""
    ind = tables["indicators"]
    meas = tables["measurements"]
    out = []
    for row in ind[ind["outcome_id"] == outcome_id].itertuples(index=False):
        m = meas[(meas["indicator_id"] == row.indicator_id)]
        borough = m[m["area"] == area] if (m["area"] == area).any() else m
        annual = borough[borough["period"].str.fullmatch(r"\d{4}-\d{2}")].sort_values("period")
        better = bool(row.higher_is_better)
        out.append(IndicatorResults(
            indicator=row,
            periods=annual["period"].tolist(),
            values=[float(v) for v in annual["value"]],
            targets=([None if pd.isna(v) else float(v) for v in annual["target"]]
                     if annual["target"].notna().any() else None),
            rows=[(r.period, r.area, r.value, r.target, target_status(r.value, r.target, better))
                  for r in borough.sort_values("period").itertuples(index=False)],
            other_areas=sorted(set(m["area"]) - {area}),
        ))
    return out
