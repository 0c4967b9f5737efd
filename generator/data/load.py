"""Loading: the validated CSV files as typed pandas DataFrames.

Runs on files that passed their schemas, so every value already has its type:
numbers become floats, dates datetime64, yes/no booleans, empty cells missing.
Numbers that parse but are not finite (NaN, INF, 1e400) are reported here.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import threading
import warnings
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .. import git
from ..config import source_date_epoch
from ..findings import Finding, show
from .package import DataPackage, Resource


def read_cells(path, names: list[str]) -> pd.DataFrame:
    """The file's cells as text, empty cells missing (None): what pandas' reader gives with
    `dtype=str` and only "" missing (there NaN), read by pyarrow's CSV reader, which is about
    twice as fast (at 1M grants, grants.csv 4.2 -> 2.1 s with the cells' Python strings made)
    and leaves the GIL to validation meanwhile (Preload). Arrow makes a repeated text one
    string object (`to_pandas` deduplicates), so the tables take less memory too: at 1M grants
    the process holds 857 MB after validation, against 993 MB with pandas' reader. pandas reads
    the file instead where the two may differ: a header other than the fields' names (pandas
    keeps the file's, and guesses no types), a row pyarrow cannot read (more or fewer cells
    than the header, a value longer than a block), and a NUL character, at which pandas'
    reader ends a cell and pyarrow does not. A differential fuzz of the two readers over
    quotes, CR, LF, CRLF, NUL, a byte order mark and Unicode separators, on files whose rows
    all have the header's number of cells (the only files validation passes), found no other
    difference (tests/data/test_load.py)."""
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(column_types={name: pa.string() for name in names},
                                                 null_values=[""], strings_can_be_null=True,
                                                 quoted_strings_can_be_null=True))
    except (pa.ArrowException, ValueError, OSError):
        table = None
    if (table is None or table.column_names != names
            or any(pc.any(pc.match_substring(column, "\x00")).as_py() for column in table.columns)):
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8", index_col=False)
    columns = {}
    for name in names:  # each column's text freed once its strings are made
        columns[name] = table.column(0).to_pandas().to_numpy()
        table = table.remove_column(0)
    return pd.DataFrame(columns)


def load_table(res: Resource) -> tuple[pd.DataFrame, list[Finding]]:
    frame = read_cells(res.path, [spec["name"] for spec in res.fields])
    found = []
    for spec in res.fields:
        name, ftype = spec["name"], spec.get("type", "string")
        column = frame[name]
        if ftype in ("number", "integer"):
            numbers = pd.to_numeric(column, errors="coerce").astype("float64")
            bad = column.notna() & ~np.isfinite(numbers)
            for i in bad[bad].index:
                found.append(Finding(res.shown, int(i) + 2, name, "not-finite",
                                     f"{show(column[i])} is not a usable number "
                                     f"(expected a plain number such as {spec.get('example', '1200.50')})",
                                     dataset=res.name, value=column[i], example=spec.get("example")))
            frame[name] = numbers
        elif ftype == "date":
            frame[name] = pd.to_datetime(column, format="%Y-%m-%d")
        elif ftype == "boolean":
            true_values = set(spec.get("trueValues", ["true"]))
            frame[name] = column.map(lambda v: None if pd.isna(v) else v in true_values).astype("boolean")
        else:
            frame[name] = column.astype("string")
    return frame, found


def load(resources: list[Resource]) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    tables, found = {}, []
    for res in resources:
        tables[res.name], problems = load_table(res)
        found += problems
    return tables, found


class Preload:
    """Every file loaded (load_table) in a thread, started now, while this one validates them
    (stage.py): pyarrow reads a CSV file outside the GIL (read_cells), and so do pyarrow and
    numpy validating, so the two share the cores (at 1M grants 10.2 s together, validation
    alone 6.8 s; with pandas' reader 14.4 s together). `load(passed)` gives what
    `load(passed)` would: the thread's tables of the files that passed their schemas, those of
    the others dropped, and any file whose loading raised in the thread loaded again here
    (raising here, as it would have)."""

    def __init__(self, resources: list[Resource]):
        # A row with more cells than the header: pandas warns of it when it reads the file, on
        # stderr. Validation reports such rows, and a file with one never passes to be loaded, so
        # the warning says nothing more. The filter is set here, before the thread starts: set
        # around each read, from the thread, it would change the filters under this one.
        warnings.filterwarnings("ignore", message="Length of header or names does not match length of data",
                                category=pd.errors.ParserWarning)
        self._done: dict[str, tuple] = {}
        self._thread = threading.Thread(target=self._run, args=(resources,), name="preload", daemon=True)
        self._thread.start()

    def _run(self, resources: list[Resource]) -> None:
        for res in resources:
            try:
                self._done[res.name] = load_table(res)
            except Exception:  # noqa: BLE001 - a file that fails validation may not load; see load()
                pass

    def load(self, passed: list[Resource]) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
        self._thread.join()
        tables, found = {}, []
        for res in passed:
            tables[res.name], problems = self._done.pop(res.name, None) or load_table(res)
            found += problems
        self._done.clear()
        return tables, found


def load_text(resources: list[Resource]) -> dict[str, pd.DataFrame]:
    """Files that failed their schema, every cell as text, for the checks that only read
    text. A file too broken to read this way is left out."""
    tables = {}
    for res in resources:
        try:
            with warnings.catch_warnings():  # ragged rows are reported by validation already
                warnings.simplefilter("ignore")
                tables[res.name] = pd.read_csv(res.path, dtype=str, keep_default_na=False, na_values=[""],
                                               encoding="utf-8", on_bad_lines="skip", index_col=False)
        except (ValueError, pd.errors.ParserError, UnicodeDecodeError):
            continue
        for spec in res.fields:  # a missing column reads as empty
            if spec["name"] not in tables[res.name]:
                tables[res.name][spec["name"]] = pd.Series(dtype="string")
    return tables


class SourceText:
    """The validated files as their source text, so a download of some rows gives each value
    exactly as the full file has it. A file is read when its rows are asked for, a row at a
    time, and not kept: the pages need each one once, to make one CSV line per row
    (site/listing.py), and held as tables they took a third of the build's memory while the
    entity pages were written (285 MB of 847 MB at 100k grants)."""

    def __init__(self, resources: list[Resource]):
        self._paths = {res.name: res.path for res in resources}

    def __contains__(self, name: str) -> bool:
        return name in self._paths

    BLOCK_BYTES = 1 << 23  # read by `blocks` at a time (8 MB)

    def rows(self, name: str, start: int = 0) -> Iterator[list[str]]:
        """The file's rows, its header first, each a list of its cells' text. As pandas reads
        it: a byte order mark is dropped and blank lines are skipped. `start`: a byte offset
        where a row begins (from `blocks`), to read the rest of the file from there."""
        with open(self._paths[name], "rb") as binary:
            binary.seek(start)
            with io.TextIOWrapper(binary, encoding="utf-8-sig" if start == 0 else "utf-8", newline="") as handle:
                for row in csv.reader(handle):
                    if row:
                        yield row

    def blocks(self, name: str) -> Iterator[tuple[int, bytes]]:
        """The file's bytes (UTF-8: it was validated), a block of whole lines at a time (about
        BLOCK_BYTES; a byte order mark dropped), each with the byte offset in the file where it
        begins. A block ends at a line feed, or at the end of the file; the line feeds are kept."""
        with open(self._paths[name], "rb") as handle:
            offset, rest = 0, b""
            while chunk := handle.read(self.BLOCK_BYTES):
                data = rest + chunk
                end = data.rfind(b"\n") + 1
                if end:
                    yield from self._block(offset, data[:end])
                    offset, rest = offset + end, data[end:]
                else:
                    rest = data
            if rest:
                yield from self._block(offset, rest)

    @staticmethod
    def _block(offset: int, data: bytes) -> Iterator[tuple[int, bytes]]:
        bom = 3 if offset == 0 and data.startswith(codecs.BOM_UTF8) else 0
        yield offset + bom, data[bom:] if bom else data


def last_updated(package: DataPackage) -> dict:
    """The date each data file last changed: its last git commit when it is committed
    unchanged (the same for every clone), otherwise SOURCE_DATE_EPOCH or its
    modification time."""
    changed = {line[3:].strip() for line in git.output(["status", "--porcelain", "--", "."], package.data_dir).splitlines()}
    epoch = source_date_epoch()
    dates = {}
    for res in package.resources:
        day = None
        committed = git.output(["log", "-1", "--format=%cs", "--", res.path.name], res.path.parent)
        if committed and not any(c.endswith(res.path.name) for c in changed):
            day = dt.date.fromisoformat(committed)
        if day is None:
            stamp = epoch if epoch is not None else res.path.stat().st_mtime
            day = dt.datetime.fromtimestamp(stamp, dt.timezone.utc).date()
        dates[res.name] = day
    return dates
