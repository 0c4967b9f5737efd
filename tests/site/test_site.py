"""The explore pages of the built bundled site, parsed and checked against the data:
entity pages and their figures, row CSVs, long lists split into pages, Live now, the
Forward plan, dashboards per year, links, page sizes, the sidebar, and the
Content-Security-Policy. Expected figures are computed here from the CSV text with
plain Python, not with the generator's own code."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import posixpath
import re
from collections import Counter, defaultdict, deque
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import download_text, downloads_on, page_path
from generator.config import today as build_date
from generator.site import listing
from generator.model.entities import slugify
from generator.config import PROJECT_DIR

DATA = PROJECT_DIR / "data"


def rows(name: str) -> list[dict]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def page(site: Path, url: str) -> BeautifulSoup:
    path = site / (url if url.endswith(".html") else url + "index.html")
    assert path.is_file(), f"missing page {url}"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def gbp(amount) -> str:
    return f"£{int(Decimal(amount).quantize(Decimal('1'))):,}"


def figures(soup: BeautifulSoup) -> list[str]:
    return [" ".join(li.get_text(" ", strip=True).split()) for li in soup.select("article ul.figures li")]


def table_rows(soup: BeautifulSoup, caption_start: str) -> list:
    for table in soup.select("article table"):
        if table.caption and table.caption.get_text(strip=True).startswith(caption_start):
            return table.select("tbody tr")
    raise AssertionError(f"no table captioned {caption_start!r}")


def list_pages(site: Path, url: str, heading: str) -> list[str]:
    """The URLs of a list's further pages, from the "More" links under its heading on `url`,
    then each page's "Next page" link (a very long list links only some of them)."""
    soup = page(site, url)
    nav = next((n for n in soup.select("article nav.list-pages")
                if n.get("aria-label", "").lower() == f"more {heading.lower()}"), None)
    if nav is None:
        return []
    folder = posixpath.dirname(url)
    found = [posixpath.join(folder, nav.a["href"])]
    while True:
        after = page(site, found[-1]).find("a", string="Next page")
        if after is None:
            return found
        found.append(posixpath.join(posixpath.dirname(found[-1]), after["href"]))


def all_rows(site: Path, url: str, heading: str, caption_start: str) -> list:
    """A list's rows on `url` and on each of its further pages."""
    rows_ = list(table_rows(page(site, url), caption_start))
    for further in list_pages(site, url, heading):
        rows_ += table_rows(page(site, further), caption_start)
    return rows_


def read_csv_text(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def org_url(org_id: str) -> str:
    return f"organisations/{slugify(org_id)}.html"


HTML_LINK = re.compile(r'<(a|link|script|img)\b[^>]*?\b(?:href|src)="([^"]*)"')


@pytest.fixture(scope="module")
def pages(built_site) -> dict[str, str]:
    found = {}
    for path in built_site.rglob("*.html"):
        rel = path.relative_to(built_site).as_posix()
        url = rel[: -len("index.html")] if rel.endswith("index.html") else rel
        found[url] = path.read_text(encoding="utf-8")
    return found


# --- the whole site -------------------------------------------------------------------


def test_every_link_resolves_and_every_page_is_reachable_from_home(built_site, pages):
    broken, graph = [], defaultdict(set)
    for url, html in pages.items():
        for tag, target in HTML_LINK.findall(html):
            target = target.replace("&amp;", "&")
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "//")):
                continue
            path = target.split("#")[0].split("?")[0]
            if not path or (url == "404.html" and path.startswith("/")):  # MkDocs' 404 page uses root paths
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(url) if not url.endswith("/") else url,
                                                         path))
            resolved = "" if resolved == "." else resolved
            file = built_site / resolved
            if file.is_dir():
                if not (file / "index.html").is_file():
                    broken.append((url, target))
                graph[url].add(resolved.rstrip("/") + "/" if resolved else "")
            elif not file.is_file():
                broken.append((url, target))
            elif resolved.endswith(".html"):
                graph[url].add(resolved)
    assert broken == []
    seen, queue = {""}, deque([""])
    while queue:
        for target in graph[queue.popleft()]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    unreachable = sorted(u for u in pages if u not in seen and u != "404.html")
    assert unreachable == []


