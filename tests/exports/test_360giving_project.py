"""import-360giving into a council's project (generator/imports/giving360.py, imports/project.py, cli.py):
merging by id, departments from the file or --department, VCS and borough flags, several funders, and the
co-funders going out again in the 360Giving export. The project here is another council's ("Example
Borough", GB-LAE-EXB), so nothing of the bundled Southwark example may show."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import conformance
import pytest
from conftest import tables_of

from generator import cli
from generator.config import PROJECT_DIR, load_config
from generator.exports import giving360 as export
from generator.imports import giving360

CONFIG = """\
publisher:
  name: Example Borough Council
  org_id: GB-LAE-EXB
  grant_id_prefix: 360G-exampleborough-
  ocid_prefix: ocds-exampl
site:
  title: Example Borough grants
  url: ""
  contact_email: opendata@example.gov.uk
data:
  illustrative: true
"""
COUNCIL = {"id": "GB-LAE-EXB", "name": "Example Borough Council"}
FOUNDATION = {"id": "GB-CHC-1234567", "name": "Example Community Foundation"}
NHS = {"id": "GB-NHS-ABC", "name": "Example NHS Trust"}


def grant(number: int, recipient: dict, funders: list[dict], **extra) -> dict:
    """A 360Giving grant of the example council."""
    return {"id": f"360G-exampleborough-G{number}", "title": f"Grant {number}", "description": "For things.",
            "currency": "GBP", "amountAwarded": 1000 * number, "awardDate": "2024-05-01",
            "recipientOrganization": [recipient], "fundingOrganization": funders, **extra}


def package(path: Path, grants: list[dict]) -> Path:
    path.write_text(json.dumps({"grants": grants}), encoding="utf-8")
    return path


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, header: list[str], values: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(values)


def columns(name: str) -> list[str]:
    return [f["name"] for f in json.loads((PROJECT_DIR / "schemas" / f"{name}.json").read_text())["fields"]]


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """Another council's project folder (config.yml, data/ with a department, a grant and an organisation),
    and the working folder."""
    (tmp_path / "config.yml").write_text(CONFIG, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    write_rows(data / "commissioners.csv", columns("commissioners"), [
        {"commissioner_id": "CHILDRENS-SERVICES", "name": "Children's Services", "commissioner_type":
         "council department", "org_id": "GB-LAE-EXB"}])
    write_rows(data / "grants.csv", columns("grants"), [
        {"grant_id": "360G-exampleborough-G1", "title": "Old title", "description": "Old.",
         "funding_type": "longer-term", "recipient_org_id": "GB-CHC-1111111", "amount_awarded": "1000",
         "award_date": "2024-05-01", "department_id": "CHILDRENS-SERVICES"},
        {"grant_id": "360G-exampleborough-G9", "title": "Kept", "description": "Not in the file.",
         "funding_type": "longer-term", "recipient_org_id": "GB-CHC-1111111", "amount_awarded": "9",
         "award_date": "2023-01-01", "department_id": "CHILDRENS-SERVICES"}])
    write_rows(data / "organisations.csv", columns("organisations"), [
        {"org_id": "GB-CHC-1111111", "name": "Our Own Name For It", "organisation_type": "registered charity",
         "charity_number": "1111111", "is_vcs": "yes", "is_sme": "yes", "based_in_borough": "yes",
         "ward": "Riverside"}])
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, list[str], str]:
    status = cli.main(["import-360giving", *argv])
    printed = capsys.readouterr()
    return status, printed.out.splitlines(), printed.err


def test_merging_into_a_project(project, capsys):
    charity = {"id": "GB-CHC-1111111", "name": "Registered Name"}
    source = package(project / "grants.json", [
        grant(1, charity, [{**COUNCIL, "department": "Children's Services"}]),  # changed: replaced
        grant(2, {"id": "GB-CHC-2222222", "name": "New Charity"}, [{**COUNCIL, "department": "Housing"}]),
    ])
    status, out, err = run(capsys, "grants.json", "--out", "data")  # as written in a project folder
    assert (status, err) == (0, "")
    assert out[:7] == [
        "Read 2 grants from grants.json.",
        "Imported 2 grants (1 added, 1 replaced, 0 unchanged): every grant in the file, with its values as given; `validate` "
        "reports any that need fixing.",
        "Wrote into data:",
        "- grants.csv: 1 added, 1 replaced",
        "- organisations.csv: 1 added, 1 already there and unchanged",
        "- commissioners.csv: 1 added",
        f"Not mapped or changed ({len(out) - 8} notes):",
    ]
    assert out[-1] == "Next: run python -m generator validate"
    grants = {g["grant_id"]: g for g in rows(project / "data" / "grants.csv")}
    assert list(grants) == ["360G-exampleborough-G1", "360G-exampleborough-G9", "360G-exampleborough-G2"]
    assert (grants["360G-exampleborough-G1"]["title"], grants["360G-exampleborough-G1"]["department_id"]) == \
        ("Grant 1", "CHILDRENS-SERVICES")  # the existing department, matched by name
    assert grants["360G-exampleborough-G9"]["title"] == "Kept"
    assert grants["360G-exampleborough-G2"]["department_id"] == "HOUSING"
    orgs = {o["org_id"]: o for o in rows(project / "data" / "organisations.csv")}
    assert orgs["GB-CHC-1111111"] == {  # the council's own values are kept
        "org_id": "GB-CHC-1111111", "name": "Our Own Name For It", "organisation_type": "registered charity",
        "charity_number": "1111111", "company_number": "", "is_vcs": "yes", "is_sme": "yes",
        "based_in_borough": "yes", "ward": "Riverside", "income_band": "", "led_by": "", "serving": "",
        "dei_declared_on": ""}
    assert orgs["GB-CHC-2222222"]["is_sme"] == orgs["GB-CHC-2222222"]["based_in_borough"] == ""
    assert rows(project / "data" / "commissioners.csv")[1] == {
        "commissioner_id": "HOUSING", "name": "Housing", "commissioner_type": "council department", "org_id": "",
        "active_from": "", "active_to": "", "note": "Added by import-360giving from the file's Funding Org:Department."}

    status, out, _ = run(capsys, "grants.json", "--out", "data")
    assert out[1:5] == ["Imported 2 grants (0 added, 0 replaced, 2 unchanged): every grant in the file, with its values as given; `validate` "
        "reports any that need fixing.", "Wrote into data:",
                        "- grants.csv: 0 added, 2 already there and unchanged",
                        "- organisations.csv: 0 added, 2 already there and unchanged"]
    assert source.exists() and status == 0


def test_a_folder_without_files_is_filled(project, capsys):
    package(project / "grants.json", [grant(3, FOUNDATION, [COUNCIL])])
    status, out, _ = run(capsys, "grants.json", "--out", "new", "--department", "CHILDRENS-SERVICES")
    assert status == 0
    assert out[2:5] == ["Wrote into new:", "- grants.csv: 1 added", "- organisations.csv: 1 added"]
    assert rows(project / "new" / "grants.csv")[0]["department_id"] == "CHILDRENS-SERVICES"


def test_the_files_department_wins_and_the_option_fills_the_rest(project, capsys):
    package(project / "grants.json", [grant(3, FOUNDATION, [COUNCIL]),
                                      grant(4, FOUNDATION, [{**COUNCIL, "department": "Public Health"}])])
    status, out, _ = run(capsys, "grants.json", "--out", "data", "--department", "CHILDRENS-SERVICES")
    assert status == 0
    grants = {g["grant_id"]: g["department_id"] for g in rows(project / "data" / "grants.csv")}
    assert (grants["360G-exampleborough-G3"], grants["360G-exampleborough-G4"]) == \
        ("CHILDRENS-SERVICES", "PUBLIC-HEALTH")
    assert "- department_id CHILDRENS-SERVICES (from --department) for 1 grant whose Funding Org has no " \
           "Department." in out


def test_no_department_is_an_error_and_changes_nothing(project, capsys):
    path = package(project / "grants.json", [grant(3, FOUNDATION, [COUNCIL]), grant(4, FOUNDATION, [COUNCIL])])
    before = {p.name: p.read_bytes() for p in (project / "data").iterdir()}
    status, out, err = run(capsys, "grants.json", "--out", "data")
    assert (status, out) == (1, [])
    assert err == (f"error: {path.name}: grant 1 (\"360G-exampleborough-G3\") and 1 other grant have no Funding "
                   "Org:Department, and no --department was given (expected the department that made each grant: "
                   "pass --department ID with a commissioner_id from data/commissioners.csv, or fill the file's "
                   "Funding Org:Department column)\n")
    assert {p.name: p.read_bytes() for p in (project / "data").iterdir()} == before


@pytest.mark.parametrize("recipient, org_type, vcs", [
    ({"id": "GB-CHC-1234567", "name": "A Charity"}, "registered charity", "yes"),
    ({"id": "GB-COH-CE001234", "name": "A CIO"}, "charitable incorporated organisation", "yes"),
    ({"id": "GB-COH-01234567", "name": "Good Food CIC"}, "community interest company", "yes"),
    ({"id": "GB-MPR-12345", "name": "A Society"}, "community benefit society", "yes"),
    ({"id": "360G-exampleborough-youth-club", "name": "A Youth Club"}, "unregistered community group", "yes"),
    ({"id": "GB-NHS-RJ1", "name": "A Trust"}, "NHS body", "no"),
    ({"id": "GB-LAE-KNS", "name": "Another Council"}, "local authority", "no"),
    ({"id": "GB-EDU-100000", "name": "A School"}, "school", "no"),
    ({"id": "GB-COH-07654321", "name": "Some Company"}, "company limited by guarantee", ""),  # not stated
    ({"id": "GB-GOR-PB123", "name": "A Public Body"}, "", ""),  # type unknown
])
def test_vcs_flag_by_type(recipient, org_type, vcs, tmp_path):
    path = package(tmp_path / "g.json", [grant(1, recipient, [COUNCIL])])
    result = giving360.import_360giving(path, "CHILDRENS-SERVICES", wards=[], council_id="GB-LAE-EXB")
    (org,) = result.organisations
    assert (org["organisation_type"], org["is_vcs"], org["is_sme"], org["based_in_borough"]) == \
        (org_type, vcs, "", "")


def test_in_borough_marks_every_recipient(project, capsys):
    package(project / "grants.json", [grant(3, FOUNDATION, [COUNCIL]),
                                      {**grant(4, FOUNDATION, [COUNCIL]), "recipientOrganization": None,
                                       "recipientIndividual": {"id": "P1", "name": "A Person"}}])
    status, out, _ = run(capsys, "grants.json", "--out", "data", "--department", "CHILDRENS-SERVICES",
                         "--in-borough")
    assert status == 0
    orgs = {o["org_id"]: o for o in rows(project / "data" / "organisations.csv")}
    assert [orgs[i]["based_in_borough"] for i in ("GB-CHC-1234567", "GB-LAE-EXB-IND-0001")] == ["yes", "yes"]
    assert orgs["GB-LAE-EXB-IND-0001"]["is_vcs"] == "no"
    assert any('based_in_borough is "yes" for every organisation (--in-borough)' in line for line in out)


def test_several_funders_become_co_funders(project, capsys):
    package(project / "grants.json", [
        grant(3, FOUNDATION, [{**COUNCIL, "department": "Children's Services"}, FOUNDATION, NHS]),
        grant(4, FOUNDATION, [{**COUNCIL, "department": "Children's Services"}]),
    ])
    status, out, _ = run(capsys, "grants.json", "--out", "data")
    assert status == 0
    grants = {g["grant_id"]: g["co_funders"] for g in rows(project / "data" / "grants.csv")}
    assert grants["360G-exampleborough-G3"] == \
        "Example Community Foundation (GB-CHC-1234567); Example NHS Trust (GB-NHS-ABC)"
    assert grants["360G-exampleborough-G4"] == ""
    assert "- Co-funded grants (a Funding Org other than this council, GB-LAE-EXB): 1; their other funders are in " \
           "co_funders." in out


def test_numbered_funding_org_columns_are_read(tmp_path):
    path = tmp_path / "grants.csv"
    path.write_text(
        "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
        "Recipient Org:Name,Funding Org:0:Identifier,Funding Org:0:Name,Funding Org:0:Department,"
        "Funding Org:1:Identifier,Funding Org:1:Name\n"
        "360G-exampleborough-G5,A grant,For things.,GBP,500,2024-05-01,GB-CHC-1234567,A Charity,GB-LAE-EXB,"
        "Example Borough Council,Housing,GB-CHC-7654321,Another Trust\n", encoding="utf-8")
    result = giving360.import_360giving(path, wards=[], council_id="GB-LAE-EXB")
    (row,) = result.grants
    assert (row["department_id"], row["co_funders"]) == ("HOUSING", "Another Trust (GB-CHC-7654321)")
    assert not [n for n in result.unmapped if n.startswith("Ignored")]


def test_nothing_of_the_bundled_council_shows(project, capsys):
    package(project / "grants.json", [grant(3, {"id": "360G-local-group", "name": "Group"}, [COUNCIL]),
                                      {**grant(4, FOUNDATION, [COUNCIL]), "recipientOrganization": None,
                                       "recipientIndividual": {"id": "P1", "name": "A Person"}}])
    status, out, err = run(capsys, "grants.json", "--out", "data", "--department", "CHILDRENS-SERVICES")
    assert status == 0
    written = "".join(p.read_text(encoding="utf-8") for p in (project / "data").iterdir())
    assert "GB-LAE-EXB-360G-local-group" in written and "GB-LAE-EXB-IND-0001" in written
    for text in ("\n".join(out) + err, written, (PROJECT_DIR / "generator" / "imports" / "giving360.py").read_text()):
        assert "SWK" not in text and "southwark" not in text.casefold()


def test_co_funders_go_out_again_as_valid_360giving(small_data, tmp_path):
    """Co-funders are further fundingOrganization entries (and numbered CSV columns), valid against the
    official schema, and read back into the same co_funders."""
    config = load_config()
    tables = tables_of(small_data)
    grants = tables["grants"].copy()
    grants["co_funders"] = None
    grants.loc[grants.index[0], "co_funders"] = "Example Community Foundation (GB-CHC-1234567); No Id Trust"
    grants.loc[grants.index[1], "co_funders"] = "A (B) Trust (GB-CHC-7654321); Example NHS Trust (GB-NHS-ABC)"
    tables["grants"] = grants
    exported = export.package_360(tables, config)
    assert conformance.validate_360(exported) == []
    funders = [g["fundingOrganization"] for g in exported["grants"][:3]]
    assert [[f["id"] for f in fs] for fs in funders] == [
        [config.publisher_org_id, "GB-CHC-1234567"], [config.publisher_org_id, "GB-CHC-7654321", "GB-NHS-ABC"],
        [config.publisher_org_id]]
    assert funders[1][1]["name"] == "A (B) Trust"
    conformance.write_360_json(tables, config, tmp_path / "g.json")
    conformance.write_360_csv(tables, config, tmp_path / "g.csv")
    assert json.loads((tmp_path / "g.json").read_text(encoding="utf-8")) == exported
    with (tmp_path / "g.csv").open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == export.csv_columns(2, any("deiDetails" in g for g in exported["grants"]))
    assert header[header.index("Funding Org:Department") + 1:][:4] == [
        "Funding Org:1:Identifier", "Funding Org:1:Name", "Funding Org:2:Identifier", "Funding Org:2:Name"]
    for name in ("g.json", "g.csv"):
        back = giving360.import_360giving(tmp_path / name, "SWK-CFS", wards=[])
        assert [g["co_funders"] for g in back.grants[:3]] == [
            "Example Community Foundation (GB-CHC-1234567)",
            "A (B) Trust (GB-CHC-7654321); Example NHS Trust (GB-NHS-ABC)", ""]


def test_an_unknown_department_option_is_pointed_out(project, capsys):
    package(project / "grants.json", [grant(3, FOUNDATION, [COUNCIL])])
    status, out, _ = run(capsys, "grants.json", "--out", "data", "--department", "HOUSING")
    assert status == 0
    assert out[-2:] == [
        f"Note: --department HOUSING is not a commissioner_id in {Path('data') / 'commissioners.csv'}: add it there "
        "(with its name and type), or `validate` will report every grant that names it.",
        "Next: run python -m generator validate"]
    status, out, _ = run(capsys, "grants.json", "--out", "data", "--department", "CHILDRENS-SERVICES")
    assert not any(line.startswith("Note: --department") for line in out)


def test_a_folder_that_cannot_be_written_is_one_clear_line(project, capsys):
    package(project / "grants.json", [grant(3, FOUNDATION, [COUNCIL])])
    (project / "afile").write_text("x", encoding="utf-8")
    status, out, err = run(capsys, "grants.json", "--out", "afile", "--department", "CHILDRENS-SERVICES")
    assert (status, out) == (1, [])
    assert err == "error: afile: is a file (expected the project's data folder for --out)\n"


def test_personal_data_in_text_is_removed(tmp_path):
    path = package(tmp_path / "g.json", [grant(1, FOUNDATION, [COUNCIL], description=(
        "Meets at the hall, Sale M33 5HF; call 0161 912 3456 or write to jo.bloggs@example.org."))])
    result = giving360.import_360giving(path, "CHILDRENS-SERVICES", wards=[], council_id="GB-LAE-EXB")
    assert result.grants[0]["description"] == ("Meets at the hall, Sale M33; call [telephone number removed] or "
                                               "write to [e-mail address removed].")
    assert any(n.startswith("Titles or descriptions with personal data") and n.endswith(
        ": 1 (360G-exampleborough-G1).") for n in result.unmapped)


def test_funding_type_is_never_guessed(tmp_path):
    """Planned for under 12 months: short-term innovation; 12 months or more: longer-term; no planned
    dates or duration: empty (not stated), and the notes say how many."""
    path = package(tmp_path / "g.json", [
        grant(1, FOUNDATION, [COUNCIL], plannedDates=[{"duration": 6}]),
        grant(2, FOUNDATION, [COUNCIL], plannedDates=[{"startDate": "2024-06-01", "endDate": "2026-05-31"}]),
        grant(3, FOUNDATION, [COUNCIL]),
    ])
    result = giving360.import_360giving(path, "CHILDRENS-SERVICES", wards=[], council_id="GB-LAE-EXB")
    assert [g["funding_type"] for g in result.grants] == ["short-term innovation", "longer-term", ""]
    assert ("funding_type is not in 360Giving: 1 grant longer-term (planned for 12 months or more); 1 grant "
            "short-term innovation (planned for under 12 months); 1 grant left empty (not stated: no planned "
            "duration or dates to tell by). Check them.") in result.unmapped
