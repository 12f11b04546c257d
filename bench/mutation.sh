#!/usr/bin/env bash
# Mutation testing of the core with mutmut 3 (see bench/MUTATION.md). Slow: not run in CI.
#   bash bench/mutation.sh                 # the whole run (mutmut keeps results in mutants/)
#   bash bench/mutation.sh 'drift.plan.hazards*'   # re-run some mutants (after adding tests)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -m pip install -q 'mutmut>=3.8,<4'

# one PostgreSQL for the whole run: each mutant's pytest session would otherwise start its own
url_file=$(mktemp)
rm -f "$url_file"
"$PY" bench/serve_postgres.py --url-file "$url_file" >/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 120); do [ -s "$url_file" ] && break; sleep 1; done
[ -s "$url_file" ] || { echo "mutation: the PostgreSQL server did not start" >&2; exit 2; }
DRIFT_TEST_DATABASE_URL=$(cat "$url_file")
export DRIFT_TEST_DATABASE_URL

# the config ([tool.mutmut] in pyproject.toml) names the modules and the tests to run
"$PY" -m mutmut run --max-children "${MUTATION_JOBS:-2}" "$@" || true
echo "mutmut's counts:"
"$PY" -m mutmut results --all true | awk '{print $NF}' | sort | uniq -c
# survivors and timeouts once more, each in a fresh process (bench/mutation_recheck.py says why)
"$PY" bench/mutation_recheck.py --jobs "${MUTATION_JOBS:-2}" "$@"
