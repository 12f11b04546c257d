"""The live database: in go a URL and the schemas to read, out comes a ``Snapshot``.

``connection.py`` opens read-only sessions (statement, lock and connect
timeouts, passwords redacted); ``reflect.py`` reads the catalog in one
REPEATABLE READ transaction with the bulk queries of ``sql/``; ``literals.py``
asks PostgreSQL for the stored form of the models' literal defaults.
"""
