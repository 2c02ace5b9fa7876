# Helpers for the server tests (sourced; not a test itself). KAIFANG is the
# binary (tests/run-all.sh sets it to the ASan build during `make test`).
# Each server listens on a free loopback port: started with --listen
# 127.0.0.1:0, it prints the port it got, which start_server reads.
cd "$(dirname "${BASH_SOURCE[0]}")/../../.." || exit 2
: "${KAIFANG:=$PWD/build/kaifang}"
PASS=0
FAIL=0
TMP=$(mktemp -d /tmp/kf-srv-XXXXXX)
SERVER_PIDS=""
cleanup() {
	local p
	for p in $SERVER_PIDS; do kill -TERM "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT

need() { # need COMMAND DEBIAN-PACKAGE
	command -v "$1" >/dev/null 2>&1 || ./tools/install-deps.sh "$2" || {
		echo "cannot install $2" >&2
		exit 1
	}
}
need curl curl
need jq jq

ok() { PASS=$((PASS + 1)); }
bad() {
	FAIL=$((FAIL + 1))
	echo "FAIL: $1" >&2
	[ -f "$TMP/body" ] && echo "  body: $(head -c 600 "$TMP/body")" >&2
}

# start_server NAME ARGS... : starts kaifang serve; sets PORT and PID, log in $TMP/NAME.log
start_server() {
	local name=$1 i
	shift
	"$KAIFANG" serve --listen 127.0.0.1:0 "$@" 2>"$TMP/$name.log" &
	PID=$!
	SERVER_PIDS="$SERVER_PIDS $PID"
	PORT=""
	for i in $(seq 1 200); do
		PORT=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$TMP/$name.log")
		[ -n "$PORT" ] && break
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$PORT" ]; then
		echo "server $name did not start:" >&2
		cat "$TMP/$name.log" >&2
		exit 1
	fi
}

# stop_server PID: SIGTERM, then waits; sets STOP_RC.
stop_server() {
	kill -TERM "$1"
	wait "$1"
	STOP_RC=$?
}

# req METHOD PATH [curl args...]: sets CODE, body in $TMP/body, headers in $TMP/headers
req() {
	local m=$1 p=$2
	shift 2
	CODE=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$m" "$@" \
		"http://127.0.0.1:$PORT$p")
}
# post PATH JSON: POST with Content-Type application/json
post() {
	local p=$1 data=$2
	shift 2
	req POST "$p" -H 'Content-Type: application/json' --data-binary "$data" "$@"
}

# expect_code NAME CODE
expect_code() { [ "$CODE" = "$2" ] && ok || bad "$1: status $CODE, expected $2"; }
# expect_jq NAME FILTER: the jq filter must print true for the body
expect_jq() {
	[ "$(jq -r "$2" "$TMP/body" 2>/dev/null)" = "true" ] && ok || bad "$1: '$2' is not true"
}
# expect_header NAME TEXT: a response header line containing TEXT (case-insensitive)
expect_header() { grep -qiF -- "$2" "$TMP/headers" && ok || bad "$1: no header '$2'"; }
# expect_error NAME STATUS CODE [FIELD]: the error object of docs/api.md
expect_error() {
	expect_code "$1" "$2"
	expect_jq "$1 error code" ".error.code == \"$3\" and (.error.message | type == \"string\")"
	if [ $# -ge 4 ]; then expect_jq "$1 error field" ".error.field == \"$4\""; fi
}

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
