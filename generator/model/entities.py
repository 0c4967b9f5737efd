"""Entities: the site's organisations, outcomes, programmes ... and what each one funds.

One entity per organisation, outcome, commissioner, client group, grant
programme and ward, plus one per contract and commissioning intention. Each
holds the row positions (in the typed tables) of the contracts, grants and
intentions that belong to it, its totals and its figures by financial year.
Nothing here formats or renders; site/listing.py and site/pages.py do that.

Rows are grouped once per table with pandas (`groupby(...).indices`), so the
cost grows with the number of rows, not rows times entities.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .dates import financial_year_range, financial_years

EMPTY = np.array([], dtype=np.int64)


@dataclass(frozen=True)
class Kind:
    name: str  # organisation, outcome, ...
    folder: str  # URL folder of its pages
    plural: str  # heading of its index page
    singular: str  # "organisation" in running text
    index_link: str = ""  # the text of the link from an entity page to its index

    @property
    def back(self) -> str:
        return self.index_link or f"all {self.plural.lower()}"


KINDS = {k.name: k for k in [
    Kind("organisation", "organisations", "Organisations", "organisation"),
    Kind("outcome", "outcomes", "Outcomes framework", "outcome", "the outcomes framework"),
    Kind("commissioner", "commissioners", "Commissioners", "commissioner"),
    Kind("client-group", "client-groups", "Client groups", "client group"),
    Kind("programme", "programmes", "Grant programmes", "grant programme"),
    Kind("ward", "wards", "Wards", "ward"),
    Kind("contract", "contracts", "Contracts", "contract"),
    Kind("intention", "intentions", "Commissioning intentions", "commissioning intention"),
    Kind("decision", "decisions", "Decisions", "decision"),
]}

@dataclass
class Step:
    """One decision in a decision trail, or one thing a decision governs."""

    decision: int  # row position in decisions
    gateway: int | None
    note: str
    kind: str = ""  # what it governs: contract, intention or programme
    key: str = ""


@dataclass(slots=True)
class Entity:
    kind: str
    key: str  # the identifier or name it is found by in the data
    name: str
    slug: str
    contracts: np.ndarray = field(default_factory=lambda: EMPTY)  # row positions in contracts
    grants: np.ndarray = field(default_factory=lambda: EMPTY)
    intentions: np.ndarray = field(default_factory=lambda: EMPTY)
    organisations: np.ndarray = field(default_factory=lambda: EMPTY)  # wards: organisations based there
    row: int | None = None  # its own row in its table (organisations, outcomes, contracts, ...)
    contracts_total: float = 0.0
    grants_total: float = 0.0
    intentions_total: float = 0.0
    # (year, contracts, grants): every financial year from its first to its latest, a year with
    # nothing recorded as (year, 0.0, 0.0)
    by_year: list[tuple[str, float, float]] = field(default_factory=list)
    empty_years: tuple[str, ...] = ()  # the years in by_year with no contract or grant of its recorded
    outcomes: list[tuple[str, float]] = field(default_factory=list)  # (outcome key, value aligned)

    @property
    def page(self) -> str:
        """Its page, relative to the site's root (an HTML page rendered into a shell, served
        at its own name: organisations/gb-chc-1234567.html)."""
        return f"{KINDS[self.kind].folder}/{self.slug}.html"

    @property
    def total(self) -> float:
        return self.contracts_total + self.grants_total


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    slug = _NOT_SLUG.sub("-", str(text).lower()).strip("-")
    return slug[:80].rstrip("-") or "item"


RESERVED = re.compile(r"index|page-\d+")  # index pages and their continuation pages


def unique_slugs(keys: list[str]) -> dict[str, str]:
    """A URL-safe slug per key, made unique with -2, -3 ... in the keys' sorted order
    (so a slug does not change when unrelated rows are added)."""
    taken: set[str] = set()
    slugs = {}
    for key in sorted(keys):
        base = slug = slugify(key)
        n = 1
        while slug in taken or (slug[:1] in "ip" and RESERVED.fullmatch(slug)):
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs[key] = slug
    return slugs


def _positions(column: pd.Series) -> dict[str, np.ndarray]:
    """The row positions of each value of `column` (as text), in order, by the value's first
    appearance. (One stable sort of the codes, split: each group is a slice of one array.)"""
    present = column.dropna()
    if present.empty:
        return {}
    codes, uniques = pd.factorize(present.astype(str))
    order = np.argsort(codes, kind="stable")
    positions = present.index.to_numpy()[order]
    if not (np.diff(present.index.to_numpy()) > 0).all():  # an index out of order: each group sorted
        return {str(k): np.sort(group) for k, group in zip(uniques, np.split(positions, _bounds(codes, len(uniques))))}
    return dict(zip(map(str, uniques), np.split(positions, _bounds(codes, len(uniques)))))


def _bounds(codes: np.ndarray, groups: int) -> np.ndarray:
    """Where each group after the first begins in codes sorted."""
    return np.cumsum(np.bincount(codes, minlength=groups))[:-1]


@dataclass
class Entities:
    by_kind: dict[str, dict[str, Entity]]  # kind -> key -> entity
    contract_year: pd.Series  # financial year of each contract (by start date)
    grant_year: pd.Series  # financial year of each grant (by award date)
    aligned: dict[str, pd.DataFrame]  # outcome_id per contract / grant ("contracts", "grants")
    trails: dict[tuple[str, str], list[Step]] = field(default_factory=dict)  # (kind, key) -> its decisions
    governs: dict[str, list[Step]] = field(default_factory=dict)  # decision_id -> what it governs

    def get(self, kind: str, key) -> Entity | None:
        if key is None or (not isinstance(key, str) and pd.isna(key)):
            return None
        return self.by_kind[kind].get(str(key))

    def all(self):
        for group in self.by_kind.values():
            yield from group.values()


def _sums(values: np.ndarray, positions: list[np.ndarray], flat: np.ndarray, owners: np.ndarray) -> list[float]:
    """Each entity's total of `values` over its `positions` (`flat`: them all, one after another;
    `owners`: whose each is), as `values[positions].sum()` gives it: added in order (bincount)
    where numpy adds in order (fewer than 8 values), by numpy itself where it adds pairwise."""
    entities = len(positions)
    totals = np.bincount(owners, weights=values[flat], minlength=entities).astype(float, copy=False).tolist()
    for i in np.flatnonzero(np.bincount(owners, minlength=entities) >= 8).tolist():
        totals[i] = float(values[positions[i]].sum())
    return totals


def _add_totals(by_kind: dict[str, dict[str, Entity]], contracts: pd.DataFrame, grants: pd.DataFrame,
                intentions: pd.DataFrame, contract_year: pd.Series, grant_year: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Every funding entity's totals and figures by year, each kind at once. Returns the
    contract and grant values.

    An entity's figures by year run from its first year to its latest, none skipped: a year in
    between with no contract or grant of its own is (year, 0.0, 0.0) and is named in
    empty_years. Each year's sum adds its rows in row order; a row with no financial year (no
    date) counts in the totals, not in any year."""
    value = {"contracts": contracts["total_value_gbp"].to_numpy(dtype=float, na_value=0.0),
             "grants": grants["amount_awarded"].to_numpy(dtype=float, na_value=0.0),
             "intentions": intentions["estimated_value_gbp"].to_numpy(dtype=float, na_value=0.0)}
    cy, gy = contract_year.to_numpy(dtype=object), grant_year.to_numpy(dtype=object)
    all_years = financial_year_range(set(cy.tolist()) | set(gy.tolist()))
    index = {y: i for i, y in enumerate(all_years)}
    year_code = {"contracts": np.array([index.get(y, -1) for y in cy.tolist()], dtype=np.int64),
                 "grants": np.array([index.get(y, -1) for y in gy.tolist()], dtype=np.int64)}
    years = len(all_years)
    for kind in ("organisation", "outcome", "commissioner", "client-group", "programme", "ward"):
        entities = list(by_kind[kind].values())
        n = len(entities)
        if not n:
            continue
        totals, cells, sums = {}, {}, {}
        for what in ("contracts", "grants", "intentions"):
            positions = [getattr(e, what) for e in entities]
            lengths = np.fromiter(map(len, positions), dtype=np.int64, count=n)
            flat = np.concatenate(positions) if lengths.any() else EMPTY
            owners = np.repeat(np.arange(n), lengths)
            totals[what] = _sums(value[what], positions, flat, owners)
            if what == "intentions":
                continue
            codes = year_code[what][flat]
            dated = codes >= 0
            # Only the (entity, year) cells that hold rows, each summed in row order: no table of
            # every entity by every year (a year far back in the data would make it huge).
            cells[what], inverse = np.unique(owners[dated] * years + codes[dated], return_inverse=True)
            sums[what] = np.bincount(inverse, weights=value[what][flat][dated], minlength=len(cells[what]))
        held = np.union1d(cells["contracts"], cells["grants"])  # sorted: by entity, then year
        column = {what: np.zeros(len(held)) for what in ("contracts", "grants")}
        for what in column:
            column[what][np.searchsorted(held, cells[what])] = sums[what]
        owner, code = (held // years, held % years) if years else (held, held)
        bounds = np.searchsorted(owner, np.arange(n + 1)).tolist()
        code_list, contract_sums, grant_sums = code.tolist(), column["contracts"].tolist(), column["grants"].tolist()
        for i, entity in enumerate(entities):
            entity.contracts_total = totals["contracts"][i]
            entity.grants_total = totals["grants"][i]
            entity.intentions_total = totals["intentions"][i]
            start, end = bounds[i], bounds[i + 1]
            if start == end:
                entity.by_year = []
                continue
            own = code_list[start:end]
            first, last = own[0], own[-1]
            if last - first + 1 == end - start:  # no year missing between its first and latest
                entity.by_year = list(zip(all_years[first:last + 1], contract_sums[start:end], grant_sums[start:end]))
                continue
            at = dict(zip(own, zip(contract_sums[start:end], grant_sums[start:end])))
            entity.by_year = [(all_years[j], *at.get(j, (0.0, 0.0))) for j in range(first, last + 1)]
            entity.empty_years = tuple(all_years[j] for j in range(first, last + 1) if j not in at)
    return value["contracts"], value["grants"]


def _aligned(contracts: pd.DataFrame, grants: pd.DataFrame, links: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The funding_outcomes links as row positions: for "contracts" and "grants", a frame of
    (pos, outcome_id) pairs, each once."""
    contract_index = pd.Series(np.arange(len(contracts)), index=contracts["contract_id"].astype(str))
    grant_index = pd.Series(np.arange(len(grants)), index=grants["grant_id"].astype(str))
    c_links = links.dropna(subset=["contract_id"])
    g_links = links.dropna(subset=["grant_id"])
    aligned = {
        "contracts": pd.DataFrame({"pos": contract_index.reindex(c_links["contract_id"].astype(str)).to_numpy(),
                                   "outcome_id": c_links["outcome_id"].astype(str).to_numpy()}).dropna().drop_duplicates(),
        "grants": pd.DataFrame({"pos": grant_index.reindex(g_links["grant_id"].astype(str)).to_numpy(),
                                "outcome_id": g_links["outcome_id"].astype(str).to_numpy()}).dropna().drop_duplicates(),
    }
    for frame in aligned.values():
        frame["pos"] = frame["pos"].astype(np.int64)
    return aligned


def _organisation_outcomes(organisations: dict[str, Entity], aligned: dict[str, pd.DataFrame], contracts: pd.DataFrame,
                           grants: pd.DataFrame, contract_value: np.ndarray, grant_value: np.ndarray) -> None:
    """The outcomes each organisation's funding is aligned to, with the value aligned, largest first."""
    value = pd.concat([
        aligned["contracts"].assign(org=contracts["supplier_org_id"].astype(str).to_numpy()[aligned["contracts"]["pos"]],
                                    value=contract_value[aligned["contracts"]["pos"]]),
        aligned["grants"].assign(org=grants["recipient_org_id"].astype(str).to_numpy()[aligned["grants"]["pos"]],
                                 value=grant_value[aligned["grants"]["pos"]]),
    ])
    if len(value):
        for (org, outcome), total in value.groupby(["org", "outcome_id"])["value"].sum().items():
            entity = organisations.get(org)
            if entity is not None:
                entity.outcomes.append((outcome, float(total)))
        for entity in organisations.values():
            entity.outcomes.sort(key=lambda item: (-item[1], item[0]))


@contextmanager
def _no_collection():
    """The cyclic garbage collector off, as it was before afterwards. Making hundreds of
    thousands of entities (and their lists), which form no cycles, would otherwise start a
    full collection, each passing over every entity made so far, over a dozen times at 1M
    grants (3 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_entities(tables: dict[str, pd.DataFrame]) -> Entities:
    """Every organisation, outcome, commissioner, client group, programme, ward, contract,
    intention and decision, with the row positions of what it funds or holds and its totals."""
    with _no_collection():
        return _build_entities(tables)


def _build_entities(tables: dict[str, pd.DataFrame]) -> Entities:
    contracts, grants = tables["contracts"], tables["grants"]
    intentions, orgs = tables["commissioning_intentions"], tables["organisations"]
    outcomes, commissioners, wards = tables["outcomes"], tables["commissioners"], tables["wards"]
    links = tables["funding_outcomes"]

    contract_year = financial_years(contracts["start_date"]).reset_index(drop=True)
    grant_year = financial_years(grants["award_date"]).reset_index(drop=True)
    for frame in (contracts, grants, intentions, orgs, outcomes, commissioners, wards, links):
        frame.reset_index(drop=True, inplace=True)

    contract_pos = {"supplier": _positions(contracts["supplier_org_id"]),
                    "commissioner": _positions(contracts["commissioner_id"]),
                    "client": _positions(contracts["client_group"])}
    grant_pos = {"recipient": _positions(grants["recipient_org_id"]),
                 "department": _positions(grants["department_id"]),
                 "programme": _positions(grants["programme"]),
                 "ward": _positions(grants["beneficiary_ward"])}
    intention_pos = {"commissioner": _positions(intentions["commissioner_id"]),
                     "client": _positions(intentions["client_group"])}
    org_ward = _positions(orgs["ward"])

    # Funding aligned to outcomes: positions of contracts and grants per outcome.
    aligned = _aligned(contracts, grants, links)
    outcome_contracts = {k: np.sort(v["pos"].to_numpy()) for k, v in aligned["contracts"].groupby("outcome_id")}
    outcome_grants = {k: np.sort(v["pos"].to_numpy()) for k, v in aligned["grants"].groupby("outcome_id")}

    by_kind: dict[str, dict[str, Entity]] = {k: {} for k in KINDS}

    def add(kind: str, keys: list[str], names: dict[str, str], rows: dict[str, int] | None = None, **position_maps):
        slugs = unique_slugs(keys)
        group = by_kind[kind]
        for key in keys:
            group[key] = Entity(kind, key, names.get(key, key), slugs[key],
                                **{attr: mapping.get(key, EMPTY) for attr, mapping in position_maps.items()},
                                row=None if rows is None else rows.get(key))

    org_ids = orgs["org_id"].astype(str).tolist()
    add("organisation", org_ids, dict(zip(org_ids, orgs["name"].astype(str).tolist())), {k: i for i, k in enumerate(org_ids)},
        contracts=contract_pos["supplier"], grants=grant_pos["recipient"])
    outcome_ids = outcomes["outcome_id"].astype(str).tolist()
    add("outcome", outcome_ids, dict(zip(outcome_ids, outcomes["title"].astype(str).tolist())),
        {k: i for i, k in enumerate(outcome_ids)}, contracts=outcome_contracts, grants=outcome_grants)
    commissioner_ids = commissioners["commissioner_id"].astype(str).tolist()
    add("commissioner", commissioner_ids, dict(zip(commissioner_ids, commissioners["name"].astype(str).tolist())),
        {k: i for i, k in enumerate(commissioner_ids)}, contracts=contract_pos["commissioner"],
        grants=grant_pos["department"], intentions=intention_pos["commissioner"])
    groups = sorted(set(contract_pos["client"]) | set(intention_pos["client"]))
    add("client-group", groups, {g: g[:1].upper() + g[1:] for g in groups},
        contracts=contract_pos["client"], intentions=intention_pos["client"])
    programmes = sorted(grant_pos["programme"])
    add("programme", programmes, {}, grants=grant_pos["programme"])
    ward_names = wards["ward_name"].astype(str).tolist()
    add("ward", ward_names, {}, {k: i for i, k in enumerate(ward_names)}, grants=grant_pos["ward"],
        organisations=org_ward)
    contract_ids = contracts["contract_id"].astype(str).tolist()
    add("contract", contract_ids, dict(zip(contract_ids, contracts["title"].astype(str).tolist())),
        {k: i for i, k in enumerate(contract_ids)})
    intention_ids = intentions["intention_id"].astype(str).tolist()
    add("intention", intention_ids, dict(zip(intention_ids, intentions["title"].astype(str).tolist())),
        {k: i for i, k in enumerate(intention_ids)})

    decisions = tables["decisions"].reset_index(drop=True)
    decision_ids = decisions["decision_id"].astype(str).tolist()
    add("decision", decision_ids, dict(zip(decision_ids, decisions["title"].astype(str).tolist())),
        {k: i for i, k in enumerate(decision_ids)})
    trails, governs = decision_trails(decisions, tables["decision_links"])

    contract_value, grant_value = _add_totals(by_kind, contracts, grants, intentions, contract_year, grant_year)

    _organisation_outcomes(by_kind["organisation"], aligned, contracts, grants, contract_value, grant_value)
    return Entities(by_kind=by_kind, contract_year=contract_year, grant_year=grant_year, aligned=aligned,
                    trails=trails, governs=governs)


def decision_trails(decisions: pd.DataFrame, links: pd.DataFrame):
    """Each contract's, intention's and programme's decisions, oldest first (by decision
    date; undated last), and what each decision governs."""
    position = {k: i for i, k in enumerate(decisions["decision_id"].astype(str))}
    dates = decisions["decision_date"].to_numpy(dtype="datetime64[ns]")
    trails: dict[tuple[str, str], list[Step]] = {}
    governs: dict[str, list[Step]] = {}
    for row in links.itertuples(index=False):
        pos = position.get(str(row.decision_id))
        if pos is None:
            continue
        gateway = None if pd.isna(row.gateway) else int(row.gateway)
        note = "" if pd.isna(row.note) else str(row.note)
        for kind, value in (("contract", row.contract_id), ("intention", row.intention_id),
                            ("programme", row.programme)):
            if not pd.isna(value):
                step = Step(pos, gateway, note, kind, str(value))
                trails.setdefault((kind, str(value)), []).append(step)
                governs.setdefault(str(row.decision_id), []).append(step)

    undated = np.isnat(dates)
    days = np.where(undated, np.datetime64(0, "ns"), dates).astype("int64")

    def order(step: Step):
        return (bool(undated[step.decision]), int(days[step.decision]), -1 if step.gateway is None else step.gateway)

    for steps in trails.values():
        steps.sort(key=order)
    return trails, governs


def live_now(tables: dict[str, pd.DataFrame], today) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row positions of contracts and grants running on `today` (by their dates; contracts
    terminated early are left out), and of contracts ending in the next six months."""
    day = pd.Timestamp(today)
    contracts, grants = tables["contracts"], tables["grants"]
    running = ((contracts["start_date"] <= day) & (contracts["end_date"] >= day)
               & (contracts["status"] != "terminated early")).fillna(False).to_numpy(dtype=bool)
    granted = ((grants["planned_start_date"] <= day) & (grants["planned_end_date"] >= day)).fillna(False).to_numpy(dtype=bool)
    horizon = day + pd.DateOffset(months=6)
    ending = (running & (contracts["end_date"] <= horizon).fillna(False).to_numpy(dtype=bool))
    order_c = np.argsort(contracts["end_date"].to_numpy(), kind="stable")
    order_g = np.argsort(grants["planned_end_date"].to_numpy(), kind="stable")
    return (order_c[running[order_c]], order_g[granted[order_g]], order_c[ending[order_c]])


def forward_plan(intentions: pd.DataFrame, today) -> tuple[np.ndarray, np.ndarray]:
    """Commissioning intentions: those planned to start on or after `today`, soonest
    first; then the rest (planned start passed), most recent first."""
    day = pd.Timestamp(today)
    start = intentions["planned_start_date"]
    order = np.argsort(start.to_numpy(), kind="stable")
    upcoming = (start >= day).fillna(False).to_numpy(dtype=bool)
    later = order[upcoming[order]]
    passed = order[~upcoming[order]][::-1]
    return later, passed
