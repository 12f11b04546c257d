"""Where a ``Snapshot`` comes from: in go a source and the schemas to read, out comes a Snapshot.

Three sources, each turned into the same neutral ``Snapshot`` (``drift.schema``)
so that the comparator never sees a cursor, a model class or a revision:

* ``database/``: a live PostgreSQL database, read in bulk from its catalog;
* ``models/``: the SQLAlchemy models a project declares (read in its own Python);
* ``migrations/``: an Alembic history, run on a scratch database and read back.

And one source of statements rather than a Snapshot: ``code/``, the SQL found in
the project's Python, judged by PostgreSQL on each schema state.

Beside them: ``sides.py`` (the sides of one check, read in one call),
``scratch.py`` and ``system_postgres.py`` (the scratch servers the history and the
plan's verification run on) and ``cache.py`` (snapshots kept by the content of
their inputs). A source never imports a later stage (classify, plan, render); the
comparator alone is used, to word what a downgrade or the project's code changed.
"""
