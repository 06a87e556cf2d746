#!/usr/bin/env bash
# make check: run every unit-test program and every bats file, all speaking
# TAP, and close with one line "N passed, M failed, K skipped".
# Usage: run-tests.sh BUILD_DIR UNIT_TEST_BINARIES...
set -uo pipefail

build=$1
shift
pass=0 fail=0 skip=0
log=$build/test-logs
mkdir -p "$log"

# count one TAP stream from stdin, echoing it
count_tap() {
    local name=$1 line
    while IFS= read -r line; do
        printf '%s\n' "$line"
        case "$line" in
            "not ok"*"# TODO"*) skip=$((skip + 1)) ;;
            "not ok"*) fail=$((fail + 1)); failed_names+=("$name: ${line#not ok }") ;;
            "ok"*"# skip"*|"ok"*"# SKIP"*) skip=$((skip + 1)) ;;
            "ok"*) pass=$((pass + 1)) ;;
        esac
    done
}

failed_names=()
for t in "$@"; do
    echo "# unit: $t"
    out=$log/$(basename "$t").tap
    "$t" >"$out" 2>"$log/$(basename "$t").stderr"
    status=$?
    before=$((pass + fail + skip))
    count_tap "$t" <"$out"
    ran=$((pass + fail + skip - before))
    plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$out" | head -n 1)
    # a test program that crashed, stopped early or failed without saying so still fails
    if [ "$status" -ne 0 ] && [ "$ran" -eq 0 ] || [ -n "$plan" ] && [ "$ran" -lt "$plan" ] ||
       [ -z "$plan" ]; then
        fail=$((fail + 1))
        failed_names+=("$t: exit status $status, ran $ran of ${plan:-an unknown number of} tests")
        tail -n 5 "$log/$(basename "$t").stderr" | sed 's/^/#   /'
    fi
done

for b in rootfs-tests/*.bats; do
    [ -e "$b" ] || continue
    echo "# bats: $b"
    count_tap "$b" < <(BUILD="$build" bats --tap "$b" 2>&1)
done

# the portable guest programs once more, built for and run on aarch64
if [ -x "$build/runtime-aarch64" ]; then
    echo "# bats: rootfs-tests/progs.bats (aarch64)"
    count_tap "progs.bats (aarch64)" < <(BUILD="$build" RUNNER="$build/runtime-aarch64" \
        GUEST_DIR="$build/guest/aarch64" bats --tap rootfs-tests/progs.bats 2>&1)
fi

# and linked dynamically against the cross toolchains' glibc, on both guests
for g in riscv64 aarch64; do
    [ -x "$build/runtime-$g" ] && [ -d "$build/guest/$g-dyn" ] || continue
    echo "# bats: rootfs-tests/progs.bats ($g, dynamic)"
    count_tap "progs.bats ($g, dynamic)" < <(BUILD="$build" \
        RUNNER="$build/runtime-$g -L /usr/$g-linux-gnu" GUEST_DIR="$build/guest/$g-dyn" \
        bats --tap rootfs-tests/progs.bats 2>&1)
done

if [ ${#failed_names[@]} -gt 0 ]; then
    echo "# failures:"
    printf '#   %s\n' "${failed_names[@]}"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
