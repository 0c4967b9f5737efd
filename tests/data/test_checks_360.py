"""The counterparts of 360Giving's data quality tool (DQT) checks (generator/data/checks_360.py and the
existing checks they pair with): each on a small broken copy of the sample, as compact tuples (file, row,
column, code) of the findings of the checks under test; then DQT's own test package, in our model."""

from __future__ import annotations

import calendar
import csv
import dataclasses
import datetime as dt
import json
import re
import types
from pathlib import Path

import pandas as pd

from conftest import get_cell, read_rows, set_cell, write_rows

from generator.config import PROJECT_DIR
from generator.data import checks, checks_360, groups
from generator.data import wards as ons
from generator.data.checks import CHECKS, EMAIL, run_checks
from generator.data.package import load_package
from generator.data.stage import check_data

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dqt"

NEW_CODES = ["funder-id-prefix", "funder-id-invalid", "funder-360g-id", "several-funders", "funder-names",
             "far-future-date", "far-past-date", "no-registration-number", "no-recipient-location",
             "no-beneficiary-ward", "long-title", "no-last-modified", "no-data-source", "no-planned-dates",
             "ward-without-code", "ward-code-unknown", "removed-by-import"]


def epoch(day: dt.date) -> str:
    return str(calendar.timegm(day.timetuple()))


def findings(data, config, *codes):
    found, _, _ = check_data(data, config)
    return [f for f in found if f.code in codes]


def tuples(data, config, *codes):
    return [(Path(f.path).name, f.row, f.column, f.code) for f in findings(data, config, *codes)]


def append(data: Path, dataset: str, rows: list[list[str]] | None = None) -> list[int]:
    """Add rows (by default the DQT fixture's) to a data file; returns their spreadsheet rows."""
    table = read_rows(data / f"{dataset}.csv")
    if rows is None:
        extra = read_rows(FIXTURES / f"{dataset}.csv")
        assert extra[0] == table[0]
        rows = extra[1:]
    write_rows(data / f"{dataset}.csv", table + rows)
    return list(range(len(table) + 1, len(table) + 1 + len(rows)))


def row_of(data: Path, dataset: str, column: str, value: str) -> int:
    rows = read_rows(data / f"{dataset}.csv")
    index = rows[0].index(column)
    return next(n for n, row in enumerate(rows, start=1) if n > 1 and row[index] == value)


