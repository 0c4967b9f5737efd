"""Vectorised Table Schema validation with exactly frictionless's findings.

Frictionless reads a CSV row by row in Python (about 35k rows a second here). This module
checks the same rules column by column with pyarrow and numpy, and hands
`frictionless.translate_task` (frictionless.py) look-alikes of the errors frictionless would have reported, in
the order it would have reported them, so the findings are identical (tests/data/test_parity.py
compares both paths on the bad-input corpus and on seeded random mutations).

How frictionless 5 behaves, established by reading its code and by experiment (the parity
tests pin it):

- Parsing: Python's csv module, dialect `excel` with `,`; only `skipinitialspace` is
  guessed, by `csv.Sniffer` on the first 100 lines. Row numbers count records (a quoted
  value spanning lines is one row; the header is row 1); empty lines are rows (`[]`).
- A cell is read as: missing when it is one of the field's (else the schema's)
  `missingValues` (default `[""]`, matched exactly: " " is a value), or when the row has
  no such cell; otherwise the type's reader: string as is; number `Decimal(cell.strip())`
  (so " 12", "+1", "1e3", "1_000", "NaN", "-Infinity", "١٢" are numbers; "1,000" and
  "£5" are not); integer `int(cell.strip())`; date `strptime(cell, "%Y-%m-%d")` (so
  "2024-2-3" is a date, "2024-02-30" and " 2024-02-03" are not); boolean exactly one of
  trueValues/falseValues (case-sensitive, not stripped).
- A type error stops that cell's constraint checks. Constraints are checked in the type's
  order (string: required, minLength, maxLength, pattern, enum; number, integer, date:
  required, minimum, maximum, exclusiveMinimum, exclusiveMaximum, enum), each failure its
  own error. Patterns are `re.match("^{pattern}$")` (so a trailing "\\n" passes `$`). NaN
  fails minimum and maximum.
- A row whose every field is missing is a blank row: that replaces all of the row's other
  errors (extra cells included).
- unique, primaryKey and foreignKeys compare typed values ("1.0" equals "1" in a number
  column); missing values are never duplicates; a primary key whose cells are all missing
  is an error on every such row; a foreign key whose cells are all missing is not checked;
  the referenced values are every row's typed values (rows with errors included).
- Within a row: cell errors, extra cells, missing cells (or the blank row), then unique,
  primary key and foreign key errors.

Reading: pyarrow's CSV reader (all columns as strings) when its result is certainly the
same as Python's csv module: the sniffed dialect does not skip initial spaces, every row
has the header's number of cells, and every field treats "" as missing (pyarrow reads an
empty line as a row of empty cells where Python's csv reads no cells; with "" missing
both are the same blank row). A differential fuzz of both parsers over quotes, CR, LF,
CRLF, NUL and Unicode separators found no other difference. Otherwise the file is read
with Python's csv module in the sniffed dialect, exactly as frictionless reads it.

Checking: each column's distinct values are checked once (a dictionary encoding), with
vectorised fast paths for plain values (ASCII decimal numbers and YYYY-MM-DD dates,
bounds compared in float64 and re-checked exactly with Decimal on a tie); every other
distinct value goes through frictionless's own cell reader, so odd values get frictionless's
exact answer.

Fallbacks (the whole package is checked by frictionless instead, so the findings stay the
same): the package or a schema fails frictionless's metadata validation or cannot be
loaded; a cell reader raises (a signalling "sNaN" compared with a bound, a bound that is
not a number); a key column of a non-string type holds a value frictionless cannot hash;
Python's csv module raises while reading; frictionless would guess a later row as the header
(it takes the first of the first 100 records whose number of cells is within 10% of their
average: a file whose first rows are mostly ragged); a resource has 10 million errors or more
(frictionless stops there). Each is rare; `LAST_FALLBACK` says why it happened. An
unexpected exception here also falls back (as "internal error: ..."); the tests fail on it.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .frictionless import LIMIT_ERRORS, descriptor_for, run_frictionless, translate_task

SAMPLE_LINES = 100  # frictionless sniffs the CSV dialect on the first 100 lines
SAMPLE_ROWS = 100  # and guesses the header row from the first 100 records
FIELD_SIZE_LIMIT = 2147483646  # frictionless's csv.field_size_limit
CHUNK_ROWS = 65536  # rows per chunk when Python's csv module reads a file
ARROW_BLOCK = 1 << 24  # pyarrow's read block; a longer row is read by Python's csv module

LAST_FALLBACK: str | None = None  # why the last call fell back to frictionless, if it did


class Fallback(Exception):
    """A case this module does not replicate: frictionless checks the package instead."""


@dataclass(eq=False, slots=True)
class RawError:
    """The attributes of a frictionless error that frictionless.translate_task reads."""

    type: str
    row_number: int | None = None
    field_name: str = ""
    cell: str | None = None
    note: str = ""
    cells: list | None = None
    field_names: list | None = None
    field_cells: list | None = None
    reference_name: str | None = None
    reference_field_names: list | None = None


# --- reading -------------------------------------------------------------------


@dataclass
class Table:
    columns: list[pa.Array]  # one string array per field; null = the row has no such cell
    n: int  # data rows (row i is spreadsheet row i + 2)
    ragged: dict[int, list[str]]  # rows with more or fewer cells than fields: all their cells

    def cells(self, i: int) -> list[str]:
        if i in self.ragged:
            return self.ragged[i]
        return [col[i].as_py() for col in self.columns]


def _dialect(skipinitialspace: bool) -> csv.Dialect:
    dialect = csv.excel()
    dialect.skipinitialspace = skipinitialspace
    return dialect


def sniff(path: Path) -> bool:
    """frictionless's guesses from the start of a file: whether csv.Sniffer says spaces
    after commas are skipped (returned), and which row is the header (Fallback unless the
    first: frictionless takes the first of the first 100 records whose number of cells is
    within 10% of their average, and skips the records above it)."""
    with open(path, encoding="utf-8", newline="") as handle:
        sample = list(itertools.islice(handle, SAMPLE_LINES))
    try:
        skipinitialspace = bool(csv.Sniffer().sniff("".join(sample), ",").skipinitialspace)
    except csv.Error:
        skipinitialspace = False
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            widths = [len(cells) for cells in itertools.islice(csv.reader(handle, _dialect(skipinitialspace)), SAMPLE_ROWS)]
    except csv.Error as exc:
        raise Fallback(f"{path.name}: Python's csv module cannot read it ({exc})") from None
    if widths:
        width = round(sum(widths) / len(widths))
        drift = max(round(width * 0.1), 1)
        match = range(width - drift, width + drift + 1)
        header = next((number for number, cells in enumerate(widths, start=1) if cells in match), 1)
        if header != 1:
            raise Fallback(f"{path.name}: frictionless would take row {header} as the header")
    return skipinitialspace


def _single_array(column: pa.ChunkedArray) -> pa.Array:
    if column.nbytes >= 2**31 - 2**20:
        column = column.cast(pa.large_string())
    return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)


def read_arrow(path: Path, names: list[str]) -> Table | None:
    """pyarrow's reading, or None when it may differ from Python's csv module. Rows with
    more or fewer cells than the header are read again by Python's csv module, alone."""
    bad: list[tuple[int | None, str]] = []

    def invalid(row) -> str:
        bad.append((row.number, row.text))  # its record number (header = 1), its text
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=False, block_size=ARROW_BLOCK),  # threads lose row numbers
            parse_options=pacsv.ParseOptions(delimiter=",", quote_char='"', double_quote=True, escape_char=False,
                                             newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=invalid),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowException, ValueError, OSError):
        return None  # a row longer than a block...
    if table.column_names != names or any(number is None for number, _ in bad):
        return None
    n = table.num_rows
    columns = [table.column(i) for i in range(len(names))]
    del table  # each column's chunks are freed once it is one array: never two copies of the file
    for i, column in enumerate(columns):
        columns[i] = _single_array(column)
        del column
    if not bad:
        return Table(columns, n, {})
    # put the ragged rows back in their places
    width = len(names)
    ragged: dict[int, list[str]] = {}
    extra: list[list] = [[] for _ in names]
    for number, text in sorted(bad):
        records = list(csv.reader(io.StringIO(text, newline="")))
        # pyarrow's text lacks the line end: a record still inside quotes would differ
        if len(records) != 1 or number < 2 or list(csv.reader(io.StringIO(text + "\n", newline=""))) != records:
            return None
        ragged[number - 2] = records[0]
        for j, cell in enumerate((records[0] + [None] * width)[:width]):
            extra[j].append(cell)
    total = n + len(bad)
    positions = np.fromiter(ragged, dtype=np.int64, count=len(ragged))
    if positions.max() >= total:
        return None
    order = np.empty(total, dtype=np.int64)
    is_ragged = np.zeros(total, dtype=bool)
    is_ragged[positions] = True
    order[~is_ragged] = np.arange(n)
    order[positions] = n + np.arange(len(positions))
    for j in range(width):
        joined = pa.concat_arrays([columns[j], pa.array(extra[j], type=columns[j].type)])
        columns[j] = joined.take(pa.array(order))
    return Table(columns, total, ragged)


