"""Incremental builds: the same inputs build once; any change to data, settings or the
build's date builds again; --force always builds."""

from __future__ import annotations

import os
import subprocess
import sys

from generator.config import PROJECT_DIR

from conftest import set_cell

UP_TO_DATE = "Nothing has changed since the site in {} was built (same data, settings, code and date): " \
             "it is up to date. Use --force to build it again.\n"


def build(data, out, *extra, env=None):
    return subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data), "--out", str(out), *extra],
                          capture_output=True, text=True, cwd=PROJECT_DIR, env={**os.environ, **(env or {})})


def test_an_unchanged_build_stops_at_once_and_a_change_builds_again(data, tmp_path):
    out = tmp_path / "site"
    epoch = {"SOURCE_DATE_EPOCH": "1795564800"}
    first = build(data, out, env=epoch)
    assert first.returncode == 0 and first.stdout.splitlines()[-1].startswith("Built the site"), first.stderr
    key = (out / ".build-key").read_text()
    stamp = (out / "index.html").stat().st_mtime_ns

    again = build(data, out, env=epoch)
    assert (again.returncode, again.stdout, again.stderr) == (0, UP_TO_DATE.format(out), "")
    assert (out / "index.html").stat().st_mtime_ns == stamp

    forced = build(data, out, "--force", env=epoch)
    assert forced.stdout.splitlines()[-1].startswith("Built the site")
    assert (out / ".build-key").read_text() == key

    later = build(data, out, env={"SOURCE_DATE_EPOCH": "1795651200"})  # the next day: Live now may differ
    assert later.stdout.splitlines()[-1].startswith("Built the site")

    set_cell(data, "grants", 2, "title", "A changed title")
    changed = build(data, out, env={"SOURCE_DATE_EPOCH": "1795651200"})
    assert changed.stdout.splitlines()[-1].startswith("Built the site")
    assert (out / ".build-key").read_text() != key


def test_the_build_function_skips_an_unchanged_build_too(data, tmp_path, config):
    from generator import build as pipeline

    out = tmp_path / "site"
    first = pipeline.build(data, out, config, docs_dir=None)
    assert not first.up_to_date and "search" in first.timings
    second = pipeline.build(data, out, config, docs_dir=None)
    assert second.up_to_date and list(second.timings) == ["up to date"]
    third = pipeline.build(data, out, config, docs_dir=None, force=True)
    assert not third.up_to_date


def test_a_folder_without_the_marker_is_never_taken_as_up_to_date(data, tmp_path):
    from generator.publish import incremental

    out = tmp_path / "site"
    out.mkdir()
    key = incremental.build_key(data, PROJECT_DIR / "config.yml")
    (out / ".build-key").write_text(key)
    assert not incremental.up_to_date(out, key)
    (out / ".built-by-generator").write_text("")
    assert incremental.up_to_date(out, key)
    assert not incremental.up_to_date(out, None)
    (data / "datapackage.json").write_text("{not json")
    assert incremental.build_key(data, PROJECT_DIR / "config.yml") is None


def test_the_key_holds_every_package_the_build_runs_on_and_no_test_tool():
    from generator.publish import incremental

    packages = incremental.runtime_packages()
    # declared, and only reached through another package (mkdocs, Material, pandas, jinja2)
    assert {"pyarrow", "frictionless", "markupsafe", "tqdm", "markdown", "pymdown-extensions", "pygments",
            "python-dateutil"} <= set(packages)
    assert all(packages[name] for name in ("pyarrow", "mkdocs", "mkdocs-material", "markdown", "jinja2"))
    assert not {"pytest", "playwright", "hypothesis", "beautifulsoup4"} & set(packages)


def test_a_changed_version_of_any_runtime_package_changes_the_key(tmp_path, monkeypatch):
    """Each package, its version changed where Python finds it (a dist-info folder earlier on
    sys.path, as an upgrade in another site folder would be), gives another key."""
    from generator.publish import incremental

    data, config = PROJECT_DIR / "data", PROJECT_DIR / "config.yml"
    before = incremental.build_key(data, config)
    assert incremental.build_key(data, config) == before
    monkeypatch.syspath_prepend(str(tmp_path))
    keys = set()
    for name, version in incremental.runtime_packages().items():
        if not version:
            continue
        folder = tmp_path / f"{name.replace('-', '_')}-{version}.post999.dist-info"
        folder.mkdir()
        (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}.post999\n\n",
                                         encoding="utf-8")
        keys.add(incremental.build_key(data, config))
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()
    assert before not in keys and len(keys) == sum(1 for v in incremental.runtime_packages().values() if v)


def test_odd_package_folders_do_not_break_the_key(tmp_path, monkeypatch):
    """A dist-info folder without a version, or with an old-style name holding "-", is read or
    passed over; a new interpreter gives another key."""
    import sys

    from generator.publish import incremental

    data, config = PROJECT_DIR / "data", PROJECT_DIR / "config.yml"
    before = incremental.build_key(data, config)
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "notes.dist-info").mkdir()
    (tmp_path / "mkdocs-material-99.0.0.dist-info").mkdir()
    packages = incremental.runtime_packages()
    assert packages["mkdocs-material"] == "99.0.0" and "notes" not in packages
    assert incremental.build_key(data, config) not in (None, before)
    (tmp_path / "mkdocs-material-99.0.0.dist-info").rmdir()
    assert incremental.build_key(data, config) == before
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert incremental.build_key(data, config) != before


def test_the_councils_about_text_is_in_the_key(data):
    """config.yml's site.about names a file the site shows: changing it changes the key."""
    from generator.publish import incremental

    config = data.parent / "config.yml"  # the data fixture's project folder has config.yml and about.md
    before = incremental.build_key(data, config)
    (data.parent / "about.md").write_text("Our own words.\n", encoding="utf-8")
    assert incremental.build_key(data, config) != before


def test_the_pages_key_leaves_out_the_tracked_data_files_but_not_their_schemas(data):
    from generator.publish import incremental

    config = PROJECT_DIR / "config.yml"
    key = incremental.pages_key(data, config, ("grants", "contracts"))
    set_cell(data, "grants", 2, "title", "A changed title")  # followed row by row (site/reuse.py)
    assert incremental.pages_key(data, config, ("grants", "contracts")) == key
    schema = data.parent / "schemas" / "grants.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace('"title"', '"title" ', 1), encoding="utf-8")
    assert incremental.pages_key(data, config, ("grants", "contracts")) != key
    changed = incremental.pages_key(data, config, ("grants", "contracts"))
    set_cell(data, "outcomes", 2, "description", "Another description")  # any other dataset: every page
    assert incremental.pages_key(data, config, ("grants", "contracts")) != changed
