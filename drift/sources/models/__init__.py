"""The SQLAlchemy models: in go ``module:attribute`` references and schemas, out a ``Snapshot``.

``probe.py`` is the one declaration: it imports the models, declares them
(``declare.py`` turns their ``MetaData`` into the neutral snapshot, with
``tables.py``, ``indexes.py``, ``column_types.py``, ``context.py`` shared among
them, ``declared_once.py`` merging what the models declare twice and
``locations.py`` finding where each table's class and names are written) and
records what the import read. It runs in drift's process, or in the project's
own interpreter (``project_python.py`` picks it and starts the probe there:
Python 3.9+ and SQLAlchemy 1.4 or 2.x are enough). ``cached.py`` serves the
snapshot from the cache while everything the import read is unchanged.
"""
