"""import-360giving (generator/imports/giving360.py, imports/project.py): the importer converts, `validate`
judges. Every grant in a funder's file is written, a problem value kept as given or left empty with a note,
and `validate` then reports each problem with its file, row and column. Also: recipient identifiers, every
Funding Org of a grant, and the actual dates, data source and last-modified columns."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from generator import cli
from generator.config import PROJECT_DIR, load_config
from generator.data.stage import check_data
from generator.imports import giving360
from generator.imports.project import merge_rows

FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "360giving"
PROBLEMS = FIXTURES / "problems.csv"  # a grant of £0, "abc", 30 February, not 360G-, a repeat, USD, ...
COUNCIL = {"id": "GB-LAE-EXB", "name": "Example Borough Council"}


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def columns(name: str) -> list[str]:
    return [f["name"] for f in json.loads((PROJECT_DIR / "schemas" / f"{name}.json").read_text())["fields"]]


def findings(project: Path) -> list[tuple]:
    """What `validate` reports on the project (run from its folder): (file, row, column, code)."""
    found, _, _ = check_data(Path("data"), load_config(project / "config.yml"))
    return [(f.path, f.row, f.column, f.code) for f in found]


@pytest.fixture
def project(tmp_path, monkeypatch, capsys) -> Path:
    """Example Borough's new, empty project (python -m generator new); the working folder is that folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764806400")  # 4 December 2025
    assert cli.main(["new", "exb", "--name", "Example Borough Council", "--org-id", "GB-LAE-EXB",
                     "--grant-prefix", "360G-exampleborough-", "--no-git"]) == 0
    monkeypatch.chdir(tmp_path / "exb")
    capsys.readouterr()
    return tmp_path / "exb"


def package(path: Path, grants: list[dict]) -> Path:
    path.write_text(json.dumps({"grants": grants}), encoding="utf-8")
    return path


def grant(number: int, **extra) -> dict:
    return {"id": f"360G-exampleborough-G{number}", "title": f"Grant {number}", "description": "For things.",
            "currency": "GBP", "amountAwarded": 1000, "awardDate": "2024-05-01",
            "recipientOrganization": [{"id": "GB-CHC-1234567", "name": "A Charity"}],
            "fundingOrganization": [{**COUNCIL, "department": "Communities"}], **extra}


# --- every grant is written, and validate reports its problems ----------------------------


