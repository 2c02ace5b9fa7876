#!/bin/bash
# One server, several rulebooks (issue 14; docs/api.md "Sectors"): every route
# that decides or lists takes ?sector=NAME, named by the rulebooks themselves
# (rulebook.yaml `sector`); no sector is the first rulebook (telecom); an
# unknown one is 400 naming the known ones. Real answers of cn-services
# through the API, the same as `kaifang decide --sector services`.
# Prints "N passed, M failed".
source "$(dirname "$0")/lib/server.bash"

# the default: every shipped rulebook, telecom first
start_server both --quiet
req GET /v1/sectors
expect_jq "GET /v1/sectors lists telecom (default) then services" '[.[].sector] == ["telecom","services"] and .[0].default == true and .[1].default == false and .[1].rulebook == "cn-services"'

# a services question: the Suzhou general hospital, wholly foreign-owned
Q='{"service":"8411","region":"Suzhou","date":"2025-06-01","foreign_share":100}'
post '/v1/decisions?sector=services' "$Q"
expect_code "services decision" 200
expect_jq "8411 in Suzhou at 100%: permitted, no cap, on the hospital work plan" '.outcome == "permitted" and .max_foreign_share == null and .question.region == "320500" and (.overridden | map(.by) | index("plan2024-wfoe-hospital") != null) and (.requirements | map(.token) | index("investor:medical-investment-experience") != null)'
"$KAIFANG" decide --sector services --service 8411 --region Suzhou --date 2025-06-01 --foreign-share 100 --json >"$TMP/cli.json"
cmp -s <(jq -S . "$TMP/cli.json") <(jq -S . "$TMP/body") && ok || bad "POST /v1/decisions?sector=services is decide --sector services --json"
# the day before the circular: joint venture only, Chinese share at least 30%
post '/v1/decisions?sector=services' '{"service":"841","region":"Suzhou","date":"2024-09-07","foreign_share":"100"}'
expect_jq "841 in Suzhou on 2024-09-07: exceeds the cap, max 70" '.outcome == "exceeds_cap" and .max_foreign_share == 70 and .binding == ["jv2000-chinese-floor"] and (.requirements | map(.token) | index("floor:30") != null)'
# the same question without a sector goes to telecom, which has no such service
post /v1/decisions "$Q"
expect_error "no sector: telecom, where 8411 is unknown" 422 unknown_service service
post '/v1/explanations?sector=services' "$Q"
expect_jq "explanation in services carries its text once per requirement" '.outcome == "permitted" and (.text | contains("required [investor]")) and (.text | contains("Requirements:") | not)'
# a question may name its sector; it must be the request's
post '/v1/decisions?sector=services' '{"sector":"services","service":"8411","region":"Suzhou","date":"2025-06-01","foreign_share":100}'
expect_jq "sector in the question, matching" '.outcome == "permitted" and .question.service == "8411"'
post /v1/decisions '{"sector":"services","service":"8411","region":"Suzhou"}'
expect_error "sector in the question, answered by telecom" 422 wrong_sector sector
jq -r .error.message "$TMP/body" | grep -qF "ask it with ?sector=services" && ok || bad "wrong_sector says how to ask"
post '/v1/decisions?sector=services' '{"sector":7,"service":"8411","region":"Suzhou"}'
expect_error "sector not a string" 422 invalid_type sector
post /v1/decisions '{"sector":null,"service":"idc","region":"Beijing","date":"2025-06-01"}'
expect_jq "sector null is not given" '.outcome != null and .question.service == "B11"'

