"""The datasets in the shapes other systems take: 360Giving, OCDS and the Local Government
Transparency Code (giving360.py, ocds.py, transparency.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from . import giving360, ocds, transparency
from .package import Download, in_parallel


def export_standards(tables: dict[str, pd.DataFrame], config, out_dir: Path, published: dt.date) -> list[Download]:
    """The datasets in the shapes other systems take: the grants as 360Giving JSON and
    CSV, an OCDS release package of the contracts, and the Local Government Transparency Code's contracts register and
    yearly lists of grants to VCS organisations. A file with nothing in it is not written; the
    OCDS package only once config.yml gives the council's registered ocid prefix."""
    json_path, csv_path = out_dir / "360giving-grants.json", out_dir / "360giving-grants.csv"
    ocds_path = out_dir / "ocds-contracts.json"
    register_path = out_dir / "transparency-contracts-register.csv"
    has_grants, has_contracts = _rows(tables, "grants") > 0, _rows(tables, "contracts") > 0
    years = transparency.years_with_grants(tables) if has_grants else []
    with_ocds = has_contracts and bool(config.ocid_prefix)  # an ocid needs the council's registered prefix
    wait = (in_parallel(lambda: ocds.write_release_file(tables, config, ocds_path, published.isoformat()))
            if with_ocds else (lambda: None))
    try:
        if has_grants:
            giving360.write_360_files(tables, config, json_path=json_path, csv_path=csv_path)
        if has_contracts:
            transparency.write_csv(transparency.contracts_register(tables), register_path)
        for year in years:
            transparency.write_csv(transparency.vcs_grants(tables, year),
                                   out_dir / f"transparency-vcs-grants-{year}.csv")
    finally:
        wait()
    # Empty is not published: no 360Giving file without grants, no register or OCDS without contracts.
    downloads = []
    if has_grants:
        downloads += [Download("360giving-json", "JSON", json_path.name, json_path.stat().st_size),
                      Download("360giving-csv", "CSV", csv_path.name, csv_path.stat().st_size)]
    if with_ocds:
        downloads.append(Download("ocds", "JSON", ocds_path.name, ocds_path.stat().st_size))
    if has_contracts:
        downloads.append(Download("transparency-contracts", "CSV", register_path.name, register_path.stat().st_size))
    for year in years:
        path = out_dir / f"transparency-vcs-grants-{year}.csv"
        downloads.append(Download(f"transparency-grants-{year}", "CSV", path.name, path.stat().st_size))
    return downloads


def _rows(tables: dict[str, pd.DataFrame], name: str) -> int:
    frame = tables.get(name)
    return 0 if frame is None else len(frame)
