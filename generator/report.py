"""Reporting: findings grouped by file and check, most frequent first, as text for
people, workflow annotations for GitHub, or JSON for machines."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from .data.groups import VALUE, Part, group, parts
from .findings import ERROR, WARNING, Finding, plural, show


def summary(findings: list[Finding]) -> str:
    errors = [f for f in findings if f.severity == ERROR]
    warnings = len(findings) - len(errors)
    text = f"{plural(len(errors), 'error')} in {plural(len({f.path for f in errors}), 'file')}"
    return text + (f", {plural(warnings, 'warning')}" if warnings else "")


SHOWN = 5  # rows shown of a check with more findings than this; the report holds them all


def as_text(findings: list[Finding], report: Path | None = None) -> str:
    """A heading per file and check, then each finding indented. A check with more than SHOWN
    findings in a file prints a heading per message shape instead, with the first SHOWN rows
    and how many more there are (the JSON report, `report`, keeps every one)."""
    lines = []
    for g in group(findings):
        if len(g.findings) <= SHOWN:
            kind = "error" if g.severity == ERROR else "warning"
            lines.append(f"{g.path}: {plural(len(g.findings), kind)}: {g.title}")
            lines.extend(f"  {f}" for f in g.findings)
        else:
            for part in parts(g):
                lines.extend(_collapsed(part, report))
    return "\n".join(lines)


def _collapsed(part: Part, report: Path | None) -> list[str]:
    """One message shape of a check: a heading with the count, the first SHOWN rows with their
    values, and how many more there are."""
    prefix = "warning: " if part.severity == WARNING else ""
    counted = "row" if all(f.row is not None for f in part.findings) else "finding"
    lines = [f"{prefix}{part.path}: {plural(len(part.findings), counted)}: {part.shape} (check: {part.code})"]
    for f in part.findings[:SHOWN]:
        where = ", ".join(([f"row {f.row}"] if f.row is not None else [])
                          + ([f'column "{f.column}"'] if f.column else [])) or f.path
        lines.append(f"  {where}{_row_detail(part, f)}")
    more = len(part.findings) - SHOWN
    if more > 0:
        named = f"the report {report}" if report else "the report (--report FILE)"
        lines.append(f"  ... and {more:,} more: all of them are in {named}")
    return lines


def _row_detail(part: Part, f: Finding) -> str:
    """What a row adds to its part's heading: the whole message when more than its value
    differs from row to row, else its value."""
    if part.varies_inside:
        return f": {f.message}"
    if part.leads_with_value:
        return f": {VALUE.match(f.message).group(0)}"
    return f": {show(f.value)}" if f.value else ""


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def line_numbers(path: Path) -> dict[int, int]:
    """Row number (header = 1) to the file's line number where the row starts, which
    differs when a quoted value holds a line break."""
    lines: dict[int, int] = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            start = 1
            for row_number, _ in enumerate(reader, start=1):
                lines[row_number] = start
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error):
        pass
    return lines


# GitHub shows 10 error and 10 warning annotations per step and drops the rest (actions/toolkit,
# docs/problem-matchers.md, "Limitations").
ANNOTATIONS = 10


def as_github(findings: list[Finding], base: Path | None = None, report: Path | None = None) -> str:
    """GitHub Actions workflow commands: each finding annotates its file and line, up to
    GitHub's limit of each kind; the rest follow as text (as_text), after a notice."""
    cache: dict[str, dict[int, int]] = {}
    out: list[str] = []
    left: list[Finding] = []
    shown: Counter = Counter()
    for g in group(findings):
        for f in g.findings:
            if shown[f.severity] == ANNOTATIONS:
                left.append(f)
                continue
            shown[f.severity] += 1
            out.append(_annotation(f, g.title, cache, base))
    if left:
        named = f"the report {report}" if report else "the report (--report FILE)"
        out.append(f"::notice title={_escape_property('More problems than GitHub annotates')}::"
                   + _escape_data(f"{_more(left)} not annotated (GitHub shows "
                                  f"{ANNOTATIONS} errors and {ANNOTATIONS} warnings a step): they follow in the "
                                  f"log, and all of them are in {named}"))
        out.append(as_text(left, report))
    return "\n".join(out)


def _more(findings: list[Finding]) -> str:
    """12 more errors and 3 more warnings are (or: 1 more error is)."""
    counted = Counter(f.severity for f in findings)
    named = [f"{counted[s]:,} more {k}{'' if counted[s] == 1 else 's'}"
             for s, k in ((ERROR, "error"), (WARNING, "warning")) if counted[s]]
    return " and ".join(named) + (" is" if len(findings) == 1 else " are")


def _annotation(f: Finding, title: str, cache: dict[str, dict[int, int]], base: Path | None) -> str:
    """One finding as a workflow command on its file's line."""
    props = [f"file={_escape_property(f.path)}"]
    if f.row is not None:
        if f.path not in cache:
            cache[f.path] = line_numbers((base or Path.cwd()) / f.path)
        props.append(f"line={cache[f.path].get(f.row, f.row)}")
    props.append(f"title={_escape_property(title)}")
    where = f"row {f.row}, " if f.row is not None else ""
    column = f'column "{f.column}": ' if f.column else ""
    return (f"::{'error' if f.severity == ERROR else 'warning'} {','.join(props)}::"
            f"{_escape_data(where + column + f.message)}")


def as_json(findings: list[Finding]) -> dict:
    errors = sum(1 for f in findings if f.severity == ERROR)
    return {
        "valid": errors == 0,
        "errors": errors,
        "warnings": sum(1 for f in findings if f.severity == WARNING),
        "groups": [
            {"path": g.path, "dataset": g.dataset, "check": g.code, "title": g.title, "severity": g.severity,
             "count": len(g.findings), "findings": [f.as_dict() for f in g.findings]}
            for g in group(findings)
        ],
    }


def write_json(findings: list[Finding], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(as_json(findings), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def counts(findings: list[Finding]) -> Counter:
    return Counter((f.dataset, f.code, f.severity) for f in findings)
