#!/bin/bash
# tests/cli/test_batch.sh — `kaifang batch` (docs/batch.md) against the mini
# rulebook (tests/data/rulebooks/mini). Expected answers are worked out by
# hand from docs/rulebook.md "Deciding"; each row names the clause it checks.
# KAIFANG = the binary (tests/run-all.sh sets it). Prints "N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
K=${KAIFANG:-build/kaifang}
M=tests/data/rulebooks/mini
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
no() {
	fail=$((fail + 1))
	echo "FAIL: $*" >&2
}
# same NAME EXPECTED-FILE ACTUAL-FILE
same() {
	if cmp -s "$2" "$3"; then ok; else
		no "$1"
		diff "$2" "$3" | head -20 >&2
	fi
}
# code NAME EXPECTED ACTUAL
code() { if [ "$2" = "$3" ]; then ok; else no "$1: exit $3, expected $2"; fi; }

# ---- CSV round trip: every input column kept byte for byte, answers appended
# (quoted note fields, an embedded line break, a doubled quote, CRLF kept).
cat >"$T/in.csv" <<'CSV'
id,service,region,date,investor,foreign_share,outside_zones,note
1,ip-vpn,330100,2025-04-11,,49.999999999,,"pilot cap ""<50"", just below"
2,ip-vpn,Hangzhou,2025-04-11,foreign,50,,"at a ""<"" cap: exceeds"
3,ip-vpn,Hangzhou,2025-04-10,,,,"day before the pilot: closed"
4,B13,CN,2024-01-01,hk-cepa,49.5,,"CEPA cap, exactly at it"
5,B13,310000,2030-01-01,hk-cepa,49.5,,"CEPA expired 2030-01-01 (until is exclusive)"
6,isp-end-user,Shanghai,2024-01-01,,,,"a zone inside
changes the answer"
7,isp-end-user,Shanghai,2024-01-01,,,true,outside every zone
8,isp-end-user,zone-a,2024-01-01,,100,false,opening sets both aside
9,e-commerce,CN,2024-01-01,,100,,excluded subtree
10,internet-news,上海市,2024-01-01,,,,prohibited beats cap
11,B21,CN,2024-01-01,mainland,100,,mainland not covered
12,B21,CN,2024-01-01,,50,,at a <= cap
13,B21,CN,2024-01-01,,50.000000001,,just above
14,isp-end-user,Shanghai,2020-06-01,,,,opening not yet in force
CSV
printf '15,B13,CN,2024-01-01,,1,,crlf line\r\n' >>"$T/in.csv"
cat >"$T/want.csv" <<'CSV'
id,service,region,date,investor,foreign_share,outside_zones,note,outcome,max_foreign_share,binding,certainty,missing_facts,error
1,ip-vpn,330100,2025-04-11,,49.999999999,,"pilot cap ""<50"", just below",permitted,<50,pilot-ipvpn-cap,uncertain,,
2,ip-vpn,Hangzhou,2025-04-11,foreign,50,,"at a ""<"" cap: exceeds",exceeds_cap,<50,pilot-ipvpn-cap,uncertain,,
3,ip-vpn,Hangzhou,2025-04-10,,,,"day before the pilot: closed",closed,0,b1-closed,confirmed,,
4,B13,CN,2024-01-01,hk-cepa,49.5,,"CEPA cap, exactly at it",permitted,49.5,cepa-ipvpn,confirmed,,
5,B13,310000,2030-01-01,hk-cepa,49.5,,"CEPA expired 2030-01-01 (until is exclusive)",closed,0,b1-closed,confirmed,,
6,isp-end-user,Shanghai,2024-01-01,,,,"a zone inside
changes the answer",indeterminate,,b1-closed,confirmed,zone-a,
7,isp-end-user,Shanghai,2024-01-01,,,true,outside every zone,closed,0,b1-closed,confirmed,,
8,isp-end-user,zone-a,2024-01-01,,100,false,opening sets both aside,permitted,,,confirmed,,
9,e-commerce,CN,2024-01-01,,100,,excluded subtree,permitted,,,confirmed,,
10,internet-news,上海市,2024-01-01,,,,prohibited beats cap,prohibited,0,news-prohibited,confirmed,,
11,B21,CN,2024-01-01,mainland,100,,mainland not covered,permitted,,,confirmed,,
12,B21,CN,2024-01-01,,50,,at a <= cap,permitted,50,vats-cap,confirmed,,
13,B21,CN,2024-01-01,,50.000000001,,just above,exceeds_cap,50,vats-cap,confirmed,,
14,isp-end-user,Shanghai,2020-06-01,,,,opening not yet in force,closed,0,b1-closed,confirmed,,
CSV
printf '15,B13,CN,2024-01-01,,1,,crlf line,closed,0,b1-closed,confirmed,,\r\n' >>"$T/want.csv"
"$K" batch --rulebook "$M" "$T/in.csv" >"$T/out.csv" 2>"$T/err"
code "csv round trip exit" 0 $?
same "csv round trip" "$T/want.csv" "$T/out.csv"
if [ -s "$T/err" ]; then no "csv round trip: stderr not silent: $(cat "$T/err")"; else ok; fi

