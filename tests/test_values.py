"""What counts as a missing value, the same in every stage (generator/model/values.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from generator.model.values import blank, missing


@pytest.mark.parametrize("value", [None, pd.NA, pd.NaT, float("nan"), np.float64("nan"), np.float32("nan"),
                                   np.datetime64("NaT"), np.timedelta64("NaT"), Decimal("NaN")])
def test_missing(value):
    assert missing(value) and blank(value)


@pytest.mark.parametrize("value", [0, 0.0, "", " ", "x", False, np.float32(1), np.datetime64("2024-01-02"),
                                   Decimal("1.5"), dt.date(2024, 1, 2), pd.Timestamp("2024-01-02")])
def test_not_missing(value):
    assert not missing(value)
    assert blank(value) == (isinstance(value, str) and not value.strip())
