"""What 360Giving's data quality tool (DQT) says about our 360Giving export, by the oracle in tests/dqt.py.

First the oracle itself, on DQT's own unit-test package (tests/fixtures/dqt/dqt-test-package.json, built from
the specification's section 8.1 with Y = 2025 and M = 7) and on the specification's small fixtures; then on the
bundled data's real export (issue 17: the export satisfies DQT but for what the data honestly lacks).
"""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

import dqt
from generator.config import PROJECT_DIR
from generator.exports import giving360

FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "dqt"
NOW = dt.datetime(2025, 7, 15, 12, 0, 0)  # the test package's Y is 2025 and M is 7


def results(data: dict, now: dt.datetime = NOW) -> dict:
    return {group: outcome if isinstance(outcome, dqt.GroupErrored) else
            [(r.name, r.count, r.locations) for r in outcome] for group, outcome in dqt.run(data, now).items()}


# --- the oracle on DQT's own tests ------------------------------------------------


def test_dqts_own_test_package_gives_dqts_expected_results():
    package = json.loads((FIXTURES / "dqt-test-package.json").read_text(encoding="utf-8"))
    assert results(package) == {
        # The newest upstream tests' accuracy results, in their order (spec 8.1).
        "accuracy": [
            ("ZeroAmountTest", 1, ["grants/0/amountAwarded"]),
            ("FundingOrgUnrecognisedPrefix", 1, ["grants/0/fundingOrganization/0/id"]),
            ("RecipientOrgUnrecognisedPrefix", 1, ["grants/1/recipientOrganization/0/id"]),
            ("RecipientOrgCharityNumber", 1, ["grants/0/recipientOrganization/0/charityNumber"]),
            ("RecipientOrgCompanyNumber", 1, ["grants/0/recipientOrganization/0/companyNumber"]),
            ("OrganizationIdLooksInvalid", 2, ["grants/2/fundingOrganization/0/id",
                                               "grants/2/recipientOrganization/0/id"]),
            ("MoreThanOneFundingOrg", 0, ["grants/0/fundingOrganization/0/id", "grants/1/fundingOrganization/0/id",
                                          "grants/1/fundingOrganization/1/id", "grants/2/fundingOrganization/0/id"]),
            ("LooksLikeEmail", 2, ["grants/0/Grant type", "grants/0/title"]),
            ("ImpossibleDates", 1, ["grants/2/plannedDates/0/startDate"]),
            ("PlannedStartDateBeforeEndDate", 1, ["grants/0/plannedDates/0/startDate"]),
            ("ActualStartDateBeforeEndDate", 1, ["grants/1/actualDates/0/startDate"]),
            ("FarFuturePlannedDates", 1, ["grants/1/plannedDates/0/endDate"]),
            ("FarFutureActualDates", 1, ["grants/2/actualDates/0/endDate"]),
            ("FarPastDates", 1, ["grants/2/actualDates/0/startDate"]),
            ("PostDatedAwardDates", 2, ["grants/0/awardDate", "grants/1/awardDate"]),
            ("MultiFundingNamesForOrgId", 1, ["grants/1/fundingOrganization/2/name"]),
            ("MultiFundingOrgIdsForName", 2, ["grants/1/fundingOrganization/0/id",
                                              "grants/2/fundingOrganization/0/id"]),
        ],
        # The newest usefulness results, with IncompleteRecipientOrg and BeneficiaryButNotRecipientGeoData,
        # which 48f83338's rules give (and the older tests expected), in their places in the list.
        "usefulness": [
            ("RecipientOrg360GPrefix", 1, ["grants/0/recipientOrganization/0/id"]),
            ("FundingOrg360GPrefix", 1, ["grants/1/fundingOrganization/0/id"]),
            ("NoRecipientOrgCompanyCharityNumber", 1, ["grants/2/recipientOrganization/0/id"]),
            ("IncompleteRecipientOrg", 1, ["grants/0/recipientOrganization/0/id"]),
            ("NoGrantProgramme", 1, ["grants/0/id"]),
            ("NoBeneficiaryLocation", 1, ["grants/1/id"]),
            ("TitleDescriptionSame", 1, ["grants/2/description"]),
            ("TitleLength", 1, ["grants/1/title"]),
            ("NoLastModified", 1, ["grants/1/id"]),
            ("NoDataSource", 2, ["grants/0/id", "grants/2/id"]),
            ("BeneficiaryLocationNameButNoCode", 1, ["grants/0/beneficiaryLocation/0/name"]),
            ("BeneficiaryButNotRecipientGeoData", 1, ["grants/2/recipientOrganization/0/id"]),
            ("RecipientGeoDataButNoBeneficiary", 1, ["grants/1/recipientOrganization/0/location"]),
        ],
    }
    assert dqt.findings(package, NOW)[:2] == [("ZeroAmountTest", "grants/0/amountAwarded"),
                                              ("FundingOrgUnrecognisedPrefix", "grants/0/fundingOrganization/0/id")]
    assert len(dqt.findings(package, NOW)) == 24 + 14
    # Not triggered (spec 8.1): ids with line breaks, grants to individuals, planned durations.
    names = {name for name, _ in dqt.findings(package, NOW)}
    assert not names & {"OrganizationIdUnexpectedChars", "GrantIdUnexpectedChars", "RecipientIndDEI",
                        "GeoCodePostcode", "RecipientIndWithoutToIndividualsDetails", "PlannedDurationNotPresent"}


