"""The data layer from before the ORM: raw SQL over psycopg2, still serving most pages."""
import psycopg2
import psycopg2.extras


def connect(dsn):
    return psycopg2.connect(dsn)


def fetch_all(conn, sql, params=None):
    with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
        cur.execute(sql, params)
        return cur.fetchall()
