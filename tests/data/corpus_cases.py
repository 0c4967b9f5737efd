"""The bad-input corpus: each case breaks a fresh copy of the small valid data set.

Each case is (id, mutate) where mutate(data: Path) changes files in the data folder.
The expected messages live in tests/data/test_corpus.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import get_cell, read_rows, set_cell, write_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "external"


def replace_file(name: str, source: str):
    def mutate(data: Path) -> None:
        (data / name).write_bytes((FIXTURES / source).read_bytes())
    return mutate


def cell(dataset: str, row: int, column: str, value: str):
    def mutate(data: Path) -> None:
        set_cell(data, dataset, row, column, value)
    return mutate


def raw(name: str, transform):
    def mutate(data: Path) -> None:
        path = data / name
        path.write_bytes(transform(path.read_bytes()))
    return mutate


def rows(name: str, transform):
    def mutate(data: Path) -> None:
        path = data / f"{name}.csv"
        write_rows(path, transform(read_rows(path)))
    return mutate


def _insert(index, row):
    def transform(table):
        table.insert(index, row(table) if callable(row) else row)
        return table
    return transform


def _header(new):
    def transform(table):
        table[0] = new(table[0])
        return table
    return transform


def _pound_cp1252(data: Path) -> None:
    set_cell(data, "grants", 4, "title", "Grant of £500")
    path = data / "grants.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))


def _duplicate_id(data: Path) -> None:
    set_cell(data, "contracts", 3, "contract_id", get_cell(data, "contracts", 2, "contract_id"))


def _individual_named(data: Path) -> None:
    set_cell(data, "organisations", 2, "organisation_type", "individual")
    set_cell(data, "organisations", 2, "name", "Jane Smith")
    set_cell(data, "organisations", 2, "charity_number", "")
    set_cell(data, "organisations", 2, "company_number", "")
    set_cell(data, "organisations", 2, "is_vcs", "no")  # an individual is not a VCS organisation


def _rename_org(row: int, new: str):
    """Change an organisation's id everywhere it is used."""
    def mutate(data: Path) -> None:
        old = get_cell(data, "organisations", row, "org_id")
        for name in ("organisations", "grants", "contracts"):
            path = data / f"{name}.csv"
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return mutate


def _descriptor(transform):
    def mutate(data: Path) -> None:
        path = data / "datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        transform(descriptor)
        path.write_text(json.dumps(descriptor), encoding="utf-8")
    return mutate


def _schema(name: str, transform):
    def mutate(data: Path) -> None:
        path = data.parent / "schemas" / f"{name}.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        transform(schema)
        path.write_text(json.dumps(schema), encoding="utf-8")
    return mutate


def _field(schema, name):
    return next(f for f in schema["fields"] if f["name"] == name)


def _many(*mutations):
    def mutate(data: Path) -> None:
        for m in mutations:
            m(data)
    return mutate


