#!/bin/bash
# API tests of ownership from memory (issue 10 "Faithful to the data" 5):
# POST /v1/ownership/look-through and /v1/ownership/entities read the body
# from memory (no file under /tmp), a question of POST /v1/decisions carries
# its ownership structure inline or by "$ref" and decides as decide
# --ownership does; every fault is an error naming its field.
# Prints "N passed, M failed".
source "$(dirname "$0")/lib/server.bash"
D=tests/data/ownership
F=$D/faithful
start_server own --rulebook rulebooks/cn-telecom --quiet

# look-through from memory: messages and holding sources name "request"
before=$(ls /tmp | grep -c '^kaifang-ownership-' || true)
req POST '/v1/ownership/look-through?entity=x&graph=50' -H 'Content-Type: application/json' --data-binary @"$F/bods04-psc-bands.json"
expect_code "look-through of a PSC band" 200
expect_jq "open lower end" '.foreign_share == {"max":100,"min":50,"min_open":true}'
expect_jq "sources name the request" '.deciding_holdings | map(.source) | index("request: record '"'"'s-rx'"'"'") != null'
expect_jq "ancestor graph" '(.graph.nodes | map(.id)) == ["x","f"] and (.graph.edges | length) == 1 and .graph.truncated == false'
after=$(ls /tmp | grep -c '^kaifang-ownership-' || true)
[ "$before" = "$after" ] && ok || bad "a request body was written to /tmp"
req POST '/v1/ownership/look-through?entity=x&graph=1' -H 'Content-Type: application/json' --data-binary @"$F/bods04-psc-bands.json"
expect_jq "graph cut to 1 node says so" '(.graph.nodes | length) == 1 and .graph.truncated == true'
req POST '/v1/ownership/look-through?entity=x&graph=0' -H 'Content-Type: application/json' --data-binary @"$F/bods04-psc-bands.json"
expect_error "graph=0" 400 bad_parameter graph
req POST '/v1/ownership/look-through?entity=x' -H 'Content-Type: application/json' --data-binary @"$F/bods04-psc-bands.json"
expect_jq "no graph unless asked" 'has("graph") == false'
# a CSV pair as a structure object
csv=$(jq -n --rawfile e $F/missing-owner/entities.csv --rawfile h $F/missing-owner/holdings.csv '{format:"csv",entities:$e,holdings:$h}')
post '/v1/ownership/look-through?entity=X' "$csv"
expect_jq "csv pair: the missing owner is unattributed" '.foreign_share == {"max":60,"min":30}'
expect_jq "csv pair: the note names request/holdings.csv" '.warnings[0] | startswith("request/holdings.csv:4: owner '"'"'GHOST'"'"'")'
post '/v1/ownership/look-through?entity=X' '{"format":"csv","entities":"id\nX\n","holdings":"owner,owned,share\nX,X,abc\n"}'
expect_error "csv pair: a bad share" 422 bad_ownership share
expect_jq "csv pair: file and line" '.error.message | contains("share '"'"'abc'"'"' in share is not a number")'
# the place the reader names: in the message, as the CLI prints it, and as members
expect_jq "csv pair: message starts with file:line:col" '.error.message | startswith("request/holdings.csv:2:5: share '"'"'abc'"'"' in share")'
expect_jq "csv pair: file, line, column members" '.error.file == "request/holdings.csv" and .error.line == 2 and .error.column == 5'
post '/v1/ownership/look-through?entity=X' '{"format":"csv","entities":"id,kind,id\nX,entity,Y\n","holdings":"owner,owned,share\n"}'
expect_error "csv pair: a column given twice" 422 bad_ownership id
expect_jq "csv pair: entities.csv:1:9" '.error.file == "request/entities.csv" and .error.line == 1 and .error.column == 9 and (.error.message | startswith("request/entities.csv:1:9: column '"'"'id'"'"' given twice"))'
post '/v1/ownership/entities' '{"format":"csv","entities":"id\nX\n","holdings":"owner,owned,share,share_min_open\nX,X,,true\n"}'
expect_error "entities: an open end on an unknown share" 422 bad_ownership share_min_open
expect_jq "entities: its place" '.error.file == "request/holdings.csv" and .error.line == 2 and .error.column == 6'
post '/v1/ownership/look-through?entity=X' '{"format":"bods","data":[{"Relationship":{}}]}'
expect_error "format mismatch" 422 bad_ownership format

