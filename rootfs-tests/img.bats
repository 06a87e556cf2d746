#!/usr/bin/env bats
# runtime-img against qemu-img (the oracle): images either tool makes must be
# read identically by the other, JSON keys must match, and damaged images
# must end in one clear error line, a non-zero exit, no crash, and an
# unchanged file.

load img/lib

R=$(cd "${BUILD:-build}" && pwd)/runtime-img
FIXTURE=${FIXTURE:-../shared/fixtures/disk-ext4.qcow2}

setup_file() {
    command -v qemu-img >/dev/null || { echo "qemu-img missing: run make deps" >&2; return 1; }
    export T=$(mktemp -d)
    make_pattern "$T/src.raw" $((9 * 1024 * 1024 + 4096))
}

teardown_file() {
    rm -rf "$T"
}

# json_keys FILE-OR-DASH: the sorted key paths of a JSON document
json_keys() {
    tr -d ' \n' | grep -o '"[a-z-]*":' | sort
}

# json_members: the sorted "key": value pairs of a flat JSON object
json_members() {
    tr -d '\n' | grep -o '"[a-z-]*": *[^,}]*' | sed 's/ *$//' | sort
}

# one_error_line STATUS OUTPUT FILE: one "runtime-img: FILE: ..." line, a clean non-zero exit
one_error_line() {
    [ "$1" -ne 0 ] && [ "$1" -lt 128 ] || { echo "status $1: $2"; return 1; }
    [ "$(printf '%s\n' "$2" | wc -l)" -eq 1 ] || { echo "not one line: $2"; return 1; }
    [[ "$2" == "runtime-img: $3: "* ]] || { echo "got: $2"; return 1; }
}

# read_same IMAGE: runtime-img and qemu-img convert IMAGE to the same raw bytes
read_same() {
    rm -f "$T/a.raw" "$T/b.raw"
    qemu-img convert -O raw "$1" "$T/a.raw"
    $R convert -O raw "$1" "$T/b.raw"
    cmp "$T/a.raw" "$T/b.raw"
}

@test "qemu-img images convert to the same raw bytes (v2, v3, cluster sizes, refcount widths)" {
    for o in compat=0.10 compat=1.1 cluster_size=512 cluster_size=4096,refcount_bits=1 \
             cluster_size=2M refcount_bits=64 refcount_bits=8 extended_l2=on \
             preallocation=metadata compat=0.10,cluster_size=1024; do
        rm -f "$T/q.qcow2"
        qemu-img convert -O qcow2 -o "$o" "$T/src.raw" "$T/q.qcow2"
        read_same "$T/q.qcow2" || { echo "differs: $o"; return 1; }
    done
}

@test "compressed qemu-img images (zlib, zstd, small clusters) read identically" {
    for o in compression_type=zlib compression_type=zstd cluster_size=512 compat=0.10 \
             cluster_size=2M,compression_type=zstd; do
        rm -f "$T/c.qcow2"
        qemu-img convert -c -O qcow2 -o "$o" "$T/src.raw" "$T/c.qcow2"
        read_same "$T/c.qcow2" || { echo "differs: $o"; return 1; }
    done
}

@test "a backing chain of three reads identically; info and map agree with qemu-img" {
    cd "$T"
    rm -f base.qcow2 mid.qcow2 top.qcow2
    qemu-img convert -O qcow2 src.raw base.qcow2
    qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 mid.qcow2
    qemu-img create -q -f qcow2 -o cluster_size=4096 -b mid.qcow2 -F qcow2 top.qcow2
    qemu-io -c 'write -P 0x11 100k 70k' -c 'write -z 1M 64k' mid.qcow2 >/dev/null
    qemu-io -c 'write -P 0x22 130k 5k' -c 'discard 0 64k' top.qcow2 >/dev/null
    read_same top.qcow2
    diff <(qemu-img map --output=json top.qcow2) <($R map --output=json top.qcow2)
    diff <(qemu-img info --backing-chain --output=json top.qcow2 | grep -v actual-size) \
         <($R info --backing-chain --output=json top.qcow2 | grep -v actual-size)
    # flattened into one image by runtime-img, read by qemu-img
    rm -f flat.qcow2
    $R convert -O qcow2 top.qcow2 flat.qcow2
    qemu-img check -q flat.qcow2
    qemu-img compare -q top.qcow2 flat.qcow2
    [ -z "$(qemu-img info flat.qcow2 | grep backing)" ]
}

