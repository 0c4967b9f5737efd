"""What every module of checks shares: the context the checks read, the Check record, and the helpers
that make findings and find the free text. checks.py (the council's checks) and checks_360.py (the
counterparts of 360Giving's data quality tool) both import from here; checks.py lists them all in CHECKS.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from ..config import REFERENCE_DIR, Config
from ..findings import Finding
from .package import DataPackage, Resource

PREFIXES_FILE = REFERENCE_DIR / "org-id-prefixes.json"


@dataclass
class Context:
    tables: dict[str, pd.DataFrame]
    package: DataPackage
    config: Config
    today: dt.date
    texts: dict = field(default_factory=dict)  # (dataset, column) -> its non-empty values, for the text checks
    postcodes: list | None = None  # every full postcode in the text, classified once for two checks
    cache: dict = field(default_factory=dict)  # what several checks read, made once (checks_360: the funders)

    def res(self, dataset: str) -> Resource:
        return self.package.resource(dataset)


@dataclass(frozen=True)
class Check:
    code: str
    datasets: tuple[str, ...]  # empty: every dataset
    severity: str
    title: str  # what the check makes sure of, in plain English
    run: Callable[[Context, "Check"], list[Finding]]


def org_id_prefixes() -> set[str]:
    data = json.loads(PREFIXES_FILE.read_text(encoding="utf-8"))
    return {p["code"] for p in data["prefixes"]}


# --- helpers -----------------------------------------------------------------


def _rows(mask: pd.Series) -> list[int]:
    """DataFrame positions where mask is true, as spreadsheet rows (the header is row 1)."""
    return [int(i) + 2 for i in mask[mask.fillna(False).astype(bool)].index]


def _text(value) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None or value is pd.NA else str(value)


def _finding(ctx: Context, check: Check, dataset: str, row: int, column: str | None, message: str,
             example: str | None = None) -> Finding:
    res = ctx.res(dataset)
    value = _text(ctx.tables[dataset].at[row - 2, column]) if column else None
    if example is None and column:
        example = res.field(column).get("example")
    return Finding(res.shown, row, column, check.code, message, severity=check.severity, dataset=dataset,
                   value=value, example=example)


def _applies(ctx: Context, check: Check) -> list[str]:
    names = [r.name for r in ctx.package.resources]
    return [d for d in (check.datasets or names) if d in ctx.tables]


def _free_text(ctx: Context, check: Check):
    """(dataset, column, its non-empty values as a TextColumn) for every free-text column the check covers."""
    for dataset in _applies(ctx, check):
        frame = ctx.tables[dataset]
        for column in _free_text_columns(ctx.res(dataset)):
            if (dataset, column) not in ctx.texts:
                ctx.texts[dataset, column] = TextColumn(frame[column].dropna())
            yield dataset, column, ctx.texts[dataset, column]


@dataclass
class TextColumn:
    """A column's non-empty text, with its pyarrow copy made once for all the text checks."""

    values: pd.Series
    _arrow: object = None  # pyarrow array; False when the values are not all text

    def arrow(self):
        if self._arrow is None:
            import pyarrow as pa

            try:
                self._arrow = pa.array(self.values.to_numpy(dtype=object), type=pa.large_string())
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
                self._arrow = False
        return self._arrow


def first_char_in(values, chars: str):
    """For each string of an Arrow string or large_string array (or chunked array), whether its
    first character is one of `chars` (ASCII characters): a numpy bool array, False for null and
    empty strings. Read from the array's offsets and bytes (a character that is not ASCII never
    starts with an ASCII byte in UTF-8), where Arrow's utf8_slice_codeunits would copy every
    string's first character first."""
    import numpy as np
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        return np.concatenate([np.zeros(0, dtype=bool)] + [first_char_in(c, chars) for c in values.chunks])
    codes = [ord(c) for c in chars]
    if max(codes, default=0) > 127:
        raise ValueError(f"first_char_in takes ASCII characters only, not {chars!r}")
    width = {pa.string(): np.int32, pa.large_string(): np.int64}.get(values.type)
    if width is None:
        raise TypeError(f"first_char_in takes text, not {values.type}")
    n = len(values)
    found = np.zeros(n, dtype=bool)
    if n == 0 or values.null_count == n:
        return found
    _, offsets, data = values.buffers()
    offsets = np.frombuffer(offsets, dtype=width)[values.offset:values.offset + n + 1]
    starts = offsets[:-1]
    filled = offsets[1:] > starts
    if data is not None and filled.any():
        wanted = np.zeros(256, dtype=bool)
        wanted[codes] = True
        found[filled] = wanted[np.frombuffer(data, dtype=np.uint8)[starts[filled]]]
    if values.null_count:
        found &= values.is_valid().to_numpy(zero_copy_only=False)
    return found


def _free_text_columns(res: Resource) -> list[str]:
    """Text columns people type into: strings with no enum or pattern that are not references."""
    references = {f for fk in res.schema.get("foreignKeys", []) for f in
                  (fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]])}
    return [f["name"] for f in res.fields
            if f.get("type", "string") == "string" and f["name"] not in references
            and not {"enum", "pattern"} & set(f.get("constraints", {}))]


def _has(ctx: Context, needs: dict[str, tuple[str, ...]]) -> bool:
    """Every dataset a cross-dataset check reads passed its schema and has the columns it reads."""
    return all(d in ctx.tables and set(columns) <= set(ctx.tables[d].columns) for d, columns in needs.items())


def _individuals(ctx: Context) -> set[str]:
    """The org_ids of individuals, where organisations.csv could be read."""
    frame = ctx.tables.get("organisations")
    if frame is None or not {"org_id", "organisation_type"} <= set(frame.columns):
        return set()
    individual = (frame["organisation_type"] == "individual").fillna(False).astype(bool)
    return set(frame.loc[individual, "org_id"].dropna().astype(str))


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' or noun.startswith('NHS') else 'a'} {noun}"
