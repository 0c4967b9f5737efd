"""Lists: the tables of contracts, grants, intentions and organisations
that entity pages show, each with a CSV download of exactly the rows shown.

Each row's HTML is made once per table (not once per page it appears on) and
joined per page; links in it start with SITE_ROOT_MARK, which each page replaces with
its own way back to the site's root ("../../"), so one row serves pages at any
depth. Each row's CSV line is made once too, from the source file's text, so a
page's CSV has the dataset's own columns and values exactly as published.

Tables are sortable by keyboard (site_src/assets/tables.js adds a button to
each column header) and split into pages (pages_of): at most PAGE_ROWS rows and
PAGE_CHARS characters of rows on a list's own pages, and FIRST_ROWS rows and
FIRST_CHARS characters on a page that shows a list among other things (an entity
page, Live now, the Forward plan), so no page's HTML grows with the data or with
the length of its descriptions (tests/site/test_page_size.py: 120 KB at most).

A table's CSV of at most INLINE_BYTES is carried in its download link itself (a `data:` URL,
saved under the file name it would have had): no file, so no request, and a build writes a
file only for the larger ones. At 20k grants this is 17,400 of the 19,700 table CSVs, most of
them the single row on a contract's, decision's or intention's page (benchmarks/README.md).
"""

from __future__ import annotations

import base64
import csv
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pandas as pd
from markupsafe import Markup, escape

from ..data.load import SourceText
from .format import file_size, gbp, long_date, number
from .urls import download_name, href, root_of

SITE_ROOT_MARK = "\ue000"  # replaced by the page's relative path to the site root
PAGE_ROWS = 100  # most rows in a table on a list's own page (an index page, a further page of a list)
PAGE_CHARS = 64_000  # most characters of rows' HTML there (long descriptions make fewer rows)
FIRST_ROWS = 20  # most rows of each list on a page that shows it among other things; the rest on further pages
FIRST_CHARS = 24_000
NUM = ' class="num"'
INLINE_BYTES = 4096  # a table's CSV of at most this many bytes is in its link (data: URL), not a file


NOT_STATED = "not stated"  # shown for a value the data leaves empty (never guessed)


def _each_distinct(values: pd.Series, make, empty: str = "") -> np.ndarray:
    """make(value) for every value, computed once per distinct value (dates, amounts, names
    and titles repeat: at 1M grants most columns hold a few thousand distinct values);
    missing values (NaN, NaT, None) give `empty`."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    made = np.array([make(v) for v in uniques] + [empty], dtype=object)  # the last one: missing
    return made[codes]  # code -1 (missing) picks the last


def _text(values: pd.Series, empty: str = "") -> np.ndarray:
    """Escaped text of a column, `empty` for missing values."""
    return _each_distinct(values, lambda v: str(escape(v)) if isinstance(v, str) else "", empty)


def _dates(values: pd.Series, empty: str = "") -> tuple[np.ndarray, np.ndarray]:
    shown = _each_distinct(values, lambda v: long_date(v.date()), empty)
    keys = _each_distinct(values, lambda v: v.strftime("%Y-%m-%d"))
    return shown, keys


def _money(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    shown = _each_distinct(values, gbp)
    keys = _each_distinct(values, lambda v: repr(float(v)))
    return shown, keys


@dataclass
class Heading:
    """A list's column heading, and how the column sorts and aligns."""

    title: str
    kind: str = "text"  # text, number, date (how the column sorts and aligns)


