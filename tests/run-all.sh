#!/bin/bash
# Runs every test suite against the build in $1 (default build/; `make test`
# passes build/asan, built with AddressSanitizer and UBSan):
#   unit tests (cmocka), golden decision cases (kaifang check), CLI tests
#   (tests/cli/*.sh), server tests (tests/server/*.sh), fuzz corpus replay.
# Each suite prints its own "N passed, M failed"; the last line is the total.
set -u
cd "$(dirname "$0")/.." || exit 2
B=${1:-build}
export KAIFANG="$PWD/$B/kaifang"
export KF_BUILD="$PWD/$B"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0
failed=0
failures=""

suite() { # name, command...
	local name=$1
	shift
	echo "== $name"
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures="$failures $name"
		echo "FAILED: $name" >&2
	fi
}

for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	suite "unit $(basename "$t")" "$t"
done
suite "golden cn-telecom" "$KAIFANG" check rulebooks/cn-telecom
suite "golden mini" "$KAIFANG" check tests/data/rulebooks/mini
suite "golden cn-services" "$KAIFANG" check rulebooks/cn-services
suite "golden beyond" "$KAIFANG" check tests/data/rulebooks/beyond
for s in tests/cli/*.sh tests/server/*.sh; do
	[ -f "$s" ] || continue
	suite "$(basename "$(dirname "$s")")/$(basename "$s")" bash "$s"
done
for f in "$B"/fuzz-replay-*; do
	[ -x "$f" ] || continue
	n=${f##*/fuzz-replay-}
	suite "fuzz replay $n" "$f" "tests/fuzz/corpus/$n"
done
echo
[ -n "$failures" ] && echo "failed suites:$failures"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
