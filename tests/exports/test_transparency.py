"""Local Government Transparency Code 2015: the contracts register and the VCS grants list."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conftest import tables_of

from generator.exports import transparency
from generator.config import PROJECT_DIR
from generator.model import dates

BOM = b"\xef\xbb\xbf"






@pytest.fixture
def tables(small_tables):
    """A copy of the small data set's typed tables to edit."""
    return {name: frame.copy() for name, frame in small_tables.items()}


def org(tables, org_id) -> dict:
    frame = tables["organisations"]
    return frame[frame["org_id"] == org_id].iloc[0].to_dict()


def org_where(tables, **flags) -> str:
    frame = tables["organisations"]
    for name, value in flags.items():
        if value is None:
            frame = frame[frame[name].isna()]
        else:
            frame = frame[frame[name] == value]
    assert len(frame), f"the small data set has no organisation with {flags}"
    return frame["org_id"].iloc[0]


def yes_no(value) -> str:
    return "yes" if value else "no"


# --- the contracts register ------------------------------------------------------------


def test_the_register_keeps_exactly_the_contracts_over_5000(tables):
    contracts = tables["contracts"]
    contracts.loc[0, "total_value_gbp"] = 4999.0
    contracts.loc[1, "total_value_gbp"] = 5000.0
    contracts.loc[2, "total_value_gbp"] = 5001.0
    contracts.loc[3, "total_value_gbp"] = 5000.01
    register = transparency.contracts_register(tables)
    expected = [c for c, v in zip(contracts["contract_id"], contracts["total_value_gbp"]) if v > 5000]
    assert register["Reference number"].tolist() == expected
    ids = set(register["Reference number"])
    assert contracts.loc[0, "contract_id"] not in ids and contracts.loc[1, "contract_id"] not in ids
    assert {contracts.loc[2, "contract_id"], contracts.loc[3, "contract_id"]} <= ids
    assert list(register.columns) == transparency.CONTRACT_COLUMNS


def test_the_register_has_the_codes_fields_from_the_data(tables):
    contracts = tables["contracts"]
    # one supplier of each kind: VCS charity with a company number too, SME company, neither,
    # unregistered community group
    vcs_both = tables["organisations"].dropna(subset=["charity_number", "company_number"])
    vcs_both = vcs_both[vcs_both["is_vcs"] == True]["org_id"].iloc[0]  # noqa: E712
    sme_company = org_where(tables, is_vcs=False, is_sme=True)
    neither = org_where(tables, is_vcs=False, is_sme=False)
    unregistered = org_where(tables, charity_number=None, company_number=None)
    kinds = [vcs_both, sme_company, neither, unregistered]
    for i, org_id in enumerate(kinds):
        contracts.loc[i, "supplier_org_id"] = org_id
    register = transparency.contracts_register(tables).set_index("Reference number")
    commissioners = tables["commissioners"].set_index("commissioner_id")
    for row in contracts.to_dict("records"):
        listed = register.loc[row["contract_id"]]
        supplier = org(tables, row["supplier_org_id"])
        assert listed["Title of agreement"] == row["title"]
        assert listed["Description of goods and/or services"] == row["description"]
        assert listed["Department responsible"] == commissioners.loc[row["commissioner_id"], "name"]
        assert listed["Supplier name"] == supplier["name"]
        assert listed["Supplier identifier"] == row["supplier_org_id"]
        assert listed["Supplier is an SME"] == yes_no(supplier["is_sme"])
        assert listed["Supplier is a VCS organisation"] == yes_no(supplier["is_vcs"])
        assert listed["Procurement process"] == row["procurement_route"]
        assert listed["Start date"] == row["start_date"] and listed["End date"] == row["end_date"]
        assert listed["Total value of contract (£)"] == row["total_value_gbp"]
        assert listed["Estimated annual value (£)"] == row["annual_value_gbp"]
        assert listed["VAT that cannot be recovered (£)"] == row["vat_not_recoverable_gbp"]
    flags = register.loc[contracts["contract_id"][:4], ["Supplier is an SME", "Supplier is a VCS organisation",
                                                         "Supplier registration number"]]
    both = org(tables, vcs_both)
    assert flags.iloc[0].tolist() == [yes_no(both["is_sme"]), "yes", both["charity_number"]]
    assert flags.iloc[1].tolist() == ["yes", "no", org(tables, sme_company)["company_number"]]
    assert flags.iloc[2, :2].tolist() == ["no", "no"]
    assert pd.isna(flags.iloc[3, 2])


def test_registration_number_rule():
    rule = transparency.registration_number
    assert rule({"is_vcs": True, "charity_number": "1123456", "company_number": "08123456"}) == "1123456"
    assert rule({"is_vcs": False, "charity_number": "1123456", "company_number": "08123456"}) == "08123456"
    assert rule({"is_vcs": True, "charity_number": pd.NA, "company_number": "08123456"}) == "08123456"
    assert rule({"is_vcs": False, "charity_number": "1123456", "company_number": pd.NA}) == "1123456"
    assert rule({"is_vcs": True, "charity_number": pd.NA, "company_number": pd.NA}) is None


