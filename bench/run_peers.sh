#!/bin/bash
# bench/run_peers.sh — `make bench-peers`: Kaifang against GoRules ZEN and
# json-rules-engine on the same generated rules and questions (bench/gen.py),
# small, medium and large; then a 1-million-row `kaifang batch` run. Writes the
# table into docs/performance.md between the bench-peers markers.
# Needs: python3, node + npm (installs bench/peers/package.json), /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
OUT=bench/out
SIZES=${SIZES:-small medium large}
mkdir -p "$OUT"
python3 bench/gen.py --out "$OUT" --sizes "$(echo $SIZES | tr ' ' ,)"
# Peers: `npm install --no-save`, not `npm ci`. The lock pins every package with
# its integrity, but ZEN's native binding is one optional package per platform and
# the registry this project reaches serves 0.54.0 for linux-x64 (gnu, musl) only,
# so the lock can list no others; `npm ci` then refuses the lock as out of sync
# ("Missing: @gorules/zen-engine-darwin-arm64@ from lock file"), even here.
# `npm install` installs what the lock holds, at its versions and integrity, and
# fetches this platform's binding by the exact version zen-engine pins; --no-save
# leaves package.json and the lock untouched. Reinstalls when either is newer
# than the last install (npm's node_modules/.package-lock.json).
peers_installed() {
	local h=bench/peers/node_modules/.package-lock.json
	[ -f "$h" ] && [ "$h" -nt bench/peers/package.json ] && [ "$h" -nt bench/peers/package-lock.json ]
}
peers_installed || (cd bench/peers && npm install --no-save --no-audit --no-fund >/dev/null)
: >"$OUT/results.jsonl"
for s in $SIZES; do
	echo "== $s" >&2
	"$B/bench_decide" "$OUT/$s/rulebook" --questions "$OUT/$s/questions.tsv" \
		--answers "$OUT/$s/kaifang.ans" --json >"$OUT/$s/kaifang.json"
	max=""
	[ "$s" = medium ] && max=${PEER_MAX_MEDIUM:-500}
	[ "$s" = large ] && max=${PEER_MAX_LARGE:-150}
	(cd bench/peers && PEER_MAX_QUESTIONS=$max node run_peers.js "../out/$s" "../out/$s/kaifang.ans") \
		>"$OUT/$s/peers.json"
	python3 -c 'import json,sys; print(json.dumps({"size": sys.argv[1], "kaifang": json.load(open(sys.argv[2])), "peers": json.load(open(sys.argv[3]))}))' \
		"$s" "$OUT/$s/kaifang.json" "$OUT/$s/peers.json" >>"$OUT/results.jsonl"
done
# 1M-row CSV batch, end to end, on the shipped rulebook
make --no-print-directory B="$B" "$B/batch_floor" >&2
bash bench/batch_1m.sh "$B/kaifang" "$B/batch_floor" >"$OUT/batch_1m.json"
python3 bench/report.py "$OUT/results.jsonl" "$OUT/batch_1m.json" docs/performance.md
echo "bench-peers: table written to docs/performance.md" >&2
