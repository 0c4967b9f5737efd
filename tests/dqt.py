"""A test oracle: the JSON-level checks of 360Giving's data quality tool (DQT), ported from their specification.

DQT (ThreeSixtyGiving/dataquality, lib360dataquality) runs two groups of extra checks after schema validation:
"quality_accuracy" and "usefulness". This module re-implements both default lists, rule for rule, from the
specification in /work/dqt-spec.md (sections 2 to 5; upstream code version 48f83338, with the newest tests'
names for the two MultiFunding* checks), so the tests can say what DQT would report about our 360Giving export
without running DQT (a Django application that fetches org-id.guide and the schema from the web):

- ``findings(data, now)``: the (check class name, json_location) pairs DQT would report, checks in DQT's order
  (accuracy, then usefulness), each check's locations in the order it records them;
- ``run(data, now)``: the same as one Result (name, group, count, locations) per failed check, or, for a group in
  which a check raised (DQT then shows the whole group as "errored"), a GroupErrored in place of its results.

What is ported, exactly as specified:
- every check of both default lists, in list order, including IncompleteRecipientOrg and
  BeneficiaryButNotRecipientGeoData (48f83338 has them; the newest upstream tests no longer expect them) and
  PlannedDurationNotPresent (check_field_present.py, in the usefulness list);
- the recognised org-id prefixes: every code in generator/reference/org-id-prefixes.json (a pinned copy of
  org-id.guide's lists) plus "360G", matched as ``id.lower().startswith(code.lower())``;
- the charity-number test (6 or 7 characters that Python's int() accepts), the company-number test
  (``^\\w{8}$``), the email and postcode regexes;
- dates (``create_grant_dates_dict``): awardDate and the first item of plannedDates and actualDates, cut at the
  first "T", parsed with strptime("%Y-%m-%d"); a present but empty date list skips every date check of the
  grant; thresholds relative to ``now`` (DQT uses the server's naive local now()), years added as dateutil's
  relativedelta adds them (29 February becomes 28 February);
- where DQT catches an exception (KeyError in the prefix, charity and company checks, KeyError or IndexError
  in PlannedDurationNotPresent) and where it does not (then the group errors), e.g. a grant to an individual in
  RecipientGeoDataButNoBeneficiary, which reads recipientOrganization[0] unconditionally.

Not ported: headings, messages, percentages (only the count), categories, importance, and the spreadsheet
locations (they need flattentool's cell source map).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ORG_ID_PREFIXES = Path(__file__).resolve().parent.parent / "generator" / "reference" / "org-id-prefixes.json"

ANY, ORGANISATION, INDIVIDUAL = "", "recipient organisation", "recipient individual"  # relevance (spec 1.3)

EMAIL = re.compile(r"[\w.-]+@[\w.-]+\.[\w.-]+")  # spec 2.4, used with search
POSTCODE = re.compile(r"^\s*[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\s*$", re.IGNORECASE)  # spec 2.5
COMPANY_NUMBER = re.compile(r"^\w{8}$")  # spec 2.3, used with match


def org_id_prefixes() -> list[str]:
    """Every org-id.guide list code, then "360G" (spec 2.1), lower-cased for the checks' prefix test."""
    lists = json.loads(ORG_ID_PREFIXES.read_text(encoding="utf-8"))["prefixes"]
    return [entry["code"].lower() for entry in lists] + ["360g"]


def check_charity_number(value) -> bool:
    text = str(value)
    if len(text) not in (6, 7):
        return False
    try:
        int(text)  # as lenient as upstream: " 12345", "+123456", "1_23456" pass
    except ValueError:
        return False
    return True


def check_company_number(value) -> bool:
    return bool(COMPANY_NUMBER.match(value))  # a non-string raises TypeError, as upstream


def add_years(when: dt.datetime, years: int) -> dt.datetime:
    """when + relativedelta(years=years): the same month and day, the day clamped to the month's end."""
    year = when.year + years
    return when.replace(year=year, day=min(when.day, calendar.monthrange(year, when.month)[1]))


def flatten_dict(data: dict, path: str = ""):
    """(path, scalar) pairs of a grant, keys sorted at each level (spec 2.7)."""
    for key, value in sorted(data.items()):
        if isinstance(value, list):
            for number, item in enumerate(value):
                if isinstance(item, dict):
                    yield from flatten_dict(item, f"{path}/{key}/{number}")
                else:
                    yield f"{path}/{key}/{number}", item
        elif isinstance(value, dict):
            yield from flatten_dict(value, f"{path}/{key}")
        else:
            yield f"{path}/{key}", value


