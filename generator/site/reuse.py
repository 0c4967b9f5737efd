"""The entity pages of the previous build, kept where nothing they show has changed.

A council's usual update is a handful of rows. Most of the entity pages (one per
organisation, contract, ward ...) then come out exactly as before, and rendering them
again is most of a build's time (entity_pages.render_html). So each job of that stage (an
entity's page with its CSVs and the further pages of its lists, or a further page of a
list on a Markdown page) gets a fingerprint of everything it is made from, and the site
records them in STATE_FILE with the files each job wrote. The next build into the same
folder hard-links a job's files from the published site instead of rendering them when its
fingerprint is the same: the files are those a full build writes, byte for byte (a test
builds both after random edits and compares every file).

What a job is made from, in two parts:
- `common_key`: what every page reads. The tool (code, templates, packages), the settings,
  today's date, and every data file except those of TRACKED_DATA, from build.py
  (publish/incremental.pages_key); the page shells MkDocs built; every entity's kind, key,
  name and address (links show them); every list's rows except those of TRACKED_ROWS, in
  full. When any of it changes, no page is kept.
- `fingerprint`: the job's own. An entity's fields (its totals and years included), its own
  row, and the HTML and CSV line of each row of its lists, read from the rows the build has
  just made (listing.RowSet), so a row's derived values (an organisation's total funding on
  a ward's page) count; a further page's fields and its rows. Each row is hashed once
  (row_digests), and a job hashes its rows' digests. When an entity's page is made again, each
  further page of its lists is kept or made by its own fingerprint, with a line of its own in
  STATE_FILE after its entity's (entity_pages.Writer.write_deferred).

Grants and contracts are the tables tracked row by row: a changed grant changes the pages
that list it, and those of the entities whose totals it changes. A change to any other
table (an organisation's name, an outcome, a KPI) renders every page again, which is
correct, only not faster.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

STATE_FILE = ".build-pages"  # in the site's root, beside .build-key
FORMAT = "pages-3"
TRACKED_DATA = ("grants", "contracts")  # data resources whose rows are fingerprinted one by one
# lists (listing.row_sets) whose rows are fingerprinted one by one, each the Entity field of its positions
TRACKED_ROWS = ("contracts", "grants", "intentions", "organisations")


def _digest():
    return hashlib.blake2b(digest_size=16)


def row_digests(rows: dict, part: tuple[int, int] = (0, 1)) -> dict[str, np.ndarray]:
    """A digest of each row of the TRACKED_ROWS lists (its HTML and CSV line), made once before
    the workers fork (entity_pages.render_html: in children of their own, while the build's
    process makes what the workers share): a job then hashes 16 bytes a row it lists, not the
    row (a grant is on its recipient's, programme's, ward's ... pages). With `part` (i, n), the
    i-th of n runs of each list's rows, for join_digests to join in order."""
    made = {}
    i, n = part
    for name in TRACKED_ROWS:
        html, lines = rows[name].html, rows[name].csv_lines
        hb, lb, out = html.buffer, lines.buffer, bytearray()
        count = min(len(html.starts), len(lines.starts))  # (one of each a row)
        first, last = count * i // n, count * (i + 1) // n
        for a, b, c, d in zip(html.starts[first:last].tolist(), html.ends[first:last].tolist(),
                              lines.starts[first:last].tolist(), lines.ends[first:last].tolist()):
            out += hashlib.blake2b(b"%d:%b%b" % (b - a, hb[a:b], lb[c:d]), digest_size=16).digest()
        made[name] = np.frombuffer(bytes(out), dtype=np.uint8).reshape(-1, 16)
    return made


def join_digests(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The digests of row_digests' parts, in order, as one call would have made them."""
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def _rows(h, digests: np.ndarray, positions) -> None:
    """The digests of the rows at `positions`, in order, into `h`."""
    h.update(b"%d\n" % len(positions))
    if len(positions):  # (most entities have none of a kind of rows: nothing more to hash)
        h.update(digests[positions if isinstance(positions, np.ndarray) else np.asarray(positions, dtype=np.int64)].tobytes())


def common_key(build_key: str, shells: dict, entities, rows: dict) -> str:
    """The part of every job's fingerprint that is the same for every page (see the module)."""
    h = _digest()
    h.update(f"{FORMAT}\0{build_key}\0".encode())
    for depth in sorted(shells):
        shell = shells[depth]
        h.update(f"{depth}\0{shell.head}\0{shell.between}\0{shell.tail}\0".encode())
    for entity in entities.all():
        h.update(f"{entity.kind}\0{entity.key}\0{entity.name}\0{entity.slug}\n".encode())
    for name in sorted(rows):
        r = rows[name]
        h.update(f"{name}\0{r.dataset}\0{r.columns!r}\0{r.csv_header}\0{r.csv_noun}\0".encode())
        if r.csv_counts is not None:
            h.update(r.csv_counts.tobytes())
        if name not in TRACKED_ROWS:
            for texts in (r.html, r.csv_lines):
                h.update(texts.ends.tobytes())
                h.update(texts.buffer)
    return h.hexdigest()


def fingerprint(digests: dict, job) -> str:
    """A job's own inputs (see the module): `job` is an entity or a further page of a list (a
    dict); `digests` from row_digests."""
    h = _digest()
    if isinstance(job, dict):
        h.update(repr(sorted((k, v) for k, v in job.items() if k != "positions")).encode())
        name = job["key"]
        if name in digests:
            _rows(h, digests[name], job["positions"])
        else:  # an untracked list: its rows are in common_key
            h.update(np.asarray(job["positions"], dtype=np.int64).tobytes())
        return h.hexdigest()
    e = job
    h.update(repr((e.kind, e.key, e.name, e.slug, e.row, float(e.contracts_total), float(e.grants_total),
                   float(e.intentions_total), [(y, float(c), float(g)) for y, c, g in e.by_year],
                   tuple(e.empty_years), [(k, float(v)) for k, v in e.outcomes])).encode())
    for name in TRACKED_ROWS:
        _rows(h, digests[name], getattr(e, name))
    if e.kind == "contract" and e.row is not None:
        _rows(h, digests["contracts"], [e.row])  # its own row: the page shows every field of it
    return h.hexdigest()


def job_page(job) -> str:
    """The page a job is known by: an entity's, or the further page's."""
    return job["page"] if isinstance(job, dict) else job.page


class Previous:
    """The published site's jobs: page -> its fingerprint and the files the job wrote, as one
    tab-separated string (one object an entry: a million of them at 1M grants). Empty when
    there is no such site, it was made by other code or settings, or its state cannot be
    read: then every page is rendered."""

    def __init__(self, site: Path | None, key: str):
        self.site = site
        self.jobs: dict[str, str] = {}
        self._folders: set[str] = set()  # the folders `link` has made
        if site is None:
            return
        try:
            with open(Path(site) / STATE_FILE, encoding="utf-8") as state:
                if state.readline().rstrip("\n") != key:
                    return
                for line in state:
                    page, rest = line.rstrip("\n").split("\t", 1)
                    self.jobs[page] = rest
        except (OSError, UnicodeDecodeError, ValueError):
            self.jobs = {}

    def files(self, page: str, fp: str) -> list[str] | None:
        """The files to keep for the job known by `page`, when its fingerprint is still `fp`."""
        found = self.jobs.get(page)
        if found is None or not found.startswith(fp + "\t"):
            return None
        return [name for name in found[len(fp) + 1:].split("\t") if name]

    def lines_of(self, files: list[str], page: str) -> list[str]:
        """The state file's lines of those of `files` (a kept job's, known by `page`) that have
        lines of their own (the further pages of an entity page), as the published site has them."""
        return [f"{name}\t{self.jobs[name]}" for name in files
                if name != page and name.endswith(".html") and name in self.jobs]

    def link(self, files: list[str], site_dir: Path, folder) -> bool:
        """Hard-link `files` from the published site into `site_dir` (`folder` makes a file's
        folder, given once each). False, with none of them left behind, when one cannot be
        linked: the job is then rendered."""
        done, source, target = [], os.fspath(self.site), os.fspath(site_dir)
        try:
            for name in files:
                parent = name.rpartition("/")[0]
                if parent not in self._folders:
                    folder(site_dir / parent)
                    self._folders.add(parent)
                os.link(f"{source}/{name}", f"{target}/{name}")
                done.append(f"{target}/{name}")
        except OSError:
            for path in done:
                Path(path).unlink(missing_ok=True)
            return False
        return True


def write_state(site_dir: Path, key: str, lines: list[str]) -> None:
    """STATE_FILE: the key, then a line per job: its page, its fingerprint and the files it
    wrote, tab-separated (a site path holds no tab: urls.py makes them from slugs). Each of
    `lines` is one job's line, or several joined by line breaks."""
    with open(site_dir / STATE_FILE, "w", encoding="utf-8", newline="\n") as state:
        state.write(key + "\n")
        for line in lines:
            state.write(line + "\n")
