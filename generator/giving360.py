"""360Giving: our grants as 360Giving Data Standard 1.4 data, and a funder's 360Giving file as our rows.

Export
------
``grants_to_360(tables, config)`` turns each row of the typed grants table into a 360Giving grant:
``id`` (our grant_id, already ``360G-<prefix>-...``), ``title``, ``description``, ``currency`` "GBP",
``amountAwarded``, ``awardDate`` (YYYY-MM-DD), ``plannedDates`` (start and end dates when present), the
recipient, ``fundingOrganization`` (the council from config.yml, with the department's name from the
commissioners table; a commissioner with another org_id, such as an NHS body, is the funder itself, and one
with no org_id is taken to be part of the council), ``grantProgramme``, ``beneficiaryLocation`` (the ward; its ONS code with geoCodeType
``WD`` only where the wards table has one), ``classifications`` (our funding_type, in the vocabulary
``<grant prefix>funding-type``) and ``dataSource`` (site.url, when set).

Recipients whose organisation_type is "individual" are published as ``recipientIndividual`` (never
``recipientOrganization``), as 360Giving's guidance for grants to individuals asks: the identifier is
``<grant prefix>IND-<our anonymous reference>`` and the name always "Individual Recipient", whatever the
organisations table says; no ward is given for them (a small area plus a date and an amount can identify a
person), and no registration numbers.

``package_360`` wraps the grants in a 360Giving package with the metadata 360Giving recommends (title,
description, publisher, licence, version "1.4"); ``write_360_json`` writes it, ``write_360_csv`` writes the
same grants as one CSV sheet; ``validate_360`` checks a package against the official schemas copied into
``generator/reference/360giving/`` (see SOURCE.md there). The build writes both files with
``write_360_files``, in one pass over the grants table column by column (Arrow), without a Python object per
grant: byte for byte what json.dumps of ``package_360`` and csv.writer over ``grants_to_rows`` give (the
tests compare them).

The CSV file
~~~~~~~~~~~~
- Column titles are the standard's spreadsheet titles, exactly as the schema spells them and as publishers
  such as Trafford use them ("Amount Awarded", "Recipient Org:Identifier", ...): ``CSV_COLUMNS``. The set of
  columns is always the same, so a column can be empty (Recipient Ind when every recipient is an
  organisation).
- Encoding: UTF-8 **with** a byte-order mark, lines ending CRLF (RFC 4180). Excel on Windows reads UTF-8
  CSV without a BOM as a legacy code page (ward names such as Queen's Road and £ signs in text would be
  garbled), and this file is meant to be opened by people. Machine readers cope: Frictionless detects the
  BOM, 360Giving's data quality tool keeps a BOM fixture among its tests, and the import below reads it.
  Our own data files stay BOM-free, as the README says.
- Formula policy: a text cell whose first character is ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return gets a single apostrophe in front (OWASP's advice for CSV injection), so Excel, LibreOffice and
  Google Sheets show it as text (apostrophe included) and never run it. Numbers (amounts) and dates are written as plain values
  and never escaped. The JSON package holds the values unchanged. In practice the guard should never fire:
  the council checks refuse free text that starts like a formula (check "formula-like"), and identifiers,
  dates and codes have patterns; it is there because a CSV must be safe whatever reaches it. The import
  below removes the apostrophe again when it is followed by =, +, - or @.

Import
------
``import_360giving(path)`` reads a 360Giving file (CSV, XLSX or JSON package) and returns our ``grants``
and ``organisations`` rows (dicts with exactly our schemas' field names, values as strings as they appear
in our CSV files) and ``unmapped``: plain-English notes on every column ignored, every grant skipped (and
why) and every value changed or guessed. Spreadsheet column titles are matched ignoring case and
whitespace, as flattentool does; CSV files are read as UTF-8 (with or without a BOM), else as Windows-1252.
XLSX files: the sheet called "grants" (any case), otherwise the first sheet; other sheets are reported.

Mapping rules, for what our data needs and 360Giving does not say:

- grant_id: the 360Giving identifier. Characters our grant_id does not allow (anything but letters, digits,
  ``-`` and ``_``, such as ``/``) are replaced by ``-``, and each change is reported; an identifier that does
  not start with ``360G-`` skips the grant.
- funding_type: a classification whose code is one of ours (our own export) wins; otherwise
  "short-term innovation" when the planned duration (Planned Dates:Duration, or start to end date) is under
  12 months, else "longer-term" (also when there are no planned dates).
- department_id: the ``department_id`` argument (default "SWK-CFS"): 360Giving names the funder's
  department only as text. Every grant is imported as the council's own (config.yml's publisher): the file's
  Funding Org is reported, not kept.
- beneficiary_ward: the first Beneficiary Location whose name is one of our ward names (ignoring case,
  "&" / "and" and a trailing "ward"), else empty.
- recipients: org_id is the Recipient Org:Identifier when it is an org-id.guide identifier our schema and
  the council checks accept (a registered prefix; GB-CHC, GB-COH, GB-SC and GB-NIC numbers in their
  register's form, Companies House numbers padded to 8 characters). Any other identifier (such as a
  funder-issued ``360G-trafford-...``) becomes a local one, ``<council org id>-<the identifier with other
  characters as ->``, for example ``GB-LAE-SWK-360G-trafford-be-active``, and is reported. A grant with no
  recipient identifier or name is skipped. Recipient Ind grants get an anonymous ``<council org id>-IND-0001``
  style id, the name "Individual recipient" and organisation_type "individual"; the file's individual name is
  never imported.
- organisation_type from the identifier: GB-CHC, GB-SC, GB-NIC "registered charity"; GB-COH "company
  limited by guarantee" (or "community interest company" when the name says CIC, "charitable incorporated
  organisation" for CE/CS company numbers); GB-MPR "community benefit society"; GB-EDU "school"; GB-NHS
  "NHS body"; GB-LAE, GB-LAS, GB-LANI, GB-PLA "local authority"; anything else "unregistered community group".
- charity_number and company_number: from the GB-CHC / GB-COH identifier, else from Recipient Org:Charity
  Number / Company Number when they have our form (6-7 digits; 8 characters); other values (Scottish SC
  numbers, notes in the cell) are left out and reported.
- is_vcs "yes" for charities (charity identifier or number), CIOs, CICs and community benefit societies,
  otherwise "no"; is_sme and based_in_borough "no", ward empty: 360Giving does not say (reported).
- Dates become YYYY-MM-DD (date-times keep their date; DD/MM/YYYY is read day first, as in the UK, and
  reported); amounts must be GBP numbers above zero (a "£" or thousands commas are removed and reported).
- Text longer than our schema allows is shortened with "…" and reported; a missing description becomes the
  title (reported). Every row is finally checked against our schemas' required, pattern, enum and maxLength
  rules, and a grant that still fails is skipped with the reason.

``write_import(result, out_dir)`` writes grants.csv and organisations.csv (UTF-8, no BOM, our schemas' column
order); ``main(argv)`` is the ``import-360giving FILE --out DIR [--department ID]`` command.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .config import ROOT, ConfigError, load_config
from .findings import show

REFERENCE = Path(__file__).resolve().parent / "reference" / "360giving"
PACKAGE_SCHEMA = REFERENCE / "360-giving-package-schema.json"
GRANT_SCHEMA = REFERENCE / "360-giving-schema.json"
# The package schema refers to the grant schema by its 1.4.2 URL; the grant schema's own $id is 1.4.3 (and
# its internal "#/$defs/..." references resolve against that). The local file is registered under both.
GRANT_SCHEMA_URLS = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json",
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-schema.json",
)
SCHEMA_VERSION = "1.4"
OGL_V3 = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
INDIVIDUAL_NAME = "Individual Recipient"  # what 360Giving's guidance suggests for recipientIndividual/name
FUNDING_TYPE_TITLES = {
    "longer-term": "Longer-term funding",
    "short-term innovation": "Short-term innovation grant",
}

# The CSV export's columns: the standard's spreadsheet titles (the schema's titles joined by ":").
CSV_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Recipient Ind:Identifier",
    "Recipient Ind:Name",
    "Beneficiary Location:Name",
    "Beneficiary Location:Country Code",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Funding Org:Department",
    "Grant Programme:Title",
    "Classifications:Vocabulary",
    "Classifications:Code",
    "Classifications:Title",
    "Data Source",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

DEFAULT_DEPARTMENT = "SWK-CFS"
DEFAULT_LOCAL_PREFIX = "GB-LAE-SWK"
SCHEMAS = ROOT / "schemas"
EXAMPLES = 5  # values shown in a note before "and N more"


# --- shared helpers ------------------------------------------------------------


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return False


def _number(value: float) -> int | float:
    value = float(value)
    return int(value) if value.is_integer() else value


def _plain(value: float) -> str:
    """A number as our CSV files and the 360Giving CSV write it: 2266, 3028.63."""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    text = repr(value)
    return format(value, "f") if "e" in text else text


def _iso(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _resolve(spec: dict, defs: dict) -> dict:
    if "$ref" in spec:
        target = defs[spec["$ref"].rsplit("/", 1)[-1]]
        return {**target, **{k: v for k, v in spec.items() if k != "$ref"}}
    return spec


def schema_titles(schema: dict | None = None) -> dict[str, tuple[tuple, str]]:
    """Every spreadsheet title the grant schema defines, e.g. "Recipient Org:Identifier", with its JSON path
    (0 for the first item of an array) and its JSON type."""
    schema = schema or _load_json(GRANT_SCHEMA)
    defs = schema.get("$defs", {})
    titles: dict[str, tuple[tuple, str]] = {}

    def walk(properties: dict, prefix: list[str], path: tuple, depth: int) -> None:
        for name, raw in properties.items():
            spec = _resolve(raw, defs)
            title = spec.get("title")
            if not title:
                continue
            kinds = spec.get("type", "string")
            kinds = [kinds] if isinstance(kinds, str) else kinds
            here = prefix + [title]
            if "array" in kinds and isinstance(spec.get("items"), dict):
                item = _resolve(spec["items"], defs)
                if "properties" in item:
                    if depth < 2:
                        walk(item["properties"], here, path + (name, 0), depth + 1)
                    continue
                titles[":".join(here)] = (path + (name,), "array")
            elif "properties" in spec:
                walk(spec["properties"], here, path + (name,), depth + 1)
            else:
                titles[":".join(here)] = (path + (name,), next((k for k in kinds if k != "null"), "string"))

    walk(schema["properties"], [], (), 0)
    return titles


def _key(title: str) -> str:
    """How flattentool compares titles: ignoring case and whitespace."""
    return re.sub(r"\s+", "", str(title)).casefold()


# --- export --------------------------------------------------------------------


def _records(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None:
        return []
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _individual_id(org_id: str, config) -> str:
    prefix = config.grant_id_prefix if config.grant_id_prefix.endswith("-") else config.grant_id_prefix + "-"
    reference = org_id.split("-IND-", 1)[1] if "-IND-" in org_id else org_id
    return f"{prefix}IND-{reference}"


def _recipient_part(org_id: str, org: dict | None, config) -> dict:
    """The grant's recipient keys: recipientIndividual for an individual, else recipientOrganization."""
    org = org or {"org_id": org_id, "name": org_id}
    if org.get("organisation_type") == "individual":
        return {"recipientIndividual": {"id": _individual_id(org_id, config), "name": INDIVIDUAL_NAME}}
    recipient = {"id": org_id, "name": org["name"]}
    if org.get("charity_number") is not None:
        recipient["charityNumber"] = org["charity_number"]
    if org.get("company_number") is not None:
        recipient["companyNumber"] = org["company_number"]
    return {"recipientOrganization": [recipient]}