def read_python(path: Path, names: list[str], skipinitialspace: bool) -> Table:
    """Python's csv module in frictionless's dialect, a chunk of rows at a time."""
    dialect = _dialect(skipinitialspace)
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    width = len(names)
    chunks: list[list[pa.Array]] = [[] for _ in names]
    ragged: dict[int, list[str]] = {}
    n = 0
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, dialect)
            next(reader, None)  # the header, checked by files.check_file
            while True:
                rows = list(itertools.islice(reader, CHUNK_ROWS))
                if not rows:
                    break
                for k, row in enumerate(rows):
                    if len(row) != width:
                        ragged[n + k] = row
                        rows[k] = (row + [None] * width)[:width]
                columns = list(zip(*rows))
                for j in range(width):
                    chunks[j].append(pa.array(columns[j], type=pa.string()))
                n += len(rows)
    except csv.Error as exc:
        raise Fallback(f"{path.name}: Python's csv module cannot read it ({exc})") from None
    arrays = [_single_array(pa.chunked_array(c, type=pa.string())) for c in chunks]
    return Table(arrays, n, ragged)


# --- one column ------------------------------------------------------------------

NUMBER_PLAIN = r"^-?[0-9]+(\.[0-9]+)?$"
INTEGER_PLAIN = r"^-?[0-9]{1,18}$"
DATE_PLAIN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
BOUNDS = {"minimum": np.greater_equal, "maximum": np.less_equal,
          "exclusiveMinimum": np.greater, "exclusiveMaximum": np.less}