# The five dates, in DQT's order: (name, where it is read, its json_location under the grant).
DATES = (("award", ("awardDate",), "/awardDate"),
         ("planned_start", ("plannedDates", "startDate"), "/plannedDates/0/startDate"),
         ("planned_end", ("plannedDates", "endDate"), "/plannedDates/0/endDate"),
         ("actual_start", ("actualDates", "startDate"), "/actualDates/0/startDate"),
         ("actual_end", ("actualDates", "endDate"), "/actualDates/0/endDate"))


@dataclass
class GrantDate:
    value: dt.datetime | None  # naive midnight, when the text parsed
    error: str | None  # strptime's message, when it did not
    location: str


def grant_dates(grant: dict) -> dict[str, GrantDate]:
    """create_grant_dates_dict (spec 2.6): {} when plannedDates or actualDates is present but empty."""
    planned = grant.get("plannedDates", [{}])
    actual = grant.get("actualDates", [{}])
    if len(planned) == 0 or len(actual) == 0:
        return {}
    sources = {"awardDate": grant, "plannedDates": planned[0], "actualDates": actual[0]}
    dates = {}
    for name, where, location in DATES:
        text = sources[where[0]].get(where[-1])
        value = error = None
        if text:
            if "T" in text:  # a non-string raises TypeError, as upstream
                text = text.split("T", 1)[0]
            try:
                value = dt.datetime.strptime(text, "%Y-%m-%d")
            except ValueError as exc:
                error = str(exc)
        dates[name] = GrantDate(value, error, location)
    return dates


class Check:
    """One DQT check (AdditionalTest): process() is called for every grant in file order."""

    group = "accuracy"
    relevance = ANY

    def __init__(self, grants: list, aggregates: dict):
        self.grants = grants
        self.aggregates = aggregates
        self.count = 0
        self.locations: list[str] = []
        self.failed = False

    def flag(self, location: str) -> None:
        self.failed = True
        self.locations.append(location)

    def process(self, grant: dict, prefix: str) -> None:  # pragma: no cover - every check overrides it
        raise NotImplementedError

    def final_count(self) -> int:
        if self.relevance == INDIVIDUAL and not self.aggregates["recipient_individuals_count"]:
            return 0  # forced to 0 when the file has no grants to individuals (spec 1.3)
        return self.count


# --- accuracy (spec 4) -------------------------------------------------------------


class ZeroAmountTest(Check):
    def process(self, grant, prefix):
        if "amountAwarded" in grant and grant["amountAwarded"] == 0:
            self.flag(f"{prefix}/amountAwarded")
            self.count += 1


class _UnrecognisedPrefix(Check):
    key = ""

    def process(self, grant, prefix):
        found = False
        try:
            for number, org in enumerate(grant[self.key]):
                org_id = org["id"].lower()
                if not any(org_id.startswith(code) for code in PREFIXES):
                    self.flag(f"{prefix}/{self.key}/{number}/id")
                    found = True
        except KeyError:
            return  # the grant is not counted (what was recorded stays)
        if found:
            self.count += 1


class FundingOrgUnrecognisedPrefix(_UnrecognisedPrefix):
    key = "fundingOrganization"


class RecipientOrgUnrecognisedPrefix(_UnrecognisedPrefix):
    key = "recipientOrganization"
    relevance = ORGANISATION


class RecipientOrgCharityNumber(Check):
    relevance = ORGANISATION

    def process(self, grant, prefix):
        found = False
        try:
            for number, org in enumerate(grant["recipientOrganization"]):
                text = str(org["charityNumber"])
                if text[:2].isalpha():
                    text = text[2:]
                if not check_charity_number(text):
                    self.flag(f"{prefix}/recipientOrganization/{number}/charityNumber")
                    found = True
        except KeyError:
            return
        if found:
            self.count += 1


class RecipientOrgCompanyNumber(Check):
    relevance = ORGANISATION

    def process(self, grant, prefix):
        found = False
        try:
            for number, org in enumerate(grant["recipientOrganization"]):
                if not check_company_number(org["companyNumber"]):
                    self.flag(f"{prefix}/recipientOrganization/{number}/companyNumber")
                    found = True
        except KeyError:
            return
        if found:
            self.count += 1


ORG_TYPES = ("fundingOrganization", "recipientOrganization")


