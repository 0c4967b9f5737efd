"""Load stage: the validated CSV files as typed pandas DataFrames.

Runs only after validation passed, so every value already fits its schema:
numbers become floats, dates datetime64, yes/no booleans, empty cells missing.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pandas as pd

from .validate import DataPackage, Resource


def load_table(res: Resource) -> pd.DataFrame:
    frame = pd.read_csv(res.path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    for spec in res.fields:
        name, ftype = spec["name"], spec.get("type", "string")
        column = frame[name]
        if ftype in ("number", "integer"):
            frame[name] = pd.to_numeric(column)
        elif ftype == "date":
            frame[name] = pd.to_datetime(column, format="%Y-%m-%d")
        elif ftype == "boolean":
            true_values = set(spec.get("trueValues", ["true"]))
            frame[name] = column.map(lambda v: None if pd.isna(v) else v in true_values).astype("boolean")
        else:
            frame[name] = column.astype("string")
    return frame


def load(package: DataPackage) -> dict[str, pd.DataFrame]:
    return {res.name: load_table(res) for res in package.resources}


def last_updated(package: DataPackage) -> dict:
    """The date each data file last changed: its last git commit if it is in a git
    repository (the same for every clone), otherwise its modification time."""
    dates = {}
    for res in package.resources:
        day = None
        try:
            out = subprocess.run(
                ["git", "log", "-1", "--format=%cs", "--", res.path.name],
                cwd=res.path.parent, capture_output=True, text=True, timeout=20, check=False,
            ).stdout.strip()
            dirty = subprocess.run(
                ["git", "status", "--porcelain", "--", res.path.name],
                cwd=res.path.parent, capture_output=True, text=True, timeout=20, check=False,
            ).stdout.strip()
            if out and not dirty:
                day = dt.date.fromisoformat(out)
        except (OSError, subprocess.SubprocessError, ValueError):
            day = None
        if day is None:
            epoch = os.environ.get("SOURCE_DATE_EPOCH")
            stamp = int(epoch) if epoch and epoch.isdigit() else res.path.stat().st_mtime
            day = dt.datetime.fromtimestamp(stamp, dt.timezone.utc).date()
        dates[res.name] = day
    return dates
