"""The tool installs as a package: a wheel, installed in a fresh virtual environment with no
source tree beside it, starts a council's project, builds its site from the project's git
history, and lists each data commit on "What changed".

The wheel is built from a copy of the repository (so no build/ or *.egg-info is left in it),
with pip: without build isolation when this environment can build wheels itself, else with it
(pip then fetches the build backend, setuptools, from the configured index, as `make setup`'s
editable install does). It is installed with --no-deps into a venv made without pip; its
dependencies (pandas, pyarrow, MkDocs ...) are not downloaded: a .pth file in the fresh venv's
site-packages adds this environment's site-packages (sysconfig's purelib) to its sys.path,
after its own, and is written only after the wheel is installed. Every command runs from a
temporary folder with no PYTHONPATH, and `generator` is checked to be imported from the
fresh venv, not from the repository. About 30 seconds.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

from bs4 import BeautifulSoup

from generator.config import PACKAGE_DIR

REPO = PACKAGE_DIR.parent
LEFT_OUT = {".git", ".venv", ".venv-constraints", "site", "build", "tests", "benchmarks", ".pytest_cache"}
BUILD_DATE = "1773360000"  # 2026-03-13, after the commits below
DATES = ["2026-01-05T10:00:00+00:00", "2026-02-02T10:00:00+00:00", "2026-03-02T10:00:00+00:00"]


def _ignore(folder: str, names: list[str]) -> set[str]:
    here = Path(folder).resolve()
    left = {n for n in names if n == "__pycache__" or n.endswith(".egg-info") or n == "_tool"}
    if here == REPO:
        left |= {n for n in names if n in LEFT_OUT}
    if here == REPO / "site_src":
        left.add("generated")
    return left


def _can_build_here() -> bool:
    """Whether this environment's setuptools writes wheels (70.1 and later do; older need `wheel`)."""
    try:
        version = tuple(int(p) for p in metadata.version("setuptools").split(".")[:2] if p.isdigit())
    except metadata.PackageNotFoundError:
        return False
    return version >= (70, 1) or importlib.util.find_spec("wheel") is not None


def run(args, cwd, env, timeout=300) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done


def test_the_wheel_installs_in_a_fresh_venv_and_builds_a_council_site(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", PYTHONDONTWRITEBYTECODE="1")

    # The wheel, from a copy of the repository.
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=_ignore)
    dist = tmp_path / "dist"
    isolation = ["--no-build-isolation"] if _can_build_here() else []
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", *isolation, "-w", str(dist), str(source)],
        tmp_path, env)
    (wheel,) = dist.glob("commissioning_transparency-*.whl")

    # A fresh venv with the wheel alone; then this environment's packages for its dependencies.
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, env)
    python = str(venv / "bin" / "python")
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", str(wheel)],
        tmp_path, env)
    purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                       tmp_path, env).stdout.strip())
    (purelib / "zz-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    work = tmp_path / "work"
    work.mkdir()
    imported = Path(run([python, "-c", "import generator; print(generator.__file__)"], work, env).stdout.strip())
    assert imported.is_relative_to(venv) and not imported.is_relative_to(REPO)
    tool = imported.parent / "_tool"
    assert (tool / "mkdocs.yml").is_file() and (tool / "site_src" / "overrides" / "main.html").is_file()

    def generator(*args, cwd=work):
        return run([python, "-m", "generator", *args], cwd, {**env, "SOURCE_DATE_EPOCH": BUILD_DATE})

    # `sample` needs the example's datapackage.json: the wheel carries it.
    generator("sample", "--out", "sample", "--grants", "20")
    assert len(json.loads((work / "sample" / "datapackage.json").read_text())["resources"]) >= 10

    # A council's project, and its history: the new project, then two commits that change data.
    who = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_AUTHOR_DATE": DATES[0], "GIT_COMMITTER_DATE": DATES[0]}
    run([python, "-m", "generator", "new", "council", "--name", "Example Borough Council", "--org-id", "GB-LAE-EXB",
         "--grant-prefix", "360G-exampleborough-"], work, {**env, **who})
    project = work / "council"
    # Installed from a wheel, `new` pins the tool by its installed version, with the wheel's constraints.
    if (project / "tool-requirements.txt").exists():
        assert "\ncommissioning-transparency==0.1.0\n" in (project / "tool-requirements.txt").read_text()
        assert (REPO / "constraints.txt").read_text() in (project / "tool-constraints.txt").read_text()
    if not (project / ".git").exists():  # `new` makes the repository itself when git is installed
        run(["git", "init", "--quiet"], project, env)
    run(["git", "config", "user.name", "Test"], project, env)
    run(["git", "config", "user.email", "test@example.org"], project, env)
    run(["git", "config", "commit.gpgsign", "false"], project, env)
    commits = []

    def commit(message: str, date: str) -> None:
        run(["git", "add", "-A"], project, env)
        if run(["git", "status", "--porcelain"], project, env).stdout:  # `new` may have committed its files
            run(["git", "commit", "--quiet", "-m", message], project,
                {**env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})
        commits.append(run(["git", "rev-parse", "HEAD"], project, env).stdout.strip())

    def append(name: str, line: str) -> None:
        with (project / "data" / name).open("a", encoding="utf-8", newline="") as handle:
            handle.write(line + "\n")

    commit("The new project", DATES[0])
    assert len(commits) == 1
    append("wards.csv", "Borough & Bankside,E05011095")
    commit("A ward", DATES[1])
    append("wards.csv", "Camberwell Green,E05011096")
    append("commissioners.csv", "ADULTS,Adult social care,council department,,2020-04-01,,")
    commit("Another ward and a commissioner", DATES[2])

    built = generator("build", "--out", "site", cwd=project)
    assert "Built the site in site" in built.stdout
    page = BeautifulSoup((project / "site" / "changes" / "index.html").read_text(encoding="utf-8"), "html.parser")
    releases = [h2["id"].removeprefix("release-") for h2 in page.find_all("h2", id=True)
                if h2["id"].startswith("release-")]
    for full in commits[1:]:
        assert full[:10] in releases, (full, releases)
    assert releases.index(commits[2][:10]) < releases.index(commits[1][:10])  # newest first
    text = page.get_text(" ", strip=True)
    assert "2 March 2026" in text and "2 February 2026" in text

    # Nothing changed: the build key (code, theme and dependencies read from the installed wheel) matches.
    again = generator("build", "--out", "site", cwd=project)
    assert "Nothing has changed" in again.stdout