# the kaifang JSON format: the CSV rows as objects, with open ends
req POST '/v1/ownership/look-through?entity=X' -H 'Content-Type: application/json' --data-binary @"$F/kaifang-bands.json"
expect_jq "kaifang: (25,50] beside 40 domestic and an owner without an entity" '.foreign_share == {"max":60,"min":25,"min_open":true}'
expect_jq "kaifang: row named as the source" '.deciding_holdings[0].source == "request: record '"'"'holdings[0]'"'"'"'
expect_jq "kaifang: the missing owner is named" '.warnings[0] | startswith("request: holdings[2]: owner '"'"'GHOST'"'"'")'
post '/v1/ownership/look-through?entity=X' '{"format":"kaifang","entities":[{"id":"X","colour":"red"}],"holdings":[]}'
expect_error "kaifang: unknown member" 422 bad_ownership colour
expect_jq "kaifang: the record, no line" '(.error.message | startswith("request: entities[0]: unknown member")) and .error.file == "request" and (.error | has("line") | not)'
post '/v1/ownership/look-through?entity=X' '{"format":"kaifang","entities":[{"id":"X"}],"holdings":[{"owner":"X","owned":"X","share":"50","share_max_open":true}]}'
expect_error "kaifang: an empty range" 422 bad_ownership share_min
post '/v1/ownership/look-through?entity=X' '{"format":"kaifang","entities":[{"id":"X"}],"holdings":[{"owner":"X","owned":"Y","share":"5"}]}'
expect_error "kaifang: unknown owned company" 422 bad_ownership owned
post '/v1/ownership/look-through?entity=X' '{"format":"kaifang","entities":[{"id":"X"},{"id":"A"},{"id":"B"}],"holdings":[{"owner":"A","owned":"X","share":"0.5"},{"owner":"B","owned":"X","share":0.5}]}'
expect_jq "kaifang: fractions or percent" '.warnings[0] | contains("sum to 1 (lines holdings[0], holdings[1])")'
kb=$(jq -c --slurpfile s $F/kaifang-bands.json -n '{service:"B21",region:"330100",date:"2025-06-01",applicant:"X",ownership:$s[0]}')
post /v1/decisions "$kb"
expect_jq "kaifang: decided, (25,60] straddles 50" '.outcome == "indeterminate" and .ownership.look_through.foreign_share.min_open == true'

# entities: for picking the applicant
req POST '/v1/ownership/entities' -H 'Content-Type: application/json' --data-binary @"$F/bods02-repeated.json"
expect_code "entities" 200
expect_jq "entities listed" '(.entities | map(.id)) == ["x","f"] and .entity_count == 2 and .holding_count == 1'
expect_jq "load notes listed" '.warnings | length == 1 and (.[0] | contains("counted once"))'
post '/v1/ownership/entities' '{"format":"csv"}'
expect_error "entities: incomplete csv structure" 422 bad_ownership ownership

