"""The council's checks: rules a Table Schema cannot express.

Each check has a code, the datasets it applies to, a severity and a plain-English
title (listed on the site's data quality pages). Severity:

- error: blocks publishing (nothing is built);
- warning: published, and counted on the data quality page.

Drawn from 360Giving's data quality tool and the Local Government Transparency
Code 2015. Checks only run once the data has passed its schemas, so every value
already has the right type. The counterparts of the rest of 360Giving's data quality
tool are in checks_360.py (CHECKS lists them last); what both share is in checks_base.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import numpy as np
import pandas as pd

from ..config import Config, today
from ..findings import ERROR, WARNING, Finding, show
from . import checks_dei
from .checks_360 import CHECKS_360
# Shared with checks_360.py; also imported from here by other modules and tests (so re-exported).
from .checks_base import (PREFIXES_FILE, Check, Context, TextColumn, _a, _applies, _finding,  # noqa: F401
                          _free_text, _free_text_columns, _has, _individuals, _rows, _text, first_char_in,
                          org_id_prefixes)
from .checks_kpis import KPI_CHECKS
from .package import DataPackage, sort_findings

EARLIEST_YEAR = 1990  # no date in the data can be older than this
LATEST_YEARS_AHEAD = 25  # or further ahead of today than this

# An email address: any letters (zoë@example.org, info@café.example), and typed slips such as
# bob@example..org, as 360Giving's data quality tool finds them (its pattern is [\w.-]+@[\w.-]+\.[\w.-]+);
# the domain ends in a dot and two or more letters.
EMAIL = re.compile(r"[\w.%+'-]+@[\w-][\w.-]*\.[^\W\d_]{2,}")
# UK telephone numbers: 0 or +44 then 9-10 more digits, with spaces, dashes or brackets.
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)44[\s\-.]*(?:\(0\)[\s\-.]*)?|\(?0)\d(?:[\s\-.()]{0,3}\d){8,9}(?!\d)")
# A full UK postcode (outward and inward code), e.g. SE1 2QH; an outward code alone (SE1) is not personal.
POSTCODE = re.compile(r"\b(?:GIR\s*0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
# Something that looks like a person's name: a title and a capitalised name ("Mrs Jane Smith",
# "Dr Okafor"), or a name after "contact:", "attn:" or "c/o". A postcode beside one could locate them.
# A building named after someone ("Sir John Cass School", "Dr Challoner's Grammar School") is not a person.
BUILDING_WORDS = ("School|Academy|College|Centre|Center|House|Hall|Court|Road|Street|Lane|Hospital|Library|"
                  "Park|Estate|Building|Foundation|Trust|Church|Chapel|Almshouses")
PERSON = re.compile(r"\b(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Rev|Cllr|Sir|Dame)\.?[ \t]+(?:[A-Z]\.?[ \t]+)?"
                    r"[A-Z][a-z'’-]+(?:[ \t]+[A-Z][a-z'’-]+)?(?![\w'’-])"
                    rf"(?!(?:[ \t]+[A-Z][\w'’-]*){{0,3}}[ \t]+(?:{BUILDING_WORDS})\b)"
                    r"|(?i:\b(?:contact|attn|attention)[ \t]*:|\bc/o\b)[ \t]*[A-Z][a-z'’-]+[ \t]+[A-Z][a-z'’-]+")
# Columns where a full postcode is taken to be a building's address (a warning) unless a person's
# name is beside it or the contract's supplier is an individual.
BUILDING_TEXT = {("contracts", "title"), ("contracts", "description")}
# Each dataset's reference to the organisation a row is about, for "a row about an individual".
ABOUT_ORG = {"grants": "recipient_org_id", "contracts": "supplier_org_id", "organisations": "org_id"}
HTML = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(?:\s[^>]*)?/?\s*>|<!--|javascript:", re.IGNORECASE)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ANONYMISED = re.compile(r"^(Individual|Individual recipient)$")


# --- the checks --------------------------------------------------------------


def check_positive(ctx: Context, check: Check) -> list[Finding]:
    found = []
    for dataset in _applies(ctx, check):
        for spec in ctx.res(dataset).fields:
            name = spec["name"]
            if spec.get("type") == "number" and (name.endswith("_gbp") or name.startswith("amount")) \
                    and name != "vat_not_recoverable_gbp":
                frame = ctx.tables[dataset]
                for row in _rows(frame[name] <= 0):
                    found.append(_finding(ctx, check, dataset, row, name,
                                          f"{show(_text(frame.at[row - 2, name]))} is not more than zero "
                                          f"(expected an amount above £0, such as {spec.get('example', '1200.50')})"))
    return found


DATE_PAIRS = {
    "contracts": [("start_date", "end_date"), ("start_date", "review_date")],
    "grants": [("planned_start_date", "planned_end_date"), ("award_date", "planned_end_date"),
               ("actual_start_date", "actual_end_date")],
    "commissioners": [("active_from", "active_to")],
}


def check_date_order(ctx: Context, check: Check) -> list[Finding]:
    found = []
    for dataset in _applies(ctx, check):
        frame = ctx.tables[dataset]
        for start, end in DATE_PAIRS.get(dataset, []):
            if not {start, end} <= set(frame.columns):  # a package may leave out the optional columns
                continue
            for row in _rows(frame[end] < frame[start]):
                found.append(_finding(
                    ctx, check, dataset, row, end,
                    f"{show(_text(frame.at[row - 2, end]))} is before the {start} "
                    f"{show(_text(frame.at[row - 2, start]))} (expected {end} on or after {start})"))
    return found


def check_plausible_dates(ctx: Context, check: Check) -> list[Finding]:
    found = []
    earliest = pd.Timestamp(EARLIEST_YEAR, 1, 1)
    latest = pd.Timestamp(ctx.today.year + LATEST_YEARS_AHEAD, 12, 31)
    for dataset in _applies(ctx, check):
        frame = ctx.tables[dataset]
        for spec in ctx.res(dataset).fields:
            if spec.get("type") != "date":
                continue
            name = spec["name"]
            for row in _rows((frame[name] < earliest) | (frame[name] > latest)):
                found.append(_finding(
                    ctx, check, dataset, row, name,
                    f"{show(_text(frame.at[row - 2, name]))} is implausibly far in the past or future "
                    f"(expected a date between {EARLIEST_YEAR} and {latest.year}, such as {spec.get('example')})"))
    return found


def check_award_not_in_future(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["grants"]
    limit = pd.Timestamp(ctx.today)
    return [
        _finding(ctx, check, "grants", row, "award_date",
                 f"{show(_text(frame.at[row - 2, 'award_date']))} is in the future "
                 f"(expected an award date on or before {ctx.today:%Y-%m-%d}: publish grants once awarded)")
        for row in _rows(frame["award_date"] > limit)
    ]


def check_annual_value(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["contracts"]
    return [
        _finding(ctx, check, "contracts", row, "annual_value_gbp",
                 f"{show(_text(frame.at[row - 2, 'annual_value_gbp']))} is more than the total value "
                 f"{show(_text(frame.at[row - 2, 'total_value_gbp']))} "
                 "(expected an annual value no larger than the total)")
        for row in _rows(frame["annual_value_gbp"] > frame["total_value_gbp"])
    ]


def check_grant_prefix(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["grants"]
    prefix = ctx.config.grant_id_prefix
    return [
        _finding(ctx, check, "grants", row, "grant_id",
                 f"{show(frame.at[row - 2, 'grant_id'])} does not start with the council's 360Giving prefix "
                 f"(expected {prefix} then a reference)", example=f"{prefix}G0000123")
        for row in _rows(~frame["grant_id"].str.startswith(prefix))
    ]


def check_org_id_prefix(ctx: Context, check: Check) -> list[Finding]:
    known = org_id_prefixes()
    frame = ctx.tables["organisations"]

    def registered(org_id: str) -> bool:
        parts = org_id.split("-")
        return any("-".join(parts[:n]) in known for n in range(2, len(parts)))

    bad = ~frame["org_id"].map(registered).astype(bool)
    return [
        _finding(ctx, check, "organisations", row, "org_id",
                 f"{show(frame.at[row - 2, 'org_id'])} does not start with a prefix listed on org-id.guide "
                 f"(expected a registered prefix such as GB-CHC, GB-COH or GB-SC, then the register's number)")
        for row in _rows(bad)
    ]


# The part after a prefix, for the registers whose numbers have a known form.
REGISTER_FORMS = {
    "GB-CHC": (re.compile(r"[0-9]{6,7}"), "6 or 7 digits, such as GB-CHC-1123456"),
    "GB-COH": (re.compile(r"[A-Z0-9]{8}"), "8 characters, such as GB-COH-08123456 or GB-COH-SC123456"),
    "GB-SC": (re.compile(r"SC[0-9]{6}"), "SC and 6 digits, such as GB-SC-SC012345"),
    "GB-NIC": (re.compile(r"[0-9]{5,6}"), "5 or 6 digits, such as GB-NIC-100001"),
}


def check_registration_numbers(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["organisations"]
    found = []
    ids = frame["org_id"]
    for prefix, (form, expected) in REGISTER_FORMS.items():
        of_register = ids[ids.str.startswith(prefix + "-")]  # whole columns at once: a loop took 12 s at 1M
        numbers = of_register.str.slice(len(prefix) + 1)
        for i in numbers.index[~numbers.str.fullmatch(form).astype(bool).to_numpy()]:
            found.append(_finding(ctx, check, "organisations", int(i) + 2, "org_id",
                                  f"{show(ids[i])} has a {prefix} number that is not in the register's "
                                  f"form (expected {expected})"))
        for column, register in (("charity_number", "GB-CHC"), ("company_number", "GB-COH")):
            if prefix != register:
                continue
            given = frame.loc[numbers.index, column]
            for i in numbers.index[(given.notna() & (given != numbers)).to_numpy()]:
                found.append(_finding(ctx, check, "organisations", int(i) + 2, column,
                                      f"{show(given[i])} does not match the number in the org_id {show(ids[i])} "
                                      f"(expected {numbers[i]})", example=numbers[i]))
    return found


def _normalised_name(name: str) -> str:
    name = re.sub(r"[^a-z0-9 ]", " ", name.lower())
    name = re.sub(r"\b(the|ltd|limited|cic|cio|plc|llp)\b", " ", name)
    return " ".join(name.split())


def check_one_name_one_id(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["organisations"]
    found = []
    key = frame["name"].map(_normalised_name)
    shared = key.duplicated(keep=False).to_numpy()  # only names shared are grouped (333k groups took 26 s)
    for _, group in frame[shared].groupby(key[shared], sort=False):
        if len(group) > 1:
            ids = ", ".join(group["org_id"])
            for i in group.index[1:]:
                found.append(_finding(ctx, check, "organisations", int(i) + 2, "name",
                                      f"{show(frame.at[i, 'name'])} is also the name of another organisation "
                                      f"(ids: {ids}; expected one id per organisation: merge them if they are the same)"))
    for column in ("charity_number", "company_number"):
        numbers = frame[column].dropna()
        numbers = numbers[numbers.duplicated(keep=False)]
        for _, group in numbers.groupby(numbers, sort=False):
            if len(group) > 1:
                for i in group.index[1:]:
                    found.append(_finding(ctx, check, "organisations", int(i) + 2, column,
                                          f"{show(frame.at[i, column])} is the {column.replace('_', ' ')} of more "
                                          f"than one organisation (ids: {', '.join(frame.loc[group.index, 'org_id'])}; "
                                          "expected one organisation per registration)"))
    return found


PERSONAL = (
    ("an email address", EMAIL, "@", "remove it, or use a role address published elsewhere"),
    ("a telephone number", PHONE, "", "remove it"),
)
POSTCODE_FIX = "remove it, or give only the ward or the first half, such as SE1"


# Cheap tests that every match of a pattern passes (RE2, in pyarrow, over the whole column at
# once), so the exact Python pattern runs only on the few values that pass: at 1M grants the
# patterns alone took 47 s. Each is a necessary condition of its pattern, written for Unicode as
# Python's `re` reads it (\\d is any decimal digit; IGNORECASE folds some non-ASCII letters).
PREFILTERS = {
    EMAIL.pattern: "@",
    PHONE.pattern: ("count", r"\p{Nd}", 10),  # at least 10 digits: 0 and 9 more, or 44 and 9 more
    POSTCODE.pattern: r"\p{Nd}\pL\pL",  # the inward code (0AA in GIR 0AA too): a digit and two letters
    HTML.pattern: ("any", "<", ":"),  # a tag or comment starts with <, javascript: has a colon
}


PREFILTER_FROM = 1000  # values in a column from which the shortcuts are worth their set-up
DIGIT_BLOCK = 1 << 24  # bytes of text _digits_at_least reads at a time


def _digits_at_least(array, n: int):
    """For each string of a large_string array with no nulls, whether it holds `n` or more
    decimal digits (\\p{Nd}, as count_substring_regex counts them): the ASCII digits counted
    with numpy from the array's bytes, a block of strings at a time; only the strings with a
    character that is not ASCII (whose digits may be others) are counted by the regex."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(array, pa.Array) or array.type != pa.large_string() or array.null_count:
        return pc.greater_equal(pc.count_substring_regex(array, r"\p{Nd}"), n)  # what the shortcut stands for
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset:array.offset + len(array) + 1]
    data = array.buffers()[2]
    codes = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    digits = np.zeros(len(array), dtype=np.int64)
    other = np.zeros(len(array), dtype=bool)
    start = 0
    while start < len(array):  # blocks of about DIGIT_BLOCK bytes: the temporary arrays stay small
        end = int(np.searchsorted(offsets, offsets[start] + DIGIT_BLOCK, side="right"))
        end = min(max(end - 1, start + 1), len(array))
        block = codes[offsets[start]:offsets[end]]
        cuts = offsets[start:end + 1] - offsets[start]
        filled = np.flatnonzero(cuts[1:] > cuts[:-1])  # reduceat gives an empty string its next byte
        if len(filled):
            firsts = cuts[:-1][filled]
            digits[start + filled] = np.add.reduceat((block - 48) < 10, firsts, dtype=np.int64)
            other[start + filled] = np.maximum.reduceat(block, firsts) >= 128
        start = end
    found = digits >= n
    if other.any():
        at = np.flatnonzero(other)
        counted = pc.count_substring_regex(array.take(pa.array(at)), r"\p{Nd}").to_numpy(zero_copy_only=False)
        found[at] = counted >= n
    return pa.array(found)


