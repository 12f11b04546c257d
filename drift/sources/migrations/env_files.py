"""What an ``env.py`` expects around it when the ``alembic`` command runs it.

* ``script_location`` in any form Alembic accepts: a folder (relative to the
  current directory or ``%(here)s``) or ``package:folder``, a history shipped
  inside a package, found the way Alembic finds it (``prepend_sys_path`` on
  the import path, then ``importlib.resources``);
* a real config file name (``config.config_file_name``): the project's
  alembic.ini, or, where it has none, a small one drift writes (Alembic's
  generic logging sections), so that ``fileConfig(config.config_file_name)``
  and ``%(here)s`` work as they do under ``alembic``;
* a ``script.py.mako`` only where a revision is written: a check runs revisions,
  it writes none; where the environment ships none (a wheel), Alembic's own
  generic template writes drift's revisions;
* the process as it was afterwards: ``fileConfig`` replaces the logging
  configuration, and whatever env.py prints or logs to stdout goes to stderr,
  because drift's stdout carries the report; its INFO lines are left out.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import util
from alembic.config import Config
from alembic.script import ScriptDirectory

from drift.errors import DriftError, first_line

TEMPLATE = "script.py.mako"

# Alembic's generic alembic.ini, its [alembic] table filled in by drift in memory
_MINIMAL_INI = """[alembic]

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
"""

_written: list[Path] = []


def minimal_ini() -> Path:
    """A config file for an environment that has no alembic.ini (one per process)."""
    if not _written:
        handle, name = tempfile.mkstemp(prefix="drift-alembic-", suffix=".ini")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(_MINIMAL_INI.replace("%(", "%%("))
        _written.append(Path(name))
        atexit.register(lambda: Path(name).unlink(missing_ok=True))
    return _written[0]


def resolve_script_location(ini: Path, location: str) -> Path:
    """The folder of ``script_location`` as Alembic finds it from ``ini``."""
    if not os.path.isabs(location) and ":" in location:
        config = Config(str(ini))
        paths = [str(Path(p).resolve()) for p in config.get_prepend_sys_paths_list() or ()]
        sys.path[:0] = [p for p in [*paths, str(ini.parent.resolve())] if p not in sys.path]
        try:
            return util.coerce_resource_to_filename(location).resolve()
        except (ImportError, TypeError, ValueError, OSError) as exc:
            raise DriftError(f"{ini}: script_location {location!r}: the package folder "
                             f"cannot be found ({type(exc).__name__}: {first_line(exc)})"
                             ) from None
    here = Path(location)
    return (here if here.is_absolute() else ini.parent / here).resolve()


@contextlib.contextmanager
def template_fallback(script_location: Path) -> Iterator[None]:
    """Write revisions from Alembic's generic ``script.py.mako`` where the environment
    ships none (Alembic reads it from the environment's folder only)."""
    if (script_location / TEMPLATE).is_file():
        yield
        return
    generic = Path(util.__file__).parent.parent / "templates" / "generic" / TEMPLATE
    original = ScriptDirectory._generate_template

    def generate(self: ScriptDirectory, src: Path, dest: Path, **kw: Any) -> None:
        if Path(src).name == TEMPLATE and not Path(src).is_file():
            src = generic
        original(self, src, dest, **kw)

    ScriptDirectory._generate_template = generate  # type: ignore[method-assign]
    try:
        yield
    finally:
        ScriptDirectory._generate_template = original  # type: ignore[method-assign]


@contextlib.contextmanager
def project_output() -> Iterator[None]:
    """While env.py runs: its stdout (prints, a logging handler on sys.stdout) goes to
    stderr; afterwards, the logging configuration it replaced is put back."""
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers), root.disabled)
    manager = logging.Logger.manager
    saved = {name: (lg.level, list(lg.handlers), lg.disabled, lg.propagate)
             for name, lg in manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    disabled = manager.disable
    # Alembic's INFO lines ("Running upgrade ...") would bury drift's own: warnings stay
    logging.disable(logging.INFO)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        logging.disable(disabled)
        root.setLevel(saved_root[0])
        root.handlers[:] = saved_root[1]
        root.disabled = saved_root[2]
        for name, lg in list(manager.loggerDict.items()):
            if not isinstance(lg, logging.Logger):
                continue
            if name in saved:
                lg.level, handlers, lg.disabled, lg.propagate = saved[name]
                lg.handlers[:] = handlers
            else:  # a logger env.py made: quiet, as if it had never been configured
                lg.handlers[:] = []
                lg.setLevel(logging.NOTSET)
                lg.disabled = False
                lg.propagate = True
