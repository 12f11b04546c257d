# table names, kept in one place since the 2018 schema rename
ODDS_TABLE = "odds"
MATCHES_TABLE = "matches"
