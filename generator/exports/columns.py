"""Columns as text, vectorised with Arrow: the kernels every download writer shares.

The JSON, XLSX and CSV files (package.py, xlsx.py, giving360.py, transparency.py) are written
column by column: each typed column becomes an Arrow array of the text its cells hold, and
Arrow's string kernels join the cells into rows, a chunk of CHUNK_ROWS rows at a time, so no
Python code runs per cell and memory stays bounded. The JSON and CSV text is exactly what
json.dumps and csv.writer write (tests/exports/test_export_fast.py checks each against them).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..data.checks import FORMULA_START, first_char_in

CHUNK_ROWS = 50_000  # rows converted and written at a time


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """The typed table as Arrow (what the Parquet download holds)."""
    return pa.Table.from_pandas(frame, preserve_index=False)


def field_kinds(fields: list[dict]) -> list[str]:
    kinds = []
    for spec in fields:
        kind = spec.get("type", "string")
        kinds.append("number" if kind in ("number", "integer") else kind if kind in ("date", "boolean") else "string")
    return kinds


def _python_number(value: float) -> str:
    """A number as json.dumps writes it: whole numbers without ".0"."""
    return str(int(value)) if value.is_integer() else repr(value)


def number_text(values: pa.Array, python=None) -> pa.Array:
    """Each number as json.dumps writes it after _json_value: whole numbers as integers
    (2266), others as Python's repr (3028.63, 1e-05); null where missing. Arrow formats the
    common cases (where its text is Python's); the rest (tiny, huge, exponents) are formatted
    by `python` (default: the json.dumps rule), so a caller can choose how those look."""
    python = python or _python_number
    values = pc.cast(values, pa.float64())
    x = values.to_numpy(zero_copy_only=False)
    present = ~np.isnan(x)
    whole = present & (np.floor(x) == x)
    exact = whole & (np.abs(x) < 2.0**53)
    ints = pc.cast(pa.array(np.where(exact, x, 0).astype(np.int64)), pa.string())
    text = pc.if_else(pa.array(exact), ints, pc.cast(values, pa.string()))
    if not present.all():  # NaN (from numpy) is missing too, as _json_value has it
        text = pc.if_else(pa.array(present), text, pa.scalar(None, pa.string()))
    odd = present & ~exact & (whole | (np.abs(x) < 1e-4)
                              | pc.fill_null(pc.match_substring(text, "e"), False).to_numpy(zero_copy_only=False))
    if odd.any():
        fixed = np.array(text.to_pylist(), dtype=object)
        for i in np.flatnonzero(odd):
            fixed[i] = python(float(x[i]))
        text = pa.array(fixed, type=pa.string())
    return text


def _days(values: pa.Array) -> pa.Array:
    """Dates as int32 days since 1970-01-01 (null where missing)."""
    return pc.cast(pc.cast(values, pa.date32()), pa.int32())


def iso_dates(values: pa.Array) -> pa.Array:
    return pc.cast(pc.cast(values, pa.date32()), pa.string())


def excel_serials(values: pa.Array) -> pa.Array:
    """Dates as Excel serial day numbers (1900 date system, with its 29 February 1900:
    days after 1900-02-28 count one more), as text."""
    days = pc.add(_days(values), 25568)
    return pc.cast(pc.if_else(pc.greater(days, 59), pc.add(days, 1), days), pa.string())


def any_true(mask: pa.Array) -> bool:
    return bool(pc.any(mask).as_py())


def formula_safe(values: pa.Array) -> pa.Array:
    """Text cells for a spreadsheet: an apostrophe before a first character that starts a
    formula (FORMULA_START), nulls left null. Validation refuses such text in the data, so
    usually nothing starts one, and the values are returned as they are, not copied."""
    if isinstance(values, pa.ChunkedArray):
        return pa.chunked_array([formula_safe(chunk) for chunk in values.chunks], values.type)
    risky = first_char_in(values, "".join(FORMULA_START))
    if not risky.any():
        return values
    return pc.if_else(pa.array(risky), pc.binary_join_element_wise("'", values, ""), values)


def text_bytes(values: pa.Array) -> bytes:
    """The UTF-8 bytes of every string of an Arrow string array, concatenated: checking them
    for a character (memchr) is much faster than asking Arrow which strings hold it."""
    return bytes(joined(values))


_CONTROL = np.zeros(256, dtype=bool)
_CONTROL[:32] = True


def has_control(data: bytes, allowed: bytes = b"") -> bool:
    """Whether `data` holds a control character (U+0000 to U+001F) other than `allowed`."""
    codes = np.frombuffer(data, dtype=np.uint8)
    if not codes.size or codes.min() >= 32:
        return False
    table = _CONTROL.copy()
    table[list(allowed)] = False
    return bool(table[codes].any())


# --- JSON --------------------------------------------------------------------

_JSON_ESCAPES = [("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"), ("\b", "\\b"),
                 ("\f", "\\f")] + [(chr(c), f"\\u{c:04x}") for c in range(0x20) if chr(c) not in "\n\r\t\b\f"]


def json_strings(values: pa.Array) -> pa.Array:
    """Text as JSON strings, escaped as json.dumps(..., ensure_ascii=False) does; null stays null."""
    values = pc.cast(values, pa.string())
    data = text_bytes(values)
    if b'"' in data or b"\\" in data or has_control(data):
        for char, escaped in _JSON_ESCAPES:
            if char.encode() in data:
                values = pc.replace_substring(values, char, escaped)
    return pc.binary_join_element_wise('"', values, '"', "")


def json_cells(values: pa.Array, kind: str) -> pa.Array:
    """A column's values as JSON text ("null" where missing), as write_json always wrote them."""
    if kind == "number":
        text = number_text(values)
    elif kind == "date":
        text = pc.binary_join_element_wise('"', iso_dates(values), '"', "")
    elif kind == "boolean":
        text = pc.if_else(values, "true", "false")
    else:
        text = json_strings(values)
    return pc.fill_null(text, "null")


def joined(rows: pa.Array) -> memoryview:
    """Every string of a null-free Arrow string array, concatenated (without copying)."""
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    if len(rows) == 0:
        return memoryview(b"")
    width = np.int64 if pa.types.is_large_string(rows.type) else np.int32
    offsets = np.frombuffer(rows.buffers()[1], dtype=width)
    start, end = int(offsets[rows.offset]), int(offsets[rows.offset + len(rows)])
    return memoryview(rows.buffers()[2])[start:end]


def csv_fields(values: pa.Array, terminator: str = "\n") -> pa.Array:
    """Text as Python's csv.writer (QUOTE_MINIMAL, comma, double quote) writes one field:
    in double quotes, quotes doubled, when it holds a comma, a quote or a character of the line
    terminator; an empty string for a missing value."""
    values = pc.fill_null(pc.cast(values, pa.string()), "")
    data = text_bytes(values)
    specials = [c for c in dict.fromkeys(',"' + terminator) if c.encode() in data]
    if not specials:
        return values
    quote = pc.match_substring_regex(values, "[" + "".join(re.escape(c) for c in specials) + "]")
    doubled = pc.replace_substring(values, '"', '""') if '"' in specials else values
    return pc.if_else(quote, pc.binary_join_element_wise('"', doubled, '"', ""), values)


def csv_lines(fields: list[pa.Array], terminator: str) -> pa.Array:
    """Rows of csv_fields, joined with commas, each ending with `terminator`. (csv.writer
    writes a row of one empty field as "": not needed here, every file has several columns.)"""
    last = pc.binary_join_element_wise(fields[-1], terminator, "")
    return pc.binary_join_element_wise(*fields[:-1], last, ",") if len(fields) > 1 else last


def write_csv_columns(out, header: list[str], columns: list[pa.Array], terminator: str) -> None:
    """Write a CSV (header, then the columns' rows) to the binary file `out` exactly as
    csv.writer(lineterminator=terminator) writes the same text, a chunk of rows at a time."""
    out.write(joined(csv_lines([csv_fields(pa.array([h], pa.string()), terminator) for h in header],
                                terminator)))
    rows = len(columns[0]) if columns else 0
    for start in range(0, rows, CHUNK_ROWS):
        chunk = [c.slice(start, CHUNK_ROWS) for c in columns]
        out.write(joined(csv_lines([csv_fields(c, terminator) for c in chunk], terminator)))


# --- XLSX ----------------------------------------------------------------------
#
# A small streaming writer of our own (xlsxwriter wrote a cell at a time, about 10k rows/s):
# the worksheet XML is built with Arrow, a chunk of rows at a time, and deflated straight into
# the ZIP file. Text is an inline string (t="inlineStr"), never a formula, number or link;
# numbers are <v> values, dates serial numbers with a yyyy-mm-dd number format, yes/no text.
