"""The vectorised validator (generator/data/fast.py) gives exactly frictionless's
findings: on every bad-input corpus case, on the bundled data, on seeded random mutations
of the small sample (odd values, blanks, duplicates, unknown references, ragged and blank
rows, line endings, quoting) and on schemas using Table Schema features the bundled
schemas do not (yet) use."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest

from generator.data import fast as fast_validator
from generator.data import validate
from generator.config import PROJECT_DIR

from conftest import read_rows, write_rows
from generator.data import package as datapackage
from corpus_cases import CASES


def findings(data: Path, validator: str, only: set[str] | None = None) -> list[dict]:
    package = datapackage.load_package(data)
    if only is not None:
        package = datapackage.DataPackage(package.data_dir, package.descriptor,
                                       [r for r in package.resources if r.name in only])
    return [f.as_dict() for f in validate.validate(package, validator)]


def _affected(data: Path, pristine: Path) -> tuple[set[str], set[str]] | None:
    """The resources whose findings a change can alter (changed files or schemas, and
    the resources referring to them), and those frictionless needs to check them (with
    their references). None when the descriptor itself changed."""
    if (data / "datapackage.json").read_bytes() != (pristine / "datapackage.json").read_bytes():
        return None
    try:
        package = datapackage.load_package(data)
    except datapackage.PackageError:
        return None

    def same(a: Path, b: Path) -> bool:
        return a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes()

    targets = {r.name: {fk["reference"].get("resource") or r.name for fk in r.schema.get("foreignKeys", [])}
               for r in package.resources}
    changed = {r.name for r in package.resources
               if not same(r.path, pristine / r.path.name)
               or not same(data.parent / "schemas" / f"{r.name}.json", pristine.parent / "schemas" / f"{r.name}.json")}
    affected = changed | {name for name, refs in targets.items() if refs & changed}
    return affected, affected | {t for name in affected for t in targets[name]}


def assert_parity(data: Path, fallback: bool | None = False, pristine: Path | None = None,
                  note: object = None) -> list[dict]:
    """Both paths agree on every finding (message, value, example, order); `fallback`
    says whether the fast path handed the package to frictionless (None: either).
    With the `pristine` data (which has no findings), frictionless checks only the
    resources a change can affect; the fast path must find nothing in the others.
    `note` (what was broken) is shown when they differ."""
    scope = _affected(data, pristine) if pristine is not None else None
    try:
        slow = findings(data, "frictionless", None if scope is None else scope[1])
    except datapackage.PackageError as exc:
        with pytest.raises(datapackage.PackageError) as again:
            findings(data, "fast")
        assert [str(f) for f in again.value.findings] == [str(f) for f in exc.findings]
        return []
    fast = findings(data, "fast")
    assert not (fast_validator.LAST_FALLBACK or "").startswith("internal error"), fast_validator.LAST_FALLBACK
    if fallback is not None:
        assert (fast_validator.LAST_FALLBACK is not None) == fallback, fast_validator.LAST_FALLBACK
    if scope is not None:
        slow = [f for f in slow if f["dataset"] in scope[0] or not f["dataset"]]
        assert [f for f in fast if f["dataset"] and f["dataset"] not in scope[0]] == [], note
    assert fast == slow, note
    return fast


# --- the corpus and the bundled data ----------------------------------------------


def test_pristine_small_data_has_no_findings(small_data):
    assert findings(small_data, "frictionless") == [] == findings(small_data, "fast")


@pytest.mark.parametrize("case_id,mutate", CASES, ids=[c[0] for c in CASES])
def test_corpus_case(case_id, mutate, data, small_data):
    mutate(data)
    assert_parity(data, pristine=small_data)


def test_bundled_data(monkeypatch):
    monkeypatch.chdir(PROJECT_DIR)
    assert_parity(PROJECT_DIR / "data")


# --- random mutations ------------------------------------------------------------

ODD = {
    "number": ["1e3", " 12", "12 ", "12.", ".5", "-0", "+5", "NaN", "nan", "-inf", "Infinity", "-Infinity",
               "1_000", "1,000", "£5", "0x10", "\u0661\u0662", "1e400", "-1e400", "1e-400", "-1e-400", "00012",
               "12.50", "-0.0000000000000000000000000000001", "99999999999999999999999.5", "1E3", "--1",
               "\t7", "7\n", "1 000", "", " ", "-5", "0", "3.14159"],
    "integer": ["1", " 2", "3 ", "+1", "-0", "1.0", "1e0", "1_0", "\u0661", "99999999999999999999", "-1", "4",
                "0", "2.5", "", " ", "x"],
    "date": ["2024-2-3", "2024-02-30", "2024-02-29", "2023-02-29", "0000-01-01", "0001-01-01", "9999-12-31",
             "2024-13-01", "2024-00-10", "2024-01-00", " 2024-01-01", "2024-01-01 ", "2024-1-1", "2024-01- 1",
             "24-01-01", "2024/01/01", "20240101", "2024-01-01T00:00", "\u0662\u0660\u0662\u0664-01-01",
             "45383", "15/01/2025", "2024-12-31", "1999-01-01", ""],
    "boolean": ["yes", "no", "Yes", "YES", "TRUE", "true", "True", "1", "0", " yes", "yes ", "y", "N", "false", ""],
    "string": ["", " ", "x", "A" * 201, "B" * 4001, "é", "a,b", "line\nbreak", "cr\rinside", '"quoted"',
               "=SUM(1)", "NA", "None", "null", "\u2028", "tab\there", "trailing\n"],
}


def _schemas(data: Path) -> dict[str, dict]:
    package = datapackage.load_package(data)
    return {r.name: r.schema for r in package.resources if r.path.exists()}


def _value_for(rng: random.Random, spec: dict, rows: list[list[str]], index: int) -> str:
    kind = spec.get("type", "string")
    choice = rng.random()
    if choice < 0.45:
        return rng.choice(ODD[kind])
    if choice < 0.6:
        return rng.choice(ODD["string"] + ODD["number"][:8])
    if choice < 0.8 and len(rows) > 2:  # another row's value: duplicates
        return rng.choice(rows[1:])[index] if all(len(r) > index for r in rows[1:]) else ""
    if choice < 0.9:
        constraints = spec.get("constraints", {})
        if "enum" in constraints:
            value = str(rng.choice(constraints["enum"]))
            return rng.choice([value, value.upper(), value + " ", value.title()])
        return rng.choice(["UNKNOWN-1", "GB-CHC-0000000", "SWK-C-99999", "OC99", "IND99"])
    return ""


def mutate_randomly(data: Path, rng: random.Random, operations: int) -> list[str]:
    """Break the data in `operations` random ways; returns what was done (for messages)."""
    schemas = _schemas(data)
    names = sorted(n for n in schemas if len(read_rows(data / f"{n}.csv")) > 1)
    done = []
    raw_ops = []
    for _ in range(operations):
        name = rng.choice(names)
        schema = schemas[name]
        path = data / f"{name}.csv"
        rows = read_rows(path)
        width = len(rows[0])
        op = rng.choices(["cell", "cell", "cell", "cell", "key", "row", "blank", "ragged", "raw"],
                         [4, 4, 4, 4, 3, 1, 1, 2, 2])[0]
        r = rng.randrange(1, len(rows))
        if op == "cell":
            j = rng.randrange(width)
            if len(rows[r]) > j:
                rows[r][j] = _value_for(rng, schema["fields"][j], rows, j)
            done.append(f"{name} row {r + 1} {rows[0][j]} = {rows[r][j]!r}" if len(rows[r]) > j else "nothing")
        elif op == "key":  # a key column: copy another row's, blank it, or an unknown value
            keys = list(schema.get("primaryKey") or [])
            keys += [f for fk in schema.get("foreignKeys", []) for f in fk["fields"]]
            keys += [f["name"] for f in schema["fields"] if f.get("constraints", {}).get("unique")]
            if keys:
                j = rows[0].index(rng.choice(keys))
                other = rng.randrange(1, len(rows))
                value = rng.choice([rows[other][j] if len(rows[other]) > j else "", "", "NO-SUCH-KEY"])
                if len(rows[r]) > j:
                    rows[r][j] = value
                done.append(f"{name} row {r + 1} key {rows[0][j]} = {value!r}")
        elif op == "row":  # a whole row twice
            rows.insert(rng.randrange(1, len(rows) + 1), list(rows[r]))
            done.append(f"{name} row {r + 1} copied")
        elif op == "blank":
            rows.insert(rng.randrange(1, len(rows) + 1), rng.choice([[], [""] * width, [""] * (width + 1)]))
            done.append(f"{name} blank row")
        elif op == "ragged":
            if rng.random() < 0.5:
                rows[r] = rows[r] + [rng.choice(["", "extra", "1"]) for _ in range(rng.randint(1, 3))]
            else:
                rows[r] = rows[r][: rng.randrange(0, width)]
            done.append(f"{name} row {r + 1} has {len(rows[r])} cells")
        else:
            raw_ops.append((name, rng.choice(["crlf", "cr", "space-quote", "trailing-lines", "open-quote",
                                              "quote-in-cell", "lf-in-quotes"]), rng.randrange(1, len(rows))))
            done.append(f"{name} raw {raw_ops[-1][1]}")
        write_rows(path, rows)
    for name, op, r in raw_ops:
        path = data / f"{name}.csv"
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        r = min(r, len(lines) - 1)
        if op == "crlf":
            text = text.replace("\n", "\r\n")
        elif op == "cr":
            lines[r] = lines[r].replace(",", "\r", 1) if r else lines[r]
            text = "\n".join(lines)
        elif op == "space-quote":  # `, "a,b"` in the sniffed sample: frictionless may skip initial spaces
            for k in range(1, min(len(lines), 60)):
                lines[k] = lines[k].replace(',"', ', "')
            if r:
                lines[r] = lines[r] + ', "x, y"'
            text = "\n".join(lines)
        elif op == "trailing-lines":
            text += rng.choice(["\n", "\n\n", ",,\n", "\r\n"])
        elif op == "open-quote":
            text += '"unterminated, value\n'
        elif op == "quote-in-cell":
            lines[r] = lines[r].replace(",", ',x"y', 1) if r else lines[r]
            text = "\n".join(lines)
        elif op == "lf-in-quotes":
            lines[r] = lines[r].replace(",", ',"two\nlines",', 1) if r else lines[r]
            text = "\n".join(lines)
        path.write_text(text, encoding="utf-8", newline="")
    return done


@pytest.mark.parametrize("seed", range(10))
def test_random_mutations(seed, data):
    rng = random.Random(seed)
    done = mutate_randomly(data, rng, operations=rng.choice([3, 12, 40]))
    assert_parity(data, fallback=None, note=done)


# --- schema features the bundled schemas do not use ---------------------------------


def _edit_schema(data: Path, name: str, edit) -> None:
    path = data.parent / "schemas" / f"{name}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    edit(schema)
    path.write_text(json.dumps(schema), encoding="utf-8")


def _field(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


def _set(name, column, **changes):
    def edit(schema):
        spec = _field(schema, column)
        for key, value in changes.items():
            if key == "constraints":
                spec.setdefault("constraints", {}).update(value)
            else:
                spec[key] = value
    return name, edit


SCHEMA_VARIANTS = {
    "number-bounds-enum-unique": [_set("contracts", "total_value_gbp", constraints={"maximum": 2000000, "unique": True}),
                                  _set("grants", "amount_awarded", constraints={"enum": [6200, 7300.5, "15000"]})],
    "integer-amounts": [_set("grants", "amount_awarded", type="integer", example="15000",
                                     constraints={"minimum": 1000, "maximum": 20000})],
    "date-bounds": [_set("grants", "award_date", constraints={"minimum": "2021-01-01", "maximum": "2024-12-31"})],
    "default-booleans": [_set("organisations", "is_vcs", trueValues=["true", "True", "TRUE", "1"],
                              falseValues=["false", "False", "FALSE", "0"], example="true")],
    "string-lengths-and-formats": [_set("grants", "title", constraints={"minLength": 30}),
                                   _set("organisations", "name", format="email", example="info@example.org"),
                                   _set("grants", "programme", constraints={"enum": ["Community", "Youth"]})],
    "missing-values": [("grants", lambda s: s.update(missingValues=["", "NA", "n/a"])),
                       _set("contracts", "review_date", missingValues=["none"])],
    "composite-keys": [("funding_outcomes", lambda s: s.update(primaryKey=["contract_id", "grant_id", "outcome_id"])),
                       ("measurements", lambda s: s["foreignKeys"].append(
                           {"fields": ["indicator_id", "area"],
                            "reference": {"resource": "measurements", "fields": ["indicator_id", "area"]}})),
                       ("indicators", lambda s: s.update(primaryKey=["outcome_id"]))],
    "self-and-typed-references": [("outcomes", lambda s: s.setdefault("foreignKeys", []).append(
                                      {"fields": ["theme"], "reference": {"resource": "", "fields": ["title"]}})),
                                  ("contracts", lambda s: s["foreignKeys"].append(
                                      {"fields": ["annual_value_gbp"],
                                       "reference": {"resource": "grants", "fields": ["amount_awarded"]}}))],
}


@pytest.mark.parametrize("variant", SCHEMA_VARIANTS)
def test_schema_variant(variant, data):
    for name, edit in SCHEMA_VARIANTS[variant]:
        _edit_schema(data, name, edit)
    rng = random.Random(variant)
    done = mutate_randomly(data, rng, operations=25)
    assert_parity(data, fallback=None, note=done)


def test_header_only_files(data):
    """Files with a header and no rows, referred to and referring, with composite keys."""
    _edit_schema(data, "funding_outcomes", lambda s: s.update(primaryKey=["contract_id", "grant_id"]))
    for name in ("outcomes", "funding_outcomes", "measurements"):
        path = data / f"{name}.csv"
        path.write_text(path.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    assert_parity(data)


def test_typed_keys(data):
    """unique and foreign keys compare typed values: "1.0" is "1" in a number column, NaN is
    never equal to anything, and a string never equals a number."""
    for name, edit in [_set("contracts", "total_value_gbp", constraints={"unique": True}),
                       ("contracts", lambda s: s["foreignKeys"].append(
                           {"fields": ["annual_value_gbp"],
                            "reference": {"resource": "grants", "fields": ["amount_awarded"]}})),
                       ("grants", lambda s: s["foreignKeys"].append(
                           {"fields": ["programme"],
                            "reference": {"resource": "contracts", "fields": ["total_value_gbp"]}}))]:
        _edit_schema(data, name, edit)
    cells = {"contracts": {"total_value_gbp": ["1", "1.0", "NaN", "NaN", "-0", "0", " 1E+0"],
                           "annual_value_gbp": ["NaN", "6200", "6200.00", "6.2e3", "1000", "x", ""]},
             "grants": {"amount_awarded": ["1000", "NaN", "6200", "1e3"], "programme": ["1", "x", "NaN", "0"]}}
    for name, columns in cells.items():
        path = data / f"{name}.csv"
        rows = read_rows(path)
        for column, values in columns.items():
            for r, value in enumerate(values, start=1):
                rows[r][rows[0].index(column)] = value
        write_rows(path, rows)
    found = assert_parity(data)
    assert {f["code"] for f in found} >= {"duplicate", "foreign-key", "constraint-finite"}


def test_number_formats(data):
    """groupChar, bareNumber and floatNumber: frictionless's own reader decides every value."""
    for name, edit in [_set("contracts", "total_value_gbp", groupChar=","),
                       _set("contracts", "annual_value_gbp", bareNumber=False),
                       _set("grants", "amount_awarded", floatNumber=True)]:
        _edit_schema(data, name, edit)
    mutate_randomly(data, random.Random(3), operations=30)
    assert_parity(data)


