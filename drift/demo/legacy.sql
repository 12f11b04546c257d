-- The example database of `drift demo`: a sports-odds analytics backend.
--
-- `public` holds the legacy tables, written by hand in raw SQL years ago;
-- `quantum` holds the first two tables of the planned "Quantum DNA 2.0"
-- feature. The declared models live in the `models` package at the repository
-- root. Some differences between the two are planned (drift/demo/expectations.yaml),
-- some are not: that is what the demo shows.

-- ---------------------------------------------------------------- public ---

CREATE TYPE bet_status AS ENUM ('pending', 'won', 'lost', 'void', 'cashed_out');
CREATE TYPE market_type AS ENUM ('1x2', 'over_under', 'asian_handicap', 'btts');

CREATE TABLE leagues (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    country varchar(50) NOT NULL,
    tier smallint NOT NULL DEFAULT 1,
    CONSTRAINT leagues_name_country_key UNIQUE (name, country)
);

CREATE TABLE teams (
    id serial PRIMARY KEY,
    league_id integer REFERENCES leagues (id),
    name varchar(100) NOT NULL,
    short_name varchar(10),
    founded smallint,
    stadium varchar(100),
    -- spelled differently from the models' now(): the same default
    created_at timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP
);
COMMENT ON TABLE teams IS 'Football clubs we price markets for.';
CREATE INDEX ix_teams_league_id ON teams (league_id);

CREATE TABLE matches (
    id serial PRIMARY KEY,
    league_id integer NOT NULL REFERENCES leagues (id),
    home_team_id integer NOT NULL REFERENCES teams (id),
    away_team_id integer NOT NULL REFERENCES teams (id),
    kickoff_at timestamptz NOT NULL,
    home_goals smallint,
    away_goals smallint,
    status varchar(20) NOT NULL DEFAULT 'scheduled',
    CONSTRAINT matches_distinct_teams_check CHECK (home_team_id <> away_team_id)
);
CREATE INDEX ix_matches_kickoff_at ON matches (kickoff_at);

CREATE TABLE bookmakers (
    id serial PRIMARY KEY,
    name varchar(50) NOT NULL,
    website varchar(200),
    active boolean NOT NULL DEFAULT false,
    CONSTRAINT bookmakers_name_key UNIQUE (name)
);

CREATE TABLE odds (
    id bigserial PRIMARY KEY,
    match_id integer NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    -- no foreign key: the original script forgot it
    bookmaker_id integer NOT NULL,
    market market_type NOT NULL,
    selection varchar(20) NOT NULL,
    price numeric(6,2) NOT NULL,
    -- the price as the 2017 scrapers read it ('5/4', '2.45'); the legacy odds page shows it
    price_raw varchar(20),
    captured_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT odds_price_check CHECK (price > 1)
);
COMMENT ON TABLE odds IS 'Bookmaker prices per match, market and selection.';
CREATE INDEX ix_odds_match_id_market ON odds (match_id, market);

CREATE TABLE bets (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    odds_id bigint REFERENCES odds (id),
    stake numeric(10,2) NOT NULL,
    status bet_status NOT NULL DEFAULT 'pending',
    placed_at timestamptz NOT NULL DEFAULT now(),
    settled_at timestamptz,
    payout double precision,
    notes text,
    CONSTRAINT bets_stake_check CHECK (stake > 0)
);
-- added by hand in production during the 2024 Euro traffic peak
CREATE INDEX bets_placed_at_idx ON bets (placed_at);

CREATE TABLE team_dna (
    team_id integer PRIMARY KEY REFERENCES teams (id),
    possession_style numeric(5,2),
    pressing_intensity numeric(5,2),
    tempo numeric(5,2),
    directness numeric(5,2),
    computed_at timestamptz,
    legacy_score real
);
COMMENT ON TABLE team_dna IS 'Per-team style profile (DNA 1.0), recomputed nightly.';
COMMENT ON COLUMN team_dna.legacy_score IS 'DNA 1.0 single score; superseded by quantum.dna_profiles.';

CREATE TABLE legacy_odds_archive (
    id bigint PRIMARY KEY,
    match_id integer NOT NULL,
    bookmaker varchar(50) NOT NULL,
    market varchar(30) NOT NULL,
    price numeric(6,2) NOT NULL,
    archived_at timestamptz NOT NULL DEFAULT now()
);

CREATE VIEW v_open_exposure AS
SELECT b.id AS bet_id, o.match_id, b.stake, o.price, b.stake * o.price AS potential_payout
FROM bets b
JOIN odds o ON o.id = b.odds_id
WHERE b.status = 'pending';

-- --------------------------------------------------------------- quantum ---

CREATE SCHEMA quantum;
COMMENT ON SCHEMA quantum IS 'Quantum DNA 2.0: per-team multi-dimensional profiles.';

CREATE TYPE quantum.dna_kind AS ENUM ('style', 'form', 'market');

CREATE TABLE quantum.dna_profiles (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- the foreign key to public.teams comes with phase 3
    team_id integer NOT NULL,
    kind quantum.dna_kind NOT NULL,
    version integer NOT NULL DEFAULT 1,
    features jsonb NOT NULL DEFAULT '{}'::jsonb,
    embedding double precision[],
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by varchar(64),
    updated_by varchar(64),
    CONSTRAINT dna_profiles_team_id_kind_version_key UNIQUE (team_id, kind, version)
);
COMMENT ON TABLE quantum.dna_profiles IS 'One versioned DNA profile per team and kind.';

