"""Values: what counts as missing in a typed table, the same for every stage that reads one."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd


def missing(value) -> bool:
    """None, pandas' NA and NaT, a NaN (Python's, numpy's or Decimal's) or numpy's NaT: a cell
    with no value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, (np.floating, np.datetime64, np.timedelta64, Decimal)):
        return bool(pd.isna(value))
    return False


def blank(value) -> bool:
    """Missing, or text that is empty or only white space."""
    return missing(value) or (isinstance(value, str) and not value.strip())
