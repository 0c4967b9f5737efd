"""Reading the values of a contracts register or an OCDS file: dates, money, yes/no, procurement
routes, statuses, organisation identifiers, and removing contact details from free text.

Every parser returns the value in our CSV form ("" when the source does not say) and how it was
read, so the importer can note what it changed or guessed. Nothing here invents a value.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from ..data.checks import REGISTER_FORMS

MONTHS = {name: index for index, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")], start=1) for name in names}
EXCEL_SERIALS = (20000, 80000)  # 1954-10-03 .. 2119-01-10: a 5-digit number in a date column


def text_of(value) -> str:
    """A cell as trimmed text ("" for None/NaN); whole floats without ".0"; dates as YYYY-MM-DD."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()


def _from_excel(serial: float) -> str:
    return (dt.date(1899, 12, 30) + dt.timedelta(days=int(serial))).isoformat()


def parse_date(value) -> tuple[str, str]:
    """(YYYY-MM-DD or "", how): how is "" (plain), "dayfirst", "words", "serial", "datetime",
    "partial" (a month or a year only) or "bad"; ("", "") for an empty cell."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), ""
    if isinstance(value, dt.date):
        return value.isoformat(), ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if EXCEL_SERIALS[0] <= value < EXCEL_SERIALS[1]:
            return _from_excel(value), "serial"
        return "", "bad"
    text = text_of(value)
    if not text:
        return "", ""
    try:
        return _parse_date_text(text)
    except ValueError:  # such as 31/02/2024
        return "", "bad"


def _parse_date_text(text: str) -> tuple[str, str]:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text).isoformat(), ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].*", text):  # an OCDS date-time: its calendar day
        return dt.date.fromisoformat(text[:10]).isoformat(), "datetime"
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year + 2000 if year < 100 else year, month, day).isoformat(), "dayfirst"
    match = re.fullmatch(r"(?:[A-Za-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?[\s-]+([A-Za-z]+)\.?,?[\s-]+(\d{2}|\d{4})",
                         text)
    if match and match.group(2).casefold() in MONTHS:
        year = int(match.group(3))
        return dt.date(year + 2000 if year < 100 else year, MONTHS[match.group(2).casefold()],
                       int(match.group(1))).isoformat(), "words"
    if re.fullmatch(r"\d{5}(\.\d+)?", text) and EXCEL_SERIALS[0] <= float(text) < EXCEL_SERIALS[1]:
        return _from_excel(float(text)), "serial"
    if re.fullmatch(r"\d{4}(-\d{1,2})?|\d{1,2}/\d{4}|[A-Za-z]+\s+\d{4}", text):
        return "", "partial"
    return "", "bad"


def parse_money(value) -> tuple[str, str]:
    """(a plain number of pounds such as "1234.5", or "", how): how is "" (plain), "cleaned" (£, GBP,
    commas or spaces removed), "negative" or "bad"; ("", "") for an empty cell."""
    if isinstance(value, bool):
        return "", "bad"
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            return "", "bad"
        return (plain_number(value), "") if value >= 0 else ("", "negative")
    text = text_of(value)
    if not text:
        return "", ""
    cleaned = re.sub(r"(?i)£|gbp|,|\s", "", text)
    if not re.fullmatch(r"-?\d+(\.\d+)?|-?\.\d+", cleaned):
        return "", "bad"
    number = float(cleaned)
    if number < 0:
        return "", "negative"
    return plain_number(number), ("cleaned" if cleaned != text else "")


def plain_number(value: float) -> str:
    """2266, 3028.63: as our CSV files write numbers (money rounded to pence)."""
    value = round(float(value), 2)
    return str(int(value)) if value.is_integer() else format(value, "f").rstrip("0").rstrip(".")


YES = {"yes", "y", "true", "t", "1", "x"}
NO = {"no", "n", "false", "f", "0"}


def parse_yes_no(value) -> tuple[str, str]:
    """("yes"/"no"/"", how): how "" or "bad" (a value that is neither, such as "unknown")."""
    if isinstance(value, bool):
        return ("yes" if value else "no"), ""
    text = text_of(value).casefold().rstrip(".")
    if not text:
        return "", ""
    if text in YES:
        return "yes", ""
    if text in NO:
        return "no", ""
    return "", "bad"


ROUTES = ["open procedure", "restricted procedure", "competitive procedure with negotiation", "framework call-off",
          "direct award", "light-touch regime", "invitation to quote", "grant agreement", "spot purchase"]
# A register's words -> our route, matched on the value with anything but letters removed; only
# values that clearly name one route. "Tender" or "ITT" alone (open or restricted?) map to none.
ROUTE_WORDS = {
    "open": "open procedure", "opentender": "open procedure", "openprocedure": "open procedure",
    "restricted": "restricted procedure", "restrictedprocedure": "restricted procedure",
    "restrictedtender": "restricted procedure",
    "competitiveprocedurewithnegotiation": "competitive procedure with negotiation",
    "competitivewithnegotiation": "competitive procedure with negotiation",
    "framework": "framework call-off", "frameworkcalloff": "framework call-off", "calloff": "framework call-off",
    "calloffframework": "framework call-off", "calloffromframework": "framework call-off",
    "calloffromaframework": "framework call-off", "frameworkagreement": "framework call-off",
    "minicompetition": "framework call-off", "directaward": "direct award", "direct": "direct award",
    "singletenderaction": "direct award", "singletender": "direct award", "waiver": "direct award",
    "lighttouch": "light-touch regime", "lighttouchregime": "light-touch regime",
    "grant": "grant agreement", "grantagreement": "grant agreement", "spotpurchase": "spot purchase",
    "spot": "spot purchase",
    "quotation": "invitation to quote", "quotations": "invitation to quote", "quote": "invitation to quote",
    "quotes": "invitation to quote", "invitationtoquote": "invitation to quote", "itq": "invitation to quote",
    "rfq": "invitation to quote", "requestforquotation": "invitation to quote",
    "requestforquotations": "invitation to quote", "threequotes": "invitation to quote",
}
# OCDS 1.1 tender.procurementMethod -> our route (the brief's rules; "direct" is the 1.1 code).
OCDS_METHODS = {"open": "open procedure", "selective": "restricted procedure", "limited": "direct award",
                "direct": "direct award"}


def parse_route(value) -> str:
    """Our procurement_route for a register's value, or "" when it does not clearly name one."""
    key = re.sub(r"[^a-z]", "", text_of(value).casefold())
    return ROUTE_WORDS.get(key, "")


