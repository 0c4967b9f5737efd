"""Shared fixtures: a small valid copy of the data to break, and one full build."""

from __future__ import annotations

import base64
import csv
import functools
import http.server
import io
import posixpath
import re
import shutil
import threading
from pathlib import Path

import pytest

from generator import build
from generator.sample import generate as sample
from generator.config import PROJECT_DIR, load_config

SHARED = PROJECT_DIR.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def config():
    return load_config()


def sample_data(root: Path, grants: int, seed: int) -> Path:
    """A valid, seeded sample data set in root/data, with the project's schemas beside it."""
    sample.generate(root / "data", grants=grants, seed=seed)
    shutil.copyfile(PROJECT_DIR / "data" / "datapackage.json", root / "data" / "datapackage.json")
    shutil.copytree(PROJECT_DIR / "schemas", root / "schemas")
    return root / "data"


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> Path:
    """A small data set (40 grants) to break in tests."""
    return sample_data(tmp_path_factory.mktemp("small"), grants=40, seed=7)


@pytest.fixture
def data(small_data, tmp_path, monkeypatch) -> Path:
    """A fresh copy of the small data set to break, in a project folder with the bundled
    config.yml; the working folder is that folder, so messages name files as data/grants.csv."""
    shutil.copytree(small_data, tmp_path / "data")
    shutil.copytree(small_data.parent / "schemas", tmp_path / "schemas")
    for name in ("config.yml", "about.md"):  # the bundled settings: the folder is a project of its own
        shutil.copyfile(PROJECT_DIR / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def set_cell(data: Path, dataset: str, row: int, column: str, value: str) -> str:
    """Set one cell; `row` is the spreadsheet row (the header is row 1). Returns the old value."""
    path = data / f"{dataset}.csv"
    rows = read_rows(path)
    index = rows[0].index(column)
    old = rows[row - 1][index]
    rows[row - 1][index] = value
    write_rows(path, rows)
    return old


def get_cell(data: Path, dataset: str, row: int, column: str) -> str:
    rows = read_rows(data / f"{dataset}.csv")
    return rows[row - 1][rows[0].index(column)]


def page_path(site: Path, url: str) -> Path:
    """The file a site URL (relative to the root: "live/", "organisations/x.html") is served from."""
    return site / url / "index.html" if url == "" or url.endswith("/") else site / url


def downloads_on(site: Path, url: str) -> dict[str, str]:
    """The CSV downloads of the tables on the page at `url`: file name -> text, whether the link
    carries it (a data: URL, saved under its `download` name) or points to a file in the site."""
    html = page_path(site, url).read_text(encoding="utf-8")
    found = {}
    for attributes in re.findall(r'<a ([^>]*\bdownload\b[^>]*)>', html):
        target = re.search(r'href="([^"]*)"', attributes).group(1)
        name = re.search(r'download="([^"]*)"', attributes)
        if target.startswith("data:"):
            head, _, payload = target.partition(",")
            assert head == "data:text/csv;charset=utf-8;base64", head
            found[name.group(1)] = base64.b64decode(payload).decode("utf-8")
        elif target.endswith(".csv") and "://" not in target:
            folder = posixpath.dirname(page_path(site, url).relative_to(site).as_posix())
            file = site / posixpath.normpath(posixpath.join(folder, target.replace("&amp;", "&")))
            found[posixpath.basename(target)] = file.read_text(encoding="utf-8")
    return found


def download_text(site: Path, url: str, name: str) -> str:
    """The text of the CSV download named `name` (e.g. "x.grants.csv") on the page at `url`."""
    found = downloads_on(site, url)
    assert name in found, f"no download {name} on {url}: {sorted(found)}"
    return found[name]


def tables_of(data_dir: Path) -> dict:
    """The typed tables of a valid data folder."""
    from generator.data import load
    from generator.data.package import load_package

    tables, problems = load.load(load_package(data_dir).resources)
    assert problems == []
    return tables


@pytest.fixture(scope="session")
def small_tables(small_data):
    return tables_of(small_data)


@pytest.fixture(scope="session")
def bundled_tables():
    return tables_of(PROJECT_DIR / "data")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, config) -> Path:
    """The bundled data built once into a temporary folder."""
    root = tmp_path_factory.mktemp("built")
    build.build(PROJECT_DIR / "data", root / "site", config, docs_dir=root / "docs")
    return root / "site"


# --- browser ------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path):
    """Serve a folder on a free local port; returns (base URL, server)."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}/", httpd


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()


def alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie has ended: it is only waiting to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False
