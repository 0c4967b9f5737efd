"""The sample's decisions: the real decisions bundled in reference/, then illustrative Gateway 0-3
decisions for the fictional contracts, intentions and programmes."""

from __future__ import annotations


import numpy as np
import pandas as pd

from ..config import REFERENCE_DIR
from .draw import _add_months, _dates, _day, _EPOCH, _money, _obj, _weekday, _yesno, _zfill
from .vocabulary import COMMISSIONERS, NHS_CHANGEOVER, REFERENCE_DATE

# ---------------------------------------------------------------------------
# Decisions and decision links
# ---------------------------------------------------------------------------

#: The real Southwark decisions bundled with the package (see its README beside it).
REAL_DECISIONS = REFERENCE_DIR / "southwark-decisions.csv"

DECISION_COLUMNS = [
    "decision_id", "provenance", "title", "gateway", "decision_maker", "decision_status", "key_decision",
    "reason_key", "subject_to_call_in", "decision_date", "publication_date", "effective_from", "wards_affected",
    "department", "purpose", "resolutions", "estimated_value_gbp", "value_basis", "contract_term", "client_group",
    "client_group_inferred", "source_url", "verification_note",
]
LINK_COLUMNS = ["decision_id", "contract_id", "intention_id", "programme", "gateway", "note"]

#: The decisions draw from their own generator, seeded from the main seed and this stream
#: number, so adding them left every other file byte for byte as it was.
DECISIONS_STREAM = 20161213

GATEWAY_THRESHOLD = 100_000  # Gateway decisions are made for contracts over this value
KEY_THRESHOLD = 500_000  # spending over this is a key decision
CABINET_THRESHOLD = 10_000_000  # Gateway decisions at or over this value go to Cabinet
MISSING_AWARD_SHARE = 50  # one contract over the threshold in this many has no award decision

# Illustrative decision makers: roles and bodies, never names.
CABINET_MEMBER = {
    "SWK-CFS": "Cabinet Member for Health and Wellbeing",
    "SWK-PCT": "Cabinet Member for Health and Wellbeing",
    "SWK-PH": "Cabinet Member for Health and Wellbeing",
    "SWK-HSG": "Cabinet Member for Council Homes and Homelessness",
    "SWK-ENV": "Cabinet Member for Environment and Communities",
    "SWK-RES": "Cabinet Member for Finance and Resources",
}
CHILDREN_CABINET_MEMBER = "Cabinet Member for Children, Education and Refugees"
OFFICER = {
    "SWK-CFS": "Strategic Director of Children's and Adults' Services",
    "SWK-PCT": "Strategic Director of Children's and Adults' Services",
    "SWK-PH": "Director of Public Health",
    "SWK-HSG": "Strategic Director of Housing",
    "SWK-ENV": "Strategic Director of Environment, Neighbourhoods and Growth",
    "SWK-RES": "Strategic Director of Resources",
}
NHS_COMMISSIONERS = ("NHS-SWK-CCG", "NHS-SEL-ICB")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def real_decisions() -> pd.DataFrame:
    """The bundled real decisions in the schema's columns, yes/no in lower case."""
    real = pd.read_csv(REAL_DECISIONS, dtype=str, keep_default_na=False, encoding="utf-8")
    real.insert(1, "provenance", "real")
    for column in ("key_decision", "subject_to_call_in", "client_group_inferred"):
        real[column] = real[column].str.lower()
    return real[DECISION_COLUMNS]


