#!/bin/bash
# CLI tests of decide, explain, check, list and matrix: exit codes (docs/cli.md)
# and the error messages for bad input.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh
MINI=tests/data/rulebooks/mini
K="$KAIFANG"

run $K decide -R $MINI -s B21 -r 310000 -d 2024-01-01 -f 50 --outside-zones
expect_rc "decide permitted" 0
expect_out "decide permitted" "PERMITTED"
run $K decide -R $MINI -s ip-vpn -r 310000 -d 2024-01-01 --json
expect_rc "decide closed exits 0" 0
expect_out "decide --json" '"outcome":"closed"'
expect_out "decide --json max" '"max_foreign_share":0,'
run $K decide -R $MINI -s B21 -r 310000 -d 2024-01-01 -f 50.000000001 --json --outside-zones
expect_out "exceeds at cap+1e-9" '"outcome":"exceeds_cap"'
run $K explain -R $MINI -s isp-end-user -r Shanghai -d 2022-01-01
expect_rc "explain" 0
expect_out "explain indeterminate" "INDETERMINATE"
expect_out "explain names zone" "zone-a"
expect_out "explain trace" "Measures that matched or nearly matched"
run $K explain --all -R $MINI -s isp-end-user -r 310000 -d 2024-01-01
expect_out "explain --all trace" "Every measure considered"
expect_out "explain --all lists other services' measures" "service not within its services"
# [S-8] before the rulebook's coverage: not_covered, exit 0, never permitted
run $K decide -s idc -r Hangzhou -d 2010-06-01 -f 100 --json
expect_rc "not covered" 0
expect_out "not covered outcome" '"outcome":"not_covered"'
expect_out "not covered: first covered date" '"first_covered":"2018-07-28"'
run $K matrix -d 2010-06-01 --regions Hangzhou --services idc
expect_out "matrix: not covered cell" "n/c"

# bad input: exit 2 with a clear message
run $K decide -R $MINI -s ipvnp -r 310000 -d 2024-01-01
expect_rc "unknown service" 2
expect_err "unknown service" "kaifang: --service: unknown service 'ipvnp'; nearest known: B13 (ip-vpn)"
run $K decide -R $MINI -s ip-vpn -r Shanghia -d 2024-01-01
expect_rc "unknown place" 2
expect_err "unknown place" "unknown place 'Shanghia'; nearest known: 310000 (Shanghai)"
run $K decide -R $MINI -s ip-vpn -r 310000 -d 2024-13-01
expect_rc "bad date" 2
expect_err "bad date" "--date: date '2024-13-01' is not a calendar day"
run $K decide -R $MINI -s ip-vpn -r 310000 -d 24-01-01
expect_err "bad date form" "is not in the form YYYY-MM-DD"
run $K decide -R $MINI -s ip-vpn -r 310000 -d 2024-01-01 -f 100.5
expect_rc "share above 100" 2
expect_err "share above 100" "share '100.5' is above 100"
run $K decide -R $MINI -s ip-vpn -r 310000 -d 2024-01-01 -f -3
expect_rc "negative share" 2
expect_err "negative share" "is negative"
run $K decide -R $MINI -s ip-vpn -r 310000 -d 2024-01-01 -f abc
expect_err "non-numeric share" "share 'abc' is not a decimal number"
run $K decide -R $MINI -s ip-vpn
expect_rc "missing region" 2
expect_err "missing region" "--service and --region are required"
run $K decide --bogus
expect_rc "unknown option" 2
run $K frobnicate
expect_rc "unknown command" 2
expect_err "unknown command" "kaifang: unknown command 'frobnicate'"
run $K decide --help
expect_rc "help" 0
expect_out "help" "usage: kaifang decide"

