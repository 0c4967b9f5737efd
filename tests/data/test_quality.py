"""Data quality: the personal-data gate on real Contracts Finder data, the report
formats (JSON, GitHub annotations) and the public data quality pages."""

from __future__ import annotations

import csv
import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout

import pytest
from bs4 import BeautifulSoup

from generator import cli
from generator.data.checks import CHECKS

from conftest import SHARED, read_rows, set_cell, write_rows
from generator.data import groups
from generator.data.stage import check_data

OCDS = SHARED / "ocds" / "london-boroughs-2016"


def ocds_contracts() -> list[dict]:
    """The real Contracts Finder releases, as rows of our contracts dataset: the
    free text is theirs, the other columns valid placeholders."""
    rows = []
    for path in sorted(OCDS.glob("*.json")):
        for release in json.loads(path.read_text(encoding="utf-8"))["releases"]:
            tender = release.get("tender", {})
            rows.append({
                "title": " ".join((tender.get("title") or "Untitled").split())[:200],
                "description": " ".join((tender.get("description") or "No description").split())[:4000],
            })
    return rows


@pytest.mark.skipif(not OCDS.is_dir(), reason="../shared/reference is not present")
def test_real_contracts_finder_text_is_stopped_by_the_personal_data_gate(data, config):
    releases = ocds_contracts()
    assert len(releases) == 12
    table = read_rows(data / "contracts.csv")
    header = table[0]
    template = table[1]
    contracts = [header]
    for i, release in enumerate(releases):
        row = dict(zip(header, template), contract_id=f"SWK-C-9{i:04d}", **release)
        contracts.append([row[h] for h in header])
    write_rows(data / "contracts.csv", table[:1] + table[1:] + contracts[1:])
    findings, _, tables = check_data(data, config)
    gate = [(f.row, f.column, f.message.split(",")[0]) for f in findings if f.code == "personal-data"]
    first = len(table) + 1  # the spreadsheet row of the first converted release
    # Brent's volunteer centre tender gives an officer's email and phone number; Spend Network's
    # insurance tender an email address. Nothing else in the real text matches.
    assert [(row - first, column, what) for row, column, what in gate] == [
        (7, "description", 'contains an email address "' + gate[0][2].split('"')[1] + '"'),
        (7, "description", 'contains a telephone number "0208 937 1971"'),
        (9, "description", 'contains an email address "' + gate[2][2].split('"')[1] + '"'),
    ]
    assert tables is None  # invalid: nothing can be published
    out = data.parent / "site"
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        assert cli.main(["build", "--data", "data", "--out", str(out)]) == 1
    assert not out.exists()


def broken(data):
    set_cell(data, "grants", 2, "amount_awarded", "lots")
    set_cell(data, "grants", 3, "amount_awarded", "many")
    set_cell(data, "grants", 4, "award_date", "soon")
    set_cell(data, "contracts", 2, "description", "Ring 020 7525 5000")
    set_cell(data, "organisations", 2, "based_in_borough", "yes")
    set_cell(data, "organisations", 2, "ward", "")
    # A quoted line break in row 2 of outcomes: row 3 starts on line 4 of the file.
    set_cell(data, "outcomes", 2, "description", "Two\nlines")
    set_cell(data, "outcomes", 3, "theme", "")


def run(argv) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        status = cli.main(argv)
    return status, stdout.getvalue(), stderr.getvalue()


def test_text_report_groups_by_file_and_check_most_frequent_first(data):
    broken(data)
    status, _, err = run(["validate", "--data", "data"])
    assert status == 1
    headings = [line for line in err.splitlines() if not line.startswith("  ")]
    assert headings == [
        "data/contracts.csv: 1 error: No email addresses or telephone numbers in any text, and no full postcode that could locate a person",
        "data/grants.csv: 3 errors: Values have their column's type (number, date, yes or no)",
        "data/outcomes.csv: 1 error: Required values are present",
        "data/organisations.csv: 1 warning: Organisations based in the area have a ward",
        "Invalid: 5 errors in 3 files, 1 warning. Fix them and run the command again.",
    ]


def test_github_annotations_point_at_file_lines(data):
    broken(data)
    status, _, err = run(["validate", "--data", "data", "--format", "github"])
    assert status == 1
    lines = err.splitlines()
    assert lines[0] == ("::error file=data/contracts.csv,line=2,title=No email addresses or telephone numbers "
                        "in any text%2C and no full postcode that could locate a person::row 2, column \"description\": contains a telephone number "
                        "\"020 7525 5000\", which may be personal data (expected no contact details in published "
                        "text: remove it)")
    outcome = next(line for line in lines if "outcomes.csv" in line)
    assert outcome.startswith("::error file=data/outcomes.csv,line=4,title=Required values are present::row 3,")
    assert lines[-2].startswith("::warning file=data/organisations.csv,line=2,title=Organisations based in the "
                                "area have a ward::row 2, column \"ward\": no ward is given")


