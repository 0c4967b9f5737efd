"""Reading an OCDS 1.1 release package or record package (Contracts Finder, Find a Tender, our own
ocds-contracts.json) as our rows: one contract per award.

- contract_id: the id of the award's contract (contracts[].awardID = the award's id), as our export and
  Find a Tender write it; a contract id of digits only (a notice's own sequence) or no contract at all
  gives the release's ocid when it has one award, else "<ocid>-<award id>".
- supplier: the award's first supplier (a joint or framework award's other suppliers are noted, not
  imported: our contracts have one supplier, and the award's value is not split between them).
- commissioner: the tender's procuringEntity when it is not the buyer (our export names NHS partners so);
  else --department; else the buyer's name.
- Releases are read oldest first: a later release of the same contract replaces the earlier one.
- Contact points (parties[].contactPoint, additionalContactPoints) are never read; free text is scrubbed.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..findings import plural, show
from .contracts_common import ContractsImportError, Notes, Skip, clean_text, contract_row
from .contracts_values import (OCDS_STATUSES, ORG_ID, company_number, charity_number, derived_status, ocds_route,
                               org_id_from, parse_date, parse_money, split_org_id, text_of)

SCALES = {"sme": "yes", "micro": "yes", "small": "yes", "medium": "yes", "large": "no"}
SKIPPED_AWARDS = {"pending": "its award is pending (not yet made)", "cancelled": "its award was cancelled",
                  "unsuccessful": "its award was unsuccessful (no supplier was chosen)"}


def _load(path: Path) -> object:
    raw = path.read_bytes()
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ContractsImportError(f"{path}: is not UTF-8 text (expected an OCDS JSON file)") from None
    except json.JSONDecodeError as exc:
        raise ContractsImportError(f"{path}: is not valid JSON ({exc.msg} at line {exc.lineno}, column "
                                   f"{exc.colno}; expected an OCDS release or record package)") from None


def _releases(data, path: Path, notes: Notes) -> list[dict]:
    """The releases of a release package, the compiled (else embedded) releases of a record package,
    or a single release; oldest first."""
    if isinstance(data, dict) and isinstance(data.get("releases"), list):
        releases = data["releases"]
    elif isinstance(data, dict) and isinstance(data.get("records"), list):
        releases = []
        for record in data["records"]:
            if not isinstance(record, dict):
                continue
            if isinstance(record.get("compiledRelease"), dict):
                releases.append(record["compiledRelease"])
                continue
            embedded = [r for r in record.get("releases") or [] if isinstance(r, dict) and "ocid" in r]
            releases.extend(embedded)
            if not embedded:
                notes.add("Left out", "records with only linked releases (URLs), which were not fetched",
                          show(text_of(record.get("ocid"))))
    elif isinstance(data, dict) and "ocid" in data:
        releases = [data]
    else:
        raise ContractsImportError(f"{path}: is not an OCDS release or record package (expected a JSON object "
                                   "with a list of \"releases\" or \"records\")")
    releases = [r for r in releases if isinstance(r, dict)]
    return sorted(releases, key=lambda r: text_of(r.get("date")))


def contact_points(value) -> int:
    """How many contact points the data holds (counted, never read)."""
    if isinstance(value, dict):
        found = sum(1 for key in ("contactPoint",) if isinstance(value.get(key), dict) and value[key])
        found += sum(1 for item in value.get("additionalContactPoints") or [] if isinstance(item, dict))
        return found + sum(contact_points(v) for k, v in value.items()
                           if k not in ("contactPoint", "additionalContactPoints"))
    if isinstance(value, list):
        return sum(contact_points(v) for v in value)
    return 0


def _party(release: dict, ref) -> dict:
    """The party an OrganizationReference points to (by id), else the reference itself."""
    if not isinstance(ref, dict):
        return {}
    for party in release.get("parties") or []:
        if isinstance(party, dict) and ref.get("id") is not None and party.get("id") == ref.get("id"):
            return {**ref, **party}
    return ref


def _role(release: dict, role: str) -> dict:
    return next((p for p in release.get("parties") or [] if isinstance(p, dict) and role in (p.get("roles") or [])),
                {})


def _identifiers(party: dict) -> list[tuple[str, str]]:
    found = []
    for ident in [party.get("identifier")] + list(party.get("additionalIdentifiers") or []):
        if isinstance(ident, dict) and text_of(ident.get("id")):
            found.append((text_of(ident.get("scheme")), text_of(ident.get("id"))))
    return found


def _org_id(party: dict, prefixes: set[str]) -> tuple[str, str, str]:
    """(our org_id or "", company number, charity number) from the party's identifiers or its id."""
    identifiers = _identifiers(party)
    party_id = text_of(party.get("id")).replace(" ", "")
    if ORG_ID.fullmatch(party_id):
        identifiers.append(split_org_id(party_id, prefixes))
    org_id = next((o for o in (org_id_from(s, i, prefixes) for s, i in identifiers) if o), "")
    company = next((company_number(i) for s, i in identifiers if s.upper() == "GB-COH" and company_number(i)), "")
    charity = next((charity_number(i) for s, i in identifiers if s.upper() == "GB-CHC" and charity_number(i)), "")
    return org_id, company, charity


