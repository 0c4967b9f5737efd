"""Writing imported rows into a council's project: its data/ folder.

Every importer turns a register into rows of our datasets (grants, contracts, organisations,
commissioners) and hands them here. Rows are merged by their dataset's primary key:

- a row whose id is new is added;
- a row whose id is already there replaces it (grants, contracts: the register is the newer
  copy), and is counted as replaced only when a value changed;
- rows are never merged into each other within one import: a repeated id or an empty one is
  written as it is, for `validate` to report (merge_rows says how a second import of the same
  file still changes nothing);
- organisations and commissioners are merged by id: an existing row keeps its values, and only
  its empty cells are filled from the import (a council's own corrections survive a re-import).

Each file is written whole to a temporary file beside it and then renamed, so a failed import
leaves the project's files as they were. Columns come from the project's own datapackage.json
(its schemas), so a project whose schemas carry extra columns keeps them.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..config import TOOL_DIR

# dataset -> its primary key column
KEYS = {"grants": "grant_id", "contracts": "contract_id", "organisations": "org_id",
        "commissioners": "commissioner_id"}
FILL_ONLY = {"organisations", "commissioners"}  # merged cell by cell: existing values win


class ProjectError(Exception):
    """A project folder that cannot take the import (message names the file and what to do)."""


@dataclass
class Merged:
    """What merging one dataset did."""
    added: int = 0
    replaced: int = 0  # existing rows with a value changed
    unchanged: int = 0  # existing rows the import left as they were (or only filled)
    filled: int = 0  # existing organisations/commissioners with empty cells filled in
    ids: list = field(default_factory=list)  # the ids the import holds, in its order


def _schema_columns(data_dir: Path, name: str) -> list[str]:
    """The dataset's columns: from the project's datapackage.json when it describes the dataset
    (inline or by path), else from the tool's own schema."""
    descriptor_path = data_dir / "datapackage.json"
    if descriptor_path.is_file():
        try:
            descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ProjectError(f"{descriptor_path}: cannot be read ({exc}); fix it, or import into an empty "
                               "folder") from None
        for resource in descriptor.get("resources") or []:
            if isinstance(resource, dict) and resource.get("name") == name:
                schema = resource.get("schema")
                if isinstance(schema, str):
                    try:
                        schema = json.loads((data_dir / schema).read_text(encoding="utf-8"))
                    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                        schema = None
                if isinstance(schema, dict) and schema.get("fields"):
                    return [f["name"] for f in schema["fields"]]
    schema = json.loads((TOOL_DIR / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    return [f["name"] for f in schema["fields"]]


def _read(path: Path) -> tuple[list[str], list[dict]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            return list(reader.fieldnames or []), rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ProjectError(f"{path}: cannot be read ({exc}); fix it before importing into it") from None


def _text(value) -> str:
    return "" if value is None else str(value)


def merge_rows(existing: list[dict], incoming: list[dict], name: str) -> tuple[list[dict], Merged]:
    """Merge incoming rows into existing ones by the dataset's key, keeping the existing order and
    appending new rows in the import's order.

    A row whose id is already in the existing file replaces (or fills) that row. Rows are never merged
    into each other within one import: a repeated id is written again each time (the n-th copy in the
    import replacing the n-th copy in the file, so that importing the same file twice changes nothing),
    and so is a row with an empty id, unless the file already holds one with exactly its values; the
    duplicates and empty ids are then for `validate` to report."""
    key = KEYS[name]
    merged = Merged()
    places: dict[str, list[int]] = {}  # id -> its rows in the existing file, in order
    keyless: list[int] = []  # existing rows with an empty id
    matched: set[int] = set()  # of those, the ones an incoming row was found the same as
    by_values: dict[tuple, dict[tuple, list[int]]] = {}  # columns -> their values -> keyless rows
    for index, row in enumerate(existing):
        ident = _text(row.get(key))
        if ident:
            places.setdefault(ident, []).append(index)
        else:
            keyless.append(index)
    copies: dict[str, int] = {}  # id -> copies of it seen so far in the import
    rows = [dict(row) for row in existing]
    for row in incoming:
        ident = _text(row.get(key))
        merged.ids.append(ident)
        new = {c: _text(v) for c, v in row.items()}
        if not ident:
            columns = tuple(new)
            if columns not in by_values:
                table: dict[tuple, list[int]] = {}
                for i in keyless:
                    table.setdefault(tuple(_text(rows[i].get(c)) for c in columns), []).append(i)
                by_values[columns] = table
            same = [i for i in by_values[columns].get(tuple(new.values()), []) if i not in matched]
            if same:
                matched.add(same[0])
                merged.unchanged += 1
            else:
                rows.append(new)
                merged.added += 1
            continue
        copy = copies.get(ident, 0)
        copies[ident] = copy + 1
        if copy >= len(places.get(ident, [])):
            rows.append(new)
            merged.added += 1
            continue
        current = rows[places[ident][copy]]
        if name in FILL_ONLY:
            gaps = {c: v for c, v in new.items() if v and not _text(current.get(c))}
            if gaps:
                current.update(gaps)
                merged.filled += 1
            else:
                merged.unchanged += 1
        elif any(_text(current.get(c)) != v for c, v in new.items()):
            current.update(new)
            merged.replaced += 1
        else:
            merged.unchanged += 1
    return rows, merged


def write_into(data_dir: Path, datasets: dict[str, list[dict]]) -> dict[str, Merged]:
    """Merge each dataset's rows into data_dir/<name>.csv (created, header first, when missing).
    All files are prepared before any is replaced, so an error changes nothing."""
    data_dir = Path(data_dir)
    if data_dir.exists() and not data_dir.is_dir():
        raise ProjectError(f"{data_dir}: is a file (expected the project's data folder for --out)")
    data_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Merged] = {}
    staged: list[tuple[Path, str]] = []
    for name, incoming in datasets.items():
        path = data_dir / f"{name}.csv"
        columns = _schema_columns(data_dir, name)
        existing: list[dict] = []
        if path.is_file():
            header, existing = _read(path)
            columns = header or columns
        rows, results[name] = merge_rows(existing, incoming, name)
        extra = sorted({c for row in incoming for c in row} - set(columns))
        if extra:
            raise ProjectError(f"{path}: has no column {', '.join(extra)} (expected the columns of our "
                               f"{name} schema: {', '.join(columns)})")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_text(row.get(c)) for c in columns])
        staged.append((path, buffer.getvalue()))
    for path, text in staged:
        temporary = path.with_name(f".{path.name}.importing")
        temporary.write_text(text, encoding="utf-8", newline="")
        os.replace(temporary, path)
    return results


