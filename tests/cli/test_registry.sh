#!/bin/bash
# The registry's contract suite (issue 11), run against every back-end:
# SQLite (a file in a temporary folder) and PostgreSQL 15 (a throwaway
# cluster from tools/pg-cluster.sh, on loopback, stopped by the trap at the
# end). Each check asserts real values: exit codes, messages, the stored
# decision, the deadline, the statistics of the seed, the tree after
# tampering. KAIFANG is the binary (default build/kaifang).
#
# KF_REGISTRY_BACKENDS="sqlite pg" (default both; PostgreSQL missing is a
# failure, not a skip, unless KF_REGISTRY_NO_PG=1 says so).
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh
export KF_TOKEN_TEST_COST=1 # argon2id at test cost (kaifang/token.h)
export KAIFANG_NOW=2026-12-02T08:00:00Z
unset KAIFANG_REGISTRY KAIFANG_PG KAIFANG_TOKEN KAIFANG_REGISTRY_KEY
BACKENDS=${KF_REGISTRY_BACKENDS:-sqlite pg}
PGDIR=""
PGCONN=""
cleanup() {
	[ -n "$PGDIR" ] && tools/pg-cluster.sh stop "$PGDIR"
	rm -rf "$TMP" "$PGDIR"
}
trap cleanup EXIT

R() { "$KAIFANG" registry "$@"; }

# expect NAME CODE TEXT -- ARGS: exit code and a fixed string in stdout+stderr
expect() {
	local name=$1 want=$2 text=$3
	shift 4
	run "$KAIFANG" registry "$@"
	if [ "$RC" -eq "$want" ] && cat "$TMP/out" "$TMP/err" | grep -qF -- "$text"; then
		ok
	else
		bad "$BE $name: exit $RC (want $want), expected '$text'"
	fi
}

# json_get FILE PYTHON-EXPR: a value of the JSON in FILE (as j)
json_get() { python3 -c "import json,sys; j=json.load(open('$1')); print($2)"; }

new_pg_db() { # a fresh database in the cluster; prints its URI (no spaces)
	local name=kf_$1_$$ port user
	"$(tools/pg-cluster.sh bindir)/psql" "$PGCONN" -qAtc "CREATE DATABASE $name" >/dev/null || return 1
	port=$(echo "$PGCONN" | sed -n 's/.*port=\([0-9]*\).*/\1/p')
	user=$(echo "$PGCONN" | sed -n 's/.*user=\([^ ]*\).*/\1/p')
	echo "postgresql://$user@127.0.0.1:$port/$name"
}

# store NAME: the --db/--pg options of a fresh store called NAME
store() {
	if [ "$BE" = sqlite ]; then
		echo "--db $TMP/$1.sqlite"
	else
		echo "--pg $(new_pg_db "$1") --key $TMP/$1-$BE.key"
	fi
}

