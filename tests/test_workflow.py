"""The publishing workflow is valid YAML and calls only commands that exist."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import yaml

from generator.cli import COMMANDS
from generator.config import PROJECT_DIR

WORKFLOW = PROJECT_DIR / ".github" / "workflows" / "publish.yml"


def run_steps() -> list[str]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert set(workflow["jobs"]) == {"validate", "build", "deploy"}
    return [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]


def make_targets() -> set[str]:
    makefile = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"^([A-Za-z0-9_./$()-]+):", makefile, re.MULTILINE)}


def test_workflow_triggers_and_permissions():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML reads the key `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow["jobs"]["build"]["if"].startswith("github.ref == 'refs/heads/main'")


def test_every_run_step_calls_an_existing_command():
    targets = make_targets()
    seen_generator = set()
    for script in run_steps():
        words = shlex.split(re.sub(r'"\$\(.*?\)"', "X", script))
        words = [w for w in words if "=" not in w or w.startswith("-")]  # drop VAR=value prefixes
        if words[0] == "make":
            target = words[1]
            assert target in targets, target
        else:
            assert words[:3] == [".venv/bin/python", "-m", "generator"], script
            command = words[3]
            assert command in COMMANDS
            seen_generator.add(command)
            help_text = subprocess.run([sys.executable, "-m", "generator", command, "--help"], cwd=PROJECT_DIR,
                                       capture_output=True, text=True, timeout=60).stdout
            for option in [w for w in words[4:] if w.startswith("--")]:
                assert option in help_text, option
    assert seen_generator == {"validate"}
    assert any(s.startswith("make test") for s in run_steps())
    assert any("make site" in s for s in run_steps())
