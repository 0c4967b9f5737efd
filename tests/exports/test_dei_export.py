"""The 360Giving export's DEI details (360Giving's DEI extension) and their import.

- Valid against the 360Giving grant schema with the extension's schema merged in (as 360Giving's data quality
  tool merges it), every code from the extension's code lists (generator/reference/360giving/dei/).
- deiDetails only on grants to organisations that declared codes, with the date they answered: askedStatus
  AS200 when they answered on or before the award date, AS201 after; replyStatus RS200 only beside codes;
  mission not asked (AS100); nothing at all when nothing is recorded. Never on a grant to an individual.
- The package declares "extensions": ["dei"]; the CSV has the extension's spreadsheet titles.
- Both writers (the reference grants_to_360 and the Arrow writer write_360_files) give the same bytes.
- The import reads the leadership and project codes back into led_by and serving, never for individuals.
"""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

import conformance
from generator.data import dei
from generator.exports import giving360
from generator.imports import giving360 as giving360_import
from generator.imports import giving360_standard


@lru_cache(maxsize=1)
def _validator():
    """conformance's 360Giving validator, with the DEI extension merged into the grant schema."""
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import specification_with

    spec = specification_with("https://json-schema.org/draft/2020-12/schema")
    grant = spec.create_resource(giving360_standard.grant_schema_with_dei())
    registry = Registry().with_resources([(url, grant) for url in giving360.GRANT_SCHEMA_URLS])
    package_schema = giving360_standard.load_json(giving360_standard.PACKAGE_SCHEMA)
    cls = jsonschema.Draft202012Validator
    return cls(package_schema, registry=registry, format_checker=cls.FORMAT_CHECKER)


def dei_problems(package: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator().iter_errors(package)]


def codes_of(area: dict) -> list[str]:
    return area.get("response", {}).get("taxonomyCodes", [])


