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
# 360Giving's DEI extension (id "dei"): a JSON merge patch onto the grant schema (reference/360giving/dei/).
DEI_EXTENSION = "dei"
DEI_SCHEMA = REFERENCE / "dei" / "360-giving-schema.json"
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


def merge_patch(target, patch):
    """RFC 7396 JSON merge patch, as 360Giving applies an extension's schema to its own."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def grant_schema_with_dei() -> dict:
    """The grant schema with the DEI extension merged in (the extension's own "$schema", draft-04, left out:
    the grant schema's draft applies to the whole)."""
    patch = {k: v for k, v in load_json(DEI_SCHEMA).items() if k != "$schema"}
    return merge_patch(load_json(GRANT_SCHEMA), patch)


def _resolve(spec: dict, defs: dict) -> dict:
    if "$ref" in spec:
        target = defs[spec["$ref"].rsplit("/", 1)[-1]]
        return {**target, **{k: v for k, v in spec.items() if k != "$ref"}}
    return spec


def schema_titles(schema: dict | None = None) -> dict[str, tuple[tuple, str]]:
    """Every spreadsheet title the grant schema (by default with the DEI extension merged in) defines, e.g.
    "Recipient Org:Identifier" or "DEI Details:Leadership:DEI Response:Taxonomy Codes", with its JSON path
    (0 for the first item of an array) and its JSON type."""
    schema = schema or _grant_schema()
    defs = {**schema.get("definitions", {}), **schema.get("$defs", {})}
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


_GRANT_SCHEMA_CACHE: list[dict] = []


def _grant_schema() -> dict:
    if not _GRANT_SCHEMA_CACHE:
        _GRANT_SCHEMA_CACHE.append(grant_schema_with_dei())
    return _GRANT_SCHEMA_CACHE[0]


def title_key(title: str) -> str:
    """How flattentool compares titles: ignoring case and whitespace."""
    return re.sub(r"\s+", "", str(title)).casefold()
