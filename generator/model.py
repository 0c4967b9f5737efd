"""Model stage: the figures the site shows, computed from the typed tables.

Nothing here formats or renders; render.py turns these plain values into pages.
Financial years run April to March and are named like 2024-25 everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd


def financial_year(day) -> str:
    """The financial year (April to March) a date falls in, e.g. 2024-25."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def financial_years(dates: pd.Series) -> pd.Series:
    start = dates.dt.year.where(dates.dt.month >= 4, dates.dt.year - 1)
    return start.astype("Int64").astype(str) + "-" + ((start + 1) % 100).astype("Int64").astype(str).str.zfill(2)


def financial_year_end(name: str) -> dt.date:
    return dt.date(int(name[:4]) + 1, 3, 31)


def previous_financial_year(name: str) -> str:
    start = int(name[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


@dataclass
class YearFigures:
    year: str
    grants_count: int = 0
    grants_total: float = 0.0
    grant_recipients: int = 0
    longer_term_total: float = 0.0
    short_term_total: float = 0.0
    contracts_count: int = 0
    contracts_total: float = 0.0
    share_vcs: float | None = None  # share of grants + contracts value, 0..1
    share_sme: float | None = None
    share_in_borough: float | None = None
    complete: bool = True  # the year had ended by the last date in the data
    grants_covered: bool = True  # the grants data covers this year

    @property
    def total(self) -> float:
        return self.grants_total + self.contracts_total


@dataclass
class Model:
    as_of: dt.date  # the latest award or start date in the data
    latest_year: str  # the latest complete financial year
    years: list[str]  # financial years with data, oldest first
    by_year: dict[str, YearFigures] = field(default_factory=dict)

    @property
    def headline(self) -> YearFigures:
        return self.by_year[self.latest_year]

    @property
    def previous(self) -> YearFigures | None:
        return self.by_year.get(previous_financial_year(self.latest_year))


def year_figures(year: str, grants: pd.DataFrame, contracts: pd.DataFrame, orgs: pd.DataFrame) -> YearFigures:
    g = grants[grants["financial_year"] == year]
    c = contracts[contracts["financial_year"] == year]
    figures = YearFigures(
        year=year,
        grants_count=len(g),
        grants_total=float(g["amount_awarded"].sum()),
        grant_recipients=int(g["recipient_org_id"].nunique()),
        longer_term_total=float(g.loc[g["funding_type"] == "longer-term", "amount_awarded"].sum()),
        short_term_total=float(g.loc[g["funding_type"] == "short-term innovation", "amount_awarded"].sum()),
        contracts_count=len(c),
        contracts_total=float(c["total_value_gbp"].sum()),
    )
    money = pd.concat(
        [
            g[["recipient_org_id", "amount_awarded"]].set_axis(["org_id", "value"], axis=1),
            c[["supplier_org_id", "total_value_gbp"]].set_axis(["org_id", "value"], axis=1),
        ]
    ).merge(orgs[["org_id", "is_vcs", "is_sme", "based_in_borough"]], on="org_id", how="left")
    total = money["value"].sum()
    if total > 0:
        figures.share_vcs = float(money.loc[money["is_vcs"].fillna(False).astype(bool), "value"].sum() / total)
        figures.share_sme = float(money.loc[money["is_sme"].fillna(False).astype(bool), "value"].sum() / total)
        figures.share_in_borough = float(money.loc[money["based_in_borough"].fillna(False).astype(bool), "value"].sum() / total)
    return figures


def build_model(tables: dict[str, pd.DataFrame]) -> Model:
    grants = tables["grants"].copy()
    contracts = tables["contracts"].copy()
    grants["financial_year"] = financial_years(grants["award_date"])
    contracts["financial_year"] = financial_years(contracts["start_date"])
    dates = pd.concat([grants["award_date"], contracts["start_date"]]).dropna()
    as_of = dates.max().date() if len(dates) else dt.date(1970, 1, 1)
    years = sorted(set(grants["financial_year"]) | set(contracts["financial_year"]))
    complete = [y for y in years if financial_year_end(y) <= as_of]
    latest = complete[-1] if complete else (years[-1] if years else financial_year(as_of))
    model = Model(as_of=as_of, latest_year=latest, years=years)
    grant_years = sorted(set(grants["financial_year"]))
    for year in years or [latest]:
        figures = year_figures(year, grants, contracts, tables["organisations"])
        figures.complete = financial_year_end(year) <= as_of
        figures.grants_covered = bool(grant_years) and grant_years[0] <= year <= grant_years[-1]
        model.by_year[year] = figures
    return model


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
    downloads: list  # export.Download
    yearly: list = field(default_factory=list)  # (financial year, export.Download), oldest first


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
        from .report import group

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
    from .checks import checks_for

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


@dataclass
class Site:
    """Everything the render stage needs."""

    config: object
    model: Model
    datasets: list[DatasetInfo]
    commissioners: pd.DataFrame
    quality: list[QualityInfo] = field(default_factory=list)
    package_zip: object = None  # export.Download of the whole package
    standards: list = field(default_factory=list)  # export.Download in standard formats
    releases: list = field(default_factory=list)  # releases.Release, newest first
    tables: dict = field(default_factory=dict)  # the typed tables
    raw: dict = field(default_factory=dict)  # the same tables as the source text, for row CSVs
    entities: object = None  # entities.Entities
    today: dt.date | None = None  # the build's date (SOURCE_DATE_EPOCH when set)
