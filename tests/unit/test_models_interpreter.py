"""Which Python imports the models, and what the probe may use there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drift.config import config_from_options
from drift.errors import DriftError
from drift.sources.models.project_python import Interpreter, _answer, resolve_python


def venv(folder: Path) -> Path:
    """A stand-in virtual environment: bin/python, executable."""
    python = folder / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    return python


@pytest.fixture(autouse=True)
def no_active_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)


def test_the_order_flag_setting_active_adjacent_own(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    given, configured = venv(tmp_path / "given"), venv(tmp_path / "configured")
    active, adjacent = venv(tmp_path / "active"), venv(tmp_path / "project" / ".venv")
    project = tmp_path / "project"
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "active"))
    assert resolve_python(str(given), configured, project) == Interpreter(given, False)
    assert resolve_python(None, configured, project) == Interpreter(configured, False)
    assert resolve_python(None, None, project) == Interpreter(active, False)
    monkeypatch.delenv("VIRTUAL_ENV")
    assert resolve_python(None, None, project) == Interpreter(adjacent, False)
    own = resolve_python(None, None, tmp_path / "elsewhere")
    assert own == Interpreter(Path(sys.executable), True)


def test_drifts_own_environment_active_looks_beside_the_project(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pre-commit activates the hook's environment (drift's own): the project's is beside it."""
    monkeypatch.setenv("VIRTUAL_ENV", sys.prefix)
    adjacent = venv(tmp_path / "project" / ".venv")
    assert resolve_python(None, None, tmp_path / "project") == Interpreter(adjacent, False)


def test_a_folder_is_taken_for_its_interpreter_and_venv_beside_too(tmp_path: Path) -> None:
    python = venv(tmp_path / "env")
    assert resolve_python(str(tmp_path / "env"), None, None).path == python
    legacy = venv(tmp_path / "project" / "venv")
    assert resolve_python(None, None, tmp_path / "project").path == legacy


def test_drifts_own_environment_is_read_in_process(tmp_path: Path) -> None:
    assert resolve_python(sys.executable, None, tmp_path).own


def test_bad_interpreters_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(DriftError, match=r"^--python .*empty: a folder without bin/python$"):
        resolve_python(str(tmp_path / "empty"), None, None)
    with pytest.raises(DriftError, match=r"^\[tool.drift\] python .*nope: no such Python"):
        resolve_python(None, tmp_path / "nope", None)


def test_tool_drift_python_is_relative_to_its_pyproject(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    python = venv(tmp_path / "envs" / "app")
    (tmp_path / "pyproject.toml").write_text('[tool.drift]\npython = "envs/app"\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert config_from_options().python == python
    assert config_from_options(python=sys.executable).python is None  # drift's own


def test_the_probes_answer_is_validated() -> None:
    python = Interpreter(Path("/usr/bin/python3"), False)
    with pytest.raises(DriftError, match="gave an answer drift cannot read"):
        _answer({"snapshot": {"format_version": 1, "snapshot": {"origin": "models",
                                                                "schemas": "public"}}}, python)
    with pytest.raises(DriftError, match="gave an answer drift cannot read$"):
        _answer([], python)


def test_the_probe_and_what_it_imports_keep_to_python_3_9() -> None:
    """The probe runs in the project's interpreter, which may be Python 3.9: no syntax and no
    library use of a later Python in the modules it loads (vermin reads them)."""
    listed = subprocess.run(
        [sys.executable, "-c", "import sys, drift.sources.models.probe, "
         "drift.sources.models.declare; print('\\n'.join(m.__file__ for n, m in "
         "sorted(sys.modules.items()) if n == 'drift' or n.startswith('drift.')))"],
        capture_output=True, text=True, check=True)
    files = listed.stdout.split()
    assert any(f.endswith(os.path.join("models", "tables.py")) for f in files)
    assert not any(f.endswith(os.path.join("drift", "config.py")) for f in files)
    vermin = "import sys; from vermin.main import main; sys.exit(main())"
    run = subprocess.run([sys.executable, "-c", vermin, "--no-tips", "-t=3.9-", "--violations",
                          *files], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
