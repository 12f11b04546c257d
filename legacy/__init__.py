"""The sports-odds backend's data layer from before the ORM: raw SQL over psycopg2.

Most pages still read through it; the models in ``models/`` declare where the
schema is going. ``drift check --code legacy`` prepares each of these
statements on the live schema and on the schema after each planned phase.
"""
