"""Configuration, the first stage: read config.yml, refusing unknown or missing keys by name;
and the build's date (SOURCE_DATE_EPOCH when set), which every later stage takes from here."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from .findings import Finding

TOOL_DIR = Path(__file__).resolve().parent.parent  # the tool's own files: schemas/, mkdocs.yml, site_src/
PROJECT_DIR = TOOL_DIR  # the bundled example project (data/, config.yml); a council's own is the working folder
REFERENCE_DIR = Path(__file__).resolve().parent / "reference"  # third-party lists and schemas, with their sources

# key -> (type, required). Every key here is documented in README.md ("Settings").
SETTINGS = {
    "publisher.name": (str, True),
    "publisher.org_id": (str, True),
    "publisher.grant_id_prefix": (str, True),
    "publisher.ocid_prefix": (str, True),
    "site.title": (str, True),
    "site.url": (str, False),
    "site.contact_email": (str, True),
    "data.illustrative": (bool, True),
}


class ConfigError(Exception):
    def __init__(self, finding: Finding):
        super().__init__(str(finding))
        self.finding = finding


@dataclass(frozen=True)
class Config:
    publisher_name: str
    publisher_org_id: str
    grant_id_prefix: str
    ocid_prefix: str
    site_title: str
    site_url: str
    contact_email: str
    illustrative: bool
    path: Path


def _flatten(tree: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def load_config(path: Path | None = None) -> Config:
    path = Path(path or PROJECT_DIR / "config.yml")
    shown = str(path)

    def fail(message: str) -> ConfigError:
        return ConfigError(Finding(shown, None, None, "config", message))

    if not path.is_file():
        raise fail("settings file not found")
    try:
        tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise fail(f"is not valid YAML ({exc})") from None
    if not isinstance(tree, dict):
        raise fail("is not a set of settings")
    flat = _flatten(tree)
    for key, value in flat.items():
        if key not in SETTINGS:
            raise fail(f'unknown setting "{key}" (expected one of: {", ".join(SETTINGS)})')
        kind, _ = SETTINGS[key]
        if value is not None and not isinstance(value, kind):
            raise fail(f'setting "{key}" is {value!r} (expected {"true or false" if kind is bool else "text"})')
    for key, (_, required) in SETTINGS.items():
        if required and flat.get(key) in (None, ""):
            raise fail(f'setting "{key}" is missing')
    return Config(
        publisher_name=flat["publisher.name"],
        publisher_org_id=flat["publisher.org_id"],
        grant_id_prefix=flat["publisher.grant_id_prefix"],
        ocid_prefix=flat["publisher.ocid_prefix"],
        site_title=flat["site.title"],
        site_url=flat.get("site.url") or "",
        contact_email=flat["site.contact_email"],
        illustrative=flat["data.illustrative"],
        path=path,
    )


LATEST_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH (reproducible builds: https://reproducible-builds.org/specs/source-date-epoch/)
    as a number of seconds, or None when it is not set to one."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not (epoch.isascii() and epoch.isdigit()):
        return None
    if int(epoch) > LATEST_EPOCH:
        raise ConfigError(Finding("SOURCE_DATE_EPOCH", None, None, "config",
                                  f"{epoch} is not a usable time (expected seconds since 1970 before the year 9999)"))
    return int(epoch)


def today() -> dt.date:
    """The build's date: SOURCE_DATE_EPOCH's day (UTC) when set, else today."""
    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()
    return dt.date.today()
