"""Illustrative contract KPIs (contract_kpis.csv) for the sample's largest contracts.

The Procurement Act 2023 asks for at least three key performance indicators (KPIs) for a contract
worth more than £5 million, and an assessment against them, rated Good, Approaching target, Requires
improvement, Inadequate or Other, at least once every 12 months. The sample gives KPIs to every
contract over £5 million that runs on or after 24 February 2025, when the Act came into force: those
that started before then (let under the old rules, so not covered) are shown for illustration, with
quarterly periods from 1 April 2025; one that starts later has quarters from its start (the first
period a month when a quarter would not be over and published by the reference date, so that every
such contract has a rated period). Each KPI gets a row per period up to the reference date: rated
and published when the period ended at least a fortnight before it, otherwise (the current period)
not yet assessed. Every KPI, target, result and rating is invented.

All randomness comes from its own generator, ``numpy.random.default_rng([seed, KPI_STREAM])``, and
this table is made last, so every other file is the same with or without it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .draw import _add_months, _day
from .vocabulary import CATALOGUE, REFERENCE_DATE

KPI_STREAM = 23
ACT_IN_FORCE = "2025-02-24"
FIRST_QUARTER = "2025-04-01"  # the periods of contracts let before the Act start here
THRESHOLD_PENCE = 5_000_000 * 100
PUBLISHED_AFTER = (21, 50)  # days from a period's end to its assessment's publication
RATED_AFTER = 14  # a period is rated when it ended at least this many days before the reference date
P_OTHER = 0.03  # a period rated Other (not comparable), with no result value
P_REMARK = 0.6  # a result below target with a comment on it

# A KPI: (what is measured, target in words, target value, unit, higher is better, the outcome it serves,
# spread of results around the target in the unit). A target value of None: a target in words only,
# rated from an inspection or a review (TEXT_RESULTS).
H, L = True, False
PERCENT = "percent"
KPIS: dict[str, list[tuple]] = {
    "Home care": [
        ("Care visits that start within 15 minutes of the planned time", "At least 95% of visits", 95, PERCENT, H,
         "OC4", 3),
        ("Missed care visits per 1,000 planned visits", "No more than 1 missed visit per 1,000", 1,
         "missed visits per 1,000", L, None, 0.6),
        ("New care packages started within 5 working days of the referral", "At least 90% of packages", 90,
         PERCENT, H, "OC4", 5),
        ("People who say their care workers treat them with dignity and respect (quarterly survey)",
         "At least 90% of people asked", 90, PERCENT, H, "OC4", 4),
        ("Care Quality Commission rating of the provider's registered service", "Rated Good or Outstanding",
         None, None, H, None, 0),
    ],
    "Supported living for adults with learning disabilities": [
        ("Tenants whose support plan was reviewed with them in the last 6 months", "At least 95% of tenants", 95,
         PERCENT, H, "OC4", 3),
        ("Tenants taking part in paid or voluntary work, learning or leisure each week", "At least 60% of tenants",
         60, PERCENT, H, "OC4", 6),
        ("Safeguarding concerns reported to the council within 24 hours", "100% of concerns", 100, PERCENT, H,
         None, 2),
        ("Support staff who left in the last 12 months", "No more than 20% of staff", 20, PERCENT, L, None, 4),
        ("Tenants with a tenancy agreement in their own name", "At least 90% of tenants", 90, PERCENT, H, "OC6",
         3),
    ],
    "Substance misuse treatment and recovery service": [
        ("People who start treatment within 3 weeks of referral", "At least 95% of people", 95, PERCENT, H,
         "OC1", 3),
        ("Opiate users who finish treatment successfully and do not return within 6 months",
         "At least 6% of opiate users in treatment", 6, PERCENT, H, "OC1", 1),
        ("People in treatment whose recovery care plan was reviewed in the last 12 weeks",
         "At least 90% of people", 90, PERCENT, H, None, 4),
        ("Naloxone kits given to people at risk of an opioid overdose, and their families",
         "At least 100 kits a quarter", 100, "kits", H, "OC1", 20),
        ("Service users who say they feel safer in their community", "At least 75% of people asked", 75,
         PERCENT, H, "OC3", 6),
    ],
    "Sexual health services": [
        ("People who need an urgent appointment offered one within 48 hours", "At least 98% of people", 98,
         PERCENT, H, "OC1", 1.5),
        ("New patients offered an HIV test at their first visit", "At least 95% of new patients", 95, PERCENT,
         H, "OC1", 3),
        ("Online test kits sent out that are returned to the laboratory", "At least 65% of kits", 65, PERCENT,
         H, None, 5),
        ("Days from a positive chlamydia test to treatment", "No more than 6 days on average", 6, "days", L,
         None, 1),
    ],
    "Mental health supported housing": [
        ("Residents who move on to more independent housing in a planned way", "At least 50% of those leaving",
         50, PERCENT, H, "OC6", 8),
        ("Residents whose recovery plan was reviewed in the last 3 months", "At least 95% of residents", 95,
         PERCENT, H, "OC1", 3),
        ("Residents admitted to a mental health hospital bed in the period", "No more than 10% of residents", 10,
         PERCENT, L, "OC1", 3),
        ("Empty rooms ready to let within 10 working days", "At least 90% of rooms", 90, PERCENT, H, None, 6),
    ],
    "Children's centre services": [
        ("Families with a child under 5 living in the area registered with a children's centre",
         "At least 80% of families", 80, PERCENT, H, "OC2", 4),
        ("Families from the most deprived neighbourhoods seen at least once in the period",
         "At least 65% of registered families", 65, PERCENT, H, "OC2", 5),
        ("Parents who complete a parenting programme they started", "At least 75% of parents", 75, PERCENT, H,
         "OC2", 6),
        ("Families who say the centre helped them (exit survey)", "At least 85% of families asked", 85, PERCENT,
         H, None, 4),
    ],
    "Supported accommodation for young people leaving care": [
        ("Young people who move on to a settled home of their own in a planned way",
         "At least 75% of those moving on", 75, PERCENT, H, "OC6", 8),
        ("Young people in education, employment or training", "At least 65% of young people", 65, PERCENT, H,
         "OC2", 6),
        ("Placements that start within 10 working days of the referral", "At least 90% of placements", 90,
         PERCENT, H, None, 5),
        ("Young people who say they feel safe where they live", "At least 90% of young people asked", 90,
         PERCENT, H, "OC2", 4),
    ],
    "Health visiting and school nursing (0 to 19 service)": [
        ("New birth visits within 14 days of the birth", "At least 95% of births", 95, PERCENT, H, "OC2", 2),
        ("Children who have their 2 to 2 and a half year review", "At least 85% of children", 85, PERCENT, H,
         "OC2", 4),
        ("Babies breastfed at 6 to 8 weeks", "At least 60% of babies", 60, PERCENT, H, "OC1", 4),
    ],
    "Domestic abuse advocacy and refuge service": [
        ("New referrals contacted within one working day", "At least 95% of referrals", 95, PERCENT, H, None, 3),
        ("Clients who say they feel safer when their case closes", "At least 85% of clients", 85, PERCENT, H,
         "OC3", 5),
        ("Refuge places occupied", "At least 90% of nights", 90, PERCENT, H, None, 4),
    ],
}
# Services with no KPIs of their own: a set for their client group.
BY_CLIENT_GROUP: dict[str, list[tuple]] = {
    "mental health": [
        ("People who start using the service within 4 weeks of referral", "At least 85% of people", 85, PERCENT,
         H, "OC1", 5),
        ("People whose wellbeing score improved by the end of their support", "At least 60% of people", 60,
         PERCENT, H, "OC1", 6),
        ("Service users who would recommend the service", "At least 85% of people asked", 85, PERCENT, H, None, 4),
    ],
    "children and young people": [
        ("Children and young people seen within 4 weeks of referral", "At least 90% of referrals", 90, PERCENT, H,
         "OC2", 4),
        ("Families who say their child is doing better after support", "At least 75% of families asked", 75,
         PERCENT, H, "OC2", 6),
        ("Sessions delivered as planned", "At least 95% of sessions", 95, PERCENT, H, None, 3),
    ],
    "older adults": [
        ("People whose support started within 5 working days of referral", "At least 90% of people", 90, PERCENT,
         H, "OC4", 5),
        ("People still living at home 91 days after the service", "At least 82% of people", 82, PERCENT, H,
         "OC4", 4),
        ("People who say the service helped them stay independent", "At least 85% of people asked", 85, PERCENT,
         H, "OC4", 4),
    ],
    "complex needs": [
        ("People whose support plan was agreed within 10 working days of starting", "At least 90% of people", 90,
         PERCENT, H, None, 5),
        ("People who move on in a planned way", "At least 60% of those leaving", 60, PERCENT, H, "OC6", 8),
        ("Safeguarding concerns reported to the council within 24 hours", "100% of concerns", 100, PERCENT, H,
         None, 2),
    ],
    "other": [
        ("Service requests completed within the agreed time", "At least 95% of requests", 95, PERCENT, H, None, 3),
        ("Residents satisfied with the service (survey)", "At least 80% of residents asked", 80, PERCENT, H, None,
         5),
        ("Staff paid at least the London Living Wage", "100% of staff", 100, PERCENT, H, "OC5", 1),
    ],
}
# Every contract also reports on the London Living Wage when its service's list has room.
LIVING_WAGE = ("Staff working on the contract paid at least the London Living Wage", "100% of staff", 100, PERCENT,
               H, "OC5", 1)

TEXT_RESULTS = {  # results of KPIs with a target in words: (rating, result)
    "Good": ["Rated Good at the last inspection; no new inspection in this period.",
             "Rated Good at inspection in this period."],
    "Requires improvement": ["Rated Requires improvement at inspection in this period; the provider's action "
                             "plan is agreed and checked monthly."],
}
REMARKS = {
    "Approaching target": ["Just below target: staff vacancies in the period; recruitment under way.",
                           "Below target in the first month of the period, on target since.",
                           "Close to target; the provider's improvement plan is reviewed at monthly meetings."],
    "Requires improvement": ["Below target: a performance improvement plan was agreed with the provider.",
                             "Below target after a rise in referrals; extra capacity agreed for the next period.",
                             "Below target: the provider is changing how appointments are booked."],
    "Inadequate": ["Well below target: the council issued a formal performance notice and meets the provider "
                   "weekly until it improves.",
                   "Well below target while the service moved to new premises; a recovery plan is in place."],
}
OTHER_RESULT = ("Not assessed against the target: the way the figure is counted changed in this period, so it "
                "cannot be compared with the target.")


def _service_kpis(entry: int, client_group: str) -> list[tuple]:
    title = CATALOGUE[entry][0]
    kpis = list(KPIS.get(title, BY_CLIENT_GROUP.get(client_group, BY_CLIENT_GROUP["other"])))
    if LIVING_WAGE[0] not in [k[0] for k in kpis] and not any("Living Wage" in k[0] for k in kpis):
        kpis.append(LIVING_WAGE)
    return kpis


def _month(day: int, months: int) -> int:
    return int(_add_months(np.array([day]), months)[0])


def _periods(start: int, end: int, act: bool, ref: int) -> list[tuple[int, int]]:
    """The KPI periods of one contract (inclusive day numbers), up to the one running on the reference
    date: quarters from the contract's start (under the Act) or from 1 April 2025 (before it)."""
    anchor = start if act else _day(FIRST_QUARTER)
    at = max(start, anchor)
    periods = []
    while at <= min(ref, end):
        n = 1
        while _month(anchor, 3 * n) <= at:
            n += 1
        stop = _month(anchor, 3 * n) - 1
        if act and not periods and stop + RATED_AFTER > ref:
            stop = _month(anchor, 1) - 1  # a first month, rated and published by the reference date
        stop = min(stop, end)
        periods.append((at, stop))
        if stop + RATED_AFTER > ref:
            break
        at = stop + 1
    return periods


