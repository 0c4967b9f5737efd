"""Entity pages and downloads kept from the previous build (site/reuse.py, exports/kept.py):
after random edits to the data, a build into the published folder is byte for byte a full
build into a new folder, and it kept (hard-linked) the pages and downloads the edits did not
reach, and only those."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from pathlib import Path

import pytest

from generator.exports import kept as kept_downloads
from generator.site import reuse

from conftest import read_rows, sample_data, write_rows

EPOCH = "1795564800"  # 2026-11-24


def files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*")) if p.is_file()}


def differences(one: Path, other: Path) -> list[str]:
    """The files that are in one site and not the other, or differ."""
    a, b = files(one), files(other)
    return sorted(set(a) ^ set(b)) + [name for name in sorted(set(a) & set(b))
                                       if a[name].read_bytes() != b[name].read_bytes()]


def pages(site: Path) -> dict[str, int]:
    """Every entity page (HTML written after MkDocs, listed in reuse.STATE_FILE) -> its inode."""
    state = (site / reuse.STATE_FILE).read_text(encoding="utf-8").splitlines()[1:]
    return {name: (site / name).stat().st_ino for line in state for name in line.split("\t")[2:]
            if name.endswith(".html")}


def referenced(data: Path, dataset: str) -> set[str]:
    """Every value in the other datasets' cells: an identifier found there is in use."""
    found = set()
    for path in data.glob("*.csv"):
        if path.stem != dataset:
            for row in read_rows(path)[1:]:
                found.update(row)
    return found


def edit(data: Path, dataset: str, change) -> None:
    path = data / f"{dataset}.csv"
    rows = read_rows(path)
    change(rows[0], rows[1:])
    write_rows(path, [rows[0]] + rows[1:])


def edit_grants(rng: random.Random, data: Path) -> str:
    """Three amounts changed, a recipient changed, two grants added and two deleted. Returns
    the recipient whose grant moved away (its page must be made again)."""
    used = referenced(data, "grants")
    moved = {}

    def change(header, rows):
        amount, gid, org = (header.index(c) for c in ("amount_awarded", "grant_id", "recipient_org_id"))
        for row in rng.sample(rows, 3):
            row[amount] = str(round(float(row[amount]) * rng.choice([0.5, 1.5, 2]) + 1))
        row = rng.choice(rows)
        moved["from"] = row[org]
        row[org] = rng.choice([r[org] for r in rows if r[org] != row[org]])
        for n in (1, 2):
            copy = list(rng.choice(rows))
            copy[gid] = f"{copy[gid]}-added-{n}"
            rows.insert(rng.randrange(len(rows) + 1), copy)
        for row in rng.sample([r for r in rows if r[gid] not in used and r[org] != moved["from"]], 2):
            rows.remove(row)

    edit(data, "grants", change)
    return moved["from"]


def edit_contracts(rng: random.Random, data: Path) -> None:
    """Two contracts' end dates moved a month on, one's total value changed."""
    def change(header, rows):
        end, total, annual = (header.index(c) for c in ("end_date", "total_value_gbp", "annual_value_gbp"))
        for row in rng.sample([r for r in rows if r[end]], 2):
            row[end] = (dt.date.fromisoformat(row[end]) + dt.timedelta(days=30)).isoformat()
        row = rng.choice([r for r in rows if not r[annual]] or rows)
        row[total] = str(round(float(row[total]) * 1.1))

    edit(data, "contracts", change)


def rename_organisation(rng: random.Random, data: Path) -> None:
    def change(header, rows):
        row = rng.choice(rows)
        row[header.index("name")] += " (renamed)"

    edit(data, "organisations", change)


