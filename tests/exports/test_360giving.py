"""360Giving export and import (generator/exports/giving360.py, generator/imports/giving360.py), checked against the official 1.4 schemas with a
format checker, on our data and on real funders' files."""

from __future__ import annotations

import copy
import csv
import dataclasses
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from generator.exports import giving360
from generator.data import stage, validate
from generator.config import PROJECT_DIR, ConfigError, load_config

from conftest import SHARED, tables_of
from generator.data import package as datapackage
import conformance
from generator.imports import giving360_standard
from generator.imports import giving360 as giving360_import
from generator import cli

REAL = SHARED / "360giving" / "real"
FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "360giving"
EXTERNAL = PROJECT_DIR / "tests" / "fixtures" / "external"

TRAFFORD_CSV = REAL / "grants__trafford_council_voluntary_sector_grants.csv"
TRAFFORD_JSON = REAL / "grants__trafford_council_voluntary_sector_grants.json"
ABCT_XLSX = REAL / "ABCT_a001p00000zgyHZAAY.xlsx"
ABCT_JSON = REAL / "ABCT_a001p00000zgyHZAAY.json"

EXPECTED_COLUMNS = [
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
    "Planned Dates:Start Date", "Planned Dates:End Date", "Actual Dates:Start Date", "Actual Dates:End Date",
    "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Charity Number", "Recipient Org:Company Number",
    "Recipient Org:Location:0:Name", "Recipient Org:Location:0:Country Code",
    "Recipient Org:Location:0:Geographic Code", "Recipient Org:Location:0:Geographic Code Type",
    "Recipient Ind:Identifier", "Recipient Ind:Name",
    "Beneficiary Location:Name", "Beneficiary Location:Country Code", "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "Funding Org:Identifier", "Funding Org:Name", "Funding Org:Department",
    "Grant Programme:Title",
    "Classifications:Vocabulary", "Classifications:Code", "Classifications:Title",
    "Data Source", "Last Modified",
]


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared/reference/ is missing)")
    return path








def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def amounts(grants: list[dict]) -> dict[str, Decimal]:
    return {g["id"]: Decimal(str(g["amountAwarded"])) for g in grants}


# --- export ----------------------------------------------------------------------


def test_csv_titles_are_the_standards_exact_titles():
    titles = giving360_standard.schema_titles()
    assert giving360.CSV_COLUMNS == giving360.csv_columns() == EXPECTED_COLUMNS
    # Each is the schema's own title, exactly; the recipient's location, a list inside a list that the schema
    # does not roll up, with flattentool's item number (0) as 360Giving's own files spell it.
    assert [t for t in EXPECTED_COLUMNS if t.replace(":0:", ":") not in titles] == []
    assert [t for t in EXPECTED_COLUMNS if ":0:" in t] == [t for t in EXPECTED_COLUMNS if "Location:0:" in t] != []
    if TRAFFORD_CSV.exists():  # and as a real publisher spells it
        trafford = read_csv(TRAFFORD_CSV)[0]
        shared = [t for t in EXPECTED_COLUMNS if t.casefold() in {h.casefold() for h in trafford}]
        assert len(shared) >= 18
        # Trafford writes "Last modified"; we keep the schema's "Last Modified" (flattentool ignores case).
        assert [t for t in shared if t not in trafford] == ["Last Modified"]