@test "info --output=json has qemu-img's keys and values" {
    for o in compat=0.10 compat=1.1,lazy_refcounts=on extended_l2=on compression_type=zstd; do
        rm -f "$T/i.qcow2"
        qemu-img create -q -f qcow2 -o "$o" "$T/i.qcow2" 5M
        diff <(qemu-img info --output=json "$T/i.qcow2" | grep -v actual-size) \
             <($R info --output=json "$T/i.qcow2" | grep -v actual-size)
        diff <(qemu-img info "$T/i.qcow2" | grep -v 'disk size') \
             <($R info "$T/i.qcow2" | grep -v 'disk size')
    done
    diff <(qemu-img info --output=json "$T/src.raw") <($R info --output=json "$T/src.raw")
    diff <(qemu-img map --output=json "$T/src.raw") <($R map --output=json "$T/src.raw")
}

@test "map --output=json and check --output=json match qemu-img" {
    for o in compat=0.10 cluster_size=512 extended_l2=on preallocation=metadata; do
        rm -f "$T/m.qcow2"
        qemu-img convert -O qcow2 -o "$o" "$T/src.raw" "$T/m.qcow2"
        diff <(qemu-img map --output=json "$T/m.qcow2") <($R map --output=json "$T/m.qcow2")
        diff <(qemu-img check --output=json "$T/m.qcow2" | json_members) \
             <($R check --output=json "$T/m.qcow2" | json_members)
    done
    rm -f "$T/m.qcow2"
    qemu-img convert -c -O qcow2 "$T/src.raw" "$T/m.qcow2"
    diff <(qemu-img check --output=json "$T/m.qcow2" | json_members) \
         <($R check --output=json "$T/m.qcow2" | json_members)
}

@test "images runtime-img writes pass qemu-img check and compare" {
    for o in "" "-o compat=0.10" "-o cluster_size=512" "-o cluster_size=2M" \
             "-o refcount_bits=1,cluster_size=4096" "-o refcount_bits=64" "-o extended_l2=on" \
             "-c" "-c -o compression_type=zstd" "-c -o cluster_size=512" "-o lazy_refcounts=on" \
             "-o preallocation=metadata" "-o preallocation=falloc" "-S 0" "-W -m 4"; do
        rm -f "$T/w.qcow2"
        $R convert -O qcow2 $o "$T/src.raw" "$T/w.qcow2"
        qemu-img check -q "$T/w.qcow2" || { echo "check: $o"; return 1; }
        qemu-img compare -q "$T/src.raw" "$T/w.qcow2" || { echo "compare: $o"; return 1; }
    done
    $R convert -O raw "$T/w.qcow2" "$T/w.raw"
    cmp "$T/src.raw" "$T/w.raw"
}

@test "compressed output is really compressed and read back by qemu-img" {
    rm -f "$T/z.qcow2"
    yes 'compressible line of text' | head -c 4M > "$T/text.raw"
    $R convert -c -O qcow2 -o compression_type=zstd "$T/text.raw" "$T/z.qcow2"
    [ "$(stat -c %s "$T/z.qcow2")" -lt 1000000 ]
    qemu-img info "$T/z.qcow2" | grep -q 'compression type: zstd'
    qemu-img compare -q "$T/text.raw" "$T/z.qcow2"
    [ "$(qemu-img check --output=json "$T/z.qcow2" | grep -c compressed-clusters)" -eq 1 ]
    # clusters that compress to more than half a cluster are packed back to back
    # as qemu-img packs them: the file is no bigger than qemu-img's (+2%)
    head -c 3M /dev/urandom | base64 -w0 | head -c 4M > "$T/b64.raw"
    rm -f "$T/b1.qcow2" "$T/b2.qcow2"
    qemu-img convert -c -O qcow2 "$T/b64.raw" "$T/b1.qcow2"
    $R convert -c -O qcow2 "$T/b64.raw" "$T/b2.qcow2"
    [ "$(stat -c %s "$T/b2.qcow2")" -le $(( $(stat -c %s "$T/b1.qcow2") * 102 / 100 )) ]
    qemu-img check -q "$T/b2.qcow2"
    qemu-img compare -q "$T/b64.raw" "$T/b2.qcow2"
}

