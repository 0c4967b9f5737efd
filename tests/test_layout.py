"""The layout: one subpackage per pipeline stage, and every import points down the pipeline.

The imports of every module under generator/ are read from its source (every `import` and
`from ... import`, inside functions too), so a stage that reaches back up, or two modules
that need each other, fail here whatever the code does at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from generator.config import PROJECT_DIR

PACKAGE = PROJECT_DIR / "generator"

# The pipeline, top to bottom of the import graph: a module may import from its own layer and
# from the layers after it in this list, never from one before it.
LAYERS = [
    ("cli", "__main__"),
    ("build", "report", "progress", "new"),
    ("publish",),
    ("site",),
    ("exports",),
    ("imports",),
    ("model",),
    ("data",),
    ("config", "findings", "git", "background"),
]
APART = ("sample",)  # the sample data: it may use the base layer, and only the command line uses it


def layer_of(module: str) -> int | str:
    """The layer index of a generator module ("data.checks" -> the data layer)."""
    top = module.split(".")[0]
    if top in APART:
        return top
    for index, names in enumerate(LAYERS):
        if top in names:
            return index
    raise AssertionError(f"generator/{top.replace('.', '/')} is in no layer: add it to LAYERS in {__file__}")


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name or "__init__"] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The generator modules `name` imports (as dotted names below generator)."""
    package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "generator":
                target = node.module.removeprefix("generator").lstrip(".")
            else:
                continue
            for alias in node.names:  # `from . import checks` names a module; `from .x import y` a name in x
                sub = f"{target}.{alias.name}" if target else alias.name
                found.add(sub if sub in known else target)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "generator":
                    found.add(alias.name.removeprefix("generator").lstrip("."))
    return {m for m in found if m and m in known and m != name}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items() if name != "__init__"}


def test_every_stage_is_a_package_and_the_top_level_is_small():
    stages = {"data", "model", "imports", "exports", "site", "publish", "sample"}
    assert stages <= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == {"__init__", "__main__", "cli", "config", "findings", "git", "report", "build", "progress", "new", "background"}


def test_no_import_climbs_back_up_the_pipeline(graph):
    climbing = []
    for name, targets in graph.items():
        here = layer_of(name)
        for target in targets:
            there = layer_of(target)
            if here in APART or there in APART:
                if there in APART and here != there and name != "cli":
                    climbing.append(f"{name} -> {target} (only the command line uses the sample)")
                elif here in APART and there != here and there != len(LAYERS) - 1:
                    climbing.append(f"{name} -> {target} (the sample uses only config, findings and git)")
            elif there < here:
                climbing.append(f"{name} -> {target}")
    assert climbing == []


def test_no_import_cycle(graph):
    """Depth-first search over the module graph; any back edge is a cycle."""
    state: dict[str, int] = {}
    cycles = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph.get(name, ())):
            if state.get(target) == 1:
                cycles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_reader_sees_a_climbing_import(tmp_path):
    """The rule can fail: a data module that imported the site would be caught."""
    known = {"data.checks", "site.format", "site"}
    fake = tmp_path / "probe.py"
    fake.write_text("def f():\n    from ..site.format import gbp\nfrom ..site import format\n", encoding="utf-8")
    found = imports_of("data.probe", fake, known)
    assert found == {"site.format"}
    assert layer_of("site.format") < layer_of("data.probe")