def _long_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as '1 April 2024'."""
    ymd = np.datetime_as_string(np.asarray(days, dtype=np.int64).astype("datetime64[D]"), unit="D")
    return _obj(f"{int(s[8:10])} {MONTHS[int(s[5:7]) - 1]} {s[:4]}" for s in ymd)


def _pounds(values: np.ndarray) -> np.ndarray:
    return _obj(f"£{v:,.0f}" if float(v).is_integer() else f"£{v:,.2f}" for v in np.asarray(values, dtype=float))


def _working_day(days: np.ndarray) -> np.ndarray:
    """The day itself, or the Friday before a weekend day."""
    wd = _weekday(days)
    return days - np.where(wd == 5, 1, np.where(wd == 6, 2, 0))


def _before(rng: np.random.Generator, days: np.ndarray, latest: int, spread: int = 240) -> np.ndarray:
    """The days, with any after `latest` moved to a random day up to `spread` days before it."""
    days = np.asarray(days, dtype=np.int64)
    return np.where(days > latest, latest - rng.integers(0, spread, size=len(days)), days)


def _term(months: np.ndarray) -> np.ndarray:
    months = np.asarray(months, dtype=np.int64)
    return np.where(months % 12 == 0, (months // 12).astype(str).astype(object) + np.where(months == 12, " year", " years"),
                    months.astype(str).astype(object) + " months").astype(object)


def _makers(commissioner: np.ndarray, client: np.ndarray, value: np.ndarray, day: np.ndarray,
            cabinet_from: float = CABINET_THRESHOLD) -> dict[str, np.ndarray]:
    """Decision maker, department, key-decision and call-in flags, status and wards for
    decisions of the given commissioners, values and dates."""
    nhs = np.isin(commissioner, NHS_COMMISSIONERS)
    member = _obj(CABINET_MEMBER.get(c, "") for c in commissioner)
    member[np.isin(commissioner, ["SWK-CFS", "SWK-PCT"]) & (client == "children and young people")] = \
        CHILDREN_CABINET_MEMBER
    officer = _obj(OFFICER.get(c, "") for c in commissioner)
    key = value > KEY_THRESHOLD
    maker = np.where(value >= cabinet_from, "Cabinet", np.where(key, member, officer)).astype(object)
    maker[nhs] = np.where(day[nhs] < _day(NHS_CHANGEOVER), "NHS Southwark Clinical Commissioning Group",
                          "NHS South East London Integrated Care Board")
    names = dict((c[0], c[1]) for c in COMMISSIONERS)
    department = _obj(names.get("SWK-CFS" if c == "SWK-PCT" else c, "") for c in commissioner)
    department[nhs] = ""
    return dict(
        decision_maker=maker,
        department=department,
        key_decision=np.where(nhs, "", _yesno(key)).astype(object),
        reason_key=np.where(key & ~nhs, "Expenditure > £500,000", "").astype(object),
        subject_to_call_in=np.where(nhs, "", _yesno(key | (maker == "Cabinet"))).astype(object),
        decision_status=np.where(nhs, "Approved", "Recommendations Approved").astype(object),
        wards_affected=np.where(nhs, "", "(All Wards)").astype(object),
    )


def _decision_rows(rng: np.random.Generator, gateway: int, day: np.ndarray, title: np.ndarray,
                   purpose: np.ndarray, resolutions: np.ndarray, value: np.ndarray, basis: str,
                   term: np.ndarray, commissioner: np.ndarray, client: np.ndarray, target: dict,
                   cabinet_from: float = CABINET_THRESHOLD) -> pd.DataFrame:
    """One illustrative decision per element, with its link (the target columns)."""
    n = len(day)
    day = _working_day(np.asarray(day, dtype=np.int64))
    made = _makers(commissioner, client, value, day, cabinet_from)
    nhs = np.isin(commissioner, NHS_COMMISSIONERS)
    published = day + np.where(nhs, rng.integers(7, 29, size=n), rng.integers(1, 4, size=n))
    published = _working_day(published) + np.where(_weekday(published) >= 5, 3, 0)  # the next Monday
    effective = published + 8  # five working days for call-in
    pence = np.rint(np.asarray(value, dtype=float) * 100).astype(np.int64)
    frame = pd.DataFrame({
        "_day": day,
        "provenance": "illustrative",
        "title": title,
        "gateway": "" if gateway < 0 else str(gateway),
        **{k: made[k] for k in ("decision_maker", "decision_status", "key_decision", "reason_key",
                                "subject_to_call_in")},
        "decision_date": _dates(day),
        "publication_date": _dates(published),
        "effective_from": _dates(effective, empty=nhs),
        "wards_affected": made["wards_affected"],
        "department": made["department"],
        "purpose": purpose,
        "resolutions": resolutions,
        "estimated_value_gbp": _money(pence),
        "value_basis": basis,
        "contract_term": term,
        "client_group": client,
        "client_group_inferred": "no",
        "source_url": "",
        "verification_note": "",
    })
    for column in ("contract_id", "intention_id", "programme"):
        frame["_" + column] = target.get(column, "")
    frame["_gateway"] = "" if gateway < 0 else str(gateway)
    frame["_note"] = target.get("note", "")
    return frame


def _first_term(cx: dict, total: np.ndarray, annual: np.ndarray) -> tuple[np.ndarray, ...]:
    """End day, value (pounds) and term text ('3 years from 1 April 2024') of each contract's first
    term, before any extension, with ' to <end>' for the award text and the terminated-early flag."""
    start, end = cx["start"], cx["end"]
    extended = cx["status"] == "extended"
    first_end = np.where(extended, _add_months(end + 1, -12) - 1, end)
    first_end = np.where(first_end > start + 180, first_end, end)
    first_value = np.where(extended & (total - annual > 0), total - annual, total)
    months = np.maximum(1, np.rint((first_end - start + 1) / 30.44)).astype(np.int64)
    starts, ends = _long_dates(start), _long_dates(first_end)
    # A contract terminated early was let for longer than it ran: its term is not known here.
    early = cx["status"] == "terminated early"
    term = np.where(early, "from " + starts, _term(months) + " from " + starts).astype(object)
    to_end = np.where(early, "", " to " + ends).astype(object)
    return first_end, first_value, term, to_end, early


def _contract_decisions(rng: np.random.Generator, contracts: pd.DataFrame, cx: dict, orgs: pd.DataFrame,
                        latest: int) -> list[pd.DataFrame]:
    """Gateway 1, 2 and 3 decisions for the contracts over GATEWAY_THRESHOLD (see ``_decisions``)."""
    parts: list[pd.DataFrame] = []
    total = cx["total_pence"] / 100
    annual = pd.to_numeric(contracts["annual_value_gbp"]).to_numpy()
    over = np.nonzero(total > GATEWAY_THRESHOLD)[0]
    missing = rng.choice(over, size=len(over) // MISSING_AWARD_SHARE, replace=False) if len(over) else over
    start, end = cx["start"], cx["end"]
    extended = cx["status"] == "extended"
    first_end, first_value, term, to_end, early = _first_term(cx, total, annual)
    titles = contracts["title"].to_numpy(dtype=object)
    lower = _obj(t[:1].lower() + t[1:] for t in titles)
    names = dict(zip(orgs["org_id"], orgs["name"]))
    supplier = _obj(names[o] for o in contracts["supplier_org_id"])
    route = contracts["procurement_route"].to_numpy(dtype=object)
    commissioner = cx["commissioner"]
    client = contracts["client_group"].to_numpy(dtype=object)
    ids = contracts["contract_id"].to_numpy(dtype=object)
    nhs = np.isin(commissioner, NHS_COMMISSIONERS)

    award = start - rng.integers(35, 100, size=len(start))
    strategy = award - rng.integers(120, 300, size=len(start))

    sel = over[route[over] != "spot purchase"]
    parts.append(_decision_rows(
        rng, 1, strategy[sel],
        np.where(nhs[sel], "Procurement strategy approval: ", "Gateway 1 - Procurement Strategy Approval: ") + titles[sel],
        "To approve the procurement strategy for " + lower[sel] + ".",
        "Procurement strategy approved: " + route[sel] + " for a contract " + np.where(early[sel], "", "of ") + term[sel]
        + ", estimated total value " + _pounds(first_value[sel])
        + " | The contract award to be brought back for approval (Gateway 2)",
        first_value[sel], "estimated total contract value", term[sel], commissioner[sel], client[sel],
        {"contract_id": ids[sel]}))

    sel = np.setdiff1d(over, missing)
    parts.append(_decision_rows(
        rng, 2, award[sel],
        np.where(nhs[sel], "Contract award approval: ", "Gateway 2 - Contract Award Approval: ") + titles[sel],
        "To approve the award of the contract for " + lower[sel] + ".",
        "Contract for " + lower[sel] + " awarded to " + supplier[sel] + np.where(early[sel], " ", " for ") + term[sel] + to_end[sel]
        + ", total value " + _pounds(first_value[sel]) + " | London Living Wage and social value commitments noted",
        first_value[sel], "total contract value", term[sel], commissioner[sel], client[sel],
        {"contract_id": ids[sel]}))

    sel = over[extended[over]]
    if len(sel):
        lo = np.minimum(start[sel] + 30, latest)
        variation = _before(rng, first_end[sel] - rng.integers(60, 150, size=len(sel)), latest)
        variation = np.maximum(variation, lo)
        parts.append(_decision_rows(
            rng, 3, variation,
            np.where(nhs[sel], "Contract extension approval: ", "Gateway 3 - Variation Decision: extension of ")
            + lower[sel],
            "To approve the extension of the contract for " + lower[sel] + ".",
            "Contract for " + lower[sel] + " with " + supplier[sel] + " extended by up to 12 months to "
            + _long_dates(end[sel]) + ", at a cost of up to " + _pounds(annual[sel]),
            annual[sel], "value of the extension", _obj(["up to 12 months"] * len(sel)), commissioner[sel],
            client[sel], {"contract_id": ids[sel], "note": "Approves an extension of up to 12 months."}))
    return parts


def _intention_decisions(rng: np.random.Generator, intentions: pd.DataFrame, latest: int) -> list[pd.DataFrame]:
    """Gateway 0, 1 and 2 decisions for the commissioning intentions (see ``_decisions``)."""
    parts: list[pd.DataFrame] = []
    value = pd.to_numeric(intentions["estimated_value_gbp"]).to_numpy()
    status = intentions["status"].to_numpy(dtype=object)
    i_start = (intentions["planned_start_date"].to_numpy().astype("datetime64[D]") - _EPOCH).astype(np.int64)
    i_title = intentions["title"].to_numpy(dtype=object)
    i_lower = _obj(t[:1].lower() + t[1:] for t in i_title)
    i_comm = intentions["commissioner_id"].to_numpy(dtype=object)
    i_client = intentions["client_group"].to_numpy(dtype=object)
    i_route = intentions["intended_route"].to_numpy(dtype=object)
    i_ids = intentions["intention_id"].to_numpy(dtype=object)
    i_nhs = np.isin(i_comm, NHS_COMMISSIONERS)
    n_i = len(intentions)
    big = value > GATEWAY_THRESHOLD
    awarded = big & (status == "awarded")
    procuring = big & (status == "in procurement")
    i_award = np.minimum(latest - rng.integers(0, 80, size=n_i), i_start - 60)
    i_strategy = np.where(awarded, i_award - rng.integers(120, 300, size=n_i),
                          _before(rng, i_start - rng.integers(240, 420, size=n_i), latest))
    options = np.where(procuring, i_strategy - rng.integers(90, 240, size=n_i), latest - rng.integers(0, 200, size=n_i))
    has_options = ((procuring & (rng.random(n_i) < 0.5)) | ((status == "planned") & (rng.random(n_i) < 0.4))) \
        & (value >= 1_000_000)
    i_term = "from " + _long_dates(i_start)

    sel = np.nonzero(has_options)[0]
    parts.append(_decision_rows(
        rng, 0, options[sel],
        np.where(i_nhs[sel], "Strategic options assessment: ", "Gateway 0 - Strategic Options Assessment: ") + i_title[sel],
        "To agree how " + i_lower[sel] + " should be provided " + i_term[sel] + ".",
        "Strategic options assessed; the preferred option is a " + i_route[sel]
        + " | A procurement strategy to be brought for approval (Gateway 1)",
        value[sel], "estimated total value", i_term[sel], i_comm[sel], i_client[sel], {"intention_id": i_ids[sel]}))
    sel = np.nonzero(procuring | awarded)[0]
    parts.append(_decision_rows(
        rng, 1, i_strategy[sel],
        np.where(i_nhs[sel], "Procurement strategy approval: ", "Gateway 1 - Procurement Strategy Approval: ") + i_title[sel],
        "To approve the procurement strategy for " + i_lower[sel] + ".",
        "Procurement strategy approved: " + i_route[sel] + " for a service starting " + _long_dates(i_start[sel])
        + ", estimated total value " + _pounds(value[sel])
        + " | The contract award to be brought back for approval (Gateway 2)",
        value[sel], "estimated total value", i_term[sel], i_comm[sel], i_client[sel], {"intention_id": i_ids[sel]}))
    sel = np.nonzero(awarded)[0]
    parts.append(_decision_rows(
        rng, 2, i_award[sel],
        np.where(i_nhs[sel], "Contract award approval: ", "Gateway 2 - Contract Award Approval: ") + i_title[sel],
        "To approve the award of the contract for " + i_lower[sel] + ".",
        "Contract for " + i_lower[sel] + " awarded for a start on " + _long_dates(i_start[sel]) + ", total value "
        + _pounds(value[sel]) + " | Contract details to be published once signed",
        value[sel], "total contract value", i_term[sel], i_comm[sel], i_client[sel], {"intention_id": i_ids[sel]}))
    return parts


def _programme_decisions(rng: np.random.Generator, grants: pd.DataFrame) -> list[pd.DataFrame]:
    """The decisions establishing the four grant programmes with the largest totals."""
    parts: list[pd.DataFrame] = []
    named = grants[grants["programme"] != ""]
    amounts = pd.to_numeric(named["amount_awarded"])
    totals = amounts.groupby(named["programme"], sort=True).sum().sort_values(ascending=False, kind="mergesort")
    top = list(totals.index[:4])
    if top:
        first_award = named.groupby("programme")["award_date"].min()
        dept = dict(zip(named["programme"], named["department_id"]))
        budget = np.array([np.ceil(totals[p] / 100_000) * 100_000 for p in top])
        day = np.array([_day(first_award[p]) for p in top]) - rng.integers(30, 120, size=len(top))
        comm = _obj(dept[p] for p in top)
        officers = _obj(OFFICER.get(c, "the responsible strategic director") for c in comm)
        programme = _obj(top)
        parts.append(_decision_rows(
            rng, -1, day, programme + ": establishing the fund and its criteria",
            "To establish the " + programme + " and agree its purpose, criteria and budget.",
            "The " + programme + " established, with a budget of up to " + _pounds(budget)
            + " over its funding rounds | Funding criteria agreed | Grant awards delegated to the "
            + officers, budget, "budget over the fund's rounds", _obj([""] * len(top)), comm,
            _obj(["other"] * len(top)), {"programme": programme}, cabinet_from=1_000_000))
    return parts


def _numbered(parts: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The decisions (real first, then the illustrative ones in date order, numbered) and their links."""
    made = pd.concat(parts, ignore_index=True)
    made = made.iloc[np.lexsort((np.arange(len(made)), made["_day"].to_numpy()))].reset_index(drop=True)
    width = max(4, len(str(len(made))))
    made.insert(0, "decision_id", "ILL-DEC-" + _zfill(np.arange(1, len(made) + 1), width))
    links = pd.DataFrame({
        "decision_id": made["decision_id"],
        "contract_id": made["_contract_id"],
        "intention_id": made["_intention_id"],
        "programme": made["_programme"],
        "gateway": made["_gateway"],
        "note": made["_note"],
    })
    decisions = pd.concat([real_decisions(), made[DECISION_COLUMNS]], ignore_index=True)
    return decisions, links[LINK_COLUMNS]


def _decisions(seed: int, contracts: pd.DataFrame, cx: dict, orgs: pd.DataFrame, intentions: pd.DataFrame,
               grants: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The real decisions, then illustrative Gateway decisions for the contracts and
    intentions over £100,000 and decisions establishing the largest grant programmes.

    Contracts: Gateway 1 (procurement strategy) 4 to 10 months before the award, except spot
    purchases; Gateway 2 (contract award) 5 to 14 weeks before the start, except for one
    contract in MISSING_AWARD_SHARE (the data quality pages show them); Gateway 3 for extended
    contracts. Intentions: Gateway 1 when in procurement (and Gateway 0 for some over £1m),
    Gateways 1 and 2 when awarded, Gateway 0 for some planned ones over £1m. No real decision
    is linked: they concern real contracts, which are not in this fictional data.
    """
    rng = np.random.default_rng([seed, DECISIONS_STREAM])
    ref = _day(REFERENCE_DATE)
    latest = ref - 45  # decisions are published (and in effect) by the reference date
    parts: list[pd.DataFrame] = []
    parts += _contract_decisions(rng, contracts, cx, orgs, latest)
    parts += _intention_decisions(rng, intentions, latest)
    parts += _programme_decisions(rng, grants)
    return _numbered(parts)
