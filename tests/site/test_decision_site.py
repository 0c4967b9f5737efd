"""The decision trail on the built bundled site: decision pages, the index and its
filters, real records with their sources, and one contract followed from its Gateway 1
to its award. Expected values come from the CSV text."""

from __future__ import annotations

import csv
import datetime as dt
import posixpath
import re
from collections import defaultdict

from bs4 import BeautifulSoup

from generator.config import PROJECT_DIR
from generator.model.entities import slugify

DATA = PROJECT_DIR / "data"


def rows(name: str) -> list[dict]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def page(site, url: str) -> BeautifulSoup:
    path = site / (url if url.endswith(".html") else url + "index.html")
    assert path.is_file(), f"missing page {url}"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def long_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%B')} {day.year}"


def test_a_contract_followed_from_gateway_1_to_its_award(built_site):
    decisions = {d["decision_id"]: d for d in rows("decisions")}
    by_contract = defaultdict(dict)
    for link in rows("decision_links"):
        if link["contract_id"] and link["gateway"]:
            by_contract[link["contract_id"]][int(link["gateway"])] = link["decision_id"]
    contract_id, steps = next((c, s) for c, s in sorted(by_contract.items()) if 1 in s and 2 in s)
    contract = next(c for c in rows("contracts") if c["contract_id"] == contract_id)
    url = f"contracts/{slugify(contract_id)}.html"
    soup = page(built_site, url)
    items = soup.select("article ol.timeline li")
    texts = [" ".join(li.get_text(" ", strip=True).split()) for li in items]
    g1, g2 = decisions[steps[1]], decisions[steps[2]]
    first = next(t for t in texts if t.startswith("Gateway 1: procurement strategy approval"))
    award = next(t for t in texts if t.startswith("Gateway 2: contract award approval"))
    assert texts.index(first) < texts.index(award)
    assert f"decided on {long_date(g1['decision_date'])} by {g1['decision_maker']}" in first
    assert f"decided on {long_date(g2['decision_date'])} by {g2['decision_maker']}" in award
    assert g1["decision_date"] <= g2["decision_date"] <= contract["start_date"]
    assert "illustrative decision" in award
    # Follow the award link to the decision, and back from "What it governs" to the contract.
    link = next(li for li in items if li.get_text().startswith("Gateway 2")).find("a")
    assert link.get_text() == g2["title"]
    decision_url = posixpath.normpath(posixpath.join(posixpath.dirname(url), link["href"]))
    decision = page(built_site, decision_url)
    assert decision.h1.get_text(strip=True) == g2["title"]
    assert "Illustrative decision." in decision.select_one("article .provenance-banner").get_text()
    back = [a["href"] for a in decision.select("#governs ~ ul a")]
    assert f"../contracts/{slugify(contract_id)}.html" in back


def test_real_decisions_appear_with_their_sources(built_site):
    real = [d for d in rows("decisions") if d["provenance"] == "real"]
    assert len(real) == 33 and real[0]["decision_id"] == "SWK-DEC-0001"
    for decision in real:
        soup = page(built_site, f"decisions/{slugify(decision['decision_id'])}.html")
        assert soup.h1.get_text(strip=True) == decision["title"]
        banner = soup.select_one("article .provenance-banner")
        assert banner.get_text(" ", strip=True).startswith("Real decision.")
        sources = [u.strip() for u in decision["source_url"].split(" ; ")]
        assert [a["href"] for a in soup.select("#source ~ ul a")] == sources
        resolutions = [r.strip() for r in decision["resolutions"].split(" | ") if r.strip()]
        assert [li.get_text(strip=True) for li in soup.select("#resolutions ~ ol li")] == resolutions
        facts = {d.get_text(strip=True): v.get_text(strip=True)
                 for d, v in zip(soup.select("article dl dt"), soup.select("article dl dd"))}
        assert facts.get("Decision maker", "") == decision["decision_maker"]
        if decision["decision_date"]:
            assert facts["Decided"] == long_date(decision["decision_date"])


def test_decisions_index_is_newest_first_with_filters(built_site):
    decisions = rows("decisions")
    soup = page(built_site, "decisions/")
    shown = [tr.th.get_text(strip=True) for tr in soup.select("article table tbody tr")]
    dated = sorted((d for d in decisions if d["decision_date"]), key=lambda d: (d["decision_date"], ), reverse=True)
    assert shown[:5] == [d["title"] for d in dated[:5]]
    filters = {a.get_text(): a["href"] for a in soup.select("article ul.decision-filters a")}
    counts = {a.get_text(): int(re.search(r"\((\d+)\)", a.parent.get_text()).group(1))
              for a in soup.select("article ul.decision-filters a")}
    assert counts["Key decisions"] == sum(d["key_decision"] == "yes" for d in decisions)
    assert counts["Gateway 2: contract award approval"] == sum(d["gateway"] == "2" for d in decisions)
    assert counts["Decided by Cabinet"] == sum(d["decision_maker"] == "Cabinet" for d in decisions)
    key_page = page(built_site, "decisions/" + filters["Key decisions"])
    assert all(td.get_text() == "yes" for td in key_page.select("article table tbody td:nth-of-type(3)"))
    intro = next(p.get_text(" ", strip=True) for p in soup.select("article p")
                 if p.get_text().startswith("Who decided"))  # the stages named in config.yml
    assert intro.endswith("including each contract's approval stages (Gateway 0: strategic options assessment; "
                          "Gateway 1: procurement strategy approval; Gateway 2: contract award approval; Gateway 3: "
                          "variation or extension). Each contract's and commissioning intention's page shows its "
                          "decisions as a timeline.")


def test_intentions_and_programmes_show_their_decisions(built_site):
    links = rows("decision_links")
    intention = next(l["intention_id"] for l in links if l["intention_id"])
    soup = page(built_site, f"intentions/{slugify(intention)}.html")
    expected = [l for l in links if l["intention_id"] == intention]
    assert len(soup.select("article ol.timeline li")) == len(expected)
    programme = next(l["programme"] for l in links if l["programme"])
    soup = page(built_site, f"programmes/{slugify(programme)}.html")
    assert len(soup.select("article ol.timeline li")) == sum(l["programme"] == programme for l in links)


def test_a_contract_without_decisions_says_so(built_site):
    linked = {l["contract_id"] for l in rows("decision_links")}
    contract = next(c for c in rows("contracts") if c["contract_id"] not in linked)
    soup = page(built_site, f"contracts/{slugify(contract['contract_id'])}.html")
    assert soup.select_one("#decisions + p").get_text() == "No decision is linked to this contract in the data."
