"""The one place that runs a user's Alembic environment (its ``env.py``).

* Revisions are written offline: ``alembic.command.revision`` with
  ``process_revision_directives`` (one ``MigrationScript`` per revision,
  chained by ``head``), the environment run in offline mode
  (``revision_environment`` and ``sql``), no connection allowed. Alembic
  writes them into a staging folder, which ``drift.plan.revision_writer`` publishes.
* Upgrades, downgrades and stamps run online on a scratch database only: its
  connection is handed to ``env.py`` through ``config.attributes["connection"]``
  (Alembic's cookbook, "Sharing a Connection across one or more programmatic
  migration commands"), ``sqlalchemy.url`` and the usual variables name it,
  and ``drift.sources.migrations.scratch_guard`` refuses any other connection and proves
  afterwards which database moved.
"""

from __future__ import annotations

import argparse
import configparser
import contextlib
import io
import os
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import command, util
from alembic.config import Config
from alembic.script import Script, ScriptDirectory

from drift.errors import DriftError, first_line
from drift.sources.migrations.driver_guard import Refusal, guarded
from drift.sources.migrations.env_files import (
    TEMPLATE,
    minimal_ini,
    project_output,
    resolve_script_location,
    template_fallback,
)
from drift.sources.migrations.handover import Handover
from drift.sources.migrations.scratch_guard import (
    check_protected,
    driver_url,
    fresh_imports,
    only_scratch,
    protected_versions,
    scratch_database,
    scratch_environment,
    version_of,
)

__all__ = [
    "SAFE_ENV_PY",
    "AlembicEnvironment",
    "MigrationError",
    "init_environment",
    "load_config",
    "open_environment",
    "run_offline_revision",
    "scratch_database",
]

# offline mode must not connect: the guard allows no database of this name
_NOWHERE = "postgresql+psycopg2://drift-offline.invalid:1/drift_offline_never_connects"

_T = TypeVar("_T")


def run_project_code(migrations: Path | str, call: Callable[[], _T]) -> _T:
    """``call()``, an Alembic call that runs the project's own Python (env.py, the revision
    files): whatever that code raises is one line naming the file and line it came from."""
    try:
        with guarded(None) as guard:  # inside _online, the outer guard (the scratch) holds
            result = call()
        if guard.refusals and guard.allowed is None:
            raise DriftError(f"{guard.refusals[0]}: a revision file connects to a database "
                             "when it is imported; refused, nothing written")
        return result
    except (DriftError, KeyboardInterrupt, util.CommandError):
        raise  # Alembic's own errors are said by the caller
    except (Exception, SystemExit) as exc:  # env.py and revisions may raise anything
        folder = str(Path(migrations).resolve())
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename.startswith(folder)]
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else str(migrations)
        detail = first_line(exc) if str(exc).strip() else ""
        raise DriftError(f"{where}: {type(exc).__name__}: {detail}".rstrip(": ")) from None


SAFE_ENV_PY = """    # at the top of run_migrations_online() in env.py:
    connectable = config.attributes.get("connection")
    if connectable is not None:  # a connection handed in (drift, Alembic's cookbook)
        context.configure(connection=connectable, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return"""


class MigrationError(DriftError):
    """A revision failed on the scratch database (SQL error, unknown revision): a verdict of
    the verification, not a failure of the run."""


# ---------------------------------------------------------------- the environment


