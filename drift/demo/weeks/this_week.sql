-- What changed in the example database this week: a wider country column, as
-- the models want, and an index someone added by hand (nobody planned it).

ALTER TABLE leagues ALTER COLUMN country TYPE varchar(50);
CREATE INDEX bets_placed_at_idx ON bets (placed_at);
