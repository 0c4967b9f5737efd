"""Contract KPIs on the built bundled site (generator/site/kpi_pages.py), checked against the CSV text with
plain Python: each contract's KPIs with their charts, tables and CSV; the KPIs beside an outcome's
indicators; the Contract performance page, its filters and CSVs; and nothing of it when the data has no
rated KPI."""

from __future__ import annotations

import csv
import io
import shutil
from collections import Counter, defaultdict

import pytest
from bs4 import BeautifulSoup

from conftest import download_text, read_rows, write_rows
from generator import build
from generator.model.entities import slugify

from test_site import DATA, page, rows, table_rows

RATINGS = ["Good", "Approaching target", "Requires improvement", "Inadequate", "Other"]
SOURCE = (DATA / "contract_kpis.csv").read_text(encoding="utf-8").splitlines(keepends=True)


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def year_of(day: str) -> str:
    start = int(day[:4]) if int(day[5:7]) >= 4 else int(day[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def by_contract() -> dict[str, dict[str, list[dict]]]:
    out: dict[str, dict[str, list[dict]]] = defaultdict(dict)
    for row in rows("contract_kpis"):
        out[row["contract_id"]].setdefault(row["kpi_id"], []).append(row)
    return out


def test_each_contract_page_shows_its_kpis_with_charts_tables_and_csv(built_site):
    kpis = by_contract()
    assert len(kpis) == 10
    for contract_id, mine in kpis.items():
        url = f"contracts/{slugify(contract_id)}.html"
        soup = page(built_site, url)
        assert soup.select_one("h2#kpis").get_text(strip=True) == "Key performance indicators"
        headings = [h.get_text(strip=True) for h in soup.select("article h3")]
        assert headings == [periods[0]["kpi"] for periods in mine.values()]
        for kpi_id, periods in mine.items():
            periods = sorted(periods, key=lambda r: r["period_start"])
            shown = table_rows(soup, f"Results against target by period: {periods[0]['kpi']}")
            assert len(shown) == min(len(periods), 12)
            cells = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in shown]
            assert [c[3] for c in cells] == [r["rating"] or "not yet assessed" for r in periods[-12:]]
            results = [r for r in periods if r["result_value"]]
            chart = soup.select_one(f"svg#kpi-{slugify(contract_id)}-{kpi_id.lower()}, "
                                    f"svg[aria-labelledby^='kpi-{slugify(contract_id)}-{kpi_id.lower()}-']")
            assert (chart is not None) == (len(results) >= 2), (contract_id, kpi_id)
        download = soup.find("a", href=url.split("/")[1].replace(".html", ".kpis.csv"))
        total = sum(len(p) for p in mine.values())
        assert download.get_text().startswith(f"Download this contract's {total} KPI rows (CSV,")
        text = (built_site / url.replace(".html", ".kpis.csv")).read_text(encoding="utf-8")
        assert text == SOURCE[0] + "".join(line for line in SOURCE[1:] if line.startswith(contract_id + ","))
    # A contract without KPIs says nothing of them.
    other = next(c["contract_id"] for c in rows("contracts") if c["contract_id"] not in kpis)
    assert page(built_site, f"contracts/{slugify(other)}.html").select_one("h2#kpis") is None


def test_outcome_pages_show_the_latest_period_of_the_kpis_serving_them(built_site):
    latest: dict[str, list[dict]] = defaultdict(list)
    for contract_id, mine in by_contract().items():
        for periods in mine.values():
            periods = sorted(periods, key=lambda r: r["period_start"])
            rated = [r for r in periods if r["rating"]]
            row = (rated or periods)[-1]
            if row["outcome_id"]:
                latest[row["outcome_id"]].append(row)
    assert len(latest) >= 3
    for outcome in rows("outcomes"):
        soup = page(built_site, f"outcomes/{slugify(outcome['outcome_id'])}.html")
        mine = latest.get(outcome["outcome_id"], [])
        if not mine:
            assert "Contract KPIs serving this outcome" not in soup.get_text()
            continue
        shown = table_rows(soup, f"Contract KPIs serving this outcome: {outcome['title']}")
        assert [tr.th.get_text(strip=True) for tr in shown] == [r["kpi"] for r in mine]
        assert [tr.find_all("td")[-1].get_text(strip=True) for tr in shown] == [r["rating"] for r in mine]
        # Beside the indicators: after their table, before the funding lists.
        text = soup.select_one("article").get_text(" ")
        assert text.index("Latest results against target") < text.index("Contract KPIs serving") \
            < text.index("Contracts aligned to this outcome")
        name = f"{slugify(outcome['outcome_id'])}.kpis.csv"
        assert csv_rows(download_text(built_site, f"outcomes/{slugify(outcome['outcome_id'])}.html", name)) == mine


def test_the_contract_performance_page_counts_every_rated_contract_by_year(built_site):
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows("contract_kpis"):
        if row["rating"]:
            counts[(row["contract_id"], year_of(row["period_end"]))][row["rating"]] += 1
    soup = page(built_site, "performance/")
    assert soup.h1.get_text(strip=True) == "Contract performance"
    titles = {c["contract_id"]: c["title"] for c in rows("contracts")}
    shown = table_rows(soup, "Rated contracts")
    expected = sorted(counts, key=lambda k: (-int(k[1][:4]), k[0]))
    assert len(shown) == len(expected)
    for tr, key in zip(shown, expected):
        cells = [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        assert cells[0] == titles[key[0]] and cells[2] == key[1]
        assert cells[3:] == [str(counts[key][r]) for r in RATINGS] + [str(sum(counts[key].values()))]
    link = soup.find("a", download=True, string=lambda t: t and "rated KPI periods" in t)
    rated = sum(sum(c.values()) for c in counts.values())
    assert link.get_text().startswith(f"Download the {rated} rated KPI periods counted here (CSV,")
    # The CSV: the rated rows the table counts, as the source has them, in the table's order.
    written = csv_rows(download_text(built_site, "performance/", "contracts.csv"))
    assert [(r["contract_id"], year_of(r["period_end"])) for r in written] == \
        [key for key in expected for _ in range(sum(counts[key].values()))]
    key = lambda r: (r["contract_id"], r["kpi_id"], r["period_start"])  # noqa: E731
    assert sorted(written, key=key) == sorted((r for r in rows("contract_kpis") if r["rating"]), key=key)
    years = table_rows(soup, "Rated KPI periods by financial year")
    by_year = defaultdict(Counter)
    for (contract_id, year), c in counts.items():
        by_year[year].update(c)
    assert [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])][:7] for tr in years] == [
        [year] + [str(by_year[year][r]) for r in RATINGS] + [str(sum(by_year[year].values()))]
        for year in sorted(by_year, reverse=True)]
    # Filters: a page per financial year and per rating given, each with exactly its rows.
    filters = {a.get_text(strip=True): a["href"] for a in soup.select("article ul.decision-filters a")}
    assert set(filters) == {f"Rated in {y}" for y in by_year} | {
        f"Rated {r}" for r in RATINGS if any(c[r] for c in counts.values())}
    inadequate = page(built_site, "performance/" + filters["Rated Inadequate"])
    assert len(table_rows(inadequate, "Rated Inadequate")) == sum(1 for c in counts.values() if c["Inadequate"])
    # In the sidebar, and on the home page's list of what to explore.
    home = page(built_site, "")
    assert "performance/" in {a["href"] for a in home.select("nav.md-nav--primary a[href]")}
    assert home.select_one("article a[href='performance/']") is not None


@pytest.fixture(scope="module")
def unrated_site(small_data, tmp_path_factory, config):
    """The small sample built with every KPI period not yet assessed."""
    root = tmp_path_factory.mktemp("unrated")
    shutil.copytree(small_data, root / "data")
    shutil.copytree(small_data.parent / "schemas", root / "schemas")
    table = read_rows(root / "data" / "contract_kpis.csv")
    blank = [table[0].index(c) for c in ("result_value", "result", "rating", "published")]
    write_rows(root / "data" / "contract_kpis.csv", [table[0]] + [
        [("" if k in blank else v) for k, v in enumerate(r)] for r in table[1:]])
    build.build(root / "data", root / "site", config, docs_dir=None)
    return root / "site"


def test_no_rated_kpi_no_performance_page_but_contracts_show_their_kpis(unrated_site):
    assert not (unrated_site / "performance").exists()
    home = BeautifulSoup((unrated_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "Contract performance" not in home.get_text()
    contract = BeautifulSoup((unrated_site / "contracts" / "swk-c-00006.html").read_text(encoding="utf-8"),
                             "html.parser")
    assert contract.select_one("h2#kpis") is not None
    assert "not yet assessed" in contract.get_text() and contract.select("article svg.chart") == []
