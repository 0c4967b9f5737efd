"""Search stage: Pagefind indexes the built site into a static, chunked index.

Material's built-in search puts the whole site into one JSON file that every
visitor downloads (58 MB at 20k pages); Pagefind splits its index into small
fragments, so a query downloads only the parts it needs. It runs as a program
(the `pagefind` wheel bundles its binary; nothing is fetched), over the content
of each page (`data-pagefind-body` in site_src/overrides/main.html), and writes
into the site's pagefind/ folder. The search page (site_src/assets/search.js)
loads it from the site itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .findings import Finding

FOLDER = "pagefind"


class SearchError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.findings = [Finding("pagefind", None, None, "search", message)]


def index(site_dir: Path, search_dir: Path | None = None) -> None:
    """Index the site into site_dir/pagefind/. `search_dir` holds the content alone of the
    pages rendered outside MkDocs (see entity_pages.Writer.write_html); the pages MkDocs
    built are linked into it as they are, so Pagefind parses a tenth of the bytes."""
    source = site_dir
    if search_dir is not None:
        for page in site_dir.rglob("*.html"):
            mirror = search_dir / page.relative_to(site_dir)
            if not mirror.exists():
                mirror.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(page, mirror)
                except OSError:  # a file system without hard links
                    shutil.copyfile(page, mirror)
        source = search_dir
    command = [sys.executable, "-m", "pagefind", "--site", str(source), "--output-path", str(site_dir / FOLDER),
               "--force-language", "en", "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchError(f"the search index could not be made ({exc}; expected the pagefind package, "
                          f"installed by `make setup`)") from None
    if done.returncode != 0 or not (site_dir / FOLDER / "pagefind.js").exists():
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise SearchError(f"the search index could not be made: {detail[0]} (expected pagefind to index the "
                          f"built pages; run `make setup` to reinstall it)")
