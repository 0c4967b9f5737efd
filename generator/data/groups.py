"""Findings grouped by file and check, each group under its check's plain-English title: how
the command line reports them (report.py) and how the data quality pages count them."""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import ERROR, Finding
from .checks import CHECKS
from .validate import CODE_TITLES

TITLES = CODE_TITLES | {c.code: c.title for c in CHECKS}


@dataclass
class Group:
    path: str
    dataset: str
    code: str
    severity: str
    findings: list[Finding]

    @property
    def title(self) -> str:
        return TITLES.get(self.code, self.code)


def group(findings: list[Finding]) -> list[Group]:
    """Errors before warnings; within each, files in the order first found; within a
    file, the most frequent check first; rows in order."""
    files: dict[str, int] = {}
    for f in findings:
        files.setdefault(f.path, len(files))
    groups: dict[tuple, Group] = {}
    for f in findings:
        key = (f.severity, f.path, f.code)
        groups.setdefault(key, Group(f.path, f.dataset, f.code, f.severity, [])).findings.append(f)
    return sorted(groups.values(),
                  key=lambda g: (g.severity != ERROR, files[g.path], -len(g.findings), g.code))
