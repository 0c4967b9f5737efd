"""The sample's contract KPIs (generator/sample/kpis.py): from a random generator of their own, so every
other file is the same with or without them; the bundled file is what the generator writes; and at any
size the KPIs are valid, with at least three KPIs and a rated period for every contract under the Act."""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd
import pytest

from conftest import sample_data
from generator.config import PROJECT_DIR
from generator.data.checks_kpis import RATINGS, under_the_act
from generator.data.stage import check_data
from generator.findings import ERROR
from generator.sample import generate as sample
from generator.sample import kpis as sample_kpis
from generator.sample.vocabulary import REFERENCE_DATE


def test_bundled_kpis_are_what_the_sample_generator_writes(tmp_path):
    sample.generate(tmp_path, grants=1600, seed=2016)
    assert (tmp_path / "contract_kpis.csv").read_bytes() == (PROJECT_DIR / "data" / "contract_kpis.csv").read_bytes()


def test_kpis_leave_every_other_sample_file_as_it_was(tmp_path, monkeypatch):
    with_kpis, without = tmp_path / "with", tmp_path / "without"
    sample.generate(with_kpis, grants=3000, seed=11)
    monkeypatch.setattr(sample, "_contract_kpis", lambda *args: pd.DataFrame(columns=["contract_id"]))
    sample.generate(without, grants=3000, seed=11)
    names = sorted(p.name for p in without.glob("*.csv") if p.name != "contract_kpis.csv")
    assert len(names) == 12
    for name in names:
        assert (with_kpis / name).read_bytes() == (without / name).read_bytes(), name


def test_the_bundled_kpis_cover_the_contracts_over_5_million_running_since_the_act():
    contracts = pd.read_csv(PROJECT_DIR / "data" / "contracts.csv", dtype=str, keep_default_na=False)
    kpis = pd.read_csv(PROJECT_DIR / "data" / "contract_kpis.csv", dtype=str, keep_default_na=False)
    big = contracts[(contracts["total_value_gbp"].astype(float) > 5_000_000) & (contracts["end_date"] >= "2025-04-01")
                    & (contracts["start_date"] <= REFERENCE_DATE)]
    assert sorted(set(kpis["contract_id"])) == sorted(big["contract_id"]) and len(big) == 10
    counts = kpis.groupby("contract_id")["kpi_id"].nunique()
    assert counts.min() >= 3 and counts.max() <= 5
    assert set(kpis["rating"]) - {""} == set(RATINGS)
    # One rating per KPI and period: Good exactly when the result meets the target (numeric KPIs).
    numeric = kpis[(kpis["result_value"] != "") & (kpis["target_value"] != "")]
    lower = numeric["target"].str.startswith("No more than")
    result, target = numeric["result_value"].astype(float), numeric["target_value"].astype(float)
    met = (result >= target).where(~lower, result <= target)
    assert ((numeric["rating"] == "Good") == met).all()
    # Rated once over and published, by the reference date; the current period not yet assessed.
    rated = kpis[kpis["rating"] != ""]
    assert (rated["period_end"] < rated["published"]).all() and (rated["published"] <= REFERENCE_DATE).all()
    assert (kpis.loc[kpis["rating"] == "", "published"] == "").all()


@pytest.mark.parametrize(("grants", "seed"), [(1, 1), (6000, 3)])
def test_sample_kpis_of_any_size_are_valid(tmp_path, config, monkeypatch, grants, seed):
    """Every contract under the Act has three KPIs or more and a rated period, however late in the sample's
    time it starts (its first period is then a month): no kpis-missing error, even a year after the
    reference date."""
    later = dt.date.fromisoformat(REFERENCE_DATE) + dt.timedelta(days=400)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(calendar.timegm(later.timetuple())))
    data = sample_data(tmp_path, grants=grants, seed=seed)
    found, _, tables = check_data(data, config)
    assert [str(f) for f in found if f.severity == ERROR and f.code.startswith("kpi")] == []
    act = tables["contracts"][under_the_act(tables["contracts"])]
    kpis = tables["contract_kpis"]
    if grants > 1:
        assert len(act) > 0
    for contract_id in act["contract_id"]:
        mine = kpis[kpis["contract_id"] == contract_id]
        assert mine["kpi_id"].nunique() >= 3 and mine["rating"].notna().any(), contract_id


def test_a_contract_under_the_act_starting_late_gets_a_first_month():
    ref = sample_kpis._day(REFERENCE_DATE)
    start = sample_kpis._day("2026-09-30")
    periods = sample_kpis._periods(start, start + 1000, True, ref)
    assert [(sample_kpis._iso(a), sample_kpis._iso(b)) for a, b in periods] == [
        ("2026-09-30", "2026-10-29"), ("2026-10-30", "2026-12-29")]
    before = sample_kpis._periods(sample_kpis._day("2019-05-12"), sample_kpis._day("2026-05-11"), False, ref)
    assert [(sample_kpis._iso(a), sample_kpis._iso(b)) for a, b in before] == [
        ("2025-04-01", "2025-06-30"), ("2025-07-01", "2025-09-30"), ("2025-10-01", "2025-12-31"),
        ("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-05-11")]