@test "create: options, backing file with -F, size from the backing file" {
    cd "$T"
    rm -f c1.qcow2 c2.qcow2 c3.qcow2
    $R create -q -f qcow2 -o cluster_size=4k,refcount_bits=4,lazy_refcounts=on c1.qcow2 3G
    qemu-img check -q c1.qcow2
    qemu-img info c1.qcow2 | grep -q 'refcount bits: 4'
    $R create -q -f qcow2 -b c1.qcow2 -F qcow2 c2.qcow2
    [ "$(qemu-img info --output=json c2.qcow2 | grep virtual-size)" = '    "virtual-size": 3221225472,' ]
    qemu-img info c2.qcow2 | grep -q 'backing file format: qcow2'
    run $R create -f qcow2 -b c1.qcow2 c3.qcow2
    one_error_line "$status" "$output" c3.qcow2
    run $R create -f qcow2 -o cluster_size=3000 c3.qcow2 1M
    one_error_line "$status" "$output" c3.qcow2
    run $R create -f qcow2 -o compat=0.10,refcount_bits=8 c3.qcow2 1M
    one_error_line "$status" "$output" c3.qcow2
    run $R create -f qcow2 c3.qcow2 12Q
    [ "$status" -eq 1 ]
}

@test "raw create with preallocation off, falloc, full" {
    rm -f "$T/r1" "$T/r2" "$T/r3"
    $R create -q -f raw "$T/r1" 8M
    $R create -q -f raw -o preallocation=falloc "$T/r2" 8M
    $R create -q -f raw -o preallocation=full "$T/r3" 8M
    [ "$(stat -c %s "$T/r1")" -eq 8388608 ] && [ "$(stat -c %s "$T/r3")" -eq 8388608 ]
    [ "$(du -k "$T/r1" | cut -f1)" -lt 100 ]
    [ "$(du -k "$T/r2" | cut -f1)" -ge 8192 ]
    [ "$(du -k "$T/r3" | cut -f1)" -ge 8192 ]
    cmp "$T/r1" "$T/r3"
}

@test "check: leaks exit 3 and -r leaks repairs them; lost refcounts exit 2 and -r all repairs" {
    rm -f "$T/k.qcow2"
    qemu-img convert -O qcow2 "$T/src.raw" "$T/k.qcow2"
    # leak: one more cluster at the end with refcount 1 and no reference
    size=$(stat -c %s "$T/k.qcow2")
    truncate -s $((size + 65536)) "$T/k.qcow2"
    rb=$(get_be "$T/k.qcow2" $(get_be "$T/k.qcow2" 48 8) 8)
    put_be "$T/k.qcow2" $((rb + 2 * (size / 65536))) 2 1
    run qemu-img check "$T/k.qcow2"; [ "$status" -eq 3 ]
    run $R check "$T/k.qcow2"; [ "$status" -eq 3 ]
    [[ "$output" == *"1 leaked clusters were found"* ]]
    run $R check -r leaks "$T/k.qcow2"; [ "$status" -eq 0 ]
    qemu-img check -q "$T/k.qcow2"
    # corruption: the L2 table's refcount dropped to 0
    l2=$(l2_of "$T/k.qcow2")
    put_be "$T/k.qcow2" $((rb + 2 * (l2 / 65536))) 2 0
    run qemu-img check "$T/k.qcow2"; [ "$status" -eq 2 ]
    run $R check --output=json "$T/k.qcow2"; [ "$status" -eq 2 ]
    [[ "$output" == *'"corruptions": 2'* ]]
    run $R check -r all "$T/k.qcow2"; [ "$status" -eq 0 ]
    qemu-img check -q "$T/k.qcow2"
    qemu-img compare -q "$T/src.raw" "$T/k.qcow2"
    run $R check "$T/src.raw"; [ "$status" -eq 63 ]
}

