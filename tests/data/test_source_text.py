"""The tables' source text (data/load.py SourceText, read a row at a time) and the CSV lines
the lists' downloads are made of (site/listing.py source_lines): each value exactly as the
file has it, as pandas reads it."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.data import load
from generator.data.package import Resource, load_package
from generator.site import listing
from generator.site.listing import Texts


def _pandas_lines(path) -> tuple[str, list[str]]:
    """The lines as they were made before: the file read by pandas, each row written by csv."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", index_col=False)

    def line(values) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(values)
        return out.getvalue()

    return line(frame.columns), [line(row) for row in frame.itertuples(index=False, name=None)]


def test_source_text_rows_are_the_files_cells(small_data):
    resources = load_package(small_data).resources
    raw = load.SourceText(resources)
    assert all(res.name in raw for res in resources) and "nothing" not in raw
    rows = list(raw.rows("grants"))
    with open(small_data / "grants.csv", encoding="utf-8", newline="") as handle:
        assert rows == list(csv.reader(handle))
    assert rows[0][0] == "grant_id" and any(cell == "" for row in rows[1:] for cell in row)


@pytest.mark.parametrize("block", [Texts.BLOCK, 2])
def test_lines_are_those_pandas_and_csv_made(small_data, monkeypatch, block):
    monkeypatch.setattr(Texts, "BLOCK", block)
    monkeypatch.setattr(load.SourceText, "BLOCK_BYTES", block * 50)
    raw = load.SourceText(load_package(small_data).resources)
    for name in ("grants", "organisations", "contracts", "decisions"):
        header, lines = listing.source_lines(raw, name)
        expected_header, expected = _pandas_lines(small_data / f"{name}.csv")
        assert header == expected_header
        assert [lines[i] for i in range(len(lines))] == expected, name


@pytest.mark.parametrize("block", [Texts.BLOCK, 1])
def test_awkward_text_comes_out_as_pandas_reads_it(tmp_path, monkeypatch, block):
    """A byte order mark, quotes, commas, line breaks and non-ASCII in values, a blank line,
    and a value holding the mark that ends lines while they are written together."""
    monkeypatch.setattr(Texts, "BLOCK", block)
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffid,text\r\n1,\"a, \"\"quoted\"\" value\"\r\n\r\n2,\"two\r\nlines\"\r\n"
                     "3,£5 café\r\n4,\ue001\n\r\n5,\r\n".encode("utf-8"))
    raw = load.SourceText([Resource(name="t", title="T", path=path, shown="t.csv", schema={}, descriptor={})])
    header, lines = listing.source_lines(raw, "t")
    expected_header, expected = _pandas_lines(path)
    assert (header, [lines[i] for i in range(len(lines))]) == (expected_header, expected)
    assert header == "id,text\n" and len(expected) == 5


CASES = {
    "plain": "id,text\n1,a\n2,b\n",
    "quoted as csv quotes": 'id,text\n1,"a, b"\n2,"say ""hi"""\n3,c\n',
    "every value quoted": '"id","text"\n"1","a"\n"2",""\n"3","b,c"\n',
    "quoted where csv quotes, and more": 'id,text\n1,"a, b"\n2,"x"\n"3",""\n""\n4,"say ""hi"""\n',
    "a lone empty value": 'id\n""\n1\n',
    "no line end at the end": "id,text\n1,a\n2,b",
    "windows line ends": 'id,text\r\n1,"a, b"\r\n\r\n2,b\r\n',
    "a stray quote": 'id,text\n1,a"b\n2,"c"d\n3,e\n',
    "a quote running on": 'id,text\n0,x\n1,a"b,"c\nd"\n2,e\n',
    "a line break in a value": 'id,text\n0,x\n1,"two\nlines, ""quoted"""\n2,e\n',
    "a lone carriage return": 'id,text\n0,x\n1,a\rb\n2,e\n',
    "blank lines and spaces": "id,text\n\n1, a \n\n\n2,b\n",
    "non-ASCII": "id,text\n1,£5 café\n2,\ue001\n3,\ue000\n",
    "only a header": "id,text\n",
    "non-ASCII, quoted": 'id,text\n1,"£5, café"\n2,é ü\n3,"say ""😀"""\n',
    "quoted, no line end at the end": 'id,text\n1,"a, b"',
    "a line starting with a quote that runs on": 'id,text\n0,x\n"1,a\n2,b\n',
}


