"""What both contracts readers (a register, OCDS) share: the notes, the commissioners and organisations
the import names, and building a contracts row with every column ("" = not stated)."""

from __future__ import annotations

import json
import re

from ..config import TOOL_DIR
from ..findings import show
from . import project
from .contracts_values import TYPES_BY_SCHEME, charity_number, company_number, scrub, slug, split_org_id, text_of

EXAMPLES = 5  # examples in a note before "and N more"
LIMITS = {"title": 200, "description": 4000, "social_value_commitments": 2000}
NAME_LIMIT = 300
SECTIONS = ("Mapped", "Guessed", "Left out")


class ContractsImportError(Exception):
    """The file cannot be read as a contracts register or OCDS data; the message is one line."""


def columns(name: str) -> list[str]:
    """Our dataset's columns, from the tool's schema."""
    schema = json.loads((TOOL_DIR / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    return [f["name"] for f in schema["fields"]]


class Notes:
    """Notes grouped by section and kind, each kind with its examples, in the order first added."""

    def __init__(self):
        self.kinds: dict[tuple[str, str], list[str]] = {}

    def add(self, section: str, text: str, example: str | None = None) -> None:
        assert section in SECTIONS, section
        examples = self.kinds.setdefault((section, text), [])
        if example is not None:
            examples.append(example)

    def lines(self) -> list[str]:
        """Mapped notes first, then Guessed, then Left out."""
        lines = []
        for section in SECTIONS:
            for (kind_section, text), examples in self.kinds.items():
                if kind_section != section:
                    continue
                unique = list(dict.fromkeys(examples))
                if unique:
                    shown = ", ".join(unique[:EXAMPLES])
                    more = f" and {len(unique) - EXAMPLES:,} more" if len(unique) > EXAMPLES else ""
                    lines.append(f"{section}: {text}: {len(unique):,} ({shown}{more}).")
                else:
                    lines.append(f"{section}: {text}.")
        return lines


class Skip(Exception):
    """A contract that is not imported; the reason completes "Skipped ...: <reason>"."""


def clean_text(value, what: str, ident: str, notes: Notes) -> str:
    """Free text with contact details removed (noted, never shown) and cut to our schema's length."""
    text, removed = scrub(text_of(value))
    if removed:
        notes.add("Left out", "contact details (e-mail addresses, telephone numbers, names after \"contact\") "
                  "removed from the free text of contracts", ident)
    limit = LIMITS.get(what)
    if limit and len(text) > limit:
        notes.add("Guessed", f"{what} longer than {limit:,} characters, shortened with …", ident)
        text = text[: limit - 1].rstrip() + "…"
    return text


def contract_row(values: dict) -> dict:
    """A contracts row with every column of our schema; columns not given are "" (not stated)."""
    return {name: values.get(name, "") for name in columns("contracts")}


def name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text_of(name).casefold().replace("&", "and"))


class Commissioners:
    """The commissioners the import names: matched to the project's existing rows by id or name,
    otherwise made from the department's name with project.commissioner_row."""

    def __init__(self, existing: list[dict], department: dict | None, notes: Notes):
        self.known = {r["commissioner_id"]: r for r in existing}
        self.by_name = {name_key(r.get("name", "")): r["commissioner_id"] for r in existing if r.get("name")}
        self.created: dict[str, dict] = {}
        self.notes = notes
        self.department = department
        if department and department["commissioner_id"] not in self.known:
            row = project.commissioner_row(department["name"], department["commissioner_id"])
            self.created[row["commissioner_id"]] = row
            self.by_name.setdefault(name_key(row["name"]), row["commissioner_id"])

    def fallback(self) -> str:
        """The --department commissioner ("" when none was given)."""
        return self.department["commissioner_id"] if self.department else ""

    def resolve(self, name: str, ident: str = "") -> str:
        """The commissioner_id for a department's name (or a party id that is already a commissioner id)."""
        name = text_of(name)
        for candidate in (text_of(ident), name):
            if candidate and (candidate in self.known or candidate in self.created):
                return candidate
        key = name_key(name)
        if key in self.by_name:
            return self.by_name[key]
        new_id = base = project.commissioner_id(name)
        number = 2
        while new_id in self.known or new_id in self.created:
            new_id = f"{base}-{number}"
            number += 1
        row = project.commissioner_row(name[:NAME_LIMIT], new_id)
        self.created[new_id] = row
        self.by_name[key] = new_id
        self.notes.add("Guessed", "new commissioners made from department names not in commissioners.csv "
                       "(type \"council department\", no dates: check them)", f"{show(name)} → {new_id}")
        return new_id

    def new_rows(self) -> list[dict]:
        return list(self.created.values())


class Organisations:
    """The suppliers the import names, by org_id: the first row for an id wins, later ones fill its gaps."""

    def __init__(self, local_prefix: str, prefixes: set[str], notes: Notes):
        self.local_prefix = local_prefix
        self.prefixes = prefixes
        self.notes = notes
        self.by_id: dict[str, dict] = {}

    def local_id(self, name: str, ident: str) -> str:
        """<council org id>-<NAME AS A SLUG> for a supplier with no identifier we accept (noted)."""
        words = slug(name)
        if not words:
            raise Skip(f"its supplier {show(name)} has no letters or digits to make an identifier from")
        org_id = f"{self.local_prefix}-{words}"
        self.notes.add("Guessed", f"suppliers with no charity or company number we accept, given a local "
                       f"identifier {self.local_prefix}-<name> (replace it with their org-id where they have one)",
                       f"{show(name)} → {org_id}")
        return org_id

    def add(self, org_id: str, name: str, *, ident: str, is_sme: str = "", is_vcs: str = "",
            company: str = "", charity: str = "") -> str:
        """Record a supplier; returns its org_id (a local one when org_id is "")."""
        name = " ".join(text_of(name).split())
        if not name:
            raise Skip("it has no supplier name")
        if len(name) > NAME_LIMIT:
            self.notes.add("Guessed", f"supplier names longer than {NAME_LIMIT} characters, shortened with …", ident)
            name = name[: NAME_LIMIT - 1].rstrip() + "…"
        local = not org_id
        org_id = org_id or self.local_id(name, ident)
        scheme, number = ("", "") if local else split_org_id(org_id, self.prefixes)
        row = {
            "org_id": org_id, "name": name, "organisation_type": TYPES_BY_SCHEME.get(scheme, ""),
            "charity_number": number if scheme == "GB-CHC" else charity_number(charity),
            "company_number": number if scheme == "GB-COH" else company_number(company),
            "is_vcs": is_vcs, "is_sme": is_sme, "based_in_borough": "", "ward": "",
        }
        current = self.by_id.setdefault(org_id, row)
        if current is not row:
            for column, value in row.items():
                if value and not current[column]:
                    current[column] = value
        return org_id

    def rows(self) -> list[dict]:
        return list(self.by_id.values())