def ocds_route(method: str, details: str) -> tuple[str, str]:
    """Our route from tender.procurementMethod refined by procurementMethodDetails, and how:
    "details" (the details are one of our routes, as our export writes), "refined", "method" or ""."""
    exact = text_of(details).casefold()
    if exact in ROUTES:
        return exact, "details"
    words = re.sub(r"[^a-z]", "", exact)
    if "framework" in words or ("calloff" in words and "dynamic" not in words):
        return "framework call-off", "refined"
    if "negotiation" in words:
        return "competitive procedure with negotiation", "refined"
    if "lighttouch" in words:
        return "light-touch regime", "refined"
    if "dynamicpurchasing" in words:
        return "", ""  # a DPS call-off: none of our routes says so
    route = OCDS_METHODS.get(text_of(method).casefold(), "")
    return route, ("method" if route else "")


STATUS_WORDS = {"live": "live", "active": "live", "current": "live", "extended": "extended", "ended": "ended",
                "expired": "ended", "closed": "ended", "complete": "ended", "completed": "ended",
                "terminatedearly": "terminated early", "terminated": "terminated early"}
OCDS_STATUSES = {"active": "live", "terminated": "ended"}


def parse_status(value) -> str:
    return STATUS_WORDS.get(re.sub(r"[^a-z]", "", text_of(value).casefold()), "")


