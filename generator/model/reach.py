"""Who the grants reach: for each financial year, the grants (count and money) to first-time recipients, by
the recipients' size (income band), and by the communities that lead them and that they serve (DEI codes).

First-time recipient: a grant is to a first-time recipient when its recipient has no grant with an earlier
award_date in the data. "First" is first in this data, not in the council's history: in the data's first
financial year every recipient is new to the data, so the measure starts in its second year (the first
year's figures have ``first_time`` None, "not measured"); later years look back only as far as the data goes.
Two grants to one recipient on its first day are both to a first-time recipient.

Size and DEI codes are the recipient's, from the organisations table (what the organisation declared): a
recipient with none is counted as "not recorded", and individuals apart (nothing of the kind is recorded
about them). An organisation with several DEI codes is counted under each, so those shares can add up to
more than the whole. Nothing here formats or renders (site/reach.py does).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..data import dei
from .dates import financial_year_range, financial_years

NOT_RECORDED = "not recorded"
INDIVIDUALS = "individuals"


@dataclass
class ReachRow:
    """One row of a table: grants (count and money) in a category, with their shares of the year's."""
    category: str  # what the row counts: a band, a DEI code, "first-time", NOT_RECORDED, INDIVIDUALS
    grants: int
    amount: float
    share_grants: float  # of the year's grants, 0..1
    share_amount: float  # of the year's money, 0..1


@dataclass
class YearReach:
    year: str
    grants: int
    amount: float
    first_time: list[ReachRow] | None  # first-time and returning recipients; None: not measured (first year)
    by_size: list[ReachRow] = field(default_factory=list)
    led_by: list[ReachRow] = field(default_factory=list)
    serving: list[ReachRow] = field(default_factory=list)


@dataclass
class Reach:
    years: list[YearReach]  # every financial year from the grants' first to their last, oldest first
    first_year: str  # the data's first financial year: everyone is first-time in it
    size_recorded: bool  # any organisation that received a grant has an income band
    led_by_recorded: bool  # any has led_by codes
    serving_recorded: bool  # any has serving codes


def first_time(grants: pd.DataFrame) -> pd.Series:
    """For each grant (same index): True when its recipient had no grant with an earlier award_date in the
    data; False for a grant with no recipient or no award date (nothing to compare)."""
    first_day = grants.groupby("recipient_org_id", dropna=True)["award_date"].transform("min")
    known = grants["recipient_org_id"].notna() & grants["award_date"].notna()
    return (known & (grants["award_date"] == first_day)).fillna(False).astype(bool)


def _rows(frame: pd.DataFrame, key: str, categories: list[str], total_grants: int, total_amount: float) -> list[ReachRow]:
    """Grants and money per category of column `key` (one grant may be in several rows: `frame` has a row
    per grant and category)."""
    counts = frame.groupby(key)["amount_awarded"].agg(["size", "sum"]) if len(frame) else None
    rows = []
    for category in categories:
        n, money = (int(counts.at[category, "size"]), float(counts.at[category, "sum"])) \
            if counts is not None and category in counts.index else (0, 0.0)
        rows.append(ReachRow(category, n, money, n / total_grants if total_grants else 0.0,
                             money / total_amount if total_amount else 0.0))
    return rows


