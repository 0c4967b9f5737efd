"""A financial year with no contracts or grants inside the data's range is shown, at zero, and
said ("none recorded"), on every page with years: never left out (issue 21)."""

from __future__ import annotations

import re
import shutil

import pytest
from bs4 import BeautifulSoup
from conftest import read_rows, tables_of, write_rows

from generator import build
from generator.model.entities import build_entities

GAP = "2023-24"  # the small sample's busiest grants year, emptied: its grants move a year back, its contracts a year on
BEFORE, AFTER = "2022-23", "2024-25"
SENTENCE = re.compile(r"No (contracts or grants|grants|contracts) recorded in [^.]*\b" + GAP + r"\b")


def fy(date: str) -> str:
    year, month = int(date[:4]), int(date[5:7])
    start = year if month >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def shift(date: str, years: int) -> str:
    return f"{int(date[:4]) + years}{date[4:8]}{min(int(date[8:10]), 28):02d}" if date else date


def move_out_of_gap(rows: list[list[str]], columns: tuple[str, ...], years: int) -> list[int]:
    """Move every row dated in GAP (by columns[0]) `years` on, all its dates with it. Returns
    the moved rows' positions."""
    header = rows[0]
    at = [header.index(c) for c in columns]
    moved = []
    for i, row in enumerate(rows[1:], start=1):
        if row[at[0]] and fy(row[at[0]]) == GAP:
            for j in at:
                row[j] = shift(row[j], years)
            moved.append(i)
    return moved


@pytest.fixture(scope="module")
def gap(small_data, tmp_path_factory, config):
    """The small sample with nothing in GAP, and one grant on each side of it sharing an
    organisation, programme, ward, department and outcome. Returns (site, entities)."""
    root = tmp_path_factory.mktemp("gap")
    data = root / "data"
    shutil.copytree(small_data, data)
    shutil.copytree(small_data.parent / "schemas", root / "schemas")

    grants = read_rows(data / "grants.csv")
    assert move_out_of_gap(grants, ("award_date", "planned_start_date", "planned_end_date"), -1), "no grants in the gap year"
    contracts = read_rows(data / "contracts.csv")
    move_out_of_gap(contracts, ("start_date", "end_date", "review_date"), 1)  # after their award decisions
    write_rows(data / "contracts.csv", contracts)

    # One grant before the gap and one after it, for the same organisation, programme, ward,
    # department and outcome.
    h = grants[0]
    award = h.index("award_date")
    before = next(r for r in grants[1:] if fy(r[award]) == BEFORE)
    after = next(r for r in grants[1:] if fy(r[award]) == AFTER)
    for column in ("recipient_org_id", "programme", "beneficiary_ward", "department_id"):
        after[h.index(column)] = before[h.index(column)]
    write_rows(data / "grants.csv", grants)
    links = read_rows(data / "funding_outcomes.csv")
    grant_id = h.index("grant_id")
    for row in grants[1:]:
        assert fy(row[award]) != GAP
    links[1:] = [r for r in links[1:] if r[1] not in (before[grant_id], after[grant_id])]
    links += [["", before[grant_id], "OC1"], ["", after[grant_id], "OC1"]]
    write_rows(data / "funding_outcomes.csv", links)

    try:
        build.build(data, root / "site", config, docs_dir=None)
    except build.BuildError as error:
        raise AssertionError([str(f) for f in error.findings if f.severity == "error"]) from None
    entities = build_entities(tables_of(data))
    keys = {"organisation": before[h.index("recipient_org_id")], "programme": before[h.index("programme")],
            "ward": before[h.index("beneficiary_ward")], "commissioner": before[h.index("department_id")],
            "outcome": "OC1"}
    return root / "site", {kind: entities.get(kind, key) for kind, key in keys.items()}


