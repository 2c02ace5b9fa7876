#!/bin/bash
# bench/pg/run.sh [KAIFANG] — Kaifang in PostgreSQL against `kaifang batch`, in
# one run (issue 13; figures in docs/performance.md "PostgreSQL").
#
# ROWS deals (default 1,000,000; bench/pg/gen_deals.py) as CSV, and:
#   batch       `kaifang batch` over the CSV (read, decide, write), --jobs 1 and 2
#   one server  the rows in one table of one PostgreSQL 15 cluster:
#                 scan     a query reading every question column, no decision
#                          (the floor of a scan)
#                 outcome  SELECT count(kf_outcome(...)) FROM deals, serial and
#                          with 2 parallel workers
#                 decide   count(kf_decide(...)) over one row in 100 (the full
#                          decision JSON as jsonb)
#   3 shards    the same rows hash-partitioned over three shard clusters through
#               postgres_fdw (tests/ext/shards.sh), queried on a coordinator:
#                 fdw scan  the scan query over the foreign partitions (every
#                           row travels): per-row cost of the foreign scan
#                 pushed    per-row outcomes computed on the shards
#                           (kf_outcome_pinned, GROUP BY enterprise, outcome)
#                 screen    WHERE kf_outcome_pinned(...) = 'exceeds_cap' on the
#                           shards, only matches travel
#                 local     count(kf_outcome(...)) on the coordinator over the
#                           fetched rows (the STABLE function is not shipped)
# Each timing is the median of ROUNDS (default 3) runs; times are the server's
# (psql \timing) or wall time for batch. All four clusters are one machine's:
# on 2 cores three shards cannot be faster than one server; what the run shows
# is what the plan sends where and what the foreign scan costs per row.
# Prints a table on stderr and one JSON object on stdout.
#
#   make bench-pg        (builds and installs the extension, then runs this)
set -euo pipefail
cd "$(dirname "$0")/../.."
K=$(realpath "${1:-build/kaifang}")
ROWS=${ROWS:-1000000}
ROUNDS=${ROUNDS:-3}
. tests/ext/lib.sh
. tests/ext/shards.sh

