#!/bin/sh
# make lint: formatting (clang-format, .clang-format) and static analysis (cppcheck).
# Exits non-zero on any finding.
set -u
cd "$(dirname "$0")/.." || exit 2
files=$(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 'tests/unit/*.c' 'bench/*.c' 2>/dev/null)
[ -z "$files" ] && files=$(find src include tests/unit bench -name '*.[ch]' 2>/dev/null)
rc=0
if command -v clang-format >/dev/null 2>&1; then
	if ! clang-format --dry-run --Werror $files >/tmp/kf-lint-format.txt 2>&1; then
		echo "lint: clang-format: these files are not formatted (run: clang-format -i FILE):" >&2
		grep -o '^[^:]*\.[ch]' /tmp/kf-lint-format.txt | sort -u >&2
		rc=1
	fi
else
	echo "lint: clang-format not installed; skipping the format check" >&2
fi
if command -v cppcheck >/dev/null 2>&1; then
	if ! cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--suppress=missingIncludeSystem --inline-suppr -Iinclude -Isrc $files 2>/tmp/kf-lint-cppcheck.txt; then
		echo "lint: cppcheck found problems:" >&2
		cat /tmp/kf-lint-cppcheck.txt >&2
		rc=1
	fi
else
	echo "lint: cppcheck not installed; skipping static analysis" >&2
fi
[ $rc -eq 0 ] && echo "lint: ok"
exit $rc