@dataclass(frozen=True, slots=True)
class AlembicEnvironment:
    """A user's Alembic environment: the folder of its env.py, its alembic.ini (if any)."""

    script_location: Path
    ini: Path | None = None
    env_vars: tuple[str, ...] = ()  # more variables pointed at the scratch database
    staging: tuple[Path, ...] = ()  # version locations of revisions not yet published

    @property
    def env_py(self) -> Path:
        return self.script_location / "env.py"

    def config(self, url: str | None = None) -> Config:
        # quiet: Alembic's "Generating ..." lines would mix with drift's output; a real file
        # name, as under `alembic`: env.py may call fileConfig(config.config_file_name) or
        # read %(here)s (the logging it sets up is put back afterwards, see env_files)
        if self.ini is not None:
            read_ini(self.ini)  # one line naming a file configparser cannot read
        config = Config(str(self.ini or minimal_ini()), output_buffer=io.StringIO(),
                        cmd_opts=argparse.Namespace(quiet=True, x=[]))
        config.set_main_option("script_location", str(self.script_location).replace("%", "%%"))
        config.attributes["configure_logger"] = False
        if self.staging:
            config.set_main_option("path_separator", "os")
            config.set_main_option("version_locations", os.pathsep.join(
                str(p) for p in [*self.version_locations(), *self.staging]))
        if url:
            # configparser interpolates %: a URL's percent-escapes must be doubled
            config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
            config.attributes["drift_url"] = url
        return config

    def _ini_options(self) -> dict[str, str]:
        if self.ini is None:
            return {}
        return read_ini(self.ini)

    def _script(self) -> ScriptDirectory:
        try:
            script = ScriptDirectory.from_config(self.config())
            # the revision files are imported here (project code), under the guard
            run_project_code(script.dir, lambda: script.revision_map.heads)
            return script
        except util.CommandError as exc:
            raise DriftError(f"{self.script_location}: {exc}") from None

    def version_locations(self) -> list[Path]:
        """The folders of the revision files (the staging folders not included)."""
        return version_locations(replace(self, staging=()).config())

    def heads(self) -> tuple[str, ...]:
        script = self._script()
        try:
            return tuple(sorted(run_project_code(script.dir, script.get_heads)))
        except util.CommandError as exc:
            raise DriftError(f"{self.script_location}: {exc}") from None

    def known(self, revision: str) -> bool:
        try:
            return self._script().get_revision(revision) is not None
        except util.CommandError:
            return False

    def revision_folder(self, revision: str) -> Path | None:
        found = self._script().get_revision(revision)
        return Path(found.path).parent if found is not None else None

    def input_files(self) -> tuple[Path, ...]:
        """Every file the environment's result depends on (for cache keys)."""
        files = [self.env_py, self.script_location / TEMPLATE]
        if self.ini is not None:
            files.append(self.ini)
        for location in [*self.version_locations(), *self.staging]:
            if location.is_dir():
                files += sorted(location.rglob("*.py"))
        return tuple(dict.fromkeys(p for p in files if p.is_file()))

    # ------------------------------------------------------------ online, on a scratch only

    def upgrade(self, scratch_url: str, target: str = "heads", *,
                protected_urls: Sequence[str] = ()) -> None:
        def moved(before: tuple[str, ...], after: tuple[str, ...]) -> bool:
            if target == "heads":
                return set(after) == set(self.heads())
            return target in after and after != before

        self._online(scratch_url, lambda cfg: command.upgrade(cfg, target), moved,
                     protected_urls, f"upgrade to {target}")

    def downgrade(self, scratch_url: str, target: str, *,
                  protected_urls: Sequence[str] = ()) -> None:
        def moved(before: tuple[str, ...], after: tuple[str, ...]) -> bool:
            if target == "base":
                return after == ()
            # a relative target ("abc-1") names no revision to look for: it must have moved
            return after != before and (target in after or not self.known(target))

        self._online(scratch_url, lambda cfg: command.downgrade(cfg, target), moved,
                     protected_urls, f"downgrade to {target}")

    def stamp(self, scratch_url: str, revision: str | Sequence[str]) -> None:
        wanted = {revision} if isinstance(revision, str) else set(revision)
        self._online(scratch_url, lambda cfg: command.stamp(cfg, list(wanted)),
                     lambda before, after: set(after) == wanted, (), "stamp")

    def probe(self, scratch_url: str, *, protected_urls: Sequence[str] = ()) -> None:
        """Run env.py online once (``alembic current``) before anything is written: an
        environment that connects elsewhere is refused here."""
        self._online(scratch_url, lambda cfg: command.current(cfg),
                     lambda before, after: after == before, protected_urls, "current")

    def _online(self, scratch_url: str, action: Callable[[Config], object],
                moved: Callable[[tuple[str, ...], tuple[str, ...]], bool],
                protected_urls: Sequence[str], what: str) -> None:
        protected = protected_versions(protected_urls)
        before = version_of(scratch_url)
        source = self.env_py.read_text(encoding="utf-8", errors="replace")
        configured = self._ini_options().get("sqlalchemy.url")
        handed_url = driver_url(scratch_url, configured, source)
        handover = Handover(handed_url, scratch_url)  # the driver env.py is configured with
        try:
            with handover.connect() as conn, fresh_imports(), project_output(), \
                    scratch_environment(scratch_url, self.env_vars, source), \
                    only_scratch(scratch_url, conn) as guard:
                config = self.config(handed_url)
                config.attributes["connection"] = conn
                try:
                    handover.run(action, config)
                except (sa.exc.DBAPIError, util.CommandError) as exc:
                    if guard.refusals:
                        raise self._unsafe(guard.refusals[0]) from None
                    at = self._revision_in(exc)
                    raise MigrationError(f"{what} failed: {first_line(exc)}"
                                         + (f" ({at})" if at else "")) from None
                except DriftError:
                    if guard.refusals:
                        raise self._unsafe(guard.refusals[0]) from None
                    raise
                except (Exception, SystemExit) as exc:  # env.py is user code: any failure
                    if guard.refusals:
                        raise self._unsafe(guard.refusals[0]) from None
                    raise DriftError(f"{self._revision_in(exc) or self.env_py} failed ({what}): "
                                     f"{type(exc).__name__}: {first_line(exc)}") from None
                if guard.refusals:  # the project's code caught the refusal and went on
                    raise self._unsafe(guard.refusals[0])
                if conn.in_transaction():
                    handover.run(conn.commit)
        finally:
            handover.close()
        check_protected(protected)
        after = version_of(scratch_url)
        if not moved(before, after):
            raise DriftError(
                f"{what}: the scratch database's alembic_version is at "
                f"{', '.join(after) or 'base'} (was {', '.join(before) or 'base'}): {self.env_py} "
                "did not migrate the database drift handed it: use "
                'config.attributes.get("connection") (README, \'drift plan --verify and your '
                "env.py')")

    def _revision_in(self, exc: BaseException) -> str | None:
        """The revision an exception came from, as ``revision ID at file:line`` (the last
        frame in a revision file), or None when it did not come from one."""
        folders = tuple(str(p.resolve()) + os.sep
                        for p in [*self.version_locations(), *self.staging])
        found = None
        for frame, line in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_filename.startswith(folders):
                found = (frame.f_globals.get("revision"), frame.f_code.co_filename, line)
        if found is None:
            return None
        revision, file, line = found
        return (f"revision {revision} at " if isinstance(revision, str) else "") + f"{file}:{line}"

    def _unsafe(self, refusal: Refusal) -> DriftError:
        return DriftError(
            f"{refusal}, not to the scratch database drift hands it: refused {refusal.when}, "
            "nothing written; name the variable env.py reads its URL from with --env-var NAME, "
            'or use config.attributes.get("connection") (README, '
            "'drift plan --verify and your env.py')")


