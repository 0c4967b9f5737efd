"""`new DIR`: start a council's own project.

Writes what a council edits and keeps in its own repository:

- ``config.yml``: its name, org-id, prefixes, the site's title, address and contact, and
  ``illustrative: false`` (the data is real);
- ``about.md``: its own text for the top of the site's About page;
- ``data/datapackage.json``: every dataset, each with its schema written inline (a copy of the
  tool's schemas at the time: the project is a complete Frictionless data package on its own);
- ``data/*.csv``: every dataset's CSV with its header only (an empty project is valid and builds);
- ``README.md``: the next steps;
- ``.github/workflows/publish.yml``: validates every pull request (with annotations) and builds and
  publishes the site to GitHub Pages on every push to main, with the tool installed at the version
  pinned in ``tool-requirements.txt`` (and its dependencies at ``tool-constraints.txt``);
- ``.gitignore`` for the built site;
- and, when the folder is not in a git repository yet, ``git init`` and a first commit, so the
  site's releases ("What changed", the Atom feed) start at once.

The site's templates, theme and reference lists stay in the tool: they are not the council's
to edit, and an upgrade of the tool brings their fixes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from . import git
from .config import BUNDLED, TOOL_DIR

# Each dataset's title and description in a council's own datapackage.json: nothing in them
# names a council.
DATASETS = {
    "wards": ("Wards", "The council's wards: the areas its grants' beneficiaries and its measurements are "
                       "recorded by."),
    "commissioners": ("Commissioners", "The bodies that commission services: council departments, NHS "
                                       "partners and joint commissioning teams."),
    "organisations": ("Organisations", "Suppliers and grant recipients, with their org-id.guide identifiers "
                                       "and, where known, whether each is a voluntary or community sector "
                                       "organisation, a small or medium-sized enterprise, and based in the area."),
    "contracts": ("Contracts", "Contracts the council and its partners have let: who supplies what, for how "
                               "long and at what value (the Local Government Transparency Code 2015 contract "
                               "fields)."),
    "grants": ("Grants", "Grants to voluntary and community sector organisations, in the 360Giving style: "
                         "who received how much, when, for what, under which programme."),
    "commissioning_intentions": ("Commissioning intentions", "The forward plan: what the council and its "
                                                             "partners intend to commission, when, and how."),
    "outcomes": ("Outcomes", "The outcomes framework: the results for residents that plans are aligned to and "
                             "measured against."),
    "indicators": ("Indicators", "How each outcome is measured."),
    "measurements": ("Measurements", "Indicator results by financial year or quarter, for the council's area "
                                     "or a ward, with targets where set."),
    "funding_outcomes": ("Funding aligned to outcomes", "Which contracts and grants are aligned to which "
                                                        "outcomes."),
    "contract_kpis": ("Contract KPIs", "Key performance indicators set for contracts, with each period's target, "
                                       "result and rating on the government's scale (Good, Approaching target, "
                                       "Requires improvement, Inadequate, Other): the contract performance the "
                                       "Procurement Act 2023 asks to be published for contracts over £5 million."),
    "decisions": ("Decisions", "Who decided what, when and on what authority: the decisions behind contracts, "
                               "commissioning intentions and grant programmes."),
    "decision_links": ("Decision links", "Which decisions govern which contracts, commissioning intentions and "
                                         "grant programmes, and at which approval stage."),
}
ORDER = list(DATASETS)  # foreign keys point up this list
LICENCE = {"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
           "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}

ORG_ID = re.compile(r"[A-Z]{2}-[A-Za-z0-9]+-[A-Za-z0-9][A-Za-z0-9-]*")
GRANT_PREFIX = re.compile(r"360G-[A-Za-z0-9][A-Za-z0-9_-]*-?")
OCID_PREFIX = re.compile(r"ocds-[a-z0-9]{6}")


class NewError(Exception):
    """A project that cannot be written (the message says why and what to do)."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "council"


def _yaml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def check_options(*, org_id: str, grant_prefix: str, ocid_prefix: str | None) -> None:
    """Refuse identifiers that `validate` would refuse later, naming the option."""
    if not ORG_ID.fullmatch(org_id):
        raise NewError(f'--org-id "{org_id}" is not an org-id.guide identifier (expected a country, a register '
                       "and a number, such as GB-LAE-EXB for a local authority: see https://org-id.guide)")
    if not GRANT_PREFIX.fullmatch(grant_prefix):
        raise NewError(f'--grant-prefix "{grant_prefix}" is not a 360Giving prefix (expected 360G- then your '
                       "registered prefix, such as 360G-exampleborough-: see https://www.threesixtygiving.org)")
    if ocid_prefix is not None and not OCID_PREFIX.fullmatch(ocid_prefix):
        raise NewError(f'--ocid-prefix "{ocid_prefix}" is not an OCDS prefix (expected ocds- then the six '
                       "characters Open Contracting registered for you, such as ocds-abc123)")


