#!/bin/bash
# CPython 3.11's own regression tests (Debian's libpython3.11-testsuite) run
# by Debian's arm64 python3.11, once under our runner and once under
# qemu-aarch64-static, module by module; prints both columns and, for each
# module that fails under ours, the failing tests from regrtest's summary.
#   rootfs-tests/cpython/run.sh BUILD_DIR [MODULE...]
#   CPYTHON_TIMEOUT=S   limit per module and emulator (default 900)
# The sysroot is assembled from Debian packages by
# rootfs-tests/abi2/debian-arm64.sh cpython (cached in /var/cache/runtime).
set -u
here=$(cd "$(dirname "$0")" && pwd)
B=$(cd "${1:?usage: run.sh BUILD_DIR [MODULE...]}" && pwd)
shift
MODULES=${*:-"test_os test_signal test_threading test_subprocess test_socket test_select test_mmap
    test_time test_fcntl test_pty test_tempfile test_shutil test_io test_math test_json test_re
    test_struct test_decimal test_sqlite3 test_zlib test_lzma test_bz2 test_hashlib"}
TIMEOUT=${CPYTHON_TIMEOUT:-900}
ROOT=$("$here/../abi2/debian-arm64.sh" cpython) || exit 1
OUT=$(mktemp -d /tmp/cpython-tests.XXXXXX)
PY=$ROOT/usr/bin/python3.11

# one MODULE under WHO: "pass", "fail" or "timeout"; the log kept in $OUT
run_module() {
    local who=$1 m=$2 rc=0
    local log=$OUT/$who.$m.log
    local -a cmd
    case $who in
    ours) cmd=("$B/runtime-aarch64" -L "$ROOT" "$PY") ;;
    qemu) cmd=(env QEMU_LD_PREFIX="$ROOT" qemu-aarch64-static -L "$ROOT" "$PY") ;;
    esac
    (cd "$OUT" && timeout -k 10 "$TIMEOUT" "${cmd[@]}" -m test -q -W "$m") >"$log" 2>&1 || rc=$?
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        echo timeout
    elif [ $rc -eq 0 ] && grep -q 'Tests result: SUCCESS' "$log"; then
        echo pass
    else
        echo fail
    fi
}

declare -A res
po=0; pq=0; n=0
printf '| module | runtime-aarch64 | qemu-aarch64-static |\n| --- | --- | --- |\n'
for m in $MODULES; do
    o=$(run_module ours "$m"); q=$(run_module qemu "$m")
    res[$m]=$o
    n=$((n + 1))
    [ "$o" = pass ] && po=$((po + 1))
    [ "$q" = pass ] && pq=$((pq + 1))
    printf '| %s | %s | %s |\n' "$m" "$o" "$q"
done
printf '| **passed** | **%d of %d** | **%d of %d** |\n\n' $po $n $pq $n
for m in $MODULES; do
    [ "${res[$m]}" = pass ] && continue
    echo "$m under runtime-aarch64 (${res[$m]}):"
    grep -E '^(FAIL|ERROR):|^test_[a-z_]+ (failed|crashed)|Tests result' "$OUT/ours.$m.log" | head -12 | sed 's/^/    /'
done
echo "logs: $OUT"
