#!/bin/bash
# kill -9 during a burst of writes (issue 11 "Integrity"): two writers append
# note events to one registry, each printing the number of every event once
# its transaction has committed; both are killed with SIGKILL mid-burst.
# Afterwards no event a writer reported committed may be missing, and
# `registry verify` must pass (the tree, the leaves and the projections
# agree). Run on SQLite (WAL, synchronous=FULL) and PostgreSQL (a throwaway
# cluster, stopped by the trap). KAIFANG is the binary.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh
export KF_TOKEN_TEST_COST=1
unset KAIFANG_REGISTRY KAIFANG_PG KAIFANG_TOKEN KAIFANG_REGISTRY_KEY
BACKENDS=${KF_REGISTRY_BACKENDS:-sqlite pg}
PGDIR=""
cleanup() {
	[ -n "$PGDIR" ] && tools/pg-cluster.sh stop "$PGDIR"
	[ -n "$PGDIR" ] && rm -rf "$(dirname "$PGDIR")"
	rm -rf "$TMP"
}
trap cleanup EXIT

# waits until file $1 has at least $2 lines (at most ~20 s)
wait_lines() {
	local i
	for i in $(seq 200); do
		[ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# the largest event number a writer printed on a complete line
last_committed() { sed '$!b; /[0-9]$/!d' "$1" 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -1; }

burst() { # burst NAME STORE-OPTS...
	local name=$1 admin p1 p2 c1 c2 size round
	shift
	admin=$("$KAIFANG" registry init "$@" 2>/dev/null) || { bad "$name: init"; return; }
	for round in 1 2 3; do
		: >"$TMP/w1" && : >"$TMP/w2"
		"$KAIFANG" registry note "burst $round a" --count 1000000 --token "$admin" "$@" >"$TMP/w1" 2>"$TMP/e1" &
		p1=$!
		"$KAIFANG" registry note "burst $round b" --count 1000000 --token "$admin" "$@" >"$TMP/w2" 2>"$TMP/e2" &
		p2=$!
		wait_lines "$TMP/w1" $((20 * round)) && wait_lines "$TMP/w2" $((20 * round))
		sleep 0.$((RANDOM % 5))
		kill -9 $p1 $p2 2>/dev/null
		wait $p1 $p2 2>/dev/null
		c1=$(last_committed "$TMP/w1")
		c2=$(last_committed "$TMP/w2")
		if [ -z "$c1" ] || [ -z "$c2" ]; then
			bad "$name round $round: the writers committed nothing before the kill ($(head -c 300 "$TMP/e1"))"
			continue
		fi
		run "$KAIFANG" registry verify --json "$@"
		if [ "$RC" -eq 0 ]; then ok; else bad "$name round $round: verify after kill -9"; fi
		size=$(python3 -c "import json; print(json.load(open('$TMP/out'))['size'])" 2>/dev/null || echo 0)
		# every event a writer saw committed is in the log (the numbers are the
		# log's size after that writer's commit, so the largest bounds the rest)
		if [ "$size" -ge "$c1" ] && [ "$size" -ge "$c2" ]; then ok; else
			bad "$name round $round: committed events lost: log holds $size, writers saw $c1 and $c2 committed"
		fi
		# and each committed number is a note event of that writer, in the log
		for w in 1 2; do
			n=$(last_committed "$TMP/w$w")
			run "$KAIFANG" registry prove "$n" --json "$@"
			[ "$RC" -eq 0 ] && ok || bad "$name round $round: event $n, reported committed, has no proof"
		done
	done
}

for BE in $BACKENDS; do
	if [ "$BE" = sqlite ]; then
		burst sqlite --db "$TMP/crash.sqlite"
	else
		if [ "${KF_REGISTRY_NO_PG:-0}" = 1 ]; then
			echo "registry crash: PostgreSQL skipped (KF_REGISTRY_NO_PG=1)"
			continue
		fi
		d=$(mktemp -d /tmp/kf-pg-XXXXXX)
		chmod 755 "$d"
		PGDIR="$d/cluster"
		if ! conn=$(tools/pg-cluster.sh start "$PGDIR"); then
			bad "pg: the PostgreSQL cluster did not start"
			continue
		fi
		port=$(echo "$conn" | sed -n 's/.*port=\([0-9]*\).*/\1/p')
		user=$(echo "$conn" | sed -n 's/.*user=\([^ ]*\).*/\1/p')
		burst pg --pg "postgresql://$user@127.0.0.1:$port/postgres" --key "$TMP/crash-pg.key"
	fi
done
finish
