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
id,service,region,date,investor,foreign_share,outside_zones,note,outcome,max_foreign_share,cap,binding,certainty,missing_facts,notices,error
1,ip-vpn,330100,2025-04-11,,49.999999999,,"pilot cap ""<50"", just below",permitted,50,<50,pilot-ipvpn-cap,uncertain,,,
2,ip-vpn,Hangzhou,2025-04-11,foreign,50,,"at a ""<"" cap: exceeds",exceeds_cap,50,<50,pilot-ipvpn-cap,uncertain,,,
3,ip-vpn,Hangzhou,2025-04-10,,,,"day before the pilot: closed",closed,0,,b1-closed,confirmed,,,
4,B13,CN,2024-01-01,hk-cepa,49.5,,"CEPA cap, exactly at it",permitted,49.5,<=49.5,cepa-ipvpn,confirmed,,,
5,B13,310000,2030-01-01,hk-cepa,49.5,,"CEPA expired 2030-01-01 (until is exclusive)",closed,0,,b1-closed,confirmed,,,
6,isp-end-user,Shanghai,2024-01-01,,,,"a zone inside
changes the answer",indeterminate,,,b1-closed,confirmed,zone-a,,
7,isp-end-user,Shanghai,2024-01-01,,,true,outside every zone,closed,0,,b1-closed,confirmed,,,
8,isp-end-user,zone-a,2024-01-01,,100,false,opening sets both aside,permitted,,,,confirmed,,,
9,e-commerce,CN,2024-01-01,,100,,excluded subtree,permitted,,,,confirmed,,,
10,internet-news,上海市,2024-01-01,,,,prohibited beats cap,prohibited,0,,news-prohibited,confirmed,,,
11,B21,CN,2024-01-01,mainland,100,,mainland not covered,permitted,,,,confirmed,,,
12,B21,CN,2024-01-01,,50,,at a <= cap,permitted,50,<=50,vats-cap,confirmed,,,
13,B21,CN,2024-01-01,,50.000000001,,just above,exceeds_cap,50,<=50,vats-cap,confirmed,,,
14,isp-end-user,Shanghai,2020-06-01,,,,opening not yet in force,closed,0,,b1-closed,confirmed,,,
CSV
printf '15,B13,CN,2024-01-01,,1,,crlf line,closed,0,,b1-closed,confirmed,,,\r\n' >>"$T/want.csv"
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
n=$(grep -c '^B21,CN,2024-02-30,10,c,,,,,,,,"\?date: ' "$T/bad.out")
code "bad date" 1 "$n"
n=$(grep -c '^B21,CN,2024-01-01,101,d,,,,,,,,"\?foreign_share: ' "$T/bad.out")
code "share above 100" 1 "$n"
n=$(grep -c '^B21,CN,2024-01-01,,e,permitted,50,<=50,vats-cap,confirmed,,,$' "$T/bad.out")
code "good row among bad ones" 1 "$n"
n=$(grep -c '^,CN,2024-01-01,,f,,,,,,,,service: missing service' "$T/bad.out")
code "empty service" 1 "$n"
# issue 8 item 3: a long or short row is an error naming its line and what is
# extra or missing; it is never decided (the short row's answer still lines up)
n=$(grep -c '^B21,CN,2024-01-01,,g,h,,,,,,,,"row: line 8 has 6 fields, the header 5: 1 extra"$' "$T/bad.out")
code "too many fields" 1 "$n"
n=$(grep -cxF "B21,CN,,,,,,,,,,,\"row: line 9 has 2 fields, the header 5: missing 'date', 'foreign_share', 'extra'\"" "$T/bad.out")
code "short row is an error, not padded and decided" 1 "$n"
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
n=$(grep -c '^B21,CN,2024-01-01,permitted,50,<=50,vats-cap,confirmed,,,$' "$T/q.out")
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

# ---- JSON Lines. kf_question_from_json (branch question) reads the records;
# until it is built these cases are pending, not deleted.
printf '{"service":"B21","region":"CN","date":"2024-01-01"}\n' >"$T/probe.jsonl"
if "$K" batch -R "$M" "$T/probe.jsonl" 2>/dev/null | grep -q 'not built yet'; then
	echo "PENDING: JSON Lines cases wait for kf_question_from_json" >&2
	JSONL_READY=0
else
	JSONL_READY=1
