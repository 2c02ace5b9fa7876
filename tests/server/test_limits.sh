#!/bin/bash
# The server under slow and hostile clients, on loopback (docs/api.md "Limits";
# issue 8, items 14 and 15): slowloris and idle keep-alive connections from one
# address and from many, the connection limit's 503 and close at accept,
# `Expect: 100-continue` over the body limit, and the logged status of an
# answer libmicrohttpd gives itself. The slow clients are
# tests/server/lib/slowclients.py; the attacks come from other loopback
# addresses (127.0.0.2, 127.0.0.10-19) than the probing client (127.0.0.1), as
# from other machines. Bounded: about 20 s.
# Prints "N passed, M failed"; exits non-zero on failure.
source "$(dirname "$0")/lib/server.bash"
need python3 python3
MINI=tests/data/rulebooks/mini
SLOW=tests/server/lib/slowclients.py

# probe: GET /healthz on a new connection from 127.0.0.1; sets CODE (000 when
# the server closed without an answer), MS (milliseconds), body in $TMP/body
probe() {
	local out
	rm -f "$TMP/body" "$TMP/headers"
	out=$(curl -s -o "$TMP/body" -D "$TMP/headers" -m 5 -w '%{http_code} %{time_total}' \
		"http://127.0.0.1:$PORT/healthz")
	CODE=${out% *}
	MS=$(awk -v t="${out#* }" 'BEGIN { printf "%d", t * 1000 }')
}
# attack NAME ARGS...: slowclients.py in the background (ATTACK is its pid);
# returns once every connection is open. Its summary goes to $TMP/NAME.json.
attack() {
	local name=$1 i
	shift
	rm -f "$TMP/$name.ready"
	python3 "$SLOW" "$PORT" --ready "$TMP/$name.ready" "$@" >"$TMP/$name.json" &
	ATTACK=$!
	for i in $(seq 1 200); do
		[ -e "$TMP/$name.ready" ] && return
		sleep 0.05
	done
	bad "$name: the slow clients did not connect"
}
# summary NAME FILTER: the jq filter must print true for the attack's summary
summary() {
	[ "$(jq -r "$2" "$TMP/$1.json" 2>/dev/null)" = "true" ] && ok ||
		bad "$1: '$2' is not true for $(cat "$TMP/$1.json")"
}
metric() { # metric NAME: its value in /metrics
	curl -s "http://127.0.0.1:$PORT/metrics" | sed -n "s/^$1 \([0-9]*\)$/\1/p"
}

# Lowered limits, so the attacks are small and quick: 32 connections (and a
# spare of 4 to answer 503), 8 per address, 3 s for a request header.
start_server small --rulebook "$MINI" --max-connections 32 --max-per-ip 8 --header-timeout 3

# ---- from one address: the per-address limit ----------------------------------------
# 60 connections trickling a header line every second and 4 idle keep-alive
# connections, all from 127.0.0.2 (issue 8 item 14, scaled down): 8 are held,
# the rest closed at accept; 127.0.0.1 is answered at once throughout.
attack one --src 127.0.0.2 --trickle 60 --idle 4 --interval 1 --hold 4.5
worst=0
for i in 1 2 3 4 5; do
	probe
	[ "$CODE" = 200 ] || bad "one address: /healthz during the attack: status $CODE"
	[ "$MS" -gt "$worst" ] && worst=$MS
	sleep 0.5
done
[ "$worst" -lt 1000 ] && ok || bad "one address: /healthz took $worst ms during the attack"
echo "one address (64 slow connections): slowest /healthz ${worst} ms"
wait "$ATTACK"
summary one '.opened == 64 and .still_open == 0'
summary one '.closed_within_1s == 56' # over the per-address limit: closed at accept
summary one '.statuses == {"200": 4}' # the idle ones had their answer, then nothing
# the held 8 were closed by the header deadline (3 s), not by the 10 s timeout
summary one '.close_after_s.max >= 2.9 and .close_after_s.max < 4.4'
n=$(metric 'kaifang_connections_refused_total{reason="header_timeout"}')
[ "${n:-0}" -ge 8 ] && ok || bad "header_timeout counted: ${n:-none}"

