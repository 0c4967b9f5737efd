"""The equality lens's checks (generator/data/checks_dei.py) on small broken copies of the data: exact
tuples and text. Led-by and serving codes come from 360Giving's DEI code list; equality data is never about
individuals."""

from __future__ import annotations

import json

from conftest import read_rows, set_cell, write_rows

from generator.config import PROJECT_DIR
from generator.data import dei
from generator.data.stage import check_data
from generator.findings import ERROR, WARNING

EQUALITY = ["income_band", "led_by", "serving", "dei_declared_on"]


def dei_findings(data, config) -> list:
    findings, _, _ = check_data(data, config)
    return [f for f in findings if f.code.startswith("dei-")]


def clear_equality(data) -> None:
    """The sample's own equality values removed, so that each test sees only its own."""
    rows = read_rows(data / "organisations.csv")
    at = [rows[0].index(c) for c in EQUALITY]
    for row in rows[1:]:
        for i in at:
            row[i] = ""
    write_rows(data / "organisations.csv", rows)


def add_organisation(data, **values) -> int:
    """A new organisations row (not a grant's recipient); returns its spreadsheet row."""
    rows = read_rows(data / "organisations.csv")
    rows.append([values.get(c, "") for c in rows[0]])
    write_rows(data / "organisations.csv", rows)
    return len(rows)


def test_the_code_list_is_360givings(config):
    codes = dei.taxonomy()
    assert len(codes) == 73  # "There are 73 codes on this codelist" (360Giving's guidance)
    assert codes["DEI010100"][0] == "Black / African / Caribbean / Black British"
    assert codes["DEI090000"][0] == "Women and girls"  # the newer numbering (DEI080000 in the older one)
    assert list(dei.codelist("askedStatus")) == ["AS100", "AS101", "AS200", "AS201"]
    assert list(dei.codelist("replyStatus")) == ["RS100", "RS200", "RS201", "RS202", "RS203"]
    assert dei.codelist("replyStatus")["RS100"] == ("No Reply", "No reply was received")  # the space before it read
    assert dei.label("DEI020200") == "Disabled people: Mental Health (DEI020200)"
    assert dei.label("DEI800010") == "The Protestant community (DEI800010)"  # a group with no code of its own


def test_bundled_and_small_samples_have_no_dei_findings(data, config):
    assert dei_findings(data, config) == []
    assert dei_findings(PROJECT_DIR / "data", config) == []


def test_unknown_empty_and_repeated_codes(data, config):
    clear_equality(data)
    for row in (2, 3, 4):
        set_cell(data, "organisations", row, "dei_declared_on", "2024-05-13")
    set_cell(data, "organisations", 2, "led_by", "DEI010100;DEI0101")
    set_cell(data, "organisations", 3, "serving", "DEI060000;;DEI060000")
    set_cell(data, "organisations", 4, "serving", "dei010100; Black-led")
    set_cell(data, "organisations", 4, "led_by", " DEI090000 ; DEI020000 ")  # spaces around codes are fine
    found = dei_findings(data, config)
    assert [(f.row, f.column, f.code, f.severity) for f in found] == [
        (2, "led_by", "dei-code", ERROR), (3, "serving", "dei-code", ERROR), (4, "serving", "dei-code", ERROR)]
    assert [f.message for f in found] == [
        '"DEI010100;DEI0101": "DEI0101" is not a code of the DEI Data Standard\'s taxonomy (expected codes from '
        "360Giving's DEI code list, each once, separated by \";\", such as DEI010100 or DEI060000;DEI090000)",
        '"DEI060000;;DEI060000": it has an empty code between or after the ";"; "DEI060000" is given more than once '
        "(expected codes from 360Giving's DEI code list, each once, separated by \";\", such as DEI010100 or "
        "DEI060000;DEI090000)",
        '"dei010100; Black-led": "dei010100" and "Black-led" are not codes of the DEI Data Standard\'s taxonomy '
        "(expected codes from 360Giving's DEI code list, each once, separated by \";\", such as DEI010100 or "
        "DEI060000;DEI090000)",
    ]
    assert (found[0].value, found[0].example) == ("DEI010100;DEI0101", "DEI010100")