@test "damaged images: one error line, non-zero exit, no crash, file unchanged" {
    cd "$T"
    rm -f good.qcow2 comp.qcow2 bad*.qcow2 loop*.qcow2
    qemu-img convert -O qcow2 src.raw good.qcow2
    qemu-img convert -c -O qcow2 src.raw comp.qcow2
    cp good.qcow2 bad1.qcow2; truncate -s 50 bad1.qcow2
    cp good.qcow2 bad2.qcow2; truncate -s 200000 bad2.qcow2
    cp good.qcow2 bad3.qcow2; put_be bad3.qcow2 20 4 30                    # cluster_bits
    cp good.qcow2 bad4.qcow2; put_be bad4.qcow2 36 4 $((0x10000000))      # l1_size
    cp good.qcow2 bad5.qcow2; put_be bad5.qcow2 4 4 9                     # version
    cp good.qcow2 bad6.qcow2; put_be bad6.qcow2 96 4 7                    # refcount_order
    cp good.qcow2 bad7.qcow2; put_be bad7.qcow2 48 8 $(get_be bad7.qcow2 40 8)  # reftable on L1
    cp good.qcow2 bad8.qcow2; put_be bad8.qcow2 $(l2_of bad8.qcow2) 8 $(( (1 << 63) | (1 << 40) ))
    cp good.qcow2 bad9.qcow2; put_be bad9.qcow2 $(get_be bad9.qcow2 40 8) 8 $(( (1 << 63) | (1 << 40) ))
    cp comp.qcow2 bad10.qcow2; put_be bad10.qcow2 $(l2_of bad10.qcow2) 8 $(( (1 << 62) | 4096 ))
    cp comp.qcow2 bad11.qcow2; put_be bad11.qcow2 $(l2_of bad11.qcow2) 8 $(( (1 << 62) | (1 << 40) ))
    cp good.qcow2 bad12.qcow2; put_be bad12.qcow2 $(l2_of bad12.qcow2) 8 $(( (1 << 63) | 0x10200 ))
    cp good.qcow2 bad13.qcow2; put_be bad13.qcow2 100 4 4000000           # header_length
    cp good.qcow2 bad14.qcow2; put_be bad14.qcow2 72 8 $((1 << 40))       # unknown incompat bit
    qemu-img create -q -f qcow2 loopa.qcow2 1M
    qemu-img create -q -f qcow2 -u -b loopa.qcow2 -F qcow2 loopb.qcow2 1M
    qemu-img rebase -u -b loopb.qcow2 -F qcow2 loopa.qcow2
    qemu-img create -q -f qcow2 -u -b loopd.qcow2 -F qcow2 loopc.qcow2 1M
    ln -sf loopc.qcow2 loopd.qcow2      # its own backing file, under another name
    for f in bad*.qcow2 loopb.qcow2 loopc.qcow2; do
        sum=$(sha256sum < $f)
        run $R convert -O raw $f out.raw
        one_error_line "$status" "$output" $f || { echo "convert $f"; return 1; }
        run $R compare $f src.raw
        [ "$status" -ge 2 ] && [ "$status" -lt 128 ] || { echo "compare $f: $status"; return 1; }
        [ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ]
        run $R info --backing-chain $f
        [ "$status" -lt 128 ]
        run $R check $f
        [ "$status" -ne 0 ] && [ "$status" -lt 128 ] || [ "$f" = loopb.qcow2 ] || [ "$f" = loopc.qcow2 ] ||
            { echo "check $f: $status"; return 1; }
        run $R map --output=json $f
        [ "$status" -lt 128 ]
        [ "$sum" = "$(sha256sum < $f)" ] || { echo "$f changed"; return 1; }
    done
}

@test "the real-world fixture: convert, map, check match qemu-img (on a copy)" {
    [ -r "$FIXTURE" ] || { echo "no $FIXTURE"; return 1; }
    cp "$FIXTURE" "$T/fx.qcow2"
    read_same "$T/fx.qcow2"
    diff <(qemu-img map --output=json "$T/fx.qcow2") <($R map --output=json "$T/fx.qcow2")
    $R check "$T/fx.qcow2"
    $R convert -c -O qcow2 -o compression_type=zstd "$T/fx.qcow2" "$T/fx2.qcow2"
    qemu-img compare -q "$T/fx.qcow2" "$T/fx2.qcow2"
    qemu-img check -q "$T/fx2.qcow2"
}

