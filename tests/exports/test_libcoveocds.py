"""The OCDS export run through libcoveocds, the library behind the Open Contracting Partnership's
OCDS Data Review Tool, fully offline: no schema errors, and each of its further checks clean.

libcoveocds reads the standard (schemas and codelists) from a ZIP of the open-contracting/standard
repository; by default it downloads it. Here `standard_zip` points at a ZIP built in a temporary
folder from the copies in generator/reference/ocds/, and every socket is refused while it runs, so
a download would fail the test instead of being tried.

What the ZIP holds (ocdsextensionregistry's ProfileBuilder reads `<top folder>/schema/<name>` for
tag 1__1__5):
- release-schema.json, release-package-schema.json: our unmodified 1.1.5 copies.
- codelists/<closed codelist>.csv: derived from the release schema, where each closed codelist's
  codes are the field's `enum` (OCDS 1.1 generates those enums from the codelist files). They
  matter: libcove does not report an enum error on a codelist field as a schema error, only as an
  "additional closed codelist value", so without them a bad contract status would pass.
- No open codelists: their codes are not in the schema or anywhere on this machine, so they cannot
  be had offline, and libcoveocds skips a field whose codelist it does not have. The only open
  codelist field the export uses is parties/roles (partyRole.csv); its codes are always buyer,
  procuringEntity or supplier (generator/exports/ocds.py), all core partyRole codes.
  test_which_codelists_are_checked pins this, so a new open codelist field gets noticed.
- versioned-release-validation-schema.json: libcoveocds loads it always but uses it only for
  record packages; ours is a release package. The stand-in rejects everything, so it could never
  let a record package through.

Its one finding, expected: the contract KPIs. The export carries them as the OCDS for the UK profile does,
in fields of the Metrics extension (contracts/agreedMetrics, contracts/implementation/metrics) and of the
UK extension (Observation.measureClassification). The package declares no extensions (their schemas would
have to be fetched, and this test runs offline), so libcoveocds reports those fields as "additional fields"
outside the core schema: KPI_FIELDS lists exactly which, and the test checks that nothing else is reported.
The core 1.1.5 schema allows additional fields, so the package is still valid (tests/conformance.py).
"""

from __future__ import annotations

import contextlib
import copy
import csv
import dataclasses
import io
import json
import socket
import zipfile
from pathlib import Path

import pytest
from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig
from libcoveocds.schema import SchemaOCDS

from generator.exports import ocds

PUBLISHED = "2026-11-25"
TOP = "standard-1__1__5/"  # the first entry of the ZIP: the repository's folder

# Every finding libcoveocds reports besides the schema errors, and what we expect of it on our export.
EXPECTED = {
    "conformance_errors": None,                  # ocid prefixes of the form ocds-xxxxxx
    "deprecated_fields": [],                     # fields deprecated in OCDS 1.1
    "additional_fields": [],                     # fields not in the schema: only the KPIs' (KPI_FIELDS)
    "all_additional_fields": [],
    "additional_closed_codelist_values": {},     # codes outside a closed codelist
    "additional_open_codelist_values": {},       # always {} here: no open codelists offline (above)
    "additional_checks": {},                     # empty_field: empty strings, objects or lists
    "extensions": None,                          # the package declares no extensions
    "json_deref_error": None,
}
# The contract KPIs' fields (generator/exports/ocds.py), reported as additional fields: each root field
# with the fields under it, as paths relative to releases/contracts.
KPI_FIELDS = {
    "agreedMetrics": {"id", "title", "observations", "observations/id", "observations/measure", "observations/unit",
                      "observations/unit/name", "observations/notes"},
    "implementation/metrics": {
        "id", "title", "observations", "observations/id", "observations/period", "observations/period/startDate",
        "observations/period/endDate", "observations/measure", "observations/unit", "observations/unit/name",
        "observations/notes", "observations/measureClassification", "observations/measureClassification/id",
        "observations/measureClassification/description"},
}
# The rest of the report: facts about the file, not findings.
INFORMATION = {"file_type", "version_used", "schema_url", "validation_errors", "common_error_types",
               "count", "unique_ocids_count"}


