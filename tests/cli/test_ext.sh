#!/bin/bash
# tests/cli/test_ext.sh — the PostgreSQL extension (issue 13, docs/sql.md):
#   1. builds ext/postgres against the position-independent library and
#      installs it into Debian's PostgreSQL 15 (make ext-postgres-install);
#   2. pg_regress --temp-instance runs ext/postgres/sql/*.sql against
#      expected/*.out (functions, errors and SQLSTATEs, NULLs, kaifang.rulebook,
#      parallel scans), as the postgres user where we are root;
#   3. every golden case of rulebooks/cn-telecom through SQL equals
#      `kaifang decide --json` (tests/ext/golden_sql.py) on a throwaway cluster,
#      with the questions from `kaifang check --questions` (checked here too);
#   4. library memory is released on every call: a backend's resident size
#      does not grow over thousands of decisions, answers and refusals.
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
trap 'clusters_stop "$W"; rm -rf "$W"' EXIT

# ---- pg_regress, on its own temporary instance
TESTS=$(cd ext/postgres/sql && ls *.sql | sed 's/\.sql$//' | sort)
# kaifang (CREATE EXTENSION) first
TESTS="kaifang $(echo "$TESTS" | grep -vx kaifang | tr '\n' ' ')"
if as_pg "$PGXS_REGRESS" --temp-instance="$W/tmp_check" --bindir="$PGBIN" \
	--inputdir="$PWD/ext/postgres" --outputdir="$W" --dbname=contrib_regression --encoding=UTF8 \
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
	# no leak per call: after a warm-up round, two more rounds of 2,000
	# iterations (2 decision JSONs, 1 outcome, 2 refusals each) leave the
	# backend's VmRSS within 1 MiB (a JSON left unreleased grows it ~7 MB)
	growth=$(psql_to "$conn" -At <<-'SQL'
		CREATE FUNCTION pg_temp.rss_kb() RETURNS bigint LANGUAGE sql AS $$
		  SELECT (regexp_match(pg_read_file('/proc/self/status'), 'VmRSS:\s+(\d+)'))[1]::bigint $$;
		CREATE FUNCTION pg_temp.churn(n int) RETURNS void LANGUAGE plpgsql AS $$
		DECLARE t text;
		BEGIN
		  FOR i IN 1..n LOOP
		    t := kf_decide_text('ip-vpn', '610100', date '2025-06-01', 'foreign',
		                        (i % 100)::numeric, i % 2 = 0);
		    PERFORM kf_decide('idc', 'Hangzhou', date '2024-06-01' + (i % 400));
		    PERFORM kf_outcome('search-query', '330100', date '2024-06-01' + (i % 400),
		                       'foreign', (i % 100)::numeric);
		    BEGIN
		      PERFORM kf_outcome('idc', 'Atlantis' || i, date '2025-06-01');
		    EXCEPTION WHEN OTHERS THEN NULL;
		    END;
		    BEGIN
		      PERFORM kf_decide('idc', '330100', date '2025-06-01', 'foreign', 101);
		    EXCEPTION WHEN OTHERS THEN NULL;
		    END;
		  END LOOP;
		END $$;
		SELECT pg_temp.churn(2000) \gset
		SELECT pg_temp.churn(2000) \gset
		SELECT pg_temp.rss_kb() AS before \gset
		SELECT pg_temp.churn(2000) \gset
		SELECT pg_temp.rss_kb() - :before;
	SQL
	)
	[ -n "$growth" ] && [ "$growth" -lt 1024 ] && ok ||
		bad "a backend grew by '${growth}' kB over 2,000 rounds of calls (a leak?)"
else
	bad "could not start a PostgreSQL cluster"
fi

# ---- kaifang check --questions: one JSON line per golden case, the same count
# as `check` runs, and a malformed case file is an invalid rulebook (exit 3)
nq=$("$KAIFANG" check --questions rulebooks/cn-telecom | wc -l)
nc=$("$KAIFANG" check rulebooks/cn-telecom 2>/dev/null | sed -n 's/^golden: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' |
	awk '{print $1 + $2}')
[ "$nq" -gt 0 ] && [ "$nq" = "$nc" ] && ok || bad "check --questions printed $nq questions; check ran $nc cases"
"$KAIFANG" check --questions rulebooks/cn-telecom | python3 -c '
import json, sys
for line in sys.stdin:
    c = json.loads(line)
    assert set(c) == {"file", "line", "name", "measure", "question", "error"}, c
    assert c["question"]["service"] and c["question"]["region"], c
' && ok || bad "check --questions printed a line that is not a question object"
mkdir -p "$W/rb" && cp -R rulebooks/cn-telecom rulebooks/common "$W/rb/" &&
	printf 'cases:\n  - {name: x, measure: m, question: {service: idc, regoin: "1"}, expect: {outcome: permitted}}\n' \
		>"$W/rb/cn-telecom/golden/zz-bad.yaml"
"$KAIFANG" check --questions "$W/rb/cn-telecom" >/dev/null 2>"$W/q.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q "zz-bad.yaml:2:.*unknown key 'regoin'" "$W/q.err" && ok ||
	bad "check --questions on a malformed case: exit $rc, $(head -c 300 "$W/q.err")"
finish