def test_entity_pages_are_not_in_the_sidebar_but_index_pages_are(built_site):
    home = page(built_site, "")
    nav = {a["href"] for a in home.select("nav.md-nav--primary a[href]")}
    for index in ("organisations/", "contracts/", "outcomes/", "commissioners/", "client-groups/", "programmes/",
                  "wards/", "live/", "forward-plan/", "search/"):
        assert index in nav
    assert not [h for h in nav if re.match(r"(organisations|contracts|outcomes|wards)/[^/]+/", h)]
    org = page(built_site, org_url(rows("organisations")[0]["org_id"]))
    assert not [a for a in org.select("nav.md-nav--primary a[href]") if "gb-" in a["href"]]


def test_every_page_has_a_content_security_policy_matching_its_inline_scripts(pages):
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>(.*?)</script>", re.S)
    for url, html in pages.items():
        head = html[html.index("<head>") + len("<head>"):].lstrip()
        assert head.startswith('<meta http-equiv="Content-Security-Policy"'), url
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', head).group(1)
        assert "style-src 'self';" in policy and "default-src 'self';" in policy
        assert "unsafe-inline" not in policy
        for script in inline.findall(html):
            digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
            assert f"'sha256-{digest}'" in policy, url
        assert not re.search(r"<[^>]+\s(style|on[a-z]+)=", html), url


def test_the_shells_are_not_published(built_site, pages):
    assert not (built_site / "shell").exists()
    assert not [u for u, html in pages.items() if "shelltitlemark" in html.lower() or "shellbodymark" in html.lower()]


def test_every_link_within_a_page_goes_to_an_element_on_it(pages):
    """"Skip to content" and any other #fragment link lands on an element with that id."""
    broken = []
    for url, html in pages.items():
        ids = set(re.findall(r'\sid="([^"]+)"', html))
        broken += [(url, target) for target in re.findall(r'href="#([^"]+)"', html) if target not in ids]
    assert broken == []
    org = pages[org_url(rows("organisations")[0]["org_id"])]
    assert 'href="#page-title" class="md-skip"' in org and '<h1 id="page-title">' in org


# --- organisations ----------------------------------------------------------------------


def test_every_organisation_page_shows_its_totals_and_lists(built_site):
    contracts, grants = defaultdict(list), defaultdict(list)
    for c in rows("contracts"):
        contracts[c["supplier_org_id"]].append(c)
    for g in rows("grants"):
        grants[g["recipient_org_id"]].append(g)
    orgs = rows("organisations")
    for org in orgs[::7]:  # every 7th: about 80 pages
        soup = page(built_site, org_url(org["org_id"]))
        assert soup.h1.get_text(strip=True) == org["name"]
        mine_c, mine_g = contracts[org["org_id"]], grants[org["org_id"]]
        total_c = sum(Decimal(c["total_value_gbp"]) for c in mine_c)
        total_g = sum(Decimal(g["amount_awarded"]) for g in mine_g)
        shown = figures(soup)
        assert f"{gbp(total_c)} in {len(mine_c)} contract{'' if len(mine_c) == 1 else 's'}" in shown
        assert f"{gbp(total_g)} in {len(mine_g)} grant{'' if len(mine_g) == 1 else 's'}" in shown
        url = org_url(org["org_id"])
        if mine_c:
            linked = [tr.th.a["href"] for tr in all_rows(built_site, url, "Contracts", "Contracts:")]
            assert sorted(linked) == sorted(f"../contracts/{slugify(c['contract_id'])}.html" for c in mine_c)
        if mine_g:
            assert len(all_rows(built_site, url, "Grants", "Grants:")) == len(mine_g)


