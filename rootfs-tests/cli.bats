#!/usr/bin/env bats
# The runners' command line: options, help, and bad input.  Every failure a
# user can cause must end in one line "runtime-<arch>: OBJECT: reason" and a
# non-zero exit, never a crash.

setup_file() {
    export TMPD=$(mktemp -d)
    printf '#include <stdio.h>\nint main(int c, char **v) { printf("%%s|%%d\\n", v[0], c); return 0; }\n' \
        > "$TMPD/argv.c"
    riscv64-linux-gnu-gcc -O2 -static -o "$TMPD/argv" "$TMPD/argv.c"
}

teardown_file() {
    rm -rf "$TMPD"
}

R=build/runtime-riscv64

# one_error_line STATUS OUTPUT PATTERN: exactly one line, matching, non-zero status
one_error_line() {
    [ "$1" -ne 0 ] && [ "$1" -lt 128 ] || { echo "status $1"; return 1; }
    [ "$(printf '%s\n' "$2" | wc -l)" -eq 1 ] || { echo "not one line: $2"; return 1; }
    [[ "$2" == $3 ]] || { echo "got: $2"; return 1; }
}

@test "-help and -version" {
    run $R -help
    [ "$status" -eq 0 ]
    [[ "$output" == *"-one-insn-per-tb"* ]]
    run $R -version
    [ "$status" -eq 0 ]
    [[ "$output" == "runtime-riscv64 version "* ]]
}

@test "missing program" {
    run $R "$TMPD/nonexistent"
    one_error_line "$status" "$output" "runtime-riscv64: $TMPD/nonexistent: No such file or directory"
}

@test "a directory" {
    run $R "$TMPD"
    one_error_line "$status" "$output" "runtime-riscv64: $TMPD: is a directory"
}

@test "not an ELF" {
    printf '#!/bin/sh\necho hi\n' > "$TMPD/script.txt"
    run $R "$TMPD/script.txt"
    one_error_line "$status" "$output" "runtime-riscv64: $TMPD/script.txt: *"
}

@test "truncated ELF" {
    head -c 100 "$TMPD/argv" > "$TMPD/trunc"
    run $R "$TMPD/trunc"
    one_error_line "$status" "$output" "runtime-riscv64: $TMPD/trunc: *"
    head -c 4000 "$TMPD/argv" > "$TMPD/trunc2"
    run $R "$TMPD/trunc2"
    one_error_line "$status" "$output" "runtime-riscv64: $TMPD/trunc2: *"
}

@test "an ELF for another machine" {
    run $R /bin/true
    one_error_line "$status" "$output" "runtime-riscv64: /bin/true: is an ELF for x86-64, not riscv64"
}

@test "an ELF with an absurdly large segment" {
    cp "$TMPD/argv" "$TMPD/huge"
    # the first PT_LOAD's p_memsz (at its header + 40) set to 2^50
    phoff=$(od -An -t u8 -j 32 -N 8 "$TMPD/huge" | tr -d ' ')
    phnum=$(od -An -t u2 -j 56 -N 2 "$TMPD/huge" | tr -d ' ')
    local k ph
    for ((k = 0; k < phnum; k++)); do
        ph=$((phoff + 56 * k))
        [ "$(od -An -t u4 -j $ph -N 4 "$TMPD/huge" | tr -d ' ')" = 1 ] && break
    done
    [ "$k" -lt "$phnum" ]
    printf '\x00\x00\x00\x00\x00\x00\x04\x00' |
        dd of="$TMPD/huge" bs=1 seek=$((ph + 40)) conv=notrunc status=none
    run $R "$TMPD/huge"
    one_error_line "$status" "$output" "runtime-riscv64: $TMPD/huge: *"
}

@test "unknown option and missing argument" {
    run $R -frobnicate "$TMPD/argv"
    one_error_line "$status" "$output" "runtime-riscv64: unknown option '-frobnicate'*"
    run $R "$TMPD/argv" -L
    [ "$status" -eq 0 ]     # options after the program belong to the guest
    run $R -L
    one_error_line "$status" "$output" "runtime-riscv64: option -L needs an argument"
    run $R -d nosuchitem "$TMPD/argv"
    one_error_line "$status" "$output" "runtime-riscv64: -d nosuchitem: unknown log item*"
}

@test "-0 sets argv[0], arguments pass through" {
    run $R -0 renamed "$TMPD/argv" a b
    [ "$status" -eq 0 ]
    [ "$output" = "renamed|3" ]
    run env RUNTIME_ARGV0=fromenv $R "$TMPD/argv"
    [ "$output" = "fromenv|1" ]
}

@test "-E and -U edit the guest environment" {
    printf '#include <stdio.h>\n#include <stdlib.h>\nint main(void) { const char *a = getenv("FOO"), *b = getenv("BAR"); printf("%%s %%s\\n", a ? a : "-", b ? b : "-"); return 0; }\n' > "$TMPD/env.c"
    riscv64-linux-gnu-gcc -O2 -static -o "$TMPD/env" "$TMPD/env.c"
    run env BAR=x $R -E FOO=1 -U BAR "$TMPD/env"
    [ "$output" = "1 -" ]
}

@test "-d in_asm,op_opt,out_asm -D writes a log, the guest output is unchanged" {
    run $R -d in_asm,op_opt,out_asm -D "$TMPD/log" "$TMPD/argv"
    [ "$output" = "$TMPD/argv|1" ]
    grep -q '^IN:' "$TMPD/log"
    grep -q 'OP after optimisation' "$TMPD/log"
}

@test "-tier interp, -tier jit and -one-insn-per-tb agree" {
    for opt in "-tier interp" "-tier jit" "-one-insn-per-tb" "-jit-threshold 1"; do
        run $R $opt "$TMPD/argv" x
        [ "$output" = "$TMPD/argv|2" ] || { echo "$opt: $output"; return 1; }
    done
}

@test "-strace logs system calls" {
    run $R -strace "$TMPD/argv"
    [[ "$output" == *" write(1,"* ]]
    [[ "$output" == *" exit_group(0)"* ]]
}

@test "-cpu help lists models, an unknown model is refused" {
    run $R -cpu help
    [ "$status" -eq 0 ]
    [[ "$output" == *rv64* ]]
    run $R -cpu pentium "$TMPD/argv"
    one_error_line "$status" "$output" "runtime-riscv64: -cpu pentium: unknown CPU model*"
}

@test "an undefined instruction kills the guest with SIGILL" {
    printf 'int main(void) { __asm__ volatile(".word 0"); return 0; }\n' > "$TMPD/ill.c"
    riscv64-linux-gnu-gcc -O2 -static -o "$TMPD/ill" "$TMPD/ill.c"
    run $R "$TMPD/ill"
    [ "$status" -eq 132 ]
    [[ "$output" == *"illegal instruction"* ]]
}
