"""Releases: what changed in the data from one release to the next.

A release is a commit that changed the data folder (git keeps every earlier version,
so a fresh clone or a CI runner sees the whole history), plus the working copy when
it differs from the last commit. For each release and dataset the rows added,
removed and changed are counted by primary key (datasets without a key compare whole
rows). write_releases publishes the list as downloads/releases.json, a "What changed" page
and an Atom feed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from .. import git
from ..config import today
from ..data.package import DataPackage
from ..exports.package import DOWNLOADS

LIMIT = 20  # releases shown on the page and in the feed


@dataclass
class Change:
    dataset: str
    title: str
    added: int = 0
    removed: int = 0
    changed: int = 0
    rows: int = 0

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class Release:
    id: str  # the commit's short hash, or "working copy"
    date: dt.date
    checksums: dict[str, str]  # dataset -> sha256 of its CSV
    changes: list[Change] = field(default_factory=list)
    first: bool = False  # the oldest release shown: every row counts as added

    @property
    def totals(self) -> tuple[int, int, int]:
        return (sum(c.added for c in self.changes), sum(c.removed for c in self.changes),
                sum(c.changed for c in self.changes))

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "checksums": {k: f"sha256:{v}" for k, v in self.checksums.items()},
            "changes": [{"dataset": c.dataset, "added": c.added, "removed": c.removed, "changed": c.changed,
                         "rows": c.rows} for c in self.changes if c.any],
        }


def _keyed(content: bytes, key: list[str]) -> dict[tuple, tuple]:
    reader = csv.reader(io.StringIO(content.decode("utf-8", errors="replace")))
    header = next(reader, [])
    positions = [header.index(k) for k in key if k in header] if key else []
    rows = {}
    for row in reader:
        if not row:
            continue
        rows[tuple(row[p] for p in positions) if positions else tuple(row)] = tuple(row)
    return rows


def compare(old: bytes | None, new: bytes, key: list[str]) -> tuple[int, int, int, int]:
    """(added, removed, changed, rows) between two versions of a CSV file: read by pyarrow
    (about 20 times faster: 16 s for the 1M-grant sample in Python), or, for a file pyarrow
    reads differently (ragged rows, bytes that are not UTF-8, a header it cannot take) or not
    at all, by the csv module. tests/publish/test_releases.py checks the two agree."""
    try:
        return _compare_arrow(old, new, key)
    except _NotForArrow:
        return _compare_python(old, new, key)


class _NotForArrow(Exception):
    pass


_SEP = "\x00"  # between the values of a key or a row (the csv module's rows are tuples)


def _arrow_rows(content: bytes, key: list[str], rows: bool = True):
    """(key, key and row) strings per distinct key, the last row of each (as a dict keeps it);
    with rows=False, only how many distinct keys there are."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    head = content[:1 << 16]
    first = head.split(b"\n", 1)[0]
    if b'"' in first or b"\r" in first.rstrip(b"\r") or b"\n" not in head or content.startswith(b"\xef\xbb\xbf"):
        raise _NotForArrow  # a header with quotes or no line end, or a BOM: the csv module decides
    header = first.rstrip(b"\r").decode("utf-8").split(",")
    if len(set(header)) != len(header) or not all(header):
        raise _NotForArrow
    chosen = [k for k in key if k in header] if key else []  # the key's columns (none: the whole row)
    try:
        table = pacsv.read_csv(
            pa.py_buffer(content),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 include_columns=None if rows or not chosen else chosen))
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _NotForArrow from exc
    by_name = {h: table.column(h).combine_chunks() for h in table.column_names}
    columns = list(by_name.values())
    if table.num_rows and any(c.null_count for c in columns):
        raise _NotForArrow
    chosen = [by_name[k] for k in chosen]

    def joined(parts):
        return pc.binary_join_element_wise(*parts, _SEP) if len(parts) > 1 else parts[0]

    keys = joined(chosen or columns)
    if not rows:
        return pc.count_distinct(keys).as_py()
    whole = joined(columns)
    # The last row of each key (a later row with the same key replaces an earlier one).
    indexed = pa.table({"k": keys, "i": pa.array(np.arange(len(keys), dtype=np.int64))})
    last = indexed.group_by("k", use_threads=False).aggregate([("i", "max")]).column("i_max")
    keys, whole = keys.take(last), whole.take(last)
    return keys, pc.binary_join_element_wise(keys, whole, "\x01")


def _compare_arrow(old: bytes | None, new: bytes, key: list[str]) -> tuple[int, int, int, int]:
    import pyarrow.compute as pc

    if old is None or old == new:
        count = _arrow_rows(new, key, rows=False)
        return (count, 0, 0, count) if old is None else (0, 0, 0, count)
    after_keys, after_rows = _arrow_rows(new, key)
    before_keys, before_rows = _arrow_rows(old, key)
    both = pc.sum(pc.is_in(after_keys, value_set=before_keys)).as_py() or 0
    same = pc.sum(pc.is_in(after_rows, value_set=before_rows)).as_py() or 0
    return len(after_keys) - both, len(before_keys) - both, both - same, len(after_keys)


