"""The OCDS 1.1.5 release package of the contracts, checked against the official schemas."""

from __future__ import annotations

import copy
import dataclasses
import json

import pandas as pd
import pytest

from generator.exports import ocds
from generator.config import PROJECT_DIR

from conftest import SHARED
import conformance

PUBLISHED = "2026-11-25"
REAL = sorted((SHARED / "ocds" / "london-boroughs-2016").glob("*.json"))








@pytest.fixture(scope="module")
def release_schema() -> dict:
    return json.loads(ocds.RELEASE_SCHEMA.read_text(encoding="utf-8"))


def by_ocid(package: dict) -> dict[str, dict]:
    return {r["ocid"]: r for r in package["releases"]}


def enum_of(schema: dict, definition: str, field: str) -> set:
    return set(schema["definitions"][definition]["properties"][field]["enum"]) - {None}


@pytest.mark.parametrize("which", ["small", "bundled"])
def test_the_package_validates_and_matches_the_contracts(which, small_tables, bundled_tables, config):
    tables = small_tables if which == "small" else bundled_tables
    package = ocds.release_package(tables, config, PUBLISHED)
    assert conformance.validate_ocds(package) == []
    contracts = tables["contracts"]
    assert len(package["releases"]) == len(contracts)
    assert all(r["ocid"].startswith(config.ocid_prefix + "-") for r in package["releases"])
    assert len({r["id"] for r in package["releases"]}) == len(contracts)
    releases = by_ocid(package)
    assert set(releases) == {f"{config.ocid_prefix}-{c}" for c in contracts["contract_id"]}
    for row in contracts.to_dict("records"):
        release = releases[f"{config.ocid_prefix}-{row['contract_id']}"]
        (award,), (contract,) = release["awards"], release["contracts"]
        assert award["value"] == {"amount": row["total_value_gbp"], "currency": "GBP"}
        assert contract["value"] == {"amount": row["total_value_gbp"], "currency": "GBP"}
        assert contract["awardID"] == award["id"]
        assert contract["period"]["startDate"] == row["start_date"].strftime("%Y-%m-%dT00:00:00Z")
        assert contract["period"]["endDate"] == row["end_date"].strftime("%Y-%m-%dT00:00:00Z")
        assert release["tender"]["procurementMethodDetails"] == row["procurement_route"]
        assert contract["status"] == ocds.CONTRACT_STATUS[row["status"]]
        assert release["buyer"] == {"id": config.publisher_org_id, "name": config.publisher_name}
        supplier = next(p for p in release["parties"] if "supplier" in p["roles"])
        assert supplier["id"] == row["supplier_org_id"] == award["suppliers"][0]["id"]
    # the amounts survive JSON exactly
    reread = json.loads(json.dumps(package))
    total = sum(r["contracts"][0]["value"]["amount"] for r in reread["releases"])
    assert total == sum(contracts["total_value_gbp"].tolist())


def test_package_metadata(small_tables, config):
    package = ocds.release_package(small_tables, config, PUBLISHED)
    assert package["version"] == "1.1"
    assert package["publishedDate"] == "2026-11-25T00:00:00Z"
    assert package["publisher"]["name"] == config.publisher_name
    assert package["license"] == "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    assert all(r["date"] == "2026-11-25T00:00:00Z" for r in package["releases"])
    assert all(r["initiationType"] == "tender" for r in package["releases"])
    # A release is tagged implementation too when its contract has assessed KPIs (implementation/metrics).
    assert all(r["tag"] == ["award", "contract"] + (["implementation"] if "implementation" in r["contracts"][0] else [])
               for r in package["releases"])
    if not config.site_url:
        assert package["uri"].startswith("tag:") and "publicationPolicy" not in package
    online = dataclasses.replace(config, site_url="https://data.example.gov.uk/commissioning/")
    package = ocds.release_package(small_tables, online, PUBLISHED)
    assert package["uri"] == "https://data.example.gov.uk/commissioning/downloads/ocds-contracts.json"
    assert package["publicationPolicy"] == "https://data.example.gov.uk/commissioning/about/"
    assert conformance.validate_ocds(package) == []