BOUND_TESTS = {"minimum": lambda v, b: v >= b, "maximum": lambda v, b: v <= b,
               "exclusiveMinimum": lambda v, b: v > b, "exclusiveMaximum": lambda v, b: v < b}


def missing_values(field) -> list[str]:
    """The field's missingValues, else its schema's (as frictionless's cell reader)."""
    missing = field.missing_values
    if not field.has_defined("missing_values") and field.schema:
        missing = field.schema.missing_values
    return [v for v in missing if isinstance(v, str)]  # str(cell) never equals anything else


def _np(mask) -> np.ndarray:
    """A pyarrow boolean array (nulls false) as numpy."""
    if isinstance(mask, np.ndarray):
        return mask
    return mask.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)


def _lengths(values: pa.Array) -> np.ndarray:
    """Characters per value (0 for null), as Python's len()."""
    return pc.utf8_length(values).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)


class Column:
    """One field of one table: which rows are missing, which have a type or constraint
    error (as bits: 1 = type error, 2 << k = the k-th checked constraint), and typed keys."""

    def __init__(self, field, array: pa.Array):
        self.field = field
        self.name = field.name
        self.type = field.type
        self.array = array
        self.constraints = dict(field.constraints)
        self.missing_values = missing_values(field)
        self.required = bool(self.constraints.get("required"))
        self.checks = [c for c in field.supported_constraints
                       if c != "required" and self.constraints.get(c) is not None]
        try:
            self.reader = field.create_cell_reader()
            self.value_reader = field.create_value_reader()
        except Exception as exc:  # a pattern that does not compile...
            raise Fallback(f"field {self.name}: {exc!r}") from None
        self._encoded = None
        self._typed = None
        self.absent = _np(array.is_null()) if array.null_count else None
        self.missing, self.bits = self._check()

    # distinct values

    def encoded(self) -> tuple[np.ndarray, pa.Array]:
        """Each row's index into the column's distinct values (-1: no cell)."""
        if self._encoded is None:
            encoded = self.array.dictionary_encode()
            codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
            self._encoded = (codes, encoded.dictionary)
        return self._encoded

    def _check(self) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.array)
        if self.type == "string" and self.field.format == "default" and "pattern" not in self.checks:
            return self._check_rows(n)
        codes, uniques = self.encoded()
        umissing = _np(pc.is_in(uniques, value_set=pa.array(self.missing_values, type=pa.string())))
        ubits = np.zeros(len(uniques), dtype=np.uint32)
        present = ~umissing
        if present.any():
            index = np.flatnonzero(present)
            ubits[index] = self._unique_bits(uniques.take(pa.array(index)))
        self.umissing = umissing
        self.ubits = ubits
        has_cell = codes >= 0
        safe = np.where(has_cell, codes, 0)
        missing = ~has_cell | umissing[safe]
        bits = np.where(has_cell, ubits[safe], 0).astype(np.uint32)
        return missing, bits

    def _check_rows(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Strings without a pattern: every check is vectorised over the rows."""
        array = self.array
        missing = _np(pc.is_in(array, value_set=pa.array(self.missing_values, type=pa.string())))
        if self.absent is not None:
            missing |= self.absent
        bits = np.zeros(n, dtype=np.uint32)
        if self.checks:
            bits = self._string_bits(array)
            bits[missing] = 0
        return missing, bits

    def _string_bits(self, values: pa.Array) -> np.ndarray:
        bits = np.zeros(len(values), dtype=np.uint32)
        lengths = None
        for k, name in enumerate(self.checks):
            bound = self.constraints[name]
            if name in ("minLength", "maxLength"):
                if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                    raise Fallback(f"field {self.name}: {name} is not a number")
                if lengths is None:
                    lengths = _lengths(values)
                fail = lengths < bound if name == "minLength" else lengths > bound
            elif name == "pattern":
                match = re.compile("^{0}$".format(bound)).match
                fail = np.fromiter((match(v) is None for v in values.to_pylist()), dtype=bool, count=len(values))
            elif name == "enum":
                allowed = [v for v in map(self.value_reader, bound) if isinstance(v, str)]
                fail = ~_np(pc.is_in(values, value_set=pa.array(allowed, type=pa.string())))
            else:
                raise Fallback(f"field {self.name}: constraint {name}")
            bits[fail] |= 2 << k
        return bits

    def _unique_bits(self, values: pa.Array) -> np.ndarray:
        """The bits of distinct present values: fast paths, then frictionless's reader."""
        count = len(values)
        residue = np.ones(count, dtype=bool)
        bits = np.zeros(count, dtype=np.uint32)
        kind, fmt = self.type, self.field.format
        if kind == "string" and fmt == "default":
            bits = self._string_bits(values)
            residue[:] = False
        elif kind == "boolean" and "enum" not in self.checks:
            known = [v for v in list(self.field.true_values) + list(self.field.false_values) if isinstance(v, str)]
            ok = _np(pc.is_in(values, value_set=pa.array(known, type=pa.string())))
            bits[~ok] = 1
            residue[:] = False
        elif kind == "date" and fmt == "default" and not self.checks:
            plain = _np(pc.match_substring_regex(values, DATE_PLAIN))
            if plain.any():
                idx = np.flatnonzero(plain)
                sub = values.take(pa.array(idx))
                part = lambda a, b: pc.cast(pc.utf8_slice_codeunits(sub, a, b), pa.int64()).to_numpy()
                y, m, d = part(0, 4), part(5, 7), part(8, 10)
                leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
                days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(m, 0, 12)] + ((m == 2) & leap)
                valid = (y >= 1) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= days)
                bits[idx[~valid]] = 1
                residue[idx] = False
        elif kind in ("number", "integer") and fmt == "default" and "enum" not in self.checks:
            self._numbers(values, bits, residue)
        if residue.any():
            self._read_residue(values, np.flatnonzero(residue), bits)
        return bits

    def _numbers(self, values: pa.Array, bits: np.ndarray, residue: np.ndarray) -> None:
        field = self.field
        if self.type == "number":
            if field.float_number or {"group_char", "decimal_char", "bare_number"} & set(field.list_defined()):
                return
            pattern, target = NUMBER_PLAIN, pa.float64()
        else:
            if "bare_number" in field.list_defined() and not field.bare_number:
                return
            pattern, target = INTEGER_PLAIN, pa.int64()
        bounds = {}
        for name in self.checks:
            bound = self.value_reader(self.constraints[name])
            if isinstance(bound, bool) or not isinstance(bound, (int, Decimal)) or bound != bound:
                return  # frictionless's own reader decides (or raises)
            if self.type == "integer" and not -(2**63) < bound < 2**63 - 1:
                return
            bounds[name] = bound
        plain = _np(pc.match_substring_regex(values, pattern)) & (_lengths(values) <= 200)
        if not plain.any():
            return
        idx = np.flatnonzero(plain)
        sub = values.take(pa.array(idx))
        numbers = pc.cast(sub, target).to_numpy()
        strings = None
        for k, (name, bound) in enumerate((n, bounds[n]) for n in self.checks):
            if self.type == "number":
                edge = float(bound)
                ok = BOUNDS[name](numbers, edge)
                tie = np.flatnonzero(numbers == edge)
                if len(tie):  # rounding may hide the difference: compare exactly
                    strings = strings if strings is not None else sub.to_pylist()
                    test = BOUND_TESTS[name]
                    ok[tie] = [test(Decimal(strings[i]), bound) for i in tie]
            else:
                ok = BOUNDS[name](numbers, bound)
            bits[idx[~ok]] |= 2 << k
        residue[idx] = False

    def _read_residue(self, values: pa.Array, index: np.ndarray, bits: np.ndarray) -> None:
        reader, checks = self.reader, self.checks
        strings = values.take(pa.array(index)).to_pylist()
        for i, value in zip(index, strings):
            try:
                _, notes = reader(value)
            except Exception as exc:
                raise Fallback(f"field {self.name}: frictionless's reader raises on {value!r} ({exc!r})") from None
            if not notes:
                continue
            if "type" in notes:
                bits[i] = 1
            else:
                for name in notes:
                    if name != "required":
                        bits[i] |= 2 << checks.index(name)

    # typed values, for unique, primary and foreign keys

    def typed(self) -> tuple[np.ndarray, object, np.ndarray]:
        """Each row's key id (-1: missing or not of the type) and, per id, the typed
        value. Equal typed values share an id; a value not equal to itself (NaN)
        gets an id per row, as frictionless's dictionaries never match it."""
        if self._typed is not None:
            return self._typed
        codes, uniques = self.encoded()
        if not hasattr(self, "umissing"):  # a string column checked row by row: no type errors
            self.umissing = _np(pc.is_in(uniques, value_set=pa.array(self.missing_values, type=pa.string())))
            self.ubits = np.zeros(len(uniques), dtype=np.uint32)
        usable = ~self.umissing & ((self.ubits & 1) == 0)
        if self.type == "string":
            values = uniques  # the typed value is the string itself
            ids = np.where(usable, np.arange(len(uniques)), -1)
            never_equal = np.zeros(len(uniques), dtype=bool)
        else:
            values, ids_list, never = [], [], []
            space: dict = {}
            for ok, raw in zip(usable, uniques.to_pylist()):
                if not ok:
                    values.append(None)
                    ids_list.append(-1)
                    never.append(False)
                    continue
                try:
                    value = self.value_reader(raw)
                    if value != value:
                        ids_list.append(-2)
                        never.append(True)
                    else:
                        ids_list.append(space.setdefault(value, len(space)))
                        never.append(False)
                    hash(value)
                except Exception as exc:
                    raise Fallback(f"field {self.name}: key value {raw!r} ({exc!r})") from None
                values.append(value)
            ids = np.array(ids_list, dtype=np.int64)
            never_equal = np.array(never, dtype=bool)
        has_cell = codes >= 0
        safe = np.where(has_cell, codes, 0)
        row_ids = np.where(has_cell, ids[safe] if len(ids) else -1, -1)
        if never_equal.any():
            rows = np.flatnonzero(has_cell & never_equal[safe])
            row_ids[rows] = len(uniques) + np.arange(len(rows))
        self._typed = (row_ids, values, codes)
        return self._typed

    def usable(self) -> np.ndarray:
        """Per distinct value: does it give a typed value (neither missing nor a type error)."""
        self.typed()
        return ~self.umissing & ((self.ubits & 1) == 0)

    def typed_text(self, i: int) -> str:
        """str() of row i's typed value, "" when missing (frictionless's to_str)."""
        ids, values, codes = self.typed()
        if ids[i] == -1:
            return ""
        value = values[codes[i]]
        return str(value.as_py() if isinstance(value, (pa.Array, pa.Scalar)) else value)


