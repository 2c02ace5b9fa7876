#!/bin/bash
# The CLI golden run and a few commands under valgrind (memcheck) on the
# normal build (STYLE.md point 12: sanitizers and valgrind both). Exits
# non-zero on any memory error or definite leak.
set -u
cd "$(dirname "$0")/.." || exit 2
K=${1:-build}/kaifang
command -v valgrind >/dev/null || ./tools/install-deps.sh valgrind || exit 1
VG="valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect"
pass=0
fail=0
t() {
	if $VG "$@" >/dev/null 2>/tmp/kf-vg.err; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL under valgrind: $*" >&2
		head -30 /tmp/kf-vg.err >&2
	fi
}
# t2: a command that must refuse its input (exit 2) without a memory error
t2() {
	$VG "$@" >/dev/null 2>/tmp/kf-vg.err
	if [ $? -eq 2 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL under valgrind (expected exit 2): $*" >&2
		head -30 /tmp/kf-vg.err >&2
	fi
}
printf 'service,region,date,foreign_share\nip-vpn,Hangzhou,2025-06-01,50\nidc,Shanghai,2025-06-01,100\nbogus,x,2025-13-01,\n' >/tmp/kf-vg.csv
t "$K" check rulebooks/cn-telecom
t "$K" explain -s idc -r Shanghai -d 2025-06-01 -f 100 --json
t "$K" decide -s ip-vpn -r Hangzhou -d 2025-06-01 -o -O tests/data/ownership/decide-holdco -a X
t "$K" matrix -d 2024-06-01
t "$K" matrix -d 2025-06-01 --regions pilot-20,310000 --services ip-vpn,idc --json
t "$K" list measures --json
t2 "$K" matrix --regions Beijing --services , # issue 8 item 10: read uninitialised memory
t2 "$K" matrix --regions Beijing,"Hong Kong" --services idc
t "$K" batch /tmp/kf-vg.csv
# issue 12: the memo in Chinese, the full columns into an XLSX workbook
t "$K" explain -s ip-vpn -r Hangzhou -d 2025-06-01 -f 49 --format html --lang zh
t "$K" batch --columns full /tmp/kf-vg.csv -o /tmp/kf-vg.xlsx
t "$K" ownership tests/data/ownership/cycle-2-2 --all --json
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
