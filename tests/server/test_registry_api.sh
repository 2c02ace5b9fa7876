#!/bin/bash
# The pilot registry over HTTP (/v1/registry/..., docs/api.md "Registry"): a
# SQLite registry created and seeded by the CLI, then served. Open reads
# (statistics as of 2025-02-28 reproduce the 13 approvals, 4 in Shanghai; the
# list; a proof that verifies with the library's own verifier through the
# CLI's numbers), writes refused without a token (401) or below the role
# (403), an application filed by an applicant and decided at intake, moved
# by a reviewer with its clock, bad bodies as 400/422, and the log still
# verifying after it all. Prints "N passed, M failed".
source "$(dirname "$0")/lib/server.bash"
export KF_TOKEN_TEST_COST=1
DB="$TMP/reg.sqlite"

"$KAIFANG" registry init --db "$DB" >"$TMP/admin" 2>"$TMP/init.err" || {
	echo "registry init failed: $(cat "$TMP/init.err")" >&2
	exit 1
}
ADMIN=$(grep -o 'kft_[0-9a-f]\{16\}_[A-Za-z0-9_-]\{43\}' "$TMP/admin" | head -1)
"$KAIFANG" registry seed --db "$DB" --token "$ADMIN" >/dev/null 2>"$TMP/seed.err" || {
	echo "registry seed failed: $(cat "$TMP/seed.err")" >&2
	exit 1
}

# a registry that is not there stops the server at start, with the library's message
"$KAIFANG" serve --listen 127.0.0.1:0 --registry "$TMP/none.sqlite" --quiet 2>"$TMP/none.err" </dev/null
RC=$?
[ "$RC" -eq 70 ] && ok || bad "serve with a missing registry: exit $RC, expected 70"
grep -q "registry: sqlite: opening '.*none.sqlite'" "$TMP/none.err" && ok || bad "the message names the store: $(cat "$TMP/none.err")"
grep -q "out of memory" "$TMP/none.err" && bad "no out-of-memory message for a missing store" || ok
[ ! -e "$TMP/none.sqlite" ] && ok || bad "serve does not create a registry"

# a server without a registry answers 404 under /v1/registry
start_server plain --quiet
req GET /v1/registry/stats
expect_error "no registry configured" 404 not_found
stop_server "$PID"

start_server reg --registry "$DB" --web web --quiet

# ---- open reads ----------------------------------------------------------------
req GET "/v1/registry/stats?as_of=2025-02-28"
expect_code "stats" 200
expect_jq "13 approvals by 2025-02-28" '.approvals.counted == 13'
expect_jq "4 of them in Shanghai" '[.approvals.groups[] | select(.key == "310000") | .count] == [4]'
expect_jq "published figures beside the counts, with sources" '[.figures[] | select(.value == 13)] | length >= 1 and all(.[]; (.source | length) > 0 and (.reliability | length) > 0)'
req GET "/v1/registry/stats?as_of=2025-02-28&by=month"
expect_code "stats by month" 200
req GET "/v1/registry/stats?as_of=2025-02-30"
expect_code "stats: a bad date is a 400" 400
req GET "/v1/registry/stats?by=colour"
expect_code "stats: a bad grouping is a 400" 400
req GET "/v1/registry/stats?as_of=2025-02-28&format=text"
expect_code "stats as text" 200
expect_header "text type" "Content-Type: text/plain"
req GET /v1/registry/applications
expect_code "list" 200
expect_jq "list: the seeded applications" 'type == "array" and length >= 13'
req GET "/v1/registry/applications?state=approved"
expect_jq "list by state" 'length >= 13 and all(.[]; .state == "approved")'
req GET "/v1/registry/applications?state=flying"
expect_code "list: an unknown state is a 400" 400
req GET /v1/registry/applications/A-000001
expect_code "show" 200
expect_jq "show: the first seeded application" '.state == "approved" and (.source | test("people.cn"))'
req GET /v1/registry/applications/A-999999
expect_error "show: unknown application" 404 unknown_application
req GET /v1/registry/verify
expect_code "verify" 200
expect_jq "verify: ok" '.ok == true and .size > 0'
SIZE=$(jq -r .size "$TMP/body")
req GET /v1/registry/proofs/1
expect_code "proof" 200
expect_jq "proof of event 1 in the current tree" ".index == 0 and .size == $SIZE and (.proof | length) > 0 and (.root | length) == 64"
req GET /v1/registry/proofs/100000
expect_error "proof: unknown event" 404 unknown_event
req GET "/v1/registry/export?format=csv"
expect_code "export csv" 200
expect_header "csv type" "Content-Type: text/csv"
head -1 "$TMP/body" | grep -q ',' && ok || bad "export csv: a header row"
req GET "/v1/registry/export?format=jsonl"
[ "$(wc -l <"$TMP/body")" -eq "$SIZE" ] && ok || bad "export jsonl: one line per event ($SIZE)"
req GET "/v1/registry/export?format=xml"
expect_code "export: an unknown format is a 400" 400

