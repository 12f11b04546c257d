import logging

from psycopg2.extras import execute_values

from . import fetch_all
from .tables import MATCHES_TABLE, ODDS_TABLE

log = logging.getLogger(__name__)

LATEST_PRICES = f"""
    SELECT o.bookmaker_id, o.selection, o.price
      FROM {ODDS_TABLE} o
     WHERE o.match_id = %s
"""


def latest_prices(conn, match_id):
    cur = conn.cursor()
    cur.execute(LATEST_PRICES + " ORDER BY o.captured_at DESC", (match_id,))
    return cur.fetchall()


def raw_prices(conn, match_id, bookmaker_ids):
    cur = conn.cursor()
    cur.execute("""
        SELECT o.id, o.price_raw
          FROM odds o
         WHERE o.match_id = %(match)s
           AND o.bookmaker_id IN %(books)s
    """, {"match": match_id, "books": tuple(bookmaker_ids)})
    return cur.fetchall()


def save_prices(conn, rows):
    with conn.cursor() as cur:
        execute_values(cur, "INSERT INTO odds (match_id, bookmaker_id, selection, price, "
                            "captured_at) VALUES %s "
                            "ON CONFLICT (match_id, bookmaker_id, selection) "
                            "DO UPDATE SET price = EXCLUDED.price, captured_at = now()", rows)
    conn.commit()


def matches_for_teams(conn, team_ids):
    cur = conn.cursor()
    cur.execute("SELECT id, kickoff_at FROM " + MATCHES_TABLE + " WHERE home_team_id IN %s "
                "OR away_team_id IN %s", (tuple(team_ids), tuple(team_ids)))
    return cur.fetchall()


def best_prices(conn, match_id):
    return fetch_all(conn, """
        WITH ranked AS (
            SELECT o.selection, o.price, b.name AS bookmaker,
                   row_number() OVER (PARTITION BY o.selection ORDER BY o.price DESC) AS rn
              FROM odds o
              JOIN bookmakers b ON b.id = o.bookmaker_id
             WHERE o.match_id = %s
        )
        SELECT selection, price, bookmaker FROM ranked WHERE rn = 1
    """, (match_id,))


def purge(conn, match_id):
    cur = conn.cursor()
    # one round trip: the archive job runs this for thousands of matches
    cur.execute("DELETE FROM odds WHERE match_id = %s; "
                "UPDATE matches SET status = 'finished' WHERE id = %s", (match_id, match_id))
    log.info("purged odds of match %s", match_id)


def bookmaker_countries(conn):
    cur = conn.cursor()
    # bookmakers.country was dropped by hand in 2023; this page has been failing since
    cur.execute("SELECT name, country FROM bookmakers ORDER BY name")
    return cur.fetchall()


def count_rows(conn, table):
    cur = conn.cursor()
    cur.execute(f"SELECT count(*) FROM {table}")
    return cur.fetchone()[0]


def odds_like(conn, pattern):
    cur = conn.cursor()
    cur.execute("SELECT id FROM odds WHERE selection LIKE %s AND price > 1.5", (pattern + "%",))
    return cur.fetchall()


def team_matches(conn, team_id=None, status=None):
    cur = conn.cursor()
    cur.execute("""
        SELECT m.id, m.kickoff_at
          FROM matches m
         WHERE (%(team)s IS NULL OR m.home_team_id = %(team)s OR m.away_team_id = %(team)s)
           AND (%(status)s IS NULL OR m.status = %(status)s)
    """, {"team": team_id, "status": status})
    return cur.fetchall()