sql() { # sql STORE-OPTS SQL: runs SQL with the back-end's own client
	local opts=$1
	if [ "$BE" = sqlite ]; then
		sqlite3 "${opts#--db }" "$2"
	else
		local conn=${opts#--pg }
		conn=${conn% --key *}
		"$(tools/pg-cluster.sh bindir)/psql" "$conn" -qAtc "$2"
	fi
}

suite() {
	local S S2 ADMIN APPL REV A sha root
	S=$(store main)
	# ---- init and tokens
	run "$KAIFANG" registry init $S
	expect_rc "$BE init" 0
	ADMIN=$(head -1 "$TMP/out")
	case "$ADMIN" in kft_*) ok ;; *) bad "$BE init prints the first admin token" ;; esac
	expect init-twice 2 "already holds a registry" -- init $S
	expect no-token 2 "filing an application needs a applicant token" -- \
		apply $S --enterprise X --uscc 91310115MA1FL0AB0P --region 310115 --service B21 --foreign-share 100
	expect bad-token 2 "not one of this registry's" -- list $S --token kft_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
	APPL=$(R token create --role applicant $S --token "$ADMIN" 2>/dev/null)
	REV=$(R token create --role reviewer $S --token "$ADMIN" 2>/dev/null)
	expect applicant-no-tokens 2 "creating a token needs a admin token" -- token create --role admin $S --token "$APPL"

	# ---- apply: the checks at the door
	run "$KAIFANG" registry apply $S --token "$APPL" --enterprise "Foo Data Ltd" \
		--uscc 91310115MA1FL0AB0P --region 310115 --service B21 --foreign-share 100 \
		--date 2025-01-10 --json
	expect_rc "$BE apply" 0
	A=$(json_get "$TMP/out" "j['id']")
	[ "$A" = A-000001 ] && ok || bad "$BE apply id $A"
	[ "$(json_get "$TMP/out" "j['intake_outcome']")" = permitted ] && ok || bad "$BE intake decision"
	[ "$(json_get "$TMP/out" "(j['route'], j['route_defaulted'])")" = "('notice-107', True)" ] && ok || bad "$BE apply says the default route (JSON)"
	sha=$("$KAIFANG" decide --service B21 --region 310115 --date 2025-01-10 --foreign-share 100 --json |
		python3 -c "import json,sys; print(json.load(sys.stdin)['rulebook']['sha256'])")
	[ "$(json_get "$TMP/out" "j['rulebook_sha256']")" = "$sha" ] && ok || bad "$BE decision stored with the rulebook's sha256"
	[ "$(json_get "$TMP/out" "[e for e in j['events'] if e['type']=='decision'][0]['rulebook_sha256']")" = "$sha" ] && ok ||
		bad "$BE decision event carries the rulebook hash"
	expect uscc-fails 2 "expected '1'" -- apply $S --token "$APPL" --enterprise "Fujian Co" \
		--uscc 91350100M0001TGQXM --region 440300 --service B21 --foreign-share 100 --date 2025-01-10
	expect uscc-override-needs-reviewer 2 "needs a reviewer token" -- apply $S --token "$APPL" \
		--enterprise "Fujian Co" --uscc 91350100M0001TGQXM --override-uscc "issued by an early pilot region" \
		--region 440300 --service B21 --foreign-share 100 --date 2025-01-10
	run "$KAIFANG" registry apply $S --token "$REV" --enterprise "Fujian Co" --uscc 91350100M0001TGQXM \
		--override-uscc "issued by an early pilot region" --region 440300 --service B21 \
		--foreign-share 49.999999999 --date 2025-01-10 --json
	expect_rc "$BE uscc override" 0
	[ "$(json_get "$TMP/out" "j['enterprise']['uscc_override']")" = "issued by an early pilot region" ] && ok || bad "$BE override recorded"
	[ "$(json_get "$TMP/out" "j['foreign_share']")" = 49.999999999 ] && ok || bad "$BE share exact"
	expect bad-hash 2 "must be NAME=SHA256" -- apply $S --token "$APPL" --enterprise Y --uscc 91310115MA1FL0AB0P \
		--region 310115 --service B21 --foreign-share 100 --date 2025-01-10 --documents "plan=abc"
	expect bad-ownership-hash 2 "is not a SHA-256" -- apply $S --token "$APPL" --enterprise Y --uscc 91310115MA1FL0AB0P \
		--region 310115 --service B21 --foreign-share 100 --date 2025-01-10 --ownership-sha256 xyz
	expect bad-uscc 2 "uscc" -- apply $S --token "$APPL" --enterprise Y --uscc 123 --region 310115 \
		--service B21 --foreign-share 100 --date 2025-01-10
	expect outside-zone 2 "is not inside the zone of route notice-107 on 2025-01-10; the zone's places: 110000, shanghai-lingang, 310115, 460000, 440300" -- \
		apply $S --token "$APPL" --enterprise Z --uscc 91440300MA5G12343E --region 330100 --service B21 --foreign-share 100 --date 2025-01-10
	expect bad-share 2 "foreign_share" -- apply $S --token "$APPL" --enterprise Z --uscc 91440300MA5G12343E \
		--region 440300 --service B21 --foreign-share 50.0000000001 --date 2025-01-10
	expect unknown-service 2 "nearest known" -- apply $S --token "$APPL" --enterprise Z --uscc 91440300MA5G12343E \
		--region 440300 --service B2l --foreign-share 100 --date 2025-01-10

	# ---- a credit code already recorded: the typed name must be the recorded one
	local SE EADMIN
	SE=$(store ent)
	EADMIN=$(R init $SE 2>/dev/null | head -1)
	local NW="--uscc 91310115MA1FL0AB0P --region 310115 --service B21 --foreign-share 100 --date 2025-01-10"
	expect ent-first 0 "route: notice-107 (the default; give --route ordinary, ftz, cepa or work-plan for another)" -- apply $SE --token "$EADMIN" \
		--enterprise "Northwind Data Services (Shanghai) Co., Ltd." --name-zh "北风数据服务（上海）有限公司" $NW
	expect ent-other-name 2 'USCC 91310115MA1FL0AB0P already belongs to enterprise E-000001 "Northwind Data Services (Shanghai) Co., Ltd." (北风数据服务（上海）有限公司), not "Fabrikam Hangzhou"' -- \
		apply $SE --token "$EADMIN" --enterprise "Fabrikam Hangzhou" $NW
	expect ent-flag-hint 2 "--enterprise-id E-000001" -- apply $SE --token "$EADMIN" --enterprise "Fabrikam Hangzhou" $NW
	run "$KAIFANG" registry apply $SE --token "$EADMIN" --enterprise "NORTHWIND DATA SERVICES SHANGHAI CO., LTD" $NW --json
	[ "$RC" = 0 ] && [ "$(json_get "$TMP/out" "(j['enterprise']['id'], j['enterprise']['name'])")" = \
		"('E-000001', 'Northwind Data Services (Shanghai) Co., Ltd.')" ] && ok || bad "$BE ent: the same name after normalisation"
	expect ent-zh 0 "filed A-000003" -- apply $SE --token "$EADMIN" --enterprise "北风数据服务（上海）有限公司" $NW
	run "$KAIFANG" registry apply $SE --token "$EADMIN" --enterprise "Fabrikam Hangzhou" --enterprise-id E-000001 $NW --json
	[ "$RC" = 0 ] && [ "$(json_get "$TMP/out" "j['enterprise']['id']")" = E-000001 ] && ok || bad "$BE ent: --enterprise-id files under it"
	expect ent-unknown-id 2 "no enterprise 'E-000099'" -- apply $SE --token "$EADMIN" --enterprise X --enterprise-id E-000099 $NW
	expect ent-id-other-uscc 2 "enterprise E-000001 has USCC 91310115MA1FL0AB0P, not 91440300MA5G12343E" -- \
		apply $SE --token "$EADMIN" --enterprise X --enterprise-id E-000001 --uscc 91440300MA5G12343E \
		--region 440300 --service B21 --foreign-share 100 --date 2025-01-10
	[ "$(sql "$SE" "SELECT COUNT(*) FROM enterprises")" = 1 ] && ok || bad "$BE ent: no second enterprise recorded"

	# ---- advance: the state machine, the dates, the clock
	expect illegal 2 "cannot move to 'approved'; allowed: returned, accepted, refused or withdrawn" -- \
		advance $A $S --token "$REV" --to approved --date 2025-02-01
	expect early 2 "dates must be in order" -- advance $A $S --token "$REV" --to accepted --date 2025-01-09
	expect applicant-cannot-accept 2 "needs a reviewer token" -- advance $A $S --token "$APPL" --to accepted --date 2025-01-15
	expect accept 0 "60 calendar days: due 2025-03-16" -- advance $A $S --token "$REV" --to accepted --date 2025-01-15
	expect working-unknown 0 "unknown: no working calendar for 2025" -- show $A $S
	expect expert 0 "stopped since 2025-01-20" -- advance $A $S --token "$REV" --to expert-review --date 2025-01-20
	expect resume 0 "due 2025-03-27" -- advance $A $S --token "$REV" --to under-review --date 2025-01-30
	expect refuse-needs-reason 2 "needs a reason" -- advance $A $S --token "$REV" --to refused --date 2025-02-10
	run "$KAIFANG" registry advance $A $S --token "$REV" --to approved --date 2025-02-10 --json
	expect_rc "$BE approve" 0
	[ "$(json_get "$TMP/out" "j['approval_outcome']")" = permitted ] && ok || bad "$BE approval decided again"
	[ "$(json_get "$TMP/out" "j['outcome_changed']")" = False ] && ok || bad "$BE approval compared with intake"
	expect icp-filing 2 "is an ICP filing number, not a licence number" -- advance $A $S --token "$REV" \
		--to licence-issued --date 2025-02-15 --licence "京ICP备11041704号-13"
	expect no-licence 2 "needs the licence number" -- advance $A $S --token "$REV" --to licence-issued --date 2025-02-15
	run "$KAIFANG" registry advance $A $S --token "$REV" --to licence-issued --date 2025-02-15 \
		--licence "沪B2-20250242" --authority "Shanghai Communications Administration" --json
	expect_rc "$BE licence issued" 0
	[ "$(json_get "$TMP/out" "j['licences'][0]['parsed']['region']")" = 310000 ] && ok || bad "$BE licence number parsed"
	# the one-area form (no --service-area): every service, no area recorded, the move's day
	[ "$(json_get "$TMP/out" "[(c['service'], c['area'], c['issued'], c['expires']) for c in j['licences'][0]['coverage']]")" = \
		"[('B21', None, '2025-02-15', None)]" ] && ok || bad "$BE one-area licence: its service row"
	# ---- after the licence: annual reports, authorisations, credit lists
	expect overdue 0 "annual report 2025: OVERDUE (its Q1 window closed on 2026-03-31)" -- show $A $S
	expect report-year 2 "from 2025 to 2025" -- record annual-report $A $S --token "$REV" \
		--year 2024 --status filed --date 2026-02-01
	expect report-needs-reviewer 2 "needs a reviewer token" -- record annual-report $A $S --token "$APPL" \
		--year 2025 --status filed --date 2026-02-01
	expect report 0 "recorded the annual-report" -- record annual-report $A $S --token "$REV" \
		--year 2025 --status filed --date 2026-02-01 --source "MIIT platform"
	expect report-twice 2 "must be 'corrected'" -- record annual-report $A $S --token "$REV" \
		--year 2025 --status filed --date 2026-02-02
	expect report-corrected 0 "recorded" -- record annual-report $A $S --token "$REV" \
		--year 2025 --status corrected --date 2026-04-10
	run "$KAIFANG" registry show $A $S --json
	[ "$(json_get "$TMP/out" "(j['annual_reports'][0]['status'], j['annual_reports_overdue'])")" = "('corrected', [])" ] &&
		ok || bad "$BE annual report corrected, none overdue"
	expect authorise-outside 2 "'B11' is not among the licence's services (B21)" -- record authorisation $A $S \
		--token "$REV" --subsidiary "Foo Sub" --uscc 91110000MA00ABCD4C --service B11 --date 2025-02-20
	# an authorised area must lie within the licence's area for the service:
	# none recorded (the one-area form without --area) shows nothing of the kind
	expect authorise-no-area 2 "licence 沪B2-20250242 records no area for B21, so the authorised area cannot be shown to lie within it" -- \
		record authorisation $A $S --token "$REV" --subsidiary "Foo Sub" --uscc 91110000MA00ABCD4C \
		--service B21 --area Beijing --date 2025-02-20
	expect licence-area 0 "B21 (Online data processing and transaction processing services): Shanghai (310000), 2025-02-15 to —" -- \
		advance $A $S --token "$REV" --to licence-changed --date 2025-02-18 --licence "沪B2-20250242" --service-area B21=Shanghai
	expect authorise-outside-area 2 "Beijing (110000) lies outside the area licence 沪B2-20250242 covers for B21: Shanghai (310000)" -- \
		record authorisation $A $S --token "$REV" --subsidiary "Foo Sub" --uscc 91110000MA00ABCD4C \
		--service B21 --area Beijing --date 2025-02-20
	expect authorise-unknown-place 2 "unknown place 'Pudongg'; nearest known" -- record authorisation $A $S --token "$REV" \
		--subsidiary "Foo Sub" --uscc 91110000MA00ABCD4C --service B21 --area Pudongg --date 2025-02-20
	expect authorise 0 "recorded the authorisation" -- record authorisation $A $S --token "$REV" \
		--subsidiary "Foo Sub" --uscc 91110000MA00ABCD4C --service B21 --area Pudong --date 2025-02-20
	expect authorised 0 "authorised: Foo Sub (91110000MA00ABCD4C) for B21 in Pudong New Area (310115) from 2025-02-20" -- show $A $S
	expect listing-bad 2 "unknown list 'grey'" -- record listing $S --token "$REV" --enterprise E-000001 \
		--list grey --date 2025-02-25 --reason x --authority MIIT --source y
	expect listing-source 2 "give its source" -- record listing $S --token "$REV" --enterprise E-000001 \
		--list bad --date 2025-02-25 --reason x --authority MIIT
	expect listing 0 "recorded the listing" -- record listing $S --token "$REV" --enterprise E-000001 \
		--list bad --date 2025-02-25 --reason "changes not filed" --authority "MIIT" \
		--licence "沪B2-20250242" --source "MIIT notice (test)"
	expect listed 0 "bad list since 2025-02-25: changes not filed (MIIT)" -- show $A $S
	expect verify-records 0 "verify ok" -- verify $S
	expect revoke 0 "state: licence-revoked" -- advance $A $S --token "$REV" --to licence-revoked --date 2025-03-01 --reason "a test of the final state"
	expect after-final 2 "cannot move to 'licence-renewed'; allowed: none ('licence-revoked' is final)" -- \
		advance $A $S --token "$REV" --to licence-renewed --date 2025-03-02

	# ---- a return for completion after acceptance stops the clock; accepting
	# again resumes it (deadlines.yaml: start accepted, stops returned): 7 days
	# counted (03-13..03-19), 03-20..03-27 stopped, 53 more from 03-28
	local B
	run "$KAIFANG" registry apply $S --token "$APPL" --enterprise "Return Co" --uscc 91440300MA5G12343E \
		--region 440300 --service B21 --foreign-share 100 --date 2025-03-10 --json
	B=$(json_get "$TMP/out" "j['id']")
	expect ordinary-zone 0 "zone: no pilot zone (ordinary licence)" -- apply $S --token "$APPL" --enterprise "Return Co" \
		--uscc 91440300MA5G12343E --region 440300 --service B21 --foreign-share 50 --route ordinary --date 2025-03-10
	expect ret-accept 0 "60 calendar days: due 2025-05-11" -- advance $B $S --token "$REV" --to accepted --date 2025-03-12
	expect ret-stop 0 "stopped since 2025-03-20: 7 of 60 days counted" -- advance $B $S --token "$REV" \
		--to returned --date 2025-03-20 --reason "the shareholder chart is missing"
	expect ret-resubmit 0 "60 calendar days: due 2025-05-19" -- advance $B $S --token "$APPL" --to submitted --date 2025-03-27
	expect ret-reaccept 0 "60 calendar days: due 2025-05-19" -- advance $B $S --token "$REV" --to accepted --date 2025-03-28
	expect ret-approve 0 "60 calendar days: due 2025-05-19" -- advance $B $S --token "$REV" --to approved --date 2025-04-10
	run "$KAIFANG" registry advance $B $S --token "$REV" --to licence-issued --date 2025-04-15 \
		--licence "粤B2-20250415" --authority "Guangdong Communications Administration" --json
	[ "$(json_get "$TMP/out" "[(x['state'], x['due'], x['days_stopped']) for x in j['deadline']['readings']][0]")" = \
		"('due', '2025-05-19', 8)" ] && ok || bad "$BE re-acceptance keeps the deadline (JSON)"
	[ "$(json_get "$TMP/out" "[e['deadline_effect'] for e in j['events'] if e.get('to')=='accepted']")" = \
		"['start', 'resume']" ] && ok || bad "$BE re-acceptance recorded as resume"
	[ "$(json_get "$TMP/out" "j['deadline']['accepted']")" = 2025-03-12 ] && ok || bad "$BE accepted stays the first day"

	# ---- a later rulebook changes the answer: show says so
	rm -rf "$TMP/rbs" && mkdir -p "$TMP/rbs" # cn-telecom includes ../common/
	cp -r rulebooks/cn-telecom "$TMP/rbs/rb2" && cp -r rulebooks/common "$TMP/rbs/"
	python3 - "$TMP/rbs/rb2/measures/pilot-2024.yaml" <<'EOF'
