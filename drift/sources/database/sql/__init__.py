"""Catalog SQL that SQLAlchemy's inspector cannot give, one file per query, with bind parameters."""

from __future__ import annotations

from functools import cache
from importlib import resources

import sqlalchemy as sa


@cache
def query(name: str) -> sa.TextClause:
    """The statement in ``drift/sources/database/sql/<name>.sql``."""
    return sa.text(resources.files(__name__).joinpath(f"{name}.sql").read_text("utf-8"))
