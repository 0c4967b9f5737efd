"""Values: what counts as missing in a typed table, the same for every stage that reads one."""

from __future__ import annotations

import math

import pandas as pd


def missing(value) -> bool:
    """None, pandas' NA and NaT, or a float NaN: a cell with no value."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def blank(value) -> bool:
    """Missing, or text that is empty or only white space."""
    return missing(value) or (isinstance(value, str) and not value.strip())
