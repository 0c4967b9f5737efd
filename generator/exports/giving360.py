"""360Giving export: our grants as 360Giving Data Standard 1.4 data.

Export
------
``grants_to_360(tables, config)`` turns each row of the typed grants table into a 360Giving grant:
``id`` (our grant_id, already ``360G-<prefix>-...``), ``title``, ``description``, ``currency`` "GBP",
``amountAwarded``, ``awardDate`` (YYYY-MM-DD), ``plannedDates`` and ``actualDates`` (``[{startDate, endDate}]``
with the dates present: planned_/actual_start_date and _end_date), the
recipient, ``fundingOrganization`` (the council from config.yml, with the department's name from the
commissioners table, then the grant's co_funders; a commissioner with another org_id, such as an NHS body, is the funder itself, and one
with no org_id is taken to be part of the council), ``grantProgramme``, ``beneficiaryLocation`` (the ward; its ONS code with geoCodeType
``WD`` only where the wards table has one), ``classifications`` (our funding_type, in the vocabulary
``<grant prefix>funding-type``), ``dataSource`` (the grant's data_source; else site.url; else publisher.website, the
council's own website, which 360Giving's definition allows; else none) and ``dateModified`` (last_modified, a date,
as the date-time 360Giving asks for: the day's start in UTC, ``YYYY-MM-DDT00:00:00+00:00``).

A recipient organisation's ``location`` (one entry, ``countryCode`` GB) is what the organisations table says
and no more: its ward with the ward's ONS code (geoCodeType ``WD``) when the wards table has the code; else,
when it is based in the area (based_in_borough yes), the council's district, ``publisher.area`` with its code
from the ONS lookup (``LAD``; only when the lookup knows the district); else none: an organisation based
elsewhere has no address in our data, and none is guessed.

Recipients whose organisation_type is "individual" are published as ``recipientIndividual`` (never
``recipientOrganization``), as 360Giving's guidance for grants to individuals asks: the identifier is
``<grant prefix>IND-<our anonymous reference>`` and the name always "Individual Recipient", whatever the
organisations table says; no ward is given for them (a small area plus a date and an amount can identify a
person), no location and no registration numbers.

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
  grant with the most co-funders needs (``csv_columns``). The recipient's location, a list inside the
  recipient that the schema does not roll up, is numbered as flattentool and 360Giving's own files number it:
  "Recipient Org:Location:0:Name", "...:0:Country Code", "...:0:Geographic Code", "...:0:Geographic Code
  Type". A co-funder is written "Name (identifier)" in co_funders; one without an identifier is left out
  (360Giving requires one). The JSON lists them all in fundingOrganization, after the council.
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

from ..data import dei
from ..data.checks import FORMULA_START
from ..data.wards import district_code
from ..imports.giving360_standard import (DEI_EXTENSION, FUNDING_TYPE_TITLES, number_value, plain_number,
                                           schema_titles)
from ..model.values import blank, records
from .columns import (CHUNK_ROWS, any_true, csv_fields, csv_lines, formula_safe, iso_dates, joined, json_strings,
                      number_text)

# The package schema refers to the grant schema by its 1.4.2 URL; the grant schema's own $id is 1.4.3 (and
# its internal "#/$defs/..." references resolve against that). The local file is registered under both.
GRANT_SCHEMA_URLS = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json",
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-schema.json",
)
SCHEMA_VERSION = "1.4"
OGL_V3 = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
INDIVIDUAL_NAME = "Individual Recipient"  # what 360Giving's guidance suggests for recipientIndividual/name
MODIFIED_TIME = "T00:00:00+00:00"  # dateModified is a date-time; last_modified a day: its start, in UTC

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
    "Actual Dates:Start Date",
    "Actual Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Recipient Org:Location:0:Name",
    "Recipient Org:Location:0:Country Code",
    "Recipient Org:Location:0:Geographic Code",
    "Recipient Org:Location:0:Geographic Code Type",
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
    "Last Modified",
]


# The DEI extension's columns the CSV has when a grant has deiDetails: the extension's spreadsheet titles, in
# the order of 360Giving's guidance (Project, Mission, Leadership), those our data can fill.
DEI_CSV_COLUMNS = [
    "DEI Details:Project:Asked Status",
    "DEI Details:Project:Reply Status",
    "DEI Details:Project:Additional Details",
    "DEI Details:Project:DEI Response:Taxonomy Codes",
    "DEI Details:Mission:Asked Status",
    "DEI Details:Leadership:Asked Status",
    "DEI Details:Leadership:Reply Status",
    "DEI Details:Leadership:Additional Details",
    "DEI Details:Leadership:DEI Response:Taxonomy Codes",
]
ASKED_BEFORE_AWARD = "AS200"  # askedStatus: asked before the decision to award the grant
ASKED_AFTER_AWARD = "AS201"  # askedStatus: asked after it
NOT_ASKED = "AS100"  # askedStatus: not asked, not applicable (the mission area: our data has no question for it)
REPLY_GOT = "RS200"  # replyStatus: a reply was received
NO_ANSWER = "No answer to this question is recorded."  # additionalDetails of an area asked with no codes recorded


def _iso(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _records(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None:
        return []
    return [{k: (None if blank(v) else v) for k, v in row.items()} for row in records(frame)]


def _individual_id(org_id: str, config) -> str:
    prefix = config.grant_id_prefix if config.grant_id_prefix.endswith("-") else config.grant_id_prefix + "-"
    reference = org_id.split("-IND-", 1)[1] if "-IND-" in org_id else org_id
    return f"{prefix}IND-{reference}"


_DISTRICT = "\x1f"  # the location key of an organisation placed in the council's district (no coded ward)


def _location_key(org: dict, wards: dict, config) -> str | None:
    """Which location a recipient organisation is given: its ward (when the wards table has the ward's code),
    _DISTRICT (based in the area, no coded ward, and the ONS lookup knows the district), or None."""
    if org.get("ward") is not None and wards.get(org["ward"]):
        return org["ward"]
    if org.get("based_in_borough") is True and district_code(config.area):
        return _DISTRICT
    return None


def _recipient_location(key: str | None, wards: dict, config) -> list[dict] | None:
    """recipientOrganization/0/location for a location key (_location_key); None for no key."""
    if key is None:
        return None
    if key == _DISTRICT:
        return [{"name": config.area, "countryCode": "GB", "geoCode": district_code(config.area),
                 "geoCodeType": "LAD"}]
    return [{"name": key, "countryCode": "GB", "geoCode": wards[key], "geoCodeType": "WD"}]


def _recipient_part(org_id: str, org: dict | None, config, wards: dict | None = None) -> dict:
    """The grant's recipient keys: recipientIndividual for an individual, else recipientOrganization (with
    its location where the organisations table places it: _location_key)."""
    org = org or {"org_id": org_id, "name": org_id}
    if org.get("organisation_type") == "individual":
        return {"recipientIndividual": {"id": _individual_id(org_id, config), "name": INDIVIDUAL_NAME}}
    recipient = {"id": org_id, "name": org["name"]}
    if org.get("charity_number") is not None:
        recipient["charityNumber"] = org["charity_number"]
    if org.get("company_number") is not None:
        recipient["companyNumber"] = org["company_number"]
    location = _recipient_location(_location_key(org, wards or {}, config), wards or {}, config)
    if location:
        recipient["location"] = location
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


def default_source(config) -> str:
    """A grant's dataSource when its data_source is empty: site.url, else publisher.website, else none."""
    return getattr(config, "site_url", "") or getattr(config, "publisher_website", "")


