-- The example database as it was two weeks ago (run after legacy.sql).
--
-- `drift demo` writes a weekly report of each week, oldest first, so that its
-- output shows what `drift report` shows a team after a few weeks: the index,
-- the trend and what changed since the week before. The changes of each week
-- are in last_week.sql and this_week.sql.

DROP INDEX bets_placed_at_idx;
DROP TABLE quantum.model_runs;
ALTER TABLE teams ADD COLUMN legacy_rank integer;
ALTER TABLE leagues ALTER COLUMN country TYPE varchar(40);

DROP VIEW v_open_exposure;
CREATE VIEW v_open_exposure AS
SELECT b.id AS bet_id, o.match_id, b.stake, o.price
FROM bets b
JOIN odds o ON o.id = b.odds_id
WHERE b.status = 'pending';
