"""Command line: python -m generator {new,validate,build,serve,sample,import-360giving,import-contracts}.

Every command works on the project in the current folder (config.yml, data/, site/), or on the
files its options name.

Exit codes: 0 success (warnings allowed), 1 invalid data or a failed build,
2 a usage error. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from .config import PROJECT_DIR, ConfigError, load_config
from .findings import errors, plural
from .publish import incremental

# The commands import the pipeline's stages when they run (pandas, pyarrow and MkDocs take about
# half a second to import): `build` first compares the build key, in milliseconds, and stops
# there when nothing has changed.

DESCRIPTION = """\
Publish a council's commissioning data (contracts, grants, the forward plan and the
common outcomes framework) as a validated open-data website with downloads."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def common(p, out: bool):
        p.add_argument("--data", type=Path, default=Path("data"), metavar="DIR",
                       help="folder holding datapackage.json and the CSV files (default: data/)")
        p.add_argument("--config", type=Path, default=Path("config.yml"), metavar="FILE",
                       help="settings file (default: config.yml)")
        p.add_argument("--format", choices=["text", "github"], default="text",
                       help="how to print problems: text for people (default), or github for workflow "
                            "annotations (::error file=...,line=...::...) on a pull request")
        p.add_argument("--report", type=Path, metavar="FILE",
                       help="also write every problem to FILE as JSON, grouped by file and check")
        p.add_argument("--quiet", action="store_true",
                       help="print only the errors and the last line (no warnings" + (", stages or progress bars)" if out
                                                                                   else ")"))
        if out:
            p.add_argument("--out", type=Path, default=Path("site"), metavar="DIR",
                           help="folder to write the site to; replaced only when the new site is complete (default: site/)")
            p.add_argument("--force", action="store_true",
                           help="build even when nothing has changed since the site in --out was built "
                                "(by default such a build stops at once: see `.build-key`)")

    p = sub.add_parser("new", help="start a council's own project: settings, empty datasets, next steps",
                       description="Write a council's own project into DIR (a new or empty folder): config.yml, "
                                   "about.md, data/ with datapackage.json and every dataset's CSV with its header "
                                   "only, and a README of next steps. Then cd DIR and run the other commands there.")
    p.add_argument("dir", type=Path, metavar="DIR", help="the project folder to create")
    p.add_argument("--name", required=True, help='the council\'s name, such as "Example Borough Council"')
    p.add_argument("--org-id", required=True, metavar="ID",
                   help="the council's org-id.guide identifier, such as GB-LAE-EXB (the 360Giving funder id)")
    p.add_argument("--grant-prefix", required=True, metavar="PREFIX",
                   help="the council's registered 360Giving prefix, such as 360G-exampleborough-")
    p.add_argument("--ocid-prefix", metavar="PREFIX",
                   help="the council's registered OCDS prefix, such as ocds-abc123 (default: none yet; the OCDS "
                        "download is published once it is set in config.yml)")
    p.add_argument("--area", metavar="NAME",
                   help="the council's area as named in measurements (default: the --name)")
    p.add_argument("--title", help="the site's title (default: NAME: commissioning and grants)")
    p.add_argument("--url", default="", help="the site's public address, once known (default: none)")
    p.add_argument("--contact-email", metavar="EMAIL",
                   help="where residents report problems (default: none yet; the site then says so)")
    p.add_argument("--tool-source", metavar="REQUIREMENT",
                   help="the pip requirement the publishing workflow installs the tool from, such as "
                        "'commissioning-transparency @ git+https://github.com/OWNER/REPO@v0.1.0' (default: this "
                        "copy's git origin at its commit, else the installed version)")
    p.add_argument("--no-git", action="store_true",
                   help="do not run git init and make a first commit (by default they run when DIR is not "
                        "in a git repository yet)")
    p = sub.add_parser("validate", help="check the data against its schemas and the council's rules",
                       description="Check the data against its schemas and the council's rules. "
                                   "Exit 0 when valid (warnings allowed), 1 when invalid.")
    common(p, out=False)
    p = sub.add_parser("build", help="validate, then build the site and downloads",
                       description="Validate, then build the site and its downloads into --out. When the data is "
                                   "invalid, exit 1 and leave --out exactly as it was.")
    common(p, out=True)
    p = sub.add_parser("serve", help="build, then preview the site at http://127.0.0.1:8000/",
                       description="Build the site, then serve it locally for a preview (Ctrl+C stops).")
    common(p, out=True)
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    p = sub.add_parser("sample", help="write the illustrative sample data, at any size",
                       description="Write the seeded, illustrative sample data set (fictional organisations and "
                                   "figures; real ward names) as CSV files.")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the CSV files to")
    p.add_argument("--grants", type=int, default=1600, metavar="N",
                   help="number of grants; other datasets scale with it (default: 1600)")
    p.add_argument("--seed", type=int, default=2016, help="random seed (default: 2016)")
    sub.add_parser("import-360giving", add_help=False,  # its own options: _import_360giving_parser
                   help="turn a funder's 360Giving file (CSV, XLSX or JSON) into our grants and organisations",
                   description="See: python -m generator import-360giving --help")
    sub.add_parser("import-contracts", add_help=False,  # its own options: _import_contracts_parser
                   help="merge a contracts register (CSV, XLSX) or an OCDS file into a project's contracts, "
                        "organisations and commissioners",
                   description="See: python -m generator import-contracts --help")
    return parser


