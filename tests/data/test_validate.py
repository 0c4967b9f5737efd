"""Validation findings on small broken copies of the data: compact tuples and exact text."""

from __future__ import annotations

from conftest import get_cell, read_rows, set_cell, write_rows

from generator.data.stage import check_data
from generator.findings import ERROR, WARNING


def findings(data, config, severity=ERROR):
    found, _, _ = check_data(data, config)
    return [f for f in found if f.severity == severity]


def tuples(data, config, severity=ERROR):
    return [f.as_tuple() for f in findings(data, config, severity)]


def test_small_sample_is_valid(data, config):
    assert tuples(data, config) == []


def test_amount_with_pound_sign_and_comma(data, config):
    set_cell(data, "grants", 14, "amount_awarded", "£1,200")
    found = findings(data, config)
    assert [f.as_tuple() for f in found] == [(14, "amount_awarded", "type-error")]
    assert str(found[0]) == (
        'data/grants.csv, row 14, column "amount_awarded": "£1,200" is not a number '
        "(expected a plain number such as 1200.50)"
    )


def test_date_in_british_order(data, config):
    set_cell(data, "grants", 3, "award_date", "15/01/2025")
    found = findings(data, config)
    assert [str(f) for f in found] == [
        'data/grants.csv, row 3, column "award_date": "15/01/2025" is not a date: it is written day/month/year '
        "(expected a date written YYYY-MM-DD, such as 2025-01-15)"
    ]


def test_boolean_other_than_yes_or_no(data, config):
    set_cell(data, "organisations", 2, "is_vcs", "Y")
    assert [str(f) for f in findings(data, config)] == [
        'data/organisations.csv, row 2, column "is_vcs": "Y" is not yes or no (expected yes or no)'
    ]


def test_missing_required_value(data, config):
    set_cell(data, "contracts", 2, "title", "")
    assert [str(f) for f in findings(data, config)] == [
        'data/contracts.csv, row 2, column "title": the value is missing '
        "(expected a value, such as Community mental health support service: this column is required)"
    ]


def test_value_not_in_enum(data, config):
    set_cell(data, "grants", 5, "funding_type", "long term")
    assert [str(f) for f in findings(data, config)] == [
        'data/grants.csv, row 5, column "funding_type": "long term" is not one of the allowed values '
        "(expected one of: longer-term; short-term innovation)"
    ]


def test_pattern(data, config):
    set_cell(data, "contracts", 4, "contract_id", "C 1")
    found = findings(data, config)
    assert (4, "contract_id", "constraint-pattern") in [f.as_tuple() for f in found]
    assert str(found[0]) == (
        'data/contracts.csv, row 4, column "contract_id": "C 1" is not in the expected form '
        "(expected something like C-00042)"
    )


def test_negative_amount(data, config):
    set_cell(data, "grants", 2, "amount_awarded", "-5")
    assert tuples(data, config) == [(2, "amount_awarded", "constraint-minimum")]


def test_duplicate_id_is_reported_once(data, config):
    first = get_cell(data, "grants", 2, "grant_id")
    set_cell(data, "grants", 3, "grant_id", first)
    found = [f for f in findings(data, config) if f.dataset == "grants"]
    assert [f.as_tuple() for f in found] == [(3, "grant_id", "duplicate")]
    assert str(found[0]) == (
        f'data/grants.csv, row 3, column "grant_id": "{first}" appears more than once '
        "(expected each grant_id to be unique)"
    )


def test_duplicate_composite_key(data, config):
    rows = read_rows(data / "measurements.csv")
    rows.insert(2, list(rows[1]))
    write_rows(data / "measurements.csv", rows)
    assert tuples(data, config) == [(3, None, "duplicate")]
    indicator, period, area = (get_cell(data, "measurements", 3, name) for name in ("indicator_id", "period", "area"))
    assert str(findings(data, config)[0]) == (  # the key's own cells, not the whole row's
        f'data/measurements.csv, row 3: the key indicator_id, period, area = "{indicator}", "{period}", "{area}" '
        "appears more than once (expected each combination to be unique)"
    )


