"""Where a ``Snapshot`` comes from: in go a source and the schemas to read, out comes a Snapshot.

Three sources, each turned into the same neutral ``Snapshot`` (``drift.schema``)
so that the comparator never sees a cursor, a model class or a revision:

* ``database/``: a live PostgreSQL database, read in bulk from its catalog;
* ``models/``: the SQLAlchemy models a project declares;
* ``migrations/``: an Alembic history, run on a scratch database and read back.

Beside them: ``scratch.py`` (the scratch servers the history and the plan's
verification run on) and ``cache.py`` (snapshots kept by the content of their
inputs). A source never imports a later stage (compare, classify, plan, render).
"""