def _closed_codelists(schema) -> dict[str, list[str]]:
    """Each closed codelist of the release schema, with its codes (the field's enum)."""
    found = {}
    if isinstance(schema, dict):
        if "codelist" in schema and not schema.get("openCodelist", False):
            enum = schema.get("enum") or schema.get("items", {}).get("enum")
            assert enum, f"closed codelist {schema['codelist']} has no enum to derive its codes from"
            codes = [code for code in enum if code is not None]
            assert found.setdefault(schema["codelist"], codes) == codes
        children = schema.values()
    elif isinstance(schema, list):
        children = schema
    else:
        children = ()
    for child in children:
        for name, codes in _closed_codelists(child).items():
            assert found.setdefault(name, codes) == codes, name
    return found


@pytest.fixture(scope="module")
def standard_zip(tmp_path_factory) -> str:
    """A file: URI of the ZIP of the standard that libcoveocds reads instead of downloading one."""
    path = tmp_path_factory.mktemp("standard") / "standard-1__1__5.zip"
    release_schema = json.loads(ocds.RELEASE_SCHEMA.read_text(encoding="utf-8"))
    stand_in = {"$schema": "http://json-schema.org/draft-04/schema#", "not": {}}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(TOP, "")
        archive.write(ocds.RELEASE_SCHEMA, TOP + "schema/release-schema.json")
        archive.write(ocds.PACKAGE_SCHEMA, TOP + "schema/release-package-schema.json")
        archive.writestr(TOP + "schema/versioned-release-validation-schema.json", json.dumps(stand_in))
        for name, codes in sorted(_closed_codelists(release_schema).items()):
            text = io.StringIO()
            csv.writer(text, lineterminator="\n").writerows([["Code"], *[[code] for code in codes]])
            archive.writestr(TOP + "schema/codelists/" + name, text.getvalue())
    return path.as_uri()


def cove_config(standard_zip: str) -> LibCoveOCDSConfig:
    return LibCoveOCDSConfig({"standard_zip": standard_zip, "context": "api"})


@contextlib.contextmanager
def no_network():
    """Refuse every connection and name lookup, and list the attempts (a library that catches the
    error must not pass silently: the caller asserts the list is empty)."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError(f"a test tried to use the network: {args!r}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        yield attempts


def review(path: Path, standard_zip: str) -> dict:
    """libcoveocds's report on the file at `path` (its API: libcoveocds.api.ocds_json_output)."""
    with no_network() as attempts:
        report = ocds_json_output(str(path.parent), str(path), lib_cove_ocds_config=cove_config(standard_zip))
    assert attempts == []
    return report


def schema_errors(report: dict) -> list[tuple[str, str]]:
    return [(error["path"], error["description"]) for error in report["validation_errors"]]


def findings(report: dict) -> dict:
    assert set(report) <= set(EXPECTED) | INFORMATION, "a finding this test does not know"
    return {key: report.get(key) for key in EXPECTED}


def kpi_findings(report: dict, package: dict) -> tuple[list, dict]:
    """The additional fields the KPIs make (KPI_FIELDS), taken out of the report, and what libcoveocds should
    say of them for `package`: each root field once, with the number of contracts that use it."""
    def is_kpi(path: str) -> bool:
        return path.startswith(("/releases/contracts/agreedMetrics", "/releases/contracts/implementation/metrics"))

    found = [f for f in report["additional_fields"] if is_kpi(f"{f['path']}/{f['field']}")]
    report["additional_fields"] = [f for f in report["additional_fields"] if f not in found]
    descendants = {}
    for entry in report["all_additional_fields"]:
        path = f"{entry['path']}/{entry['field_name']}"
        if is_kpi(path) and not entry["root_additional_field"]:
            descendants[path] = entry["count"]
    report["all_additional_fields"] = [e for e in report["all_additional_fields"]
                                       if not is_kpi(f"{e['path']}/{e['field_name']}")]
    contracts = [c for r in package["releases"] for c in r["contracts"]]
    expected = [{"path": "/releases/contracts", "field": "agreedMetrics",
                 "usage_count": sum("agreedMetrics" in c for c in contracts)},
                {"path": "/releases/contracts/implementation", "field": "metrics",
                 "usage_count": sum("metrics" in c.get("implementation", {}) for c in contracts)}]
    written = {f"/releases/contracts/{root}/{field}" for root, fields in KPI_FIELDS.items() for field in fields}
    assert set(descendants) == written, set(descendants) ^ written
    return found, expected


