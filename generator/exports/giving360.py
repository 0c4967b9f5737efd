"""360Giving export: our grants as 360Giving Data Standard 1.4 data.

Export
------
``grants_to_360(tables, config)`` turns each row of the typed grants table into a 360Giving grant:
``id`` (our grant_id, already ``360G-<prefix>-...``), ``title``, ``description``, ``currency`` "GBP",
``amountAwarded``, ``awardDate`` (YYYY-MM-DD), ``plannedDates`` (start and end dates when present), the
recipient, ``fundingOrganization`` (the council from config.yml, with the department's name from the
commissioners table, then the grant's co_funders; a commissioner with another org_id, such as an NHS body, is the funder itself, and one
with no org_id is taken to be part of the council), ``grantProgramme``, ``beneficiaryLocation`` (the ward; its ONS code with geoCodeType
``WD`` only where the wards table has one), ``classifications`` (our funding_type, in the vocabulary
``<grant prefix>funding-type``) and ``dataSource`` (site.url, when set).

Recipients whose organisation_type is "individual" are published as ``recipientIndividual`` (never
``recipientOrganization``), as 360Giving's guidance for grants to individuals asks: the identifier is
``<grant prefix>IND-<our anonymous reference>`` and the name always "Individual Recipient", whatever the
organisations table says; no ward is given for them (a small area plus a date and an amount can identify a
person), and no registration numbers.

``package_360`` wraps the grants in a 360Giving package with the metadata 360Giving recommends (title,
description, publisher, licence, version "1.4"); the tests check it against the official schemas copied into
``generator/reference/360giving/`` (see SOURCE.md there; tests/conformance.py). The build writes both files with
``write_360_files``, in one pass over the grants table column by column (Arrow), without a Python object per
grant: byte for byte what json.dumps of ``package_360`` and csv.writer over ``grants_to_rows`` give (the
tests compare them).

The CSV file
~~~~~~~~~~~~
- Column titles are the standard's spreadsheet titles, exactly as the schema spells them and as publishers
  such as Trafford use them ("Amount Awarded", "Recipient Org:Identifier", ...): ``CSV_COLUMNS``. The set of
  columns is always the same, so a column can be empty (Recipient Ind when every recipient is an
  organisation), but for co-funded grants (our optional co_funders column): then flattentool's numbered
  columns "Funding Org:1:Identifier", "Funding Org:1:Name", ... follow the first funder's, as many as the
  grant with the most co-funders needs (``csv_columns``). A co-funder is written "Name (identifier)" in
  co_funders; one without an identifier is left out (360Giving requires one). The JSON lists them all in
  fundingOrganization, after the council.
- Encoding: UTF-8 **with** a byte-order mark, lines ending CRLF (RFC 4180). Excel on Windows reads UTF-8
  CSV without a BOM as a legacy code page (ward names such as Queen's Road and £ signs in text would be
  garbled), and this file is meant to be opened by people. Machine readers cope: Frictionless detects the
  BOM, 360Giving's data quality tool keeps a BOM fixture among its tests, and the import reads it.
  Our own data files stay BOM-free, as the README says.
- Formula policy: a text cell whose first character is ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return gets a single apostrophe in front (OWASP's advice for CSV injection), so Excel, LibreOffice and
  Google Sheets show it as text (apostrophe included) and never run it. Numbers (amounts) and dates are written as plain values
  and never escaped. The JSON package holds the values unchanged. In practice the guard should never fire:
  the council checks refuse free text that starts like a formula (check "formula-like"), and identifiers,
  dates and codes have patterns; it is there because a CSV must be safe whatever reaches it. The import
  removes the apostrophe again when it is followed by =, +, - or @.

The import (imports/giving360.py) reads such files back into our rows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..data.checks import FORMULA_START
from ..imports.giving360_standard import FUNDING_TYPE_TITLES, number_value, plain_number, schema_titles
from ..model.values import blank
from .columns import CHUNK_ROWS, any_true, csv_fields, csv_lines, iso_dates, joined, json_strings, number_text

# The package schema refers to the grant schema by its 1.4.2 URL; the grant schema's own $id is 1.4.3 (and
# its internal "#/$defs/..." references resolve against that). The local file is registered under both.
GRANT_SCHEMA_URLS = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json",
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-schema.json",
)
SCHEMA_VERSION = "1.4"
OGL_V3 = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
INDIVIDUAL_NAME = "Individual Recipient"  # what 360Giving's guidance suggests for recipientIndividual/name

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


def _iso(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _records(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None:
        return []
    return [{k: (None if blank(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


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


def co_funder_entries(text) -> list[dict]:
    """A grant's co_funders ("Name (identifier)" joined by "; ") as Funding Org entries; one without an
    identifier in brackets is left out (360Giving requires an id)."""
    entries = []
    for part in ("" if blank(text) else str(text)).split(";"):
        match = re.fullmatch(r"\s*(.*?)\s*\(([^()\s]+)\)\s*", part)
        if match and match.group(1):
            entries.append({"id": match.group(2), "name": match.group(1)})
    return entries


def _funder_part(department_id, commissioners: dict, config, co_funders=None) -> dict:
    """The grant's Funding Org entries: the council (with the department's name; a commissioner with
    another org_id is the funder itself), then each co-funder not already listed."""
    funder = {"id": config.publisher_org_id, "name": config.publisher_name}
    commissioner = commissioners.get(department_id)
    if commissioner:
        if commissioner.get("org_id") in (None, config.publisher_org_id):
            funder["department"] = commissioner["name"]
        else:  # another body (such as the NHS partner) made the grant
            funder = {"id": commissioner["org_id"], "name": commissioner["name"]}
    funders = [funder]
    for entry in co_funder_entries(co_funders):
        if entry["id"] not in {f["id"] for f in funders}:
            funders.append(entry)
    return {"fundingOrganization": funders}


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
            "amountAwarded": number_value(row["amount_awarded"]),
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
        grant.update(_funder_part(row.get("department_id"), commissioners, config, row.get("co_funders")))
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
    if blank(value):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float)):
        return plain_number(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_columns(co_funders: int = 0) -> list[str]:
    """CSV_COLUMNS, with flattentool's numbered Funding Org columns for the co-funders after the first
    funder's ("Funding Org:1:Identifier", "Funding Org:1:Name", ...) when any grant has them."""
    columns = list(CSV_COLUMNS)
    at = columns.index("Funding Org:Department") + 1
    columns[at:at] = [f"Funding Org:{n}:{field}" for n in range(1, co_funders + 1) for field in ("Identifier", "Name")]
    return columns