# ---- from many addresses: the connection limit ---------------------------------------
# 80 trickling connections from ten addresses (8 each): 32 are served, 4 are
# accepted over the limit, and 44 closed at accept. (At least 40: on a loaded
# machine the attack opens its 80 slowly enough that a held connection can
# reach its 3 s header deadline and free a slot first; seen: 43.)
attack many --src "$(echo 127.0.0.{10..19} | tr ' ' ,)" --trickle 80 --interval 1 --hold 3.5
sleep 0.3
probe
# the spare is taken too: the new client is closed at once (no queueing)
[ "$CODE" = 000 ] && ok || bad "full server and spare: status $CODE, expected a closed connection"
[ "$MS" -lt 1000 ] && ok || bad "full server and spare: closed after $MS ms"
echo "full server and spare: closed after ${MS} ms"
sleep 1.2 # the 4 over the limit had 1 s for their request header: the spare is free
probe
[ "$CODE" = 503 ] && ok || bad "full server: status $CODE, expected 503"
[ "$(jq -r '.error.code' "$TMP/body" 2>/dev/null)" = server_busy ] && ok || bad "503 body: $(cat "$TMP/body")"
grep -qi '^Retry-After: 1' "$TMP/headers" && ok || bad "503 has Retry-After"
grep -qi '^Connection: close' "$TMP/headers" && ok || bad "503 closes the connection"
[ "$MS" -lt 1000 ] && ok || bad "full server: 503 after $MS ms"
echo "full server: 503 after ${MS} ms"
wait "$ATTACK"
summary many '.opened == 80 and .still_open == 0 and .closed_within_1s >= 40'
probe
expect_code "served again after the attack" 200
n=$(metric 'kaifang_connections_refused_total{reason="full"}')
[ "${n:-0}" -ge 40 ] && ok || bad "full counted: ${n:-none}"
n=$(metric 'kaifang_connections_refused_total{reason="busy"}')
[ "${n:-0}" -ge 1 ] && ok || bad "busy counted: ${n:-none}"

# ---- bodies: 100-continue over the limit, malformed chunked ----------------------------
# Over the body limit with Expect: 100-continue: 413 at once, and no 100
# Continue, so the body is never sent (issue 8 item 15).
head -c 1100000 /dev/zero | tr '\0' ' ' >"$TMP/big.json"
CODE=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -H 'Expect: 100-continue' \
	-H 'Content-Type: application/json' --data-binary @"$TMP/big.json" \
	"http://127.0.0.1:$PORT/v1/decisions")
expect_error "100-continue over the limit" 413 body_too_large
grep -q '^HTTP/1.1 100' "$TMP/headers" && bad "100-continue over the limit got 100 Continue" || ok
printf '{"service":"ip-vpn","region":"330100","date":"2025-05-01","foreign_share":"50"}' >"$TMP/q.json"
CODE=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -H 'Expect: 100-continue' \
	-H 'Content-Type: application/json' --data-binary @"$TMP/q.json" \
	"http://127.0.0.1:$PORT/v1/decisions")
expect_code "100-continue within the limit" 200
grep -q '^HTTP/1.1 100' "$TMP/headers" && ok || bad "100-continue within the limit got no 100 Continue"

# A malformed chunked body: libmicrohttpd answers 400 itself (its HTML body;
# 0.9.75 cannot be made to send ours, docs/api.md "Errors"), and the access
# log records 400, not 499.
python3 - "$PORT" >"$TMP/chunked" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /v1/decisions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
s.settimeout(3)
d = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    d += b
sys.stdout.write(d.decode("latin-1"))
EOF
head -1 "$TMP/chunked" | grep -q '^HTTP/1.1 400' && ok || bad "malformed chunked: $(head -1 "$TMP/chunked")"
sleep 0.2
grep -q '^kaifang: access POST /v1/decisions 400 .*(answered by libmicrohttpd)$' "$TMP/small.log" && ok ||
	bad "malformed chunked: access log line: $(grep 'access POST' "$TMP/small.log" | tail -1)"
grep -q '^kaifang: access POST /v1/decisions 499' "$TMP/small.log" && bad "a 499 in the access log" || ok

stop_server "$PID"
[ "$STOP_RC" -eq 0 ] && ok || bad "server exit $STOP_RC"
grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$TMP/small.log" && bad "sanitizer report in the server log" || ok

# ---- the defaults: issue 8's attack, from one address -----------------------------------
# 512 trickling and 200 idle keep-alive connections from 127.0.0.2 against
# the default limits (512 connections, 32 per address, 5 s header deadline).
start_server defaults --rulebook "$MINI" --quiet
attack defaults --src 127.0.0.2 --trickle 512 --idle 200 --interval 10 --hold 1.5
worst=0
for i in 1 2 3; do
	probe
	[ "$CODE" = 200 ] || bad "defaults: /healthz during the attack: status $CODE"
	[ "$MS" -gt "$worst" ] && worst=$MS
	sleep 0.3
