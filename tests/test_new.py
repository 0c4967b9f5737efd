"""A council's own project: `new`, then validate and build an empty project; settings that
replace what was Southwark's in code (area, approval stages, About text); the sample refused
as real data."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator import build
from generator.config import PROJECT_DIR, ConfigError, load_config
from generator.data.stage import check_data
from generator.site.mkdocs import present_nav

from conftest import set_cell

NEW = ["new", "mycouncil", "--name", "Example Borough Council", "--org-id", "GB-LAE-EXB",
       "--grant-prefix", "360G-exampleborough-"]


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={"PYTHONPATH": str(PROJECT_DIR), "PATH": "/usr/bin:/bin",
                                            "SOURCE_DATE_EPOCH": "1764806400", **GIT_IDENTITY})


GIT_IDENTITY = {"GIT_AUTHOR_NAME": "Open data team", "GIT_AUTHOR_EMAIL": "opendata@example.gov.uk",
                "GIT_COMMITTER_NAME": "Open data team", "GIT_COMMITTER_EMAIL": "opendata@example.gov.uk",
                "GIT_AUTHOR_DATE": "2025-12-01T12:00:00Z", "GIT_COMMITTER_DATE": "2025-12-01T12:00:00Z"}


def text_of(page: Path) -> str:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return " ".join((soup.find("article") or soup).get_text(" ").split())


@pytest.fixture(scope="module")
def empty_project(tmp_path_factory) -> Path:
    """`new` run as the issue writes it, then validate and build from inside the project."""
    root = tmp_path_factory.mktemp("council")
    made = run(*NEW, cwd=root)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines() == [
        "Started Example Borough Council's project in mycouncil: config.yml, about.md, README.md and data/ "
        "(13 datasets, empty), with a publishing workflow (.github/workflows/publish.yml) and the tool's version "
        "pinned in tool-requirements.txt.",
        "Made a git repository with a first commit, so the site's releases start at once.",
        "Next: cd mycouncil, then python -m generator validate, import your registers (import-360giving, "
        "import-contracts) and build. README.md there lists the steps.",
    ]
    return root / "mycouncil"


def test_new_writes_a_project(empty_project):
    names = sorted(p.relative_to(empty_project).as_posix() for p in empty_project.rglob("*")
                   if p.is_file() and ".git" not in p.parts)
    datasets = ["commissioners", "commissioning_intentions", "contract_kpis", "contracts", "decision_links",
                "decisions", "funding_outcomes", "grants", "indicators", "measurements", "organisations", "outcomes", "wards"]
    assert [n for n in names if not n.startswith("site/")] == sorted(
        [".github/workflows/publish.yml", ".gitignore", "README.md", "about.md", "config.yml", "data/datapackage.json",
         "tool-constraints.txt", "tool-requirements.txt"] + [f"data/{d}.csv" for d in datasets])
    config = load_config(empty_project / "config.yml")
    assert (config.publisher_name, config.publisher_org_id, config.grant_id_prefix, config.illustrative) == (
        "Example Borough Council", "GB-LAE-EXB", "360G-exampleborough-", False)
    assert (config.ocid_prefix, config.contact_email, config.area, config.approval_stages) == (
        "", "", "Example Borough Council", {})
    package = json.loads((empty_project / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["publisher"] == "Example Borough Council"
    for resource in package["resources"]:  # schemas inline, the same as the tool's
        tool = json.loads((PROJECT_DIR / "schemas" / f"{resource['name']}.json").read_text(encoding="utf-8"))
        assert resource["schema"] == tool
        header = (empty_project / "data" / resource["path"]).read_text(encoding="utf-8")
        assert header == ",".join(f["name"] for f in tool["fields"]) + "\n"
    everything = "".join(p.read_text(encoding="utf-8") for p in empty_project.rglob("*")
                         if p.is_file() and "site" not in p.parts and ".git" not in p.parts)
    assert "Southwark" not in everything and "SWK" not in everything


def test_an_empty_project_validates_and_builds(empty_project):
    valid = run("validate", cwd=empty_project)
    assert (valid.returncode, valid.stdout, valid.stderr) == (0, "Valid: 13 datasets, 0 rows.\n", "")
    built = run("build", "--out", "site", "--quiet", cwd=empty_project)
    assert built.returncode == 0, built.stderr
    site = empty_project / "site"
    home = text_of(site / "index.html")
    assert "No contracts or grants published yet" in home
    assert "Example Borough Council has not published any contracts or grants here yet." in home
    assert "£0" not in home and "1969" not in home
    # No page, navigation entry or standard file for an empty dataset.
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    nav = [a.get_text(" ", strip=True) for a in soup.select(".md-nav--primary .md-nav__link")]
    for absent in ("Contracts", "Organisations", "Live now", "Forward plan", "Decisions", "Wards",
                   "Who the grants reach", "Contract performance", "Contract KPIs"):
        assert absent not in nav
    assert not (site / "contracts").exists() and not (site / "datasets" / "grants").exists()
    assert not (site / "grants-reach").exists()
    assert not (site / "performance").exists() and not (site / "datasets" / "contract_kpis").exists()
    downloads = {p.name for p in (site / "downloads").iterdir()}
    assert not downloads & {"360giving-grants.json", "360giving-grants.csv", "ocds-contracts.json",
                            "transparency-contracts-register.csv"}
    standards = text_of(site / "standards" / "index.html")
    assert "Contracts register: every contract over £5,000 not published: no contracts yet" in standards
    assert "OCDS) Not published: there are no contracts yet." in standards
    assert "360Giving Not published: there are no grants yet." in standards
    for page in site.rglob("*.html"):
        assert "Southwark" not in page.read_text(encoding="utf-8"), page
    assert broken_links(site) == []
    catalogue = json.loads((site / "downloads" / "catalog.jsonld").read_text(encoding="utf-8"))
    assert [d["dct:identifier"] for d in catalogue["dcat:dataset"]] == ["example-borough-council-commissioning.zip"]


def broken_links(site: Path) -> list[tuple[str, str]]:
    """Relative links (and assets) in the site's pages whose target is not there."""
    from urllib.parse import unquote

    bad = []
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":  # its links are from the site's root
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["a", "link", "script", "img"]):
            target = tag.get("href") or tag.get("src")
            if not target or target.startswith(("http:", "https:", "mailto:", "#", "data:")):
                continue
            path = page.parent / unquote(target.split("#")[0].split("?")[0])
            if target.endswith("/") or path.is_dir():
                path = path / "index.html"
            if not path.exists():
                bad.append((page.relative_to(site).as_posix(), target))
    return bad


