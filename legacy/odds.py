"""Odds pages and the price archive: psycopg2, written before the ORM arrived."""

import psycopg2
import psycopg2.extras
from psycopg2.extras import execute_values

ODDS = "odds"
MATCHES = "matches"

MATCH_ODDS = f"""
    SELECT o.id, b.name AS bookmaker, o.market, o.selection, o.price
      FROM {ODDS} o
      JOIN bookmakers b ON b.id = o.bookmaker_id
     WHERE o.match_id = %s
"""


def connect(dsn):
    return psycopg2.connect(dsn, cursor_factory=psycopg2.extras.RealDictCursor)


def match_odds(conn, match_id):
    with conn.cursor() as cur:
        cur.execute(MATCH_ODDS + " ORDER BY o.market, o.selection", (match_id,))
        return cur.fetchall()


def odds_page(conn, match_id, bookmaker_ids):
    """The legacy odds page: shows the price as the bookmaker wrote it."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT o.selection, o.price, o.price_raw
              FROM odds o
             WHERE o.match_id = %(match)s
               AND o.bookmaker_id IN %(books)s
             ORDER BY o.captured_at DESC
        """, {"match": match_id, "books": tuple(bookmaker_ids)})
        return cur.fetchall()


def best_prices(conn, match_id):
    with conn.cursor() as cur:
        cur.execute("""
            WITH ranked AS (
                SELECT o.selection, o.price, b.name AS bookmaker,
                       row_number() OVER (PARTITION BY o.selection
                                          ORDER BY o.price DESC) AS rn
                  FROM odds o
                  JOIN bookmakers b ON b.id = o.bookmaker_id
                 WHERE o.match_id = %s
            )
            SELECT selection, price, bookmaker FROM ranked WHERE rn = 1
        """, (match_id,))
        return cur.fetchall()


def save_prices(conn, rows):
    """rows: (match_id, bookmaker_id, market, selection, price) from the scrapers."""
    with conn.cursor() as cur:
        execute_values(cur, "INSERT INTO odds (match_id, bookmaker_id, market, selection, "
                            "price) VALUES %s", rows)
    conn.commit()


def upcoming_matches(conn, team_id=None):
    with conn.cursor() as cur:
        cur.execute("SELECT m.id, m.kickoff_at, m.home_team_id, m.away_team_id FROM "
                    + MATCHES + " m WHERE m.kickoff_at > now() "
                    "AND (%(team)s IS NULL OR %(team)s IN (m.home_team_id, m.away_team_id))",
                    {"team": team_id})
        return cur.fetchall()


def open_bets(conn, match_id):
    with conn.cursor() as cur:
        cur.execute("SELECT b.id, b.stake, o.price FROM bets b JOIN odds o ON o.id = b.odds_id "
                    "WHERE o.match_id = %s AND b.status = 'pending'", (match_id,))
        return cur.fetchall()
