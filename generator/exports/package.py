"""Downloads: every dataset as files people and programs can take, under the site's downloads/.

- <dataset>.csv: the validated source file, byte for byte (UTF-8, no BOM);
- <dataset>-<year>.csv (grants, contracts): the source rows of each financial year;
- <dataset>.xlsx: the same rows for Excel, every text cell stored as text (xlsx.py);
- <dataset>.json: the same rows as a JSON array of objects with typed values;
- <dataset>.parquet: the same rows, typed, for analysis tools;
- datapackage.json: a self-contained descriptor (schemas inline, sizes and
  SHA-256 checksums) that passes plain `frictionless validate`;
- <package name>.zip: datapackage.json and every CSV, in one file.

(standards.py writes the 360Giving, OCDS and Transparency Code files; columns.py holds the
Arrow kernels every writer shares.) Where the system can fork, the stage uses two processes
(PROCESSES): a child writes the XLSX and yearly files, then the OCDS package, while this
process writes the rest; each file is written by one process, so the bytes are the same
either way.

Formula policy. A cell that starts with =, +, -, @, a tab or a carriage return can
run as a formula when a spreadsheet opens the file. Validation refuses such text
(the "formula-like" check, data/checks.py), so no CSV download ever holds one; XLSX cells
are written as text whatever they hold, so even a value that slipped through would
not become a live formula.

Byte-order mark. The CSV files have none: they are the validated source files,
their checksums are in datapackage.json, and every analysis tool reads them as
UTF-8. Excel users should take the XLSX file (or use Excel's Data > From
Text/CSV, which asks for the encoding).

Every file is reproducible: the same data gives the same bytes (fixed timestamps
inside XLSX and ZIP files, no random ids).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sys
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..background import die_with_parent
from ..data.package import DataPackage
from ..model.dates import financial_years
from .kept import Kept
from .columns import CHUNK_ROWS, arrow_table, field_kinds, joined, json_cells, write_csv_columns
from .xlsx import FIXED_TIME, deflating, write_xlsx

DOWNLOADS = "downloads"
WARNINGS_CSV = "data-quality-warnings.csv"


@dataclass(frozen=True)
class Download:
    dataset: str
    label: str  # e.g. CSV
    filename: str  # relative to the downloads folder
    bytes: int


def write_json(frame: pd.DataFrame, path: Path, kinds: list[str] | None = None,
               table: pa.Table | None = None) -> None:
    """The rows as a JSON array, one object per line (keys in column order, ", " and ": "
    separators, UTF-8), typed: numbers (whole ones without ".0"), YYYY-MM-DD dates, true/false,
    null for an empty cell. `kinds` (from the schema) defaults to the frame's dtypes."""
    columns = list(frame.columns)
    table = arrow_table(frame) if table is None else table
    if kinds is None:
        kinds = [_dtype_kind(frame[c]) for c in columns]
    pieces = [("{" if i == 0 else ", ") + json.dumps(c, ensure_ascii=False) + ": " for i, c in enumerate(columns)]
    with path.open("wb") as out:
        out.write(b"[\n")
        first = True
        for start in range(0, table.num_rows, CHUNK_ROWS):
            chunk = table.slice(start, CHUNK_ROWS)
            args = []
            for piece, kind, column in zip(pieces, kinds, chunk.columns):
                args += [piece, json_cells(column.combine_chunks(), kind)]
            rows = pc.binary_join_element_wise(",", *args, "}" if columns else "{}", "\n", "")
            data = joined(rows)
            out.write(data[1:] if first else data)
            first = False
        out.write(b"]\n")


