"""Loading reads a CSV file's cells with pyarrow (data/load.py read_cells) and gives the
tables pandas' reader gave: the same cells, the same typed tables, and pandas itself where the
two readers may differ."""

from __future__ import annotations

import csv
import io
import random
import warnings

import pandas as pd
import pytest

from generator.config import PROJECT_DIR
from generator.data import load
from generator.data.package import load_package


def pandas_cells(path) -> pd.DataFrame:
    """What loading read before: pandas' reader, every cell as text, only "" missing."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8", index_col=False)


def rows_of(frame: pd.DataFrame) -> list[list]:
    return [[None if pd.isna(v) else v for v in row] for row in frame.astype(object).values.tolist()]


@pytest.fixture
def pandas_calls(monkeypatch) -> list:
    calls, real = [], pd.read_csv

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(load.pd, "read_csv", counted)
    return calls


def test_the_cells_are_pandas_readers_cells(tmp_path, pandas_calls):
    """A differential fuzz over files whose every row has the header's number of cells (the
    only files validation passes): quotes, CR, LF, CRLF, NUL, a byte order mark, Unicode line
    separators, and texts pandas takes for missing by default ("NA", "nan")."""
    rng = random.Random(2016)
    pieces = ["a", "b", ",", '"', '""', "\n", "\r", "\r\n", " ", "\t", "é", "'", "\u2028", "#", "\\", "\ufeff",
              "NA", "nan", "1", "\x00"]
    path = tmp_path / "t.csv"
    compared = by_pyarrow = 0
    for _ in range(20000):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        text = ("\ufeff" if rng.random() < 0.1 else "") + "x,y,z\n" + body
        if not all(len(row) == 3 for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))):
            continue
        path.write_text(text, encoding="utf-8", newline="")
        try:
            expected = pandas_cells(path)
        except (ValueError, pd.errors.ParserError):
            continue
        calls = len(pandas_calls)
        got = load.read_cells(path, ["x", "y", "z"])
        by_pyarrow += len(pandas_calls) == calls
        compared += 1
        assert list(got.columns) == list(expected.columns), repr(text)
        assert rows_of(got) == rows_of(expected), repr(text)
    assert compared > 700 and by_pyarrow > 0.8 * compared, (compared, by_pyarrow)


def test_where_the_readers_may_differ_pandas_reads(tmp_path, pandas_calls):
    path = tmp_path / "t.csv"
    cases = {
        "x,y\na\x00b,c\n": [["a", "c"]],  # pandas ends the cell at a NUL
        "y,x\na,b\n": [["a", "b"]],  # another header: pandas keeps the file's
        "x,y\na,b,c\n": [["a", "b"]],  # a row of more cells than the header (pandas warns)
        "x,y,z\n1,2,3\n": [["1", "2", "3"]],
    }
    for text, rows in cases.items():
        path.write_text(text, encoding="utf-8", newline="")
        pandas_calls.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            got = load.read_cells(path, ["x", "y"])
        assert len(pandas_calls) == 1 and rows_of(got) == rows, text
    path.write_text("x,y\na,\n,\n", encoding="utf-8", newline="")
    pandas_calls.clear()
    got = load.read_cells(path, ["x", "y"])
    assert pandas_calls == [] and rows_of(got) == [["a", None], [None, None]]
    path.write_text("x,y\n", encoding="utf-8", newline="")
    assert load.read_cells(path, ["x", "y"]).shape == (0, 2) and pandas_calls == []


def test_the_loaded_tables_are_those_pandas_reader_gave(small_data, monkeypatch):
    """The typed tables (and the not-finite findings) of the bundled data and a sample."""
    for folder in (PROJECT_DIR / "data", small_data):
        package = load_package(folder)
        got = load.load(package.resources)
        with monkeypatch.context() as patched:
            patched.setattr(load, "read_cells", lambda path, names: pandas_cells(path))
            expected = load.load(package.resources)
        assert got[1] == expected[1]
        for name, table in expected[0].items():
            assert table.dtypes.equals(got[0][name].dtypes), name
            pd.testing.assert_frame_equal(got[0][name], table, check_exact=True)
