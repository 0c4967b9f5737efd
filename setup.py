"""The wheel carries the tool's own files as package data.

The generator reads files that live at the top of the repository (the team's layout keeps
them there): the Table Schemas in schemas/, mkdocs.yml, the theme's overrides and assets in
site_src/, the example project's datapackage.json (for `sample`) and constraints.txt (which
`new` copies into a project as tool-constraints.txt). A wheel has no repository beside it, so building one
copies them into the package as generator/_tool/, in the same layout (mkdocs.yml's relative
custom_dir and datapackage.json's relative schema paths resolve there as they do here);
generator/config.py's TOOL_DIR points at generator/_tool/ when it exists, else at the
repository. An editable install (`pip install -e .`, make setup) copies nothing and reads
the repository as before. Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
TOOL_FILES = ["schemas", "mkdocs.yml", "site_src/overrides", "site_src/assets", "data/datapackage.json",
              "constraints.txt"]


class BuildWithToolFiles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):  # the editable install reads the repository itself
            return
        target = Path(self.build_lib) / "generator" / "_tool"
        shutil.rmtree(target, ignore_errors=True)  # nothing stale from an earlier build
        for name in TOOL_FILES:
            source, copy = ROOT / name, target / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(source, copy)


setup(cmdclass={"build_py": BuildWithToolFiles})
