"""Incremental builds: a build whose inputs have not changed is not done again.

The build key is a SHA-256 over everything a build reads: the data package and its
CSV files, the schemas it names, the settings file, the generator's own code,
templates and reference files, the site sources (theme overrides, assets,
mkdocs.yml), the version of every package the build runs on (`runtime_packages`: the
dependencies pyproject.toml declares and, recursively, theirs), the build's date
(`SOURCE_DATE_EPOCH` or today: Live now and the quality pages depend on it) and the
data's last commit (the What changed page depends on it). A published site records
its key in `.build-key`; `python -m generator build` compares them first and stops
when they match, before importing pandas or reading a row.

Only light modules are imported here, so the check itself takes milliseconds plus
the time to read the data once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tomllib
import zlib
from importlib import metadata
from pathlib import Path

from .. import git
from ..config import PACKAGE_DIR, TOOL_DIR, today
from .swap import MARKER

KEY_FILE = ".build-key"
# (folder the files are named from, file or folder): the code, and the tool's own files that
# the site is made with (in the repository, or in an installed wheel the package's copy of them)
SOURCES = [(PACKAGE_DIR.parent, PACKAGE_DIR), (TOOL_DIR, TOOL_DIR / "site_src" / "overrides"),
           (TOOL_DIR, TOOL_DIR / "site_src" / "assets"), (TOOL_DIR, TOOL_DIR / "mkdocs.yml")]
PROJECT = "commissioning-transparency"  # the distribution name in pyproject.toml
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _normal(name: str) -> str:
    """A distribution name as PEP 503 compares them: mkdocs_material, MkDocs-Material -> mkdocs-material."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed() -> dict[str, tuple[str, Path]]:
    """name -> (version, *.dist-info folder) of every distribution on sys.path, read from the
    folder names (importlib.metadata parses each METADATA file: about 100 ms for this project's
    closure, against 6-15 ms here; `runtime_packages` asks it for anything this misses)."""
    found: dict[str, tuple[str, Path]] = {}
    for entry in sys.path:
        try:
            children = list(os.scandir(entry or "."))
        except OSError:
            continue
        for child in children:
            stem = child.name[: -len(".dist-info")] if child.name.endswith(".dist-info") else ""
            name, _, version = stem.rpartition("-")  # a version never holds "-"; an old-style name may
            if name and version:
                found.setdefault(_normal(name), (version, Path(child.path)))
    return found


def _requires(folder: Path | None, name: str) -> list[str]:
    """The requirements a distribution declares for itself (not for its extras)."""
    try:
        if folder is not None:
            text = (folder / "METADATA").read_text(encoding="utf-8", errors="replace")
            lines = [line[len("Requires-Dist:"):].strip() for line in text.split("\n\n", 1)[0].splitlines()
                     if line.startswith("Requires-Dist:")]
        else:
            lines = metadata.requires(name) or []
    except (OSError, metadata.PackageNotFoundError):
        return []
    return [req for req in lines if "extra" not in req.partition(";")[2]]


def runtime_packages() -> dict[str, str]:
    """name -> installed version ("" when missing) of every package the build runs on: the
    dependencies in pyproject.toml (or, installed from a wheel without the source tree, the
    project's own metadata, read from its *.dist-info folder as the others are) and, recursively,
    theirs. Test tools are not among them."""
    installed = _installed()
    try:
        wanted = tomllib.loads((TOOL_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        wanted = _requires(installed.get(PROJECT, ("", None))[1], PROJECT)
    versions: dict[str, str] = {}
    stack = [match.group(0) for match in map(_NAME.match, wanted) if match]
    while stack:
        name = _normal(stack.pop())
        if name in versions:
            continue
        version, folder = installed.get(name, ("", None))
        if folder is None:
            try:
                version = metadata.version(name)
            except metadata.PackageNotFoundError:
                version = ""
        versions[name] = version
        stack += [match.group(0) for match in map(_NAME.match, _requires(folder, name) if version else []) if match]
    return dict(sorted(versions.items()))


def _files(path: Path):
    if path.is_file():
        yield path
    elif path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and "__pycache__" not in child.parts and child.suffix != ".pyc":
                yield child


def _config_files(config_path: Path) -> list[Path]:
    """The files config.yml names that the site shows (site.about)."""
    import yaml

    try:
        tree = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
        about = (tree.get("site") or {}).get("about")
    except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError):
        return []
    return [config_path.parent / about] if isinstance(about, str) and about else []


def build_key(data_dir: Path, config_path: Path, leave_out: tuple[str, ...] = (),
              commit: bool = True) -> str | None:
    """The key of a build of `data_dir` with `config_path`; None when the package cannot be
    read (the build then runs, and reports why). `leave_out`: the resources (by name) whose
    data files are not in it; `commit`: whether the data's last commit is."""
    data_dir = Path(data_dir)
    try:
        descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
        inputs = [data_dir / "datapackage.json", Path(config_path), *_config_files(Path(config_path))]
        for res in descriptor["resources"]:
            if not (isinstance(res, dict) and res.get("name") in leave_out):
                inputs.append(data_dir / res["path"])
            if isinstance(res.get("schema"), str):
                inputs.append(data_dir / res["schema"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())

    for path in inputs:
        try:
            add(path.name, path.read_bytes())
        except OSError:
            return None
    for root, source in SOURCES:
        for path in _files(source):
            add(path.relative_to(root).as_posix(), path.read_bytes())
    for package, version in runtime_packages().items():
        add(package, version.encode())
    add("python", sys.version.encode())  # the interpreter (zlib-ng, which deflates the ZIP and XLSX files, is a dependency)
    add("zlib", zlib.ZLIB_RUNTIME_VERSION.encode())  # the ZIP files' CRC-32
    add("today", today().isoformat().encode())
    if commit:
        add("commit", git.output(["log", "-1", "--format=%H", "--", "."], data_dir, timeout=30).encode())
    return digest.hexdigest()


def pages_key(data_dir: Path, config_path: Path, tracked: tuple[str, ...]) -> str | None:
    """What every entity page is made from, for site/reuse.py: the build key without the data
    files of `tracked` (whose rows reuse.py fingerprints one by one) and without the data's
    last commit (only the What changed page shows it, and MkDocs builds that one every time)."""
    return build_key(data_dir, config_path, leave_out=tracked, commit=False)


def site_key(data_dir: Path, config_path: Path, resources: tuple[str, ...]) -> str | None:
    """What MkDocs' pages are made from besides their Markdown, for site/mkdocs.py: the build
    key without any data file (`resources`: every resource's name) or the data's last commit."""
    return build_key(data_dir, config_path, leave_out=resources, commit=False)


def up_to_date(out_dir: Path, key: str | None) -> bool:
    out_dir = Path(out_dir)
    if key is None or not (out_dir / MARKER).is_file():
        return False
    try:
        return (out_dir / KEY_FILE).read_text(encoding="utf-8").strip() == key
    except OSError:
        return False


def record(out_dir: Path, key: str | None) -> None:
    if key is not None:
        (Path(out_dir) / KEY_FILE).write_text(key + "\n", encoding="utf-8")
