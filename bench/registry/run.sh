#!/bin/bash
# make bench-registry: the registry's append, verify and stats figures on SQLite
# and on a throwaway PostgreSQL 15 (tools/pg-cluster.sh, stopped at the end).
# Sizes: EVENTS (default 1,000,000 batched events), DURABLE (2,000 events, one
# transaction each), APPS (100,000 approved applications for stats).
# Figures go to stdout; docs/performance.md "Registry" records a run.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
EVENTS=${EVENTS:-1000000}
DURABLE=${DURABLE:-2000}
APPS=${APPS:-100000}
D=$(mktemp -d /tmp/kf-bench-reg-XXXXXX)
chmod 755 "$D"
PGD="$D/pg"
trap 'tools/pg-cluster.sh stop "$PGD" >/dev/null 2>&1; rm -rf "$D"' EXIT
echo "== registry bench: $EVENTS events, $DURABLE durable, $APPS applications ($(date -u +%F))"
"$B/bench_registry" sqlite "$D/bench.sqlite" --events "$EVENTS" --durable "$DURABLE" --apps "$APPS" || exit 1
ls -la "$D/bench.sqlite" | awk '{print "sqlite file_bytes", $5}'
if conn=$(tools/pg-cluster.sh start "$PGD"); then
	"$B/bench_registry" pg "$conn" --events "$EVENTS" --durable "$DURABLE" --apps "$APPS" || exit 1
else
	echo "pg: the PostgreSQL cluster did not start" >&2
	exit 1
fi