def test_never_about_individuals(data, config):
    clear_equality(data)
    person = add_organisation(data, org_id="GB-LAE-SWK-IND-0001", name="Individual recipient",
                              organisation_type="individual", is_vcs="no", income_band="micro", led_by="DEI010100",
                              dei_declared_on="2024-05-13")
    # An -IND- identifier is an individual's whatever its type says (individual-not-anonymised reports the type).
    other = add_organisation(data, org_id="GB-LAE-SWK-IND-0002", name="Individual recipient",
                             organisation_type="registered charity", serving="DEI090000")
    found = dei_findings(data, config)
    assert [(f.row, f.column, f.code, f.severity) for f in found] == [
        (person, "income_band", "dei-individual", ERROR), (person, "led_by", "dei-individual", ERROR),
        (person, "dei_declared_on", "dei-individual", ERROR), (other, "serving", "dei-individual", ERROR)]
    assert found[1].message == (
        'led_by is given for the individual "GB-LAE-SWK-IND-0001": equality data is never about individuals (expected '
        "it empty: led_by, serving, dei_declared_on and income_band are for organisations only; 360Giving does not "
        "allow DEI data on grants to individuals, as with the rest of the grant it could identify the person)")
    assert (found[1].value, found[1].example) == ("DEI010100", "")
    assert all("never about individuals" in f.message for f in found)


def test_one_code_per_population_group(data, config):
    clear_equality(data)
    for row in (2, 3, 4):
        set_cell(data, "organisations", row, "dei_declared_on", "2024-05-13")
    set_cell(data, "organisations", 2, "led_by", "DEI010100;DEI010300;DEI090000")
    set_cell(data, "organisations", 3, "serving", "DEI800010;DEI800020")  # a group with no code of its own
    set_cell(data, "organisations", 4, "serving", "DEI010000;DEI020000;DEI060000")  # one each: fine
    found = dei_findings(data, config)
    assert [(f.row, f.column, f.code, f.severity) for f in found] == [
        (2, "led_by", "dei-one-per-group", WARNING), (3, "serving", "dei-one-per-group", WARNING)]
    assert found[0].message == (
        '"DEI010100" and "DEI010300" are 2 codes of one population group, Communities experiencing racial inequity '
        "(expected one code for each population group, as the DEI Data Standard asks: the group is a majority, or "
        "not; for several communities of this group, its own code DEI010000)")
    assert found[0].example == "DEI010000"
    assert found[1].message.endswith("population group, DEI80 (expected one code for each population group, as the "
                                     "DEI Data Standard asks: the group is a majority, or not)")


def test_answers_without_their_date(data, config):
    clear_equality(data)
    set_cell(data, "organisations", 2, "led_by", "DEI090000")
    set_cell(data, "organisations", 3, "serving", "DEI060000")
    set_cell(data, "organisations", 3, "dei_declared_on", "2024-05-13")
    set_cell(data, "organisations", 4, "income_band", "small")  # a size needs no date
    found = dei_findings(data, config)
    assert [(f.row, f.column, f.code, f.severity) for f in found] == [(2, "dei_declared_on", "dei-no-date", WARNING)]
    assert found[0].message == (
        "no date is given for the organisation's led_by and serving answers, so the 360Giving file leaves them out "
        "(expected the day the organisation answered, such as 2024-05-13: 360Giving asks whether they were asked for "
        "before or after each award)")


def test_income_band_is_one_of_ncvos_bands(data, config):
    set_cell(data, "organisations", 2, "income_band", "£10k-£100k")
    findings, _, _ = check_data(data, config)
    findings = [f for f in findings if f.severity == ERROR]
    assert [(f.row, f.column, f.code) for f in findings] == [(2, "income_band", "constraint-enum")]
    assert "micro, small, medium, large, major, super-major" in findings[0].message.replace('"', "").replace(
        "; ", ", ")


def test_a_project_whose_schema_has_no_equality_columns(data, config):
    """The columns are optional: a project made before them (its own schema without them) validates as before."""
    schema_path = data.parent / "schemas" / "organisations.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"] = [f for f in schema["fields"] if f["name"] not in EQUALITY]
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    rows = read_rows(data / "organisations.csv")
    keep = [i for i, c in enumerate(rows[0]) if c not in EQUALITY]
    write_rows(data / "organisations.csv", [[row[i] for i in keep] for row in rows])
    findings, _, _ = check_data(data, config)
    assert [f for f in findings if f.severity == ERROR] == []
    assert [f for f in findings if f.code.startswith("dei-")] == []
