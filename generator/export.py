"""Export stage: the downloadable files, written under the site's downloads/ folder.

- <dataset>.csv: the validated source file, byte for byte (UTF-8, no BOM);
- <dataset>-<year>.csv (grants, contracts): the source rows of each financial year;
- <dataset>.xlsx: the same rows for Excel, every text cell stored as text;
- <dataset>.json: the same rows as a JSON array of objects with typed values;
- <dataset>.parquet: the same rows, typed, for analysis tools;
- datapackage.json: a self-contained descriptor (schemas inline, sizes and
  SHA-256 checksums) that passes plain `frictionless validate`;
- <package name>.zip: datapackage.json and every CSV, in one file;
- export_standards: the 360Giving, OCDS and Transparency Code files (giving360.py,
  ocds.py, transparency.py).

How. The JSON, XLSX and CSV files are written column by column: each typed column
becomes an Arrow array of the text its cells hold, and Arrow's string kernels join the
cells into rows, a chunk of CHUNK_ROWS rows at a time, so no Python code runs per cell
and memory stays bounded. The XLSX writer is our own (xlsxwriter wrote a cell at a time):
inline strings, numbers as <v> values, dates as serial numbers with a yyyy-mm-dd format,
a bold frozen header. Text has the characters XML 1.0 forbids (control characters but
tab, line feed and carriage return; U+FFFE, U+FFFF) dropped and is cut at Excel's 32,767
characters; a carriage return is kept as &#13;. Excel holds 1,048,576 rows a sheet
(SHEET_ROWS, the header included): a dataset with more rows continues on further sheets
"<title> (2)", "<title> (3)" ..., each with the header. Where the system can fork, the
stage uses two processes (PROCESSES): a child writes the XLSX and yearly files, then the
OCDS package, while this process writes the rest; each file is written by one process,
so the bytes are the same either way.

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
inside XLSX and ZIP files, no random ids). The JSON and CSV files have exactly the bytes
the earlier per-row code wrote (json.dumps and csv.writer); tests/test_export_fast.py
checks each writer against such a reference.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
import shutil
import zipfile
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .validate import DataPackage

DOWNLOADS = "downloads"
WARNINGS_CSV = "data-quality-warnings.csv"


@dataclass(frozen=True)
class Download:
    dataset: str
    label: str  # e.g. CSV
    filename: str  # relative to the downloads folder
    bytes: int


# Fixed timestamp for files inside XLSX and ZIP downloads (reproducible builds).
FIXED_TIME = dt.datetime(2000, 1, 1)


def _json_value(value):
    """One value as Python would put it in JSON (kept for callers outside the export stage)."""
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


# --- typed columns as text, vectorised with Arrow (see "How" above) ------------------

CHUNK_ROWS = 50_000  # rows converted and written at a time


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """The typed table as Arrow (what the Parquet download holds)."""
    return pa.Table.from_pandas(frame, preserve_index=False)


def _kinds(fields: list[dict]) -> list[str]:
    kinds = []
    for spec in fields:
        kind = spec.get("type", "string")
        kinds.append("number" if kind in ("number", "integer") else kind if kind in ("date", "boolean") else "string")
    return kinds


def _python_number(value: float) -> str:
    """A number as json.dumps writes _json_value(value): whole numbers without ".0"."""
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


def _any(mask: pa.Array) -> bool:
    return bool(pc.any(mask).as_py())


def text_bytes(values: pa.Array) -> bytes:
    """The UTF-8 bytes of every string of an Arrow string array, concatenated: checking them
    for a character (memchr) is much faster than asking Arrow which strings hold it."""
    return bytes(_joined(values))


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


def _joined(rows: pa.Array) -> memoryview:
    """Every string of a null-free Arrow string array, concatenated (without copying)."""
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    if len(rows) == 0:
        return memoryview(b"")
    width = np.int64 if pa.types.is_large_string(rows.type) else np.int32
    offsets = np.frombuffer(rows.buffers()[1], dtype=width)
    start, end = int(offsets[rows.offset]), int(offsets[rows.offset + len(rows)])
    return memoryview(rows.buffers()[2])[start:end]


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
            data = _joined(rows)
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
    out.write(_joined(csv_lines([csv_fields(pa.array([h], pa.string()), terminator) for h in header],
                                terminator)))
    rows = len(columns[0]) if columns else 0
    for start in range(0, rows, CHUNK_ROWS):
        chunk = [c.slice(start, CHUNK_ROWS) for c in columns]
        out.write(_joined(csv_lines([csv_fields(c, terminator) for c in chunk], terminator)))


# --- XLSX ----------------------------------------------------------------------
#
# A small streaming writer of our own (xlsxwriter wrote a cell at a time, about 10k rows/s):
# the worksheet XML is built with Arrow, a chunk of rows at a time, and deflated straight into
# the ZIP file. Text is an inline string (t="inlineStr"), never a formula, number or link;
# numbers are <v> values, dates serial numbers with a yyyy-mm-dd number format, yes/no text.

SHEET_ROWS = 1_048_576  # Excel's limit, the header row included; more rows continue on further sheets
CELL_CHARS = 32_767  # Excel's limit for the text of one cell; longer text is cut there
XLSX_LEVEL = 3  # zlib level inside XLSX files: measured here faster than 1 and 2 and 3-4x faster than 6 (about 20% larger)

_XML_FORBIDDEN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]"  # not allowed in XML 1.0
_XML_ESCAPES = [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")]  # &#13; keeps a CR a CR
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_STYLES = (_XML_HEAD + f'<styleSheet xmlns="{_MAIN_NS}">'
           '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
           '<dxfs count="0"/><tableStyles count="0"/></styleSheet>')
_BOLD, _DATE = 1, 2  # style indexes in cellXfs


def _xml_escape(text: str) -> str:
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)
    for char, escaped in _XML_ESCAPES:
        text = text.replace(char, escaped)
    return text


def xml_texts(values: pa.Array) -> tuple[pa.Array, pa.Array | None]:
    """Text for a cell's <t> element: characters XML 1.0 forbids dropped, cut at Excel's
    limit, & < > and CR escaped, null (no cell) when nothing is left; and which cells need
    xml:space="preserve" (None: none)."""
    values = pc.cast(values, pa.string())
    data = text_bytes(values)
    if has_control(data, allowed=b"\t\n\r") or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data:
        values = pc.replace_substring_regex(values, _XML_FORBIDDEN, "")
    if len(values) and (pc.max(pc.binary_length(values)).as_py() or 0) > CELL_CHARS:
        values = pc.utf8_slice_codeunits(values, 0, CELL_CHARS)
    for char, escaped in _XML_ESCAPES:
        if char.encode() in data:
            values = pc.replace_substring(values, char, escaped)
    empty = pc.equal(pc.binary_length(values), 0)
    if _any(empty):  # no cell for empty text (as xlsxwriter wrote none)
        values = pc.if_else(empty, pa.scalar(None, pa.string()), values)
    edges = pc.not_equal(pc.binary_length(pc.ascii_trim_whitespace(values)), pc.binary_length(values))
    return values, (edges if _any(edges) else None)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx_cells(values: pa.Array, kind: str, letter: str, rows: pa.Array) -> pa.Array:
    """One column's cells as worksheet XML (null where the cell is empty)."""
    ref = f'<c r="{letter}'
    if kind == "number":
        return pc.binary_join_element_wise(ref, rows, '"><v>', number_text(values), "</v></c>", "")
    if kind == "date":
        return pc.binary_join_element_wise(ref, rows, f'" s="{_DATE}"><v>', excel_serials(values), "</v></c>", "")
    if kind == "boolean":
        values = pc.if_else(values, "yes", "no")
    text, edges = xml_texts(values)
    open_t = '" t="inlineStr"><is><t>'
    if edges is not None:
        open_t = pc.if_else(pc.fill_null(edges, False), '" t="inlineStr"><is><t xml:space="preserve">', open_t)
    return pc.binary_join_element_wise(ref, rows, open_t, text, "</t></is></c>", "")