def test_an_empty_id_is_missing_not_a_duplicate(data, config):
    set_cell(data, "grants", 2, "grant_id", "")
    set_cell(data, "grants", 3, "grant_id", "")
    found = [f for f in findings(data, config) if f.dataset == "grants"]
    assert [f.as_tuple() for f in found] == [(2, "grant_id", "constraint-required"), (3, "grant_id", "constraint-required")]


def test_unknown_foreign_key(data, config):
    set_cell(data, "grants", 6, "recipient_org_id", "GB-CHC-999999")
    found = findings(data, config)
    assert [f.as_tuple() for f in found] == [(6, "recipient_org_id", "foreign-key")]
    assert str(found[0]) == (
        'data/grants.csv, row 6, column "recipient_org_id": "GB-CHC-999999" does not match any org_id in '
        "organisations.csv (expected an org_id listed there: add it there first, or correct this one)"
    )


def test_every_error_at_once_across_files(data, config):
    set_cell(data, "grants", 2, "amount_awarded", "lots")
    set_cell(data, "grants", 9, "award_date", "yesterday")
    set_cell(data, "contracts", 3, "total_value_gbp", "1.2m")
    set_cell(data, "organisations", 4, "is_sme", "maybe")
    assert tuples(data, config) == [
        (4, "is_sme", "type-error"),
        (3, "total_value_gbp", "type-error"),
        (2, "amount_awarded", "type-error"),
        (9, "award_date", "type-error"),
    ]


def test_more_than_a_thousand_errors_are_all_reported(data, config):
    rows = read_rows(data / "measurements.csv")
    column = rows[0].index("value")
    for row in rows[1:]:
        row[column] = "n/a"
    write_rows(data / "measurements.csv", rows)
    assert len(rows) > 1000
    assert len(tuples(data, config)) == len(rows) - 1


# --- the file itself ---------------------------------------------------------


def test_byte_order_mark(data, config):
    path = data / "grants.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [str(f) for f in findings(data, config)] == [
        'data/grants.csv: the file starts with a byte-order mark (expected UTF-8 without a BOM: Excel\'s '
        '"CSV UTF-8" adds one; remove it in a text editor, e.g. save as "UTF-8" not "UTF-8 with BOM")'
    ]


def test_windows_1252_pound_sign(data, config):
    set_cell(data, "grants", 4, "title", "Grant of £500")
    path = data / "grants.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    assert [str(f) for f in findings(data, config)] == [
        'data/grants.csv, row 4: byte 0xA3 is not UTF-8 (0xA3 is £ in Windows-1252) '
        '(expected UTF-8 text: save the file as "CSV UTF-8")'
    ]


def test_semicolons(data, config):
    path = data / "wards.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    assert [str(f) for f in findings(data, config)] == [
        "data/wards.csv, row 1: the columns are separated by semicolons (expected commas)"
    ]


def test_header_problems(data, config):
    rows = read_rows(data / "outcomes.csv")
    rows[0] = ["outcome_id", "Theme", "title", "title"]
    write_rows(data / "outcomes.csv", rows)
    assert [str(f) for f in findings(data, config)] == [
        'data/outcomes.csv, row 1: unexpected column "Theme" at position 2 '
        "(expected only: outcome_id, theme, title, description)",
        'data/outcomes.csv, row 1: the header "title" appears more than once (expected each column once)',
        'data/outcomes.csv, row 1: the column "theme" is missing '
        "(expected the header row: outcome_id,theme,title,description)",
        'data/outcomes.csv, row 1: the column "description" is missing '
        "(expected the header row: outcome_id,theme,title,description)",
    ]


def test_empty_and_missing_files(data, config):
    (data / "outcomes.csv").write_bytes(b"")
    (data / "wards.csv").unlink()
    found = [str(f) for f in findings(data, config)]
    assert found[:2] == [
        "data/wards.csv: file not found (it is listed in datapackage.json)",
        "data/outcomes.csv: the file is empty (expected a header row and data rows)",
    ]
    # Foreign keys into a file that could not be read are not checked, so no flood follows.
    assert not any("ward_name" in f for f in found)


