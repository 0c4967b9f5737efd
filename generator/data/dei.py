"""The equality lens's vocabulary: 360Giving's DEI (diversity, equity and inclusion) codes and NCVO's size
bands, as the organisations table holds them.

- ``led_by`` and ``serving`` hold codes of the DEI Data Standard's taxonomy (``DEI010100`` ...), joined by
  ";": who leads the organisation, and the communities it mainly serves, as the organisation itself
  declared them (the standard's "leadership" and "project" application areas). ``dei_declared_on`` is the
  day it answered; the 360Giving export needs it to say, for each grant, whether the question was asked
  before or after the award decision. These are never about individuals (checks_dei.py).
- ``income_band`` is the organisation's size by annual income in NCVO's bands, as the organisation
  declared it or as its charity register entry shows it; never estimated.

The code lists are 360Giving's own (reference/360giving/dei/, see SOURCE.md there).
"""

from __future__ import annotations

import csv
from functools import lru_cache

from ..config import REFERENCE_DIR

DEI_REFERENCE = REFERENCE_DIR / "360giving" / "dei"
TAXONOMY_FILE = DEI_REFERENCE / "taxonomyCodes.csv"

DEI_COLUMNS = ("led_by", "serving")  # organisations' columns of DEI taxonomy codes
DECLARED = "dei_declared_on"  # the day the organisation answered
INCOME_BAND = "income_band"
# Every column of the equality lens: none may be filled in for an individual.
EQUALITY_COLUMNS = (*DEI_COLUMNS, DECLARED, INCOME_BAND)
# Each DEI column's application area in 360Giving's extension.
AREAS = {"led_by": "leadership", "serving": "project"}
SEPARATOR = ";"

# NCVO's size bands by annual income (UK Civil Society Almanac): (label, from, up to), pounds.
INCOME_BANDS = (
    ("micro", 0, 10_000),
    ("small", 10_000, 100_000),
    ("medium", 100_000, 1_000_000),
    ("large", 1_000_000, 10_000_000),
    ("major", 10_000_000, 100_000_000),
    ("super-major", 100_000_000, None),
)
INCOME_BAND_TEXT = {
    "micro": "under £10,000",
    "small": "£10,000 to £100,000",
    "medium": "£100,000 to £1 million",
    "large": "£1 million to £10 million",
    "major": "£10 million to £100 million",
    "super-major": "over £100 million",
}


def _read(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle, skipinitialspace=True)]


@lru_cache(maxsize=None)
def codelist(name: str) -> dict[str, tuple[str, str]]:
    """One of the extension's code lists ("taxonomyCodes", "askedStatus", "replyStatus"): code -> (title,
    description), in the list's order."""
    return {row["Code"]: (row["Title"], row["Description"]) for row in _read(DEI_REFERENCE / f"{name}.csv")}


def taxonomy() -> dict[str, tuple[str, str]]:
    """The DEI taxonomy's 73 codes: code -> (title, description)."""
    return codelist("taxonomyCodes")


def parts(value) -> list[str]:
    """A cell of led_by or serving as its parts, white space around each removed (an empty part, as in
    "DEI010100;", stays as ""); [] for an empty cell."""
    if value is None or not isinstance(value, str) or not value.strip():
        return []
    return [p.strip() for p in value.split(SEPARATOR)]


def codes(value) -> list[str]:
    """The codes of a led_by or serving cell, in its order, each once (empty parts left out)."""
    return list(dict.fromkeys(p for p in parts(value) if p))


def group_of(code: str) -> str:
    """A code's population group: its first five characters (DEI01 for DEI010100)."""
    return code[:5]


def group_code(code: str) -> str | None:
    """The code standing for a population group as a whole (DEI010000 for DEI010100), when the taxonomy has
    one."""
    whole = group_of(code) + "0000"
    return whole if whole in taxonomy() else None


def label(code: str) -> str:
    """A code as people read it: its title, after its group's for a code within a group ("Disabled people:
    Mental Health"), then the code in brackets; a code the taxonomy does not have, as it is."""
    known = taxonomy()
    if code not in known:
        return code
    title = known[code][0]
    whole = group_code(code)
    if whole and whole != code:
        title = f"{known[whole][0]}: {title}"
    return f"{title} ({code})"