def csv_columns_for(grants: list[dict]) -> list[str]:
    """The CSV columns for these 360Giving grants (csv_columns for the most funders a grant has)."""
    return csv_columns(max((len(g.get("fundingOrganization") or []) for g in grants), default=1) - 1)


def _column_paths(columns: list[str]) -> dict[str, tuple]:
    """Each CSV column's JSON path: the schema's titles, and the numbered Funding Org columns."""
    titles = schema_titles()
    paths = {}
    for title in columns:
        numbered = re.fullmatch(r"Funding Org:(\d+):(Identifier|Name)", title)
        paths[title] = (("fundingOrganization", int(numbered.group(1)), "id" if numbered.group(2) == "Identifier"
                         else "name") if numbered else titles[title][0])
    return paths


def grants_to_rows(grants: list[dict]) -> list[list[str]]:
    """The grants as CSV rows, cells in csv_columns_for(grants) order."""
    paths = list(_column_paths(csv_columns_for(grants)).values())
    return [[csv_cell(_get(grant, path)) for path in paths] for grant in grants]


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


class _Recipients(NamedTuple):
    """Each grant's recipient: an index into the distinct recipients, their JSON text and CSV cells,
    and whether each grant's recipient is an individual."""
    index: pa.Array
    json: pa.Array
    csv: dict[str, pa.Array]
    individual: pa.Array


def _json_text(values: pa.Array) -> pa.Array:
    """JSON strings for a value that is always there: null when missing."""
    return pc.fill_null(json_strings(values), "null")


def _grant_columns(grants: pd.DataFrame, rows: int) -> dict[str, pa.Array]:
    """The per-grant columns: identifier, title, description, amount and dates (ISO text)."""
    columns = {"ids": _texts(grants, "grant_id", rows), "title": _texts(grants, "title", rows),
               "description": _texts(grants, "description", rows),
               "amounts": pa.array(grants["amount_awarded"].astype("float64"))}
    columns.update(awarded=_dates(grants, "award_date"), starts=_dates(grants, "planned_start_date"),
                   ends=_dates(grants, "planned_end_date"))
    if columns["awarded"].null_count:
        raise ValueError("a grant has no award date (the grants schema requires one)")
    return columns