@pytest.fixture
def project(tmp_path, monkeypatch, config):
    """1,500 grants: enough entity pages for the build to share them among worker processes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return sample_data(tmp_path / "project", grants=1500, seed=18)


def build_into(data: Path, out: Path, config):
    from generator import build

    result = build.build(data, out, config, docs_dir=None)
    assert not result.up_to_date
    return result


@pytest.mark.parametrize("seed", [1, 2])
def test_a_build_after_random_edits_keeps_unreached_pages_and_equals_a_full_build(project, tmp_path, config, seed):
    rng = random.Random(seed)
    out = tmp_path / "site"
    build_into(project, out, config)

    for step, change in enumerate(["grants", "contracts", "organisation name"]):
        before = tmp_path / f"before-{step}"
        shutil.copytree(out, before, copy_function=os.link)  # holds the old inodes: none is reused by another file
        old = pages(before)
        untouched = {name: (path.stat().st_mtime_ns, path.stat().st_size) for name, path in files(before).items()}
        if change == "grants":
            moved_from = edit_grants(rng, project)
        elif change == "contracts":
            edit_contracts(rng, project)
        else:
            rename_organisation(rng, project)
        result = build_into(project, out, config)
        full = tmp_path / f"full-{step}"
        build_into(project, full, config)

        assert differences(out, full) == []
        # nothing was written into the published site through a kept file's link
        assert {name: (path.stat().st_mtime_ns, path.stat().st_size) for name, path in files(before).items()} == untouched
        # MkDocs' pages (site/mkdocs.py): those whose Markdown the edit did not change are kept
        assert 0 < result.mkdocs_kept[0] < result.mkdocs_kept[1], result.mkdocs_kept
        # The search's entity documents (site/search.py Kept): most keep their words; a renamed
        # organisation's title, and its grants' texts an edit changes, are read again; contracts'
        # dates and values are no document's words.
        searched, documents = result.search_kept
        assert 0.5 * documents < searched < documents if change != "contracts" else searched == documents > 0
        new = pages(out)
        kept = {name for name, inode in new.items() if old.get(name) == inode}
        if change == "organisation name":  # a name is on other entities' pages and lists: no page is kept
            assert kept == set() and result.pages_kept[0] == 0
        else:
            assert 0 < result.pages_kept[0] < result.pages_kept[1]
            assert len(kept) > 0.5 * len(new), (len(kept), len(new))
            assert len(kept) < len(new)
        # Downloads (exports/kept.py): an edited dataset's are written again; an untouched one's are
        # kept while only grants and contracts change, and every one is written again after a rename.
        # So are the other standards' files: the 360Giving files and the VCS grants lists with the
        # grants, the OCDS package and the contracts register with the contracts.
        vcs = sorted(path.name for path in (out / "downloads").glob("transparency-vcs-grants-*.csv"))
        assert len(vcs) > 1
        linked = {name for name in ("grants.csv", "grants.xlsx", "contracts.json", "contracts.xlsx",
                                    "decisions.xlsx", "wards.parquet", "360giving-grants.json",
                                    "360giving-grants.csv", "ocds-contracts.json",
                                    "transparency-contracts-register.csv", vcs[0], vcs[-1])
                  if (out / "downloads" / name).stat().st_ino == (before / "downloads" / name).stat().st_ino}
        by_grants = {"360giving-grants.json", "360giving-grants.csv", vcs[0], vcs[-1]}
        by_contracts = {"ocds-contracts.json", "transparency-contracts-register.csv"}
        assert linked == {"grants": {"contracts.json", "contracts.xlsx", "decisions.xlsx", "wards.parquet"} | by_contracts,
                          "contracts": {"grants.csv", "grants.xlsx", "decisions.xlsx", "wards.parquet"} | by_grants,
                          "organisation name": set()}[change]
        if change != "organisation name":
            # a page made again keeps those further pages of its lists that the edit did not reach
            state = [line.split("\t") for line in (out / reuse.STATE_FILE).read_text(encoding="utf-8").splitlines()[1:]]
            parts = {name for page, _, *names in state if page in new and new[page] not in (old.get(page),)
                     for name in names if name != page and name.endswith(".html")}
            assert parts and parts & kept, (len(parts), len(parts & kept))
        if change == "grants":  # the page of the organisation a grant moved away from was made again
            page = [name for name in new if name.startswith("organisations/") and name.count("/") == 1
                    and f"<dt>Identifier</dt><dd>{moved_from}</dd>" in (out / name).read_text(encoding="utf-8")]
            assert len(page) == 1 and page[0] not in kept


def test_the_state_of_other_code_or_settings_or_a_broken_one_keeps_nothing(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    reuse.write_state(site, "key-1", ["organisations/a.html\tf1\torganisations/a.grants.csv\torganisations/a.html"])
    previous = reuse.Previous(site, "key-1")
    assert previous.files("organisations/a.html", "f1") == ["organisations/a.grants.csv", "organisations/a.html"]
    assert previous.files("organisations/a.html", "f2") is None  # its inputs changed
    assert previous.files("organisations/b.html", "f1") is None  # a new page
    assert reuse.Previous(site, "key-2").jobs == {}  # other code, settings, date or data
    (site / reuse.STATE_FILE).write_text("key-1\nno tabs here\n")
    assert reuse.Previous(site, "key-1").jobs == {}
    (site / reuse.STATE_FILE).write_bytes(b"key-1\n\xff\xfe\n")
    assert reuse.Previous(site, "key-1").jobs == {}
    assert reuse.Previous(None, "key-1").jobs == {}


def test_a_job_that_cannot_be_linked_leaves_nothing_behind(tmp_path):
    published, staging = tmp_path / "published", tmp_path / "staging"
    (published / "organisations").mkdir(parents=True)
    (published / "organisations" / "a.html").write_text("page")
    staging.mkdir()
    previous = reuse.Previous(published, "key")
    folders = []

    def folder(path):
        path.mkdir(parents=True, exist_ok=True)
        folders.append(path)

    assert not previous.link(["organisations/a.html", "organisations/missing.csv"], staging, folder)
    assert list(staging.rglob("*.*")) == []
    assert previous.link(["organisations/a.html"], staging, folder)
    assert (staging / "organisations" / "a.html").stat().st_ino == (published / "organisations" / "a.html").stat().st_ino


def test_downloads_of_other_code_or_data_or_a_broken_state_are_written_again(tmp_path):
    """exports/kept.py: a dataset's files are linked only with its key as recorded, and all of them."""
    site, staging = tmp_path / "site", tmp_path / "staging"
    (site / "downloads").mkdir(parents=True)
    staging.mkdir()
    for name in ("a.csv", "a.json"):
        (site / "downloads" / name).write_text(name)
    old = kept_downloads.Kept(None, "common-1")
    key = old.key("a", "sha-1")
    old.record("a", key, ["a.csv", "a.json"])
    kept_downloads.write_state(site, old.lines)

    now = kept_downloads.Kept(site, "common-1", "downloads")
    assert now.link("a", now.key("a", "sha-2"), staging) is None  # the file changed
    other = kept_downloads.Kept(site, "common-2", "downloads")  # other code, settings, date or data
    assert other.link("a", other.key("a", "sha-1"), staging) is None
    assert now.key("a", "sha-1") == key and kept_downloads.Kept(site, "common-2").key("a", "sha-1") != key
    assert now.link("b", key, staging) is None and list(staging.iterdir()) == []
    assert now.link("a", key, staging) == ["a.csv", "a.json"]
    assert (staging / "a.json").stat().st_ino == (site / "downloads" / "a.json").stat().st_ino

    for other in (staging / "a.csv", staging / "a.json"):
        other.unlink()
    (site / "downloads" / "a.json").unlink()  # a file gone: none is left behind
    assert now.link("a", key, staging) is None and list(staging.iterdir()) == []
    (site / kept_downloads.STATE_FILE).write_bytes(b"downloads-1\n\xff\n")
    assert kept_downloads.Kept(site, "common-1").previous == {}
    (site / kept_downloads.STATE_FILE).write_text("downloads-0\na\tk\ta.csv\n")  # another format
    assert kept_downloads.Kept(site, "common-1").previous == {}
    assert kept_downloads.Kept(site, None).key("a", "sha-1") is None


def test_a_group_of_files_is_keyed_by_the_files_it_is_made_from(tmp_path):
    """exports/kept.py group_key: the standards' files made from a dataset (exports/standards.py)."""
    kept = kept_downloads.Kept(None, "common-1")
    assert kept.group_key("standards:grants", ["grants"]) is None  # its file's hash not given yet
    kept.key("grants", "sha-1")
    kept.key("contracts", "sha-2")
    key = kept.group_key("standards:grants", ["grants"])
    assert key is not None and key != kept.key("grants", "sha-1")  # not the dataset's own key
    assert kept.group_key("standards:contracts", ["grants"]) != key  # another group
    kept.key("contracts", "sha-3")
    assert kept.group_key("standards:grants", ["grants"]) == key  # another dataset's file changed
    kept.key("grants", "sha-4")
    assert kept.group_key("standards:grants", ["grants"]) != key  # its own file changed
    other = kept_downloads.Kept(None, "common-2")
    other.key("grants", "sha-1")
    assert other.group_key("standards:grants", ["grants"]) != key  # other code, settings, date or data
    assert kept_downloads.Kept(None, None).group_key("standards:grants", []) is None