import sys, re
p = sys.argv[1]
s = open(p).read()
i = s.index("- id: np107-b21-open")
j = s.index("effective_from: 2024-10-23", i)
s = s[:j] + "effective_from: 2025-12-01" + s[j + len("effective_from: 2024-10-23"):]
open(p, "w").write(s)
EOF
	expect redecided-changed 0 "THE ANSWER HAS CHANGED" -- show $A $S --rulebook "$TMP/rbs/rb2"
	expect redecided-same 0 "the same answer as stored" -- show $A $S

	# ---- lists
	expect list-state 0 "A-000002" -- list $S --state submitted
	run "$KAIFANG" registry list $S --zone 310000 --json
	[ "$(json_get "$TMP/out" "len(j)")" = 1 ] && ok || bad "$BE list --zone 310000"
	expect list-unknown-state 2 "unknown state 'aproved'" -- list $S --state aproved

	# ---- seed and statistics, in a store of their own
	local SS SADMIN
	SS=$(store seed)
	SADMIN=$(R init $SS 2>/dev/null)
	expect seed 0 "seeded 24 records (1 decided by the engine" -- seed $SS --token "$SADMIN"
	expect seed-twice 2 "already seeded" -- seed $SS --token "$SADMIN"
	expect seed-needs-admin 2 "seeding needs a admin token" -- seed $S --token "$REV"
	run "$KAIFANG" registry stats $SS --as-of 2025-02-28 --json
	expect_rc "$BE stats" 0
	[ "$(json_get "$TMP/out" "j['approvals']['counted']")" = 13 ] && ok || bad "$BE stats: 13 approvals as of 2025-02-28"
	[ "$(json_get "$TMP/out" "[g['count'] for g in j['approvals']['groups'] if g['key']=='310000'][0]")" = 4 ] && ok ||
		bad "$BE stats: 4 in Shanghai"
	[ "$(json_get "$TMP/out" "j['approvals']['not_published']")" = 8 ] && ok || bad "$BE stats: 8 without a published zone"
	[ "$(json_get "$TMP/out" "[f['value'] for f in j['figures'] if f['id']=='hainan-2025-02-28'][0]")" = 2 ] && ok ||
		bad "$BE stats: 2 in Hainan (figure)"
	[ "$(json_get "$TMP/out" "[(f['value'], f['counted_in_records']) for f in j['figures'] if f['id']=='beijing-shenzhen-2025-02-28'][0]")" = "(7, 1)" ] &&
		ok || bad "$BE stats: 7 in Beijing and Shenzhen, 1 placed"
	[ "$(json_get "$TMP/out" "[f['counted_in_records'] for f in j['figures'] if f['id']=='total-2025-02-28'][0]")" = 13 ] && ok ||
		bad "$BE stats: the official 13 reproduced from the rows"
	[ "$(json_get "$TMP/out" "[f['counted_in_records'] for f in j['figures'] if f['id']=='zones-2024-10-23'][0]")" = 0 ] && ok ||
		bad "$BE stats: a figure is compared with the records of its own day"
	expect stats-text 0 "split between them is not published (split unknown)" -- stats $SS --as-of 2025-02-28
	expect stats-filed 0 "applications with a recorded submission day (on or before 2025-02-28): 1 (approvals known only" -- stats $SS --as-of 2025-02-28
	run "$KAIFANG" registry list $SS --zone 310000 --json
	[ "$(json_get "$TMP/out" "sorted(set(a['zone'] for a in j))")" = "['310000']" ] && ok || bad "$BE list --zone: only rows in the zone"
	run "$KAIFANG" registry stats $SS --as-of 2025-02-27 --json
	[ "$(json_get "$TMP/out" "j['approvals']['counted']")" = 4 ] && ok || bad "$BE stats: 4 as of 2025-02-27"
	run "$KAIFANG" registry stats $SS --as-of 2025-02-28 --by service --json
	[ "$(json_get "$TMP/out" "j['approvals']['not_published']")" = 13 ] && ok || bad "$BE stats by service: not published"
	expect stats-by 2 "expected zone, city, service or month" -- stats $SS --by planet
	expect applicant-only 0 "state: draft" -- show A-000015 $SS
	expect unity-decided 0 "intake decision: permitted" -- show A-000014 $SS
	expect seed-verify 0 "verify ok" -- verify $SS

	# ---- integrity
	expect verify 0 "verify ok" -- verify $S
	expect checkpoint 0 "kaifang.registry/" -- checkpoint $S --token "$REV"
	expect prove 0 "c2sp.org/tlog-proof@v1" -- prove 5 $S
	run "$KAIFANG" registry prove 5 $S --json
	[ "$(json_get "$TMP/out" "j['index']")" = 4 ] && ok || bad "$BE prove index"
	expect prove-unknown 2 "no event 9999" -- prove 9999 $S
	run "$KAIFANG" registry verify $S --json
	root=$(json_get "$TMP/out" "j['root']")
	[ "$(json_get "$TMP/out" "j['checkpoints']")" = 1 ] && ok || bad "$BE verify checks the checkpoint"

	# ---- export and import
	R export --format jsonl $S >"$TMP/$BE.jsonl" && ok || bad "$BE export jsonl"
	n=$(wc -l <"$TMP/$BE.jsonl")
	[ "$n" = "$(json_get "$TMP/out" "j['size']")" ] && ok || bad "$BE export: one line per event"
	R export --format csv $S >"$TMP/$BE.csv" && ok || bad "$BE export csv"
	[ "$(head -1 "$TMP/$BE.csv" | cut -c1-30)" = "id,enterprise,name,state,route" ] && ok || bad "$BE csv header"
	R export --format bods $S >"$TMP/$BE.bods" && ok || bad "$BE export bods"
	# org-id.guide's code for the Unified Social Credit Identifier (lists/cn/cn-usci.json)
	[ "$(json_get "$TMP/$BE.bods" "j[0]['recordDetails']['identifiers'][0]['scheme']")" = CN-USCI ] && ok || bad "$BE bods identifiers"
	expect export-format 2 "expected csv, licences-csv, jsonl or bods" -- export --format xml $S
	expect export-no-format 2 "--format is required: csv, licences-csv, jsonl or bods" -- export $S
	[ "$(json_get "$TMP/$BE.bods" "sorted(set(t for s in j for t in s['source']['type']))")" = "['selfDeclaration']" ] && ok ||
		bad "$BE bods: filings are self declarations"
	R export --format bods $SS >"$TMP/$BE-seed.bods" && ok || bad "$BE export bods (seed)"
	[ "$(json_get "$TMP/$BE-seed.bods" "sorted(set(t for s in j for t in s['source']['type']))")" = "['thirdParty']" ] && ok ||
		bad "$BE bods: news-sourced records are thirdParty, never officialRegister"
	expect prove-note 0 "event 5 (leaf index 4, 0-based as RFC 9162 counts)" -- prove 5 $S
	expect import-same 0 "imported 0 events" -- import "$TMP/$BE.jsonl" $S --token "$ADMIN"
	S2=$(store copy)
	run "$KAIFANG" registry init $S2 --from "$TMP/$BE.jsonl"
	expect_rc "$BE init --from" 0
	local ADMIN2
	ADMIN2=$(head -1 "$TMP/out")
	expect checkpoint-copy 0 "kaifang.registry/" -- checkpoint $S2 --token "$ADMIN2"
	expect verify-copy 0 "verify ok" -- verify $S2
	R export --format jsonl $S2 | head -n "$n" | cmp -s - "$TMP/$BE.jsonl" && ok || bad "$BE import keeps the events byte for byte"
	head -c 300 "$TMP/$BE.jsonl" >"$TMP/cut.jsonl"
	printf '\n' >>"$TMP/cut.jsonl"
	S3=$(store cut)
	expect import-bad 2 "cut.jsonl:2" -- init $S3 --from "$TMP/cut.jsonl"

	# ---- tampering behind the library's back, with the back-end's own client
	sql "$S2" "UPDATE events SET body = replace(body, 'Foo Data Ltd', 'Bar Data Ltd') WHERE body LIKE '%Foo Data Ltd%'"
	expect tamper-event 1 "does not match its stored leaf hash" -- verify $S2
	expect tamper-checkpoint 1 "no longer give its root" -- verify $S2
	sql "$S" "UPDATE applications SET state = 'approved' WHERE id = 'A-000002'"
	expect tamper-projection 1 "applications: row 'A-000002'" -- verify $S
	sql "$S" "UPDATE applications SET state = 'submitted' WHERE id = 'A-000002'"
	expect untampered 0 "verify ok" -- verify $S
	sql "$S" "DELETE FROM events WHERE seq = 7"
	expect tamper-delete 1 "missing: the log jumps from event 6 to event 8" -- verify $S
}