def test_blank_row_and_extra_value(data, config):
    rows = read_rows(data / "outcomes.csv")
    rows.insert(2, [])
    rows[3].append("surplus")
    write_rows(data / "outcomes.csv", rows)
    assert tuples(data, config) == [(3, None, "blank-row"), (4, None, "extra-cell")]


def test_binary_file(data, config):
    (data / "outcomes.csv").write_bytes(b"PK\x03\x04\x00\x00binary")
    assert [str(f) for f in findings(data, config)] == [
        'data/outcomes.csv: the file is an Excel workbook or another ZIP file, not CSV (expected a CSV file: '
        'in Excel use Save As, "CSV UTF-8")'
    ]


def test_long_values_are_cut_short_and_line_breaks_shown(data, config):
    set_cell(data, "grants", 2, "amount_awarded", "9" * 5000 + "x")
    set_cell(data, "grants", 3, "funding_type", "longer-term\n")
    found = [str(f) for f in findings(data, config)]
    assert found[0] == (
        'data/grants.csv, row 2, column "amount_awarded": "' + "9" * 59 + '… (5,001 characters)" '
        "is not a number (expected a plain number such as 1200.50)"
    )
    assert found[1].startswith('data/grants.csv, row 3, column "funding_type": "longer-term\\n" is not one of')


def test_missing_descriptor(data, config):
    (data / "datapackage.json").unlink()
    assert [str(f) for f in findings(data, config)] == ["data/datapackage.json: file not found (expected the data package descriptor here)"]


# --- council checks beyond the schema ---------------------------------------


def test_end_before_start(data, config):
    set_cell(data, "contracts", 2, "start_date", "2024-04-01")
    set_cell(data, "contracts", 2, "end_date", "2024-03-31")
    set_cell(data, "contracts", 2, "review_date", "")
    assert [str(f) for f in findings(data, config) if f.severity == ERROR] == [
        'data/contracts.csv, row 2, column "end_date": "2024-03-31" is before the start_date "2024-04-01" '
        "(expected end_date on or after start_date)"
    ]


def test_annual_value_above_total(data, config):
    set_cell(data, "contracts", 5, "total_value_gbp", "1000")
    set_cell(data, "contracts", 5, "annual_value_gbp", "2000")
    assert tuples(data, config) == [(5, "annual_value_gbp", "annual-exceeds-total")]


def test_zero_amount(data, config):
    set_cell(data, "grants", 7, "amount_awarded", "0")
    assert tuples(data, config) == [(7, "amount_awarded", "not-positive")]


def test_grant_prefix_from_settings(data, config):
    old = set_cell(data, "grants", 2, "grant_id", "360G-othercouncil-1")
    links = data / "funding_outcomes.csv"
    links.write_text(links.read_text(encoding="utf-8").replace(old, "360G-othercouncil-1"), encoding="utf-8")
    found = [f for f in findings(data, config) if f.code == "grant-id-prefix"]
    assert [str(f) for f in found] == [
        'data/grants.csv, row 2, column "grant_id": "360G-othercouncil-1" does not start with the council\'s '
        "360Giving prefix (expected 360G-southwarkcouncil- then a reference)"
    ]


def test_funding_outcome_needs_exactly_one_of_contract_or_grant(data, config):
    rows = read_rows(data / "funding_outcomes.csv")
    header = rows[0]
    contract = get_cell(data, "contracts", 2, "contract_id")
    grant = get_cell(data, "grants", 2, "grant_id")
    both = dict(zip(header, rows[1]), contract_id=contract, grant_id=grant)
    neither = dict(zip(header, rows[1]), contract_id="", grant_id="")
    rows += [[both[h] for h in header], [neither[h] for h in header], list(rows[1])]
    write_rows(data / "funding_outcomes.csv", rows)
    n = len(rows)
    assert tuples(data, config) == [(n - 2, "grant_id", "one-of"), (n - 1, "contract_id", "one-of"), (n, None, "duplicate-row")]


def test_financial_year_period(data, config):
    set_cell(data, "measurements", 2, "period", "2024-26 Q1")
    assert tuples(data, config) == [(2, "period", "financial-year")]