CASES = [
    # --- the file ---
    ("cp1252-pound", _pound_cp1252),
    ("bom", raw("grants.csv", lambda b: b"\xef\xbb\xbf" + b)),
    ("360giving-bom-fixture", replace_file("grants.csv", "360giving-bom.csv")),
    ("360giving-cp1252-fixture", replace_file("grants.csv", "360giving-cp1252.csv")),
    ("frictionless-latin1-fixture", replace_file("wards.csv", "frictionless-latin1.csv")),
    ("frictionless-duplicate-headers-fixture", replace_file("wards.csv", "frictionless-duplicate-headers.csv")),
    ("utf16", raw("outcomes.csv", lambda b: b.decode("utf-8").encode("utf-16"))),
    ("semicolons", raw("wards.csv", lambda b: b.replace(b",", b";"))),
    ("tabs", raw("outcomes.csv", lambda b: b.replace(b",", b"\t"))),
    ("zero-byte", raw("outcomes.csv", lambda b: b"")),
    ("whitespace-only", raw("outcomes.csv", lambda b: b"\n\n  \n")),
    ("binary", raw("outcomes.csv", lambda b: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")),
    ("xlsx-saved-as-csv", raw("outcomes.csv", lambda b: b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml")),
    ("missing-file", lambda data: (data / "contracts.csv").unlink()),
    # --- headers ---
    ("duplicate-header", rows("outcomes", _header(lambda h: h[:-1] + ["title"]))),
    ("renamed-header", rows("outcomes", _header(lambda h: [c if c != "theme" else "Theme" for c in h]))),
    ("missing-header", rows("wards", lambda t: [r[:1] for r in t])),
    ("extra-header", rows("wards", lambda t: [r + (["population"] if i == 0 else ["1000"]) for i, r in enumerate(t)])),
    ("header-with-spaces", rows("outcomes", _header(lambda h: [" " + h[0]] + h[1:]))),
    ("reordered-headers", rows("wards", lambda t: [list(reversed(r)) for r in t])),
    # --- rows ---
    ("blank-row", rows("outcomes", _insert(2, []))),
    ("blank-rows-at-end", raw("outcomes.csv", lambda b: b + b"\n,,,\n")),
    ("ragged-long-row", rows("outcomes", lambda t: t[:2] + [t[2] + ["surplus"]] + t[3:])),
    ("ragged-short-row", rows("outcomes", lambda t: t[:2] + [t[2][:2]] + t[3:])),
    ("unquoted-comma-in-text", raw("outcomes.csv", lambda b: b.replace(b"\nOC2,", b"\nOC2,Healthy, happy lives,", 1))),
    # --- values ---
    ("ten-megabyte-cell", cell("grants", 3, "description", "x" * 10_000_000)),
    ("amount-with-pound-and-commas", cell("grants", 14, "amount_awarded", "£1,200")),
    ("amount-with-commas", cell("contracts", 2, "total_value_gbp", "1,250,000")),
    ("amount-with-words", cell("grants", 2, "amount_awarded", "about 500")),
    ("amount-nan", cell("grants", 2, "amount_awarded", "NaN")),
    ("amount-infinite", cell("grants", 2, "amount_awarded", "1e400")),
    ("date-dd-mm-yyyy", cell("grants", 3, "award_date", "15/01/2025")),
    ("date-excel-serial", cell("contracts", 2, "start_date", "45383")),
    ("date-impossible", cell("grants", 3, "award_date", "2025-02-30")),
    ("boolean-y", cell("organisations", 2, "is_vcs", "Y")),
    ("enum-wrong-case", cell("contracts", 2, "client_group", "Mental Health")),
    ("required-missing", cell("grants", 2, "title", "")),
    ("id-trailing-space", cell("grants", 2, "grant_id", "360G-southwarkcouncil-G0000001 ")),
    ("reference-with-line-break", cell("grants", 2, "recipient_org_id", "GB-CHC-9003767\n")),
    ("duplicate-id", _duplicate_id),
    ("unknown-foreign-key", cell("contracts", 2, "supplier_org_id", "GB-CHC-9999999")),
    ("unknown-ward", cell("organisations", 2, "ward", "Atlantis")),
    ("bad-pattern", cell("measurements", 2, "period", "Q1 2024")),
    ("negative-amount", cell("grants", 2, "amount_awarded", "-50")),
    ("too-long-title", cell("contracts", 2, "title", "A" * 201)),
    # --- council checks ---
    ("formula-equals", cell("grants", 2, "title", "=HYPERLINK(\"http://example.com\",\"Click\")")),
    ("formula-plus", cell("contracts", 2, "social_value_commitments", "+SUM(1,2)")),
    ("formula-at", cell("grants", 2, "description", "@SUM(A1:A2)")),
    ("html-script", cell("grants", 2, "description", "<script>alert(1)</script> Youth club")),
    ("html-image-onerror", cell("contracts", 2, "title", "<img src=x onerror=alert(1)>")),
    ("javascript-link", cell("outcomes", 2, "description", "See [details](javascript:alert(1))")),
    ("email-in-text", cell("grants", 2, "description", "Contact jane.smith@example.org for details")),
    ("phone-in-text", cell("contracts", 2, "description", "Call the project lead on 020 7525 5000.")),
    ("postcode-in-text", cell("grants", 2, "description", "Sessions held at 12 Rye Lane, London SE15 5BS.")),
    ("postcode-lower-case", cell("contracts", 3, "description", "Delivered from Mr Okafor's home at se15  5bs.")),
    ("phone-in-brackets", cell("grants", 3, "description", "Bookings on (020) 7525 5000 weekdays.")),
    ("phone-with-dots", cell("commissioning_intentions", 2, "description", "Ask 020.7525.5000 for details.")),
    ("mobile-international", cell("organisations", 3, "name", "Call +44 (0)7700 900123 Group")),
    ("personal-data-beside-a-type-error", _many(cell("grants", 2, "description", "Ring 07700 900123"),
                                               cell("grants", 3, "amount_awarded", "lots"))),
    ("individual-id-with-wrong-type", _many(_rename_org(2, "GB-LAE-SWK-IND-0001"),
                                            cell("organisations", 2, "organisation_type", "unregistered community group"),
                                            cell("organisations", 2, "charity_number", ""),
                                            cell("organisations", 2, "company_number", ""))),
    ("individual-named", _individual_named),
    ("zero-amount", cell("grants", 7, "amount_awarded", "0")),
    ("award-in-future", cell("grants", 2, "award_date", "2099-01-01")),
    ("end-before-start", _many(cell("contracts", 2, "start_date", "2024-04-01"),
                               cell("contracts", 2, "end_date", "2024-03-31"),
                               cell("contracts", 2, "review_date", ""))),
    ("implausibly-old-date", cell("contracts", 2, "start_date", "1901-04-01")),
    ("annual-above-total", _many(cell("contracts", 5, "total_value_gbp", "1000"),
                                 cell("contracts", 5, "annual_value_gbp", "2000"))),
    ("unknown-org-id-prefix", _rename_org(2, "XX-NOPE-123")),
    ("charity-number-mismatch", cell("organisations", 2, "charity_number", "1234567")),
    ("not-a-financial-year", cell("measurements", 2, "period", "2024-26")),
    # --- the package ---
    ("malformed-datapackage", raw("datapackage.json", lambda b: b[:-20])),
    ("360giving-json-as-datapackage", replace_file("datapackage.json", "360giving-malformed.json")),
    ("schema-file-missing", lambda data: (data.parent / "schemas" / "grants.json").unlink()),
    ("schema-unknown-type", _schema("grants", lambda s: _field(s, "amount_awarded").update(type="money"))),
    ("schema-bad-regex", _schema("grants", lambda s: _field(s, "grant_id")["constraints"].update(pattern="360G-[a"))),
    ("foreign-key-to-unknown-resource", _schema("grants", lambda s: s["foreignKeys"][0]["reference"].update(resource="nothere"))),
    ("dataset-dropped", _descriptor(lambda d: d.update(resources=[r for r in d["resources"] if r["name"] != "wards"]))),
    ("resources-not-a-list", _descriptor(lambda d: d.update(resources={"grants": "grants.csv"}))),
    # --- several problems in several files at once ---
    ("many-at-once", _many(cell("grants", 2, "amount_awarded", "lots"),
                           cell("contracts", 3, "end_date", "soon"),
                           cell("organisations", 4, "is_sme", "maybe"),
                           cell("outcomes", 2, "description", "email me: a@b.co"))),
]