fi
if [ "$JSONL_READY" = 1 ]; then
# ---- JSON Lines: shares as string, integer or exact real; keys kept as written
cat >"$T/in.jsonl" <<'JL'
{"service":"ip-vpn","region":"330100","date":"2025-04-11","foreign_share":49.999999999}
{"service":"ip-vpn","region":"Hangzhou","date":"2025-04-11","foreign_share":50, "meta":{"foreign_share":1}}
{"service":"B13","region":"CN","date":"2024-01-01","investor":"hk-cepa","foreign_share":"49.5"}
{"service":"B13","region":"Shanghia","date":"2024-01-01"}
{"service":"isp-end-user","region":"Shanghai","date":"2024-01-01"}
{"service":"isp-end-user","region":"Shanghai","date":"2024-01-01","outside_zones":true}
{}
[1]
JL
cat >"$T/want.jsonl" <<'JL'
{"service":"ip-vpn","region":"330100","date":"2025-04-11","foreign_share":49.999999999,"outcome":"permitted","max_foreign_share":50,"cap":{"op":"<","value":50},"binding":["pilot-ipvpn-cap"],"certainty":"uncertain","missing_facts":[],"notices":[],"error":null}
{"service":"ip-vpn","region":"Hangzhou","date":"2025-04-11","foreign_share":50, "meta":{"foreign_share":1},"outcome":"exceeds_cap","max_foreign_share":50,"cap":{"op":"<","value":50},"binding":["pilot-ipvpn-cap"],"certainty":"uncertain","missing_facts":[],"notices":[],"error":null}
{"service":"B13","region":"CN","date":"2024-01-01","investor":"hk-cepa","foreign_share":"49.5","outcome":"permitted","max_foreign_share":49.5,"cap":{"op":"<=","value":49.5},"binding":["cepa-ipvpn"],"certainty":"confirmed","missing_facts":[],"notices":[],"error":null}
{"service":"isp-end-user","region":"Shanghai","date":"2024-01-01","outcome":"indeterminate","max_foreign_share":null,"cap":null,"binding":["b1-closed"],"certainty":"confirmed","missing_facts":["zone-a"],"notices":[],"error":null}
{"service":"isp-end-user","region":"Shanghai","date":"2024-01-01","outside_zones":true,"outcome":"closed","max_foreign_share":0,"cap":null,"binding":["b1-closed"],"certainty":"confirmed","missing_facts":[],"notices":[],"error":null}
JL
"$K" batch -R "$M" "$T/in.jsonl" >"$T/out.jsonl" 2>/dev/null
code "jsonl exit" 0 $?
grep -v -e Shanghia -e '^{"outcome"' -e '^{"line"' "$T/out.jsonl" >"$T/out.good.jsonl"
same "jsonl round trip" "$T/want.jsonl" "$T/out.good.jsonl"
# issue 8 item 17: max_foreign_share is the number decide --json gives
"$K" decide -R "$M" --service ip-vpn --region 330100 --date 2025-04-11 --foreign-share 49.999999999 --json >"$T/d.json"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); b=json.loads(open(sys.argv[2]).readline()); sys.exit(not (d["max_foreign_share"]==b["max_foreign_share"] and type(d["max_foreign_share"])==type(b["max_foreign_share"]) and d["cap"]==b["cap"] and d["outcome"]==b["outcome"]))' "$T/d.json" "$T/out.jsonl"; then ok; else no "jsonl max_foreign_share differs from decide --json"; fi
if grep -q "^{\"service\":\"B13\",\"region\":\"Shanghia\",\"date\":\"2024-01-01\",\"outcome\":null,.*\"error\":\"region: unknown place 'Shanghia'" "$T/out.jsonl"; then ok; else no "jsonl bad record: $(grep Shanghia "$T/out.jsonl")"; fi
if grep -q '^{"outcome":null,.*"error":"service: ' "$T/out.jsonl"; then ok; else no "jsonl empty object: $(sed -n 7p "$T/out.jsonl")"; fi
if grep -q '^{"line":8,"input":"\[1\]",.*"error":"json: ' "$T/out.jsonl"; then ok; else no "jsonl non-object: $(sed -n 8p "$T/out.jsonl")"; fi
"$K" batch -R "$M" --format jsonl - <"$T/in.jsonl" >"$T/out2.jsonl" 2>/dev/null
same "jsonl stdin" "$T/out.jsonl" "$T/out2.jsonl"
if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/out.jsonl"; then ok; else no "jsonl output is not valid JSON"; fi
"$K" batch -R "$M" --strict "$T/in.jsonl" >/dev/null 2>"$T/js.err"
code "jsonl strict exit" 2 $?
if grep -q "line 4: region: " "$T/js.err"; then ok; else no "jsonl strict: $(cat "$T/js.err")"; fi
# issue 8 item 2 through JSON Lines: out of scope comes back as an error
printf '{"id":1,"service":"idc","region":"Hong Kong","date":"2025-06-01","foreign_share":100}\n' >"$T/hk.jsonl"
if "$K" batch "$T/hk.jsonl" 2>/dev/null | grep -q '"outcome":null,.*"error":"region: .*outside the rulebook'"'"'s scope'; then ok; else no "jsonl out of scope: $("$K" batch "$T/hk.jsonl" 2>&1)"; fi
fi

