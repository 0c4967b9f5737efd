"""What the dataset pages and the data quality pages show: each dataset's description, schema,
size and downloads; the rules it was checked against and the warnings it passed with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ..data.checks import checks_for
from ..data.groups import group


@dataclass
class DatasetInfo:
    """What a dataset page shows: its description, schema, size and downloads."""

    name: str
    title: str
    description: str
    fields: list[dict]
    rows: int
    frame: pd.DataFrame  # the typed rows (the page previews the first few)
    last_updated: dt.date | None
    downloads: list  # exports.package.Download
    yearly: list = field(default_factory=list)  # (financial year, exports.package.Download), oldest first


def dataset_infos(package, tables, downloads, last_updated) -> list[DatasetInfo]:
    return [
        DatasetInfo(
            name=res.name,
            title=res.title,
            description=res.descriptor.get("description", ""),
            fields=res.fields,
            rows=len(tables[res.name]),
            frame=tables[res.name],
            last_updated=last_updated.get(res.name),
            downloads=[d for d in downloads if d.dataset == res.name],
            yearly=[(d.dataset.split(":", 1)[1], d) for d in downloads if d.dataset.startswith(res.name + ":")],
        )
        for res in package.resources
    ]


@dataclass
class QualityInfo:
    """What a dataset's data quality page shows."""

    name: str
    title: str
    checks: list[tuple[str, str, str]]  # (what is checked, severity, detail)
    warnings: list  # findings.Finding, warnings only (errors never publish)
    passed_on: dt.date

    def warning_groups(self) -> list[tuple[str, int]]:
        return [(g.title, len(g.findings)) for g in group(self.warnings)]


def schema_checks(res) -> list[tuple[str, str, str]]:
    """The schema rules that apply to a dataset, in plain English."""
    fields = res.fields

    def names(predicate) -> str:
        return ", ".join(f["name"] for f in fields if predicate(f))

    rows = [("The file is UTF-8 CSV, comma-separated, with exactly the schema's columns", "error", "")]
    typed = names(lambda f: f.get("type", "string") != "string")
    if typed:
        rows.append(("Values have their column's type (number, date, yes or no)", "error", typed))
    for key, title in (("required", "Required values are present"),
                       ("enum", "Values are among the column's allowed values"),
                       ("pattern", "Identifiers and codes have the expected form"),
                       ("minimum", "Numbers are not below the column's minimum"),
                       ("unique", "Identifiers are unique")):
        columns = names(lambda f, key=key: key in f.get("constraints", {}))
        if columns:
            rows.append((title, "error", columns))
    pk = res.schema.get("primaryKey")
    if pk:
        rows.append(("Each row's key is unique", "error", ", ".join([pk] if isinstance(pk, str) else pk)))
    for fk in res.schema.get("foreignKeys", []):
        fields_ = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        target = fk["reference"]["resource"]
        rows.append((f"References match a row in {target}", "error", ", ".join(fields_)))
    return rows


def quality_infos(package, findings, passed_on: dt.date) -> list[QualityInfo]:
    infos = []
    for res in package.resources:
        council = [(c.title, c.severity, "") for c in checks_for(res.name, package)]
        infos.append(QualityInfo(
            name=res.name,
            title=res.title,
            checks=schema_checks(res) + council,
            warnings=[f for f in findings if f.dataset == res.name and f.severity == "warning"],
            passed_on=passed_on,
        ))
    return infos