# -o OUT and the same answers
"$K" batch -R "$M" "$T/in.csv" -o "$T/out2.csv"
code "csv -o exit" 0 $?
same "csv -o" "$T/want.csv" "$T/out2.csv"

# stdin to stdout ('-'), format sniffed from the first byte
"$K" batch -R "$M" - <"$T/in.csv" >"$T/out3.csv"
code "stdin exit" 0 $?
same "stdin csv" "$T/want.csv" "$T/out3.csv"

# ---- bad rows: error column, the run goes on
cat >"$T/bad.csv" <<'CSV'
service,region,date,foreign_share,extra
B21,Shanghia,2024-01-01,10,a
B99x,CN,2024-01-01,10,b
B21,CN,2024-02-30,10,c
B21,CN,2024-01-01,101,d
B21,CN,2024-01-01,,e
,CN,2024-01-01,,f
B21,CN,2024-01-01,,g,h
B21,CN
CSV
"$K" batch -R "$M" "$T/bad.csv" >"$T/bad.out" 2>"$T/bad.err"
code "bad rows exit" 0 $?
n=$(grep -c 'region: unknown place '"'"'Shanghia'"'"'; nearest known: 310000 (Shanghai)' "$T/bad.out")
code "unknown place names the nearest" 1 "$n"
n=$(grep -c "^B99x,.*\"service: unknown service 'B99x'; nearest known: " "$T/bad.out")
code "unknown service" 1 "$n"
n=$(grep -c '^B21,CN,2024-02-30,10,c,,,,,,"\?date: ' "$T/bad.out")
code "bad date" 1 "$n"
n=$(grep -c '^B21,CN,2024-01-01,101,d,,,,,,"\?foreign_share: ' "$T/bad.out")
code "share above 100" 1 "$n"
n=$(grep -c '^B21,CN,2024-01-01,,e,permitted,50,vats-cap,confirmed,,$' "$T/bad.out")
code "good row among bad ones" 1 "$n"
n=$(grep -c '^,CN,2024-01-01,,f,,,,,,service: missing service' "$T/bad.out")
code "empty service" 1 "$n"
n=$(grep -c '^B21,CN,2024-01-01,,g,h,,,,,,"row: 6 fields, but the header has 5"$' "$T/bad.out")
code "too many fields" 1 "$n"
n=$(grep -c '^B21,CN,,,,,,,,,date: missing date' "$T/bad.out")
code "short row padded" 1 "$n"
if grep -q '7 of 8 rows have an error' "$T/bad.err"; then ok; else no "bad rows summary: $(cat "$T/bad.err")"; fi

