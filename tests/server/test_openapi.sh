#!/bin/bash
# Checks every route and response shape of `kaifang serve` against
# docs/api/openapi.yaml (tests/server/openapi_check.mjs, which parses the YAML
# with the `yaml` package pinned in tests/server/package.json).
# Prints "N passed, M failed"; exits non-zero on failure.
source "$(dirname "$0")/lib/server.bash"
need node nodejs
need npm npm
if [ ! -d tests/server/node_modules/yaml ] || [ ! -d tests/server/node_modules/playwright-core ]; then
	(cd tests/server && npm ci --no-audit --no-fund >/dev/null 2>&1 ||
		npm install --no-audit --no-fund >/dev/null) || {
		echo "npm install failed in tests/server"
		echo "0 passed, 1 failed"
		exit 1
	}
fi
start_server main --rulebook tests/data/rulebooks/mini --rulebook rulebooks/cn-services --web web --quiet
MAIN=$PID
MAIN_PORT=$PORT
KAIFANG_SERVER_FAULT=decide start_server fault --rulebook tests/data/rulebooks/mini --web web --quiet
FAULT=$PID
node tests/server/openapi_check.mjs docs/api/openapi.yaml "http://127.0.0.1:$MAIN_PORT" \
	"http://127.0.0.1:$PORT"
rc=$?
stop_server "$MAIN"
stop_server "$FAULT"
if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$TMP"/*.log; then
	echo "FAIL: sanitizer report in a server log" >&2
	cat "$TMP"/*.log >&2
	echo "0 passed, 1 failed"
	exit 1
fi
exit $rc
