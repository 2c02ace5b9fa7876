#!/bin/bash
# CLI tests of the views for people in English and Chinese (--lang), the memo
# (explain --format md|html, --output), the full batch columns, XLSX output
# read back and compared cell by cell with the CSV output, and CSV exported
# from Excel (docs/batch.md "From Excel"). Issue 12.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh
K="$KAIFANG"
CN=rulebooks/cn-telecom
MINI=tests/data/rulebooks/mini
export KAIFANG_NOW=2025-06-01T01:30:00Z # 09:30 in Beijing

# ---- Chinese text: the rulebook's names and the sentences around them ----
run $K decide -R $CN -s ip-vpn -r Hangzhou -d 2025-06-01 -f 49 --lang zh
expect_rc "decide --lang zh" 0
head -1 "$TMP/out" | grep -qx "允许" && ok || bad "zh: first line is the outcome word 允许"
expect_out "zh service name" "B13 国内互联网虚拟专用网业务"
expect_out "zh place name" "地点 杭州市 Hangzhou（330100）"
expect_out "zh cap" "外资比例上限：不超过 50%"
expect_out "zh certainty" "确定性：不确定"
expect_out "zh citation title" "加快推进服务业扩大开放综合试点工作方案"
expect_out "zh rulebook line" "规则集：cn-telecom"
grep -q "Maximum foreign share" "$TMP/out" && bad "zh text has no English labels" || ok
run $K decide -R $CN -s ip-vpn -r Hangzhou -d 2025-06-01 -f 60 --lang zh
head -1 "$TMP/out" | grep -qx "不允许：超过外资比例上限" && ok || bad "zh: exceeds cap word"
expect_out "zh alternative" "外资比例不超过 50% 时允许"
run $K explain -R $CN -s ip-vpn -r Hangzhou -d 2024-06-01 -f 50 --outside-zones --lang zh
head -1 "$TMP/out" | grep -qx "不允许：未对外资开放" && ok || bad "zh: closed word"
expect_out "zh trace sentence" "不适用于投资者类别 foreign"
expect_out "zh alternative date" "  - 自 2025-04-11 起允许（不确定）"
expect_out "zh alternative investor" "投资者类别为 hk-cepa（符合CEPA规定的香港服务提供者）时允许"
expect_out "zh alternative region" "在 浙江自贸试验区杭州片区（zhejiang-ftz-hangzhou）注册时允许（不确定）"
run $K decide -R $CN -s idc -r Shanghai -d 2025-06-01 --lang zh
expect_out "zh indeterminate" "视情况而定（取决于地址是否位于区内）"
expect_out "zh zone name" "临港新片区"
run $K decide -R $CN -s idc -r Shanghai -d 2025-06-01 --lang fr
expect_rc "bad --lang" 2
expect_err "bad --lang names the languages" "expected en or zh"
# English stays the default and --lang en gives the same bytes
run $K explain -R $CN -s ip-vpn -r Hangzhou -d 2025-06-01 -f 49
cp "$TMP/out" "$TMP/en1"
run $K explain -R $CN -s ip-vpn -r Hangzhou -d 2025-06-01 -f 49 --lang en
cmp -s "$TMP/out" "$TMP/en1" && ok || bad "--lang en is the default text"
run $K matrix -R $CN --date 2025-06-01 --regions Hangzhou,Shanghai --lang zh
expect_out "zh matrix place" "杭州市 330100"
expect_out "zh matrix depends" "视区而定"
expect_out "zh matrix legend" "单元格：外资比例上限"

