#!/bin/bash
# Browser test of the sector choice (tests/server/browser_sectors.mjs) on a
# server holding both shipped rulebooks; as tests/server/test_browser.sh, with
# Debian's chromium and playwright-core. Screenshots: $KF_BUILD/browser-services-*.png.
# Prints "N passed, M failed"; exits non-zero on failure.
source "$(dirname "$0")/lib/server.bash"
need node nodejs
need npm npm
./tools/install-deps.sh chromium fonts-wqy-microhei || {
	echo "cannot install chromium"
	echo "0 passed, 1 failed"
	exit 1
}
if [ ! -d tests/server/node_modules/playwright-core ]; then
	(cd tests/server && npm ci --no-audit --no-fund >/dev/null 2>&1 ||
		npm install --no-audit --no-fund >/dev/null) || {
		echo "npm install failed in tests/server"
		echo "0 passed, 1 failed"
		exit 1
	}
fi
SHOTS=${KF_BUILD:-$PWD/build}
mkdir -p "$SHOTS"
echo "screenshots: $SHOTS/browser-services-ask.png browser-services-compare.png" >&2
start_server sectors --rulebook rulebooks/cn-telecom --rulebook rulebooks/cn-services --web web --quiet
node tests/server/browser_sectors.mjs "http://127.0.0.1:$PORT" "$SHOTS"
rc=$?
stop_server "$PID"
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