# rulebook errors: exit 3 with file:line:col
mkdir -p "$TMP/rb"
cp $MINI/rulebook.yaml $MINI/catalogue.yaml $MINI/places.yaml $MINI/sources.yaml "$TMP/rb/"
printf 'measures:\n  - id: a\n    services: [B,\n' >"$TMP/rb/measures.yaml"
run $K check "$TMP/rb"
expect_rc "malformed YAML" 3
expect_err "malformed YAML" "measures.yaml:4:1: malformed YAML"
sed 's/overrides: \[b1-closed, vats-cap\]/overrides: [b1-closed, vats-cap, cepa-ipvpn]/; s/    overrides: \[b1-closed\]$/    overrides: [b1-closed, zone-isp-open]/' \
	$MINI/measures.yaml >"$TMP/rb/measures.yaml"
run $K check "$TMP/rb"
expect_rc "override cycle" 3
expect_err "override cycle" "override cycle:"
expect_err "override cycle names" "zone-isp-open"
sed 's/regions: \[zone-a\]/regions: [zone-b]/' $MINI/measures.yaml >"$TMP/rb/measures.yaml"
run $K check "$TMP/rb"
expect_rc "unknown region in rulebook" 3
expect_err "unknown region in rulebook" "measures.yaml:42:15: unknown region 'zone-b'; nearest known: zone-a"
run $K decide -R "$TMP/rb" -s B21 -r 310000 -d 2024-01-01
expect_rc "decide refuses an invalid rulebook" 3
expect_err "decide refuses an invalid rulebook" "is invalid; not used"
run $K check /nonexistent/rulebook
expect_rc "missing rulebook folder" 3

# check, list, matrix
run $K check $MINI
expect_rc "check mini" 0
expect_out "check mini golden" "golden: 10 passed, 0 failed"
run $K list services -R $MINI
expect_out "list services" "isp-end-user"
run $K list measures --json -R $MINI
expect_out "list measures json" '"id":"pilot-ipvpn-cap"'
run $K list nonsense -R $MINI
expect_rc "list nonsense" 2
run $K matrix -R $MINI --date 2025-04-11 --regions pilot --services ip-vpn,B21,internet-news
expect_rc "matrix" 0
expect_out "matrix row" "Hangzhou 330100"
run $K matrix -R $MINI --date 2025-04-11 --regions pilot --services ip-vpn --json
expect_out "matrix json" '"outcome":"permitted","max_foreign_share":50,"cap":{"op":"<","value":50},"certainty":"uncertain","label":"<50"'
# matrix: the library's kf_matrix refuses what it cannot show (issue 8 items 2, 10)
run $K matrix --regions Beijing --services ,
expect_rc "matrix --services , (empty list)" 2
expect_err "matrix --services , names the option" "--services: ',' names no service"
run $K matrix --regions Beijing --services ""
expect_rc "matrix --services '' (empty)" 2
run $K matrix --regions , --services idc
expect_rc "matrix --regions , (empty list)" 2
run $K matrix --date 2025-06-01 --regions Beijing,"Hong Kong" --services idc
expect_rc "matrix refuses a place out of scope, as decide does" 2
expect_err "matrix out of scope" "place '810000' (Hong Kong) is outside the rulebook's scope"
run $K matrix --date 2025-06-01 --regions 810000,Beijing --services idc --json
expect_rc "matrix refuses an out-of-scope first place" 2
# list --json: the API's shapes (superset), one object per entry
run $K list -R $MINI services --json
expect_out "list services has depth and note" '"depth":0,"certainty":"confirmed","note":'
run $K list -R $MINI investors --json
expect_out "list investors has name_zh" '"name_zh":'
run $K list -R $MINI measures --json
expect_out "list measures has document_title and conditions" '"document_title":'
expect_out "list measures has pending" '"pending":'
run $K list -R $MINI regions --json
expect_out "list regions has until and certainty" '"until":null,"certainty":'
# issue 9 "Citations": the source register is a list; documents say whether
# their URL is the official text; citations carry the links and the sources
run $K list -R $MINI sources
expect_rc "list sources" 0
expect_out "list sources text: id, kind, seen, title" "S2                       mirror    2025-01-02 A copy of the negative list"
expect_out "list sources text: the url below" "                         https://mirror.example.org/a"
run $K list sources --json
expect_rc "list sources --json" 0
[ "$(jq 'length' "$TMP/out")" = 153 ] && ok || bad "the shipped register has 153 sources"
[ "$(jq 'all(.[]; (.id|length>0) and (.title|length>0) and (.kind|length>0) and (.seen|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")))' "$TMP/out")" = true ] && ok ||
	bad "every source has id, title, kind and seen"