def test_new_refuses_what_validate_would_refuse(tmp_path):
    bad = run("new", "x", "--name", "X", "--org-id", "EXB", "--grant-prefix", "360G-x-", cwd=tmp_path)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == ('error: --org-id "EXB" is not an org-id.guide identifier (expected a country, a register '
                          "and a number, such as GB-LAE-EXB for a local authority: see https://org-id.guide)\n")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine", encoding="utf-8")
    taken = run("new", "full", "--name", "X", "--org-id", "GB-LAE-X", "--grant-prefix", "360G-x-", cwd=tmp_path)
    assert taken.returncode == 2
    assert taken.stderr == ("error: full: already exists and is not an empty folder (expected a new folder for the "
                            "project, so nothing in it is overwritten)\n")
    assert (tmp_path / "full" / "notes.txt").read_text(encoding="utf-8") == "mine"


# --- settings that were Southwark's in code ---------------------------------------------

def write_config(tmp_path: Path, extra: str) -> Path:
    base = (PROJECT_DIR / "config.yml").read_text(encoding="utf-8")
    base = base[:base.index("approval:")] if "approval:" in base else base
    path = tmp_path / "config.yml"
    path.write_text(base.replace("  about: about.md", "  # no about") + extra, encoding="utf-8")
    return path


