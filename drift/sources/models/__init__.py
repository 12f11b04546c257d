"""The SQLAlchemy models: in go ``module:attribute`` references and schemas, out a ``Snapshot``.

``declare.py`` imports the models and turns their ``MetaData`` into the neutral
snapshot (``tables.py``, ``indexes.py``, ``column_types.py``, with
``context.py`` shared among them and ``declared_once.py`` merging what the
models declare twice); ``cached.py`` serves it from the cache while the source
files the import read are unchanged.
"""
