"""Which files are the project's own code: not the standard library, not an installed
package, not drift.

Asked when drift names the line that opened a connection, forgets the modules env.py
imported, and records what a history's run read. Not ``sys.prefix`` as a whole: a project
may live under it (an app in ``/usr/src/app`` beside the system's Python, or inside its
virtual environment's folder).
"""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

_NOT_THE_PROJECTS = tuple(sorted({
    str(Path(p).resolve()) + os.sep for p in (
        sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"],
        sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
        str(Path(__file__).resolve().parents[1]))}))  # drift's own package


def is_project_file(path: str | Path) -> bool:
    """Whether ``path`` (resolved, so a path relative to the working directory counts) is
    the project's code rather than Python's, an installed package's or drift's."""
    return not (str(Path(path).resolve()) + os.sep).startswith(_NOT_THE_PROJECTS)