# ---- writes need a token and the role ---------------------------------------------
APP='{"enterprise":"Example Cloud (Pudong) Co., Ltd.","uscc":"91350100M0001TGQX1","region":"310115","services":["idc"],"foreign_share":100,"date":"2025-03-03"}'
post /v1/registry/applications "$APP"
expect_error "apply without a token" 401 unauthenticated
post /v1/registry/applications "$APP" -H "Authorization: Bearer kft_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
expect_error "apply with a token not of this registry" 401 bad_token
post /v1/registry/applications "$APP" -H "Authorization: Basic abc"
expect_error "apply with another scheme" 401 bad_token
post /v1/registry/checkpoints '' 
expect_error "checkpoint without a token" 401 unauthenticated
post /v1/registry/tokens '{"role":"applicant"}' -H "Authorization: Bearer $ADMIN"
expect_code "token create" 201
expect_jq "token shape" '(.token | test("^kft_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$")) and .role == "applicant"'
APPLICANT=$(jq -r .token "$TMP/body")
post /v1/registry/tokens '{"role":"reviewer"}' -H "Authorization: Bearer $ADMIN"
REVIEWER=$(jq -r .token "$TMP/body")
post /v1/registry/tokens '{"role":"admin"}' -H "Authorization: Bearer $APPLICANT"
expect_error "an applicant cannot create tokens" 403 forbidden
post /v1/registry/tokens '{"role":"god"}' -H "Authorization: Bearer $ADMIN"
expect_error "an unknown role" 422 bad_role role
post /v1/registry/checkpoints '' -H "Authorization: Bearer $APPLICANT"
expect_error "an applicant cannot sign checkpoints" 403 forbidden

# ---- apply, decided at intake ------------------------------------------------------
post /v1/registry/applications "$APP" -H "Authorization: Bearer $APPLICANT"
expect_code "apply" 201
expect_jq "apply: submitted and decided at intake" '.state == "submitted" and .intake_outcome == "permitted" and (.rulebook_sha256 | length) == 64 and .enterprise.uscc_check == "pass"'
ID=$(jq -r .id "$TMP/body")
post /v1/registry/applications '{"enterprise":"X","uscc":"91350100M0001TGQXM","region":"310115","services":"idc","foreign_share":"49.9999999999","date":"2025-03-03"}' -H "Authorization: Bearer $APPLICANT"
expect_error "a failing check character needs an override" 422 uscc_check_failed uscc
jq -r .error.message "$TMP/body" | grep -q "expected '1'" && ok || bad "the message names the computed check character"
post /v1/registry/applications '{"enterprise":"X","bogus":1}' -H "Authorization: Bearer $APPLICANT"
expect_error "an unknown member" 422 unknown_field bogus
post /v1/registry/applications '{"enterprise":"X","enterprise":"Y"}' -H "Authorization: Bearer $APPLICANT"
expect_error "a member twice" 400 duplicate_field
post /v1/registry/applications '{"enterprise":' -H "Authorization: Bearer $APPLICANT"
expect_error "not JSON" 400 bad_json
post /v1/registry/applications '{"enterprise":["a"]}' -H "Authorization: Bearer $APPLICANT"
expect_error "a member of the wrong type" 422 invalid_type enterprise