def test_the_bundled_register(tmp_path):
    tables = tables_of(PROJECT_DIR / "data")
    register = transparency.contracts_register(tables)
    assert len(register) == int((tables["contracts"]["total_value_gbp"] > 5000).sum())
    assert register["Department responsible"].notna().all() and register["Supplier name"].notna().all()
    transparency.write_csv(register, tmp_path / "contracts-register.csv")
    back = pd.read_csv(tmp_path / "contracts-register.csv", dtype=str, keep_default_na=False)
    assert back["Reference number"].tolist() == register["Reference number"].tolist()
    assert pd.to_numeric(back["Total value of contract (£)"]).tolist() == register["Total value of contract (£)"].tolist()


# --- grants to VCS organisations ---------------------------------------------------------


def test_the_vcs_grants_list_is_one_april_to_march_year(tables):
    grants = tables["grants"]
    vcs = org_where(tables, is_vcs=True)
    other = org_where(tables, is_vcs=False)
    edits = {0: ("2024-03-31", vcs), 1: ("2024-04-01", vcs), 2: ("2025-03-31", vcs), 3: ("2025-04-01", vcs),
             4: ("2024-06-01", other)}
    for i, (day, recipient) in edits.items():
        grants.loc[i, "award_date"] = pd.Timestamp(day)
        grants.loc[i, "recipient_org_id"] = recipient
    vcs_ids = set(tables["organisations"][tables["organisations"]["is_vcs"] == True]["org_id"])  # noqa: E712
    listed = transparency.vcs_grants(tables, "2024-25")
    expected = [g["grant_id"] for g in grants.to_dict("records")
                if g["recipient_org_id"] in vcs_ids
                and dt.date(2024, 4, 1) <= g["award_date"].date() <= dt.date(2025, 3, 31)]
    assert listed["Grant identifier"].tolist() == expected
    ids = set(listed["Grant identifier"])
    assert {grants.loc[1, "grant_id"], grants.loc[2, "grant_id"]} <= ids
    assert not {grants.loc[i, "grant_id"] for i in (0, 3, 4)} & ids
    assert grants.loc[0, "grant_id"] in set(transparency.vcs_grants(tables, "2023-24")["Grant identifier"])
    assert grants.loc[3, "grant_id"] in set(transparency.vcs_grants(tables, "2025-26")["Grant identifier"])
    assert list(listed.columns) == transparency.GRANT_COLUMNS

    commissioners = tables["commissioners"].set_index("commissioner_id")
    by_id = grants.set_index("grant_id")
    for row in listed.to_dict("records"):
        grant = by_id.loc[row["Grant identifier"]]
        recipient = org(tables, grant["recipient_org_id"])
        assert row["Beneficiary"] == recipient["name"]
        assert row["Beneficiary identifier"] == grant["recipient_org_id"]
        reg = transparency.registration_number(recipient)
        assert (pd.isna(row["Beneficiary registration number"]) if reg is None
                else row["Beneficiary registration number"] == reg)
        assert row["Amount (£)"] == grant["amount_awarded"]
        assert row["Date awarded"] == grant["award_date"]
        assert row["Title"] == grant["title"]
        assert row["Department which awarded the grant"] == commissioners.loc[grant["department_id"], "name"]
        assert (pd.isna(row["Grant programme"]) and pd.isna(grant["programme"])) or row["Grant programme"] == grant["programme"]


def test_financial_years(tables):
    years = transparency.years_with_grants(tables)
    expected = sorted({dates.financial_year(d) for d in tables["grants"]["award_date"]})
    assert years == expected and years == sorted(years)
    tables["grants"].loc[0, "award_date"] = pd.Timestamp("2019-03-31")
    tables["grants"].loc[1, "award_date"] = pd.Timestamp("2019-04-01")
    years = transparency.years_with_grants(tables)
    assert years[:2] == ["2018-19", "2019-20"]
    assert dates.financial_year("2025-03-31") == "2024-25"
    assert dates.financial_year("2025-04-01") == "2025-26"
    assert dates.financial_year("1999-04-01") == "1999-00"