def _organisation_fields(recipients: pa.Array, organisations: pd.DataFrame | None) -> tuple[pa.Array, ...]:
    """For each distinct recipient: its row in the organisations table (null when absent), name, charity
    number, company number and organisation type."""
    if organisations is not None and len(organisations):
        org_ids = _texts(organisations, "org_id")
        at = pc.index_in(recipients, value_set=org_ids)
        name, charity, company, kind = (pc.take(_texts(organisations, c, len(organisations)), at) for c in
                                        ("name", "charity_number", "company_number", "organisation_type"))
    else:
        at = pa.nulls(len(recipients), pa.int32())
        name = charity = company = kind = pa.nulls(len(recipients), pa.string())
    return at, name, charity, company, kind


def _organisation_parts(recipients: pa.Array, name: pa.Array, charity: pa.Array,
                        company: pa.Array) -> tuple[pa.Array, dict[str, pa.Array]]:
    """The recipientOrganization JSON text and CSV cells of each distinct recipient, from templates."""
    org_json = pc.binary_join_element_wise(
        f",{_GRANT}\"recipientOrganization\": [{_GRANT}  {{{_GRANT}    \"id\": ", _json_text(recipients),
        f",{_GRANT}    \"name\": ", _json_text(name),
        pc.binary_join_element_wise(f",{_GRANT}    \"charityNumber\": ", json_strings(charity), ""),
        pc.binary_join_element_wise(f",{_GRANT}    \"companyNumber\": ", json_strings(company), ""),
        f"{_GRANT}  }}{_GRANT}]", "", null_handling="replace")
    org_csv = {"Recipient Org:Identifier": recipients, "Recipient Org:Name": name,
               "Recipient Org:Charity Number": charity, "Recipient Org:Company Number": company,
               "Recipient Ind:Identifier": pa.nulls(len(recipients), pa.string()),
               "Recipient Ind:Name": pa.nulls(len(recipients), pa.string())}
    org_csv = {k: pc.fill_null(_formula_safe(v), "") for k, v in org_csv.items()}
    return org_json, org_csv


def _special_recipients(recipients: pa.Array, special: pa.Array, organisations: pd.DataFrame | None,
                        org_json: pa.Array, org_csv: dict[str, pa.Array], config,
                        paths: dict[str, tuple]) -> tuple[pa.Array, dict[str, pa.Array], pa.Array]:
    """Recipients missing from the organisations table, and individuals: their parts made by
    _recipient_part in place of the templates'; also which recipients are individuals."""
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
    return org_json, org_csv, pa.array(ind_fix)


def _recipient_columns(grants: pd.DataFrame, organisations: pd.DataFrame | None, rows: int, config,
                       paths: dict[str, tuple]) -> _Recipients:
    """The recipient columns: templates for organisations, _recipient_part for the others."""
    recipient_keys = pc.dictionary_encode(_texts(grants, "recipient_org_id", rows))
    recipients = recipient_keys.dictionary
    recipient_index = recipient_keys.indices
    at, name, charity, company, kind = _organisation_fields(recipients, organisations)
    special = pc.or_kleene(pc.is_null(at), pc.fill_null(pc.equal(kind, "individual"), False))
    org_json, org_csv = _organisation_parts(recipients, name, charity, company)
    individual = pa.array(np.zeros(len(recipients), dtype=bool))
    if any_true(special):
        org_json, org_csv, individual = _special_recipients(recipients, special, organisations, org_json, org_csv,
                                                            config, paths)
    return _Recipients(recipient_index, org_json, org_csv, pc.take(individual, recipient_index))


_KEY_SEPARATOR = "\x1f"  # between a grant's department_id and co_funders in its funder key


def _funder_keys(grants: pd.DataFrame, rows: int) -> pa.Array:
    """Each grant's funder key: department_id and co_funders (null when both are missing)."""
    department, co_funders = _texts(grants, "department_id", rows), _texts(grants, "co_funders", rows)
    keys = pc.binary_join_element_wise(department, co_funders, _KEY_SEPARATOR, null_handling="replace")
    return pc.if_else(pc.and_(pc.is_null(department), pc.is_null(co_funders)), pa.scalar(None, pa.string()), keys)