def describe(name: str, merged: Merged) -> str:
    """One line: 'grants.csv: 12 added, 3 replaced, 40 unchanged'."""
    parts = [f"{merged.added:,} added"]
    if merged.replaced:
        parts.append(f"{merged.replaced:,} replaced")
    if merged.filled:
        parts.append(f"{merged.filled:,} existing with empty cells filled")
    if merged.unchanged:
        parts.append(f"{merged.unchanged:,} already there and unchanged")
    return f"{name}.csv: " + ", ".join(parts)


def commissioner_id(name: str) -> str:
    """A department's commissioner_id made from its name, in the schema's form
    ([A-Z0-9]+ joined by hyphens): "Children's Services" -> "CHILDRENS-SERVICES"."""
    words = "".join(ch if ch.isalnum() else (" " if ch not in "'’" else "") for ch in name.upper()).split()
    ident = "-".join(w for w in words if w.isascii())[:60].strip("-")
    return ident or "DEPARTMENT"


def commissioner_row(name: str, ident: str | None = None, *, kind: str = "council department",
                     note: str = "") -> dict:
    """A commissioners.csv row for a department named in an imported file (no dates: unknown)."""
    return {"commissioner_id": ident or commissioner_id(name), "name": name.strip(), "commissioner_type": kind,
            "org_id": "", "active_from": "", "active_to": "", "note": note}