def open_environment(migrations: Path, env_vars: Sequence[str] = ()) -> AlembicEnvironment:
    """The environment in ``migrations``: the folder of its env.py, or of its alembic.ini."""
    migrations = migrations.resolve()
    ini: Path | None = None
    if not (migrations / "env.py").is_file() and (migrations / "alembic.ini").is_file():
        ini = migrations / "alembic.ini"
        location = read_ini(ini).get("script_location")
        if not location:
            raise DriftError(f"{ini} has no script_location")
        migrations = resolve_script_location(ini, location)
    if not (migrations / "env.py").is_file():
        # script.py.mako is needed only to write a revision (and then Alembic's serves)
        raise DriftError(f"{migrations} is not an Alembic environment (no env.py): create "
                         "one with `alembic init`")
    if ini is None:
        ini = next((p for p in (migrations / "alembic.ini", migrations.parent / "alembic.ini")
                    if p.is_file()), None)
    return AlembicEnvironment(migrations, ini, tuple(env_vars))


def read_ini(ini: Path) -> dict[str, str]:
    """The ``[alembic]`` options of an alembic.ini, interpolated (``%(here)s``) as Alembic
    reads them; a file configparser cannot read is one line naming it."""
    source = Config(str(ini))
    try:
        return {k: v for k, v in source.file_config.items(source.config_ini_section)
                if k != "here"}
    except configparser.NoSectionError:
        return {}  # no [alembic] section: Alembic's defaults
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise DriftError(f"{ini}: not an alembic.ini Alembic can read: "
                         f"{' '.join(str(exc).split())}") from None