def test_missing_programme_is_a_warning(data, config):
    set_cell(data, "grants", 2, "programme", "")
    assert tuples(data, config) == []
    assert (2, "programme", "no-programme") in tuples(data, config, WARNING)
    set_cell(data, "grants", 2, "programme", "Warm Spaces")
    assert (2, "programme", "no-programme") not in tuples(data, config, WARNING)


# --- postcodes: a person's address is an error, a building's a warning -----------------------


def _make_individual(data, row: int) -> str:
    """Organisation `row` becomes an anonymised individual; returns its new org_id."""
    old, new = get_cell(data, "organisations", row, "org_id"), f"GB-LAE-SWK-IND-000{row}"
    for name in ("organisations", "grants", "contracts"):
        path = data / f"{name}.csv"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    for column, value in (("name", "Individual recipient"), ("organisation_type", "individual"),
                          ("charity_number", ""), ("company_number", ""), ("is_vcs", "no")):
        set_cell(data, "organisations", row, column, value)
    return new


def test_postcodes_that_could_locate_a_person_are_errors_and_buildings_warnings(data, config):
    set_cell(data, "contracts", 2, "description", "Refurbishment of 12 High Street, SE1 2QH")
    set_cell(data, "contracts", 3, "title", "Adaptations at the home of Mrs Jane Smith, SE1 2QH")
    set_cell(data, "contracts", 4, "description", "Repairs to Sir John Cass School, E1 7RL")
    set_cell(data, "grants", 3, "description", "Sessions held at the hall; contact: Jane Smith, SE15 5BS")
    set_cell(data, "grants", 4, "description", "Sessions held at 12 Rye Lane, SE15 5BS")
    person = _make_individual(data, 2)  # the recipient of grant 2
    set_cell(data, "grants", 2, "description", "A grant towards a wheelchair delivered to SE15 5BS")
    assert tuples(data, config) == [(3, "title", "personal-data"), (2, "description", "personal-data"),
                                    (3, "description", "personal-data"), (4, "description", "personal-data")]
    assert [(f.row, f.column, f.code) for f in findings(data, config, WARNING) if f.code == "building-postcode"] == [
        (2, "description", "building-postcode"), (4, "description", "building-postcode")]
    errors = [f.message for f in findings(data, config)]
    fix = "remove it, or give only the ward or the first half, such as SE1)"
    assert errors == [
        'contains a full postcode "SE1 2QH" beside a person\'s name "Mrs Jane Smith", which could locate them '
        f"(expected no one's address in published text: {fix}",
        f'contains a full postcode "SE15 5BS" in a row about an individual ({person}), which could locate them '
        f"(expected no one's address in published text: {fix}",
        'contains a full postcode "SE15 5BS" beside a person\'s name "contact: Jane Smith", which could locate '
        f"them (expected no one's address in published text: {fix}",
        'contains a full postcode "SE15 5BS", which may be personal data (expected no contact details in '
        f"published text: {fix}",
    ]
    warning = next(f for f in findings(data, config, WARNING) if f.code == "building-postcode")
    assert str(warning) == (
        'warning: data/contracts.csv, row 2, column "description": contains a full postcode "SE1 2QH", taken to be '
        "a building's address (expected no address where a person lives or could be found: if it is one, "
        f"{fix}")


def test_a_contract_with_an_individual_supplier_makes_its_postcode_an_error(data, config):
    supplier = get_cell(data, "contracts", 2, "supplier_org_id")
    row = next(i for i, r in enumerate(read_rows(data / "organisations.csv"), start=1) if r[0] == supplier)
    _make_individual(data, row)
    set_cell(data, "contracts", 2, "description", "Home care delivered at SE1 2QH")
    assert (2, "description", "personal-data") in tuples(data, config)
    assert "building-postcode" not in {f.code for f in findings(data, config, WARNING)}


def test_emails_and_telephone_numbers_stay_errors_in_contracts(data, config):
    set_cell(data, "contracts", 2, "description", "Refurbishment of 12 High Street, SE1 2QH; ring 020 7525 5000")
    set_cell(data, "contracts", 3, "title", "Works: ask estates@example.org")
    assert tuples(data, config) == [(2, "description", "personal-data"), (3, "title", "personal-data")]


