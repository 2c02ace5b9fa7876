#!/bin/bash
# kaifang timeline and kaifang diff (docs/cli.md): the golden steps of
# cn-telecom (tests/data/timeline/cn-telecom-steps.yaml, tests/timeline/steps.py),
# text and JSON, several places, the edition diff on the mini/mini-b pair and
# the refusals with their exit codes. Prints "N passed, M failed".
source "$(dirname "$0")/lib.sh"
CN=rulebooks/cn-telecom
MINI=tests/data/rulebooks/mini
MINI_B=tests/data/rulebooks/mini-b

# golden steps: each opening on its day, naming its measure
run python3 tests/timeline/steps.py "$KAIFANG" "$CN" tests/data/timeline/cn-telecom-steps.yaml
expect_rc "golden steps" 0
expect_out "golden steps" "15 passed, 0 failed"

# text: the Notice 107 step in Beijing, with its document
run "$KAIFANG" timeline --service idc --region Beijing
expect_rc "timeline text" 0
expect_out "timeline text" "2024-10-23 – open        permitted     max 100     uncertain"
expect_out "timeline text" "+ np107-idc-open (open, in-force): MIIT Notice on launching the pilot work"
expect_out "timeline text" "https://www.gov.cn/zhengce/zhengceku/202404/content_6944441.htm (official text)"

# JSON: pilot-20 gives one timeline per place; a range and a share
run "$KAIFANG" timeline --service ip-vpn --regions pilot-20 --from 2025-01-01 --to 2026-01-01 --foreign-share 50 --json
expect_rc "timeline pilot-20" 0
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["timelines"]), d["from"], d["to"], d["foreign_share"])' "$TMP/out")
[ "$n" = "20 2025-01-01 2026-01-01 50" ] && ok || bad "pilot-20: '$n'"
expect_out "timeline json" '"until":"2026-01-01"'

# refusals: nearest names, an empty range, a bad date, missing options
run "$KAIFANG" timeline --service ipvnp --region Hangzhou
expect_rc "unknown service" 2
expect_err "unknown service" "kaifang: --service: unknown service 'ipvnp'; nearest known: B13 (ip-vpn)"
run "$KAIFANG" timeline --service ip-vpn --region Hangzou
expect_rc "unknown place" 2
expect_err "unknown place" "kaifang: --region: unknown"
expect_err "unknown place" "330100"
run "$KAIFANG" timeline --service ip-vpn --region Hangzhou --from 2025-01-01 --to 2024-01-01
expect_rc "from after to" 2
expect_err "from after to" "kaifang: --to: the range is empty: 'from' 2025-01-01 is not before 'to' 2024-01-01"
run "$KAIFANG" timeline --service ip-vpn --region Hangzhou --from 2025-02-30
expect_rc "bad date" 2
expect_err "bad date" "kaifang: --from: 'from':"
run "$KAIFANG" timeline --service ip-vpn
expect_rc "no region" 2
expect_err "no region" "--service and --region (or --regions) are required"
run "$KAIFANG" timeline --service ip-vpn --region hainan-ftz --from 2018-07-28 --to 2018-10-01
expect_rc "place not yet" 2
expect_err "place not yet" "exists from 2018-10-16"