# --- keys across columns --------------------------------------------------------


def _shared_ids(source: Column, target: Column) -> tuple[np.ndarray, np.ndarray]:
    """Row key ids of two columns in one space: equal typed values, equal ids;
    -1 for missing. Values of different kinds never match."""
    s_ids, s_values, s_codes = source.typed()
    t_ids, t_values, t_codes = target.typed()
    if source.type == "string" and target.type == "string":
        # a source value maps to the target's id of the same string, if usable there
        mapping = pc.index_in(source.encoded()[1], value_set=target.encoded()[1])
        mapping = mapping.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        usable = target.usable()
        lut = np.full(len(mapping), -3, dtype=np.int64)
        known = np.flatnonzero(mapping >= 0)
        lut[known] = np.where(usable[mapping[known]], mapping[known], -3)
        s_out = _map_rows(s_ids, s_codes, lut)
        return _never_equal(s_out), t_ids
    if (source.type == "string") != (target.type == "string"):
        return _never_equal(np.where(s_ids >= 0, -3, -1)), t_ids
    # both typed in Python: one dictionary, Python's equality (1 == 1.0 == True)
    space: dict = {}
    t_lut = np.full(len(t_values), -1, dtype=np.int64)
    for code, value in enumerate(t_values):
        if value is not None and value == value:
            t_lut[code] = space.setdefault(value, len(space))
    t_out = _map_rows(t_ids, t_codes, t_lut)
    nan_rows = np.flatnonzero((t_ids >= 0) & (t_out == -1))
    t_out[nan_rows] = -(10**12) - np.arange(len(nan_rows))
    s_lut = np.full(len(s_values), -3, dtype=np.int64)
    for code, value in enumerate(s_values):
        if value is not None and value == value:
            s_lut[code] = space.get(value, -3)
    return _never_equal(_map_rows(s_ids, s_codes, s_lut)), t_out