def _source_part(data_source, config) -> dict:
    source = data_source or default_source(config)
    return {"dataSource": source} if source else {}


def modified_text(day) -> str:
    """A last_modified date as 360Giving's dateModified, a date-time: the day's start in UTC."""
    return _iso(day) + MODIFIED_TIME


def _modified_part(last_modified) -> dict:
    return {} if last_modified is None else {"dateModified": modified_text(last_modified)}


def dei_asked(org: dict | None, org_id: str, award_date) -> str | None:
    """The askedStatus of a grant's DEI answers: AS200 when the recipient organisation gave them on or before
    the award date (the day of the decision to award), AS201 when after; None when the grant has no DEI details
    to publish: no organisation row, an individual (type or -IND- identifier: never about individuals), no
    led_by or serving codes, or no dei_declared_on to tell before from after."""
    if org is None or org.get("organisation_type") == "individual" or "-IND-" in str(org_id):
        return None
    if not any(dei.codes(org.get(column)) for column in dei.DEI_COLUMNS):
        return None
    declared = org.get(dei.DECLARED)
    if declared is None:
        return None
    return ASKED_BEFORE_AWARD if pd.Timestamp(declared) <= pd.Timestamp(award_date) else ASKED_AFTER_AWARD


def _dei_area(codes: list[str], asked: str) -> dict:
    """One application area: asked (when, by the date); answered (RS200) with the codes, or, with none
    recorded, no reply status (it could have been no reply, "general" or "prefer not to say") and a note."""
    if codes:
        return {"askedStatus": asked, "replyStatus": REPLY_GOT, "response": {"taxonomyCodes": codes}}
    return {"askedStatus": asked, "additionalDetails": NO_ANSWER}