@test "resize: grow, shrink only with --shrink, relative sizes" {
    rm -f "$T/s.qcow2"
    qemu-img convert -O qcow2 "$T/src.raw" "$T/s.qcow2"
    $R resize -q "$T/s.qcow2" +100M
    want=$(( $(stat -c %s "$T/src.raw") + 100 * 1024 * 1024 ))
    [ "$(qemu-img info --output=json "$T/s.qcow2" | grep virtual-size)" = "    \"virtual-size\": $want," ]
    qemu-img check -q "$T/s.qcow2"
    sum=$(sha256sum < "$T/s.qcow2")
    run $R resize "$T/s.qcow2" 4M
    one_error_line "$status" "$output" "$T/s.qcow2"
    [ "$sum" = "$(sha256sum < "$T/s.qcow2")" ]
    $R resize -q --shrink "$T/s.qcow2" 4M
    qemu-img check -q "$T/s.qcow2"
    qemu-img compare -q <(head -c 4M "$T/src.raw") "$T/s.qcow2" 2>/dev/null ||
        { head -c 4194304 "$T/src.raw" > "$T/s4.raw"; qemu-img compare -q "$T/s4.raw" "$T/s.qcow2"; }
    $R resize -q --preallocation=falloc "$T/s.qcow2" 8M
    qemu-img check -q "$T/s.qcow2"
    cp "$T/src.raw" "$T/rs.raw"
    $R resize -q "$T/rs.raw" +1M
    $R resize -q --shrink "$T/rs.raw" -2M
    [ "$(stat -c %s "$T/rs.raw")" -eq $(( $(stat -c %s "$T/src.raw") - 1024 * 1024 )) ]
    run $R resize "$T/rs.raw" 1M
    one_error_line "$status" "$output" "$T/rs.raw"
}

@test "compare: identical, first differing offset as qemu-img, strict size mismatch" {
    rm -f "$T/c1.qcow2" "$T/c2.raw"
    $R convert -O qcow2 "$T/src.raw" "$T/c1.qcow2"
    run $R compare "$T/src.raw" "$T/c1.qcow2"
    [ "$status" -eq 0 ] && [ "$output" = "Images are identical." ]
    cp "$T/src.raw" "$T/c2.raw"
    printf 'X' | dd of="$T/c2.raw" bs=1 seek=5000000 conv=notrunc status=none
    run qemu-img compare "$T/c2.raw" "$T/c1.qcow2"
    want=$output
    run $R compare "$T/c2.raw" "$T/c1.qcow2"
    [ "$status" -eq 1 ] && [ "$output" = "$want" ]
    truncate -s 20M "$T/c2.raw"
    printf 'Z' | dd of="$T/c2.raw" bs=1 seek=5000000 conv=notrunc status=none
    run $R compare "$T/c2.raw" "$T/c1.qcow2"
    [ "$status" -eq 1 ]
    run $R compare -s "$T/c2.raw" "$T/c1.qcow2"
    [ "$status" -eq 1 ] && [[ "$output" == *"Image size mismatch"* ]]
}

@test "convert -n, -B, -p and several sources" {
    cd "$T"
    rm -f n.qcow2 ov.qcow2 base2.qcow2 cat.raw
    qemu-img create -q -f qcow2 n.qcow2 20M
    $R convert -n -O qcow2 src.raw n.qcow2
    qemu-img check -q n.qcow2
    qemu-img compare -q src.raw n.qcow2 || true   # sizes differ: compare the common part
    head -c $(stat -c %s src.raw) <(qemu-img convert -O raw n.qcow2 /dev/stdout 2>/dev/null || true) >/dev/null
    qemu-img convert -O qcow2 src.raw base2.qcow2
    qemu-img create -q -f qcow2 -b base2.qcow2 -F qcow2 ov.qcow2
    qemu-io -c 'write -P 0x33 0 100k' ov.qcow2 >/dev/null
    $R convert -O qcow2 -B base2.qcow2 -F qcow2 ov.qcow2 ov2.qcow2
    qemu-img check -q ov2.qcow2
    qemu-img compare -q ov.qcow2 ov2.qcow2
    [ "$(stat -c %s ov2.qcow2)" -lt 1000000 ]
    run $R convert -p -O raw src.raw p.raw
    [ "$status" -eq 0 ] && [[ "$output" == *"(100.00/100%)"* ]]
    $R convert -O raw src.raw good.qcow2 cat.raw
    [ "$(stat -c %s cat.raw)" -eq $(( $(stat -c %s src.raw) * 2 )) ]
    cmp <(head -c $(stat -c %s src.raw) cat.raw) src.raw
    cmp <(tail -c $(stat -c %s src.raw) cat.raw) src.raw
}