class OrganizationIdLooksInvalid(Check):
    relevance = ORGANISATION

    def process(self, grant, prefix):
        for org_type in ORG_TYPES:
            for number, org in enumerate(grant.get(org_type, [])):
                org_id = org.get("id")
                if not org_id:
                    continue
                if org_id.upper().startswith("GB-CHC-"):
                    bad = not check_charity_number(org_id[7:])
                elif org_id.upper().startswith("GB-COH-"):
                    bad = not check_company_number(org_id[7:])
                else:
                    bad = False
                if bad:
                    self.flag(f"{prefix}/{org_type}/{number}/id")
                    self.count += 1


class OrganizationIdUnexpectedChars(Check):
    relevance = ORGANISATION

    def process(self, grant, prefix):
        for org_type in ORG_TYPES:
            for number, org in enumerate(grant.get(org_type, [])):
                org_id = org.get("id")
                if org_id and "\n" in org_id:
                    self.flag(f"{prefix}/{org_type}/{number}/id")
                    self.count += 1


class GrantIdUnexpectedChars(Check):
    def process(self, grant, prefix):
        if "\n" in grant["id"]:  # a missing or null id raises, as upstream
            self.flag(f"{prefix}/id")
            self.count += 1


class MoreThanOneFundingOrg(Check):
    def __init__(self, grants, aggregates):
        super().__init__(grants, aggregates)
        self.ids: list[str] = []

    def process(self, grant, prefix):
        for number, org in enumerate(grant.get("fundingOrganization", [])):
            org_id = org.get("id")
            if org_id and org_id not in self.ids:
                self.ids.append(org_id)
                self.locations.append(f"{prefix}/fundingOrganization/{number}/id")
        self.failed = len(self.ids) > 1  # the count stays 0; the heading gives len(self.ids)


class LooksLikeEmail(Check):
    def process(self, grant, prefix):
        for path, value in flatten_dict(grant):
            if "email" in path:
                continue
            if isinstance(value, str) and EMAIL.search(value):
                self.flag(f"{prefix}{path}")
                self.count += 1


class ImpossibleDates(Check):
    def process(self, grant, prefix):
        for date in grant_dates(grant).values():
            if date.error and "does not match format '%Y-%m-%d'" not in date.error \
                    and "unconverted data remains" not in date.error:
                self.flag(f"{prefix}{date.location}")
                self.count += 1
                return


class _StartAfterEnd(Check):
    start = end = ""

    def process(self, grant, prefix):
        dates = grant_dates(grant)
        if not dates:
            return
        start, end = dates[self.start], dates[self.end]
        if start.value and end.value and start.value > end.value:
            self.flag(f"{prefix}{start.location}")
            self.count += 1


class PlannedStartDateBeforeEndDate(_StartAfterEnd):
    start, end = "planned_start", "planned_end"


class ActualStartDateBeforeEndDate(_StartAfterEnd):
    start, end = "actual_start", "actual_end"


class _DatesBeyond(Check):
    """The first of some dates beyond a limit `years` from now (after it, or before it for years < 0)."""

    names: tuple[str, ...] = ()
    years = 0

    def process(self, grant, prefix):
        dates = grant_dates(grant)
        if not dates:
            return
        limit = add_years(self.aggregates["now"], self.years)
        for name in self.names:
            value = dates[name].value
            if value and (value > limit if self.years > 0 else value < limit):
                self.flag(f"{prefix}{dates[name].location}")
                self.count += 1
                return


class FarFuturePlannedDates(_DatesBeyond):
    names, years = ("planned_start", "planned_end"), 12


class FarFutureActualDates(_DatesBeyond):
    names, years = ("actual_start", "actual_end"), 5


class FarPastDates(_DatesBeyond):
    names, years = tuple(name for name, _, _ in DATES), -25


class PostDatedAwardDates(Check):
    def process(self, grant, prefix):
        dates = grant_dates(grant)
        if dates and dates["award"].value and dates["award"].value > self.aggregates["now"]:
            self.flag(f"{prefix}/awardDate")
            self.count += 1


class RecipientIndDEI(Check):
    relevance = INDIVIDUAL

    def process(self, grant, prefix):
        if "recipientIndividual" in grant and "project" in grant:
            self.flag(f"{prefix}/recipientIndividual/id")
            self.count += 1


class GeoCodePostcode(Check):
    relevance = INDIVIDUAL

    def process(self, grant, prefix):
        if "recipientIndividual" not in grant:
            return
        for number, location in enumerate(grant.get("beneficiaryLocation", [])):
            if POSTCODE.match(location.get("geoCode", "")):  # a null geoCode raises, as upstream
                self.flag(f"{prefix}/beneficiaryLocation/{number}/geoCode")
                self.count += 1


