"""Seeded, deterministic generator of ILLUSTRATIVE sample data.

Writes the thirteen CSV files described by ``data/datapackage.json`` (the schemas
live in ``schemas/*.json``) for a fictional picture of the London Borough of
Southwark's commissioning: wards, commissioners, organisations, contracts,
grants, commissioning intentions, outcomes, indicators, measurements, the
alignment of funding to outcomes, the largest contracts' KPIs (kpis.py), and the decisions
behind them with their links.

The ward names are real, and so are the decisions with provenance ``real`` (copied
from ``reference/southwark-decisions.csv``; none is linked to the fictional data).
Every organisation, contract, grant, other decision and figure is invented.  The
same seed and size always give byte-identical files: all randomness comes from
``numpy.random.default_rng(seed)`` (the decisions and the contract KPIs from generators of
their own seeded from the same seed, so the other files do not depend on them) and no date is
taken from the clock (the reference "today" is ``REFERENCE_DATE``).

The command is ``python -m generator sample --out DIR [--grants 1600] [--seed 2016]`` (cli.py);
from Python::

    from generator.sample.generate import generate
    counts = generate(pathlib.Path("out"), grants=1600, seed=2016)

generate.py writes the tables; vocabulary.py holds the names, places, programmes and other
words they are made from; draw.py the random draws and date arithmetic on numpy arrays;
decisions.py the real decisions and the illustrative Gateway decisions; kpis.py the contract KPIs.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

from ..config import REFERENCE_DIR
from .decisions import _decisions
from .equality import equality_columns
from .kpis import _contract_kpis
from .draw import _add_months, _alloc, _dates, _day, _first_of_month, _money, _norm, _num, _obj, _pick, _unique_from_ranges, _weekday, _write, _yesno, _zfill
from .vocabulary import OT, SAMPLE_DISTRICT, AREA_SUFFIXES, BIG_BUSINESS, CATALOGUE, CBS_NOUNS, CHARITY_FOCUS, CHARITY_FORMS, CIC_NOUNS, CIO_FORMS, CLG_NOUNS, COMMISSIONERS, COMMUNITIES, COMPANY_SUFFIX, COUNCIL_DEPARTMENTS, GRANT_EXTRAS, GROUP_NOUNS, INDICATORS, INTENTION_REASONS, LOCAL_PLACES, NHS_BODIES, NHS_CHANGEOVER, OUTCOMES, OUTSIDE_PLACES, P_NO_PROGRAMME, PARK_SUFFIX, PROGRAMMES, REFERENCE_DATE, ROUTES, SCHOOL_FORMS, SME_BUSINESS, SOCIAL_VALUE, STREETS, WARD_NEED, WARD_PLACES, WARDS


# ---------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------

MAX_CONTRACTS = 99_999
MAX_INTENTIONS = 9_999
MAX_ORGANISATIONS = 500_000


def sizes(grants: int) -> dict[str, int]:
    """Row counts (or targets) derived from the number of grants."""
    if grants < 1:
        raise ValueError("grants must be at least 1")
    return {
        "grants": grants,
        "organisations": min(MAX_ORGANISATIONS, max(10, grants // 3)),
        "contracts": min(MAX_CONTRACTS, max(5, grants // 5)),
        "commissioning_intentions": min(MAX_INTENTIONS, max(10, grants // 40)),
    }


# ---------------------------------------------------------------------------
# Wards, commissioners, outcomes, indicators
# ---------------------------------------------------------------------------


def _ons_ward_codes(district: str) -> dict[str, str]:
    """{ward name: ONS code} of a district, from the ONS lookup in generator/reference/ons/ (read here
    rather than through data/wards.py: the sample uses only config, findings and git)."""
    lookup = pd.read_csv(REFERENCE_DIR / "ons" / "wards-2022.csv", dtype=str, keep_default_na=False)
    lookup = lookup[lookup["LAD22NM"] == district]
    return dict(zip(lookup["WD22NM"], lookup["WD22CD"]))


def _wards() -> pd.DataFrame:
    names = sorted(WARDS)
    codes = _ons_ward_codes(SAMPLE_DISTRICT)
    return pd.DataFrame({"ward_name": names, "ons_code": [codes.get(w, "") for w in names]})


def _commissioners() -> pd.DataFrame:
    cols = ["commissioner_id", "name", "commissioner_type", "org_id", "active_from", "active_to", "note"]
    df = pd.DataFrame(COMMISSIONERS, columns=cols)
    return df.sort_values("commissioner_id", kind="mergesort").reset_index(drop=True)


def _outcomes() -> pd.DataFrame:
    return pd.DataFrame(OUTCOMES, columns=["outcome_id", "theme", "title", "description"])


def _indicators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": [i["id"] for i in INDICATORS],
            "outcome_id": [i["oc"] for i in INDICATORS],
            "title": [i["title"] for i in INDICATORS],
            "unit": [i["unit"] for i in INDICATORS],
            "higher_is_better": ["yes" if i["hib"] else "no" for i in INDICATORS],
            "source": [i["src"] for i in INDICATORS],
        }
    )


# ---------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------

ORG_TYPES = [
    # type, share of the "ordinary" organisations, share based in the borough
    ("registered charity", 0.40, 0.52),
    ("charitable incorporated organisation", 0.13, 0.60),
    ("company limited by guarantee", 0.07, 0.50),
    ("private limited company", 0.16, 0.35),
    ("community interest company", 0.09, 0.65),
    ("community benefit society", 0.03, 0.60),
    ("unregistered community group", 0.12, 0.92),
]


def _org_names(rng: np.random.Generator, otype: str, ward: np.ndarray, big: np.ndarray, ext: bool) -> np.ndarray:
    """Fictional names for organisations of one type (object array).

    Organisations based in the borough are mostly named after a place in
    their own ward; those outside get a neutral, invented name.
    """
    n = len(ward)
    if n == 0:
        return np.zeros(0, dtype=object)
    local = ward != ""
    place = _pick(rng, OUTSIDE_PLACES, n)
    u = rng.random(n)
    for w in WARDS:
        sel = ward == w
        k = int(sel.sum())
        if k:
            place[sel] = _pick(rng, WARD_PLACES[w], k)
    other_local = local & (u < 0.06)
    place[other_local] = _pick(rng, LOCAL_PLACES, int(other_local.sum()))
    if ext:  # second and later attempts: a richer template so that names stay unique
        two = rng.random(n) < 0.5
        place2 = _pick(rng, LOCAL_PLACES + OUTSIDE_PLACES, n)
        place = np.where(two & (place != place2), place + " and " + place2, place).astype(object)
    p_comm = 0.5 if ext else 0.08
    comm = np.where(rng.random(n) < p_comm, _pick(rng, COMMUNITIES, n) + " ", "").astype(object)

    if otype == "registered charity":
        name = place + " " + comm + _pick(rng, CHARITY_FOCUS, n) + " " + _pick(rng, CHARITY_FORMS, n)
    elif otype == "charitable incorporated organisation":
        name = place + " " + comm + _pick(rng, CHARITY_FOCUS, n) + " " + _pick(rng, CIO_FORMS, n)
    elif otype == "company limited by guarantee":
        name = place + " " + _pick(rng, CLG_NOUNS, n)
    elif otype == "community interest company":
        name = place + " " + _pick(rng, CIC_NOUNS, n) + " CIC"
    elif otype == "community benefit society":
        name = place + " " + _pick(rng, CBS_NOUNS, n)
    elif otype == "private limited company":
        biz = np.where(big, _pick(rng, BIG_BUSINESS, n), _pick(rng, SME_BUSINESS, n)).astype(object)
        name = place + " " + biz + " " + _pick(rng, COMPANY_SUFFIX, n)
    elif otype == "unregistered community group":
        street = _pick(rng, STREETS, n)
        t = rng.choice(4, size=n, p=[0.3, 0.4, 0.12, 0.18])
        tra = street + " Estate Tenants and Residents' Association"
        club = place + " " + comm + _pick(rng, GROUP_NOUNS, n)
        friends = "Friends of " + street + " " + _pick(rng, PARK_SUFFIX, n)
        women = place + " " + _pick(rng, COMMUNITIES, n) + " " + _pick(
            rng, ["Women's Group", "Elders' Group", "Community Group", "Parents' Group", "Youth Group"], n)
        name = np.select([t == 0, t == 1, t == 2], [tra, club, friends], women).astype(object)
    elif otype == "school":
        name = _pick(rng, STREETS, n) + " " + _pick(rng, SCHOOL_FORMS, n)
    else:  # pragma: no cover - NHS bodies and local authorities are named from fixed lists
        raise ValueError(otype)
    return name.astype(object)


def _org_plan(n: int) -> tuple[list[tuple[str, int, float]], int]:
    """(type, count, share based in the borough) for the drawn organisation types, and the NHS count."""
    n_nhs = min(len(NHS_BODIES), n // 80)
    n_la = 0  # no local authorities: their names would be real organisations with invented money
    n_school = min(200, n // 40)
    counts = _alloc(n - n_nhs - n_la - n_school, [t[1] for t in ORG_TYPES])
    plan = []
    for (otype, _share, p_local), k in zip(ORG_TYPES, counts):
        plan.append((otype, int(k), p_local))
    plan.append(("school", n_school, 0.9))
    return plan, n_nhs


def _register_numbers(rng: np.random.Generator, plan: list[tuple[str, int, float]]) -> dict:
    """Register numbers for every organisation type, drawn so that none repeat."""
    n_char = dict((t, k) for t, k, _ in plan)["registered charity"]
    n_cio = dict((t, k) for t, k, _ in plan)["charitable incorporated organisation"]
    n_cbs = dict((t, k) for t, k, _ in plan)["community benefit society"]
    n_ug = dict((t, k) for t, k, _ in plan)["unregistered community group"]
    n_school = dict((t, k) for t, k, _ in plan)["school"]
    char_company = rng.random(n_char) < 0.3  # charitable companies also have a company number
    company_needed = (
        int(char_company.sum())
        + dict((t, k) for t, k, _ in plan)["company limited by guarantee"]
        + dict((t, k) for t, k, _ in plan)["private limited company"]
        + dict((t, k) for t, k, _ in plan)["community interest company"]
    )
    # Numbers from ranges no register has issued (charities 9xxxxxx, companies 99xxxxxx,
    # societies IP9xxxxx, school URNs 9xxxxx), so no fictional organisation borrows a
    # real body's identifier.
    char_nums = _unique_from_ranges(rng, [(9_000_000, 9_499_999)], n_char)
    cio_nums = _unique_from_ranges(rng, [(9_500_000, 9_999_999)], n_cio)
    company_nums = _unique_from_ranges(rng, [(99_000_000, 99_999_999)], company_needed)
    cbs_nums = _unique_from_ranges(rng, [(900_000, 999_999)], n_cbs)
    ug_width = max(5, len(str(2 * n_ug)))
    ug_nums = _unique_from_ranges(rng, [(1, 10 ** ug_width)], n_ug)
    school_nums = _unique_from_ranges(rng, [(900_000, 999_999)], n_school)
    return dict(char_company=char_company, char_nums=char_nums, cio_nums=cio_nums, company_nums=company_nums,
                cbs_nums=cbs_nums, ug_width=ug_width, ug_nums=ug_nums, school_nums=school_nums)


def _org_part(rng: np.random.Generator, otype: str, k: int, p_local: float, ward_p: np.ndarray,
              nums: dict, company_pos: int) -> tuple[dict, int]:
    """The columns for the k organisations of one drawn type (without names), and the
    position reached in the company numbers."""
    local = rng.random(k) < p_local
    ward = np.where(local, _pick(rng, WARDS, k, p=ward_p), "").astype(object)
    charity_number = np.full(k, "", dtype=object)
    company_number = np.full(k, "", dtype=object)
    big = np.zeros(k, dtype=bool)
    char_company, company_nums = nums["char_company"], nums["company_nums"]
    if otype == "registered charity":
        charity_number = nums["char_nums"].astype(str).astype(object)
        org_id = "GB-CHC-" + charity_number
        m = int(char_company.sum())
        company_number[char_company] = _zfill(company_nums[company_pos:company_pos + m], 8)
        company_pos += m
        vcs = np.ones(k, dtype=bool)
        big = rng.random(k) < 0.05
    elif otype == "charitable incorporated organisation":
        charity_number = nums["cio_nums"].astype(str).astype(object)
        org_id = "GB-CHC-" + charity_number
        vcs = np.ones(k, dtype=bool)
        big = rng.random(k) < 0.01
    elif otype in ("company limited by guarantee", "private limited company", "community interest company"):
        company_number = _zfill(company_nums[company_pos:company_pos + k], 8)
        company_pos += k
        org_id = "GB-COH-" + company_number
        if otype == "company limited by guarantee":
            vcs = rng.random(k) < 0.9
            big = rng.random(k) < 0.08
        elif otype == "private limited company":
            vcs = np.zeros(k, dtype=bool)
            big = rng.random(k) < 0.25
        else:
            vcs = np.ones(k, dtype=bool)
    elif otype == "community benefit society":
        company_number = "IP" + _zfill(nums["cbs_nums"], 6)
        org_id = "GB-COH-" + company_number
        vcs = np.ones(k, dtype=bool)
    elif otype == "unregistered community group":
        org_id = "GB-LAE-SWK-UG" + _zfill(nums["ug_nums"], nums["ug_width"])
        vcs = np.ones(k, dtype=bool)
    else:  # school
        org_id = "GB-EDU-" + nums["school_nums"].astype(str).astype(object)
        vcs = np.zeros(k, dtype=bool)
    part = dict(
        org_id=org_id.astype(object),
        organisation_type=np.full(k, otype, dtype=object),
        charity_number=charity_number,
        company_number=company_number,
        is_vcs=vcs,
        is_sme=~big,
        based_in_borough=local,
        ward=ward,
        _local=local,
        _big=big,
    )
    return part, company_pos


def _nhs_part(rng: np.random.Generator, n_nhs: int) -> dict:
    """NHS bodies, with their fixed names from NHS_BODIES."""
    sel = sorted(rng.choice(len(NHS_BODIES), size=n_nhs, replace=False).tolist())
    local = rng.random(n_nhs) < 0.5
    return dict(
        org_id=_obj(["GB-NHS-" + NHS_BODIES[i][0] for i in sel]),
        organisation_type=np.full(n_nhs, "NHS body", dtype=object),
        charity_number=np.full(n_nhs, "", dtype=object),
        company_number=np.full(n_nhs, "", dtype=object),
        is_vcs=np.zeros(n_nhs, dtype=bool),
        is_sme=np.zeros(n_nhs, dtype=bool),
        based_in_borough=local,
        ward=np.where(local, _pick(rng, WARDS, n_nhs), "").astype(object),
        name=_obj([NHS_BODIES[i][1] for i in sel]),
    )


def _name_parts(rng: np.random.Generator, parts: list[dict]) -> None:
    """Name the organisations of every part (in place), then re-draw any duplicates until all are unique."""
    for part in parts:
        if "name" not in part:
            part["name"] = _org_names(rng, part["organisation_type"][0], part["ward"], part["_big"], ext=False)
    for attempt in range(12):
        all_names = pd.Series(np.concatenate([p["name"] for p in parts]))
        dup = all_names.duplicated(keep="first").to_numpy()
        if not dup.any():
            break
        pos = 0
        for part in parts:
            k = len(part["name"])
            d = dup[pos:pos + k]
            pos += k
            if not d.any():
                continue
            if "_local" not in part:  # fixed lists never repeat
                continue
            if attempt < 10:
                part["name"][d] = _org_names(
                    rng, part["organisation_type"][0], part["ward"][d], part["_big"][d], ext=True)
            else:  # last resort, only reachable at very large sizes
                idx = np.nonzero(d)[0]
                part["name"][idx] = part["name"][idx] + " (" + (idx + 2).astype(str).astype(object) + ")"


def _organisations(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """The organisations table: n fictional organisations with unique names and ids, sorted by id."""
    plan, n_nhs = _org_plan(n)
    ward_p = _norm([1.0 + 0.5 * WARD_NEED[w] for w in WARDS])
    nums = _register_numbers(rng, plan)

    parts = []
    company_pos = 0
    for otype, k, p_local in plan:
        if k == 0:
            continue
        part, company_pos = _org_part(rng, otype, k, p_local, ward_p, nums, company_pos)
        parts.append(part)
    # NHS bodies and local authorities: fixed fictional / public names
    if n_nhs:
        parts.append(_nhs_part(rng, n_nhs))

    _name_parts(rng, parts)
    fixed_cols = ["org_id", "name", "organisation_type", "charity_number", "company_number",
                  "is_vcs", "is_sme", "based_in_borough", "ward"]
    df = pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in fixed_cols})
    for c in ("is_vcs", "is_sme", "based_in_borough"):
        df[c] = _yesno(df[c].to_numpy())
    df = df.sort_values("org_id", kind="mergesort").reset_index(drop=True)
    if df["name"].duplicated().any() or df["org_id"].duplicated().any():  # pragma: no cover
        raise RuntimeError("organisation names or ids are not unique")
    return df


# ---------------------------------------------------------------------------
# Contracts
# ---------------------------------------------------------------------------


def _weighted_pool(rng: np.random.Generator, mask: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    idx = np.nonzero(mask)[0]
    w = rng.lognormal(0.0, sigma, size=len(idx))
    return idx, (w / w.sum() if len(idx) else w)


def _draw(rng: np.random.Generator, pool: tuple[np.ndarray, np.ndarray], n: int) -> np.ndarray:
    idx, w = pool
    return idx[rng.choice(len(idx), size=n, p=w)]


def _routes(rng: np.random.Generator, total_gbp: np.ndarray, client: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """A plausible procurement route given the value and kind of supplier."""
    n = len(total_gbp)
    band = np.select([total_gbp >= 663_540, total_gbp >= 214_904, total_gbp >= 100_000], [3, 2, 1], 0)
    care = client != OT
    #          open  restr  cpn   frame  direct light  grant  spot
    tables = {
        (3, True): [0.33, 0.10, 0.10, 0.10, 0.02, 0.35, 0.00, 0.00],
        (3, False): [0.60, 0.18, 0.10, 0.10, 0.02, 0.00, 0.00, 0.00],
        (2, True): [0.25, 0.05, 0.08, 0.17, 0.08, 0.27, 0.10, 0.00],
        (2, False): [0.45, 0.08, 0.10, 0.25, 0.07, 0.00, 0.05, 0.00],
        (1, True): [0.15, 0.00, 0.05, 0.22, 0.25, 0.10, 0.15, 0.08],
        (1, False): [0.15, 0.00, 0.05, 0.30, 0.30, 0.00, 0.15, 0.05],
        (0, True): [0.03, 0.00, 0.00, 0.17, 0.35, 0.00, 0.20, 0.25],
        (0, False): [0.03, 0.00, 0.00, 0.22, 0.40, 0.00, 0.20, 0.15],
    }
    out = np.empty(n, dtype=object)
    for (b, c), probs in tables.items():
        sel = (band == b) & (care == c)
        k = int(sel.sum())
        if k:
            out[sel] = _pick(rng, ROUTES, k, p=probs)
    # grant agreements only go to the voluntary sector; public bodies are direct awards
    out[(out == "grant agreement") & (kind != "vcs")] = "direct award"
    out[np.isin(kind, ["la", "nhs"]) & (rng.random(n) < 0.6)] = "direct award"
    return out


def _contract_services(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    """Catalogue entry, commissioner, supplier kind, median annual value and client group of each contract."""
    cat_w = _norm([c[6] for c in CATALOGUE])
    entry = rng.choice(len(CATALOGUE), size=n, p=cat_w)
    commissioner = np.empty(n, dtype=object)
    kind = np.empty(n, dtype=object)
    median = np.empty(n, dtype=float)
    client = np.empty(n, dtype=object)
    for e, (_t, _d, cg, comms, med, supp, _w, _oc) in enumerate(CATALOGUE):
        sel = entry == e
        k = int(sel.sum())
        if not k:
            continue
        commissioner[sel] = _pick(rng, list(comms), k, p=list(comms.values()))
        kind[sel] = _pick(rng, list(supp), k, p=list(supp.values()))
        median[sel] = med
        client[sel] = cg
    # a few contracts outside the catalogue's usual client group
    other = (rng.random(n) < 0.04) & ~np.isin(commissioner, ["SWK-PCT", "NHS"])
    client[other] = OT
    return entry, commissioner, kind, median, client


def _contract_values(rng: np.random.Generator, n: int, entry: np.ndarray,
                     median: np.ndarray) -> tuple[np.ndarray, ...]:
    """Pilot flag, term in months, spot-purchase flag, total value in pence and in pounds.

    The value is a typical annual value for the service times a term of 1 to 7 years.
    """
    annual = median / 4.0 * rng.lognormal(0.0, 0.6, size=n)
    pilot = rng.random(n) < 0.08  # small pilots and one-off call-offs
    annual[pilot] *= rng.uniform(0.04, 0.25, size=int(pilot.sum()))
    term_opts = np.array([12, 18, 24, 36, 48, 60, 84])
    term = np.empty(n, dtype=np.int64)
    for sel, p in (
        (annual < 80_000, [0.35, 0.10, 0.25, 0.20, 0.05, 0.05, 0.00]),
        ((annual >= 80_000) & (annual < 600_000), [0.10, 0.05, 0.20, 0.35, 0.15, 0.12, 0.03]),
        (annual >= 600_000, [0.03, 0.00, 0.12, 0.30, 0.20, 0.23, 0.12]),
    ):
        k = int(sel.sum())
        if k:
            term[sel] = term_opts[rng.choice(len(term_opts), size=k, p=_norm(p))]
    spot = np.isin(entry, [i for i, c in enumerate(CATALOGUE) if c[0].startswith("Independent fostering")])
    term[spot & (term > 36)] = 24
    # rounding: most annual values are round numbers, some are exact to the penny
    style = rng.random(n)
    annual_pence = np.where(
        style < 0.5, np.rint(annual / 100) * 10_000,
        np.where(style < 0.85, np.rint(annual) * 100, np.rint(annual * 100)),
    )
    total_pence = np.rint(annual_pence * term / 12.0).astype(np.int64)
    small = total_pence < 1_000_000  # nothing below about £10,000 is published as a contract
    total_pence[small] = rng.integers(100, 250, size=int(small.sum())) * 10_000
    tg = total_pence / 100
    return pilot, term, spot, total_pence, tg


def _contract_starts(rng: np.random.Generator, n: int) -> np.ndarray:
    """Start days from 2017-04-01 to 2026-09-30, mostly on the first of a month."""
    fy = 2017 + rng.choice(10, size=n, p=_norm([3, 3, 4, 4, 5, 6, 7, 8, 9, 5]))
    fy_start = np.array([_day(f"{y}-04-01") for y in range(2017, 2027)], dtype=np.int64)[fy - 2017]
    how = rng.random(n)
    span = np.where(fy == 2026, 6, 12)  # the last starts are in September 2026
    month_off = np.floor(rng.random(n) * span).astype(np.int64)
    day_off = np.floor(rng.random(n) * np.where(fy == 2026, 183, 365)).astype(np.int64)
    start = np.where(how < 0.45, fy_start, np.where(how < 0.85, _add_months(fy_start, month_off), fy_start + day_off))
    return np.minimum(start, _day("2026-09-30"))


def _contract_status(rng: np.random.Generator, n: int, start: np.ndarray, term: np.ndarray,
                     total_pence: np.ndarray) -> tuple[np.ndarray, ...]:
    """End day, annual value in pence, status and review day of each contract.

    Extensions add a year's value to ``total_pence``, in place.
    """
    ref = _day(REFERENCE_DATE)
    end = _add_months(start, term) - 1
    annual_pence = np.rint(total_pence * 12.0 / term).astype(np.int64)  # never above the total

    status = np.where(end < ref, "ended", "live").astype(object)
    ext = (end < ref) & (end >= ref - 330) & (term <= 60) & (rng.random(n) < 0.35)
    end[ext] = _add_months(end[ext] + 1, 12) - 1
    total_pence[ext] += annual_pence[ext]
    status[ext] = "extended"
    status[(status == "live") & (rng.random(n) < 0.06)] = "extended"
    term_early = (status == "ended") & (rng.random(n) < 0.07)
    frac = rng.uniform(0.4, 0.9, size=n)
    end[term_early] = start[term_early] + np.floor(frac[term_early] * (end[term_early] - start[term_early])).astype(np.int64)
    status[term_early] = "terminated early"
    review = np.maximum(start, _add_months(end + 1, -6) - 1)
    return end, annual_pence, status, review


def _contract_suppliers(rng: np.random.Generator, n: int, orgs: pd.DataFrame, kind: np.ndarray,
                        tg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Supplier (row of orgs) and supplier kind of each contract, falling back to a kind
    that exists when a small sample has no organisation of the wanted kind."""
    otype = orgs["organisation_type"].to_numpy()
    is_sme = orgs["is_sme"].to_numpy() == "yes"
    vcs_mask = np.isin(otype, ["registered charity", "charitable incorporated organisation",
                               "company limited by guarantee", "community interest company",
                               "community benefit society"])
    priv = otype == "private limited company"
    pools = {
        "vcs": _weighted_pool(rng, vcs_mask, 1.2),
        "vcs_big": _weighted_pool(rng, vcs_mask & ~is_sme, 0.8),
        "private": _weighted_pool(rng, priv & is_sme, 1.2),
        "private_big": _weighted_pool(rng, priv & ~is_sme, 0.8),
        "nhs": _weighted_pool(rng, otype == "NHS body", 0.6),
        "la": _weighted_pool(rng, otype == "local authority", 0.6),
        "school": _weighted_pool(rng, otype == "school", 0.6),
    }
    big_contract = tg >= 1_500_000
    want = kind.copy()
    want[(kind == "vcs") & big_contract & (rng.random(n) < 0.5)] = "vcs_big"
    want[(kind == "private") & big_contract & (rng.random(n) < 0.8)] = "private_big"
    fallback = {"vcs_big": "vcs", "private_big": "private", "private": "vcs", "nhs": "vcs",
                "la": "vcs", "school": "vcs", "vcs": "private"}
    pools["any"] = _weighted_pool(rng, np.ones(len(orgs), dtype=bool), 1.0)
    for key in list(fallback):
        if len(pools[key][0]) == 0:  # small sizes: fall back to a kind that exists
            alt, seen = fallback[key], {key}
            while len(pools[alt][0]) == 0 and alt not in seen:
                seen.add(alt)
                alt = fallback.get(alt, "any")
            want[want == key] = alt if len(pools[alt][0]) else "any"
    supplier = np.empty(n, dtype=np.int64)
    for key, pool in pools.items():
        sel = want == key
        k = int(sel.sum())
        if k and len(pool[0]):
            supplier[sel] = _draw(rng, pool, k)
    supplier_kind = np.where(np.isin(want, ["vcs", "vcs_big"]), "vcs",
                             np.where(np.isin(want, ["private", "private_big"]), "private", want))
    return supplier, supplier_kind


