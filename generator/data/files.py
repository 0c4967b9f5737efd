"""Validation, pass 1: the file itself, which frictionless is lenient about (it guesses
encodings and delimiters and skips a BOM). Each CSV must be UTF-8 without a BOM,
comma-delimited, with exactly the schema's header row."""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path

from ..findings import Finding, show
from .package import Resource


SCAN_CHUNK = 1 << 24  # bytes read at a time by the file checks
HEAD = 65536  # NUL bytes here mean a binary file


@dataclass
class _Scan:
    nonblank: bool = False  # any byte besides ASCII whitespace
    head: bytes = b""  # the first HEAD bytes
    first_line: bytes | None = None  # up to the first \n
    bad_byte: str | None = None  # the first byte that is not UTF-8, in hex
    bad_line: int | None = None  # its line


def _scan(path: Path) -> _Scan:
    """One pass over a file, a chunk at a time (a whole 1M-row file is never in memory)."""
    scan = _Scan()
    start = b""  # the first line so far
    pending = b""  # an incomplete UTF-8 sequence at the end of the last chunk
    lines = 0  # \n before `pending`
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(SCAN_CHUNK)
            final = not chunk
            if len(scan.head) < HEAD:
                scan.head += chunk[: HEAD - len(scan.head)]
            if not scan.nonblank and chunk.strip():
                scan.nonblank = True
            if scan.first_line is None:
                end = chunk.find(b"\n")
                if end >= 0 or final:
                    scan.first_line = start + (chunk[:end] if end >= 0 else chunk)
                else:
                    start += chunk
            if scan.bad_byte is None:
                buffer = pending + chunk
                try:
                    _, consumed = codecs.utf_8_decode(buffer, "strict", final)
                except UnicodeDecodeError as exc:
                    scan.bad_byte = buffer[exc.start : exc.start + 1].hex().upper()
                    scan.bad_line = lines + buffer[: exc.start].count(b"\n") + 1
                else:
                    lines += buffer[:consumed].count(b"\n")
                    pending = buffer[consumed:]
            if final or (scan.bad_byte is not None and scan.nonblank and scan.first_line is not None
                         and len(scan.head) >= HEAD):
                return scan


def check_file(res: Resource) -> list[Finding]:
    """Encoding, BOM, delimiter and header row. Any finding here means the
    file's rows cannot be checked until it is fixed."""
    shown, name = res.shown, res.name

    def finding(code: str, message: str, row: int | None = None, column: str | None = None) -> Finding:
        return Finding(shown, row, column, code, message, dataset=name)

    if not res.path.is_file():
        return [finding("missing-file", "file not found (it is listed in datapackage.json)")]
    scan = _scan(res.path)
    if not scan.nonblank:
        return [finding("empty-file", "the file is empty (expected a header row and data rows)")]
    if scan.head.startswith(b"\xef\xbb\xbf"):
        return [
            finding("bom", "the file starts with a byte-order mark (expected UTF-8 without a BOM: Excel's "
                    "\"CSV UTF-8\" adds one; remove it in a text editor, e.g. save as \"UTF-8\" not \"UTF-8 with BOM\")")
        ]
    if scan.head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [finding("encoding", "the file is UTF-16 (expected UTF-8 text)")]
    if scan.head.startswith(b"PK\x03\x04"):
        return [finding("binary", "the file is an Excel workbook or another ZIP file, not CSV (expected a CSV "
                                  "file: in Excel use Save As, \"CSV UTF-8\")")]
    if b"\x00" in scan.head:
        return [finding("binary", "the file is not text: it contains NUL bytes (expected a CSV file in UTF-8)")]
    if scan.bad_byte is not None:
        hint = " (0xA3 is £ in Windows-1252)" if scan.bad_byte == "A3" else ""
        return [
            finding(
                "encoding",
                f"byte 0x{scan.bad_byte} is not UTF-8{hint} (expected UTF-8 text: save the file as \"CSV UTF-8\")",
                row=scan.bad_line,
            )
        ]
    first_line = scan.first_line.decode("utf-8")
    if "," not in first_line and (";" in first_line or "\t" in first_line):
        sep = "semicolons" if ";" in first_line else "tabs"
        return [finding("delimiter", f"the columns are separated by {sep} (expected commas)", row=1)]
    try:
        with open(res.path, encoding="utf-8", newline="\n") as handle:  # lines end at \n only, as a str's
            header = next(csv.reader(handle))
    except (csv.Error, StopIteration) as exc:  # pragma: no cover - csv rarely raises here
        return [finding("header", f"the header row cannot be read ({exc})", row=1)]
    return check_header(res, header, finding)


def check_header(res: Resource, header: list[str], finding) -> list[Finding]:
    expected = [f["name"] for f in res.fields]
    found: list[Finding] = []
    seen: set[str] = set()
    for position, label in enumerate(header, start=1):
        if label != label.strip():
            found.append(finding("header", f"the header {show(label)} has spaces around it (expected {show(label.strip())})", row=1))
        elif label in seen:
            found.append(finding("duplicate-header", f"the header {show(label)} appears more than once (expected each column once)", row=1))
        elif label not in expected:
            found.append(
                finding("extra-header", f"unexpected column {show(label)} at position {position} (expected only: {', '.join(expected)})", row=1)
            )
        seen.add(label)
    stripped = {h.strip() for h in header}
    for name in expected:
        if name not in stripped:
            found.append(finding("missing-header", f'the column "{name}" is missing (expected the header row: {",".join(expected)})', row=1))
    if not found and header != expected:
        found.append(finding("header-order", f"the columns are in a different order (expected: {','.join(expected)})", row=1))
    return found