def config_text(*, name: str, org_id: str, grant_prefix: str, ocid_prefix: str | None, area: str,
                title: str, url: str, contact: str) -> str:
    ocid = (f"  ocid_prefix: {ocid_prefix}\n" if ocid_prefix else
            "  # ocid_prefix: ocds-abc123   # your registered OCDS prefix: the OCDS download is published once set\n")
    return f"""# Settings for python -m generator (validate, build, serve, import-360giving, import-contracts).
# Every key is explained in the tool's README, under "Settings".
publisher:
  name: {_yaml_text(name)}
  org_id: {org_id}                # the council's org-id.guide identifier (the 360Giving funder id)
  grant_id_prefix: {grant_prefix}   # every grant_id starts with it
{ocid}  area: {_yaml_text(area)}          # the council's area as named in measurements.csv
  # website: https://www.example.gov.uk/   # the council's own website (360Giving's publisher website and
  #                                         # the grants' data source while site.url is not set)
site:
  title: {_yaml_text(title)}
  url: {_yaml_text(url)}                       # the public address, once published
  contact_email: {_yaml_text(contact)}   # where residents report problems (the site says when there is none)
  about: about.md             # your own text at the top of the About page
data:
  illustrative: false         # the data is real: the sample's rows are refused
# approval:                   # your procurement approval stages, if you record them in decisions.csv
#   stages:
#     1: "Stage 1: procurement strategy approval"
#     2: "Stage 2: contract award approval"
#   award_stage: 2            # contracts over £100,000 then need a decision at this stage
"""


def about_text(name: str) -> str:
    return f"""This site publishes {name}'s commissioning data: the contracts it has let, its forward plan
of commissioning intentions, its grants to voluntary and community sector organisations, and its
outcomes framework with the results it measures.

<!-- Add here, in Markdown: why the council publishes this data, which decision set up its approach
to commissioning (with a link to it), and who to contact. This note is not shown on the site. -->
"""


def readme_text(name: str, folder: str) -> str:
    return f"""# {name}: commissioning and grants data

This folder is a project of the council commissioning transparency tool (`python -m generator`).

- `config.yml`: the council's settings.
- `about.md`: the council's own text for the site's About page.
- `data/`: the datasets, one CSV each, described (with their schemas) by `data/datapackage.json`.

## Next steps

```sh
cd {folder}
python -m generator validate                      # an empty project is valid
python -m generator import-360giving grants.csv --out data
python -m generator import-contracts register.xlsx --out data
python -m generator validate                      # read the errors and warnings, fix the data
python -m generator build --out site              # the site, ready to publish from site/
python -m generator serve                         # or preview it at http://127.0.0.1:8000/
```

Add your wards to `data/wards.csv` before importing, so grants can be placed in them. Nothing is
ever invented: where your registers do not say something, the site says "not stated".
"""


WORKFLOW = """\
# Validate every pull request; build and publish the site to GitHub Pages from main.
# Written by `python -m generator new`. The tool is installed at the version pinned in
# tool-requirements.txt, its dependencies at tool-constraints.txt: change them to upgrade.
# To turn publishing on: Settings > Pages > Build and deployment > Source: GitHub Actions.
name: Publish

on:
  pull_request:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: publish-${{ github.ref }}
  cancel-in-progress: false

jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0            # the data's history gives its last-updated dates and releases
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the tool at its pinned version
        run: pip install -r tool-requirements.txt -c tool-constraints.txt
      - name: Validate the data (problems appear as annotations on the pull request)
        run: python -m generator validate --format github --report validation-report.json
      - name: Upload the validation report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: validation-report
          path: validation-report.json
          if-no-files-found: ignore

  build:
    needs: validate
    if: github.ref == 'refs/heads/main' && github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the tool at its pinned version
        run: pip install -r tool-requirements.txt -c tool-constraints.txt
      - name: "Build the site (reproducible: dated by the last commit)"
        run: SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)" python -m generator build --out site
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

GITIGNORE = """\
# The built site (python -m generator build --out site): published by the workflow, not committed.
site/
# A validation report (python -m generator validate --report ...).
validation-report.json
"""


def tool_requirement(source: str | None = None) -> tuple[str, str]:
    """The pip requirement that installs this version of the tool, and how it was found:
    `source` when given; else this checkout's origin at its current commit; else the
    package's name and version."""
    if source:
        return source, "as given (--tool-source)"
    if BUNDLED:  # installed from a wheel: TOOL_DIR is inside the package, not a checkout
        return _installed_requirement()
    origin = git.output(["remote", "get-url", "origin"], TOOL_DIR)
    commit = git.output(["rev-parse", "HEAD"], TOOL_DIR)
    clean = git.run(["status", "--porcelain", "--untracked-files=no"], TOOL_DIR).stdout.strip() == b""
    if origin and re.fullmatch(r"[0-9a-f]{40}", commit or "") and clean:
        url = origin if "://" in origin or origin.startswith("git@") else f"file://{origin}"
        return f"commissioning-transparency @ git+{url}@{commit}", "this copy of the tool's repository and commit"
    return _installed_requirement()


