#!/bin/bash
# bench/batch_full.sh [KAIFANG] — the cost of the batch's output forms on one
# 200,000-row CSV of mostly distinct questions (bench/gen_batch_csv.py on the
# shipped rulebooks/cn-telecom, seed 12: random service, place, date 2015-2026,
# investor class, share), in one run, interleaved, ROUNDS times each (default
# 3), with JOBS decision threads (default 1: the machine is shared):
#   basic       kaifang batch (the basic columns, CSV)
#   full        kaifang batch --columns full (CSV)
#   basic-xlsx  kaifang batch --output-format xlsx
#   full-xlsx   kaifang batch --columns full --output-format xlsx
#   full-old    with OLD=BINARY, that build's --columns full (a before/after pair)
# Wall time is the median round; peak RSS from /usr/bin/time -v. Every
# output of a form is checked to be the same bytes in every round (XLSX:
# KAIFANG_NOW fixes the workbook's clock), full-old's the same bytes as full's.
# Prints a table on stderr and one JSON object on stdout with the ratios to basic.
#
#   make bench-batch-full      (ROWS=200000 ROUNDS=3 JOBS=1 OLD= by default)
set -euo pipefail
cd "$(dirname "$0")/.."
K=${1:-build/kaifang}
ROUNDS=${ROUNDS:-3}
JOBS=${JOBS:-1}
ROWS=${ROWS:-200000}
OLD=${OLD:-}
RB=rulebooks/cn-telecom
D=bench/out
IN=$D/batch_full_$ROWS.csv
export KAIFANG_NOW=2026-01-01T00:00:00Z
mkdir -p "$D"
[ -f "$IN" ] || KAIFANG=$K python3 bench/gen_batch_csv.py "$RB" "$ROWS" "$IN"
forms="basic full basic-xlsx full-xlsx"
[ -n "$OLD" ] && forms="$forms full-old"
args() {
	case $1 in
	basic) echo "$K" ;;
	full) echo "$K --columns full" ;;
	basic-xlsx) echo "$K --output-format xlsx" ;;
	full-xlsx) echo "$K --columns full --output-format xlsx" ;;
	full-old) echo "$OLD --columns full" ;;
	esac
}
: >"$D/batch_full.times"
for r in $(seq 1 "$ROUNDS"); do
	for f in $forms; do
		set -- $(args "$f")
		bin=$1
		shift
		out="$D/batch_full.$f.out"
		/usr/bin/time -v "$bin" batch --rulebook "$RB" --jobs "$JOBS" "$@" "$IN" >"$out.$r" 2>"$D/batch_full.time.$f" ||
			[ $? -eq 1 ] || { cat "$D/batch_full.time.$f" >&2; exit 1; } # 1: some rows have errors
		python3 - "$f" "$D/batch_full.time.$f" >>"$D/batch_full.times" <<'PY'
import re, sys
t = open(sys.argv[2]).read()
m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", t)
wall = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
print(sys.argv[1], wall, rss)
PY
		if [ "$r" -gt 1 ]; then cmp -s "$out.1" "$out.$r" || { echo "$f: round $r differs" >&2; exit 1; }; rm -f "$out.$r"; fi
	done
done
[ -z "$OLD" ] || cmp -s "$D/batch_full.full.out.1" "$D/batch_full.full-old.out.1" || { echo "full-old: not the same bytes as full" >&2; exit 1; }
python3 - "$D/batch_full.times" "$ROWS" "$JOBS" "$IN" "$D" <<'PY'
import json, os, statistics, sys
rows, jobs = int(sys.argv[2]), int(sys.argv[3])
t = {}
for line in open(sys.argv[1]):
    f, w, r = line.split()
    t.setdefault(f, []).append((float(w), int(r)))
res = {"rows": rows, "jobs": jobs, "input_mb": round(os.path.getsize(sys.argv[4]) / 1e6, 1)}
base = statistics.median(w for w, _ in t["basic"])
print("%-11s %9s %11s %9s %10s %9s" % ("form", "seconds", "rows/s", "vs basic", "max RSS MB", "output MB"), file=sys.stderr)
for f, v in t.items():
    w = statistics.median(x for x, _ in v)
    rss = max(r for _, r in v)
    size = os.path.getsize(os.path.join(sys.argv[5], "batch_full.%s.out.1" % f)) / 1e6
    print("%-11s %9.2f %11.0f %9.2f %10.1f %9.1f" % (f, w, rows / w, w / base, rss / 1024, size), file=sys.stderr)
    res[f] = {"seconds": round(w, 3), "rows_per_s": round(rows / w), "vs_basic": round(w / base, 2),
              "max_rss_kb": rss, "output_mb": round(size, 1)}
print(json.dumps(res))
PY