def soup(site, path: str) -> BeautifulSoup:
    file = site / path
    assert file.is_file(), f"missing page {path}"
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def year_rows(page: BeautifulSoup) -> dict[str, list[str]]:
    """The chart's table: the first cell (the year, perhaps labelled) -> the other cells."""
    table = page.select_one(".chart-block table")
    assert table is not None, "no chart table"
    rows = {}
    for tr in table.select("tbody tr"):
        cells = [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        rows[cells[0]] = cells[1:]
    return rows


def check_chart(page: BeautifulSoup, zeros: list[str]) -> None:
    """The chart and its table have GAP, between the years either side, at zero, and say it."""
    rows = year_rows(page)
    labels = list(rows)
    gap = f"{GAP} (none recorded)"
    assert gap in labels, labels
    assert labels.index(gap) == labels.index(BEFORE) + 1 and labels.index(gap) + 1 < len(labels), labels
    assert rows[gap] == zeros
    svg = page.select_one(".chart-block svg")
    ticks = [t.get_text() for t in svg.select(".chart-axis-x text")]
    assert GAP in ticks or len(ticks) < len(labels)  # labels are thinned when there are many
    assert f"{GAP}: £0, none recorded" in [t.get_text() for t in svg.select(".chart-column title")]
    assert len(svg.select(".chart-column")) == len(labels)
    assert SENTENCE.search(page.select_one(".chart-block figcaption").get_text(" ", strip=True))


def test_the_home_page_keeps_the_empty_year(gap):
    site, _ = gap
    page = soup(site, "index.html")
    # Contracts starting, contract value, grants awarded, grant value: inside the grants' range, so 0 not "not in the data".
    check_chart(page, ["0", "£0", "0", "£0"])
    switcher = [a.get_text(strip=True) for a in page.select(".year-switcher a, .year-switcher strong")]
    assert f"{GAP} (none recorded)" in switcher
    assert page.select_one(f'.year-switcher a[href="years/{GAP}/"]') is not None


def test_the_empty_year_has_its_page_saying_so(gap):
    site, _ = gap
    page = soup(site, f"years/{GAP}/index.html")
    text = page.select_one("article").get_text(" ", strip=True)
    assert f"No contracts or grants recorded in {GAP}." in text
    assert not page.select("article ul.figures")  # the sentence, instead of the figures
    assert page.select_one(".year-switcher strong[aria-current=page]").get_text(strip=True) == f"{GAP} (none recorded)"
    # The years either side link to it.
    assert soup(site, f"years/{AFTER}/index.html").select_one(f'.year-switcher a[href="../{GAP}/"]') is not None


@pytest.mark.parametrize("kind, zeros", [("organisation", ["£0"] * 3), ("programme", ["£0"] * 3), ("ward", ["£0"] * 3),
                                         ("outcome", ["£0"] * 3), ("commissioner", ["£0"] * 3)])
def test_entity_charts_keep_the_empty_year(gap, kind, zeros):
    site, entities = gap
    entity = entities[kind]
    assert entity is not None
    check_chart(soup(site, entity.page), zeros)


def test_a_year_outside_a_dataset_is_still_not_in_the_data(gap):
    """The grants start later than the contracts: those years are "not in the data" for grants."""
    site, _ = gap
    rows = year_rows(soup(site, "index.html"))
    first = next(iter(rows))
    assert rows[first][2:] == ["not in the data"] * 2


def test_financial_year_range_skips_none():
    from generator.model.dates import financial_year_range

    assert financial_year_range({"2016-17", "2014-15", "<NA>-<NA>"}) == ["2014-15", "2015-16", "2016-17"]
    assert financial_year_range(["1999-00"]) == ["1999-00"]
    assert financial_year_range([]) == []


def test_the_headline_is_the_latest_year_over_with_something_recorded():
    import pandas as pd

    from generator.model.figures import build_model

    grants = pd.DataFrame({"award_date": pd.to_datetime(["2020-05-01", "2022-06-01"]), "amount_awarded": [10.0, 20.0],
                           "recipient_org_id": ["A", "A"], "funding_type": ["longer-term", "longer-term"]})
    contracts = pd.DataFrame({"start_date": pd.to_datetime(["2023-04-02"]), "total_value_gbp": [5.0],
                              "supplier_org_id": ["A"]})
    orgs = pd.DataFrame({"org_id": ["A"], "is_vcs": [True], "is_sme": [True], "based_in_borough": [True]})
    model = build_model({"grants": grants, "contracts": contracts, "organisations": orgs})
    assert model.years == ["2020-21", "2021-22", "2022-23", "2023-24"]
    gap = model.by_year["2021-22"]
    assert gap.empty and gap.total == 0 and gap.grants_covered and gap.complete
    assert model.latest_year == "2022-23"  # 2023-24 is not over

    contracts["start_date"] = pd.to_datetime(["2024-04-02"])  # 2023-24 over, and empty
    model = build_model({"grants": grants, "contracts": contracts, "organisations": orgs})
    assert model.by_year["2023-24"].empty and model.by_year["2023-24"].complete
    assert not model.by_year["2023-24"].grants_covered  # after the grants' range: "not in the data"
    assert model.latest_year == "2022-23"
