"""Reporting: findings grouped by file and check, most frequent first, as text for
people, workflow annotations for GitHub, or JSON for machines."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from .data.groups import group
from .findings import ERROR, WARNING, Finding, plural


def summary(findings: list[Finding]) -> str:
    errors = [f for f in findings if f.severity == ERROR]
    warnings = len(findings) - len(errors)
    text = f"{plural(len(errors), 'error')} in {plural(len({f.path for f in errors}), 'file')}"
    return text + (f", {plural(warnings, 'warning')}" if warnings else "")


def as_text(findings: list[Finding], warning_details: bool = True) -> str:
    """A heading per file and check, then each finding indented. Without
    warning_details, warnings are counted but not listed."""
    lines = []
    for g in group(findings):
        kind = "error" if g.severity == ERROR else "warning"
        lines.append(f"{g.path}: {plural(len(g.findings), kind)}: {g.title}")
        if g.severity == ERROR or warning_details:
            lines.extend(f"  {f}" for f in g.findings)
    return "\n".join(lines)


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


def as_github(findings: list[Finding], base: Path | None = None) -> str:
    """GitHub Actions workflow commands: each finding annotates its file and line."""
    cache: dict[str, dict[int, int]] = {}
    out = []
    for g in group(findings):
        for f in g.findings:
            props = [f"file={_escape_property(f.path)}"]
            if f.row is not None:
                if f.path not in cache:
                    cache[f.path] = line_numbers((base or Path.cwd()) / f.path)
                props.append(f"line={cache[f.path].get(f.row, f.row)}")
            props.append(f"title={_escape_property(g.title)}")
            where = f"row {f.row}, " if f.row is not None else ""
            column = f'column "{f.column}": ' if f.column else ""
            out.append(f"::{'error' if f.severity == ERROR else 'warning'} {','.join(props)}::"
                       f"{_escape_data(where + column + f.message)}")
    return "\n".join(out)


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