class Texts:
    """Many strings kept as one UTF-8 buffer with their offsets: the rows' HTML and CSV lines.

    The entity pages' forked workers (entity_pages.render_html) read the rows the parent made.
    Reading a str from an array of them adds to its reference count, which writes to the memory
    page it lies on, and Linux then copies that page into the worker: at 1M grants each worker
    ended up with its own copy of most of the rows. Slicing one buffer writes nothing shared.
    It is also smaller: no object header per string, and one byte, not two, per ASCII character
    of a row whose link holds SITE_ROOT_MARK."""

    BLOCK = 65_536  # strings encoded at a time: neither they nor the buffer are ever held twice

    def __init__(self, items=()):
        """`items`: any iterable of str (a generator is read a block at a time, so the strings
        need never all exist at once)."""
        self._fill(_encoded(iter(items), self.BLOCK))

    @classmethod
    def of_blocks(cls, blocks: Iterator[tuple[bytes, np.ndarray, np.ndarray]]) -> "Texts":
        """From strings already encoded, a block at a time: the block's bytes (its strings one
        after another), and each string's size in bytes and length in characters."""
        texts = cls.__new__(cls)
        texts._fill(blocks)
        return texts

    def _fill(self, blocks) -> None:
        self.buffer = bytearray()
        sizes, lengths = [], []
        for data, size, length in blocks:
            self.buffer += data
            sizes.append(size)
            # The length of each in characters (what a page's size is counted in: pages_of).
            lengths.append(length)
        sizes = np.concatenate(sizes) if sizes else np.empty(0, dtype=np.int64)
        self.lengths = np.concatenate(lengths) if lengths else np.empty(0, dtype=np.int64)
        self.ends = np.cumsum(sizes)
        self.starts = self.ends - sizes

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, position: int) -> str:
        return self.buffer[self.starts[position]:self.ends[position]].decode("utf-8")

    def join(self, positions) -> str:
        """The strings at `positions`, in that order, joined."""
        return self.join_bytes(positions).decode("utf-8")

    def join_bytes(self, positions) -> bytes:
        """The same, as UTF-8."""
        buffer = self.buffer
        return b"".join([buffer[a:b] for a, b in zip(self.starts[positions].tolist(), self.ends[positions].tolist())])


def _encoded(items: Iterator[str], block: int) -> Iterator[tuple[bytes, np.ndarray, np.ndarray]]:
    """Strings as Texts.of_blocks takes them, `block` strings at a time (none for no strings)."""
    while strings := list(itertools.islice(items, block)):
        lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
        encoded = [item.encode("utf-8") for item in strings]
        sizes = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        yield b"".join(encoded), sizes, lengths


@dataclass
class RowSet:
    """Ready-made rows of one kind of list: HTML per row and the CSV of its dataset (given as
    arrays of str, kept as Texts)."""

    dataset: str
    columns: list[Heading]
    html: Texts  # one "<tr>...</tr>" per row of the dataset, links starting with SITE_ROOT_MARK
    csv_header: str
    csv_lines: Texts  # one CSV line per row, from the source text
    # A row that sums up several rows of its dataset (the contract performance list: one row per contract and
    # year): how many CSV lines each row has, and what they are, for the download link's text.
    csv_counts: np.ndarray | None = None
    csv_noun: str = ""

    def __post_init__(self):
        if not isinstance(self.html, Texts):
            self.html = Texts(self.html)
        if not isinstance(self.csv_lines, Texts):
            self.csv_lines = Texts(self.csv_lines)

    def lengths(self) -> np.ndarray:
        """The length of each row's HTML, in characters."""
        return self.html.lengths

    @cached_property
    def csv_head(self) -> bytes:
        """csv_header as UTF-8."""
        return self.csv_header.encode("utf-8")

    @cached_property
    def head(self) -> str:
        """The header cells of every table of these rows (made once: a 1M build has some
        900,000 tables)."""
        return "".join(f'<th scope="col" data-type="{c.kind}"{NUM if c.kind == "number" else ""}>{escape(c.title)}</th>'
                       for c in self.columns)


