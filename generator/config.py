"""Configuration, the first stage: read config.yml, refusing unknown or missing keys by name;
and the build's date (SOURCE_DATE_EPOCH when set), which every later stage takes from here."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .findings import Finding

PACKAGE_DIR = Path(__file__).resolve().parent  # generator/: the code, templates and reference files
# The tool's own files (schemas/, mkdocs.yml, site_src/overrides and assets, data/datapackage.json,
# constraints.txt): the
# repository's top folder, or in an installed wheel their copy in the package (setup.py puts it there).
BUNDLED = (PACKAGE_DIR / "_tool").is_dir()  # installed from a wheel: no repository (and no git history) of the tool
TOOL_DIR = PACKAGE_DIR / "_tool" if BUNDLED else PACKAGE_DIR.parent
# The bundled example project (data/, config.yml), beside the tool's files in the repository; a wheel
# holds only its datapackage.json. A council's own project is the working folder.
PROJECT_DIR = TOOL_DIR
REFERENCE_DIR = PACKAGE_DIR / "reference"  # third-party lists and schemas, with their sources

# key -> (type, required). Every key here is documented in README.md ("Settings").
SETTINGS = {
    "publisher.name": (str, True),
    "publisher.org_id": (str, True),
    "publisher.grant_id_prefix": (str, True),
    "publisher.ocid_prefix": (str, False),
    "publisher.area": (str, False),
    "publisher.website": (str, False),
    "site.title": (str, True),
    "site.url": (str, False),
    "site.contact_email": (str, False),
    "site.about": (str, False),
    "data.illustrative": (bool, True),
    "approval.stages": (dict, False),
    "approval.award_stage": (int, False),
}
MAPPINGS = ("approval.stages",)  # settings whose value is a mapping, kept whole


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
    area: str = ""  # the council's area as named in measurements (publisher.area; default publisher.name)
    about: Path | None = None  # the council's own Markdown for the About page (site.about)
    approval_stages: dict = field(default_factory=dict)  # stage number -> its name (approval.stages)
    award_stage: int | None = None  # the stage that approves a contract award (approval.award_stage)
    publisher_website: str = ""  # the council's own website (publisher.website): 360Giving's fallback dataSource

    def stage_name(self, stage) -> str:
        """A stage's name from approval.stages, or "Stage N" for a number the council has not named."""
        if stage is None:
            return ""
        return self.approval_stages.get(int(stage), f"Stage {int(stage)}")


def _flatten(tree: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name not in MAPPINGS:
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
        wrong = value is not None and (not isinstance(value, kind) or (kind is int and isinstance(value, bool)))
        if wrong:
            expected = {bool: "true or false", int: "a whole number", dict: "a list of number: name lines"}.get(kind, "text")
            raise fail(f'setting "{key}" is {value!r} (expected {expected})')
    for key, (_, required) in SETTINGS.items():
        if required and flat.get(key) in (None, ""):
            raise fail(f'setting "{key}" is missing')
    stages = _stages(flat.get("approval.stages") or {}, fail)
    award = flat.get("approval.award_stage")
    if award is not None and award not in stages:
        raise fail(f'setting "approval.award_stage" is {award} (expected one of the numbers in approval.stages: '
                   f'{", ".join(map(str, stages)) or "none is set"})')
    website = flat.get("publisher.website") or ""
    if website and not _web_address(website):
        raise fail(f'setting "publisher.website" is {website!r} (expected the council\'s own website, a web address '
                   "starting http:// or https://, such as https://www.example.gov.uk/)")
    about = flat.get("site.about") or None
    if about and not (path.parent / about).is_file():
        raise fail(f'setting "site.about" is {about!r}, but {path.parent / about} is not a file (expected a Markdown '
                   "file beside config.yml with the council's own text for the About page, or no site.about)")
    return Config(
        area=flat.get("publisher.area") or flat["publisher.name"],
        about=(path.parent / about) if about else None,
        approval_stages=stages,
        award_stage=award,
        publisher_website=website,
        publisher_name=flat["publisher.name"],
        publisher_org_id=flat["publisher.org_id"],
        grant_id_prefix=flat["publisher.grant_id_prefix"],
        ocid_prefix=flat.get("publisher.ocid_prefix") or "",
        site_title=flat["site.title"],
        site_url=flat.get("site.url") or "",
        contact_email=flat.get("site.contact_email") or "",
        illustrative=flat["data.illustrative"],
        path=path,
    )


def _web_address(text: str) -> bool:
    """An http(s) address with a host and no spaces (360Giving's dataSource and publisher.website are URIs)."""
    if any(c.isspace() for c in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _stages(value: dict, fail) -> dict[int, str]:
    """approval.stages: whole numbers (0 or more) each with a name."""
    stages = {}
    for number, name in value.items():
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise fail(f'setting "approval.stages" has stage {number!r} (expected a whole number, 0 or more)')
        if not isinstance(name, str) or not name.strip():
            raise fail(f'setting "approval.stages" has no name for stage {number} (expected text, such as '
                       f'"Gateway {number}: contract award approval")')
        stages[number] = name.strip()
    return dict(sorted(stages.items()))


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
