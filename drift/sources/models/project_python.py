"""The project's own Python: which interpreter imports the models, and the probe run in it.

drift may be installed once as a tool (``pipx``, ``uv tool``) and pointed at
a project whose models need that project's packages, and perhaps an older
SQLAlchemy. As mypy's ``--python-executable`` and pyright's venv setting do,
the models are imported by the project's interpreter: ``--python PATH``, else
``[tool.drift] python``, else the active virtual environment (``VIRTUAL_ENV``,
unless it is drift's own, as in a pre-commit hook), else a ``.venv`` or ``venv``
beside the project's pyproject.toml, else drift's own. With drift's own
interpreter the probe runs in drift's process; with another, as a program there
(``probe.py``), whose answer is validated against the snapshot's JSON Schema
before use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import drift
from drift.errors import DriftError
from drift.schema import Snapshot, from_jsonable
from drift.schemas import validate_snapshot

# Loads drift's own package by its path (nothing else of drift's environment joins the
# project's import path), then the probe. Plain Python: it must also say "too old" on 3.8.
_BOOTSTRAP = """\
import sys
if sys.version_info < (3, 9):
    sys.stderr.write("drift-probe: Python %d.%d" % sys.version_info[:2])
    sys.exit(3)
import importlib.util
package = sys.argv[1]
spec = importlib.util.spec_from_file_location(
    "drift", package + "/__init__.py", submodule_search_locations=[package])
module = importlib.util.module_from_spec(spec)
sys.modules["drift"] = module
spec.loader.exec_module(module)
from drift.sources.models.probe import main
sys.exit(main(sys.stdin.read()))
"""

BIN = "Scripts" if os.name == "nt" else "bin"


@dataclass(frozen=True, slots=True)
class Interpreter:
    """The Python that imports the models; ``own``: drift's own (the probe runs in-process)."""

    path: Path
    own: bool

    def identity(self) -> list[str]:
        """What the models' cache keys on: the path, and the binary behind it (an upgrade of
        the Python a virtual environment points at changes its size or time)."""
        try:
            stat = self.path.resolve().stat()
            binary = f"{self.path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
        except OSError:
            binary = "missing"
        return [str(self.path), binary, sys.version if self.own else ""]


def own_interpreter() -> Interpreter:
    return Interpreter(Path(sys.executable), True)


def resolve_python(given: str | None, configured: Path | None,
                   project: Path | None) -> Interpreter:
    """The interpreter of ``--python`` (``given``), ``[tool.drift] python`` (``configured``,
    already relative to its pyproject.toml), the active virtual environment, a ``.venv`` or
    ``venv`` beside ``project`` (the pyproject.toml's folder, else the cwd), else drift's."""
    if given:
        return _checked(Path(given).expanduser(), "--python")
    if configured is not None:
        return _checked(configured, "[tool.drift] python")
    active = os.environ.get("VIRTUAL_ENV")
    found = _in_environment(Path(active)) if active else None
    # drift's own environment active (pre-commit activates its hook's): look beside the project
    if found is not None and not _interpreter(found).own:
        return _interpreter(found)
    folder = project if project is not None else Path.cwd()
    for name in (".venv", "venv"):
        found = _in_environment(folder / name)
        if found is not None:
            return _interpreter(found)
    return own_interpreter()


def _in_environment(folder: Path) -> Path | None:
    for name in ("python", "python3"):
        candidate = folder / BIN / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _checked(path: Path, where: str) -> Interpreter:
    if path.is_dir():  # a virtual environment given for its interpreter
        found = _in_environment(path)
        if found is None:
            raise DriftError(f"{where} {path}: a folder without {BIN}/python")
        path = found
    if not path.is_file() or not os.access(path, os.X_OK):
        raise DriftError(f"{where} {path}: no such Python interpreter")
    return _interpreter(path)


def _interpreter(path: Path) -> Interpreter:
    """Drift's own when it is the interpreter drift runs on (the same environment)."""
    absolute = Path(os.path.abspath(path))
    own = Path(os.path.abspath(sys.executable))
    same = absolute == own or (
        absolute.parent == own.parent and _same_file(absolute, own))
    return Interpreter(absolute, same)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# --- the probe in another interpreter ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProbeAnswer:
    snapshot: Snapshot
    schemas: frozenset[str]
    built: tuple[str, ...]
    inputs: dict[str, Any]


def run_probe(python: Interpreter, references: tuple[str, ...],
              wanted: tuple[str, ...]) -> ProbeAnswer:
    """Run the probe in ``python`` (in the current directory, with drift's environment
    variables); its output (the project code's prints too) goes to stderr."""
    package = str(Path(drift.__file__).resolve().parent)
    with tempfile.TemporaryDirectory(prefix="drift-probe-") as folder:
        output = Path(folder) / "declared.json"
        request = json.dumps({"references": list(references), "wanted": list(wanted),
                              "output": str(output)})
        try:
            run = subprocess.run([str(python.path), "-c", _BOOTSTRAP, package],
                                 input=request, capture_output=True, text=True,
                                 errors="replace")
        except OSError as exc:
            raise DriftError(f"cannot run {python.path}: {exc.strerror}") from None
        if run.returncode == 3 and run.stderr.startswith("drift-probe: Python"):
            version = run.stderr.split()[-1]
            raise DriftError(f"{python.path} is Python {version}: drift reads models with "
                             "Python 3.9 or newer")
        for stream in (run.stdout, run.stderr):  # the models' prints and warnings
            if stream:
                sys.stderr.write(stream if stream.endswith("\n") else stream + "\n")
        try:
            answer = json.loads(output.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = (run.stderr.strip().splitlines() or [f"exit status {run.returncode}"])[-1]
            raise DriftError(f"the models probe failed in {python.path}: {last}") from None
    if "error" in answer:
        raise DriftError(str(answer["error"]))
    return _answer(answer.get("declared"), python)


def _answer(declared: Any, python: Interpreter) -> ProbeAnswer:
    """The probe's answer, validated: a snapshot (its published schema) and its inputs."""
    problem = f"the models probe in {python.path} gave an answer drift cannot read"
    if not isinstance(declared, dict):
        raise DriftError(problem)
    try:
        data = declared["snapshot"]
        validate_snapshot(data)  # its published JSON Schema
        snapshot = from_jsonable(Snapshot, data["snapshot"])
    except (KeyError, ValueError, TypeError) as exc:
        raise DriftError(f"{problem}: {exc}") from None
    schemas, built = _strings(declared.get("schemas")), _strings(declared.get("built"))
    inputs = declared.get("inputs")
    if schemas is None or built is None or not isinstance(inputs, dict) or \
            not isinstance(inputs.get("files"), dict):
        raise DriftError(problem)
    return ProbeAnswer(snapshot, frozenset(schemas), tuple(built), inputs)


def _strings(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None
