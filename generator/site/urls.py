"""URLs: where each page is served and the relative links between pages (the site works from
any folder, and opened from disk, so every link is relative)."""

from __future__ import annotations

import posixpath


def url_of(page: str) -> str:
    """The URL a page is served at: a Markdown page at its folder (directory URLs, x/y.md at
    x/y/), an HTML page (an entity page, x/y.html) at its own name."""
    if page.endswith(".html"):
        return page
    if page == "index.md":
        return ""
    if page.endswith("/index.md"):
        return page[: -len("index.md")]
    return page[: -len(".md")] + "/"


def beside(page: str, stem: str) -> str:
    """The site path (without extension) of a file `stem` that belongs to `page`: in its
    folder for a Markdown page (x/y/stem), beside it for an HTML page (x/y.stem). A slug
    never holds a dot, so x/y.stem is never another entity's page; and no folder is made
    per entity page (on ext4 a new folder costs about 20 times a new file)."""
    if page.endswith(".html"):
        return f"{page[:-len('.html')]}.{stem}"
    return url_of(page) + stem


def download_name(csv_path: str) -> str:
    """The name a table's CSV is saved under: its file name (x/y.grants.csv: y.grants.csv), but
    for the list of an index page, whose file is in the page's folder as page.csv (page-2.csv
    for its second page), the folder's name (organisations/page-2.csv: organisations-2.csv)."""
    folder, name = posixpath.split(csv_path)
    if folder and (name == "page.csv" or name.startswith("page-")):
        return posixpath.basename(folder) + name[len("page"):]
    return name


def root_of(page: str) -> str:
    depth = url_of(page).count("/")
    return "../" * depth


def href(page: str, target: str) -> str:
    """A link from a page (x/y.md served at x/y/, or x/y.html) to a site path (a folder ending
    in / or a file): what posixpath.relpath gives for the two (tests/site/test_site.py checks they
    agree), without its cost (it makes both paths absolute; this is called for every link on
    every page)."""
    base = url_of(page).split("/")[:-1]  # its folder
    parts = [p for p in target.split("/") if p and p != "."]
    common = 0
    for a, b in zip(base, parts):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(base) - common) + parts[common:]) or "."
    if target.endswith("/") or target == "":
        rel = "./" if rel == "." else rel + "/"
    return rel