def _dtype_kind(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series.dtype):
        return "boolean"
    if pd.api.types.is_numeric_dtype(series.dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return "date"
    return "string"


# --- CSV ---------------------------------------------------------------------


def write_parquet(frame: pd.DataFrame, path: Path, table: pa.Table | None = None) -> None:
    import pyarrow.parquet as pq

    pq.write_table(arrow_table(frame) if table is None else table, path, compression="zstd")


ZIP_LEVEL = 6  # deflate level for the package ZIP (zlib's default), by zlib-ng (xlsx.deflating)


def write_zip(files: list[Path], path: Path, level: int = ZIP_LEVEL) -> None:
    """The files in one ZIP, each streamed in (never read whole into memory)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(files, key=lambda p: p.name):
            info = zipfile.ZipInfo(file.name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED  # at `level`, by deflating
            info.external_attr = 0o644 << 16
            info.file_size = file.stat().st_size  # as writestr sets it: the same header bytes
            with file.open("rb") as source, deflating(archive, info, level) as target:
                shutil.copyfileobj(source, target, 1 << 20)


# The large datasets also come as one CSV per financial year, by this date column.
YEARLY = {"grants": "award_date", "contracts": "start_date"}


def read_source_text(path: Path) -> pa.Table:
    """A validated CSV file with every cell as the text csv.reader gives (empty cells as "")."""
    import pyarrow.csv as pacsv

    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types={name: pa.string() for name in header},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )


def _year_ranks(dates: pd.Series) -> tuple[list[str], np.ndarray]:
    """The financial years the dates fall in (sorted, as model.financial_years names them) and,
    for each date, its year's place in that list."""
    codes, dates_seen = pd.factorize(dates.reset_index(drop=True))  # missing dates: code -1
    labels = financial_years(pd.Series(dates_seen, dtype=dates.dtype)).tolist()
    if (codes < 0).any():
        labels.append(financial_years(pd.Series([pd.NaT], dtype=dates.dtype)).iloc[0])
        codes = np.where(codes < 0, len(labels) - 1, codes)
    years = sorted(set(labels[c] for c in np.unique(codes)))
    rank = np.array([years.index(label) for label in labels], dtype=np.int64)[codes]
    return years, rank


def yearly_names(dates: pd.Series) -> list[str]:
    """The years write_yearly writes a file for."""
    return _year_ranks(dates)[0]


def write_yearly(res, dates: pd.Series, out_dir: Path) -> list[Download]:
    """<dataset>-<year>.csv for each financial year: the source rows, as csv.writer writes the
    cells the source file holds (LF line ends), in the source's order, whose date falls in that
    April-March year."""
    table = read_source_text(res.path)
    if table.num_rows != len(dates):
        raise ValueError(f"{res.path.name}: {table.num_rows} rows read, {len(dates)} expected")
    years, rank = _year_ranks(dates)
    order = np.argsort(rank, kind="stable")
    grouped = table.take(pa.array(order))
    bounds = np.searchsorted(rank[order], np.arange(len(years) + 1))
    downloads = []
    for i, year in enumerate(years):
        path = out_dir / f"{res.name}-{year}.csv"
        part = grouped.slice(int(bounds[i]), int(bounds[i + 1] - bounds[i]))
        with path.open("wb") as out:
            write_csv_columns(out, table.column_names, [c.combine_chunks() for c in part.columns], "\n")
        downloads.append(Download(f"{res.name}:{year}", "CSV", path.name, path.stat().st_size))
    return downloads


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# The export stage runs in two processes where it can: a forked child writes some files (the
# XLSX and yearly CSV files; the OCDS package) while this process writes the others. Each file
# is written by one process only, so the bytes do not depend on it. 1: everything here.
PROCESSES = 2


def in_parallel(job):
    """Start job() in a forked child process (PROCESSES > 1, on systems with fork) and return a
    function that waits for it and raises RuntimeError, with the child's traceback, if it failed.
    Otherwise job() runs now and the function returned does nothing."""
    if PROCESSES < 2 or not hasattr(os, "fork"):
        job()
        return lambda: None
    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: run the job, report, and leave without running the parent's clean-ups
        code = 1
        try:
            die_with_parent(parent)
            os.close(read)
            message = b""
            try:
                job()
                code = 0
            except BaseException:  # noqa: BLE001 - every failure goes back to the parent
                message = traceback.format_exc().encode("utf-8", "replace")
            with os.fdopen(write, "wb") as pipe:
                pipe.write(message)
        finally:
            os._exit(code)
    os.close(write)

    def wait() -> None:
        with os.fdopen(read, "rb") as pipe:
            message = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0:
            raise RuntimeError("an export job failed in its worker process:\n"
                               + (message.decode("utf-8", "replace") or f"exit status {status}"))
    return wait


def export(package: DataPackage, tables: dict[str, pd.DataFrame], out_dir: Path,
           on_progress: Callable[[int, int], None] | None = None, kept: Kept | None = None) -> list[Download]:
    """Every dataset as CSV (the source file), XLSX, JSON and Parquet, the yearly CSV files of
    the large datasets, datapackage.json and the package ZIP. Returns the downloads in that
    order, dataset by dataset. `on_progress(done, total)` is called as each dataset's CSV, JSON
    and Parquet files are written, then once the spreadsheets and yearly files are too.
    `kept` (exports/kept.py): a dataset whose key is the same as in the published site has
    its files linked from there, not written; each dataset's key and files are recorded in it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    hashes = {res.name: sha256(res.path) for res in package.resources}  # the CSV download's bytes
    keys = {res.name: kept.key(res.name, hashes[res.name]) if kept is not None else None for res in package.resources}
    linked = {}
    for res in package.resources:
        files = kept.link(res.name, keys[res.name], out_dir) if kept is not None else None
        if files is not None:
            linked[res.name] = files

    def spreadsheets() -> None:  # in the child process, when there is one
        for res in package.resources:
            if res.name not in linked:
                write_xlsx(tables[res.name], res.fields, out_dir / f"{res.name}.xlsx", res.title)
        for name, column in YEARLY.items():
            if name not in linked:
                write_yearly(package.resource(name), tables[name][column], out_dir)

    wait = in_parallel(spreadsheets)
    try:
        resources = []
        for res in package.resources:
            frame = tables[res.name]
            csv_path = out_dir / f"{res.name}.csv"
            if res.name not in linked:
                shutil.copyfile(res.path, csv_path)
                table = arrow_table(frame)
                write_json(frame, out_dir / f"{res.name}.json", field_kinds(res.fields), table=table)
                write_parquet(frame, out_dir / f"{res.name}.parquet", table=table)
                del table
            resources.append({"bytes": csv_path.stat().st_size, "hash": "sha256:" + hashes[res.name]})
            if on_progress is not None:  # the last step: the spreadsheets written meanwhile (in_parallel)
                on_progress(len(resources), len(package.resources) + 1)
        dp_path = out_dir / "datapackage.json"
        write_descriptor(package, dp_path, resources)
        zip_path = out_dir / f"{package.descriptor.get('name', 'datapackage')}.zip"
        write_zip([dp_path] + [out_dir / f"{res.name}.csv" for res in package.resources], zip_path)
    finally:
        wait()
    if on_progress is not None:
        on_progress(len(package.resources) + 1, len(package.resources) + 1)
    downloads: list[Download] = []
    for res in package.resources:
        for label, suffix in (("CSV", "csv"), ("XLSX", "xlsx"), ("JSON", "json"), ("Parquet", "parquet")):
            path = out_dir / f"{res.name}.{suffix}"
            downloads.append(Download(res.name, label, path.name, path.stat().st_size))
    for name, column in YEARLY.items():
        for year in yearly_names(tables[name][column]):
            path = out_dir / f"{name}-{year}.csv"
            downloads.append(Download(f"{name}:{year}", "CSV", path.name, path.stat().st_size))
    if kept is not None:  # each dataset's own files: its downloads, and those of its years ("name:year")
        for res in package.resources:
            kept.record(res.name, keys[res.name],
                        [d.filename for d in downloads if d.dataset.partition(":")[0] == res.name])
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


