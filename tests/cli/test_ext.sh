#!/bin/bash
# tests/cli/test_ext.sh — the PostgreSQL extension (issue 13, docs/sql.md):
#   1. builds ext/postgres against the position-independent library and
#      installs it into Debian's PostgreSQL 15 (make ext-postgres-install);
#   2. pg_regress --temp-instance runs ext/postgres/sql/*.sql against
#      expected/*.out (functions, errors and SQLSTATEs, NULLs, kaifang.rulebook,
#      parallel scans), as the postgres user where we are root;
#   3. every golden case of rulebooks/cn-telecom through SQL equals
#      `kaifang decide --json` (tests/ext/golden_sql.py) on a throwaway cluster.
# PostgreSQL missing and not installable is a failure, never a skip.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/ext/lib.sh
: "${KAIFANG:=$PWD/build/kaifang}"
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $1" >&2; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }

if ! ext_prepare; then
	bad "PostgreSQL 15 and the extension could not be installed (see above)"
	finish
	exit 1
fi
ok

W=$(mktemp -d /tmp/kf-ext-XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres "$W"
trap 'clusters_stop; rm -rf "$W"' EXIT

# ---- pg_regress, on its own temporary instance
TESTS=$(cd ext/postgres/sql && ls *.sql | sed 's/\.sql$//' | sort)
# kaifang (CREATE EXTENSION) first
TESTS="kaifang $(echo "$TESTS" | grep -vx kaifang | tr '\n' ' ')"
if as_pg "$PGXS_REGRESS" --temp-instance="$W/tmp_check" --bindir="$PGBIN" \
	--inputdir="$PWD/ext/postgres" --outputdir="$W" --dbname=contrib_regression \
	$TESTS >"$W/regress.log" 2>&1; then
	ok
	grep -E "^(ok|test|not ok) " "$W/regress.log" | sed 's/^/  /'
else
	cat "$W/regress.log" >&2
	[ -f "$W/regression.diffs" ] && head -c 6000 "$W/regression.diffs" >&2
	bad "pg_regress: ext/postgres regression tests"
fi

# ---- every golden case through SQL equals the CLI
if conn=$(cluster_start "$W/golden"); then
	ok
	if KAIFANG=$KAIFANG PSQL="$PGBIN/psql" python3 tests/ext/golden_sql.py \
		rulebooks/cn-telecom "$conn"; then
		ok
	else
		bad "golden cases through SQL differ from the CLI"
	fi
	# the installed rulebook is the repository's (the JSON names its hash)
	sha_sql=$(psql_to "$conn" -At -c "SELECT sha256 FROM kf_rulebook()")
	sha_cli=$("$KAIFANG" check rulebooks/cn-telecom --no-golden | sed -n 's/^sha256 //p')
	[ -n "$sha_sql" ] && [ "$sha_sql" = "$sha_cli" ] && ok ||
		bad "installed rulebook sha256 '$sha_sql' is not the repository's '$sha_cli'"
else
	bad "could not start a PostgreSQL cluster"
fi
finish