def _compare_python(old: bytes | None, new: bytes, key: list[str]) -> tuple[int, int, int, int]:
    after = _keyed(new, key)
    before = _keyed(old, key) if old is not None else {}
    added = sum(1 for k in after if k not in before)
    removed = sum(1 for k in before if k not in after)
    changed = sum(1 for k, row in after.items() if k in before and before[k] != row)
    return added, removed, changed, len(after)


def _versions(package: DataPackage) -> list[tuple[str, dt.date, dict[str, bytes]]]:
    """(id, date, {dataset: CSV bytes}), oldest first, at most LIMIT + 1 of them."""
    data_dir = package.data_dir
    top = git.run(["rev-parse", "--show-toplevel"], data_dir)
    versions = []
    if top.returncode == 0:
        root = Path(top.stdout.decode().strip())
        log = git.run(["log", f"-{LIMIT + 1}", "--format=%H %ct", "--", "."], data_dir)
        if log.returncode != 0 and b"does not have any commits" not in log.stderr:
            raise git.GitError(["log", f"-{LIMIT + 1}", "--format=%H %ct", "--", "."], data_dir,
                               f"failed ({log.stderr.decode('utf-8', 'replace').strip()[:200]})")
        for line in reversed(log.stdout.decode().splitlines()):
            commit, stamp = line.split()
            files = {}
            for res in package.resources:
                relative = res.path.relative_to(root).as_posix()
                shown = git.run(["show", f"{commit}:{relative}"], root)
                if shown.returncode == 0:
                    files[res.name] = shown.stdout
                elif not git.absent(shown):
                    raise git.GitError(["show", f"{commit}:{relative}"], root,
                                       f"failed ({shown.stderr.decode('utf-8', 'replace').strip()[:200]})")
            if files:  # a commit before the data files existed is not a release
                day = dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc).date()
                versions.append((commit[:10], day, files))
    current = {res.name: res.path.read_bytes() for res in package.resources}
    if not versions or versions[-1][2] != current:
        versions.append(("working copy", today(), current))
    return versions


def history(package: DataPackage) -> list[Release]:
    """The releases, newest first, with what changed in each."""
    keys = {}
    for res in package.resources:
        pk = res.schema.get("primaryKey") or []
        keys[res.name] = [pk] if isinstance(pk, str) else list(pk)
    versions = _versions(package)
    releases = []
    previous: dict[str, bytes] | None = None
    # The oldest version is only a baseline when there are more than LIMIT releases.
    baseline = len(versions) > LIMIT
    for i, (ident, day, files) in enumerate(versions):
        if baseline and i == 0:
            previous = files
            continue
        release = Release(ident, day, {n: hashlib.sha256(b).hexdigest() for n, b in files.items()},
                          first=previous is None)
        for res in package.resources:
            if res.name not in files:
                continue
            old = previous.get(res.name) if previous is not None else None
            added, removed, changed, count = compare(old, files[res.name], keys[res.name])
            release.changes.append(Change(res.name, res.title, added, removed, changed, count))
        releases.append(release)
        previous = files
    return list(reversed(releases))


def _attribute(text: str) -> str:
    """Text for a double-quoted XML attribute: &, <, > and " escaped."""
    return escape(text, {'"': "&quot;"})


def atom_feed(releases: list[Release], title: str, site_url: str, page: str = "changes/") -> str:
    """An Atom feed with one entry per release: rows added, removed and changed per dataset."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    feed_id = f"{base}feed.xml" if base else "urn:commissioning-transparency:feed"
    updated = releases[0].date.isoformat() + "T00:00:00Z" if releases else "2000-01-01T00:00:00Z"
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"  <title>{escape(title)}: what changed</title>", f"  <id>{escape(feed_id)}</id>",
           f"  <updated>{updated}</updated>", f'  <link rel="alternate" href="{_attribute(base + page)}"/>',
           f'  <link rel="self" href="{_attribute(base + "feed.xml")}"/>',
           "  <author><name>" + escape(title) + "</name></author>"]
    for release in releases:
        added, removed, changed = release.totals
        lines = [f"{c.title}: {c.added:,} added, {c.removed:,} removed, {c.changed:,} changed"
                 for c in release.changes if c.any]
        summary = f"{added:,} row{'' if added == 1 else 's'} added, {removed:,} removed, {changed:,} changed."
        anchor = f"release-{release.id.replace(' ', '-')}"
        out += ["  <entry>",
                f"    <title>Data release of {release.date.day} {release.date:%B %Y}: {escape(summary)}</title>",
                f"    <id>{escape(feed_id)}#{anchor}</id>",
                f"    <updated>{release.date.isoformat()}T00:00:00Z</updated>",
                f'    <link rel="alternate" href="{_attribute(base + page + "#" + anchor)}"/>',
                f"    <summary>{escape(summary + ' ' + '; '.join(lines))}</summary>",
                "  </entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def write_releases(released: list[Release], config, docs_dir: Path) -> None:
    """downloads/releases.json (each release's date, checksums and changes) and the
    Atom feed at the site's root."""
    path = docs_dir / DOWNLOADS / "releases.json"
    path.write_text(json.dumps([r.as_dict() for r in released], indent=2) + "\n", encoding="utf-8")
    (docs_dir / "feed.xml").write_text(atom_feed(released, config.site_title, config.site_url), encoding="utf-8")
