"""The ONS ward lookup (generator/reference/ons/, December 2022): each UK ward's GSS code, by district.

Used by the ``ward-code-unknown`` check (data/checks_360.py); ``district_code`` gives the council's own
district code (the 360Giving export's recipient location for organisations based in the area with no ward).
The bundled sample's wards.csv takes its codes from the same file (sample/generate.py reads it itself).
See reference/ons/SOURCE.md for source and licence.
"""

from __future__ import annotations

import csv
import functools
import re

from ..config import REFERENCE_DIR

ONS_WARDS = REFERENCE_DIR / "ons" / "wards-2022.csv"
ONS_WARDS_YEAR = "December 2022"


def name_key(name: str) -> str:
    """A ward or district name compared ignoring case, "&" / "and", apostrophes and punctuation."""
    name = name.casefold().replace("&", " and ").replace("’", "'")
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", name.replace("'", "")).split())


@functools.lru_cache(maxsize=1)
def _rows() -> tuple[tuple[str, str, str, str], ...]:
    with ONS_WARDS.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        return tuple((code, name, district_code, district) for code, name, district_code, district in reader)


def district_wards(district: str) -> dict[str, str]:
    """{ward name: code} of the district named (ignoring case and punctuation; "" matches none)."""
    key = name_key(district)
    return {name: code for code, name, _, d in _rows() if key and name_key(d) == key}


def district_code(district: str) -> str | None:
    """The GSS code of the local authority district named (its LAD22CD, such as E08000009), matched
    ignoring case and punctuation as district_wards does; None when the lookup has no such district."""
    key = name_key(district)
    found = {code for _, _, code, d in _rows() if key and name_key(d) == key}
    return found.pop() if len(found) == 1 else None


@functools.lru_cache(maxsize=1)
def codes() -> dict[str, tuple[str, ...]]:
    """Every ward code in the lookup -> the names it has there (one ward lies in two districts)."""
    found: dict[str, tuple[str, ...]] = {}
    for code, name, _, _ in _rows():
        found[code] = tuple(dict.fromkeys(found.get(code, ()) + (name,)))
    return found
