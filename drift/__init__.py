"""drift: schema drift between live PostgreSQL databases and SQLAlchemy models."""

__version__ = "0.1.0"
