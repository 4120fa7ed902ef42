#!/usr/bin/env bash
# Sums the TRX counters of a test run into one closing line, "tests: N passed, N failed, N skipped", and fails (exit 1,
# the reasons on stderr) on any failed, skipped or not-run test (notExecuted, or fewer executed than counted), on a
# number of result files other than the number of test projects, and when nothing passed.
# Usage: bash build/trx-summary.sh RESULTS_DIR EXPECTED_TRX_FILES
set -euo pipefail
results=$1 expected=$2

passed=0 failed=0 skipped=0 notrun=0 trxs=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  trxs=$((trxs + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)
  get() { local n; n=$(echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || true); echo "${n:-0}"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted) + $(get inconclusive) + $(get notRunnable)))
  notrun=$((notrun + $(get total) - $(get executed)))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"

problems=()
[ "$passed" -gt 0 ] || problems+=("no test passed")
[ "$failed" -eq 0 ] || problems+=("$failed test(s) failed")
[ "$skipped" -eq 0 ] || problems+=("$skipped test(s) skipped")
[ "$notrun" -eq 0 ] || problems+=("$notrun test(s) counted but not executed")
[ "$trxs" -eq "$expected" ] || problems+=("$trxs result file(s) for $expected test project(s)")
if [ "${#problems[@]}" -gt 0 ]; then
  printf '%s\n' "${problems[@]}" >&2
  exit 1
fi