def load_config(migrations: Path, url: str | None = None) -> Config:
    """The Alembic Config of a migrations folder (its alembic.ini, or the one beside it)."""
    return open_environment(migrations).config(url)


def init_environment(migrations: Path) -> Path:
    """A new Alembic environment from Alembic's generic template (for the demo's output)."""
    if (migrations / "env.py").is_file():
        return migrations
    if migrations.exists() and any(migrations.iterdir()):
        raise DriftError(f"{migrations} exists and is not an Alembic environment")
    config = Config(str(migrations / "alembic.ini"),
                    cmd_opts=argparse.Namespace(quiet=True, x=[]))
    try:
        # quiet=True does not reach every message of init (the ini file's "Generating"
        # line): keep Alembic's chatter out of our stdout, which carries the report
        with contextlib.redirect_stdout(io.StringIO()):
            command.init(config, str(migrations), template="generic")
    except util.CommandError as exc:
        raise DriftError(f"alembic: {exc}") from None
    return migrations


def version_locations(config: Config) -> list[Path]:
    script = ScriptDirectory.from_config(config)
    listed = config.get_version_locations_list()
    if listed:
        return [Path(p) for p in listed]
    return [Path(script.dir) / "versions"]


def current_head(config: Config) -> str | None:
    script = ScriptDirectory.from_config(config)
    try:
        return run_project_code(script.dir, script.get_current_head)
    except util.CommandError as exc:
        raise DriftError(f"{script.dir}: {exc}") from None


def run_offline_revision(env: AlembicEnvironment, config: Config,
                         directives: Callable[[Any, Any, list[Any]], None],
                         ) -> list[Script | None]:
    """``alembic revision --sql`` with ``directives``, env.py run offline and allowed no
    connection: the scripts Alembic wrote."""
    source = env.env_py.read_text(encoding="utf-8", errors="replace")
    try:
        with fresh_imports(), project_output(), template_fallback(env.script_location), \
                scratch_environment(_NOWHERE, env.env_vars, source), \
                only_scratch(_NOWHERE) as guard:
            scripts = run_project_code(env.script_location, lambda: command.revision(
                config, message="drift", sql=True,
                process_revision_directives=directives))
    except util.CommandError as exc:
        raise DriftError(f"alembic: {exc}") from None
    except DriftError:
        if guard.refusals:
            raise DriftError(f"{guard.refusals[0]} while it writes revisions offline (no "
                             "connection is allowed then): refused, nothing written") from None
        raise
    except (Exception, SystemExit) as exc:  # env.py is user code: any failure
        if guard.refusals:
            raise DriftError(f"{guard.refusals[0]} while it writes revisions offline (no "
                             "connection is allowed then): refused, nothing written") from None
        raise DriftError(f"{env.env_py} failed (offline, writing the revisions): "
                         f"{type(exc).__name__}: {first_line(exc)}") from None
    return scripts if isinstance(scripts, list) else [scripts]
