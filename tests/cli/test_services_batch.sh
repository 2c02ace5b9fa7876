#!/bin/bash
# A per-investor-group cap through batch (issue 14, docs/semantics.md [S-10]):
# the share is applied after the verdict cache, so a 40% airline question read
# after a 20% one at the same place and date must still be indeterminate (the
# cache once dropped the group cap: tests/doors found it), and missing_facts
# names investor_group_share as decide --json does. Prints "N passed, M failed".
source "$(dirname "$0")/lib.sh"
printf 'service,region,date,foreign_share\n5611,Chengdu,2025-06-01,20\n5611,Chengdu,2025-06-01,40\n5611,Chengdu,2025-06-01,25\n5611,Chengdu,2025-06-01,25.000000001\n5611,Chengdu,2025-06-01,50\n' >"$TMP/in.csv"
run "$KAIFANG" batch --sector services --format csv "$TMP/in.csv"
expect_rc "batch" 0
row() { sed -n "$(($1 + 1))p" "$TMP/out" | cut -d, -f5-10; }
[ "$(row 1)" = "permitted,50,<50,nl2024-airline-control,uncertain," ] && ok || bad "20%: within the group cap of 25: $(row 1)"
[ "$(row 2)" = "indeterminate,50,<50,nl2024-airline-control,uncertain,investor_group_share" ] && ok || bad "40% after 20%: indeterminate on the largest group: $(row 2)"
[ "$(row 3)" = "permitted,50,<50,nl2024-airline-control,uncertain," ] && ok || bad "25%: at the group cap: $(row 3)"
[ "$(row 4)" = "indeterminate,50,<50,nl2024-airline-control,uncertain,investor_group_share" ] && ok || bad "just above 25%: $(row 4)"
[ "$(row 5)" = "exceeds_cap,50,<50,nl2024-airline-control,uncertain," ] && ok || bad "50%: Chinese control fails: $(row 5)"
# the same questions one at a time agree
for s in 20 40; do
	"$KAIFANG" decide --sector services -s 5611 -r Chengdu -d 2025-06-01 -f "$s" --json >"$TMP/d.json"
	want=$(grep "^5611,Chengdu,2025-06-01,$s," "$TMP/out" | cut -d, -f5)
	[ "$(jq -r .outcome "$TMP/d.json")" = "$want" ] && ok || bad "decide at $s% agrees with batch ($want)"
done
jq -e '.missing_facts | map(.fact) | index("investor_group_share") != null' "$TMP/d.json" >/dev/null && ok || bad "decide at 40% names investor_group_share"
# JSON Lines names it too
printf '{"service":"5611","region":"Chengdu","date":"2025-06-01","foreign_share":"20"}\n{"service":"5611","region":"Chengdu","date":"2025-06-01","foreign_share":"40"}\n' >"$TMP/in.jsonl"
run "$KAIFANG" batch --sector services --format jsonl "$TMP/in.jsonl"
[ "$(sed -n 2p "$TMP/out" | jq -c '[.outcome, .missing_facts]')" = '["indeterminate",["investor_group_share"]]' ] && ok || bad "JSONL: 40% after 20%"
# a row may name its sector; another sector's row is refused, not answered
printf '{"sector":"services","service":"8411","region":"Suzhou","date":"2025-06-01"}\n{"sector":"telecom","service":"8411","region":"Suzhou","date":"2025-06-01"}\n' >"$TMP/sec.jsonl"
run "$KAIFANG" batch --sector services --format jsonl "$TMP/sec.jsonl"
[ "$(sed -n 1p "$TMP/out" | jq -r .outcome)" = permitted ] && ok || bad "JSONL row with its own sector"
sed -n 2p "$TMP/out" | jq -r .error | grep -qF "the question is for sector 'telecom' but is read with the rulebook of sector 'services'" && ok || bad "JSONL row of another sector: wrong_sector"
finish