@pytest.mark.parametrize("block_bytes", [1 << 20, 7, 1])
@pytest.mark.parametrize("case", list(CASES))
def test_lines_are_what_csv_writes_of_the_rows(tmp_path, monkeypatch, case, block_bytes):
    """Lines taken as they are, lines read by csv, and a file read by csv from the block where
    a value runs on, at block sizes that cut the file anywhere: always what csv.writer writes
    of the rows csv.reader reads (what the lines were made from before)."""
    monkeypatch.setattr(load.SourceText, "BLOCK_BYTES", block_bytes)
    path = tmp_path / "t.csv"
    path.write_bytes(CASES[case].encode("utf-8"))
    raw = load.SourceText([Resource(name="t", title="T", path=path, shown="t.csv", schema={}, descriptor={})])
    header, lines = listing.source_lines(raw, "t")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.reader(handle) if row]
    expected = [listing._line(row) for row in rows]
    assert [header] + [lines[i] for i in range(len(lines))] == expected
    # the lines held as Texts holds strings: one after another, each's size and length
    made = Texts(expected[1:])
    assert (bytes(lines.buffer), lines.starts.tolist(), lines.ends.tolist(), lines.lengths.tolist()) == \
        (bytes(made.buffer), made.starts.tolist(), made.ends.tolist(), made.lengths.tolist())


def test_a_block_read_by_csv_starts_where_a_row_does(tmp_path, monkeypatch):
    """SourceText.blocks: whole lines, with the offset each block starts at; rows(start=...)
    reads on from there."""
    monkeypatch.setattr(load.SourceText, "BLOCK_BYTES", 5)
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffid\n1\n22\n333".encode("utf-8"))
    raw = load.SourceText([Resource(name="t", title="T", path=path, shown="t.csv", schema={}, descriptor={})])
    blocks = list(raw.blocks("t"))
    assert blocks == [(3, b"id\n1\n"), (8, b"22\n"), (11, b"333")]
    assert list(raw.rows("t", 8)) == [["22"], ["333"]] and list(raw.rows("t"))[0] == ["id"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet='a,"é ', max_size=12), min_size=1, max_size=6))
def test_lines_checked_together_are_those_matched_one_by_one(lines):
    """listing._quoted_as_csv_writes (every line at once, with numpy) says of random lines of
    quotes, commas and text what _AS_CSV_WRITES says of each line."""
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    codes = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(codes == 10) + 1
    starts = np.concatenate(([0], ends[:-1]))
    expected = all(listing._AS_CSV_WRITES.fullmatch(line) for line in lines)
    assert listing._quoted_as_csv_writes(data, codes, starts, ends) == expected


@pytest.mark.parametrize("line, expected", [
    ('1,"a, b",2', True), ('"a, b"', True), ('"a,b","c,d"', True), ('"a"', False), ('1,"a",2', False),
    ('x"a, b"', False), ('"a, b"x', False), ('"say ""hi"""', True), ('"a, ""b"""', True), ('"a, b', False),
    ('""', False), ('1,2', True)])
def test_quoted_lines_as_csv_writes_them(line, expected):
    assert bool(listing._AS_CSV_WRITES.fullmatch(line)) == expected
    data = f"0,x\n{line}\n".encode("utf-8")
    codes = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(codes == 10) + 1
    assert listing._quoted_as_csv_writes(data, codes, np.concatenate(([0], ends[:-1])), ends) == expected


@pytest.mark.parametrize("text, expected", [
    ('"a,b","c,d"\n1,"x"\n"e,f"\n', False),  # the second line's one pair holds no comma
    ('"a,b","c,d"\n1,"x,y"\n"e,f"\n', True),
    ('"a,b","c,d"\n1,"x,y"\n"e"\n', False)])
def test_each_line_is_judged_by_its_own_pairs(text, expected):
    """Lines with several pairs and with one: each line's pairs, and no other line's, decide it."""
    data = text.encode("utf-8")
    codes = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(codes == 10) + 1
    assert all(listing._AS_CSV_WRITES.fullmatch(line) for line in text.splitlines()) == expected
    assert listing._quoted_as_csv_writes(data, codes, np.concatenate(([0], ends[:-1])), ends) == expected
