#!/usr/bin/env bats
# Debian's busybox-static for arm64 under runtime-aarch64 against the amd64
# build of the same package run natively: every test runs one snippet twice,
# with $BB standing for each busybox, in two fresh copies of the same input
# directory, and requires byte-identical stdout and the same exit status.
# Applets are started by bash (or by the busybox shell's builtins and
# NOFORK applets): the guest cannot execve yet, so `busybox sh` scripts that
# would exec other applets are left out.
# Run from the repository root: bats --tap rootfs-tests/busybox-arm64.bats

setup_file() {
    export RUNNER="$PWD/build/runtime-aarch64"
    local paths
    if ! paths=$(bash rootfs-tests/lib/busybox-arm64.sh 2>&1); then
        export BB_SKIP="busybox fetch failed: $paths"
        return 0
    fi
    export BB_ARM=$(sed -n 1p <<<"$paths") BB_X86=$(sed -n 2p <<<"$paths")
    export BB_IN="$BATS_FILE_TMPDIR/in"
    mkdir -p "$BB_IN/dir/sub"
    seq 1 3000 > "$BB_IN/nums"
    for i in $(seq 1 400); do
        echo "line $i: the quick brown fox $((i * 7919 % 1000)) jumps over lazy dog $((i % 13))"
    done > "$BB_IN/text"
    printf 'pear 3\napple 10\nfig 7\napple 2\nbanana 7\npear 3\nkiwi 1\n' > "$BB_IN/fruit"
    printf 'a,b,c\n1,2,3\nx,,z\n' > "$BB_IN/csv"
    for i in $(seq 0 255); do printf "\\x$(printf %02x $((i * 37 % 256)))"; done > "$BB_IN/bin"
    cat "$BB_IN/bin" "$BB_IN/bin" "$BB_IN/text" > "$BB_IN/mixed"
    echo one > "$BB_IN/dir/a.txt"; echo two > "$BB_IN/dir/b.log"; echo three > "$BB_IN/dir/sub/c.txt"
    touch -d '2020-01-02 03:04:05' "$BB_IN"/dir/*.* "$BB_IN"/dir/sub/* "$BB_IN"/dir/sub "$BB_IN"/dir
}

setup() {
    [ -z "${BB_SKIP:-}" ] || skip "$BB_SKIP"
    [ -x "$RUNNER" ] || skip "build/runtime-aarch64 not built (make build/runtime-aarch64)"
}

# run_one DIR BB SNIPPET -> DIR/out (stdout, then the exit status)
run_one() {
    rm -rf "$1"; cp -a "$BB_IN" "$1"
    local st=0
    (cd "$1" && BB="$2" bash -c "$3") > "$1.out" 2>/dev/null || st=$?
    echo "exit=$st" >> "$1.out"
}

# same SNIPPET: identical output and status under both busyboxes
same() {
    run_one "$BATS_TEST_TMPDIR/arm" "$RUNNER $BB_ARM" "$1"
    run_one "$BATS_TEST_TMPDIR/x86" "$BB_X86" "$1"
    if ! cmp -s "$BATS_TEST_TMPDIR/arm.out" "$BATS_TEST_TMPDIR/x86.out"; then
        diff "$BATS_TEST_TMPDIR/x86.out" "$BATS_TEST_TMPDIR/arm.out" | head -20
        return 1
    fi
    # a snippet that printed nothing at all proves nothing
    [ "$(wc -c < "$BATS_TEST_TMPDIR/arm.out")" -gt 7 ]
}

@test "sh: loops, functions, arithmetic" {
    same '$BB sh -c '\''f() { local n=$1 a=0 b=1 t; while [ $n -gt 0 ]; do t=$((a+b)); a=$b; b=$t; n=$((n-1)); done; echo $a; }
          for i in 1 10 50 90; do printf "fib(%d)=%s\n" $i "$(f $i)"; done
          i=0; s=0; until [ $i -ge 1000 ]; do s=$(( (s + i * i) % 1000003 )); i=$((i+1)); done; echo $s
          echo $(( 7 << 3 | 5 ^ 2 )) $(( -17 / 5 )) $(( -17 % 5 )) $(( 2 ** 40 ))'\'''
}

@test "sh: case, string ops, subshells, exit status" {
    same '$BB sh -c '\''x=hello.tar.gz; echo ${x%.*} ${x%%.*} ${x#*.} ${#x} ${x:-d} ${y:-def}
          for w in apple 42 -x ""; do case "$w" in [0-9]*) echo num;; -*) echo opt;; "") echo empty;; *) echo word:$w;; esac; done
          (exit 3); echo st=$?; ( cd /; pwd ); v=$( (echo in; echo sub) ); echo "$v"
          set -- a "b c" d; echo $#; for a in "$@"; do echo "[$a]"; done; false || echo or; true && echo and; exit 7'\'''
}

@test "sh: read loop, here-document, redirections" {
    same '$BB sh -c '\''n=0; while read a b; do n=$((n + b)); echo "$b $a"; done < fruit; echo total=$n
          cat_() { while IFS= read -r l; do echo "<$l>"; done; }; cat_ <<EOT
  indented
\$notvar $((1+2))
EOT
          echo err >&2; echo out > f1; echo more >> f1; while read l; do echo "$l"; done < f1'\'''
}

@test "sed" {
    same '$BB sed -n "s/fox \([0-9]*\)/FOX<\1>/p; /dog 1[12]$/d" text | $BB head -50
          $BB sed -e "1~7!d" -e "y/abc/XYZ/" text | $BB tail -5; $BB sed "\$!N;s/\n/ + /;2q" fruit
          $BB sed -i.bak "s/[0-9]/#/g" fruit; cat fruit fruit.bak'
}

@test "awk" {
    same '$BB awk "{ s[\$1] += \$2; n++ } END { for (k in s) print k, s[k]; print n, NR }" fruit | $BB sort
          $BB awk -F, -v OFS=";" "{ \$1 = \$1; print NF, \$0 }" csv
          $BB awk "BEGIN { printf \"%.6f %d %s %x\n\", atan2(1,1)*4, 2^31, substr(\"abcdef\", 2, 3), 255 }"
          $BB awk "length(\$0) > 60 { c++ } /fox 9/ { print toupper(\$3), index(\$0, \"dog\") } END { print c }" text'
}

@test "grep -E, grep -c/-v/-o/-n" {
    same '$BB grep -E "fox (1|2)[0-9]{2} " text | $BB head -20; $BB grep -c -v "dog [0-5]$" text
          $BB grep -n -o -E "[0-9]+ jumps" text | $BB tail -3; $BB grep -i APPLE fruit; $BB grep -q zzz fruit'
}

@test "sort, uniq" {
    same '$BB sort -k2,2n -k1,1r fruit; $BB sort -u fruit; $BB sort -t: -k2 -r text | $BB head -3
          $BB sort fruit | $BB uniq -c; $BB cut -d" " -f1 fruit | $BB sort | $BB uniq -d
          $BB sort -n -r nums | $BB head -3; $BB sort -R nums | $BB sort -n | $BB md5sum'
}

@test "cut, tr, wc, head, tail" {
    same '$BB cut -d, -f2,3 csv; $BB cut -c3-9 text | $BB head -3; $BB tr a-z A-Z < fruit
          $BB tr -d "0-9\n" < fruit; echo; $BB tr -s " " < text | $BB head -2; $BB tr -cd "a-e" < text | $BB wc -c
          $BB wc text nums fruit; $BB wc -l < text; $BB head -c 100 text; $BB tail -n +2995 nums; $BB tail -c 30 text'
}

@test "od, hexdump, xxd" {
    same '$BB od -A x -t x1z bin | $BB head -20; $BB od -t d4 -N 32 bin; $BB od -c -N 40 mixed
          $BB hexdump -C bin | $BB tail -4; $BB xxd -l 64 bin; $BB od -t f8 -N 16 bin'
}

@test "dd" {
    same '$BB dd if=mixed of=part bs=7 skip=3 count=11 2>/dev/null; $BB md5sum part
          $BB dd if=text bs=1k conv=ucase 2>/dev/null | $BB head -2
          $BB dd if=nums of=nums2 bs=100 seek=2 conv=notrunc 2>/dev/null; $BB cmp nums nums2; echo st=$?'
}

@test "find, xargs" {
    same '$BB find dir -name "*.txt" | $BB sort; $BB find dir -type d | $BB sort; $BB find dir -newer fruit | $BB wc -l
          $BB find dir -type f | $BB sort | $BB xargs -n1 echo file:; echo a b c d e | $BB xargs -n 2 echo pair
          $BB find dir -name "*.log" -exec echo found {} \; ; $BB find dir -size -1k -type f | $BB sort'
}

@test "expr, printf, seq, basename, dirname" {
    same '$BB expr 7 \* 6 + 1; $BB expr length abcdef; $BB expr substr hello 2 3; $BB expr 10 / 0; echo st=$?
          $BB expr "abc123" : "[a-z]*\([0-9]*\)"; $BB printf "%5d|%-6s|%x|%o|%e|%c|%%\n" 42 ab 255 8 3.5 z
          $BB printf "%s-%s\n" a b c; $BB seq 5 -2 -5; $BB seq -s, -w 8 11; $BB basename /a/b/c.txt .txt; $BB dirname /a/b/c.txt'
}

@test "tar round trip" {
    same '$BB tar cf a.tar dir fruit; $BB tar tf a.tar | $BB sort; mkdir x; $BB tar xf a.tar -C x
          $BB diff -r dir x/dir && echo same; $BB tar cf - dir | $BB gzip -c > b.tgz; $BB tar tzvf b.tgz | $BB sort
          $BB cat x/dir/sub/c.txt; $BB tar cf - text | $BB tar xOf - text | $BB md5sum'
}

@test "gzip, gunzip, zcat" {
    same '$BB gzip -c < text > t.gz; $BB md5sum t.gz; $BB gunzip -c t.gz | $BB cmp - text && echo ok
          $BB gzip -9 -c < mixed | $BB wc -c; $BB gzip -1 nums; ls nums*; $BB zcat nums.gz | $BB tail -1
          echo garbage | $BB gunzip -c; echo st=$?'
}

@test "bzip2, bunzip2" {
    same '$BB bzip2 -c < text > t.bz2; $BB md5sum t.bz2; $BB bunzip2 -c t.bz2 | $BB md5sum
          $BB bzip2 -c mixed | $BB bzcat | $BB cmp - mixed && echo ok; $BB bzip2 -c nums | $BB wc -c'
}

@test "xz, lzop, unxz" {
    same '$BB xzcat < /dev/null; echo st=$?; $BB lzop -c < text | $BB lzop -dc | $BB md5sum'
}

@test "md5sum, sha1sum, sha256sum, sha512sum, sha3sum, crc32 (cksum)" {
    same '$BB md5sum text bin nums; $BB sha1sum text bin; $BB sha256sum text mixed; $BB sha512sum bin
          $BB sha3sum text; $BB cksum text nums; $BB sum bin; $BB md5sum text > sums; $BB md5sum -c sums'
}

@test "cmp, diff" {
    same '$BB cmp text mixed; echo st=$?; $BB cmp -l bin mixed | $BB head -3; sed_() { :; }
          $BB sed "5d;10s/fox/cat/" text > text2; $BB diff -u text text2 | $BB tail -n +3; echo st=$?
          $BB diff fruit fruit; echo st=$?'
}

@test "base64, uuencode" {
    same '$BB base64 bin | $BB head -3; $BB base64 bin | $BB base64 -d | $BB cmp - bin && echo ok
          $BB uuencode -m bin name | $BB tail -2; $BB uuencode bin x | $BB uudecode -o - | $BB md5sum'
}

@test "cat, tac, rev, nl, fold, paste, comm, join, split" {
    same '$BB cat -n fruit; $BB tac fruit; $BB rev fruit; $BB nl -ba csv; $BB fold -w 17 text | $BB head -4
          $BB paste -d: fruit csv; $BB sort fruit > s1; printf "apple 10\nzebra 0\n" > s2; $BB comm -3 s1 s2
          $BB join s1 s2; $BB split -l 1000 nums part_; $BB wc -l part_*; $BB expand text | $BB head -1'
}

@test "ls, stat, du on fixed trees" {
    same '$BB ls -R dir; $BB ls -1a dir; $BB stat -c "%n %s %Y %F" dir/a.txt dir/sub; $BB du -s dir > /dev/null; echo st=$?
          $BB test -d dir && echo isdir; $BB test -f dir; echo st=$?; [ -s fruit ] && echo nonempty'
}

@test "cp, mv, rm, mkdir, ln, readlink, realpath, touch" {
    same '$BB mkdir -p d1/d2/d3; $BB cp -r dir d1/; $BB mv d1/dir d1/moved; $BB ls -R d1
          $BB ln -s ../fruit d1/link; $BB readlink d1/link; $BB cat d1/link | $BB head -1; $BB rm -r d1/d2; $BB ls d1
          $BB touch -d "2001-02-03 04:05:06" fruit; $BB date -r fruit -u "+%F %T"; $BB rmdir nonexist; echo st=$?'
}

@test "date, cal with fixed times" {
    same '$BB date -u -d @1234567890 "+%Y-%m-%d %H:%M:%S %j %a %b"; $BB date -u -d "2024-02-29 12:00" +%s
          $BB cal 2 2024; $BB cal 9 1752'
}

@test "factor, dc, bc-like arithmetic" {
    same '$BB factor 600851475143 97 1000000007 4294967297; echo "2 64 ^ 1 - p 17 3 / p 5 k 2 v p" | $BB dc'
}

@test "string applets: echo, printf, yes|head, strings, tee, sort -V" {
    same '$BB echo -e "a\tb\x41\n"; $BB yes abc | $BB head -3; $BB strings -n 6 mixed | $BB head -5
          echo teed | $BB tee t1 t2; $BB cat t1 t2; printf "v1.10\nv1.2\nv1.9\n" | $BB sort -V'
}

@test "sha/md5 on a larger stream and hashes of compressed data" {
    same 'for i in 1 2 3 4 5 6 7 8; do cat mixed text nums; done > big; $BB sha256sum big; $BB md5sum big
          $BB gzip -c < big | $BB sha1sum; $BB bzip2 -c < big | $BB sha512sum; $BB wc -c big'
}
