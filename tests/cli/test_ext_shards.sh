#!/bin/bash
# tests/cli/test_ext_shards.sh — Kaifang spread over three PostgreSQL servers
# (issue 13, docs/sql.md "Spread over servers"), on loopback: a coordinator and
# three shard clusters (tools/pg-cluster.sh), `deals` partitioned by hash of the
# enterprise id with each partition a postgres_fdw foreign table on one shard
# (async_capable, extensions 'kaifang'; tests/ext/shards.sh). 300,000 deals
# (bench/pg/gen_deals.py) are loaded through the coordinator, and:
#   - every shard holds a part and runs the same rulebook (kf_rulebook());
#   - EXPLAIN (VERBOSE) shows kf_outcome_pinned and kf_decide_pinned in the
#     Remote SQL sent to each of the three shards, under async foreign scans;
#   - the answers computed on the shards equal `kaifang batch` over the same
#     rows (every outcome, and the deals one in ten screened by the full
#     decision), and so do kf_outcome's computed on the coordinator and the
#     max_foreign_share of kf_decide_pinned for one in ten;
#   - a shard with another rulebook refuses the pinned query.
# All clusters are stopped at the end (trap). PostgreSQL missing is a failure.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/ext/lib.sh
. tests/ext/shards.sh
: "${KAIFANG:=$PWD/build/kaifang}"
ROWS=${ROWS:-300000}
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $1" >&2; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }
# expect NAME GOT WANT
expect() { [ "$2" = "$3" ] && ok || bad "$1: got '$2', expected '$3'"; }
T0=$(date +%s)
stamp() { [ -n "${KF_TIMES:-}" ] && echo "  [$(($(date +%s) - T0)) s] $1" >&2; return 0; }

if ! ext_prepare; then
	bad "PostgreSQL 15 and the extension could not be installed (see above)"
	finish
	exit 1
fi
W=$(mktemp -d /tmp/kf-shards-XXXXXX)
chmod 755 "$W"
trap 'clusters_stop "$W"; rm -rf "$W"' EXIT

coord=$(cluster_start "$W/coord") || { bad "coordinator did not start"; finish; exit 1; }
shards=()
for k in 0 1 2; do
	s=$(cluster_start "$W/shard$k") || { bad "shard $k did not start"; finish; exit 1; }
	shards+=("$s")
done
q() { psql_to "$coord" -At -c "$1"; }

# ---- build and load
shards_build "$coord" "${shards[@]}" >/dev/null 2>"$W/build.err" && ok ||
	{ cat "$W/build.err" >&2; bad "building the sharded table"; finish; exit 1; }
python3 bench/pg/gen_deals.py "$ROWS" "$W/deals.csv"
chmod 644 "$W/deals.csv"
shards_load "$coord" "$W/deals.csv" >/dev/null 2>"$W/load.err" && ok ||
	{ cat "$W/load.err" >&2; bad "loading the deals"; finish; exit 1; }
expect "rows through the coordinator" "$(q "SELECT count(*) FROM deals")" "$ROWS"
total=0
for k in 0 1 2; do
	n=$(psql_to "${shards[$k]}" -At -c "SELECT count(*) FROM deals")
	[ "$n" -gt $((ROWS / 4)) ] && ok || bad "shard $k holds $n of $ROWS rows"
	total=$((total + n))
done
expect "rows on the shards" "$total" "$ROWS"

stamp "loaded"
# ---- one rulebook edition on every node
sha=$(q "SELECT sha256 FROM kf_rulebook()")
for k in 0 1 2; do
	expect "shard $k rulebook" "$(psql_to "${shards[$k]}" -At -c "SELECT sha256 FROM kf_rulebook()")" "$sha"
done

ARGS="service, region, date, investor, foreign_share, outside_zones"
PER_ROW="SET enable_partitionwise_aggregate = on;
SELECT enterprise, kf_outcome_pinned('$sha', $ARGS) AS outcome FROM deals GROUP BY 1, 2"
# one deal in ten (enterprise ids ending in 3), screened by the full decision
SCREEN="SELECT enterprise FROM deals WHERE enterprise LIKE '%3'
AND kf_decide_pinned('$sha', $ARGS) @> '{\"outcome\": \"indeterminate\"}'"
# max_foreign_share of the full decision for the same one in ten (postgres_fdw
# does not push this grouping by a jsonb member; it runs where the planner puts
# it, with the same pinned rulebook)
MAX_SHARE="SELECT enterprise, kf_decide_pinned('$sha', $ARGS)->>'max_foreign_share' AS m
FROM deals WHERE enterprise LIKE '%3'"

