"""The one place that runs a user's Alembic environment (its ``env.py``).

Revisions are created by ``alembic.command.revision`` with
``process_revision_directives`` (one ``MigrationScript`` per revision, chained
by ``head``), running the environment in offline mode (``revision_environment``
and ``sql``), so no connection is opened. Alembic writes them into a temporary
version location; drift then moves each file into the migrations' versions
folder with ``write_new``, which never overwrites.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command, util
from alembic.config import Config
from alembic.script import ScriptDirectory

from drift.embedded import create_database, drop_database, embedded_postgres
from drift.errors import DriftError, first_line
from drift.files import write_new
from drift.plan import Plan
from drift.render.migration import migration_script

OFFLINE_URL = "postgresql+psycopg2://"


@dataclass(frozen=True, slots=True)
class WrittenRevision:
    key: str
    rev_id: str
    path: Path


@dataclass(frozen=True, slots=True)
class WriteResult:
    start: str | None  # the head the first new revision follows (None: base)
    revisions: tuple[WrittenRevision, ...]


def load_config(migrations: Path, url: str | None = None) -> Config:
    """The Alembic Config of a migrations folder (its alembic.ini, or the one beside it)."""
    migrations = migrations.resolve()
    if not (migrations / "env.py").is_file() or not (migrations / "script.py.mako").is_file():
        raise DriftError(f"{migrations} is not an Alembic environment (no env.py or "
                         "script.py.mako): create one with `alembic init`")
    ini = next((p for p in (migrations / "alembic.ini", migrations.parent / "alembic.ini")
                if p.is_file()), None)
    # quiet: Alembic's "Generating ..." lines would mix with drift's output; and no file name,
    # so that env.py leaves logging alone: the ini's [alembic] options are copied instead
    config = Config(output_buffer=io.StringIO(), cmd_opts=argparse.Namespace(quiet=True, x=[]))
    if ini is not None:
        source = Config(str(ini))
        for key, value in source.file_config.items(source.config_ini_section):
            if key != "here":
                config.set_main_option(key, value.replace("%", "%%"))
    config.set_main_option("script_location", str(migrations))
    config.attributes["configure_logger"] = False
    if url:
        # configparser interpolates %: a URL's percent-escapes must be doubled
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        config.attributes["drift_url"] = url
    return config


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
        return script.get_current_head()
    except util.CommandError as exc:
        raise DriftError(f"{script.dir}: {exc}") from None


def write_revisions(plan: Plan, migrations: Path, *, url: str | None = None,
                    rev_ids: Sequence[str] | None = None) -> WriteResult:
    """Write one revision per planned revision, chained to the current head; never overwrite."""
    # offline generation never connects: without a URL, any PostgreSQL URL gives the dialect
    config = load_config(migrations, url or OFFLINE_URL)
    start = current_head(config)
    targets = version_locations(config)
    target = targets[0]
    ids = list(rev_ids) if rev_ids else [util.rev_id() for _ in plan.revisions]
    if len(ids) != len(plan.revisions):
        raise DriftError("one revision id per planned revision is needed")
    with tempfile.TemporaryDirectory(prefix="drift-revisions-") as tmp:
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations",
                               os.pathsep.join(str(p) for p in [*targets, Path(tmp)]))
        config.set_main_option("revision_environment", "true")

        def directives(context: Any, revision: Any, scripts: list[Any]) -> None:
            heads = [start, *ids[:-1]]
            scripts[:] = [migration_script(r, rid, head, tmp)
                          for r, rid, head in zip(plan.revisions, ids, heads, strict=True)]

        by_id: dict[str, Path] = {}
        if plan.revisions:
            try:
                scripts = command.revision(config, message="drift", sql=True,
                                           process_revision_directives=directives)
            except util.CommandError as exc:
                raise DriftError(f"alembic: {exc}") from None
            for script in scripts if isinstance(scripts, list) else [scripts]:
                assert script is not None
                by_id[script.revision] = Path(script.path)
        written = []
        pending = [(r, rid, by_id[rid]) for r, rid in zip(plan.revisions, ids, strict=True)]
        for _, _, source in pending:
            if (target / source.name).exists():
                raise DriftError(f"{target / source.name} already exists; drift never "
                                 "overwrites it")
        for r, rid, source in pending:
            path = target / source.name
            write_new(path, source.read_text(encoding="utf-8"))
            written.append(WrittenRevision(r.key, rid, path))
    return WriteResult(start, tuple(written))


@contextlib.contextmanager
def scratch_database(scratch_url: str | None) -> Iterator[str]:
    """A fresh database for the block: on the given server, or on an embedded one."""
    if scratch_url is None:
        with embedded_postgres() as server:
            yield server.create_database()
        return
    name = f"drift_verify_{uuid.uuid4().hex[:12]}"
    try:
        url = create_database(scratch_url, name)
    except sa.exc.DBAPIError as exc:
        raise DriftError(f"cannot create a scratch database: {first_line(exc)}") from None
    try:
        yield url
    finally:
        drop_database(scratch_url, name)
