"""The command line: exit codes, exact messages, no traceback, the old site untouched."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import COMMANDS, OWN_OPTIONS
from generator.config import PROJECT_DIR, SETTINGS

from conftest import set_cell


def run(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(PROJECT_DIR))
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_validate_valid_data_shows_its_warnings(data):
    result = run("validate", "--data", "data", cwd=data.parent)
    assert result.returncode == 0, result.stderr
    no_ward = ('  warning: data/grants.csv, row {}, column "beneficiary_ward": no beneficiary ward is given (expected '
               "the ward the grant benefits, such as Borough & Bankside; a grant for the whole area has none, which "
               "is fine: the 360Giving export then gives no beneficiary location)")
    assert result.stdout.splitlines() == [
        "data/grants.csv: 5 warnings: Grants name the ward they benefit (not for grants to individuals)",
        *[no_ward.format(row) for row in (3, 10, 15, 21, 28)],
        "data/grants.csv: 1 warning: Grants name their programme",
        '  warning: data/grants.csv, row 33, column "programme": no grant programme is given (expected the '
        "programme the grant was made under, such as Community Support Fund)",
        "Valid: 13 datasets, 1,736 rows (6 warnings).",
    ]
    assert result.stderr == ""
    quiet = run("validate", "--data", "data", "--quiet", cwd=data.parent)
    assert quiet.stdout.splitlines() == ["Valid: 13 datasets, 1,736 rows (6 warnings)."]


def test_many_findings_of_one_check_are_grouped(data, tmp_path):
    for row, value in enumerate(["lots", "many", "some", "few", "plenty", "loads", "heaps"], start=2):
        set_cell(data, "grants", row, "amount_awarded", value)
    set_cell(data, "grants", 12, "award_date", "soon")
    result = run("validate", "--data", "data", cwd=data.parent)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "data/grants.csv: 7 rows: amount_awarded is not a number (expected a plain number such as 1200.50) "
        "(check: type-error)",
        '  row 2, column "amount_awarded": "lots"',
        '  row 3, column "amount_awarded": "many"',
        '  row 4, column "amount_awarded": "some"',
        '  row 5, column "amount_awarded": "few"',
        '  row 6, column "amount_awarded": "plenty"',
        "  ... and 2 more: all of them are in the report (--report FILE)",
        "data/grants.csv: 1 row: award_date is not a date (expected a date written YYYY-MM-DD, such as 2025-01-15) "
        "(check: type-error)",
        '  row 12, column "award_date": "soon"',
        "Invalid: 8 errors in 1 file. Fix them and run the command again.",
    ]
    report = tmp_path / "report.json"
    with_report = run("validate", "--data", "data", "--report", str(report), cwd=data.parent)
    assert f"  ... and 2 more: all of them are in the report {report}" in with_report.stderr.splitlines()
    import json

    assert json.loads(report.read_text())["groups"][0]["count"] == 8  # the report keeps every finding


def test_validate_invalid_data_exact_output(data):
    set_cell(data, "grants", 14, "amount_awarded", "£1,200")
    set_cell(data, "grants", 15, "award_date", "31/12/2024")
    result = run("validate", "--data", "data", cwd=data.parent)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "data/grants.csv: 2 errors: Values have their column's type (number, date, yes or no)\n"
        '  data/grants.csv, row 14, column "amount_awarded": "£1,200" is not a number '
        "(expected a plain number such as 1200.50)\n"
        '  data/grants.csv, row 15, column "award_date": "31/12/2024" is not a date: it is written day/month/year '
        "(expected a date written YYYY-MM-DD, such as 2025-01-15)\n"
        "Invalid: 2 errors in 1 file. Fix them and run the command again.\n"
    )


def test_usage_error_exits_2():
    result = run("validate", "--no-such-option")
    assert result.returncode == 2
    assert "usage: python -m generator" in result.stderr
    assert run().returncode == 2


def test_invalid_build_leaves_out_untouched(data, tmp_path):
    out = tmp_path / "out"
    first = run("build", "--data", "data", "--out", str(out), cwd=data.parent)
    assert first.returncode == 0, first.stderr
    before = tree_digest(out)
    assert "index.html" in before
    set_cell(data, "contracts", 2, "supplier_org_id", "GB-COH-00000000")
    result = run("build", "--data", "data", "--out", str(out), cwd=data.parent)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == f"Build stopped: 1 error in 1 file, 6 warnings. Nothing was published; {out} is unchanged."
    assert "Traceback" not in result.stdout + result.stderr
    assert tree_digest(out) == before
    # No staging folders are left behind.
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".out")) == [".out.lock"]


def test_build_refuses_to_replace_a_folder_it_did_not_make(data, tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.txt").write_text("precious")
    result = run("build", "--data", "data", "--out", str(out), cwd=data.parent)
    assert result.returncode == 1
    assert result.stderr.splitlines()[1] == (
        f"  {out}: is not empty and was not built by this tool, so it will not be replaced "
        "(expected an empty folder, a new one, or a previous build)"
    )
    assert (out / "thesis.txt").read_text() == "precious"


def test_unknown_setting_is_named(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text((PROJECT_DIR / "config.yml").read_text() + "\nsite:\n  colour: red\n")
    result = run("validate", "--config", str(config))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    # YAML keeps the last "site" mapping, so site.title is now missing or colour unknown.
    assert result.stderr.startswith(f"{config}: unknown setting \"site.colour\"")


def test_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in {**COMMANDS, **OWN_OPTIONS}:
        assert command in result.stdout


def test_readme_documents_every_command_and_setting():
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    for command in {**COMMANDS, **OWN_OPTIONS}:
        assert f"python -m generator {command}" in readme
        assert f"| `{command}` |" in readme
    for key in SETTINGS:
        assert f"| `{key}` |" in readme


def test_sample_is_seeded_and_sized(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run("sample", "--out", str(a), "--grants", "50").returncode == 0
    assert run("sample", "--out", str(b), "--grants", "50").returncode == 0
    assert tree_digest(a) == tree_digest(b)
    assert sum(1 for _ in (a / "grants.csv").open()) == 51


@pytest.mark.parametrize("argv", [["sample", "--out", "x", "--grants", "0"]])
def test_sample_usage_errors(argv, tmp_path):
    result = run(*argv, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "error: --grants must be 1 or more\n"


def test_readme_documents_every_check():
    from generator.data.checks import CHECKS

    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    for check in CHECKS:
        assert f"| `{check.code}` | {check.severity} | {check.title} |" in readme


def test_import_360giving_command(tmp_path):
    fixture = PROJECT_DIR / "tests" / "fixtures" / "external" / "360giving-cp1252.csv"
    result = run("import-360giving", str(fixture), "--out", str(tmp_path / "imported"), "--department", "SWK-CFS",
                 cwd=PROJECT_DIR)  # the bundled project: its config.yml and data/
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Read 2 grants from {fixture}.")
    assert (tmp_path / "imported" / "grants.csv").read_text(encoding="utf-8").startswith("grant_id,title,")
    assert "Note: 2 imported grant ids do not start with this publisher's prefix 360G-southwarkcouncil- " in result.stdout
    bad = run("import-360giving", str(PROJECT_DIR / "tests" / "fixtures" / "external" / "360giving-malformed.json"),
              "--out", str(tmp_path / "x"), cwd=PROJECT_DIR)
    assert bad.returncode == 1
    assert bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr


def test_import_360giving_in_a_project_folder(tmp_path):
    """`python -m generator import-360giving grants.csv --out data` in a council's folder: its config.yml
    and data/, not the tool's."""
    (tmp_path / "config.yml").write_text(
        "publisher:\n  name: Example Borough Council\n  org_id: GB-LAE-EXB\n"
        "  grant_id_prefix: 360G-exampleborough-\n  ocid_prefix: ocds-exampl\n"
        "site:\n  title: Example grants\n  url: \"\"\n  contact_email: opendata@example.gov.uk\n"
        "data:\n  illustrative: false\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "grants.csv").write_text(
        "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
        "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name,Funding Org:Department\n"
        "360G-exampleborough-1,A grant,For things.,GBP,500,2024-05-01,360G-exampleborough-group,A Group,"
        "GB-LAE-EXB,Example Borough,Children's Services\n", encoding="utf-8")
    result = run("import-360giving", "grants.csv", "--out", "data", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[:6] == ["Read 1 grant from grants.csv.", "Imported 1 grant (1 added, 0 replaced, 0 unchanged): every grant in the file, with its "
                         "values as given; `validate` reports any that need fixing.",
                         "Wrote into data:", "- grants.csv: 1 added", "- organisations.csv: 1 added",
                         "- commissioners.csv: 1 added"]
    assert lines[-1] == "Next: run python -m generator validate"
    assert "GB-LAE-EXB-360G-exampleborough-group" in (tmp_path / "data" / "organisations.csv").read_text()
    assert "SWK" not in result.stdout + "".join(p.read_text() for p in (tmp_path / "data").iterdir())

    missing = run("import-360giving", "nothing.csv", "--out", "data", cwd=tmp_path)
    assert (missing.returncode, missing.stdout, missing.stderr) == (1, "", "error: nothing.csv: file not found\n")