def test_approval_stages_are_settings(tmp_path):
    config = load_config(write_config(tmp_path, "approval:\n  stages:\n    1: Stage one\n    4: Panel sign-off\n"
                                                "  award_stage: 4\n"))
    assert config.approval_stages == {1: "Stage one", 4: "Panel sign-off"}
    assert (config.award_stage, config.stage_name(4), config.stage_name(2), config.stage_name(None)) == (
        4, "Panel sign-off", "Stage 2", "")
    with pytest.raises(ConfigError) as wrong:
        load_config(write_config(tmp_path, "approval:\n  stages:\n    1: Stage one\n  award_stage: 2\n"))
    assert wrong.value.finding.message == ('setting "approval.award_stage" is 2 (expected one of the numbers in '
                                           "approval.stages: 1)")
    with pytest.raises(ConfigError) as unnamed:
        load_config(write_config(tmp_path, "approval:\n  stages:\n    1: ''\n"))
    assert unnamed.value.finding.message == ('setting "approval.stages" has no name for stage 1 (expected text, '
                                             'such as "Gateway 1: contract award approval")')
    path = write_config(tmp_path, "")
    path.write_text(path.read_text(encoding="utf-8").replace("  # no about", "  about: missing.md"), encoding="utf-8")
    with pytest.raises(ConfigError) as about:
        load_config(path)
    assert about.value.finding.message.startswith('setting "site.about" is \'missing.md\', but ')


def test_stage_and_award_checks_follow_the_settings(data, config, tmp_path):
    without = load_config(write_config(tmp_path, ""))  # no approval stages: no award checks, and no stage numbers
    found = check_data(data, without)[0]
    assert not [f for f in found if f.code in ("contract-without-award-decision", "start-before-award-decision")]
    messages = {f.message for f in found if f.code == "unknown-stage"}
    assert messages and all(m.endswith("(expected empty: config.yml names no approval stages; add approval.stages to use this "
                          "column)") for m in messages)
    set_cell(data, "decision_links", 2, "gateway", "7")
    found = [f for f in check_data(data, config)[0] if f.code == "unknown-stage"]
    assert [(f.as_tuple(), f.message) for f in found] == [(
        (2, "gateway", "unknown-stage"),
        '"7" is not an approval stage (expected one of 0, 1, 2, 3, the stages named in config.yml (approval.stages))')]


def test_measurement_areas_are_the_council_area_or_its_wards(data, config):
    set_cell(data, "measurements", 3, "area", "Lambeth")
    found = [f for f in check_data(data, config)[0] if f.code == "unknown-area"]
    assert [(f.as_tuple(), f.message) for f in found] == [(
        (3, "area", "unknown-area"),
        '"Lambeth" is not the council\'s area or one of its wards (expected "Southwark", the area named in '
        "config.yml publisher.area, or a ward_name in wards.csv)")]


def test_the_sample_cannot_pass_as_real(data, tmp_path):
    real = write_config(tmp_path, "")
    real.write_text(real.read_text(encoding="utf-8").replace("illustrative: true ", "illustrative: false"),
                    encoding="utf-8")
    config = load_config(real)
    assert config.illustrative is False
    found = [f for f in check_data(data, config)[0] if f.code == "sample-data"]
    assert len(found) == 1
    assert found[0].path == "data" and found[0].row is None
    assert found[0].message.startswith("the data still holds the illustrative sample: ")
    assert found[0].message.endswith(
        "but config.yml says data.illustrative: false, so they would be published as real (expected your council's "
        "own data: start a project of your own with python -m generator new DIR and import your registers into "
        "it, or set data.illustrative: true while you try the tool)")
    assert " illustrative decisions (provenance illustrative in decisions.csv) and " in found[0].message


def test_sample_ranges_agree_with_the_generator():
    import inspect

    from generator.data import checks
    from generator.sample import generate

    source = inspect.getsource(generate)
    low, high = checks.SAMPLE_CHARITY_NUMBERS
    assert f"[({low:_}, {high:_})]" in source
    low, high = checks.SAMPLE_COMPANY_NUMBERS
    assert f"[({low:_}, {high:_})]" in source


def test_navigation_leaves_out_pages_not_written(tmp_path):
    (tmp_path / "index.md").write_text("x", encoding="utf-8")
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "index.md").write_text("x", encoding="utf-8")
    nav = [{"Home": "index.md"}, {"Explore": [{"Contracts": "contracts/index.md"}]},
           {"Datasets": ["datasets/index.md", {"Grants": "datasets/grants.md"}]}]
    assert present_nav(nav, tmp_path) == [{"Home": "index.md"}, {"Datasets": ["datasets/index.md"]}]