# a stray quote in an unquoted field spoils that row only (found by the break test)
printf 'deal,service,region,date,foreign_share\nd"1,ip-vpn,330100,2025-04-11,49\nd2,ip-vpn,330100,2025-04-11,49\nd3,B21,330100,2024-01-01,51\n' >"$T/sq.csv"
"$K" batch -R "$M" "$T/sq.csv" >"$T/sq.out" 2>/dev/null
code "stray quote exit" 0 $?
if [ "$(wc -l <"$T/sq.out")" -eq 4 ]; then ok; else no "stray quote swallowed rows: $(cat "$T/sq.out")"; fi
if grep -q '^d"1,ip-vpn,330100,2025-04-11,49,,,,,,,,"csv: malformed quoting' "$T/sq.out"; then ok; else no "stray quote row: $(sed -n 2p "$T/sq.out")"; fi
if grep -q '^d2,ip-vpn,330100,2025-04-11,49,permitted,50,<50,pilot-ipvpn-cap,uncertain,,,$' "$T/sq.out"; then ok; else no "row after a stray quote: $(sed -n 3p "$T/sq.out")"; fi
if grep -q '^d3,B21,330100,2024-01-01,51,exceeds_cap,50,<=50,vats-cap,confirmed,,,$' "$T/sq.out"; then ok; else no "last row: $(sed -n 4p "$T/sq.out")"; fi
# a NUL byte in a field is refused, not cut short
printf 'service,region,date\nip-vpn\000,330100,2025-04-11\n' >"$T/nul.csv"
"$K" batch -R "$M" "$T/nul.csv" >"$T/nul.out" 2>/dev/null
if grep -q 'csv: a field holds a NUL byte' "$T/nul.out"; then ok; else no "NUL byte: $(cat -v "$T/nul.out")"; fi

# ---- issue 8 item 2: a place out of the rulebook's scope is an error, as in
# decide (the shipped rulebook: Hong Kong is outside the mainland's rules)
printf 'id,service,region,date,foreign_share\n1,idc,Hong Kong,2025-06-01,100\n2,idc,Beijing,2025-06-01,100\n' >"$T/hk.csv"
"$K" batch "$T/hk.csv" >"$T/hk.out" 2>/dev/null
code "out of scope exit" 0 $?
if grep -q "^1,idc,Hong Kong,2025-06-01,100,,,,,,,,\"\\?region: place .*(Hong Kong) is outside the rulebook's scope" "$T/hk.out"; then ok; else no "out of scope row: $(sed -n 2p "$T/hk.out")"; fi
if sed -n 3p "$T/hk.out" | grep -q '^2,idc,Beijing,2025-06-01,100,[a-z_]*,'; then ok; else no "in-scope row: $(sed -n 3p "$T/hk.out")"; fi
"$K" decide --service idc --region "Hong Kong" --date 2025-06-01 --foreign-share 100 >/dev/null 2>&1
code "decide refuses it too" 2 $?

# ---- item 3 with --strict: the first bad row is a short one; its line is named
printf 'service,region,date,note\nB21,CN,2024-01-01,"two\nlines"\nB21,CN,2024-01-01,ok\nB21,CN\nB21,Nowhere,2024-01-01,x\n' >"$T/short.csv"
"$K" batch -R "$M" --strict "$T/short.csv" >"$T/short.out" 2>"$T/short.err"
code "strict short row exit" 2 $?
if grep -q "line 5 has 2 fields, the header 4: missing 'date', 'note'" "$T/short.err"; then ok; else no "strict short row: $(cat "$T/short.err")"; fi
if [ "$(wc -l <"$T/short.out")" -eq 4 ]; then ok; else no "strict: rows before the bad one: $(cat "$T/short.out")"; fi