def both_writers(tables, config, tmp_path: Path) -> tuple[dict, list[list[str]]]:
    """The package and CSV rows from the Arrow writer, checked equal to the reference writer's."""
    package = conformance.write_360_json(tables, config, tmp_path / "g.json")
    assert json.loads((tmp_path / "g.json").read_text(encoding="utf-8")) == package
    assert (tmp_path / "g.json").read_text(encoding="utf-8") == json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    conformance.write_360_csv(tables, config, tmp_path / "g.csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(giving360.csv_columns_for(package["grants"]))
    writer.writerows(giving360.grants_to_rows(package["grants"]))
    assert (tmp_path / "g.csv").read_bytes() == b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
    with (tmp_path / "g.csv").open(encoding="utf-8-sig", newline="") as handle:
        return package, list(csv.reader(handle))


def copy_of(tables: dict) -> dict:
    return {name: frame.copy() for name, frame in tables.items()}


def test_the_extension_schema_is_applied(config, bundled_tables):
    package = giving360.package_360(bundled_tables, config)
    assert dei_problems(package) == [] and conformance.validate_360(package) == []
    broken = json.loads(json.dumps(package))
    grant = next(g for g in broken["grants"] if "deiDetails" in g)
    del grant["deiDetails"]["mission"]
    grant["deiDetails"]["leadership"]["response"]["taxonomyCodes"].append(
        grant["deiDetails"]["leadership"]["response"]["taxonomyCodes"][0])
    problems = dei_problems(broken)
    assert any("'mission' is a required property" in p for p in problems)
    assert any("has non-unique elements" in p for p in problems)
    # The core schema alone has no rule for deiDetails (no additionalProperties: false), so it says nothing.
    assert conformance.validate_360(broken) == []


def test_bundled_export_against_the_data_and_the_code_lists(config, bundled_tables, tmp_path):
    package, rows = both_writers(bundled_tables, config, tmp_path)
    assert package["extensions"] == ["dei"] and package["version"] == "1.4"
    orgs = bundled_tables["organisations"].set_index("org_id")
    grants = bundled_tables["grants"].set_index("grant_id")
    asked_codes, reply_codes, taxonomy = (set(dei.codelist(n)) for n in ("askedStatus", "replyStatus",
                                                                         "taxonomyCodes"))
    with_details = 0
    for g in package["grants"]:
        row = grants.loc[g["id"]]
        org = orgs.loc[row["recipient_org_id"]]
        led, serving = dei.codes(org["led_by"]), dei.codes(org["serving"])
        expected = bool((led or serving) and pd.notna(org["dei_declared_on"]))
        assert ("deiDetails" in g) == expected, g["id"]
        if not expected:
            continue
        with_details += 1
        details = g["deiDetails"]
        assert list(details) == ["leadership", "mission", "project"]
        assert details["mission"] == {"askedStatus": "AS100"}
        asked = "AS200" if org["dei_declared_on"] <= row["award_date"] else "AS201"
        for area, codes in (("leadership", led), ("project", serving)):
            assert details[area]["askedStatus"] == asked
            assert codes_of(details[area]) == codes
            assert ("replyStatus" in details[area]) == bool(codes)  # "answered" only with codes
            if codes:
                assert details[area]["replyStatus"] == "RS200"
            else:
                assert details[area]["additionalDetails"] == giving360.NO_ANSWER
            assert set(codes_of(details[area])) <= taxonomy
        assert {details[a]["askedStatus"] for a in details} <= asked_codes
        assert {details[a]["replyStatus"] for a in details if "replyStatus" in details[a]} <= reply_codes
    assert with_details == 537  # of the 1,600 bundled grants
    assert {g["deiDetails"]["leadership"]["askedStatus"] for g in package["grants"] if "deiDetails" in g} == \
        {"AS200", "AS201"}
    # The CSV: the extension's own spreadsheet titles, codes joined by ";".
    header = rows[0]
    titles = giving360_standard.schema_titles()
    assert header[-len(giving360.DEI_CSV_COLUMNS):] == giving360.DEI_CSV_COLUMNS
    assert all(t in titles and titles[t][0][0] == "deiDetails" for t in giving360.DEI_CSV_COLUMNS)
    at = header.index("DEI Details:Leadership:DEI Response:Taxonomy Codes")
    for g, row in zip(package["grants"], rows[1:]):
        expected = ";".join(codes_of(g["deiDetails"]["leadership"])) if "deiDetails" in g else ""
        assert row[at] == expected


def test_never_about_individuals_and_nothing_when_nothing_is_recorded(config, small_tables, tmp_path):
    tables = copy_of(small_tables)
    orgs, grants = tables["organisations"], tables["grants"]
    recipients = list(dict.fromkeys(grants["recipient_org_id"]))
    person, ind, plain, undated, answered = recipients[:5]
    orgs["led_by"] = orgs["led_by"].astype(object)
    orgs["serving"] = orgs["serving"].astype(object)
    orgs[["led_by", "serving", "dei_declared_on"]] = [None, None, pd.NaT]
    where = {o: orgs.index[orgs["org_id"] == o][0] for o in recipients[:5]}
    # An individual with DEI values (validate refuses this: dei-individual), and an -IND- identifier whose type
    # says otherwise: neither gets deiDetails, whatever the data says.
    orgs.loc[where[person], ["organisation_type", "name", "led_by", "dei_declared_on"]] = \
        ["individual", "Individual recipient", "DEI010100", pd.Timestamp("2000-01-01")]
    new_id = "GB-LAE-SWK-IND-0002"
    orgs.loc[where[ind], ["org_id", "serving", "dei_declared_on"]] = [new_id, "DEI090000", pd.Timestamp("2000-01-01")]
    grants.loc[grants["recipient_org_id"] == ind, "recipient_org_id"] = new_id
    orgs.loc[where[undated], "led_by"] = "DEI090000"  # codes, but no date: left out
    orgs.loc[where[answered], ["serving", "dei_declared_on"]] = ["DEI060000;DEI090000", pd.Timestamp("2000-01-01")]
    package, rows = both_writers(tables, config, tmp_path)
    assert dei_problems(package) == [] and conformance.validate_360(package) == []
    by_recipient = {}
    for g in package["grants"]:
        key = (g.get("recipientOrganization") or g.get("recipientIndividual"))
        key = key[0]["id"] if isinstance(key, list) else key["id"]
        by_recipient.setdefault(key, []).append(g)
    assert [g for g in package["grants"] if "recipientIndividual" in g and "deiDetails" in g] == []
    assert all("deiDetails" not in g for k in (new_id, plain, undated) for g in by_recipient[k])
    assert all("deiDetails" not in g for g in package["grants"] if "recipientIndividual" in g)
    assert all(g["deiDetails"] == {"leadership": {"askedStatus": "AS200", "additionalDetails": giving360.NO_ANSWER},
                                   "mission": {"askedStatus": "AS100"},
                                   "project": {"askedStatus": "AS200", "replyStatus": "RS200",
                                               "response": {"taxonomyCodes": ["DEI060000", "DEI090000"]}}}
               for g in by_recipient[answered])
    assert rows[0][-len(giving360.DEI_CSV_COLUMNS):] == giving360.DEI_CSV_COLUMNS

    # Nothing recorded anywhere: no deiDetails, no extension declared, no DEI columns.
    orgs.loc[where[answered], ["serving", "dei_declared_on"]] = [None, pd.NaT]
    package, rows = both_writers(tables, config, tmp_path)
    assert not any("deiDetails" in g for g in package["grants"])
    assert "extensions" not in package
    assert rows[0] == giving360.csv_columns_for(package["grants"]) == giving360.csv_columns()


def test_asked_before_or_after_the_award(config, small_tables, tmp_path):
    tables = copy_of(small_tables)
    orgs, grants = tables["organisations"], tables["grants"]
    org_id = grants["recipient_org_id"].value_counts().index[0]  # the recipient with the most grants
    theirs = grants[grants["recipient_org_id"] == org_id].sort_values("award_date")
    assert len(theirs) >= 2 and theirs["award_date"].nunique() >= 2
    second = theirs["award_date"].drop_duplicates().iloc[1]
    at = orgs.index[orgs["org_id"] == org_id][0]
    orgs["led_by"] = orgs["led_by"].astype(object)
    orgs.loc[at, ["led_by", "dei_declared_on"]] = ["DEI090000", second]  # answered on the day of its second award
    package, _ = both_writers(tables, config, tmp_path)
    statuses = {g["awardDate"]: g["deiDetails"]["leadership"]["askedStatus"] for g in package["grants"]
                if g.get("recipientOrganization", [{}])[0].get("id") == org_id}
    assert statuses == {d.strftime("%Y-%m-%d"): "AS200" if d >= second else "AS201" for d in theirs["award_date"]}


def test_import_reads_the_codes_into_led_by_and_serving(tmp_path):
    def grant(number, recipient, details=None):
        g = {"id": f"360G-example-G{number}", "title": f"Grant {number}", "description": "For things.",
             "currency": "GBP", "amountAwarded": 1000, "awardDate": "2024-05-01",
             "fundingOrganization": [{"id": "GB-LAE-EXB", "name": "Example", "department": "Grants"}], **recipient}
        if details:
            g["deiDetails"] = details
        return g

    details = {"leadership": {"askedStatus": "AS200", "replyStatus": "RS200",
                              "response": {"taxonomyCodes": ["DEI010100", "DEI090000"]}},
               "mission": {"askedStatus": "AS100"},
               "project": {"askedStatus": "AS200", "replyStatus": "RS200", "response": {"taxonomyCodes": ["DEI060000"]}}}
    charity = {"recipientOrganization": [{"id": "GB-CHC-1111111", "name": "A Charity"}]}
    later = {"recipientOrganization": [{"id": "GB-CHC-2222222", "name": "Another Charity"}]}
    person = {"recipientIndividual": {"id": "P1", "name": "Someone"}}
    path = tmp_path / "grants.json"
    path.write_text(json.dumps({"grants": [grant(1, charity, details), grant(2, later), grant(3, later, details),
                                           grant(4, person, details)]}), encoding="utf-8")
    result = giving360_import.import_360giving(path, "GRANTS", wards=[], council_id="GB-LAE-EXB")
    orgs = {o["org_id"]: o for o in result.organisations}
    assert {k: orgs["GB-CHC-1111111"][k] for k in ("led_by", "serving", "dei_declared_on", "income_band")} == \
        {"led_by": "DEI010100;DEI090000", "serving": "DEI060000", "dei_declared_on": "", "income_band": ""}
    assert (orgs["GB-CHC-2222222"]["led_by"], orgs["GB-CHC-2222222"]["serving"]) == ("DEI010100;DEI090000",
                                                                                        "DEI060000")
    individual = orgs["GB-LAE-EXB-IND-0001"]
    assert (individual["led_by"], individual["serving"]) == ("", "")  # never about individuals
    notes = "\n".join(result.unmapped)
    assert ("DEI Details (taxonomy codes) on grants to individuals, not imported: equality data is never about "
            "individuals: 1 (360G-example-G4).") in notes
    assert "led_by and serving from the file's DEI Details (the Leadership and Project taxonomy codes, as the " \
           "organisations declared them to the funder) for 2 organisations; dei_declared_on is empty" in notes
    # The statuses have no place in our data: reported as ignored, under the extension's titles.
    assert 'Ignored the field "DEI Details:Leadership:Asked Status" (a value in 3 grants)' in notes


def test_our_csv_imports_back(config, bundled_tables, tmp_path):
    """Our own CSV, read by the import, gives back each organisation's codes."""
    conformance.write_360_csv(bundled_tables, config, tmp_path / "g.csv")
    result = giving360_import.import_360giving(tmp_path / "g.csv", "X", wards=[], council_id="GB-LAE-SWK")
    back = {o["org_id"]: (o["led_by"], o["serving"]) for o in result.organisations}
    orgs = bundled_tables["organisations"].set_index("org_id")
    dated = orgs[orgs["dei_declared_on"].notna()]
    for org_id, (led, serving) in back.items():
        if org_id in dated.index:
            assert (led, serving) == (";".join(dei.codes(dated.at[org_id, "led_by"])),
                                      ";".join(dei.codes(dated.at[org_id, "serving"])))
        else:
            assert (led, serving) == ("", "")
    assert sum(1 for v in back.values() if any(v)) > 50


@pytest.mark.parametrize("title", giving360.DEI_CSV_COLUMNS)
def test_csv_titles_are_the_extensions(title):
    """Each DEI column title is one of the 23 the extension's guidance lists (built from its schema's titles)."""
    areas = ["Project", "Mission", "Leadership"]
    fields = ["Asked Status", "Reply Status", "Available Options", "Additional Details", "DEI Response:Taxonomy Codes",
              "DEI Response:Lived Experience", "DEI Response:Geography"]
    listed = ["DEI Details:DEI Data Standard Version", "DEI Details:Purposes"] + [
        f"DEI Details:{a}:{f}" for a in areas for f in fields]
    assert len(listed) == 23
    assert title in listed
    assert set(listed) == {t for t in giving360_standard.schema_titles() if t.startswith("DEI Details")}