def test_bundled_about_text_comes_from_about_md(built_site):
    about = text_of(built_site / "about" / "index.html")
    assert "On 13 December 2016 Southwark Council's Cabinet agreed a council-wide approach" in about
    own = (PROJECT_DIR / "about.md").read_text(encoding="utf-8")
    assert "Southwark Council's Cabinet" in own
    template = (PROJECT_DIR / "generator" / "site" / "templates" / "about.md.j2").read_text(encoding="utf-8")
    assert "Southwark" not in template


def test_build_module_has_no_council_names():
    """Nothing council-specific in code, schemas or templates (the sample and its reference
    files apart)."""
    found = []
    for folder in ("generator", "schemas"):
        for path in (PROJECT_DIR / folder).rglob("*"):
            if not path.is_file() or path.suffix not in (".py", ".json", ".j2", ".html", ".md"):
                continue
            if "sample" in path.parts or "reference" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for word in ("Southwark", "SWK", "Peckham", "ILL-DEC"):
                if word in text:
                    found.append(f"{path.relative_to(PROJECT_DIR)}: {word}")
    assert found == []


def test_empty_project_build_in_process(empty_project, tmp_path):
    config = load_config(empty_project / "config.yml")
    result = build.build(empty_project / "data", tmp_path / "site", config, docs_dir=None)
    assert result.findings == []
    assert (tmp_path / "site" / "index.html").is_file()


def test_new_sets_up_publishing(empty_project):
    """A workflow that installs the pinned tool, validates pull requests with annotations and
    builds and publishes main; the built site ignored; a first commit made."""
    import yaml

    workflow = yaml.safe_load((empty_project / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    assert workflow[True] == {"pull_request": None, "push": {"branches": ["main"]}, "workflow_dispatch": None}  # "on"
    steps = {job: [step.get("run", step.get("uses", "")) for step in spec["steps"]]
             for job, spec in workflow["jobs"].items()}
    install = "pip install -r tool-requirements.txt -c tool-constraints.txt"
    assert install in steps["validate"] and install in steps["build"]
    assert "python -m generator validate --format github --report validation-report.json" in steps["validate"]
    assert ('SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)" python -m generator build --out site'
            in steps["build"])
    assert workflow["jobs"]["build"]["if"] == "github.ref == 'refs/heads/main' && github.event_name != 'pull_request'"
    assert steps["deploy"] == ["actions/deploy-pages@v4"]
    pinned = [line for line in (empty_project / "tool-requirements.txt").read_text(encoding="utf-8").splitlines()
              if line and not line.startswith("#")]
    assert len(pinned) == 1 and ("==" in pinned[0] or re.search(r"@[0-9a-f]{40}$", pinned[0])), pinned
    constraints = (empty_project / "tool-constraints.txt").read_text(encoding="utf-8")
    assert "pandas==" in constraints and "mkdocs==" in constraints
    assert "site/" in (empty_project / ".gitignore").read_text(encoding="utf-8").splitlines()
    log = subprocess.run(["git", "log", "--format=%s"], cwd=empty_project, capture_output=True, text=True)
    assert log.stdout.splitlines() == ["Start Example Borough Council's commissioning data project"]
    tracked = subprocess.run(["git", "ls-files"], cwd=empty_project, capture_output=True, text=True).stdout
    assert "data/grants.csv" in tracked.splitlines() and not any(f.startswith("site/") for f in tracked.splitlines())


def test_new_inside_a_repository_makes_no_second_one(tmp_path):
    subprocess.run(["git", "init", "--quiet"], cwd=tmp_path, check=True)
    made = run("new", "council", "--name", "X Council", "--org-id", "GB-LAE-X", "--grant-prefix", "360G-x-",
               "--tool-source", "commissioning-transparency @ git+https://example.org/tool@v9", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[1] == "The folder is already in a git repository: commit the new files there."
    assert not (tmp_path / "council" / ".git").exists()
    requirement = (tmp_path / "council" / "tool-requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert requirement == "commissioning-transparency @ git+https://example.org/tool@v9"
