"""The declarative base of the example models.

The naming convention mirrors PostgreSQL's own default names (``teams_pkey``,
``odds_match_id_fkey``, ``leagues_name_country_key``), so the constraints the
legacy raw-SQL scripts created without naming them line up with the declared ones.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "pk": "%(table_name)s_pkey",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
