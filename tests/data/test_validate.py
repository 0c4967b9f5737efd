"""Validation findings on small broken copies of the data: compact tuples and exact text."""

from __future__ import annotations

from generator.findings import ERROR, WARNING

from conftest import get_cell, read_rows, set_cell, write_rows
from generator.data.stage import check_data


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