# --strict: stop at the first bad row, exit 2, name its line
"$K" batch -R "$M" --strict "$T/bad.csv" >"$T/strict.out" 2>"$T/strict.err"
code "strict exit" 2 $?
if grep -q "line 2: region: unknown place 'Shanghia'" "$T/strict.err"; then ok; else
	no "strict message: $(cat "$T/strict.err")"
fi
# the embedded line break counts: the bad row of in2 starts on line 4
printf 'service,region,date,note\nB21,CN,2024-01-01,"two\nlines"\nB21,Nowhere,2024-01-01,x\n' >"$T/in2.csv"
"$K" batch -R "$M" --strict "$T/in2.csv" >/dev/null 2>"$T/strict2.err"
code "strict exit (multi-line record)" 2 $?
if grep -q "line 4: region: " "$T/strict2.err"; then ok; else no "strict line: $(cat "$T/strict2.err")"; fi

# malformed quoting is a row error, not a crash
printf 'service,region,date\nB21,"CN"x,2024-01-01\nB21,CN,2024-01-01\n' >"$T/q.csv"
"$K" batch -R "$M" "$T/q.csv" >"$T/q.out" 2>/dev/null
code "malformed quoting exit" 0 $?
n=$(grep -c 'csv: malformed quoting' "$T/q.out")
code "malformed quoting row" 1 "$n"
n=$(grep -c '^B21,CN,2024-01-01,permitted,50,vats-cap,confirmed,,$' "$T/q.out")
code "row after malformed quoting" 1 "$n"

# ---- missing required column: usage error naming it
printf 'service,place,date\nB21,CN,2024-01-01\n' >"$T/nocol.csv"
"$K" batch -R "$M" "$T/nocol.csv" >"$T/nocol.out" 2>"$T/nocol.err"
code "missing column exit" 2 $?
if grep -q "no 'region' column" "$T/nocol.err"; then ok; else no "missing column message: $(cat "$T/nocol.err")"; fi
"$K" batch -R "$M" --format xml "$T/nocol.csv" >/dev/null 2>&1
code "bad --format" 2 $?
"$K" batch -R "$M" "$T/does-not-exist.csv" >/dev/null 2>&1
code "missing input" 2 $?
"$K" batch --help >/dev/null
code "--help" 0 $?