# ---- the memo -------------------------------------------------------------------
run $K explain -R $CN -s ip-vpn -r Hangzhou -d 2025-06-01 -f 49 --format md
expect_rc "memo md" 0
expect_out "memo asked at (KAIFANG_NOW in Beijing)" "Asked on 2025-06-01 09:30:00 (China Standard Time, UTC+8)"
expect_out "memo question" "| **Service** | B13 Domestic internet virtual private network services (国内互联网虚拟专用网业务) |"
expect_out "memo full URL" "<http://www.339778.com/dongtai/yaowen/202504/t20250423_3561819.shtml> | no (mirror) |"
expect_out "memo sha" "| **SHA-256** | $(sed -n 's/.*sha256 \([0-9a-f]\{64\}\)$/\1/p' "$TMP/en1") |"
expect_out "memo replay" "kaifang explain --rulebook DIR --service B13 --region 330100 --date 2025-06-01 --investor foreign --foreign-share 49"
# the replay command, run, gives the answer the memo states
cmd=$(grep '^kaifang explain' "$TMP/out" | sed "s|^kaifang|$K|; s|DIR|$CN|")
$cmd > "$TMP/replay" && cmp -s "$TMP/replay" "$TMP/en1" && ok || bad "the memo's replay command gives the same answer"
run $K explain -R $CN -s ip-vpn -r Hangzhou -d 2025-06-01 -f 49 --format html --lang zh --output "$TMP/memo.html"
expect_rc "memo html --output" 0
[ ! -s "$TMP/out" ] && ok || bad "--output leaves stdout empty"
python3 - "$TMP/memo.html" <<'PY' && ok || bad "memo html is well-formed XML (polyglot XHTML5) with the citations"
import sys, xml.dom.minidom as m
s = open(sys.argv[1], encoding="utf-8").read()
d = m.parseString(s.replace("<!DOCTYPE html>", "", 1))
links = [a.getAttribute("href") for a in d.getElementsByTagName("a")]
assert "http://www.339778.com/dongtai/yaowen/202504/t20250423_3561819.shtml" in links, links
assert d.documentElement.getAttribute("lang") == "zh-Hans"
assert "@media print" in s and "<script" not in s and "http-equiv" not in s
assert "查询时间：2025-06-01 09:30:00（北京时间，UTC+8）" in s
assert "允许" in s and "杭州市" in s
PY
# escaping: a rulebook text with markup characters comes out as text
run $K explain -R $MINI -s ip-vpn -r 310000 -d 2024-01-01 --format html
python3 -c "import sys,xml.dom.minidom as m; m.parseString(open(sys.argv[1]).read().replace('<!DOCTYPE html>','',1))" "$TMP/out" && ok || bad "mini memo is well-formed"
run $K explain -R $CN -s ip-vpn -r Hangzhou --format pdf
expect_rc "bad --format" 2
run $K explain -R $CN -s ip-vpn -r Hangzhou --format html --json
expect_rc "--json with --format html" 2
run $K explain -R $CN -s ip-vpn -r Hangzhou --format html --output /no/such/dir/m.html
expect_rc "unwritable --output" 2
expect_err "unwritable --output says so" "cannot write '/no/such/dir/m.html'"

# ---- batch: full columns, the same values in CSV, JSON Lines and XLSX -----
printf 'deal,service,region,date,foreign_share,note\nd1,ip-vpn,Hangzhou,2025-06-01,49,"a, b"\nd2,ip-vpn,Hangzhou,2025-06-01,60,\nd3,idc,Shanghai,2025-06-01,,\nd4,ipvnp,Hangzhou,2025-06-01,50,x\nd5,app-store,上海,2025-06-01,49.5,\n' > "$TMP/in.csv"
run $K batch -R $CN --columns full "$TMP/in.csv"
expect_rc "batch --columns full" 0
head -1 "$TMP/out" | grep -qx 'deal,service,region,date,foreign_share,note,outcome,max_foreign_share,cap,certainty,uncertain_reasons,binding,citations,conditions,alternatives,missing_facts,notices,error' && ok || bad "full header"
cp "$TMP/out" "$TMP/full.csv"
python3 - "$TMP/full.csv" <<'PY' && ok || bad "full CSV values"
import csv, sys
r = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert r[0]["note"] == "a, b" and r[0]["outcome"] == "permitted" and r[0]["cap"] == "<=50"
assert "<http://www.339778.com/dongtai/yaowen/202504/t20250423_3561819.shtml> [mirror (not the official text)]" in r[0]["citations"]
assert "[registered-capital]" in r[0]["conditions"]
assert r[1]["outcome"] == "exceeds_cap" and r[1]["alternatives"] == "permitted at a foreign share of at most 50%"
assert r[2]["outcome"] == "indeterminate" and "shanghai-lingang" in r[2]["missing_facts"].split(";")
assert r[3]["outcome"] == "" and r[3]["error"].startswith("service: unknown service 'ipvnp'")
assert r[0]["uncertain_reasons"].startswith("wp2025-ipvpn-cap: ")
PY
run $K batch -R $CN --columns full --format csv - < "$TMP/in.csv"
cmp -s "$TMP/out" "$TMP/full.csv" && ok || bad "full CSV from stdin, the same bytes"
python3 -c "
import csv,json,sys
for r in csv.DictReader(open(sys.argv[1],newline='',encoding='utf-8')):
    o={k:r[k] for k in ('deal','service','region','date','foreign_share') if r[k]}
    print(json.dumps(o,ensure_ascii=False))" "$TMP/in.csv" > "$TMP/in.jsonl"
