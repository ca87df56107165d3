#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the tests listed on stdin, one per line: NAME<TAB>COMMAND (run from the
# repository root). Exit status 0 = pass, 77 = skip, anything else = fail.
# Prints one line per test and a closing "N passed, N failed, N skipped".
set -u
logs=${LOOM_TEST_LOGS:-build/test-logs}
mkdir -p "$logs"
pass=0 fail=0 skip=0 failed=()
while IFS=$'\t' read -r name cmd; do
    [ -z "$name" ] && continue
    log="$logs/$name.log"
    mkdir -p "$(dirname "$log")"
    start=$SECONDS
    timeout "${LOOM_TEST_TIMEOUT:-900}" bash -c "$cmd" > "$log" 2>&1 < /dev/null
    rc=$?
    t=$((SECONDS - start))
    if [ $rc -eq 0 ]; then
        pass=$((pass + 1)); printf 'PASS  %-40s %4ds\n' "$name" "$t"
    elif [ $rc -eq 77 ]; then
        skip=$((skip + 1)); printf 'SKIP  %-40s %s\n' "$name" "$(tail -1 "$log")"
    else
        fail=$((fail + 1)); failed+=("$name")
        printf 'FAIL  %-40s %4ds (exit %d)\n' "$name" "$t" "$rc"
        tail -15 "$log" | sed 's/^/      | /'
    fi
done
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