def test_json_report(data, tmp_path):
    broken(data)
    path = tmp_path / "report.json"
    status, _, _ = run(["validate", "--data", "data", "--report", str(path)])
    assert status == 1
    result = json.loads(path.read_text(encoding="utf-8"))
    assert (result["valid"], result["errors"], result["warnings"]) == (False, 5, 1)
    assert [(g["path"], g["check"], g["count"]) for g in result["groups"]][:2] == [
        ("data/contracts.csv", "personal-data", 1), ("data/grants.csv", "type-error", 3)]
    first = result["groups"][1]["findings"][0]
    assert {k: first[k] for k in ("row", "column", "value", "example")} == {
        "row": 2, "column": "amount_awarded", "value": "lots", "example": "15000.00"}


def test_a_valid_run_still_writes_its_report(data, tmp_path):
    path = tmp_path / "report.json"
    status, out, _ = run(["validate", "--data", "data", "--report", str(path)])
    assert status == 0
    assert json.loads(path.read_text())["valid"] is True
    assert out.splitlines()[-1].startswith("Valid: 13 datasets")


def test_every_check_has_a_title_and_a_unique_code():
    codes = [c.code for c in CHECKS]
    assert len(codes) == len(set(codes)) >= 20
    assert all(c.title and c.severity in ("error", "warning") for c in CHECKS)
    assert set(groups.TITLES) >= set(codes)


def test_quality_pages(built_site):
    index = BeautifulSoup((built_site / "quality" / "index.html").read_text(encoding="utf-8"), "html.parser")
    table = index.find("caption", string="Checks and warnings by dataset").find_parent("table")
    shown = {tr.th.get_text(): tr.find_all("td")[1].get_text() for tr in table.select("tbody tr")}
    warnings = list(csv.DictReader((built_site / "downloads" / "data-quality-warnings.csv").open(encoding="utf-8")))
    counts = {}
    for w in warnings:
        counts[w["dataset"]] = counts.get(w["dataset"], 0) + 1
    titles = {r["name"]: r["title"] for r in
              json.loads((built_site / "downloads" / "datapackage.json").read_text())["resources"]}
    assert shown == {titles[n]: f"{counts.get(n, 0):,}" for n in titles}
    grants = BeautifulSoup((built_site / "quality" / "grants" / "index.html").read_text(encoding="utf-8"),
                           "html.parser")
    checks = [tr.th.get_text() for tr in
              grants.find("caption", string="Checks run on Grants").find_parent("table").select("tbody tr")]
    assert "No email addresses or telephone numbers in any text, and no full postcode that could locate a person" in checks
    assert "References match a row in organisations" in checks
    listed = grants.find("caption", string="Warnings in Grants").find_parent("table").select("tbody tr")
    assert len(listed) == min(200, counts["grants"])
    assert re.search(r"last passed every check on \d{1,2} \w+ \d{4}", grants.get_text())


# --- many findings of one check: grouped text, GitHub's limit -----------------------------


def _findings(count: int, severity="error", message='"{i}" is before the start_date "2024-04-0{i}" (expected '
              "end_date on or after start_date)") -> list:
    from generator.findings import Finding

    return [Finding("data/contracts.csv", i + 2, "end_date", "end-before-start", message.format(i=i % 10),
                    severity=severity, dataset="contracts") for i in range(count)]


def test_a_message_whose_inner_values_differ_shows_them_on_each_row():
    from generator import report

    lines = report.as_text(_findings(7)).splitlines()
    assert lines[0] == ('data/contracts.csv: 7 rows: end_date is before the start_date … (expected end_date on '
                        "or after start_date) (check: end-before-start)")
    assert lines[1] == '  row 2, column "end_date": "0" is before the start_date "2024-04-00" (expected end_date ' \
                       "on or after start_date)"
    assert lines[-1] == "  ... and 2 more: all of them are in the report (--report FILE)"
    assert len(lines) == 7


def test_a_few_findings_are_each_shown_in_full():
    from generator import report

    lines = report.as_text(_findings(5, "warning")).splitlines()
    assert lines[0] == ("data/contracts.csv: 5 warnings: End, review, planned and actual end dates are not before their "
                        "start dates")
    assert lines[1].startswith('  warning: data/contracts.csv, row 2, column "end_date": "0" is before')
    assert len(lines) == 6


def test_github_annotates_up_to_its_limit_then_lists_the_rest(tmp_path):
    from generator import report

    lines = report.as_github(_findings(12) + _findings(3, "warning"), base=tmp_path,
                             report=tmp_path / "r.json").splitlines()
    assert [line.split(" ")[0] for line in lines[:13]] == ["::error"] * 10 + ["::warning"] * 3
    assert lines[13] == (f"::notice title=More problems than GitHub annotates::2 more errors are not annotated "
                         f"(GitHub shows 10 errors and 10 warnings a step): they follow in the log, and all of them "
                         f"are in the report {tmp_path / 'r.json'}")
    assert lines[14] == "data/contracts.csv: 2 errors: End, review, planned and actual end dates are not before their start dates"
    assert len(lines) == 17
