"""The contract KPI checks (generator/data/checks_kpis.py: kpis-missing, kpi-period, kpi-rating) on small
broken copies of the sample, as exact finding tuples (file, row, column, code, severity) and text.

The small sample (40 grants, seed 7) has one contract over £5 million running since the Procurement Act
2023 came into force: SWK-C-00006, starting on 1 April 2025, let under the light-touch regime (which
section 52 does not cover), with three KPIs rated quarterly to September 2026. The tests make it an open
procedure contract, so that the Act applies, then break its KPIs."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from pathlib import Path

from conftest import read_rows, set_cell, write_rows

from generator.config import PROJECT_DIR
from generator.data import checks_kpis, groups
from generator.data.checks import CHECKS
from generator.data.stage import check_data
from generator.findings import ERROR, WARNING

CODES = ("kpis-missing", "kpi-period", "kpi-rating")
CONTRACT = "SWK-C-00006"
CONTRACT_ROW = 7  # its row in contracts.csv


def at(monkeypatch, day: str) -> None:
    """'Today' for the checks."""
    stamp = calendar.timegm(dt.date.fromisoformat(day).timetuple())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(stamp))


def found(data, config, codes=CODES):
    result, _, _ = check_data(data, config)
    return [f for f in result if f.code in codes]


def tuples(data, config, codes=CODES):
    return [(Path(f.path).name, f.row, f.column, f.code, f.severity) for f in found(data, config, codes)]


def kpi_rows(data) -> list[list[str]]:
    return read_rows(data / "contract_kpis.csv")


def keep_kpis(data, keep) -> None:
    """Keep the header and the contract_kpis rows for which keep(row as a dict) is true."""
    rows = kpi_rows(data)
    header = rows[0]
    write_rows(data / "contract_kpis.csv", [header] + [r for r in rows[1:] if keep(dict(zip(header, r)))])


def under_the_act(data) -> None:
    assert read_rows(data / "contracts.csv")[CONTRACT_ROW - 1][0] == CONTRACT
    assert set_cell(data, "contracts", CONTRACT_ROW, "procurement_route", "open procedure") == "light-touch regime"


def test_the_checks_are_registered_with_titles_and_in_the_readme():
    codes = [c.code for c in CHECKS]
    assert [code for code, *_ in checks_kpis.KPI_CHECKS] == list(CODES)
    assert all(codes.count(code) == 1 for code in CODES)
    assert set(groups.TITLES) >= set(CODES)
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    quality = readme.split("## Data quality", 1)[1].split("\n## ", 1)[0]
    table = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([a-z0-9-]+)` \| (error|warning) \|", quality, re.M)}
    assert {c.code: c.severity for c in CHECKS if c.code in CODES} == {code: table.get(code) for code in CODES}


def test_the_sample_has_no_kpi_findings_with_the_act_applied_or_not(data, config, monkeypatch):
    at(monkeypatch, "2026-11-25")
    assert tuples(data, config) == []
    under_the_act(data)
    assert tuples(data, config) == []


def test_a_light_touch_contract_is_not_covered_by_section_52(data, config, monkeypatch):
    at(monkeypatch, "2026-11-25")
    keep_kpis(data, lambda r: False)
    assert tuples(data, config) == []


def test_fewer_than_three_kpis_is_a_warning_while_the_contract_runs(data, config, monkeypatch):
    at(monkeypatch, "2026-11-25")
    under_the_act(data)
    keep_kpis(data, lambda r: r["kpi_id"] != "KPI3")
    result = found(data, config)
    assert [(Path(f.path).name, f.row, f.column, f.code, f.severity) for f in result] == [
        ("contracts.csv", CONTRACT_ROW, "contract_id", "kpis-missing", WARNING)]
    assert str(result[0]) == (
        f'warning: data/contracts.csv, row {CONTRACT_ROW}, column "contract_id": "{CONTRACT}" has 2 KPIs in '
        "contract_kpis.csv (expected at least 3 for a contract over £5 million starting on or after 24 February "
        "2025: Procurement Act 2023 section 52, unless the council decided KPIs could not appropriately assess "
        "the supplier's performance)")
    # Once the contract has ended (31 March 2029), nothing more is said.
    at(monkeypatch, "2029-06-01")
    assert tuples(data, config, ("kpis-missing",)) == []


def test_no_rated_period_a_year_after_the_start_is_an_error(data, config, monkeypatch):
    under_the_act(data)
    header = kpi_rows(data)[0]
    rows = [header] + [[v if header[k] not in ("result_value", "result", "rating", "published") else ""
                        for k, v in enumerate(r)] for r in kpi_rows(data)[1:]]
    write_rows(data / "contract_kpis.csv", rows)
    at(monkeypatch, "2026-03-31")  # a day short of a year: nothing to say (three KPIs set)
    assert tuples(data, config) == []
    at(monkeypatch, "2026-04-01")
    result = found(data, config)
    assert [(f.row, f.column, f.code, f.severity) for f in result] == [
        (CONTRACT_ROW, "contract_id", "kpis-missing", ERROR)]
    assert str(result[0]) == (
        f'data/contracts.csv, row {CONTRACT_ROW}, column "contract_id": "{CONTRACT}" has no rated KPI period, and '
        "a year has passed since it started on 2025-04-01 (expected the council's assessment of its KPIs, with a "
        "rating, at least once every 12 months: Procurement Act 2023 section 71; add the period's rows to "
        "contract_kpis.csv with their rating)")


def test_no_kpis_at_all_stays_a_warning(data, config, monkeypatch):
    """Section 52 lets the council decide that KPIs could not assess the supplier; with no KPI set,
    section 71's yearly assessment has nothing to assess, so a year on it is still a warning."""
    at(monkeypatch, "2026-11-25")
    under_the_act(data)
    keep_kpis(data, lambda r: False)
    assert tuples(data, config) == [("contracts.csv", CONTRACT_ROW, "contract_id", "kpis-missing", WARNING)]
    assert "has 0 KPIs in contract_kpis.csv" in found(data, config)[0].message


