"""Runs a project's Alembic environment on a scratch database (stand-in for the shared runner).

The same names as the environment runner of the migration planner
(``open_environment``, ``AlembicEnvironment.heads/input_files/upgrade/downgrade/stamp``,
``scratch_database``), so that ``drift check --migrations`` switches to it by
changing one import. Online runs only ever get a scratch URL: it is handed to
``env.py`` as ``config.attributes["connection"]``, as ``sqlalchemy.url`` and as
``$DATABASE_URL``/``$DRIFT_DATABASE_URL`` for the block, the places an ``env.py``
reads its URL from.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic import command, util
from alembic.script import ScriptDirectory

from drift.connection import make_engine, parse_url
from drift.errors import DriftError, first_line
from drift.plan.verify import scratch_database as _scratch
from drift.render.migration import load_config

_URL_VARIABLES = ("DATABASE_URL", "DRIFT_DATABASE_URL")


@dataclass(frozen=True, slots=True)
class AlembicEnvironment:
    directory: Path  # the folder of env.py

    def _script(self) -> ScriptDirectory:
        return ScriptDirectory.from_config(load_config(self.directory))

    def heads(self) -> tuple[str, ...]:
        try:
            return tuple(sorted(self._script().get_heads()))
        except util.CommandError as exc:
            raise DriftError(f"{self.directory}: {first_line(exc)}") from None

    def input_files(self) -> tuple[Path, ...]:
        script = self._script()
        files = [self.directory / "env.py", self.directory / "script.py.mako"]
        files += [p for p in (self.directory / "alembic.ini",
                              self.directory.parent / "alembic.ini") if p.is_file()][:1]
        files += [Path(r.path) for r in script.walk_revisions()]
        return tuple(sorted(files))

    def upgrade(self, scratch_url: str, target: str = "heads", *,
                protected_urls: tuple[str, ...] = ()) -> None:
        self._run("upgrade", scratch_url, target)

    def downgrade(self, scratch_url: str, target: str, *,
                  protected_urls: tuple[str, ...] = ()) -> None:
        self._run("downgrade", scratch_url, target)

    def stamp(self, scratch_url: str, revision: str) -> None:
        self._run("stamp", scratch_url, revision)

    def _run(self, verb: str, url: str, target: str) -> None:
        config = load_config(self.directory, url)
        engine = make_engine(url)
        saved = {name: os.environ.get(name) for name in _URL_VARIABLES}
        try:
            os.environ.update({name: plain_url(url) for name in _URL_VARIABLES})
            with engine.begin() as conn:
                config.attributes["connection"] = conn
                getattr(command, verb)(config, target)
        except KeyboardInterrupt:
            raise
        except (Exception, SystemExit) as exc:  # env.py and revisions are the project's code
            raise DriftError(f"alembic {verb} {target}: {type(exc).__name__}: "
                             f"{first_line(exc)}") from None
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            engine.dispose()


def plain_url(url: str) -> str:
    """The URL without percent-escapes where it needs none: an env.py that hands it to
    ``config.set_main_option`` (configparser) fails on the ``%2F`` of a socket path."""
    parsed = parse_url(url)
    if parsed.password or any("%" in str(v) or "&" in str(v) or "#" in str(v)
                              for v in parsed.query.values()):
        return url
    query = "&".join(f"{k}={v}" for k, v in parsed.query.items())
    user = parsed.username or ""
    host = parsed.host or ""
    port = f":{parsed.port}" if parsed.port else ""
    return (f"{parsed.drivername}://{user}{'@' if user else ''}{host}{port}/"
            f"{parsed.database or ''}{'?' + query if query else ''}")


def open_environment(migrations: Path) -> AlembicEnvironment:
    """The environment of ``migrations`` (the folder of env.py, or of alembic.ini)."""
    folder = migrations.resolve()
    if not (folder / "env.py").is_file() and (folder / "alembic.ini").is_file():
        location = load_ini_location(folder / "alembic.ini")
        if location is not None:
            folder = location
    load_config(folder)  # says in one line when this is no Alembic environment
    return AlembicEnvironment(folder)


def load_ini_location(ini: Path) -> Path | None:
    from alembic.config import Config

    value = Config(str(ini)).get_main_option("script_location")
    if not value:
        return None
    return (ini.parent / value.replace("%(here)s", str(ini.parent))).resolve()


@contextlib.contextmanager
def scratch_database(scratch_url: str | None, *, extensions: tuple[str, ...] = ()
                     ) -> Iterator[str]:
    with _scratch(scratch_url) as url:
        parse_url(url)
        yield url
