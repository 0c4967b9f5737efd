"""The files loaded in a thread while they are validated (data/load.py Preload) are what loading
them after validation gives: the same tables and findings, a file that failed its schema left out,
and a file whose loading failed in the thread loaded again, raising as it would have."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from generator.config import PROJECT_DIR
from generator.data import load
from generator.data.package import load_package
from generator.data.stage import check_schemas


def same(got: dict, expected: dict) -> bool:
    return list(got) == list(expected) and all(
        got[name].dtypes.equals(expected[name].dtypes) and got[name].equals(expected[name]) for name in expected)


def test_the_tables_loaded_beside_validation_are_those_of_the_files_that_passed(small_data):
    package = load_package(small_data)
    passed = [res for res in package.resources if res.name != "grants"]  # as if grants had failed
    tables, found = load.Preload(package.resources).load(passed)
    expected, expected_found = load.load(passed)
    assert "grants" not in tables and same(tables, expected) and found == expected_found
    schemas = check_schemas(small_data)
    assert same(schemas.tables, load.load(package.resources)[0])


def test_a_file_whose_loading_failed_in_the_thread_is_loaded_again(small_data, monkeypatch):
    package = load_package(small_data)
    real, calls = load.load_table, []

    def once_failing(res):
        calls.append(res.name)
        if res.name == "grants" and calls.count("grants") == 1:
            raise ValueError("not this time")
        return real(res)

    monkeypatch.setattr(load, "load_table", once_failing)
    tables, _ = load.Preload(package.resources).load(package.resources)
    assert calls.count("grants") == 2 and tables["grants"].equals(real(package.resource("grants"))[0])

    def always_failing(res):
        raise ValueError(f"cannot load {res.name}")

    monkeypatch.setattr(load, "load_table", always_failing)
    with pytest.raises(ValueError, match="cannot load wards"):  # the first file passed, here as before
        load.Preload(package.resources).load([package.resource("wards")])


def test_a_ragged_file_loaded_beside_validation_says_nothing_but_its_errors(data):
    """A row with more cells than the header fails validation; pandas, loading the file in the
    thread meanwhile, would warn about it on stderr too, which says nothing more."""
    lines = (data / "grants.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].rstrip("\n") + ",extra\n"
    (data / "grants.csv").write_text("".join(lines), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(PROJECT_DIR), PYTHONWARNINGS="default")
    result = subprocess.run([sys.executable, "-m", "generator", "validate", "--data", "data"], cwd=data.parent,
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1
    assert "data/grants.csv" in result.stdout + result.stderr
    assert "Warning" not in result.stderr, result.stderr
