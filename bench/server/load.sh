#!/bin/bash
# Load benchmark of `kaifang serve` (not a test): wrk on loopback against
# POST /v1/decisions, one question per request. Prints throughput, p50/p99
# latency and the server's resident memory before and after.
#   bench/server/load.sh [REQUESTS] [RULEBOOK]     (default 1000000, the shipped rulebook)
# Bounded: a 3-second calibration run measures the rate, then wrk runs for
# the time that rate needs to answer REQUESTS, at most MAX_SECONDS (default
# 300). wrk counts every request it made, so the total is close to REQUESTS.
# Loopback only.
set -u
cd "$(dirname "$0")/../.." || exit 2
N=${1:-1000000}
RB=${2:-rulebooks/cn-telecom}
MAX_SECONDS=${MAX_SECONDS:-300}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
SERVER_THREADS=${SERVER_THREADS:-2}
KAIFANG=${KAIFANG:-build/kaifang}
command -v wrk >/dev/null || ./tools/install-deps.sh wrk || exit 1
[ -x "$KAIFANG" ] || make -s || exit 1
TMP=$(mktemp -d /tmp/kf-load-XXXXXX)
trap 'kill -TERM $PID 2>/dev/null; rm -rf "$TMP"' EXIT

"$KAIFANG" serve --listen 127.0.0.1:0 --rulebook "$RB" --threads "$SERVER_THREADS" --quiet 2>"$TMP/server.log" &
PID=$!
for i in $(seq 100); do
	PORT=$(sed -n 2>/dev/null 's|.* on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$TMP/server.log")
	[ -n "$PORT" ] && break
	sleep 0.05
done
[ -n "$PORT" ] || { cat "$TMP/server.log"; exit 1; }
URL="http://127.0.0.1:$PORT/v1/decisions"
rss() { awk '/^VmRSS/ {print $2 " kB"}' /proc/$PID/status; }

BODY='{"service":"ip-vpn","region":"330100","date":"2025-05-01","foreign_share":"50"}'
curl -s -H 'Content-Type: application/json' -d "$BODY" "$URL" | head -c 200; echo
cat >"$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
function response(status, headers, body)
  if status ~= 200 then print("status " .. status) end
end
LUA
# Warm up and calibrate, then measure.
RATE=$(wrk -t"$THREADS" -c"$CONNS" -d3s -s "$TMP/post.lua" "$URL" | awk '/^Requests\/sec:/ {print int($2)}')
[ "${RATE:-0}" -gt 0 ] || { echo "calibration failed"; exit 1; }
D=$(( (N + RATE - 1) / RATE + 1 ))
[ "$D" -gt "$MAX_SECONDS" ] && D=$MAX_SECONDS
echo "calibration: $RATE requests/s; measuring for ${D}s"
echo "server RSS before: $(rss)"
echo "command: wrk -t$THREADS -c$CONNS -d${D}s --latency -s post.lua $URL"
wrk -t"$THREADS" -c"$CONNS" -d"${D}s" --latency -s "$TMP/post.lua" "$URL" | tee "$TMP/wrk.txt"
echo "server RSS after: $(rss)"
kill -TERM $PID
wait $PID
echo "server exit: $?"
