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



def records(frame: pd.DataFrame) -> list[dict]:
    """frame.to_dict("records"): the same dicts, with the same values of the same types (a
    missing text, yes/no or masked number is None, as to_dict makes it), made column by column,
    several times faster on a large table. The columns' names must be distinct, as they are
    in a typed table; a frame whose names are not is given to to_dict."""
    if not frame.columns.is_unique or not len(frame.columns):
        return frame.to_dict("records")
    names = list(frame.columns)
    return [dict(zip(names, row)) for row in zip(*[_natives(frame[name]) for name in names])]


def _natives(column: pd.Series) -> list:
    """A column's values as to_dict("records") gives them."""
    dtype = column.dtype
    if getattr(dtype, "na_value", None) is pd.NA and \
            isinstance(dtype, (pd.StringDtype, pd.BooleanDtype, pd.core.arrays.masked.BaseMaskedDtype)):
        return column.to_numpy(dtype=object, na_value=None).tolist()  # Python values, None where missing
    if dtype == np.dtype(object) or isinstance(dtype, pd.api.extensions.ExtensionDtype):
        from pandas.core.dtypes.cast import maybe_box_native  # what to_dict applies to such a column's values

        return list(map(maybe_box_native, column.tolist()))
    return column.tolist()  # numpy columns: Python numbers, bools, and Timestamp or NaT for datetimes
