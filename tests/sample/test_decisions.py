"""The decision trail: the real Southwark decisions bundled as they are, the illustrative
decisions and links the sample generator writes, and the checks on them (exact messages)."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from generator.sample import decisions as sample_decisions
from generator.sample import generate as sample
from generator.data.checks import _free_text_columns
from generator.config import PROJECT_DIR
from generator.findings import ERROR, WARNING
from generator.data.package import load_package

from conftest import SHARED, get_cell, read_rows, sample_data, set_cell, write_rows
from generator.data.stage import check_data

REFERENCE = PROJECT_DIR / "generator" / "reference" / "southwark-decisions.csv"


def findings(data, config, severity=ERROR):
    found, _, _ = check_data(data, config)
    return [f for f in found if f.severity == severity]


def texts(data, config, severity=ERROR):
    return [str(f) for f in findings(data, config, severity)]


def dicts(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def row_of(data, dataset: str, **match) -> int:
    """The spreadsheet row (the header is row 1) of the first row whose columns match."""
    for i, row in enumerate(dicts(data / f"{dataset}.csv"), start=2):
        if all(row[k] == v for k, v in match.items()):
            return i
    raise LookupError(match)


def award_link(data) -> tuple[int, str, str]:
    """(link row, contract id, decision id) of the first contract award (Gateway 2) link."""
    row = row_of(data, "decision_links", gateway="2", intention_id="", programme="")
    return row, get_cell(data, "decision_links", row, "contract_id"), get_cell(data, "decision_links", row,
                                                                              "decision_id")


# --- the real decisions -------------------------------------------------------------


def test_bundled_reference_is_the_shared_file_unchanged():
    shared = SHARED / "southwark" / "decisions.csv"
    if not shared.exists():
        pytest.skip("../shared/reference is not here")
    assert REFERENCE.read_bytes() == shared.read_bytes()


def test_every_real_decision_is_bundled_as_it_is_with_its_source():
    reference = dicts(REFERENCE)
    bundled = dicts(PROJECT_DIR / "data" / "decisions.csv")
    real = [row for row in bundled if row["provenance"] == "real"]
    assert len(reference) == len(real) == 33
    assert bundled[:33] == real  # the real decisions come first, in the reference file's order
    for ref, row in zip(reference, real):
        assert row["source_url"] == ref["source_url"] and row["source_url"].startswith("http")
        for column, value in ref.items():
            if column in ("key_decision", "subject_to_call_in", "client_group_inferred"):
                assert row[column] == value.lower(), (ref["decision_id"], column)  # Yes -> yes
            else:
                assert row[column] == value, (ref["decision_id"], column)


def test_the_seed_decision_is_the_first_record():
    first = dicts(PROJECT_DIR / "data" / "decisions.csv")[0]
    assert (first["decision_id"], first["provenance"], first["title"], first["decision_maker"]) == (
        "SWK-DEC-0001", "real", "Strategic Coordination of Council Commissioning", "Cabinet")
    assert (first["decision_date"], first["publication_date"], first["effective_from"]) == (
        "2016-12-13", "2016-12-14", "2016-12-22")
    assert (first["key_decision"], first["subject_to_call_in"]) == ("yes", "yes")
    assert first["source_url"] == "https://moderngov.southwark.gov.uk/ieDecisionDetails.aspx?Id=6007"
    assert "common outcomes framework" in first["resolutions"]
    assert first["resolutions"].split(" | ")[1] == "Officers instructed to implement the changes set out in the report"


def test_illustrative_decisions_are_visibly_distinct_and_no_real_one_governs_sample_data():
    rows = dicts(PROJECT_DIR / "data" / "decisions.csv")
    made_up = [row for row in rows if row["provenance"] == "illustrative"]
    assert made_up and all(row["decision_id"].startswith("ILL-DEC-") for row in made_up)
    assert all(row["source_url"] == "" for row in made_up)
    assert all(row["decision_id"].startswith("SWK-DEC-") for row in rows if row["provenance"] == "real")
    linked = {row["decision_id"] for row in dicts(PROJECT_DIR / "data" / "decision_links.csv")}
    assert linked == {row["decision_id"] for row in made_up}
    # Decision makers are bodies and roles.
    makers = {row["decision_maker"] for row in made_up}
    assert all(m == "Cabinet" or m.startswith(("Cabinet Member for ", "Strategic Director of ", "Director of ", "NHS "))
               for m in makers), makers


def test_bundled_decisions_validate_with_a_few_award_warnings(config):
    found, _, tables = check_data(PROJECT_DIR / "data", config)
    assert [str(f) for f in found if f.severity == ERROR] == []
    assert len(tables["decisions"]) == len(dicts(PROJECT_DIR / "data" / "decisions.csv"))
    warned = [f for f in found if f.code == "contract-without-award-decision"]
    assert 3 <= len(warned) <= 5
    links = pd.read_csv(PROJECT_DIR / "data" / "decision_links.csv", dtype=str, keep_default_na=False)
    contracts = pd.read_csv(PROJECT_DIR / "data" / "contracts.csv", dtype=str, keep_default_na=False)
    over = contracts[pd.to_numeric(contracts["total_value_gbp"]) > 100_000]["contract_id"]
    awarded = set(links[links["gateway"] == "2"]["contract_id"])
    assert sorted(f.value for f in warned) == sorted(set(over) - awarded)
    # Gateway 1, 2 and 3 for contracts, 0 to 2 for intentions, and grant programmes.
    kinds = {(bool(r.contract_id), bool(r.intention_id), bool(r.programme), r.gateway) for r in links.itertuples()}
    assert {(True, False, False, g) for g in "123"} <= kinds
    assert {(False, True, False, g) for g in "012"} <= kinds
    assert (False, False, True, "") in kinds
    extended = set(contracts[(contracts["status"] == "extended")
                             & (pd.to_numeric(contracts["total_value_gbp"]) > 100_000)]["contract_id"])
    assert extended == set(links[links["gateway"] == "3"]["contract_id"])


# --- the sample generator --------------------------------------------------------


def test_bundled_decisions_are_what_the_sample_generator_writes(tmp_path):
    sample.generate(tmp_path, grants=1600, seed=2016)
    for name in ("decisions", "decision_links"):
        assert (tmp_path / f"{name}.csv").read_bytes() == (PROJECT_DIR / "data" / f"{name}.csv").read_bytes(), name


def test_decisions_leave_every_other_sample_file_as_it_was(tmp_path, monkeypatch):
    with_decisions, without = tmp_path / "with", tmp_path / "without"
    sample.generate(with_decisions, grants=300, seed=11)
    monkeypatch.setattr(sample, "_decisions", lambda *args: (
        pd.DataFrame(columns=sample_decisions.DECISION_COLUMNS), pd.DataFrame(columns=sample_decisions.LINK_COLUMNS)))
    sample.generate(without, grants=300, seed=11)
    names = sorted(p.name for p in without.glob("*.csv") if not p.name.startswith("decision"))
    assert len(names) == 11
    for name in names:
        assert (with_decisions / name).read_bytes() == (without / name).read_bytes(), name


@pytest.mark.parametrize(("grants", "seed"), [(1, 1), (500, 5)])
def test_sample_data_of_any_size_has_valid_decisions(tmp_path, config, grants, seed):
    data = sample_data(tmp_path, grants=grants, seed=seed)
    found, _, tables = check_data(data, config)
    assert [str(f) for f in found if f.severity == ERROR] == []
    decisions = tables["decisions"]
    assert (decisions["provenance"] == "real").sum() == 33
    assert decisions["decision_id"].iloc[0] == "SWK-DEC-0001"
    assert (decisions["provenance"] == "illustrative").sum() == len(tables["decision_links"]) > 0


# --- the checks ------------------------------------------------------------------


def test_small_sample_has_no_decision_warnings(data, config):
    assert [f for f in findings(data, config, WARNING) if f.dataset in ("contracts", "decisions", "decision_links")] == []


def test_contract_over_100000_without_an_award_decision_is_a_warning(data, config):
    row, contract, _ = award_link(data)
    rows = read_rows(data / "decision_links.csv")
    write_rows(data / "decision_links.csv", rows[:row - 1] + rows[row:])
    line = row_of(data, "contracts", contract_id=contract)
    set_cell(data, "contracts", line, "total_value_gbp", "250000")
    set_cell(data, "contracts", line, "annual_value_gbp", "50000")
    found = [f for f in findings(data, config, WARNING) if f.dataset == "contracts"]
    assert [f.as_tuple() for f in found] == [(line, "contract_id", "contract-without-award-decision")]
    assert str(found[0]) == (
        f'warning: data/contracts.csv, row {line}, column "contract_id": "{contract}" is worth £250,000 but no '
        "contract award decision (Gateway 2: contract award approval) is linked to it (expected a row in "
        "decision_links.csv with its contract_id and gateway 2 for every contract over £100,000)")
    assert findings(data, config) == []  # a warning, not an error
    # £100,000 exactly needs no award decision.
    set_cell(data, "contracts", line, "total_value_gbp", "100000")
    assert [f for f in findings(data, config, WARNING) if f.dataset == "contracts"] == []


def test_contract_starting_before_its_award_decision(data, config):
    _, contract, decision = award_link(data)
    line = row_of(data, "contracts", contract_id=contract)
    start = get_cell(data, "contracts", line, "start_date")
    later = (pd.Timestamp(start) + pd.Timedelta(days=10)).strftime("%Y-%m-%d")
    set_cell(data, "decisions", row_of(data, "decisions", decision_id=decision), "decision_date", later)
    found = findings(data, config)
    assert [f.as_tuple() for f in found] == [(line, "start_date", "start-before-award-decision")]
    assert str(found[0]) == (
        f'data/contracts.csv, row {line}, column "start_date": "{start}" is before the contract award decision '
        f"(Gateway 2: contract award approval) {decision} of {later} (expected a contract to start on or after the decision that awarded it: "
        "correct the start date or the decision's date)")
    # On the day of the decision is fine.
    set_cell(data, "decisions", row_of(data, "decisions", decision_id=decision), "decision_date", start)
    assert findings(data, config) == []


def test_link_to_an_unknown_contract(data, config):
    row, _, _ = award_link(data)
    set_cell(data, "decision_links", row, "contract_id", "SWK-C-99999")
    assert texts(data, config) == [
        f'data/decision_links.csv, row {row}, column "contract_id": "SWK-C-99999" does not match any contract_id in '
        "contracts.csv (expected a contract_id listed there: add it there first, or correct this one)"]


def test_link_to_an_unknown_decision(data, config):
    set_cell(data, "decision_links", 2, "decision_id", "ILL-DEC-9999")
    assert texts(data, config) == [
        'data/decision_links.csv, row 2, column "decision_id": "ILL-DEC-9999" does not match any decision_id in '
        "decisions.csv (expected a decision_id listed there: add it there first, or correct this one)"]


def test_link_to_an_unknown_intention(data, config):
    row = row_of(data, "decision_links", contract_id="", programme="")
    set_cell(data, "decision_links", row, "intention_id", "SWK-CI-9999")
    assert texts(data, config) == [
        f'data/decision_links.csv, row {row}, column "intention_id": "SWK-CI-9999" does not match any intention_id '
        "in commissioning_intentions.csv (expected an intention_id listed there: add it there first, or correct "
        "this one)"]


def test_link_to_a_programme_no_grant_has(data, config):
    row = row_of(data, "decision_links", contract_id="", intention_id="")
    set_cell(data, "decision_links", row, "programme", "Community Chest")
    found = findings(data, config)
    assert [f.as_tuple() for f in found] == [(row, "programme", "unknown-programme")]
    assert str(found[0]) == (
        f'data/decision_links.csv, row {row}, column "programme": "Community Chest" is not the programme of any '
        "grant (expected a programme named exactly as in the programme column of grants.csv, such as Arts and "
        "Culture Small Grants)")


def test_link_naming_nothing_or_more_than_one_thing(data, config):
    contract_row, _, _ = award_link(data)
    programme_row = row_of(data, "decision_links", contract_id="", intention_id="")
    set_cell(data, "decision_links", contract_row, "contract_id", "")
    set_cell(data, "decision_links", programme_row, "intention_id", "SWK-CI-0001")
    found = findings(data, config)
    assert sorted(f.as_tuple() for f in found) == sorted([
        (contract_row, "contract_id", "link-target"), (programme_row, "programme", "link-target")])
    assert sorted(str(f) for f in found) == sorted([
        f'data/decision_links.csv, row {contract_row}, column "contract_id": none of contract_id, intention_id and '
        "programme is given (expected exactly one: the contract, commissioning intention or grant programme the "
        "decision governs)",
        f'data/decision_links.csv, row {programme_row}, column "programme": intention_id and programme are both '
        "given (expected exactly one of contract_id, intention_id and programme: use a row for each)",
    ])


def test_link_listed_twice(data, config):
    rows = read_rows(data / "decision_links.csv")
    write_rows(data / "decision_links.csv", rows + [rows[1]])
    found = findings(data, config)
    assert [str(f) for f in found] == [
        f"data/decision_links.csv, row {len(rows) + 1}: this row repeats an earlier row (expected each decision "
        "and what it governs once)"]


def test_real_decisions_give_their_source_and_illustrative_ones_none(data, config):
    set_cell(data, "decisions", 2, "source_url", "")
    made_up = row_of(data, "decisions", provenance="illustrative")
    set_cell(data, "decisions", made_up, "source_url", "https://example.org/decision")
    assert texts(data, config) == [
        'data/decisions.csv, row 2, column "source_url": a real decision has no source (expected the address of '
        "the council's decision page, such as https://democracy.example.gov.uk/ieDecisionDetails.aspx?Id=6007)",
        f'data/decisions.csv, row {made_up}, column "source_url": "https://example.org/decision" is given as the '
        "source of an illustrative decision (expected no source for a decision made up for the sample data; if "
        "the decision is real, set its provenance to real)",
    ]


def test_decision_schema_rules(data, config):
    set_cell(data, "decisions", 3, "decision_id", "DEC 2")
    set_cell(data, "decisions", 4, "provenance", "fictional")
    set_cell(data, "decisions", 5, "key_decision", "Yes")
    set_cell(data, "decision_links", 2, "gateway", "4")
    assert texts(data, config) == [
        'data/decisions.csv, row 3, column "decision_id": "DEC 2" is not in the expected form (expected something '
        "like DEC-0001)",
        'data/decisions.csv, row 4, column "provenance": "fictional" is not one of the allowed values (expected '
        "one of: real; illustrative)",
        'data/decisions.csv, row 5, column "key_decision": "Yes" is not yes or no (expected yes or no)',
        'data/decision_links.csv, row 2, column "gateway": "4" is not an approval stage (expected one of 0, 1, 2, 3, '
        "the stages named in config.yml (approval.stages))",
    ]


# --- personal data and the other text checks on decisions ----------------------------


def test_text_checks_cover_every_free_text_column_of_decisions():
    package = load_package(PROJECT_DIR / "data")
    assert _free_text_columns(package.resource("decisions")) == [
        "title", "decision_maker", "decision_status", "reason_key", "wards_affected", "department", "purpose",
        "resolutions", "value_basis", "contract_term", "verification_note"]
    assert _free_text_columns(package.resource("decision_links")) == ["programme", "note"]


def test_email_or_phone_number_in_a_decision_is_an_error(data, config):
    made_up = row_of(data, "decisions", provenance="illustrative")
    set_cell(data, "decisions", 2, "decision_maker", "Cabinet (contact jo.bloggs@southwark.gov.uk)")
    set_cell(data, "decisions", 3, "purpose", "Questions to the commissioning team on 020 7525 5000")
    set_cell(data, "decisions", made_up, "resolutions", "Contract awarded | Ring +44 20 7525 5000 for details")
    set_cell(data, "decisions", made_up, "title", "Award: write to commissioning@example.org")
    set_cell(data, "decision_links", 2, "note", "Queries to 07700 900123")
    found = findings(data, config)
    assert {f.code for f in found} == {"personal-data"}
    assert [str(f) for f in found] == [
        'data/decisions.csv, row 2, column "decision_maker": contains an email address "jo.bloggs@southwark.gov.uk", '
        "which may be personal data (expected no contact details in published text: remove it, or use a role "
        "address published elsewhere)",
        'data/decisions.csv, row 3, column "purpose": contains a telephone number "020 7525 5000", which may be '
        "personal data (expected no contact details in published text: remove it)",
        f'data/decisions.csv, row {made_up}, column "title": contains an email address "commissioning@example.org", '
        "which may be personal data (expected no contact details in published text: remove it, or use a role "
        "address published elsewhere)",
        f'data/decisions.csv, row {made_up}, column "resolutions": contains a telephone number "+44 20 7525 5000", '
        "which may be personal data (expected no contact details in published text: remove it)",
        'data/decision_links.csv, row 2, column "note": contains a telephone number "07700 900123", which may be '
        "personal data (expected no contact details in published text: remove it)",
    ]


def test_html_and_formulas_in_a_decision_are_errors(data, config):
    set_cell(data, "decisions", 2, "resolutions", 'Approved <script>alert("x")</script>')
    set_cell(data, "decisions", 3, "title", "=HYPERLINK(\"http://example.org\")")
    assert [f.as_tuple() for f in findings(data, config)] == [
        (2, "resolutions", "html-in-text"), (3, "title", "formula-like")]


def test_personal_data_is_found_even_when_the_decisions_fail_their_schema(data, config):
    set_cell(data, "decisions", 2, "decision_date", "13/12/2016")
    set_cell(data, "decisions", 4, "purpose", "Email jo.bloggs@southwark.gov.uk")
    assert [f.as_tuple() for f in findings(data, config)] == [
        (2, "decision_date", "type-error"), (4, "purpose", "personal-data")]