run $K batch -R $CN --columns full "$TMP/in.jsonl"
expect_rc "batch jsonl --columns full" 0
python3 - "$TMP/out" "$TMP/full.csv" <<'PY' && ok || bad "JSON Lines full columns carry the CSV's values"
import csv, json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
want = list(csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8")))
seps = {"uncertain_reasons": " | ", "binding": ";", "citations": " | ", "conditions": " | ",
        "alternatives": " | ", "missing_facts": ";", "notices": " | "}
for j, c in zip(rows, want):
    for k, sep in seps.items():
        assert sep.join(j[k]) == c[k], (k, j[k], c[k])
    assert (j["outcome"] or "") == c["outcome"]
    cap = j["cap"]
    assert ("" if cap is None else cap["op"] + str(cap["value"])) == c["cap"]
    assert ("" if j["max_foreign_share"] is None else str(j["max_foreign_share"])) == c["max_foreign_share"]
PY
for cols in basic full; do
	run $K batch -R $CN --columns $cols "$TMP/in.csv" -o "$TMP/$cols.xlsx"
	expect_rc "batch xlsx $cols" 0
	run $K batch -R $CN --columns $cols "$TMP/in.csv"
	cp "$TMP/out" "$TMP/$cols.csv"
	run python3 tests/cli/xlsx_cells.py "$TMP/$cols.xlsx" "$TMP/$cols.csv"
	expect_out "xlsx $cols: every cell equals the CSV output" "equal 6x"
done
run python3 tests/cli/xlsx_cells.py "$TMP/full.xlsx" --sheet2
expect_out "xlsx rulebook sheet: id" "rulebook=cn-telecom"
expect_out "xlsx rulebook sheet: sha256" "sha256=$(sed -n 's/.*sha256 \([0-9a-f]\{64\}\)$/\1/p' "$TMP/en1")"
expect_out "xlsx rulebook sheet: columns" "columns=full"
run python3 tests/cli/xlsx_cells.py "$TMP/full.xlsx" --frozen
expect_out "xlsx header row frozen" "ySplit=1 state=frozen"
unzip -p "$TMP/full.xlsx" xl/worksheets/sheet1.xml | grep -q '<col min="1" max="1" width=' && ok || bad "xlsx columns sized"
run $K batch -R $CN --output-format xlsx "$TMP/in.jsonl" -o "$TMP/j.xlsx"
expect_rc "xlsx from JSON Lines is refused" 2
expect_err "xlsx from JSON Lines says why" "XLSX output is written from CSV input"
run $K batch -R $CN --output-format pdf "$TMP/in.csv"
expect_rc "bad --output-format" 2
run $K batch -R $CN --columns most "$TMP/in.csv"
expect_rc "bad --columns" 2
printf 'service,region,date,certainty\nidc,Shanghai,2025-06-01,x\n' > "$TMP/clash.csv"
run $K batch -R $CN --columns full "$TMP/clash.csv"
expect_rc "a full answer column name in the header" 2
run $K batch -R $CN "$TMP/clash.csv"
expect_rc "certainty is a basic column too" 2
printf 'service,region,date,citations\nidc,Shanghai,2025-06-01,x\n' > "$TMP/clash2.csv"
run $K batch -R $CN "$TMP/clash2.csv"
expect_rc "citations is not a basic column: passed through" 0

# ---- services answers in Chinese: requirements, the answer in words, lapsed ----
SV=rulebooks/cn-services
run $K decide -R $SV -s social-survey -r sichuan-ftz-tianfu -d 2025-06-01 -f 33 --lang zh
expect_rc "services decide --lang zh" 0
expect_out "zh in words with the floor" "概括：允许，须中方持股比例不低于 67%（外资比例不超过 33%）"
expect_out "zh floor requirement" "  - 必须【中方持股下限】须中方持股比例不低于 67%（外资比例不超过 33%）（ftz2021-social-survey-floor）"
grep -q "In words\|Requirements:" "$TMP/out" && bad "zh services text has no English headings" || ok
run $K decide -R $SV -s social-survey -r sichuan-ftz-tianfu -d 2025-06-01 -f 33
expect_out "en in words" "In words: permitted with a Chinese share of at least 67% (a foreign share of at most 33%)"
run $K decide -R $SV -s non-profit-elderly-care -r 110000 -d 2023-01-01 --lang zh
expect_out "zh lapsed heading" "在此日期前已失效："
expect_out "zh lapsed line" "  - beijing2019-eldercare，2022-01-30 终止："
run $K decide -R $SV -s 5611 -r Chengdu -d 2025-06-01 -f 20 --lang zh
expect_out "zh control and group cap" "概括：允许，须中方控股（外资比例低于 50%）；每一外国投资者及其关联方持股比例不超过 25%"

# ---- the memo of a services answer: in words, requirements, lapsed ([S-10], [S-11]) ----
# every requirement and lapsed measure of decide --json appears in the memo's
# list under its heading, in html and md, en and zh
for lang in en zh; do
	for fmt in html md; do
		$K --sector services explain -s 8411 -r Suzhou -d 2025-06-01 -f 100 --format $fmt --lang $lang > "$TMP/sv.$fmt.$lang" 2>"$TMP/err" || bad "services memo $fmt $lang exits 0"
		$K --sector services explain -s non-profit-elderly-care -r 110000 -d 2023-01-01 --format $fmt --lang $lang > "$TMP/lp.$fmt.$lang" 2>"$TMP/err" || bad "lapsed memo $fmt $lang exits 0"
	done
done
$K --sector services decide -s 8411 -r Suzhou -d 2025-06-01 -f 100 --json > "$TMP/sv.json"
$K --sector services decide -s non-profit-elderly-care -r 110000 -d 2023-01-01 --json > "$TMP/lp.json"
$K --sector services decide -s 8411 -r Suzhou -d 2025-06-01 -f 100 --lang zh > "$TMP/sv.zh.txt"
python3 - "$TMP" <<'PY' && ok || bad "services memo: in words, requirements and lapsed as decide --json and the zh text say them"
import json, sys, xml.dom.minidom as m
T = sys.argv[1]
def items(path, heading):
    """The <li> texts of the list after <h3>heading</h3> (html) or '### heading' (md)."""
    s = open(path, encoding="utf-8").read()
    if ".md." in path:
        part = s.split("### " + heading + "\n\n", 1)
        assert len(part) == 2, (path, heading)
        out = []
        for line in part[1].split("\n"):
            if not line.startswith("- "):
                break
            out.append(line[2:].replace("\\[", "[").replace("\\]", "]"))
        return out, s
    d = m.parseString(s.replace("<!DOCTYPE html>", "", 1))
    for h in d.getElementsByTagName("h3"):
        if h.firstChild and h.firstChild.data == heading:
            ul = h.nextSibling
            while ul.nodeType != ul.ELEMENT_NODE:
                ul = ul.nextSibling
            assert ul.tagName == "ul"
            return ["".join(t.data for t in li.childNodes) for li in ul.getElementsByTagName("li")], s
    raise AssertionError((path, heading, "no such heading"))
sv = json.load(open(T + "/sv.json"))
lp = json.load(open(T + "/lp.json"))
assert len(sv["requirements"]) == 3 and sv["in_words"] and len(lp["lapsed"]) == 1
zh_text = open(T + "/sv.zh.txt", encoding="utf-8").read()
for fmt in ("html", "md"):
    # English: the engine's words
    got, s = items("%s/sv.%s.en" % (T, fmt), "Requirements")
    assert len(got) == 3, got
    for r, g in zip(sv["requirements"], got):
        assert g.startswith("required [%s] %s" % (r["kind"], r["text"])), (g, r)
        assert g.endswith("(%s)%s" % (r["measure"], "; the answer holds only if it does" if r.get("decides") else "")), g
    assert "In words: " + sv["in_words"] in s, "in words"
    got, s = items("%s/lp.%s.en" % (T, fmt), "Lapsed before this date")
    l = lp["lapsed"][0]
    assert got == ["%s, ended %s: %s" % (l["measure"], l["until"], l["summary"])], got
    # Chinese: the lines of the zh text view, without its layout
    got, s = items("%s/sv.%s.zh" % (T, fmt), "要求")
    assert len(got) == 3, got
    for r, g in zip(sv["requirements"], got):
        assert "  - " + g + "\n" in zh_text, g
        assert r["text"] in g and "（%s）" % r["measure"] in g, g
    w = [x for x in zh_text.split("\n") if x.startswith("概括：")]
    assert len(w) == 1 and w[0] in s, w
    got, s = items("%s/lp.%s.zh" % (T, fmt), "在此日期前已失效")
    assert got == ["%s，%s 终止：%s" % (l["measure"], l["until"], l["summary"])], got
    assert "Requirements" not in open("%s/sv.%s.zh" % (T, fmt), encoding="utf-8").read()
PY
# a telecom answer has none of these sections
run $K explain -R $CN -s ip-vpn -r Hangzhou -d 2025-06-01 -f 49 --format md
grep -q "### Requirements\|### Lapsed\|In words:" "$TMP/out" && bad "telecom memo has no requirements/lapsed/in-words" || ok

# ---- the timeline in Chinese (--lang) ------------------------------------------
run $K timeline -R $CN -s ip-vpn -r 330100 --from 2020-01-01 --lang zh
expect_rc "timeline --lang zh" 0
expect_out "zh timeline heading" "国内互联网虚拟专用网业务（B13）的时间线，投资者 foreign，未给出外资比例（按上限）"
expect_out "zh timeline place" "杭州市 Hangzhou（330100），2020-01-01 至 无限期：6 个时段，8 次判定"
grep -qF "  2025-04-11 – 无限期      允许          上限 50      不确定    适用 wp2025-ipvpn-cap" "$TMP/out" && ok || bad "zh timeline period padded by display width"
grep -q "Periods are\|binding" "$TMP/out" && bad "zh timeline has no English sentences" || ok
$K timeline -R $CN -s ip-vpn -r 330100 --from 2020-01-01 > "$TMP/tl-default" 2>&1
$K timeline -R $CN -s ip-vpn -r 330100 --from 2020-01-01 --lang en > "$TMP/tl-en" 2>&1
cmp -s "$TMP/tl-default" "$TMP/tl-en" && ok || bad "timeline --lang en is the default text"
grep -qF "  2025-04-11 – open        permitted     max 50      uncertain binding wp2025-ipvpn-cap" "$TMP/tl-en" && ok || bad "en timeline period line"
run $K timeline -R $CN -s ip-vpn -r 330100 --lang fr
expect_rc "timeline --lang fr" 2
expect_err "timeline --lang fr says what is expected" "expected en or zh"

# ---- CSV exported from Excel (docs/batch.md "From Excel") --------------------
printf '\357\273\277sep=;\r\ndeal;service;region;date;foreign_share;;\r\nd1;ip-vpn;Hangzhou;2025-06-01;49,5;;\r\nd2;ip-vpn;Hangzhou;45809;50;;\r\nd3;ip-vpn;Hangzhou;2025-06-01;50%%;;\r\nd4;ip-vpn;Hangzhou;06/01/2025; 49 ;;\r\n' > "$TMP/excel.csv"
run $K batch -R $CN "$TMP/excel.csv"
expect_rc "Excel CSV" 0
head -1 "$TMP/out" | grep -q $'^sep=;\r$' && ok || bad "the sep= line is echoed, without the BOM"
sed -n 2p "$TMP/out" | grep -q $'^deal;service;region;date;foreign_share;;;outcome;' && ok || bad "semicolon header with trailing empty columns kept"
expect_out "decimal comma refused with the reason" "a decimal comma is not read"
expect_out "date serial named" "it looks like a spreadsheet's date serial (in Excel's 1900 system 2025-06-01)"
grep -q $'^d3;ip-vpn;Hangzhou;2025-06-01;50%;;;permitted;50;<=50;' "$TMP/out" && ok || bad "a percent cell 50% is read as 50"
expect_out "a locale date with slashes is refused" "a date with '/' is read differently by each locale"
grep -q $'\r$' "$TMP/out" && ok || bad "CRLF kept"
run $K batch -R $CN --delimiter , "$TMP/excel.csv"
expect_rc "sep= against --delimiter" 2
expect_err "sep= against --delimiter says so" "the file says 'sep=;' but --delimiter gives ','"
finish