post '/v1/decisions?sector=services' "[$Q,{\"service\":\"idc\",\"region\":\"Beijing\"}]"
expect_jq "an array in services: idc is not a services code" '.[0].outcome == "permitted" and .[1].error.code == "unknown_service"'
req POST '/v1/batch?sector=services' -H 'Content-Type: text/csv' --data-binary $'service,region,date,foreign_share\n8411,Suzhou,2025-06-01,100\n841,Suzhou,2024-09-07,100\n'
expect_code "batch in services" 200
[ "$(sed -n 2p "$TMP/body" | cut -d, -f1-2)" != "" ] && grep -q ',permitted,' "$TMP/body" && grep -q 'exceeds_cap,70' "$TMP/body" && ok || bad "batch CSV in services: permitted and exceeds_cap,70"
req GET '/v1/matrix?sector=services&regions=Suzhou,Chengdu&services=841&date=2025-06-01'
expect_jq "services matrix: Suzhou no cap, Chengdu 70" '.rows[0].cells[0].outcome == "permitted" and .rows[0].cells[0].max_foreign_share == null and .rows[1].cells[0].max_foreign_share == 70'
for r in services regions measures sources documents rulebook investors; do
	req GET "/v1/$r?sector=services"
	expect_code "GET /v1/$r?sector=services" 200
	cp "$TMP/body" "$TMP/s-$r"
	req GET "/v1/$r"
	# the investor classes are shared (rulebooks/common/); the rest differ
	if [ "$r" = investors ]; then
		cmp -s "$TMP/body" "$TMP/s-$r" && ok || bad "/v1/investors: the shared classes differ"
	else
		cmp -s "$TMP/body" "$TMP/s-$r" && bad "/v1/$r: services and telecom give the same list" || ok
	fi
	req GET "/v1/$r?sector=nope"
	expect_error "/v1/$r?sector=nope" 400 unknown_sector sector
	jq -r .error.message "$TMP/body" | grep -qF 'knows: telecom, services' && ok || bad "/v1/$r?sector=nope names the known sectors"
done
req GET '/v1/services?sector=services'
expect_jq "services list has 8411 and outbound-tours" '(map(.id) | index("8411") != null) and (map(.id) | index("outbound-tours") != null)'
"$KAIFANG" list services --sector services --json >"$TMP/cli-list.json"
cmp -s <(jq -S . "$TMP/cli-list.json") <(jq -S . "$TMP/body") && ok || bad "/v1/services?sector=services is list services --sector services --json"
req GET '/v1/measures/plan2024-wfoe-hospital?sector=services'
expect_jq "one services measure" '.id == "plan2024-wfoe-hospital"'
req GET '/v1/measures/plan2024-wfoe-hospital'
expect_code "a services measure is not in telecom" 404
req GET '/v1/rulebook?sector=services'
expect_jq "the services rulebook" '.id == "cn-services" and .sector == "services"'
req GET '/v1/rulebook'
expect_jq "the default rulebook is telecom" '.id == "cn-telecom" and .sector == "telecom"'
req GET '/v1/services?sector=telecom'
cmp -s "$TMP/body" "$TMP/s-services" && bad "?sector=telecom gives the services list" || ok
req POST /v1/sectors
expect_code "POST /v1/sectors" 405
stop_server "$PID"

# --sector picks shipped ones; --rulebook repeated; the first is the default
start_server svc --sector services --quiet
req GET /v1/sectors
expect_jq "--sector services alone" '[.[].sector] == ["services"]'
post /v1/decisions "$Q"
expect_jq "its default is services" '.outcome == "permitted"'
stop_server "$PID"
start_server two --rulebook rulebooks/cn-services --rulebook tests/data/rulebooks/mini --quiet
req GET /v1/sectors
expect_jq "--rulebook twice: services first, then mini by its id" '[.[].sector] == ["services","mini"] and .[0].default'
stop_server "$PID"

run_usage() { "$KAIFANG" serve "$@" >/dev/null 2>"$TMP/usage.err"; echo $?; }
[ "$(run_usage --sector nope)" = 2 ] && grep -qF 'known sectors: telecom, services' "$TMP/usage.err" && ok || bad "--sector nope: exit 2 naming the known sectors"
[ "$(run_usage --rulebook rulebooks/cn-telecom --rulebook rulebooks/cn-telecom)" = 2 ] && grep -qF "both for sector 'telecom'" "$TMP/usage.err" && ok || bad "two rulebooks for one sector: exit 2"
if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$TMP"/*.log; then
	bad "sanitizer report in a server log: $(cat "$TMP"/*.log | head -c 2000)"
fi
finish