def test_the_vcs_grants_of_several_years_are_each_years_list(tables):
    """vcs_grants_by_year (what the export writes) finds the VCS grants once for all the years:
    each year's frame is that year's list alone, whatever the order of the years asked, a year
    with no grants included; the grants are those of a VCS recipient (the last row of an org_id
    that has two) dated in that April-March year, in the grants table's order."""
    grants, organisations = tables["grants"], tables["organisations"]
    vcs, other = org_where(tables, is_vcs=True), org_where(tables, is_vcs=False)
    twice = pd.concat([organisations, organisations[organisations["org_id"] == other].assign(is_vcs=True)],
                      ignore_index=True)  # the later row of `other` says VCS: it counts
    tables["organisations"] = twice
    for i, (day, recipient) in enumerate([("2023-05-01", vcs), ("2021-04-01", other), ("2024-02-29", vcs)]):
        grants.loc[i, "award_date"] = pd.Timestamp(day)
        grants.loc[i, "recipient_org_id"] = recipient
    years = transparency.years_with_grants(tables)[::-1] + ["1990-91"]
    listed = dict(transparency.vcs_grants_by_year(tables, years))
    assert list(listed) == years
    latest = twice.drop_duplicates("org_id", keep="last")
    vcs_ids = set(latest[latest["is_vcs"] == True]["org_id"])  # noqa: E712
    for year in years:
        expected = [g["grant_id"] for g in grants.to_dict("records")
                    if g["recipient_org_id"] in vcs_ids and dates.financial_year(g["award_date"]) == year]
        assert listed[year]["Grant identifier"].tolist() == expected
        pd.testing.assert_frame_equal(listed[year], transparency.vcs_grants(tables, year))
    assert grants.loc[1, "grant_id"] in set(listed["2021-22"]["Grant identifier"])
    assert listed["1990-91"].empty and list(listed["1990-91"].columns) == transparency.GRANT_COLUMNS


def test_a_wrong_year_among_several_is_refused_before_any_list(tables):
    lists = transparency.vcs_grants_by_year(tables, ["2024-25", "2024/25"])
    with pytest.raises(ValueError, match="'2024/25' is not a financial year"):
        next(lists)


@pytest.mark.parametrize("year", ["2024-26", "2024", "24-25", "2024/25", ""])
def test_a_wrong_year_is_refused(tables, year):
    with pytest.raises(ValueError, match="financial year"):
        transparency.vcs_grants(tables, year)


# --- CSV --------------------------------------------------------------------------------------


def test_the_csv_has_a_bom_and_defuses_formulas(tables, tmp_path):
    register = transparency.contracts_register(tables)
    dangerous = ["=SUM(A1)", "+44 20 7525 5000", "-1", "@cmd", "\tTabbed", "\rReturned", "Safe = fine", "'quoted"]
    titles = (dangerous + register["Title of agreement"].tolist())[: len(register)]
    register["Title of agreement"] = pd.Series(titles, dtype="string")
    path = tmp_path / "register.csv"
    transparency.write_csv(register, path)
    raw = path.read_bytes()
    assert raw.startswith(BOM) and not raw.startswith(BOM + BOM)
    assert raw[len(BOM):].startswith("Reference number,Title of agreement,".encode())

    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(back.columns) == transparency.CONTRACT_COLUMNS  # pandas skips the BOM
    assert len(back) == len(register)
    shown = back["Title of agreement"].tolist()
    assert shown[0] == "'=SUM(A1)"
    for original, written in zip(titles, shown):
        starts_formula = original[:1] in ("=", "+", "-", "@", "\t", "\r")
        assert written == ("'" + original if starts_formula else original)

    # everything else reads back equal
    for column in transparency.CONTRACT_COLUMNS:
        if column == "Title of agreement":
            continue
        values = register[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            expected = [d.strftime("%Y-%m-%d") if not pd.isna(d) else "" for d in values]
            assert back[column].tolist() == expected, column
        elif pd.api.types.is_float_dtype(values):
            assert all("£" not in v and "," not in v and not v.endswith(".0") for v in back[column])
            assert [float(v) if v else None for v in back[column]] == \
                [None if pd.isna(v) else v for v in values], column
        else:
            assert back[column].tolist() == [("" if pd.isna(v) else v) for v in values], column


def test_csv_numbers_and_dates_are_plain(tmp_path):
    frame = pd.DataFrame({
        "text": pd.Series(["-5", "ok", None], dtype="string"),
        "amount": [-5.0, 1200.5, 170100.0],
        "when": pd.to_datetime(["2025-03-31", "2025-04-01", None]),
        "flag": pd.array([True, False, None], dtype="boolean"),
        "tiny": [0.00001, 1e16, float("nan")],
    })
    path = tmp_path / "plain.csv"
    transparency.write_csv(frame, path)
    text = path.read_bytes()[len(BOM):].decode("utf-8")
    assert text.split("\r\n") == [
        "text,amount,when,flag,tiny",
        "'-5,-5,2025-03-31,yes,0.00001",
        "ok,1200.5,2025-04-01,no,10000000000000000",
        ",170100,,,",
        "",
    ]


def test_the_vcs_grants_csv(tables, tmp_path):
    year = transparency.years_with_grants(tables)[-1]
    listed = transparency.vcs_grants(tables, year)
    path = tmp_path / f"vcs-grants-{year}.csv"
    transparency.write_csv(listed, path)
    assert path.read_bytes().startswith(BOM)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back["Grant identifier"].tolist() == listed["Grant identifier"].tolist()
    assert back["Date awarded"].tolist() == [d.strftime("%Y-%m-%d") for d in listed["Date awarded"]]
    assert [float(v) for v in back["Amount (£)"]] == listed["Amount (£)"].tolist()