# diff between two dates: the Work Plan day
run "$KAIFANG" diff --from 2025-04-10 --to 2025-04-11 --regions 330100 --services ip-vpn,idc --outside-zones
expect_rc "diff dates" 0
expect_out "diff dates" "1 of 2 cells"
expect_out "diff dates" "+ wp2025-ipvpn-cap (cap, announced)"
run "$KAIFANG" diff --from 2025-04-10 --to 2025-04-11 --regions 330100 --services ip-vpn --json
expect_rc "diff dates json" 0
expect_out "diff dates json" '"kind":"dates","from":"2025-04-10","to":"2025-04-11"'
# the kind of each change: the same 50%, uncertain, with the Work Plan's cap
# binding beside Beijing's own is a new legal basis, not a new answer
run "$KAIFANG" diff --from 2024-01-01 --to 2025-06-01 --regions pilot-20
expect_rc "diff kinds" 0
counts=$(grep -c '\[answer changed\]$' "$TMP/out")-$(grep -c '\[only the legal basis changed\]$' "$TMP/out")
expect_out "diff kinds" "${counts%-*} answers changed, ${counts#*-} cells changed only their legal basis"
[ "${counts%-*}" -gt 0 ] && [ "${counts#*-}" -gt 0 ] && ok || bad "diff kinds: both kinds expected, got $counts"
grep -A1 -F 'ip-vpn (B13) in Beijing 北京市 (110000) [only the legal basis changed]' "$TMP/out" | grep -qF '2024-01-01  permitted     max 50*     uncertain binding bj2021-ipvpn-cap' && ok || bad "diff kinds: Beijing IP-VPN basis only, 50*"
run "$KAIFANG" diff --from 2024-01-01 --to 2025-06-01 --regions pilot-20 --changes answer --json
expect_rc "diff changes answer" 0
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["cells"]), d["changed"]["answer"], d["changed"]["basis"], set(c["change"] for c in d["cells"]))' "$TMP/out")
[ "$n" = "${counts%-*} ${counts%-*} ${counts#*-} {'answer'}" ] && ok || bad "diff changes answer: '$n'"
run "$KAIFANG" diff --from 2024-01-01 --to 2025-06-01 --changes basis
expect_rc "diff changes basis" 2
expect_err "diff changes basis" "kaifang: --changes: 'changes' is 'basis'; expected answer"
# --lang zh: the diff's text in Chinese
run "$KAIFANG" diff --from 2025-04-10 --to 2025-04-11 --regions 330100 --services ip-vpn,idc --outside-zones --lang zh
expect_rc "diff zh" 0
expect_out "diff zh" "2025-04-10 与 2025-04-11 之间不同的答案（投资者 foreign）：1 / 2 个单元格"
expect_out "diff zh" "ip-vpn（B13），杭州市 Hangzhou（330100） [答案改变]"
expect_out "diff zh" "  2025-04-11  允许"
run "$KAIFANG" diff --from 2025-04-10 --to 2025-04-11 --lang fr
expect_rc "diff lang fr" 2
# the help says what docs/cli.md says
run "$KAIFANG" diff --help
expect_out "diff help" "(default today in China)"
expect_out "diff help" "--changes answer|all"
run grep -c "today in Beijing" src/cli/cmd_diff.c src/cli/cmd_timeline.c src/cli/cmd_matrix.c
expect_out "help: China, not Beijing" "src/cli/cmd_diff.c:0"

# matrix: headers as wide as they are (no cut), each cell under its header;
# in Chinese a legend names the columns
run "$KAIFANG" matrix --rulebook rulebooks/cn-services --regions Beijing --date 2025-06-01
expect_rc "matrix headers" 0
expect_out "matrix headers" "performance-brokerage"
expect_out "matrix headers" "outbound-travel"
python3 - "$TMP/out" <<'PY' && ok || bad "matrix: a cell not under its header"
import sys, unicodedata
rows = open(sys.argv[1]).read().split("\n")
def starts(line):
    out, col, prev = [], 0, " "
    for ch in line:
        if ch != " " and prev == " ":
            out.append(col)
        col += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        prev = ch
    return out
h, r = starts(rows[0]), starts(rows[1])
sys.exit(0 if len(h) == 5 and h[1:] == r[-4:] else 1)
PY
run "$KAIFANG" matrix --rulebook rulebooks/cn-services --regions Beijing --date 2025-06-01 --lang zh
expect_rc "matrix zh legend" 0
expect_out "matrix zh legend" "列：hospital = 医院；outbound-travel = 中国内地居民出境旅游业务；performance-brokerage = 文化娱乐经纪人"

run "$KAIFANG" diff --from 2025-04-10
expect_rc "diff without to" 2
expect_err "diff without to" "--from and --to are required"
run "$KAIFANG" diff --from 2025-04-10 --to 2025-04-11 --regions Atlantis
expect_rc "diff unknown place" 2
expect_err "diff unknown place" "unknown"

# two editions: mini against mini-b
run "$KAIFANG" diff --rulebook-a "$MINI" --rulebook-b "$MINI_B" --date 2025-06-01 --regions 330100 --services ip-vpn
expect_rc "diff editions" 0
expect_out "diff editions" "measures added 1, removed 1, changed 1"
expect_out "diff editions" "~ pilot-ipvpn-cap: effective_from,cap"
expect_out "diff editions" "a: permitted     max <50"
expect_out "diff editions" "b: permitted     max 45"
run "$KAIFANG" diff --rulebook-a "$MINI" --rulebook-b "$MINI_B" --from 2025-01-01 --to 2026-01-01 --regions 330100 --services ip-vpn --json
expect_rc "diff editions range" 0
expect_out "diff editions range" '"from":"2025-04-11","until":"2025-05-01"'
run "$KAIFANG" diff --rulebook-a "$MINI" --rulebook-b "$MINI" --date 2025-06-01
expect_rc "diff same edition" 0
expect_out "diff same edition" "measures added 0, removed 0, changed 0"
expect_out "diff same edition" "answers that differ: 0 of"
run "$KAIFANG" diff --rulebook-a "$MINI"
expect_rc "diff one edition" 2
expect_err "diff one edition" "--rulebook-a and --rulebook-b go together"
finish
