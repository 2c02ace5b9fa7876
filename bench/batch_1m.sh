#!/bin/bash
# bench/batch_1m.sh KAIFANG — a 1,000,000-row CSV through `kaifang batch`, end to
# end (read, parse, look up, decide, write), on the generated medium rulebook
# (bench/out/medium, ~2,000 measures; run bench/gen.py first). Rows cycle through
# its question mix, so about 5% carry unknown codes and get the error column.
# Prints {"rows", "seconds", "rows_per_s", "max_rss_kb", "input_mb"} as JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
K=${1:-build/kaifang}
D=bench/out
IN=$D/batch_1m.csv
python3 - "$D/medium/questions.tsv" "$IN" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
with open(sys.argv[2], "w") as f:
    f.write("id,service,region,date,investor,foreign_share,outside_zones\n")
    for i in range(1000000):
        k, s, r, d, inv, sh, o = rows[i % len(rows)]
        f.write(f"{i},{s},{r},{d},{inv},{sh},{o}\n")
PY
/usr/bin/time -v "$K" batch --rulebook "$D/medium/rulebook" "$IN" -o "$D/batch_1m.out.csv" \
	2>"$D/batch_1m.time" || { cat "$D/batch_1m.time" >&2; exit 1; }
python3 - "$D/batch_1m.time" "$IN" <<'PY'
import json, os, re, sys
t = open(sys.argv[1]).read()
el = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t)
sec = int(el.group(1) or 0) * 3600 + int(el.group(2)) * 60 + float(el.group(3))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
print(json.dumps({"rows": 1000000, "seconds": sec, "rows_per_s": 1e6 / sec,
                  "max_rss_kb": rss, "input_mb": os.path.getsize(sys.argv[2]) / 1e6}))
PY
