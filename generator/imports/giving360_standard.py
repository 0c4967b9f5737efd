"""The 360Giving Data Standard as both directions read it: where its schemas are, the spreadsheet
titles its grant schema defines, how titles are compared, our funding types' titles, and numbers
written as our CSV files and the standard's CSV write them. imports/giving360.py reads a
funder's file with it; exports/giving360.py writes ours."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..config import REFERENCE_DIR

REFERENCE = REFERENCE_DIR / "360giving"
PACKAGE_SCHEMA = REFERENCE / "360-giving-package-schema.json"
GRANT_SCHEMA = REFERENCE / "360-giving-schema.json"
FUNDING_TYPE_TITLES = {
    "longer-term": "Longer-term funding",
    "short-term innovation": "Short-term innovation grant",
}


def number_value(value: float) -> int | float:
    value = float(value)
    return int(value) if value.is_integer() else value


def plain_number(value: float) -> str:
    """A number as our CSV files and the 360Giving CSV write it: 2266, 3028.63."""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    text = repr(value)
    return format(value, "f") if "e" in text else text


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _resolve(spec: dict, defs: dict) -> dict:
    if "$ref" in spec:
        target = defs[spec["$ref"].rsplit("/", 1)[-1]]
        return {**target, **{k: v for k, v in spec.items() if k != "$ref"}}
    return spec


def schema_titles(schema: dict | None = None) -> dict[str, tuple[tuple, str]]:
    """Every spreadsheet title the grant schema defines, e.g. "Recipient Org:Identifier", with its JSON path
    (0 for the first item of an array) and its JSON type."""
    schema = schema or load_json(GRANT_SCHEMA)
    defs = schema.get("$defs", {})
    titles: dict[str, tuple[tuple, str]] = {}

    def walk(properties: dict, prefix: list[str], path: tuple, depth: int) -> None:
        for name, raw in properties.items():
            spec = _resolve(raw, defs)
            title = spec.get("title")
            if not title:
                continue
            kinds = spec.get("type", "string")
            kinds = [kinds] if isinstance(kinds, str) else kinds
            here = prefix + [title]
            if "array" in kinds and isinstance(spec.get("items"), dict):
                item = _resolve(spec["items"], defs)
                if "properties" in item:
                    if depth < 2:
                        walk(item["properties"], here, path + (name, 0), depth + 1)
                    continue
                titles[":".join(here)] = (path + (name,), "array")
            elif "properties" in spec:
                walk(spec["properties"], here, path + (name,), depth + 1)
            else:
                titles[":".join(here)] = (path + (name,), next((k for k in kinds if k != "null"), "string"))

    walk(schema["properties"], [], (), 0)
    return titles


def title_key(title: str) -> str:
    """How flattentool compares titles: ignoring case and whitespace."""
    return re.sub(r"\s+", "", str(title)).casefold()