def clean_grant(number: int = 0) -> dict:
    """A grant DQT says nothing about."""
    return {
        "id": f"360G-example-{number}", "title": "A grant", "description": "For things.", "currency": "GBP",
        "amountAwarded": 1000, "awardDate": "2024-05-01", "dateModified": "2024-05-02T00:00:00+00:00",
        "dataSource": "https://www.example.gov.uk/",
        "plannedDates": [{"startDate": "2024-06-01", "endDate": "2025-05-31"}],
        "recipientOrganization": [{"id": "GB-CHC-1234567", "name": "A Charity", "charityNumber": "1234567",
                                   "location": [{"name": "Peckham", "geoCode": "E05011114", "geoCodeType": "WD"}]}],
        "beneficiaryLocation": [{"name": "Peckham", "geoCode": "E05011114", "geoCodeType": "WD"}],
        "fundingOrganization": [{"id": "GB-LAE-EXB", "name": "Example Borough Council"}],
        "grantProgramme": [{"title": "Community Fund"}],
    }


def changed(grant: dict, path: str, value) -> dict:
    grant = copy.deepcopy(grant)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split("/")]
    node = grant
    for step in parents:
        node = node[step]
    node[last] = value
    return grant


@pytest.mark.parametrize("path, value, expected", [  # spec 8.2's small recipes, one finding each
    ("amountAwarded", 0, ("ZeroAmountTest", "grants/0/amountAwarded")),
    ("fundingOrganization/0/id", "XSFAFA", ("FundingOrgUnrecognisedPrefix", "grants/0/fundingOrganization/0/id")),
    ("recipientOrganization/0/id", "GB-UNKNOW-RC000000",
     ("RecipientOrgUnrecognisedPrefix", "grants/0/recipientOrganization/0/id")),
    ("recipientOrganization/0/charityNumber", "12345",
     ("RecipientOrgCharityNumber", "grants/0/recipientOrganization/0/charityNumber")),
    ("recipientOrganization/0/companyNumber", "AAA",
     ("RecipientOrgCompanyNumber", "grants/0/recipientOrganization/0/companyNumber")),
    ("recipientOrganization/0/id", "GB-CHC-00001",
     ("OrganizationIdLooksInvalid", "grants/0/recipientOrganization/0/id")),
    ("fundingOrganization/0/id", "GB-COH-000000", ("OrganizationIdLooksInvalid", "grants/0/fundingOrganization/0/id")),
    ("recipientOrganization/0/id", "GB-LAE-EXB-\n1",
     ("OrganizationIdUnexpectedChars", "grants/0/recipientOrganization/0/id")),
    ("id", "360G-a\nb", ("GrantIdUnexpectedChars", "grants/0/id")),
    ("title", "x@y.com", ("LooksLikeEmail", "grants/0/title")),
    ("plannedDates/0/startDate", "2025-02-29", ("ImpossibleDates", "grants/0/plannedDates/0/startDate")),
    ("plannedDates/0/startDate", "2025-10-01", ("PlannedStartDateBeforeEndDate", "grants/0/plannedDates/0/startDate")),
    ("plannedDates/0/endDate", "2038-01-01", ("FarFuturePlannedDates", "grants/0/plannedDates/0/endDate")),
    ("actualDates", [{"endDate": "2031-01-01"}], ("FarFutureActualDates", "grants/0/actualDates/0/endDate")),
    ("actualDates", [{"startDate": "1999-01-01"}], ("FarPastDates", "grants/0/actualDates/0/startDate")),
    ("awardDate", "2025-07-16", ("PostDatedAwardDates", "grants/0/awardDate")),
    ("recipientOrganization/0/id", "360G-x", ("RecipientOrg360GPrefix", "grants/0/recipientOrganization/0/id")),
    ("fundingOrganization/0/id", "360G-example-funder", ("FundingOrg360GPrefix", "grants/0/fundingOrganization/0/id")),
    ("title", "x" * 141, ("TitleLength", "grants/0/title")),
    ("description", "A grant", ("TitleDescriptionSame", "grants/0/description")),
    ("grantProgramme", [], ("NoGrantProgramme", "grants/0/id")),
    ("dateModified", "", ("NoLastModified", "grants/0/id")),
    ("dataSource", None, ("NoDataSource", "grants/0/id")),
    ("plannedDates", [{"startDate": "2024-06-01"}], ("PlannedDurationNotPresent", "grants/0/id")),
    ("beneficiaryLocation/0", {"name": "X"},
     ("BeneficiaryLocationNameButNoCode", "grants/0/beneficiaryLocation/0/name")),
    ("recipientOrganization/0/location/0/geoCodeType", "",
     ("IncompleteRecipientOrg", "grants/0/recipientOrganization/0/id")),
])
def test_one_finding_each(path, value, expected):
    assert dqt.findings({"grants": [clean_grant()]}, NOW) == []
    assert dqt.findings({"grants": [changed(clean_grant(), path, value)]}, NOW) == [expected]


