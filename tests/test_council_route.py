"""The whole route a council takes, exactly as README's "Publish your council's data" gives it:
`new`, `validate` of the empty project, the importers on files in real councils' styles, then
`validate` and `build` from inside the project folder. The site must hold every imported grant
and contract, name the council, and say nothing of Southwark or of any officer's contact details."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.config import PROJECT_DIR
from generator.model.dates import financial_year, financial_year_end

FIXTURES = PROJECT_DIR / "tests" / "fixtures"
GRANTS = FIXTURES / "360giving" / "trafford-grants-150.csv"  # a metropolitan borough's real 360Giving file
REGISTER_XLSX = FIXTURES / "contracts" / "district-register.xlsx"  # title rows, title variants, Excel dates
REGISTER_CSV = FIXTURES / "contracts" / "register-messy.csv"  # £ amounts, day/month/year dates, contacts
AWARDS = FIXTURES / "contracts" / "contracts-finder-award.json"  # OCDS award notices with contact points
# Officers' details in those files, which must never be published.
CONTACTS = ["jane.smith@example.gov.uk", "bob.jones@example.gov.uk", "020 7946 0123", "01234 567890",
            "transport.officer@example-district.gov.uk", "J. Bloggs"]


def generator(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_DIR), SOURCE_DATE_EPOCH="1764806400")
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def route(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("route")
    steps = {}
    steps["new"] = generator("new", "mycouncil", "--name", "Trafford Metropolitan Borough Council",
                             "--org-id", "GB-LAE-TRF", "--grant-prefix", "360G-traffordmbc-", cwd=root)
    project = root / "mycouncil"
    steps["validate empty"] = generator("validate", cwd=project)
    steps["grants"] = generator("import-360giving", str(GRANTS), "--out", "data", cwd=project)
    steps["register xlsx"] = generator("import-contracts", str(REGISTER_XLSX), "--out", "data", cwd=project)
    steps["register csv"] = generator("import-contracts", str(REGISTER_CSV), "--out", "data", cwd=project)
    steps["awards"] = generator("import-contracts", str(AWARDS), "--out", "data", cwd=project)
    steps["validate"] = generator("validate", cwd=project)
    steps["build"] = generator("build", "--out", "site", cwd=project)
    return {"steps": steps, "project": project, "site": project / "site"}


def test_every_step_succeeds(route):
    for name, step in route["steps"].items():
        assert step.returncode == 0, f"{name}:\n{step.stdout}\n{step.stderr}"
        assert "Traceback" not in step.stdout + step.stderr
    assert route["steps"]["validate empty"].stdout == "Valid: 13 datasets, 0 rows.\n"


def test_every_imported_grant_and_contract_is_published(route):
    data, site = route["project"] / "data", route["site"]
    source = rows(GRANTS)
    grants = rows(data / "grants.csv")
    assert sorted(g["grant_id"] for g in grants) == sorted(r["Identifier"] for r in source)
    published = json.loads((site / "downloads" / "360giving-grants.json").read_text(encoding="utf-8"))["grants"]
    assert sorted(g["id"] for g in published) == sorted(r["Identifier"] for r in source)
    assert sum(g["amountAwarded"] for g in published) == pytest.approx(sum(float(r["Amount Awarded"]) for r in source))
    contracts = rows(data / "contracts.csv")
    assert len(contracts) >= 3 + 3  # the XLSX's three, the CSV's, the awards'
    register = rows(site / "downloads" / "transparency-contracts-register.csv")
    assert len(register) == len(contracts)
    pages = {p.name for p in (site / "contracts").glob("*.html")}
    for contract in contracts:
        link = BeautifulSoup((site / "contracts" / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert link.find(string=contract["title"]) or len(contracts) > 200, contract["contract_id"]
    assert len(pages) >= len(contracts)


def test_the_site_names_the_council_and_not_southwark(route):
    site = route["site"]
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.find("h1").get_text(strip=True) == "Trafford Metropolitan Borough Council: commissioning and grants"
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv", ".json", ".jsonld", ".xml", ".md", ".txt"):
            text = path.read_text(encoding="utf-8-sig")
            assert "Southwark" not in text and "SWK" not in text, path
            for contact in CONTACTS:
                assert contact not in text, (path, contact)


def test_unknown_values_are_not_stated_never_invented(route):
    data, site = route["project"] / "data", route["site"]
    organisations = {o["org_id"]: o for o in rows(data / "organisations.csv")}
    # 360Giving says nothing of size or address: neither flag is guessed.
    assert {o["is_sme"] for o in organisations.values()} <= {"", "yes", "no"}
    assert any(o["based_in_borough"] == "" for o in organisations.values())
    contracts = rows(data / "contracts.csv")
    open_ended = next(c for c in contracts if not c["end_date"])
    listing = BeautifulSoup((site / "contracts" / "index.html").read_text(encoding="utf-8"), "html.parser")
    row = next(tr for tr in listing.select("tbody tr") if tr.th.get_text(strip=True) == open_ended["title"])
    assert [td.get_text(strip=True) for td in row.find_all("td")][3] == "not stated"


def test_real_data_is_described_as_it_is(route):
    """The last year in the data is over but its data is partial; shares nobody stated are not 0%;
    grants with no planned dates are not counted as not running; one row is one row."""
    site = route["site"]
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    years = [tr.th.get_text(strip=True) for tr in home.select("table tbody tr")]
    data = route["project"] / "data"
    latest = max([g["award_date"] for g in rows(data / "grants.csv")] +
                 [c["start_date"] for c in rows(data / "contracts.csv")])
    day = dt.date.fromisoformat(latest)
    # The premise: that financial year ended before the build's date (SOURCE_DATE_EPOCH, 4 December 2025).
    assert financial_year_end(financial_year(day)) <= dt.date(2025, 12, 4)
    assert years[-1].endswith(f"(data to {day.day} {day:%B %Y})")
    figures = [li.get_text(" ", strip=True) for li in home.select("ul.figures li")]
    assert ("not stated how much went to organisations based in the area: the data does not say for any of the "
            "money") in figures
    live = BeautifulSoup((site / "live" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert ("not stated how many grants are running: no grant in the data has planned start and end dates"
            in [li.get_text(" ", strip=True) for li in live.select("ul.figures li")])
    single = [p.get_text(strip=True) for page in (site / "organisations").glob("*.html")
              for p in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("p.table-download")]
    assert any(t.startswith("Download this row (CSV") for t in single)
    assert not any(t.startswith("Download these 1 rows") for t in single)
