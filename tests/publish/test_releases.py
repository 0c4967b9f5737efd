"""What changed between releases: the fast (pyarrow) comparison of two versions of a CSV file
gives what the csv module's comparison gives, on the bundled data edited and on random files."""

from __future__ import annotations

import csv
import io
import random

import pytest

from generator.publish import releases
from generator.config import PROJECT_DIR

DATA = PROJECT_DIR / "data"


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def test_bundled_grants_edited_are_compared_by_arrow_and_agree():
    text = (DATA / "grants.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(text.decode("utf-8"))))
    header, body = rows[0], rows[1:]
    title = header.index("title")
    edited = [r[:] for r in body[5:]]  # five removed
    edited[0][title] += " (renamed)"  # one changed
    edited += [[f"NEW-{n}"] + r[1:] for n, r in enumerate(body[:3])]  # three added
    new = _csv([header] + edited)
    key = ["grant_id"]
    assert releases._compare_arrow(text, new, key) == (3, 5, 1, len(edited))
    assert releases._compare_python(text, new, key) == (3, 5, 1, len(edited))
    assert releases.compare(None, text, key) == (len(body), 0, 0, len(body))
    assert releases.compare(text, text, key) == (0, 0, 0, len(body))


VALUES = ["", "a", "b", "x,y", 'say "hi"', "two\nlines", "é", " lead", "1.0"]


@pytest.mark.parametrize("seed", range(40))
def test_random_versions_agree(seed):
    rnd = random.Random(seed)
    width = rnd.randint(1, 4)
    header = [f"c{i}" for i in range(width)]
    def row():
        return [rnd.choice(VALUES) + (str(rnd.randint(0, 6)) if i == 0 else "") for i in range(width)]
    before = [row() for _ in range(rnd.randint(0, 30))]  # keys may repeat: the last row of a key counts
    after = [r[:] for r in before if rnd.random() > 0.2]
    for r in after:
        if rnd.random() < 0.3:
            r[rnd.randrange(width)] = rnd.choice(VALUES)
    after += [row() for _ in range(rnd.randint(0, 8))]
    rnd.shuffle(after)
    key = rnd.choice([[], ["c0"], header[:2], ["missing"]])
    old, new = _csv([header] + before), _csv([header] + after)
    expected = releases._compare_python(old, new, key)
    assert releases.compare(old, new, key) == expected
    assert releases.compare(None, new, key) == releases._compare_python(None, new, key)


@pytest.mark.parametrize("content", [
    b"a,b\n1,2\n3\n",  # ragged
    b"\xef\xbb\xbfa,b\n1,2\n",  # a byte order mark
    b"a,b\n\xff,2\n",  # not UTF-8
    b'"a",b\n1,2\n',  # a quoted header
    b"a,a\n1,2\n",  # a repeated column name
    b"a,b",  # a header and nothing else
])
def test_files_arrow_reads_differently_are_compared_by_the_csv_module(content):
    with pytest.raises(releases._NotForArrow):
        releases._compare_arrow(None, content, ["a"])
    assert releases.compare(None, content, ["a"]) == releases._compare_python(None, content, ["a"])


@pytest.mark.parametrize("site_url", ['https://data.example.gov.uk/a"b&c<d>e/', "", "https://data.example.gov.uk/c/"])
def test_the_feed_is_valid_xml_whatever_the_site_url(site_url):
    """Quotes, ampersands and angle brackets in site.url (and the title) are escaped in the feed's
    attributes and text, so it parses, and every link is the address as given."""
    import datetime as dt
    from xml.etree import ElementTree

    release = releases.Release("working copy", dt.date(2026, 11, 25), {"grants": "0" * 64},
                               [releases.Change("grants", "Grants", added=2, rows=2)])
    feed = releases.atom_feed([release], 'Grants "&" <contracts>', site_url)
    root = ElementTree.fromstring(feed)
    atom = "{http://www.w3.org/2005/Atom}"
    base = site_url.rstrip("/") + "/" if site_url else ""
    assert root.find(f"{atom}title").text == 'Grants "&" <contracts>: what changed'
    links = [link.get("href") for link in root.iter(f"{atom}link")]
    assert links == [base + "changes/", base + "feed.xml", base + "changes/#release-working-copy"]


def test_a_git_that_fails_half_way_stops_the_build_and_no_git_means_no_history(data, tmp_path, config, monkeypatch):
    """A `git show` that times out is not taken for "the file did not exist then": the build
    stops with the command named, and publishes nothing. Without git at all there is no
    history: one release, the working copy."""
    import subprocess

    from generator import build, git
    from generator.data.package import load_package

    for args in (["init", "-q"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "data"]):
        subprocess.run(["git", *args], cwd=data, check=True, capture_output=True)
    package = load_package(data)
    assert [r.id for r in releases.history(package)][-1] != "working copy"
    real = subprocess.run

    def slow_show(command, *args, **kwargs):
        if command[:2] == ["git", "show"]:
            raise subprocess.TimeoutExpired(command, kwargs.get("timeout"))
        return real(command, *args, **kwargs)

    monkeypatch.setattr(git.subprocess, "run", slow_show)
    with pytest.raises(build.BuildError) as stopped:
        build.build(data, tmp_path / "site", config, docs_dir=None)
    [finding] = stopped.value.findings
    assert (finding.code, finding.message.split(" (expected")[0]) == (
        "git", f"`git show {finding.message.split('git show ')[1].split('`')[0]}` did not finish in 120 s")
    assert not (tmp_path / "site").exists()

    def no_git(command, *args, **kwargs):
        if command[0] == "git":
            raise FileNotFoundError(2, "No such file or directory", "git")
        return real(command, *args, **kwargs)

    monkeypatch.setattr(git.subprocess, "run", no_git)
    assert [r.id for r in releases.history(package)] == ["working copy"]