# ---- item 4: a UTF-8 byte order mark is not copied into the output
printf '\357\273\277ref,service,region,date\nr1,B21,CN,2024-01-01\n' >"$T/bom.csv"
"$K" batch -R "$M" "$T/bom.csv" >"$T/bom.out" 2>/dev/null
if head -c 3 "$T/bom.out" | od -An -tx1 | grep -q 'ef bb bf'; then no "BOM copied into the output"; else ok; fi
if head -1 "$T/bom.out" | grep -q '^ref,service,region,date,outcome,'; then ok; else no "BOM header: $(head -1 "$T/bom.out")"; fi
if sed -n 2p "$T/bom.out" | grep -q '^r1,B21,CN,2024-01-01,permitted,50,<=50,vats-cap,'; then ok; else no "BOM row: $(sed -n 2p "$T/bom.out")"; fi
printf '\357\273\277{"service":"B21","region":"CN","date":"2024-01-01"}\n' >"$T/bom.jsonl"
if "$K" batch -R "$M" "$T/bom.jsonl" 2>/dev/null | head -c 3 | od -An -tx1 | grep -q 'ef bb bf'; then no "BOM copied (jsonl)"; else ok; fi

# ---- item 5: a JSON Lines record with invalid UTF-8 (FF FE) gets an error
# naming its line; the output stays valid UTF-8 and JSON, the bytes in hex
printf '{"service":"B21","region":"CN","date":"2024-01-01"}\n{"service":"B21\377\376","region":"CN","date":"2024-01-01"}\n' >"$T/utf.jsonl"
"$K" batch -R "$M" "$T/utf.jsonl" >"$T/utf.out" 2>/dev/null
code "invalid UTF-8 exit" 0 $?
if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8", errors="strict")]' "$T/utf.out"; then ok; else no "invalid UTF-8: output is not UTF-8 JSON"; fi
if python3 -c '
import json,sys
r = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")][1]
src = open(sys.argv[2], "rb").read().split(b"\n")[1]
sys.exit(not (r["line"] == 2 and bytes.fromhex(r["input_hex"]) == src and r["outcome"] is None
              and r["error"].startswith("input: line 2: invalid UTF-8 at byte 16")))' "$T/utf.out" "$T/utf.jsonl"; then ok; else no "invalid UTF-8 record: $(sed -n 2p "$T/utf.out")"; fi
printf '\n{"service":"B21\377\376","region":"CN","date":"2024-01-01"}\n' >"$T/utf2.jsonl"
"$K" batch -R "$M" --strict "$T/utf2.jsonl" >/dev/null 2>"$T/utf.err"
code "invalid UTF-8 strict exit" 2 $?
if grep -q "line 2: invalid UTF-8" "$T/utf.err"; then ok; else no "invalid UTF-8 strict: $(cat "$T/utf.err")"; fi

# ---- item 6: -o onto the input (by its name, a hard link or a symlink) is
# refused before anything is written; output goes through a temporary file
cp "$T/in.csv" "$T/same.csv"
cp "$T/same.csv" "$T/same.keep"
"$K" batch -R "$M" "$T/same.csv" -o "$T/same.csv" >/dev/null 2>"$T/same.err"
code "-o onto the input exit" 2 $?
same "-o onto the input leaves it" "$T/same.keep" "$T/same.csv"
if grep -q "is the input file" "$T/same.err"; then ok; else no "-o same message: $(cat "$T/same.err")"; fi
ln "$T/same.csv" "$T/hard.csv"
"$K" batch -R "$M" "$T/same.csv" -o "$T/hard.csv" >/dev/null 2>&1
code "-o onto a hard link of the input" 2 $?
ln -s "$T/same.csv" "$T/sym.csv"
"$K" batch -R "$M" "$T/sym.csv" -o "$T/same.csv" >/dev/null 2>&1
code "-o onto the input through a symlink" 2 $?
"$K" batch -R "$M" - -o "$T/same.csv" <"$T/same.csv" >/dev/null 2>&1
code "-o onto the file on stdin" 2 $?
same "the input is untouched" "$T/same.keep" "$T/same.csv"
# an error leaves no partial output and keeps an older OUT as it was
echo "old output" >"$T/old.out"
"$K" batch -R "$M" --strict "$T/bad.csv" -o "$T/old.out" >/dev/null 2>&1
code "strict -o exit" 2 $?
if [ "$(cat "$T/old.out")" = "old output" ]; then ok; else no "an error replaced the older output"; fi
if ls -a "$T" | grep -q 'kaifang-'; then no "a temporary file was left: $(ls -a "$T")"; else ok; fi
# Ctrl-C (SIGINT) and SIGTERM mid-run remove the temporary file
python3 - "$T/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("id,service,region,date,foreign_share\n")
    for i in range(1500000):
        f.write(f"{i},B21,CN,2024-01-{1 + i % 28:02d},{i % 101}\n")