# A licence's services one by one (MIIT's record: scope, coverage area, issue
# and expiry date for each service; registry-notes §1.1 [M11]), the one-area
# form of older stores and exports, and where a credit code was read.
licences() {
	local L LADMIN LREV LAPP C O U V UADMIN
	expect lic-help 0 "[--service-area SVC=PLACE[,PLACE]]... [--service-dates SVC=ISSUED..EXPIRES]..." -- advance --help
	L=$(store lic)
	LADMIN=$(R init $L 2>/dev/null | head -1)
	LREV=$(R token create --role reviewer $L --token "$LADMIN" 2>/dev/null)
	LAPP=$(R token create --role applicant $L --token "$LADMIN" 2>/dev/null)
	R apply $L --token "$LAPP" --enterprise "Per Service Co" --uscc 91310115MA1FL0AB0P --region 310115 \
		--service B21,B25 --foreign-share 100 --date 2025-01-10 >/dev/null 2>&1
	R apply $L --token "$LAPP" --enterprise "Second Co" --uscc 91440300MA5G12343E --region 440300 \
		--service B21 --foreign-share 100 --date 2025-01-10 >/dev/null 2>&1
	expect lic-not-a-licence 2 "per-service areas and dates belong to a licence: moving to 'accepted' records none" -- \
		advance A-000002 $L --token "$LREV" --to accepted --date 2025-01-15 --service-area B21=Shanghai
	R advance A-000001 $L --token "$LREV" --to accepted --date 2025-01-15 >/dev/null 2>&1
	R advance A-000001 $L --token "$LREV" --to approved --date 2025-02-10 >/dev/null 2>&1
	local LIC="--to licence-issued --date 2025-02-15 --licence 沪B2-20250242"
	expect lic-not-applied 2 "service_area: B11 (Internet data centre services) is not among the application's services; the valid ones: B21 (Online data processing and transaction processing services), B25 (Information services)" -- \
		advance A-000001 $L --token "$LREV" $LIC --service-area B11=Shanghai
	expect lic-unknown-place 2 "unknown place 'Shangai'; nearest known: 310000 (Shanghai)" -- \
		advance A-000001 $L --token "$LREV" $LIC --service-area B21=Shangai
	expect lic-dates-order 2 "B21 expires (2025-03-01) on or before it is issued (2030-01-01)" -- \
		advance A-000001 $L --token "$LREV" $LIC --service-dates B21=2030-01-01..2025-03-01
	expect lic-before-approval 2 "B21 is issued on 2025-02-01, before the application was approved (2025-02-10)" -- \
		advance A-000001 $L --token "$LREV" $LIC --service-dates B21=2025-02-01..2030-01-31
	expect lic-bad-form 2 "'B21=2025-03-01' is not SERVICE=ISSUED..EXPIRES" -- \
		advance A-000001 $L --token "$LREV" $LIC --service-dates B21=2025-03-01
	expect lic-no-equals 2 "'B21' is not SERVICE=PLACES (one service each)" -- \
		advance A-000001 $L --token "$LREV" $LIC --service-area B21
	expect lic-twice 2 "B21 is given twice in service_area" -- \
		advance A-000001 $L --token "$LREV" $LIC --service-area B21=Shanghai --service-area B21=Beijing
	[ "$(sql "$L" "SELECT COUNT(*) FROM licences")" = 0 ] && ok || bad "$BE lic: a refused move records no licence"
	run "$KAIFANG" registry advance A-000001 $L --token "$LREV" $LIC --authority "Shanghai CA" \
		--service-area B21=Shanghai --service-area "B25=Shanghai,Beijing" \
		--service-dates B21=2025-02-15..2030-02-14 --service-dates B25=2025-03-01..2028-02-28 --json
	expect_rc "$BE lic: issued service by service" 0
	[ "$(json_get "$TMP/out" "[(c['service'], c['area'], c['area_names'], c['issued'], c['expires']) for c in j['licences'][0]['coverage']]")" = \
		"[('B21', ['310000'], ['Shanghai'], '2025-02-15', '2030-02-14'), ('B25', ['310000', '110000'], ['Shanghai', 'Beijing'], '2025-03-01', '2028-02-28')]" ] &&
		ok || bad "$BE lic: show --json gives each service's area and dates"
	[ "$(json_get "$TMP/out" "[e['coverage'] for e in j['events'] if e.get('to')=='licence-issued'][0][1]")" = \
		"{'service': 'B25', 'area': '310000,110000', 'issued': '2025-03-01', 'expires': '2028-02-28'}" ] &&
		ok || bad "$BE lic: the event carries the list"
	expect lic-text 0 "    B25 (Information services): Shanghai (310000), Beijing (110000), 2025-03-01 to 2028-02-28" -- show A-000001 $L
	expect lic-list-text 0 "            B21 (Online data processing and transaction processing services): Shanghai (310000), 2025-02-15 to 2030-02-14" -- list $L
	run "$KAIFANG" registry list $L --json
	[ "$(json_get "$TMP/out" "[(a['id'], [(l['number'], [(c['service'], c['area']) for c in l['coverage']]) for l in a['licences']]) for a in j]")" = \
		"[('A-000001', [('沪B2-20250242', [('B21', ['310000']), ('B25', ['310000', '110000'])])]), ('A-000002', [])]" ] &&
		ok || bad "$BE lic: list --json gives each application's licences service by service"
	R export --format licences-csv $L >"$TMP/$BE-lic.csv"
	printf 'app,licence,authority,state,service,area,issued,expires\r\nA-000001,沪B2-20250242,Shanghai CA,issued,B21,310000,2025-02-15,2030-02-14\r\nA-000001,沪B2-20250242,Shanghai CA,issued,B25,"310000,110000",2025-03-01,2028-02-28\r\n' |
		cmp -s - "$TMP/$BE-lic.csv" && ok || bad "$BE lic: export licences-csv: $(cat "$TMP/$BE-lic.csv")"
	# statistics by service count the licence's services issued by the day
	run "$KAIFANG" registry stats $L --as-of 2025-02-20 --by service --json
	[ "$(json_get "$TMP/out" "[(g['key'], g['count']) for g in j['approvals']['groups']]")" = "[('B21', 1)]" ] && ok ||
		bad "$BE lic: by service on 2025-02-20, the licence holds B21 only (B25 from 2025-03-01)"
	run "$KAIFANG" registry stats $L --as-of 2025-03-05 --by service --json
	[ "$(json_get "$TMP/out" "sorted((g['key'], g['count']) for g in j['approvals']['groups'])")" = "[('B21', 1), ('B25', 1)]" ] && ok ||
		bad "$BE lic: by service on 2025-03-05, both"
	# authorisations: each service within the licence's, each area within that service's
	expect lic-auth-b25-beijing 0 "recorded the authorisation" -- record authorisation A-000001 $L --token "$LREV" \
		--subsidiary "Sub Beijing" --uscc 91110000MA00ABCD4C --service B25 --area Beijing --date 2025-03-02
	expect lic-auth-b21-beijing 2 "Beijing (110000) lies outside the area licence 沪B2-20250242 covers for B21: Shanghai (310000)" -- \
		record authorisation A-000001 $L --token "$LREV" --subsidiary "Sub Two" --uscc 91110000MA00ABCD4C \
		--service B21,B25 --area Beijing --date 2025-03-02
	# a change names the services it changes and keeps the others; a renewal
	# of the one-area form moves every service's expiry
	run "$KAIFANG" registry advance A-000001 $L --token "$LREV" --to licence-changed --date 2025-04-01 \
		--licence 沪B2-20250242 --service-area B21=Shanghai,Beijing --json
	[ "$(json_get "$TMP/out" "[(c['service'], c['area'], c['issued'], c['expires']) for c in j['licences'][0]['coverage']]")" = \
		"[('B21', ['310000', '110000'], '2025-02-15', '2030-02-14'), ('B25', ['310000', '110000'], '2025-03-01', '2028-02-28')]" ] &&
		ok || bad "$BE lic: a change of B21's area keeps its dates and B25"
	expect lic-change-unknown 2 "application 'A-000001' holds no licence '沪B2-20259999'" -- advance A-000001 $L --token "$LREV" \
		--to licence-changed --date 2025-04-02 --licence 沪B2-20259999 --service-area B21=Shanghai
	run "$KAIFANG" registry advance A-000001 $L --token "$LREV" --to licence-renewed --date 2027-12-01 \
		--licence 沪B2-20250242 --expires 2033-02-14 --json
	[ "$(json_get "$TMP/out" "[c['expires'] for c in j['licences'][0]['coverage']]")" = "['2033-02-14', '2033-02-14']" ] &&
		ok || bad "$BE lic: a one-area renewal moves every service's expiry"
	expect lic-verify 0 "verify ok" -- verify $L
	# the list travels: an export re-imported rebuilds the same tree; the
	# reader takes only the list's canonical form
	R export --format jsonl $L >"$TMP/$BE-lic.jsonl"
	C=$(store liccopy)
	R init $C --from "$TMP/$BE-lic.jsonl" >/dev/null 2>&1
	expect lic-copy-verify 0 "verify ok" -- verify $C
	R export --format jsonl $C | head -n "$(wc -l <"$TMP/$BE-lic.jsonl")" | cmp -s - "$TMP/$BE-lic.jsonl" && ok ||
		bad "$BE lic: the import keeps the list's bytes"
	run "$KAIFANG" registry show A-000001 $C --json
	[ "$(json_get "$TMP/out" "[c['service'] for c in j['licences'][0]['coverage']]")" = "['B21', 'B25']" ] && ok ||
		bad "$BE lic: the imported store shows the rows"
	python3 - "$TMP/$BE-lic.jsonl" "$TMP/$BE-lic-bad.jsonl" <<'PY'
import json, sys
out = []
for line in open(sys.argv[1], encoding='utf-8'):
    e = json.loads(line)
    if e.get('coverage'):  # the same list, its members in another order
        body = line.rstrip('\n')
        cov = json.dumps(e['coverage'], ensure_ascii=False, separators=(',', ':'))
        moved = json.dumps([{k: c[k] for k in ('area', 'service', 'issued', 'expires')} for c in e['coverage']],
                           ensure_ascii=False, separators=(',', ':'))
        assert cov in body
        line = body.replace(cov, moved) + '\n'
        out.append(line)
        break
    out.append(line)
open(sys.argv[2], 'w', encoding='utf-8').writelines(out)
PY
	O=$(store licbad)
	expect lic-import-canonical 2 "not in canonical form" -- init $O --from "$TMP/$BE-lic-bad.jsonl"

	# an export of a registry of schema version 1 (tests/data/registry/README.md):
	# imported as it is, verified, its licence read as every service with its area
	U=$(store v1import)
	run "$KAIFANG" registry init $U --from tests/data/registry/v1-licence.jsonl
	expect_rc "$BE v1 export imports" 0
	UADMIN=$(head -1 "$TMP/out")
	expect v1-import-verify 0 "verify ok: 10 events" -- verify $U
	R export --format jsonl $U | head -n 9 | cmp -s - tests/data/registry/v1-licence.jsonl && ok ||
		bad "$BE v1 export: its events kept byte for byte"
	run "$KAIFANG" registry show A-000001 $U --json
	[ "$(json_get "$TMP/out" "[(c['service'], c['area'], c['issued'], c['expires']) for c in j['licences'][0]['coverage']]")" = \
		"[('B21', ['Shanghai'], '2025-02-15', '2035-02-14'), ('B25', ['Shanghai'], '2025-02-15', '2035-02-14')]" ] &&
		ok || bad "$BE v1 export: every service, its area, issue day and the renewed expiry"
	# its area names a place, so an authorised area can be checked against it
	expect v1-auth-inside 0 "recorded the authorisation" -- record authorisation A-000001 $U --token "$UADMIN" \
		--subsidiary "V1 Sub" --uscc 91110000MA00ABCD4C --service B21 --area Pudong --date 2030-01-10
	expect v1-auth-outside 2 "Beijing (110000) lies outside the area licence 沪B2-20250242 covers for B21: Shanghai" -- \
		record authorisation A-000001 $U --token "$UADMIN" --subsidiary "V1 Sub 2" --uscc 91110000MA00ABCD4C \
		--service B21 --area Beijing --date 2030-01-10
	# a store of schema version 1 opens upgraded in place: its licences get
	# their per-service rows from the one-area form, and verify agrees
	V=$(store v1store)
	if [ "$BE" = sqlite ]; then
		cp tests/data/registry/v1-store.sqlite "${V#--db }"
	else
		R init $V --from tests/data/registry/v1-licence.jsonl >/dev/null 2>&1
		sql "$V" "DROP TABLE licence_services; ALTER TABLE enterprises DROP COLUMN uscc_source; ALTER TABLE enterprises DROP COLUMN uscc_source_type; UPDATE schema_version SET version = 1"
	fi
	[ "$(sql "$V" "SELECT version FROM schema_version")" = 1 ] && ok || bad "$BE v1 store: version 1 before"
	expect v1-store-show 0 "    B25 (Information services): Shanghai, 2025-02-15 to 2035-02-14" -- show A-000001 $V
	[ "$(sql "$V" "SELECT version FROM schema_version")" = 2 ] && ok || bad "$BE v1 store: upgraded to version 2"
	[ "$(sql "$V" "SELECT service || ' ' || area || ' ' || issued || ' ' || expires FROM licence_services ORDER BY service")" = \
		"B21 Shanghai 2025-02-15 2035-02-14
B25 Shanghai 2025-02-15 2035-02-14" ] && ok || bad "$BE v1 store: the derived rows"
	expect v1-store-verify 0 "verify ok: " -- verify $V
	expect v1-store-again 0 "B21 (Online data processing" -- show A-000001 $V

	# where a credit code was read (BODS sourceType): officialRegister only from a reviewer
	expect uscc-source-applicant 2 "recording a USCC as read in an official register needs a reviewer token" -- \
		apply $L --token "$LAPP" --enterprise "Per Service Co" --uscc 91310115MA1FL0AB0P \
		--region 440300 --service B21 --foreign-share 100 --date 2025-01-10 \
		--uscc-source https://www.gsxt.gov.cn/ --uscc-source-type official-register
	expect uscc-source-kind 2 "unknown USCC source type 'gazette'" -- apply $L --token "$LREV" --enterprise "Register Co" \
		--uscc 91440300MA5G12343E --region 440300 --service B21 --foreign-share 100 --date 2025-01-10 \
		--uscc-source https://example.org/ --uscc-source-type gazette
	expect uscc-source-where 2 "needs where it was read (--uscc-source URL or document)" -- apply $L --token "$LREV" \
		--enterprise "Register Co" --uscc 91440300MA5G12343E --region 440300 --service B21 --foreign-share 100 \
		--date 2025-01-10 --uscc-source-type thirdParty
	expect uscc-source-recorded 2 "enterprise E-000002 is recorded with its USCC's source as not given" -- apply $L --token "$LREV" \
		--enterprise "Second Co" --uscc 91440300MA5G12343E --region 440300 --service B21 --foreign-share 100 \
		--date 2025-01-10 --uscc-source "https://www.gsxt.gov.cn/x" --uscc-source-type officialRegister
	R apply $L --token "$LREV" --enterprise "Register Co" --uscc 91110000MA00ABCD4C --region 110000 --service B21 \
		--foreign-share 100 --date 2025-01-10 --uscc-source "https://www.gsxt.gov.cn/corp/91110000MA00ABCD4C" \
		--uscc-source-type officialRegister >/dev/null 2>&1
	R export --format bods $L >"$TMP/$BE-lic.bods"
	[ "$(json_get "$TMP/$BE-lic.bods" "[(s['recordId'], s['source']['type'], s['recordDetails']['identifiers'][0]['scheme']) for s in j]")" = \
		"[('E-000001', ['selfDeclaration'], 'CN-USCI'), ('E-000002', ['selfDeclaration'], 'CN-USCI'), ('E-000003', ['selfDeclaration', 'officialRegister'], 'CN-USCI')]" ] &&
		ok || bad "$BE bods: officialRegister only where a reviewer recorded the code as read there"
	[ "$(json_get "$TMP/$BE-lic.bods" "j[2]['source']['description']")" = \
		"filed with the Kaifang registry; the USCC as read in: https://www.gsxt.gov.cn/corp/91110000MA00ABCD4C (officialRegister)" ] &&
		ok || bad "$BE bods: the description names where the code was read"
	[ "$(json_get "$TMP/$BE-lic.bods" "'retrievedAt' in j[0]['source']")" = False ] && ok || bad "$BE bods: no null retrievedAt"
	expect lic-verify-end 0 "verify ok" -- verify $L
	# a coverage list on a move that is no licence's is refused on import
	python3 - "$TMP/$BE-lic.jsonl" "$TMP/$BE-lic-misplaced.jsonl" <<'PY'
import json, sys
out = []
for line in open(sys.argv[1], encoding='utf-8'):
    e = json.loads(line)
    if e.get('to') == 'accepted':  # the canonical text plus a list that does not belong
        line = line.rstrip('\n')[:-1] + ',"coverage":[{"service":"B21","area":null,"issued":null,"expires":null}]}\n'
        out.append(line)
        break
    out.append(line)
open(sys.argv[2], 'w', encoding='utf-8').writelines(out)
PY
	O=$(store licmisplaced)
	expect lic-import-misplaced 2 "a per-service coverage list belongs to licence-issued, -changed or -renewed" -- \
		init $O --from "$TMP/$BE-lic-misplaced.jsonl"

	# a seed record may give the credit code and where it was read
	local SD
	SD=$(store seeduscc)
	cat >"$TMP/seed-uscc.yaml" <<'YAML'
seed:
  source_seen: 2026-12-01
records:
  - name: "Register Seed Co"
    state: approved
    date: 2025-02-26
    route: notice-107
    region: "310000"
    zone: "310000"
    city: "310000"
    uscc: "91310115MA1FL0AB0P"
    uscc_source: "https://www.gsxt.gov.cn/corp/91310115MA1FL0AB0P"
    uscc_source_type: officialRegister
    source: "A6 http://regional.chinadaily.com.cn/shanghaipudong/chinashftz/2025-02/28/c_1076115.htm"
  - name: "No Code Seed Co"
    state: approved
    date: 2025-02-26
    source: "A6 http://regional.chinadaily.com.cn/shanghaipudong/chinashftz/2025-02/28/c_1076115.htm"
figures: []
YAML
	expect seed-uscc 0 "seeded 2 records" -- seed "$TMP/seed-uscc.yaml" $SD --token "$(R init $SD 2>/dev/null | head -1)"
	R export --format bods $SD >"$TMP/$BE-seed-uscc.bods"
	[ "$(json_get "$TMP/$BE-seed-uscc.bods" "[(s['source']['type'], [i['scheme'] for i in s['recordDetails']['identifiers']]) for s in j]")" = \
		"[(['thirdParty', 'officialRegister'], ['CN-USCI']), (['thirdParty'], [])]" ] && ok ||
		bad "$BE seed: a code read in the register is marked so; a record without a code claims nothing"
	sed 's/uscc_source_type: officialRegister/uscc_source_type: gazette/' "$TMP/seed-uscc.yaml" >"$TMP/seed-bad.yaml"
	SD=$(store seedbad)
	expect seed-uscc-bad 2 "seed-bad.yaml:13:23: record 'Register Seed Co': unknown USCC source type 'gazette'" -- \
		seed "$TMP/seed-bad.yaml" $SD --token "$(R init $SD 2>/dev/null | head -1)"
}

for BE in $BACKENDS; do
	if [ "$BE" = pg ]; then
		if [ "${KF_REGISTRY_NO_PG:-0}" = 1 ]; then
			echo "registry: PostgreSQL skipped (KF_REGISTRY_NO_PG=1)"
			continue
		fi
		PGDIR=$(mktemp -d /tmp/kf-pg-XXXXXX)
		chmod 755 "$PGDIR"
		if ! PGCONN=$(tools/pg-cluster.sh start "$PGDIR/cluster"); then
			bad "pg: the PostgreSQL cluster did not start"
			continue
		fi
		PGDIR="$PGDIR/cluster"
	fi
	suite
	licences
done
finish
