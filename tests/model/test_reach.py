"""Who the grants reach (generator/model/reach.py): the first-time flag and the per-year figures on tiny
tables, worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from generator.model.reach import INDIVIDUALS, NOT_RECORDED, first_time, grants_reach


def grants(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["grant_id", "recipient_org_id", "award_date", "amount_awarded"])
    frame["award_date"] = pd.to_datetime(frame["award_date"])
    return frame


GRANTS = grants([
    ("G1", "A", "2022-05-01", 1000.0),   # 2022-23: the data's first year
    ("G2", "B", "2023-01-10", 3000.0),
    ("G3", "A", "2023-06-01", 500.0),    # 2023-24: A again
    ("G4", "C", "2023-06-01", 2000.0),   # C's first
    ("G5", "C", "2023-06-01", 1500.0),   # the same day: also C's first
    ("G6", "P", "2024-02-01", 250.0),    # an individual, first
    ("G7", "D", "2024-03-31", 750.0),    # D's first, the last day of 2023-24
    ("G8", "B", "2025-04-01", 100.0),    # 2025-26; nothing in 2024-25
])

ORGS = pd.DataFrame({
    "org_id": ["A", "B", "C", "D", "P"],
    "organisation_type": ["registered charity", "unregistered community group", "registered charity",
                          "community interest company", "individual"],
    "income_band": ["small", "micro", None, "small", None],
    "led_by": ["DEI010100;DEI090000", None, "DEI090000", None, None],
    "serving": [None, None, None, None, None],
})


def test_first_time_is_first_in_the_data():
    assert first_time(GRANTS).tolist() == [True, True, False, True, True, True, True, False]
    # Order does not matter, only the award dates.
    shuffled = GRANTS.sample(frac=1, random_state=3)
    assert first_time(shuffled).to_dict() == first_time(GRANTS).to_dict()


def test_first_time_needs_a_recipient_and_a_date():
    frame = grants([("G1", None, "2024-01-01", 10.0), ("G2", "A", None, 10.0), ("G3", "A", "2024-01-01", 10.0)])
    assert first_time(frame).tolist() == [False, False, True]


def rows(table) -> list[tuple]:
    return [(r.category, r.grants, r.amount, round(r.share_grants, 4), round(r.share_amount, 4)) for r in table]


def test_figures_by_year():
    reach = grants_reach({"grants": GRANTS, "organisations": ORGS})
    assert [y.year for y in reach.years] == ["2022-23", "2023-24", "2024-25", "2025-26"]
    assert reach.first_year == "2022-23"
    assert (reach.size_recorded, reach.led_by_recorded, reach.serving_recorded) == (True, True, False)
    first, second, empty, last = reach.years
    assert (first.grants, first.amount, first.first_time) == (2, 4000.0, None)  # not measured in the first year
    assert (second.grants, second.amount) == (5, 5000.0)
    # 2023-24: G3 (A, returning), G4 and G5 (C, first), G6 (P, an individual, first), G7 (D, first).
    assert rows(second.first_time) == [("first-time", 4, 4500.0, 0.8, 0.9), ("returning", 1, 500.0, 0.2, 0.1)]
    assert rows(second.by_size) == [
        ("micro", 0, 0.0, 0.0, 0.0), ("small", 2, 1250.0, 0.4, 0.25), ("medium", 0, 0.0, 0.0, 0.0),
        ("large", 0, 0.0, 0.0, 0.0), ("major", 0, 0.0, 0.0, 0.0), ("super-major", 0, 0.0, 0.0, 0.0),
        (NOT_RECORDED, 2, 3500.0, 0.4, 0.7), (INDIVIDUALS, 1, 250.0, 0.2, 0.05)]
    # A is led by two communities and is counted under each.
    assert rows(second.led_by) == [
        ("DEI010100", 1, 500.0, 0.2, 0.1), ("DEI090000", 3, 4000.0, 0.6, 0.8), (NOT_RECORDED, 1, 750.0, 0.2, 0.15),
        (INDIVIDUALS, 1, 250.0, 0.2, 0.05)]
    assert rows(second.serving) == [(NOT_RECORDED, 4, 4750.0, 0.8, 0.95), (INDIVIDUALS, 1, 250.0, 0.2, 0.05)]
    assert (empty.grants, empty.amount) == (0, 0.0)  # a year with none is there, at zero
    assert rows(last.first_time) == [("first-time", 0, 0.0, 0.0, 0.0), ("returning", 1, 100.0, 1.0, 1.0)]
    assert rows(last.by_size)[0] == ("micro", 1, 100.0, 1.0, 1.0)
    assert INDIVIDUALS not in [r.category for r in last.by_size]  # only in a year with grants to individuals


def test_no_grants_no_figures():
    assert grants_reach({"grants": GRANTS.iloc[:0], "organisations": ORGS}) is None


@pytest.mark.parametrize("missing", ["income_band", "led_by"])
def test_nothing_recorded(missing):
    orgs = ORGS.copy()
    orgs[missing] = None
    reach = grants_reach({"grants": GRANTS, "organisations": orgs})
    assert (reach.size_recorded, reach.led_by_recorded) == (missing != "income_band", missing != "led_by")
    table = reach.years[1].by_size if missing == "income_band" else reach.years[1].led_by
    assert [r.grants for r in table if r.category not in (NOT_RECORDED, INDIVIDUALS)] == \
        [0] * (6 if missing == "income_band" else 0)
    assert [r.grants for r in table if r.category == NOT_RECORDED] == [4]


def test_a_grant_without_a_known_recipient_is_not_recorded():
    """A grant with no recipient (or one the organisations do not list) has no size or DEI codes: it is
    "not recorded", never given another organisation's (P, the last, is an individual)."""
    frame = grants([("G1", None, "2023-06-01", 10.0), ("G2", "Z", "2023-06-01", 30.0), ("G3", "A", "2023-06-01", 60.0)])
    year = grants_reach({"grants": frame, "organisations": ORGS}).years[0]
    assert rows(year.by_size) == [("micro", 0, 0.0, 0.0, 0.0), ("small", 1, 60.0, 0.3333, 0.6),
                                  *[(band, 0, 0.0, 0.0, 0.0) for band in ("medium", "large", "major", "super-major")],
                                  (NOT_RECORDED, 2, 40.0, 0.6667, 0.4)]
    assert rows(year.led_by) == [("DEI010100", 1, 60.0, 0.3333, 0.6), ("DEI090000", 1, 60.0, 0.3333, 0.6),
                                 (NOT_RECORDED, 2, 40.0, 0.6667, 0.4)]


def test_an_organisation_without_an_org_id_lends_no_codes():
    """(Validation requires org_id; called directly.) Its codes go to no grant, not to the grants whose
    recipient the organisations lack."""
    orgs = pd.DataFrame({"org_id": ["A", None], "organisation_type": ["registered charity"] * 2,
                         "income_band": [None, None], "led_by": [None, "DEI010100"], "serving": [None, None]})
    frame = grants([("G1", "A", "2023-06-01", 10.0), ("G2", "Z", "2023-06-01", 30.0)])
    year = grants_reach({"grants": frame, "organisations": orgs}).years[0]
    assert rows(year.led_by) == [(NOT_RECORDED, 2, 40.0, 1.0, 1.0)]