def test_every_new_check_is_registered_with_a_title_and_in_the_readme():
    codes = [c.code for c in CHECKS]
    assert [c.code for c in checks_360.CHECKS_360] == NEW_CODES
    assert all(codes.count(code) == 1 for code in NEW_CODES)
    assert all(c.severity == "warning" and c.title for c in checks_360.CHECKS_360)
    assert set(groups.TITLES) >= set(NEW_CODES)
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    quality = readme.split("## Data quality", 1)[1].split("\n## ", 1)[0]
    table = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([a-z0-9-]+)` \| (error|warning) \|", quality, re.M)}
    assert {c.code: c.severity for c in CHECKS} == table


DQT_CLASSES = [  # spec: both default lists, accuracy then usefulness (36)
    "ZeroAmountTest", "FundingOrgUnrecognisedPrefix", "RecipientOrgUnrecognisedPrefix", "RecipientOrgCharityNumber",
    "RecipientOrgCompanyNumber", "OrganizationIdLooksInvalid", "OrganizationIdUnexpectedChars",
    "GrantIdUnexpectedChars", "MoreThanOneFundingOrg", "LooksLikeEmail", "ImpossibleDates",
    "PlannedStartDateBeforeEndDate", "ActualStartDateBeforeEndDate", "FarFuturePlannedDates",
    "FarFutureActualDates", "FarPastDates", "PostDatedAwardDates", "RecipientIndDEI", "GeoCodePostcode",
    "MultiFundingNamesForOrgId", "MultiFundingOrgIdsForName",
    "RecipientOrg360GPrefix", "FundingOrg360GPrefix", "NoRecipientOrgCompanyCharityNumber", "IncompleteRecipientOrg",
    "NoGrantProgramme", "NoBeneficiaryLocation", "TitleDescriptionSame", "TitleLength", "NoLastModified",
    "NoDataSource", "RecipientIndWithoutToIndividualsDetails", "PlannedDurationNotPresent",
    "BeneficiaryLocationNameButNoCode", "BeneficiaryButNotRecipientGeoData", "RecipientGeoDataButNoBeneficiary",
]


def test_the_readme_maps_every_dqt_check_to_ours():
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("360Giving data quality tool checks and ours", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \|", section, re.M)
    assert [name for name, _ in rows] == DQT_CLASSES
    codes = {c.code for c in CHECKS}
    for name, ours in rows:
        named = re.findall(r"`([a-z0-9-]+)`", ours)
        assert named or ours.strip().startswith(("schema:", "not held:")), name
        assert set(named) <= codes, (name, named)
    assert "ClassificationNotPresent" in section and "not in DQT's default run" in section


# --- funders ----------------------------------------------------------------------------------


def test_funder_id_prefix(data, config):
    set_cell(data, "grants", 2, "co_funders", "Friends of the Park (XSFAFA); Another Trust (GB-CHC-1123456)")
    set_cell(data, "grants", 3, "co_funders", "A (xsfafa); B (ZZ-NONE-1)")
    set_cell(data, "commissioners", 2, "org_id", "ZZ-NHS-QKK")
    assert tuples(data, config, "funder-id-prefix") == [
        ("commissioners.csv", 2, "org_id", "funder-id-prefix"),
        ("grants.csv", 2, "co_funders", "funder-id-prefix"),
        ("grants.csv", 3, "co_funders", "funder-id-prefix"),
    ]
    messages = [f.message for f in findings(data, config, "funder-id-prefix")]
    assert messages[2].startswith('"xsfafa" and "ZZ-NONE-1" in co_funders do not start with a prefix listed on '
                                  "org-id.guide (expected each co-funder's identifier from its register")
    # DQT's test: a plain prefix, ignoring case, from org-id.guide's list or 360G.
    set_cell(data, "grants", 2, "co_funders", "A (gb-chc-1123456); B (360g-anything); C (GB-CHCX123); D (360GIVING)")
    set_cell(data, "grants", 3, "co_funders", "")
    set_cell(data, "commissioners", 2, "org_id", "GB-NHS-QKK")
    assert tuples(data, config, "funder-id-prefix") == []


def test_funder_id_invalid(data, config):
    set_cell(data, "grants", 2, "co_funders", "A (GB-COH-000000); B (GB-CHC-12345); C (GB-CHC-111111)")
    set_cell(data, "commissioners", 2, "org_id", "GB-CHC-SC012345")  # DQT strips no letters from an id
    set_cell(data, "commissioners", 3, "org_id", "GB-NHS-\nQKK")  # OrganizationIdUnexpectedChars
    assert tuples(data, config, "funder-id-invalid") == [
        ("commissioners.csv", 2, "org_id", "funder-id-invalid"),
        ("commissioners.csv", 3, "org_id", "funder-id-invalid"),
        ("grants.csv", 2, "co_funders", "funder-id-invalid"),
    ]
    commissioner, spaced, grant = (f.message for f in findings(data, config, "funder-id-invalid"))
    assert spaced.startswith('"GB-NHS-\\nQKK" contains a space or line break (expected an identifier without spaces')
    assert commissioner == ('"GB-CHC-SC012345" has a charity number "SC012345" that is not 6 or 7 digits (expected '
                            "a Charity Commission number, such as GB-CHC-1123456)")
    assert grant == ('"GB-COH-000000" has a company number "000000" that is not 8 letters or digits (expected a '
                     'Companies House number, such as GB-COH-08123456 or GB-COH-SC123456); "GB-CHC-12345" has a '
                     'charity number "12345" that is not 6 or 7 digits (expected a Charity Commission number, such '
                     "as GB-CHC-1123456)")
    # What DQT's tests let through: int() reads "1_23456"; any 8 word characters are a company number.
    set_cell(data, "grants", 2, "co_funders", "A (GB-CHC-1_23456); B (gb-coh-ab12345c); C (GB-COH-SC123456)")
    set_cell(data, "commissioners", 2, "org_id", "GB-CHC-1123456")
    set_cell(data, "commissioners", 3, "org_id", "")
    assert tuples(data, config, "funder-id-invalid") == []


def test_funder_360g_id(data, config):
    set_cell(data, "grants", 4, "co_funders", "Small Funder (360G-smallfunder-1)")
    set_cell(data, "commissioners", 2, "org_id", "360g-nhs")
    assert tuples(data, config, "funder-360g-id") == [
        ("commissioners.csv", 2, "org_id", "funder-360g-id"),
        ("grants.csv", 4, "co_funders", "funder-360g-id"),
    ]
    set_cell(data, "grants", 4, "co_funders", "Small Funder (GB-CHC-1123456)")
    set_cell(data, "commissioners", 2, "org_id", "")
    assert tuples(data, config, "funder-360g-id") == []


def test_several_funders(data, config):
    # Co-funders, or a commissioner with an org_id of its own (the NHS), are funders besides the council.
    set_cell(data, "grants", 2, "co_funders", "Example Community Foundation (GB-CHC-1234567)")
    set_cell(data, "commissioners", 2, "org_id", "GB-NHS-QKK")
    nhs = get_cell(data, "commissioners", 2, "commissioner_id")
    set_cell(data, "grants", 3, "department_id", nhs)
    assert tuples(data, config, "several-funders") == [
        ("grants.csv", 2, "co_funders", "several-funders"),
        ("grants.csv", 3, "department_id", "several-funders"),
    ]
    co_funded, nhs_funded = findings(data, config, "several-funders")
    assert co_funded.message == (
        '"Example Community Foundation (GB-CHC-1234567)" makes 2 funders of the grant in the 360Giving export: '
        "London Borough of Southwark (GB-LAE-SWK), Example Community Foundation (GB-CHC-1234567) (expected the "
        "council alone, unless the grant really has several funders: then this is fine; 360Giving's data quality "
        "tool notes every file with more than one funder)")
    assert nhs_funded.message.startswith(f'"{nhs}" is NHS South East London Integrated Care Board (GB-NHS-QKK), a '
                                         "funder other than the council")
    # The council named again as a co-funder, or a commissioner with the council's org_id: the council alone.
    set_cell(data, "grants", 2, "co_funders", "London Borough of Southwark (GB-LAE-SWK)")
    set_cell(data, "commissioners", 2, "org_id", "GB-LAE-SWK")
    assert tuples(data, config, "several-funders") == []


def test_funder_names(data, config):
    # DQT's fixture multiple_funder_names_org_ids.json: one name, two identifiers; then one id, two names.
    set_cell(data, "grants", 2, "co_funders", "Example Funder Limited (GB-12345-test)")
    set_cell(data, "grants", 3, "co_funders", "Example Funder Limited (GB-54321-test)")
    set_cell(data, "grants", 5, "co_funders", "Example Funder (GB-12345-test); Southwark Council (GB-LAE-SWK)")
    assert tuples(data, config, "funder-names") == [
        ("grants.csv", 3, "co_funders", "funder-names"),
        ("grants.csv", 5, "co_funders", "funder-names"),
    ]
    second, third = findings(data, config, "funder-names")
    assert second.message == (
        'the funder "Example Funder Limited" has the identifier GB-54321-test here but GB-12345-test first '
        "(grants.csv row 2) (expected one name for each funder identifier and one identifier for each funder name: "
        "correct whichever is wrong, here or where it first appears)")
    assert third.message.startswith(
        'the identifier GB-12345-test is named "Example Funder" here but "Example Funder Limited" first (grants.csv '
        'row 2); the identifier GB-LAE-SWK is named "Southwark Council" here but "London Borough of Southwark" '
        "first (the council's, in config.yml) (expected")
    for row in (3, 5):
        set_cell(data, "grants", row, "co_funders", "Example Funder Limited (GB-12345-test)")
    assert tuples(data, config, "funder-names") == []


# --- dates ------------------------------------------------------------------------------------


def test_actual_end_before_actual_start(data, config):
    set_cell(data, "grants", 2, "actual_start_date", "2021-06-01")
    set_cell(data, "grants", 2, "actual_end_date", "2021-05-31")
    set_cell(data, "grants", 3, "actual_start_date", "2021-06-01")
    set_cell(data, "grants", 3, "actual_end_date", "2021-06-01")
    assert tuples(data, config, "end-before-start") == [("grants.csv", 2, "actual_end_date", "end-before-start")]


def test_far_dates_are_relative_to_today_with_years_like_relativedelta(data, config, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2024, 2, 29)))
    # Today + 12 years is 2036-02-29; + 5 years 2029-02-28 (no 29th); - 25 years 1999-02-28.
    for row, column, value in [
        (2, "planned_end_date", "2036-02-29"), (3, "planned_end_date", "2036-03-01"),
        (4, "actual_start_date", "2024-01-01"), (4, "actual_end_date", "2029-02-28"),
        (5, "actual_start_date", "2024-01-01"), (5, "actual_end_date", "2029-03-01"),
        # Only the first far date of a grant, for each of planned and actual (DQT: two checks).
        (6, "planned_start_date", "2040-01-01"), (6, "planned_end_date", "2041-01-01"),
        (6, "actual_start_date", "2030-01-01"), (6, "actual_end_date", "2031-01-01"),
        (7, "award_date", "1999-02-28"), (8, "award_date", "1999-03-01"),
        (9, "award_date", "1998-01-01"), (9, "planned_start_date", "1998-02-01"),
        (10, "actual_start_date", "1995-01-01"), (10, "actual_end_date", "1996-01-01"),
    ]:
        set_cell(data, "grants", row, column, value)
    assert tuples(data, config, "far-future-date", "far-past-date") == [
        ("grants.csv", 3, "planned_end_date", "far-future-date"),
        ("grants.csv", 5, "actual_end_date", "far-future-date"),
        ("grants.csv", 6, "planned_start_date", "far-future-date"),
        ("grants.csv", 6, "actual_start_date", "far-future-date"),
        ("grants.csv", 7, "award_date", "far-past-date"),
        ("grants.csv", 9, "award_date", "far-past-date"),
        ("grants.csv", 10, "actual_start_date", "far-past-date"),
    ]
    future = findings(data, config, "far-future-date")
    assert future[0].message == ('"2036-03-01" is more than 12 years from today (expected planned dates no later '
                                 "than 2036-02-29: check the year)")
    assert future[1].message == ('"2029-03-01" is more than 5 years from today (expected actual dates no later than '
                                 "2029-02-28: check the year; actual dates are when the work really started and ended)")
    assert findings(data, config, "far-past-date")[0].message == (
        '"1999-02-28" is 25 years ago or more (expected a date after 1999-02-28: check the year)')


def test_far_dates_none_in_the_sample(data, config, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2025, 7, 10)))
    assert tuples(data, config, "far-future-date", "far-past-date") == []


# --- organisations ----------------------------------------------------------------------------


def test_no_registration_number(data, config):
    group = row_of(data, "organisations", "organisation_type", "unregistered community group")
    set_cell(data, "organisations", group, "organisation_type", "registered charity")  # with a local id
    company = row_of(data, "organisations", "org_id", "GB-COH-99254869")
    set_cell(data, "organisations", company, "org_id", "GB-LAE-SWK-PLC1")  # a supplier of no grant
    set_cell(data, "organisations", company, "company_number", "")
    charity = row_of(data, "organisations", "org_id", "GB-CHC-9002632")
    set_cell(data, "organisations", charity, "charity_number", "")  # the number is in its GB-CHC id
    assert tuples(data, config, "no-registration-number") == sorted([
        ("organisations.csv", group, "charity_number", "no-registration-number"),
        ("organisations.csv", company, "company_number", "no-registration-number"),
    ], key=lambda t: t[1])
    message = next(f.message for f in findings(data, config, "no-registration-number") if f.row == company)
    assert message == ("no charity_number or company_number is given for a private limited company (expected its "
                       "Companies House number, such as 08123456, or an org_id from its register, such as "
                       "GB-COH-08123456: 360Giving's data quality tool notes recipients with neither number)")
    # Honest exceptions: registered with neither register (a community benefit society), or not registered.
    set_cell(data, "organisations", group, "organisation_type", "community benefit society")
    set_cell(data, "organisations", company, "organisation_type", "NHS body")
    set_cell(data, "organisations", company, "is_vcs", "no")
    assert tuples(data, config, "no-registration-number") == []


def test_no_recipient_location_one_finding_per_organisation(data, config):
    outside = row_of(data, "organisations", "org_id", "GB-CHC-9002632")  # receives grants, based outside
    inside = row_of(data, "organisations", "org_id", "GB-CHC-9249892")  # receives grants, in Southwark
    not_stated = row_of(data, "organisations", "org_id", "GB-CHC-9456308")  # receives grants
    supplier = row_of(data, "organisations", "org_id", "GB-COH-99254869")  # receives no grant
    set_cell(data, "organisations", not_stated, "based_in_borough", "")
    set_cell(data, "organisations", supplier, "based_in_borough", "")
    set_cell(data, "organisations", inside, "ward", "")
    assert tuples(data, config, "no-recipient-location", "no-ward") == sorted([
        ("organisations.csv", inside, "ward", "no-ward"),
        ("organisations.csv", not_stated, "ward", "no-recipient-location"),
    ], key=lambda t: t[1])
    assert outside not in [t[1] for t in tuples(data, config, "no-recipient-location")]


# --- grants -----------------------------------------------------------------------------------


def _make_individual(data: Path, org_id: str) -> str:
    new = "GB-LAE-SWK-IND-0001"
    for name in ("organisations", "grants", "contracts"):
        path = data / f"{name}.csv"
        path.write_text(path.read_text(encoding="utf-8").replace(org_id, new), encoding="utf-8")
    row = row_of(data, "organisations", "org_id", new)
    for column, value in (("name", "Individual recipient"), ("organisation_type", "individual"),
                          ("charity_number", ""), ("company_number", ""), ("is_vcs", "no"), ("ward", ""),
                          ("based_in_borough", "")):
        set_cell(data, "organisations", row, column, value)
    return new


def test_no_beneficiary_ward_but_not_for_individuals(data, config):
    rows = read_rows(data / "grants.csv")
    column = rows[0].index("beneficiary_ward")
    empty = [n for n, row in enumerate(rows, start=1) if n > 1 and row[column] == ""]
    assert tuples(data, config, "no-beneficiary-ward") == [("grants.csv", n, "beneficiary_ward", "no-beneficiary-ward")
                                                           for n in empty]
    individual = _make_individual(data, "GB-CHC-9456308")
    theirs = [n for n, row in enumerate(read_rows(data / "grants.csv"), start=1) if individual in row]
    for n in theirs:
        set_cell(data, "grants", n, "beneficiary_ward", "")
    assert tuples(data, config, "no-beneficiary-ward") == [("grants.csv", n, "beneficiary_ward", "no-beneficiary-ward")
                                                           for n in empty if n not in theirs]
    assert findings(data, config, "no-beneficiary-ward")[0].message == (
        "no beneficiary ward is given (expected the ward the grant benefits, such as Borough & Bankside; a grant for "
        "the whole area has none, which is fine: the 360Giving export then gives no beneficiary location)")


def test_long_title(data, config):
    set_cell(data, "grants", 2, "title", "x" * 141)
    set_cell(data, "grants", 3, "title", "é" * 140)  # characters, not bytes
    assert tuples(data, config, "long-title") == [("grants.csv", 2, "title", "long-title")]
    assert findings(data, config, "long-title")[0].message.endswith(
        " is 141 characters long (expected a title of at most 140 characters, as 360Giving recommends: move the "
        "detail to the description)")


def test_no_last_modified(data, config):
    assert tuples(data, config, "no-last-modified") == []  # the sample gives every grant's
    set_cell(data, "grants", 4, "last_modified", "")
    assert tuples(data, config, "no-last-modified") == [("grants.csv", 4, "last_modified", "no-last-modified")]


def test_no_data_source_unless_the_settings_give_one(data, config):
    grants = len(read_rows(data / "grants.csv")) - 1
    set_cell(data, "grants", 2, "data_source", "https://www.example.gov.uk/grants/2025-26.csv")
    assert config.site_url == "" and config.publisher_website == "https://www.southwark.gov.uk/"
    assert tuples(data, config, "no-data-source") == []  # the bundled settings give publisher.website
    neither = dataclasses.replace(config, publisher_website="")
    assert tuples(data, neither, "no-data-source") == [("grants.csv", n, "data_source", "no-data-source")
                                                       for n in range(3, grants + 2)]
    assert tuples(data, dataclasses.replace(neither, site_url="https://data.example.gov.uk/"), "no-data-source") == []
    # A Config without publisher_website (read with getattr): site.url alone decides.
    tables = checks_tables(data)
    older = types.SimpleNamespace(**{k: v for k, v in vars(neither).items() if k != "publisher_website"})
    assert len([f for f in run_checks(tables, load_package(data), older) if f.code == "no-data-source"]) == grants - 1


def checks_tables(data: Path) -> dict:
    from generator.data import load

    tables, problems = load.load(load_package(data).resources)
    assert problems == []
    return tables


def test_no_planned_dates(data, config):
    set_cell(data, "grants", 2, "planned_end_date", "")
    set_cell(data, "grants", 3, "planned_start_date", "")
    set_cell(data, "grants", 4, "planned_start_date", "")
    set_cell(data, "grants", 4, "planned_end_date", "")
    assert tuples(data, config, "no-planned-dates") == [
        ("grants.csv", 2, "planned_end_date", "no-planned-dates"),
        ("grants.csv", 3, "planned_start_date", "no-planned-dates"),
        ("grants.csv", 4, "planned_start_date", "no-planned-dates"),
    ]
    assert findings(data, config, "no-planned-dates")[2].message.startswith("no planned start or end date is given")


# --- wards ------------------------------------------------------------------------------------


def test_ward_without_code_only_where_used(data, config):
    used = get_cell(data, "grants", 2, "beneficiary_ward")  # Dulwich Village
    ward = row_of(data, "wards", "ward_name", used)
    set_cell(data, "wards", ward, "ons_code", "")
    unused = append(data, "wards", [["Nowhere Green", ""]])[0]
    assert tuples(data, config, "ward-without-code") == [("wards.csv", ward, "ons_code", "ward-without-code")]
    finding = findings(data, config, "ward-without-code")[0]
    assert re.fullmatch(r'"Dulwich Village" has no ons_code, but \d+ grants? (and \d+ organisations? )?name it '
                        r"\(expected its ONS ward code, E05011100 in ONS's December 2022 ward lookup: .*", finding.message)
    assert finding.example == "E05011100"
    assert unused not in [t[1] for t in tuples(data, config, "ward-without-code")]


def test_ward_code_unknown(data, config):
    set_cell(data, "wards", 2, "ons_code", "E05011096")  # Borough & Bankside given Camberwell Green's code
    set_cell(data, "wards", 3, "ons_code", "E05999999")
    set_cell(data, "wards", 4, "ons_code", "S13002516")
    assert tuples(data, config, "ward-code-unknown") == [
        ("wards.csv", 2, "ons_code", "ward-code-unknown"),
        ("wards.csv", 3, "ons_code", "ward-code-unknown"),
        ("wards.csv", 4, "ons_code", "ward-code-unknown"),
    ]
    swapped, made_up, _ = findings(data, config, "ward-code-unknown")
    assert swapped.message == ('"E05011096" is the ONS code of Camberwell Green, not of "Borough & Bankside" '
                               "(expected E05011095, its code in the lookup, as ONS's December 2022 ward lookup "
                               "gives it)")
    assert made_up.message == ('"E05999999" is not a ward code in ONS\'s December 2022 ward lookup (expected '
                               "E05011096, its code in the lookup; a ward created since then is not in the lookup: "
                               "check the code with ONS)")


def test_the_sample_ward_codes_are_known(data, config):
    assert tuples(data, config, "ward-code-unknown", "ward-without-code") == []


def test_ward_codes_of_every_uk_nation_pass_the_schema_and_postcodes_do_not():
    """GeoCodePostcode's counterpart: wards.ons_code is a GSS ward code, so never a postcode."""
    schema = json.loads((PROJECT_DIR / "schemas" / "wards.json").read_text(encoding="utf-8"))
    spec = next(f for f in schema["fields"] if f["name"] == "ons_code")
    pattern = re.compile("^{0}$".format(spec["constraints"]["pattern"]))  # as frictionless and fast.py read it
    with ons.ONS_WARDS.open(encoding="utf-8", newline="") as f:
        codes = [row["WD22CD"] for row in csv.DictReader(f)]
    assert len(codes) > 8000 and {c[:3] for c in codes} == {"E05", "W05", "S13", "N08"}
    assert all(pattern.match(code) for code in codes)
    for wrong in ("SW10 0AB", "sw1a1aa", "EC1A 1BB", "M1 1AE", "E08000037", "E05011095X", "XE05011095", "E0501109"):
        assert not pattern.match(wrong), wrong


def test_a_postcode_as_a_ward_code_is_a_schema_error(data, config):
    set_cell(data, "wards", 2, "ons_code", "SW10 0AB")
    assert [(f.row, f.column, f.code) for f in check_data(data, config)[0] if f.severity == "error"] == [
        (2, "ons_code", "constraint-pattern")]


# --- text -------------------------------------------------------------------------------------


def test_removed_by_import(data, config):
    set_cell(data, "grants", 2, "description", "Book on [telephone number removed] or [e-mail address removed].")
    set_cell(data, "organisations", 3, "name", "Friends of [name removed]")
    set_cell(data, "grants", 3, "description", "Nothing was removed here.")
    assert tuples(data, config, "removed-by-import") == [
        ("organisations.csv", 3, "name", "removed-by-import"),
        ("grants.csv", 2, "description", "removed-by-import"),
    ]
    assert findings(data, config, "removed-by-import")[1].message == (
        'contains "[e-mail address removed]" and "[telephone number removed]", which an import wrote where it took '
        "out personal data (expected words that read well without it: reword the sentence and remove the marker)")
    # A text check: reported even when the file fails its schema elsewhere.
    set_cell(data, "grants", 4, "amount_awarded", "lots")
    assert ("grants.csv", 2, "description", "removed-by-import") in tuples(data, config, "removed-by-import")


def test_the_email_pattern_finds_what_dqt_finds_in_plausible_text():
    for text, email in [("Title A.  ,moo@moo.com ", "moo@moo.com"), ("Large Awards bob@bop.com", "bob@bop.com"),
                        ("Write to zoë@example.org", "zoë@example.org"),
                        ("info@café.example.co.uk for details", "info@café.example.co.uk"),
                        ("Typed twice: bob@example..org", "bob@example..org"),
                        ("o'brien@example.org.", "o'brien@example.org")]:
        assert EMAIL.search(text).group(0) == email
    dqt = re.compile(r"[\w.-]+@[\w.-]+\.[\w.-]+")
    for text in ("@SUM(A1:A2)", "Meet @ the hall.", "10am@", "user@localhost"):
        assert not EMAIL.search(text) and not dqt.search(text)


def test_an_email_in_a_title_is_an_error(data, config):
    set_cell(data, "grants", 2, "title", "Title A.  ,moo@moo.com ")
    set_cell(data, "grants", 3, "title", "Thanks to zoë@example.org")
    assert tuples(data, config, "personal-data") == [("grants.csv", 2, "title", "personal-data"),
                                                     ("grants.csv", 3, "title", "personal-data")]


# --- DQT's own test package ---------------------------------------------------------------------

COUNTERPARTS = ["not-positive", "org-id-prefix", "registration-number", "personal-data", "end-before-start",
                "award-in-future", "no-programme", "title-is-description", *NEW_CODES]


def test_dqt_test_package(data, config, monkeypatch):
    """DQT's unit-test package (tests/fixtures/dqt: 3 grants, their recipients and a ward) appended to the
    sample, "today" 10 July 2025. Each finding of a counterpart check, with the DQT check it stands for."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2025, 7, 10)))
    config = dataclasses.replace(config, publisher_website="")  # as DQT's package: no dataSource to fall back on
    g0, g1, g2 = append(data, "grants")
    blah, unknown, chc = append(data, "organisations")
    (bloomsbury,) = append(data, "wards")
    ours = {g0, g1, g2, blah, unknown, chc, bloomsbury}
    found = [t for t in tuples(data, config, *COUNTERPARTS)
             if t[1] in ours and (t[0] != "organisations.csv" or t[1] in {blah, unknown, chc})
             and (t[0] != "wards.csv" or t[1] == bloomsbury) and (t[0] != "grants.csv" or t[1] in {g0, g1, g2})]
    assert found == [
        ("wards.csv", bloomsbury, "ons_code", "ward-without-code"),  # BeneficiaryLocationNameButNoCode (grant 0)
        # IncompleteRecipientOrg (grant 0, in DQT's older tests): no ward, nor whether it is in the area.
        ("organisations.csv", blah, "ward", "no-recipient-location"),
        ("organisations.csv", unknown, "org_id", "org-id-prefix"),  # RecipientOrgUnrecognisedPrefix (grant 1)
        ("organisations.csv", chc, "org_id", "registration-number"),  # OrganizationIdLooksInvalid (grant 2, recipient)
        # BeneficiaryButNotRecipientGeoData (grant 2, in DQT's older tests). DQT's NoRecipientOrgCompanyCharityNumber
        # (grant 2) has no counterpart here: the charity number is in the GB-CHC org_id (see the README).
        ("organisations.csv", chc, "ward", "no-recipient-location"),
        # grant 0
        ("grants.csv", g0, "title", "personal-data"),  # LooksLikeEmail (grants/0/title)
        ("grants.csv", g0, "description", "personal-data"),  # LooksLikeEmail (grants/0/Grant type)
        ("grants.csv", g0, "programme", "no-programme"),  # NoGrantProgramme
        ("grants.csv", g0, "amount_awarded", "not-positive"),  # ZeroAmountTest
        ("grants.csv", g0, "award_date", "award-in-future"),  # PostDatedAwardDates
        ("grants.csv", g0, "planned_end_date", "end-before-start"),  # PlannedStartDateBeforeEndDate
        ("grants.csv", g0, "planned_end_date", "end-before-start"),  # ours only: the award after the planned end
        ("grants.csv", g0, "co_funders", "funder-id-prefix"),  # FundingOrgUnrecognisedPrefix (XSFAFA)
        ("grants.csv", g0, "co_funders", "several-funders"),  # MoreThanOneFundingOrg
        ("grants.csv", g0, "data_source", "no-data-source"),  # NoDataSource
        # grant 1
        ("grants.csv", g1, "title", "long-title"),  # TitleLength (191 characters)
        ("grants.csv", g1, "award_date", "award-in-future"),  # PostDatedAwardDates
        ("grants.csv", g1, "planned_end_date", "far-future-date"),  # FarFuturePlannedDates (2038-10-23)
        # NoBeneficiaryLocation and RecipientGeoDataButNoBeneficiary
        ("grants.csv", g1, "beneficiary_ward", "no-beneficiary-ward"),
        ("grants.csv", g1, "co_funders", "funder-360g-id"),  # FundingOrg360GPrefix (360G-CHC-000001)
        ("grants.csv", g1, "co_funders", "several-funders"),  # MoreThanOneFundingOrg
        # MultiFundingNamesForOrgId (GB-CHC-111111 named twice) and MultiFundingOrgIdsForName ("Funding
        # Providers UK" with 360G-CHC-000001 after XSFAFA), in one finding for the cell
        ("grants.csv", g1, "co_funders", "funder-names"),
        ("grants.csv", g1, "actual_end_date", "end-before-start"),  # ActualStartDateBeforeEndDate
        ("grants.csv", g1, "last_modified", "no-last-modified"),  # NoLastModified
        # grant 2
        ("grants.csv", g2, "description", "title-is-description"),  # TitleDescriptionSame
        ("grants.csv", g2, "co_funders", "funder-id-invalid"),  # OrganizationIdLooksInvalid (GB-COH-000000)
        ("grants.csv", g2, "co_funders", "several-funders"),  # MoreThanOneFundingOrg
        ("grants.csv", g2, "co_funders", "funder-names"),  # MultiFundingOrgIdsForName (GB-COH-000000)
        ("grants.csv", g2, "actual_start_date", "far-past-date"),  # FarPastDates (1999-03-29)
        ("grants.csv", g2, "actual_end_date", "far-future-date"),  # FarFutureActualDates (2031-04-29)
        ("grants.csv", g2, "data_source", "no-data-source"),  # NoDataSource
    ]
    names = next(f.message for f in findings(data, config, "funder-names") if f.row == g1)
    assert names.startswith(
        'the funder "Funding Providers UK" has the identifier 360G-CHC-000001 here but XSFAFA first (grants.csv '
        f'row {g0}); the identifier GB-CHC-111111 is named "Funding Providers Name2" here but "Funding Providers '
        f'Name1" first (grants.csv row {g1}) (expected')

    # The schema's counterparts: ImpossibleDates (30 February), RecipientOrgCharityNumber ("12345") and
    # RecipientOrgCompanyNumber ("AAA"), each a schema error (and the files then skip the council's checks).
    set_cell(data, "grants", g2, "planned_start_date", "2026-02-30")
    set_cell(data, "organisations", blah, "charity_number", "12345")
    set_cell(data, "organisations", blah, "company_number", "AAA")
    errors = [(Path(f.path).name, f.row, f.column, f.code) for f in check_data(data, config)[0]
              if f.code in ("type-error", "constraint-pattern")]
    assert errors == [
        ("organisations.csv", blah, "charity_number", "constraint-pattern"),
        ("organisations.csv", blah, "company_number", "constraint-pattern"),
        ("grants.csv", g2, "planned_start_date", "type-error"),
    ]


def test_dqt_recipient_360g_and_unexpected_characters_are_schema_errors(data, config):
    """RecipientOrg360GPrefix, OrganizationIdUnexpectedChars and GrantIdUnexpectedChars: our identifier
    patterns refuse a 360G- organisation id and any whitespace (a line break included)."""
    set_cell(data, "organisations", 2, "org_id", "360G-Blah")
    set_cell(data, "organisations", 3, "org_id", "GB-CHC-12\n34567")
    set_cell(data, "grants", 2, "grant_id", "360G-southwarkcouncil-a\nb")
    found = [(Path(f.path).name, f.row, f.column, f.code) for f in check_data(data, config)[0]
             if f.code == "constraint-pattern"]
    assert ("organisations.csv", 2, "org_id", "constraint-pattern") in found
    assert ("organisations.csv", 3, "org_id", "constraint-pattern") in found
    assert ("grants.csv", 2, "grant_id", "constraint-pattern") in found


def test_many_grants_without_a_source_are_found_column_at_once(small_tables, config):
    """no-data-source can flag every grant: its findings are made from the column, with the values."""
    grants = pd.concat([small_tables["grants"]] * 50, ignore_index=True)
    tables = dict(small_tables, grants=grants)
    package = load_package(PROJECT_DIR / "data")
    config = dataclasses.replace(config, publisher_website="")
    ctx = checks.Context(tables=tables, package=package, config=config, today=dt.date(2025, 7, 10))
    check = next(c for c in CHECKS if c.code == "no-data-source")
    found = check.run(ctx, check)
    assert len(found) == len(grants) and {f.value for f in found} == {""}
    assert found[-1].row == len(grants) + 1


# --- the same grants as DQT finds in our export (tests/dqt.py, the oracle of tests/exports/test_dqt.py) -------

# DQT's date paths and our columns.
DATE_COLUMNS = {"awardDate": "award_date", "plannedDates/0/startDate": "planned_start_date",
                "plannedDates/0/endDate": "planned_end_date", "actualDates/0/startDate": "actual_start_date",
                "actualDates/0/endDate": "actual_end_date"}
# DQT check -> (our code, the column of our finding, or None for any)
SAME_GRANTS = {
    "ZeroAmountTest": ("not-positive", "amount_awarded"),
    "FundingOrgUnrecognisedPrefix": ("funder-id-prefix", "co_funders"),
    "FundingOrg360GPrefix": ("funder-360g-id", "co_funders"),
    "MultiFundingNamesForOrgId": ("funder-names", "co_funders"),
    "MultiFundingOrgIdsForName": ("funder-names", "co_funders"),
    "LooksLikeEmail": ("personal-data", None),
    "ActualStartDateBeforeEndDate": ("end-before-start", "actual_end_date"),
    "PostDatedAwardDates": ("award-in-future", "award_date"),
    "NoGrantProgramme": ("no-programme", "programme"),
    "NoBeneficiaryLocation": ("no-beneficiary-ward", "beneficiary_ward"),
    "TitleLength": ("long-title", "title"),
    "NoLastModified": ("no-last-modified", "last_modified"),
    "NoDataSource": ("no-data-source", "data_source"),
    "PlannedDurationNotPresent": ("no-planned-dates", None),
}


def test_our_checks_find_the_grants_dqt_finds_in_our_export(data, config, monkeypatch):
    """The sample, DQT's test package and a few more rows; exported to 360Giving JSON and run through the
    oracle: each DQT check flags the grants (and for dates, the very dates) that its counterpart flags here."""
    import dqt
    from conftest import tables_of
    from generator.exports import giving360

    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2025, 7, 10)))
    config = dataclasses.replace(config, publisher_website="")
    append(data, "grants")
    append(data, "organisations")
    append(data, "wards")
    for row, column, value in [(2, "co_funders", "Friends (GB-CHC-1123456); Friends Trust (GB-CHC-1123456)"),
                               (3, "co_funders", "Friends (GB-COH-SC123456); Local (360g-local-1)"),
                               (4, "planned_end_date", ""), (5, "last_modified", ""), (6, "title", "t" * 141),
                               (7, "actual_start_date", "2000-07-10"), (8, "actual_start_date", "2000-07-11"),
                               (9, "data_source", "https://www.example.gov.uk/grants.csv")]:
        set_cell(data, "grants", row, column, value)
    ours = findings(data, config, *{code for code, _ in SAME_GRANTS.values()}, "far-future-date", "far-past-date",
                    "several-funders", "funder-id-invalid", "ward-without-code")
    exported = giving360.grants_to_360(tables_of(data), config)
    theirs = dqt.findings({"grants": exported}, dt.datetime(2025, 7, 10, 12, 0))
    grant_of = lambda location: int(location.split("/")[1]) + 2  # noqa: E731 (grants/<i>/... -> its row)
    grants = [f for f in ours if f.dataset == "grants"]
    by_code: dict[tuple, set] = {}
    for name, (code, column) in SAME_GRANTS.items():
        by_code.setdefault((code, column), set()).update(grant_of(loc) for check, loc in theirs if check == name)
    # One identifier twice in a grant's co_funders under two names: the export lists the first only, so DQT
    # never sees the second; funder-names flags it (DQT's own test package has it, grants/1).
    table = read_rows(data / "grants.csv")
    twice = set()
    for n, row in enumerate(table[1:], start=2):
        names: dict[str, set] = {}
        for name, org_id in re.findall(r"([^;()]+?)\s*\(([^()\s]+)\)", row[table[0].index("co_funders")]):
            names.setdefault(org_id, set()).add(name.strip())
        if any(len(found) > 1 for found in names.values()):
            twice.add(n)
    assert twice == {2, len(table) - 1}  # the row set above, and DQT's grants/1
    by_code["funder-names", "co_funders"] |= twice
    for (code, column), flagged in by_code.items():
        found = {f.row for f in grants if f.code == code and column in (None, f.column)}
        assert flagged <= found if code == "personal-data" else flagged == found, (code, flagged, found)
        assert flagged, code  # each pair is tried
    # Dates: the same dates, not only the same grants.
    for names, code in ((("FarFuturePlannedDates", "FarFutureActualDates"), "far-future-date"),
                        (("FarPastDates",), "far-past-date")):
        flagged = {(grant_of(loc), DATE_COLUMNS[loc.split("/", 2)[2]]) for check, loc in theirs if check in names}
        assert flagged == {(f.row, f.column) for f in grants if f.code == code}, code
    # Funders' identifiers that may be invalid (DQT also flags recipients'; ours are registration-number).
    flagged = {grant_of(loc) for check, loc in theirs if check == "OrganizationIdLooksInvalid"
               and "/fundingOrganization/" in loc}
    assert flagged == {f.row for f in grants if f.code == "funder-id-invalid"}
    # MoreThanOneFundingOrg lists each funder identifier where it first appears: the council's and those
    # that make several-funders grants.
    first_ids = {dqt_id for check, loc in theirs if check == "MoreThanOneFundingOrg"
                 for dqt_id in [_at(exported, loc)]}
    several = {f.row for f in grants if f.code == "several-funders"}
    assert first_ids - {config.publisher_org_id} == {entry["id"] for row in several
                                                     for entry in exported[row - 2]["fundingOrganization"][1:]}
    # A beneficiary location with a name and no code: the grants naming a ward ward-without-code flags.
    wards = {get_cell(data, "wards", f.row, "ward_name") for f in ours if f.code == "ward-without-code"}
    flagged = {grant_of(loc) for check, loc in theirs if check == "BeneficiaryLocationNameButNoCode"}
    ward = table[0].index("beneficiary_ward")
    assert flagged == {n for n, row in enumerate(table[1:], start=2) if row[ward] in wards} and flagged


def _at(grants: list[dict], location: str):
    """The value at a DQT json_location ("grants/1/fundingOrganization/0/id")."""
    value = {"grants": grants}
    for part in location.split("/"):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value