def derived_status(start: str, end: str, today: dt.date) -> str:
    """live or ended from the dates, only when both are known ("" otherwise)."""
    if not start or not end:
        return ""
    return "ended" if dt.date.fromisoformat(end) < today else "live"


# --- organisation identifiers -------------------------------------------------------------

ORG_ID = re.compile(r"[A-Z]{2}-[A-Za-z0-9]+-[A-Za-z0-9][A-Za-z0-9-]*")
TYPES_BY_SCHEME = {"GB-NHS": "NHS body", "GB-LAE": "local authority", "GB-LAS": "local authority",
                   "GB-LANI": "local authority", "GB-PLA": "local authority", "GB-EDU": "school"}


def company_number(raw: str) -> str:
    """A Companies House number in its register's form (8 characters, zero-padded), or ""."""
    number = re.sub(r"\s", "", text_of(raw)).upper()
    if number.isdigit() and 0 < len(number) < 8:
        number = number.zfill(8)
    return number if REGISTER_FORMS["GB-COH"][0].fullmatch(number) else ""


def charity_number(raw: str) -> str:
    number = re.sub(r"\s", "", text_of(raw))
    return number if REGISTER_FORMS["GB-CHC"][0].fullmatch(number) else ""


def org_id_from(scheme: str, ident: str, prefixes: set[str]) -> str:
    """Our org_id for an identifier's scheme and id: GB-COH and GB-CHC numbers in their register's
    form; another registered scheme's id as it is; "" when it is not one we accept."""
    scheme = text_of(scheme).upper()
    ident = re.sub(r"\s", "", text_of(ident))
    if not scheme or not ident:
        return ""
    if ident.upper().startswith(scheme + "-"):  # the id repeats the scheme
        ident = ident[len(scheme) + 1:]
    if scheme == "GB-COH":
        number = company_number(ident)
        return f"GB-COH-{number}" if number else ""
    if scheme == "GB-CHC":
        number = charity_number(ident)
        return f"GB-CHC-{number}" if number else ""
    if scheme in REGISTER_FORMS:
        return f"{scheme}-{ident}" if REGISTER_FORMS[scheme][0].fullmatch(ident) else ""
    candidate = f"{scheme}-{ident}"
    return candidate if scheme in prefixes and ORG_ID.fullmatch(candidate) else ""


def split_org_id(org_id: str, prefixes: set[str]) -> tuple[str, str]:
    """("GB-CHC", "1234567") for "GB-CHC-1234567": at the longest registered prefix."""
    parts = text_of(org_id).split("-")
    for n in range(len(parts) - 1, 1, -1):
        prefix = "-".join(parts[:n]).upper()
        if prefix in prefixes or prefix in REGISTER_FORMS:
            return prefix, "-".join(parts[n:])
    return "", ""


def slug(name: str) -> str:
    """A name as the end of a local org_id: ASCII letters and digits, upper case, joined by -."""
    words = re.sub(r"[^A-Za-z0-9]+", " ", text_of(name).replace("&", " and ").replace("'", "")).upper().split()
    return "-".join(words)[:80].strip("-")


# --- contact details in free text ---------------------------------------------------------

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w/])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?(?:[\s-]?\d){6,8}(?![\d/])")
CONTACT_NAME = re.compile(r"((?i:contact(?:\s+(?:name|officer|person))?|enquiries\s+to)\s*:?\s*(?:\n\s*)?)"
                          r"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,2}\b")


def scrub(text: str) -> tuple[str, int]:
    """Free text with e-mail addresses, telephone numbers and a name after "contact" removed, and
    how many were removed. The removed text is never kept or shown."""
    removed = 0

    def count(replacement):
        def replace(match):
            nonlocal removed
            removed += 1
            return replacement(match) if callable(replacement) else replacement
        return replace

    text = EMAIL.sub(count("[e-mail address removed]"), text)
    text = PHONE.sub(count("[telephone number removed]"), text)
    text = CONTACT_NAME.sub(count(lambda m: m.group(1) + "[name removed]"), text)
    return text, removed