W=$(mktemp -d /tmp/kf-bench-pg-XXXXXX)
chmod 755 "$W"
trap 'clusters_stop "$W"; rm -rf "$W"' EXIT
python3 bench/pg/gen_deals.py "$ROWS" "$W/deals.csv"
chmod 644 "$W/deals.csv"

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# ms CONNINFO SQL [SETUP]: median server time of SQL in milliseconds
ms() {
	local i
	for i in $(seq "$ROUNDS"); do
		psql_to "$1" -c "${3:-SELECT 1}" -c '\timing on' -c "$2" |
			sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
	done | median
}
# cpu_ms "DIR..." CONNINFO SQL [SETUP]: median CPU time (user + sys) that the
# clusters in DIR... spent on SQL, in every process (backends, parallel workers,
# the shards' postgres_fdw backends): each postmaster's own and reaped
# children's times from /proc (fields 14-17), before and after a session that
# runs SQL. Robust to other jobs on the machine, unlike wall time.
pg_ticks() {
	local d t=0 pid
	for d in $1; do
		pid=$(head -1 "$d/data/postmaster.pid")
		t=$((t + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13 + $14 + $15}')))
	done
	echo "$t"
}
cpu_ms() {
	local i t0 t1
	for i in $(seq "$ROUNDS"); do
		t0=$(pg_ticks "$1")
		psql_to "$2" -c "${4:-SELECT 1}" -c "$3" >/dev/null
		sleep 0.5 # the backends exit and are reaped
		t1=$(pg_ticks "$1")
		echo $(((t1 - t0) * 1000 / $(getconf CLK_TCK)))
	done | median
}
# cpu COMMAND...: median user + sys CPU time in milliseconds
cpu() {
	local i
	for i in $(seq "$ROUNDS"); do
		/usr/bin/time -f "%U %S" -o "$W/cpu.time" "$@" >/dev/null
		awk '{printf "%d\n", ($1 + $2) * 1000}' "$W/cpu.time"
	done | median
}
# wall COMMAND...: median wall time in milliseconds
wall() {
	local i s
	for i in $(seq "$ROUNDS"); do
		s=$(date +%s%N)
		"$@" >/dev/null
		echo $((($(date +%s%N) - s) / 1000000))
	done | median
}

ARGS="service, region, date, investor, foreign_share, outside_zones"
SCAN="SELECT sum(length(enterprise) + length(service) + length(region) + length(investor)),
  count(date), count(foreign_share), count(outside_zones) FROM deals"
SERIAL="SET max_parallel_workers_per_gather = 0"
PARALLEL="SET max_parallel_workers_per_gather = 2"

load_before=$(cut -d' ' -f1 /proc/loadavg)
echo "bench-pg: $ROWS rows, median of $ROUNDS, load average $load_before on $(nproc) cores" >&2
b1=$(wall "$K" batch --jobs 1 "$W/deals.csv" -o "$W/out.csv")
b2=$(wall "$K" batch --jobs 2 "$W/deals.csv" -o "$W/out.csv")
b1cpu=$(cpu "$K" batch --jobs 1 "$W/deals.csv" -o "$W/out.csv")

one=$(cluster_start "$W/one")
psql_to "$one" -c "CREATE EXTENSION kaifang" -c "CREATE TABLE deals ($DEALS_COLUMNS)" \
	-c "\\copy deals FROM '$W/deals.csv' (FORMAT csv, HEADER)" -c "VACUUM ANALYZE deals"
sha=$(psql_to "$one" -At -c "SELECT sha256 FROM kf_rulebook()")
scan1=$(ms "$one" "$SCAN" "$SERIAL")
out1=$(ms "$one" "SELECT count(kf_outcome($ARGS)) FROM deals" "$SERIAL")
out1cpu=$(cpu_ms "$W/one" "$one" "SELECT count(kf_outcome($ARGS)) FROM deals" "$SERIAL")
scan1cpu=$(cpu_ms "$W/one" "$one" "$SCAN" "$SERIAL")
out1p=$(ms "$one" "SELECT count(kf_outcome($ARGS)) FROM deals" "$PARALLEL")
dec1=$(ms "$one" "SELECT count(kf_decide($ARGS)) FROM deals WHERE enterprise LIKE '%00'" "$SERIAL")
max1=$(ms "$one" "SELECT count(kf_max_foreign_share(service, region, date, investor,
  outside_zones)) FROM deals" "$SERIAL")

coord=$(cluster_start "$W/coord")
shards=()
for k in 0 1 2; do shards+=("$(cluster_start "$W/shard$k")"); done
shards_build "$coord" "${shards[@]}" >/dev/null 2>&1
load_s=$(date +%s%N)
shards_load "$coord" "$W/deals.csv" >/dev/null 2>&1
load=$((($(date +%s%N) - load_s) / 1000000))
for s in "${shards[@]}"; do psql_to "$s" -c "VACUUM ANALYZE deals"; done
PWA="SET enable_partitionwise_aggregate = on"
scan3=$(ms "$coord" "$SCAN")
push3=$(ms "$coord" "SELECT count(*) FROM (SELECT enterprise, kf_outcome_pinned('$sha', $ARGS)
  FROM deals GROUP BY 1, 2) x" "$PWA")
