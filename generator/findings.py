"""Findings: every problem the pipeline reports is data, not an exception.

A finding names the file, row and column, shows the bad value and says what was
expected. Stages return lists of findings; the CLI prints them. Tests compare
compact tuples such as ``(14, "amount_awarded", "type-error")``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"

MAX_SHOWN = 60  # characters of a bad value shown in a message


def show(value: object) -> str:
    """A bad value as it appears in a message: quoted, control characters
    made visible, long values cut short."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 1] + f"… ({len(str(value)):,} characters)"
    return f'"{text}"'


@dataclass(frozen=True, order=True)
class Finding:
    path: str  # the file as the user named it, e.g. data/grants.csv
    row: int | None  # spreadsheet row: the header is row 1
    column: str | None
    code: str  # machine-readable type, e.g. "type-error", "foreign-key"
    message: str  # plain English, starting with the bad value where there is one
    severity: str = ERROR
    dataset: str = field(default="", compare=False)
    value: str | None = field(default=None, compare=False)  # the bad value, as in the file
    example: str | None = field(default=None, compare=False)  # a valid value for the column

    def __str__(self) -> str:
        where = [self.path]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f'column "{self.column}"')
        prefix = "warning: " if self.severity == WARNING else ""
        return f"{prefix}{', '.join(where)}: {self.message}"

    def as_tuple(self) -> tuple:
        return (self.row, self.column, self.code)

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "dataset": self.dataset,
            "path": self.path,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "value": self.value,
            "example": self.example,
            "text": str(self),
        }


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == ERROR]


def plural(count: int, word: str) -> str:
    """1 error, 2 errors, 1,600 grants."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"