def _funder_of_key(key, commissioners: dict, config) -> dict:
    """_funder_part for a funder key (_funder_keys)."""
    department, co_funders = (key or _KEY_SEPARATOR).split(_KEY_SEPARATOR, 1)
    return _funder_part(department or None, commissioners, config, co_funders or None)


def _most_co_funders(grants: pd.DataFrame, rows: int, commissioners: dict, config) -> int:
    """The most co-funders a grant's Funding Org entries have (the numbered CSV columns needed)."""
    if "co_funders" not in grants or not grants["co_funders"].notna().any():
        return 0
    keys = pc.unique(_funder_keys(grants, rows)).to_pylist()
    return max(len(_funder_of_key(k, commissioners, config)["fundingOrganization"]) for k in keys) - 1


def _keyed_parts(grants: pd.DataFrame, rows: int, wards: dict, commissioners: dict, config,
                 paths: dict[str, tuple]) -> list[_Keyed]:
    """The parts made once per key, in the grant's key order: the location (ward), the funder
    (department), the programme and the classification (funding type)."""
    return [
        _Keyed(_texts(grants, "beneficiary_ward", rows), lambda w: _location_part(w, wards), "beneficiaryLocation",
               paths),
        _Keyed(_funder_keys(grants, rows), lambda k: _funder_of_key(k, commissioners, config),
               "fundingOrganization", paths),
        _Keyed(_texts(grants, "programme", rows), _programme_part, "grantProgramme", paths),
        _Keyed(_texts(grants, "funding_type", rows), lambda f: _classification_part(f, config), "classifications",
               paths),
    ]


def _keyed_indices(keyed: list[_Keyed], individual: pa.Array, start: int, n: int) -> list[pa.Array]:
    """Each keyed part's indices for a chunk of grants; no ward for individuals."""
    here = [k.indices.slice(start, n) for k in keyed]
    here[0] = pc.if_else(individual, pa.scalar(keyed[0].none, here[0].type), here[0])  # no ward
    return here


_SHELL_END = "    null\n  ]\n}"  # where the grants go in the package's JSON text


def _package_shell(config, options: dict) -> tuple[dict, str]:
    """The package around the grants, and its JSON text with a single null grant (cut at _SHELL_END)."""
    package = package_360(None, config, **options)
    package["grants"] = [None]
    shell = json.dumps(package, indent=2, ensure_ascii=False)
    assert shell.endswith(_SHELL_END)
    return package, shell


