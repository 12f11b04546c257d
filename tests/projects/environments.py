"""Virtual environments of the sample projects' own, as their teams have them: another Python,
another SQLAlchemy, none of drift's dependencies.

An environment is built once per machine for each (Python, requirements) and kept in the
temporary folder (pip's download cache makes a rebuild cheap anyway); several pytest
workers take turns building it.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(tempfile.gettempdir()) / "drift-test-envs"


def python_version(python: str) -> tuple[int, int] | None:
    try:
        run = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if run.returncode != 0:
        return None
    major, minor = run.stdout.split()
    return int(major), int(minor)


def oldest_python() -> str:
    """The oldest Python 3.9 or newer on this machine (the probe promises 3.9), else the
    tests' own: on PATH as python3.N, or in pyenv's versions."""
    for minor in range(9, sys.version_info[1]):
        candidates = [shutil.which(f"python3.{minor}"),
                      *sorted(glob.glob(os.path.expanduser(
                          f"~/.pyenv/versions/3.{minor}.*/bin/python3.{minor}")))]
        for candidate in candidates:
            if candidate and python_version(candidate) == (3, minor):
                return candidate
    return sys.executable


def project_environment(python: str, *requirements: str) -> Path:
    """A virtual environment of ``python`` with only ``requirements`` installed in it."""
    key = hashlib.sha256("\0".join([python, *requirements]).encode()).hexdigest()[:16]
    target = ROOT / key
    ROOT.mkdir(parents=True, exist_ok=True)
    with open(ROOT / f"{key}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "ready").exists():
            return target
        shutil.rmtree(target, ignore_errors=True)  # a build that was cut short
        subprocess.run([python, "-m", "venv", str(target)], check=True, capture_output=True)
        pip = subprocess.run(
            [str(target / "bin" / "python"), "-m", "pip", "install", "-q",
             "--disable-pip-version-check", *requirements],
            capture_output=True, text=True)
        assert pip.returncode == 0, pip.stderr[-2000:]
        (target / "ready").write_text("\n".join(requirements) + "\n")
        return target


def importable(environment: Path, module: str) -> bool:
    run = subprocess.run([str(environment / "bin" / "python"), "-c", f"import {module}"],
                         capture_output=True)
    return run.returncode == 0