def test_no_assessment_in_the_last_year_is_a_warning(data, config, monkeypatch):
    under_the_act(data)
    keep_kpis(data, lambda r: r["period_start"] < "2026-01-01")  # last rated: the quarter to 31 December 2025
    at(monkeypatch, "2027-03-31")
    assert tuples(data, config) == []
    at(monkeypatch, "2027-04-01")  # 12 months and 3 to publish since the end of the last rated period
    result = found(data, config)
    assert [(f.row, f.code, f.severity) for f in result] == [(CONTRACT_ROW, "kpis-missing", WARNING)]
    assert result[0].message == (
        f'"{CONTRACT}" was last rated for a period ending on 2025-12-31 (expected an assessment of its KPIs at '
        "least once every 12 months while it runs: Procurement Act 2023 section 71)")


def test_kpi_periods(data, config, monkeypatch):
    at(monkeypatch, "2026-11-25")
    rows = kpi_rows(data)
    header = rows[0]
    col = {name: k for k, name in enumerate(header)}

    def row(n, **values):
        for name, value in values.items():
            rows[n - 1][col[name]] = value

    row(2, period_end="2025-03-31")                                      # ends before it starts
    row(7, period_end="2026-12-31", published="")                        # rated, not over
    row(4, period_start="2024-10-01")                                    # before the contract, over 12 months + 31 days
    row(5, published="2026-02-01")                                       # published before the period ended (31 March)
    row(6, published="2026-12-01")                                       # published in the future
    row(8, period_end="2029-04-30", rating="", result_value="", result="", published="")  # after the contract ended
    write_rows(data / "contract_kpis.csv", rows)
    result = [f for f in found(data, config) if f.code == "kpi-period"]
    assert [(Path(f.path).name, f.row, f.column, f.code, f.severity) for f in result] == [
        ("contract_kpis.csv", 2, "period_end", "kpi-period", ERROR),
        ("contract_kpis.csv", 4, "period_start", "kpi-period", WARNING),
        ("contract_kpis.csv", 4, "period_end", "kpi-period", WARNING),
        ("contract_kpis.csv", 5, "published", "kpi-period", WARNING),
        ("contract_kpis.csv", 6, "published", "kpi-period", ERROR),
        ("contract_kpis.csv", 7, "period_end", "kpi-period", ERROR),
        ("contract_kpis.csv", 8, "period_end", "kpi-period", WARNING),
        ("contract_kpis.csv", 8, "period_end", "kpi-period", WARNING),
    ]
    messages = [f.message for f in result]
    assert messages[0] == '"2025-03-31" is before the period_start "2025-04-01" (expected period_end on or after period_start)'
    assert messages[1] == (f'"2024-10-01" is before the contract {CONTRACT} started on 2025-04-01 (expected a period '
                           "within the contract's dates)")
    assert messages[2].startswith('"2025-12-31" ends a period of more than 12 months from 2024-10-01')
    assert messages[3] == ('"2026-02-01" is before the period it assesses ended on 2026-03-31 (expected the date the '
                           "assessment was published, after the period)")
    assert messages[4] == '"2026-12-01" is in the future (expected the date the assessment was published)'
    assert messages[5] == ('"2026-12-31" has not passed, but the period is rated "Approaching target" (expected a '
                           "rating only once the period has ended: leave rating empty until then)")
    assert sorted(messages[6:]) == [
        '"2029-04-30" ends a period of more than 12 months from 2026-10-01 (expected a period of 12 months at most: '
        "the Procurement Act 2023 asks for an assessment at least once every 12 months)",
        f'"2029-04-30" is after the contract {CONTRACT} ended on 2029-03-31 (expected a period within the contract\'s '
        "dates)"]