def _installed_requirement() -> tuple[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"commissioning-transparency=={version('commissioning-transparency')}", "the installed version"
    except PackageNotFoundError:
        return "commissioning-transparency", "the package name only"


def _requirements_text(requirement: str, how: str) -> str:
    return (f"# The tool that builds this site, pinned ({how}). Written by `python -m generator new`;\n"
            "# change it to upgrade, for example to a release tag:\n"
            "#   commissioning-transparency @ git+https://github.com/OWNER/REPOSITORY@v0.2.0\n"
            "# or to a wheel kept in this repository: ./vendor/commissioning_transparency-0.2.0-py3-none-any.whl\n"
            f"{requirement}\n")


def _constraints_text() -> str:
    pinned = TOOL_DIR / "constraints.txt"
    body = pinned.read_text(encoding="utf-8") if pinned.is_file() else ""
    return ("# The versions of the tool's dependencies its tests passed with (its constraints.txt), so a\n"
            "# build is the same on every machine. Written by `python -m generator new`.\n" + body)


def start_history(folder: Path, name: str) -> str:
    """`git init` and a first commit when `folder` is not in a repository yet. Returns what was
    done, as a sentence."""
    inside = git.run(["rev-parse", "--is-inside-work-tree"], folder)
    if inside.returncode == git.NOT_INSTALLED:
        return "git is not installed: the site has no history until the project is in a git repository."
    if inside.returncode == 0:
        return "The folder is already in a git repository: commit the new files there."
    if git.run(["init", "--quiet", "--initial-branch=main"], folder).returncode != 0 and \
            git.run(["init", "--quiet"], folder).returncode != 0:
        return "git init failed: run it yourself, then commit the files."
    git.run(["add", "--all"], folder)
    committed = git.run(["commit", "--quiet", "-m", f"Start {name}'s commissioning data project"], folder)
    if committed.returncode != 0:
        return ("Made a git repository, but could not commit (git needs your name and email: git config "
                "user.name and user.email); commit the files yourself so the releases start.")
    return "Made a git repository with a first commit, so the site's releases start at once."


def descriptor(name: str, schemas_dir: Path | None = None) -> dict:
    """The project's datapackage.json: every dataset with its schema inline."""
    schemas_dir = schemas_dir or TOOL_DIR / "schemas"
    resources = []
    for dataset in ORDER:
        title, description = DATASETS[dataset]
        resources.append({
            "name": dataset, "title": title, "description": description, "path": f"{dataset}.csv",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "profile": "tabular-data-resource",
            "schema": json.loads((schemas_dir / f"{dataset}.json").read_text(encoding="utf-8")),
        })
    return {
        "name": f"{_slug(name)}-commissioning",
        "title": f"{name}: commissioning, grants and outcomes",
        "description": "Where the council's commissioning money goes and what it achieves: contracts, the forward "
                       "plan, grants to voluntary and community sector organisations, the outcomes framework "
                       "with its measured results, and the decisions behind them.",
        "licenses": [LICENCE],
        "publisher": name,
        "resources": resources,
    }


def new_project(folder: Path, *, name: str, org_id: str, grant_prefix: str, ocid_prefix: str | None = None,
                area: str | None = None, title: str | None = None, url: str = "",
                contact: str | None = None, tool_source: str | None = None) -> list[Path]:
    """Write a council's project into `folder` (new or empty). Returns the files written
    (start_history then makes it a git repository)."""
    folder = Path(folder)
    check_options(org_id=org_id, grant_prefix=grant_prefix, ocid_prefix=ocid_prefix)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise NewError(f"{folder}: already exists and is not an empty folder (expected a new folder for the "
                       "project, so nothing in it is overwritten)")
    name = name.strip()
    if not name:
        raise NewError('--name is empty (expected the council\'s name, such as "Example Borough Council")')
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    package = descriptor(name)
    files = {
        folder / "config.yml": config_text(
            name=name, org_id=org_id, grant_prefix=grant_prefix, ocid_prefix=ocid_prefix, area=area or name,
            title=title or f"{name}: commissioning and grants", url=url,
            contact=contact or ""),
        folder / "about.md": about_text(name),
        folder / "README.md": readme_text(name, folder.name),
        data / "datapackage.json": json.dumps(package, indent=2, ensure_ascii=False) + "\n",
        folder / ".github" / "workflows" / "publish.yml": WORKFLOW,
        folder / ".gitignore": GITIGNORE,
        folder / "tool-requirements.txt": _requirements_text(*tool_requirement(tool_source)),
        folder / "tool-constraints.txt": _constraints_text(),
    }
    for resource in package["resources"]:
        header = ",".join(f["name"] for f in resource["schema"]["fields"])
        files[data / resource["path"]] = header + "\n"
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return list(files)