def test_local_schemas_are_the_reference_copies():
    source = need(SHARED / "360giving" / "schema")
    for name in ("360-giving-package-schema.json", "360-giving-schema.json"):
        assert (giving360_standard.REFERENCE / name).read_bytes() == (source / name).read_bytes()
    assert "9387abc" in (giving360_standard.REFERENCE / "SOURCE.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("which", ["small", "bundled"])
def test_export_validates_against_the_360giving_schema(which, small_tables, bundled_tables, config, tmp_path):
    tables = small_tables if which == "small" else bundled_tables
    grants = tables["grants"]

    package = conformance.write_360_json(tables, config, tmp_path / "grants.json")
    assert conformance.validate_360(package) == []
    written = json.loads((tmp_path / "grants.json").read_text(encoding="utf-8"))
    assert written == package
    assert conformance.validate_360(written) == []
    assert [g["id"] for g in written["grants"]] == list(grants["grant_id"])
    assert sum(amounts(written["grants"]).values()) == sum(Decimal(repr(a)) for a in grants["amount_awarded"])
    assert {g["fundingOrganization"][0]["id"] for g in written["grants"]} == {"GB-LAE-SWK"}
    assert all(g["id"].startswith("360G-southwarkcouncil-") for g in written["grants"])
    assert written["license"].startswith("https://www.nationalarchives.gov.uk/doc/open-government-licence/")
    assert "ILLUSTRATIVE" in written["description"]

    conformance.write_360_csv(tables, config, tmp_path / "grants.csv")
    raw = (tmp_path / "grants.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfIdentifier,Title,Description,Currency,Amount Awarded,Award Date,")
    assert raw.endswith(b"\r\n")
    rows = read_csv(tmp_path / "grants.csv")
    # The DEI extension's columns follow when a grant has deiDetails (tests/exports/test_dei_export.py).
    dei = any("deiDetails" in g for g in written["grants"])
    assert rows[0] == EXPECTED_COLUMNS + (giving360.DEI_CSV_COLUMNS if dei else [])
    assert len(rows) == len(grants) + 1
    # The CSV read back the way flattentool reads it is valid 360Giving data too.
    back, _, _ = giving360_import.read_360giving(tmp_path / "grants.csv")
    assert conformance.validate_360({"grants": back}) == []
    assert amounts(back) == amounts(written["grants"])


def test_one_grant_in_full(small_tables, config):
    grant = giving360.grants_to_360(small_tables, config)[0]
    row = small_tables["grants"].iloc[0]
    org = small_tables["organisations"].set_index("org_id").loc[row["recipient_org_id"]]
    assert grant["id"] == row["grant_id"]
    assert grant["currency"] == "GBP"
    assert grant["awardDate"] == row["award_date"].strftime("%Y-%m-%d")
    assert grant["plannedDates"] == [{"startDate": row["planned_start_date"].strftime("%Y-%m-%d"),
                                      "endDate": row["planned_end_date"].strftime("%Y-%m-%d")}]
    assert grant["recipientOrganization"][0]["id"] == row["recipient_org_id"]
    assert grant["recipientOrganization"][0]["name"] == org["name"]
    assert grant["fundingOrganization"][0]["name"] == config.publisher_name
    assert grant["fundingOrganization"][0]["department"]  # the commissioner's name
    assert grant["classifications"] == [{"vocabulary": "360G-southwarkcouncil-funding-type",
                                         "code": row["funding_type"],
                                         "title": giving360_standard.FUNDING_TYPE_TITLES[row["funding_type"]]}]


def test_ward_codes_only_where_known_and_individuals_anonymous(small_tables, config):
    tables = {name: frame.copy() for name, frame in small_tables.items()}
    grants, orgs = tables["grants"], tables["organisations"]
    known = "Borough & Bankside"
    assert tables["wards"].set_index("ward_name").loc[known, "ons_code"] == "E05011095"
    wards = tables["wards"]
    wards.loc[wards["ward_name"] == "Peckham", "ons_code"] = None  # a ward whose code the council has not given
    grants.loc[0, "beneficiary_ward"] = known
    grants.loc[1, "beneficiary_ward"] = "Peckham"
    # Grant 3's recipient becomes an individual (with a name, as a careless entry might have).
    person, old = "GB-LAE-SWK-IND-0001", grants.loc[2, "recipient_org_id"]
    orgs.loc[orgs["org_id"] == old, ["org_id", "name", "organisation_type"]] = [person, "Jane Example", "individual"]
    grants.loc[grants["recipient_org_id"] == old, "recipient_org_id"] = person
    grants.loc[2, "beneficiary_ward"] = "Peckham"
    exported = giving360.grants_to_360(tables, config)
    assert exported[0]["beneficiaryLocation"] == [
        {"name": known, "countryCode": "GB", "geoCode": "E05011095", "geoCodeType": "WD"}]
    assert exported[1]["beneficiaryLocation"] == [{"name": "Peckham", "countryCode": "GB"}]  # no guessed code
    individual = exported[2]
    assert individual["recipientIndividual"] == {"id": "360G-southwarkcouncil-IND-0001",
                                                 "name": "Individual Recipient"}
    assert "recipientOrganization" not in individual and "beneficiaryLocation" not in individual
    assert "Jane" not in json.dumps(exported)
    assert conformance.validate_360({"grants": exported}) == []

    # ... and the CSV of it imports back as an anonymous individual.
    rows = giving360.grants_to_rows(exported[:3])
    assert rows[2][EXPECTED_COLUMNS.index("Recipient Ind:Identifier")] == "360G-southwarkcouncil-IND-0001"
    assert rows[2][EXPECTED_COLUMNS.index("Recipient Org:Identifier")] == ""


def test_recipient_locations_only_where_the_data_places_them(small_tables, config):
    """A recipient organisation's location: its ward with the ward's ONS code; the council's district when it is
    based in the area with no coded ward; nothing otherwise (never guessed), and never for individuals."""
    tables = {name: frame.copy() for name, frame in small_tables.items()}
    grants, orgs, wards = tables["grants"], tables["organisations"], tables["wards"]
    wards.loc[wards["ward_name"] == "Peckham", "ons_code"] = None
    first = list(dict.fromkeys(grants["recipient_org_id"]))[:6]
    cases = [("Borough & Bankside", True), ("Peckham", True), (None, True), (None, False), (None, None),
             ("Borough & Bankside", True)]
    for org_id, (ward, based) in zip(first, cases):
        orgs.loc[orgs["org_id"] == org_id, ["ward", "based_in_borough", "organisation_type"]] = \
            [ward, based, "registered charity"]
    orgs.loc[orgs["org_id"] == first[5], "organisation_type"] = "individual"
    ward = {"name": "Borough & Bankside", "countryCode": "GB", "geoCode": "E05011095", "geoCodeType": "WD"}
    district = {"name": "Southwark", "countryCode": "GB", "geoCode": "E09000028", "geoCodeType": "LAD"}

    def locations(config):
        exported = {g.get("recipientOrganization", [{}])[0].get("id"): g
                    for g in giving360.grants_to_360(tables, config)}
        return [exported[o]["recipientOrganization"][0].get("location") if o in exported else None for o in first[:5]]

    assert config.area == "Southwark"
    assert locations(config) == [[ward], [district], [district], None, None]
    # A council whose area the ONS lookup does not know gets no district location (its wards still do).
    assert locations(dataclasses.replace(config, area="London Borough of Southwark")) == [[ward], None, None, None,
                                                                                           None]
    individual = [g for g in giving360.grants_to_360(tables, config) if "recipientIndividual" in g]
    assert individual and all("location" not in json.dumps(g) for g in individual)
    package = giving360.package_360(tables, config)
    assert conformance.validate_360(package) == []
    # The CSV's columns hold the first location, in flattentool's numbered form.
    rows = giving360.grants_to_rows(package["grants"])
    at = [EXPECTED_COLUMNS.index(f"Recipient Org:Location:0:{t}") for t in
          ("Name", "Country Code", "Geographic Code", "Geographic Code Type")]
    shown = {tuple(row[i] for i in at) for row in rows}
    assert {("Borough & Bankside", "GB", "E05011095", "WD"), ("Southwark", "GB", "E09000028", "LAD"),
            ("", "", "", "")} <= shown


def test_dates_modified_actual_dates_and_data_source(small_tables, config):
    tables = {name: frame.copy() for name, frame in small_tables.items()}
    grants = tables["grants"]
    grants.loc[0, ["actual_start_date", "actual_end_date"]] = [pd.Timestamp("2024-04-02"), pd.Timestamp("2025-03-30")]
    grants.loc[1, "actual_end_date"] = pd.Timestamp("2025-01-31")
    grants.loc[0, "data_source"] = "https://example.org/grants.xlsx"
    grants.loc[0, "last_modified"] = pd.Timestamp("2024-05-06")
    grants.loc[1, "last_modified"] = pd.NaT
    website = dataclasses.replace(config, site_url="", publisher_website="https://www.example.gov.uk/")
    exported = giving360.grants_to_360(tables, website)
    assert exported[0]["actualDates"] == [{"startDate": "2024-04-02", "endDate": "2025-03-30"}]
    assert exported[1]["actualDates"] == [{"endDate": "2025-01-31"}]
    assert "actualDates" not in exported[2]
    assert exported[0]["dateModified"] == "2024-05-06T00:00:00+00:00"  # the day's start, in UTC
    assert "dateModified" not in exported[1]
    # dataSource: the grant's own, else site.url, else the council's website, else none.
    assert [g["dataSource"] for g in exported[:2]] == ["https://example.org/grants.xlsx", "https://www.example.gov.uk/"]
    site = dataclasses.replace(website, site_url="https://data.example.gov.uk/")
    assert [g["dataSource"] for g in giving360.grants_to_360(tables, site)[:2]] == \
        ["https://example.org/grants.xlsx", "https://data.example.gov.uk/"]
    neither = giving360.grants_to_360(tables, dataclasses.replace(website, publisher_website=""))
    assert neither[0]["dataSource"] == "https://example.org/grants.xlsx" and "dataSource" not in neither[1]
    assert conformance.validate_360({"grants": exported}) == []
    row = giving360.grants_to_rows(exported[:1])[0]
    assert {c: row[EXPECTED_COLUMNS.index(c)] for c in ("Actual Dates:Start Date", "Actual Dates:End Date",
                                                         "Data Source", "Last Modified")} == {
        "Actual Dates:Start Date": "2024-04-02", "Actual Dates:End Date": "2025-03-30",
        "Data Source": "https://example.org/grants.xlsx", "Last Modified": "2024-05-06T00:00:00+00:00"}


def test_publisher_website_setting(config, tmp_path):
    assert config.publisher_website == "https://www.southwark.gov.uk/"  # the bundled config.yml
    package = giving360.package_360(None, config)
    assert package["publisher"]["website"] == "https://www.southwark.gov.uk/"
    assert "accessURL" not in package  # site.url is not set
    # Until publisher.website is set, the site's address stands for it, as before; the council's own website wins.
    site_only = dataclasses.replace(config, publisher_website="", site_url="https://d.example/")
    assert giving360.package_360(None, site_only)["publisher"]["website"] == "https://d.example/"
    assert "website" not in giving360.package_360(None, dataclasses.replace(config, publisher_website=""))["publisher"]
    base = (PROJECT_DIR / "config.yml").read_text(encoding="utf-8")
    assert "  website: https://www.southwark.gov.uk/" in base
    path = tmp_path / "config.yml"
    shutil.copyfile(PROJECT_DIR / "about.md", tmp_path / "about.md")
    for value in ("www.example.gov.uk", "ftp://example.gov.uk/", "https://", "https://example .gov.uk/"):
        path.write_text(base.replace("  website: https://www.southwark.gov.uk/", f"  website: {value}"),
                        encoding="utf-8")
        with pytest.raises(ConfigError) as error:
            load_config(path)
        assert str(error.value) == (f'{path}: setting "publisher.website" is {value!r} (expected the council\'s own '
                                    "website, a web address starting http:// or https://, such as "
                                    "https://www.example.gov.uk/)")
    path.write_text(base.replace("  website: https://www.southwark.gov.uk/", "  website: http://council.example"),
                    encoding="utf-8")
    assert load_config(path).publisher_website == "http://council.example"
    path.write_text(base.replace("  website: https://www.southwark.gov.uk/", ""), encoding="utf-8")
    assert load_config(path).publisher_website == ""  # optional


def test_the_format_checker_catches_impossible_dates(small_tables, config):
    package = giving360.package_360(small_tables, config)
    broken = copy.deepcopy(package)
    first, second = broken["grants"][0], broken["grants"][1]
    first["awardDate"] = "2025-13-45"
    second["dateModified"] = "2025-13-45T10:00:00Z"  # a date-time format and nothing else
    assert conformance.validate_360(broken) == [
        f'grant 1 ({first["id"]}), awardDate: "2025-13-45" is not a valid date (expected a date written '
        "YYYY-MM-DD, or a full date-time such as 2025-01-15T09:30:00Z)",
        f'grant 2 ({second["id"]}), dateModified: "2025-13-45T10:00:00Z" is not a valid date-time',
    ]
    # The checker is what catches it: with the schema's own rule for awardDate and no checker, the impossible
    # date passes and a real one fails (it matches both the date-time branch and the date pattern).
    import jsonschema

    rule = json.loads(giving360_standard.GRANT_SCHEMA.read_text(encoding="utf-8"))["properties"]["awardDate"]
    unchecked = jsonschema.Draft202012Validator(rule)
    checked = jsonschema.Draft202012Validator(rule, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert (unchecked.is_valid("2025-13-45"), unchecked.is_valid("2025-01-15")) == (True, False)
    assert (checked.is_valid("2025-13-45"), checked.is_valid("2025-01-15")) == (False, True)
    fixed = copy.deepcopy(package)
    fixed["grants"][0]["awardDate"] = "2025-12-31T23:59:59+00:00"
    assert conformance.validate_360(fixed) == []


def test_other_schema_problems_are_reported_in_plain_english(small_tables, config):
    package = giving360.package_360(small_tables, config)
    broken = copy.deepcopy(package)
    del broken["grants"][0]["title"]
    broken["grants"][1]["recipientIndividual"] = {"id": "360G-x-IND-1", "name": "Individual Recipient"}
    broken["grants"].append(copy.deepcopy(broken["grants"][5]))
    first, second = broken["grants"][0]["id"], broken["grants"][1]["id"]
    broken["grants"][11]["amountAwarded"] = "1,000"
    assert conformance.validate_360(broken) == [
        f"package, grants: item {len(broken['grants'])} repeats an earlier item exactly (expected each once)",
        f"grant 1 ({first}): is missing title (required by 360Giving)",
        f"grant 2 ({second}): gives both recipientOrganization and recipientIndividual (expected one of them)",
        f"grant 12 ({broken['grants'][11]['id']}), amountAwarded: '1,000' is not of type 'number'",
    ]


def test_csv_cells_never_become_formulas(small_tables, config, tmp_path):
    assert [giving360.csv_cell(v) for v in ["=1+1", "+44 20", "-x", "@SUM(A1)", "\tx", "ok", 1200.5, 30000, -5]] \
        == ["'=1+1", "'+44 20", "'-x", "'@SUM(A1)", "'\tx", "ok", "1200.5", "30000", "-5"]
    tables = {name: frame.copy() for name, frame in small_tables.items()}
    tables["grants"].loc[0, "title"] = '=HYPERLINK("http://example.com","click")'
    conformance.write_360_csv(tables, config, tmp_path / "grants.csv")
    assert read_csv(tmp_path / "grants.csv")[1][1] == '\'=HYPERLINK("http://example.com","click")'
    # The JSON keeps the value as it is; the import removes the apostrophe again.
    assert giving360.grants_to_360(tables, config)[0]["title"] == '=HYPERLINK("http://example.com","click")'
    back, _, _ = giving360_import.read_360giving(tmp_path / "grants.csv")
    assert back[0]["title"] == '=HYPERLINK("http://example.com","click")'


# --- import ----------------------------------------------------------------------


# The organisations' equality columns, which a 360Giving file leaves empty (its DEI codes apart).
NO_EQUALITY = {"income_band": "", "led_by": "", "serving": "", "dei_declared_on": ""}


def our_columns(name: str) -> list[str]:
    return [f["name"] for f in json.loads((PROJECT_DIR / "schemas" / f"{name}.json").read_text())["fields"]]


def package_with(result: giving360_import.ImportResult, small_data: Path, tmp_path: Path) -> Path:
    """A copy of the small data set whose grants and organisations are the imported rows (and whose
    contracts, links and contract KPIs, which point at the old ones, are emptied)."""
    data = tmp_path / "data"
    shutil.copytree(small_data, data)
    shutil.copytree(small_data.parent / "schemas", tmp_path / "schemas")
    (data / "grants.csv").unlink()
    (data / "organisations.csv").unlink()
    giving360_import.write_import(result, data)
    for name in ("contracts", "funding_outcomes", "commissioning_intentions", "decision_links", "contract_kpis"):
        path = data / f"{name}.csv"
        path.write_text(path.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    return data


def import_findings(result: giving360_import.ImportResult, small_data: Path, tmp_path: Path, config) -> list[tuple]:
    """What `validate` (the schemas, then the council's checks) reports on the imported grants and organisations,
    in the small data set (package_with): (file, row, column, code)."""
    data = package_with(result, small_data, tmp_path)
    findings, _, _ = stage.check_data(data, config)
    return [(Path(f.path).name, f.row, f.column, f.code) for f in findings
            if Path(f.path).name in ("grants.csv", "organisations.csv")]


@pytest.mark.parametrize("path", [TRAFFORD_CSV, TRAFFORD_JSON, ABCT_XLSX, ABCT_JSON], ids=lambda p: p.name)
def test_real_files_import_and_export_again(path, small_data, config, tmp_path):
    result = giving360_import.import_360giving(need(path), "SWK-CFS")  # ABCT's file names no department
    source = json.loads(need(path.with_suffix(".json")).read_text(encoding="utf-8"))["grants"]
    assert result.read == len(source)
    assert len(result.grants) == len(source)  # none skipped
    assert not [n for n in result.unmapped if n.startswith("Skipped")]

    # The rows keep our schemas (types, patterns, enums, lengths, keys) ...
    data = package_with(result, small_data, tmp_path)
    package = datapackage.load_package(data)
    assert [str(f) for f in validate.validate(package)] == []
    assert read_csv(data / "grants.csv")[0] == our_columns("grants")
    assert read_csv(data / "organisations.csv")[0] == our_columns("organisations")

    # ... and exported again they are valid 360Giving data with the same grants and amounts.
    exported = giving360.package_360(tables_of(data), config)
    assert conformance.validate_360(exported) == []
    assert {g["id"] for g in exported["grants"]} == {g["id"] for g in source}
    assert amounts(exported["grants"]) == amounts(source)
    assert sum(amounts(exported["grants"]).values()) == sum(amounts(source).values())


def test_trafford_mapping_details():
    result = giving360_import.import_360giving(need(TRAFFORD_CSV), "SWK-PH", wards=["Trafford"],
                                               council_id="GB-LAE-TRF")
    first = result.grants[0]
    assert first == {
        "grant_id": "360G-traffordmbc-VSG1342",
        "title": "Voluntary Sector Grant to Altrincham Children's Choir",
        "description": "Create and run community choirs involving children working in partnership with local "
                       "schools, businesses, third sector groups etc. which will culminate in a series of "
                       "performances",
        "programme": "Voluntary Sector Grants",
        "funding_type": "longer-term",  # 12 months planned
        "recipient_org_id": "GB-LAE-TRF-360G-trafford-altrincham-childrens-choir",
        "amount_awarded": "2266",
        "award_date": "2013-01-18",
        "planned_start_date": "",
        "planned_end_date": "",
        "beneficiary_ward": "Trafford",  # matches one of the wards given
        "department_id": "PARTNERSHIPS-AND-COMMUNITIES",  # the file's Funding Org:Department wins over --department
        "co_funders": "",  # Trafford is this council
        "actual_start_date": "",
        "actual_end_date": "",
        "data_source": "https://www.trafford.gov.uk/",  # dataSource
        "last_modified": "2022-05-03",  # dateModified 2022-05-03T18:09:56Z: its date
    }
    assert "Last Modified date-times given as their date, as last_modified is a date (2019-03-12T10:00:00+00:00 " \
           "became 2019-03-12): 555 (360G-traffordmbc-VSG1342, " in "\n".join(result.unmapped)
    assert not [n for n in result.unmapped if "dateModified" in n or "Data Source" in n or "Last Modified\"" in n]
    orgs = {o["org_id"]: o for o in result.organisations}
    assert orgs["GB-COH-07962245"] == {
        "org_id": "GB-COH-07962245", "name": "Cyril Flint Befrienders",
        "organisation_type": "company limited by guarantee", "charity_number": "1146179",
        "company_number": "07962245", "is_vcs": "yes", "is_sme": "", "based_in_borough": "", "ward": "",
        "income_band": "", "led_by": "", "serving": "", "dei_declared_on": "",
    }
    assert orgs[first["recipient_org_id"]]["organisation_type"] == "unregistered community group"
    assert [o for o in result.organisations if list(o) != our_columns("organisations")] == []
    assert [g for g in result.grants if list(g) != our_columns("grants")] == []
    assert 'Ignored the column "Beneficiary Location:Geographic Code" (a value in 555 grants): our grants and ' \
           "organisations data have no place for it." in result.unmapped
    assert "Funding Org: the file names Trafford Metropolitan Borough Council (GB-LAE-TRF): 555 grants." \
        in result.unmapped
    assert [c["commissioner_id"] for c in result.commissioners] == ["PARTNERSHIPS-AND-COMMUNITIES",
                                                                   "INCLUSIVE-ECONOMY-COMMUNITIES"]
    assert "department_id from the file's Funding Org:Department for 555 grants; departments new to the project " \
           "added to commissioners.csv: PARTNERSHIPS-AND-COMMUNITIES, INCLUSIVE-ECONOMY-COMMUNITIES (check their " \
           "commissioner_type, org_id and dates)." in result.unmapped
    assert not any(n.startswith("Co-funded") for n in result.unmapped)
    assert any(n.startswith("Recipient identifiers that are not of the form country-register-number") and
               '"360G-trafford-be_active" → "GB-LAE-TRF-360G-trafford-be-active"' in n for n in result.unmapped)


def test_abct_charity_numbers():
    result = giving360_import.import_360giving(need(ABCT_XLSX), "SWK-CFS")
    orgs = {o["org_id"]: o for o in result.organisations}
    scottish = orgs["GB-SC-SC049135"]
    assert (scottish["organisation_type"], scottish["charity_number"], scottish["is_vcs"]) == \
        ("registered charity", "", "yes")
    assert orgs["GB-CHC-1126147"]["charity_number"] == "1126147"
    notes = "\n".join(result.unmapped)
    assert 'Recipient Org:Charity Number values that are not Charity Commission numbers' in notes
    assert '"SC049135" (GB-SC-SC049135)' in notes
    assert 'Ignored the column "Website: Decision Notes" (a value in 500 grants)' in notes


TITLE_VARIANTS = [
    "xlsx_fundingproviders-grants_2_grants_title_space_case.xlsx",
    "xlsx_fundingproviders-grants_2_grants_sheet_title_case.xlsx",
]


@pytest.mark.parametrize("name", TITLE_VARIANTS)
def test_title_variants_import_the_same_grants(name, small_data, tmp_path, config):
    normal = giving360_import.import_360giving(FIXTURES / "fundingproviders-grants_2_grants.xlsx", "SWK-CFS")
    variant = giving360_import.import_360giving(FIXTURES / name, "SWK-CFS")
    same = {
        "programme": "Awards Funding Committee",
        "funding_type": "longer-term",  # 25 months
        "award_date": "2014-07-24",  # written 24/07/2014
        "planned_start_date": "",
        "planned_end_date": "",
        "beneficiary_ward": "",
        "department_id": "SWK-CFS",  # --department: the file names no department
        "co_funders": "Funding Providers UK (GB-CHC-000000)",  # not this council (GB-LAE-SWK)
        "actual_start_date": "",
        "actual_end_date": "",
        "last_modified": "2015-03-13",  # 2015-03-13T00:00:00+00:00
    }
    assert normal.grants == [{
        **same,
        "grant_id": "360G-fundingproviders-000001-X-00-X",
        "title": "Title A",
        "description": "Title A",  # no description in the file: the title is used
        "recipient_org_id": "",  # no Recipient Org:Identifier: left empty, for validate to report
        "amount_awarded": "152505",
        "data_source": "http://www.fundingproviders.co.uk/grants/",
    }, {
        **same,
        "grant_id": "360G-fundingproviders-000002-X-00-X",  # "/" is not allowed in our grant_id
        "title": "Title B",
        "description": "Title B",
        "recipient_org_id": "GB-COH-RC000000",
        "amount_awarded": "178990",
        "data_source": "http://www.fundingproviders.co.uk/grants/",
    }]
    assert [list(g) for g in normal.grants] == [our_columns("grants")] * 2
    assert variant.grants == normal.grants
    assert variant.organisations == normal.organisations == [{
        "org_id": "", "name": "Company Name Limited", "organisation_type": "", "charity_number": "",
        "company_number": "", "is_vcs": "", "is_sme": "", "based_in_borough": "", "ward": "", **NO_EQUALITY,
    }, {
        "org_id": "GB-COH-RC000000", "name": "University of UK", "organisation_type": "company limited by guarantee",
        "charity_number": "", "company_number": "RC000000", "is_vcs": "", "is_sme": "",  # not stated
        "based_in_borough": "", "ward": "", **NO_EQUALITY,
    }]
    assert "Recipient organisations with no Identifier, written with an empty org_id and recipient_org_id " \
           "(validate reports them; give their charity or company identifier): 1 " \
           '(360G-fundingproviders-000001-X-00-X: "Company Name Limited").' in variant.unmapped
    assert 'Grant identifiers changed to fit our grant_id (letters, digits, - and _ only): 2 ' \
           '("360G-fundingproviders-000001/X/00/X" → "360G-fundingproviders-000001-X-00-X", ' \
           '"360G-fundingproviders-000002/X/00/X" → "360G-fundingproviders-000002-X-00-X").' in variant.unmapped
    # Personal names in the funder's own columns are never imported, only reported as ignored.
    assert any('"Full name of applicant"' in n for n in variant.unmapped)
    assert "Doe" not in json.dumps([variant.grants, variant.organisations])
    # validate: the first grant's recipient has no identifier (an empty primary key is reported once, as a
    # missing value). With grants.csv failing its schema, its council checks (such as
    # title-is-description) wait until this is fixed.
    assert import_findings(variant, small_data, tmp_path, config) == [
        ("organisations.csv", 2, "org_id", "constraint-required"),
        ("grants.csv", 2, "recipient_org_id", "constraint-required"),
    ]


def test_cp1252_csv_imports(tmp_path, capsys):
    path = EXTERNAL / "360giving-cp1252.csv"
    result = giving360_import.import_360giving(path, "SWK-CFS")
    assert result.unmapped[0] == ("The file is not UTF-8: it was read as Windows-1252 (Excel's \"CSV\" on Windows); "
                                  "check accented letters and symbols such as £ and € in the imported text.")
    assert [g["grant_id"] for g in result.grants] == ["360G-funding-providers-000001-X-00-X",
                                                      "360G-funding-providers-000002-X-00-X"]
    assert result.grants[0]["recipient_org_id"] == ""  # it has no Recipient Org:Identifier
    assert '"360G-<~>€funding±Áproviders-000002/X/00/X" → "360G-funding-providers-000002-X-00-X")' \
        in "\n".join(result.unmapped)

    assert cli.cmd_import_360giving([str(path), "--out", str(tmp_path / "out"), "--department", "SWK-CFS"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Read 2 grants from {path}.\nImported 2 grants (2 added, 0 replaced, 0 unchanged): "
                          "every grant in the file, with its values as given; `validate` reports any that need fixing.\n")
    assert [r[0] for r in read_csv(tmp_path / "out" / "grants.csv")[1:]] == [
        "360G-funding-providers-000001-X-00-X", "360G-funding-providers-000002-X-00-X"]


def test_our_own_export_imports_back_unchanged(small_tables, small_data, config, tmp_path):
    """Every grant field we publish survives export and import (the department by its name, matched against
    the project's commissioners)."""
    conformance.write_360_csv(small_tables, config, tmp_path / "grants.csv")
    conformance.write_360_json(small_tables, config, tmp_path / "grants.json")
    original = read_csv(small_data / "grants.csv")
    # A grant with no data_source is published with the fallback dataSource (site.url, else publisher.website),
    # which then comes back as its own.
    source = original[0].index("data_source")
    assert giving360.default_source(config) == "https://www.southwark.gov.uk/"
    expected = [r[:source] + [r[source] or giving360.default_source(config)] + r[source + 1:] for r in original[1:]]
    assert any(not r[source] for r in original[1:])
    departments = {r[1]: r[0] for r in read_csv(small_data / "commissioners.csv")[1:]}
    for name in ("grants.csv", "grants.json"):
        result = giving360_import.import_360giving(tmp_path / name, departments=departments)
        assert result.commissioners == []  # the departments' names are the project's commissioners'
        assert [list(row) for row in result.grants] == [original[0]] * len(result.grants)
        assert [list(row.values()) for row in result.grants] == expected
        orgs = {r[0]: r for r in read_csv(small_data / "organisations.csv")[1:]}
        for org in result.organisations:
            assert [org["org_id"], org["name"]] == orgs[org["org_id"]][:2]
            assert (org["charity_number"], org["company_number"]) == tuple(orgs[org["org_id"]][3:5])


def test_awkward_values(small_data, tmp_path, config):
    """Every grant is written: a value with a problem is kept as given, or left empty, and noted; `validate`
    then reports each problem with its file, row and column."""
    charity = {"recipientOrganization": [{"id": "GB-CHC-123456", "name": "C"}]}
    grant = {"currency": "GBP", "title": "A grant", "description": "For things.", "amountAwarded": 1000,
             "awardDate": "2024-05-01T09:00:00+01:00", "fundingOrganization": [{"id": "GB-CHC-1", "name": "F"}]}
    grants = [
        {**grant, "id": "360G-f-1", "recipientOrganization": [{"id": "gb-coh-1234567", "name": "Small Co CIC"}],
         "plannedDates": [{"startDate": "2024-06-01", "endDate": "2024-11-30"}],
         "beneficiaryLocation": [{"name": "London"}, {"name": "Nunhead and Queens Road ward"}]},
        {**grant, "id": "360G-f-2", "recipientIndividual": {"id": "IND-9", "name": "Joe Bloggs"},
         "beneficiaryLocation": [{"name": "Peckham"}], "plannedDates": [{"startDate": "2024", "duration": 6}]},
        {**grant, **charity, "id": "360G-f-3", "currency": "USD"},
        {**grant, **charity, "id": "360G-f-4", "amountAwarded": -5},
        {**grant, **charity, "id": "360G-f-5", "awardDate": "2024-02-30"},
        {**grant, **charity, "id": "360G-f-1"},
        {**grant, "id": "360G-f-7", "title": "x" * 250, "amountAwarded": "£1,250.50",
         "recipientOrganization": [{"id": "GB-CHC-123456", "name": "C"}],
         "recipientIndividual": {"id": "IND-1", "name": "Individual"}},
        {**grant, **charity, "id": "f-8"},
        {**grant, "id": "360G-f-\n10", "recipientOrganization": [{"id": "GB-CHC-\n123456 ", "name": "C"}]},
        {**grant, "id": "360G-f-9", "title": "x" * 250, "amountAwarded": "£1,250.50",
         "recipientOrganization": [{"id": "GB-CHC-123456", "name": "C"}]},
    ]
    path = tmp_path / "awkward.json"
    path.write_text(json.dumps({"grants": grants}), encoding="utf-8")
    result = giving360_import.import_360giving(path, "SWK-CFS", wards=["Nunhead & Queen's Road", "Peckham"])
    assert [g["grant_id"] for g in result.grants] == ["360G-f-1", "360G-f-2", "360G-f-3", "360G-f-4", "360G-f-5",
                                                      "360G-f-1", "360G-f-7", "f-8", "360G-f-10", "360G-f-9"]
    first, person, usd, negative, impossible, repeat, both, not_360g, broken, long = result.grants
    assert broken["recipient_org_id"] == "GB-CHC-123456"  # line breaks and spaces removed from identifiers
    assert (first["award_date"], first["funding_type"], first["beneficiary_ward"], first["recipient_org_id"]) == \
        ("2024-05-01", "short-term innovation", "Nunhead & Queen's Road", "GB-COH-01234567")
    assert (person["funding_type"], person["beneficiary_ward"], person["planned_start_date"]) == \
        ("short-term innovation", "", "2024")  # 6 months; no ward for an individual; "2024" kept as given
    assert (usd["amount_awarded"], negative["amount_awarded"], impossible["award_date"]) == ("", "-5", "2024-02-30")
    assert (both["recipient_org_id"], both["amount_awarded"]) == ("", "1250.5")  # an organisation and a person
    assert (long["title"], long["amount_awarded"]) == ("x" * 250, "1250.5")  # kept whole: validate reports it
    orgs = {o["org_id"]: o for o in result.organisations}
    assert list(orgs) == ["GB-COH-01234567", "GB-LAE-SWK-IND-0001", "GB-CHC-123456"]
    assert orgs["GB-COH-01234567"]["organisation_type"] == "community interest company"
    assert orgs["GB-COH-01234567"]["is_vcs"] == "yes"
    assert orgs["GB-LAE-SWK-IND-0001"] == {
        "org_id": "GB-LAE-SWK-IND-0001", "name": "Individual recipient", "organisation_type": "individual",
        "charity_number": "", "company_number": "", "is_vcs": "no", "is_sme": "", "based_in_borough": "",
        "ward": "", **NO_EQUALITY}
    assert "Bloggs" not in json.dumps([result.grants, result.organisations])
    assert "Individual\"" not in json.dumps(result.organisations)  # grant 7's person: not imported either
    assert not [n for n in result.unmapped if n.startswith(("Skipped", "Ignored"))]
    notes = "\n".join(result.unmapped)
    for note in [
        'Identifiers that do not fit our grant_id (360G- then letters, digits, - and _), kept as given (validate '
        'reports them): 1 ("f-8").',
        'Identifiers the same as an earlier grant\'s, kept: every copy is written (validate reports the '
        'duplicates): 1 ("360G-f-1").',
        "Grants whose amount is not in pounds, written with amount_awarded empty (validate reports the missing "
        "amount): 1 (360G-f-3: amount in USD, not GBP).",
        "Amounts that are not a number above zero, kept as given (validate reports them): 1 (360G-f-4: -5).",
        "Dates that are not full dates (30 February, only a year or a month, or not a date), kept as given "
        '(validate reports them): 2 (360G-f-2: Planned Dates:Start Date "2024", 360G-f-5: Award Date "2024-02-30").',
        "Grants naming both a recipient organisation and an individual (360Giving allows one), written with "
        "recipient_org_id empty and neither imported (validate reports it): 1 (360G-f-7).",
        'Recipient identifiers rewritten in their register\'s form: 2 ("gb-coh-1234567" → "GB-COH-01234567", '
        '"GB-CHC-\\n123456" → "GB-CHC-123456").',
        'Amounts written with "£" or commas, which were removed: 2 (360G-f-7, 360G-f-9).',
    ]:
        assert note in result.unmapped, note
    assert 'Grant identifiers changed to fit our grant_id (letters, digits, - and _ only): 1 ("360G-f-\\n10" → ' \
           '"360G-f-10").' in result.unmapped  # one line per note: the line break is shown as \\n
    assert "shortened" not in notes
    assert "Recipient Ind:Name values not imported" in notes

    # validate reports every problem the import kept, by file, row and column.
    assert import_findings(result, small_data, tmp_path, config) == [
        ("grants.csv", 3, "planned_start_date", "type-error"),  # "2024"
        ("grants.csv", 4, "amount_awarded", "constraint-required"),  # USD: left empty
        ("grants.csv", 5, "amount_awarded", "constraint-minimum"),  # -5
        ("grants.csv", 6, "award_date", "type-error"),  # 2024-02-30
        ("grants.csv", 7, "grant_id", "duplicate"),  # 360G-f-1 again
        ("grants.csv", 8, "title", "constraint-maxLength"),
        ("grants.csv", 8, "recipient_org_id", "constraint-required"),  # both an organisation and a person
        ("grants.csv", 9, "grant_id", "constraint-pattern"),  # f-8
        ("grants.csv", 11, "title", "constraint-maxLength"),
    ]


# --- the command -----------------------------------------------------------------


def test_command_writes_our_files_and_merges_again(tmp_path, capsys):
    source = FIXTURES / "fundingproviders-grants_2_grants.xlsx"
    out = tmp_path / "imported"
    assert cli.cmd_import_360giving([str(source), "--out", str(out), "--department", "SWK-PH"]) == 0
    printed = capsys.readouterr()
    assert printed.err == ""
    lines = printed.out.splitlines()
    assert lines[:6] == [
        f"Read 2 grants from {source}.",
        "Imported 2 grants (2 added, 0 replaced, 0 unchanged): every grant in the file, with its values as given; `validate` "
        "reports any that need fixing.",
        f"Wrote into {out}:",
        "- grants.csv: 2 added",
        "- organisations.csv: 2 added",  # one with no identifier: org_id empty
        f"Not mapped or changed ({sum(line.startswith('- ') for line in lines) - 2} notes):",
    ]
    assert lines[-1] == f"Next: run python -m generator validate --data {out}"
    grants = read_csv(out / "grants.csv")
    assert grants[0] == our_columns("grants")
    assert grants[1][our_columns("grants").index("department_id")] == "SWK-PH"
    assert not (out / "grants.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    # Again: the same rows are already there, nothing changes.
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert cli.cmd_import_360giving([str(source), "--out", str(out), "--department", "SWK-PH"]) == 0
    assert capsys.readouterr().out.splitlines()[1:5] == [
        "Imported 2 grants (0 added, 0 replaced, 2 unchanged): every grant in the file, with its values as given; `validate` "
        "reports any that need fixing.",
        f"Wrote into {out}:",
        "- grants.csv: 0 added, 2 already there and unchanged",
        "- organisations.csv: 0 added, 2 already there and unchanged",  # the one with no org_id: the same row
    ]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_malformed_json_is_one_clear_line(tmp_path, capsys):
    path = EXTERNAL / "360giving-malformed.json"
    assert cli.cmd_import_360giving([str(path), "--out", str(tmp_path / "out")]) == 1
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err == (f"error: {path}: is not valid JSON (Expecting property name enclosed in double quotes "
                           'at line 10, column 15; expected a 360Giving package such as {"grants": [...]})\n')
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name, content, message", [
    ("package.json", '{"resources": []}',
     'is not a 360Giving package (expected a JSON object with a list of "grants")'),
    ("grants.xlsx", "not a workbook", "is not a readable XLSX workbook (File is not a zip file)"),
    ("grants.csv", "name,amount\nA,1\n", "has no \"Identifier\" column (expected 360Giving column titles such as "
                                         "Identifier, Title, Amount Awarded in the first row)"),
    ("grants.csv", "", "is empty (expected a header row of 360Giving column titles, then grants)"),
    ("grants.ods", "x", "is not a .csv, .xlsx or .json file (expected a 360Giving file in one of those formats)"),
    ("missing.json", None, "file not found"),
])
def test_unreadable_input_is_one_clear_line(name, content, message, tmp_path, capsys):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert cli.cmd_import_360giving([str(path), "--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == f"error: {path}: {message}\n"
