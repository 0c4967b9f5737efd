"""The "Who the grants reach" pages (issue 19), parsed with BeautifulSoup: every figure equal to an independent
pandas computation from the CSV files, the CSV downloads, the navigation, accessible tables, and "not recorded"
when the data records nothing."""

from __future__ import annotations

import csv
import io
import shutil

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import read_rows, write_rows

from generator import build
from generator.config import PROJECT_DIR

BANDS = ["micro", "small", "medium", "large", "major", "super-major"]


def soup_of(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def fy(day: str) -> str:
    year, month = int(day[:4]), int(day[5:7])
    start = year if month >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def expected_figures(data_dir) -> dict[str, dict[str, list[tuple]]]:
    """Year -> table -> rows of (what the row counts, grants, share of grants, money, share of money), from the
    CSV files with pandas alone (not the generator's loader or model)."""
    grants = pd.read_csv(data_dir / "grants.csv", dtype=str, keep_default_na=False)
    orgs = pd.read_csv(data_dir / "organisations.csv", dtype=str, keep_default_na=False).set_index("org_id")
    grants["amount"] = grants["amount_awarded"].astype(float)
    grants["year"] = grants["award_date"].map(fy)
    grants["first"] = grants["award_date"] == grants.groupby("recipient_org_id")["award_date"].transform("min")
    person = (orgs["organisation_type"] == "individual") | orgs.index.str.contains("-IND-")
    grants["person"] = grants["recipient_org_id"].map(person)
    first_year = min(grants["year"])
    out = {}
    for year, g in grants.groupby("year"):
        n, money = len(g), g["amount"].sum()

        def row(key, sel):
            part = g[sel]
            return (key, len(part), len(part) / n, part["amount"].sum(), part["amount"].sum() / money)

        tables = {}
        if year != first_year:
            tables["first"] = [row("first-time", g["first"]), row("returning", ~g["first"])]
        band = g["recipient_org_id"].map(orgs["income_band"])
        tables["size"] = [row(b, (band == b) & ~g["person"]) for b in BANDS] + \
            [row("not recorded", (band == "") & ~g["person"])] + \
            ([row("individuals", g["person"])] if g["person"].any() else [])
        for column in ("led_by", "serving"):
            codes = g["recipient_org_id"].map(orgs[column]).map(
                lambda v: sorted({c.strip() for c in v.split(";") if c.strip()}))
            codes[g["person"]] = [[] for _ in range(int(g["person"].sum()))]
            present = sorted({c for cs in codes for c in cs})
            tables[column] = [row(c, codes.map(lambda cs, c=c: c in cs)) for c in present] + \
                [row("not recorded", codes.map(len).eq(0) & ~g["person"])] + \
                ([row("individuals", g["person"])] if g["person"].any() else [])
        out[year] = tables
    return out


def shown(r: tuple) -> list[str]:
    _, n, share_n, money, share_money = r
    return [f"{n:,}", f"{share_n * 100:.1f}%", f"£{round(money):,}", f"{share_money * 100:.1f}%"]


def table_rows(soup, caption_start: str) -> list[list[str]]:
    tables = [t for t in soup.find_all("table") if t.caption and t.caption.get_text().startswith(caption_start)]
    assert len(tables) == 1, caption_start
    return [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in tables[0].tbody.find_all("tr")]


def test_year_pages_show_the_data(built_site):
    expected = expected_figures(PROJECT_DIR / "data")
    years = sorted(expected)
    assert sorted(p.name for p in (built_site / "grants-reach").iterdir() if p.is_dir()) == years
    for year in years:
        soup = soup_of(built_site / "grants-reach" / year / "index.html")
        assert soup.h1.get_text(strip=True) == f"Who the grants reach: {year}"
        tables = expected[year]
        if year == years[0]:
            assert "Not measured: " + year + " is the first year in the data" in soup.get_text(" ")
            assert "first" not in tables
        else:
            got = table_rows(soup, f"Grants in {year} to first-time recipients")
            assert [r[0] for r in got] == ["First-time recipients (no earlier grant in the data)",
                                           "Recipients with an earlier grant in the data"]
            assert [r[1:] for r in got] == [shown(r) for r in tables["first"]]
        got = table_rows(soup, f"Grants in {year} by the recipient's size")
        assert [r[1:] for r in got] == [shown(r) for r in tables["size"]]
        assert [r[0] for r in got][:6] == ["Micro (under £10,000)", "Small (£10,000 to £100,000)",
                                           "Medium (£100,000 to £1 million)", "Large (£1 million to £10 million)",
                                           "Major (£10 million to £100 million)", "Super-major (over £100 million)"]
        assert got[6][0] == "Not recorded"
        for column, caption in (("led_by", "by who leads the recipient organisation"),
                                ("serving", "by the communities the recipient organisation mainly serves")):
            got = table_rows(soup, f"Grants in {year} {caption}")
            want = tables[column]
            assert [r[1:] for r in got] == [shown(r) for r in want]
            for label, (key, *_) in zip([r[0] for r in got], want):
                assert label == "Not recorded" if key == "not recorded" else label.endswith(f"({key})")


def test_index_page_and_csv_downloads(built_site):
    expected = expected_figures(PROJECT_DIR / "data")
    years = sorted(expected)
    soup = soup_of(built_site / "grants-reach" / "index.html")
    got = table_rows(soup, "Grants to first-time recipients, by financial year")
    assert [r[0] for r in got] == years
    assert got[0][1:3] == [f"{sum(r[1] for r in expected[years[0]]['size']):,}",
                           "not measured: the first year in the data"]
    for row, year in zip(got[1:], years[1:]):
        first = expected[year]["first"][0]
        assert row[2:] == [shown(first)[0], shown(first)[1], shown(first)[2], shown(first)[3]]
    links = [a["href"] for a in soup.select("table a")]
    assert links == [f"{y}/" for y in years]
    # The downloads: every year's figures, and each year's own.
    whole = list(csv.DictReader(io.StringIO((built_site / "grants-reach" / "grants-reach.csv").read_text("utf-8"))))
    parts = []
    for year in years:
        page = soup_of(built_site / "grants-reach" / year / "index.html")
        assert page.find("a", href=f"../{year}.csv") is not None
        parts += list(csv.DictReader(io.StringIO((built_site / "grants-reach" / f"{year}.csv").read_text("utf-8"))))
    assert whole == parts
    assert list(whole[0]) == ["financial_year", "measure", "category", "code", "grants", "share_of_grants",
                              "amount_gbp", "share_of_amount"]
    measures = {"first-time recipients": "first", "size (income band)": "size", "led by": "led_by",
                "communities served": "serving"}
    for year in years:
        for measure, key in measures.items():
            rows = [r for r in whole if r["financial_year"] == year and r["measure"] == measure]
            want = expected[year].get(key, [])
            assert [int(r["grants"]) for r in rows] == [w[1] for w in want]
            assert [float(r["amount_gbp"]) for r in rows] == pytest.approx([w[3] for w in want])
            if key in ("led_by", "serving"):
                assert [r["code"] for r in rows] == [w[0] if w[0].startswith("DEI") else "" for w in want]


def test_tables_are_accessible_and_the_page_is_in_the_navigation(built_site):
    for page in sorted((built_site / "grants-reach").rglob("index.html")):
        soup = soup_of(page)
        for table in soup.select("article table"):
            assert table.caption and table.caption.get_text(strip=True)
            assert all(th.get("scope") == "col" for th in table.thead.find_all("th"))
            assert all(tr.find("th", scope="row") for tr in table.tbody.find_all("tr"))
    home = soup_of(built_site / "index.html")
    nav = [a.get_text(" ", strip=True) for a in home.select(".md-nav--primary .md-nav__link")]
    assert "Who the grants reach" in nav
    assert home.find("a", href="grants-reach/", string="Who the grants reach") is not None


@pytest.fixture(scope="module")
def unrecorded_site(small_data, tmp_path_factory, config):
    """The small sample with no size or DEI codes recorded for any organisation, built."""
    root = tmp_path_factory.mktemp("unrecorded")
    data = root / "data"
    shutil.copytree(small_data, data)
    shutil.copytree(small_data.parent / "schemas", root / "schemas")
    rows = read_rows(data / "organisations.csv")
    at = [rows[0].index(c) for c in ("income_band", "led_by", "serving", "dei_declared_on")]
    for row in rows[1:]:
        for i in at:
            row[i] = ""
    write_rows(data / "organisations.csv", rows)
    build.build(data, root / "site", config, docs_dir=None)
    return root / "site"


def test_nothing_recorded_is_said_not_tabled(unrecorded_site):
    years = sorted(p.name for p in (unrecorded_site / "grants-reach").iterdir() if p.is_dir())
    assert len(years) >= 2
    for year in years:
        soup = soup_of(unrecorded_site / "grants-reach" / year / "index.html")
        text = " ".join(soup.get_text(" ").split())
        captions = [c.get_text() for c in soup.select("article table caption")]
        assert not [c for c in captions if "size" in c or "leads" in c or "serves" in c]
        assert "Not recorded: the data records no organisation's size (income band)." in text
        assert "Not recorded: the data records no organisation's leadership." in text
        assert "Not recorded: the data records no communities served." in text
        # The first-time measure needs only the grants.
        assert (captions == []) == (year == years[0])
    index = " ".join(soup_of(unrecorded_site / "grants-reach" / "index.html").get_text(" ").split())
    assert "The data records no organisation's size, so the year pages have no table of sizes." in index