# decisions with ownership: inline, then by $ref, as decide --ownership
"$KAIFANG" decide -s B21 -r 330100 -d 2025-06-01 -O $F/bods04-psc-bands.json -a x --json >"$TMP/cli.json"
body=$(jq -c --slurpfile s $F/bods04-psc-bands.json -n '{service:"B21",region:"330100",date:"2025-06-01",applicant:"x",ownership:$s[0]}')
post /v1/decisions "$body"
expect_code "decision with ownership" 200
expect_jq "exceeds: (50,75] against <= 50" '.outcome == "exceeds_cap"'
sed "s|$F/bods04-psc-bands.json|request|g" "$TMP/cli.json" | tr -d '\n' >"$TMP/want"
cmp -s "$TMP/body" "$TMP/want" && ok || bad "POST /v1/decisions differs from decide --json --ownership"
arr=$(jq -c --slurpfile s $F/bods04-psc-bands.json -n '[{service:"B21",region:"330100",date:"2025-06-01",applicant:"x",ownership:$s[0]},{service:"B21",region:"330100",date:"2025-06-01",applicant:"y",ownership:{"$ref":"#/0/ownership"}},{service:"B21",region:"330100",applicant:"q",ownership:{"$ref":"#/0/ownership"}},{service:"B21",region:"330100",applicant:"y",ownership:{"$ref":"#/7/ownership"}},{service:"B21",region:"330100",ownership:{"$ref":"#/0/ownership"}},{service:"B21",region:"330100",foreign_share:"10",applicant:"y",ownership:{"$ref":"#/0/ownership"}},{service:"B21",region:"330100",applicant:"y",legal_form:"yes",ownership:{"$ref":"#/0/ownership"}}]')
post /v1/decisions "$arr"
expect_code "array with \$ref" 200
expect_jq "inline item" '.[0].outcome == "exceeds_cap"'
expect_jq "\$ref item: (25,50] permitted at 50" '.[1].outcome == "permitted" and .[1].question.foreign_share == {"min":25,"max":50,"min_open":true}'
expect_jq "unknown applicant" '.[2].error.code == "bad_ownership" and .[2].error.field == "applicant"'
expect_jq "dangling \$ref" '.[3].error.code == "bad_ownership" and .[3].error.field == "ownership"'
expect_jq "ownership without applicant" '.[4].error.code == "missing_field" and .[4].error.field == "applicant"'
expect_jq "share and ownership" '.[5].error.code == "bad_ownership" and .[5].error.field == "foreign_share"'
expect_jq "legal_form not boolean" '.[6].error.code == "invalid_type" and .[6].error.field == "legal_form"'
post /v1/decisions "$(jq -c --slurpfile s $F/bods04-psc-bands.json -n '{service:"B21",region:"330100",date:"2025-06-01",applicant:"X",ownership:$s[0]}')"
expect_error "unknown applicant, case differs" 422 bad_ownership applicant
expect_jq "unknown applicant: nearest known" '.error.message | endswith("unknown entity '"'"'X'"'"'; expected an id of the ownership source; nearest known: '"'"'x'"'"'")'
post /v1/decisions '{"service":"B21","region":"330100","applicant":"x","ownership":{"format":"csv","entities":"id\nx\n","holdings":"owner,owned,share\nz,q,1\n"}}'
expect_error "a structure that does not load" 422 bad_ownership owned
expect_jq "a structure that does not load: its place" '.error.file == "request/holdings.csv" and .error.line == 2 and .error.column == 3 and (.error.message | startswith("request/holdings.csv:2:3: unknown owned company '"'"'q'"'"'"))'
post /v1/decisions '[{"service":"B21","region":"330100","applicant":"x","ownership":{"format":"csv","entities":"id\nx\n","holdings":"owner,owned,share\nx,x,abc\n"}}]'
expect_jq "array item: its place" '.[0].error.code == "bad_ownership" and .[0].error.line == 2 and .[0].error.column == 5'
post /v1/decisions '{"service":"B21","region":"330100","ownership":"x","applicant":"x"}'
expect_error "ownership of the wrong type" 422 bad_ownership ownership
# the page's script is served
req GET /ownership.js
expect_code "ownership.js" 200
expect_header "ownership.js is JavaScript" "Content-Type: text/javascript"

stop_server "$PID"
if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$TMP"/*.log; then
	bad "sanitizer report in the server log"
	cat "$TMP"/*.log >&2
fi
finish
