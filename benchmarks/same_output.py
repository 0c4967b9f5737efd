"""Did a refactor change anything a user sees? Record what the commands print and build, then compare.

    .venv/bin/python benchmarks/same_output.py record DIR    # before the change
    .venv/bin/python benchmarks/same_output.py compare DIR   # after it: exit 0 when nothing differs

It drives the product only through its command line (`python -m generator ...`), so it works
whatever the code's layout. With a fixed SOURCE_DATE_EPOCH it records:

- every command's `--help`;
- `validate`, `build`, `sample` and `import-360giving` on the bundled data, on a 20,000-grant
  sample and on broken input: exit code, standard output and standard error (the build's
  timings and the run's own folder are replaced by placeholders, as they differ every run);
- the two built sites, the sample's CSV files and the imported grants, byte for byte (a ZIP
  or XLSX file whose members are the same, compressed differently, is listed apart and is not
  a difference).

Only `.build-key` and the state the next build keeps pages, downloads and search words by
(`.build-pages`, `.build-downloads`, `.build-mkdocs`, `.build-search/`) are left out of the
comparison: they hash the generator's own code, so they change with any edit by design. `compare` lists every file and output that differs.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
EPOCH = "1795651199"  # 2026-11-25 23:59:59 UTC: the end of the sample's reference date, as the benchmark sets it
IGNORED = {".build-key", ".build-pages", ".build-downloads", ".build-mkdocs", ".build-search"}
FIXTURES = ROOT / "tests" / "fixtures"


def _commands(work: Path) -> list[tuple[str, list[str]]]:
    """(name, arguments) of every run recorded, in order; later ones read what earlier ones wrote."""
    data, sample, bad = ROOT / "data", work / "data-20k", work / "data-bad"
    return [
        ("help", ["--help"]),
        *[(f"help-{c}", [c, "--help"]) for c in ("validate", "build", "serve", "sample", "import-360giving")],
        ("usage-error", ["nonsense"]),
        ("validate-bundled", ["validate", "--data", str(data)]),
        ("build-bundled", ["build", "--data", str(data), "--out", str(work / "site-bundled")]),
        ("build-bundled-again", ["build", "--data", str(data), "--out", str(work / "site-bundled")]),
        ("sample-20k", ["sample", "--out", str(sample), "--grants", "20000"]),
        ("validate-20k", ["validate", "--data", str(sample), "--format", "github"]),
        ("build-20k", ["build", "--data", str(sample), "--out", str(work / "site-20k")]),
        ("sample-bad", ["sample", "--out", str(bad), "--grants", "200", "--seed", "7"]),
        ("validate-bad", ["validate", "--data", str(bad), "--report", str(work / "bad-report.json")]),
        ("build-bad", ["build", "--data", str(bad), "--out", str(work / "site-bundled")]),
        ("import-xlsx", ["import-360giving", str(FIXTURES / "360giving" / "fundingproviders-grants_2_grants.xlsx"),
                         "--out", str(work / "import-xlsx")]),
        ("import-bom", ["import-360giving", str(FIXTURES / "external" / "360giving-bom.csv"),
                        "--out", str(work / "import-bom")]),
        ("import-malformed", ["import-360giving", str(FIXTURES / "external" / "360giving-malformed.json"),
                              "--out", str(work / "import-malformed")]),
    ]


def _spoil(folder: Path) -> None:
    """Break the small sample in ways each check family reports: a bad type, a missing value,
    an unknown reference, and an email address in a title."""
    grants = folder / "grants.csv"
    lines = grants.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    amount, title = header.index("amount_awarded"), header.index("title")
    row = lines[3].rstrip("\r\n").split(",")
    row[amount] = "lots"
    lines[3] = ",".join(row) + "\n"
    row = lines[5].rstrip("\r\n").split(",")
    row[title] = "Ring jane.doe@example.org"
    lines[5] = ",".join(row) + "\n"
    grants.write_text("".join(lines), encoding="utf-8")
    contracts = folder / "contracts.csv"
    text = contracts.read_text(encoding="utf-8").splitlines(keepends=True)
    row = text[2].rstrip("\r\n").split(",")
    row[0] = ""
    text[2] = ",".join(row) + "\n"
    contracts.write_text("".join(text), encoding="utf-8")


def _normalise(text: str, work: Path) -> str:
    text = text.replace(str(work), "<WORK>").replace(str(ROOT), "<ROOT>")
    return re.sub(r"\d+\.\d+s\b", "N.Ns", text)  # build timings


def run_all(work: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, COLUMNS="100", NO_MKDOCS_2_WARNING="1")
    env.pop("CI", None)
    outputs = work / "outputs"
    outputs.mkdir(parents=True)
    for name, args in _commands(work):
        done = subprocess.run([PYTHON, "-m", "generator", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=1800)
        (outputs / f"{name}.txt").write_text(
            f"exit {done.returncode}\n--- stdout\n{_normalise(done.stdout, work)}\n"
            f"--- stderr\n{_normalise(done.stderr, work)}\n", encoding="utf-8")
        print(f"{name}: exit {done.returncode}", flush=True)
        if name == "sample-bad":
            _spoil(work / "data-bad")
    report = work / "bad-report.json"  # it names files by their path: kept with the outputs, normalised
    if report.exists():
        (outputs / report.name).write_text(_normalise(report.read_text(encoding="utf-8"), work), encoding="utf-8")
        report.unlink()


def _members(path: Path) -> list[tuple] | None:
    """A ZIP file's (or XLSX file's) members: name, time, attributes, method and bytes (None: not a ZIP)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return [(i.filename, i.date_time, i.external_attr, i.compress_type, archive.read(i))
                    for i in archive.infolist()]
    except (OSError, zipfile.BadZipFile):
        return None