@test "lazy_refcounts: a dirty image is repaired when opened for writing" {
    rm -f "$T/l.qcow2"
    qemu-img create -q -f qcow2 -o lazy_refcounts=on "$T/l.qcow2" 16M
    $R convert -n -O qcow2 "$T/src.raw" "$T/l.qcow2"
    qemu-img info "$T/l.qcow2" | grep -q 'lazy refcounts: true'
    [ "$($R info --output=json "$T/l.qcow2" | grep dirty-flag)" = '    "dirty-flag": false' ]
    qemu-img check -q "$T/l.qcow2"
    # as after a crash: dirty bit set and a stale (too high) refcount
    put_be "$T/l.qcow2" 72 8 1
    rb=$(get_be "$T/l.qcow2" $(get_be "$T/l.qcow2" 48 8) 8)
    put_be "$T/l.qcow2" $((rb + 2 * 1)) 2 5
    [ "$($R info --output=json "$T/l.qcow2" | grep dirty-flag)" = '    "dirty-flag": true' ]
    $R resize -q "$T/l.qcow2" 16M
    [ "$(get_be "$T/l.qcow2" 72 8)" -eq 0 ]
    qemu-img check -q "$T/l.qcow2"
    qemu-img compare -q "$T/src.raw" "$T/l.qcow2" || [ $? -eq 1 ]
}

@test "crash safety: convert and writers killed at random points leave at worst leaks" {
    make_pattern "$T/big.raw" $((64 * 1024 * 1024))
    runs=12
    [ -z "${RUNTIME_CHECK_LONG:-}" ] || runs=50
    qemu-img create -q -f qcow2 -o cluster_size=4096 "$T/old.qcow2" 64M
    qemu-io -c 'write -P 0x5 0 8M' -c 'write -c -P 0x6 16M 64k' "$T/old.qcow2" >/dev/null
    for i in $(seq 1 $runs); do
        rm -f "$T/crash.qcow2"
        case $((i % 4)) in
        0) $R convert -O qcow2 -o cluster_size=4096 "$T/big.raw" "$T/crash.qcow2" & ;;
        1) $R convert -c -O qcow2 -o cluster_size=4096,refcount_bits=4 "$T/big.raw" "$T/crash.qcow2" & ;;
        2) cp "$T/old.qcow2" "$T/crash.qcow2"
           $R convert -n -W -O qcow2 "$T/big.raw" "$T/crash.qcow2" & ;;
        3) cp "$T/old.qcow2" "$T/crash.qcow2"
           $R convert -n -S 0 -O qcow2 "$T/big.raw" "$T/crash.qcow2" & ;;
        esac
        pid=$!
        sleep 0.0$((RANDOM % 9 + 1))
        kill -9 $pid 2>/dev/null || true
        wait $pid 2>/dev/null || true
        [ -s "$T/crash.qcow2" ] || continue
        run qemu-img check "$T/crash.qcow2"
        [ "$status" -eq 0 ] || [ "$status" -eq 3 ] || { echo "run $i: $output"; return 1; }
        run $R check "$T/crash.qcow2"
        [ "$status" -eq 0 ] || [ "$status" -eq 3 ] || { echo "run $i (ours): $output"; return 1; }
    done
}

@test "snapshots: made by either tool, listed and applied by the other" {
    rm -f "$T/sn.qcow2" "$T/sn.raw"
    qemu-img convert -O qcow2 "$T/src.raw" "$T/sn.qcow2"
    $R snapshot -c ours "$T/sn.qcow2"
    qemu-img check -q "$T/sn.qcow2"
    qemu-img snapshot -l "$T/sn.qcow2" | grep -q ' ours '
    qemu-io -c 'write -P 0x44 0 200k' "$T/sn.qcow2" >/dev/null
    qemu-img snapshot -c theirs "$T/sn.qcow2"
    diff <(qemu-img snapshot -l "$T/sn.qcow2") <($R snapshot -l "$T/sn.qcow2")
    diff <(qemu-img info --output=json "$T/sn.qcow2") <($R info --output=json "$T/sn.qcow2")
    $R snapshot -a ours "$T/sn.qcow2"
    qemu-img check -q "$T/sn.qcow2"
    qemu-img compare -q "$T/src.raw" "$T/sn.qcow2"
    $R snapshot -a theirs "$T/sn.qcow2"
    $R check "$T/sn.qcow2"
    run qemu-img compare -q "$T/src.raw" "$T/sn.qcow2"
    [ "$status" -eq 1 ]
    qemu-img snapshot -a ours "$T/sn.qcow2"
    qemu-img compare -q "$T/src.raw" "$T/sn.qcow2"
    $R snapshot -d theirs "$T/sn.qcow2"
    qemu-img check -q "$T/sn.qcow2"
    qemu-img snapshot -d ours "$T/sn.qcow2"
    $R check "$T/sn.qcow2"
    [ -z "$($R snapshot -l "$T/sn.qcow2")" ]
    sum=$(sha256sum < "$T/sn.qcow2")
    run $R snapshot -a nope "$T/sn.qcow2"
    one_error_line "$status" "$output" "$T/sn.qcow2"
    [ "$sum" = "$(sha256sum < "$T/sn.qcow2")" ]
}

