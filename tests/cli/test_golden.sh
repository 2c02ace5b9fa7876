#!/bin/bash
# The golden runner is strict (review §4.8, issue 8): an unknown key in a case,
# its question or its expectations, and an empty expectation, are errors naming
# file:line:col (exit 3, the case file is malformed); a wrong expectation of
# any kind fails (exit 1), the set-aside measures read through the decision's
# accessors (kf_decision_overridden), not by searching its JSON.
# Prints "N passed, M failed".
cd "$(dirname "$0")/../.." || exit 2
source tests/cli/lib.sh
K=$KAIFANG
MINI=tests/data/rulebooks/mini
CASES=golden/cases.yaml

# fresh copy of the mini rulebook, then one edit by sed expression
edit() {
	rm -rf "$TMP/mini"
	cp -r "$MINI" "$TMP/mini"
	sed -i "$1" "$TMP/mini/$CASES"
}

run $K check "$MINI"
expect_rc "mini passes as shipped" 0

edit '0,/outcome:/s//outcom:/'
run $K check "$TMP/mini"
expect_rc "a misspelt expectation key is an error" 3
expect_err "the key named at file:line:col" "$CASES:"
expect_err "the misspelt key named" "unknown key 'outcom' in expect; expected one of outcome"

edit '0,/region:/s//regoin:/'
run $K check "$TMP/mini"
expect_rc "a misspelt question key is an error" 3
expect_err "question key named" "unknown key 'regoin' in question"

edit '0,/measure:/s//meausre:/'
run $K check "$TMP/mini"
expect_rc "a misspelt case key is an error" 3
expect_err "case key named" "unknown key 'meausre' in a case"

edit 's/expect: {outcome: permitted, max_foreign_share: null, binding: \[\], overridden: \[vats-cap, b1-closed\]}/expect: {}/'
run $K check "$TMP/mini"
expect_rc "an empty expectation is an error" 3
expect_err "empty expectation named" "'expect' is empty"

edit 's/overridden: \[vats-cap, b1-closed\]/overridden: [vats-cap]/'
run $K check "$TMP/mini"
expect_rc "a missing set-aside measure fails the case" 1
expect_err "set-aside measures and who set them aside" "overridden: got ["
expect_err "who set it aside" "(by "

edit 's/overridden: \[vats-cap, b1-closed\]/overridden: [vats-cap, b1-closed, pilot-ipvpn-cap]/'
run $K check "$TMP/mini"
expect_rc "an extra set-aside measure fails the case" 1

edit '0,/outcome: permitted/s//outcome: closed/'
run $K check "$TMP/mini"
expect_rc "a wrong outcome fails the case" 1
expect_err "wrong outcome" "outcome: expected closed, got permitted"

finish