def _matching(text: TextColumn, pattern: re.Pattern) -> pd.Series:
    """The values of `text` that `pattern` finds something in, with their index."""
    values = text.values
    rule = PREFILTERS.get(pattern.pattern)
    array = text.arrow() if rule is not None and len(values) > PREFILTER_FROM else False
    if array is not False:
        import pyarrow.compute as pc

        if rule == "@":
            mask = pc.match_substring(array, rule)
        elif isinstance(rule, str):
            mask = pc.match_substring_regex(array, rule)
        elif rule[0] == "count":
            mask = _digits_at_least(array, rule[2]) if rule[1] == r"\p{Nd}" else \
                pc.greater_equal(pc.count_substring_regex(array, rule[1]), rule[2])
        else:
            mask = pc.match_substring(array, rule[1])
            for other in rule[2:]:
                mask = pc.or_(mask, pc.match_substring(array, other))
        values = values[mask.to_numpy(zero_copy_only=False)]
    elif rule == "@" and len(values):  # the email pattern is slow on long text without an @
        values = values[values.str.contains("@", regex=False)]
    return values[values.str.contains(pattern, regex=True)] if len(values) else values


def _starting(text: TextColumn, starts: tuple[str, ...]) -> pd.Series:
    """The values of `text` that start with one of `starts` (single ASCII characters)."""
    values = text.values
    array = text.arrow() if len(values) > PREFILTER_FROM else False
    if array is False:
        return values[values.str.startswith(starts)]
    return values[first_char_in(array, "".join(starts))]


