# Shared helpers for the CLI test scripts (sourced). KAIFANG is the binary.
: "${KAIFANG:=build/kaifang}"
PASS=0
FAIL=0
TMP=$(mktemp -d /tmp/kf-cli-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# run: runs the command, keeping stdout, stderr and the exit code.
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
}

ok() { PASS=$((PASS + 1)); }
bad() {
	FAIL=$((FAIL + 1))
	echo "FAIL: $1" >&2
	echo "  stdout: $(head -c 600 "$TMP/out")" >&2
	echo "  stderr: $(head -c 600 "$TMP/err")" >&2
}

# expect_rc NAME CODE
expect_rc() { [ "$RC" -eq "$2" ] && ok || bad "$1: exit $RC, expected $2"; }
# expect_out NAME TEXT (fixed string in stdout)
expect_out() { grep -qF -- "$2" "$TMP/out" && ok || bad "$1: stdout lacks '$2'"; }
# expect_err NAME TEXT (fixed string in stderr)
expect_err() { grep -qF -- "$2" "$TMP/err" && ok || bad "$1: stderr lacks '$2'"; }

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
