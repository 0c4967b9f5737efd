"""MkDocs pages kept from the last build (site/mkdocs.py, STATE_FILE): a page whose Markdown is
unchanged is hard-linked from the published site and MkDocs builds only the others, with the
same checks (a broken link still fails the build)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.site import mkdocs

PAGES = {
    "index.md": "# Home\n\nSee [about](about.md) and [the outcomes](outcomes/index.md).\n",
    "about.md": "# About this data\n\nWhat the site shows.\n",
    "outcomes/index.md": "# Outcomes framework\n\nBack [home](../index.md).\n",
    "datasets/index.md": "# Datasets\n\nEvery dataset.\n",  # in the navigation without a title of its own
    "datasets/grants.md": "# Grants\n\nThe grants.\n",
}


def docs(root: Path, changes: dict[str, str] | None = None) -> Path:
    folder = root / "docs"
    for name, text in {**PAGES, **(changes or {})}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("index.html")}


def build(root: Path, config, published: Path | None, key: str = "k", changes=None) -> tuple[Path, tuple[int, int]]:
    site = root / "site"
    return site, mkdocs.build_site(docs(root, changes), site, config, published, key)


def test_a_page_whose_markdown_is_unchanged_is_kept_and_the_others_are_built(tmp_path, config):
    first, counts = build(tmp_path / "one", config, None)
    assert counts == (0, 5) and (first / mkdocs.STATE_FILE).is_file()
    written = {p: p.stat().st_mtime_ns for p in first.rglob("*") if p.is_file()}
    second, counts = build(tmp_path / "two", config, first, changes={"about.md": "# About this data\n\nChanged.\n"})
    full, _ = build(tmp_path / "full", config, None, changes={"about.md": "# About this data\n\nChanged.\n"})
    old, new = inodes(first), inodes(second)
    kept = {name for name in new if old.get(name) == new[name]}
    # about.md changed; datasets/index.md has no title of its own in the navigation
    assert kept == {"index.html", "outcomes/index.html", "datasets/grants/index.html"}
    assert counts == (3, 5)
    for name in new:  # the same bytes as a full build
        assert (second / name).read_bytes() == (full / name).read_bytes(), name
    assert "Changed." in (second / "about/index.html").read_text(encoding="utf-8")
    assert "Changed." not in (first / "about/index.html").read_text(encoding="utf-8")
    # MkDocs wrote nothing into the published site through a kept page's link
    assert {p: p.stat().st_mtime_ns for p in first.rglob("*") if p.is_file()} == written


@pytest.mark.parametrize("how", ["another key", "no state", "a garbled state", "another docs file",
                                 "another heading on a page named by it in the navigation"])
def test_with_another_key_or_no_readable_state_every_page_is_built(tmp_path, config, how):
    first, _ = build(tmp_path / "one", config, None)
    key, changes = "k", None
    if how == "another key":
        key = "other"
    elif how == "no state":
        (first / mkdocs.STATE_FILE).unlink()
    elif how == "a garbled state":
        (first / mkdocs.STATE_FILE).write_text("\n".join(["x", "index.md"]), encoding="utf-8")
    elif how == "another docs file":
        changes = {"standards.md": "# Open standards\n"}  # a new page: the navigation changes
    else:  # every page's navigation shows this page's heading
        changes = {"datasets/index.md": "# The datasets\n\nEvery dataset.\n"}
    second, counts = build(tmp_path / "two", config, first, key=key, changes=changes)
    assert counts[0] == 0, counts
    old, new = inodes(first), inodes(second)
    assert not any(old.get(name) == inode for name, inode in new.items())


def test_another_text_under_the_heading_of_a_page_named_by_it_keeps_the_other_pages(tmp_path, config):
    first, _ = build(tmp_path / "one", config, None)
    _, counts = build(tmp_path / "two", config, first, changes={"datasets/index.md": "# Datasets\n\nOther text.\n"})
    assert counts == (4, 5)


def test_a_broken_link_in_a_page_built_beside_kept_ones_still_fails_the_build(tmp_path, config):
    first, _ = build(tmp_path / "one", config, None)
    with pytest.raises(mkdocs.SiteError) as caught:
        build(tmp_path / "two", config, first, changes={"about.md": "# About this data\n\n[x](missing.md)\n"})
    assert [(f.path, f.code, f.message) for f in caught.value.findings] == [
        ("mkdocs.yml", "mkdocs", "Doc file 'about.md' contains a link 'missing.md', "
                                 "but the target is not found among documentation files.")]
    shutil.rmtree(tmp_path / "two")
    _, counts = build(tmp_path / "two", config, first)
    assert counts == (4, 5)
