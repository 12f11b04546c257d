"""A ticketing back office, written against SQLAlchemy 1.4 (pinned below 2.0)."""
