"""The downloads of the previous build, kept where their dataset has not changed.

A dataset's own downloads (its CSV, XLSX, JSON and Parquet files, and its yearly CSV files)
are made from its file, its schema, the tool and the settings only. So each dataset gets a
key: `common`, the key of everything but the data files of the datasets followed row by row
(publish/incremental.pages_key, which holds the other data files, the schemas, the code and
today's date), with the name and the SHA-256 of the dataset's file. The site records the
keys, with the files each dataset wrote, in STATE_FILE; the next build into the same folder
hard-links a dataset's files from the published site's downloads when its key is the same,
instead of writing them (exports/package.py `export`). The files in other standards are kept
the same way, each group by the files it is made from (`group_key`): the 360Giving files and the
yearly lists of grants to VCS organisations from the grants, the OCDS package and the contracts
register from the contracts (with `common` holding the other datasets they read, the settings and
the date; exports/standards.py). The package ZIP and datapackage.json are made every time. A
change to a dataset not followed row by row changes `common`, and then every download is written
again: correct, only not faster.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

STATE_FILE = ".build-downloads"  # in the site's root, beside .build-key and .build-pages
FORMAT = "downloads-1"


class Kept:
    """The published site's datasets' downloads (empty when there is none, it was made by
    other code, settings or data, or its state cannot be read), and this build's lines of
    STATE_FILE as the export makes them."""

    def __init__(self, published: Path | None, common: str | None, downloads: str = "downloads"):
        self.folder = Path(published) / downloads if published is not None else None
        self.common = common
        self.previous: dict[str, tuple[str, list[str]]] = {}
        self.lines: list[str] = []
        self.hashes: dict[str, str] = {}  # each dataset's file's SHA-256, as key() was given it
        if published is None or common is None:
            return
        try:
            with open(Path(published) / STATE_FILE, encoding="utf-8") as state:
                if state.readline().rstrip("\n") != FORMAT:
                    return
                for line in state:
                    name, key, *files = line.rstrip("\n").split("\t")
                    self.previous[name] = (key, files)
        except (OSError, UnicodeDecodeError, ValueError):
            self.previous = {}

    def key(self, name: str, sha256: str) -> str | None:
        """A dataset's key, from its name and its file's SHA-256 (None: nothing is kept)."""
        self.hashes[name] = sha256
        if self.common is None:
            return None
        return hashlib.sha256(f"{FORMAT}\0{self.common}\0{name}\0{sha256}".encode()).hexdigest()

    def group_key(self, name: str, datasets: list[str]) -> str | None:
        """The key of a group of files made from these datasets' files (and `common`), once
        key() has been given each of their hashes; None (nothing is kept) when one was not."""
        if self.common is None or any(d not in self.hashes for d in datasets):
            return None
        hashes = "\0".join(f"{d}\0{self.hashes[d]}" for d in datasets)
        return hashlib.sha256(f"{FORMAT}\0{self.common}\0{name}\0{hashes}".encode()).hexdigest()

    def link(self, name: str, key: str | None, out_dir: Path) -> list[str] | None:
        """Hard-link the dataset's files from the published downloads into `out_dir` when its
        key is the same as there; their names, or None (with none left behind) when they
        cannot be kept: then they are written."""
        found = self.previous.get(name)
        if key is None or found is None or found[0] != key or self.folder is None:
            return None
        done = []
        try:
            for file in found[1]:
                os.link(self.folder / file, out_dir / file)
                done.append(out_dir / file)
        except OSError:
            for path in done:
                path.unlink(missing_ok=True)
            return None
        return found[1]

    def record(self, name: str, key: str | None, files: list[str]) -> None:
        """The dataset's line of STATE_FILE: its key and the files it has in the downloads."""
        if key is not None:
            self.lines.append("\t".join([name, key, *files]))


def write_state(site_dir: Path, lines: list[str]) -> None:
    with open(site_dir / STATE_FILE, "w", encoding="utf-8", newline="\n") as state:
        state.write(FORMAT + "\n")
        for line in lines:
            state.write(line + "\n")