def source_lines(raw: SourceText, name: str) -> tuple[str, Texts]:
    """The header line and one CSV line per row of a file (load.SourceText), each as csv.writer
    writes the row's cells, a block at a time: neither the file nor its lines are ever all
    held as strings. A line with no quote and no carriage return is already what csv.writer
    writes of its cells, and so is a line whose values are quoted only where they hold a
    comma or a quote, each closing on its line: a block of such lines (and no blank one) is
    taken as its bytes are, its lines found with numpy (_as_they_are: only those with a quote
    are looked at one by one), and other blocks' lines are taken one by one (three to ten
    times faster than csv). Other lines whose quoted values close on their line are read and
    written by csv. From a block with any other quote (a value running on to the next line, a
    stray quote), or a carriage return other than a Windows line end's, the rest of the file
    is read and written row by row by csv (_csv_lines)."""
    blocks = _line_blocks(raw, name)
    first = next(blocks, None)
    if first is None:
        return "\n", Texts()
    data, sizes, lengths = first
    header = data[:sizes[0]].decode("utf-8")
    rest = (data[sizes[0]:], sizes[1:], lengths[1:])
    return header, Texts.of_blocks(itertools.chain([rest], blocks))


def _line_blocks(raw: SourceText, name: str) -> Iterator[tuple[bytes, np.ndarray, np.ndarray]]:
    """source_lines' lines, header first, as Texts.of_blocks takes them (no empty block)."""
    for offset, data in raw.blocks(name):
        block = _as_they_are(data)
        if block is not None:
            if len(block[1]):
                yield block
            continue
        text = data.decode("utf-8")
        if "\r" in text and text.count("\r") == text.count("\r\n"):
            text = text.replace("\r\n", "\n")  # Windows line ends: what csv.reader takes them to be
        lines = text.split("\n")
        quoted = [i for i, line in enumerate(lines) if '"' in line and not _AS_CSV_WRITES.fullmatch(line)]
        if "\r" in text or not all(_ONE_LINE_ROW.fullmatch(lines[i]) for i in quoted):
            yield from _encoded(_csv_lines(raw.rows(name, offset)), Texts.BLOCK)
            return
        if quoted:
            for i, line in zip(quoted, _csv_lines(csv.reader([lines[i] for i in quoted]))):
                lines[i] = line[:-1]
        yield from _encoded((line + "\n" for line in lines if line), Texts.BLOCK)


def _as_they_are(data: bytes) -> tuple[bytes, np.ndarray, np.ndarray] | None:
    """A block of a file's lines as Texts.of_blocks takes them, when its bytes are already what
    csv.writer writes of its rows (each line ended by a line feed, one added at the end of a
    file without it): no carriage return, no blank line, and every line with a quote as
    csv.writer quotes (_AS_CSV_WRITES). Else None."""
    if b"\r" in data or b"\n\n" in data or data.startswith(b"\n"):
        return None
    if not data.endswith(b"\n"):
        data += b"\n"
    codes = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(codes == 10) + 1  # where each line ends, after its line feed
    starts = np.concatenate(([0], ends[:-1]))
    if not _quoted_as_csv_writes(data, codes, starts, ends):
        return None
    sizes = ends - starts
    if data.isascii():
        return data, sizes, sizes
    # characters: the bytes that do not continue a UTF-8 sequence (10xxxxxx), counted per line
    following = np.searchsorted(ends, np.flatnonzero((codes & 0xC0) == 0x80), side="right")
    return data, sizes, sizes - np.bincount(following, minlength=len(sizes))