@test "unknown header extensions survive writes, resize and snapshots" {
    rm -f "$T/x.qcow2"
    qemu-img create -q -f qcow2 "$T/x.qcow2" 10M
    p=$(ext_end "$T/x.qcow2")
    put_be "$T/x.qcow2" "$p" 4 $((0x12345678))
    put_be "$T/x.qcow2" $((p + 4)) 4 5
    printf 'hello\0\0\0' | dd of="$T/x.qcow2" bs=1 seek=$((p + 8)) conv=notrunc status=none
    put_be "$T/x.qcow2" $((p + 16)) 8 0
    qemu-img check -q "$T/x.qcow2"
    before=$(dd if="$T/x.qcow2" bs=1 skip="$p" count=24 status=none | od -An -tx1)
    $R convert -n -O qcow2 "$T/src.raw" "$T/x.qcow2"
    $R resize -q "$T/x.qcow2" 16M
    $R snapshot -c s "$T/x.qcow2"
    $R check -r all "$T/x.qcow2"
    after=$(dd if="$T/x.qcow2" bs=1 skip="$p" count=24 status=none | od -An -tx1)
    [ "$before" = "$after" ]
    qemu-img check -q "$T/x.qcow2"
    qemu-img info "$T/x.qcow2" >/dev/null
}

@test "persistent bitmaps: counted by check; a write clears the autoclear bit as the spec asks" {
    rm -f "$T/bm.qcow2"
    qemu-img create -q -f qcow2 "$T/bm.qcow2" 10M
    qemu-img bitmap --add "$T/bm.qcow2" b0
    qemu-io -c 'write 0 1M' "$T/bm.qcow2" >/dev/null
    run $R check "$T/bm.qcow2"
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    diff <(qemu-img check --output=json "$T/bm.qcow2" | json_members) \
         <($R check --output=json "$T/bm.qcow2" | json_members)
    $R convert -n -O qcow2 "$T/src.raw" "$T/bm.qcow2"
    [ "$(get_be "$T/bm.qcow2" 88 8)" -eq 0 ]
    run qemu-img check "$T/bm.qcow2"
    [ "$status" -eq 0 ] || [ "$status" -eq 3 ]
    run qemu-img compare "$T/src.raw" "$T/bm.qcow2"
    [ "$status" -eq 0 ] || [[ "$output" == *"size mismatch"* ]]
}

@test "usage errors end in one line and a non-zero exit" {
    run $R
    [ "$status" -eq 1 ]
    run $R frobnicate
    [ "$status" -eq 1 ] && [ "$output" = "runtime-img: Command not found: frobnicate" ]
    run $R info "$T/does-not-exist.qcow2"
    one_error_line "$status" "$output" "$T/does-not-exist.qcow2"
    run $R convert -O vmdk9 "$T/src.raw" "$T/x"
    [ "$status" -eq 1 ]
    run $R info -f qcow2 "$T/src.raw"
    one_error_line "$status" "$output" "$T/src.raw"
}

@test "--help lists every format the block layer has, sorted, and each one's images open" {
    run "$R" --help
    [ "$status" -eq 0 ]
    [ "${lines[-1]}" = "Supported formats: qcow2 qed raw vdi vhdx vmdk vpc" ]
    local f
    for f in qcow2 qed raw vdi vhdx vmdk vpc; do
        qemu-img create -q -f "$f" "$T/fmt.$f" 1M
        "$R" info -f "$f" "$T/fmt.$f" >/dev/null
    done
}
