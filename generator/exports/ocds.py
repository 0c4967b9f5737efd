"""OCDS export: the contracts as an Open Contracting Data Standard 1.1.5 release package.

One release per contract, the shape the OCDS framework guidance gives a call-off
(a "minimal tender" plus an award and a contract; tag ``["award", "contract"]``):

- ``ocid``: ``{publisher.ocid_prefix}-{contract_id}``, e.g. ``ocds-abc123-C-00042``.
- ``id``: ``{ocid}-{12 hex digits}``, a SHA-256 digest of the release's content (everything
  but ``id`` and ``date``). The same contract data gives the same id in every build; when a
  contract changes, its release gets a new id, as OCDS wants (releases are immutable).
- ``date``: the ``published`` argument (the date the information was published by this
  system); never the clock, so a build is reproducible.
- ``parties``: the council as ``buyer`` (``publisher.org_id`` / ``publisher.name``); when the
  commissioner is an NHS partner or the joint council and NHS team, that body too, with the
  role ``procuringEntity`` (and ``tender.procuringEntity`` pointing to it; party id = its
  org-id when it has one, otherwise its ``commissioner_id``); and the supplier with the role
  ``supplier``. Org-ids are split into ``identifier.scheme`` / ``identifier.id`` at the
  longest registered org-id.guide prefix (``GB-CHC-1234567`` -> ``GB-CHC`` / ``1234567``);
  charity and company numbers not already the main identifier go in
  ``additionalIdentifiers`` (``GB-CHC``, ``GB-COH``).
- Dates: our dates are calendar days; they are written as RFC 3339 date-times at midnight
  UTC (``2024-04-01T00:00:00Z``), as Contracts Finder does.
- Amounts: ``total_value_gbp`` as ``{"amount": ..., "currency": "GBP"}`` on the award and the
  contract, unchanged (a whole number is written without ``.0``).

Mappings (our value -> OCDS closed codelist):

``procurement_route`` -> ``tender.procurementMethod`` (our exact route is always kept in
``tender.procurementMethodDetails``):

==========================================  ============  ====================================
ours                                        OCDS          why
==========================================  ============  ====================================
open procedure                              open          any interested supplier may bid
restricted procedure                        selective     only suppliers selected after a
                                                          request to participate may bid
competitive procedure with negotiation      selective     as restricted: selection, then bids
framework call-off                          selective     only suppliers admitted to the
                                                          framework (a qualification stage)
                                                          can be awarded; OCDS guidance gives
                                                          call-offs the first stage's method,
                                                          "most often 'selective'"
direct award                                direct        one supplier, no competition
spot purchase                               direct        one supplier, no competition
invitation to quote                         limited       the council asks a few suppliers
                                                          of its choosing for quotes
light-touch regime                          (omitted)     the council designs its own
                                                          procedure, open or selective: our
                                                          data does not say which
grant agreement                             (omitted)     not a procurement procedure; may or
                                                          may not have been competed
==========================================  ============  ====================================

``status`` -> ``contracts[].status`` (OCDS "terminated" means "was in force and has come to a
close", whether on completion or early): live -> active, extended -> active, ended ->
terminated, terminated early -> terminated. ``awards[].status`` is "active" (the award was
made) and ``tender.status`` "complete" for every contract.

Contract KPIs (contract_kpis.csv), as the OCDS for the UK profile carries them (the Metrics extension,
and the UK extension's ``measureClassification``):

- ``contracts[].agreedMetrics[]``: one Metric per KPI (``id`` the kpi_id, ``title`` the kpi; the data
  holds one text per KPI, so there is no ``description``), its ``observations`` the target: one
  (``{kpi_id}-target``) when every period has the same target, else one per period with its ``period``.
  An observation's ``measure`` is the target value (a number) or, for a target in words only, the
  words; ``notes`` the target in words; ``unit.name`` the unit. A target in pounds is a ``value``
  (amount and GBP) instead of a ``measure``.
- ``contracts[].implementation.metrics[]``: one Metric per KPI with an assessed period, its
  ``observations`` one per period with a result or a rating (``{kpi_id}-{period_start}``):
  ``period``, the result as ``measure`` (or ``value``), ``unit``, ``notes`` (the result in words when
  there is also a number, and the date the assessment was published) and ``measureClassification``
  (``id`` from the rating, ``description`` the rating). A period not yet assessed is left out.
- The rating -> ``measureClassification.id`` (MEASURE_CLASSIFICATION): Good -> met, Approaching target
  -> slightlyBelow, Requires improvement -> below, Inadequate -> significantlyBelow, Other -> other. The
  UK extension lists those five ids without saying which rating each stands for; this mapping is
  inferred from the order of both lists (the ratings of the Procurement Regulations 2024 reg. 39(5),
  best to worst, then Other). Its ``scheme`` is not given: the extension names none.
- A release with assessed KPIs is also tagged ``implementation``.

The package does not declare the Metrics or UK extensions (it declares none), so an OCDS checker reports
``agreedMetrics`` and ``implementation/metrics`` as additional fields (tests/exports/test_libcoveocds.py
lists them); the core 1.1.5 schema allows them.

``write_release_file`` writes the package one release at a time (the build's way: the package is never
held in memory), each release's json.dumps(..., indent=2) bytes made by orjson (``indented_json``), or
by ``dumps_indented`` (several times faster than json.dumps, slower than orjson) for a release whose
text orjson would write otherwise.

The tests check the package against the local copies of the OCDS 1.1.5 schemas in
``generator/reference/ocds/`` (tests/conformance.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from functools import lru_cache
from pathlib import Path

import orjson
import pandas as pd

from ..config import REFERENCE_DIR
from ..model.values import missing, records

OCDS_DIR = REFERENCE_DIR / "ocds"
PACKAGE_SCHEMA = OCDS_DIR / "ocds-1.1.5-release-package-schema.json"
RELEASE_SCHEMA = OCDS_DIR / "ocds-1.1.5-release-schema.json"
ORG_ID_PREFIXES = REFERENCE_DIR / "org-id-prefixes.json"

OCDS_VERSION = "1.1"  # the package's "version": major.minor, as the schema asks
DOWNLOAD_NAME = "ocds-contracts.json"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
CURRENCY = "GBP"

PROCUREMENT_METHOD = {
    "open procedure": "open",
    "restricted procedure": "selective",
    "competitive procedure with negotiation": "selective",
    "framework call-off": "selective",
    "direct award": "direct",
    "spot purchase": "direct",
    "invitation to quote": "limited",
    "light-touch regime": None,
    "grant agreement": None,
}

CONTRACT_STATUS = {
    "live": "active",
    "extended": "active",
    "ended": "terminated",
    "terminated early": "terminated",
}

# A KPI rating (contract_kpis.rating) as the UK extension's Observation.measureClassification.id: inferred
# from the order of the two lists (see the module's docstring).
MEASURE_CLASSIFICATION = {
    "Good": "met",
    "Approaching target": "slightlyBelow",
    "Requires improvement": "below",
    "Inadequate": "significantlyBelow",
    "Other": "other",
}

# Commissioner types that appear as a party of their own (a council department is the council).
SEPARATE_COMMISSIONERS = {"NHS partner", "joint partnership team"}


# --- values -------------------------------------------------------------------


def _text(value) -> str | None:
    return None if missing(value) else str(value)


def _datetime(value) -> str | None:
    """A calendar date (Timestamp, date or YYYY-MM-DD) as an RFC 3339 date-time at midnight UTC."""
    if missing(value):
        return None
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}T00:00:00Z"


def _published(value) -> str:
    """The ``published`` argument as an RFC 3339 date-time: a date gets midnight UTC; a
    date-time string is kept as given (the tests check it against the schema: tests/conformance.py)."""
    if isinstance(value, dt.datetime) or isinstance(value, pd.Timestamp):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.isoformat()
    if isinstance(value, dt.date):
        return _datetime(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return _datetime(text)
    return text


class _Float(float):
    """A float that json.dumps writes otherwise than orjson: with an exponent (below 1e-4; a float
    from 1e16 up is whole, so an int here), NaN or Infinity. orjson refuses a float subclass, so a
    release holding one is written by dumps_indented (indented_json); json.dumps writes it as the float."""
    __slots__ = ()


def _amount(value):
    if missing(value):
        return None
    value = float(value)
    if value.is_integer():
        return int(value)
    return value if math.isfinite(value) and abs(value) >= 1e-4 else _Float(value)


def _value(amount) -> dict:
    return {"amount": _amount(amount), "currency": CURRENCY}


# --- organisations -------------------------------------------------------------


@lru_cache(maxsize=1)
def _prefixes() -> tuple[str, ...]:
    """Registered org-id.guide prefixes, longest first."""
    try:
        listed = json.loads(ORG_ID_PREFIXES.read_text(encoding="utf-8"))["prefixes"]
        codes = {p["code"] for p in listed}
    except (OSError, ValueError, KeyError, TypeError):
        codes = set()
    return tuple(sorted(codes, key=len, reverse=True))


@lru_cache(maxsize=1)
def _prefix_set() -> frozenset[str]:
    return frozenset(_prefixes())


@lru_cache(maxsize=65536)
def split_org_id(org_id: str) -> tuple[str, str]:
    """An org-id as (scheme, id): at the longest registered prefix it starts with, else at the
    second hyphen. ``GB-CHC-1234567`` -> ``("GB-CHC", "1234567")``; the council-issued
    ``GB-LAE-EXB-UG43708`` -> ``("GB-LAE", "EXB-UG43708")``."""
    # A prefix P matches when org_id starts with P + "-" and has more after it: so P ends
    # just before one of org_id's hyphens. Try those, longest first.
    registered = _prefix_set()
    end = org_id.rfind("-", 0, len(org_id) - 1)
    while end > 0:
        if org_id[:end] in registered:
            return org_id[:end], org_id[end + 1:]
        end = org_id.rfind("-", 0, end)
    parts = org_id.split("-", 2)
    if len(parts) == 3 and all(parts):
        return f"{parts[0]}-{parts[1]}", parts[2]
    return "", org_id


def _identifier(org_id: str, name: str | None) -> dict:
    scheme, local = split_org_id(org_id)
    identifier = {"scheme": scheme, "id": local}
    if name:
        identifier["legalName"] = name
    return identifier


def _supplier_party(org_id: str, org: dict | None) -> dict:
    name = _text(org.get("name")) if org else None
    party = {"id": org_id, "name": name or org_id, "identifier": _identifier(org_id, name)}
    main = split_org_id(org_id)
    extra = []
    for scheme, column in (("GB-CHC", "charity_number"), ("GB-COH", "company_number")):
        number = _text(org.get(column)) if org else None
        if number and (scheme, number) != main:
            extra.append({"scheme": scheme, "id": number})
    if extra:
        party["additionalIdentifiers"] = extra
    party["roles"] = ["supplier"]
    return party


def _records(frame: pd.DataFrame | None, key: str) -> dict[str, dict]:
    if frame is None or frame.empty:
        return {}
    return {str(row[key]): row for row in records(frame)}


# --- the package ---------------------------------------------------------------


def package_uri(config, published: str) -> str:
    """Where the package is published: ``{site.url}downloads/ocds-contracts.json`` when the
    site's address is set. Otherwise a ``tag:`` URI (RFC 4151) minted from the contact email
    and the publication date, e.g. ``tag:opendata@example.gov.uk,2026-11-25:ocds-contracts``:
    unique and absolute (the schema's ``format: uri`` needs an absolute URI, so a relative
    path would be invalid), though not dereferenceable."""
    if config.site_url:
        return config.site_url.rstrip("/") + "/downloads/" + DOWNLOAD_NAME
    day = _published(published)[:10]
    if config.contact_email:
        return f"tag:{config.contact_email},{day}:{DOWNLOAD_NAME.removesuffix('.json')}"
    # No address and no email: a URN of the council's registered ocid prefix (unique to it).
    return f"urn:ocds:{config.ocid_prefix}:{day}:{DOWNLOAD_NAME.removesuffix('.json')}"


def _buyer_party(config) -> dict:
    """The council as the buyer party."""
    buyer_id = config.publisher_org_id
    return {
        "id": buyer_id,
        "name": config.publisher_name,
        "identifier": _identifier(buyer_id, config.publisher_name),
        "roles": ["buyer"],
    }


def _procuring_entity(contract: dict, config, parties: list[dict], commissioners: dict) -> dict | None:
    """When the commissioner is a body of its own (SEPARATE_COMMISSIONERS), its procuringEntity role
    (a new party, or a role of the buyer's) and the tender's reference to it; else None."""
    buyer_id = config.publisher_org_id
    commissioner = commissioners.get(_text(contract.get("commissioner_id")) or "")
    if not (commissioner and _text(commissioner.get("commissioner_type")) in SEPARATE_COMMISSIONERS):
        return None
    body_org_id = _text(commissioner.get("org_id"))
    body_name = _text(commissioner.get("name")) or str(commissioner["commissioner_id"])
    if body_org_id == buyer_id:
        parties[0]["roles"].append("procuringEntity")
        return {"id": buyer_id, "name": config.publisher_name}
    body = {"id": body_org_id or str(commissioner["commissioner_id"]), "name": body_name}
    if body_org_id:
        body["identifier"] = _identifier(body_org_id, body_name)
    body["roles"] = ["procuringEntity"]
    parties.append(body)
    return {"id": body["id"], "name": body_name}


def _add_supplier(parties: list[dict], supplier_id: str, organisations: dict) -> dict:
    """The supplier's party: appended to parties, or its role given to the party already there."""
    existing = next((p for p in parties if p["id"] == supplier_id), None)
    supplier = _supplier_party(supplier_id, organisations.get(supplier_id))
    if existing:  # the supplier is also the buyer or the procuring body
        existing["roles"].append("supplier")
    else:
        parties.append(supplier)
    return supplier


def _tender(contract: dict, contract_id: str, title, description, procuring: dict | None) -> dict:
    """The minimal tender: the procurement method from our route, and the procuring entity."""
    route = _text(contract.get("procurement_route"))
    tender = {"id": contract_id, "title": title, "description": description, "status": "complete"}
    method = PROCUREMENT_METHOD.get(route or "")
    if method:
        tender["procurementMethod"] = method
    if route:
        tender["procurementMethodDetails"] = route
    if procuring:
        tender["procuringEntity"] = procuring
    return tender


def _award_and_contract(contract: dict, contract_id: str, title, description,
                        supplier: dict) -> tuple[dict, dict]:
    """The award and the contract: the same period and value."""
    period = {"startDate": _datetime(contract.get("start_date")), "endDate": _datetime(contract.get("end_date"))}
    period = {k: v for k, v in period.items() if v is not None}
    value = _value(contract.get("total_value_gbp"))
    award_id = f"{contract_id}-award"
    award = {
        "id": award_id,
        "title": title,
        "status": "active",
        "value": value,
        "suppliers": [{"id": supplier["id"], "name": supplier["name"]}],
        "contractPeriod": period,
    }
    ocds_contract = {
        "id": contract_id,
        "awardID": award_id,
        "title": title,
        "description": description,
        "status": CONTRACT_STATUS.get(_text(contract.get("status")) or ""),
        "period": dict(period),
        "value": dict(value),
    }
    return award, ocds_contract


# --- contract KPIs ---------------------------------------------------------------


def _measure(observation: dict, value, text, unit) -> None:
    """A target or result on an observation: a number or words as `measure`, pounds as `value`."""
    amount = _amount(value)
    if amount is not None and unit == "pounds":
        observation["value"] = _value(amount)
    elif amount is not None:
        observation["measure"] = amount
    elif text:
        observation["measure"] = text
    if unit and unit != "pounds" and "measure" in observation:
        observation["unit"] = {"name": unit}


def _period(row: dict) -> dict:
    return {"startDate": _datetime(row["period_start"]), "endDate": _datetime(row["period_end"])}


def _agreed_metric(kpi_id: str, rows: list[dict]) -> dict:
    """A KPI as set: its target, once when it never changes, else period by period."""
    targets = {(_text(r["target"]), _amount(r["target_value"]), _text(r["unit"])) for r in rows}
    observations = []
    for row in rows[:1] if len(targets) == 1 else rows:
        observation = {"id": f"{kpi_id}-target"} if len(targets) == 1 else \
            {"id": f"{kpi_id}-target-{_datetime(row['period_start'])[:10]}", "period": _period(row)}
        text, unit = _text(row["target"]), _text(row["unit"])
        _measure(observation, row["target_value"], text, unit)
        if text and observation.get("measure") != text:
            observation["notes"] = text
        observations.append(observation)
    return {"id": kpi_id, "title": _text(rows[0]["kpi"]), "observations": observations}


def _assessed_metric(kpi_id: str, rows: list[dict]) -> dict | None:
    """A KPI's assessed periods: result, rating and publication date; None when none is assessed."""
    observations = []
    for row in rows:
        rating, result = _text(row["rating"]), _text(row["result"])
        if rating is None and result is None and _amount(row["result_value"]) is None:
            continue
        observation = {"id": f"{kpi_id}-{_datetime(row['period_start'])[:10]}", "period": _period(row)}
        _measure(observation, row["result_value"], result, _text(row["unit"]))
        notes = [result] if result and observation.get("measure") != result else []
        if not missing(row["published"]):
            notes.append(f"Assessment published {_datetime(row['published'])[:10]}.")
        if notes:
            observation["notes"] = " ".join(notes)
        if rating:
            observation["measureClassification"] = {"id": MEASURE_CLASSIFICATION[rating], "description": rating}
        observations.append(observation)
    if not observations:
        return None
    return {"id": kpi_id, "title": _text(rows[0]["kpi"]), "observations": observations}


def _add_kpis(ocds_contract: dict, kpis: list[tuple[str, list[dict]]]) -> bool:
    """The contract's KPIs as agreed metrics and, once assessed, implementation metrics. Returns
    whether any period was assessed."""
    ocds_contract["agreedMetrics"] = [_agreed_metric(kpi_id, rows) for kpi_id, rows in kpis]
    assessed = [m for m in (_assessed_metric(kpi_id, rows) for kpi_id, rows in kpis) if m]
    if assessed:
        ocds_contract["implementation"] = {"metrics": assessed}
    return bool(assessed)


def _kpis_by_contract(tables: dict[str, pd.DataFrame], contract_ids) -> dict[str, list[tuple[str, list[dict]]]]:
    """Each contract's KPIs, in the order they first appear, each one's rows by period."""
    frame = tables.get("contract_kpis")
    if frame is None or frame.empty:
        return {}
    wanted = frame[frame["contract_id"].isin(set(contract_ids))]
    out: dict[str, dict[str, list[dict]]] = {}
    for row in records(wanted.sort_values("period_start", kind="stable")):
        out.setdefault(row["contract_id"], {}).setdefault(row["kpi_id"], []).append(row)
    first = {key: i for i, key in reversed(list(enumerate(zip(wanted["contract_id"], wanted["kpi_id"]))))}
    return {c: sorted(kpis.items(), key=lambda kv, c=c: first[(c, kv[0])]) for c, kpis in out.items()}


def _release(contract: dict, config, published: str, organisations: dict, commissioners: dict,
             kpis: list[tuple[str, list[dict]]] | None = None) -> dict:
    """One contract's release; its id is the ocid and a digest of the content."""
    contract_id = str(contract["contract_id"])
    ocid = f"{config.ocid_prefix}-{contract_id}"
    title, description = _text(contract.get("title")), _text(contract.get("description"))
    parties = [_buyer_party(config)]
    procuring = _procuring_entity(contract, config, parties, commissioners)
    supplier = _add_supplier(parties, str(contract["supplier_org_id"]), organisations)
    tender = _tender(contract, contract_id, title, description, procuring)
    award, ocds_contract = _award_and_contract(contract, contract_id, title, description, supplier)
    assessed = _add_kpis(ocds_contract, kpis) if kpis else False
    release = {
        "ocid": ocid,
        "id": "",
        "date": _published(published),
        "language": "en",
        "tag": ["award", "contract", "implementation"] if assessed else ["award", "contract"],
        "initiationType": "tender",
        "parties": parties,
        "buyer": {"id": config.publisher_org_id, "name": config.publisher_name},
        "tender": _drop_empty(tender),
        "awards": [_drop_empty(award)],
        "contracts": [_drop_empty(ocds_contract)],
    }
    content = {k: v for k, v in release.items() if k not in ("id", "date")}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    release["id"] = f"{ocid}-{digest[:12]}"
    return release


def _drop_empty(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if v is not None and not (type(v) in (dict, list) and not v)}


def _releases(tables: dict[str, pd.DataFrame], config, published: str):
    """The releases, one per contract in the contracts table's order, one at a time."""
    contracts_frame = tables["contracts"]
    organisations = tables.get("organisations")
    if organisations is not None and "org_id" in organisations and "supplier_org_id" in contracts_frame:
        # Only the suppliers' rows are needed (the same rows _records would keep for them).
        organisations = organisations[organisations["org_id"].astype(str).isin(
            set(contracts_frame["supplier_org_id"].astype(str)))]
    organisations = _records(organisations, "org_id")
    commissioners = _records(tables.get("commissioners"), "commissioner_id")
    for start in range(0, len(contracts_frame), 10_000):
        chunk = contracts_frame.iloc[start:start + 10_000]
        kpis = _kpis_by_contract(tables, chunk["contract_id"])
        for contract in records(chunk):
            yield _release(contract, config, published, organisations, commissioners, kpis.get(contract["contract_id"]))


def _package_head(config, published: str) -> dict:
    scheme, uid = split_org_id(config.publisher_org_id)
    publisher = {"name": config.publisher_name, "scheme": scheme, "uid": uid}
    if config.site_url:
        publisher["uri"] = config.site_url
    package = {
        "uri": package_uri(config, published),
        "version": OCDS_VERSION,
        "publishedDate": _published(published),
        "publisher": publisher,
        "license": LICENCE_URL,
    }
    if config.site_url:
        package["publicationPolicy"] = config.site_url.rstrip("/") + "/about/"
    return package


def release_package(tables: dict[str, pd.DataFrame], config, published: str) -> dict:
    """The contracts as an OCDS 1.1.5 release package (a dict ready for json.dumps).

    ``tables`` are the typed tables of ``generator.data.load.load`` (``contracts``,
    ``organisations`` and ``commissioners`` are used); ``published`` is the publication date
    (``YYYY-MM-DD`` or an RFC 3339 date-time), used for ``publishedDate`` and each release's
    ``date``. Releases are in the contracts table's order. The package needs at least one
    contract (the schema asks for one release or more).
    """
    package = _package_head(config, published)
    package["releases"] = list(_releases(tables, config, published))
    return package


_encode = json.encoder.encode_basestring  # json.dumps's string encoder with ensure_ascii=False (C)


def dumps_indented(value, pad: str = "") -> str:
    """Exactly json.dumps(value, indent=2, ensure_ascii=False) for JSON-like values (dicts with
    text keys, lists, text, numbers, booleans, None), as if nested at indentation `pad`, several
    times faster (json.dumps only uses its C encoder without indent)."""
    kind = type(value)
    if kind is str:
        return _encode(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = pad + "  "
        glue = ",\n" + inner
        return ("{\n" + inner + glue.join([_encode(k) + ": " + (_encode(v) if type(v) is str else dumps_indented(v, inner))
                                          for k, v in value.items()]) + "\n" + pad + "}")
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = pad + "  "
        return "[\n" + inner + (",\n" + inner).join([dumps_indented(v, inner) for v in value]) + "\n" + pad + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    return json.dumps(value, indent=2, ensure_ascii=False)  # floats and the rest: as json.dumps does


def indented_json(value, pad: str = "") -> bytes:
    """dumps_indented(value, pad) as UTF-8 bytes, made by orjson when it gives the same text:
    for text, ints of 64 bits, bools, None, lists and dicts with text keys its indented JSON is
    json.dumps's (tests/exports/test_export_fast.py), and so are its floats from 1e-4 to 1e16;
    anything else (_amount's _Float, a larger int, text that is not Unicode, other types) it
    refuses, and dumps_indented writes it. Several times faster than dumps_indented."""
    try:
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except TypeError:  # orjson.JSONEncodeError
        return dumps_indented(value, pad).encode("utf-8")
    return text.replace(b"\n", b"\n" + pad.encode("utf-8")) if pad else text


def write_release_file(tables: dict[str, pd.DataFrame], config, path: Path, published: str) -> None:
    """Write the release package (UTF-8 JSON, indented, keys in schema order: the bytes of
    json.dumps(release_package(...), indent=2, ensure_ascii=False) and a newline) one release
    at a time, without holding the package in memory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    head = _package_head(config, published)
    shell = json.dumps({**head, "releases": [None]}, indent=2, ensure_ascii=False)
    marker = "    null\n  ]\n}"
    assert shell.endswith(marker)
    with path.open("wb") as out:
        out.write(shell[:-len(marker)].encode("utf-8"))
        count = 0
        batch = []
        for release in _releases(tables, config, published):
            batch.append(b"    " if not count else b",\n    ")
            batch.append(indented_json(release, "    "))
            count += 1
            if len(batch) >= 2000:
                out.write(b"".join(batch))
                batch = []
        out.write(b"".join(batch))
        if count:
            out.write(b"\n  ]\n}\n")
        else:  # no contracts: what json.dumps writes for an empty list
            out.seek(0)
            out.truncate()
            out.write((json.dumps({**head, "releases": []}, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