# ---- the reviewer moves it; the clock starts at acceptance ----------------------------
post "/v1/registry/applications/$ID/events" '{"to":"accepted","date":"2025-03-05"}' -H "Authorization: Bearer $APPLICANT"
expect_error "an applicant cannot accept" 403 forbidden
post "/v1/registry/applications/$ID/events" '{"to":"accepted","date":"2025-03-05"}' -H "Authorization: Bearer $REVIEWER"
expect_code "accept" 200
expect_jq "accepted, with a deadline from the cited basis" '.state == "accepted" and .accepted == "2025-03-05" and (.deadline.readings | length) >= 1'
post "/v1/registry/applications/$ID/events" '{"to":"licence-issued","date":"2025-03-06"}' -H "Authorization: Bearer $REVIEWER"
expect_error "an illegal move" 409 illegal_transition
post "/v1/registry/applications/$ID/events" '{"to":"under-review","date":"2025-03-01"}' -H "Authorization: Bearer $REVIEWER"
expect_error "a date before the last event" 409 dates_out_of_order
post "/v1/registry/applications/A-999999/events" '{"to":"accepted"}' -H "Authorization: Bearer $REVIEWER"
expect_error "advance: unknown application" 404 unknown_application
# ---- a licence, service by service (as the CLI's --service-area / --service-dates) ----
post "/v1/registry/applications/$ID/events" '{"to":"approved","date":"2025-03-10"}' -H "Authorization: Bearer $REVIEWER"
expect_code "approve" 200
post "/v1/registry/applications/$ID/events" '{"to":"licence-issued","date":"2025-03-15","licence":"沪B1-20250315","service_area":{"B12":["shanghai"]}}' -H "Authorization: Bearer $REVIEWER"
expect_error "a service the application did not ask for" 422 service_not_applied service_area
jq -r .error.message "$TMP/body" | grep -qF "the valid ones: B11 (Internet data centre services)" && ok || bad "the message lists the valid services: $(jq -r .error.message "$TMP/body")"
post "/v1/registry/applications/$ID/events" '{"to":"licence-issued","date":"2025-03-15","licence":"沪B1-20250315","service_area":{"B11":"Shangai"}}' -H "Authorization: Bearer $REVIEWER"
expect_error "an unknown place" 422 unknown_region service_area
post "/v1/registry/applications/$ID/events" '{"to":"licence-issued","date":"2025-03-15","licence":"沪B1-20250315","service_area":{"B11":3}}' -H "Authorization: Bearer $REVIEWER"
expect_error "service_area of the wrong type" 422 invalid_type service_area
post "/v1/registry/applications/$ID/events" '{"to":"licence-issued","date":"2025-03-15","licence":"沪B1-20250315","authority":"MIIT","service_area":{"B11":["shanghai","beijing"]},"service_dates":["B11=2025-03-15..2030-03-14"]}' -H "Authorization: Bearer $REVIEWER"
expect_code "licence issued service by service" 200
expect_jq "the licence's services one by one" '.licences[0].coverage == [{"service":"B11","service_name":"Internet data centre services","area":["310000","110000"],"area_names":["Shanghai","Beijing"],"issued":"2025-03-15","expires":"2030-03-14"}]'
# one door: the API's bytes are the CLI's
"$KAIFANG" registry show "$ID" --db "$DB" --json >"$TMP/cli-show.json" 2>/dev/null
req GET "/v1/registry/applications/$ID"
printf '\n' >>"$TMP/body"
cmp -s "$TMP/body" "$TMP/cli-show.json" && ok || bad "GET show gives the CLI's show --json byte for byte"
req GET "/v1/registry/export?format=licences-csv"
expect_code "export licences-csv" 200
expect_header "licences-csv type" "Content-Type: text/csv"
grep -qF "$ID,沪B1-20250315,MIIT,issued,B11,\"310000,110000\",2025-03-15,2030-03-14" "$TMP/body" && ok || bad "export licences-csv: the row of the licence's service"
# an ordinary-route application: no pilot zone, said so
post /v1/registry/applications '{"enterprise":"Ordinary Route Ltd","uscc":"91440300MA5G12343E","region":"440300","services":"B21","foreign_share":50,"route":"ordinary","date":"2025-03-03"}' -H "Authorization: Bearer $APPLICANT"
expect_code "apply on the ordinary route" 201
expect_jq "no pilot zone, said so" '.zone == null and .no_pilot_zone == true and .zone_text == "no pilot zone (ordinary licence)"'
req GET /v1/registry/applications
expect_jq "list: the seed's rows without a published zone say so" '[.[] | select(.zone == null and .route == "notice-107")] | length > 0 and all(.[]; .no_pilot_zone == false and .zone_text == "not published")'
req PUT "/v1/registry/applications/$ID"
expect_code "PUT is not allowed" 405
expect_header "Allow header" "Allow: GET, HEAD"

# ---- a signed checkpoint, and the log still verifies ---------------------------------
post /v1/registry/checkpoints '' -H "Authorization: Bearer $REVIEWER"
expect_code "checkpoint" 201
expect_jq "checkpoint: a C2SP note with a signature line" '(.checkpoint | test("\n\n\u2014 ")) and (.root | length) == 64'
req GET /v1/registry/verify
expect_jq "verify after the writes" ".ok == true and .size > $SIZE"
req GET /v1/registry/nothing-here
expect_error "unknown registry route" 404 not_found

# each worker's registry handle is closed when the server stops: no leak, no report
stop_server "$PID"
[ "$STOP_RC" -eq 0 ] && ok || bad "server exit $STOP_RC"
if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$TMP"/*.log; then
	bad "sanitizer report in a server log: $(grep -h -A5 'ERROR:\|runtime error' "$TMP"/*.log | head -20)"
else
	ok
fi

finish
