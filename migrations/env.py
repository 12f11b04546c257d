"""Alembic environment of this repository: migrations for the example models of ``models/``.

The database URL comes, first found, from: ``config.attributes["connection"]``
(a live connection, for programmatic use), ``config.attributes["drift_url"]``
(set by ``drift plan --verify``), ``-x url=...``, ``$DRIFT_DATABASE_URL``,
``$DATABASE_URL``, then ``sqlalchemy.url`` of alembic.ini. A plain
``postgresql://`` URL gets the psycopg2 driver (``drift.sources.database.connection.parse_url``).
"""

from __future__ import annotations

import os
import sys
from logging.config import fileConfig
from pathlib import Path

from alembic import context

# the repository root, so that `models` imports however alembic is started
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models  # noqa: E402
from drift.sources.database.connection import make_engine, parse_url  # noqa: E402

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name)

target_metadata = models.metadata


def database_url() -> str | None:
    url = (
        config.attributes.get("drift_url")
        or context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("DRIFT_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or config.get_main_option("sqlalchemy.url")
    )
    return url or None


def run_migrations_offline() -> None:
    url = database_url()
    context.configure(
        url=parse_url(url) if url else None,
        dialect_name=None if url else "postgresql",
        target_metadata=target_metadata,
        include_schemas=True,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = database_url()
    if not url:
        raise SystemExit("no database URL: pass -x url=..., or set DRIFT_DATABASE_URL")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata, include_schemas=True)
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
