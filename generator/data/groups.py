"""Findings grouped by file and check, each group under its check's plain-English title: how
the command line reports them (report.py) and how the data quality pages count them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

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


# --- one group's findings by the shape of their message ------------------------------------

# The parts of a message that change from row to row: a quoted value (findings.show) or a word
# with a digit in it (an amount, a date, an identifier). What is left is the message's shape.
VALUE = re.compile(r'"[^"\n]*"|(?<![\w./£-])£?[\w./-]*\d[\w./-]*(?:,\d{3})*')  # a word: from its start
VARIES = "…"


@dataclass
class Part:
    """The findings of one group about one column whose messages have one shape: the same
    words around their values ("is not a number (expected ...)")."""

    code: str
    severity: str
    path: str
    column: str | None
    texts: tuple[str, ...]  # the words around the values: the shape
    findings: list[Finding] = field(default_factory=list)
    values_of: list[tuple[str, ...]] = field(default_factory=list)  # each finding's values, in order

    @cached_property
    def values(self) -> list[str]:
        """Each value of the first message, or VARIES where the findings differ there."""
        first = self.values_of[0]
        return [value if all(v[k] == value for v in self.values_of) else VARIES for k, value in enumerate(first)]

    @property
    def leads_with_value(self) -> bool:
        """The messages start with the bad value (as findings.show quotes it)."""
        return self.texts[0] == "" and len(self.texts) > 1

    @property
    def varies_inside(self) -> bool:
        """Some value other than the leading one differs from row to row: each row then needs
        its whole message."""
        return VARIES in self.values[1 if self.leads_with_value else 0:]

    @property
    def shape(self) -> str:
        """The message with the values that differ from row to row shown as …, and without the
        leading bad value: 'grant_id does not start with ...' reads as the heading of its rows."""
        out = [self.texts[0]]
        for value, text in zip(self.values, self.texts[1:]):
            out += [value, text]
        if self.leads_with_value:
            out = [self.column or "the value", *out[2:]]
        return "".join(out)


SPLIT = re.compile(f"({VALUE.pattern})")


def _split(message: str, seen: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the words around the values, the values) of a message. Messages mostly differ only in
    their leading value, so the rest is split once (`seen`): a group may hold a million."""
    lead = VALUE.match(message)
    rest = message[lead.end():] if lead else message
    if rest not in seen:
        pieces = SPLIT.split(rest)
        seen[rest] = (tuple(pieces[0::2]), tuple(pieces[1::2]))
    texts, values = seen[rest]
    return (("", *texts), (lead.group(0), *values)) if lead else (texts, values)


def parts(g: Group) -> list[Part]:
    """The group's findings split by column and message shape, the largest part first (then
    the first found)."""
    found: dict[tuple, Part] = {}
    seen: dict = {}
    for f in g.findings:
        texts, values = _split(f.message, seen)
        key = (f.column, texts)
        if key not in found:
            found[key] = Part(g.code, g.severity, g.path, f.column, texts)
        found[key].findings.append(f)
        found[key].values_of.append(values)
    order = {key: i for i, key in enumerate(found)}
    return [found[k] for k in sorted(found, key=lambda k: (-len(found[k].findings), order[k]))]