def _json_start(package: dict, shell: str, rows: int) -> bytes:
    """The JSON file up to the first grant; the whole file when there are no grants."""
    if rows:
        return shell[:-len(_SHELL_END)].encode("utf-8")
    return (json.dumps({**package, "grants": []}, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _planned_json(s: pa.Array, e: pa.Array) -> pa.Array:
    """The plannedDates member of each grant (null when it has neither date)."""
    both = pc.and_(pc.is_valid(s), pc.is_valid(e))
    planned = pc.binary_join_element_wise(  # (null_handling="skip" drops all-null rows)
        pc.binary_join_element_wise('          "startDate": ', json_strings(s), ""),
        pc.if_else(both, ",\n", ""),
        pc.binary_join_element_wise('          "endDate": ', json_strings(e), ""),
        "", null_handling="replace")
    return pc.if_else(pc.and_(pc.is_null(s), pc.is_null(e)), pa.scalar(None, pa.string()),
                      pc.binary_join_element_wise(f",{_GRANT}\"plannedDates\": [\n        {{\n",
                                                  planned, "\n        }\n      ]", ""))


def _json_grants(chunk: dict[str, pa.Array], recipient_json: pa.Array, recipient: pa.Array,
                 keyed: list[_Keyed], here: list[pa.Array], source: dict, first: bool) -> memoryview:
    """A chunk of grants as the package's JSON text (each after ",\n", but for the very first)."""
    grant_json = pc.binary_join_element_wise(
        ',\n    {\n      "id": ', _json_text(chunk["ids"]),
        f',{_GRANT}"title": ', _json_text(chunk["title"]),
        f',{_GRANT}"description": ', _json_text(chunk["description"]),
        f',{_GRANT}"currency": "GBP",{_GRANT}"amountAwarded": ', number_text(chunk["amounts"]),
        f',{_GRANT}"awardDate": ', json_strings(chunk["awarded"]),
        _planned_json(chunk["starts"], chunk["ends"]),
        pc.take(recipient_json, recipient),
        *[pc.take(k.json, i) for k, i in zip(keyed, here)],
        _members(source) + "\n    }", "", null_handling="replace")
    return joined(grant_json)[2 if first else 0:]  # no comma before the first


def _csv_header(columns: list[str]) -> bytes:
    """The CSV file's byte-order mark and title row."""
    return b"\xef\xbb\xbf" + bytes(joined(csv_lines([csv_fields(pa.array([c], pa.string()), "\r\n")
                                                     for c in columns], "\r\n")))


def _csv_rows(chunk: dict[str, pa.Array], n: int, recipient_csv: dict[str, pa.Array], recipient: pa.Array,
              keyed: list[_Keyed], here: list[pa.Array], source: dict, paths: dict[str, tuple]) -> memoryview:
    """A chunk of grants as CSV lines, cells in the order of paths (the file's columns)."""
    cells = {
        "Identifier": _formula_safe(chunk["ids"]),
        "Title": _formula_safe(chunk["title"]),
        "Description": _formula_safe(chunk["description"]),
        "Currency": pa.array(["GBP"] * n, pa.string()),
        "Amount Awarded": number_text(chunk["amounts"], plain_number),
        "Award Date": chunk["awarded"],
        "Planned Dates:Start Date": chunk["starts"],
        "Planned Dates:End Date": chunk["ends"],
    }
    cells.update({k: pc.take(v, recipient) for k, v in recipient_csv.items()})
    for k, i in zip(keyed, here):
        cells.update({title: pc.take(v, i) for title, v in k.csv.items() if title not in cells})
    for title in paths:
        if title not in cells and paths[title][0] in source:  # dataSource
            cells[title] = pa.array([csv_cell(_get(source, paths[title]))] * n, pa.string())
        elif title not in cells:
            cells[title] = pa.array([""] * n, pa.string())
    return joined(csv_lines([csv_fields(cells[t], "\r\n") for t in paths], "\r\n"))


def write_360_files(tables: dict[str, pd.DataFrame], config, json_path: Path | None = None,
                    csv_path: Path | None = None, **options) -> None:
    """Write the 360Giving JSON package and/or CSV file in one pass over the grants,
    byte for byte what json.dumps of package_360 and csv.writer over grants_to_rows give (tests/conformance.py)."""

    grants = tables["grants"]
    rows = len(grants)
    wards = {w["ward_name"]: w.get("ons_code") for w in _records(tables.get("wards"))}
    commissioners = {c["commissioner_id"]: c for c in _records(tables.get("commissioners"))}
    paths = _column_paths(csv_columns(_most_co_funders(grants, rows, commissioners, config)))
    columns = _grant_columns(grants, rows)
    recipients = _recipient_columns(grants, tables.get("organisations"), rows, config, paths)
    keyed = _keyed_parts(grants, rows, wards, commissioners, config, paths)
    source = _source_part(config)
    package, shell = _package_shell(config, options)
    json_out = Path(json_path).open("wb") if json_path else None
    csv_out = Path(csv_path).open("wb") if csv_path else None
    try:
        if json_out:
            json_out.write(_json_start(package, shell, rows))
        if csv_out:
            csv_out.write(_csv_header(list(paths)))
        for start in range(0, rows, CHUNK_ROWS):
            n = min(CHUNK_ROWS, rows - start)
            chunk = {name: column.slice(start, n) for name, column in columns.items()}
            recipient = recipients.index.slice(start, n)
            here = _keyed_indices(keyed, recipients.individual.slice(start, n), start, n)
            if json_out:
                json_out.write(_json_grants(chunk, recipients.json, recipient, keyed, here, source, start == 0))
            if csv_out:
                csv_out.write(_csv_rows(chunk, n, recipients.csv, recipient, keyed, here, source, paths))
        if json_out:
            if rows:
                json_out.write(b"\n  ]\n}\n")
    finally:
        for handle in (json_out, csv_out):
            if handle:
                handle.close()
