#!/bin/bash
# The doors suite (issue 8 "Tests"; tests/doors/doors.py): every golden case
# of rulebooks/cn-telecom through decide, explain, a matrix cell, POST
# /v1/decisions (one by one and as one array) and, when the build has them,
# batch CSV and JSON Lines and POST /v1/batch — one decision from every door,
# and a question one door refuses, every door refuses. Then every golden case
# of rulebooks/cn-services the same way, the server asked with ?sector=services
# (issue 14; the server holds both rulebooks, telecom the default).
# Prints "N passed, M failed".
source "$(dirname "$0")/../server/lib/server.bash"
need python3 python3
# one clock for every door, so the memo's "asked on" is the same (issue 12)
KAIFANG_NOW=${KAIFANG_NOW:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
export KAIFANG_NOW
start_server doors --rulebook rulebooks/cn-telecom --rulebook rulebooks/cn-services --quiet
python3 tests/doors/doors.py rulebooks/cn-telecom "$PORT"
rc=$?
python3 tests/doors/doors.py rulebooks/cn-services "$PORT" services || rc=1
stop_server "$PID"
# the memo of services answers (requirements, lapsed, in words): same bytes
start_server doors-services --rulebook rulebooks/cn-services --quiet
python3 tests/doors/doors.py rulebooks/cn-services "$PORT" memo || rc=1
stop_server "$PID"
if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$TMP"/*.log; then
	echo "FAIL: sanitizer report in the server log" >&2
	cat "$TMP"/*.log >&2
	echo "0 passed, 1 failed"
	exit 1
fi
exit $rc
