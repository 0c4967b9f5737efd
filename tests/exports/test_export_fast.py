"""The export stage's column-by-column writers give what the simple per-row code gives.

Each fast writer (XLSX, dataset JSON, CSV, 360Giving, OCDS, Transparency Code lists, yearly
files) is checked against a plain reference written here or kept in its module, on the
sample data and on hostile values (formulas, quotes, control characters, odd numbers).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import math
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from zlib_ng import zlib_ng

from generator.exports import columns as kernels
from generator.exports import standards, xlsx
from generator.exports import package as export_package
from generator.exports import giving360
from generator.exports import ocds
from generator.exports import transparency
from generator.config import PROJECT_DIR
from generator.data import package as datapackage
import conformance
from generator.imports import giving360_standard

PUBLISHED = "2026-11-25"
HOSTILE_TEXT = ["=1+1", "+44 20 7525 5000", "-2+3", "@SUM(A1)", "\tTab", "=HYPERLINK(\"http://x\")",
                "http://example.com", "a & b < c > d", 'quote " and \\ backslash', "line\nbreak", "cr\rinside",
                "crlf\r\ninside", " leading", "trailing ", "nul\x00and\x1fcontrol\x0b", "é £ – “curly” 😀",
                "comma, here", "", "  ", "_x0041_", "\ufffe\uffff"]


# --- references: the per-row code the fast writers replaced -----------------------


def reference_json(frame: pd.DataFrame) -> bytes:
    columns = list(frame.columns)
    out = io.StringIO()
    out.write("[\n")
    for i, row in enumerate(frame.itertuples(index=False, name=None)):
        record = {c: conformance.json_value(v) for c, v in zip(columns, row)}
        out.write(("," if i else "") + json.dumps(record, ensure_ascii=False) + "\n")
    out.write("]\n")
    return out.getvalue().encode("utf-8")


def reference_csv(header, rows, terminator: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=terminator)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def reference_transparency_csv(frame: pd.DataFrame) -> bytes:
    return b"\xef\xbb\xbf" + reference_csv([transparency._cell(str(c)) for c in frame.columns],
                                           [[transparency._cell(v) for v in row]
                                            for row in frame.itertuples(index=False, name=None)], "\r\n")


def hostile_frame() -> tuple[pd.DataFrame, list[dict]]:
    n = len(HOSTILE_TEXT)
    numbers = [1.5, 2266.0, 0.1 + 0.2, 1e-05, 1e16, 12345678901234567.0, -5.0, 1e22, 3028.63, 0.0001,
               123456789.125, math.nan] * 2
    frame = pd.DataFrame({
        "text": pd.Series(HOSTILE_TEXT, dtype="string"),
        "n": pd.Series(numbers[:n], dtype="float64"),
        "day": pd.to_datetime(["2024-04-01", None, "1900-01-01", "1900-03-01", "2099-12-31"] * 5)[:n],
        "flag": pd.Series([True, False, None] * 7, dtype="boolean")[:n],
        "missing": pd.Series([None] * n, dtype="string"),
    })
    fields = [{"name": "text", "type": "string"}, {"name": "n", "type": "number"},
              {"name": "day", "type": "date"}, {"name": "flag", "type": "boolean"},
              {"name": "missing", "type": "string"}]
    return frame, fields


def expected_cell(value, kind):
    """What openpyxl should read back for a typed value."""
    value = conformance.json_value(value)
    if value is None:
        return None
    if kind == "number":
        return value
    if kind == "date":
        return dt.datetime.fromisoformat(value)
    if kind == "boolean":
        return "yes" if value else "no"
    text = "".join(c for c in str(value) if c in "\t\n\r" or not (ord(c) < 32 or c in "\ufffe\uffff"))
    return text or None


# --- XLSX ------------------------------------------------------------------------


def read_sheets(path: Path):
    book = openpyxl.load_workbook(path)
    return book, book.worksheets


def test_xlsx_values_types_header_and_pane(tmp_path):
    frame, fields = hostile_frame()
    names = xlsx.write_xlsx(frame, fields, tmp_path / "x.xlsx", "Hostile")
    book, sheets = read_sheets(tmp_path / "x.xlsx")
    assert names == ["Hostile"] and [s.title for s in sheets] == ["Hostile"]
    sheet = sheets[0]
    assert sheet.freeze_panes == "A2"
    header = list(sheet.iter_rows(min_row=1, max_row=1))[0]
    assert [c.value for c in header] == [f["name"] for f in fields]
    assert all(c.font.b for c in header)
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(frame)
    kinds = kernels.field_kinds(fields)
    for row, values in zip(rows, frame.itertuples(index=False, name=None)):
        for cell, value, kind in zip(row, values, kinds):
            assert cell.value == expected_cell(value, kind), (cell.coordinate, value)
            if cell.value is None:
                continue
            if kind == "number":
                assert cell.data_type == "n"
            elif kind == "date":
                assert cell.is_date and cell.number_format == "yyyy-mm-dd"
            else:  # text and yes/no: always a string, never a formula
                assert cell.data_type == "s"


def test_xlsx_text_is_never_a_formula_even_after_a_round_trip(tmp_path):
    frame = pd.DataFrame({"t": pd.Series(["=1+1", "=SUM(A1:A3)", "+1", "@x", "-1"], dtype="string")})
    xlsx.write_xlsx(frame, [{"name": "t"}], tmp_path / "x.xlsx", "S")
    with zipfile.ZipFile(tmp_path / "x.xlsx") as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and 't="inlineStr"' in sheet
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert [c.value for c in book.active["A"]][1:] == list(frame["t"])
    assert {c.data_type for c in book.active["A"]} == {"s"}


def test_xlsx_values_equal_each_typed_table(small_tables, tmp_path):
    package = datapackage.load_package(PROJECT_DIR / "data")
    for res in package.resources:
        frame = small_tables[res.name]
        xlsx.write_xlsx(frame, res.fields, tmp_path / f"{res.name}.xlsx", res.title)
        sheet = openpyxl.load_workbook(tmp_path / f"{res.name}.xlsx", read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == [f["name"] for f in res.fields]
        assert len(rows) == len(frame) + 1
        kinds = kernels.field_kinds(res.fields)
        for got, values in zip(rows[1:], frame.itertuples(index=False, name=None)):
            want = tuple(expected_cell(v, k) for v, k in zip(values, kinds))
            assert tuple(got) + (None,) * (len(want) - len(got)) == want, res.name


def test_xlsx_rows_beyond_a_sheet_continue_on_further_sheets(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 4)  # a header and 3 rows a sheet
    frame = pd.DataFrame({"id": pd.Series([f"r{i}" for i in range(8)], dtype="string"),
                          "n": pd.Series(range(8), dtype="float64")})
    fields = [{"name": "id"}, {"name": "n", "type": "number"}]
    title = "A title that is longer than Excel allows: [x]"
    names = xlsx.write_xlsx(frame, fields, tmp_path / "x.xlsx", title)
    book, sheets = read_sheets(tmp_path / "x.xlsx")
    assert [s.title for s in sheets] == names
    assert len(names) == 3 and all(len(n) <= 31 for n in names)
    assert names[1].endswith(" (2)") and names[2].endswith(" (3)") and ":" not in names[0] and "[" not in names[0]
    seen = []
    for sheet in sheets:
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == ("id", "n") and sheet.freeze_panes == "A2"
        assert len(rows) <= 4
        seen += rows[1:]
    assert seen == [(f"r{i}", i) for i in range(8)]


def test_xlsx_long_text_is_cut_at_the_cell_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "CELL_CHARS", 5)
    frame = pd.DataFrame({"t": pd.Series(["abcdefgh", "abc", "é&<>é&<"], dtype="string")})
    xlsx.write_xlsx(frame, [{"name": "t"}], tmp_path / "x.xlsx", "S")
    values = [c.value for c in openpyxl.load_workbook(tmp_path / "x.xlsx").active["A"]][1:]
    assert values == ["abcde", "abc", "é&<>é"]


def test_xlsx_is_reproducible_and_a_valid_zip(small_tables, tmp_path):
    res = datapackage.load_package(PROJECT_DIR / "data").resource("grants")
    for name in ("a.xlsx", "b.xlsx"):
        xlsx.write_xlsx(small_tables["grants"], res.fields, tmp_path / name, res.title)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert archive.testzip() is None
        assert {i.date_time for i in archive.infolist()} == {xlsx.FIXED_TIME.timetuple()[:6]}


# --- JSON, numbers, CSV -------------------------------------------------------------


def test_dataset_json_is_byte_for_byte_the_per_row_json(small_tables, tmp_path):
    package = datapackage.load_package(PROJECT_DIR / "data")
    for res in package.resources:
        frame = small_tables[res.name]
        export_package.write_json(frame, tmp_path / "x.json", kernels.field_kinds(res.fields))
        assert (tmp_path / "x.json").read_bytes() == reference_json(frame), res.name
    frame, fields = hostile_frame()
    for kinds in (kernels.field_kinds(fields), None):  # from the schema, or from the dtypes
        export_package.write_json(frame, tmp_path / "h.json", kinds)
        assert (tmp_path / "h.json").read_bytes() == reference_json(frame)
    export_package.write_json(frame.iloc[:0], tmp_path / "empty.json", kernels.field_kinds(fields))
    assert (tmp_path / "empty.json").read_bytes() == reference_json(frame.iloc[:0]) == b"[\n]\n"


def test_json_is_written_in_chunks_the_same(small_tables, tmp_path, monkeypatch):
    frame = small_tables["grants"]
    monkeypatch.setattr(export_package, "CHUNK_ROWS", 7)
    export_package.write_json(frame, tmp_path / "x.json")
    assert (tmp_path / "x.json").read_bytes() == reference_json(frame)


def test_number_text_is_python_s_number_text():
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.random(20000) * 10.0 ** rng.integers(-12, 24, 20000),
                             np.round(rng.random(5000) * 1e6, 2), -rng.random(100), [0.0, -0.0, 2.0 ** 53, 1e300],
                             [math.nan]])
    got = kernels.number_text(pa.array(values)).to_pylist()
    want = [None if math.isnan(v) else kernels._python_number(v) for v in values.tolist()]
    assert got == want
    plain = kernels.number_text(pa.array(values), giving360_standard.plain_number).to_pylist()
    assert plain == [None if math.isnan(v) else giving360_standard.plain_number(v) for v in values.tolist()]


@pytest.mark.parametrize("terminator", ["\n", "\r\n"])
def test_csv_columns_are_what_csv_writer_writes(terminator):
    rows = [[a, b] for a, b in zip(HOSTILE_TEXT, reversed(HOSTILE_TEXT))] + [[None, "x"]]
    columns = [pa.array([r[i] for r in rows], pa.string()) for i in range(2)]
    out = io.BytesIO()
    kernels.write_csv_columns(out, ["a,1", 'b"2'], columns, terminator)
    assert out.getvalue() == reference_csv(["a,1", 'b"2'], rows, terminator)


def test_yearly_files_are_the_source_rows_by_year(small_data, small_tables, tmp_path):
    package = datapackage.load_package(small_data)
    for name, column in export_package.YEARLY.items():
        res = package.resource(name)
        downloads = export_package.write_yearly(res, small_tables[name][column], tmp_path)
        from generator.model.dates import financial_years

        years = financial_years(small_tables[name][column]).tolist()
        with res.path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            by_year: dict[str, list] = {}
            for year, row in zip(years, reader):
                by_year.setdefault(year, []).append(row)
        assert [d.filename for d in downloads] == [f"{name}-{y}.csv" for y in sorted(by_year)]
        for year, rows in by_year.items():
            assert (tmp_path / f"{name}-{year}.csv").read_bytes() == reference_csv(header, rows, "\n")


def test_yearly_file_keeps_quoted_line_breaks(tmp_path):
    source = tmp_path / "grants.csv"
    source.write_bytes(b'id,note,award_date\n1,"two\nlines, ""quoted""",2024-05-01\n2,plain,2023-05-01\n'
                       b'3,"cr\r\nlf",2024-06-01\n')
    res = type("Res", (), {"path": source, "name": "grants"})()
    dates = pd.Series(pd.to_datetime(["2024-05-01", "2023-05-01", "2024-06-01"]))
    export_package.write_yearly(res, dates, tmp_path)
    rows = list(csv.reader(source.open(encoding="utf-8", newline="")))
    assert (tmp_path / "grants-2024-25.csv").read_bytes() == reference_csv(rows[0], [rows[1], rows[3]], "\n")
    assert (tmp_path / "grants-2023-24.csv").read_bytes() == reference_csv(rows[0], [rows[2]], "\n")


