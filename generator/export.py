"""Export stage: the downloadable files, written under the site's downloads/ folder.

- <dataset>.csv: the validated source file, byte for byte (UTF-8, no BOM);
- <dataset>.xlsx: the same rows for Excel, every text cell stored as text;
- <dataset>.json: the same rows as a JSON array of objects with typed values;
- <dataset>.parquet: the same rows, typed, for analysis tools;
- datapackage.json: a self-contained descriptor (schemas inline, sizes and
  SHA-256 checksums) that passes plain `frictionless validate`;
- <package name>.zip: datapackage.json and every CSV, in one file.

Formula policy. A cell that starts with =, +, -, @, a tab or a carriage return can
run as a formula when a spreadsheet opens the file. Validation refuses such text
(the "formula-like" check), so no CSV download ever holds one; XLSX cells are
written as text whatever they hold, so even a value that slipped through would
not become a live formula.

Byte-order mark. The CSV files have none: they are the validated source files,
their checksums are in datapackage.json, and every analysis tool reads them as
UTF-8. Excel users should take the XLSX file (or use Excel's Data > From
Text/CSV, which asks for the encoding).

Every file is reproducible: the same data gives the same bytes (fixed timestamps
inside XLSX and ZIP files).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import shutil
import zipfile
import datetime as dt
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


# Fixed timestamp for files inside XLSX and ZIP downloads (reproducible builds).
FIXED_TIME = dt.datetime(2000, 1, 1)


def write_xlsx(frame: pd.DataFrame, fields: list[dict], path: Path, sheet: str) -> None:
    """One worksheet with a bold, frozen header. Text is written as text (never a
    formula, number or link), numbers as numbers, dates as dates, yes/no as text."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                               "strings_to_urls": False, "constant_memory": True})
    workbook.set_properties({"created": FIXED_TIME})
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    kinds = [f.get("type", "string") for f in fields]
    for col, spec in enumerate(fields):
        worksheet.write_string(0, col, spec["name"], bold)
    worksheet.freeze_panes(1, 0)
    for r, row in enumerate(frame.itertuples(index=False, name=None), start=1):
        for col, (value, kind) in enumerate(zip(row, kinds)):
            value = _json_value(value)
            if value is None:
                continue
            if kind in ("number", "integer"):
                worksheet.write_number(r, col, value)
            elif kind == "date":
                worksheet.write_datetime(r, col, dt.datetime.fromisoformat(value), date)
            elif kind == "boolean":
                worksheet.write_string(r, col, "yes" if value else "no")
            else:
                worksheet.write_string(r, col, str(value))
    workbook.close()


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, compression="zstd")


def write_zip(files: list[Path], path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(files, key=lambda p: p.name):
            info = zipfile.ZipInfo(file.name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.read_bytes())


# The large datasets also come as one CSV per financial year, by this date column.
YEARLY = {"grants": "award_date", "contracts": "start_date"}


def write_yearly(res, dates: pd.Series, out_dir: Path) -> list[Download]:
    """<dataset>-<year>.csv for each financial year: the source rows, as they are in the
    source file, whose date falls in that April-March year."""
    from .model import financial_years

    years = financial_years(dates).tolist()
    with res.path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        by_year: dict[str, list] = {}
        for year, row in zip(years, reader):
            by_year.setdefault(year, []).append(row)
    downloads = []
    for year in sorted(by_year):
        path = out_dir / f"{res.name}-{year}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(by_year[year])
        downloads.append(Download(f"{res.name}:{year}", "CSV", path.name, path.stat().st_size))
    return downloads


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
        frame = tables[res.name]
        csv_path = out_dir / f"{res.name}.csv"
        shutil.copyfile(res.path, csv_path)
        write_xlsx(frame, res.fields, out_dir / f"{res.name}.xlsx", res.title)
        write_json(frame, out_dir / f"{res.name}.json")
        write_parquet(frame, out_dir / f"{res.name}.parquet")
        for label, suffix in (("CSV", "csv"), ("XLSX", "xlsx"), ("JSON", "json"), ("Parquet", "parquet")):
            path = out_dir / f"{res.name}.{suffix}"
            downloads.append(Download(res.name, label, path.name, path.stat().st_size))
        resources.append({"bytes": csv_path.stat().st_size, "hash": "sha256:" + sha256(csv_path)})
    for name, column in YEARLY.items():
        downloads += write_yearly(package.resource(name), tables[name][column], out_dir)
    dp_path = out_dir / "datapackage.json"
    write_descriptor(package, dp_path, resources)
    zip_path = out_dir / f"{package.descriptor.get('name', 'datapackage')}.zip"
    write_zip([dp_path] + [out_dir / f"{res.name}.csv" for res in package.resources], zip_path)
    downloads.append(Download("", "ZIP", zip_path.name, zip_path.stat().st_size))
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
    columns = ["severity", "dataset", "file", "row", "column", "code", "value", "example", "message"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for f in findings:
            record = f.as_dict() | {"file": Path(f.path).name}  # never a local folder
            writer.writerow(["" if record[c] is None else record[c] for c in columns])


def export_standards(tables: dict[str, pd.DataFrame], config, out_dir: Path, published: dt.date) -> list[Download]:
    """The datasets in the shapes other systems take: the grants as 360Giving JSON and
    CSV, an OCDS release package of the contracts, and the Local Government Transparency Code's contracts register and
    yearly lists of grants to VCS organisations."""
    from . import giving360, ocds, transparency

    downloads = []
    path = out_dir / "360giving-grants.json"
    giving360.write_360_json(tables, config, path)
    downloads.append(Download("360giving-json", "JSON", path.name, path.stat().st_size))
    path = out_dir / "360giving-grants.csv"
    giving360.write_360_csv(tables, config, path)
    downloads.append(Download("360giving-csv", "CSV", path.name, path.stat().st_size))
    path = out_dir / "ocds-contracts.json"
    ocds.write_release_package(tables, config, path, published.isoformat())
    downloads.append(Download("ocds", "JSON", path.name, path.stat().st_size))
    path = out_dir / "transparency-contracts-register.csv"
    transparency.write_csv(transparency.contracts_register(tables), path)
    downloads.append(Download("transparency-contracts", "CSV", path.name, path.stat().st_size))
    for year in transparency.financial_years(tables):
        path = out_dir / f"transparency-vcs-grants-{year}.csv"
        transparency.write_csv(transparency.vcs_grants(tables, year), path)
        downloads.append(Download(f"transparency-grants-{year}", "CSV", path.name, path.stat().st_size))
    return downloads


def write_releases(history, config, docs_dir: Path) -> None:
    """downloads/releases.json (each release's date, checksums and changes) and the
    Atom feed at the site's root."""
    from .releases import atom_feed

    path = docs_dir / DOWNLOADS / "releases.json"
    path.write_text(json.dumps([r.as_dict() for r in history], indent=2) + "\n", encoding="utf-8")
    (docs_dir / "feed.xml").write_text(atom_feed(history, config.site_title, config.site_url), encoding="utf-8")


def write_catalogue(site, path: Path) -> None:
    """A DCAT catalogue (JSON-LD) of every dataset and download."""
    from .catalogue import dcat_catalogue

    extra = [d for d in site.standards] + ([site.package_zip] if site.package_zip else [])
    path.write_text(json.dumps(dcat_catalogue(site.datasets, site.config, extra), indent=2, ensure_ascii=False)
                    + "\n", encoding="utf-8")