def _contract_titles(rng: np.random.Generator, n: int, entry: np.ndarray, pilot: np.ndarray,
                     spot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Titles (the catalogue's, some with an area or '(pilot)') and descriptions."""
    titles = _obj([c[0] for c in CATALOGUE])[entry]
    suffix = (rng.random(n) < 0.35) & ~pilot
    titles[suffix] = titles[suffix] + _pick(rng, AREA_SUFFIXES[:-1], int(suffix.sum()))
    pilot_title = pilot & (rng.random(n) < 0.6) & ~spot
    titles[pilot_title] = titles[pilot_title] + " (pilot)"
    descs = _obj([c[1] for c in CATALOGUE])[entry]
    return titles, descs


def _social_value(rng: np.random.Generator, k: int) -> np.ndarray:
    """k social value commitments: one or two templates with their numbers filled in."""
    tmpl = _pick(rng, SOCIAL_VALUE, k)
    tmpl2 = _pick(rng, SOCIAL_VALUE, k)
    two = (rng.random(k) < 0.4) & (tmpl2 != tmpl)
    text = np.where(two, tmpl + " " + tmpl2, tmpl).astype(object)
    nums = rng.integers(2, 9, size=k).astype(str)
    pct = (rng.integers(5, 13, size=k) * 5).astype(str)
    hrs = (rng.integers(2, 21, size=k) * 50).astype(str)
    return _obj(
        t.replace("{n}", a).replace("{p}", b).replace("{h}", c) for t, a, b, c in zip(text, nums, pct, hrs)
    )


def _contract_commitments(rng: np.random.Generator, n: int, supplier_kind: np.ndarray, tg: np.ndarray,
                          total_pence: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """London Living Wage flag, social value commitments and irrecoverable VAT (pence)."""
    llw = rng.random(n) < np.where(supplier_kind == "private", 0.8, 0.93)
    p_sv = np.select([tg >= 500_000, tg >= 100_000], [0.85, 0.6], 0.35)
    has_sv = rng.random(n) < p_sv
    sv = np.full(n, "", dtype=object)
    k = int(has_sv.sum())
    if k:
        sv[has_sv] = _social_value(rng, k)
    vat = np.zeros(n, dtype=np.int64)
    has_vat = rng.random(n) < 0.05
    vat[has_vat] = np.rint(total_pence[has_vat] * rng.uniform(0.005, 0.04, size=int(has_vat.sum())))
    return llw, sv, vat


def _contracts(rng: np.random.Generator, n: int, orgs: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The contracts table, in start order, and the arrays later tables draw on (in the same order)."""
    entry, commissioner, kind, median, client = _contract_services(rng, n)
    pilot, term, spot, total_pence, tg = _contract_values(rng, n, entry, median)
    start = _contract_starts(rng, n)
    end, annual_pence, status, review = _contract_status(rng, n, start, term, total_pence)

    # NHS partner: the CCG before 1 July 2022, the ICB from then on
    nhs = commissioner == "NHS"
    commissioner[nhs & (start < _day(NHS_CHANGEOVER))] = "NHS-SWK-CCG"
    commissioner[nhs & (start >= _day(NHS_CHANGEOVER))] = "NHS-SEL-ICB"

    supplier, supplier_kind = _contract_suppliers(rng, n, orgs, kind, tg)
    route = _routes(rng, total_pence / 100, client, supplier_kind)
    route[spot & (rng.random(n) < 0.8)] = "spot purchase"
    titles, descs = _contract_titles(rng, n, entry, pilot, spot)
    llw, sv, vat = _contract_commitments(rng, n, supplier_kind, tg, total_pence)

    # order chronologically, then number
    order = np.lexsort((rng.random(n), start))
    df = pd.DataFrame(
        {
            "contract_id": "SWK-C-" + _zfill(np.arange(1, n + 1), 5),
            "title": titles[order],
            "description": descs[order],
            "commissioner_id": commissioner[order],
            "client_group": client[order],
            "procurement_route": route[order],
            "supplier_org_id": orgs["org_id"].to_numpy()[supplier[order]],
            "start_date": _dates(start[order]),
            "end_date": _dates(end[order]),
            "review_date": _dates(review[order]),
            "total_value_gbp": _money(total_pence[order]),
            "annual_value_gbp": _money(annual_pence[order]),
            "vat_not_recoverable_gbp": _money(vat[order]),
            "london_living_wage": _yesno(llw[order]),
            "social_value_commitments": sv[order],
            "status": status[order],
        }
    )
    extra = dict(entry=entry[order], start=start[order], end=end[order], total_pence=total_pence[order],
                 status=status[order], commissioner=commissioner[order])
    return df, extra


# ---------------------------------------------------------------------------
# Grants
# ---------------------------------------------------------------------------


def _round_days(p: dict, first: int, last: int) -> np.ndarray:
    """The days a programme's funding rounds open, inside the five financial years."""
    rounds = []
    for fy in p["fys"]:
        for mo, dd in p["rounds"]:
            y = fy if mo >= 4 else fy + 1
            d = _day(f"{y}-{mo:02d}-{dd:02d}")
            if first <= d <= last:
                rounds.append(d)
    return np.array(rounds, dtype=np.int64)


def _grant_terms(rng: np.random.Generator, n: int, prog: np.ndarray, first: int,
                 last: int) -> tuple[np.ndarray, ...]:
    """Award day, amount (pounds, unrounded), longer-term flag, months and department of each
    grant, from its programme's rounds and ranges (or generic ones when there is no programme)."""
    award = np.empty(n, dtype=np.int64)
    amount = np.empty(n, dtype=float)
    longer = np.empty(n, dtype=bool)
    months = np.empty(n, dtype=np.int64)
    dept = np.empty(n, dtype=object)
    for i, p in enumerate(PROGRAMMES + [None]):
        sel = prog == i
        k = int(sel.sum())
        if not k:
            continue
        if p is None:
            award[sel] = rng.integers(first, last + 1, size=k)
            amount[sel] = np.clip(rng.lognormal(np.log(4000), 0.8, size=k), 500, 30_000)
            longer[sel] = rng.random(k) < 0.7
            m_long = rng.choice([12, 24, 36], size=k, p=[0.6, 0.25, 0.15])
            m_short = rng.choice([3, 6, 12], size=k, p=[0.3, 0.4, 0.3])
            dept[sel] = _pick(rng, COUNCIL_DEPARTMENTS, k, p=[0.3, 0.35, 0.1, 0.15, 0.1])
        else:
            rounds = _round_days(p, first, last)
            award[sel] = rounds[rng.integers(0, len(rounds), size=k)] + rng.integers(0, 15, size=k)
            amount[sel] = np.clip(rng.lognormal(np.log(p["median"]), p["sigma"], size=k), p["lo"], p["hi"])
            longer[sel] = rng.random(k) < p["p_long"]
            m_long = rng.choice(p["long_months"][0], size=k, p=p["long_months"][1])
            m_short = rng.choice(p["short_months"][0], size=k, p=p["short_months"][1])
            dept[sel] = p["dept"]
        months[sel] = np.where(longer[sel], m_long, m_short)
    # awards are made on working days, inside the five financial years
    wd = _weekday(award)
    award = award - np.where(wd == 5, 1, np.where(wd == 6, 2, 0))
    award = np.clip(award, first, last)
    return award, amount, longer, months, dept


def _grant_pence(rng: np.random.Generator, n: int, amount: np.ndarray) -> np.ndarray:
    """Amounts in pence: round numbers, with a minimum of £500."""
    style = rng.random(n)
    step = np.where(amount < 1000, 50, np.where(amount < 10_000, 100, 500))
    pence = np.where(style < 0.93, np.rint(amount / step) * step * 100, np.rint(amount * 2) * 50).astype(np.int64)
    return np.maximum(pence, 50_000)


def _grant_dates(rng: np.random.Generator, n: int, award: np.ndarray, longer: np.ndarray,
                 months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Planned start and end days."""
    start = np.where(
        longer,
        _add_months(_first_of_month(award), 1 + rng.choice(3, size=n, p=[0.6, 0.3, 0.1])),
        award + rng.integers(7, 46, size=n),
    )
    end = _add_months(start, months) - 1
    return start, end


def _grant_recipients(rng: np.random.Generator, n: int, orgs: pd.DataFrame, prog: np.ndarray) -> np.ndarray:
    """Recipient of each grant (row of orgs): a registered voluntary organisation, a community group or a school."""
    otype = orgs["organisation_type"].to_numpy()
    registered_vcs = np.isin(otype, ["registered charity", "charitable incorporated organisation",
                                     "company limited by guarantee", "community interest company",
                                     "community benefit society"]) & (orgs["is_vcs"].to_numpy() == "yes")
    groups = otype == "unregistered community group"
    schools = otype == "school"
    if not registered_vcs.any():
        registered_vcs = np.ones(len(orgs), dtype=bool)
    pools = [_weighted_pool(rng, registered_vcs, 0.75), _weighted_pool(rng, groups, 0.6),
             _weighted_pool(rng, schools, 0.7)]
    p_group = np.array([p["p_group"] for p in PROGRAMMES] + [0.15])[prog]
    p_school = np.array([p["p_school"] for p in PROGRAMMES] + [0.02])[prog]
    u = rng.random(n)
    which = np.where(u < p_group, 1, np.where(u < p_group + p_school, 2, 0))
    which[(which == 1) & (len(pools[1][0]) == 0)] = 0
    which[(which == 2) & (len(pools[2][0]) == 0)] = 0
    recipient = np.empty(n, dtype=np.int64)
    for j, pool in enumerate(pools):
        sel = which == j
        k = int(sel.sum())
        if k:
            recipient[sel] = _draw(rng, pool, k)
    return recipient


def _grant_wards(rng: np.random.Generator, n: int, orgs: pd.DataFrame,
                 recipient: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Beneficiary ward ('' for about a fifth, often the recipient's own ward) and whether there is one."""
    org_ward = orgs["ward"].to_numpy()[recipient]
    has_ward = rng.random(n) < 0.8
    ward_p = _norm([1.0 + 0.6 * WARD_NEED[w] for w in WARDS])
    ward = _pick(rng, WARDS, n, p=ward_p)
    use_own = (org_ward != "") & (rng.random(n) < 0.75)
    ward = np.where(use_own, org_ward, ward).astype(object)
    ward[~has_ward] = ""
    return ward, has_ward


def _grant_text(rng: np.random.Generator, p: dict, k: int, wt: np.ndarray, wdsc: np.ndarray, bw: np.ndarray,
                mstr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Titles and descriptions for k grants of one programme, from its word lists and three templates each."""
    act = _pick(rng, p["activities"], k)
    grp = _pick(rng, p["groups"], k)
    aim = _pick(rng, p["aims"], k)
    t = rng.integers(0, 3, size=k)
    d = rng.integers(0, 3, size=k)
    tt = np.empty(k, dtype=object)
    dd = np.empty(k, dtype=object)
    j = t == 0  # build each template only for the rows that use it
    tt[j] = act[j] + " for " + grp[j]
    j = t == 1
    tt[j] = act[j] + np.where(bw[j], " across Southwark", wt[j])
    j = t == 2
    tt[j] = act[j] + " for " + grp[j] + wt[j]
    j = d == 0
    dd[j] = "A " + mstr[j] + "-month grant to " + aim[j] + ", working with " + grp[j] + wdsc[j] + "."
    j = d == 1
    dd[j] = act[j] + " to " + aim[j] + wdsc[j] + "."
    j = d == 2
    dd[j] = ("A contribution towards staff and running costs to " + aim[j] + ". The work will reach "
             + grp[j] + wdsc[j] + ".")
    return tt, dd


def _grant_texts(rng: np.random.Generator, n: int, prog: np.ndarray, ward: np.ndarray, has_ward: np.ndarray,
                 months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Titles and descriptions of all grants, some descriptions with an extra sentence."""
    title = np.empty(n, dtype=object)
    desc = np.empty(n, dtype=object)
    borough = ~has_ward
    where_t = np.where(borough, " across the borough", " in " + ward).astype(object)
    where_d = np.where(borough, " across the borough", " in " + ward + " ward").astype(object)
    generic = dict(
        activities=["Community project", "Volunteer programme", "Support sessions", "Community events"],
        groups=["local residents", "families", "older residents", "young people"],
        aims=["support local people", "help residents get involved in their community"],
    )
    for i, p in enumerate(PROGRAMMES + [generic]):
        sel = prog == i
        k = int(sel.sum())
        if not k:
            continue
        mstr = months[sel].astype(str).astype(object)
        title[sel], desc[sel] = _grant_text(rng, p, k, where_t[sel], where_d[sel], borough[sel], mstr)
    extra = rng.random(n) < 0.45
    desc[extra] = desc[extra] + " " + _pick(rng, GRANT_EXTRAS, int(extra.sum()))
    return title, desc


def _grants(rng: np.random.Generator, n: int, orgs: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The grants table, in award order, and each grant's programme index (len(PROGRAMMES) for none)."""
    first, last = _day("2021-04-01"), _day("2026-03-31")
    n_prog = len(PROGRAMMES)
    pw = np.array([p["w"] for p in PROGRAMMES], dtype=float)
    prog = rng.choice(n_prog, size=n, p=pw / pw.sum())
    prog[rng.choice(n, size=int(round(n * P_NO_PROGRAMME)), replace=False)] = n_prog  # no programme recorded

    award, amount, longer, months, dept = _grant_terms(rng, n, prog, first, last)
    pence = _grant_pence(rng, n, amount)
    start, end = _grant_dates(rng, n, award, longer, months)
    recipient = _grant_recipients(rng, n, orgs, prog)
    ward, has_ward = _grant_wards(rng, n, orgs, recipient)
    title, desc = _grant_texts(rng, n, prog, ward, has_ward, months)

    programme = _obj([p["name"] for p in PROGRAMMES] + [""])[prog]
    funding_type = np.where(longer, "longer-term", "short-term innovation").astype(object)

    order = np.lexsort((rng.random(n), award))
    df = pd.DataFrame(
        {
            "grant_id": "360G-southwarkcouncil-G" + _zfill(np.arange(1, n + 1), 7),
            "title": title[order],
            "description": desc[order],
            "programme": programme[order],
            "funding_type": funding_type[order],
            "recipient_org_id": orgs["org_id"].to_numpy()[recipient[order]],
            "amount_awarded": _money(pence[order]),
            "award_date": _dates(award[order]),
            "planned_start_date": _dates(start[order]),
            "planned_end_date": _dates(end[order]),
            "beneficiary_ward": ward[order],
            "department_id": dept[order],
            "co_funders": "",  # the sample's grants are the council's alone
            "actual_start_date": "",  # not recorded in the sample
            "actual_end_date": "",
            "data_source": "",  # recorded here first: the export gives the site's or the council's address
            # The record's last change: up to six weeks after the award (spread without drawing from
            # the generator, so the other columns stay as they were), never after the reference date.
            "last_modified": _dates(np.minimum(award[order] + (np.arange(n) * 7919) % 43, _day(REFERENCE_DATE))),
        }
    )
    return df, prog[order]


# ---------------------------------------------------------------------------
# Commissioning intentions
# ---------------------------------------------------------------------------


def _replaced_contracts(rng: np.random.Generator, n: int, next_start: np.ndarray, status: np.ndarray,
                        lo: int, hi: int) -> np.ndarray:
    """Contracts (sorted positions) that intentions will replace: live or extended ones ending
    so that the next starts between lo and hi, the sooner the likelier; up to 45 % of n."""
    cand = np.nonzero(np.isin(status, ["live", "extended"]) & (next_start >= lo) & (next_start <= hi))[0]
    n_rep = min(len(cand), int(round(n * 0.45)))
    if n_rep:
        w = 1.0 / (1.0 + (next_start[cand] - lo) / 180.0) ** 1.5
        rep = np.sort(rng.choice(cand, size=n_rep, replace=False, p=w / w.sum()))
    else:
        rep = np.zeros(0, dtype=np.int64)
    return rep


def _intention_starts(rng: np.random.Generator, n: int, replaced_start: np.ndarray, lo: int,
                      hi: int) -> np.ndarray:
    """Planned start days: the day after the replaced contract ends, or for new services
    an April or the first of a month between lo and hi."""
    n_rep = len(replaced_start)
    n_new = n - n_rep
    start = np.empty(n, dtype=np.int64)
    start[:n_rep] = replaced_start
    fy = rng.choice([2027, 2028], size=n_new, p=[0.6, 0.4])
    april = np.array([_day(f"{y}-04-01") for y in (2027, 2028)], dtype=np.int64)[fy - 2027]
    new_start = np.where(rng.random(n_new) < 0.45, april,
                         _first_of_month(rng.integers(lo, hi + 1, size=n_new)))
    start[n_rep:] = np.clip(new_start, lo, hi)
    return start


def _intention_owners(rng: np.random.Generator, n: int, entry: np.ndarray, rep: np.ndarray,
                      contracts: pd.DataFrame, cx: dict) -> tuple[np.ndarray, np.ndarray]:
    """Commissioner and client group: the replaced contract's, or drawn from the catalogue entry."""
    n_rep = len(rep)
    commissioner = np.empty(n, dtype=object)
    commissioner[:n_rep] = cx["commissioner"][rep]
    client = np.empty(n, dtype=object)
    client[:n_rep] = contracts["client_group"].to_numpy()[rep]
    for e in np.unique(entry[n_rep:]):
        sel = np.zeros(n, dtype=bool)
        sel[n_rep:] = entry[n_rep:] == e
        comms = CATALOGUE[e][3]
        commissioner[sel] = _pick(rng, list(comms), int(sel.sum()), p=list(comms.values()))
        client[sel] = CATALOGUE[e][2]
    commissioner[np.isin(commissioner, ["NHS", "NHS-SWK-CCG"])] = "NHS-SEL-ICB"
    return commissioner, client


def _intention_values(rng: np.random.Generator, n: int, entry: np.ndarray, rep: np.ndarray,
                      cx: dict) -> np.ndarray:
    """Estimated values in pounds, rounded, at least £10,000: near the replaced contract's
    total, or around the catalogue entry's median."""
    n_rep = len(rep)
    n_new = n - n_rep
    value = np.empty(n, dtype=float)
    value[:n_rep] = cx["total_pence"][rep] / 100 * rng.uniform(0.85, 1.3, size=n_rep)
    value[n_rep:] = np.array([CATALOGUE[e][4] for e in entry[n_rep:]]) * rng.lognormal(0, 0.6, size=n_new)
    value = np.where(value >= 100_000, np.rint(value / 10_000) * 10_000, np.rint(value / 1_000) * 1_000)
    return np.maximum(value, 10_000)


def _intention_texts(rng: np.random.Generator, n: int, entry: np.ndarray, rep: np.ndarray,
                     contracts: pd.DataFrame, cx: dict, commissioner: np.ndarray) -> tuple[np.ndarray, ...]:
    """Title, description (naming the contract replaced, or a reason for a new service) and
    the id of the contract replaced ('' for none)."""
    n_rep = len(rep)
    n_new = n - n_rep
    title = _obj(CATALOGUE[e][0] for e in entry)
    title[:n_rep] = pd.Series(contracts["title"].to_numpy()[rep], dtype=object).str.replace(
        " (pilot)", "", regex=False).to_numpy(dtype=object)
    desc = _obj(CATALOGUE[e][1] for e in entry)
    replaces = np.full(n, "", dtype=object)
    if n_rep:
        replaces[:n_rep] = contracts["contract_id"].to_numpy()[rep]
        ends = _dates(cx["end"][rep])
        desc[:n_rep] = desc[:n_rep] + " It will replace contract " + replaces[:n_rep] + ", which ends on " + ends + "."
    if n_new:
        reason = _pick(rng, INTENTION_REASONS, n_new)
        joint = np.isin(commissioner[n_rep:], ["SWK-PCT", "NHS-SEL-ICB"])
        pooled = (reason == INTENTION_REASONS[4]) & ~joint
        reason[pooled] = _pick(rng, INTENTION_REASONS[:4] + INTENTION_REASONS[5:], int(pooled.sum()))
        desc[n_rep:] = desc[n_rep:] + " " + reason
    return title, desc, replaces


def _intentions(rng: np.random.Generator, n: int, contracts: pd.DataFrame, cx: dict) -> pd.DataFrame:
    """The commissioning intentions table, in planned start order: about 45 % replace contracts
    ending from December 2026 to March 2029, the rest are new services from the catalogue."""
    ref = _day(REFERENCE_DATE)
    lo, hi = _day("2026-12-01"), _day("2029-03-31")
    next_start = cx["end"] + 1
    rep = _replaced_contracts(rng, n, next_start, cx["status"], lo, hi)
    n_rep = len(rep)
    n_new = n - n_rep

    entry = np.concatenate([cx["entry"][rep], rng.choice(len(CATALOGUE), size=n_new, p=_norm([c[6] for c in CATALOGUE]))])
    start = _intention_starts(rng, n, next_start[rep], lo, hi)
    commissioner, client = _intention_owners(rng, n, entry, rep, contracts, cx)
    value = _intention_values(rng, n, entry, rep, cx)

    supp_kind = _obj(max(CATALOGUE[e][5], key=CATALOGUE[e][5].get) for e in entry)
    route = _routes(rng, value, client, supp_kind)

    soon = start < ref + 270
    status = np.where(
        soon,
        _pick(rng, ["in procurement", "awarded", "planned", "deferred"], n, p=[0.55, 0.15, 0.25, 0.05]),
        _pick(rng, ["planned", "in procurement", "deferred", "cancelled", "awarded"], n,
              p=[0.7, 0.12, 0.1, 0.05, 0.03]),
    ).astype(object)

    title, desc, replaces = _intention_texts(rng, n, entry, rep, contracts, cx, commissioner)

    order = np.lexsort((rng.random(n), start))
    return pd.DataFrame(
        {
            "intention_id": "SWK-CI-" + _zfill(np.arange(1, n + 1), 4),
            "title": title[order],
            "description": desc[order],
            "commissioner_id": commissioner[order],
            "client_group": client[order],
            "estimated_value_gbp": _money(np.rint(value[order] * 100).astype(np.int64)),
            "planned_start_date": _dates(start[order]),
            "intended_route": route[order],
            "status": status[order],
            "replaces_contract_id": replaces[order],
        }
    )


# ---------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------

FINANCIAL_YEARS = ["2021-22", "2022-23", "2023-24", "2024-25", "2025-26"]


def _measurements(rng: np.random.Generator) -> pd.DataFrame:
    rows: list[tuple[str, str, str, str, str]] = []
    wards = sorted(WARDS)
    for ind in INDICATORS:
        unit, dec = ind["unit"], ind["dec"]
        season = np.array(ind.get("season", (0.0, 0.0, 0.0, 0.0)))
        nq = 4 * len(FINANCIAL_YEARS)
        t = np.arange(nq) / 4.0
        noise = np.zeros(nq)
        e = rng.normal(0.0, ind["sd"], size=nq)
        for q in range(nq):  # gentle, autocorrelated noise
            noise[q] = (0.5 * noise[q - 1] if q else 0.0) + e[q]
        level = ind["base"] + ind["trend"] * t
        if unit in ("count", "pounds", "rate per 1,000 residents"):
            q_vals = level * (1.0 + season[np.arange(nq) % 4]) + noise
        else:
            q_vals = level + season[np.arange(nq) % 4] + noise
        lo_b, hi_b = (0.0, 100.0) if unit == "percent" else (0.0, 10.0) if unit == "score out of 10" else (0.0, np.inf)
        q_vals = np.clip(np.round(q_vals, dec), lo_b, hi_b)
        target = ind["target"]
        for y, fy in enumerate(FINANCIAL_YEARS):
            qv = q_vals[4 * y:4 * y + 4]
            if ind["agg"] == "sum":
                annual = float(np.round(qv.sum(), dec))
            elif ind["agg"] == "last":
                annual = float(qv[-1])
            else:
                annual = float(np.round(qv.mean(), dec))
            t_annual = t_q = ""
            if target is not None:
                tv = target[0] + target[1] * y
                t_annual = _num(tv, dec)
                t_q = _num(tv / 4.0, dec) if ind["agg"] == "sum" else t_annual
            rows.append((ind["id"], fy, "Southwark", _num(annual, dec), t_annual))
            for q in range(4):
                rows.append((ind["id"], f"{fy} Q{q + 1}", "Southwark", _num(qv[q], dec), t_q))
            if ind["ward"]:
                sign = -1.0 if ind["hib"] else 1.0
                spread = 0.12 if unit != "score out of 10" else 0.06
                for w in wards:
                    v = annual * (1.0 + sign * spread * WARD_NEED[w]) + rng.normal(0.0, ind["sd"] * 1.5)
                    v = float(np.clip(round(v, dec), lo_b, hi_b))
                    rows.append((ind["id"], fy, w, _num(v, dec), t_annual))
    df = pd.DataFrame(rows, columns=["indicator_id", "period", "area", "value", "target"])
    return df.sort_values(["indicator_id", "period", "area"], kind="mergesort").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Funding aligned to outcomes
# ---------------------------------------------------------------------------


def _alignment(rng: np.random.Generator, n: int, primary: list[list[str]], secondary: list[list[str]],
               key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row index (into the funded items) and outcome for 1-2 outcomes per item."""
    oc_ids = [o[0] for o in OUTCOMES]
    n_groups = len(primary)
    first = np.full(n, -1, dtype=np.int64)
    second = np.full(n, -1, dtype=np.int64)
    for g in range(n_groups):
        sel = key == g
        k = int(sel.sum())
        if not k:
            continue
        prim = [oc_ids.index(o) for o in primary[g]]
        sec = [oc_ids.index(o) for o in secondary[g] if o not in primary[g]]
        first[sel] = np.array(prim)[rng.integers(0, len(prim), size=k)]
        # second outcome: another primary, a listed secondary, or occasionally any other
        pool = prim + sec
        s = np.array(pool)[rng.integers(0, len(pool), size=k)]
        anyo = rng.integers(0, len(oc_ids), size=k)
        s = np.where(rng.random(k) < 0.1, anyo, s)
        second[sel] = s
    none = rng.random(n) < 0.03
    two = (rng.random(n) < 0.45) & (second != first) & (second >= 0)
    item = np.concatenate([np.nonzero(~none)[0], np.nonzero(~none & two)[0]])
    outc = np.concatenate([first[~none], second[~none & two]])
    order = np.lexsort((outc, item))
    return item[order], outc[order]


def _funding_outcomes(rng: np.random.Generator, contracts: pd.DataFrame, cx: dict,
                      grants: pd.DataFrame, prog: np.ndarray) -> pd.DataFrame:
    oc_ids = _obj(o[0] for o in OUTCOMES)
    c_item, c_oc = _alignment(rng, len(contracts), [c[7][0] for c in CATALOGUE], [c[7][1] for c in CATALOGUE],
                              cx["entry"])
    g_prim = [p["oc"][0] for p in PROGRAMMES] + [["OC3", "OC7"]]
    g_sec = [p["oc"][1] for p in PROGRAMMES] + [["OC1", "OC2", "OC4"]]
    g_item, g_oc = _alignment(rng, len(grants), g_prim, g_sec, prog)
    nc, ng = len(c_item), len(g_item)
    return pd.DataFrame(
        {
            "contract_id": np.concatenate([contracts["contract_id"].to_numpy()[c_item], np.full(ng, "", dtype=object)]),
            "grant_id": np.concatenate([np.full(nc, "", dtype=object), grants["grant_id"].to_numpy()[g_item]]),
            "outcome_id": np.concatenate([oc_ids[c_oc], oc_ids[g_oc]]),
        }
    )



# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def generate(out_dir: pathlib.Path, grants: int = 1600, seed: int = 2016) -> dict[str, int]:
    """Write the thirteen sample CSV files into ``out_dir`` and return row counts.

    Sizes scale with ``grants``: organisations about grants/3 (at least 10),
    contracts about grants/5 (at least 5, at most 99,999), commissioning
    intentions about grants/40 (10 to 9,999).  Wards, commissioners, outcomes,
    indicators and measurements do not depend on the size.  Decisions: the 33
    real ones, then about two or three illustrative ones per contract over
    £100,000 (see ``_decisions``), a few for intentions and grant programmes.
    """
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    n = sizes(int(grants))
    rng = np.random.default_rng(seed)

    tables: dict[str, pd.DataFrame] = {}
    tables["wards"] = _wards()
    tables["commissioners"] = _commissioners()
    orgs = _organisations(rng, n["organisations"])
    tables["organisations"] = orgs
    contracts, cx = _contracts(rng, n["contracts"], orgs)
    tables["contracts"] = contracts
    grants_df, prog = _grants(rng, n["grants"], orgs)
    tables["grants"] = grants_df
    tables["commissioning_intentions"] = _intentions(rng, n["commissioning_intentions"], contracts, cx)
    tables["outcomes"] = _outcomes()
    tables["indicators"] = _indicators()
    tables["measurements"] = _measurements(rng)
    tables["funding_outcomes"] = _funding_outcomes(rng, contracts, cx, grants_df, prog)
    # Last, from their own generator: the other files are the same with or without them.
    tables["decisions"], tables["decision_links"] = _decisions(seed, contracts, cx, orgs,
                                                               tables["commissioning_intentions"], grants_df)
    # The equality lens's columns, from a generator of their own too (equality.py).
    tables["organisations"] = pd.concat([orgs, equality_columns(seed, orgs, grants_df)], axis=1)
    tables["contract_kpis"] = _contract_kpis(seed, contracts, cx, tables["funding_outcomes"])

    counts: dict[str, int] = {}
    for name in ("wards", "commissioners", "organisations", "contracts", "grants", "commissioning_intentions",
                 "outcomes", "indicators", "measurements", "funding_outcomes", "contract_kpis", "decisions",
                 "decision_links"):
        _write(tables[name], out_dir / f"{name}.csv")
        counts[name] = len(tables[name])
    return counts
