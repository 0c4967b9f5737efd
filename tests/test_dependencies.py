"""Every package the code imports is declared: the generator's in pyproject.toml's dependencies,
the tests' in them or in the test extra; and every install uses constraints.txt."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from generator.config import PROJECT_DIR

PYPROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# The tests' own modules that other tests import (tests/ and tests/site/ are on sys.path under pytest).
HELPERS = {"conftest", "conformance", "corpus_cases", "dqt", "test_site"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(requirements: list[str]) -> set[str]:
    return {_normal(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r).group(0)) for r in requirements}


def imported(folder: Path) -> set[str]:
    """The top-level modules the Python files under `folder` import, standard library aside."""
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "generator" and m not in HELPERS}


def undeclared(modules: set[str], declared: set[str]) -> list[str]:
    distributions = metadata.packages_distributions()
    missing = []
    for module in sorted(modules):
        owners = {_normal(d) for d in distributions.get(module, [])}
        if not owners & declared:
            missing.append(f"{module} (from {', '.join(sorted(owners)) or 'nothing installed'})")
    return missing


def test_every_package_the_generator_imports_is_a_dependency():
    modules = imported(PROJECT_DIR / "generator")
    assert {"markupsafe", "pyarrow", "tqdm", "yaml"} <= modules  # the reader sees them
    assert undeclared(modules, _names(PYPROJECT["dependencies"])) == []


def test_every_package_the_tests_import_is_declared():
    declared = _names(PYPROJECT["dependencies"]) | _names(PYPROJECT["optional-dependencies"]["test"])
    assert undeclared(imported(PROJECT_DIR / "tests") | imported(PROJECT_DIR / "benchmarks"), declared) == []


def test_an_undeclared_import_is_found(tmp_path):
    (tmp_path / "x.py").write_text("import markupsafe\nfrom jinja2 import Environment\nimport os\n", encoding="utf-8")
    assert undeclared(imported(tmp_path), {"jinja2"}) == ["markupsafe (from markupsafe)"]


def test_every_install_uses_the_constraints():
    """make setup (used by make site, make test and the publishing workflow) installs with
    constraints.txt, which pins every package of the test environment."""
    makefile = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet -c constraints.txt -e '.[test]'" in makefile
    assert re.search(r"^\$\(STAMP\): pyproject\.toml constraints\.txt$", makefile, re.M)
    pinned = {}
    for line in (PROJECT_DIR / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pinned[_normal(name)] = version
    assert all(pinned.values())
    wanted = _names(PYPROJECT["dependencies"]) | _names(PYPROJECT["optional-dependencies"]["test"])
    assert wanted <= set(pinned)
    for name in wanted:  # the environment the tests run in is the pinned one
        assert metadata.version(name) == pinned[name], name
