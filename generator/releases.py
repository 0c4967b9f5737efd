"""Releases: what changed in the data from one release to the next.

A release is a commit that changed the data folder (git keeps every earlier version,
so a fresh clone or a CI runner sees the whole history), plus the working copy when
it differs from the last commit. For each release and dataset the rows added,
removed and changed are counted by primary key (datasets without a key compare whole
rows). The build publishes the list as downloads/releases.json, a "What changed" page
and an Atom feed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .validate import DataPackage

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


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=120, check=False)


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
    """(added, removed, changed, rows) between two versions of a CSV file."""
    after = _keyed(new, key)
    before = _keyed(old, key) if old is not None else {}
    added = sum(1 for k in after if k not in before)
    removed = sum(1 for k in before if k not in after)
    changed = sum(1 for k, row in after.items() if k in before and before[k] != row)
    return added, removed, changed, len(after)


def _versions(package: DataPackage) -> list[tuple[str, dt.date, dict[str, bytes]]]:
    """(id, date, {dataset: CSV bytes}), oldest first, at most LIMIT + 1 of them."""
    data_dir = package.data_dir
    top = _git(["rev-parse", "--show-toplevel"], data_dir)
    versions = []
    if top.returncode == 0:
        root = Path(top.stdout.decode().strip())
        log = _git(["log", f"-{LIMIT + 1}", "--format=%H %ct", "--", "."], data_dir)
        for line in reversed(log.stdout.decode().splitlines()):
            commit, stamp = line.split()
            files = {}
            for res in package.resources:
                relative = res.path.relative_to(root).as_posix()
                shown = _git(["show", f"{commit}:{relative}"], root)
                if shown.returncode == 0:
                    files[res.name] = shown.stdout
            if files:  # a commit before the data files existed is not a release
                day = dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc).date()
                versions.append((commit[:10], day, files))
    current = {res.name: res.path.read_bytes() for res in package.resources}
    if not versions or versions[-1][2] != current:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        day = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date() if epoch.isdigit()
               else dt.date.today())
        versions.append(("working copy", day, current))
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


def atom_feed(releases: list[Release], title: str, site_url: str, page: str = "changes/") -> str:
    """An Atom feed with one entry per release: rows added, removed and changed per dataset."""
    from xml.sax.saxutils import escape

    base = site_url.rstrip("/") + "/" if site_url else ""
    feed_id = f"{base}feed.xml" if base else "urn:commissioning-transparency:feed"
    updated = releases[0].date.isoformat() + "T00:00:00Z" if releases else "2000-01-01T00:00:00Z"
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"  <title>{escape(title)}: what changed</title>", f"  <id>{escape(feed_id)}</id>",
           f"  <updated>{updated}</updated>", f'  <link rel="alternate" href="{escape(base + page)}"/>',
           f'  <link rel="self" href="{escape(base + "feed.xml")}"/>',
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
                f'    <link rel="alternate" href="{escape(base + page)}#{anchor}"/>',
                f"    <summary>{escape(summary + ' ' + '; '.join(lines))}</summary>",
                "  </entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"