def dei_part(org: dict | None, asked: str | None) -> dict:
    """The grant's deiDetails (360Giving's DEI extension) for its recipient organisation's led_by (leadership)
    and serving (project); mission is not asked (AS100). Nothing when `asked` is None (dei_asked)."""
    if asked is None or org is None:
        return {}
    return {"deiDetails": {
        "leadership": _dei_area(dei.codes(org.get("led_by")), asked),
        "mission": {"askedStatus": NOT_ASKED},
        "project": _dei_area(dei.codes(org.get("serving")), asked),
    }}


def _dates_part(row: dict, key: str, start: str, end: str) -> dict:
    """plannedDates or actualDates: [{startDate, endDate}] with the dates given (nothing when neither is)."""
    dates = {}
    if row.get(start) is not None:
        dates["startDate"] = _iso(row[start])
    if row.get(end) is not None:
        dates["endDate"] = _iso(row[end])
    return {key: [dates]} if dates else {}


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
        grant.update(_dates_part(row, "plannedDates", "planned_start_date", "planned_end_date"))
        grant.update(_dates_part(row, "actualDates", "actual_start_date", "actual_end_date"))
        org_id = row["recipient_org_id"]
        recipient = _recipient_part(org_id, organisations.get(org_id), config, wards)
        grant.update(recipient)
        if "recipientIndividual" not in recipient:  # no ward for individuals
            grant.update(_location_part(row.get("beneficiary_ward"), wards))
        grant.update(_funder_part(row.get("department_id"), commissioners, config, row.get("co_funders")))
        grant.update(_programme_part(row.get("programme")))
        grant.update(_classification_part(row.get("funding_type"), config))
        grant.update(_source_part(row.get("data_source"), config))
        grant.update(_modified_part(row.get("last_modified")))
        if "recipientIndividual" not in recipient:  # never about individuals
            org = organisations.get(org_id)
            grant.update(dei_part(org, dei_asked(org, org_id, row["award_date"])))
        grants.append(grant)
    return grants