PY
# break test 2 item 2: SIGHUP and SIGPIPE too, each with its signal's status
# (run with their default action: a harness that ignores them would keep
# them ignored, as documented)
DFL=()
if env --default-signal=HUP,PIPE true 2>/dev/null; then DFL=(env --default-signal=HUP,PIPE); fi
for sig in INT TERM HUP PIPE; do
	"${DFL[@]}" "$K" batch -R "$M" --jobs 2 "$T/big.csv" -o "$T/big.out" 2>/dev/null &
	pid=$!
	for _ in $(seq 50); do ls -a "$T" | grep -q 'big.out.kaifang-' && break; sleep 0.02; done
	kill -s "$sig" "$pid"
	{ wait "$pid"; } 2>/dev/null
	st=$?
	want=$((128 + $(kill -l "$sig")))
	if [ "$st" -eq "$want" ] && [ ! -e "$T/big.out" ] && ! ls -a "$T" | grep -q 'kaifang-'; then ok; else
		no "SIG$sig: exit $st, left: $(ls -a "$T" | grep -e big.out -e kaifang- | tr '\n' ' ')"
	fi
done

# ---- break test 2 item 3: a column or member named like an answer column
# would stand twice in the output: a CSV header naming one is a usage error,
# a JSON Lines record with one is an error answer (not decided, not echoed)
for col in outcome Max_Foreign_Share cap binding certainty missing_facts notices error; do
	printf 'service,region,date,%s\nB21,CN,2024-01-01,x\n' "$col" >"$T/ans.csv"
	timeout 10 "$K" batch -R "$M" "$T/ans.csv" >"$T/ans.out" 2>"$T/ans.err"
	code "header column '$col' exit" 2 $?
	lc=$(printf '%s' "$col" | tr A-Z a-z)
	if grep -q "the header has a column '$lc', the name of an answer column.*rename it" "$T/ans.err"; then ok; else no "header '$col': $(cat "$T/ans.err")"; fi
done
printf '{"service":"B21","region":"CN","date":"2024-01-01","outcome":"permitted"}\n{"service":"B21","region":"CN","date":"2024-01-01","\\u0063ap":1}\n{"service":"B21","region":"CN","date":"2024-01-01","note":"cap error"}\n' >"$T/ans.jsonl"
timeout 10 "$K" batch -R "$M" "$T/ans.jsonl" >"$T/ans.out" 2>/dev/null
code "jsonl answer-named member exit" 0 $?
if python3 -c '
import json,sys
def nodup(p):
    assert len(p) == len(set(k for k, _ in p)), p
    return dict(p)
r = [json.loads(l, object_pairs_hook=nodup) for l in open(sys.argv[1])]
src = open(sys.argv[2]).read().split("\n")
ok = (len(r) == 3 and r[0]["line"] == 1 and r[0]["input"] == src[0] and r[0]["outcome"] is None
      and r[0]["error"].startswith("outcome: the record has a member '"'"'outcome'"'"'")
      and r[1]["error"].startswith("cap: ") and r[2]["outcome"] == "permitted" and r[2]["note"] == "cap error")
sys.exit(not ok)' "$T/ans.out" "$T/ans.jsonl"; then ok; else no "jsonl answer-named member: $(cat "$T/ans.out")"; fi
timeout 10 "$K" batch -R "$M" --strict "$T/ans.jsonl" >/dev/null 2>"$T/ans.err"
code "jsonl answer-named member --strict" 2 $?
if grep -q "line 1: outcome: the record has a member 'outcome'" "$T/ans.err"; then ok; else no "jsonl answer member strict: $(cat "$T/ans.err")"; fi