def test_small_fixtures_and_edge_cases():
    grant = clean_grant()
    # A recipient with no location: a beneficiary location but none for the recipient; and the other way round.
    no_location = changed(grant, "recipientOrganization/0/location", [])
    assert dqt.findings({"grants": [no_location]}, NOW) == [
        ("IncompleteRecipientOrg", "grants/0/recipientOrganization/0/id"),
        ("BeneficiaryButNotRecipientGeoData", "grants/0/recipientOrganization/0/id")]
    assert dqt.findings({"grants": [{k: v for k, v in grant.items() if k != "beneficiaryLocation"}]}, NOW) == [
        ("NoBeneficiaryLocation", "grants/0/id"),
        ("RecipientGeoDataButNoBeneficiary", "grants/0/recipientOrganization/0/location")]
    # A postcode is enough for IncompleteRecipientOrg (not for BeneficiaryButNotRecipientGeoData).
    assert dqt.findings({"grants": [changed(no_location, "recipientOrganization/0/postalCode", "SE15 5DQ")]},
                        NOW) == [("BeneficiaryButNotRecipientGeoData", "grants/0/recipientOrganization/0/id")]
    # Two funders, and one name under two ids (multiple_funder_names_org_ids.json).
    other = changed(clean_grant(1), "fundingOrganization/0/id", "GB-COH-12345678")
    assert dqt.findings({"grants": [grant, other]}, NOW) == [
        ("MoreThanOneFundingOrg", "grants/0/fundingOrganization/0/id"),
        ("MoreThanOneFundingOrg", "grants/1/fundingOrganization/0/id"),
        ("MultiFundingOrgIdsForName", "grants/1/fundingOrganization/0/id")]
    # Badly written dates are not "impossible" (that is for the schema); a date of today is not post-dated.
    assert dqt.findings({"grants": [changed(grant, "awardDate", "13-03-2015")]}, NOW) == []
    assert dqt.findings({"grants": [changed(grant, "awardDate", "2025-13-01")]}, NOW) == []
    assert dqt.findings({"grants": [changed(grant, "awardDate", "2025-07-15")]}, NOW) == []
    # duration_errors.json: an empty plannedDates skips every date check (even an impossible award date).
    empty = changed(changed(grant, "plannedDates", []), "awardDate", "2025-02-30")
    assert dqt.findings({"grants": [empty]}, NOW) == [("PlannedDurationNotPresent", "grants/0/id")]
    # Emails in an "email" field are not flagged; elsewhere they are, once per field.
    emailed = changed(changed(grant, "recipientOrganization/0/email", "a@b.org"), "description", "Write to a@b.org")
    assert dqt.findings({"grants": [emailed]}, NOW) == [("LooksLikeEmail", "grants/0/description")]
    # 29 February 2024 plus 5 years is 28 February 2029 (relativedelta), so 1 March 2029 is beyond it.
    leap = changed(changed(grant, "actualDates", [{"endDate": "2029-03-01"}]), "awardDate", "2024-02-01")
    assert dqt.findings({"grants": [leap]}, dt.datetime(2024, 2, 29)) == [
        ("FarFutureActualDates", "grants/0/actualDates/0/endDate")]
    assert dqt.findings({"grants": [changed(leap, "actualDates/0/endDate", "2029-02-28")]},
                        dt.datetime(2024, 2, 29)) == []