# --- an organisation's type and its VCS flag ----------------------------------------------


def test_type_and_vcs_flag_agree(data, config):
    rows = read_rows(data / "organisations.csv")
    kind = rows[0].index("organisation_type")
    charity = next(i for i, r in enumerate(rows, start=1) if r[kind] == "registered charity")
    company = next(i for i, r in enumerate(rows, start=1) if r[kind] == "private limited company")
    set_cell(data, "organisations", charity, "is_vcs", "no")
    set_cell(data, "organisations", company, "is_vcs", "yes")
    found = [f for f in findings(data, config) if f.code == "type-vcs-mismatch"]
    assert [f.as_tuple() for f in found] == sorted([(charity, "is_vcs", "type-vcs-mismatch"),
                                                   (company, "is_vcs", "type-vcs-mismatch")])
    by_row = {f.row: str(f) for f in found}
    assert by_row[charity] == (
        f'data/organisations.csv, row {charity}, column "is_vcs": "no" does not agree with the organisation_type '
        '"registered charity" (expected is_vcs yes: a registered charity is a voluntary or community sector '
        "organisation; correct whichever of the two is wrong)")
    assert by_row[company] == (
        f'data/organisations.csv, row {company}, column "is_vcs": "yes" does not agree with the organisation_type '
        '"private limited company" (expected is_vcs no: a private limited company is not a voluntary or community '
        "sector organisation; correct whichever of the two is wrong)")


def test_a_company_limited_by_guarantee_may_be_either(data, config):
    set_cell(data, "organisations", 2, "organisation_type", "company limited by guarantee")
    for flag in ("yes", "no"):
        set_cell(data, "organisations", 2, "is_vcs", flag)
        assert "type-vcs-mismatch" not in {f.code for f in findings(data, config)}


def test_type_and_vcs_rows_not_stated_are_skipped(data, config):
    import pandas as pd
    from conftest import tables_of

    from generator.data.checks import CHECKS, Context
    from generator.data.package import load_package

    tables = tables_of(data)
    orgs = tables["organisations"]
    kind = orgs["organisation_type"].astype(object)
    orgs["is_vcs"] = orgs["is_vcs"].astype("boolean")
    orgs.loc[0, "is_vcs"] = pd.NA  # not stated: a charity with no flag
    orgs.loc[1, "is_vcs"] = not orgs.loc[1, "is_vcs"]  # wrong
    kind[2] = pd.NA  # a type not stated, whatever the flag
    orgs["organisation_type"] = pd.array(kind, dtype="string")
    orgs.loc[2, "is_vcs"] = not orgs.loc[2, "is_vcs"]
    check = next(c for c in CHECKS if c.code == "type-vcs-mismatch")
    ctx = Context(tables=tables, package=load_package(data), config=config, today=None)
    assert [f.as_tuple() for f in check.run(ctx, check)] == [(3, "is_vcs", "type-vcs-mismatch")]


def test_type_and_vcs_left_empty_in_the_file_are_not_checked(data, config):
    set_cell(data, "organisations", 2, "is_vcs", "")  # a registered charity, its flag not stated
    set_cell(data, "organisations", 3, "organisation_type", "")  # a type not stated, flagged yes
    assert "type-vcs-mismatch" not in {f.code for f in findings(data, config)}


def test_an_empty_key_whose_columns_are_optional(data, config):
    """A council's own schema may make a key's columns optional: an empty key is then one error."""
    import json

    schema_path = data.parent / "schemas" / "measurements.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    for field in schema["fields"]:
        if field["name"] in schema["primaryKey"]:
            field.get("constraints", {}).pop("required", None)
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    for name in schema["primaryKey"]:
        set_cell(data, "measurements", 4, name, "")
    found = [f for f in findings(data, config) if f.dataset == "measurements"]
    assert [f.as_tuple() for f in found] == [(4, None, "duplicate")]
    assert str(found[0]) == ("data/measurements.csv, row 4: the key indicator_id, period, area is empty "
                             "(expected a value in at least one of them, unique to the row)")