def _supplier(release: dict, award: dict, label: str, context: dict) -> str:
    notes, orgs = context["notes"], context["organisations"]
    suppliers = [s for s in award.get("suppliers") or [] if isinstance(s, dict)]
    if not suppliers:
        raise Skip("its award names no supplier")
    if len(suppliers) > 1:
        notes.add("Left out", "awards with several suppliers: only the first became the contract's supplier (the "
                  "others, and how the value is shared, are not imported)",
                  f"{label}: {plural(len(suppliers) - 1, 'other supplier')}")
    party = _party(release, suppliers[0])
    org_id, company, charity = _org_id(party, orgs.prefixes)
    details = party.get("details") if isinstance(party.get("details"), dict) else {}
    scale = text_of(details.get("scale")).casefold()
    vcse = details.get("vcse")
    name = text_of(party.get("name")) or text_of((party.get("identifier") or {}).get("legalName"))
    return orgs.add(org_id, name, ident=label, company=company, charity=charity, is_sme=SCALES.get(scale, ""),
                    is_vcs={True: "yes", False: "no"}.get(vcse, "") if isinstance(vcse, bool) else "")


def _commissioner(release: dict, label: str, context: dict) -> str:
    commissioners, notes = context["commissioners"], context["notes"]
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    buyer = _party(release, release.get("buyer")) or _role(release, "buyer")
    entity = _party(release, tender.get("procuringEntity")) or _role(release, "procuringEntity")
    if entity and text_of(entity.get("name")) and entity.get("id") != buyer.get("id"):
        return commissioners.resolve(text_of(entity.get("name")), text_of(entity.get("id")))
    if commissioners.fallback():
        return commissioners.fallback()
    name = text_of(buyer.get("name"))
    if not name:
        raise Skip("it names no buyer or procuring entity (give --department ID)")
    notes.add("Guessed", "contracts that name only the buyer, recorded as commissioned by it (give --department ID "
              "to record the department)", f"{label}: {show(name)}")
    return commissioners.resolve(name, text_of(buyer.get("id")))


def _contract_of(release: dict, award: dict) -> dict:
    return next((c for c in release.get("contracts") or [] if isinstance(c, dict)
                 and c.get("awardID") is not None and text_of(c.get("awardID")) == text_of(award.get("id"))), {})


def contract_id(release: dict, award: dict, contract: dict) -> str:
    """The contract's id, else the ocid (one award), else "<ocid>-<award id>" (see the module's notes)."""
    own = text_of(contract.get("id"))
    if own and not own.isdigit():
        return own
    ocid = text_of(release.get("ocid"))
    awards = [a for a in release.get("awards") or [] if isinstance(a, dict)]
    if ocid and len(awards) == 1:
        return ocid
    return "-".join(p for p in (ocid, text_of(award.get("id"))) if p)


def _value(award: dict, contract: dict, label: str) -> str:
    value = contract.get("value") if isinstance(contract.get("value"), dict) else award.get("value")
    value = value if isinstance(value, dict) else {}
    currency = text_of(value.get("currency")).upper()
    if currency and currency != "GBP":
        raise Skip(f"its value is in {currency} (expected GBP: our amounts are in pounds)")
    amount, how = parse_money(value.get("amount"))
    if not amount:
        raise Skip("its award and contract have no value" if how == "" else
                   f"its value {show(text_of(value.get('amount')))} is not an amount of pounds above zero")
    return amount


def _period(release: dict, award: dict, contract: dict) -> tuple[str, str]:
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    for period in (contract.get("period"), award.get("contractPeriod"), tender.get("contractPeriod")):
        if isinstance(period, dict) and text_of(period.get("startDate")):
            return parse_date(period.get("startDate"))[0], parse_date(period.get("endDate"))[0]
    raise Skip("it has no contract start date (contracts[].period, awards[].contractPeriod or "
               "tender.contractPeriod startDate)")