# ---- JSON Lines: shares as string, integer or exact real; keys kept as written
cat >"$T/in.jsonl" <<'JL'
{"service":"ip-vpn","region":330100,"date":"2025-04-11","foreign_share":49.999999999}
{"service":"ip-vpn","region":"Hangzhou","date":"2025-04-11","foreign_share":50, "meta":{"foreign_share":1}}
{"service":"B13","region":"CN","date":"2024-01-01","investor":"hk-cepa","foreign_share":"49.5"}
{"service":"B13","region":"CN","date":"2024-01-01","investor":"hk-cepa","foreign_share":49.5000000001}
{"service":"isp-end-user","region":"Shanghai","date":"2024-01-01"}
{"service":"isp-end-user","region":"Shanghai","date":"2024-01-01","outside_zones":true}
{"service":"B21","region":"CN","date":"2024-01-01","foreign_share":5e1}
[1]
JL
cat >"$T/want.jsonl" <<'JL'
{"service":"ip-vpn","region":330100,"date":"2025-04-11","foreign_share":49.999999999,"outcome":"permitted","max_foreign_share":"<50","binding":["pilot-ipvpn-cap"],"certainty":"uncertain","missing_facts":[],"error":null}
{"service":"ip-vpn","region":"Hangzhou","date":"2025-04-11","foreign_share":50, "meta":{"foreign_share":1},"outcome":"exceeds_cap","max_foreign_share":"<50","binding":["pilot-ipvpn-cap"],"certainty":"uncertain","missing_facts":[],"error":null}
{"service":"B13","region":"CN","date":"2024-01-01","investor":"hk-cepa","foreign_share":"49.5","outcome":"permitted","max_foreign_share":"49.5","binding":["cepa-ipvpn"],"certainty":"confirmed","missing_facts":[],"error":null}
{"service":"B13","region":"CN","date":"2024-01-01","investor":"hk-cepa","foreign_share":49.5000000001,"outcome":null,"max_foreign_share":null,"binding":[],"certainty":null,"missing_facts":[],"error":"foreign_share: share '49.5000000001' has more than 9 decimal places; it would be rounded, so give at most 9"}
{"service":"isp-end-user","region":"Shanghai","date":"2024-01-01","outcome":"indeterminate","max_foreign_share":null,"binding":["b1-closed"],"certainty":"confirmed","missing_facts":["zone-a"],"error":null}
{"service":"isp-end-user","region":"Shanghai","date":"2024-01-01","outside_zones":true,"outcome":"closed","max_foreign_share":"0","binding":["b1-closed"],"certainty":"confirmed","missing_facts":[],"error":null}
{"service":"B21","region":"CN","date":"2024-01-01","foreign_share":5e1,"outcome":null,"max_foreign_share":null,"binding":[],"certainty":null,"missing_facts":[],"error":"foreign_share: share '5e1' is not a decimal number; expected a percent such as 50 or 49.5"}
{"input":"[1]","outcome":null,"max_foreign_share":null,"binding":[],"certainty":null,"missing_facts":[],"error":"json: expected a JSON object"}
JL
"$K" batch -R "$M" "$T/in.jsonl" >"$T/out.jsonl" 2>/dev/null
code "jsonl exit" 0 $?
same "jsonl round trip" "$T/want.jsonl" "$T/out.jsonl"
"$K" batch -R "$M" --format jsonl - <"$T/in.jsonl" >"$T/out2.jsonl" 2>/dev/null
same "jsonl stdin" "$T/want.jsonl" "$T/out2.jsonl"
if command -v python3 >/dev/null; then
	if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/out.jsonl"; then ok; else no "jsonl output is not valid JSON"; fi
fi
"$K" batch -R "$M" --strict "$T/in.jsonl" >/dev/null 2>"$T/js.err"
code "jsonl strict exit" 2 $?
if grep -q "line 4: foreign_share: " "$T/js.err"; then ok; else no "jsonl strict: $(cat "$T/js.err")"; fi

# a stray quote in an unquoted field spoils that row only (found by the break test)
printf 'deal,service,region,date,foreign_share\nd"1,ip-vpn,330100,2025-04-11,49\nd2,ip-vpn,330100,2025-04-11,49\nd3,B21,330100,2024-01-01,51\n' >"$T/sq.csv"
"$K" batch -R "$M" "$T/sq.csv" >"$T/sq.out" 2>/dev/null
code "stray quote exit" 0 $?
if [ "$(wc -l <"$T/sq.out")" -eq 4 ]; then ok; else no "stray quote swallowed rows: $(cat "$T/sq.out")"; fi
if grep -q '^d"1,ip-vpn,330100,2025-04-11,49,,,,,,"csv: malformed quoting' "$T/sq.out"; then ok; else no "stray quote row: $(sed -n 2p "$T/sq.out")"; fi
if grep -q '^d2,ip-vpn,330100,2025-04-11,49,permitted,<50,pilot-ipvpn-cap,uncertain,,$' "$T/sq.out"; then ok; else no "row after a stray quote: $(sed -n 3p "$T/sq.out")"; fi
if grep -q '^d3,B21,330100,2024-01-01,51,exceeds_cap,50,vats-cap,confirmed,,$' "$T/sq.out"; then ok; else no "last row: $(sed -n 4p "$T/sq.out")"; fi
# a NUL byte in a field is refused, not cut short
printf 'service,region,date\nip-vpn\000,330100,2025-04-11\n' >"$T/nul.csv"
"$K" batch -R "$M" "$T/nul.csv" >"$T/nul.out" 2>/dev/null
if grep -q 'csv: a field holds a NUL byte' "$T/nul.out"; then ok; else no "NUL byte: $(cat -v "$T/nul.out")"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