screen3=$(ms "$coord" "SELECT count(*) FROM deals WHERE kf_outcome_pinned('$sha', $ARGS) = 'exceeds_cap'")
local3=$(ms "$coord" "SELECT count(kf_outcome($ARGS)) FROM deals")
ALL="$W/coord $W/shard0 $W/shard1 $W/shard2"
scan3cpu=$(cpu_ms "$ALL" "$coord" "$SCAN")
screen3cpu=$(cpu_ms "$ALL" "$coord" "SELECT count(*) FROM deals
  WHERE kf_outcome_pinned('$sha', $ARGS) = 'exceeds_cap'")
# the same grouping on one server, to separate the GROUP BY from the decisions
group1=$(ms "$one" "SELECT count(*) FROM (SELECT enterprise, kf_outcome_pinned('$sha', $ARGS)
  FROM deals GROUP BY 1, 2) x" "$SERIAL")

load_after=$(cut -d' ' -f1 /proc/loadavg)
python3 - "$load_before" "$load_after" "$ROWS" "$b1" "$b2" "$scan1" "$out1" "$out1p" "$dec1" "$max1" "$load" "$scan3" \
	"$push3" "$screen3" "$local3" "$group1" "$b1cpu" "$out1cpu" "$scan1cpu" "$scan3cpu" "$screen3cpu" <<'PY'
import json, sys
load_before, load_after = sys.argv[1:3]
n = int(sys.argv[3])
(b1, b2, scan1, out1, out1p, dec1, max1, load, scan3, push3, screen3, local3,
 group1, b1cpu, out1cpu, scan1cpu, scan3cpu, screen3cpu) = map(float, sys.argv[4:])
rate = lambda ms, rows=n: rows / (max(ms, 0.001) / 1000.0)
us = lambda ms, rows=n: ms * 1000.0 / rows
rows = [
    ("kaifang batch --jobs 1 (CSV in, CSV out)", b1, n),
    ("kaifang batch --jobs 2", b2, n),
    ("1 server: scan, no decision", scan1, n),
    ("kaifang batch --jobs 1, CPU time (user+sys)", b1cpu, n),
    ("1 server: scan, CPU time", scan1cpu, n),
    ("1 server: count(kf_outcome) serial", out1, n),
    ("1 server: count(kf_outcome) serial, CPU time", out1cpu, n),
    ("1 server: count(kf_outcome) 2 workers", out1p, n),
    ("1 server: count(kf_max_foreign_share) serial", max1, n),
    ("1 server: count(kf_decide) serial, 1 row in 100", dec1, n // 100),
    ("1 server: GROUP BY enterprise, kf_outcome_pinned", group1, n),
    ("3 shards: load through the coordinator", load, n),
    ("3 shards: fdw scan, every row travels", scan3, n),
    ("3 shards: pushed GROUP BY enterprise, kf_outcome_pinned", push3, n),
    ("3 shards: pushed WHERE kf_outcome_pinned = 'exceeds_cap'", screen3, n),
    ("3 shards: kf_outcome on the coordinator", local3, n),
    ("3 shards: fdw scan, CPU time of all 4 servers", scan3cpu, n),
    ("3 shards: pushed WHERE, CPU time of all 4 servers", screen3cpu, n),
]
sys.stderr.write("%-58s %10s %12s %9s\n" % ("", "ms", "rows/s", "us/row"))
for name, ms, r in rows:
    sys.stderr.write("%-58s %10.0f %12.0f %9.2f\n" % (name, ms, rate(ms, r), us(ms, r)))
out = {
    "rows": n,
    "batch_jobs1_rows_per_s": round(rate(b1)), "batch_jobs2_rows_per_s": round(rate(b2)),
    "sql_outcome_serial_rows_per_s": round(rate(out1)),
    "sql_outcome_parallel_rows_per_s": round(rate(out1p)),
    "sql_vs_batch_serial": round(rate(out1) / rate(b1), 2),
    "sql_vs_batch_serial_cpu": round(b1cpu / out1cpu, 2),
    "sql_outcome_cpu_us_per_row_over_scan": round(us(out1cpu) - us(scan1cpu), 3),
    "sql_vs_batch_parallel": round(rate(out1p) / rate(b2), 2),
    "sql_outcome_us_per_row_over_scan": round(us(out1) - us(scan1), 3),
    "sql_decide_us_per_row": round(us(dec1, n // 100), 2),
    "shards_pushed_rows_per_s": round(rate(push3)),
    "shards_screen_rows_per_s": round(rate(screen3)),
    "shards_vs_one_server_serial": round(rate(screen3) / rate(out1), 2),
    "fdw_scan_us_per_row_over_local_scan": round(us(scan3) - us(scan1), 3),
    "fdw_scan_cpu_us_per_row_over_local_scan": round(us(scan3cpu) - us(scan1cpu), 3),
    "shards_screen_cpu_us_per_row": round(us(screen3cpu), 3),
    "load_rows_per_s": round(rate(load)),
    "loadavg_before": float(load_before), "loadavg_after": float(load_after),
}
print(json.dumps(out))
PY
