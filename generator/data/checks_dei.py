"""The equality lens's checks (issue 19): the organisations' DEI codes and size band.

- dei-code (error): every part of led_by and serving is a code of the DEI Data Standard's taxonomy, as
  360Giving's code list has it (reference/360giving/dei/taxonomyCodes.csv), each once.
- dei-individual (error): no equality value (led_by, serving, dei_declared_on, income_band) on an individual,
  an organisations row of type "individual" or with an -IND- identifier. 360Giving's guidance does not allow DEI
  data on grants to individuals, as with the rest of a grant it could identify them; its data quality tool's
  RecipientIndDEI check is the counterpart in a 360Giving file.
- dei-one-per-group (warning): at most one code of each population group in a cell, as the DEI Data Standard
  asks (a group is a majority of the leadership, or of the people served, or not); several communities of one
  group are the group's own code, such as DEI010000.
- dei-no-date (warning): led_by or serving with no dei_declared_on; the 360Giving export leaves them out, as it
  cannot say whether they were asked for before or after each award.

A project whose own schema has none of these columns (made before they were added) is not checked for them.
checks.py registers these functions in its CHECKS (with their codes, severities and titles); this module does
not import checks.py, so the two form no import cycle (tests/test_layout.py), and has its own copies of the
two small helpers it needs.
"""

from __future__ import annotations

import pandas as pd

from ..findings import Finding, show
from . import dei

EXAMPLE = "DEI010100 or DEI060000;DEI090000"


def _rows(mask: pd.Series) -> list[int]:
    """Positions where mask is true, as spreadsheet rows (the header is row 1); as checks._rows."""
    return [int(i) + 2 for i in mask[mask.fillna(False).astype(bool)].index]


def _finding(ctx, check, dataset: str, row: int, column: str, message: str, example: str | None = None) -> Finding:
    """A finding on one cell, with its value and the column's example; as checks._finding."""
    res = ctx.res(dataset)
    value = ctx.tables[dataset].at[row - 2, column]
    if isinstance(value, pd.Timestamp):
        value = value.strftime("%Y-%m-%d")
    value = "" if value is None or value is pd.NA or value is pd.NaT else str(value)
    if example is None:
        example = res.field(column).get("example")
    return Finding(res.shown, row, column, check.code, message, severity=check.severity, dataset=dataset,
                   value=value, example=example)


def _filled(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column's non-empty cells (text with something besides white space), with their index."""
    values = frame[column].dropna()
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        values = values[values.astype(str).str.strip() != ""]
    return values


def _columns(frame: pd.DataFrame, names) -> list[str]:
    return [c for c in names if c in frame.columns]


def _listed(values: list[str]) -> str:
    shown = [show(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def check_codes(ctx, check) -> list[Finding]:
    """Unknown, empty or repeated parts of led_by and serving."""
    frame = ctx.tables["organisations"]
    known = dei.taxonomy()
    found = []
    for column in _columns(frame, dei.DEI_COLUMNS):
        for i, value in _filled(frame, column).items():
            parts = dei.parts(str(value))
            unknown = list(dict.fromkeys(p for p in parts if p and p not in known))
            repeated = list(dict.fromkeys(p for p in parts if p and parts.count(p) > 1))
            problems = []
            if unknown:
                problems.append(f"{_listed(unknown)} {'is not a code' if len(unknown) == 1 else 'are not codes'} "
                                "of the DEI Data Standard's taxonomy")
            if "" in parts:
                problems.append("it has an empty code between or after the \";\"")
            if repeated:
                problems.append(f"{_listed(repeated)} {'is' if len(repeated) == 1 else 'are'} given more than once")
            if problems:
                found.append(_finding(
                    ctx, check, "organisations", int(i) + 2, column,
                    f"{show(value)}: {'; '.join(problems)} (expected codes from 360Giving's DEI code list, each once, "
                    f"separated by \";\", such as {EXAMPLE})"))
    return found


def _individual_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows about an individual: type "individual", or an individual's -IND- identifier."""
    kind = frame["organisation_type"] == "individual" if "organisation_type" in frame else False
    ident = frame["org_id"].astype("string").str.contains("-IND-", regex=False) if "org_id" in frame else False
    return (pd.Series(kind, index=frame.index).fillna(False).astype(bool)
            | pd.Series(ident, index=frame.index).fillna(False).astype(bool))


def check_individuals(ctx, check) -> list[Finding]:
    """No equality value on an individual's row: never about individuals."""
    frame = ctx.tables["organisations"]
    individual = _individual_rows(frame)
    if not individual.any():
        return []
    found = []
    for column in _columns(frame, dei.EQUALITY_COLUMNS):
        values = _filled(frame, column)
        for i in values.index[individual.loc[values.index].to_numpy()]:
            found.append(_finding(
                ctx, check, "organisations", int(i) + 2, column,
                f"{column} is given for the individual {show(frame.at[i, 'org_id'])}: equality data is never about "
                "individuals (expected it empty: led_by, serving, dei_declared_on and income_band are for "
                "organisations only; 360Giving does not allow DEI data on grants to individuals, as with the rest "
                "of the grant it could identify the person)", example=""))
    return sorted(found)


def check_one_per_group(ctx, check) -> list[Finding]:
    """At most one code of each population group in a cell."""
    frame = ctx.tables["organisations"]
    known = dei.taxonomy()
    found = []
    for column in _columns(frame, dei.DEI_COLUMNS):
        for i, value in _filled(frame, column).items():
            groups: dict[str, list[str]] = {}
            for code in dei.codes(str(value)):
                if code in known:
                    groups.setdefault(dei.group_of(code), []).append(code)
            for group, members in groups.items():
                if len(members) < 2:
                    continue
                whole = dei.group_code(members[0])
                name = known[whole][0] if whole else group
                instead = (f"; for several communities of this group, its own code {whole}" if whole else "")
                found.append(_finding(
                    ctx, check, "organisations", int(i) + 2, column,
                    f"{_listed(members)} are {len(members)} codes of one population group, {name} (expected one "
                    "code for each population group, as the DEI Data Standard asks: the group is a majority, or "
                    f"not{instead})", example=whole or members[0]))
    return found


def check_declared_on(ctx, check) -> list[Finding]:
    """led_by or serving with no dei_declared_on (individuals apart: dei-individual reports them)."""
    frame = ctx.tables["organisations"]
    columns = _columns(frame, dei.DEI_COLUMNS)
    if not columns or dei.DECLARED not in frame.columns:
        return []
    answered = pd.Series(False, index=frame.index)
    for column in columns:
        answered.loc[_filled(frame, column).index] = True
    undated = answered & frame[dei.DECLARED].isna() & ~_individual_rows(frame)
    return [_finding(ctx, check, "organisations", row, dei.DECLARED,
                     "no date is given for the organisation's led_by and serving answers, so the 360Giving file "
                     "leaves them out (expected the day the organisation answered, such as 2024-05-13: 360Giving "
                     "asks whether they were asked for before or after each award)")
            for row in _rows(undated)]