def _report(findings, args, stream) -> None:
    """Print the findings, warnings too (only the errors with --quiet): a check with many
    findings in a file shows its first rows and a count. Write the JSON report when asked."""
    from . import report

    if args.report:
        report.write_json(findings, args.report)
    if args.quiet:
        findings = errors(findings)
    if findings:
        if args.format == "github":
            print(report.as_github(findings, report=args.report), file=stream)
        else:
            print(report.as_text(findings, report=args.report), file=stream)


def cmd_validate(args) -> int:
    from . import report
    from .data.stage import check_data

    config = load_config(args.config)
    findings, package, tables = check_data(args.data, config)
    invalid = bool(errors(findings))
    _report(findings, args, sys.stderr if invalid else sys.stdout)
    if invalid:
        print(f"Invalid: {report.summary(findings)}. Fix them and run the command again.", file=sys.stderr)
        return 1
    rows = sum(len(t) for t in tables.values())
    note = f" ({plural(len(findings), 'warning')})" if findings else ""
    print(f"Valid: {len(tables)} datasets, {rows:,} rows{note}.")
    return 0


def cmd_build(args) -> int:
    config = load_config(args.config)
    key = incremental.build_key(args.data, args.config)
    if not args.force and incremental.up_to_date(args.out, key):
        print(f"Nothing has changed since the site in {args.out} was built (same data, settings, code and date): "
              f"it is up to date. Use --force to build it again.")
        return 0
    from . import build, report
    from .progress import Progress, Quiet

    progress = Quiet() if args.quiet else Progress()
    try:
        # The Markdown of the default site is kept in site_src/generated/ for a standalone mkdocs build.
        keep = build.GENERATED if args.out.resolve() == (PROJECT_DIR / "site").resolve() else None
        result = build.build(args.data, args.out, config, docs_dir=keep, force=True, progress=progress)
    except build.BuildError as exc:
        progress.close()
        _report(exc.findings, args, sys.stderr)
        print(f"Build stopped: {report.summary(exc.findings)}. Nothing was published; "
              f"{args.out} is unchanged.", file=sys.stderr)
        return 1
    finally:
        progress.close()  # a bar is cleared whatever happened (an error, Ctrl+C)
    _report(result.findings, args, sys.stdout)
    total = sum(result.timings.values())
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
    print(f"Built the site in {args.out} in {total:.1f}s ({stages}).")
    return 0


