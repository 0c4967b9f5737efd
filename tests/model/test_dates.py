"""Financial years: April to March, named like 2024-25."""

from __future__ import annotations

import pandas as pd

from generator.model.dates import MISSING_YEAR, financial_year, financial_year_range, financial_years


def test_financial_years_name_each_date_as_financial_year_does():
    days = ["2025-03-31", None, "2025-04-01", "1999-12-31", "2000-01-01", "2099-04-01", "2025-03-31"]
    dates = pd.Series(pd.to_datetime(days), index=[5, 3, 9, 1, 2, 7, 8], name="award_date")
    years = financial_years(dates)
    assert years.tolist() == ["2024-25", MISSING_YEAR, "2025-26", "1999-00", "1999-00", "2099-00", "2024-25"]
    assert years.tolist() == [financial_year(d) if d else MISSING_YEAR for d in days]
    assert years.index.tolist() == [5, 3, 9, 1, 2, 7, 8] and years.name == "award_date" and years.dtype == object
    assert financial_year_range(set(years)) == [f"{y}-{(y + 1) % 100:02d}" for y in range(1999, 2100)]


def test_financial_years_of_no_dates_and_of_missing_dates_only():
    assert financial_years(pd.Series([], dtype="datetime64[ns]")).tolist() == []
    assert financial_years(pd.Series(pd.to_datetime([None, None]))).tolist() == [MISSING_YEAR, MISSING_YEAR]