run $K list documents --json
[ "$(jq -r '.[] | select(.id == "telecom-regulations") | (.url != "" and .url_official == false)' "$TMP/out")" = true ] && ok ||
	bad "the Telecom Regulations have a URL, not the official text"
[ "$(jq -r '.[] | select(.id == "notice-107") | (.url_official and (.url | startswith("https://www.gov.cn/")) and (.mirror_url | length > 0) and (.sources | index("S15a") != null))' "$TMP/out")" = true ] && ok ||
	bad "notice-107 is official on gov.cn, with its mirror and sources"
run $K list documents
expect_out "list documents text: official" "official text: https://www.gov.cn/zhengce/zhengceku/202404/content_6944441.htm"
expect_out "list documents text: mirror" "mirror (not the official text): https://github.com/LawRefBook/Laws"
run $K decide -s idc -r pudong -d 2025-06-01 -f 100 --json
[ "$(jq -r '.citations[] | select(.document == "notice-107") | (.url_official and (.url | startswith("https://www.gov.cn/")) and (.sources | length > 0))' "$TMP/out")" = true ] && ok ||
	bad "decide --json: the notice-107 citation is the official text with its sources"
run $K decide -s idc -r pudong -d 2025-06-01 -f 100
expect_out "decide text labels the official text" "    official text: https://www.gov.cn/zhengce/zhengceku/202404/content_6944441.htm"
expect_out "decide text names the mirror read" "    mirror: https://appinchina.co/"
expect_out "decide text labels a mirror" "    mirror (not the official text): https://github.com/LawRefBook/Laws"
expect_out "decide text lists the sources" "    sources: S29"
# decide --ownership: the share computed by look-through, one case per outcome
OWN=tests/data/ownership
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $OWN/bands-50 -a X --json
expect_out "ownership: bands meet the 50% cap" '"outcome":"permitted","max_foreign_share":50,'
expect_out "ownership: range in question" '"foreign_share":{"min":25,"max":50}'
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $OWN/decide-60 -a X --json
expect_out "ownership: 60% through a foreign parent exceeds" '"outcome":"exceeds_cap"'
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $OWN/decide-straddle -a X --json
expect_out "ownership: straddling range" '"outcome":"indeterminate","max_foreign_share":50,'
expect_out "ownership: names the share as missing" '"missing_facts":[{"fact":"foreign_share","min":40,"max":60'
expect_out "ownership: names the deciding holding" 'holdings.csv:2'
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $OWN/decide-straddle -a X
expect_out "ownership: text says why" "it depends on the exact foreign share"
run $K decide -s internet-news -r 330100 -d 2025-06-01 -O $OWN/decide-straddle -a X --json
expect_out "ownership: prohibited" '"outcome":"prohibited"'
run $K decide -s idc -r 330100 -d 2025-06-01 -O $OWN/decide-60 -a X --json
expect_out "ownership: closed" '"outcome":"closed"'
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $OWN/decide-60 -a NOPE
expect_rc "ownership: unknown applicant" 2
expect_err "ownership: unknown applicant" "--applicant: unknown entity 'NOPE'"
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $OWN/decide-60
expect_rc "ownership without applicant" 2
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $OWN/decide-60 -a X -f 10
expect_err "ownership and share" "give --foreign-share or --ownership, not both"
# issue 10 "Faithful to the data": open ends and faulty files decide as the data says
FF=$OWN/faithful
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $FF/bods04-psc-bands.json -a x --json
expect_out "ownership: (50,75] exceeds <= 50" '"outcome":"exceeds_cap"'
expect_out "ownership: open end in the question" '"foreign_share":{"min":50,"max":100,"min_open":true}'
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $FF/bods02-repeated.json -a x --json
expect_out "ownership: a repeated statement is named in look_through.warnings" '"warnings":["'$FF'/bods02-repeated.json: statement '"'rel-f'"' is given again as statement 4 (first as statement 3); counted once"]'
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $FF/bods04-psc-bands.json -a y --json
expect_out "ownership: (25,50] permitted at 50" '"outcome":"permitted"'
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $FF/bods04-psc-bands.json -a x
expect_out "ownership: text names the open end" "foreign share between 50% and 100% (the lower end excluded)"
expect_out "ownership: the look-through names the open end" "Foreign share by look-through ($FF/bods04-psc-bands.json, applicant x): between 50% and 100% (the lower end excluded)"
# in Chinese, the question line and the look-through are the sentences of view/lang.c
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $FF/bods04-psc-bands.json -a x --lang zh
expect_out "ownership zh: the open end" "外资比例介于 50% 与 100% 之间（不含下限）"
expect_out "ownership zh: the look-through" "穿透计算的外资比例（$FF/bods04-psc-bands.json，申请人 x）：介于 50% 与 100% 之间（不含下限）"
expect_out "ownership zh: a deciding holding" "f 持有 x（50%-75%，share range），见 $FF/bods04-psc-bands.json: record 's-rx'"
run $K decide -s ip-vpn -r Hangzhou -d 2025-06-01 -O $OWN/decide-holdco -a X --lang zh
expect_out "ownership zh: the other test" "按法律形式标准另有答案：外资比例 80%，超过外资比例上限。"
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $FF/bods02-repeated.json -a x --json
expect_out "ownership: a repeated statement counts once" '"outcome":"indeterminate"'
expect_err "ownership: the repeat is named" "statement 'rel-f' is given again"
run $K decide -s B21 -r 330100 -d 2025-06-01 -O $FF/bods04-missing-party.json -a x --json
expect_out "ownership: a missing party leaves a range" '"foreign_share":{"min":30,"max":60}'
expect_out "ownership: a missing party straddles the cap" '"outcome":"indeterminate"'
# places outside the rulebook's scope are refused, not answered
run $K decide -s internet-news -r 810000 -d 2025-06-01 -f 100
expect_rc "Hong Kong out of scope" 2
expect_err "Hong Kong out of scope" "place '810000' (Hong Kong) is outside the rulebook's scope"
run $K decide -s idc -r Gansu -d 2025-06-01 -f 40
expect_rc "no alternative outside the mainland" 0
grep -q "registered in Hong Kong\|registered in Taiwan\|registered in Macao" "$TMP/out" && bad "alternatives name an out-of-scope place" || ok
# a foreign share of 0 is no foreign investment
run $K decide -s idc -r Gansu -d 2025-06-01 -f 0 --json
expect_out "zero share" '"outcome":"permitted"'
# refused answers carry no licensing conditions
run $K decide -s internet-news -r Gansu -d 2025-06-01 -f 20 --json
expect_out "prohibited: no licence conditions" '"conditions":[]'
# ... but the under-1% route shows on a refusal, and says it is unsettled ([S-3])
run $K decide -s idc -r Hangzhou -d 2025-06-01 -f 0.5 --json
expect_out "under 1%: closed" '"outcome":"closed"'
expect_out "under 1%: the domestic procedure" '"measure":"deminimis-1pct","type":"procedure"'
expect_out "under 1%: unsettled" 'lifts this refusal (closed) is unsettled'
# the two ownership tests: look-through (default) and legal form
run $K decide -s ip-vpn -r Hangzhou -d 2025-06-01 -o -O $OWN/decide-holdco -a X --json
expect_out "look-through through a HK holdco: 48%" '"outcome":"permitted"'
expect_out "look-through: names the other test" '"other_test":{"test":"legal-form","foreign_share":{"min":80,"max":80},"outcome":"exceeds_cap"}'
run $K decide -s ip-vpn -r Hangzhou -d 2025-06-01 -o -O $OWN/decide-holdco -a X --legal-form --json
expect_out "legal form: the HK holdco is foreign, 80%" '"outcome":"exceeds_cap"'
run $K decide -s ip-vpn -r Hangzhou -d 2025-06-01 -o -O $OWN/decide-holdco -a X
expect_out "text warns of the other test" "The legal-form test gives another answer"
# rulebook files the loader refuses (found by the break test)
mk() { rm -rf "$TMP/rb2"; mkdir -p "$TMP/rb2"; cp $MINI/rulebook.yaml $MINI/catalogue.yaml $MINI/places.yaml $MINI/sources.yaml $MINI/measures.yaml "$TMP/rb2/"; }
# docs/rulebook.md "sources": a note, reason or condition naming an id in
# parentheses or brackets that the register lacks is a lint warning (it loads)
mk; sed -i 's/url_official: false}/url_official: false, note: "read in a copy (sources S1, S9x; see [T1-zz])"}/' "$TMP/rb2/places.yaml"
sed -i 's/uncertain_reason: "implementing notice not found"/uncertain_reason: "implementing notice not found (source S2b); S77 outside brackets is prose"/' "$TMP/rb2/measures.yaml"
run $K check --no-golden "$TMP/rb2"
expect_rc "unregistered source ids only warn" 0
expect_err "document note names an unregistered source" "places.yaml:11:1: warning: document 'doc-b' cites source 'S9x', which is not in the source register"
expect_err "bracketed T-id" "cites source 'T1-zz'"
expect_err "measure reason names an unregistered source" "warning: measure 'pilot-ipvpn-cap' cites source 'S2b'"
grep -q "'S1'\|'S77'" "$TMP/err" && bad "a registered id, or one outside brackets, is not warned about" || ok
# docs/rulebook.md "documents": an unknown source id is a load error naming the nearest
mk; sed -i 's/url_official: false}/url_official: false, sources: [T1-c]}/' "$TMP/rb2/places.yaml"
run $K check --no-golden "$TMP/rb2"
expect_rc "unknown source in a document" 3
expect_err "unknown source named with the nearest" "T1-c"
expect_err "unknown source: nearest known" "T1-b"
mk; sed -i '0,/status: in-force/s//status: \&st in-force/' "$TMP/rb2/measures.yaml"
run $K check --no-golden "$TMP/rb2"
expect_rc "YAML anchor" 3
expect_err "YAML anchor" "measures.yaml:7:17: YAML anchors and aliases (&name, *name) are not allowed"
mk; printf 'measures: []\n---\n' | cat - $MINI/measures.yaml >"$TMP/rb2/measures.yaml"
run $K check --no-golden "$TMP/rb2"
expect_err "second YAML document" "measures.yaml:2:1: a second YAML document starts here"
mk; : >"$TMP/rb2/measures.yaml"
run $K check --no-golden "$TMP/rb2"
expect_err "empty file" "measures.yaml: the file is empty"
mk; rm "$TMP/rb2/measures.yaml"; ln -s /etc/hostname "$TMP/rb2/measures.yaml"
run $K check --no-golden "$TMP/rb2"
expect_err "symlink out of the folder" "outside the rulebook folder"
mk; rm "$TMP/rb2/measures.yaml"; mkfifo "$TMP/rb2/measures.yaml"
run timeout 10 $K check --no-golden "$TMP/rb2"
expect_rc "FIFO does not hang" 3
expect_err "FIFO" "measures.yaml: is not a regular file"
run $K matrix --regions ",," --date 2025-06-01
expect_rc "matrix with no places" 2
expect_err "matrix with no places" "names no place"
mk; sed -i 's/{id: "310000", kind: municipality, parents: \[CN\]/{id: "310000", kind: municipality, parents: [CN, "310115"]/' "$TMP/rb2/places.yaml"
run $K check --no-golden "$TMP/rb2"
expect_rc "region cycle" 3
expect_err "region cycle with its place" "places.yaml:4:47: region '310115' lies inside itself"
expect_err "region cycle names it" "lies inside itself"
# break test: data lost on the way out is never exit 0; an option given empty
# is refused; a near command is named
run $K decide -s idc -r Hangzhou -d 2025-06-01 --json
[ "$RC" = 0 ] && ok || bad "control: decide exit $RC"
"$K" decide -s idc -r Hangzhou -d 2025-06-01 --json >/dev/full 2>"$TMP/full.err"
[ $? = 4 ] && ok || bad "decide > /dev/full must exit 4"
grep -qF 'writing the output' "$TMP/full.err" && ok || bad "decide > /dev/full names the failure"
"$K" list regions >&- 2>/dev/null
[ $? = 4 ] && ok || bad "list with a closed stdout must exit 4"
run $K decide -s idc -r Hangzhou -d 2025-06-01 -f ''
expect_rc "an empty --foreign-share" 2
expect_err "an empty --foreign-share is named" "--foreign-share is given empty"
run $K decide -s idc -r Hangzhou -d ''
expect_rc "an empty --date" 2
run $K decid -s idc
expect_rc "unknown command" 2
expect_err "a near command is named" "did you mean 'decide'"

# [S-5] a group is exactly its members: no "outside every sub-zone" part
run $K --sector services decide -s social-survey -r shanghai-ftz -d 2023-01-01 --json
expect_rc "social-survey in the Shanghai FTZ (a group)" 0
expect_out "the group's answer is its areas' answer" '"outcome":"permitted"'
expect_out "the FTZ floor caps the group" '"max_foreign_share":33'
grep -qF 'outside every sub-zone' "$TMP/out" && bad "a group has no outside scenario" || ok
run $K decide -s idc -r shanghai-ftz -d 2025-06-01 --json
expect_out "idc in the Shanghai FTZ (a group): open in every area" '"outcome":"permitted"'
run $K decide -s idc -r 310000 -d 2025-06-01 --json
expect_out "Shanghai (an admin area) keeps its outside part" 'outside every sub-zone'

# a missing include is reported at its entry in rulebook.yaml (exit 3)
rm -rf "$TMP/rbs"
mkdir -p "$TMP/rbs"
cp -r rulebooks/cn-services rulebooks/common "$TMP/rbs/"
sed -i 's|    - ../common/investors.yaml|    - ../common/nope.yaml|' "$TMP/rbs/cn-services/rulebook.yaml"
# the entry's line in the copy (column 7: after "    - ")
INC_LINE=$(grep -n -- '- ../common/nope.yaml' "$TMP/rbs/cn-services/rulebook.yaml" | cut -d: -f1)
run $K check --no-golden "$TMP/rbs/cn-services"
expect_rc "a missing include" 3
expect_err "named at file:line:col" "$TMP/rbs/cn-services/rulebook.yaml:$INC_LINE:7: included file '../common/nope.yaml' cannot be opened"
sed -i 's|    - ../common/nope.yaml|    - ../common/./investors.yaml|' "$TMP/rbs/cn-services/rulebook.yaml"
run $K check --no-golden "$TMP/rbs/cn-services"
expect_rc "an include spelt with ./" 3
expect_err "the spelling named" "rulebook.yaml:$INC_LINE:7: included file '../common/./investors.yaml' must be written '../FOLDER/FILE.yaml'"

finish
