"""Releases: two consecutive commits of the data show up on the What changed page and in
the Atom feed with the right counts."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup

from generator import build

from conftest import read_rows, set_cell, write_rows

ATOM = "{http://www.w3.org/2005/Atom}"


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=cwd,
                   check=True, capture_output=True)


def test_two_releases(small_data, tmp_path, config, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(small_data, repo / "data")
    shutil.copytree(small_data.parent / "schemas", repo / "schemas")
    data = repo / "data"
    git(repo, "init", "-q")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-10-01T12:00:00Z")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first release", "--date", "2026-10-01T12:00:00Z")
    # The second release: one grant's amount changed, one outcome added, one measurement removed.
    set_cell(data, "grants", 2, "amount_awarded", "12345")
    outcomes = read_rows(data / "outcomes.csv")
    write_rows(data / "outcomes.csv", outcomes + [["OC99", "New theme", "A new outcome", "Added in the second release."]])
    measurements = read_rows(data / "measurements.csv")
    write_rows(data / "measurements.csv", measurements[:-1])
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-11-02T12:00:00Z")
    git(repo, "commit", "-qam", "second release", "--date", "2026-11-02T12:00:00Z")

    out = tmp_path / "site"
    build.build(data, out, config, docs_dir=None)

    soup = BeautifulSoup((out / "changes" / "index.html").read_text(encoding="utf-8"), "html.parser")
    headings = [h.get_text(strip=True) for h in soup.select("article h2")]
    assert headings == ["2 November 2026", "1 October 2026"]
    newest = soup.select("article table")[0]
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in newest.select("tbody tr")]
    n_outcomes, n_measurements = len(outcomes), len(measurements) - 2
    assert rows == [
        ["Grants", "0", "0", "1", f"{len(read_rows(data / 'grants.csv')) - 1:,}"],
        ["Outcomes", "1", "0", "0", f"{n_outcomes:,}"],
        ["Measurements", "0", "1", "0", f"{n_measurements:,}"],
    ]
    assert "1 row added, 1 removed and 1 changed" in soup.get_text(" ")
    assert "The first release shown: every row counts as added." in soup.get_text(" ")

    feed = ET.fromstring((out / "feed.xml").read_bytes())
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries][0] == (
        "Data release of 2 November 2026: 1 row added, 1 removed, 1 changed.")
    assert len(entries) == 2
    assert entries[0].find(f"{ATOM}updated").text == "2026-11-02T00:00:00Z"
    summary = entries[0].find(f"{ATOM}summary").text
    assert "Grants: 0 added, 0 removed, 1 changed" in summary
    # Every page points feed readers at the feed.
    home = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.find("link", rel="alternate", type="application/atom+xml")["href"] == "feed.xml"
