#!/bin/bash
# The text of an answer with requirements (issue 14, docs/semantics.md
# [S-10]): a requirement is a condition the answer depends on, so the text
# shows it once, in "Conditions:", marked "required" with its kind, and says
# when the answer holds only if the investor meets it; a condition that is
# not a requirement is listed once, unmarked. Prints "N passed, M failed".
source "$(dirname "$0")/lib.sh"
S="--sector services"

# the Suzhou general hospital, wholly foreign-owned (plan2024-wfoe-hospital)
run "$KAIFANG" explain $S --service 8411 --region Suzhou --date 2025-06-01 --foreign-share 100
expect_rc "explain 8411 Suzhou" 0
expect_out "permitted" "PERMITTED"
! grep -q '^Requirements:' "$TMP/out" && ok || bad "no separate Requirements section"
[ "$(grep -c '^Conditions:' "$TMP/out")" = 1 ] && ok || bad "one Conditions section"
[ "$(grep -cF 'with experience in medical investment and management' "$TMP/out")" = 1 ] && ok ||
	bad "the investor requirement is shown once"
[ "$(grep -cF 'fills local gaps' "$TMP/out")" = 1 ] && ok || bad "the second investor requirement is shown once"
[ "$(grep -cF 'tertiary level' "$TMP/out")" = 1 ] && ok || bad "the scope requirement is shown once"
[ "$(grep -c '^  - required \[investor\] .*(plan2024-wfoe-hospital); the answer holds only if it does$' "$TMP/out")" = 2 ] &&
	ok || bad "two investor requirements, each saying the answer holds only if it does"
[ "$(grep -c '^  - required \[scope\] .*(plan2024-wfoe-hospital)$' "$TMP/out")" = 1 ] && ok ||
	bad "the scope requirement, marked required, without the investor clause"
[ "$(grep -c '^  - \[procedure\] follows the Basic Medical' "$TMP/out")" = 1 ] && ok ||
	bad "the procedure condition once, not marked required"
# the same text through decide (kf_decision_text is one renderer)
"$KAIFANG" decide $S --service 8411 --region Suzhou --date 2025-06-01 --foreign-share 100 >"$TMP/d" 2>&1
[ "$(grep -cF 'tertiary level' "$TMP/d")" -le 1 ] && ok || bad "decide: a requirement at most once"

# the day before the hospital circular: joint venture, Chinese floor 30%
run "$KAIFANG" explain $S --service 841 --region Suzhou --date 2024-09-07 --foreign-share 100
expect_out "exceeds cap: max 70" "Maximum foreign share: at most 70%"
expect_out "form requirement" "  - required [form] permitted as a joint venture (a foreign share below 100%) (nl2021-medical-jv)"
expect_out "floor requirement" "  - required [floor] the Chinese side must hold a Chinese share of at least 30% (a foreign share of at most 70%) (jv2000-chinese-floor)"
[ "$(grep -cF 'both parties have medical investment' "$TMP/out")" = 1 ] && ok || bad "the JV investor requirement once"
expect_out "registered capital stays a plain condition" "  - [registered-capital] total investment at least RMB 20 million"

# telecom answers have no requirements: their conditions are unchanged
run "$KAIFANG" explain --service app-store --region Hangzhou --date 2025-06-01 --foreign-share 100
! grep -q 'required \[' "$TMP/out" && ok || bad "telecom: nothing marked required"
finish
