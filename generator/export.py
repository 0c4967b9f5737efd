"""Export stage: the downloadable files, written under the site's downloads/ folder.

- <dataset>.csv: the validated source file, byte for byte (UTF-8, no BOM);
- <dataset>.json: the same rows as a JSON array of objects with typed values;
- datapackage.json: a self-contained descriptor (schemas inline, sizes and
  SHA-256 checksums) that passes plain `frictionless validate`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .validate import DataPackage

DOWNLOADS = "downloads"
WARNINGS_CSV = "data-quality-warnings.csv"


@dataclass(frozen=True)
class Download:
    dataset: str
    label: str  # e.g. CSV
    filename: str  # relative to the downloads folder
    bytes: int


def _json_value(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item"):  # numpy scalars
        return _json_value(value.item())
    return value


def write_json(frame: pd.DataFrame, path: Path) -> None:
    columns = list(frame.columns)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("[\n")
        for i, row in enumerate(frame.itertuples(index=False, name=None)):
            record = {c: _json_value(v) for c, v in zip(columns, row)}
            out.write(("," if i else "") + json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
        out.write("]\n")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def export(package: DataPackage, tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Download]:
    out_dir.mkdir(parents=True, exist_ok=True)
    downloads: list[Download] = []
    resources = []
    for res in package.resources:
        csv_path = out_dir / f"{res.name}.csv"
        shutil.copyfile(res.path, csv_path)
        json_path = out_dir / f"{res.name}.json"
        write_json(tables[res.name], json_path)
        size = csv_path.stat().st_size
        downloads.append(Download(res.name, "CSV", csv_path.name, size))
        downloads.append(Download(res.name, "JSON", json_path.name, json_path.stat().st_size))
        resources.append({"bytes": size, "hash": "sha256:" + sha256(csv_path)})
    dp_path = out_dir / "datapackage.json"
    write_descriptor(package, dp_path, resources)
    downloads.append(Download("", "JSON", dp_path.name, dp_path.stat().st_size))
    return downloads


def write_descriptor(package: DataPackage, path: Path, extra: list[dict] | None = None) -> None:
    """A self-contained datapackage.json (schemas inline, files beside it), with
    optional extra properties per resource such as size and checksum."""
    resources = []
    for i, res in enumerate(package.resources):
        descriptor = {k: v for k, v in res.descriptor.items() if k not in ("path", "schema")}
        descriptor.update({"path": f"{res.name}.csv", "schema": res.schema})
        descriptor.update(extra[i] if extra else {})
        resources.append(descriptor)
    package_descriptor = {k: v for k, v in package.descriptor.items() if k != "resources"}
    package_descriptor["resources"] = resources
    path.write_text(json.dumps(package_descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_findings_csv(findings, path: Path) -> None:
    """Every warning of the published data, one per row, for a spreadsheet."""
    columns = ["severity", "dataset", "path", "row", "column", "code", "value", "example", "message"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for f in findings:
            record = f.as_dict()
            writer.writerow(["" if record[c] is None else record[c] for c in columns])
