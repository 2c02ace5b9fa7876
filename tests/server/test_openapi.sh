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
FAULT_PORT=$PORT
# a seeded registry for the /v1/registry routes (docs/api.md "Registry")
export KF_TOKEN_TEST_COST=1
"$KAIFANG" registry init --db "$TMP/reg.sqlite" >"$TMP/reg.admin" 2>"$TMP/reg.init" || cat "$TMP/reg.init" >&2
export KF_REG_ADMIN=$(grep -o 'kft_[0-9a-f]\{16\}_[A-Za-z0-9_-]\{43\}' "$TMP/reg.admin" | head -1)
"$KAIFANG" registry seed --db "$TMP/reg.sqlite" --token "$KF_REG_ADMIN" >/dev/null 2>"$TMP/reg.seed" || cat "$TMP/reg.seed" >&2
start_server registry --registry "$TMP/reg.sqlite" --web web --quiet
REG=$PID
node tests/server/openapi_check.mjs docs/api/openapi.yaml "http://127.0.0.1:$MAIN_PORT" \
	"http://127.0.0.1:$FAULT_PORT" "http://127.0.0.1:$PORT"
rc=$?
stop_server "$MAIN"
stop_server "$FAULT"
stop_server "$REG"
if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$TMP"/*.log; then
	echo "FAIL: sanitizer report in a server log" >&2
	cat "$TMP"/*.log >&2
	echo "0 passed, 1 failed"
	exit 1
fi
exit $rc
