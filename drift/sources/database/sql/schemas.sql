-- Which of the requested schemas exist.
SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY(:schemas) ORDER BY nspname
