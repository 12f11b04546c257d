-- The production schema as it is today (written by hand in 2016, migrated by scripts since).
CREATE TABLE bookmakers (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL
);
CREATE TABLE teams (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL
);
CREATE TABLE matches (
    id serial PRIMARY KEY,
    home_team_id integer NOT NULL REFERENCES teams (id),
    away_team_id integer NOT NULL REFERENCES teams (id),
    kickoff_at timestamptz NOT NULL,
    status varchar(20) NOT NULL
);
CREATE TABLE odds (
    id bigserial PRIMARY KEY,
    match_id integer NOT NULL REFERENCES matches (id),
    bookmaker_id integer NOT NULL REFERENCES bookmakers (id),
    selection varchar(20) NOT NULL,
    price numeric(8, 3) NOT NULL,
    price_raw text,
    captured_at timestamptz NOT NULL,
    CONSTRAINT odds_match_bookmaker_selection_key UNIQUE (match_id, bookmaker_id, selection)
);