# ---- break test 2 item 4: a share jansson cannot hold (2^64) is read from its
# digits, as the API reads it: the record's own error naming foreign_share
printf '{"service":"B21","region":"CN","date":"2024-01-01","foreign_share":18446744073709551616}\n' >"$T/big.jsonl"
timeout 10 "$K" batch -R "$M" "$T/big.jsonl" >"$T/bigj.out" 2>/dev/null
if grep -q '^{"service":"B21","region":"CN","date":"2024-01-01","foreign_share":18446744073709551616,"outcome":null,.*"error":"foreign_share: ' "$T/bigj.out"; then ok; else no "jsonl 2^64 share: $(cat "$T/bigj.out")"; fi
if grep -q 'too big integer\|"line":' "$T/bigj.out"; then no "jsonl 2^64 share wrapped: $(cat "$T/bigj.out")"; else ok; fi
# a number followed by more number bytes is malformed JSON (wrapped, as
# jansson alone said before the exact reader checked the line), not echoed
printf '{"service":"B21","region":"CN","date":"2024-01-01","foreign_share":49.999.999999999}\n{"service":"B21","region":"CN","date":"2024-01-01","x":05}\n' >"$T/nn.jsonl"
timeout 10 "$K" batch -R "$M" "$T/nn.jsonl" >"$T/nn.out" 2>/dev/null
if python3 -c '
import json,sys
r = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(not (len(r) == 2 and all(x["line"] == i + 1 and x["error"].startswith("json: malformed JSON") for i, x in enumerate(r))))' "$T/nn.out"; then ok; else no "jsonl merged numbers: $(cat "$T/nn.out")"; fi
printf '{"service":"B21","region":"CN","date":"2024-01-01","a":1,"a":2}\n' >"$T/dup.jsonl"
timeout 10 "$K" batch -R "$M" "$T/dup.jsonl" >"$T/dup.out" 2>/dev/null
if python3 -c '
import json,sys
def nodup(p):
    assert len(p) == len(set(k for k, _ in p)), p
    return dict(p)
r = json.loads(open(sys.argv[1]).readline(), object_pairs_hook=nodup)
sys.exit(not (r["line"] == 1 and r["error"].startswith("a: the member '"'"'a'"'"' is given twice")))' "$T/dup.out"; then ok; else no "jsonl duplicate key: $(cat "$T/dup.out")"; fi

# ---- break test 2 item 1: -o onto what is not a plain file. Nothing here
# points into the real /dev: the devices are nodes made in $T (as root) and
# the /dev/stdout case is a link of our own to /proc/self/fd/1, so a
# regression replaces only files in $T.
"$K" batch -R "$M" "$T/in.csv" >"$T/want.o" 2>/dev/null
# a FIFO is written in place (its reader gets the output), never replaced
mkfifo "$T/fifo"
timeout 20 cat "$T/fifo" >"$T/fifo.got" &
rd=$!
timeout 20 "$K" batch -R "$M" "$T/in.csv" -o "$T/fifo" 2>"$T/fifo.err"
code "-o FIFO exit" 0 $?
wait "$rd"
same "-o FIFO: the reader gets the output" "$T/want.o" "$T/fifo.got"
if [ -p "$T/fifo" ]; then ok; else no "-o FIFO replaced the FIFO"; fi
# a FIFO whose reader goes away: SIGPIPE ends the run with its status
timeout 20 head -c 100 "$T/fifo" >/dev/null &
rd=$!
timeout 20 "${DFL[@]}" "$K" batch -R "$M" "$T/big.csv" -o "$T/fifo" 2>/dev/null
code "-o FIFO, reader gone (SIGPIPE)" 141 $?
wait "$rd"
if [ -p "$T/fifo" ]; then ok; else no "-o FIFO replaced after SIGPIPE"; fi
# a full device: the write error is reported, exit 2, the node stays
if [ "$(id -u)" = 0 ] && mknod "$T/full" c 1 7 2>/dev/null; then FULL=$T/full
elif [ ! -w /dev ]; then FULL=/dev/full; else FULL=; fi
if [ -n "$FULL" ]; then
	for f in in big; do
		timeout 20 "$K" batch -R "$M" "$T/$f.csv" -o "$FULL" 2>"$T/full.err"
		code "-o full device ($f) exit" 2 $?
		if [ "$(grep -c 'No space left on device' "$T/full.err")" = 1 ]; then ok; else no "-o full device ($f): $(cat "$T/full.err")"; fi
		if [ -c "$FULL" ]; then ok; else no "-o full device ($f) replaced the device"; fi
	done
else
	echo "SKIP: no full device that a failure could not replace" >&2