def cmd_serve(args) -> int:
    import functools
    import http.server

    status = cmd_build(args)
    if status:
        return status
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(args.out))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as exc:
        print(f"error: cannot serve on port {args.port} ({exc.strerror}): choose another with --port", file=sys.stderr)
        return 1
    with server:
        print(f"Serving {args.out} at http://127.0.0.1:{args.port}/ (Ctrl+C stops).")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


def cmd_new(args) -> int:
    from . import new

    try:
        written = new.new_project(args.dir, name=args.name, org_id=args.org_id, grant_prefix=args.grant_prefix,
                                  ocid_prefix=args.ocid_prefix, area=args.area, title=args.title, url=args.url,
                                  contact=args.contact_email, tool_source=args.tool_source)
        history = "Not made a git repository (--no-git)." if args.no_git else new.start_history(args.dir, args.name)
    except new.NewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {args.dir}: cannot be written ({exc.strerror or exc})", file=sys.stderr)
        return 1
    datasets = sum(1 for p in written if p.suffix == ".csv")
    print(f"Started {args.name}'s project in {args.dir}: config.yml, about.md, README.md and data/ "
          f"({datasets} datasets, empty), with a publishing workflow (.github/workflows/publish.yml) and the "
          "tool's version pinned in tool-requirements.txt.")
    print(history)
    print(f"Next: cd {args.dir}, then python -m generator validate, import your registers "
          "(import-360giving, import-contracts) and build. README.md there lists the steps.")
    return 0


def cmd_sample(args) -> int:
    from .data.package import load_package
    from .exports.package import write_descriptor
    from .sample import generate

    if args.grants < 1:
        print("error: --grants must be 1 or more", file=sys.stderr)
        return 2
    if args.out.exists() and not args.out.is_dir():
        print(f"error: {args.out} is a file (expected a folder for the CSV files)", file=sys.stderr)
        return 2
    counts = generate.generate(args.out, grants=args.grants, seed=args.seed)
    for name, count in counts.items():
        print(f"{name}: {count:,} rows")
    descriptor = args.out / "datapackage.json"
    if not descriptor.exists():  # a new folder: make it a package `validate --data` can read
        write_descriptor(load_package(PROJECT_DIR / "data"), descriptor)
        print("datapackage.json: written with the schemas inline")
    return 0


def _import_360giving_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator import-360giving",
        description="Import a funder's 360Giving file (CSV, XLSX or JSON; column titles matched ignoring case and "
                    "spaces) into a project's data folder: grants with a new grant_id are added and those with "
                    "the same grant_id replaced; organisations and departments are merged by id, existing values "
                    "kept. Lists what could not be mapped. Run it in the project's folder (beside config.yml).")
    parser.add_argument("file", type=Path, metavar="FILE", help="the 360Giving file: .csv, .xlsx or .json")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="the project's data folder to import into, e.g. data (created when missing)")
    parser.add_argument("--department", metavar="ID",
                        help="commissioner_id of the department that made the grants whose Funding Org has no "
                             "Department (the file's Funding Org:Department wins where it is given); required "
                             "when the file names no department")
    parser.add_argument("--in-borough", action="store_true",
                        help="mark every recipient as based in the borough (based_in_borough yes); otherwise "
                             "based_in_borough is left empty (not stated)")
    parser.add_argument("--data", type=Path, default=Path("data"), metavar="DIR",
                        help="data folder whose wards.csv names the wards and commissioners.csv the departments "
                             "(default: data)")
    parser.add_argument("--config", type=Path, default=Path("config.yml"), metavar="FILE",
                        help="settings file: publisher.org_id is the council's funder id and starts local "
                             "recipient identifiers (default: config.yml)")
    return parser


