"""Conformance: the exports checked against the standards' official JSON Schemas, and the
reference implementations the fast writers are compared with. Only the tests use these, so
they live here, not in the product (jsonschema and rfc3339-validator are test dependencies).

- validate_360: a 360Giving package against the 1.4 schemas in generator/reference/360giving/
  (draft 2020-12; the grant schema registered under both URLs the package schema uses);
- validate_ocds: an OCDS release package against the 1.1.5 schemas in generator/reference/ocds/
  (draft-04; the release schema registered under the URL the package schema refers to it by, so
  nothing is fetched), with format checks for date-time (rfc3339-validator) and uri;
- write_360_json, write_360_csv, write_release_package: the standards files written and returned
  as Python objects, for the tests that compare the streamed files with json.dumps;
- relpath_href: site/urls.href as posixpath.relpath computes it;
- json_value: one value as Python would put it in JSON.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import posixpath
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from generator.exports.giving360 import GRANT_SCHEMA_URLS, package_360, write_360_files
from generator.exports.ocds import PACKAGE_SCHEMA as OCDS_PACKAGE_SCHEMA
from generator.exports.ocds import RELEASE_SCHEMA as OCDS_RELEASE_SCHEMA
from generator.exports.ocds import release_package, write_release_file
from generator.imports.giving360_standard import GRANT_SCHEMA, PACKAGE_SCHEMA, load_json
from generator.site.urls import url_of


# --- 360Giving ------------------------------------------------------------------


def write_360_json(tables: dict[str, pd.DataFrame], config, path: Path, **options) -> dict:
    """Write the 360Giving JSON package (UTF-8, no BOM; the bytes of json.dumps(package,
    indent=2, ensure_ascii=False)) and return the package. The build calls write_360_files,
    which writes the same without holding every grant in memory."""
    write_360_files(tables, config, json_path=path, **options)
    return package_360(tables, config, **options)


def write_360_csv(tables: dict[str, pd.DataFrame], config, path: Path) -> None:
    """Write the grants as a 360Giving CSV: the standard's titles, UTF-8 with a BOM, CRLF lines."""
    write_360_files(tables, config, csv_path=path)


DATE_RULE = "a date written YYYY-MM-DD, or a full date-time such as 2025-01-15T09:30:00Z"


@lru_cache(maxsize=1)
def _360_validator():
    try:
        import jsonschema
        import rfc3339_validator  # noqa: F401 - without it the format checker passes every date-time
        from referencing import Registry
    except ImportError as exc:  # pragma: no cover - both are test dependencies in pyproject.toml
        raise RuntimeError(f"360Giving validation needs jsonschema and rfc3339-validator ({exc.name} is "
                           "not installed)") from None
    from referencing.jsonschema import specification_with

    package_schema = load_json(PACKAGE_SCHEMA)
    grant_schema = load_json(GRANT_SCHEMA)
    # Both declare "http://json-schema.org/draft/2020-12/schema": draft 2020-12, though its official URI is
    # https://; neither jsonschema nor referencing recognise the http:// spelling, so the draft is named here.
    declared = str(package_schema.get("$schema", ""))
    if "2020-12" in declared:
        cls, spec = jsonschema.Draft202012Validator, specification_with("https://json-schema.org/draft/2020-12/schema")
    else:  # pragma: no cover - a future schema declaring another draft
        cls = jsonschema.validators.validator_for(package_schema)
        spec = specification_with(cls.META_SCHEMA["$schema" if "$schema" in cls.META_SCHEMA else "$id"])
    grant = spec.create_resource(grant_schema)
    registry = Registry().with_resources([(url, grant) for url in GRANT_SCHEMA_URLS])
    checker = cls.FORMAT_CHECKER
    if "date-time" not in checker.checkers:  # pragma: no cover
        raise RuntimeError("jsonschema's format checker cannot check date-times (install rfc3339-validator)")
    # jsonschema compares every pair of items for uniqueItems (about 5 s for 1,600 grants, hours for 100,000);
    # the same rule checked with a set of canonical forms gives the same answer in linear time.
    fast = jsonschema.validators.extend(cls, {"uniqueItems": _unique_items})
    return fast(package_schema, registry=registry, format_checker=checker)