def check_personal_data(ctx: Context, check: Check) -> list[Finding]:
    """Email addresses and telephone numbers anywhere; full postcodes that could locate a person
    (see _postcode_reason)."""
    found = []
    for dataset, column, cells in _free_text(ctx, check):
        for kind, pattern, hint, what in PERSONAL:
            for i, text in _matching(cells, pattern).items():
                found.append(_finding(ctx, check, dataset, int(i) + 2, column,
                                      f"contains {kind} {show(pattern.search(text).group(0))}, which may be "
                                      f"personal data (expected no contact details in published text: {what})"))
    for dataset, column, i, postcode, reason in _postcodes(ctx, check):
        if reason != "building":
            found.append(_finding(ctx, check, dataset, i + 2, column, _postcode_message(postcode, reason)))
    return found


def check_building_postcode(ctx: Context, check: Check) -> list[Finding]:
    """Full postcodes in a contract's title or description with no person beside them: most
    likely the address of the building the contract is about, but worth a look."""
    return [
        _finding(ctx, check, dataset, i + 2, column,
                 f"contains a full postcode {show(postcode)}, taken to be a building's address (expected no "
                 f"address where a person lives or could be found: if it is one, {POSTCODE_FIX})")
        for dataset, column, i, postcode, reason in _postcodes(ctx, check) if reason == "building"
    ]