def test_the_package_is_deterministic_and_release_ids_are_stable(small_tables, config):
    first = ocds.release_package(small_tables, config, PUBLISHED)
    assert ocds.release_package(small_tables, config, PUBLISHED) == first
    later = ocds.release_package(small_tables, config, "2027-01-05T09:30:00Z")
    assert conformance.validate_ocds(later) == []
    assert [r["id"] for r in later["releases"]] == [r["id"] for r in first["releases"]]
    assert later["releases"][0]["date"] == "2027-01-05T09:30:00Z"
    # a changed contract is a new release
    changed = dict(small_tables)
    changed["contracts"] = small_tables["contracts"].copy()
    changed["contracts"].loc[0, "total_value_gbp"] += 1
    ids = [r["id"] for r in ocds.release_package(changed, config, PUBLISHED)["releases"]]
    assert ids[0] != first["releases"][0]["id"] and ids[1:] == [r["id"] for r in first["releases"][1:]]


def test_every_route_and_status_maps_into_the_ocds_codelists(release_schema):
    contracts = json.loads((PROJECT_DIR / "schemas" / "contracts.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in contracts["fields"]}
    assert set(ocds.PROCUREMENT_METHOD) == set(fields["procurement_route"]["constraints"]["enum"])
    assert set(ocds.CONTRACT_STATUS) == set(fields["status"]["constraints"]["enum"])
    methods = enum_of(release_schema, "Tender", "procurementMethod")
    assert {m for m in ocds.PROCUREMENT_METHOD.values() if m} <= methods
    assert set(ocds.CONTRACT_STATUS.values()) <= enum_of(release_schema, "Contract", "status")
    assert ocds.PROCUREMENT_METHOD["open procedure"] == "open"
    assert ocds.PROCUREMENT_METHOD["restricted procedure"] == "selective"
    assert ocds.PROCUREMENT_METHOD["direct award"] == ocds.PROCUREMENT_METHOD["spot purchase"] == "direct"


def test_a_route_with_no_ocds_method_keeps_its_details(small_tables, config):
    tables = dict(small_tables)
    tables["contracts"] = small_tables["contracts"].copy()
    tables["contracts"]["procurement_route"] = "light-touch regime"
    package = ocds.release_package(tables, config, PUBLISHED)
    assert conformance.validate_ocds(package) == []
    tender = package["releases"][0]["tender"]
    assert "procurementMethod" not in tender and tender["procurementMethodDetails"] == "light-touch regime"


def test_parties_identifiers_and_commissioning_bodies(bundled_tables, config):
    package = ocds.release_package(bundled_tables, config, PUBLISHED)
    releases = by_ocid(package)
    orgs = bundled_tables["organisations"].set_index("org_id")
    commissioners = bundled_tables["commissioners"].set_index("commissioner_id")
    kinds = set()
    for row in bundled_tables["contracts"].to_dict("records"):
        release = releases[f"{config.ocid_prefix}-{row['contract_id']}"]
        parties = release["parties"]
        assert len({p["id"] for p in parties}) == len(parties)
        buyer = parties[0]
        assert buyer["roles"] == ["buyer"] and buyer["identifier"] == {
            "scheme": "GB-LAE", "id": "SWK", "legalName": config.publisher_name}
        supplier = next(p for p in parties if "supplier" in p["roles"])
        org = orgs.loc[row["supplier_org_id"]]
        assert supplier["name"] == org["name"]
        assert f'{supplier["identifier"]["scheme"]}-{supplier["identifier"]["id"]}' == row["supplier_org_id"]
        extra = {(i["scheme"], i["id"]) for i in supplier.get("additionalIdentifiers", [])}
        main = (supplier["identifier"]["scheme"], supplier["identifier"]["id"])
        for scheme, column in (("GB-CHC", "charity_number"), ("GB-COH", "company_number")):
            number = org[column]
            if isinstance(number, str) and (scheme, number) != main:
                assert (scheme, number) in extra
        kind = commissioners.loc[row["commissioner_id"]]["commissioner_type"]
        kinds.add(kind)
        bodies = [p for p in parties if "procuringEntity" in p["roles"]]
        if kind in ("NHS partner", "joint partnership team"):
            assert [b["name"] for b in bodies] == [commissioners.loc[row["commissioner_id"]]["name"]]
            assert release["tender"]["procuringEntity"] == {"id": bodies[0]["id"], "name": bodies[0]["name"]}
        else:
            assert bodies == [] and len(parties) == 2
    assert kinds == {"council department", "NHS partner", "joint partnership team"}


def test_org_ids_split_at_the_registered_prefix():
    assert ocds.split_org_id("GB-CHC-1234567") == ("GB-CHC", "1234567")
    assert ocds.split_org_id("GB-COH-08123456") == ("GB-COH", "08123456")
    assert ocds.split_org_id("GB-LAE-SWK") == ("GB-LAE", "SWK")
    assert ocds.split_org_id("GB-LAE-SWK-UG43708") == ("GB-LAE", "SWK-UG43708")
    assert ocds.split_org_id("CN-11-CR-123") == ("CN-11-CR", "123")  # a three-part registered prefix


def test_write_release_package(small_tables, config, tmp_path):
    path = tmp_path / "downloads" / "ocds-contracts.json"
    written = conformance.write_release_package(small_tables, config, path, PUBLISHED)
    assert json.loads(path.read_text(encoding="utf-8")) == written == ocds.release_package(small_tables, config, PUBLISHED)
    assert conformance.validate_ocds(json.loads(path.read_text(encoding="utf-8"))) == []


def test_broken_packages_are_reported(small_tables, config):
    good = ocds.release_package(small_tables, config, PUBLISHED)

    def broken(change) -> list[str]:
        package = copy.deepcopy(good)
        change(package)
        return conformance.validate_ocds(package)

    def bad_date(p):
        p["releases"][0]["contracts"][0]["period"]["startDate"] = "2024-13-01T00:00:00Z"

    assert broken(bad_date) == [
        'releases[0].contracts[0].period.startDate: "2024-13-01T00:00:00Z" is not a date and time '
        "(expected RFC 3339, such as 2024-04-01T00:00:00Z)"]
    assert broken(lambda p: p["releases"][0].__setitem__("date", "2024-04-01")) == [
        'releases[0].date: "2024-04-01" is not a date and time (expected RFC 3339, such as 2024-04-01T00:00:00Z)']
    assert broken(lambda p: p.__setitem__("publishedDate", "25/11/2026")) == [
        'publishedDate: "25/11/2026" is not a date and time (expected RFC 3339, such as 2024-04-01T00:00:00Z)']
    assert broken(lambda p: p["releases"][1].pop("ocid")) == [
        'releases[1]: "ocid" is missing (the OCDS schema requires it)']
    assert broken(lambda p: p.pop("version")) == ['the package: "version" is missing (the OCDS schema requires it)']
    assert broken(lambda p: p.__setitem__("uri", "downloads/ocds-contracts.json")) == [
        'uri: "downloads/ocds-contracts.json" is not an absolute URI (expected something like https://example.org/path)']
    problems = broken(lambda p: p["releases"][0]["contracts"][0].__setitem__("status", "live"))
    assert len(problems) == 1 and problems[0].startswith('releases[0].contracts[0].status: "live" is not one of')
    problems = broken(lambda p: p["releases"][0]["awards"][0]["value"].__setitem__("amount", "170100"))
    assert problems == ['releases[0].awards[0].value.amount: "170100" is text (expected a number or null)']
    assert broken(lambda p: p.__setitem__("releases", [])) == ["releases: the list has 0 items (expected at least 1)"]


@pytest.mark.skipif(not REAL, reason="the shared reference OCDS packages are not available")
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name[:40])
def test_real_contracts_finder_packages_fail_only_for_their_missing_version(path):
    package = json.loads(path.read_text(encoding="utf-8"))
    assert conformance.validate_ocds(package) == ['the package: "version" is missing (the OCDS schema requires it)']
    package["version"] = "1.1"
    assert conformance.validate_ocds(package) == []


@pytest.mark.skipif(not (SHARED / "ocds").is_dir(), reason="the shared reference OCDS schemas are not available")
@pytest.mark.parametrize("name", ["ocds-1.1.5-release-package-schema.json", "ocds-1.1.5-release-schema.json"])
def test_the_bundled_schemas_are_the_reference_copies(name):
    assert (ocds.OCDS_DIR / name).read_bytes() == (SHARED / "ocds" / name).read_bytes()
    assert name in (ocds.OCDS_DIR / "SOURCE.md").read_text(encoding="utf-8")


# --- contract KPIs -----------------------------------------------------------------


def test_ratings_map_onto_the_uk_measure_classifications_in_order():
    """The UK extension's five ids, in the order of the ratings of reg. 39(5) (an inference: see ocds.py)."""
    from generator.data.checks_kpis import RATINGS

    assert list(ocds.MEASURE_CLASSIFICATION) == list(RATINGS)
    assert list(ocds.MEASURE_CLASSIFICATION.values()) == ["met", "slightlyBelow", "below", "significantlyBelow", "other"]


def test_kpis_are_agreed_metrics_and_their_assessments_implementation_metrics(bundled_tables, config):
    package = ocds.release_package(bundled_tables, config, PUBLISHED)
    assert conformance.validate_ocds(package) == []
    releases = by_ocid(package)
    kpis = bundled_tables["contract_kpis"]
    assert kpis["contract_id"].nunique() > 0
    for contract_id, rows in kpis.groupby("contract_id", sort=False):
        release = releases[f"{config.ocid_prefix}-{contract_id}"]
        contract = release["contracts"][0]
        agreed = {m["id"]: m for m in contract["agreedMetrics"]}
        assessed = {m["id"]: m for m in contract["implementation"]["metrics"]}
        assert list(agreed) == list(dict.fromkeys(rows["kpi_id"]))
        assert release["tag"] == ["award", "contract", "implementation"]
        for kpi_id, periods in rows.groupby("kpi_id", sort=False):
            first = periods.iloc[0]
            # The sample's targets do not change: one target observation, with the target in words.
            assert agreed[kpi_id]["title"] == first["kpi"]
            (target,) = agreed[kpi_id]["observations"]
            assert target["id"] == f"{kpi_id}-target"
            if pd.isna(first["target_value"]):
                assert target == {"id": f"{kpi_id}-target", "measure": first["target"]}
            else:
                assert (target["measure"], target["notes"]) == (first["target_value"], first["target"])
                assert target["unit"] == {"name": first["unit"]}
            done = periods[periods["rating"].notna()].sort_values("period_start")
            observations = assessed[kpi_id]["observations"]
            assert [o["id"] for o in observations] == [f"{kpi_id}-{d:%Y-%m-%d}" for d in done["period_start"]]
            for observation, row in zip(observations, done.itertuples()):
                assert observation["period"] == {"startDate": f"{row.period_start:%Y-%m-%d}T00:00:00Z",
                                                 "endDate": f"{row.period_end:%Y-%m-%d}T00:00:00Z"}
                assert observation["measureClassification"] == {
                    "id": ocds.MEASURE_CLASSIFICATION[row.rating], "description": row.rating}
                assert observation["measure"] == (row.result if pd.isna(row.result_value) else row.result_value)
                assert observation["notes"].endswith(f"Assessment published {row.published:%Y-%m-%d}.")
    # Contracts without KPIs have neither field.
    without = set(bundled_tables["contracts"]["contract_id"]) - set(kpis["contract_id"])
    assert all("agreedMetrics" not in releases[f"{config.ocid_prefix}-{c}"]["contracts"][0] for c in without)


def test_a_changing_target_money_and_a_period_not_assessed(small_tables, config):
    tables = dict(small_tables)
    kpis = small_tables["contract_kpis"].copy()
    first = kpis.index[kpis["kpi_id"] == "KPI1"]
    kpis.loc[first[1], ["target", "target_value"]] = ["At least 97% of tenants", 97]
    second = kpis.index[kpis["kpi_id"] == "KPI2"]
    kpis.loc[second, "unit"] = "pounds"
    tables["contract_kpis"] = kpis
    package = ocds.release_package(tables, config, PUBLISHED)
    assert conformance.validate_ocds(package) == []
    contract = next(r for r in package["releases"] if r["ocid"].endswith(kpis.at[first[0], "contract_id"]))["contracts"][0]
    agreed = {m["id"]: m for m in contract["agreedMetrics"]}
    targets = agreed["KPI1"]["observations"]
    assert len(targets) == len(first) and targets[1]["measure"] == 97 and targets[0]["measure"] == 95
    assert targets[1]["id"] == f"KPI1-target-{kpis.at[first[1], 'period_start']:%Y-%m-%d}" and "period" in targets[1]
    money = agreed["KPI2"]["observations"][0]
    assert money["value"] == {"amount": kpis.at[second[0], "target_value"], "currency": "GBP"} and "measure" not in money
    metrics = {m["id"]: m for m in contract["implementation"]["metrics"]}
    assert len(metrics["KPI1"]["observations"]) == int(kpis.loc[first, "rating"].notna().sum()) < len(first)