class _MultiFunding(Check):
    """A file-wide map from one funder field to the first value of the other seen with it."""

    key = other = ""

    def __init__(self, grants, aggregates):
        super().__init__(grants, aggregates)
        self.first: dict = {}

    def process(self, grant, prefix):
        if "fundingOrganization" not in grant:
            return
        for number, org in enumerate(grant["fundingOrganization"]):
            key, other = org[self.key], org[self.other]  # a missing id or name raises, as upstream
            if key not in self.first:
                self.first[key] = other
            elif self.first[key] != other:
                self.flag(f"{prefix}/fundingOrganization/{number}/{self.other}")
                self.count += 1


class MultiFundingNamesForOrgId(_MultiFunding):
    """One funder id with more than one name (the newest tests' naming): flags the name."""

    key, other = "id", "name"


class MultiFundingOrgIdsForName(_MultiFunding):
    """One funder name with more than one id (the newest tests' naming): flags the id."""

    key, other = "name", "id"


# --- usefulness (spec 5) ---------------------------------------------------------


class Usefulness(Check):
    group = "usefulness"


class _360GPrefix(Usefulness):
    key = ""

    def process(self, grant, prefix):
        try:
            for number, org in enumerate(grant[self.key]):
                if org["id"].lower().startswith("360g"):
                    self.flag(f"{prefix}/{self.key}/{number}/id")
                    self.count += 1  # per organisation
        except KeyError:
            return


class RecipientOrg360GPrefix(_360GPrefix):
    key = "recipientOrganization"
    relevance = ORGANISATION


class FundingOrg360GPrefix(_360GPrefix):
    key = "fundingOrganization"


class NoRecipientOrgCompanyCharityNumber(Usefulness):
    relevance = ORGANISATION

    def process(self, grant, prefix):
        found = False
        for number, org in enumerate(grant.get("recipientOrganization", [])):
            if not org.get("companyNumber") and not org.get("charityNumber"):
                self.flag(f"{prefix}/recipientOrganization/{number}/id")
                found = True
        self.count += found


class IncompleteRecipientOrg(Usefulness):
    relevance = ORGANISATION

    def process(self, grant, prefix):
        found = False
        for number, org in enumerate(grant.get("recipientOrganization", [])):
            located = any(location.get("geoCode") and location.get("geoCodeType")
                          for location in org.get("location", []))
            if not (org.get("postalCode") or located):
                self.flag(f"{prefix}/recipientOrganization/{number}/id")
                found = True
        self.count += found


class _Missing(Usefulness):
    """The grant has no (or an empty) `key`: flagged at its id."""

    key = ""

    def process(self, grant, prefix):
        if not grant.get(self.key):
            self.flag(f"{prefix}/id")
            self.count += 1


class NoGrantProgramme(_Missing):
    key = "grantProgramme"


class NoBeneficiaryLocation(_Missing):
    key = "beneficiaryLocation"


class TitleDescriptionSame(Usefulness):
    def process(self, grant, prefix):
        title, description = grant.get("title"), grant.get("description")
        if title and description and title == description:
            self.flag(f"{prefix}/description")
            self.count += 1


class TitleLength(Usefulness):
    def process(self, grant, prefix):
        if len(grant.get("title", "")) > 140:  # a null title raises, as upstream
            self.flag(f"{prefix}/title")
            self.count += 1


class NoLastModified(_Missing):
    key = "dateModified"


class NoDataSource(_Missing):
    key = "dataSource"


class RecipientIndWithoutToIndividualsDetails(Usefulness):
    relevance = INDIVIDUAL

    def process(self, grant, prefix):
        if "recipientIndividual" in grant and "toIndividualsDetails" not in grant:
            self.flag(f"{prefix}/recipientIndividual/id")
            self.count += 1


class PlannedDurationNotPresent(Usefulness):
    def process(self, grant, prefix):
        try:
            planned = grant["plannedDates"][0]
            present = planned.get("duration") or (planned.get("startDate") and planned.get("endDate"))
        except (KeyError, IndexError):
            present = False
        if not present:
            self.flag(f"{prefix}/id")
            self.count += 1


class BeneficiaryLocationNameButNoCode(Usefulness):
    def process(self, grant, prefix):
        for number, location in enumerate(grant.get("beneficiaryLocation", [])):
            if location.get("name") and not location.get("geoCode"):
                self.flag(f"{prefix}/beneficiaryLocation/{number}/name")
                self.count += 1  # per location