def test_small_blocks_and_chunks(data, monkeypatch):
    """Files read in many pyarrow blocks, or by Python's csv module in many chunks."""
    monkeypatch.setattr(fast_validator, "ARROW_BLOCK", 2048)
    monkeypatch.setattr(fast_validator, "CHUNK_ROWS", 7)
    mutate_randomly(data, random.Random(11), operations=30)
    assert_parity(data, fallback=None)


def test_fallback_on_a_signalling_nan(data):
    """frictionless's own reader raises on "sNaN" beside a minimum: frictionless decides."""
    path = data / "grants.csv"
    rows = read_rows(path)
    rows[3][rows[0].index("amount_awarded")] = "sNaN"
    write_rows(path, rows)
    try:
        slow = findings(data, "frictionless")
    except Exception as exc:  # frictionless itself may not cope: then both fail alike
        with pytest.raises(type(exc)):
            findings(data, "fast")
        return
    assert findings(data, "fast") == slow
    assert "sNaN" in fast_validator.LAST_FALLBACK


def test_fallback_on_invalid_metadata(data):
    """An example frictionless finds invalid for its field: frictionless reports it."""
    _edit_schema(data, "grants", lambda s: _field(s, "amount_awarded").update(example="lots"))
    assert_parity(data, fallback=True)


