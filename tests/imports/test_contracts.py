"""import-contracts: registers (CSV, XLSX) and OCDS packages as our rows, merged into a project."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator import cli
from generator.config import PROJECT_DIR
from generator.imports.contracts import ContractsImportError, import_contracts, summary

FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "contracts"
MESSY = FIXTURES / "register-messy.csv"
AWARD = FIXTURES / "contracts-finder-award.json"
REAL = FIXTURES / "contracts-finder-2016-tower-hamlets-tender.json"
TODAY = dt.date(2025, 1, 1)
PERSONAL = ["Jane Smith", "jane.smith@example.gov.uk", "7946 0123", "bob.jones", "Priya Patel", "priya.patel",
            "960 123", "960123", "Tom Baker", "tom.baker", "07700", "Sam Green", "sam.green", "Dawn Bonner",
            "procurement@towerhamlets.gov.uk"]


def rows_of(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def run(capsys, *argv) -> tuple[int, list[str], str]:
    code = cli.main(["import-contracts", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


# --- a register ------------------------------------------------------------------------


def test_messy_register_maps_title_variants_and_values():
    result = import_contracts(MESSY, local_org_prefix="GB-LAE-SWK", today=TODAY)
    assert (result.read, result.imported, result.skipped) == (6, 3, 3)
    first, second, third = result.contracts
    assert first["contract_id"] == "EX/2024/001"  # trimmed, kept as the register gives it
    assert (first["start_date"], first["end_date"], first["review_date"]) == ("2024-04-01", "2027-03-31",
                                                                              "2026-10-01")
    assert (first["total_value_gbp"], first["annual_value_gbp"], first["vat_not_recoverable_gbp"]) == (
        "1234500.5", "411500", "0")
    assert first["procurement_route"] == "open procedure" and second["procurement_route"] == "framework call-off"
    assert third["procurement_route"] == ""  # "ITT": open or restricted, not stated
    assert (first["status"], second["status"], third["status"]) == ("live", "live", "")  # third: no end date
    assert first["commissioner_id"] == "ADULT-SOCIAL-CARE" and second["commissioner_id"] == "CHILDRENS-SERVICES"
    assert [c["client_group"] for c in result.contracts] == ["", "", ""]
    orgs = {o["org_id"]: o for o in result.organisations}
    assert set(orgs) == {"GB-COH-04142000", "GB-CHC-1123456", "GB-LAE-SWK-NUNHEAD-LUNCH-CLUB"}
    assert (orgs["GB-COH-04142000"]["is_sme"], orgs["GB-COH-04142000"]["is_vcs"]) == ("yes", "no")
    lunch = orgs["GB-LAE-SWK-NUNHEAD-LUNCH-CLUB"]
    assert (lunch["is_sme"], lunch["is_vcs"], lunch["organisation_type"], lunch["based_in_borough"]) == (
        "", "yes", "", "")


def test_messy_register_notes_say_what_was_skipped_and_why():
    notes = import_contracts(MESSY, local_org_prefix="GB-LAE-SWK", today=TODAY).notes
    assert 'Left out: skipped row 6 (EX/2024/004): its total_value_gbp "TBC" is not an amount (expected pounds, ' \
           'such as 1234.50 or £1,234.50).' in notes
    assert 'Left out: skipped row 7 (EX/2024/001): its reference "EX/2024/001" is the same as an earlier row\'s ' \
           '(expected each contract once).' in notes
    assert 'Left out: column "Contract officer email": contact details are never imported.' in notes
    assert 'Left out: is_sme values that are not yes or no, left empty (not stated): 1 (row 5 (EX/2024/003): ' \
           '"unknown").' in notes
    assert [n.split(":")[0] for n in notes] == sorted((n.split(":")[0] for n in notes),
                                                      key=["Mapped", "Guessed", "Left out"].index)


def test_xlsx_register_with_excel_dates(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Contracts register"
    sheet.append(["Reference Number", "Contract title", "Supplier name", "Charity number", "Directorate",
                  "Contract value", "Start date", "End date", "VCSE", "Status"])
    sheet.append(["R-1", "Advice service", "Advice Line", 1098765, "Communities", 52000.0,
                  dt.datetime(2024, 4, 1), 46112, "TRUE", "Active"])
    sheet.append(["R-2", "Befriending", "Friends Group", None, "Communities", "£9,999", "2024-05-01", None, "no",
                  None])
    book.create_sheet("Notes").append(["ignore me"])
    book.save(tmp_path / "register.xlsx")
    result = import_contracts(tmp_path / "register.xlsx", local_org_prefix="GB-LAE-SWK", today=TODAY)
    first, second = result.contracts
    assert (first["start_date"], first["end_date"], first["total_value_gbp"], first["status"]) == (
        "2024-04-01", "2026-03-31", "52000", "live")
    assert first["supplier_org_id"] == "GB-CHC-1098765"
    assert (second["total_value_gbp"], second["end_date"], second["status"]) == ("9999", "", "")
    assert 'Left out: sheet "Notes" was not read (only the register\'s sheet, "Contracts register", is ' \
           'imported).' in result.notes
    assert "Guessed: dates stored as Excel serial numbers, converted: 1 (row 2 (R-1))." in result.notes


@pytest.mark.parametrize("text, message", [
    ("Title,Supplier\nA,B\n", "has no column for the contract reference in its first 10 rows (expected a header "
                              "row with titles such as \"Reference\", \"Contract reference\", \"Title\", "
                              "\"Supplier\", \"Value\", \"Start date\")"),
    ("Reference,Title,Supplier,Value\nA,B,C,1\n",
     "has no column for the start date (expected titles such as the start date: \"Start date\" / \"Contract start "
     "date\" / \"start_date\")"),
    ("", "is empty (expected a header row such as Reference, Title, Supplier, Value, Start date, then one row per "
         "contract)"),
])
def test_unreadable_registers_are_named_errors(tmp_path, text, message):
    path = tmp_path / "register.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContractsImportError) as raised:
        import_contracts(path, local_org_prefix="GB-LAE-SWK")
    assert str(raised.value) == f"{path}: {message}"


# --- OCDS ----------------------------------------------------------------------------------


def test_contracts_finder_award_package():
    result = import_contracts(AWARD, local_org_prefix="GB-LAE-SWK", today=TODAY)
    assert (result.read, result.imported, result.skipped) == (3, 2, 1)
    ocid = "ocds-b5fd17-11111111-2222-3333-4444-555555555555"
    first, second = result.contracts
    assert (first["contract_id"], second["contract_id"]) == (f"{ocid}-EXB-0042-1", f"{ocid}-EXB-0042-2")
    assert (first["supplier_org_id"], first["total_value_gbp"], first["start_date"], first["end_date"]) == (
        "GB-COH-04142000", "450000", "2024-06-01", "2027-05-31")
    assert second["total_value_gbp"] == "90000.5" and first["procurement_route"] == "open procedure"
    orgs = {o["org_id"]: o for o in result.organisations}
    assert (orgs["GB-COH-04142000"]["is_sme"], orgs["GB-COH-04142000"]["is_vcs"]) == ("yes", "no")
    assert orgs["GB-LAE-SWK-ACME-FACILITIES-GROUP"]["is_sme"] == "no"  # scale "large"
    assert "GB-CHC-1098765" not in orgs  # the second supplier of a joint award: noted, not imported
    assert [c["commissioner_id"] for c in result.commissioners] == ["EXAMPLE-BOROUGH-COUNCIL"]
    assert ("Left out: 3 contact points (officers' names, e-mail addresses, telephone numbers): contact points "
            "are never imported.") in result.notes
    assert ('Left out: skipped award "EXB-0042-3": its value is in EUR (expected GBP: our amounts are in '
            'pounds).') in result.notes


def test_no_contact_details_reach_any_written_file(tmp_path, capsys):
    for source in (AWARD, MESSY, REAL):
        code, lines, err = run(capsys, source, "--out", tmp_path / "data")
        assert code == 0, err
        for value in PERSONAL:
            assert value not in "\n".join(lines)
    written = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "data").glob("*.csv"))
    assert "[e-mail address removed]" in written
    for value in PERSONAL:
        assert value not in written, value


def test_real_contracts_finder_tender_notice_has_nothing_to_import(tmp_path, capsys):
    code, lines, _ = run(capsys, REAL, "--out", tmp_path / "data")
    assert code == 0
    assert lines == [
        f"Read 0 awards from {REAL}: imported 0 contracts.",
        f"Nothing was written to {tmp_path / 'data'}.",
        "Left out: 1 release with no award (tender or planning notices): nothing to import from them.",
        f"Next: run python -m generator validate --data {tmp_path / 'data'}",
    ]
    assert not (tmp_path / "data").exists()


def test_ocds_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{\"releases\": [", encoding="utf-8")
    with pytest.raises(ContractsImportError) as raised:
        import_contracts(bad, local_org_prefix="GB-LAE-SWK")
    assert str(raised.value) == (f"{bad}: is not valid JSON (Expecting value at line 1, column 15; expected an OCDS "
                                 "release or record package)")
    bad.write_text("[]", encoding="utf-8")
    with pytest.raises(ContractsImportError) as raised:
        import_contracts(bad, local_org_prefix="GB-LAE-SWK")
    assert str(raised.value) == (f"{bad}: is not an OCDS release or record package (expected a JSON object with a "
                                 "list of \"releases\" or \"records\")")


# --- round trips: our own downloads ------------------------------------------------------


@pytest.fixture(scope="module")
def downloads(built_site) -> Path:
    return built_site / "downloads"


def _same_contracts(imported: list[dict], with_review: bool) -> None:
    ours = {r["contract_id"]: r for r in rows_of(PROJECT_DIR / "data" / "contracts.csv")}
    assert [r["contract_id"] for r in imported] == list(ours)
    columns = ["title", "supplier_org_id", "start_date", "end_date", "total_value_gbp"]
    columns += ["review_date", "annual_value_gbp", "vat_not_recoverable_gbp", "commissioner_id"] if with_review else []
    for row in imported:
        for column in columns:
            assert row[column] == ours[row["contract_id"]][column], (row["contract_id"], column)


def test_transparency_register_round_trips(downloads):
    commissioners = rows_of(PROJECT_DIR / "data" / "commissioners.csv")
    result = import_contracts(downloads / "transparency-contracts-register.csv", local_org_prefix="GB-LAE-SWK",
                              commissioners=commissioners)
    assert result.skipped == 0 and result.commissioners == []
    _same_contracts(result.contracts, with_review=True)
    orgs = {r["org_id"]: r for r in rows_of(PROJECT_DIR / "data" / "organisations.csv")}
    for org in result.organisations:
        assert (org["name"], org["is_sme"], org["is_vcs"]) == (orgs[org["org_id"]]["name"],
                                                               orgs[org["org_id"]]["is_sme"],
                                                               orgs[org["org_id"]]["is_vcs"])


def test_ocds_export_round_trips(downloads):
    result = import_contracts(downloads / "ocds-contracts.json", local_org_prefix="GB-LAE-SWK",
                              commissioners=rows_of(PROJECT_DIR / "data" / "commissioners.csv"))
    assert result.skipped == 0
    _same_contracts(result.contracts, with_review=False)


def test_cli_merges_into_a_project(tmp_path, capsys, downloads):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(PROJECT_DIR / "data" / "commissioners.csv", data / "commissioners.csv")
    register = downloads / "transparency-contracts-register.csv"
    code, lines, _ = run(capsys, register, "--out", data)
    assert code == 0
    assert lines[:3] == [f"Read 320 register rows from {register}: imported 320 contracts.",
                         "contracts.csv: 320 added", "organisations.csv: 167 added"]
    assert lines[-1] == f"Next: run python -m generator validate --data {data}"
    code, lines, _ = run(capsys, register, "--out", data)
    assert lines[1:3] == ["contracts.csv: 0 added, 320 already there and unchanged",
                          "organisations.csv: 0 added, 167 already there and unchanged"]


def test_cli_department_option(tmp_path, capsys):
    data = tmp_path / "data"
    code, lines, err = run(capsys, AWARD, "--out", data, "--department", "SWK-ASC")
    assert (code, lines, err) == (2, [], f"error: --department SWK-ASC: is not in {data / 'commissioners.csv'} "
                                         "(expected one of: none yet; or add it with --department-name NAME)\n")
    code, lines, err = run(capsys, AWARD, "--out", data, "--department", "SWK-ASC", "--department-name",
                           "Adult Social Care")
    assert code == 0, err
    assert rows_of(data / "commissioners.csv")[0]["name"] == "Adult Social Care"
    assert {r["commissioner_id"] for r in rows_of(data / "contracts.csv")} == {"SWK-ASC"}
    code, _, err = run(capsys, AWARD, "--out", data, "--department", "adult care")
    assert (code, err) == (2, "error: --department 'adult care': is not a commissioner id (expected capital "
                              "letters, digits and hyphens, such as CHILDRENS-SERVICES)\n")


def test_cli_errors(tmp_path, capsys):
    code, lines, err = run(capsys, tmp_path / "missing.csv", "--out", tmp_path)
    assert (code, lines) == (1, [])
    assert err == (f"error: {tmp_path / 'missing.csv'}: file not found (expected a contracts register .csv or "
                   ".xlsx, or an OCDS .json file)\n")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    code, _, err = run(capsys, tmp_path / "notes.txt", "--out", tmp_path)
    assert (code, err) == (1, f"error: {tmp_path / 'notes.txt'}: is not a .csv, .xlsx or .json file (expected a "
                              "contracts register as CSV or XLSX, or an OCDS release or record package as JSON)\n")
    code, _, err = run(capsys, MESSY)
    assert code == 2 and "the following arguments are required: --out" in err
    assert "Traceback" not in err


def test_summary_line():
    result = import_contracts(MESSY, local_org_prefix="GB-LAE-SWK", today=TODAY)
    assert summary(result) == f"Read 6 register rows from {MESSY}: imported 3 contracts, skipped 3."