def test_every_grant_is_written_and_validate_reports_each_problem(project, capsys):
    assert cli.main(["import-360giving", str(PROBLEMS), "--out", "data"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [f"Read 8 grants from {PROBLEMS}.",
                       "Imported 8 grants (8 added, 0 replaced, 0 unchanged): every grant in the file, with its values as given; `validate` "
        "reports any that need fixing."]
    grants = rows(project / "data" / "grants.csv")
    assert [(g["grant_id"], g["amount_awarded"], g["award_date"], g["recipient_org_id"]) for g in grants] == [
        ("360G-exampleborough-P1", "0", "2019-04-01", "GB-CHC-1123456"),  # £0: kept
        ("360G-exampleborough-P2", "abc", "2019-04-02", "GB-CHC-1123456"),  # not a number: kept
        ("360G-exampleborough-P3", "2500", "2019-02-30", "GB-CHC-1123456"),  # 30 February: kept
        ("not-360G-123", "300", "2019-04-04", "GB-CHC-1123456"),  # not a 360Giving identifier: kept
        ("360G-exampleborough-P1", "500", "2019-04-05", "GB-CHC-1123456"),  # the same identifier again
        ("360G-exampleborough-P6", "750", "2019-04-06", "GB-CHC-00001"),  # not a Charity Commission number
        ("360G-exampleborough-P7", "1200", "2019-04-07", "GB-UNKNOW-123"),  # a prefix not on org-id.guide
        ("360G-exampleborough-P8", "", "2019-04-08", "GB-CHC-1123456"),  # in USD: left empty
    ]
    orgs = {o["org_id"]: o for o in rows(project / "data" / "organisations.csv")}
    assert [(o["org_id"], o["organisation_type"], o["charity_number"], o["is_vcs"]) for o in orgs.values()] == [
        ("GB-CHC-1123456", "registered charity", "1123456", "yes"),
        ("GB-CHC-00001", "registered charity", "", "yes"),  # what the prefix says; no number of the wrong form
        ("GB-UNKNOW-123", "", "", ""),  # an unknown prefix: nothing guessed
    ]
    assert "- Grants whose amount is not in pounds, written with amount_awarded empty (validate reports the " \
           "missing amount): 1 (360G-exampleborough-P8: amount in USD, not GBP)." in out
    assert '- Amounts that are not a number above zero, kept as given (validate reports them): 2 ' \
           '(360G-exampleborough-P1: 0, 360G-exampleborough-P2: "abc").' in out

    # Validate: grants.csv fails its schema, so its council checks (not-positive for the £0 grant,
    # grant-id-prefix) wait; organisations.csv passes it, and its council checks run.
    assert findings(project) == [
        ("data/organisations.csv", 3, "org_id", "registration-number"),  # GB-CHC-00001
        ("data/organisations.csv", 4, "org_id", "org-id-prefix"),  # GB-UNKNOW-123
        ("data/grants.csv", 3, "amount_awarded", "type-error"),  # "abc"
        ("data/grants.csv", 4, "award_date", "type-error"),  # 2019-02-30
        ("data/grants.csv", 5, "grant_id", "constraint-pattern"),  # not-360G-123
        ("data/grants.csv", 6, "grant_id", "duplicate"),  # 360G-exampleborough-P1 again
        ("data/grants.csv", 9, "amount_awarded", "constraint-required"),  # the USD grant
    ]
    assert cli.main(["validate"]) == 1
    err = capsys.readouterr().err
    assert 'data/grants.csv, row 3, column "amount_awarded": "abc" is not a number' in err
    assert 'data/grants.csv, row 6, column "grant_id": "360G-exampleborough-P1" appears more than once' in err
    assert 'data/organisations.csv, row 3, column "org_id": "GB-CHC-00001" has a GB-CHC number that is not in ' \
           "the register's form" in err

    # Once the grants that fail the schema are corrected (here: removed), the £0 grant is reported too.
    path = project / "data" / "grants.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[i] for i in (0, 1, 6, 7)), encoding="utf-8")
    # The warnings (360Giving's data quality tool's counterparts): the file gives the recipients no address
    # and the grants no programme, planned dates, ward, data source or last-modified date, and the new
    # project's config.yml neither site.url nor publisher.website.
    missing = ["programme", "planned_start_date", "beneficiary_ward", "data_source", "last_modified"]
    codes = ["no-programme", "no-planned-dates", "no-beneficiary-ward", "no-data-source", "no-last-modified"]
    assert findings(project) == [
        ("data/organisations.csv", 2, "ward", "no-recipient-location"),
        ("data/organisations.csv", 3, "org_id", "registration-number"),
        ("data/organisations.csv", 3, "ward", "no-recipient-location"),
        ("data/organisations.csv", 4, "org_id", "org-id-prefix"),
        ("data/organisations.csv", 4, "ward", "no-recipient-location"),
        ("data/grants.csv", 2, "programme", "no-programme"),
        ("data/grants.csv", 2, "amount_awarded", "not-positive"),  # the £0 grant
        *[("data/grants.csv", 2, column, code) for column, code in zip(missing[1:], codes[1:])],
        *[("data/grants.csv", row, column, code) for row in (3, 4) for column, code in zip(missing, codes)],
    ]


def test_a_grant_with_no_identifier_title_or_recipient_is_written(project, capsys):
    source = package(project / "grants.json", [
        grant(1, id="", title="", recipientOrganization=[{"id": "", "name": "No Id Group"}]),
        grant(2, id="", recipientOrganization=None),
        grant(3, awardDate=None, amountAwarded=None, title="x" * 250, description=None),
    ])
    assert cli.main(["import-360giving", str(source), "--out", "data"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "- grants.csv: 3 added" in out and "- organisations.csv: 2 added" in out
    grants = rows(project / "data" / "grants.csv")
    assert [(g["grant_id"], g["title"][:5], g["description"][:5], g["recipient_org_id"], g["amount_awarded"],
             g["award_date"]) for g in grants] == [
        ("", "", "For t", "", "1000", "2024-05-01"),
        ("", "Grant", "For t", "", "1000", "2024-05-01"),
        ("360G-exampleborough-G3", "xxxxx", "xxxxx", "GB-CHC-1234567", "", ""),  # title kept whole
    ]
    assert len(grants[2]["title"]) == 250 and grants[2]["description"] == grants[2]["title"]
    assert [o["name"] for o in rows(project / "data" / "organisations.csv")] == ["No Id Group", "A Charity"]
    assert "- Grants with no Identifier, written with an empty grant_id (validate reports it): 2 (grant 1, " \
           "grant 2)." in out
    assert "- Grants with no recipient (no Recipient Org or Recipient Ind), written with recipient_org_id empty " \
           "(validate reports it): 1 (grant 2)." in out
    # Every problem is validate's: an empty primary key is reported once, as the missing value it is.
    assert findings(project) == [
        ("data/organisations.csv", 2, "org_id", "constraint-required"),
        ("data/grants.csv", 2, "grant_id", "constraint-required"),
        ("data/grants.csv", 2, "title", "constraint-required"),
        ("data/grants.csv", 2, "recipient_org_id", "constraint-required"),
        ("data/grants.csv", 3, "grant_id", "constraint-required"),
        ("data/grants.csv", 3, "recipient_org_id", "constraint-required"),
        ("data/grants.csv", 4, "title", "constraint-maxLength"),
        ("data/grants.csv", 4, "amount_awarded", "constraint-required"),
        ("data/grants.csv", 4, "award_date", "constraint-required"),
    ]

    # Imported again: nothing changes (the rows with no identifier are the same rows).
    before = {p.name: p.read_bytes() for p in (project / "data").iterdir()}
    assert cli.main(["import-360giving", str(source), "--out", "data"]) == 0
    assert capsys.readouterr().out.splitlines()[2:5] == [
        "Wrote into data:", "- grants.csv: 0 added, 3 already there and unchanged",
        "- organisations.csv: 0 added, 2 already there and unchanged"]
    assert {p.name: p.read_bytes() for p in (project / "data").iterdir()} == before


def test_personal_data_markers_are_stable(tmp_path):
    path = package(tmp_path / "g.json", [grant(1, title="Call 0161 912 3456", description=(
        "Write to jo.bloggs@example.org at M33 5HF."))])
    (row,) = giving360.import_360giving(path, wards=[], council_id="GB-LAE-EXB").grants
    assert (giving360.EMAIL_REMOVED, giving360.PHONE_REMOVED) == ("[e-mail address removed]",
                                                                  "[telephone number removed]")
    assert (row["title"], row["description"]) == ("Call [telephone number removed]",
                                                  "Write to [e-mail address removed] at M33.")


# --- merging: repeats and empty ids are appended, never merged into each other ------------------


def test_merge_appends_repeated_and_empty_ids():
    existing = [{"grant_id": "A", "title": "old"}, {"grant_id": "B", "title": "b"}]
    incoming = [{"grant_id": "A", "title": "new"}, {"grant_id": "A", "title": "again"},
                {"grant_id": "", "title": "x"}, {"grant_id": "", "title": "x"}, {"grant_id": "C", "title": "c"},
                {"grant_id": "C", "title": "c2"}]
    merged, counts = merge_rows(existing, incoming, "grants")
    assert [(r["grant_id"], r["title"]) for r in merged] == [
        ("A", "new"), ("B", "b"), ("A", "again"), ("", "x"), ("", "x"), ("C", "c"), ("C", "c2")]
    assert (counts.added, counts.replaced, counts.unchanged) == (5, 1, 0)
    # The same import again: the n-th copy replaces the n-th copy, the rows with no id are found unchanged.
    again, counts = merge_rows(merged, incoming, "grants")
    assert again == merged
    assert (counts.added, counts.replaced, counts.unchanged) == (0, 0, 6)
    orgs, counts = merge_rows([{"org_id": "", "name": "N"}], [{"org_id": "", "name": "M"}], "organisations")
    assert [o["name"] for o in orgs] == ["N", "M"] and counts.added == 1


# --- recipient identifiers ------------------------------------------------------------------


@pytest.mark.parametrize("given, org_id, org_type, charity, vcs", [
    ("GB-CHC-1234567", "GB-CHC-1234567", "registered charity", "1234567", "yes"),
    (" gb-chc-\n1234567 ", "GB-CHC-1234567", "registered charity", "1234567", "yes"),
    ("GB-CHC-00001", "GB-CHC-00001", "registered charity", "", "yes"),  # kept: validate reports the number
    ("GB-UNKNOW-123", "GB-UNKNOW-123", "", "", ""),  # kept: validate reports the prefix; nothing guessed
    ("gb-coh-1234567", "GB-COH-01234567", "company limited by guarantee", "", ""),
    ("GB-SC-012345", "GB-SC-SC012345", "registered charity", "", "yes"),
    ("GB-CHC-12/34", "GB-CHC-12/34", "registered charity", "", "yes"),  # kept: validate reports its form
    ("360G-exampleborough-youth_club", "GB-LAE-EXB-360G-exampleborough-youth-club", "unregistered community group",
     "", "yes"),  # not of the form country-register-number: a local identifier
    ("Youth Club", "GB-LAE-EXB-YouthClub", "unregistered community group", "", "yes"),
])
def test_recipient_identifiers(given, org_id, org_type, charity, vcs, tmp_path):
    path = package(tmp_path / "g.json", [grant(1, recipientOrganization=[{"id": given, "name": "A Group"}])])
    result = giving360.import_360giving(path, wards=[], council_id="GB-LAE-EXB")
    (org,) = result.organisations
    assert (org["org_id"], org["organisation_type"], org["charity_number"], org["is_vcs"]) == \
        (org_id, org_type, charity, vcs)
    assert result.grants[0]["recipient_org_id"] == org_id


# --- funders ------------------------------------------------------------------------------


THREE_FUNDERS_CSV = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,"
    "Funding Org:0:Identifier,Funding Org:0:Name,Funding Org:1:Identifier,Funding Org:1:Name,"
    "Funding Org:1:Department,Funding Org:2:Identifier,Funding Org:2:Name\n"
    "360G-exampleborough-G1,A grant,For things.,GBP,500,2024-05-01,GB-CHC-1234567,A Charity,GB-CHC-7654321,"
    "Another Trust,GB-LAE-EXB,Example Borough Council,Housing,GB-NHS-ABC,Example NHS Trust\n"
    "360G-exampleborough-G2,A grant,For things.,GBP,500,2024-05-01,GB-CHC-1234567,A Charity,GB-CHC-7654321,"
    "Another Trust,,,,GB-NHS-ABC,Example NHS Trust\n")


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_every_funding_org_is_read(kind, tmp_path):
    trust = {"id": "GB-CHC-7654321", "name": "Another Trust"}
    nhs = {"id": "GB-NHS-ABC", "name": "Example NHS Trust"}
    if kind == "csv":
        path = tmp_path / "grants.csv"
        path.write_text(THREE_FUNDERS_CSV, encoding="utf-8")
    else:
        path = package(tmp_path / "grants.json", [
            grant(1, amountAwarded=500, fundingOrganization=[trust, {**COUNCIL, "department": "Housing"}, nhs]),
            grant(2, amountAwarded=500, fundingOrganization=[trust, nhs])])
    result = giving360.import_360giving(path, "COMMUNITIES", wards=[], council_id="GB-LAE-EXB")
    assert [(g["co_funders"], g["department_id"]) for g in result.grants] == [
        ("Another Trust (GB-CHC-7654321); Example NHS Trust (GB-NHS-ABC)", "HOUSING"),  # the council's department
        ("Another Trust (GB-CHC-7654321); Example NHS Trust (GB-NHS-ABC)", "COMMUNITIES"),  # no council: --department
    ]
    assert "Funding Org: the file names Another Trust (GB-CHC-7654321): 2 grants; Example Borough Council " \
           "(GB-LAE-EXB): 1 grant; Example NHS Trust (GB-NHS-ABC): 2 grants." in result.unmapped
    assert not [n for n in result.unmapped if n.startswith("Ignored")]


# --- actual dates, data source, last modified ---------------------------------------------------


DATES_CSV = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,"
    "Funding Org:Identifier,Funding Org:Name,Funding Org:Department,Actual Dates:Start Date,Actual Dates:End Date,"
    "Data Source,Last Modified\n"
    "360G-exampleborough-G1,A grant,For things.,GBP,500,2019-02-01,GB-CHC-1234567,A Charity,GB-LAE-EXB,"
    "Example Borough,Housing,2019-03-01,2020-02-30,https://example.org/grants.csv,2019-03-12T10:00:00+00:00\n"
    "360G-exampleborough-G2,A grant,For things.,GBP,500,2019-02-01,GB-CHC-1234567,A Charity,GB-LAE-EXB,"
    "Example Borough,Housing,01/04/2019,,not a link,2019-03-12\n")


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_actual_dates_data_source_and_last_modified(kind, tmp_path):
    if kind == "csv":
        path = tmp_path / "grants.csv"
        path.write_text(DATES_CSV, encoding="utf-8")
    else:
        path = package(tmp_path / "grants.json", [
            grant(1, actualDates=[{"startDate": "2019-03-01", "endDate": "2020-02-30"}],
                  dataSource="https://example.org/grants.csv", dateModified="2019-03-12T10:00:00+00:00"),
            grant(2, actualDates=[{"startDate": "01/04/2019"}], dataSource="not a link", dateModified="2019-03-12")])
    result = giving360.import_360giving(path, wards=[], council_id="GB-LAE-EXB")
    assert [[g[c] for c in ("actual_start_date", "actual_end_date", "data_source", "last_modified")]
            for g in result.grants] == [
        ["2019-03-01", "2020-02-30", "https://example.org/grants.csv", "2019-03-12"],  # 30 February kept
        ["2019-04-01", "", "not a link", "2019-03-12"],  # day first; validate reports the link
    ]
    assert "Last Modified date-times given as their date, as last_modified is a date (2019-03-12T10:00:00+00:00 " \
           "became 2019-03-12): 1 (360G-exampleborough-G1)." in result.unmapped
    assert 'Dates that are not full dates (30 February, only a year or a month, or not a date), kept as given ' \
           '(validate reports them): 1 (360G-exampleborough-G1: Actual Dates:End Date "2020-02-30").' \
        in result.unmapped
    assert not [n for n in result.unmapped if n.startswith("Ignored")]
    assert [list(g) for g in result.grants] == [columns("grants")] * 2