def package_360(tables: dict[str, pd.DataFrame] | None, config, *, license: str = OGL_V3,
                modified: str | None = None, extensions: tuple = ()) -> dict:
    """A 360Giving package: the grants and the package metadata 360Giving recommends
    (tables None: the metadata, with no grants). ``extensions`` lists "dei" when a grant has deiDetails
    (found from the grants when tables are given)."""
    grants = grants_to_360(tables, config) if tables is not None else []
    if any("deiDetails" in g for g in grants):
        extensions = (DEI_EXTENSION,)
    description = (f"Grants made by {config.publisher_name}, in the 360Giving Data Standard "
                   f"{SCHEMA_VERSION}.")
    if config.illustrative:
        description += (" ILLUSTRATIVE SAMPLE DATA: the organisations, grants and figures are fictional; "
                        "do not use them as facts.")
    publisher = {"identifier": config.publisher_org_id, "name": config.publisher_name}
    website = getattr(config, "publisher_website", "") or getattr(config, "site_url", "")
    if website:  # the council's own website; the site's address until publisher.website is set
        publisher["website"] = website
    package: dict = {
        "title": f"{config.publisher_name}: grants" + (" (illustrative sample)" if config.illustrative else ""),
        "description": description,
        "publisher": publisher,
        "license": license,
        "version": SCHEMA_VERSION,
    }
    if extensions:  # 360Giving's way to declare an extension: the package's "extensions"
        package["extensions"] = list(extensions)
    if getattr(config, "site_url", ""):
        package["accessURL"] = config.site_url
    if modified:
        package["modified"] = modified
    package["grants"] = grants
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
    if isinstance(value, list):  # an array of codes: one cell, separated by ";" (360Giving's spreadsheets)
        return csv_cell(";".join(str(v) for v in value))
    if isinstance(value, (int, float)):
        return plain_number(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_columns(co_funders: int = 0, dei_details: bool = False) -> list[str]:
    """CSV_COLUMNS, with flattentool's numbered Funding Org columns for the co-funders after the first
    funder's ("Funding Org:1:Identifier", "Funding Org:1:Name", ...) when any grant has them, and the DEI
    extension's columns (DEI_CSV_COLUMNS) at the end when any grant has deiDetails."""
    columns = list(CSV_COLUMNS)
    at = columns.index("Funding Org:Department") + 1
    columns[at:at] = [f"Funding Org:{n}:{field}" for n in range(1, co_funders + 1) for field in ("Identifier", "Name")]
    return columns + (DEI_CSV_COLUMNS if dei_details else [])


def csv_columns_for(grants: list[dict]) -> list[str]:
    """The CSV columns for these 360Giving grants (csv_columns for the most funders a grant has, and
    whether any has deiDetails)."""
    return csv_columns(max((len(g.get("fundingOrganization") or []) for g in grants), default=1) - 1,
                       any("deiDetails" in g for g in grants))


def _column_path(title: str, titles: dict) -> tuple:
    """A CSV column's JSON path: the schema's title, with flattentool's item numbers where the title has
    them ("Funding Org:1:Name" is fundingOrganization/1/name, "Recipient Org:Location:0:Name" is
    recipientOrganization/0/location/0/name)."""
    names, numbers = [], []
    for segment in title.split(":"):
        if segment.isdigit() and names and numbers[-1] is None:
            numbers[-1] = int(segment)
        else:
            names.append(segment)
            numbers.append(None)
    path, at = [], -1
    for step in titles[":".join(names)][0]:
        if isinstance(step, int):
            path.append(step if numbers[at] is None else numbers[at])
        else:
            at += 1
            path.append(step)
    return tuple(path)


def _column_paths(columns: list[str]) -> dict[str, tuple]:
    """Each CSV column's JSON path (_column_path)."""
    titles = schema_titles()
    return {title: _column_path(title, titles) for title in columns}


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


def _members(part: dict, indent: str = _GRANT) -> str:
    """Keys of a grant (or of an object at another indent) as they follow earlier keys in the package's
    JSON text."""
    return "".join(f",{indent}{json.dumps(k, ensure_ascii=False)}: "
                   + json.dumps(v, indent=2, ensure_ascii=False).replace("\n", indent) for k, v in part.items())


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


class _Keyed:
    """Parts of a grant that depend on one key (a ward, a department ...): made once per
    distinct key (and once for no key); rows take its JSON text and CSV cells by index."""

    def __init__(self, keys: pa.Array, make, top: str, paths: dict[str, tuple], indent: str = _GRANT):
        encoded = pc.dictionary_encode(keys)
        uniques = encoded.dictionary.to_pylist() + [None]
        self.none = len(uniques) - 1  # the index of the part for no key
        self.indices = pc.fill_null(encoded.indices, self.none)
        parts = [make(k) for k in uniques]
        self.json = pa.array([_members(p, indent) for p in parts], pa.string())
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


def _grant_columns(grants: pd.DataFrame, rows: int, config) -> dict[str, pa.Array]:
    """The per-grant columns: identifier, title, description, amount, dates (ISO text), dateModified and
    dataSource (null where the grant has none)."""
    columns = {"ids": _texts(grants, "grant_id", rows), "title": _texts(grants, "title", rows),
               "description": _texts(grants, "description", rows),
               "amounts": pa.array(grants["amount_awarded"].astype("float64"))}
    columns.update(awarded=_dates(grants, "award_date"), starts=_dates(grants, "planned_start_date"),
                   ends=_dates(grants, "planned_end_date"), actual_starts=_dates(grants, "actual_start_date"),
                   actual_ends=_dates(grants, "actual_end_date"),
                   modified=pc.binary_join_element_wise(_dates(grants, "last_modified"), MODIFIED_TIME, ""),
                   sources=_texts(grants, "data_source", rows))
    if default_source(config):
        columns["sources"] = pc.fill_null(columns["sources"], default_source(config))
    if columns["awarded"].null_count:
        raise ValueError("a grant has no award date (the grants schema requires one)")
    return columns


def _organisation_fields(recipients: pa.Array, organisations: pd.DataFrame | None) -> tuple[pa.Array, ...]:
    """For each distinct recipient: its row in the organisations table (null when absent), name, charity
    number, company number, organisation type, ward and based_in_borough."""
    if organisations is not None and len(organisations):
        org_ids = _texts(organisations, "org_id")
        at = pc.index_in(recipients, value_set=org_ids)
        name, charity, company, kind, ward = (pc.take(_texts(organisations, c, len(organisations)), at) for c in
                                              ("name", "charity_number", "company_number", "organisation_type",
                                               "ward"))
        based = pc.take(pa.array(organisations["based_in_borough"], pa.bool_()) if "based_in_borough" in
                        organisations else pa.nulls(len(organisations), pa.bool_()), at)
    else:
        at = pa.nulls(len(recipients), pa.int32())
        name = charity = company = kind = ward = pa.nulls(len(recipients), pa.string())
        based = pa.nulls(len(recipients), pa.bool_())
    return at, name, charity, company, kind, ward, based


def _location_keys(ward: pa.Array, based: pa.Array, wards: dict, config) -> pa.Array:
    """_location_key of each distinct recipient, column by column."""
    coded = pa.array([w for w, code in wards.items() if code], pa.string())
    keys = pc.if_else(pc.is_in(ward, value_set=coded), ward, pa.scalar(None, pa.string()))
    if district_code(config.area):
        in_district = pc.and_(pc.is_null(keys), pc.fill_null(based, False))
        keys = pc.if_else(in_district, pa.scalar(_DISTRICT, pa.string()), keys)
    return keys


_RECIPIENT = _GRANT + "    "  # a recipient organisation's keys are indented by 10 spaces


def _organisation_parts(recipients: pa.Array, name: pa.Array, charity: pa.Array, company: pa.Array,
                        locations: _Keyed) -> tuple[pa.Array, dict[str, pa.Array]]:
    """The recipientOrganization JSON text and CSV cells of each distinct recipient, from templates (the
    location's made once per location key)."""
    org_json = pc.binary_join_element_wise(
        f",{_GRANT}\"recipientOrganization\": [{_GRANT}  {{{_RECIPIENT}\"id\": ", _json_text(recipients),
        f",{_RECIPIENT}\"name\": ", _json_text(name),
        pc.binary_join_element_wise(f",{_RECIPIENT}\"charityNumber\": ", json_strings(charity), ""),
        pc.binary_join_element_wise(f",{_RECIPIENT}\"companyNumber\": ", json_strings(company), ""),
        pc.take(locations.json, locations.indices),
        f"{_GRANT}  }}{_GRANT}]", "", null_handling="replace")
    org_csv = {"Recipient Org:Identifier": recipients, "Recipient Org:Name": name,
               "Recipient Org:Charity Number": charity, "Recipient Org:Company Number": company}
    org_csv = {k: pc.fill_null(formula_safe(v), "") for k, v in org_csv.items()}
    org_csv.update({k: pc.take(v, locations.indices) for k, v in locations.csv.items()})
    org_csv.update({k: pa.array([""] * len(recipients), pa.string())
                    for k in ("Recipient Ind:Identifier", "Recipient Ind:Name")})
    return org_json, org_csv


def _special_recipients(recipients: pa.Array, special: pa.Array, organisations: pd.DataFrame | None,
                        org_json: pa.Array, org_csv: dict[str, pa.Array], config, wards: dict,
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
        part = _recipient_part(org_id, records.get(org_id), config, wards)
        json_fix[i] = _members(part)
        ind_fix[i] = "recipientIndividual" in part
        for k in csv_fix:
            csv_fix[k][i] = csv_cell(_get(part, paths[k]))
    mask = pa.array(np.isin(np.arange(len(recipients)), where))
    org_json = pc.if_else(mask, pa.array(json_fix, pa.string()), org_json)
    org_csv = {k: pc.if_else(mask, pa.array(csv_fix[k], pa.string()), v) for k, v in org_csv.items()}
    return org_json, org_csv, pa.array(ind_fix)


def _location_member(key, wards: dict, config) -> dict:
    """A recipient organisation's location as the key it adds (nothing for no location)."""
    location = _recipient_location(key, wards, config)
    return {"location": location} if location else {}


def _recipient_columns(grants: pd.DataFrame, organisations: pd.DataFrame | None, rows: int, config,
                       wards: dict, paths: dict[str, tuple]) -> _Recipients:
    """The recipient columns: templates for organisations, _recipient_part for the others."""
    recipient_keys = pc.dictionary_encode(_texts(grants, "recipient_org_id", rows))
    recipients = recipient_keys.dictionary
    recipient_index = recipient_keys.indices
    at, name, charity, company, kind, ward, based = _organisation_fields(recipients, organisations)
    special = pc.or_kleene(pc.is_null(at), pc.fill_null(pc.equal(kind, "individual"), False))
    locations = _Keyed(_location_keys(ward, based, wards, config), lambda k: _location_member(k, wards, config),
                       "location", {title: path[2:] for title, path in paths.items()
                                    if path[:3] == ("recipientOrganization", 0, "location")},
                       indent=_RECIPIENT)
    org_json, org_csv = _organisation_parts(recipients, name, charity, company, locations)
    individual = pa.array(np.zeros(len(recipients), dtype=bool))
    if any_true(special):
        org_json, org_csv, individual = _special_recipients(recipients, special, organisations, org_json, org_csv,
                                                            config, wards, paths)
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


_DEI_SEPARATOR = "\x1f"  # between the recipient's answers (JSON) and the askedStatus in a grant's DEI key


def _dei_keys(grants: pd.DataFrame, organisations: pd.DataFrame | None, rows: int) -> pa.Array:
    """Each grant's DEI key: its recipient's led_by and serving (as _records gives them, as JSON) and the
    askedStatus (dei_asked); null for a grant with no DEI details. Recipients with the same answers share a
    key, so each distinct deiDetails is made once (_dei_keyed), not once per organisation. Each distinct
    cell, and each distinct pair of answers, is read once; the grants find their recipients in one lookup."""
    none = pa.nulls(rows, pa.string())
    if organisations is None or not len(organisations) or dei.DECLARED not in organisations \
            or not any(c in organisations for c in dei.DEI_COLUMNS):
        return none
    orgs = organisations.drop_duplicates("org_id", keep="last")  # as grants_to_360's dict of records
    answered = np.zeros(len(orgs), dtype=bool)
    for column in dei.DEI_COLUMNS:
        if column in orgs:
            values = orgs[column]
            present = values.notna().to_numpy(dtype=bool)
            with_codes = [v for v in pd.unique(values[present]) if dei.codes(v)]
            answered |= present & values.isin(with_codes).to_numpy(dtype=bool)
    person = (orgs["organisation_type"] == "individual").fillna(False).astype(bool) if "organisation_type" in orgs \
        else pd.Series(False, index=orgs.index)
    person |= orgs["org_id"].astype(str).str.contains("-IND-", regex=False)
    with_dei = orgs[answered & orgs[dei.DECLARED].notna().to_numpy(dtype=bool) & ~person.to_numpy(dtype=bool)]
    if not len(with_dei):
        return none
    cells = [with_dei[c].tolist() if c in with_dei else [None] * len(with_dei) for c in dei.DEI_COLUMNS]
    texts: dict[tuple, str] = {}  # each distinct pair of answers, by value and type (1, 1.0 and True are equal)
    answers = []
    for org in zip(*cells):
        key = (org, tuple(map(type, org)))
        text = texts.get(key)
        if text is None:
            text = texts[key] = json.dumps([None if blank(v) else v for v in org], ensure_ascii=False)
        answers.append(text)
    # Series.map's lookup (get_indexer), once for both the answers and the day they were given
    at = pd.Index(with_dei["org_id"].astype(str)).get_indexer(grants["recipient_org_id"].astype("string"))
    found = at >= 0
    day = with_dei[dei.DECLARED].to_numpy()[np.where(found, at, 0)]
    before = found & (day <= pd.to_datetime(grants["award_date"]).to_numpy())
    asked = pc.if_else(pa.array(before), ASKED_BEFORE_AWARD, ASKED_AFTER_AWARD)
    taken = pc.take(pa.array(answers, pa.string()), pa.array(at, mask=~found))
    return pc.binary_join_element_wise(taken, asked, _DEI_SEPARATOR)


def _dei_keyed(keys: pa.Array, paths: dict[str, tuple]) -> "_Keyed":
    """The deiDetails of each DEI key (dei_part), made once per key."""
    def make(key):
        if key is None:
            return {}
        answers, asked = key.rsplit(_DEI_SEPARATOR, 1)
        return dei_part(dict(zip(dei.DEI_COLUMNS, json.loads(answers))), asked)
    return _Keyed(keys, make, "deiDetails", paths)


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


def _dates_json(s: pa.Array, e: pa.Array, key: str) -> pa.Array:
    """The plannedDates or actualDates member of each grant (null when it has neither date)."""
    both = pc.and_(pc.is_valid(s), pc.is_valid(e))
    planned = pc.binary_join_element_wise(  # (null_handling="skip" drops all-null rows)
        pc.binary_join_element_wise('          "startDate": ', json_strings(s), ""),
        pc.if_else(both, ",\n", ""),
        pc.binary_join_element_wise('          "endDate": ', json_strings(e), ""),
        "", null_handling="replace")
    return pc.if_else(pc.and_(pc.is_null(s), pc.is_null(e)), pa.scalar(None, pa.string()),
                      pc.binary_join_element_wise(f",{_GRANT}\"{key}\": [\n        {{\n",
                                                  planned, "\n        }\n      ]", ""))


def _json_grants(chunk: dict[str, pa.Array], recipient_json: pa.Array, recipient: pa.Array,
                 keyed: list[_Keyed], here: list[pa.Array], first: bool, last: tuple = ()) -> memoryview:
    """A chunk of grants as the package's JSON text (each after ",\n", but for the very first); `last` is a
    keyed part and its indices to put after dateModified (the deiDetails)."""
    grant_json = pc.binary_join_element_wise(
        ',\n    {\n      "id": ', _json_text(chunk["ids"]),
        f',{_GRANT}"title": ', _json_text(chunk["title"]),
        f',{_GRANT}"description": ', _json_text(chunk["description"]),
        f',{_GRANT}"currency": "GBP",{_GRANT}"amountAwarded": ', number_text(chunk["amounts"]),
        f',{_GRANT}"awardDate": ', json_strings(chunk["awarded"]),
        _dates_json(chunk["starts"], chunk["ends"], "plannedDates"),
        _dates_json(chunk["actual_starts"], chunk["actual_ends"], "actualDates"),
        pc.take(recipient_json, recipient),
        *[pc.take(k.json, i) for k, i in zip(keyed, here)],
        pc.binary_join_element_wise(f',{_GRANT}"dataSource": ', json_strings(chunk["sources"]), ""),
        pc.binary_join_element_wise(f',{_GRANT}"dateModified": ', json_strings(chunk["modified"]), ""),
        *([pc.take(last[0].json, last[1])] if last else []),
        "\n    }", "", null_handling="replace")
    return joined(grant_json)[2 if first else 0:]  # no comma before the first


def _csv_header(columns: list[str]) -> bytes:
    """The CSV file's byte-order mark and title row."""
    return b"\xef\xbb\xbf" + bytes(joined(csv_lines([csv_fields(pa.array([c], pa.string()), "\r\n")
                                                     for c in columns], "\r\n")))


def _csv_rows(chunk: dict[str, pa.Array], n: int, recipient_csv: dict[str, pa.Array], recipient: pa.Array,
              keyed: list[_Keyed], here: list[pa.Array], paths: dict[str, tuple]) -> memoryview:
    """A chunk of grants as CSV lines, cells in the order of paths (the file's columns)."""
    cells = {
        "Identifier": formula_safe(chunk["ids"]),
        "Title": formula_safe(chunk["title"]),
        "Description": formula_safe(chunk["description"]),
        "Currency": pa.array(["GBP"] * n, pa.string()),
        "Amount Awarded": number_text(chunk["amounts"], plain_number),
        "Award Date": chunk["awarded"],
        "Planned Dates:Start Date": chunk["starts"],
        "Planned Dates:End Date": chunk["ends"],
        "Actual Dates:Start Date": chunk["actual_starts"],
        "Actual Dates:End Date": chunk["actual_ends"],
        "Data Source": formula_safe(chunk["sources"]),
        "Last Modified": chunk["modified"],
    }
    cells = {k: pc.fill_null(v, "") for k, v in cells.items()}
    cells.update({k: pc.take(v, recipient) for k, v in recipient_csv.items()})
    for k, i in zip(keyed, here):
        cells.update({title: pc.take(v, i) for title, v in k.csv.items() if title not in cells})
    for title in paths:
        if title not in cells:
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
    dei_keys = _dei_keys(grants, tables.get("organisations"), rows)
    has_dei = dei_keys.null_count < len(dei_keys)
    paths = _column_paths(csv_columns(_most_co_funders(grants, rows, commissioners, config), has_dei))
    columns = _grant_columns(grants, rows, config)
    recipients = _recipient_columns(grants, tables.get("organisations"), rows, config, wards, paths)
    keyed = _keyed_parts(grants, rows, wards, commissioners, config, paths)
    dei_keyed = _dei_keyed(dei_keys, paths)
    if has_dei:
        options = {**options, "extensions": (DEI_EXTENSION,)}
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
            individual = recipients.individual.slice(start, n)
            here = _keyed_indices(keyed, individual, start, n)
            dei_here = pc.if_else(individual, pa.scalar(dei_keyed.none, dei_keyed.indices.type),
                                  dei_keyed.indices.slice(start, n))  # never about individuals
            if json_out:
                json_out.write(_json_grants(chunk, recipients.json, recipient, keyed, here, start == 0,
                                            (dei_keyed, dei_here)))
            if csv_out:
                csv_out.write(_csv_rows(chunk, n, recipients.csv, recipient, keyed + [dei_keyed], here + [dei_here],
                                        paths))
        if json_out:
            if rows:
                json_out.write(b"\n  ]\n}\n")
    finally:
        for handle in (json_out, csv_out):
            if handle:
                handle.close()
