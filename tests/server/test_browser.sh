#!/bin/bash
# Browser test of the web page (tests/server/browser_check.mjs): Debian's
# chromium driven by playwright-core pinned in tests/server/package.json.
# Screenshots go to $KF_BUILD (build/ or build/asan/) as browser-*.png.
# Prints "N passed, M failed"; exits non-zero on failure.
source "$(dirname "$0")/lib/server.bash"
need node nodejs
need npm npm
# chromium, and a Chinese font so that the screenshots show the Chinese names
./tools/install-deps.sh chromium fonts-wqy-microhei poppler-utils || {
	echo "cannot install chromium"
	echo "0 passed, 1 failed"
	exit 1
}
if [ ! -d tests/server/node_modules/playwright-core ] || [ ! -d tests/server/node_modules/yaml ]; then
	(cd tests/server && npm ci --no-audit --no-fund >/dev/null 2>&1 ||
		npm install --no-audit --no-fund >/dev/null) || {
		echo "npm install failed in tests/server"
		echo "0 passed, 1 failed"
		exit 1
	}
fi
SHOTS=${KF_BUILD:-$PWD/build}
mkdir -p "$SHOTS"
echo "screenshots: $SHOTS/browser-ask.png browser-compare.png browser-explain.png browser-rules.png browser-phone.png browser-measure.png browser-timeline.png browser-diff.png browser-diff-phone.png browser-timeline-phone.png browser-registry.png browser-registry-phone.png browser-ownership.png browser-ownership-phone.png" >&2
start_server main --rulebook tests/data/rulebooks/mini --web web --quiet
MAIN=$PID
MAIN_PORT=$PORT
# a seeded registry for the Registry tab (web/registry.js)
export KF_TOKEN_TEST_COST=1
"$KAIFANG" registry init --db "$TMP/reg.sqlite" >"$TMP/reg.admin" 2>"$TMP/reg.init" || cat "$TMP/reg.init" >&2
ADMIN=$(grep -o 'kft_[0-9a-f]\{16\}_[A-Za-z0-9_-]\{43\}' "$TMP/reg.admin" | head -1)
"$KAIFANG" registry seed --db "$TMP/reg.sqlite" --token "$ADMIN" >/dev/null 2>"$TMP/reg.seed" || cat "$TMP/reg.seed" >&2
# a licence recorded service by service (after 2025-02-28, so the seed's
# figures stay as they are), and an application of the ordinary route
reg() { "$KAIFANG" registry "$@" --db "$TMP/reg.sqlite" --token "$ADMIN" 2>>"$TMP/reg.seed"; }
LIC=$(reg apply --enterprise "Licensed Browser Co" --uscc 91310115MA1FL0AB0P --region 310115 \
	--service B21,B25 --foreign-share 100 --date 2025-03-01 --json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
reg advance "$LIC" --to accepted --date 2025-03-03 >/dev/null
reg advance "$LIC" --to approved --date 2025-03-10 >/dev/null
reg advance "$LIC" --to licence-issued --date 2025-03-15 --licence "沪B2-20250315" \
	--service-area B21=310000 --service-area B25=310000,110000 \
	--service-dates B21=2025-03-15..2030-03-14 --service-dates B25=2025-04-01..2028-03-31 >/dev/null ||
	cat "$TMP/reg.seed" >&2
reg apply --enterprise "Ordinary Route Co" --uscc 91440300MA5G12343E --region 440300 --service B21 \
	--foreign-share 50 --route ordinary --date 2025-03-05 >/dev/null
start_server registry --registry "$TMP/reg.sqlite" --web web --quiet
REG=$PID
node tests/server/browser_check.mjs "http://127.0.0.1:$MAIN_PORT" "$SHOTS" "http://127.0.0.1:$PORT"
rc=$?
stop_server "$REG"
stop_server "$MAIN"
[ "$STOP_RC" -eq 0 ] || {
	echo "FAIL: server exit $STOP_RC" >&2
	rc=1
}
if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$TMP"/*.log; then
	echo "FAIL: sanitizer report in the server log" >&2
	cat "$TMP"/*.log >&2
	rc=1
fi
exit $rc
