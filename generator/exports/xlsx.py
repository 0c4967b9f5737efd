"""XLSX downloads, by our own streaming writer (xlsxwriter wrote a cell at a time).

Inline strings, numbers as <v> values, dates as serial numbers with a yyyy-mm-dd format, a
bold frozen header. Text has the characters XML 1.0 forbids (control characters but tab, line
feed and carriage return; U+FFFE, U+FFFF) dropped and is cut at Excel's 32,767 characters; a
carriage return is kept as &#13;. Excel holds 1,048,576 rows a sheet (SHEET_ROWS, the header
included): a dataset with more rows continues on further sheets "<title> (2)", "<title> (3)"
..., each with the header. Every cell is written as text or a number, never a formula, so even
a value that slipped past the formula-like check would not run. Fixed timestamps inside the
file (FIXED_TIME) make it reproducible.

Every part of the XLSX files, and every file in the package ZIP (package.py), is deflated by
zlib-ng (`deflating`): the same format, any unzip reads it, and at the same level it is about
twice as fast as the zlib Python ships with, for files of the same size (the README's
performance section has the figures).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from zlib_ng import zlib_ng

from .columns import CHUNK_ROWS, any_true, arrow_table, excel_serials, field_kinds, has_control, joined, number_text, text_bytes

# Fixed timestamp for files inside XLSX and ZIP downloads (reproducible builds).
FIXED_TIME = dt.datetime(2000, 1, 1)


SHEET_ROWS = 1_048_576  # Excel's limit, the header row included; more rows continue on further sheets
CELL_CHARS = 32_767  # Excel's limit for the text of one cell; longer text is cut there
XLSX_LEVEL = 3  # deflate level inside XLSX files: with zlib-ng about twice as fast as 6, files about a fifth larger

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
    if any_true(empty):  # no cell for empty text (as xlsxwriter wrote none)
        values = pc.if_else(empty, pa.scalar(None, pa.string()), values)
    edges = pc.not_equal(pc.binary_length(pc.ascii_trim_whitespace(values)), pc.binary_length(values))
    return values, (edges if any_true(edges) else None)


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


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED  # at the level `deflating` is given
    info.external_attr = 0o600 << 16
    return info


def deflating(archive: zipfile.ZipFile, info: zipfile.ZipInfo, level: int, force_zip64: bool = False):
    """archive.open(info, "w"), its data deflated by zlib-ng at `level` rather than by zlib
    (zipfile has no setting for the compressor; nothing is compressed before the first write)."""
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise ValueError(f"{info.filename}: deflating writes deflated members only")
    target = archive.open(info, "w", force_zip64=force_zip64)
    if not hasattr(target, "_compressor"):
        target.close()
        raise RuntimeError("zipfile's writer has changed: a deflated member's compressor cannot be set")
    target._compressor = zlib_ng.compressobj(level, zlib_ng.DEFLATED, -15)
    return target


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
    with deflating(archive, _zip_info(name), level, force_zip64=True) as out:
        out.write(head.encode("utf-8"))
        for start in range(0, len(table), CHUNK_ROWS):
            chunk = table.slice(start, CHUNK_ROWS)
            numbers = pc.cast(pa.array(np.arange(start + 2, start + 2 + len(chunk), dtype=np.int64)), pa.string())
            cells = [xlsx_cells(column.combine_chunks(), kind, letter, numbers)
                     for column, kind, letter in zip(chunk.columns, kinds, letters)]
            rows = pc.binary_join_element_wise('<row r="', numbers, '">', *cells, "</row>", "",
                                               null_handling="replace")
            out.write(joined(rows))
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
    kinds = field_kinds(fields)
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
            data = text.encode("utf-8")
            info = _zip_info(name)
            info.file_size = len(data)  # as writestr sets it: the same header bytes
            with deflating(archive, info, level) as out:
                out.write(data)
        for i in range(count):
            _write_sheet(archive, f"xl/worksheets/sheet{i + 1}.xml", table.slice(i * per_sheet, per_sheet),
                         kinds, header, i == 0, level)
    return names