CREATE TABLE quantum.model_runs (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    model_name varchar(100) NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    parameters jsonb NOT NULL DEFAULT '{}'::jsonb,
    status text NOT NULL DEFAULT 'running',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by varchar(64),
    updated_by varchar(64),
    CONSTRAINT model_runs_status_check CHECK (status IN ('running', 'succeeded', 'failed'))
);
COMMENT ON TABLE quantum.model_runs IS 'One training or scoring run of a DNA model.';

-- ------------------------------------------------------------------ data ---

INSERT INTO leagues (name, country, tier) VALUES
    ('Premier League', 'England', 1),
    ('La Liga', 'Spain', 1),
    ('Bundesliga', 'Germany', 1);

INSERT INTO teams (league_id, name, short_name, founded, stadium) VALUES
    (1, 'Arsenal', 'ARS', 1886, 'Emirates Stadium'),
    (1, 'Liverpool', 'LIV', 1892, 'Anfield'),
    (1, 'Manchester City', 'MCI', 1880, 'Etihad Stadium'),
    (2, 'Real Madrid', 'RMA', 1902, 'Santiago Bernabéu'),
    (2, 'FC Barcelona', 'BAR', 1899, 'Spotify Camp Nou'),
    (3, 'Bayern München', 'FCB', 1900, 'Allianz Arena'),
    (3, 'Borussia Dortmund', 'BVB', 1909, 'Signal Iduna Park');

INSERT INTO matches (league_id, home_team_id, away_team_id, kickoff_at, home_goals, away_goals, status) VALUES
    (1, 1, 2, '2026-03-14 17:30+00', 2, 2, 'finished'),
    (1, 3, 1, '2026-03-21 16:00+00', 1, 0, 'finished'),
    (2, 4, 5, '2026-03-22 20:00+00', NULL, NULL, 'scheduled'),
    (3, 6, 7, '2026-03-28 17:30+00', NULL, NULL, 'scheduled');

INSERT INTO bookmakers (name, website, active) VALUES
    ('Pinnacle', 'https://www.pinnacle.com', true),
    ('Bet365', 'https://www.bet365.com', true),
    ('William Hill', 'https://www.williamhill.com', true),
    ('Betfair Exchange', 'https://www.betfair.com', false);

INSERT INTO odds (match_id, bookmaker_id, market, selection, price) VALUES
    (1, 1, '1x2', 'home', 2.45), (1, 1, '1x2', 'draw', 3.40), (1, 1, '1x2', 'away', 2.95),
    (1, 2, '1x2', 'home', 2.40), (1, 2, 'btts', 'yes', 1.62),
    (2, 1, '1x2', 'home', 1.85), (2, 3, 'over_under', 'over 2.5', 1.91),
    (3, 1, '1x2', 'home', 2.10), (3, 2, 'asian_handicap', 'home -0.5', 2.08),
    (4, 1, '1x2', 'home', 1.55), (4, 3, 'over_under', 'over 3.5', 2.20);

INSERT INTO bets (odds_id, stake, status, placed_at, settled_at, payout) VALUES
    (1, 50.00, 'lost', '2026-03-14 12:00+00', '2026-03-14 19:25+00', 0),
    (2, 20.00, 'won', '2026-03-14 12:05+00', '2026-03-14 19:25+00', 68.00),
    (6, 100.00, 'won', '2026-03-20 09:00+00', '2026-03-21 17:55+00', 185.00),
    (8, 25.00, 'pending', '2026-03-21 10:00+00', NULL, NULL),
    (10, 40.00, 'pending', '2026-03-25 08:30+00', NULL, NULL);

INSERT INTO team_dna (team_id, possession_style, pressing_intensity, tempo, directness, computed_at, legacy_score) VALUES
    (1, 61.20, 72.50, 68.00, 41.30, '2026-03-01 03:00+00', 7.4),
    (2, 58.90, 80.10, 74.20, 47.80, '2026-03-01 03:00+00', 7.9),
    (3, 66.40, 69.70, 63.50, 35.10, '2026-03-01 03:00+00', 8.3),
    (6, 63.80, 71.20, 66.90, 39.40, '2026-03-01 03:00+00', 8.1);

INSERT INTO legacy_odds_archive (id, match_id, bookmaker, market, price, archived_at) VALUES
    (1, 1, 'Pinnacle', 'match_result', 2.50, '2025-08-01 00:00+00'),
    (2, 1, 'Bet365', 'match_result', 2.38, '2025-08-01 00:00+00');

INSERT INTO quantum.dna_profiles (team_id, kind, version, features, embedding) VALUES
    (1, 'style', 1, '{"possession": 0.61, "press": 0.73}', '{0.12, -0.48, 0.91}'),
    (3, 'style', 1, '{"possession": 0.66, "press": 0.70}', '{0.20, -0.31, 0.88}');

INSERT INTO quantum.model_runs (model_name, started_at, finished_at, parameters, status) VALUES
    ('dna-style-v2', '2026-03-01 02:00+00', '2026-03-01 02:41+00', '{"epochs": 40}', 'succeeded');

-- Statistics, so row estimates in plan hazards are real figures, not "never analysed".
ANALYZE;
