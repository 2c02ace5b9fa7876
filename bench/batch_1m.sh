#!/bin/bash
# bench/batch_1m.sh [KAIFANG [FLOOR]] — a 1,000,000-row CSV through `kaifang
# batch`, end to end (read, split, read the question, decide, write), on the
# generated medium rulebook (bench/out/medium, ~2,000 measures; bench/gen.py
# makes it when missing). Rows cycle through its question mix, so about 4% carry
# unknown codes and get the error column.
#
# In the same run, interleaved, ROUNDS times each (default 5), it times two
# floors on the same file:
#   awk    mawk/awk, one hash lookup per row: the row's six question cells
#          looked up in a table of kaifang's own answers and appended (its
#          output is checked to be byte for byte kaifang's);
#   floor  bench/batch_floor.c, a minimal C read-split-write loop.
# Wall time is the median round; peak RSS from /usr/bin/time -v. Prints a table
# on stderr and {"rows", "seconds", "rows_per_s", "max_rss_kb", "input_mb",
# "jobs", "awk_seconds", "floor_seconds", "vs_awk", "vs_floor", ...} on stdout.
#
#   make bench-batch       (builds build/kaifang and build/batch_floor, runs this)
set -euo pipefail
cd "$(dirname "$0")/.."
K=${1:-build/kaifang}
F=${2:-build/batch_floor}
ROUNDS=${ROUNDS:-5}
JOBS=${JOBS:-$(nproc)}
D=bench/out
IN=$D/batch_1m.csv
AWK=$(command -v mawk || command -v awk)
[ -f "$D/medium/questions.tsv" ] || python3 bench/gen.py --sizes medium >&2
[ -f "$IN" ] || python3 - "$D/medium/questions.tsv" "$IN" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
with open(sys.argv[2], "w") as f:
    f.write("id,service,region,date,investor,foreign_share,outside_zones\n")
    for i in range(1000000):
        k, s, r, d, inv, sh, o = rows[i % len(rows)]
        f.write(f"{i},{s},{r},{d},{inv},{sh},{o}\n")
PY
# the awk floor's table: question cells -> kaifang's appended answer, as written
"$K" batch --rulebook "$D/medium/rulebook" "$IN" -o "$D/batch_1m.out.csv" 2>/dev/null
python3 - "$IN" "$D/batch_1m.out.csv" "$D/batch_1m.table" <<'PY'
import sys
seen = {}
with open(sys.argv[1], newline="") as fi, open(sys.argv[2], newline="") as fo:
    next(fi); next(fo)
    for a, b in zip(fi, fo):
        a = a.rstrip("\n")
        seen.setdefault(a.split(",", 1)[1], b.rstrip("\n")[len(a) + 1:])
with open(sys.argv[3], "w") as t:
    for k, v in seen.items():
        t.write(f"{k}\t{v}\n")
PY
AWK_PROG='NR == FNR { i = index($0, "\t"); a[substr($0, 1, i - 1)] = substr($0, i + 1); next }
FNR == 1 { print $0 ",outcome,max_foreign_share,cap,binding,certainty,missing_facts,error"; next }
{ print $0 "," a[$2 "," $3 "," $4 "," $5 "," $6 "," $7] }'

run() { # name command... ; appends "name wall user sys rss" to $D/batch_1m.times
	local name=$1
	shift
	/usr/bin/time -v "$@" 2>"$D/batch_1m.time.$name" >/dev/null || { cat "$D/batch_1m.time.$name" >&2; exit 1; }
	python3 - "$name" "$D/batch_1m.time.$name" >>"$D/batch_1m.times" <<'PY'
import re, sys
t = open(sys.argv[2]).read()
el = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t)
sec = int(el.group(1) or 0) * 3600 + int(el.group(2)) * 60 + float(el.group(3))
g = lambda k: re.search(k + r": ([\d.]+)", t).group(1)
print(sys.argv[1], sec, g("User time \(seconds\)"), g("System time \(seconds\)"),
      g(r"Maximum resident set size \(kbytes\)"))
PY
}
: >"$D/batch_1m.times"
for _ in $(seq "$ROUNDS"); do
	run kaifang "$K" batch --jobs "$JOBS" --rulebook "$D/medium/rulebook" "$IN" -o "$D/batch_1m.out.csv"
	run awk sh -c "$AWK -F, '$AWK_PROG' '$D/batch_1m.table' '$IN' >'$D/batch_1m.awk.csv'"
	run floor "$F" "$IN" "$D/batch_1m.floor.csv"
done
cmp -s "$D/batch_1m.out.csv" "$D/batch_1m.awk.csv" || { echo "batch_1m: awk's output differs from kaifang's" >&2; exit 1; }
python3 - "$D/batch_1m.times" "$IN" "$JOBS" "$(basename "$AWK")" <<'PY'
import json, os, statistics, sys
runs = {}
for l in open(sys.argv[1]):
    n, wall, user, sys_, rss = l.split()
    runs.setdefault(n, []).append((float(wall), float(user) + float(sys_), int(rss)))
med = {n: statistics.median(w for w, _, _ in r) for n, r in runs.items()}
cpu = {n: statistics.median(c for _, c, _ in r) for n, r in runs.items()}
rss = {n: max(x for _, _, x in r) for n, r in runs.items()}
k = med["kaifang"]
out = {"rows": 1000000, "seconds": k, "rows_per_s": 1e6 / k, "max_rss_kb": rss["kaifang"],
       "input_mb": os.path.getsize(sys.argv[2]) / 1e6, "jobs": int(sys.argv[3]),
       "rounds": len(runs["kaifang"]), "cpu_seconds": cpu["kaifang"],
       "awk": sys.argv[4], "awk_seconds": med["awk"], "awk_cpu_seconds": cpu["awk"],
       "awk_max_rss_kb": rss["awk"], "floor_seconds": med["floor"],
       "floor_cpu_seconds": cpu["floor"], "floor_max_rss_kb": rss["floor"],
       "vs_awk": k / med["awk"], "vs_floor": k / med["floor"]}
for n in ("kaifang", "awk", "floor"):
    print(f"{n:8} wall median {med[n]:.3f} s (runs: {', '.join(f'{w:.2f}' for w, _, _ in runs[n])}), "
          f"cpu {cpu[n]:.3f} s, peak RSS {rss[n] / 1024:.1f} MiB", file=sys.stderr)
print(f"kaifang / awk {out['vs_awk']:.2f}x, kaifang / floor {out['vs_floor']:.2f}x (wall, median)",
      file=sys.stderr)
print(json.dumps(out))
PY