def _canonical(value):
    """A JSON value in a form where JSON Schema's equality is Python equality (1 equals 1.0; true is not 1)."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def _unique_items(validator, unique, instance, schema):
    from jsonschema.exceptions import ValidationError

    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[str] = set()
    for index, item in enumerate(instance):
        key = json.dumps(_canonical(item), sort_keys=True)
        if key in seen:
            yield ValidationError(f"item {index + 1} repeats an earlier item exactly (expected each once)")
            return
        seen.add(key)


def _where(package: dict, error) -> str:
    path = list(error.absolute_path)
    if len(path) >= 2 and path[0] == "grants" and isinstance(path[1], int):
        grant = package["grants"][path[1]]
        ident = grant.get("id") if isinstance(grant, dict) else None
        label = f"grant {path[1] + 1}" + (f" ({ident})" if isinstance(ident, str) else "")
        rest = path[2:]
    else:
        label, rest = "package", path
    field_path = "/".join(str(p) for p in rest)
    return f"{label}, {field_path}" if field_path else label


def _explain(error) -> str:
    value = error.instance
    shown = json.dumps(value, ensure_ascii=False)
    if len(shown) > 80:
        shown = shown[:79] + "…"
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "oneOf" and any("pattern" in s or "format" in s for s in schema.get("oneOf", [])):
        return f"{shown} is not a valid date (expected {DATE_RULE})"
    if error.validator == "oneOf" and isinstance(value, dict):
        recipients = ("recipientOrganization", "recipientIndividual")
        if all(k in value for k in recipients):
            return "gives both recipientOrganization and recipientIndividual (expected one of them)"
        missing = [k for k in schema["oneOf"][0].get("required", []) if k not in value and k not in recipients]
        if not any(k in value for k in recipients):
            missing.append("a recipient (recipientOrganization or recipientIndividual)")
        return f"is missing {', '.join(missing)} (required by 360Giving)"
    if error.validator == "format":
        return f"{shown} is not a valid {error.validator_value}"
    if error.validator == "required":
        return error.message.replace("is a required property", "is missing (required by 360Giving)")
    if error.validator == "enum":
        return f"{shown} is not one of the standard's codes"
    return error.message


def validate_360(package: dict) -> list[str]:
    """Problems with a 360Giving package against the official 1.4 schemas, with a format checker so dates
    are checked; an empty list means valid."""
    validator = _360_validator()
    def order(error):  # package-wide problems first, then grant by grant (grant 2 before grant 10)
        return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]

    errors = sorted(validator.iter_errors(package), key=order)
    return [f"{_where(package, e)}: {_explain(e)}" for e in errors]


# --- OCDS -----------------------------------------------------------------------


def write_release_package(tables: dict[str, pd.DataFrame], config, path: Path, published: str) -> dict:
    """Write the release package as UTF-8 JSON (indented, keys in schema order) and return it.
    (The build calls write_release_file, which does not build the whole package in memory.)"""
    write_release_file(tables, config, path, published)
    return release_package(tables, config, published)


# RFC 3986: scheme ":" then only characters a URI may hold (percent-escapes included).
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


def _is_uri(value) -> bool:
    return not isinstance(value, str) or _URI.fullmatch(value) is not None


def _is_datetime(value) -> bool:
    """RFC 3339 date-time (used only when rfc3339-validator is not installed)."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", value):
        return False
    try:
        dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def _ocds_validator():
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import DRAFT4

    package_schema = json.loads(OCDS_PACKAGE_SCHEMA.read_text(encoding="utf-8"))
    release_schema = json.loads(OCDS_RELEASE_SCHEMA.read_text(encoding="utf-8"))
    release_url = package_schema["properties"]["releases"]["items"]["$ref"]
    registry = Registry().with_resources([
        (release_url, DRAFT4.create_resource(release_schema)),
        (package_schema["id"], DRAFT4.create_resource(package_schema)),
    ])
    checker = copy.deepcopy(jsonschema.Draft4Validator.FORMAT_CHECKER)
    checker.checks("uri")(_is_uri)
    if "date-time" not in checker.checkers:  # rfc3339-validator missing: check it ourselves
        checker.checks("date-time")(_is_datetime)
    return jsonschema.Draft4Validator(package_schema, registry=registry, format_checker=checker)


def _ocds_where(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the package"


_FORMATS = {
    "date-time": "a date and time (expected RFC 3339, such as 2024-04-01T00:00:00Z)",
    "uri": "an absolute URI (expected something like https://example.org/path)",
}
_TYPES = {"string": "text", "number": "a number", "integer": "a whole number", "array": "a list",
          "object": "an object", "boolean": "true or false", "null": "null"}


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def _type_name(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


def _ocds_problem(error) -> str:
    where = _ocds_where(error.absolute_path)
    kind, spec, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [name for name in spec if isinstance(value, dict) and name not in value]
        names = ", ".join(f'"{m}"' for m in missing) or error.message
        return f"{where}: {names} is missing (the OCDS schema requires it)"
    if kind == "format":
        return f"{where}: {_shown(value)} is not {_FORMATS.get(spec, f'in the {spec} format')}"
    if kind == "enum":
        allowed = ", ".join(json.dumps(v) for v in spec if v is not None)
        return f"{where}: {_shown(value)} is not one of the allowed values (expected one of: {allowed})"
    if kind == "type":
        wanted = " or ".join(_TYPES.get(t, t) for t in (spec if isinstance(spec, list) else [spec]))
        return f"{where}: {_shown(value)} is {_type_name(value)} (expected {wanted})"
    if kind == "pattern":
        return f"{where}: {_shown(value)} is not in the expected form (expected to match {spec})"
    if kind == "minItems":
        return f"{where}: the list has {len(value)} items (expected at least {spec})"
    if kind == "minLength":
        return f"{where}: {_shown(value)} is too short (expected at least {spec} characters)"
    if kind == "uniqueItems":
        return f"{where}: two items in the list are identical (expected each to be unique)"
    return f"{where}: {error.message}"


def validate_ocds(package: dict) -> list[str]:
    """Every way ``package`` breaks the OCDS 1.1.5 release package schema, in plain English,
    each naming where (``releases[0].contracts[0].period.startDate``); [] when it is valid."""
    errors = sorted(_ocds_validator().iter_errors(package),
                    key=lambda e: ([(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in e.absolute_path],
                                   str(e.validator), e.message))
    return [_ocds_problem(e) for e in errors]


# --- reference implementations --------------------------------------------------


def relpath_href(page: str, target: str) -> str:
    """href() as posixpath.relpath computes it (the reference the tests compare with)."""
    base = posixpath.dirname(url_of(page)) or "."
    rel = posixpath.relpath(target or ".", base)
    if target.endswith("/") or target == "":
        rel = "./" if rel == "." else rel + "/"
    return rel


def json_value(value):
    """One value as Python would put it in JSON."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item"):  # numpy scalars
        return json_value(value.item())
    return value