def _quoted_as_csv_writes(data: bytes, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> bool:
    """Whether every line of `data` (its `starts` and `ends`, after each line feed; no carriage
    return) is as _AS_CSV_WRITES. A line with no quote always is. So is a line whose quotes
    come in pairs, each pair a whole value (its first quote after the
    line's start or a comma, its second before a comma or the line's end) holding a comma
    (csv.writer quotes no other): looked at for all the lines at once, with numpy. The other
    lines with a quote (a doubled quote, say) are matched one by one."""
    quotes = np.flatnonzero(codes == 34)
    if not len(quotes):
        return True
    line = np.searchsorted(ends, quotes, side="right")  # the line of each quote
    first = np.flatnonzero(np.diff(line, prepend=-1))  # each line's first quote
    if (np.diff(np.append(first, len(quotes))) % 2).any():
        simple = np.zeros(len(first), dtype=bool)  # pairs not in step: every line with a quote is matched
    else:  # every line has pairs of quotes: the block's quotes pair up in turn, (0, 1), (2, 3) ...
        opens, closes = quotes[0::2], quotes[1::2]
        before = codes[opens - 1]  # for a quote at the very start, the block's last byte: a line feed
        commas = np.flatnonzero(codes == 44)
        # (A doubled quote fails: a pair's second quote is then followed by a quote, or the pair
        # holds no comma.)
        whole = (((before == 44) | (before == 10)) & np.isin(codes[closes + 1], (44, 10))
                 & (np.searchsorted(commas, closes) > np.searchsorted(commas, opens)))
        simple = np.logical_and.reduceat(whole, first // 2)  # a line's pairs start at its first quote's
    match = _AS_CSV_WRITES.fullmatch
    return all(match(data[starts[i]:ends[i] - 1].decode("utf-8")) for i in line[first][~simple].tolist())


# A row on one line: values unquoted, or quoted with any quote in them doubled.
_ONE_LINE_ROW = re.compile(r'(?:[^",]*|"(?:[^"]|"")*")(?:,(?:[^",]*|"(?:[^"]|"")*"))*')
# ... as csv.writer writes it: only a value with a comma or a quote is quoted.
_QUOTED = r'"[^",]*(?:,|"")(?:[^"]|"")*"'
_AS_CSV_WRITES = re.compile(rf'(?:[^",]*|{_QUOTED})(?:,(?:[^",]*|{_QUOTED}))*')


def _line(values) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def _csv_lines(rows: Iterator[list[str]]) -> Iterator[str]:
    """Each row as csv.writer writes it. Written a block of rows at a time, by one writer ending
    each line with a mark, then split at the marks (a writer per row cost 1 s per 200k rows);
    if a value holds the mark itself, row by row instead, so that the line is the same."""
    while block := list(itertools.islice(rows, Texts.BLOCK)):
        out = io.StringIO()
        csv.writer(out, lineterminator=_END).writerows(block)
        text = out.getvalue()
        if text.count(_END[0]) == len(block):  # no value holds the mark (a writer would also quote it)
            yield from (part + "\n" for part in text.split(_END)[:-1])
        else:
            yield from map(_line, block)


_END = "\ue001\n"  # ends each CSV line while they are written together (a private-use character)


def _link(targets: np.ndarray, texts: np.ndarray) -> np.ndarray:
    return np.array([f'<a href="{SITE_ROOT_MARK}{t}">{x}</a>' if t else x for t, x in zip(targets, texts)], dtype=object)


def _targets(keys: pd.Series, kind_entities: dict, folder: str) -> np.ndarray:
    return np.array([f"{folder}/{kind_entities[k].slug}.html" if isinstance(k, str) and k in kind_entities else ""
                     for k in keys.astype(object).where(keys.notna(), None)], dtype=object)


def _linked(keys: pd.Series, kind_entities: dict, folder: str, named: bool = True) -> np.ndarray:
    """A link to each key's entity page, its text the entity's name (`named`) or the key; a key
    with no entity is its text alone, a missing one "": `_link(_targets(keys ...), _text(names))`,
    made once per distinct key (at 1M grants, a million rows hold 333,333 recipients, a few
    hundred programmes and wards)."""
    def make(key) -> str:
        entity = kind_entities.get(key) if isinstance(key, str) else None
        text = entity.name if named and entity is not None else key
        text = str(escape(text)) if isinstance(text, str) else ""
        return f'<a href="{SITE_ROOT_MARK}{folder}/{entity.slug}.html">{text}</a>' if entity is not None else text

    return _each_distinct(keys, make)


def _assemble(cells: list[tuple[str, np.ndarray, np.ndarray | None, str]]) -> Texts:
    """Rows of <tr> from columns of (tag, html, sort keys or None, class), every cell's text a
    str: each block of rows joined by Arrow, text between columns and all (binary_join), and
    taken into Texts as Arrow holds them (no str per row)."""
    pieces: list = []  # the rows' fixed text and their columns, in order
    text = "<tr>"
    for tag, html, keys, css in cells:
        attrs = (' scope="row"' if tag == "th" else "") + (f' class="{css}"' if css else "")
        if keys is not None:
            pieces += [f'{text}<{tag}{attrs} data-sort="', keys, '">', html]
        else:
            pieces += [f"{text}<{tag}{attrs}>", html]
        text = f"</{tag}>"
    pieces.append(f"{text}</tr>")
    return Texts.of_blocks(_joined(pieces, Texts.BLOCK))


def _joined(pieces: list, block: int) -> Iterator[tuple[bytes, np.ndarray, np.ndarray]]:
    """Each row's pieces (a str: the same in every row; an array: the row's own) joined, as
    Texts.of_blocks takes them, `block` rows at a time."""
    rows = len(next(piece for piece in pieces if not isinstance(piece, str)))
    for start in range(0, rows, block):
        args = [pa.scalar(piece, pa.large_string()) if isinstance(piece, str)
                else pa.array(piece[start:start + block], type=pa.large_string()) for piece in pieces]
        joined = pc.binary_join_element_wise(*args, pa.scalar("", pa.large_string()))
        if joined.null_count:
            raise ValueError("a list's cell is not text")
        offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64)[joined.offset:joined.offset + len(joined) + 1]
        data = bytes(memoryview(joined.buffers()[2])[offsets[0]:offsets[-1]])
        yield data, np.diff(offsets), pc.utf8_length(joined).to_numpy(zero_copy_only=False).astype(np.int64)


def row_sets(tables: dict[str, pd.DataFrame], raw: SourceText, entities) -> dict[str, RowSet]:
    """The five kinds of list, each row made once."""
    ent = entities.by_kind
    return {
        "contracts": _contract_rows(tables, raw, ent),
        "grants": _grant_rows(tables, raw, ent),
        "intentions": _intention_rows(tables, raw, ent),
        "decisions": _decision_rows(tables, raw, ent),
        "organisations": _organisation_rows(tables, raw, ent),
    }


def _contract_rows(tables: dict[str, pd.DataFrame], raw: SourceText, ent: dict) -> RowSet:
    """The contracts list: contract, supplier, commissioner, dates, value, status."""
    c = tables["contracts"]
    title = _link(_targets(c["contract_id"], ent["contract"], "contracts"), _text(c["title"]))
    supplier = _linked(c["supplier_org_id"], ent["organisation"], "organisations")
    commissioner = _linked(c["commissioner_id"], ent["commissioner"], "commissioners")
    start, start_key = _dates(c["start_date"])
    end, end_key = _dates(c["end_date"], NOT_STATED)
    value, value_key = _money(c["total_value_gbp"])
    header, lines = source_lines(raw, "contracts")
    return RowSet("contracts", [Heading("Contract"), Heading("Supplier"), Heading("Commissioner"),
                                Heading("Starts", "date"), Heading("Ends", "date"),
                                Heading("Total value", "number"), Heading("Status")],
                  _assemble([("th", title, None, ""), ("td", supplier, None, ""),
                             ("td", commissioner, None, ""), ("td", start, start_key, ""),
                             ("td", end, end_key, ""), ("td", value, value_key, "num"),
                             ("td", _text(c["status"], NOT_STATED), None, "")]),
                  header, lines)


def _grant_rows(tables: dict[str, pd.DataFrame], raw: SourceText, ent: dict) -> RowSet:
    """The grants list: grant (with its description), recipient, programme, ward, date, amount."""
    g = tables["grants"]
    title = np.array([f'{t}<br><span class="row-note">{d}</span>' for t, d in zip(_text(g["title"]), _text(g["description"]))],
                     dtype=object)
    recipient = _linked(g["recipient_org_id"], ent["organisation"], "organisations")
    programme = _linked(g["programme"], ent["programme"], "programmes", named=False)
    ward = _linked(g["beneficiary_ward"], ent["ward"], "wards", named=False)
    awarded, awarded_key = _dates(g["award_date"])
    amount, amount_key = _money(g["amount_awarded"])
    header, lines = source_lines(raw, "grants")
    return RowSet("grants", [Heading("Grant"), Heading("Recipient"), Heading("Programme"), Heading("Ward"),
                             Heading("Awarded", "date"), Heading("Amount", "number")],
                  _assemble([("th", title, None, ""), ("td", recipient, None, ""),
                             ("td", programme, None, ""), ("td", ward, None, ""),
                             ("td", awarded, awarded_key, ""), ("td", amount, amount_key, "num")]),
                  header, lines)


def _intention_rows(tables: dict[str, pd.DataFrame], raw: SourceText, ent: dict) -> RowSet:
    """The commissioning intentions list."""
    i = tables["commissioning_intentions"]
    title = _link(_targets(i["intention_id"], ent["intention"], "intentions"), _text(i["title"]))
    commissioner = _linked(i["commissioner_id"], ent["commissioner"], "commissioners")
    planned, planned_key = _dates(i["planned_start_date"])
    value, value_key = _money(i["estimated_value_gbp"])
    header, lines = source_lines(raw, "commissioning_intentions")
    return RowSet("commissioning_intentions",
                  [Heading("Intention"), Heading("Commissioner"), Heading("Client group"),
                   Heading("Planned start", "date"), Heading("Estimated value", "number"), Heading("Status")],
                  _assemble([("th", title, None, ""), ("td", commissioner, None, ""),
                             ("td", _text(i["client_group"]), None, ""),
                             ("td", planned, planned_key, ""), ("td", value, value_key, "num"),
                             ("td", _text(i["status"]), None, "")]),
                  header, lines)


def _decision_rows(tables: dict[str, pd.DataFrame], raw: SourceText, ent: dict) -> RowSet:
    """The decisions list."""
    d = tables["decisions"]
    title = _link(_targets(d["decision_id"], ent["decision"], "decisions"), _text(d["title"]))
    decided, decided_key = _dates(d["decision_date"])
    key = np.array(["" if pd.isna(v) else ("yes" if v else "no") for v in d["key_decision"]], dtype=object)
    gateway = np.array(["" if pd.isna(v) else str(int(v)) for v in d["gateway"]], dtype=object)
    header, lines = source_lines(raw, "decisions")
    return RowSet("decisions",
                  [Heading("Decision"), Heading("Decision maker"), Heading("Decided", "date"),
                   Heading("Key decision"), Heading("Gateway"), Heading("Record")],
                  _assemble([("th", title, None, ""), ("td", _text(d["decision_maker"]), None, ""),
                             ("td", decided, decided_key, ""), ("td", key, None, ""),
                             ("td", gateway, None, ""), ("td", _text(d["provenance"]), None, "")]),
                  header, lines)


def _organisation_rows(tables: dict[str, pd.DataFrame], raw: SourceText, ent: dict) -> RowSet:
    """The organisations list, with what each was paid in contracts and grants."""
    o = tables["organisations"]
    orgs = ent["organisation"]
    name = _link(_targets(o["org_id"], orgs, "organisations"), _text(o["name"]))
    listed = [orgs[k] for k in o["org_id"].tolist()]  # (a list: iterating the column is slower)
    contracts_total = np.array([e.contracts_total for e in listed], dtype=float)
    grants_total = np.array([e.grants_total for e in listed], dtype=float)
    ct, ct_key = _money(pd.Series(contracts_total))
    gt, gt_key = _money(pd.Series(grants_total))
    header, lines = source_lines(raw, "organisations")
    return RowSet("organisations",
                  [Heading("Organisation"), Heading("Type"), Heading("Contracts", "number"),
                   Heading("Grants", "number"), Heading("Based in the area")],
                  _assemble([("th", name, None, ""), ("td", _text(o["organisation_type"], NOT_STATED), None, ""),
                             ("td", ct, ct_key, "num"), ("td", gt, gt_key, "num"),
                             ("td", _each_distinct(o["based_in_borough"], lambda v: "yes" if v else "no", NOT_STATED),
                              None, "")]),
                  header, lines)


@dataclass
class Listing:
    """One table on one page, ready to write: its HTML and its CSV file."""

    html: Markup
    csv_path: str | None  # site path of the CSV of exactly these rows; None: it is in the link
    csv_data: bytes  # the CSV, UTF-8


def data_url(data: bytes) -> str:
    """`data` (UTF-8) as a CSV in a `data:` URL (base64: made at C speed, and no character of it
    needs escaping in an attribute)."""
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(data).decode("ascii")


def table(page: str, caption: str, rows: RowSet, positions: np.ndarray, csv_path: str,
          note: str = "") -> Listing:
    """The table of `positions` (one page of a list: pages_of) for `page`, with its CSV download
    at `csv_path` (a site path), or in the link under that file name when it is small (INLINE_BYTES)."""
    csv_data = rows.csv_head + rows.csv_lines.join_bytes(positions)  # (never decoded: it is written as it is)
    size = len(csv_data)
    if size <= INLINE_BYTES:
        link = f'href="{data_url(csv_data)}" download="{escape(download_name(csv_path))}"'
        csv_path = None
    else:
        link = f'href="{escape(href(page, csv_path))}" download="{escape(download_name(csv_path))}"'

    head = rows.head
    body = rows.html.join(positions).replace(SITE_ROOT_MARK, root_of(page))
    label = escape(caption)
    html = (f'<div class="table-scroll" role="region" aria-label="{label}" tabindex="0">\n'
            f'<table data-sortable>\n<caption>{label}</caption>\n<thead>\n<tr>{head}</tr>\n</thead>\n'
            f'<tbody>\n{body}\n</tbody>\n</table>\n</div>\n'
            f'<p class="table-download">{note}<a {link}>'
            f'{_download_text(rows, positions)} (CSV, {file_size(size)})</a></p>\n')
    return Listing(Markup(html), csv_path, csv_data)


def _download_text(rows: RowSet, positions: np.ndarray) -> str:
    if rows.csv_counts is not None:
        return f"Download the {number(int(rows.csv_counts[positions].sum()))} {rows.csv_noun} counted here"
    return "Download this row" if len(positions) == 1 else f"Download these {number(len(positions))} rows"


def pages_of(positions: np.ndarray, rows: RowSet | None = None, first: int = PAGE_ROWS,
             first_chars: int = PAGE_CHARS) -> list[np.ndarray]:
    """`positions` split into table pages: the first of at most `first` rows and `first_chars`
    characters of HTML, each further one of at most PAGE_ROWS rows and PAGE_CHARS characters
    (by `rows`' lengths; every page has a row at least)."""
    if not len(positions):
        return [positions]
    lengths = rows.lengths()[positions] if rows is not None else None
    chunks, start, most, chars = [], 0, first, first_chars
    while start < len(positions):
        end = min(len(positions), start + most)
        if lengths is not None:
            fits = int(np.searchsorted(np.cumsum(lengths[start:end]), chars, side="right"))
            end = start + max(1, fits)
        chunks.append(positions[start:end])
        start, most, chars = end, PAGE_ROWS, PAGE_CHARS
    return chunks