# --- the readers ---------------------------------------------------------------------


def test_pyarrow_reads_as_pythons_csv_module(tmp_path):
    """Whenever the fast reader accepts a file, it reads the cells Python's csv module
    (frictionless's parser) reads; an empty line is a row of empty cells."""
    rng = random.Random(2016)
    pieces = ["a", "b", " ", '"', '""', "\r", "\n", "\r\n", ",", "\x00", "\t", "'", "é", "\u2028", "\x85", "\x0b"]

    def cell() -> str:
        inner = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))
        kind = rng.random()
        if kind < 0.4:  # quoted, quotes doubled (or not, now and then)
            return '"' + (inner.replace('"', '""') if rng.random() < 0.8 else inner) + '"'
        if kind < 0.5:
            return " " + '"' + inner + '"'
        return "".join(c for c in inner if c not in ',\r\n') if rng.random() < 0.9 else inner

    path = tmp_path / "t.csv"
    accepted = 0
    for _ in range(800):
        lines = []
        for _ in range(rng.randint(1, 4)):
            cells = 3 if rng.random() < 0.7 else rng.randint(1, 5)
            lines.append("" if rng.random() < 0.1 else ",".join(cell() for _ in range(cells)))
            lines.append(rng.choice(["\n", "\r\n", "\r"]))
        text = "h1,h2,h3\n" + "".join(lines[: -1 if rng.random() < 0.3 else None])
        path.write_text(text, encoding="utf-8", newline="")
        fast = fast_validator.read_arrow(path, ["h1", "h2", "h3"])
        if fast is None:
            continue
        accepted += 1
        rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
        assert fast.n == len(rows), repr(text)
        for i, row in enumerate(rows):
            if i in fast.ragged:
                assert fast.ragged[i] == row and len(row) != 3, repr(text)
                assert [c[i].as_py() for c in fast.columns] == (row + [None] * 3)[:3]
            else:
                assert [c[i].as_py() for c in fast.columns] == (row or ["", "", ""]), repr(text)
    assert accepted > 400


def test_env_var_picks_the_path(data, monkeypatch):
    package = datapackage.load_package(data)
    (data / "grants.csv").write_text((data / "grants.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    for name in ("fast", "frictionless"):
        monkeypatch.setenv(validate.VALIDATOR_ENV, name)
        assert [f.as_tuple() for f in validate.validate(package)] == [(42, None, "blank-row")]
    monkeypatch.setenv(validate.VALIDATOR_ENV, "quick")
    with pytest.raises(ValueError):
        validate.validate(package)
