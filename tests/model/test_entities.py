"""Entities' row positions, totals and figures by year, against a plain computation of each
entity on its own (the way the model was first written): the model computes every kind at once."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from conftest import tables_of

from generator.model.dates import financial_year_range, financial_years
from generator.model.entities import _positions, build_entities

FUNDING = {  # kind: (contracts' column, grants' column, intentions' column)
    "organisation": ("supplier_org_id", "recipient_org_id", None),
    "commissioner": ("commissioner_id", "department_id", "commissioner_id"),
    "client-group": ("client_group", None, "client_group"),
    "programme": (None, "programme", None),
    "ward": (None, "beneficiary_ward", None),
}


def plain(values: np.ndarray, years: list[str] | None, rows: np.ndarray) -> tuple[float, dict[str, float]]:
    """The total as numpy sums the rows' values, and each year's sum added in row order
    (`years`: each row's financial year; None: no figures by year)."""
    by_year: dict[str, float] = {}
    for row in rows.tolist() if years is not None else []:
        if years[row][:1].isdigit():  # a row with no financial year counts only in the total
            by_year[years[row]] = by_year.get(years[row], 0.0) + float(values[row])
    return (float(values[rows].sum()) if len(rows) else 0.0), by_year


@pytest.fixture(scope="module")
def tables(small_data):
    """The small sample, with one organisation given nine grants whose sum differs when added
    pairwise (as numpy does from 8 values) and in order, and another given three such grants."""
    tables = tables_of(small_data)
    grants = tables["grants"]
    big, small = grants["recipient_org_id"].iloc[0], grants["recipient_org_id"].iloc[-1]
    grants.loc[grants.index[:9], "recipient_org_id"] = big
    grants.loc[grants.index[:9], "amount_awarded"] = [1e16, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 3.0]
    grants.loc[grants.index[-3:], "recipient_org_id"] = small
    grants.loc[grants.index[-3:], "amount_awarded"] = [1e16, 1.0, 1.0]
    return tables


def test_totals_and_years_are_each_entitys_own_sums(tables):
    entities = build_entities({name: frame.copy() for name, frame in tables.items()})
    values = {"contracts": tables["contracts"]["total_value_gbp"].to_numpy(dtype=float, na_value=0.0),
              "grants": tables["grants"]["amount_awarded"].to_numpy(dtype=float, na_value=0.0),
              "intentions": tables["commissioning_intentions"]["estimated_value_gbp"].to_numpy(dtype=float, na_value=0.0)}
    years = {"contracts": financial_years(tables["contracts"]["start_date"]).tolist(),
             "grants": financial_years(tables["grants"]["award_date"]).tolist()}
    every_year = financial_year_range(set(years["contracts"]) | set(years["grants"]))
    checked = 0
    for kind, columns in FUNDING.items():
        for entity in entities.by_kind[kind].values():
            span: dict[str, list[float]] = {}
            for what, column, frame in zip(("contracts", "grants", "intentions"), columns,
                                           ("contracts", "grants", "commissioning_intentions")):
                rows = (np.flatnonzero((tables[frame][column].astype(str) == entity.key).to_numpy())
                        if column else np.array([], dtype=np.int64))
                assert getattr(entity, what).tolist() == rows.tolist(), (kind, entity.key, what)
                total, by_year = plain(values[what], years.get(what), rows)
                assert repr(getattr(entity, f"{what}_total")) == repr(total), (kind, entity.key, what)
                for year, value in by_year.items():
                    span.setdefault(year, [0.0, 0.0])[what == "grants"] += value
            if not span:
                assert (entity.by_year, entity.empty_years) == ([], ()), (kind, entity.key)
                continue
            shown = every_year[every_year.index(min(span)):every_year.index(max(span)) + 1]
            assert repr(entity.by_year) == repr([(y, *span.get(y, (0.0, 0.0))) for y in shown]), (kind, entity.key)
            assert entity.empty_years == tuple(y for y in shown if y not in span)
            checked += 1
    assert checked > 30


def test_an_organisations_total_is_numpys_sum_and_its_year_the_sum_in_order(tables):
    """Nine grants: numpy adds them pairwise, and in order each 1.0 is lost on 1e16, so the two
    differ. Fewer than eight: numpy adds them in order."""
    entities = build_entities({name: frame.copy() for name, frame in tables.items()})
    grants = tables["grants"]
    big = entities.get("organisation", grants["recipient_org_id"].iloc[0])
    small = entities.get("organisation", grants["recipient_org_id"].iloc[-1])
    nine = np.array([1e16, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 3.0])
    in_order = 0.0
    for value in nine.tolist():
        in_order += value
    assert nine.sum() != in_order  # the case is a real one
    amounts = grants["amount_awarded"].to_numpy()
    assert len(big.grants) >= 9 and big.grants_total == float(amounts[big.grants].sum())
    small_in_order = 0.0
    for value in amounts[small.grants].tolist():
        small_in_order += value
    assert 3 <= len(small.grants) < 8 and small.grants_total == small_in_order


def test_positions_are_in_row_order_by_first_appearance():
    column = pd.Series(["b", "a", None, "b", "c", "a", "b"], dtype="string")
    got = _positions(column)
    assert list(got) == ["b", "a", "c"]
    assert {k: v.tolist() for k, v in got.items()} == {"b": [0, 3, 6], "a": [1, 5], "c": [4]}
    shuffled = column.set_axis([6, 5, 4, 3, 2, 1, 0])  # an index out of order: positions still sorted
    assert {k: v.tolist() for k, v in _positions(shuffled).items()} == {"b": [0, 3, 6], "a": [1, 5], "c": [2]}
    assert _positions(pd.Series([None, None], dtype="string")) == {}


def test_a_year_far_back_costs_no_memory_per_entity(small_data):
    """Figures by year are made for the years each entity has rows in, never as a table of every
    entity by every year of the data: one grant dated 1700 (an error the council checks report
    while the model is made) must not cost memory for every organisation and each year since."""
    tables = tables_of(small_data)
    n = 5000  # organisations, each given one grant
    orgs = tables["organisations"].iloc[np.arange(n) % len(tables["organisations"])].reset_index(drop=True)
    orgs["org_id"] = pd.array([f"GB-TEST-{i}" for i in range(n)], dtype="string")
    grants = tables["grants"].iloc[np.arange(n) % len(tables["grants"])].reset_index(drop=True)
    grants["grant_id"] = pd.array([f"G-{i}" for i in range(n)], dtype="string")
    grants["recipient_org_id"] = orgs["org_id"]
    tables.update(organisations=orgs, grants=grants, funding_outcomes=tables["funding_outcomes"].iloc[:0])

    def peak(frames) -> tuple[int, object]:
        tracemalloc.start()
        try:
            made = build_entities({name: frame.copy() for name, frame in frames.items()})
            return tracemalloc.get_traced_memory()[1], made
        finally:
            tracemalloc.stop()

    near, _ = peak(tables)
    tables["grants"] = grants.copy()
    tables["grants"].loc[0, "award_date"] = pd.Timestamp("1700-06-01")
    far, entities = peak(tables)
    assert far - near < 10_000_000  # a table of 5,000 organisations by 327 years: over 100 MB
    first = entities.get("organisation", "GB-TEST-0")
    assert first.by_year[0] == ("1700-01", 0.0, float(grants["amount_awarded"].iloc[0])) and len(first.by_year) == 1
    assert len(entities.get("organisation", "GB-TEST-1").by_year) == 1