def _recipients(organisations: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Per org_id: whether it is an individual, its income band and whether it has led_by and serving codes;
    and for each DEI column its (org_id, code) pairs. Nothing of the kind for individuals, whatever the data
    says."""
    orgs = organisations.drop_duplicates("org_id", keep="last").set_index("org_id", drop=False)
    individual = (orgs["organisation_type"] == "individual").fillna(False).astype(bool) \
        | orgs["org_id"].astype(str).str.contains("-IND-", regex=False)
    out = pd.DataFrame({"individual": individual}, index=orgs.index)
    band = orgs[dei.INCOME_BAND] if dei.INCOME_BAND in orgs else pd.Series(None, index=orgs.index, dtype=object)
    out["income_band"] = band.where(~individual)
    pairs = {}
    for column in dei.DEI_COLUMNS:
        values = orgs.loc[~individual, column].dropna() if column in orgs else pd.Series(dtype=object)
        codes = values.map(dei.codes).explode().dropna()
        pairs[column] = pd.DataFrame({"recipient": codes.index.astype(str), "code": codes.to_numpy()})
        out[f"has_{column}"] = out.index.isin(pairs[column]["recipient"])
    return out, pairs


def _code_rows(year_grants: pd.DataFrame, pairs: pd.DataFrame, column: str, total_grants: int,
               total_amount: float) -> list[ReachRow]:
    """Rows per DEI code declared by the year's recipients, then not recorded, then individuals."""
    coded = year_grants[["recipient", "amount_awarded"]].merge(pairs, on="recipient")
    state = pd.Series(NOT_RECORDED, index=year_grants.index)
    state[year_grants["individual"]] = INDIVIDUALS
    other = year_grants.assign(code=state)[~year_grants[f"has_{column}"]]
    both = pd.concat([coded[["code", "amount_awarded"]], other[["code", "amount_awarded"]]])
    categories = sorted(set(coded["code"])) + [NOT_RECORDED]
    if year_grants["individual"].any():
        categories.append(INDIVIDUALS)
    return _rows(both, "code", categories, total_grants, total_amount)


def grants_reach(tables: dict[str, pd.DataFrame]) -> Reach | None:
    """The figures of every financial year of the grants; None when there are no grants."""
    grants = tables["grants"]
    if not len(grants):
        return None
    recipients, pairs = _recipients(tables["organisations"])
    # Recipients by their row in `recipients` (-1: not an organisation there, or none): whole numbers
    # join and group several times as fast as the org_id text.
    position = recipients.index.get_indexer(grants["recipient_org_id"].astype(object))
    known = position >= 0
    at = np.where(known, position, 0)
    frame = pd.DataFrame({
        "recipient": position,
        "amount_awarded": grants["amount_awarded"].astype(float),
        "year": financial_years(grants["award_date"]),
        "first": first_time(grants),
    }, index=grants.index)
    for name in recipients.columns:
        values = recipients[name].to_numpy()
        if name == "income_band":
            frame[name] = np.where(known, values[at], None) if len(values) else None
        else:  # the flags: False for a recipient the organisations do not have
            frame[name] = (known & values[at].astype(bool)) if len(values) else False
    for column, found in pairs.items():  # (an organisation without an org_id is no recipient: -1, dropped)
        rows = recipients.index.get_indexer(found["recipient"])
        pairs[column] = pd.DataFrame({"recipient": rows, "code": found["code"].to_numpy()})[rows >= 0]
    frame["band"] = frame["income_band"].where(frame["income_band"].notna(), NOT_RECORDED)
    frame.loc[frame["individual"], "band"] = INDIVIDUALS
    years = financial_year_range(set(frame["year"].dropna()))
    first_year = years[0]
    band_categories = [b for b, _, _ in dei.INCOME_BANDS] + [NOT_RECORDED]
    result = []
    for year in years:
        g = frame[frame["year"] == year]
        n, money = len(g), float(g["amount_awarded"].sum())
        here = YearReach(year, n, money, None)
        if year != first_year:
            which = g.assign(kind=g["first"].map({True: "first-time", False: "returning"}))
            here.first_time = _rows(which, "kind", ["first-time", "returning"], n, money)
        here.by_size = _rows(g, "band", band_categories + ([INDIVIDUALS] if g["individual"].any() else []), n,
                             money)
        here.led_by = _code_rows(g, pairs["led_by"], "led_by", n, money)
        here.serving = _code_rows(g, pairs["serving"], "serving", n, money)
        result.append(here)
    recorded = frame[~frame["individual"]]  # the grants' recipient organisations
    return Reach(
        years=result,
        first_year=first_year,
        size_recorded=bool(recorded["income_band"].notna().any()),
        led_by_recorded=bool(recorded["has_led_by"].any()),
        serving_recorded=bool(recorded["has_serving"].any()),
    )
