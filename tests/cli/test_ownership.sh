#!/bin/sh
# CLI tests of `kaifang ownership`: every bad-data message (exit code and text)
# and a few good runs. KAIFANG is the binary (default build/kaifang).
# Prints "N passed, M failed" and exits non-zero on any failure.
KAIFANG=${KAIFANG:-build/kaifang}
D=tests/data/ownership
pass=0
fail=0

# check NAME EXPECTED_EXIT TEXT -- ARGS...: runs, asserts exit code and that
# stdout+stderr contain TEXT.
check() {
	name=$1 want=$2 text=$3
	shift 4
	out=$("$KAIFANG" ownership "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ] && printf '%s' "$out" | grep -qF -- "$text"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name: exit $rc (want $want), output:" >&2
		printf '%s\n' "$out" | sed 's/^/  /' >&2
		echo "  expected text: $text" >&2
	fi
}

check over-100 2 "kaifang: $D/bad/over-100/holdings.csv: shares of 'A' sum to 110% (lines 2, 3); expected at most 100" -- $D/bad/over-100 --date any
check bods-over-100 2 "statement 'r1' interest 1: share exact '120' is over 100" -- $D/bad/bods-over-100.json
check negative 2 "kaifang: $D/bad/negative/holdings.csv:2:5: negative share '-5' in share; expected a percent from 0 to 100" -- $D/bad/negative
check non-numeric 2 "kaifang: $D/bad/non-numeric/holdings.csv:2:5: share 'abc' in share is not a number" -- $D/bad/non-numeric
check unknown-id 2 "kaifang: $D/bad/unknown-id/holdings.csv:2:1: unknown owner 'Z'; expected an id from entities.csv" -- $D/bad/unknown-id
check fraction-csv 2 "shares of 'A' sum to 1 (lines 2, 3): they look like fractions; expected percent" -- $D/bad/fraction
check fraction-gleif 0 "relationship record 1 (CHILD0000000000000001 IS_DIRECTLY_CONSOLIDATED_BY PARENT000000000000001): QuantifierAmount \"1.00\" in PERCENTAGE looks like a fraction (other records of this file write \"100.00\"); share treated as unknown" -- $D/bad/gleif-fraction.json --date any
check dates 2 "kaifang: $D/bad/dates/holdings.csv:2:21: dates out of order: valid_from 2024-05-01 is not before valid_to 2023-01-01" -- $D/bad/dates
check closed-cycle 2 "closed ownership cycle with no outside owner: 'A', 'B'" -- $D/closed-cycle --entity X
check unknown-entity 2 "kaifang: entity: unknown entity 'nobody'" -- $D/diamond --entity nobody
check missing-source 2 "cannot open ownership source" -- $D/does-not-exist
check usage 2 "usage: kaifang ownership SOURCE" -- --bogus
check help 0 "usage: kaifang ownership SOURCE" -- --help
check bad-date 2 "--date '2024-13-01'" -- $D/diamond --date 2024-13-01
check cycle-json 0 '"foreign_share":{"max":52.631578947,"min":52.631578947}' -- $D/cycle-2-2 --entity B --json
check bands-csv 0 "X,Applicant,25,50,0,25,25,,true," -- $D/bands-50 --entity X --csv
check diamond-text 0 "foreign share        50%" -- $D/diamond --entity X
# a company holding part of itself: owners follow the Leontief convention too
check self-half-owners 0 '"owners":[{"id":"P","origin":"foreign","share":100}]' -- $D/self-half --entity A --date any --json
check self-holdco-owners 0 '"owners":[{"id":"P","origin":"foreign","share":60},{"id":"D","origin":"domestic","share":40}]' -- $D/self-holdco --entity A --date any --json

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