def differences(a: Path, b: Path, where: str = "") -> list[str]:
    """Every path under `a` or `b` that is missing from one or differs, `IGNORED` names aside."""
    found: list[str] = []
    cmp = filecmp.dircmp(a, b, ignore=list(IGNORED))
    found += [f"only in before: {where}{n}" for n in sorted(cmp.left_only)]
    found += [f"only in after: {where}{n}" for n in sorted(cmp.right_only)]
    for name in sorted(cmp.common_files):
        if not filecmp.cmp(a / name, b / name, shallow=False):
            same = name.endswith((".zip", ".xlsx")) and _members(a / name) == _members(b / name)
            found.append(f"{'same members, compressed differently' if same else 'differs'}: {where}{name}")
    found += [f"not comparable: {where}{n}" for n in sorted(cmp.common_funny + cmp.funny_files)]
    for name in sorted(cmp.common_dirs):
        found += differences(a / name, b / name, f"{where}{name}/")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["record", "compare"])
    parser.add_argument("dir", type=Path, help="where the record is kept (outside the repository)")
    args = parser.parse_args(argv)
    if args.action == "record":
        if args.dir.exists():
            parser.error(f"{args.dir} exists: choose a new folder")
        run_all(args.dir.resolve())
        print(f"Recorded in {args.dir}.")
        return 0
    if not (args.dir / "outputs").is_dir():
        parser.error(f"{args.dir} holds no record: run `record` first (before the change)")
    with tempfile.TemporaryDirectory(prefix="same-output-") as tmp:
        work = Path(tmp) / "run"
        run_all(work)
        found = differences(args.dir.resolve(), work)
    for line in found:
        print(line)
    recompressed = sum(line.startswith("same members") for line in found)
    found = [line for line in found if not line.startswith("same members")]
    print((f"{len(found)} difference(s)." if found else "No difference: every output and file is the same.")
          + (f" ({recompressed} ZIP or XLSX file(s) hold the same members, compressed differently.)"
             if recompressed else ""))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
