"""The datasets in the shapes other systems take: 360Giving, OCDS and the Local Government
Transparency Code (giving360.py, ocds.py, transparency.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from . import giving360, ocds, transparency
from .kept import Kept
from .package import Download, in_parallel

# The files made from each dataset followed row by row (with the other datasets, which
# kept.py's `common` covers): kept from the published site while that dataset's file is the same.
GROUPS = {"standards:grants": "grants", "standards:contracts": "contracts"}


def export_standards(tables: dict[str, pd.DataFrame], config, out_dir: Path, published: dt.date,
                     kept: Kept | None = None) -> list[Download]:
    """The datasets in the shapes other systems take: the grants as 360Giving JSON and
    CSV, an OCDS release package of the contracts, and the Local Government Transparency Code's contracts register and
    yearly lists of grants to VCS organisations. A file with nothing in it is not written; the
    OCDS package only once config.yml gives the council's registered ocid prefix.
    `kept` (exports/kept.py, after `export` gave it the datasets' hashes): the grants' files, or
    the contracts', are linked from the published site when their group's key is the same there."""
    json_path, csv_path = out_dir / "360giving-grants.json", out_dir / "360giving-grants.csv"
    ocds_path = out_dir / "ocds-contracts.json"
    register_path = out_dir / "transparency-contracts-register.csv"
    has_grants, has_contracts = _rows(tables, "grants") > 0, _rows(tables, "contracts") > 0
    years = transparency.years_with_grants(tables) if has_grants else []
    with_ocds = has_contracts and bool(config.ocid_prefix)  # an ocid needs the council's registered prefix
    keys = {group: kept.group_key(group, [dataset]) if kept is not None else None for group, dataset in GROUPS.items()}
    linked = {group for group in GROUPS if kept is not None and kept.link(group, keys[group], out_dir) is not None}
    grants_made, contracts_made = "standards:grants" not in linked, "standards:contracts" not in linked
    wait = (in_parallel(lambda: ocds.write_release_file(tables, config, ocds_path, published.isoformat()))
            if with_ocds and contracts_made else (lambda: None))
    try:
        if has_grants and grants_made:
            giving360.write_360_files(tables, config, json_path=json_path, csv_path=csv_path)
        if has_contracts and contracts_made:
            transparency.write_csv(transparency.contracts_register(tables), register_path)
        for year, listed in transparency.vcs_grants_by_year(tables, years if grants_made else []):
            transparency.write_csv(listed, out_dir / f"transparency-vcs-grants-{year}.csv")
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
    if kept is not None:  # each group's files: those of the downloads made from its dataset
        for group in GROUPS:
            kept.record(group, keys[group], [d.filename for d in downloads if _group(d) == group])
    return downloads


def _group(download: Download) -> str:
    """The group (GROUPS) a standards file is kept by: the contracts' or the grants'."""
    return "standards:contracts" if download.dataset in ("ocds", "transparency-contracts") else "standards:grants"


def _rows(tables: dict[str, pd.DataFrame], name: str) -> int:
    frame = tables.get(name)
    return 0 if frame is None else len(frame)