def _column_values(path: Path, *columns: str) -> list[tuple[str, ...]]:
    """The values of some columns of a project CSV file ([] when the file is missing)."""
    from .imports.giving360 import Import360Error

    if not path.is_file():
        return []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [tuple(row.get(c) or "" for c in columns) for row in csv.DictReader(handle)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise Import360Error(f"{path}: cannot be read ({exc}); fix it and run the command again") from None


def _project_departments(args) -> tuple[dict[str, str], set[str]]:
    """The project's departments (commissioners.csv in --data and --out): name -> commissioner_id, and
    every commissioner_id."""
    departments, ids = {}, set()
    for folder in dict.fromkeys([args.data, args.out]):
        for ident, name in _column_values(folder / "commissioners.csv", "commissioner_id", "name"):
            ids.add(ident)
            if name:
                departments[name] = ident
    return departments, ids


def _run_import_360giving(args):
    """Read, map and merge: the settings, the import's result, what happened to each file, and the
    project's commissioner_ids before the import."""
    from .imports import giving360

    config = load_config(args.config)
    wards = [w for (w,) in _column_values(args.data / "wards.csv", "ward_name") if w]
    departments, ids = _project_departments(args)
    result = giving360.import_360giving(args.file, args.department, wards=wards, council_id=config.publisher_org_id,
                                        departments=departments, in_borough=args.in_borough)
    return config, result, giving360.write_import(result, args.out), ids


def cmd_import_360giving(argv: list[str]) -> int:
    """import-360giving FILE --out DIR [--department ID] [--in-borough] (its own options, parsed here):
    0 imported, 1 unreadable input or a missing department (no file changed), 2 usage error."""
    from .imports import giving360
    from .imports.project import describe

    try:
        args = _import_360giving_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed by argparse
        return int(exc.code or 0)
    try:
        config, result, merged, known = _run_import_360giving(args)
    except giving360.Import360Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"{exc.finding} (see \"Settings\" in README.md)", file=sys.stderr)
        return 1
    grants = merged["grants"]
    print(f"Read {plural(result.read, 'grant')} from {args.file}.")
    print(f"Imported {plural(len(result.grants), 'grant')} ({grants.added:,} added, {grants.replaced:,} replaced, "
          f"{grants.unchanged:,} unchanged): every grant in the file, with its values as given; `validate` "
          "reports any that need fixing.")
    print(f"Wrote into {args.out}:")
    for name, counts in merged.items():
        print(f"- {describe(name, counts)}")
    if result.unmapped:
        print(f"Not mapped or changed ({plural(len(result.unmapped), 'note')}):")
        for note in result.unmapped:
            print(f"- {note}")
    others = sum(1 for g in result.grants if not g["grant_id"].startswith(config.grant_id_prefix))
    if others:
        print(f"Note: {plural(others, 'imported grant id')} {'does' if others == 1 else 'do'} not start with "
              f"this publisher's prefix {config.grant_id_prefix} (config.yml, publisher.grant_id_prefix), and `validate` accepts only "
              "that prefix: publish another funder's grants from its own copy of this tool, with its prefix "
              "in config.yml.")
    used = {g["department_id"] for g in result.grants}
    if args.department in used and args.department not in known:
        print(f"Note: --department {args.department} is not a commissioner_id in {args.out / 'commissioners.csv'}: "
              "add it there (with its name and type), or `validate` will report every grant that names it.")
    default = args.out.resolve() == Path("data").resolve()
    print("Next: run python -m generator validate" + ("" if default else f" --data {args.out}"))
    return 0