fi
# a link to our standard output (as /dev/stdout is): the output reaches the
# redirect, the link stays
ln -s /proc/self/fd/1 "$T/stdout-link"
timeout 20 "$K" batch -R "$M" "$T/in.csv" -o "$T/stdout-link" >"$T/so.got" 2>/dev/null
code "-o link to /proc/self/fd/1 exit" 0 $?
same "-o link to /proc/self/fd/1: the redirect gets it" "$T/want.o" "$T/so.got"
if [ -L "$T/stdout-link" ]; then ok; else no "-o link to /proc/self/fd/1 replaced the link"; fi
timeout 20 "$K" batch -R "$M" "$T/in.csv" -o "$T/stdout-link" 2>/dev/null | cat >"$T/so2.got"
same "-o link to /proc/self/fd/1 into a pipe" "$T/want.o" "$T/so2.got"
# a symlink: its target gets the output, the link stays; a dangling link
# creates its target; a 600-mode file keeps its mode, a new file gets 0666 & ~umask
echo old >"$T/target.csv"
chmod 600 "$T/target.csv"
ln -s target.csv "$T/link.csv"
timeout 20 "$K" batch -R "$M" "$T/in.csv" -o "$T/link.csv" 2>/dev/null
code "-o symlink exit" 0 $?
if [ -L "$T/link.csv" ]; then ok; else no "-o symlink replaced the link"; fi
same "-o symlink: the target gets the output" "$T/want.o" "$T/target.csv"
code "-o symlink: the target keeps mode 600" 600 "$(stat -c %a "$T/target.csv")"
mkdir "$T/sub"
ln -s sub/new.csv "$T/dangling.csv"
timeout 20 "$K" batch -R "$M" "$T/in.csv" -o "$T/dangling.csv" 2>/dev/null
code "-o dangling symlink exit" 0 $?
if [ -L "$T/dangling.csv" ]; then ok; else no "-o dangling symlink replaced the link"; fi
same "-o dangling symlink creates its target" "$T/want.o" "$T/sub/new.csv"
if ls -a "$T" "$T/sub" | grep -q 'kaifang-'; then no "a temporary file was left: $(ls -a "$T" "$T/sub")"; else ok; fi
cp "$T/in.csv" "$T/m600.csv"
chmod 600 "$T/m600.csv"
timeout 20 "$K" batch -R "$M" "$T/in.csv" -o "$T/m600.csv" 2>/dev/null
code "-o a 600 file keeps its mode" 600 "$(stat -c %a "$T/m600.csv")"
rm -f "$T/new.csv"
(umask 027 && timeout 20 "$K" batch -R "$M" "$T/in.csv" -o "$T/new.csv" 2>/dev/null)
code "-o a new file: 0666 & ~umask" 640 "$(stat -c %a "$T/new.csv")"
# the input through a link is still refused
ln -s in.csv "$T/in-link.csv"
timeout 20 "$K" batch -R "$M" "$T/in.csv" -o "$T/in-link.csv" >/dev/null 2>&1
code "-o a symlink to the input" 2 $?
if [ -L "$T/in-link.csv" ]; then ok; else no "-o a symlink to the input replaced it"; fi


"$K" batch -R "$M" --jobs 1 "$T/big.csv" -o "$T/big1.out" 2>/dev/null
"$K" batch -R "$M" --jobs 4 "$T/big.csv" -o "$T/big4.out" 2>/dev/null
code "--jobs 4 exit" 0 $?
same "--jobs 1 and --jobs 4 agree" "$T/big1.out" "$T/big4.out"
if [ "$(wc -l <"$T/big4.out")" -eq 1500001 ]; then ok; else no "--jobs 4 rows: $(wc -l <"$T/big4.out")"; fi
"$K" batch -R "$M" --jobs 0 "$T/in.csv" >/dev/null 2>&1
code "--jobs 0 is a usage error" 2 $?
# a record holding line breaks across the reader's block boundaries
python3 - "$T/ml.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("id,service,region,date,note\n")
    for i in range(40000):
        f.write(f'{i},B21,CN,2024-01-01,"a ""quoted""\nnote {i}, two lines"\n' if i % 3 == 0 else f"{i},B21,CN,2024-01-01,plain\n")
PY
"$K" batch -R "$M" --jobs 1 "$T/ml.csv" -o "$T/ml1.out" 2>/dev/null
"$K" batch -R "$M" --jobs 3 "$T/ml.csv" -o "$T/ml3.out" 2>/dev/null
same "multi-line records, --jobs 1 and 3" "$T/ml1.out" "$T/ml3.out"
if python3 -c '
import csv,sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
sys.exit(not (len(rows) == 40001 and all(r[5] == "permitted" and r[-1] == "" for r in rows[1:])))' "$T/ml3.out"; then ok; else no "multi-line records answered wrongly"; fi