def stored_member(path: Path, name: str) -> bytes:
    """A ZIP member's data as stored in the file (compressed), from its local header on."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data = path.read_bytes()
    start = info.header_offset
    assert data[start:start + 4] == b"PK\x03\x04"
    name_length, extra_length = struct.unpack("<HH", data[start + 26:start + 30])
    begin = start + 30 + name_length + extra_length
    return data[begin:begin + info.compress_size]


def raw_deflate(module, data: bytes, level: int) -> bytes:
    compressor = module.compressobj(level, module.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def test_zip_streams_the_same_bytes_as_writestr(tmp_path, monkeypatch):
    files = []
    for i, size in enumerate((0, 10, 300_000)):
        path = tmp_path / f"f{i}.csv"
        path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
        files.append(path)
    export_package.write_zip(files, tmp_path / "new.zip")
    # writestr's archive, its members deflated by zlib-ng as write_zip's are: the same bytes
    monkeypatch.setattr(zipfile, "_get_compressor", lambda kind, level=None: zlib_ng.compressobj(
        export_package.ZIP_LEVEL if level is None else level, zlib_ng.DEFLATED, -15))
    with zipfile.ZipFile(tmp_path / "old.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            info = zipfile.ZipInfo(file.name, date_time=xlsx.FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.read_bytes())
    assert (tmp_path / "new.zip").read_bytes() == (tmp_path / "old.zip").read_bytes()


def test_zip_and_xlsx_members_are_deflated_by_zlib_ng(tmp_path):
    """Each member is zlib-ng's raw deflate of its bytes at the writer's level (zipfile's own
    compressor, zlib, gives other bytes for the larger members), and reads back as it was."""
    rng = np.random.default_rng(2016)
    text = " ".join(rng.choice(["grant", "youth", "ward", "Peckham", "£1,200", "2024-05-01"], 60_000)).encode()
    files = [tmp_path / "a.csv", tmp_path / "b.csv"]
    files[0].write_bytes(text)
    files[1].write_bytes(b"tiny")
    export_package.write_zip(files, tmp_path / "p.zip")
    frame = pd.DataFrame({"name": [f"Organisation {i % 977}" for i in range(3000)],
                          "amount": rng.integers(0, 10**6, 3000).astype(float)})
    xlsx.write_xlsx(frame, [{"name": "name"}, {"name": "amount", "type": "number"}], tmp_path / "x.xlsx", "X")
    checked = []
    for path, level in ((tmp_path / "p.zip", export_package.ZIP_LEVEL), (tmp_path / "x.xlsx", xlsx.XLSX_LEVEL)):
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            members = {info.filename: archive.read(info) for info in archive.infolist()}
        for name, data in members.items():
            assert stored_member(path, name) == raw_deflate(zlib_ng, data, level), (path.name, name)
            if len(data) > 100_000:
                assert raw_deflate(zlib, data, level) != raw_deflate(zlib_ng, data, level)
                checked.append(name)
    assert checked == ["a.csv", "xl/worksheets/sheet1.xml"]
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        assert [archive.read(f.name) for f in files] == [f.read_bytes() for f in files]


# --- 360Giving, OCDS, Transparency Code -----------------------------------------------


def hostile_tables(tables: dict) -> dict:
    """The small tables with formula-like and awkward text, an unknown recipient, an
    individual, blank and missing values, as far as the typed tables can hold them."""
    tables = {k: v.copy() for k, v in tables.items()}
    grants = tables["grants"]
    n = min(len(grants), len(HOSTILE_TEXT))
    grants.loc[grants.index[:n], "title"] = HOSTILE_TEXT[:n]
    grants.loc[grants.index[:n], "description"] = list(reversed(HOSTILE_TEXT))[:n]
    grants.loc[grants.index[0], "recipient_org_id"] = "GB-XXX-not-in-the-table"
    grants.loc[grants.index[1], "planned_start_date"] = pd.NaT
    grants.loc[grants.index[2], "planned_end_date"] = pd.NaT
    grants.loc[grants.index[3], ["planned_start_date", "planned_end_date"]] = pd.NaT
    grants.loc[grants.index[4], "beneficiary_ward"] = "=Not a ward"
    grants.loc[grants.index[5], "programme"] = None
    grants.loc[grants.index[6], "department_id"] = "NO-SUCH-DEPT"
    grants.loc[grants.index[7], "amount_awarded"] = 0.1 + 0.2
    grants.loc[grants.index[8], "amount_awarded"] = 1e-05
    # The optional 360Giving columns: actual dates (one, the other, both), a grant's own data source (one with
    # an escaped character), and a grant with no last_modified.
    grants.loc[grants.index[10], "actual_start_date"] = pd.Timestamp("2024-04-01")
    grants.loc[grants.index[11], "actual_end_date"] = pd.Timestamp("2025-03-31")
    grants.loc[grants.index[12], ["actual_start_date", "actual_end_date"]] = [pd.Timestamp("2023-01-02"),
                                                                                pd.Timestamp("2023-12-31")]
    grants.loc[grants.index[13], "data_source"] = "https://example.org/grants/2024.csv"
    grants.loc[grants.index[14], "data_source"] = 'https://example.org/a"quote'
    grants.loc[grants.index[15], "last_modified"] = pd.NaT
    orgs = tables["organisations"]
    # Recipients' locations: a ward with no code (in the area: the district), one based in the area with no
    # ward (the district), one elsewhere (none).
    wards = tables["wards"] = tables["wards"].copy()
    wards.loc[wards.index[0], "ons_code"] = None
    recipients = list(dict.fromkeys(grants["recipient_org_id"]))[2:5]
    at = orgs["org_id"].isin(recipients)
    orgs.loc[at, ["ward", "based_in_borough"]] = [[wards.loc[wards.index[0], "ward_name"], True], [None, True],
                                                  [None, False]][:int(at.sum())]
    individual = orgs.index[orgs["organisation_type"] == "individual"]
    if len(individual) == 0:
        orgs.loc[orgs.index[0], ["organisation_type", "org_id"]] = ["individual", "GB-LAE-SWK-IND-0001"]
        individual = orgs.index[:1]
    grants.loc[grants.index[9], "recipient_org_id"] = orgs.loc[individual[0], "org_id"]
    orgs.loc[orgs.index[-1], "name"] = "@Formula name, with \"quotes\""
    return tables


def dei_tables(tables: dict) -> dict:
    """The small tables with the DEI answers' awkward cases: cells with no code in them, answers given
    on the award date and after it, no date, an individual who answered, an organisation listed twice
    (its later row counts), and recipients sharing their answers."""
    tables = {k: v.copy() for k, v in tables.items()}
    grants, orgs = tables["grants"], tables["organisations"]
    cells = ["DEI010100", ";", " ; ", "DEI020000; DEI010100", "DEI010100;", "", None, "x", "DEI030000;DEI030000"]
    n = len(orgs)
    orgs["led_by"] = pd.array([cells[i % len(cells)] for i in range(n)], dtype="string")
    orgs["serving"] = pd.array([cells[(i * 5 + 3) % len(cells)] for i in range(n)], dtype="string")
    recipients = grants["recipient_org_id"].tolist()
    award = dict(zip(recipients, pd.to_datetime(grants["award_date"])))
    declared = [award.get(org, pd.Timestamp("2024-01-01")) + pd.Timedelta(days=(i % 3) - 1) for i, org in
                enumerate(orgs["org_id"])]  # the day before, on or after a grant's award date
    orgs["dei_declared_on"] = pd.array(declared, dtype="datetime64[ns]")
    orgs.loc[orgs.index[2], "dei_declared_on"] = pd.NaT
    orgs.loc[orgs.index[4], ["organisation_type", "led_by", "serving"]] = ["individual", "DEI010100", "DEI020000"]
    later = orgs.iloc[[1]].copy()
    later[["led_by", "serving"]] = ["DEI040000", ";"]
    tables["organisations"] = pd.concat([orgs, later], ignore_index=True)
    assert grants["recipient_org_id"].isin(orgs["org_id"]).sum() > 5
    return tables


@pytest.mark.parametrize("which", ["small", "bundled", "hostile", "dei"])
@pytest.mark.parametrize("site_url, website, area", [("", "", "Southwark"), ("https://example.org/", "", "Southwark"),
                                                     ("", "https://www.example.gov.uk/", "Southwark"),
                                                     ("https://example.org/", "https://www.example.gov.uk/",
                                                      "Nowhere Borough")])
def test_360giving_files_are_the_reference_bytes(which, site_url, website, area, small_tables, bundled_tables,
                                                 config, tmp_path, monkeypatch):
    tables = {"small": small_tables, "bundled": bundled_tables}.get(which) or \
        (dei_tables if which == "dei" else hostile_tables)(small_tables)
    config = dataclasses.replace(config, site_url=site_url, publisher_website=website, area=area)
    monkeypatch.setattr(export_package, "CHUNK_ROWS", 50)  # several chunks
    giving360.write_360_files(tables, config, json_path=tmp_path / "g.json", csv_path=tmp_path / "g.csv")
    package = giving360.package_360(tables, config)
    assert (tmp_path / "g.json").read_text(encoding="utf-8") == json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    want = b"\xef\xbb\xbf" + reference_csv(giving360.csv_columns_for(package["grants"]), giving360.grants_to_rows(package["grants"]), "\r\n")
    assert (tmp_path / "g.csv").read_bytes() == want
    assert conformance.validate_360(json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))) == [] or \
        which in ("hostile", "dei")
    if which == "dei":  # the cases are there
        details = [g.get("deiDetails") for g in package["grants"]]
        statuses = {d["leadership"]["askedStatus"] for d in details if d and "leadership" in d}
        assert statuses == {giving360.ASKED_BEFORE_AWARD, giving360.ASKED_AFTER_AWARD}
        assert 0 < sum(d is None for d in details) < len(details)
    if which == "hostile":  # the cases are there
        grants = package["grants"]
        types = {loc["geoCodeType"] for g in grants for org in g.get("recipientOrganization", [])
                 for loc in org.get("location", [])}
        assert types == ({"WD", "LAD"} if area == "Southwark" else {"WD"})
        assert [g["actualDates"] for g in grants if "actualDates" in g] == [
            [{"startDate": "2024-04-01"}], [{"endDate": "2025-03-31"}],
            [{"startDate": "2023-01-02", "endDate": "2023-12-31"}]]
        assert sum("dateModified" not in g for g in grants) == 1
        assert [g.get("dataSource") for g in grants[13:15]] == ["https://example.org/grants/2024.csv",
                                                                 'https://example.org/a"quote']
        assert {g.get("dataSource") for g in grants[15:]} == {site_url or website or None}


def test_360giving_package_with_no_grants(small_tables, config, tmp_path):
    tables = {**small_tables, "grants": small_tables["grants"].iloc[:0]}
    giving360.write_360_files(tables, config, json_path=tmp_path / "g.json", csv_path=tmp_path / "g.csv")
    package = giving360.package_360(tables, config)
    assert (tmp_path / "g.json").read_text(encoding="utf-8") == json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    assert (tmp_path / "g.csv").read_bytes() == b"\xef\xbb\xbf" + reference_csv(giving360.CSV_COLUMNS, [], "\r\n")


@pytest.mark.parametrize("which", ["small", "hostile"])
def test_ocds_file_is_the_reference_bytes(which, small_tables, config, tmp_path):
    tables = small_tables if which == "small" else hostile_tables(small_tables)
    ocds.write_release_file(tables, config, tmp_path / "o.json", PUBLISHED)
    want = json.dumps(ocds.release_package(tables, config, PUBLISHED), indent=2, ensure_ascii=False) + "\n"
    assert (tmp_path / "o.json").read_text(encoding="utf-8") == want


def test_indented_json_is_json_dumps_and_made_by_orjson(monkeypatch):
    """orjson's text where it is json.dumps's; dumps_indented for what orjson would write otherwise
    (_amount's small, NaN or infinite floats), or refuses (ints beyond 64 bits,
    text that is not Unicode)."""
    def reference(value, pad):
        return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + pad).encode("utf-8")

    plain = [{}, [], {"a": [], "b": {}, "c": [1, 2.5, None, True, False, "x\n\"y\\"], "é": {"d": [{"e": 0.0001}]}},
             [[[]]], "plain", 3, -2**63, 2**64 - 1, 1e16, 0.1 + 0.2, 9_999_999_999_999.99,
             {"k": "\x00\x1f\x7f\u2028\u2029😀\b\f\r\t"}, (1, "tuple"),
             [ocds._amount(v) for v in (1234.5, "2266", 0.0001, 1e-4 + 1e-19, 12.25, 1e15 + 0.5, -3028.63)]]
    odd = [[ocds._amount(v) for v in (0.00009999, 1e-7, float("inf"), -float("inf"), 5e-324)],
           {"amount": ocds._amount(-1.5e-05)}, 2**64, -2**63 - 1]
    for value in plain + odd:
        for pad in ("", "    "):
            assert ocds.indented_json(value, pad) == reference(value, pad), value
    assert all(type(v) is ocds._Float for v in odd[0])
    assert [type(ocds._amount(v)) for v in (1234.5, 2266.0, 0.0001)] == [float, int, float]

    def refuse(value, pad=""):
        raise AssertionError("dumps_indented was used")
    monkeypatch.setattr(ocds, "dumps_indented", refuse)
    for value in plain:  # orjson's own text
        assert ocds.indented_json(value, "    ") == reference(value, "    ")
    for value in odd:
        with pytest.raises(AssertionError, match="dumps_indented was used"):
            ocds.indented_json(value)
    with pytest.raises(AssertionError, match="dumps_indented was used"):
        ocds.indented_json(["lone \ud800 surrogate"])


@given(st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.text()
                    | st.floats(allow_nan=True, allow_infinity=True).map(ocds._amount),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
                    max_leaves=12))
@settings(max_examples=1500, deadline=None)
def test_indented_json_is_json_dumps_for_any_value_amount_makes(value):
    assume(not any(0xD800 <= ord(c) <= 0xDFFF for c in json.dumps(value, ensure_ascii=False)))
    assert ocds.indented_json(value, "    ") == \
        json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n    ").encode("utf-8")


def test_dumps_indented_is_json_dumps():
    values = [{}, [], {"a": [], "b": {}, "c": [1, 2.5, None, True, False, "x\n\"y\\"], "é": {"d": [{"e": 1e-05}]}},
              [[[]]], "plain", 3, -0.0, 1e16, 0.1 + 0.2, {"k": "\x00\x1f\u2028😀"}]
    for value in values:
        assert ocds.dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
        nested = ocds.dumps_indented(value, "    ")
        assert nested == json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n    ")


def test_split_org_id_is_the_longest_registered_prefix():
    def reference(org_id):
        for prefix in ocds._prefixes():
            if org_id.startswith(prefix + "-") and len(org_id) > len(prefix) + 1:
                return prefix, org_id[len(prefix) + 1:]
        parts = org_id.split("-", 2)
        if len(parts) == 3 and all(parts):
            return f"{parts[0]}-{parts[1]}", parts[2]
        return "", org_id

    prefixes = ocds._prefixes()
    cases = ["GB-CHC-1234567", "GB-LAE-SWK", "GB-LAE-SWK-UG43708", "CN-11-CR-123", "GB-CHC-", "GB-CHC--", "-", "",
             "a-b-c", "GB--CHC-1"]
    cases += [p + tail for p in prefixes for tail in ("-", "--", "-x", "-x-y", "x-1")]
    assert [ocds.split_org_id(c) for c in cases] == [reference(c) for c in cases]


@pytest.mark.parametrize("which", ["small", "hostile"])
def test_transparency_csv_is_the_per_cell_csv(which, small_tables, tmp_path):
    tables = small_tables if which == "small" else hostile_tables(small_tables)
    frames = [transparency.contracts_register(tables)]
    frames += [transparency.vcs_grants(tables, year) for year in transparency.years_with_grants(tables)]
    frame, _ = hostile_frame()
    frames.append(frame.assign(obj=pd.Series([1, "=x", None, 2.5] * 6, dtype=object)[:len(frame)]))
    for i, frame in enumerate(frames):
        transparency.write_csv(frame, tmp_path / f"{i}.csv")
        assert (tmp_path / f"{i}.csv").read_bytes() == reference_transparency_csv(frame), i


# --- the stage ---------------------------------------------------------------------


def test_one_or_two_processes_write_the_same_files(small_data, small_tables, config, tmp_path, monkeypatch):
    package = datapackage.load_package(small_data)
    results = {}
    for processes in (1, 2):
        monkeypatch.setattr(export_package, "PROCESSES", processes)
        out = tmp_path / str(processes)
        downloads = export_package.export(package, small_tables, out)
        downloads += standards.export_standards(small_tables, config, out, dt.date(2026, 11, 25))
        results[processes] = (downloads, {p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert results[1] == results[2]
    names = {d.filename for d in results[1][0]}
    assert names == set(results[1][1])


def test_a_failing_job_in_the_other_process_fails_the_stage(monkeypatch):
    monkeypatch.setattr(export_package, "PROCESSES", 2)

    def broken():
        raise ValueError("this job failed")

    wait = export_package.in_parallel(broken)
    with pytest.raises(RuntimeError, match="this job failed"):
        wait()


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_first_char_in_reads_each_strings_first_byte(kind):
    """first_char_in (the formula check and formula_safe): for each string, whether it starts
    with one of the characters, from the array's offsets and bytes: null and empty strings
    never, a character that is not ASCII never matches an ASCII one, a slice of an array (its
    offset) and a chunked array as their strings."""
    from generator.data.checks_base import first_char_in

    texts = HOSTILE_TEXT + [None, "", "=", "é=", "€", "😀+", "\r\n", "a", None, "-1", "Ā"]
    chars = "=+-@\t\r"
    array = pa.array(texts, kind)
    expected = [bool(t) and t[0] in chars for t in texts]
    assert first_char_in(array, chars).tolist() == expected
    assert first_char_in(array.slice(3, 9), chars).tolist() == expected[3:12]
    chunked = pa.chunked_array([array.slice(0, 5), array.slice(5)], kind)
    assert first_char_in(chunked, chars).tolist() == expected
    assert first_char_in(array, "").tolist() == [False] * len(texts)
    assert first_char_in(pa.array([None, None], kind), "=").tolist() == [False, False]
    assert first_char_in(pa.array(["", ""], kind), "=").tolist() == [False, False]
    with pytest.raises(ValueError, match="ASCII"):
        first_char_in(array, "é")


def test_formula_safe_prefixes_only_formula_starts_and_copies_nothing_when_none():
    """The 360Giving and Transparency Code CSV files' text cells: csv_cell's rule, column by
    column; a column with no formula start comes back as it was (no copy of every cell)."""
    values = pa.array(HOSTILE_TEXT + [None], pa.string())
    assert kernels.formula_safe(values).to_pylist() == [
        "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v for v in HOSTILE_TEXT] + [None]
    plain = pa.array(["a", None, "", "b=c", " =x", "é"], pa.string())
    assert kernels.formula_safe(plain) is plain
