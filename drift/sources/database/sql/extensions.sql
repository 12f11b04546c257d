-- The extensions of the live database, which its scratch copy needs too (plpgsql is built in).
SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY extname