def test_organisation_totals_by_financial_year(built_site):
    org = max(rows("organisations"), key=lambda o: sum(1 for g in rows("grants") if g["recipient_org_id"] == o["org_id"]))
    by_year = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for c in rows("contracts"):
        if c["supplier_org_id"] == org["org_id"]:
            by_year[fy(c["start_date"])][0] += Decimal(c["total_value_gbp"])
    for g in rows("grants"):
        if g["recipient_org_id"] == org["org_id"]:
            by_year[fy(g["award_date"])][1] += Decimal(g["amount_awarded"])
    soup = page(built_site, org_url(org["org_id"]))
    got = [[td.get_text(strip=True) for td in tr.find_all(["th", "td"])]
           for tr in table_rows(soup, "Contract and grant value by financial year")]
    assert got == [[y, gbp(c), gbp(g), gbp(c + g)] for y, (c, g) in sorted(by_year.items())]
    svg = soup.select_one("article figure.chart-figure svg")
    assert svg["role"] == "img" and svg.title.get_text() and svg.desc.get_text()
    assert soup.select_one("article figure.chart-figure figcaption").get_text(strip=True) == svg.desc.get_text(strip=True)


def fy(date: str) -> str:
    year, month = int(date[:4]), int(date[5:7])
    start = year if month >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def test_register_links_for_charities_and_companies(built_site):
    charity = next(o for o in rows("organisations") if o["charity_number"])
    soup = page(built_site, org_url(charity["org_id"]))
    assert any(a["href"].endswith(f"regid={charity['charity_number']}&subid=0")
               and a["href"].startswith("https://register-of-charities.charitycommission.gov.uk/")
               for a in soup.select("article dl a"))
    company = next(o for o in rows("organisations") if o["company_number"])
    soup = page(built_site, org_url(company["org_id"]))
    assert f"https://find-and-update.company-information.service.gov.uk/company/{company['company_number']}" in [
        a["href"] for a in soup.select("article dl a")]


