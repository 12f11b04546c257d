"""The live price feed: asyncpg, one pool per worker."""
import asyncpg


async def open_pool(dsn):
    return await asyncpg.create_pool(dsn, min_size=2, max_size=10)


async def prices_since(pool, match_id, since):
    async with pool.acquire() as conn:
        return await conn.fetch(
            "SELECT id, selection, price FROM odds "
            "WHERE match_id = $1 AND ($2::timestamptz IS NULL OR captured_at >= $2)",
            match_id, since)


async def bookmaker_filter(conn, bookmaker_id):
    return await conn.fetchval(
        "SELECT count(*) FROM odds WHERE ($1::integer IS NULL OR bookmaker_id = $1)", bookmaker_id)


async def record_price(conn, match_id, bookmaker_id, selection, price):
    await conn.execute("""
        INSERT INTO odds (match_id, bookmaker_id, selection, price, captured_at)
        VALUES ($1, $2, $3, $4, now())
        ON CONFLICT ON CONSTRAINT odds_match_bookmaker_selection_key
        DO UPDATE SET price = EXCLUDED.price
    """, match_id, bookmaker_id, selection, price)
