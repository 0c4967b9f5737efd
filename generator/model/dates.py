"""Dates: financial years, which run April to March and are named like 2024-25 everywhere.
(The build's own date, `today()`, is a setting: see config.py.)"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def financial_year(day) -> str:
    """The financial year (April to March) a date falls in: 2025-03-31 -> "2024-25",
    2025-04-01 -> "2025-26". `day` is a date, a datetime, a pandas Timestamp, a numpy datetime64
    or a YYYY-MM-DD string."""
    if isinstance(day, (str, np.datetime64)):
        day = pd.Timestamp(day)
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


MISSING_YEAR = "<NA>-<NA>"  # financial_years() of a missing date (not a year: financial_year_range leaves it out)


def financial_years(dates: pd.Series) -> pd.Series:
    """financial_year() of every date in a column (MISSING_YEAR for a missing one), at once: each
    distinct year is named once (15 times as fast at 1M dates as formatting every row)."""
    start = dates.dt.year.where(dates.dt.month >= 4, dates.dt.year - 1)
    codes, starts = pd.factorize(start)  # a missing date: -1, the last name below
    names = [f"{int(s)}-{(int(s) + 1) % 100:02d}" for s in starts] + [MISSING_YEAR]
    return pd.Series(np.array(names, dtype=object)[codes], index=dates.index, name=dates.name)


def financial_year_end(name: str) -> dt.date:
    return dt.date(int(name[:4]) + 1, 3, 31)


def previous_financial_year(name: str) -> str:
    start = int(name[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def financial_year_range(years) -> list[str]:
    """Every financial year from the first to the last of `years` (names like 2024-25; anything
    else, such as the name of a missing date, is left out), oldest first, with none skipped:
    ["2014-15", "2016-17"] -> ["2014-15", "2015-16", "2016-17"]."""
    starts = [int(y[:4]) for y in years if isinstance(y, str) and len(y) == 7 and y[:4].isdigit() and y[4] == "-"]
    if not starts:
        return []
    return [f"{start}-{(start + 1) % 100:02d}" for start in range(min(starts), max(starts) + 1)]