# ---- the functions go to the shards
plan=$(psql_to "$coord" -At -c "SET enable_partitionwise_aggregate = on" \
	-c "EXPLAIN (VERBOSE, COSTS OFF) ${PER_ROW#*;}")
expect "async foreign scans (per-row outcomes)" "$(grep -c 'Async Foreign Scan' <<<"$plan")" 3
expect "Remote SQL with kf_outcome_pinned" \
	"$(grep 'Remote SQL:' <<<"$plan" | grep -c 'kf_outcome_pinned(.*GROUP BY')" 3
for k in 0 1 2; do
	grep -q "Aggregate on (public.deals_p$k " <<<"$plan" && ok || bad "deals_p$k not in the plan"
done
plan=$(q "EXPLAIN (VERBOSE, COSTS OFF) $SCREEN")
expect "Remote SQL with kf_decide_pinned (screening)" \
	"$(grep 'Remote SQL:' <<<"$plan" | grep -c "WHERE .*kf_decide_pinned(")" 3
# the STABLE kf_outcome is not shipped (postgres_fdw sends immutable functions
# only): it runs on the coordinator over the fetched rows
plan=$(q "EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM deals WHERE kf_outcome($ARGS) = 'closed'")
expect "Remote SQL without the STABLE kf_outcome" \
	"$(grep 'Remote SQL:' <<<"$plan" | grep -c 'kf_outcome')" 0

stamp "plans checked"
# ---- the answers equal kaifang batch over the same rows
"$KAIFANG" batch "$W/deals.csv" -o "$W/batch.csv" 2>"$W/batch.err" && ok ||
	{ cat "$W/batch.err" >&2; bad "kaifang batch"; }
chmod 644 "$W/batch.csv"
cols=$(head -1 "$W/batch.csv" | sed 's/,/ text, /g; s/$/ text/')
psql_to "$coord" -c "CREATE TABLE batch_out ($cols)" \
	-c "\\copy batch_out FROM '$W/batch.csv' (FORMAT csv, HEADER)" || bad "loading the batch output"
expect "batch rows without an answer" "$(q "SELECT count(*) FROM batch_out WHERE error <> ''")" 0
psql_to "$coord" -c "SET enable_partitionwise_aggregate = on" \
	-c "CREATE TABLE shard_out AS ${PER_ROW#*;}" || bad "per-row outcomes on the shards"
expect "outcomes from the shards = batch (rows, differ)" \
	"$(q "SELECT count(*), count(*) FILTER (WHERE s.outcome IS DISTINCT FROM b.outcome)
	      FROM batch_out b FULL JOIN shard_out s USING (enterprise)" | tr '|' ' ')" "$ROWS 0"
stamp "outcomes compared"
expect "the outcomes are mixed" "$(q "SELECT count(DISTINCT outcome) >= 4 FROM shard_out")" t
expect "max_foreign_share from kf_decide_pinned = batch (rows, differ)" \
	"$(q "SELECT count(*), count(*) FILTER (WHERE s.m::numeric
	                          IS DISTINCT FROM nullif(b.max_foreign_share, '')::numeric)
	      FROM ($MAX_SHARE) s JOIN batch_out b USING (enterprise)" | tr '|' ' ')" "$((ROWS / 10)) 0"
stamp "max_foreign_share compared"
expect "kf_outcome on the coordinator = batch (rows, differ)" \
	"$(q "SELECT count(*), count(*) FILTER (WHERE d.o IS DISTINCT FROM b.outcome)
	      FROM (SELECT enterprise, kf_outcome($ARGS) AS o FROM deals) d
	      JOIN batch_out b USING (enterprise)" | tr '|' ' ')" "$ROWS 0"
expect "screening on the shards = batch" \
	"$(q "SELECT count(*) FROM ($SCREEN) x")" \
	"$(q "SELECT count(*) FROM batch_out WHERE enterprise LIKE '%3' AND outcome = 'indeterminate'")"

stamp "coordinator and screening compared"
# ---- a shard with another rulebook refuses the pinned query
psql_to "${shards[1]}" -c "LOAD 'kaifang'" \
	-c "ALTER SYSTEM SET kaifang.rulebook = '$PWD/tests/data/rulebooks/mini'" \
	-c "SELECT pg_reload_conf()" >/dev/null
if q "SELECT count(*) FROM ($SCREEN) x" >"$W/mismatch.out" 2>&1; then
	bad "a shard on another rulebook answered the pinned query"
else
	grep -q "pins rulebook sha256" "$W/mismatch.out" && ok ||
		bad "the refusal does not say why: $(head -c 400 "$W/mismatch.out")"
fi
finish