def test_row_csv_holds_exactly_the_rows_shown_with_the_source_text(built_site):
    source_lines = set()
    with (DATA / "grants.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        source_lines = {tuple(r) for r in reader}
    org = next(o for o in rows("organisations") if sum(1 for g in rows("grants") if g["recipient_org_id"] == o["org_id"]) > 2)
    url = org_url(org["org_id"])
    soup = page(built_site, url)
    name = url.split("/")[1][:-len(".html")] + ".grants.csv"
    link = soup.find("a", string=re.compile(r"Download these \d+ rows"), download=True)
    text = download_text(built_site, url, name)
    # a small CSV is in the link itself, under the file name a larger one has in the site
    if len(text.encode("utf-8")) <= listing.INLINE_BYTES:
        assert link["href"].startswith("data:text/csv;charset=utf-8;base64,") and link["download"] == name
    else:
        assert link["href"] == name
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == header
    assert all(tuple(r) in source_lines for r in parsed[1:])
    shown = [tr.th.contents[0].strip() for tr in table_rows(soup, "Grants:")]
    assert [r[header.index("title")] for r in parsed[1:]] == shown
    assert link.get_text().startswith(f"Download these {len(shown)} rows (CSV,")


def test_long_lists_continue_on_further_pages_with_their_own_csv(built_site):
    """An entity page shows the first 20 rows of each list; its further pages 100 each."""
    counts = defaultdict(list)
    for g in rows("grants"):
        if g["programme"]:
            counts[g["programme"]].append(g)
    name, grants = max(counts.items(), key=lambda kv: len(kv[1]))
    assert len(grants) > 120, "the bundled data needs a programme with more than two pages of grants"
    url = f"programmes/{slugify(name)}.html"
    soup = page(built_site, url)
    assert len(table_rows(soup, "Grants:")) == 20
    more = soup.select("article nav.list-pages a")
    spans = [(n, min(n + 99, len(grants))) for n in range(21, len(grants) + 1, 100)]
    assert [a.get_text() for a in more] == [f"rows {a} to {b} of {len(grants)}" for a, b in spans]
    assert "The first 20 of" in soup.find("h2", string="Grants").find_next("p").get_text()
    ids = [r["grant_id"] for r in read_csv_text(download_text(built_site, url, f"{slugify(name)}.grants.csv"))]
    for n, (a, (first, last)) in enumerate(zip(more, spans), start=2):
        further_url = posixpath.join(posixpath.dirname(url), a["href"])
        assert further_url == f"programmes/{slugify(name)}.grants-{n}.html"
        further = page(built_site, further_url)
        assert len(table_rows(further, "Grants:")) == last - first + 1
        assert further.find("a", string="Previous page")
        assert bool(further.find("a", string="Next page")) == (n <= len(spans))
        ids += [r["grant_id"] for r in read_csv_text(
            download_text(built_site, further_url, f"{slugify(name)}.grants-{n}.csv"))]
    assert ids == sorted(ids, key=[g["grant_id"] for g in rows("grants")].index)  # the list's order
    assert sorted(ids) == sorted(g["grant_id"] for g in grants)


def test_every_csv_link_says_the_name_it_is_saved_under(built_site):
    """A list's CSV is saved under its own file name, but an index page's (page.csv in the
    page's folder, page-2.csv ...) under its folder's name: organisations.csv, not page.csv."""
    def links(url):
        return [(a["href"], a.get("download")) for a in page(built_site, url).select("p.table-download a")]

    assert links("organisations/")[0] == ("page.csv", "organisations.csv")
    assert links("organisations/page-2.html") == [("page-2.csv", "organisations-2.csv")]
    assert links("contracts/")[0] == ("page.csv", "contracts.csv")
    name = max(Counter(g["programme"] for g in rows("grants") if g["programme"]).items(), key=lambda kv: kv[1])[0]
    grants = [d for h, d in links(f"programmes/{slugify(name)}.html") if h.endswith(".csv") or h.startswith("data:")]
    assert f"{slugify(name)}.grants.csv" in grants and None not in grants


# --- outcomes, commissioners, client groups, programmes, wards ------------------------------


def test_outcome_pages_show_aligned_funding_and_indicator_results(built_site):
    links = rows("funding_outcomes")
    contracts = {c["contract_id"]: c for c in rows("contracts")}
    grants = {g["grant_id"]: g for g in rows("grants")}
    measurements = rows("measurements")
    for outcome in rows("outcomes"):
        mine_c = {l["contract_id"] for l in links if l["outcome_id"] == outcome["outcome_id"] and l["contract_id"]}
        mine_g = {l["grant_id"] for l in links if l["outcome_id"] == outcome["outcome_id"] and l["grant_id"]}
        soup = page(built_site, f"outcomes/{slugify(outcome['outcome_id'])}.html")
        assert soup.h1.get_text(strip=True) == outcome["title"]
        shown = figures(soup)
        total_c = sum(Decimal(contracts[c]["total_value_gbp"]) for c in mine_c)
        total_g = sum(Decimal(grants[g]["amount_awarded"]) for g in mine_g)
        assert f"{gbp(total_c)} in {len(mine_c)} contract{'' if len(mine_c) == 1 else 's'}" in shown
        assert f"{gbp(total_g)} in {len(mine_g)} grant{'' if len(mine_g) == 1 else 's'}" in shown
        # The outcome page: each indicator's latest year, linked to the measurements page.
        indicators = [i for i in rows("indicators") if i["outcome_id"] == outcome["outcome_id"]]
        latest = table_rows(soup, f"Latest results against target: {outcome['title']}")
        assert [tr.th.get_text(strip=True) for tr in latest] == [i["title"] for i in indicators]
        url = f"outcomes/{slugify(outcome['outcome_id'])}.measurements.html"
        assert {tr.th.a["href"].split("#")[0] for tr in latest} == {url.split("/")[1]}
        measured = page(built_site, url)
        assert measured.h1.get_text(strip=True) == f"Measurements: {outcome['title']}"
        mine = [m for m in measurements if m["indicator_id"] in {i["indicator_id"] for i in indicators}]
        download = measured.find("a", href=url.split("/")[1].replace(".html", ".csv"))
        assert download.get_text().startswith(f"Download these {len(mine)} rows (CSV,")
        text = (built_site / url.replace(".html", ".csv")).read_text(encoding="utf-8")
        assert read_csv_text(text) == mine
        for indicator, row in zip(indicators, latest):
            expected = [m for m in measurements if m["indicator_id"] == indicator["indicator_id"] and m["area"] == "Southwark"]
            years = [m for m in expected if re.fullmatch(r"\d{4}-\d{2}", m["period"])]
            better = indicator["higher_is_better"] == "yes"

            def met(m):
                if not m["target"]:
                    return "no target"
                value, target = Decimal(m["value"]), Decimal(m["target"])
                return "met" if (value >= target if better else value <= target) else "not met"

            cells = [c.get_text(strip=True) for c in row.find_all(["th", "td"])]
            newest = max(years, key=lambda m: m["period"])
            assert cells[1] == newest["period"] and cells[4] == met(newest)
            assert row.select_one("svg.sparkline")["aria-label"].count("-") >= len(years)
            # The measurements page: every period for the area, and every ward.
            results = table_rows(measured, f"Results against target: {indicator['title']}")
            assert len(results) == len(expected)
            first = sorted(expected, key=lambda m: m["period"])[0]
            cells = [c.get_text(strip=True) for c in results[0].find_all(["th", "td"])]
            assert cells[0] == first["period"] and cells[1] == "Southwark" and cells[4] == met(first)
            wards = [m for m in measurements if m["indicator_id"] == indicator["indicator_id"] and m["area"] != "Southwark"]
            if wards:
                by_ward = table_rows(measured, f"Results by ward: {indicator['title']}")
                assert [tr.th.get_text(strip=True) for tr in by_ward] == sorted({m["area"] for m in wards})
                periods = sorted({m["period"] for m in wards})
                shown = {(tr.th.get_text(strip=True), p): td.get_text(strip=True)
                         for tr in by_ward for p, td in zip(periods, tr.find_all("td"))}
                for m in wards:
                    assert shown[(m["area"], m["period"])].split(" ")[0].strip("£%").replace(",", "") == \
                        f"{Decimal(m['value']).normalize():f}", m


def test_commissioner_client_group_programme_and_ward_totals(built_site):
    contracts, grants, intentions = rows("contracts"), rows("grants"), rows("commissioning_intentions")
    for com in rows("commissioners"):
        soup = page(built_site, f"commissioners/{slugify(com['commissioner_id'])}.html")
        mine = [c for c in contracts if c["commissioner_id"] == com["commissioner_id"]]
        given = [g for g in grants if g["department_id"] == com["commissioner_id"]]
        shown = figures(soup)
        assert f"{gbp(sum(Decimal(c['total_value_gbp']) for c in mine))} in {len(mine)} contract{'' if len(mine) == 1 else 's'}" in shown
        assert f"{gbp(sum(Decimal(g['amount_awarded']) for g in given))} in {len(given)} grant{'' if len(given) == 1 else 's'}" in shown
    for group in {c["client_group"] for c in contracts}:
        soup = page(built_site, f"client-groups/{slugify(group)}.html")
        mine = [c for c in contracts if c["client_group"] == group]
        assert f"{gbp(sum(Decimal(c['total_value_gbp']) for c in mine))} in {len(mine)} contracts" in figures(soup)
        planned = [i for i in intentions if i["client_group"] == group]
        if planned:
            assert len(all_rows(built_site, f"client-groups/{slugify(group)}.html", "Commissioning intentions",
                                "Commissioning intentions:")) == len(planned)
    for ward in rows("wards"):
        soup = page(built_site, f"wards/{slugify(ward['ward_name'])}.html")
        mine = [g for g in grants if g["beneficiary_ward"] == ward["ward_name"]]
        based = [o for o in rows("organisations") if o["ward"] == ward["ward_name"]]
        shown = figures(soup)
        assert f"{gbp(sum(Decimal(g['amount_awarded']) for g in mine))} in {len(mine)} grant{'' if len(mine) == 1 else 's'}" in shown
        assert f"{len(based)} organisation{'' if len(based) == 1 else 's'} based in the ward" in shown


def test_index_pages_list_every_entity(built_site):
    soup = page(built_site, "wards/")
    assert len(soup.select("article table tbody tr")) == len(rows("wards"))
    soup = page(built_site, "commissioners/")
    assert {a.get_text() for a in soup.select("article table tbody th a")} == {c["name"] for c in rows("commissioners")}
    soup = page(built_site, "organisations/")
    assert len(table_rows(soup, "Organisations:")) == 100  # an index page is a list's own page: 100 rows
    total = sum(len(table_rows(page(built_site, f"organisations/page-{n}.html"), "Organisations:"))
                for n in range(2, 10) if (built_site / f"organisations/page-{n}.html").is_file())
    assert 100 + total == len(rows("organisations"))


# --- contracts and intentions ---------------------------------------------------------------


def test_contract_page_gives_its_details_and_links(built_site):
    contract = next(c for c in rows("contracts") if c["review_date"] and c["social_value_commitments"])
    soup = page(built_site, f"contracts/{slugify(contract['contract_id'])}.html")
    assert soup.h1.get_text(strip=True) == contract["title"]
    facts = {dt_.get_text(strip=True): dd for dt_, dd in zip(soup.select("article dl dt"), soup.select("article dl dd"))}
    assert facts["Contract identifier"].get_text() == contract["contract_id"]
    assert facts["Supplier"].a["href"] == f"../{org_url(contract['supplier_org_id'])}"
    assert facts["Total value"].get_text() == f"£{Decimal(contract['total_value_gbp']):,.2f}".replace(".00", "")
    data = read_csv_text(download_text(built_site, f"contracts/{slugify(contract['contract_id'])}.html",
                                       f"{slugify(contract['contract_id'])}.contract.csv"))
    assert data == [contract]


def test_intention_page_links_the_contract_it_replaces(built_site):
    intention = next(i for i in rows("commissioning_intentions") if i["replaces_contract_id"])
    soup = page(built_site, f"intentions/{slugify(intention['intention_id'])}.html")
    facts = {dt_.get_text(strip=True): dd for dt_, dd in zip(soup.select("article dl dt"), soup.select("article dl dd"))}
    assert facts["Replaces"].a["href"] == f"../contracts/{slugify(intention['replaces_contract_id'])}.html"


# --- live now, forward plan, years -----------------------------------------------------------


def csv_ids(site: Path, folder: str, stem: str, key: str) -> list[str]:
    """The `key` column of a list's CSVs on the page `folder`/ and its further pages (stem-2.html ...)."""
    ids, n = [], 1
    while True:
        url = f"{folder}/" if n == 1 else f"{folder}/{stem}-{n}.html"
        name = f"{stem}.csv" if n == 1 else f"{stem}-{n}.csv"
        found = downloads_on(site, url) if page_path(site, url).exists() else {}
        if name not in found:
            return ids
        ids += [r[key] for r in read_csv_text(found[name])]
        n += 1


def test_live_now_lists_what_runs_today_and_what_ends_soon(built_site):
    today = build_date().isoformat()
    horizon = build_date()
    month = horizon.month + 6
    horizon = dt.date(horizon.year + (month - 1) // 12, (month - 1) % 12 + 1, min(horizon.day, 28)).isoformat()
    running = [c for c in rows("contracts")
               if c["start_date"] <= today <= c["end_date"] and c["status"] != "terminated early"]
    assert running, "the bundled data should have live contracts"
    assert sorted(csv_ids(built_site, "live", "contracts", "contract_id")) == sorted(c["contract_id"] for c in running)
    granted = [g for g in rows("grants") if g["planned_start_date"] and g["planned_end_date"]
               and g["planned_start_date"] <= today <= g["planned_end_date"]]
    assert sorted(csv_ids(built_site, "live", "grants", "grant_id")) == sorted(g["grant_id"] for g in granted)
    ending = csv_ids(built_site, "live", "ending", "contract_id")
    by_id = {c["contract_id"]: c for c in running}
    assert ending and all(by_id[i]["end_date"] <= horizon[:8] + "31" for i in ending)
    assert [by_id[i]["end_date"] for i in ending] == sorted(by_id[i]["end_date"] for i in ending)
    soup = page(built_site, "live/")
    assert f"{len(running)} contracts running" in " ".join(figures(soup))


def test_forward_plan_puts_upcoming_intentions_first(built_site):
    today = build_date().isoformat()
    intentions = {i["intention_id"]: i for i in rows("commissioning_intentions")}
    upcoming = csv_ids(built_site, "forward-plan", "upcoming", "intention_id")
    earlier = csv_ids(built_site, "forward-plan", "earlier", "intention_id")
    dates = [intentions[i]["planned_start_date"] for i in upcoming]
    assert dates == sorted(dates) and all(d >= today for d in dates)
    earlier_dates = [intentions[i]["planned_start_date"] for i in earlier]
    assert earlier_dates == sorted(earlier_dates, reverse=True) and all(d < today for d in earlier_dates)
    assert sorted(upcoming + earlier) == sorted(intentions)
    soup = page(built_site, "forward-plan/")
    first = table_rows(soup, "Planned to start from today")[0]
    assert first.th.get_text(strip=True) == intentions[upcoming[0]]["title"]


def test_one_dashboard_page_per_financial_year_with_a_switcher(built_site):
    years = sorted({fy(c["start_date"]) for c in rows("contracts")} | {fy(g["award_date"]) for g in rows("grants")})
    home = page(built_site, "")
    switcher = home.select_one("article nav.year-switcher")
    assert [a.get_text().split(" ")[0] for a in switcher.select("a")] == years
    for year in years:
        soup = page(built_site, f"years/{year}/")
        contracts = [c for c in rows("contracts") if fy(c["start_date"]) == year]
        total = sum(Decimal(c["total_value_gbp"]) for c in contracts)
        assert f"{gbp(total)} in {len(contracts)} contracts starting in the year" in " ".join(figures(soup))
        assert soup.select_one("nav.year-switcher [aria-current=page]").get_text().split(" ")[0] == year


def test_home_chart_has_its_numbers_in_a_table(built_site):
    home = page(built_site, "")
    svg = home.select_one("article figure.chart-figure svg")
    assert svg is not None and svg["role"] == "img"
    labelled = svg["aria-labelledby"].split()
    assert [svg.find(id=i) is not None for i in labelled] == [True, True]
    table = home.select_one("article .chart-block table")
    assert table.caption.get_text(strip=True) == "Contracts and grants by financial year"


def test_tables_have_captions_scoped_headers_and_sortable_columns(built_site):
    for url in ("", "organisations/", "live/", org_url(rows("organisations")[3]["org_id"]), "outcomes/oc1.html"):
        for table in page(built_site, url).select("article table"):
            assert table.caption and table.caption.get_text(strip=True)
            assert all(th.get("scope") == "col" for th in table.select("thead th"))
            assert all(tr.find(["th", "td"]).name == "th" and tr.th.get("scope") == "row"
                       for tr in table.select("tbody tr"))
    soup = page(built_site, "live/")
    table = soup.select_one("article table[data-sortable]")
    kinds = [th["data-type"] for th in table.select("thead th")]
    assert "number" in kinds and "date" in kinds
    number_cells = table.select("tbody td.num")
    assert number_cells and all(re.fullmatch(r"-?\d+(\.\d+)?", td["data-sort"]) for td in number_cells)


def test_fast_links_agree_with_relpath():
    """listing.href (called for every link on every page) gives what posixpath.relpath gives."""
    from itertools import product

    from conformance import relpath_href
    from generator.site.urls import href

    pages = ["index.md", "about.md", "organisations/index.md", "organisations/x.md", "organisations/x/grants-2.md",
             "decisions/gateway-1.md", "a/b/c.md", "a/b/index.md", "programmes/p/grants-3.md", "organisations/x.html",
             "organisations/x.grants-2.html", "years/2024-25/grants-2.html", "a/b/c.html"]
    targets = ["", "./", "organisations/", "organisations/x/", "organisations/y/", "organisations/x/grants.csv",
               "organisations/x/grants-2/", "downloads/grants.csv", "a/", "a/b/", "a/b/c/", "a/c/", "decisions/",
               "programmes/p/", "index.html", "organisations/x.html", "organisations/y.html",
               "organisations/x.grants.csv", "years/2024-25/", "a/b/c.html", "a/d.html"]
    for p, t in product(pages, targets):
        assert href(p, t) == relpath_href(p, t), (p, t)
