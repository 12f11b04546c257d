"""The recipes README gives for pull requests, run as written: the pre-commit hook's entry
exactly as .pre-commit-hooks.yaml gives it, and the commands of the CI workflow example,
on the sample project (tests/projects/shop)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from drift.render.markdown import MARKER
from tests.projects.helpers import copy_project, project_env

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")

# what the workflow example runs; the test below runs exactly these
WORKFLOW_COMMANDS = [
    "drift check --format markdown --output drift.md",
    "drift check --format junit --output drift.xml",
    "drift check --format sarif --output drift.sarif",
]


def readme_block(marker: str, language: str) -> str:
    found = re.search(rf"<!-- {marker} -->\n```{language}\n(.*?)```\n", README, re.S)
    assert found is not None, f"README has no {marker} block"
    return found.group(1)


def run_command(command: list[str], project: Path) -> subprocess.CompletedProcess[str]:
    env = project_env()
    # the `drift` console script of the environment the tests run in, as a CI job has it
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True,
                          timeout=300)


def add_phone_column(project: Path) -> None:
    customers = project / "shop" / "models" / "customers.py"
    customers.write_text(customers.read_text().replace(
        "    note: Mapped[str | None] = mapped_column(Text)\n",
        "    note: Mapped[str | None] = mapped_column(Text)\n"
        "    phone: Mapped[str | None] = mapped_column(String(30))\n"))


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return copy_project("shop", tmp_path)


def test_the_pre_commit_hook_as_the_manifest_gives_it(shop: Path) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook: dict[str, Any] = next(h for h in hooks if h["id"] == "drift-check")
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    command = shlex.split(hook["entry"]) + list(hook.get("args", ()))
    agree = run_command(command, shop)
    assert agree.returncode == 0, agree.stdout + agree.stderr
    add_phone_column(shop)
    drifted = run_command(command, shop)
    assert drifted.returncode == 1
    assert "column phone  only_in_models" in drifted.stdout


def test_the_readme_workflow_is_valid_and_runs_the_tested_commands(shop: Path) -> None:
    workflow = yaml.safe_load(readme_block("ci-workflow", "yaml"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers == "pull_request"
    steps = workflow["jobs"]["drift"]["steps"]
    runs = [line.strip() for step in steps for line in step.get("run", "").splitlines()]
    assert [r for r in runs if r.startswith("drift ")] == WORKFLOW_COMMANDS
    install = next(r for r in runs if r.startswith("pip install"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    # not on the package index yet: the wheel built from the repository (README's name for it)
    wheel = f"{project['name'].replace('-', '_')}-{project['version']}-py3-none-any.whl"
    assert install.split()[2] == f"tools/{wheel}"
    assert f"pip install dist/{wheel}" in README
    # the cache is restored whole and drift judges each entry: no glob over file names
    cache = next(s["with"] for s in steps if s.get("uses", "").startswith("actions/cache"))
    assert cache["path"] == ".drift_cache" and "hashFiles" not in cache["key"]
    assert cache["key"].startswith(cache["restore-keys"])
    script = next(s["with"]["script"] for s in steps if "github-script" in s.get("uses", ""))
    assert f'const marker = "{MARKER}";' in script

    add_phone_column(shop)
    for command in WORKFLOW_COMMANDS:
        assert run_command(shlex.split(command), shop).returncode == 1, command
    comment = (shop / "drift.md").read_text(encoding="utf-8")
    assert comment.endswith(f"\n{MARKER}\n")
    assert "public.customers.phone" in comment
    cases = ET.parse(shop / "drift.xml").getroot().iter("testcase")
    assert any(c.find("failure") is not None for c in cases)
    [result] = json.loads((shop / "drift.sarif").read_text())["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "shop/models/customers.py"
    declared_at = (shop / "shop" / "models" / "customers.py").read_text().splitlines()
    assert declared_at[location["region"]["startLine"] - 1].startswith("    phone: ")


def test_the_readme_pytest_example_is_the_tested_one() -> None:
    from tests.integration.test_pytest_plugin import ONE_LINE_TEST

    example = readme_block("pytest-example", "python")
    assert example.split("#")[0].strip() == ONE_LINE_TEST.strip()


def test_the_readme_pre_commit_hook_is_the_manifest_s_and_names_no_url(shop: Path) -> None:
    (hook,) = yaml.safe_load(readme_block("pre-commit-config", "yaml"))[0]["hooks"]
    (manifest,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert yaml.safe_load(readme_block("pre-commit-config", "yaml"))[0]["repo"] == "local"
    assert {k: v for k, v in hook.items() if k != "language"} == {
        k: v for k, v in manifest.items() if k not in ("language", "description")}
    assert "repo: https://" not in (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "repo: https://" not in README  # one way to name the hook, and it works today


def test_no_placeholder_e_mail_or_url_in_the_package_metadata() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert "urls" not in project
    assert all("email" not in author for author in project["authors"])