def _postcode_message(postcode: str, reason: str) -> str:
    if reason.startswith("name "):
        return (f"contains a full postcode {show(postcode)} beside a person's name {show(reason[5:])}, which "
                f"could locate them (expected no one's address in published text: {POSTCODE_FIX})")
    if reason.startswith("individual "):
        return (f"contains a full postcode {show(postcode)} in a row about an individual ({reason[11:]}), "
                f"which could locate them (expected no one's address in published text: {POSTCODE_FIX})")
    return (f"contains a full postcode {show(postcode)}, which may be personal data (expected no contact "
            f"details in published text: {POSTCODE_FIX})")


def _postcodes(ctx: Context, check: Check) -> list[tuple]:
    """(dataset, column, position, postcode, reason) for every full postcode in the free text,
    found once for both postcode checks. The reason is "name <the name>" or "individual <org_id>"
    (an error), "building" (a contract's title or description: a warning) or "text" (an error)."""
    if ctx.postcodes is None:
        individuals = _individuals(ctx)
        ctx.postcodes = []
        for dataset, column, cells in _free_text(ctx, replace(check, datasets=())):  # every dataset, once
            for i, text in _matching(cells, POSTCODE).items():
                postcode = POSTCODE.search(text).group(0)
                ctx.postcodes.append((dataset, column, int(i), postcode,
                                      _postcode_reason(ctx, dataset, column, int(i), text, individuals)))
    return ctx.postcodes


def _postcode_reason(ctx: Context, dataset: str, column: str, i: int, text: str, individuals: set) -> str:
    """Why a postcode in this text is or is not personal: see _postcodes."""
    name = PERSON.search(text)
    if name:
        return f"name {name.group(0)}"
    reference = ABOUT_ORG.get(dataset)
    frame = ctx.tables[dataset]
    if reference in frame.columns:
        org_id = _text(frame.at[i, reference])
        if org_id in individuals or "-IND-" in org_id:
            return f"individual {org_id}"
    return "building" if (dataset, column) in BUILDING_TEXT else "text"


def check_individuals(ctx: Context, check: Check) -> list[Finding]:
    """Individuals (by type, or by an individual's -IND- identifier) must be anonymised."""
    frame = ctx.tables["organisations"]
    prefix = f"{ctx.config.publisher_org_id}-IND-"
    found = []
    individual = frame["organisation_type"] == "individual"
    for row in _rows(individual | frame["org_id"].str.contains("-IND-", regex=False)):
        org_id, name, kind = (frame.at[row - 2, c] for c in ("org_id", "name", "organisation_type"))
        if not org_id.startswith(prefix):
            found.append(_finding(ctx, check, "organisations", row, "org_id",
                                  f"{show(org_id)} identifies an individual by something other than an anonymous "
                                  f"reference (expected {prefix} then a number, as 360Giving's guidance asks)",
                                  example=f"{prefix}0001"))
        if kind != "individual":
            found.append(_finding(ctx, check, "organisations", row, "organisation_type",
                                  f"{show(kind)} is not \"individual\", but the org_id {show(org_id)} is an "
                                  "individual's (expected organisation_type individual)", example="individual"))
        if not ANONYMISED.match(name):
            found.append(_finding(ctx, check, "organisations", row, "name",
                                  f"{show(name)} looks like a person's name (expected an individual to be shown as "
                                  "\"Individual\" or \"Individual recipient\", never by name)",
                                  example="Individual recipient"))
    return found


# Whether an organisation of each type is a voluntary or community sector (VCS) organisation. A
# company limited by guarantee may be either (a charity's trading arm, or a firm), so is not listed.
VCS_BY_TYPE = {
    "registered charity": True, "charitable incorporated organisation": True, "community interest company": True,
    "community benefit society": True, "unregistered community group": True,
    "private limited company": False, "NHS body": False, "local authority": False, "school": False,
    "individual": False,
}


def check_type_and_vcs(ctx: Context, check: Check) -> list[Finding]:
    """is_vcs agrees with organisation_type; rows where either is not stated (empty) are skipped."""
    frame = ctx.tables["organisations"]
    if not {"organisation_type", "is_vcs"} <= set(frame.columns):
        return []
    expected = frame["organisation_type"].map(VCS_BY_TYPE)
    given = frame["is_vcs"].astype("boolean")
    wrong = expected.notna() & given.notna() & (given != expected.astype("boolean"))
    found = []
    for row in _rows(wrong):
        kind, vcs = frame.at[row - 2, "organisation_type"], bool(given[row - 2])
        found.append(_finding(
            ctx, check, "organisations", row, "is_vcs",
            f"{show('yes' if vcs else 'no')} does not agree with the organisation_type {show(kind)} (expected "
            f"is_vcs {'no' if vcs else 'yes'}: {_a(kind)} is {'not ' if vcs else ''}a voluntary or community "
            "sector organisation; correct whichever of the two is wrong)", example="no" if vcs else "yes"))
    return found