# ---- item 13: a ';'- or tab-separated file is recognised and --delimiter reads it
printf 'id;service;region;date;foreign_share\n1;B21;CN;2024-01-01;49,5\n' >"$T/semi.csv"
"$K" batch -R "$M" "$T/semi.csv" >/dev/null 2>"$T/semi.err"
code "';' file without --delimiter exit" 2 $?
if grep -q "the header is one column 'id;service;region;date;foreign_share' holding ';'.*give ';' as the delimiter" "$T/semi.err"; then ok; else no "';' message: $(cat "$T/semi.err")"; fi
printf 'id;service;region;date;foreign_share\n1;B21;CN;2024-01-01;49.5\n2;B21;CN;2024-01-01;51\n' >"$T/semi2.csv"
"$K" batch -R "$M" --delimiter ';' "$T/semi2.csv" >"$T/semi2.out" 2>/dev/null
code "--delimiter ';' exit" 0 $?
printf 'id;service;region;date;foreign_share;outcome;max_foreign_share;cap;binding;certainty;missing_facts;notices;error\n1;B21;CN;2024-01-01;49.5;permitted;50;<=50;vats-cap;confirmed;;;\n2;B21;CN;2024-01-01;51;exceeds_cap;50;<=50;vats-cap;confirmed;;;\n' >"$T/semi2.want"
same "--delimiter ';'" "$T/semi2.want" "$T/semi2.out"
printf 'id\tservice\tregion\tdate\n1\tB21\tCN\t2024-01-01\n' >"$T/tab.csv"
"$K" batch -R "$M" "$T/tab.csv" >/dev/null 2>"$T/tab.err"
code "tab file without --delimiter" 2 $?
if grep -q "holding tabs.*looks tab-separated" "$T/tab.err"; then ok; else no "tab message: $(cat "$T/tab.err")"; fi
"$K" batch -R "$M" --delimiter tab "$T/tab.csv" >"$T/tab.out" 2>/dev/null
if sed -n 2p "$T/tab.out" | grep -qP '^1\tB21\tCN\t2024-01-01\tpermitted\t50\t<=50\tvats-cap\tconfirmed\t\t\t$'; then ok; else no "--delimiter tab: $(sed -n 2p "$T/tab.out" | cat -A)"; fi
"$K" batch -R "$M" --delimiter ';;' "$T/tab.csv" >/dev/null 2>&1
code "--delimiter of two characters" 2 $?
# the binding list (joined by ';') is quoted when ';' is the delimiter
printf 'service;region;date\nisp-end-user;Shanghai;2024-01-01\n' >"$T/semi3.csv"
"$K" batch -R "$M" -d ';' "$T/semi3.csv" >"$T/semi3.out" 2>/dev/null
if sed -n 2p "$T/semi3.out" | grep -q '^isp-end-user;Shanghai;2024-01-01;indeterminate;;;b1-closed;confirmed;zone-a;;$'; then ok; else no "';' answer: $(sed -n 2p "$T/semi3.out")"; fi

# ---- a CSV answer is decide's answer (outcome, max_foreign_share, cap, certainty)
tail -n +2 "$T/want.csv" | python3 -c '
import csv, json, subprocess, sys
k, m = sys.argv[1], sys.argv[2]
bad = 0
for r in csv.reader(sys.stdin):
    args = [k, "decide", "-R", m, "--json", "--service", r[1], "--region", r[2], "--date", r[3]]
    if r[4]: args += ["--investor", r[4]]
    if r[5]: args += ["--foreign-share", r[5]]
    if r[6] == "true": args += ["--outside-zones"]
    d = json.loads(subprocess.run(args, capture_output=True, text=True).stdout)
    ms = "" if d["max_foreign_share"] is None else str(d["max_foreign_share"])
    cap = "" if d["cap"] is None else d["cap"]["op"] + str(d["cap"]["value"])
    if [d["outcome"], ms, cap, d["certainty"]] != [r[8], r[9], r[10], r[12]]:
        print("differs:", r, d["outcome"], ms, cap, d["certainty"]); bad = 1
sys.exit(bad)' "$K" "$M" && ok || no "batch CSV and decide --json differ"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
