"""One end-to-end build of the bundled data, its HTML parsed and checked against the data."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from generator.config import PROJECT_DIR

DATA = PROJECT_DIR / "data"
DATASETS = [r["name"] for r in json.loads((DATA / "datapackage.json").read_text())["resources"]]


def page(site: Path, url: str) -> BeautifulSoup:
    path = site / url / "index.html" if not url.endswith(".html") else site / url
    assert path.is_file(), f"missing page {url}"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def rows(name: str) -> list[dict]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def fy(date: str) -> str:
    year, month = int(date[:4]), int(date[5:7])
    start = year if month >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def gbp(amount: Decimal) -> str:
    return f"£{int(amount.quantize(Decimal('1'))):,}"


def test_bundled_data_meets_the_minimum_sizes():
    counts = {name: len(rows(name)) for name in DATASETS}
    assert counts["contracts"] >= 300 and counts["grants"] >= 1500 and counts["organisations"] >= 500
    assert counts["outcomes"] >= 8 and counts["indicators"] >= 30
    periods = {r["period"] for r in rows("measurements")}
    assert any(p.endswith("Q1") for p in periods)
    years = {fy(r["award_date"]) for r in rows("grants")}
    assert len(years) >= 4
    wards = [r["ward_name"] for r in rows("wards")]
    assert len(wards) == 23 and "Nunhead & Queen's Road" in wards


def test_stock_frictionless_accepts_the_bundled_data():
    result = subprocess.run([str(Path(sys.executable).with_name("frictionless")), "validate", "--trusted",
                             "data/datapackage.json"], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]


def test_every_page_exists_with_lang_en_gb(built_site):
    for url in ["", "datasets", "about", "accessibility", *[f"datasets/{d}" for d in DATASETS]]:
        soup = page(built_site, url)
        assert soup.html["lang"] == "en-GB"
        assert soup.find("h1") is not None


def test_nav_lists_every_dataset():
    nav = yaml.safe_load((PROJECT_DIR / "mkdocs.yml").read_text())["nav"]
    listed = {v for item in nav for sub in item.values() if isinstance(sub, list)
              for entry in sub for v in ([entry] if isinstance(entry, str) else entry.values())}
    assert {f"datasets/{d}.md" for d in DATASETS} <= listed


def test_dataset_pages_match_the_data(built_site):
    for name in DATASETS:
        soup = page(built_site, f"datasets/{name}")
        facts = {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in soup.select("dl.dataset-facts dt")}
        assert facts["Rows"] == f"{len(rows(name)):,}"
        schema = json.loads((PROJECT_DIR / "schemas" / f"{name}.json").read_text())
        dictionary = soup.find("caption", string=re.compile("^Columns in ")).find_parent("table")
        names = [tr.find_all(["th", "td"])[1].get_text() for tr in dictionary.select("tbody tr")]
        assert names == [f["name"] for f in schema["fields"]]
        preview = soup.find("caption", string=re.compile("^The first ")).find_parent("table")
        first = preview.select("tbody tr")[0].find_all(["th", "td"])
        assert first[0].get_text() == rows(name)[0][schema["fields"][0]["name"]]


def test_download_links_name_type_and_size(built_site):
    for name in DATASETS:
        soup = page(built_site, f"datasets/{name}")
        links = [a for a in soup.select("article a") if "downloads/" in a.get("href", "")
                 and not re.search(r"-\d{4}-\d{2}\.csv$", a["href"])]
        assert len(links) == 4
        for link in links:
            target = (built_site / "datasets" / name / link["href"]).resolve()
            assert target.is_file()
            kind = {"csv": "CSV", "xlsx": "XLSX", "json": "JSON", "parquet": "Parquet"}[target.suffix[1:]]
            size = target.stat().st_size
            shown = f"{size} bytes" if size < 1024 else (f"{size / 1024:.0f} KB" if size < 1024**2 else f"{size / 1024**2:.1f} MB")
            assert re.fullmatch(rf".+ \({kind}, {re.escape(shown)}\)", link.get_text()), link.get_text()


def test_downloads_reread_equal_to_the_source(built_site):
    downloads = built_site / "downloads"
    for name in DATASETS:
        assert (downloads / f"{name}.csv").read_bytes() == (DATA / f"{name}.csv").read_bytes()
        records = json.loads((downloads / f"{name}.json").read_text(encoding="utf-8"))
        source = rows(name)
        assert len(records) == len(source)
        schema = {f["name"]: f for f in json.loads((PROJECT_DIR / "schemas" / f"{name}.json").read_text())["fields"]}
        for record, row in zip(records, source):
            assert list(record) == list(row)
            for key, value in row.items():
                got = record[key]
                if value == "":
                    assert got is None
                elif schema[key]["type"] == "number":
                    assert Decimal(str(got)) == Decimal(value), (name, key)
                elif schema[key]["type"] == "integer":
                    assert isinstance(got, int) and got == int(value), (name, key)
                elif schema[key]["type"] == "boolean":
                    assert got is (value == "yes")
                else:
                    assert got == value


def test_published_package_passes_plain_frictionless(built_site):
    descriptor = json.loads((built_site / "downloads" / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        assert isinstance(resource["schema"], dict)
        assert resource["hash"].startswith("sha256:") and resource["bytes"] > 0
    result = subprocess.run([str(Path(sys.executable).with_name("frictionless")), "validate", "datapackage.json"],
                            cwd=built_site / "downloads", capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]


def test_home_page_figures_match_the_data(built_site):
    soup = page(built_site, "")
    heading = soup.find("h2", string=re.compile(r"^Financial year \d{4}-\d{2}$"))
    year = heading.get_text().split()[-1]
    grants = [g for g in rows("grants") if fy(g["award_date"]) == year]
    contracts = [c for c in rows("contracts") if fy(c["start_date"]) == year]
    grant_total = sum(Decimal(g["amount_awarded"]) for g in grants)
    contract_total = sum(Decimal(c["total_value_gbp"]) for c in contracts)
    figures = [li.get_text(" ", strip=True) for li in soup.select("ul.figures li")]
    assert figures[0].startswith(f"{gbp(grant_total + contract_total)} committed through contracts and grants")
    assert figures[1].startswith(f"{gbp(contract_total)} in {len(contracts):,} contracts starting in the year")
    recipients = len({g["recipient_org_id"] for g in grants})
    assert figures[2].startswith(f"{gbp(grant_total)} in {len(grants):,} grants to {recipients:,} organisations")
    orgs = {o["org_id"]: o for o in rows("organisations")}
    vcs = sum(Decimal(g["amount_awarded"]) for g in grants if orgs[g["recipient_org_id"]]["is_vcs"] == "yes") + \
        sum(Decimal(c["total_value_gbp"]) for c in contracts if orgs[c["supplier_org_id"]]["is_vcs"] == "yes")
    share = round(vcs / (grant_total + contract_total) * 100)
    assert figures[3].startswith(f"{share}% of the money went to voluntary and community sector organisations")
    # The latest complete year: no later year has ended by the last date in the data.
    last = max([g["award_date"] for g in rows("grants")] + [c["start_date"] for c in rows("contracts")])
    assert f"{int(year[:4]) + 1}-03-31" <= last < f"{int(year[:4]) + 2}-03-31"


def test_year_table_totals(built_site):
    soup = page(built_site, "")
    table = soup.find("caption", string="Contracts and grants by financial year").find_parent("table")
    totals = defaultdict(Decimal)
    for g in rows("grants"):
        totals[fy(g["award_date"])] += Decimal(g["amount_awarded"])
    shown = {tr.th.get_text(): tr.find_all("td")[3].get_text() for tr in table.select("tbody tr")}
    first, last = min(totals), max(totals)
    assert {y: v for y, v in shown.items() if first <= y[:7] <= last} == {y: gbp(t) for y, t in totals.items()}
    assert all(v == "not in the data" for y, v in shown.items() if not first <= y[:7] <= last)
    # Only the newest year can be incomplete, and it says so.
    assert [y for y in shown if y.endswith("(so far)")] in ([], [max(shown)])
    header = [th for th in table.select("thead th")]
    assert all(th["scope"] == "col" for th in header)
    assert all("num" in td.get("class", []) for tr in table.select("tbody tr") for td in tr.find_all("td"))


def test_dates_and_amounts_are_formatted_for_reading(built_site):
    soup = page(built_site, "datasets/grants")
    preview = soup.find("caption", string=re.compile("^The first ")).find_parent("table")
    cells = [td.get_text() for td in preview.select("tbody tr")[0].find_all("td")]
    first = rows("grants")[0]
    assert any(re.fullmatch(r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|"
                            r"November|December) \d{4}", c) for c in cells)
    assert f"£{Decimal(first['amount_awarded']):,.2f}".replace(".00", "") in cells


def test_no_request_to_another_origin(built_site):
    # A regular expression, not a parser: the site has a thousand pages.
    fetching = re.compile(r'<(script|link|img|iframe|source)\b[^>]*?\b(?:src|href)="((?:https?:)?//[^"]*)"')
    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 900
    for html in pages:
        text = html.read_text(encoding="utf-8")
        assert fetching.findall(text) == [], html
        assert "fonts.googleapis" not in text
    assert fetching.findall('<link rel="stylesheet" href="https://cdn.example/x.css">')  # the pattern works


def test_illustrative_notice_follows_the_setting(built_site, config, small_data, tmp_path):

    from generator import build

    def notices(site):
        return [bool(BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select_one(".notice-illustrative"))
                for html in site.rglob("index.html")]

    from generator import new
    from generator.config import load_config

    assert all(notices(built_site)) == config.illustrative
    # Real data (a council's own project: the sample itself is refused as real data).
    new.new_project(tmp_path / "council", name="Example Borough Council", org_id="GB-LAE-EXB",
                    grant_prefix="360G-exampleborough-")
    real = load_config(tmp_path / "council" / "config.yml")
    assert real.illustrative is False
    build.build(tmp_path / "council" / "data", tmp_path / "real", real, docs_dir=None)
    assert notices(tmp_path / "real") and not any(notices(tmp_path / "real"))


def test_about_names_the_decision(built_site):
    soup = page(built_site, "about")
    link = soup.find("a", string="Strategic Coordination of Council Commissioning")
    assert link["href"] == "../decisions/swk-dec-0001.html"  # the seed: the first decision record
    assert "This site exists because of a decision" in link.parent.get_text()  # about.md, the council's own
    source = soup.find("a", string="the decision on the council's website")
    assert source["href"] == "https://moderngov.southwark.gov.uk/ieDecisionDetails.aspx?Id=6007"
    commissioners = soup.find("caption", string="Commissioners").find_parent("table")
    names = [tr.th.get_text() for tr in commissioners.select("tbody tr")]
    assert names == [r["name"] for r in rows("commissioners")]


def test_every_field_is_documented():
    for name in DATASETS:
        for field in json.loads((PROJECT_DIR / "schemas" / f"{name}.json").read_text())["fields"]:
            assert field.get("title") and field.get("description") and field.get("example"), (name, field["name"])


def test_datasets_index_links_every_dataset(built_site):
    soup = page(built_site, "datasets")
    table = soup.find("caption", string="Datasets").find_parent("table")
    links = {a.get_text(): a["href"] for a in table.select("tbody th a")}
    titles = {r["name"]: r["title"] for r in json.loads((DATA / "datapackage.json").read_text())["resources"]}
    assert links == {titles[n]: f"{n}/" for n in DATASETS}
    for href in links.values():
        assert (built_site / "datasets" / href / "index.html").is_file()


def test_xlsx_parquet_and_zip_hold_the_same_rows(built_site):
    import zipfile

    import openpyxl
    import pandas as pd

    downloads = built_site / "downloads"
    source = pd.read_csv(DATA / "grants.csv", dtype=str, keep_default_na=False)
    sheet = openpyxl.load_workbook(downloads / "grants.xlsx", read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(source.columns)
    assert len(values) == len(source) + 1
    first = dict(zip(values[0], values[1]))
    assert first["grant_id"] == source.loc[0, "grant_id"]
    assert Decimal(str(first["amount_awarded"])) == Decimal(source.loc[0, "amount_awarded"])
    assert first["award_date"].strftime("%Y-%m-%d") == source.loc[0, "award_date"]
    parquet = pd.read_parquet(downloads / "grants.parquet")
    assert list(parquet["grant_id"]) == list(source["grant_id"])
    assert parquet["amount_awarded"].sum() == pytest.approx(source["amount_awarded"].astype(float).sum())
    with zipfile.ZipFile(downloads / "southwark-commissioning.zip") as archive:
        assert sorted(archive.namelist()) == sorted(["datapackage.json", *[f"{d}.csv" for d in DATASETS]])
        assert archive.read("grants.csv") == (DATA / "grants.csv").read_bytes()


def test_xlsx_text_never_becomes_a_formula(tmp_path):
    import openpyxl
    import pandas as pd

    from generator.exports.xlsx import write_xlsx

    hostile = ["=1+1", "+44 20 7525 5000", "-2+3", "@SUM(A1)", "=HYPERLINK(\"http://x\")", "http://example.com"]
    frame = pd.DataFrame({"text": hostile, "n": [1.5] * len(hostile)})
    fields = [{"name": "text", "type": "string"}, {"name": "n", "type": "number"}]
    write_xlsx(frame, fields, tmp_path / "x.xlsx", "Sheet")
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx").active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == hostile
    assert {c.data_type for c in cells} == {"s"}
    assert {row[1].data_type for row in sheet.iter_rows(min_row=2)} == {"n"}


def test_standards_page_and_its_downloads(built_site):
    from conformance import validate_ocds

    soup = page(built_site, "standards")
    code = soup.find("caption", string="Transparency Code datasets published here").find_parent("table")
    lines = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in code.select("tbody tr")]
    years = sorted({fy(g["award_date"]) for g in rows("grants")}, reverse=True)
    assert [line[1] for line in lines[1:]] == [f"financial year {y}" for y in years]
    assert lines[0][0] == "Contracts register: every contract over £5,000"
    for link in code.select("a"):
        assert (built_site / "standards" / link["href"]).resolve().is_file()
    register = list(csv.DictReader((built_site / "downloads" / "transparency-contracts-register.csv")
                                   .open(encoding="utf-8-sig")))
    over = [c["contract_id"] for c in rows("contracts") if Decimal(c["total_value_gbp"]) > 5000]
    assert [r["Reference number"] for r in register] == over
    package = json.loads((built_site / "downloads" / "ocds-contracts.json").read_text(encoding="utf-8"))
    assert validate_ocds(package) == []
    from conformance import validate_360

    grants = json.loads((built_site / "downloads" / "360giving-grants.json").read_text(encoding="utf-8"))
    assert validate_360(grants) == []
    assert [g["id"] for g in grants["grants"]] == [g["grant_id"] for g in rows("grants")]
    assert {g["fundingOrganization"][0]["id"] for g in grants["grants"]} == {"GB-LAE-SWK"}
    links = {a["href"] for a in soup.select("article a")}
    assert {"../downloads/360giving-grants.json", "../downloads/360giving-grants.csv",
            "../downloads/ocds-contracts.json"} <= links
    assert len(package["releases"]) == len(rows("contracts"))


def test_dataset_pages_carry_schema_org_json_ld(built_site):
    for name in DATASETS:
        soup = page(built_site, f"datasets/{name}")
        scripts = soup.find_all("script", type="application/ld+json")
        assert len(scripts) == 1
        value = json.loads(scripts[0].string)
        assert value["@type"] == "Dataset" and value["license"].endswith("open-government-licence/version/3/")
        assert [d["encodingFormat"] for d in value["distribution"]] == [
            "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/json",
            "application/vnd.apache.parquet"]
        for d in value["distribution"]:  # relative to the page, as a browser resolves them
            assert (built_site / "datasets" / name / d["contentUrl"]).resolve().is_file()
        if name == "grants":
            first = min(r["award_date"] for r in rows("grants"))
            assert value["temporalCoverage"].startswith(first)
        if name == "wards":
            assert "temporalCoverage" not in value


def test_dcat_catalogue_lists_every_dataset_and_download(built_site):
    catalogue = json.loads((built_site / "downloads" / "catalog.jsonld").read_text(encoding="utf-8"))
    assert catalogue["@type"] == "dcat:Catalog"
    named = {d["dct:identifier"]: d for d in catalogue["dcat:dataset"]}
    assert set(DATASETS) <= set(named)
    for name in DATASETS:
        assert (built_site / "downloads" / named[name]["@id"] / "index.html").resolve().is_file()
    for d in catalogue["dcat:dataset"]:
        for dist in d["dcat:distribution"]:
            path = built_site / "downloads" / dist["dcat:downloadURL"]["@id"]
            assert path.is_file() and path.stat().st_size == dist["dcat:byteSize"]


@pytest.mark.parametrize("name,column", [("grants", "award_date"), ("contracts", "start_date")])
def test_one_csv_per_financial_year(built_site, name, column):
    soup = page(built_site, f"datasets/{name}")
    links = [a for a in soup.select("article a") if re.search(r"-\d{4}-\d{2}\.csv$", a.get("href", ""))]
    source = rows(name)
    years = sorted({fy(r[column]) for r in source}, reverse=True)
    assert [a.get_text().split(" (")[0] for a in links] == [f"{name.capitalize()} {y}" for y in years]
    seen = []
    for link in links:
        year = re.search(r"(\d{4}-\d{2})\.csv$", link["href"]).group(1)
        with (built_site / "datasets" / name / link["href"]).resolve().open(encoding="utf-8", newline="") as f:
            part = list(csv.DictReader(f))
        assert part and all(fy(r[column]) == year for r in part)
        seen += part
    assert sorted(r[f"{name[:-1]}_id"] for r in seen) == sorted(r[f"{name[:-1]}_id"] for r in source)


def test_sitemap_lists_every_page_when_the_address_is_set(small_data, tmp_path, config):
    import dataclasses

    from generator import build

    with_url = dataclasses.replace(config, site_url="https://data.example.gov.uk/commissioning/")
    build.build(small_data, tmp_path / "site", with_url, docs_dir=None)
    index = (tmp_path / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<sitemapindex" in index and len(index) < 1000  # small: Material fetches it on every page
    parts = re.findall(r"<loc>(.*?)</loc>", index)
    assert parts == ["https://data.example.gov.uk/commissioning/sitemaps/sitemap-1.xml"]
    sitemap = (tmp_path / "site" / "sitemaps" / "sitemap-1.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>(.*?)</loc>", sitemap)
    assert "https://data.example.gov.uk/commissioning/datasets/grants/" in locations
    assert "https://data.example.gov.uk/commissioning/" in locations
    pages = [p for p in (tmp_path / "site").rglob("*.html") if p.name != "404.html"]
    assert len(locations) == len(set(locations)) == len(pages)
    assert any(loc.endswith(".html") for loc in locations)  # the entity pages


def test_sitemaps_split_at_the_limit(small_data, tmp_path, config, monkeypatch):
    import dataclasses

    from generator import build
    from generator.site import mkdocs as site_mkdocs

    monkeypatch.setattr(site_mkdocs, "SITEMAP_URLS", 100)
    with_url = dataclasses.replace(config, site_url="https://data.example.gov.uk/c/")
    build.build(small_data, tmp_path / "site", with_url, docs_dir=None)
    index = (tmp_path / "site" / "sitemap.xml").read_text(encoding="utf-8")
    parts = re.findall(r"<loc>https://data.example.gov.uk/c/(.*?)</loc>", index)
    pages = len([p for p in (tmp_path / "site").rglob("*.html") if p.name != "404.html"])
    assert len(parts) == -(-pages // 100) > 1
    counts = [len(re.findall("<url>", (tmp_path / "site" / p).read_text(encoding="utf-8"))) for p in parts]
    assert sum(counts) == pages and max(counts) == 100


def test_identifiers_from_the_settings_appear_exactly(built_site, config):
    for url in ("standards", "about"):
        codes = [c.get_text() for c in page(built_site, url).select("article code")]
        assert config.grant_id_prefix in codes and config.publisher_org_id in codes
        assert not any("\\" in c for c in codes)
    assert config.ocid_prefix in [c.get_text() for c in page(built_site, "standards").select("article code")]