def test_kpi_ratings_and_results(data, config, monkeypatch):
    at(monkeypatch, "2026-11-25")
    rows = kpi_rows(data)
    col = {name: k for k, name in enumerate(rows[0])}
    rows[1][col["rating"]] = ""                                                  # a result, not rated
    rows[2][col["result_value"]], rows[2][col["result"]] = "", ""                # rated, no result
    rows[3][col["rating"]], rows[3][col["result_value"]], rows[3][col["result"]] = "", "", ""  # published only
    write_rows(data / "contract_kpis.csv", rows)
    result = found(data, config)
    assert [(f.row, f.column, f.code, f.severity) for f in result] == [
        (2, "rating", "kpi-rating", WARNING), (3, "rating", "kpi-rating", WARNING),
        (4, "published", "kpi-rating", WARNING)]
    assert [f.message for f in result] == [
        "no rating is given for a period with a result (2025-04-01 to 2025-06-30) (expected one of Good, Approaching "
        "target, Requires improvement, Inadequate, Other, once the period is assessed)",
        '"Good" is given with no result (expected the result it rates in result_value or result)',
        '"2026-02-02" is given for a period with no rating or result (expected the rating and result the published '
        "assessment gave)"]


def test_the_schema_keeps_ratings_to_the_scale_and_references_to_known_rows(data, config, monkeypatch):
    at(monkeypatch, "2026-11-25")
    set_cell(data, "contract_kpis", 2, "rating", "Excellent")
    set_cell(data, "contract_kpis", 3, "contract_id", "SWK-C-99999")
    set_cell(data, "contract_kpis", 4, "outcome_id", "OC99")
    set_cell(data, "contract_kpis", 5, "kpi_id", "")
    result, _, _ = check_data(data, config)
    assert sorted(f.as_tuple() for f in result if f.severity == ERROR) == [
        (2, "rating", "constraint-enum"), (3, "contract_id", "foreign-key"), (4, "outcome_id", "foreign-key"),
        (5, "kpi_id", "constraint-required")]


def test_a_package_without_contract_kpis_is_valid(data, config, monkeypatch):
    """A project made before the dataset existed still validates: the KPI checks have nothing to check."""
    at(monkeypatch, "2026-11-25")
    under_the_act(data)
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "contract_kpis"]
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (data / "contract_kpis.csv").unlink()
    result, package, tables = check_data(data, config)
    assert [f for f in result if f.severity == ERROR] == [] and "contract_kpis" not in tables
    assert [f for f in result if f.code in CODES] == []