def _map_rows(row_ids: np.ndarray, codes: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """lut[code] for rows with a usable value (row_ids >= 0), else -1."""
    out = np.full(len(row_ids), -1, dtype=np.int64)
    has = np.flatnonzero(row_ids >= 0)
    if len(has):
        out[has] = lut[codes[has]]
    return out


def _never_equal(ids: np.ndarray) -> np.ndarray:
    """-3 (matches nothing) made distinct per row: -3, -4, ..."""
    rows = np.flatnonzero(ids == -3)
    ids[rows] = -3 - np.arange(len(rows))
    return ids


def _row_keys(ids: list[np.ndarray]) -> np.ndarray:
    """One id per row for a tuple of id columns (equal tuples, equal ids)."""
    if len(ids) == 1:
        return ids[0]
    stacked = np.stack(ids, axis=1)
    _, inverse = np.unique(stacked, axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64)


def _later_duplicates(keys: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Rows (within mask) whose key appeared in an earlier row of mask."""
    rows = np.flatnonzero(mask)
    if not len(rows):
        return rows
    return rows[pd.Series(keys[rows]).duplicated(keep="first").to_numpy()]


# --- one resource ------------------------------------------------------------------


def _row_number(i: int) -> int:
    """A row's number as frictionless counts it (the header is row 1)."""
    return int(i) + 2


def _cell_errors(columns: list[Column], blank: np.ndarray) -> list[tuple]:
    """Type and constraint errors, and missing required values, outside blank rows."""
    found = []
    for j, col in enumerate(columns):
        bad = np.flatnonzero((col.bits != 0) & ~blank)
        if len(bad):
            cells = col.array.take(pa.array(bad)).to_pylist()
            type_note = f'type is "{col.type}/{col.field.format}"'
            for i, cell, b in zip(bad, cells, col.bits[bad]):
                if b & 1:
                    found.append((i, 0, j, 0, RawError("type-error", _row_number(i), col.name, str(cell), type_note)))
                    continue
                for k, check in enumerate(col.checks):
                    if b & (2 << k):
                        note = f'constraint "{check}" is "{col.constraints[check]}"'
                        found.append((i, 0, j, k, RawError("constraint-error", _row_number(i), col.name, str(cell),
                                                           note)))
        if col.required:
            gone = np.flatnonzero(col.missing & ~blank)
            if len(gone):
                cells = col.array.take(pa.array(gone)).to_pylist()
                note = f'constraint "required" is "{col.constraints["required"]}"'
                for i, cell in zip(gone, cells):
                    found.append((i, 0, j, -1, RawError("constraint-error", _row_number(i), col.name, str(cell), note)))
    return found


def _shape_errors(table: Table, blank: np.ndarray, fields: list) -> list[tuple]:
    """Extra and missing cells of ragged rows, and blank rows."""
    found = []
    width = len(fields)
    for i, cells in table.ragged.items():
        if blank[i]:
            continue
        if len(cells) > width:
            strings = ["" if c is None else str(c) for c in cells]
            for position, cell in enumerate(cells[width:]):
                found.append((i, 1, position, 0, RawError("extra-cell", _row_number(i), "", str(cell), "", strings)))
        else:
            for j in range(len(cells), width):
                found.append((i, 2, j, 0, RawError("missing-cell", _row_number(i), fields[j].name, "", "")))
    for i in np.flatnonzero(blank):
        found.append((i, 0, -1, 0, RawError("blank-row", _row_number(i))))
    return found


def _unique_errors(fields: list, columns: list[Column]) -> list[tuple]:
    """Later duplicates in columns whose values must be unique."""
    found = []
    for j, (f, col) in enumerate(zip(fields, columns)):
        if not f.constraints.get("unique"):
            continue
        ids = col.typed()[0]
        for i in _later_duplicates(ids, ids >= 0):
            found.append((i, 3, j, 0, RawError("unique-error", _row_number(i), col.name, col.typed_text(i), "")))
    return found


class Checker:
    """The whole package: tables read on demand, columns checked once."""

    def __init__(self, fpackage, order: list[str], paths: dict[str, Path]):
        self.fpackage = fpackage
        self.order = order
        self.paths = paths
        self.resources = {name: fpackage.get_resource(name) for name in order}
        self.tables: dict[str, Table] = {}
        self.columns: dict[tuple[str, str], Column] = {}

    def names(self, name: str) -> list[str]:
        return [f.name for f in self.resources[name].schema.fields]

    def table(self, name: str) -> Table:
        if name not in self.tables:
            path = self.paths[name]
            fields = self.resources[name].schema.fields
            names = [f.name for f in fields]
            empty_missing = all("" in missing_values(f) for f in fields)
            skip = sniff(path)
            table = None
            if not skip and empty_missing:
                table = read_arrow(path, names)
            if table is None:
                table = read_python(path, names, skip)
            self.tables[name] = table
        return self.tables[name]

    def column(self, name: str, field_name: str) -> Column:
        key = (name, field_name)
        if key not in self.columns:
            resource = self.resources[name]
            fields = resource.schema.fields
            j = [f.name for f in fields].index(field_name)
            self.columns[key] = Column(fields[j], self.table(name).columns[j])
        return self.columns[key]

    def release(self, name: str, keep: set[tuple[str, str]]) -> None:
        """Forget a table's arrays, except the columns other resources still refer to."""
        self.tables.pop(name, None)
        for key in [k for k in self.columns if k[0] == name and k not in keep]:
            del self.columns[key]

    def errors(self, name: str) -> list[RawError]:
        """Every error frictionless would report for the resource, in its order: by row, then
        cell errors, extra cells, missing cells (or the blank row), unique, primary key and
        foreign key errors."""
        schema = self.resources[name].schema
        table = self.table(name)
        columns = [self.column(name, f.name) for f in schema.fields]
        blank = np.ones(table.n, dtype=bool)
        for col in columns:
            blank &= col.missing
        found: list[tuple[int, int, int, int, RawError]] = []  # row, phase, field, order, error
        found += _cell_errors(columns, blank)
        found += _shape_errors(table, blank, schema.fields)
        found += _unique_errors(schema.fields, columns)
        found += self._primary_key_errors(name, schema, table)
        found += self._foreign_key_errors(name, schema)
        found.sort(key=lambda t: (t[0], t[1], t[2], t[3]))
        return [t[4] for t in found]

    def _primary_key_errors(self, name: str, schema, table: Table) -> list[tuple]:
        pk = list(schema.primary_key)
        if not pk or not set(pk) <= set(self.names(name)):
            return []
        found = []
        ids = [self.column(name, f).typed()[0] for f in pk]
        all_none = np.logical_and.reduce([k == -1 for k in ids])
        # in a key with other cells, missing (-1) equals missing, as None == None
        keys = _row_keys(ids)
        note_none = 'cells composing the primary keys are all "None"'
        for i in np.flatnonzero(all_none):
            found.append((i, 4, 0, 0, RawError("primary-key", _row_number(i), note=note_none, cells=table.cells(i))))
        for i in _later_duplicates(keys, ~all_none):
            found.append((i, 4, 0, 0, RawError("primary-key", _row_number(i), note="duplicate", cells=table.cells(i))))
        return found

    def _foreign_key_errors(self, name: str, schema) -> list[tuple]:
        found = []
        for k, fk in enumerate(schema.foreign_keys):
            source_fields = list(fk["fields"])
            target_name = fk["reference"]["resource"] or name
            target_fields = list(fk["reference"]["fields"])
            if (target_name not in self.resources or not source_fields
                    or not set(target_fields) <= set(self.names(target_name))):
                raise Fallback(f"{name}: foreign key {fk}")
            pairs = [_shared_ids(self.column(name, s), self.column(target_name, t))
                     for s, t in zip(source_fields, target_fields)]
            source_ids = [p[0] for p in pairs]
            target_ids = [p[1] for p in pairs]
            s_none = np.logical_and.reduce([ids == -1 for ids in source_ids])
            t_none = np.logical_and.reduce([ids == -1 for ids in target_ids])
            if len(source_ids) == 1:  # a source id is >= 0 only when the target has the value
                matched = source_ids[0] >= 0
            else:
                count = len(target_ids[0])
                keys = _row_keys([np.concatenate([t, s]) for t, s in zip(target_ids, source_ids)])
                known = np.unique(keys[:count][~t_none])
                matched = np.isin(keys[count:], known)
            bad = np.flatnonzero(~s_none & ~matched)
            source_cols = [self.column(name, s) for s in source_fields]
            for i in bad:
                found.append((i, 5, k, 0, RawError(
                    "foreign-key", _row_number(i), note="not found", cells=None,
                    field_names=source_fields, field_cells=[c.typed_text(i) for c in source_cols],
                    reference_name=fk["reference"]["resource"], reference_field_names=target_fields)))
        return found


# --- the stage ----------------------------------------------------------------------


_PACKAGES: dict[str, object] = {}  # frictionless's reading of a descriptor, by its JSON without paths


def _frictionless_package(package, names: set[str]):
    """frictionless's Package for the descriptor run_frictionless would use, after
    frictionless's own metadata checks (any problem: Fallback, and frictionless reports it)."""
    descriptor = descriptor_for(package, names)
    order = [r["name"] for r in descriptor["resources"]]
    key = json.dumps([{k: v for k, v in r.items() if k != "path"} for r in descriptor["resources"]], sort_keys=True)
    if key not in _PACKAGES:
        os.environ.setdefault("FRICTIONLESS_NO_TELEMETRY", "1")
        import frictionless

        try:
            with frictionless.system.use_context(trusted=True):
                fpackage = frictionless.Package(descriptor, basepath=str(package.data_dir))
                fpackage.to_descriptor(validate=True)
                for resource in fpackage.resources:
                    resource.to_descriptor(validate=True)
            for resource in fpackage.resources:
                for field in resource.schema.fields:
                    if field.type not in ("string", "number", "integer", "date", "boolean"):
                        raise Fallback(f"field type {field.type}")
                if resource.schema.has_defined("fields_match"):
                    raise Fallback("fieldsMatch")
            result = fpackage
        except Fallback as exc:
            result = exc
        except Exception as exc:
            result = Fallback(f"frictionless's metadata checks: {exc}")
        if len(_PACKAGES) > 16:
            _PACKAGES.clear()
        _PACKAGES[key] = result
    result = _PACKAGES[key]
    if isinstance(result, Fallback):
        raise result
    return result, order


def check(package, names: set[str]) -> list:
    """The translated findings for the resources in `names`, as run_frictionless
    would give them. Raises Fallback for the cases it does not replicate."""
    if not names:
        return []
    fpackage, order = _frictionless_package(package, names)
    checker = Checker(fpackage, order, {name: package.resource(name).path for name in order})
    # columns other resources' foreign keys point to, kept until the end
    referenced = set()
    for name in order:
        for fk in checker.resources[name].schema.foreign_keys:
            target = fk["reference"]["resource"] or name
            referenced.update((target, f) for f in fk["reference"]["fields"])
    found = []
    for name in order:
        raw = checker.errors(name)
        if len(raw) >= LIMIT_ERRORS:
            raise Fallback(f"{name}: {len(raw):,} errors")
        found.extend(translate_task(package.resource(name), raw))
        checker.release(name, referenced)
    del checker
    pa.default_memory_pool().release_unused()  # give the tables' memory back for the next stages
    return found


def run(package, names: set[str]) -> list:
    """check(), or frictionless itself for a case check() does not replicate."""
    global LAST_FALLBACK
    LAST_FALLBACK = None
    try:
        return check(package, names)
    except Fallback as exc:
        LAST_FALLBACK = str(exc)
    except Exception as exc:  # a bug here must not cost the user a result: frictionless's is the same
        LAST_FALLBACK = f"internal error: {exc!r}"
    return run_frictionless(package, names)
