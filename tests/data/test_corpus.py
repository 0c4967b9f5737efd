"""The bad-input corpus (tests/data/corpus_cases.py): every case gives its exact messages,
exit code 1, no traceback, and leaves the published site byte for byte as it was."""

from __future__ import annotations

import hashlib
import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from generator import build, cli

from corpus_cases import CASES

SOURCE_DATE_EPOCH = "1795564800"  # 25 November 2026: "today" for the date checks

EXPECTED = {
    'cp1252-pound': [
        'data/grants.csv, row 4: byte 0xA3 is not UTF-8 (0xA3 is £ in Windows-1252) (expected UTF-8 text: save the file as "CSV UTF-8")',
    ],
    'bom': [
        'data/grants.csv: the file starts with a byte-order mark (expected UTF-8 without a BOM: Excel\'s "CSV UTF-8" adds one; remove it in a text editor, e.g. save as "UTF-8" not "UTF-8 with BOM")',
    ],
    '360giving-bom-fixture': [
        'data/grants.csv: the file starts with a byte-order mark (expected UTF-8 without a BOM: Excel\'s "CSV UTF-8" adds one; remove it in a text editor, e.g. save as "UTF-8" not "UTF-8 with BOM")',
    ],
    '360giving-cp1252-fixture': [
        'data/grants.csv, row 2: byte 0x80 is not UTF-8 (expected UTF-8 text: save the file as "CSV UTF-8")',
    ],
    'frictionless-latin1-fixture': [
        'data/wards.csv, row 3: byte 0xA9 is not UTF-8 (expected UTF-8 text: save the file as "CSV UTF-8")',
    ],
    'frictionless-duplicate-headers-fixture': [
        'data/wards.csv, row 1: unexpected column "id" at position 1 (expected only: ward_name, ons_code)',
        'data/wards.csv, row 1: unexpected column "name" at position 2 (expected only: ward_name, ons_code)',
        'data/wards.csv, row 1: unexpected column "age" at position 4 (expected only: ward_name, ons_code)',
        'data/wards.csv, row 1: the header "id" appears more than once (expected each column once)',
        'data/wards.csv, row 1: the header "id" appears more than once (expected each column once)',
        'data/wards.csv, row 1: the column "ward_name" is missing (expected the header row: ward_name,ons_code)',
        'data/wards.csv, row 1: the column "ons_code" is missing (expected the header row: ward_name,ons_code)',
    ],
    'utf16': [
        'data/outcomes.csv: the file is UTF-16 (expected UTF-8 text)',
    ],
    'semicolons': [
        'data/wards.csv, row 1: the columns are separated by semicolons (expected commas)',
    ],
    'tabs': [
        'data/outcomes.csv, row 1: the columns are separated by tabs (expected commas)',
    ],
    'zero-byte': [
        'data/outcomes.csv: the file is empty (expected a header row and data rows)',
    ],
    'whitespace-only': [
        'data/outcomes.csv: the file is empty (expected a header row and data rows)',
    ],
    'binary': [
        'data/outcomes.csv: the file is not text: it contains NUL bytes (expected a CSV file in UTF-8)',
    ],
    'xlsx-saved-as-csv': [
        'data/outcomes.csv: the file is an Excel workbook or another ZIP file, not CSV (expected a CSV file: in Excel use Save As, "CSV UTF-8")',
    ],
    'missing-file': [
        'data/contracts.csv: file not found (it is listed in datapackage.json)',
    ],
    'duplicate-header': [
        'data/outcomes.csv, row 1: the header "title" appears more than once (expected each column once)',
        'data/outcomes.csv, row 1: the column "description" is missing (expected the header row: outcome_id,theme,title,description)',
    ],
    'renamed-header': [
        'data/outcomes.csv, row 1: unexpected column "Theme" at position 2 (expected only: outcome_id, theme, title, description)',
        'data/outcomes.csv, row 1: the column "theme" is missing (expected the header row: outcome_id,theme,title,description)',
    ],
    'missing-header': [
        'data/wards.csv, row 1: the column "ons_code" is missing (expected the header row: ward_name,ons_code)',
    ],
    'extra-header': [
        'data/wards.csv, row 1: unexpected column "population" at position 3 (expected only: ward_name, ons_code)',
    ],
    'header-with-spaces': [
        'data/outcomes.csv, row 1: the header " outcome_id" has spaces around it (expected "outcome_id")',
    ],
    'reordered-headers': [
        'data/wards.csv, row 1: the columns are in a different order (expected: ward_name,ons_code)',
    ],
    'blank-row': [
        'data/outcomes.csv, row 3: the row is blank (expected no blank rows: delete it)',
    ],
    'blank-rows-at-end': [
        'data/outcomes.csv, row 10: the row is blank (expected no blank rows: delete it)',
        'data/outcomes.csv, row 11: the row is blank (expected no blank rows: delete it)',
    ],
    'ragged-long-row': [
        'data/outcomes.csv, row 3: the row has 5 values but there are 4 columns; the first extra value is "surplus" (expected 4 values: a value with a comma must be in double quotes)',
    ],
    'ragged-short-row': [
        'data/outcomes.csv, row 3, column "title": the row has too few values (expected 4 values)',
        'data/outcomes.csv, row 3, column "description": the row has too few values (expected 4 values)',
    ],
    'unquoted-comma-in-text': [
        'data/outcomes.csv, row 3: the row has 6 values but there are 4 columns; the first extra value is "Children and young people get the best start and reach thei… (70 characters)" (expected 4 values: a value with a comma must be in double quotes)',
    ],
    'ten-megabyte-cell': [
        'data/grants.csv, row 3, column "description": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (10,000,000 characters)" is 10,000,000 characters long (expected at most 4,000 characters)',
    ],
    'amount-with-pound-and-commas': [
        'data/grants.csv, row 14, column "amount_awarded": "£1,200" is not a number (expected a plain number such as 1200.50)',
    ],
    'amount-with-commas': [
        'data/contracts.csv, row 2, column "total_value_gbp": "1,250,000" is not a number (expected a plain number such as 1200.50)',
    ],
    'amount-with-words': [
        'data/grants.csv, row 2, column "amount_awarded": "about 500" is not a number (expected a plain number such as 1200.50)',
    ],
    'amount-nan': [
        'data/grants.csv, row 2, column "amount_awarded": "NaN" is not a usable number (expected a plain number such as 15000.00)',
    ],
    'amount-infinite': [
        'data/grants.csv, row 2, column "amount_awarded": "1e400" is not a usable number (expected a plain number such as 15000.00)',
    ],
    'date-dd-mm-yyyy': [
        'data/grants.csv, row 3, column "award_date": "15/01/2025" is not a date: it is written day/month/year (expected a date written YYYY-MM-DD, such as 2025-01-15)',
    ],
    'date-excel-serial': [
        'data/contracts.csv, row 2, column "start_date": "45383" is not a date: it looks like an Excel serial date (format the column as a date, or type YYYY-MM-DD) (expected a date written YYYY-MM-DD, such as 2025-01-15)',
    ],
    'date-impossible': [
        'data/grants.csv, row 3, column "award_date": "2025-02-30" is not a date (expected a date written YYYY-MM-DD, such as 2025-01-15)',
    ],
    'boolean-y': [
        'data/organisations.csv, row 2, column "is_vcs": "Y" is not yes or no (expected yes or no)',
    ],
    'enum-wrong-case': [
        'data/contracts.csv, row 2, column "client_group": "Mental Health" is not one of the allowed values (expected one of: mental health; children and young people; older adults; complex needs; other)',
    ],
    'required-missing': [
        'data/grants.csv, row 2, column "title": the value is missing (expected a value, such as Youth club summer programme: this column is required)',
    ],
    'id-trailing-space': [
        'data/grants.csv, row 2, column "grant_id": "360G-southwarkcouncil-G0000001 " is not in the expected form: it has a space or line break at the start or end (expected something like 360G-exampleborough-G000123)',
        'data/funding_outcomes.csv, row 11, column "grant_id": "360G-southwarkcouncil-G0000001" does not match any grant_id in grants.csv (expected a grant_id listed there: add it there first, or correct this one)',
    ],
    'reference-with-line-break': [
        'data/grants.csv, row 2, column "recipient_org_id": "GB-CHC-9003767\\n" does not match any org_id in organisations.csv: it has a space or line break at the start or end (expected an org_id listed there: add it there first, or correct this one)',
    ],
    'duplicate-id': [
        'data/contracts.csv, row 3, column "contract_id": "SWK-C-00001" appears more than once (expected each contract_id to be unique)',
        'data/funding_outcomes.csv, row 3, column "contract_id": "SWK-C-00002" does not match any contract_id in contracts.csv (expected a contract_id listed there: add it there first, or correct this one)',
        'data/decision_links.csv, row 3, column "contract_id": "SWK-C-00002" does not match any contract_id in contracts.csv (expected a contract_id listed there: add it there first, or correct this one)',
        'data/decision_links.csv, row 6, column "contract_id": "SWK-C-00002" does not match any contract_id in contracts.csv (expected a contract_id listed there: add it there first, or correct this one)',
    ],
    'unknown-foreign-key': [
        'data/contracts.csv, row 2, column "supplier_org_id": "GB-CHC-9999999" does not match any org_id in organisations.csv (expected an org_id listed there: add it there first, or correct this one)',
    ],
    'unknown-ward': [
        'data/organisations.csv, row 2, column "ward": "Atlantis" does not match any ward_name in wards.csv (expected a ward_name listed there: add it there first, or correct this one)',
    ],
    'bad-pattern': [
        'data/measurements.csv, row 2, column "period": "Q1 2024" is not in the expected form (expected something like 2024-25 Q1)',
    ],
    'negative-amount': [
        'data/grants.csv, row 2, column "amount_awarded": "-50" is less than 0 (expected 0 or more)',
    ],
    'too-long-title': [
        'data/contracts.csv, row 2, column "title": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA… (201 characters)" is 201 characters long (expected at most 200 characters)',
    ],
    'formula-equals': [
        'data/grants.csv, row 2, column "title": "=HYPERLINK("http://example.com","Click")" starts with "=", which spreadsheets treat as a formula (expected text that starts with a letter, digit or quotation mark)',
    ],
    'formula-plus': [
        'data/contracts.csv, row 2, column "social_value_commitments": "+SUM(1,2)" starts with "+", which spreadsheets treat as a formula (expected text that starts with a letter, digit or quotation mark)',
    ],
    'formula-at': [
        'data/grants.csv, row 2, column "description": "@SUM(A1:A2)" starts with "@", which spreadsheets treat as a formula (expected text that starts with a letter, digit or quotation mark)',
    ],
    'html-script': [
        'data/grants.csv, row 2, column "description": contains HTML or a script "<script>" (expected plain text: remove the markup)',
    ],
    'html-image-onerror': [
        'data/contracts.csv, row 2, column "title": contains HTML or a script "<img src=x onerror=alert(1)>" (expected plain text: remove the markup)',
    ],
    'javascript-link': [
        'data/outcomes.csv, row 2, column "description": contains HTML or a script "javascript:" (expected plain text: remove the markup)',
    ],
    'email-in-text': [
        'data/grants.csv, row 2, column "description": contains an email address "jane.smith@example.org", which may be personal data (expected no contact details in published text: remove it, or use a role address published elsewhere)',
    ],
    'phone-in-text': [
        'data/contracts.csv, row 2, column "description": contains a telephone number "020 7525 5000", which may be personal data (expected no contact details in published text: remove it)',
    ],
    'postcode-in-text': [
        'data/grants.csv, row 2, column "description": contains a full postcode "SE15 5BS", which may be personal data (expected no contact details in published text: remove it, or give only the ward or the first half, such as SE1)',
    ],
    'postcode-lower-case': [
        'data/contracts.csv, row 3, column "description": contains a full postcode "se15  5bs" beside a person\'s name "Mr Okafor\'s", which could locate them (expected no one\'s address in published text: remove it, or give only the ward or the first half, such as SE1)',
    ],
    'phone-in-brackets': [
        'data/grants.csv, row 3, column "description": contains a telephone number "(020) 7525 5000", which may be personal data (expected no contact details in published text: remove it)',
    ],
    'phone-with-dots': [
        'data/commissioning_intentions.csv, row 2, column "description": contains a telephone number "020.7525.5000", which may be personal data (expected no contact details in published text: remove it)',
    ],
    'mobile-international': [
        'data/organisations.csv, row 3, column "name": contains a telephone number "+44 (0)7700 900123", which may be personal data (expected no contact details in published text: remove it)',
    ],
    'personal-data-beside-a-type-error': [
        'data/grants.csv, row 2, column "description": contains a telephone number "07700 900123", which may be personal data (expected no contact details in published text: remove it)',
        'data/grants.csv, row 3, column "amount_awarded": "lots" is not a number (expected a plain number such as 1200.50)',
    ],
    'individual-id-with-wrong-type': [
        'data/organisations.csv, row 2, column "name": "Ashdown Heritage Network" looks like a person\'s name (expected an individual to be shown as "Individual" or "Individual recipient", never by name)',
        'data/organisations.csv, row 2, column "organisation_type": "unregistered community group" is not "individual", but the org_id "GB-LAE-SWK-IND-0001" is an individual\'s (expected organisation_type individual)',
    ],
    'individual-named': [
        'data/organisations.csv, row 2, column "org_id": "GB-CHC-9002632" identifies an individual by something other than an anonymous reference (expected GB-LAE-SWK-IND- then a number, as 360Giving\'s guidance asks)',
        'data/organisations.csv, row 2, column "name": "Jane Smith" looks like a person\'s name (expected an individual to be shown as "Individual" or "Individual recipient", never by name)',
    ],
    'zero-amount': [
        'data/grants.csv, row 7, column "amount_awarded": "0" is not more than zero (expected an amount above £0, such as 15000.00)',
    ],
    'award-in-future': [
        'data/grants.csv, row 2, column "award_date": "2099-01-01" is in the future (expected an award date on or before 2026-11-25: publish grants once awarded)',
        'data/grants.csv, row 2, column "planned_end_date": "2022-05-31" is before the award_date "2099-01-01" (expected planned_end_date on or after award_date)',
        'data/grants.csv, row 2, column "award_date": "2099-01-01" is implausibly far in the past or future (expected a date between 1990 and 2051, such as 2025-01-15)',
    ],
    'end-before-start': [
        'data/contracts.csv, row 2, column "end_date": "2024-03-31" is before the start_date "2024-04-01" (expected end_date on or after start_date)',
    ],
    'implausibly-old-date': [
        'data/contracts.csv, row 2, column "start_date": "1901-04-01" is implausibly far in the past or future (expected a date between 1990 and 2051, such as 2024-04-01)',
        'data/contracts.csv, row 2, column "start_date": "1901-04-01" is before the contract award decision (Gateway 2: contract award approval) ILL-DEC-0004 of 2017-02-17 (expected a contract to start on or after the decision that awarded it: correct the start date or the decision\'s date)',
    ],
    'annual-above-total': [
        'data/contracts.csv, row 5, column "annual_value_gbp": "2000" is more than the total value "1000" (expected an annual value no larger than the total)',
    ],
    'unknown-org-id-prefix': [
        'data/organisations.csv, row 2, column "org_id": "XX-NOPE-123" does not start with a prefix listed on org-id.guide (expected a registered prefix such as GB-CHC, GB-COH or GB-SC, then the register\'s number)',
    ],
    'charity-number-mismatch': [
        'data/organisations.csv, row 2, column "charity_number": "1234567" does not match the number in the org_id "GB-CHC-9002632" (expected 9002632)',
    ],
    'not-a-financial-year': [
        'data/measurements.csv, row 2, column "period": "2024-26" is not a financial year (expected two consecutive years, such as 2024-25 or 2024-25 Q1)',
    ],
    'malformed-datapackage': [
        'data/datapackage.json: is not valid JSON (Unterminated string starting at: line 155 column 17 (char 6854))',
    ],
    '360giving-json-as-datapackage': [
        'data/datapackage.json: is not valid JSON (Expecting property name enclosed in double quotes: line 10 column 15 (char 234))',
    ],
    'schema-file-missing': [
        'schemas/grants.json: file not found (expected the table schema for grants)',
    ],
    'schema-unknown-type': [
        'data/datapackage.json: field "amount_awarded" of "grants" has type \'money\' (expected one of: boolean, date, integer, number, string)',
    ],
    'schema-bad-regex': [
        'data/datapackage.json: field "grant_id" of "grants" has a pattern that is not a valid regular expression (unterminated character set at position 5)',
    ],
    'foreign-key-to-unknown-resource': [
        'data/datapackage.json: a foreign key of "grants" points to the resource "nothere", which is not in the package',
    ],
    'dataset-dropped': [
        'data/datapackage.json: the resource "wards" is missing (the site needs: wards, commissioners, organisations, contracts, grants, commissioning_intentions, outcomes, indicators, measurements, funding_outcomes, decisions, decision_links)',
        'data/datapackage.json: a foreign key of "organisations" points to the resource "wards", which is not in the package',
        'data/datapackage.json: a foreign key of "grants" points to the resource "wards", which is not in the package',
    ],
    'resources-not-a-list': [
        'data/datapackage.json: "resources" is not a list of datasets (expected one entry per CSV file)',
    ],
    'many-at-once': [
        'data/organisations.csv, row 4, column "is_sme": "maybe" is not yes or no (expected yes or no)',
        'data/contracts.csv, row 3, column "end_date": "soon" is not a date (expected a date written YYYY-MM-DD, such as 2025-01-15)',
        'data/grants.csv, row 2, column "amount_awarded": "lots" is not a number (expected a plain number such as 1200.50)',
        'data/outcomes.csv, row 2, column "description": contains an email address "a@b.co", which may be personal data (expected no contact details in published text: remove it, or use a role address published elsewhere)',
    ],
}



def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def published(small_data, tmp_path_factory, config):
    """A site already published from the valid data, for the broken builds to leave alone."""
    out = tmp_path_factory.mktemp("published") / "site"
    build.build(small_data, out, config, docs_dir=None)
    return out


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert set(EXPECTED) == {case_id for case_id, _ in CASES}


@pytest.mark.parametrize("case_id,mutate", CASES, ids=[c[0] for c in CASES])
def test_broken_input(case_id, mutate, data, published, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    out = tmp_path / "site"
    shutil.copytree(published, out)
    before = digest(out)
    mutate(data)
    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        status = cli.main(["build", "--data", "data", "--out", str(out)])
    lines = stderr.getvalue().splitlines()
    assert status == 1
    assert "Traceback" not in stdout.getvalue() + stderr.getvalue()
    errors = [line[2:] for line in lines if line.startswith("  ") and not line.startswith("  warning: ")]
    assert errors == EXPECTED[case_id]
    assert lines[-1].startswith("Build stopped: ") and lines[-1].endswith(f"Nothing was published; {out} is unchanged.")
    assert digest(out) == before
