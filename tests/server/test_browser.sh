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
echo "screenshots: $SHOTS/browser-ask.png browser-compare.png browser-explain.png browser-rules.png browser-ownership.png browser-ownership-phone.png browser-phone.png browser-measure.png browser-timeline.png browser-diff.png browser-diff-phone.png browser-timeline-phone.png" >&2
start_server main --rulebook tests/data/rulebooks/mini --web web --quiet
node tests/server/browser_check.mjs "http://127.0.0.1:$PORT" "$SHOTS"
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
