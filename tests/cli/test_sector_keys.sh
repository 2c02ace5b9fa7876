#!/bin/bash
# rulebook.yaml `sector` and `key_services` (docs/rulebook.md "Sector"; issue
# 14): a sector is data — the name --sector and ?sector= use, and the default
# columns of a matrix — checked like every other key. Prints "N passed, M failed".
source "$(dirname "$0")/lib.sh"
MINI=tests/data/rulebooks/mini
mk() { # mk NAME EXTRA-LINES: a copy of the mini rulebook with lines added to rulebook.yaml
	rm -rf "$TMP/$1"
	cp -r "$MINI" "$TMP/$1"
	printf '%s\n' "$2" >>"$TMP/$1/rulebook.yaml"
}
mk good '  sector: mini-two
  key_services: [ip-vpn]'
run "$KAIFANG" matrix -R "$TMP/good" --date 2025-05-01 --regions 330100 --json
expect_rc "key_services and sector load" 0
[ "$(jq -c '[.services[].id]' "$TMP/out")" = '["B13"]' ] && ok || bad "key_services are the matrix's default columns: $(jq -c '[.services[].id]' "$TMP/out")"
run "$KAIFANG" matrix -R "$MINI" --date 2025-05-01 --regions 330100 --json
[ "$(jq '.services | length' "$TMP/out")" -gt 1 ] && ok || bad "without key_services the defaults stay"
mk badkey '  key_services: [ip-vpn, no-such-service]'
run "$KAIFANG" check "$TMP/badkey"
expect_rc "unknown key service" 3
expect_err "unknown key service named with its line and column" "rulebook.yaml:6:26:"
expect_err "unknown key service message" "key service 'no-such-service' is not in the catalogue"
mk badsector '  sector: Not_A_Name'
run "$KAIFANG" check "$TMP/badsector"
expect_rc "bad sector name" 3
expect_err "bad sector name message" "sector 'Not_A_Name': expected a short name of lower-case letters, digits and hyphens"
# --sector names a shipped folder; an unknown one lists the known sectors
run "$KAIFANG" decide --sector nope -s 8411 -r Suzhou
expect_rc "--sector nope" 2
expect_err "--sector nope names the known ones" "known sectors: telecom, services"
run "$KAIFANG" list services --sector=services --json
expect_rc "--sector=services" 0
jq -e 'map(.id) | index("8411") != null' "$TMP/out" >/dev/null && ok || bad "--sector=services lists the services catalogue"
run "$KAIFANG" matrix --sector services --date 2025-06-01 --regions Suzhou --json
[ "$(jq -c '[.services[].id]' "$TMP/out")" = '["841","outbound-tours","9053","non-profit-elderly-care"]' ] && ok || bad "cn-services key services: $(jq -c '[.services[].id]' "$TMP/out")"
finish