def _location_part(ward, wards: dict) -> dict:
    if ward is None:
        return {}
    location = {"name": ward, "countryCode": "GB"}
    if wards.get(ward):
        location.update(geoCode=wards[ward], geoCodeType="WD")
    return {"beneficiaryLocation": [location]}


def _funder_part(department_id, commissioners: dict, config) -> dict:
    funder = {"id": config.publisher_org_id, "name": config.publisher_name}
    commissioner = commissioners.get(department_id)
    if commissioner:
        if commissioner.get("org_id") in (None, config.publisher_org_id):
            funder["department"] = commissioner["name"]
        else:  # another body (such as the NHS partner) made the grant
            funder = {"id": commissioner["org_id"], "name": commissioner["name"]}
    return {"fundingOrganization": [funder]}


def _programme_part(programme) -> dict:
    return {} if programme is None else {"grantProgramme": [{"title": programme}]}


def _classification_part(funding_type, config) -> dict:
    if funding_type is None:
        return {}
    prefix = config.grant_id_prefix if config.grant_id_prefix.endswith("-") else config.grant_id_prefix + "-"
    return {"classifications": [{
        "vocabulary": f"{prefix}funding-type",
        "code": funding_type,
        "title": FUNDING_TYPE_TITLES.get(funding_type, funding_type),
    }]}


def _source_part(config) -> dict:
    return {"dataSource": config.site_url} if getattr(config, "site_url", "") else {}


def grants_to_360(tables: dict[str, pd.DataFrame], config) -> list[dict]:
    """Each row of the grants table as a 360Giving 1.4 grant object. (The reference: the
    download is written by write_360_files, which gives the same grants column by column.)"""
    organisations = {o["org_id"]: o for o in _records(tables.get("organisations"))}
    wards = {w["ward_name"]: w.get("ons_code") for w in _records(tables.get("wards"))}
    commissioners = {c["commissioner_id"]: c for c in _records(tables.get("commissioners"))}
    grants = []
    for row in _records(tables["grants"]):
        grant: dict = {
            "id": row["grant_id"],
            "title": row["title"],
            "description": row["description"],
            "currency": "GBP",
            "amountAwarded": _number(row["amount_awarded"]),
            "awardDate": _iso(row["award_date"]),
        }
        planned = {}
        if row.get("planned_start_date") is not None:
            planned["startDate"] = _iso(row["planned_start_date"])
        if row.get("planned_end_date") is not None:
            planned["endDate"] = _iso(row["planned_end_date"])
        if planned:
            grant["plannedDates"] = [planned]
        org_id = row["recipient_org_id"]
        recipient = _recipient_part(org_id, organisations.get(org_id), config)
        grant.update(recipient)
        if "recipientIndividual" not in recipient:  # no ward for individuals
            grant.update(_location_part(row.get("beneficiary_ward"), wards))
        grant.update(_funder_part(row.get("department_id"), commissioners, config))
        grant.update(_programme_part(row.get("programme")))
        grant.update(_classification_part(row.get("funding_type"), config))
        grant.update(_source_part(config))
        grants.append(grant)
    return grants


def package_360(tables: dict[str, pd.DataFrame] | None, config, *, license: str = OGL_V3,
                modified: str | None = None) -> dict:
    """A 360Giving package: the grants and the package metadata 360Giving recommends
    (tables None: the metadata, with no grants)."""
    description = (f"Grants made by {config.publisher_name}, in the 360Giving Data Standard "
                   f"{SCHEMA_VERSION}.")
    if config.illustrative:
        description += (" ILLUSTRATIVE SAMPLE DATA: the organisations, grants and figures are fictional; "
                        "do not use them as facts.")
    publisher = {"identifier": config.publisher_org_id, "name": config.publisher_name}
    package: dict = {
        "title": f"{config.publisher_name}: grants" + (" (illustrative sample)" if config.illustrative else ""),
        "description": description,
        "publisher": publisher,
        "license": license,
        "version": SCHEMA_VERSION,
    }
    if getattr(config, "site_url", ""):
        publisher["website"] = config.site_url
        package["accessURL"] = config.site_url
    if modified:
        package["modified"] = modified
    package["grants"] = grants_to_360(tables, config) if tables is not None else []
    return package


def write_360_json(tables: dict[str, pd.DataFrame], config, path: Path, **options) -> dict:
    """Write the 360Giving JSON package (UTF-8, no BOM; the bytes of json.dumps(package,
    indent=2, ensure_ascii=False)) and return the package. The build calls write_360_files,
    which writes the same without holding every grant in memory."""
    write_360_files(tables, config, json_path=path, **options)
    return package_360(tables, config, **options)


def _get(grant: dict, path: tuple):
    value = grant
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or len(value) <= step:
                return None
        elif not isinstance(value, dict):
            return None
        value = value[step] if isinstance(step, int) else value.get(step)
    return value