def test_grants_to_individuals_error_the_usefulness_checks():
    """RecipientIndDEI.json, and what 48f83338 does with any grant to an individual: RecipientGeoDataButNoBeneficiary
    reads recipientOrganization[0] unconditionally, so the whole usefulness group errors (spec 5.15)."""
    individual = {"id": "360-g-i", "recipientIndividual": {"id": "ID", "name": "NAME"}, "project": [{}]}
    outcome = dqt.run({"grants": [individual]}, NOW)
    assert [(r.name, r.count, r.locations) for r in outcome["accuracy"]] == [
        ("RecipientIndDEI", 1, ["grants/0/recipientIndividual/id"])]
    assert outcome["usefulness"] == dqt.GroupErrored("usefulness", "RecipientGeoDataButNoBeneficiary",
                                                     "KeyError: 'recipientOrganization'")
    with pytest.raises(dqt.DQTErrored, match="the usefulness checks error in RecipientGeoDataButNoBeneficiary"):
        dqt.findings({"grants": [individual]}, NOW)


# --- our export --------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(bundled_tables, config, tmp_path_factory) -> dict:
    """The bundled data's 360giving-grants.json, written as the build writes it."""
    path = tmp_path_factory.mktemp("dqt") / "360giving-grants.json"
    giving360.write_360_files(bundled_tables, config, json_path=path)
    return json.loads(path.read_text(encoding="utf-8"))


def test_our_export_raises_only_what_the_data_honestly_lacks(exported, bundled_tables):
    """Issue 17: DQT on the bundled data's 360giving-grants.json finds nothing but what the data does not hold.
    Run as DQT runs, today (its checks on dates are relative to the day they run)."""
    outcome = dqt.run(exported, dt.datetime.now())
    assert outcome["accuracy"] == []  # no incorrect values at all
    found = {r.name: r for r in outcome["usefulness"]}
    grants = bundled_tables["grants"].set_index("grant_id")
    orgs = bundled_tables["organisations"].set_index("org_id")
    ids = [g["id"] for g in exported["grants"]]

    def recipient(location: str):
        """The organisations table's row of the recipient of the grant a finding's location points at."""
        return orgs.loc[grants.loc[ids[int(location.split("/")[1])], "recipient_org_id"]]

    def flagged(name: str) -> list[str]:
        return [ids[int(location.split("/")[1])] for location in found[name].locations]

    based = grants["recipient_org_id"].map(orgs["based_in_borough"])
    no_ward = grants["beneficiary_ward"].isna()
    # Grants with no programme: the data has none for them (a programme is optional).
    assert flagged("NoGrantProgramme") == list(grants.index[grants["programme"].isna()])
    # Recipients with neither a charity nor a company number: the unregistered community groups, and schools,
    # which are neither registered charities nor companies in the data (their identifier is GB-EDU-, their URN).
    unnumbered = [recipient(location) for location in found["NoRecipientOrgCompanyCharityNumber"].locations]
    assert {org["organisation_type"] for org in unnumbered} == {"unregistered community group", "school"}
    assert all(org[["charity_number", "company_number"]].isna().all() for org in unnumbered)
    kinds = grants["recipient_org_id"].map(orgs["organisation_type"])
    assert len(unnumbered) == kinds.isin(["unregistered community group", "school"]).sum()
    # Grants with no beneficiary ward: no beneficiary location; those whose recipient is in the area have a recipient
    # location but no beneficiary one.
    assert flagged("NoBeneficiaryLocation") == list(grants.index[no_ward])
    assert flagged("RecipientGeoDataButNoBeneficiary") == list(grants.index[no_ward & based])
    # Recipients based outside the area: organisations.csv holds no address or place for them (based_in_borough
    # no, no ward), so they have no location, and DQT asks for one (IncompleteRecipientOrg: a postcode or a
    # location with a code) and, where the grant has a beneficiary ward, for the recipient's too. Not invented.
    outside = ~based
    assert orgs.loc[~orgs["based_in_borough"], "ward"].isna().all()
    assert flagged("IncompleteRecipientOrg") == list(grants.index[outside])
    assert flagged("BeneficiaryButNotRecipientGeoData") == list(grants.index[outside & ~no_ward])
    # Nothing else; the counts of the bundled sample (README, "What DQT says about our export").
    assert {name: r.count for name, r in found.items()} == {
        "NoRecipientOrgCompanyCharityNumber": 428, "IncompleteRecipientOrg": 533, "NoGrantProgramme": 48,
        "NoBeneficiaryLocation": 303, "BeneficiaryButNotRecipientGeoData": 427, "RecipientGeoDataButNoBeneficiary": 197}
    assert ((kinds == "unregistered community group").sum(), (kinds == "school").sum()) == (346, 82)
    # What issue 17 found before: every grant now has dateModified and dataSource, every located recipient a code.
    assert all(g["dateModified"] and g["dataSource"] == "https://www.southwark.gov.uk/" for g in exported["grants"])