@pytest.mark.parametrize("online", [False, True], ids=["bundled-config", "with-site-url"])
def test_libcoveocds_finds_nothing_in_the_export(online, bundled_tables, config, standard_zip, tmp_path):
    if online:  # the package's uri and publicationPolicy then come from the site's address
        config = dataclasses.replace(config, site_url="https://data.example.gov.uk/commissioning/")
    path = tmp_path / ocds.DOWNLOAD_NAME
    ocds.write_release_file(bundled_tables, config, path, PUBLISHED)  # the download's bytes
    report = review(path, standard_zip)
    assert schema_errors(report) == []
    found, expected = kpi_findings(report, json.loads(path.read_text(encoding="utf-8")))
    assert found == expected and expected[0]["usage_count"] > 0
    assert findings(report) == EXPECTED
    assert report["version_used"] == "1.1"
    contracts = len(bundled_tables["contracts"])
    assert report["count"] == report["unique_ocids_count"] == contracts > 0


def test_which_codelists_are_checked(bundled_tables, config, standard_zip):
    """Every closed codelist field the export uses is checked; the open ones are not (see the
    module's docstring), and the only one is parties/roles."""
    package = ocds.release_package(bundled_tables, config, PUBLISHED)
    with no_network() as attempts:
        schema = SchemaOCDS(None, package, cove_config(standard_zip))
        schema.process_codelists()
    assert attempts == []

    used = set()

    def walk(value, path):
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, (*path, key))
        elif isinstance(value, list):
            for child in value:
                walk(child, path)
        elif path in schema.extended_codelist_schema_paths:
            used.add(path)

    walk(package, ())
    codelist = {"/".join(path): schema.extended_codelist_schema_paths[path] for path in used}
    checked = {path: name for path, (name, _) in codelist.items() if name in schema.extended_codelists}
    unchecked = {path: (name, is_open) for path, (name, is_open) in codelist.items() if path not in checked}
    assert checked == {
        "releases/tag": "releaseTag.csv",
        "releases/initiationType": "initiationType.csv",
        "releases/tender/status": "tenderStatus.csv",
        "releases/tender/procurementMethod": "method.csv",
        "releases/awards/status": "awardStatus.csv",
        "releases/awards/value/currency": "currency.csv",
        "releases/contracts/status": "contractStatus.csv",
        "releases/contracts/value/currency": "currency.csv",
    }
    assert unchecked == {"releases/parties/roles": ("partyRole.csv", True)}
    assert {role for release in package["releases"] for party in release["parties"] for role in party["roles"]} \
        <= {"buyer", "procuringEntity", "supplier"}


def test_libcoveocds_reports_a_broken_export(bundled_tables, config, standard_zip, tmp_path):
    """The same run catches each kind of fault, one per release."""
    package = copy.deepcopy(ocds.release_package(bundled_tables, config, PUBLISHED))
    releases = package["releases"]
    del releases[0]["ocid"]
    releases[1]["contracts"][0]["period"]["startDate"] = "2017-04-31"   # no 31 April
    releases[2]["contracts"][0]["status"] = "suspended"                 # not in contractStatus
    releases[3]["tender"]["title"] = " "
    releases[4]["ocid"] = "SWK-C-00005"                                  # no ocds-xxxxxx prefix
    releases[5]["contracts"][0]["colour"] = "red"                        # not in the schema
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(package), encoding="utf-8")

    report = review(path, standard_zip)
    kpi_findings(report, package)
    assert schema_errors(report) == [
        ("releases/0", "'ocid' is missing but required"),
        ("releases/1/contracts/0/period/startDate", "Date is not in the correct format"),
    ]
    found = findings(report)
    assert found["conformance_errors"] == {"ocds_prefixes_bad_format": [("SWK-C-00005", "releases/4/ocid")]}
    assert {path: sorted(value["values"]) for path, value in found["additional_closed_codelist_values"].items()} \
        == {"releases/contracts/status": ["suspended"]}
    assert found["additional_checks"] == {"empty_field": [{"json_location": "releases/3/tender/title"}]}
    assert found["additional_fields"] == [{"path": "/releases/contracts", "field": "colour", "usage_count": 1}]


def test_the_default_configuration_would_download_the_standard(tmp_path):
    """Without standard_zip libcoveocds downloads the standard; the guard catches it."""
    path = tmp_path / "package.json"
    path.write_text(json.dumps({"version": "1.1", "releases": []}), encoding="utf-8")
    config = LibCoveOCDSConfig({"context": "api"})
    with no_network() as attempts, pytest.raises(OSError, match="a test tried to use the network"):
        ocds_json_output(str(tmp_path), str(path), lib_cove_ocds_config=config)
    assert {attempt[0] for attempt in attempts} == {"codeload.github.com"}  # GitHub's ZIP of the tag