def _status(contract: dict, start: str, end: str, label: str, context: dict) -> str:
    notes, today = context["notes"], context["today"]
    raw = text_of(contract.get("status")).casefold()
    if raw == "cancelled":
        raise Skip("its contract was cancelled")
    if raw in OCDS_STATUSES:
        return OCDS_STATUSES[raw]
    status = derived_status(start, end, today)
    if status:
        notes.add("Guessed", f"statuses derived from the dates (no contract status: end date before {today}: ended, "
                  "otherwise live)", label)
    return status


def _award(release: dict, award: dict, label: str, context: dict) -> dict:
    """One award as our contracts row (Skip when it cannot be imported)."""
    notes = context["notes"]
    status = text_of(award.get("status")).casefold()
    if status in SKIPPED_AWARDS:
        raise Skip(SKIPPED_AWARDS[status])
    contract = _contract_of(release, award)
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    title = next((text_of(o.get("title")) for o in (contract, award, tender) if text_of(o.get("title"))), "")
    if not title:
        raise Skip("it has no title (contract, award or tender)")
    start, end = _period(release, award, contract)
    route, how = ocds_route(tender.get("procurementMethod"), tender.get("procurementMethodDetails"))
    if not route and (text_of(tender.get("procurementMethod")) or text_of(tender.get("procurementMethodDetails"))):
        notes.add("Left out", "procurement methods that do not clearly name one of our routes, left empty", label)
    elif how in ("method", "refined"):
        notes.add("Guessed", "procurement routes read from tender.procurementMethod(Details) (open: open procedure, "
                  "selective: restricted procedure, limited or direct: direct award; framework call-offs from the "
                  "details)", label)
    description = next((o.get("description") for o in (contract, award, tender) if text_of(o.get("description"))), "")
    return contract_row({
        "contract_id": contract_id(release, award, contract), "title": clean_text(title, "title", label, notes),
        "description": clean_text(description, "description", label, notes),
        "commissioner_id": _commissioner(release, label, context),
        "supplier_org_id": _supplier(release, award, label, context), "procurement_route": route,
        "start_date": start, "end_date": end, "total_value_gbp": _value(award, contract, label),
        "status": _status(contract, start, end, label, context),
    })


def _summarise(releases: list[dict], without: int, imported: int, context: dict) -> None:
    notes = context["notes"]
    if imported:
        notes.add("Mapped", "each award became a contract: id from its contract (contracts[].id), else the ocid, else "
                  "<ocid>-<award id>; title, description, value, dates and status from the contract, else the award, "
                  "else the tender; the first supplier as the supplier, with its GB-COH or GB-CHC identifier; "
                  "parties[].details.scale (sme, micro, small, medium: yes; large: no) as is_sme and details.vcse "
                  "as is_vcs; contracts[].status active as live, terminated as ended")
    if without:
        notes.add("Left out", f"{plural(without, 'release')} with no award (tender or planning notices): nothing "
                  "to import from them")
    points = sum(contact_points(r) for r in releases)
    if points:
        notes.add("Left out", f"{plural(points, 'contact point')} (officers' names, e-mail addresses, telephone "
                  "numbers): contact points are never imported")
    if any(isinstance((r.get("tender") or {}).get("suitability"), dict) for r in releases if isinstance(r, dict)):
        notes.add("Left out", "tender.suitability (sme, vcse) says whether the tender suited SMEs or VCSEs, not what "
                  "the supplier is: not used for is_sme or is_vcs")
    if imported:
        notes.add("Left out", "not in OCDS, left empty (not stated): client_group, review_date, annual_value_gbp, "
                  "vat_not_recoverable_gbp, london_living_wage, social_value_commitments; and for every supplier "
                  "organisation_type (except NHS bodies, local authorities and schools), based_in_borough and ward")


def import_ocds(path: Path, context: dict) -> tuple[list[dict], int]:
    """The contracts rows of an OCDS package, and how many awards it has."""
    notes: Notes = context["notes"]
    releases = _releases(_load(path), path, notes)
    contracts: dict[str, dict] = {}
    read = without = 0
    for release in releases:
        awards = [a for a in release.get("awards") or [] if isinstance(a, dict)]
        without += not awards
        for award in awards:
            read += 1
            award_id = text_of(award.get("id"))
            label = f"award {show(award_id)}" + ("" if len(award_id) > 8 else f" of {show(text_of(release.get('ocid')))}")
            try:
                row = _award(release, award, label, context)
            except Skip as skipped:
                notes.add("Left out", f"skipped {label}: {skipped}")
                continue
            if row["contract_id"] in contracts:
                notes.add("Mapped", "contracts in several releases: the latest release's values were kept",
                          row["contract_id"])
            contracts[row["contract_id"]] = row
    _summarise(releases, without, len(contracts), context)
    return list(contracts.values()), read