def sheet_names(title: str, count: int) -> list[str]:
    """Worksheet names for a dataset: its title (cut to Excel's 31 characters, without the
    characters Excel refuses), then "<title> (2)", "<title> (3)" ... for further sheets."""
    base = _SHEET_NAME_FORBIDDEN.sub("-", title).strip("'") or "Sheet"
    names = [base[:31]]
    for n in range(2, count + 1):
        suffix = f" ({n})"
        names.append(base[:31 - len(suffix)] + suffix)
    return names


def _zip_info(name: str, level: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = level  # what ZipFile.open(info, "w") compresses with (3.13: an alias)
    info.external_attr = 0o600 << 16
    return info


def _write_sheet(archive: zipfile.ZipFile, name: str, table: pa.Table, kinds: list[str], header: list[str],
                 selected: bool, level: int) -> None:
    letters = [column_letter(i) for i in range(len(header))]
    last = len(table) + 1
    tab = ' tabSelected="1"' if selected else ""
    head = (_XML_HEAD + f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
            f'<dimension ref="A1:{letters[-1]}{last}"/>'
            f'<sheetViews><sheetView{tab} workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/><sheetData><row r="1">'
            + "".join(f'<c r="{letter}1" s="{_BOLD}" t="inlineStr"><is><t>{_xml_escape(text)}</t></is></c>'
                      for letter, text in zip(letters, header))
            + "</row>")
    with archive.open(_zip_info(name, level), "w", force_zip64=True) as out:
        out.write(head.encode("utf-8"))
        for start in range(0, len(table), CHUNK_ROWS):
            chunk = table.slice(start, CHUNK_ROWS)
            numbers = pc.cast(pa.array(np.arange(start + 2, start + 2 + len(chunk), dtype=np.int64)), pa.string())
            cells = [xlsx_cells(column.combine_chunks(), kind, letter, numbers)
                     for column, kind, letter in zip(chunk.columns, kinds, letters)]
            rows = pc.binary_join_element_wise('<row r="', numbers, '">', *cells, "</row>", "",
                                               null_handling="replace")
            out.write(_joined(rows))
        out.write(b'</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
                  b'header="0.3" footer="0.3"/></worksheet>')


def write_xlsx(frame: pd.DataFrame, fields: list[dict], path: Path, sheet: str,
               table: pa.Table | None = None, level: int = XLSX_LEVEL) -> list[str]:
    """A workbook with a bold, frozen header. Text is written as text (never a formula,
    number or link), numbers as numbers, dates as dates (yyyy-mm-dd), yes/no as text, an empty
    value as an empty cell. Above Excel's SHEET_ROWS rows (the header included) the rows
    continue on further sheets, each with the header, named "<sheet> (2)" and so on. Returns
    the sheet names. Reproducible: fixed timestamps, no clock, no random ids."""
    table = arrow_table(frame) if table is None else table
    kinds = _kinds(fields)
    header = [spec["name"] for spec in fields]
    per_sheet = SHEET_ROWS - 1
    count = max(1, -(-table.num_rows // per_sheet))
    names = sheet_names(sheet, count)
    sheets = "".join(f'<sheet name="{_xml_escape(n).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, n in enumerate(names, start=1))
    parts = {
        "[Content_Types].xml": (
            _XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, count + 1))
            + "</Types>"),
        "_rels/.rels": (
            _XML_HEAD + f'<Relationships xmlns="{_PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL_NS}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"),
        "docProps/app.xml": (
            _XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>Microsoft Excel</Application></Properties>'),
        "docProps/core.xml": (
            _XML_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_TIME:%Y-%m-%dT%H:%M:%SZ}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_TIME:%Y-%m-%dT%H:%M:%SZ}</dcterms:modified>'
            "</cp:coreProperties>"),
        "xl/workbook.xml": (
            _XML_HEAD + f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{sheets}</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            _XML_HEAD + f'<Relationships xmlns="{_PKG_REL_NS}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, count + 1))
            + f'<Relationship Id="rId{count + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": _STYLES,
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in parts.items():
            archive.writestr(_zip_info(name, level), text.encode("utf-8"))
        for i in range(count):
            _write_sheet(archive, f"xl/worksheets/sheet{i + 1}.xml", table.slice(i * per_sheet, per_sheet),
                         kinds, header, i == 0, level)
    return names


def write_parquet(frame: pd.DataFrame, path: Path, table: pa.Table | None = None) -> None:
    import pyarrow.parquet as pq

    pq.write_table(arrow_table(frame) if table is None else table, path, compression="zstd")


ZIP_LEVEL = 6  # zlib level for the package ZIP (zlib's default)


def write_zip(files: list[Path], path: Path, level: int = ZIP_LEVEL) -> None:
    """The files in one ZIP, each streamed in (never read whole into memory)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(files, key=lambda p: p.name):
            info = zipfile.ZipInfo(file.name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = level
            info.external_attr = 0o644 << 16
            info.file_size = file.stat().st_size  # as writestr sets it: the same header bytes
            with file.open("rb") as source, archive.open(info, "w") as target:
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
    from .model import financial_years

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


def _beside(job):
    """Start job() in a forked child process (PROCESSES > 1, on systems with fork) and return a
    function that waits for it and raises RuntimeError, with the child's traceback, if it failed.
    Otherwise job() runs now and the function returned does nothing."""
    if PROCESSES < 2 or not hasattr(os, "fork"):
        job()
        return lambda: None
    import sys
    import traceback

    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run the job, report, and leave without running the parent's clean-ups
        code = 1
        try:
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


def export(package: DataPackage, tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Download]:
    """Every dataset as CSV (the source file), XLSX, JSON and Parquet, the yearly CSV files of
    the large datasets, datapackage.json and the package ZIP. Returns the downloads in that
    order, dataset by dataset."""
    out_dir.mkdir(parents=True, exist_ok=True)

    def spreadsheets() -> None:  # in the child process, when there is one
        for res in package.resources:
            write_xlsx(tables[res.name], res.fields, out_dir / f"{res.name}.xlsx", res.title)
        for name, column in YEARLY.items():
            write_yearly(package.resource(name), tables[name][column], out_dir)

    wait = _beside(spreadsheets)
    try:
        resources = []
        for res in package.resources:
            frame = tables[res.name]
            csv_path = out_dir / f"{res.name}.csv"
            shutil.copyfile(res.path, csv_path)
            table = arrow_table(frame)
            write_json(frame, out_dir / f"{res.name}.json", _kinds(res.fields), table=table)
            write_parquet(frame, out_dir / f"{res.name}.parquet", table=table)
            del table
            resources.append({"bytes": csv_path.stat().st_size, "hash": "sha256:" + sha256(csv_path)})
        dp_path = out_dir / "datapackage.json"
        write_descriptor(package, dp_path, resources)
        zip_path = out_dir / f"{package.descriptor.get('name', 'datapackage')}.zip"
        write_zip([dp_path] + [out_dir / f"{res.name}.csv" for res in package.resources], zip_path)
    finally:
        wait()
    downloads: list[Download] = []
    for res in package.resources:
        for label, suffix in (("CSV", "csv"), ("XLSX", "xlsx"), ("JSON", "json"), ("Parquet", "parquet")):
            path = out_dir / f"{res.name}.{suffix}"
            downloads.append(Download(res.name, label, path.name, path.stat().st_size))
    for name, column in YEARLY.items():
        for year in yearly_names(tables[name][column]):
            path = out_dir / f"{name}-{year}.csv"
            downloads.append(Download(f"{name}:{year}", "CSV", path.name, path.stat().st_size))
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

    json_path, csv_path = out_dir / "360giving-grants.json", out_dir / "360giving-grants.csv"
    ocds_path = out_dir / "ocds-contracts.json"
    register_path = out_dir / "transparency-contracts-register.csv"
    years = transparency.financial_years(tables)
    wait = _beside(lambda: ocds.write_release_file(tables, config, ocds_path, published.isoformat()))
    try:
        giving360.write_360_files(tables, config, json_path=json_path, csv_path=csv_path)
        transparency.write_csv(transparency.contracts_register(tables), register_path)
        for year in years:
            transparency.write_csv(transparency.vcs_grants(tables, year),
                                   out_dir / f"transparency-vcs-grants-{year}.csv")
    finally:
        wait()
    downloads = [Download("360giving-json", "JSON", json_path.name, json_path.stat().st_size),
                 Download("360giving-csv", "CSV", csv_path.name, csv_path.stat().st_size),
                 Download("ocds", "JSON", ocds_path.name, ocds_path.stat().st_size),
                 Download("transparency-contracts", "CSV", register_path.name, register_path.stat().st_size)]
    for year in years:
        path = out_dir / f"transparency-vcs-grants-{year}.csv"
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