def csv_cell(value) -> str:
    """One value as a CSV cell: numbers plain, text that starts like a formula with an apostrophe."""
    if _missing(value):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float)):
        return _plain(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def grants_to_rows(grants: list[dict]) -> list[list[str]]:
    titles = schema_titles()
    paths = [titles[title][0] for title in CSV_COLUMNS]
    return [[csv_cell(_get(grant, path)) for path in paths] for grant in grants]


def write_360_csv(tables: dict[str, pd.DataFrame], config, path: Path) -> None:
    """Write the grants as a 360Giving CSV: the standard's titles, UTF-8 with a BOM, CRLF lines."""
    write_360_files(tables, config, csv_path=path)


# --- the download, written column by column ----------------------------------------
#
# write_360_files gives exactly the bytes json.dumps(package_360(...), indent=2,
# ensure_ascii=False) and csv.writer over grants_to_rows(grants_to_360(...)) would, without a
# Python object per grant: the grants table is turned into Arrow columns of JSON and CSV text a
# chunk of rows at a time. What depends on few values (the ward, the department, the programme,
# the funding type, individuals) is made once per value by the same _*_part functions
# grants_to_360 uses; what is per grant or per organisation is built from templates.

_GRANT = "\n      "  # a grant's keys are indented by 6 spaces in the package


def _members(part: dict) -> str:
    """Keys of a grant as they follow earlier keys in the package's JSON text."""
    return "".join(f",{_GRANT}{json.dumps(k, ensure_ascii=False)}: "
                   + json.dumps(v, indent=2, ensure_ascii=False).replace("\n", _GRANT) for k, v in part.items())


def _texts(frame: pd.DataFrame | None, name: str, rows: int | None = None) -> pa.Array:
    """A text column as Arrow, null where _records gives None (missing, or only spaces)."""
    if frame is None or name not in frame:
        return pa.nulls(rows or 0, pa.string())
    values = pa.array(frame[name].astype("string"), type=pa.string())
    blank = pc.equal(pc.binary_length(pc.utf8_trim_whitespace(values)), 0)
    return pc.if_else(blank, pa.scalar(None, pa.string()), values)


def _dates(frame: pd.DataFrame, name: str) -> pa.Array:
    from .export import iso_dates

    if name not in frame:
        return pa.nulls(len(frame), pa.string())
    return iso_dates(pa.array(frame[name]))


def _formula_safe(values: pa.Array) -> pa.Array:
    """csv_cell on text: an apostrophe before a first character that starts a formula."""
    first = pc.utf8_slice_codeunits(values, 0, 1)
    risky = pc.is_in(first, value_set=pa.array(list(FORMULA_START), pa.string()))
    return pc.if_else(risky, pc.binary_join_element_wise("'", values, ""), values)


class _Keyed:
    """Parts of a grant that depend on one key (a ward, a department ...): made once per
    distinct key (and once for no key); rows take its JSON text and CSV cells by index."""

    def __init__(self, keys: pa.Array, make, top: str, paths: dict[str, tuple]):
        encoded = pc.dictionary_encode(keys)
        uniques = encoded.dictionary.to_pylist() + [None]
        self.none = len(uniques) - 1  # the index of the part for no key
        self.indices = pc.fill_null(encoded.indices, self.none)
        parts = [make(k) for k in uniques]
        self.json = pa.array([_members(p) for p in parts], pa.string())
        self.csv = {title: pa.array([csv_cell(_get(p, path)) for p in parts], pa.string())
                    for title, path in paths.items() if path[0] == top}


def write_360_files(tables: dict[str, pd.DataFrame], config, json_path: Path | None = None,
                    csv_path: Path | None = None, **options) -> None:
    """Write the 360Giving JSON package and/or CSV file in one pass over the grants,
    byte for byte what write_360_json and write_360_csv are documented to write."""
    from .export import CHUNK_ROWS, _joined, csv_fields, csv_lines, json_strings, number_text

    grants = tables["grants"]
    rows = len(grants)
    organisations = tables.get("organisations")
    wards = {w["ward_name"]: w.get("ons_code") for w in _records(tables.get("wards"))}
    commissioners = {c["commissioner_id"]: c for c in _records(tables.get("commissioners"))}
    titles = schema_titles()
    paths = {title: titles[title][0] for title in CSV_COLUMNS}

    def json_text(values):  # a value that is always there: null when missing
        return pc.fill_null(json_strings(values), "null")

    # Per grant.
    ids, title, description = _texts(grants, "grant_id", rows), _texts(grants, "title", rows), \
        _texts(grants, "description", rows)
    amounts = pa.array(grants["amount_awarded"].astype("float64"))
    awarded, starts, ends = (_dates(grants, "award_date"), _dates(grants, "planned_start_date"),
                             _dates(grants, "planned_end_date"))
    if awarded.null_count:
        raise ValueError("a grant has no award date (the grants schema requires one)")

    # Per recipient organisation: templates for organisations, parts for the others.
    recipient_keys = pc.dictionary_encode(_texts(grants, "recipient_org_id", rows))
    recipients = recipient_keys.dictionary
    recipient_index = recipient_keys.indices
    if organisations is not None and len(organisations):
        org_ids = _texts(organisations, "org_id")
        at = pc.index_in(recipients, value_set=org_ids)
        name, charity, company, kind = (pc.take(_texts(organisations, c, len(organisations)), at) for c in
                                        ("name", "charity_number", "company_number", "organisation_type"))
    else:
        at = pa.nulls(len(recipients), pa.int32())
        name = charity = company = kind = pa.nulls(len(recipients), pa.string())
    special = pc.or_kleene(pc.is_null(at), pc.fill_null(pc.equal(kind, "individual"), False))
    org_json = pc.binary_join_element_wise(
        f",{_GRANT}\"recipientOrganization\": [{_GRANT}  {{{_GRANT}    \"id\": ", json_text(recipients),
        f",{_GRANT}    \"name\": ", json_text(name),
        pc.binary_join_element_wise(f",{_GRANT}    \"charityNumber\": ", json_strings(charity), ""),
        pc.binary_join_element_wise(f",{_GRANT}    \"companyNumber\": ", json_strings(company), ""),
        f"{_GRANT}  }}{_GRANT}]", "", null_handling="replace")
    org_csv = {"Recipient Org:Identifier": recipients, "Recipient Org:Name": name,
               "Recipient Org:Charity Number": charity, "Recipient Org:Company Number": company,
               "Recipient Ind:Identifier": pa.nulls(len(recipients), pa.string()),
               "Recipient Ind:Name": pa.nulls(len(recipients), pa.string())}
    org_csv = {k: pc.fill_null(_formula_safe(v), "") for k, v in org_csv.items()}
    individual = pa.array(np.zeros(len(recipients), dtype=bool))
    if _any_true(special):
        where = np.flatnonzero(special.to_numpy(zero_copy_only=False))
        wanted = set(pc.take(recipients, pa.array(where)).to_pylist())
        records = {o["org_id"]: o for o in _records(None if organisations is None else
                                                    organisations[organisations["org_id"].isin(wanted)])}
        json_fix, csv_fix, ind_fix = [None] * len(recipients), {k: [None] * len(recipients) for k in org_csv}, \
            np.zeros(len(recipients), dtype=bool)
        for i in where:
            org_id = recipients[int(i)].as_py()
            part = _recipient_part(org_id, records.get(org_id), config)
            json_fix[i] = _members(part)
            ind_fix[i] = "recipientIndividual" in part
            for k in csv_fix:
                csv_fix[k][i] = csv_cell(_get(part, paths[k]))
        mask = pa.array(np.isin(np.arange(len(recipients)), where))
        org_json = pc.if_else(mask, pa.array(json_fix, pa.string()), org_json)
        org_csv = {k: pc.if_else(mask, pa.array(csv_fix[k], pa.string()), v) for k, v in org_csv.items()}
        individual = pa.array(ind_fix)
    grant_individual = pc.take(individual, recipient_index)

    # Parts made once per key.
    keyed = [
        _Keyed(_texts(grants, "beneficiary_ward", rows), lambda w: _location_part(w, wards), "beneficiaryLocation",
               paths),
        _Keyed(_texts(grants, "department_id", rows), lambda d: _funder_part(d, commissioners, config),
               "fundingOrganization", paths),
        _Keyed(_texts(grants, "programme", rows), _programme_part, "grantProgramme", paths),
        _Keyed(_texts(grants, "funding_type", rows), lambda f: _classification_part(f, config), "classifications",
               paths),
    ]
    location = keyed[0]
    source = _source_part(config)

    # The package around the grants: json.dumps of the package, with the grants spliced in.
    package = package_360(None, config, **options)
    package["grants"] = [None]
    shell = json.dumps(package, indent=2, ensure_ascii=False)
    marker = "    null\n  ]\n}"
    assert shell.endswith(marker)
    json_out = Path(json_path).open("wb") if json_path else None
    csv_out = Path(csv_path).open("wb") if csv_path else None
    try:
        if json_out:
            json_out.write(shell[:-len(marker)].encode("utf-8") if rows else
                           (json.dumps({**package, "grants": []}, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        if csv_out:
            csv_out.write(b"\xef\xbb\xbf")
            csv_out.write(_joined(csv_lines([csv_fields(pa.array([c], pa.string()), "\r\n") for c in CSV_COLUMNS],
                                            "\r\n")))
        for start in range(0, rows, CHUNK_ROWS):
            n = min(CHUNK_ROWS, rows - start)
            chunk_recipient = recipient_index.slice(start, n)
            chunk_individual = grant_individual.slice(start, n)
            here = [k.indices.slice(start, n) for k in keyed]
            here[0] = pc.if_else(chunk_individual, pa.scalar(location.none, here[0].type), here[0])  # no ward
            s, e = starts.slice(start, n), ends.slice(start, n)
            if json_out:
                both = pc.and_(pc.is_valid(s), pc.is_valid(e))
                planned = pc.binary_join_element_wise(  # (null_handling="skip" drops all-null rows)
                    pc.binary_join_element_wise('          "startDate": ', json_strings(s), ""),
                    pc.if_else(both, ",\n", ""),
                    pc.binary_join_element_wise('          "endDate": ', json_strings(e), ""),
                    "", null_handling="replace")
                planned = pc.if_else(pc.and_(pc.is_null(s), pc.is_null(e)), pa.scalar(None, pa.string()),
                                     pc.binary_join_element_wise(f",{_GRANT}\"plannedDates\": [\n        {{\n",
                                                                 planned, "\n        }\n      ]", ""))
                grant_json = pc.binary_join_element_wise(
                    ',\n    {\n      "id": ', json_text(ids.slice(start, n)),
                    f',{_GRANT}"title": ', json_text(title.slice(start, n)),
                    f',{_GRANT}"description": ', json_text(description.slice(start, n)),
                    f',{_GRANT}"currency": "GBP",{_GRANT}"amountAwarded": ', number_text(amounts.slice(start, n)),
                    f',{_GRANT}"awardDate": ', json_strings(awarded.slice(start, n)),
                    planned,
                    pc.take(org_json, chunk_recipient),
                    *[pc.take(k.json, i) for k, i in zip(keyed, here)],
                    _members(source) + "\n    }", "", null_handling="replace")
                json_out.write(_joined(grant_json)[0 if start else 2:])  # no comma before the first
            if csv_out:
                cells = {
                    "Identifier": _formula_safe(ids.slice(start, n)),
                    "Title": _formula_safe(title.slice(start, n)),
                    "Description": _formula_safe(description.slice(start, n)),
                    "Currency": pa.array(["GBP"] * n, pa.string()),
                    "Amount Awarded": number_text(amounts.slice(start, n), _plain),
                    "Award Date": awarded.slice(start, n),
                    "Planned Dates:Start Date": s,
                    "Planned Dates:End Date": e,
                }
                cells.update({k: pc.take(v, chunk_recipient) for k, v in org_csv.items()})
                for k, i in zip(keyed, here):
                    cells.update({title_: pc.take(v, i) for title_, v in k.csv.items() if title_ not in cells})
                for title_ in CSV_COLUMNS:
                    if title_ not in cells and paths[title_][0] in source:  # dataSource
                        cells[title_] = pa.array([csv_cell(_get(source, paths[title_]))] * n, pa.string())
                    elif title_ not in cells:
                        cells[title_] = pa.array([""] * n, pa.string())
                csv_out.write(_joined(csv_lines([csv_fields(cells[t], "\r\n") for t in CSV_COLUMNS], "\r\n")))
        if json_out:
            if rows:
                json_out.write(b"\n  ]\n}\n")
    finally:
        for handle in (json_out, csv_out):
            if handle:
                handle.close()


def _any_true(mask: pa.Array) -> bool:
    return bool(pc.any(mask).as_py())


# --- validation ----------------------------------------------------------------

DATE_RULE = "a date written YYYY-MM-DD, or a full date-time such as 2025-01-15T09:30:00Z"


def _validator():
    try:
        import jsonschema
        import rfc3339_validator  # noqa: F401 - without it the format checker passes every date-time
        from referencing import Registry
    except ImportError as exc:  # pragma: no cover - both are test dependencies in pyproject.toml
        raise RuntimeError(f"360Giving validation needs jsonschema and rfc3339-validator ({exc.name} is "
                           "not installed)") from None
    from referencing.jsonschema import specification_with

    package_schema = _load_json(PACKAGE_SCHEMA)
    grant_schema = _load_json(GRANT_SCHEMA)
    # Both declare "http://json-schema.org/draft/2020-12/schema": draft 2020-12, though its official URI is
    # https://; neither jsonschema nor referencing recognise the http:// spelling, so the draft is named here.
    declared = str(package_schema.get("$schema", ""))
    if "2020-12" in declared:
        cls, spec = jsonschema.Draft202012Validator, specification_with("https://json-schema.org/draft/2020-12/schema")
    else:  # pragma: no cover - a future schema declaring another draft
        cls = jsonschema.validators.validator_for(package_schema)
        spec = specification_with(cls.META_SCHEMA["$schema" if "$schema" in cls.META_SCHEMA else "$id"])
    grant = spec.create_resource(grant_schema)
    registry = Registry().with_resources([(url, grant) for url in GRANT_SCHEMA_URLS])
    checker = cls.FORMAT_CHECKER
    if "date-time" not in checker.checkers:  # pragma: no cover
        raise RuntimeError("jsonschema's format checker cannot check date-times (install rfc3339-validator)")
    # jsonschema compares every pair of items for uniqueItems (about 5 s for 1,600 grants, hours for 100,000);
    # the same rule checked with a set of canonical forms gives the same answer in linear time.
    fast = jsonschema.validators.extend(cls, {"uniqueItems": _unique_items})
    return fast(package_schema, registry=registry, format_checker=checker)


def _canonical(value):
    """A JSON value in a form where JSON Schema's equality is Python equality (1 equals 1.0; true is not 1)."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def _unique_items(validator, unique, instance, schema):
    from jsonschema.exceptions import ValidationError

    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[str] = set()
    for index, item in enumerate(instance):
        key = json.dumps(_canonical(item), sort_keys=True)
        if key in seen:
            yield ValidationError(f"item {index + 1} repeats an earlier item exactly (expected each once)")
            return
        seen.add(key)


def _where(package: dict, error) -> str:
    path = list(error.absolute_path)
    if len(path) >= 2 and path[0] == "grants" and isinstance(path[1], int):
        grant = package["grants"][path[1]]
        ident = grant.get("id") if isinstance(grant, dict) else None
        label = f"grant {path[1] + 1}" + (f" ({ident})" if isinstance(ident, str) else "")
        rest = path[2:]
    else:
        label, rest = "package", path
    field_path = "/".join(str(p) for p in rest)
    return f"{label}, {field_path}" if field_path else label


def _explain(error) -> str:
    value = error.instance
    shown = json.dumps(value, ensure_ascii=False)
    if len(shown) > 80:
        shown = shown[:79] + "…"
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "oneOf" and any("pattern" in s or "format" in s for s in schema.get("oneOf", [])):
        return f"{shown} is not a valid date (expected {DATE_RULE})"
    if error.validator == "oneOf" and isinstance(value, dict):
        recipients = ("recipientOrganization", "recipientIndividual")
        if all(k in value for k in recipients):
            return "gives both recipientOrganization and recipientIndividual (expected one of them)"
        missing = [k for k in schema["oneOf"][0].get("required", []) if k not in value and k not in recipients]
        if not any(k in value for k in recipients):
            missing.append("a recipient (recipientOrganization or recipientIndividual)")
        return f"is missing {', '.join(missing)} (required by 360Giving)"
    if error.validator == "format":
        return f"{shown} is not a valid {error.validator_value}"
    if error.validator == "required":
        return error.message.replace("is a required property", "is missing (required by 360Giving)")
    if error.validator == "enum":
        return f"{shown} is not one of the standard's codes"
    return error.message


def validate_360(package: dict) -> list[str]:
    """Problems with a 360Giving package against the official 1.4 schemas, with a format checker so dates
    are checked; an empty list means valid."""
    validator = _validator()
    def order(error):  # package-wide problems first, then grant by grant (grant 2 before grant 10)
        return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]

    errors = sorted(validator.iter_errors(package), key=order)
    return [f"{_where(package, e)}: {_explain(e)}" for e in errors]


# --- import: reading a file ----------------------------------------------------


class Import360Error(Exception):
    """The file cannot be read as 360Giving data; the message is one line for the user."""


@dataclass
class ImportResult:
    grants: list[dict] = field(default_factory=list)  # our grants rows: field name -> text
    organisations: list[dict] = field(default_factory=list)  # our organisations rows
    unmapped: list[str] = field(default_factory=list)  # plain-English notes
    read: int = 0  # grants in the file
    source: str = ""  # the file, as given


def _unescape(text: str) -> str:
    """Undo the export's formula guard: an apostrophe before = + - @ is removed."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def _decode(raw: bytes, shown: str, notes: list[str]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise Import360Error(f"{shown}: is neither UTF-8 nor Windows-1252 text (expected a CSV file saved as "
                             "\"CSV UTF-8\")") from None
    notes.append("The file is not UTF-8: it was read as Windows-1252 (Excel's \"CSV\" on Windows); check "
                 "accented letters and symbols such as £ and € in the imported text.")
    return text


def _read_csv(path: Path, shown: str, notes: list[str]) -> list[list]:
    text = _decode(path.read_bytes(), shown, notes)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise Import360Error(f"{shown}: is not a readable CSV file ({exc})") from None


def _read_xlsx(path: Path, shown: str, notes: list[str]) -> list[list]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise Import360Error(f"{shown}: is not a readable XLSX workbook ({exc})") from None
    try:
        sheets = book.worksheets
        sheet = next((s for s in sheets if _key(s.title) == "grants"), sheets[0])
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        for other in sheets:
            if other is not sheet and any(any(not _missing(v) for v in r) for r in other.iter_rows(values_only=True)):
                notes.append(f"Sheet {show(other.title)} was not read: only the grants sheet ({show(sheet.title)}) "
                             "is imported.")
    finally:
        book.close()
    return rows


def _unflatten(rows: list[list], shown: str, notes: list[str]) -> tuple[list[dict], dict[str, str]]:
    """Spreadsheet rows (header first) as 360Giving grant objects, like flattentool with titles."""
    rows = [r for r in rows if any(not _missing(v) for v in r)]
    if not rows:
        raise Import360Error(f"{shown}: is empty (expected a header row of 360Giving column titles, then grants)")
    header = ["" if v is None else str(v) for v in rows[0]]
    known = {_key(t): (t, path, kind) for t, (path, kind) in schema_titles().items()}
    if _key("Identifier") not in {_key(h) for h in header}:
        raise Import360Error(f"{shown}: has no \"Identifier\" column (expected 360Giving column titles such as "
                             "Identifier, Title, Amount Awarded in the first row)")
    columns = []
    labels: dict[str, str] = {}  # JSON path (with [] for indexes) -> the file's own column title
    seen = set()
    for title in header:
        entry = known.get(_key(title))
        if not title.strip() or _key(title) in seen:
            if title.strip():
                notes.append(f"Ignored the column {show(title.strip())}: a column with the same title comes before "
                             "it.")
            columns.append(None)
            continue
        seen.add(_key(title))
        if entry:
            columns.append((entry[1], entry[2]))
            labels[_label_path(entry[1])] = title.strip()
        else:  # not a 360Giving field: kept under its own title, as flattentool does
            columns.append(((title.strip(),), "string"))
            labels[title.strip()] = title.strip()
    grants = []
    for row in rows[1:]:
        grant: dict = {}
        for column, value in zip(columns, row):
            if column is None or _missing(value):
                continue
            path, kind = column
            if isinstance(value, str):
                value = _unescape(value.strip())
            if kind == "number" and isinstance(value, str):
                try:
                    value = _number(float(value)) if re.fullmatch(r"-?\d+(\.\d+)?", value) else value
                except ValueError:
                    pass
            elif kind == "array":
                value = [v.strip() for v in str(value).split(";") if v.strip()]
            _set(grant, path, value)
        grants.append(grant)
    return grants, labels


def _set(target: dict, path: tuple, value) -> None:
    node = target
    for step, following in zip(path, path[1:]):
        if isinstance(following, int):
            node = node.setdefault(step, [])
            while len(node) <= following:
                node.append({})
        elif isinstance(step, int):
            node = node[step]
        else:
            node = node.setdefault(step, {})
    last = path[-1]
    if isinstance(last, int):  # pragma: no cover - titles always end in a field name
        return
    if isinstance(node, list):  # pragma: no cover
        return
    node[last] = value


def _label_path(path: tuple) -> str:
    return "/".join("[]" if isinstance(p, int) else str(p) for p in path)


def read_360giving(path: Path) -> tuple[list[dict], dict[str, str], list[str]]:
    """The grants of a 360Giving file as JSON objects, the file's titles for each JSON path, and notes."""
    path = Path(path)
    shown = str(path)
    notes: list[str] = []
    if not path.exists():
        raise Import360Error(f"{shown}: file not found")
    if not path.is_file():
        raise Import360Error(f"{shown}: is a folder (expected a 360Giving CSV, XLSX or JSON file)")
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            try:
                data = json.loads(_decode(path.read_bytes(), shown, notes))
            except json.JSONDecodeError as exc:
                raise Import360Error(f"{shown}: is not valid JSON ({exc.msg} at line {exc.lineno}, column "
                                     f"{exc.colno}; expected a 360Giving package such as "
                                     "{\"grants\": [...]})") from None
            if not isinstance(data, dict) or not isinstance(data.get("grants"), list):
                raise Import360Error(f"{shown}: is not a 360Giving package (expected a JSON object with a list "
                                     "of \"grants\")")
            grants = data["grants"]
            bad = [i + 1 for i, g in enumerate(grants) if not isinstance(g, dict)]
            if bad:
                raise Import360Error(f"{shown}: grant {bad[0]} is not a JSON object (expected one object per "
                                     "grant)")
            return grants, {}, notes
        if suffix == ".csv":
            grants, labels = _unflatten(_read_csv(path, shown, notes), shown, notes)
            return grants, labels, notes
        if suffix in (".xlsx", ".xlsm"):
            grants, labels = _unflatten(_read_xlsx(path, shown, notes), shown, notes)
            return grants, labels, notes
    except OSError as exc:
        raise Import360Error(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    raise Import360Error(f"{shown}: is not a .csv, .xlsx or .json file (expected a 360Giving file in one of "
                         "those formats)")


# --- import: mapping to our rows -----------------------------------------------


def _schema(name: str) -> dict:
    return _load_json(SCHEMAS / f"{name}.json")


def _ward_key(name: str) -> str:
    name = name.casefold().replace("&", " and ").replace("\u2019", "").replace("'", "")
    name = re.sub(r"\bward\b", " ", name)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name).split())


def _default_wards() -> list[str]:
    path = ROOT / "data" / "wards.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["ward_name"] for row in csv.DictReader(handle) if row.get("ward_name")]


def _text(value) -> str:
    if _missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _parse_date(value) -> tuple[str | None, str]:
    """(YYYY-MM-DD or None, how it was read: "" plain, "dayfirst", "serial", "partial", "bad")."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), ""
    if isinstance(value, dt.date):
        return value.isoformat(), ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # an Excel serial date
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date().isoformat(), "serial"
        return None, "bad"
    text = _text(value)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text).isoformat(), ""
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].+", text):
            return dt.date.fromisoformat(text[:10]).isoformat(), ""
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day).isoformat(), "dayfirst"
    except ValueError:
        return None, "bad"
    if re.fullmatch(r"\d{4}(-\d{2})?", text):
        return None, "partial"
    return None, "bad"


def _parse_amount(value) -> tuple[float | None, bool]:
    """(amount or None, whether "£" or commas were removed)."""
    if isinstance(value, bool):
        return None, False
    if isinstance(value, (int, float)):
        return (float(value) if math.isfinite(value) else None), False
    text = _text(value)
    cleaned = text.replace("£", "").replace(",", "").strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        return float(cleaned), cleaned != text
    return None, False


def _months(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days + 1
    return days / (365.25 / 12)


def _examples(items: list[str]) -> str:
    shown = ", ".join(items[:EXAMPLES])
    return shown + (f" and {len(items) - EXAMPLES:,} more" if len(items) > EXAMPLES else "")


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


class _Mapper:
    def __init__(self, department_id: str, wards: list[str], local_prefix: str):
        from .checks import REGISTER_FORMS, org_id_prefixes

        self.department_id = department_id
        self.wards = {_ward_key(w): w for w in wards}
        self.local_prefix = local_prefix
        self.known_prefixes = org_id_prefixes()
        self.register_forms = REGISTER_FORMS
        self.grants_schema = _schema("grants")
        self.orgs_schema = _schema("organisations")
        self.grant_pattern = re.compile(next(f for f in self.grants_schema["fields"]
                                             if f["name"] == "grant_id")["constraints"]["pattern"])
        self.org_pattern = re.compile(next(f for f in self.orgs_schema["fields"]
                                           if f["name"] == "org_id")["constraints"]["pattern"])
        self.individuals: dict[str, str] = {}
        self.orgs: dict[str, dict] = {}
        self.grant_ids: set[str] = set()
        # Notes grouped by kind: kind -> list of examples
        self.changes: dict[str, list[str]] = {}
        self.pending: list[tuple[str, str]] = []
        self.skipped: list[str] = []
        self.funders: dict[str, int] = {}
        self.types: dict[str, int] = {}
        self.funding_types = {"classification": 0, "longer-term": 0, "short-term innovation": 0}

    def change(self, kind: str, example: str) -> None:
        """A value changed or guessed; kept only if the grant is imported."""
        self.pending.append((kind, example))

    # identifiers ---------------------------------------------------------------

    def registered(self, org_id: str) -> bool:
        parts = org_id.split("-")
        return any("-".join(parts[:n]) in self.known_prefixes for n in range(2, len(parts)))

    def org_id(self, raw: str) -> tuple[str, str]:
        """Our org_id for a recipient identifier, and the register prefix it uses ("" for a local one)."""
        ident = re.sub(r"\s+", "", raw)  # identifiers never hold spaces or line breaks
        match = re.fullmatch(r"([A-Za-z]{2})-([A-Za-z0-9]+)-(.+)", ident)
        if match:
            country, register, number = match.groups()
            ident = f"{country.upper()}-{register.upper()}-{number.strip()}"
            prefix = f"{country.upper()}-{register.upper()}"
            if prefix in self.register_forms:
                number = number.strip().upper().replace(" ", "")
                if prefix == "GB-COH" and number.isdigit() and len(number) < 8:
                    number = number.zfill(8)
                if prefix == "GB-SC" and re.fullmatch(r"\d{6}", number):
                    number = "SC" + number
                fixed = f"{prefix}-{number}"
                if self.register_forms[prefix][0].fullmatch(number):
                    if fixed != raw:
                        self.change("org-id-normalised", f"{show(raw.strip())} → {show(fixed)}")
                    return fixed, prefix
            elif self.org_pattern.fullmatch(ident) and self.registered(ident):
                if ident != raw:
                    self.change("org-id-normalised", f"{show(raw)} → {show(ident)}")
                return ident, prefix
        local = re.sub(r"[^A-Za-z0-9]+", "-", ident).strip("-")
        if not local:
            return "", ""
        org_id = f"{self.local_prefix}-{local}"
        self.change("org-id-local", f"{show(raw.strip())} → {show(org_id)}")
        return org_id, ""

    def grant_id(self, raw: str) -> str | None:
        ident = re.sub(r"\s+", "", raw)  # identifiers never hold spaces or line breaks
        if self.grant_pattern.fullmatch(ident):
            if ident != raw:
                self.change("grant-id", f"{show(raw)} → {show(ident)}")
            return ident
        if not ident.startswith("360G-"):
            return None
        fixed = "360G-" + re.sub(r"[^A-Za-z0-9_-]+", "-", ident[5:]).strip("-")
        if not self.grant_pattern.fullmatch(fixed):
            return None
        self.change("grant-id", f"{show(raw)} → {show(fixed)}")
        return fixed

    # one grant -----------------------------------------------------------------

    def shorten(self, text: str, spec: dict, what: str, ident: str) -> str:
        limit = spec.get("constraints", {}).get("maxLength")
        if limit and len(text) > limit:
            self.change(f"long-{what}", ident)
            return text[: limit - 1].rstrip() + "…"
        return text

    def field(self, schema: dict, name: str) -> dict:
        return next(f for f in schema["fields"] if f["name"] == name)

    def organisation(self, grant: dict, used: set, ident: str) -> tuple[dict | None, str]:
        """Our organisations row for the grant's recipient, or None and why not."""
        orgs = grant.get("recipientOrganization")
        person = grant.get("recipientIndividual")
        orgs = [orgs] if isinstance(orgs, dict) else orgs
        orgs = [o for o in orgs if isinstance(o, dict)] if isinstance(orgs, list) else []
        if orgs and isinstance(person, dict) and person:
            return None, "it names both a recipient organisation and an individual (360Giving allows one)"
        if isinstance(person, dict) and person:
            used.update({"recipientIndividual/id", "recipientIndividual/name"})
            key = _text(person.get("id")) or f"row-{len(self.individuals) + 1}"
            if key not in self.individuals:
                self.individuals[key] = f"{self.local_prefix}-IND-{len(self.individuals) + 1:04d}"
            if _text(person.get("name")):
                self.change("individual-name", ident)
            return {
                "org_id": self.individuals[key], "name": "Individual recipient", "organisation_type": "individual",
                "charity_number": "", "company_number": "", "is_vcs": "no", "is_sme": "no",
                "based_in_borough": "no", "ward": "",
            }, ""
        if not orgs:
            return None, "it has no recipient (no Recipient Org or Recipient Ind)"
        if len(orgs) > 1:
            self.change("several-recipients", ident)
        org = orgs[0]
        used.update({"recipientOrganization/[]/id", "recipientOrganization/[]/name",
                     "recipientOrganization/[]/charityNumber", "recipientOrganization/[]/companyNumber"})
        raw_id, name = _text(org.get("id")), _text(org.get("name"))
        if not raw_id:
            return None, "it has no Recipient Org:Identifier"
        if not name:
            return None, "it has no Recipient Org:Name"
        given_charity, given_company = _text(org.get("charityNumber")), _text(org.get("companyNumber"))
        company = given_company.upper().replace(" ", "")
        if company.isdigit() and len(company) < 8:
            company = company.zfill(8)
        org_id, register = self.org_id(raw_id)
        if not org_id:
            return None, f"its Recipient Org:Identifier {show(raw_id)} has no letters or digits"
        number = org_id[len(register) + 1:] if register else ""
        charity = ""
        if register == "GB-CHC":
            charity = number
            if given_charity and given_charity != number:
                self.change("charity-number-conflict", f"{show(given_charity)} ({org_id})")
        elif given_charity:
            if re.fullmatch(r"[0-9]{6,7}", given_charity):
                charity = given_charity
            else:
                self.change("charity-number", f"{show(given_charity)} ({org_id})")
        if register == "GB-COH":
            company_number = number
        elif company and re.fullmatch(r"[A-Z0-9]{8}", company):
            company_number = company
        else:
            company_number = ""
            if given_company:
                self.change("company-number", f"{show(given_company)} ({org_id})")
        org_type = self.organisation_type(register, name, company_number, bool(charity))
        vcs = bool(charity) or register in ("GB-CHC", "GB-SC", "GB-NIC") or org_type in (
            "registered charity", "charitable incorporated organisation", "community interest company",
            "community benefit society")
        row = {
            "org_id": org_id,
            "name": self.shorten(name, self.field(self.orgs_schema, "name"), "name", org_id),
            "organisation_type": org_type,
            "charity_number": charity,
            "company_number": company_number,
            "is_vcs": "yes" if vcs else "no",
            "is_sme": "no",
            "based_in_borough": "no",
            "ward": "",
        }
        return row, ""

    @staticmethod
    def organisation_type(register: str, name: str, company_number: str, charity: bool) -> str:
        if register in ("GB-CHC", "GB-SC", "GB-NIC"):
            return "registered charity"
        if register == "GB-COH":
            if company_number[:2] in ("CE", "CS"):
                return "charitable incorporated organisation"
            if re.search(r"\bC\.?I\.?C\b|community interest company", name, re.IGNORECASE):
                return "community interest company"
            return "company limited by guarantee"
        return {
            "GB-MPR": "community benefit society",
            "GB-EDU": "school",
            "GB-NHS": "NHS body",
            "GB-LAE": "local authority",
            "GB-LAS": "local authority",
            "GB-LANI": "local authority",
            "GB-PLA": "local authority",
        }.get(register, "registered charity" if charity else "unregistered community group")

    def grant(self, grant: dict, index: int) -> tuple[dict | None, dict | None, set]:
        used: set[str] = set()
        raw_id = _text(grant.get("id"))
        label = f"grant {index}" + (f" ({show(raw_id)})" if raw_id else "")

        self.pending = []

        def skip(reason: str):
            self.skipped.append(f"Skipped {label}: {reason}.")
            self.pending = []
            return None, None, set()

        if not raw_id:
            return skip("it has no Identifier")
        grant_id = self.grant_id(raw_id)
        if grant_id is None:
            return skip("its Identifier does not start with 360G- (expected a 360Giving grant identifier such "
                        "as 360G-examplefunder-123)")
        if grant_id in self.grant_ids:
            made = f" (made {grant_id})" if grant_id != raw_id else ""
            return skip(f"its Identifier{made} is the same as an earlier grant's (expected each grant once)")
        used.update({"id", "title", "description", "currency", "amountAwarded", "awardDate"})
        title = _text(grant.get("title"))
        if not title:
            return skip("it has no Title")
        description = _text(grant.get("description"))
        if not description:
            self.change("no-description", grant_id)
            description = title
        currency = _text(grant.get("currency")).upper()
        if currency and currency != "GBP":
            return skip(f"its amount is in {currency} (expected GBP: our amounts are in pounds)")
        if not currency:
            self.change("no-currency", grant_id)
        amount, cleaned = _parse_amount(grant.get("amountAwarded"))
        if amount is None:
            shown = _text(grant.get("amountAwarded"))
            return skip(f"its Amount Awarded {show(shown)} is not a number" if shown else "it has no Amount Awarded")
        if amount <= 0:
            return skip(f"its Amount Awarded {_plain(amount)} is not more than zero")
        if cleaned:
            self.change("amount-cleaned", grant_id)
        award, how = _parse_date(grant.get("awardDate"))
        if award is None:
            shown = _text(grant.get("awardDate"))
            return skip(f"its Award Date {show(shown)} is not a date (expected YYYY-MM-DD)" if shown
                        else "it has no Award Date")
        if how:
            self.change(f"date-{how}", grant_id)
        planned = grant.get("plannedDates")
        planned = planned[0] if isinstance(planned, list) and planned and isinstance(planned[0], dict) else {}
        dates = {}
        for key in ("startDate", "endDate"):
            if _missing(planned.get(key)):
                dates[key] = ""
                continue
            used.add(f"plannedDates/[]/{key}")
            value, how = _parse_date(planned[key])
            if value is None:
                self.change("planned-date", f"{grant_id} ({show(_text(planned[key]))})")
            elif how:
                self.change(f"date-{how}", grant_id)
            dates[key] = value or ""

        org, reason = self.organisation(grant, used, grant_id)
        if org is None:
            return skip(reason)

        # funding_type: our own classification, else the planned duration.
        funding_type = ""
        for item in grant.get("classifications") or []:
            if isinstance(item, dict) and _text(item.get("code")).casefold() in FUNDING_TYPE_TITLES:
                funding_type = _text(item["code"]).casefold()
                used.update({"classifications/[]/code", "classifications/[]/vocabulary",
                             "classifications/[]/title"})
                self.funding_types["classification"] += 1
                break
        if not funding_type:
            duration = planned.get("duration")
            if isinstance(duration, str):
                duration, _ = _parse_amount(duration)
            if isinstance(duration, (int, float)) and not isinstance(duration, bool):
                used.add("plannedDates/[]/duration")
            else:
                duration = _months(dates["startDate"], dates["endDate"])
            funding_type = "short-term innovation" if duration is not None and duration < 12 else "longer-term"
            self.funding_types[funding_type] += 1

        ward = ""
        for location in grant.get("beneficiaryLocation") or []:
            if isinstance(location, dict) and _text(location.get("name")):
                used.add("beneficiaryLocation/[]/name")
                match = self.wards.get(_ward_key(_text(location["name"])))
                if match and org["organisation_type"] != "individual":
                    ward = match
                    break

        programme = ""
        for item in grant.get("grantProgramme") or []:
            if isinstance(item, dict):
                programme = _text(item.get("title")) or _text(item.get("code"))
                used.add("grantProgramme/[]/title" if _text(item.get("title")) else "grantProgramme/[]/code")
                break

        for funder in grant.get("fundingOrganization") or []:
            if isinstance(funder, dict):
                used.update({"fundingOrganization/[]/id", "fundingOrganization/[]/name"})
                name = " ".join(_text(funder.get("name")).split()) or "(no name)"
                ident = "".join(_text(funder.get("id")).split())
                key = f"{name} ({ident})" if ident else name
                self.funders[key] = self.funders.get(key, 0) + 1
                break

        fields = self.grants_schema
        row = {
            "grant_id": grant_id,
            "title": self.shorten(title, self.field(fields, "title"), "title", grant_id),
            "description": self.shorten(description, self.field(fields, "description"), "description", grant_id),
            "programme": self.shorten(programme, self.field(fields, "programme"), "programme", grant_id),
            "funding_type": funding_type,
            "recipient_org_id": org["org_id"],
            "amount_awarded": _plain(amount),
            "award_date": award,
            "planned_start_date": dates["startDate"],
            "planned_end_date": dates["endDate"],
            "beneficiary_ward": ward,
            "department_id": self.department_id,
        }
        for table, values in (("grants", row), ("organisations", org)):
            problem = _row_problem(fields if table == "grants" else self.orgs_schema, values)
            if problem:
                return skip(f"{problem} (in our {table} data)")
        self.grant_ids.add(grant_id)
        for kind, example in self.pending:
            self.changes.setdefault(kind, []).append(example)
        self.pending = []
        return row, org, used


def _row_problem(schema: dict, row: dict) -> str:
    """The first way a row breaks its table schema's rules, in plain English; "" when it keeps them."""
    for spec in schema["fields"]:
        name, value = spec["name"], row.get(spec["name"], "")
        rules = spec.get("constraints", {})
        if not value:
            if rules.get("required"):
                return f"it has no value for {name}"
            continue
        if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
            return f"its {name} {show(value)} is not in the expected form (such as {spec.get('example')})"
        if "enum" in rules and value not in rules["enum"]:
            return f"its {name} {show(value)} is not one of: {'; '.join(rules['enum'])}"
        if "maxLength" in rules and len(value) > rules["maxLength"]:
            return f"its {name} is longer than {rules['maxLength']:,} characters"
    return ""


def _leaves(value, prefix: str = "") -> Iterable[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{prefix}/{key}" if prefix else str(key))
    elif isinstance(value, list):
        if value and all(not isinstance(v, (dict, list)) for v in value):
            yield prefix
        for item in value:
            if isinstance(item, (dict, list)):
                yield from _leaves(item, f"{prefix}/[]")
    elif not _missing(value):
        yield prefix


# Values the import changed or guessed, by kind: what happened, then the count and examples.
CHANGE_NOTES = {
    "grant-id": "Grant identifiers changed to fit our grant_id (letters, digits, - and _ only)",
    "org-id-local": ("Recipient identifiers that are not org-id.guide identifiers our data accepts (such as a "
                     "funder's own 360G- reference), given a local identifier instead; replace them with charity "
                     "or company identifiers where the organisation has one"),
    "org-id-normalised": "Recipient identifiers rewritten in their register's form",
    "no-description": "Grants with no Description, given their title as the description",
    "no-currency": "Grants with no Currency, taken to be GBP",
    "amount-cleaned": "Amounts written with \"£\" or commas, which were removed",
    "date-dayfirst": "Grants with dates written day/month/year, read as UK dates",
    "date-serial": "Grants with dates stored as Excel serial numbers, converted",
    "planned-date": ("Planned dates that are not full dates (only a year or a month, or not a date), left "
                     "empty"),
    "charity-number": ("Recipient Org:Charity Number values that are not Charity Commission numbers (6 or 7 "
                       "digits), such as Scottish SC numbers or notes, left out"),
    "charity-number-conflict": ("Recipient Org:Charity Number values that differ from the number in the "
                                "GB-CHC identifier; the identifier's number was kept"),
    "company-number": ("Recipient Org:Company Number values that are not 8-character Companies House "
                       "numbers, left out"),
    "individual-name": "Recipient Ind:Name values not imported: individuals are shown as \"Individual recipient\"",
    "several-recipients": "Grants with several recipient organisations; only the first was imported",
    "long-title": "Titles longer than 200 characters, shortened with …",
    "long-description": "Descriptions longer than 4,000 characters, shortened with …",
    "long-programme": "Programme titles longer than 200 characters, shortened with …",
    "long-name": "Organisation names longer than 300 characters, shortened with …",
}


def _change_note(kind: str, examples: list[str]) -> str:
    unique = list(dict.fromkeys(examples))
    return f"{CHANGE_NOTES[kind]}: {len(unique):,} ({_examples(unique)})."


def import_360giving(path: Path, department_id: str = DEFAULT_DEPARTMENT, *, wards: Iterable[str] | None = None,
                     local_org_prefix: str = DEFAULT_LOCAL_PREFIX) -> ImportResult:
    """A funder's 360Giving file (CSV, XLSX or JSON package) as our grants and organisations rows.

    `wards` are our ward names (default: data/wards.csv); `local_org_prefix` starts the identifiers given to
    recipients without an org-id.guide identifier we accept (the council's own org id). Raises
    Import360Error, with a one-line message, when the file cannot be read."""
    grants, labels, notes = read_360giving(path)
    mapper = _Mapper(department_id, list(_default_wards() if wards is None else wards), local_org_prefix)
    result = ImportResult(read=len(grants), source=str(path))
    ignored: dict[str, int] = {}  # in the order first seen
    for index, grant in enumerate(grants, start=1):
        row, org, used = mapper.grant(grant, index)
        if row is None:
            continue
        result.grants.append(row)
        mapper.orgs.setdefault(org["org_id"], org)
        for leaf in dict.fromkeys(_leaves(grant)):
            if leaf not in used:
                ignored[leaf] = ignored.get(leaf, 0) + 1
    result.organisations = list(mapper.orgs.values())

    unmapped = list(notes)
    titles = {_label_path(p): t for t, (p, _) in schema_titles().items()}
    for leaf, count in ignored.items():
        if leaf.startswith("fundingOrganization/"):
            continue  # reported with the funders below
        name = labels.get(leaf) or titles.get(leaf) or leaf
        kind = "column" if labels else "field"
        unmapped.append(f"Ignored the {kind} {show(name)} (a value in {_plural(count, 'grant')}): our grants and "
                        "organisations data have no place for it.")
    if mapper.funders:
        funders = "; ".join(f"{name}: {_plural(n, 'grant')}" for name, n in mapper.funders.items())
        unmapped.append(f"Funding Org is not imported: every grant is recorded as the council's own, made by "
                        f"department {department_id} (the file names {funders}).")
    unmapped.extend(mapper.skipped)
    for kind, examples in mapper.changes.items():
        unmapped.append(_change_note(kind, examples))
    if result.grants:
        counts = mapper.funding_types
        parts = []
        if counts["classification"]:
            parts.append(f"{_plural(counts['classification'], 'grant')} from the file's own funding-type "
                         "classification")
        if counts["longer-term"]:
            parts.append(f"{_plural(counts['longer-term'], 'grant')} longer-term (no planned duration, or 12 "
                         "months or more)")
        if counts["short-term innovation"]:
            parts.append(f"{_plural(counts['short-term innovation'], 'grant')} short-term innovation (planned "
                         "for under 12 months)")
        if counts["longer-term"] or counts["short-term innovation"]:
            unmapped.append("funding_type is not in 360Giving: " + "; ".join(parts) + ". Check them.")
        unmatched = sum(1 for r in result.grants if not r["beneficiary_ward"])
        if unmatched:
            unmapped.append(f"beneficiary_ward is empty for {_plural(unmatched, 'grant')}: no Beneficiary Location "
                            "names one of our wards.")
        unmapped.append(f"is_sme and based_in_borough are \"no\" and ward is empty for every organisation "
                        f"({len(result.organisations):,}): 360Giving does not say; is_vcs is "
                        "\"yes\" only for charities, CIOs, CICs and community benefit societies, and "
                        "organisation_type is guessed from the identifier. Check them.")
    result.unmapped = unmapped
    return result


def _columns(name: str) -> list[str]:
    return [f["name"] for f in _schema(name)["fields"]]


def write_import(result: ImportResult, out_dir: Path, *, overwrite: bool = False) -> list[Path]:
    """Write grants.csv and organisations.csv (UTF-8 without a BOM, our schemas' column order) into out_dir.
    Refuses to replace existing files unless overwrite is set."""
    out_dir = Path(out_dir)
    targets = {"grants": out_dir / "grants.csv", "organisations": out_dir / "organisations.csv"}
    if not overwrite:
        existing = [str(p) for p in targets.values() if p.exists()]
        if existing:
            raise Import360Error(f"{existing[0]}: already exists (expected an empty folder for --out, so no data "
                                 "is overwritten)")
    if out_dir.exists() and not out_dir.is_dir():
        raise Import360Error(f"{out_dir}: is a file (expected a folder for --out)")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, path in targets.items():
        columns = _columns(name)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in getattr(result, name):
            writer.writerow([row.get(c, "") for c in columns])
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return list(targets.values())


# --- command line --------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator import-360giving",
        description="Turn a funder's 360Giving file (CSV, XLSX or JSON; column titles matched ignoring case and "
                    "spaces) into our grants.csv and organisations.csv, and list what could not be mapped.")
    parser.add_argument("file", type=Path, metavar="FILE", help="the 360Giving file: .csv, .xlsx or .json")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="folder to write grants.csv and organisations.csv to (they must not exist yet)")
    parser.add_argument("--department", default=DEFAULT_DEPARTMENT, metavar="ID",
                        help=f"commissioner_id recorded as the department of every grant (default: "
                             f"{DEFAULT_DEPARTMENT})")
    parser.add_argument("--data", type=Path, default=ROOT / "data", metavar="DIR",
                        help="data folder whose wards.csv names the wards (default: data/)")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml", metavar="FILE",
                        help="settings file: publisher.org_id starts local recipient identifiers (default: "
                             "config.yml)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """import-360giving FILE --out DIR [--department ID]: 0 imported, 1 unreadable input, 2 usage error."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed by argparse
        return int(exc.code or 0)
    try:
        config = load_config(args.config)
        wards_file = args.data / "wards.csv"
        wards = None
        if wards_file.is_file():
            try:
                with wards_file.open(encoding="utf-8-sig", newline="") as handle:
                    wards = [r["ward_name"] for r in csv.DictReader(handle) if r.get("ward_name")]
            except (OSError, UnicodeDecodeError, csv.Error) as exc:
                raise Import360Error(f"{wards_file}: cannot be read for the ward names ({exc})") from None
        result = import_360giving(args.file, args.department, wards=wards, local_org_prefix=config.publisher_org_id)
        written = write_import(result, args.out)
    except Import360Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"{exc.finding} (see \"Settings\" in README.md)", file=sys.stderr)
        return 1
    skipped = result.read - len(result.grants)
    print(f"Read {_plural(result.read, 'grant')} from {args.file}.")
    print(f"Imported {_plural(len(result.grants), 'grant')} and {_plural(len(result.organisations), 'organisation')}"
          f"{f'; skipped {skipped:,}' if skipped else ''}: wrote {', '.join(str(p) for p in written)}.")
    if result.unmapped:
        print(f"Not mapped or changed ({_plural(len(result.unmapped), 'note')}):")
        for note in result.unmapped:
            print(f"- {note}")
    others = sum(1 for g in result.grants if not g["grant_id"].startswith(config.grant_id_prefix))
    if others:
        print(f"Note: {_plural(others, 'imported grant id')} {'does' if others == 1 else 'do'} not start with "
              f"this publisher's prefix {config.grant_id_prefix} (config.yml, publisher.grant_id_prefix), and `validate` accepts only "
              "that prefix: publish another funder's grants from its own copy of this tool, with its prefix "
              "in config.yml.")
    print("Next: check the notes, add the rows to data/grants.csv and data/organisations.csv, and run "
          "python -m generator validate.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