def check_no_html(ctx: Context, check: Check) -> list[Finding]:
    return [
        _finding(ctx, check, dataset, int(i) + 2, column,
                 f"contains HTML or a script {show(HTML.search(text).group(0))} (expected plain text: remove the markup)")
        for dataset, column, cells in _free_text(ctx, check)
        for i, text in _matching(cells, HTML).items()
    ]


def check_formula_like(ctx: Context, check: Check) -> list[Finding]:
    return [
        _finding(ctx, check, dataset, int(i) + 2, column,
                 f"{show(text)} starts with {show(text[0])}, which spreadsheets treat as a formula "
                 "(expected text that starts with a letter, digit or quotation mark)")
        for dataset, column, cells in _free_text(ctx, check)
        for i, text in _starting(cells, FORMULA_START).items()
    ]


def check_funding_outcomes(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["funding_outcomes"]
    found = []
    for row in _rows(frame["contract_id"].notna() & frame["grant_id"].notna()):
        found.append(_finding(ctx, check, "funding_outcomes", row, "grant_id",
                              "both a contract and a grant are given (expected one or the other: use two rows)"))
    for row in _rows(frame["contract_id"].isna() & frame["grant_id"].isna()):
        found.append(_finding(ctx, check, "funding_outcomes", row, "contract_id",
                              "neither a contract nor a grant is given (expected one of them)"))
    return found


def check_duplicate_rows(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["funding_outcomes"]
    duplicated = frame.duplicated(subset=["contract_id", "grant_id", "outcome_id"], keep="first")
    return [Finding(ctx.res("funding_outcomes").shown, row, None, check.code,
                    "this row repeats an earlier row (expected each funding and outcome pair once)",
                    severity=check.severity, dataset="funding_outcomes")
            for row in _rows(duplicated)]


def check_possible_duplicate_grants(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["grants"]
    key = ["recipient_org_id", "amount_awarded", "award_date", "title"]
    duplicated = frame.duplicated(subset=key, keep="first")
    return [
        _finding(ctx, check, "grants", row, "grant_id",
                 f"{show(frame.at[row - 2, 'grant_id'])} has the same recipient, amount, award date and title as "
                 "another grant (expected each grant once: remove it if it is a copy)")
        for row in _rows(duplicated)
    ]


def check_periods(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["measurements"]
    first = pd.to_numeric(frame["period"].str.slice(0, 4))
    second = pd.to_numeric(frame["period"].str.slice(5, 7))
    return [
        _finding(ctx, check, "measurements", row, "period",
                 f"{show(frame.at[row - 2, 'period'])} is not a financial year (expected two consecutive years, "
                 "such as 2024-25 or 2024-25 Q1)")
        for row in _rows((first + 1) % 100 != second)
    ]


def check_missing_ward(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["organisations"]
    wards = ctx.tables.get("wards")
    first = None if wards is None or not len(wards) else str(wards["ward_name"].iloc[0])
    example = f", such as {first}" if first else " from wards.csv"
    return [
        _finding(ctx, check, "organisations", row, "ward",
                 f"no ward is given for an organisation based in the area (expected its ward{example})")
        for row in _rows(frame["based_in_borough"].fillna(False).astype(bool) & frame["ward"].isna())
    ]


def check_missing_programme(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["grants"]
    return [
        _finding(ctx, check, "grants", row, "programme",
                 "no grant programme is given (expected the programme the grant was made under, "
                 "such as Community Support Fund)")
        for row in _rows(frame["programme"].isna())
    ]


_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.strip() removes of ASCII


def _normalised(values: pd.Series) -> pd.Series:
    return values.str.strip().str.lower()


def _same_text(a: pd.Series, b: pd.Series) -> pd.Series:
    """Where a.str.strip().str.lower() == b.str.strip().str.lower() (a missing text never
    matches: NA or False). In a long column, the rows where both texts are ASCII are compared by
    Arrow (ascii_trim of what str.strip() removes, ascii_lower: the same as Python's on ASCII),
    SAME_TEXT_ROWS rows at a time (the copies stay small), and only the others by Python."""
    if len(a) <= PREFILTER_FROM:
        return _normalised(a) == _normalised(b)
    import pyarrow as pa

    same = np.zeros(len(a), dtype=bool)
    try:
        for start in range(0, len(a), SAME_TEXT_ROWS):
            end = min(start + SAME_TEXT_ROWS, len(a))
            same[start:end] = _same_text_part(a.iloc[start:end], b.iloc[start:end])
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, UnicodeEncodeError):  # not all text: as pandas does
        return _normalised(a) == _normalised(b)
    return pd.Series(same, index=a.index)


SAME_TEXT_ROWS = 1 << 16


def _same_text_part(a: pd.Series, b: pd.Series) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    left, right = (pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.large_string()) for s in (a, b))

    def folded(values):
        return pc.ascii_lower(pc.ascii_trim(values, _ASCII_SPACE))

    both = pc.and_(pc.string_is_ascii(left), pc.string_is_ascii(right))
    same = pc.fill_null(pc.and_(both, pc.equal(folded(left), folded(right))), False).to_numpy(zero_copy_only=False)
    others = np.flatnonzero(~pc.fill_null(both, True).to_numpy(zero_copy_only=False) & a.notna().to_numpy()
                            & b.notna().to_numpy())
    if len(others):
        same[others] = (_normalised(a.iloc[others]) == _normalised(b.iloc[others])).fillna(False).to_numpy(dtype=bool)
    return same


def check_title_not_description(ctx: Context, check: Check) -> list[Finding]:
    found = []
    for dataset in _applies(ctx, check):
        frame = ctx.tables[dataset]
        for row in _rows(_same_text(frame["title"], frame["description"])):
            found.append(_finding(ctx, check, dataset, row, "description",
                                  "the description only repeats the title (expected a sentence or two saying "
                                  "what the money pays for)"))
    return found


# --- decisions ---------------------------------------------------------------------

LINK_TARGETS = ("contract_id", "intention_id", "programme")
AWARD_DECISION_OVER = 100_000  # contracts over this value need an award decision


def _gbp(value: float) -> str:
    return f"£{value:,.0f}" if float(value).is_integer() else f"£{value:,.2f}"


def _award_links(ctx: Context) -> pd.DataFrame:
    links = ctx.tables["decision_links"]
    return links[(links["gateway"] == ctx.config.award_stage) & links["contract_id"].notna()]


def _award_name(ctx: Context) -> str:
    return ctx.config.stage_name(ctx.config.award_stage)


def check_award_decision(ctx: Context, check: Check) -> list[Finding]:
    if ctx.config.award_stage is None or not _has(ctx, {"contracts": ("contract_id", "total_value_gbp"),
                      "decision_links": ("contract_id", "gateway")}):
        return []
    frame = ctx.tables["contracts"]
    awarded = set(_award_links(ctx)["contract_id"])
    missing = (frame["total_value_gbp"] > AWARD_DECISION_OVER) & ~frame["contract_id"].isin(awarded)
    return [
        _finding(ctx, check, "contracts", row, "contract_id",
                 f"{show(frame.at[row - 2, 'contract_id'])} is worth {_gbp(frame.at[row - 2, 'total_value_gbp'])} "
                 f"but no contract award decision ({_award_name(ctx)}) is linked to it (expected a row in "
                 f"decision_links.csv with its contract_id and gateway {ctx.config.award_stage} for every contract "
                 f"over {_gbp(AWARD_DECISION_OVER)})")
        for row in _rows(missing)
    ]


def check_start_after_award(ctx: Context, check: Check) -> list[Finding]:
    if ctx.config.award_stage is None or not _has(ctx, {"contracts": ("contract_id", "start_date"),
                      "decision_links": ("decision_id", "contract_id", "gateway"),
                      "decisions": ("decision_id", "decision_date")}):
        return []
    frame = ctx.tables["contracts"]
    dates = ctx.tables["decisions"].set_index("decision_id")["decision_date"]
    award = _award_links(ctx)[["contract_id", "decision_id"]].copy()
    award["decision_date"] = award["decision_id"].map(dates)
    award = award.dropna(subset=["decision_date"]).sort_values(["decision_date", "decision_id"], kind="mergesort")
    first = award.drop_duplicates("contract_id").set_index("contract_id")  # the earliest award decision
    decided = frame["contract_id"].map(first["decision_date"])
    found = []
    for row in _rows(frame["start_date"] < decided):
        contract = frame.at[row - 2, "contract_id"]
        decision = first.at[contract, "decision_id"]
        found.append(_finding(
            ctx, check, "contracts", row, "start_date",
            f"{show(_text(frame.at[row - 2, 'start_date']))} is before the contract award decision ({_award_name(ctx)}) "
            f"{decision} of {_text(first.at[contract, 'decision_date'])} (expected a contract to start on or after "
            "the decision that awarded it: correct the start date or the decision's date)"))
    return found


def check_link_target(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["decision_links"]
    if not set(LINK_TARGETS) <= set(frame.columns):
        return []
    given = frame[list(LINK_TARGETS)].notna()
    found = []
    for row in _rows(given.sum(axis=1) == 0):
        found.append(_finding(ctx, check, "decision_links", row, "contract_id",
                              "none of contract_id, intention_id and programme is given (expected exactly one: "
                              "the contract, commissioning intention or grant programme the decision governs)"))
    for row in _rows(given.sum(axis=1) > 1):
        named = [c for c in LINK_TARGETS if given.at[row - 2, c]]
        found.append(_finding(ctx, check, "decision_links", row, named[1],
                              f"{' and '.join(named)} are both given (expected exactly one of contract_id, "
                              "intention_id and programme: use a row for each)"
                              if len(named) == 2 else
                              "contract_id, intention_id and programme are all given (expected exactly one of "
                              "them: use a row for each)"))
    return found


def check_link_programme(ctx: Context, check: Check) -> list[Finding]:
    if not _has(ctx, {"decision_links": ("programme",), "grants": ("programme",)}):
        return []
    frame = ctx.tables["decision_links"]
    known = sorted(set(ctx.tables["grants"]["programme"].dropna()))
    such_as = f", such as {known[0]}" if known else ", where no grant names a programme yet"
    unknown = frame["programme"].notna() & ~frame["programme"].isin(known)
    return [
        _finding(ctx, check, "decision_links", row, "programme",
                 f"{show(frame.at[row - 2, 'programme'])} is not the programme of any grant (expected a programme "
                 f"named exactly as in the programme column of grants.csv{such_as})",
                 example=known[0] if known else None)
        for row in _rows(unknown)
    ]


def check_duplicate_links(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["decision_links"]
    key = [c for c in ("decision_id", *LINK_TARGETS, "gateway") if c in frame.columns]
    return [Finding(ctx.res("decision_links").shown, row, None, check.code,
                    "this row repeats an earlier row (expected each decision and what it governs once)",
                    severity=check.severity, dataset="decision_links")
            for row in _rows(frame.duplicated(subset=key, keep="first"))]


def check_decision_source(ctx: Context, check: Check) -> list[Finding]:
    frame = ctx.tables["decisions"]
    if not {"provenance", "source_url"} <= set(frame.columns):
        return []
    example = ctx.res("decisions").field("source_url").get("example")
    found = []
    for row in _rows((frame["provenance"] == "real") & frame["source_url"].isna()):
        found.append(_finding(ctx, check, "decisions", row, "source_url",
                              "a real decision has no source (expected the address of the council's decision "
                              f"page, such as {example})"))
    for row in _rows((frame["provenance"] == "illustrative") & frame["source_url"].notna()):
        found.append(_finding(ctx, check, "decisions", row, "source_url",
                              f"{show(frame.at[row - 2, 'source_url'])} is given as the source of an illustrative "
                              "decision (expected no source for a decision made up for the sample data; if the "
                              "decision is real, set its provenance to real)", example=""))
    return found


# The number ranges the illustrative sample draws its organisations' registration numbers from:
# ranges the Charity Commission and Companies House have not issued (generator/sample/generate.py
# uses these; tests/sample checks they agree).
SAMPLE_CHARITY_NUMBERS = (9_000_000, 9_499_999)
SAMPLE_COMPANY_NUMBERS = (99_000_000, 99_999_999)


def _in_range(values: pd.Series, bounds: tuple[int, int]) -> pd.Series:
    """Which registration numbers (text) are whole numbers within bounds."""
    text = values.astype("string")
    numeric = pd.to_numeric(text.where(text.str.fullmatch(r"[0-9]{6,8}").fillna(False)), errors="coerce")
    return numeric.between(*bounds).fillna(False)


def check_not_sample(ctx: Context, check: Check) -> list[Finding]:
    """With data.illustrative false, the illustrative sample's rows would be published as real."""
    if ctx.config.illustrative:
        return []
    parts = []
    decisions = ctx.tables.get("decisions")
    if decisions is not None and "provenance" in decisions.columns:
        made_up = int((decisions["provenance"] == "illustrative").sum())
        if made_up:
            parts.append(f"{made_up:,} illustrative decision{'s' if made_up != 1 else ''} (provenance "
                         "illustrative in decisions.csv)")
    orgs = ctx.tables.get("organisations")
    if orgs is not None and {"charity_number", "company_number"} <= set(orgs.columns):
        invented = (_in_range(orgs["charity_number"], SAMPLE_CHARITY_NUMBERS)
                    | _in_range(orgs["company_number"], SAMPLE_COMPANY_NUMBERS))
        if invented.any():
            count = int(invented.sum())
            parts.append(f"{count:,} of the sample's invented organisations (charity numbers 9000000 to 9499999 "
                         "or company numbers 99000000 to 99999999, which the registers have not issued)")
    if not parts:
        return []
    shown = ctx.res("decisions" if decisions is not None else "organisations").shown
    folder = shown.rsplit("/", 1)[0] if "/" in shown else "."
    return [Finding(folder, None, None, check.code,
                    f"the data still holds the illustrative sample: {' and '.join(parts)}, but config.yml says "
                    "data.illustrative: false, so they would be published as real (expected your council's own "
                    "data: start a project of your own with python -m generator new DIR and import your "
                    "registers into it, or set data.illustrative: true while you try the tool)",
                    severity=check.severity)]


def check_stage_known(ctx: Context, check: Check) -> list[Finding]:
    """A gateway number the council has not named in approval.stages."""
    found = []
    stages = ctx.config.approval_stages
    expected = (f"one of {', '.join(map(str, stages))}, the stages named in config.yml (approval.stages)" if stages
                else "empty: config.yml names no approval stages; add approval.stages to use this column")
    for dataset in check.datasets:
        frame = ctx.tables.get(dataset)
        if frame is None or "gateway" not in frame.columns:
            continue
        unknown = frame["gateway"].notna() & ~frame["gateway"].isin(list(stages))
        found += [_finding(ctx, check, dataset, row, "gateway",
                           f"{show(_text(frame.at[row - 2, 'gateway']))} is not an approval stage (expected {expected})")
                  for row in _rows(unknown)]
    return found


def check_area_known(ctx: Context, check: Check) -> list[Finding]:
    """Measurement areas: the council's area (publisher.area) or a ward in wards.csv."""
    if not _has(ctx, {"measurements": ("area",), "wards": ("ward_name",)}):
        return []
    frame = ctx.tables["measurements"]
    known = [ctx.config.area, *ctx.tables["wards"]["ward_name"].dropna().astype(str)]
    unknown = frame["area"].notna() & ~frame["area"].isin(known)
    return [_finding(ctx, check, "measurements", row, "area",
                     f"{show(_text(frame.at[row - 2, 'area']))} is not the council's area or one of its wards "
                     f"(expected {show(ctx.config.area)}, the area named in config.yml publisher.area, or a ward_name "
                     "in wards.csv)")
            for row in _rows(unknown)]


CHECKS: list[Check] = [
    Check("not-positive", ("contracts", "grants", "commissioning_intentions"), ERROR,
          "Amounts are more than zero", check_positive),
    Check("end-before-start", ("contracts", "grants", "commissioners"), ERROR,
          "End, review, planned and actual end dates are not before their start dates", check_date_order),
    Check("implausible-date", (), ERROR,
          f"Dates are after {EARLIEST_YEAR} and less than {LATEST_YEARS_AHEAD} years ahead", check_plausible_dates),
    Check("award-in-future", ("grants",), ERROR, "Award dates are not in the future", check_award_not_in_future),
    Check("annual-exceeds-total", ("contracts",), ERROR,
          "A contract's annual value is no more than its total value", check_annual_value),
    Check("grant-id-prefix", ("grants",), ERROR,
          "Grant identifiers start with the council's 360Giving prefix", check_grant_prefix),
    Check("org-id-prefix", ("organisations",), ERROR,
          "Organisation identifiers use a prefix listed on org-id.guide", check_org_id_prefix),
    Check("registration-number", ("organisations",), ERROR,
          "Charity and company numbers have the register's form and match the identifier",
          check_registration_numbers),
    Check("personal-data", (), ERROR,
          "No email addresses or telephone numbers in any text, and no full postcode that could locate a person",
          check_personal_data),
    Check("type-vcs-mismatch", ("organisations",), ERROR,
          "An organisation's VCS flag agrees with its type: yes for charities, community interest companies, "
          "community benefit societies and community groups; no for private companies, NHS bodies, local "
          "authorities, schools and individuals", check_type_and_vcs),
    Check("individual-not-anonymised", ("organisations",), ERROR,
          "Individuals are anonymised, never named", check_individuals),
    Check("html-in-text", (), ERROR, "Text holds no HTML or scripts", check_no_html),
    Check("formula-like", (), ERROR,
          "Text does not start with =, +, -, @ or a tab (spreadsheet formulas)", check_formula_like),
    Check("one-of", ("funding_outcomes",), ERROR,
          "Each outcome link names a contract or a grant, not both", check_funding_outcomes),
    Check("duplicate-row", ("funding_outcomes",), ERROR, "No outcome link is listed twice", check_duplicate_rows),
    Check("financial-year", ("measurements",), ERROR,
          "Periods are real financial years, such as 2024-25", check_periods),
    Check("start-before-award-decision", ("contracts",), ERROR,
          "Contracts start on or after the decision that awarded them", check_start_after_award),
    Check("sample-data", ("decisions", "organisations"), ERROR,
          "Data published as real holds none of the illustrative sample's rows", check_not_sample),
    Check("unknown-stage", ("decisions", "decision_links"), ERROR,
          "Approval stages are ones the council names in config.yml", check_stage_known),
    Check("unknown-area", ("measurements",), ERROR,
          "Measurements are for the council's area or one of its wards", check_area_known),
    Check("link-target", ("decision_links",), ERROR,
          "Each decision link names one contract, commissioning intention or grant programme", check_link_target),
    Check("unknown-programme", ("decision_links",), ERROR,
          "Decision links name a grant programme that grants use", check_link_programme),
    Check("duplicate-link", ("decision_links",), ERROR, "No decision link is listed twice", check_duplicate_links),
    Check("provenance-source", ("decisions",), ERROR,
          "Real decisions give their source; illustrative ones have none", check_decision_source),
    # The equality lens (checks_dei.py): DEI codes from 360Giving's list, never about individuals.
    Check("dei-code", ("organisations",), ERROR,
          "Led-by and serving values are DEI Data Standard codes from 360Giving's code list, each once",
          checks_dei.check_codes),
    Check("dei-individual", ("organisations",), ERROR,
          "Equality data (led by, serving, size) is never about individuals", checks_dei.check_individuals),
    Check("same-name-several-ids", ("organisations",), WARNING,
          "One organisation, one identifier: no name or registration number under several ids",
          check_one_name_one_id),
    Check("possible-duplicate", ("grants",), WARNING,
          "No two grants have the same recipient, amount, date and title", check_possible_duplicate_grants),
    Check("no-ward", ("organisations",), WARNING,
          "Organisations based in the area have a ward", check_missing_ward),
    Check("no-programme", ("grants",), WARNING, "Grants name their programme", check_missing_programme),
    Check("title-is-description", ("contracts", "grants", "commissioning_intentions"), WARNING,
          "Descriptions say more than the title", check_title_not_description),
    Check("building-postcode", ("contracts",), WARNING,
          "Full postcodes in contract titles and descriptions are buildings' addresses, not a person's",
          check_building_postcode),
    Check("contract-without-award-decision", ("contracts",), WARNING,
          "Contracts over £100,000 have a contract award decision (when approval.award_stage is set)",
          check_award_decision),
    Check("dei-one-per-group", ("organisations",), WARNING,
          "Led-by and serving values have at most one code of each DEI population group",
          checks_dei.check_one_per_group),
    Check("dei-no-date", ("organisations",), WARNING,
          "Led-by and serving answers say when the organisation gave them", checks_dei.check_declared_on),
    # Contract KPIs and the Procurement Act 2023 (checks_kpis.py).
    *[Check(code, datasets, severity, title, run) for code, datasets, severity, title, run in KPI_CHECKS],
    *CHECKS_360,  # the counterparts of 360Giving's data quality tool's checks (checks_360.py)
]


def checks_for(dataset: str, package: DataPackage) -> list[Check]:
    names = [r.name for r in package.resources]
    return [c for c in CHECKS if dataset in (c.datasets or names)]


# Checks that only read text, so they also run on files whose other columns failed their
# schema: personal data is reported in the same run as a type error.
TEXT_CHECKS = ("personal-data", "building-postcode", "html-in-text", "formula-like", "removed-by-import")


def run_text_checks(raw: dict[str, pd.DataFrame], package: DataPackage, config: Config) -> list[Finding]:
    """The text checks on files read as plain strings (they failed their schema)."""
    ctx = Context(tables=raw, package=package, config=config, today=today())
    found = []
    for check in CHECKS:
        if check.code in TEXT_CHECKS:
            found += check.run(ctx, check)
    return found


def run_checks(tables: dict[str, pd.DataFrame], package: DataPackage, config: Config,
               on: dt.date | None = None) -> list[Finding]:
    ctx = Context(tables=tables, package=package, config=config, today=on or today())
    found: list[Finding] = []
    for check in CHECKS:
        if not check.datasets or any(d in tables for d in check.datasets):
            found += check.run(ctx, check)
    return sorted(sort_findings(found, package), key=lambda f: f.severity != ERROR)