def _import_contracts_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator import-contracts",
        description="Merge a council's contracts register (CSV or XLSX; column titles matched ignoring case, spaces "
                    "and punctuation) or an OCDS release or record package (JSON: Contracts Finder, Find a Tender) "
                    "into a project's contracts.csv, organisations.csv and commissioners.csv, and list what was "
                    "mapped, guessed and left out. Contact details are never imported.")
    parser.add_argument("file", type=Path, metavar="FILE", help="the register (.csv, .xlsx) or OCDS file (.json)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="the project's data folder: rows are merged into its CSV files by id (new ids added, "
                             "contracts with a known id replaced, organisations and commissioners only filled in)")
    parser.add_argument("--config", type=Path, default=Path("config.yml"), metavar="FILE",
                        help="settings file: publisher.org_id starts local supplier identifiers (default: config.yml)")
    parser.add_argument("--department", metavar="ID",
                        help="commissioner_id of the contracts whose file names no department (a register row "
                             "with an empty department, an OCDS release naming only the buyer); it must be in "
                             "DIR/commissioners.csv, or be added with --department-name")
    parser.add_argument("--department-name", metavar="NAME",
                        help="with --department: the name to add it under when commissioners.csv lacks it")
    return parser


def _department(args, existing: list[dict]) -> dict | None:
    """The --department commissioner as {"commissioner_id", "name"}; raises ValueError (a usage error)."""
    import re

    if args.department is None:
        if args.department_name is not None:
            raise ValueError("--department-name needs --department ID (the id to add the department under)")
        return None
    ident = args.department.strip()
    if not re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)*", ident):
        raise ValueError(f"--department {args.department!r}: is not a commissioner id (expected capital letters, "
                         "digits and hyphens, such as CHILDRENS-SERVICES)")
    known = {row["commissioner_id"]: row.get("name", "") for row in existing}
    if ident in known:
        return {"commissioner_id": ident, "name": known[ident]}
    if not (args.department_name or "").strip():
        listed = ", ".join(sorted(known)) or "none yet"
        raise ValueError(f"--department {ident}: is not in {args.out / 'commissioners.csv'} (expected one of: "
                         f"{listed}; or add it with --department-name NAME)")
    return {"commissioner_id": ident, "name": args.department_name.strip()}


def cmd_import_contracts(argv: list[str]) -> int:
    """import-contracts FILE --out DIR [--config FILE] [--department ID [--department-name NAME]] (its own
    options, parsed here): 0 imported, 1 unreadable input, 2 usage error."""
    from .imports import contracts, project

    try:
        args = _import_contracts_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed by argparse
        return int(exc.code or 0)
    try:
        config = load_config(args.config)
        existing = contracts.read_existing_commissioners(args.out) if args.out.is_dir() else []
        department = _department(args, existing)
        result = contracts.import_contracts(args.file, local_org_prefix=config.publisher_org_id,
                                            commissioners=existing, department=department)
        merged = {}
        if result.imported:
            merged = project.write_into(args.out, {k: v for k, v in result.datasets().items() if v})
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (contracts.ContractsImportError, project.ProjectError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"{exc.finding} (see \"Settings\" in README.md)", file=sys.stderr)
        return 1
    print(contracts.summary(result))
    for name in ("contracts", "organisations", "commissioners"):
        if name in merged:
            print(project.describe(name, merged[name]))
    if not result.imported:
        print(f"Nothing was written to {args.out}.")
    for note in result.notes:
        print(note)
    default = args.out.resolve() == Path("data").resolve()
    print("Next: run python -m generator validate" + ("" if default else f" --data {args.out}"))
    return 0


COMMANDS = {"new": cmd_new, "validate": cmd_validate, "build": cmd_build, "serve": cmd_serve, "sample": cmd_sample}


OWN_OPTIONS = {"import-360giving": cmd_import_360giving,  # _import_360giving_parser
               "import-contracts": cmd_import_contracts}  # _import_contracts_parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] and argv[0] in OWN_OPTIONS:  # the importers parse their own options
        try:
            return OWN_OPTIONS[argv[0]](argv[1:])
        except Exception as exc:  # noqa: BLE001 - no traceback for users
            print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        print(f"{exc.finding} (see \"Settings\" in README.md)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        print(f"internal error: {type(exc).__name__}: {exc}\nThis is a bug in the generator, not in your data: "
              "please report it with the command you ran.", file=sys.stderr)
        return 1