class BeneficiaryButNotRecipientGeoData(Usefulness):
    relevance = ORGANISATION

    def process(self, grant, prefix):
        # As upstream: a grant with a beneficiary location and no recipientOrganization raises KeyError.
        if len(grant.get("beneficiaryLocation", [])) > 0 and \
                len(grant["recipientOrganization"][0].get("location", [])) == 0:
            self.flag(f"{prefix}/recipientOrganization/0/id")
            self.count += 1


class RecipientGeoDataButNoBeneficiary(Usefulness):
    relevance = ORGANISATION

    def process(self, grant, prefix):
        # As upstream: any grant without recipientOrganization (to an individual) raises KeyError.
        if len(grant["recipientOrganization"][0].get("location", [])) > 0 and not grant.get("beneficiaryLocation"):
            self.flag(f"{prefix}/recipientOrganization/0/location")
            self.count += 1


ACCURACY = [ZeroAmountTest, FundingOrgUnrecognisedPrefix, RecipientOrgUnrecognisedPrefix, RecipientOrgCharityNumber,
            RecipientOrgCompanyNumber, OrganizationIdLooksInvalid, OrganizationIdUnexpectedChars,
            GrantIdUnexpectedChars, MoreThanOneFundingOrg, LooksLikeEmail, ImpossibleDates,
            PlannedStartDateBeforeEndDate, ActualStartDateBeforeEndDate, FarFuturePlannedDates, FarFutureActualDates,
            FarPastDates, PostDatedAwardDates, RecipientIndDEI, GeoCodePostcode, MultiFundingNamesForOrgId,
            MultiFundingOrgIdsForName]
USEFULNESS = [RecipientOrg360GPrefix, FundingOrg360GPrefix, NoRecipientOrgCompanyCharityNumber,
              IncompleteRecipientOrg, NoGrantProgramme, NoBeneficiaryLocation, TitleDescriptionSame, TitleLength,
              NoLastModified, NoDataSource, RecipientIndWithoutToIndividualsDetails, PlannedDurationNotPresent,
              BeneficiaryLocationNameButNoCode, BeneficiaryButNotRecipientGeoData, RecipientGeoDataButNoBeneficiary]
GROUPS = {"accuracy": ACCURACY, "usefulness": USEFULNESS}
PREFIXES = org_id_prefixes()


@dataclass
class Result:
    name: str  # the check's class name
    group: str  # "accuracy" or "usefulness"
    count: int  # what the check counts (grants, organisations, fields or locations: spec 9.2)
    locations: list[str] = field(default_factory=list)  # json_locations, e.g. "grants/0/id"


@dataclass
class GroupErrored:
    """A check raised: DQT shows the whole group as errored, with no results."""

    group: str
    check: str
    error: str


class DQTErrored(Exception):
    pass


def run(data: dict, now: dt.datetime) -> dict[str, list[Result] | GroupErrored]:
    """Each group's failed checks, in DQT's order, or GroupErrored for a group in which a check raised. `now` is
    DQT's datetime.now() (naive)."""
    grants = data.get("grants")
    if grants is None:
        return {group: [] for group in GROUPS}
    aggregates = {"count": len(grants), "recipient_individuals_count": sum(bool(g.get("recipientIndividual"))
                                                                            for g in grants), "now": now}
    results: dict[str, list[Result] | GroupErrored] = {}
    for group, classes in GROUPS.items():
        checks = [cls(grants, aggregates) for cls in classes]
        current = checks[0]
        try:
            for number, grant in enumerate(grants):
                for current in checks:
                    current.process(grant, f"grants/{number}")
        except Exception as exc:  # DQT's ignore-errors wrapper: the group errors
            results[group] = GroupErrored(group, type(current).__name__, f"{type(exc).__name__}: {exc}")
            continue
        results[group] = [Result(type(c).__name__, group, c.final_count(), c.locations) for c in checks if c.failed]
    return results


def findings(data: dict, now: dt.datetime) -> list[tuple[str, str]]:
    """The (check class name, json_location) pairs DQT would report: accuracy, then usefulness. Raises
    DQTErrored when a check raised (DQT would show that group as errored)."""
    pairs = []
    for outcome in run(data, now).values():
        if isinstance(outcome, GroupErrored):
            raise DQTErrored(f"the {outcome.group} checks error in {outcome.check} ({outcome.error})")
        pairs.extend((result.name, location) for result in outcome for location in result.locations)
    return pairs
