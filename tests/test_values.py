"""What counts as a missing value, the same in every stage (generator/model/values.py)."""

from __future__ import annotations

import datetime as dt
import warnings
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from generator.model.values import blank, missing, records


@pytest.mark.parametrize("value", [None, pd.NA, pd.NaT, float("nan"), np.float64("nan"), np.float32("nan"),
                                   np.datetime64("NaT"), np.timedelta64("NaT"), Decimal("NaN")])
def test_missing(value):
    assert missing(value) and blank(value)


@pytest.mark.parametrize("value", [0, 0.0, "", " ", "x", False, np.float32(1), np.datetime64("2024-01-02"),
                                   Decimal("1.5"), dt.date(2024, 1, 2), pd.Timestamp("2024-01-02")])
def test_not_missing(value):
    assert not missing(value)
    assert blank(value) == (isinstance(value, str) and not value.strip())


def _same(a, b) -> bool:
    """The same value of the same type (NaN equal to NaN, None, NA and NaT only to themselves)."""
    if type(a) is not type(b):
        return False
    if a is None or a is pd.NA or a is pd.NaT:
        return a is b
    return (a != a and b != b) or a == b


def test_records_are_to_dicts_records():
    """records(frame), the rows as dicts (the OCDS and Transparency Code exports, the entity and
    KPI pages): the values to_dict("records") gives, of the same types, for every kind of
    column a typed table has and some it has not (a missing text, yes/no or masked number is
    None, a numpy number a Python one, a missing date NaT)."""
    frame = pd.DataFrame({
        "text": pd.array(["a", None, "é"], dtype="string"),
        "flag": pd.array([True, None, False], dtype="boolean"),
        "count": pd.array([1, None, 3], dtype="Int64"),
        "share": pd.array([0.5, None, 2.0], dtype="Float64"),
        "amount": [1.0, float("nan"), 2.5],
        "day": pd.to_datetime(["2024-01-02", None, "2025-03-31"]),
        "whole": np.array([1, 2, 3], dtype=np.int64),
        "small": np.array([1, 2, 3], dtype=np.uint8),
        "yes": [True, False, True],
        "mixed": np.array([np.int64(3), None, pd.NA], dtype=object),
        "kind": pd.Categorical(["a", None, "b"]),
        "utc": pd.to_datetime(["2020-01-01", None, "2021-01-01"]).tz_localize("UTC"),
        "span": pd.to_timedelta([1, None, 2], unit="D"),
        "nan_text": pd.array(["a", None, "b"], dtype=pd.StringDtype("python", na_value=np.nan)),  # pandas 3's str
    }, index=[7, 3, 5])
    for part in (frame, frame.iloc[1:], frame.iloc[:0], frame[["text"]], frame[[]]):
        expected, made = part.to_dict("records"), records(part)
        assert len(made) == len(expected)
        for want, got in zip(expected, made):
            assert list(got) == list(want)
            assert all(_same(want[k], got[k]) for k in want), (want, got)
    assert records(frame)[1]["text"] is None and records(frame)[1]["day"] is pd.NaT
    assert records(frame)[1]["nan_text"] != records(frame)[1]["nan_text"]  # NaN, as to_dict gives it
    twice = pd.DataFrame([[1, "x"]], columns=["a", "a"])  # names not distinct: to_dict's own answer
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pandas: "columns are not unique, some ... omitted"
        assert records(twice) == twice.to_dict("records") == [{"a": "x"}]