done
[ "$worst" -lt 1000 ] && ok || bad "defaults: /healthz took $worst ms during the attack"
echo "defaults (512 trickling + 200 idle from one address): slowest /healthz ${worst} ms"
wait "$ATTACK"
summary defaults '.opened == 712 and .closed_within_1s == 680 and .statuses == {"200": 32}'
stop_server "$PID"
[ "$STOP_RC" -eq 0 ] && ok || bad "defaults server exit $STOP_RC"
grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$TMP/defaults.log" && bad "sanitizer report in the server log" || ok

# ---- a max-size diff (issue: 20 s, 140 MB and 12 GB of memory) --------------------------
# pilot-20 fifty-one times (1,020 places) x 32 services, 2018 to 2026: the places
# are merged to the 20 distinct ones, each measure record is written once, and
# at most --threads - 1 matrix/timeline/diff requests are decided at once (the
# others get 503 server_busy), so /healthz is answered throughout and the
# server's peak memory stays under the figure of docs/api.md "Limits" (256 MiB).
start_server big --rulebook rulebooks/cn-telecom --quiet
R=$(printf 'pilot-20,%.0s' $(seq 51))
S=$("$KAIFANG" list services --rulebook rulebooks/cn-telecom --json | jq -r '[.[:32][].id] | join(",")')
DIFF="http://127.0.0.1:$PORT/v1/diff?from=2018-01-01&to=2026-01-01&regions=${R%,}&services=$S"
CURLS=""
for i in 1 2 3; do
	curl -s -o "$TMP/diff$i.json" -w '%{http_code}' -m 60 "$DIFF" >"$TMP/diff$i.code" &
	CURLS="$CURLS $!"
done
worst=0
for i in 1 2 3 4 5; do
	probe
	[ "$CODE" = 200 ] || bad "max diff: /healthz during three diffs: status $CODE"
	[ "$MS" -gt "$worst" ] && worst=$MS
	sleep 0.1
done
wait $CURLS
[ "$worst" -lt 1000 ] && ok || bad "max diff: /healthz took $worst ms during three diffs"
codes=$(for i in 1 2 3; do printf '%s ' "$(cat "$TMP/diff$i.code")"; done)
case "$codes" in *200*) ok ;; *) bad "max diff: no diff answered 200 ($codes)" ;; esac
for i in 1 2 3; do
	if [ "$(cat "$TMP/diff$i.code")" = 200 ]; then
		jq -e '(.places | length) == 20 and (.services | length) == 32 and (.notices[0] | contains("1020 places asked, 20 answered"))' "$TMP/diff$i.json" >/dev/null && ok || bad "max diff $i: not the 20 x 32 merged answer"
		[ "$(stat -c %s "$TMP/diff$i.json")" -lt 4000000 ] && ok || bad "max diff $i: $(stat -c %s "$TMP/diff$i.json") bytes"
	else
		[ "$(cat "$TMP/diff$i.code")" = 503 ] && jq -e '.error.code == "server_busy"' "$TMP/diff$i.json" >/dev/null && ok || bad "max diff $i: status $(cat "$TMP/diff$i.code")"
	fi
done
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$PID/status")
echo "max diff: slowest /healthz ${worst} ms; server peak memory ${hwm} kB; statuses $codes"
[ -n "$hwm" ] && [ "$hwm" -lt 262144 ] && ok || bad "max diff: server peak memory ${hwm} kB is over 256 MiB"
stop_server "$PID"

run_usage() { "$KAIFANG" serve --rulebook "$MINI" "$@" >/dev/null 2>"$TMP/usage.err"; echo $?; }
[ "$(run_usage --max-connections 0)" = 2 ] && ok || bad "--max-connections 0 is a usage error"
[ "$(run_usage --max-per-ip -1)" = 2 ] && ok || bad "--max-per-ip -1 is a usage error"
[ "$(run_usage --header-timeout 0)" = 2 ] && ok || bad "--header-timeout 0 is a usage error"
"$KAIFANG" serve --help | grep -q -- '--header-timeout SECONDS' && ok || bad "serve --help lists --header-timeout"
finish
