#!/bin/bash
# ThreadSanitizer run (make test; STYLE.md point 12 and the review's §4.5):
# builds the library, the command and tests/tsan/concurrent.c with
# -fsanitize=thread into build/tsan, then
#   1. concurrent.c: eight threads loading two rulebooks at once and deciding;
#   2. the CSV pair read by two threads, and one graph answering from two
#      threads (tests/unit/test_ownership_{csv,scratch}.c);
#   3. the server with 4 worker threads under 8 concurrent clients on
#      /v1/decisions, /v1/matrix, /v1/explanations and /metrics.
# Any ThreadSanitizer report fails the run.
set -u
cd "$(dirname "$0")/.." || exit 2
B=build/tsan
TS="-O1 -g -fsanitize=thread -fno-omit-frame-pointer"
make --no-print-directory B=$B CFLAGS="$TS" LDFLAGS="-fsanitize=thread" \
	$B/kaifang $B/tsan-concurrent $B/tests/test_ownership_csv $B/tests/test_ownership_scratch >$B.build.log 2>&1 || {
	cat $B.build.log >&2
	exit 1
}
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 report_signal_unsafe=0"
fail=0
log=$(mktemp /tmp/kf-tsan-XXXXXX)
if ! $B/tsan-concurrent rulebooks/cn-telecom tests/data/rulebooks/mini 2>"$log"; then
	echo "FAIL: concurrent loads and decisions" >&2
	head -60 "$log" >&2
	fail=1
fi
grep -q 'WARNING: ThreadSanitizer' "$log" && { echo "FAIL: TSan report (concurrent)" >&2; head -60 "$log" >&2; fail=1; }

# unit TEST under TSan: it passes and TSan reports nothing (NAME says what)
unit_tsan() {
	if ! $B/tests/$1 >"$log.$1" 2>&1; then
		echo "FAIL: $2" >&2
		tail -40 "$log.$1" >&2
		fail=1
	fi
	grep -q 'WARNING: ThreadSanitizer' "$log.$1" && { echo "FAIL: TSan report ($2)" >&2; grep -A30 'WARNING: ThreadSanitizer' "$log.$1" | head -60 >&2; fail=1; }
	rm -f "$log.$1"
}
# the CSV pair read by two threads (entities: a shared id table claimed by
# compare-and-swap; holdings: a window each of one array)
unit_tsan test_ownership_csv "two-reader CSV loads"
# one graph answering from two threads (the graph's scratch is taken by one;
# the other call works on arrays of its own)
unit_tsan test_ownership_scratch "look-through from two threads on one graph"

$B/kaifang serve --listen 127.0.0.1:0 --threads 4 --quiet 2>"$log.srv" &
pid=$!
port=""
for _ in $(seq 1 200); do
	port=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$log.srv")
	[ -n "$port" ] && break
	sleep 0.05
done
if [ -z "$port" ]; then
	echo "FAIL: TSan server did not start" >&2
	cat "$log.srv" >&2
	kill $pid 2>/dev/null
	exit 1
fi
u="http://127.0.0.1:$port"
for c in 1 2 3 4 5 6 7 8; do
	(
		for i in $(seq 1 25); do
			curl -s -o /dev/null -H 'Content-Type: application/json' \
				--data-binary '{"service":"ip-vpn","region":"Hangzhou","date":"2025-06-01","foreign_share":"50"}' "$u/v1/decisions"
			curl -s -o /dev/null "$u/v1/matrix?date=2025-06-01&regions=pilot-20&services=idc,ip-vpn"
			curl -s -o /dev/null "$u/v1/explanations?service=idc&region=Shanghai&date=2025-06-01&foreign_share=100"
			curl -s -o /dev/null "$u/metrics"
		done
	) &
done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null
kill -TERM $pid
wait $pid
grep -q 'WARNING: ThreadSanitizer' "$log.srv" && { echo "FAIL: TSan report (server)" >&2; head -80 "$log.srv" >&2; fail=1; }
rm -f "$log" "$log.srv"
[ $fail -eq 0 ] && echo "tsan: concurrent loads, two-reader CSV loads, one graph from two threads and the server under 8 clients: no reports"
exit $fail