def _iso(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


def _value_text(value: float, unit: str | None) -> str:
    if unit == PERCENT or (unit and "per 1,000" in unit):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(int(round(value)))


def _rate(result: float, target: float, higher: bool, spread: float) -> str:
    gap = (result - target) if higher else (target - result)
    if gap >= 0:
        return "Good"
    if gap >= -0.6 * spread:
        return "Approaching target"
    if gap >= -1.6 * spread:
        return "Requires improvement"
    return "Inadequate"


def _contract_kpis(seed: int, contracts: pd.DataFrame, cx: dict, funding_outcomes: pd.DataFrame) -> pd.DataFrame:
    """The contract_kpis table (see the module's docstring)."""
    rng = np.random.default_rng([seed, KPI_STREAM])
    ref = _day(REFERENCE_DATE)
    act = _day(ACT_IN_FORCE)
    aligned: dict[str, set] = {}
    for contract_id, outcome_id in zip(funding_outcomes["contract_id"], funding_outcomes["outcome_id"]):
        if contract_id:
            aligned.setdefault(contract_id, set()).add(outcome_id)
    columns = ["contract_id", "kpi_id", "kpi", "target", "target_value", "result_value", "result", "unit",
               "period_start", "period_end", "rating", "outcome_id", "published"]
    rows = []
    ended = np.isin(cx["status"], ["ended", "terminated early"])
    chosen = np.flatnonzero((cx["total_pence"] > THRESHOLD_PENCE) & (cx["start"] <= ref)
                            & (ended & (cx["end"] >= act) | ~ended))
    for i in chosen:
        contract_id = contracts["contract_id"].iat[i]
        start, end = int(cx["start"][i]), int(cx["end"][i])
        periods = _periods(start, end, start >= act, ref)
        if not periods:
            continue
        service = _service_kpis(int(cx["entry"][i]), contracts["client_group"].iat[i])
        k = int(rng.integers(3, len(service) + 1))
        picked = sorted(rng.choice(len(service), size=k, replace=False).tolist())
        for n, spec_at in enumerate(picked, start=1):
            kpi, target, target_value, unit, higher, outcome, spread = service[spec_at]
            level = rng.normal(0.6, 0.8)  # how well this supplier does on this KPI
            outcome = outcome if outcome in aligned.get(contract_id, ()) else ""
            for p_start, p_end in periods:
                row = dict(contract_id=contract_id, kpi_id=f"KPI{n}", kpi=kpi, target=target,
                           target_value="" if target_value is None else _value_text(target_value, unit),
                           result_value="", result="", unit=unit or "", period_start=_iso(p_start),
                           period_end=_iso(p_end), rating="", outcome_id=outcome, published="")
                noise = rng.normal(0.0, 0.8)
                draw = rng.random(3)
                if p_end + RATED_AFTER <= ref:
                    published = min(p_end + int(PUBLISHED_AFTER[0] + draw[0] * (PUBLISHED_AFTER[1] - PUBLISHED_AFTER[0])),
                                    ref)
                    row["published"] = _iso(published)
                    if target_value is None:
                        rating = "Good" if level + noise > -0.8 else "Requires improvement"
                        row["rating"] = rating
                        row["result"] = TEXT_RESULTS[rating][int(draw[1] * len(TEXT_RESULTS[rating]))]
                    elif draw[2] < P_OTHER:
                        row["rating"], row["result"] = "Other", OTHER_RESULT
                    else:
                        result = target_value + (1 if higher else -1) * (level + noise) * spread
                        if unit == PERCENT:
                            result = min(100.0, max(0.0, result))
                        result = max(0.0, result)
                        shown = _value_text(result, unit)
                        rating = _rate(float(shown), target_value, higher, spread)
                        row["result_value"], row["rating"] = shown, rating
                        if rating in REMARKS and draw[1] < P_REMARK:
                            options = REMARKS[rating]
                            row["result"] = options[int(draw[1] / P_REMARK * len(options)) % len(options)]
                rows.append(row)
    return pd.DataFrame(rows, columns=columns)
