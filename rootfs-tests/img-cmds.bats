#!/usr/bin/env bats
# runtime-img commit, rebase, amend, measure, dd and bench against qemu-img
# (the oracle): each command is run by both tools on identical inputs and
# the results compared -- image contents byte for byte after a convert to
# raw, qemu-img check on everything runtime-img wrote, measure's numbers
# and bench's lines exactly -- and bad input must end in one clear line and
# a non-zero exit.

load img/lib

R=$(cd "${BUILD:-build}" && pwd)/runtime-img

setup_file() {
    command -v qemu-img >/dev/null || { echo "qemu-img missing: run make deps" >&2; return 1; }
    export T=$(mktemp -d)
    make_pattern "$T/src.raw" $((5 * 1024 * 1024 + 4096))
}

teardown_file() {
    rm -rf "$T"
}

setup() {
    cd "$T"
}

# one_error_line STATUS OUTPUT: one "runtime-img: ..." line, a clean non-zero exit
one_error_line() {
    [ "$1" -ne 0 ] && [ "$1" -lt 128 ] || { echo "status $1: $2"; return 1; }
    [ "$(printf '%s\n' "$2" | wc -l)" -eq 1 ] || { echo "not one line: $2"; return 1; }
    [[ "$2" == "runtime-img: "* ]] || { echo "got: $2"; return 1; }
}

# same_raw A B: the two images read as the same bytes (converted by qemu-img)
same_raw() {
    rm -f "$T/sa.raw" "$T/sb.raw"
    qemu-img convert -O raw "$1" "$T/sa.raw"
    qemu-img convert -O raw "$2" "$T/sb.raw"
    cmp "$T/sa.raw" "$T/sb.raw" || { echo "contents differ: $1 $2"; return 1; }
}

# chain P: P-base.qcow2 <- P-mid.qcow2 <- P-top.qcow2, each layer with its
# own data and zeroes; the top is larger than the base, with a smaller cluster size
chain() {
    rm -f "$1"-*.qcow2
    qemu-img convert -O qcow2 src.raw "$1-base.qcow2"
    qemu-img create -q -f qcow2 -b "$1-base.qcow2" -F qcow2 "$1-mid.qcow2"
    qemu-img create -q -f qcow2 -o cluster_size=4096 -b "$1-mid.qcow2" -F qcow2 \
        "$1-top.qcow2" 7M
    qemu-io -c 'write -P 0x11 100k 70k' -c 'write -z 1M 64k' -c 'write -P 0x33 3M 1k' \
        "$1-mid.qcow2" >/dev/null
    qemu-io -c 'write -P 0x22 130k 5k' -c 'write -z 3M 8k' -c 'write -P 0x44 6M 12k' \
        -c 'discard 0 64k' "$1-top.qcow2" >/dev/null
}

# all_same: every image of chains q (qemu-img) and r (runtime-img) reads the
# same, and those of r pass qemu-img check
all_same() {
    for l in base mid top; do
        same_raw "q-$l.qcow2" "r-$l.qcow2" || return 1
        qemu-img check -q "r-$l.qcow2" || { echo "check: r-$l.qcow2"; return 1; }
    done
}

@test "measure: --size numbers equal qemu-img's for raw and qcow2 options" {
    for args in "--size 1G" "--size 1000" "--size 1G -O qcow2" "--size 10G -O qcow2 -o cluster_size=4k,refcount_bits=1" \
                "--size 100M -O qcow2 -o preallocation=full" "--size 100M -O qcow2 -o preallocation=falloc" \
                "--size 100M -O qcow2 -o extended_l2=on" "--size 3G -O qcow2 -o compat=0.10" \
                "--size 5T -O qcow2 -o cluster_size=2M,refcount_bits=64" "--size 1G -O qcow2 -o backing_file=x.qcow2" \
                "--size 77777 -O qcow2 -o cluster_size=512"; do
        for out in human json; do
            diff <(qemu-img measure --output=$out $args) <($R measure --output=$out $args) ||
                { echo "differs: $args --output=$out"; return 1; }
        done
    done
}

@test "measure: numbers for raw, qcow2, vdi, vmdk, vpc and vhdx sources equal qemu-img's" {
    rm -f m-*.qcow2
    qemu-img convert -O qcow2 -o cluster_size=4k src.raw m-a.qcow2
    qemu-img convert -c -O qcow2 src.raw m-c.qcow2
    qemu-img create -q -f qcow2 m-e.qcow2 20M
    qemu-io -c 'write -P 1 5M 3k' -c 'write -z 8M 1M' m-e.qcow2 >/dev/null
    chain m
    local more=
    for fmt in vdi vmdk vpc vhdx; do
        rm -f "m.$fmt"
        qemu-img convert -O $fmt src.raw "m.$fmt" && more+=" m.$fmt"
    done
    for f in src.raw m-a.qcow2 m-c.qcow2 m-e.qcow2 m-top.qcow2 $more; do
        for o in "-O raw" "-O qcow2" "-O qcow2 -o cluster_size=4k" "-O qcow2 -o cluster_size=2M" \
                 "-O qcow2 -o compat=0.10" "-O qcow2 -o backing_file=b.qcow2" \
                 "-O qcow2 -o refcount_bits=1,cluster_size=512"; do
            for out in human json; do
                diff <(qemu-img measure --output=$out $o "$f") <($R measure --output=$out $o "$f") ||
                    { echo "differs: $o $f --output=$out"; return 1; }
            done
        done
    done
}

@test "measure: bitmaps size of persistent bitmaps equals qemu-img's" {
    rm -f bm.qcow2
    qemu-img create -q -f qcow2 bm.qcow2 3G
    for g in 512 64k 2M; do
        qemu-img bitmap --add -g $g bm.qcow2 "bitmap-$g"
    done
    qemu-img bitmap --add bm.qcow2 a-much-longer-bitmap-name
    for o in "" "-o cluster_size=512" "-o cluster_size=4k" "-o compat=0.10"; do
        for out in human json; do
            diff <(qemu-img measure --output=$out -O qcow2 $o bm.qcow2) \
                 <($R measure --output=$out -O qcow2 $o bm.qcow2) || { echo "differs: $o"; return 1; }
        done
    done
    [ "$($R measure -O qcow2 bm.qcow2 | sed -n 's/bitmaps size: //p')" -gt 0 ]
}

@test "commit: into the backing file, top emptied; contents equal qemu-img's" {
    chain q
    chain r
    qemu-img commit q-top.qcow2
    run $R commit r-top.qcow2
    [ "$status" -eq 0 ] && [ "$output" = "Image committed." ]
    all_same
    # the top was emptied: no data left in it
    [ -z "$($R map --output=json r-top.qcow2 | grep '"depth": 0, "present": true, "zero": false, "data": true')" ]
    [ "$(qemu-img info --output=json r-mid.qcow2 | grep -c virtual-size.*7340032)" -eq 1 ]
}

@test "commit: -d keeps the top, -b commits down the chain, -p shows progress" {
    chain q
    chain r
    qemu-img commit -d q-top.qcow2 >/dev/null
    run $R commit -d -p r-top.qcow2
    [ "$status" -eq 0 ]
    [[ "$output" == *"(100.00/100%)"*"Image committed." ]]
    all_same
    chain q
    chain r
    qemu-img commit -q -b q-base.qcow2 q-top.qcow2
    $R commit -q -r 1G -b r-base.qcow2 r-top.qcow2
    all_same
}

@test "rebase: safe mode keeps the contents, as qemu-img's; -u only renames" {
    for b in "-b q-base.qcow2 -F qcow2" "-b q-other.qcow2 -F qcow2" "-b q-raw.raw -F raw" "-b ''"; do
        chain q
        chain r
        for p in q r; do
            rm -f $p-other.qcow2 $p-raw.raw
            qemu-img create -q -f qcow2 $p-other.qcow2 3M
            qemu-io -c 'write -P 0x55 0 512k' -c 'write -P 0x66 2M 1M' $p-other.qcow2 >/dev/null
            head -c 1M src.raw > $p-raw.raw
        done
        rm -f before.raw after.raw
        qemu-img convert -O raw r-top.qcow2 before.raw
        eval "qemu-img rebase $b q-top.qcow2"
        eval "$R rebase ${b//q-/r-} r-top.qcow2"
        same_raw q-top.qcow2 r-top.qcow2 || { echo "rebase $b"; return 1; }
        qemu-img check -q r-top.qcow2
        # and the image reads as before
        qemu-img convert -O raw r-top.qcow2 after.raw
        cmp before.raw after.raw
        diff <(qemu-img info q-top.qcow2 | grep '^backing' | sed 's/q-/X-/') \
             <(qemu-img info r-top.qcow2 | grep '^backing' | sed 's/r-/X-/')
    done
    chain r
    cp r-top.qcow2 r-before.qcow2
    run $R rebase -p -b r-base.qcow2 -F qcow2 r-top.qcow2
    [ "$status" -eq 0 ] && [[ "$output" == *"(100.00/100%)"* ]]
    qemu-img compare -q r-before.qcow2 r-top.qcow2
    # unsafe: only the name changes, even to a missing file
    chain r
    $R rebase -u -b gone.qcow2 -F qcow2 r-top.qcow2
    [ "$(qemu-img info -U --output=json r-top.qcow2 2>/dev/null | grep -c '"backing-filename": "gone.qcow2"')" -eq 1 ]
    $R rebase -u -b r-mid.qcow2 -F qcow2 r-top.qcow2
    qemu-img check -q r-top.qcow2
}

# amend_both ARGS...: the same amend on copies made by qemu-img; the
# results read the same, pass check and report the same options
amend_both() {
    rm -f qa.qcow2 ra.qcow2 ref.raw
    cp am.qcow2 qa.qcow2
    cp am.qcow2 ra.qcow2
    qemu-img convert -O raw am.qcow2 ref.raw
    qemu-img amend "$@" qa.qcow2
    $R amend "$@" ra.qcow2 || { echo "amend $*"; return 1; }
    qemu-img check -q ra.qcow2 || { echo "check after amend $*"; return 1; }
    qemu-img compare -q ref.raw ra.qcow2 || { echo "contents changed by amend $*"; return 1; }
    diff <(qemu-img info qa.qcow2 | grep -E 'virtual size|compat|lazy|refcount bits|backing') \
         <(qemu-img info ra.qcow2 | grep -E 'virtual size|compat|lazy|refcount bits|backing') ||
        { echo "info differs after amend $*"; return 1; }
}

@test "amend: compat both ways (zero clusters expanded), lazy_refcounts, size, backing file" {
    rm -f am.qcow2
    qemu-img convert -O qcow2 src.raw am.qcow2
    qemu-io -c 'write -z 64k 128k' -c 'write -z 4M 64k' am.qcow2 >/dev/null
    amend_both -o compat=0.10
    amend_both -o lazy_refcounts=on
    amend_both -o size=9M
    amend_both -o compat=0.10,lazy_refcounts=off
    # zero clusters over a backing file become clusters of zeroes
    chain q
    cp q-top.qcow2 am.qcow2
    amend_both -o compat=0.10
    # naming the backing file it has is accepted, another one refused (use rebase)
    cp q-top.qcow2 am.qcow2
    amend_both -o backing_file=q-mid.qcow2,backing_fmt=qcow2
    run $R amend -o backing_file=q-base.qcow2,backing_fmt=qcow2 am.qcow2
    one_error_line "$status" "$output"
    [[ "$output" == *"Cannot amend the backing file"*"rebase"* ]]
    rm -f am.qcow2
    qemu-img convert -O qcow2 -o compat=0.10 src.raw am.qcow2
    amend_both -o compat=1.1
    amend_both -o compat=1.1,lazy_refcounts=on,refcount_bits=8
}

@test "amend: compat=0.10 and back with snapshots keeps every snapshot's contents" {
    # the oracle here is the image before the amend: qemu-img 7.2 writes
    # zeroes into a cluster a snapshot still shares and so changes the snapshot
    for kind in plain backed; do
        rm -f am.qcow2 bb.qcow2 view-*.raw
        if [ $kind = backed ]; then
            qemu-img convert -O qcow2 src.raw bb.qcow2
            qemu-img create -q -f qcow2 -b bb.qcow2 -F qcow2 am.qcow2
        else
            qemu-img convert -O qcow2 src.raw am.qcow2
        fi
        qemu-io -c 'write -z 64k 128k' -c 'write -P 9 1M 64k' am.qcow2 >/dev/null
        qemu-img snapshot -c s1 am.qcow2
        qemu-io -c 'write -z 1M 64k' -c 'write -z 2M 64k' -c 'write -P 7 128k 4k' am.qcow2 >/dev/null
        qemu-img snapshot -c s2 am.qcow2
        qemu-io -c 'write -z 0 4k' -c 'write -P 5 3M 64k' -c 'write -z 3M 64k' am.qcow2 >/dev/null
        for sn in s1 s2; do
            qemu-img convert -l snapshot.name=$sn -O raw am.qcow2 view-$sn-before.raw
        done
        qemu-img convert -O raw am.qcow2 view-active-before.raw
        $R amend -o compat=0.10 am.qcow2
        qemu-img check -q am.qcow2
        qemu-img info am.qcow2 | grep -q 'compat: 0.10'
        for sn in s1 s2; do
            qemu-img convert -l snapshot.name=$sn -O raw am.qcow2 view-$sn-after.raw
            cmp view-$sn-before.raw view-$sn-after.raw || { echo "$kind: snapshot $sn"; return 1; }
        done
        qemu-img convert -O raw am.qcow2 view-active-after.raw
        cmp view-active-before.raw view-active-after.raw
    done
    # and back up: the snapshot table gets v3's extra data; the same result as qemu-img's
    cp am.qcow2 qa.qcow2
    qemu-img amend -o compat=1.1 qa.qcow2
    $R amend -o compat=1.1 am.qcow2
    qemu-img check -q am.qcow2
    for sn in s1 s2; do
        qemu-img convert -l snapshot.name=$sn -O raw am.qcow2 view-$sn-up.raw
        cmp view-$sn-before.raw view-$sn-up.raw || { echo "upgrade: snapshot $sn"; return 1; }
    done
    diff <(qemu-img info --output=json qa.qcow2 | grep -v 'filename\|actual-size') \
         <(qemu-img info --output=json am.qcow2 | grep -v 'filename\|actual-size')
}

@test "amend: refcount_bits rewrites the refcount structures (1 to 64 bits)" {
    rm -f am.qcow2
    qemu-img convert -O qcow2 -o cluster_size=4k src.raw am.qcow2
    for b in 1 2 4 8 32 64 16; do
        amend_both -o refcount_bits=$b
        cp ra.qcow2 am.qcow2
    done
    # a snapshot makes refcounts of 2: too wide for 1 bit, and the image stays as it was
    rm -f am.qcow2
    qemu-img convert -O qcow2 -o cluster_size=4k src.raw am.qcow2
    qemu-img snapshot -c s am.qcow2
    cp am.qcow2 before.qcow2
    run $R amend -o refcount_bits=1 am.qcow2
    one_error_line "$status" "$output"
    [[ "$output" == *"Cannot decrease refcount entry width to 1 bits"* ]]
    cmp am.qcow2 before.qcow2
    amend_both -o refcount_bits=2
}

@test "dd: bs, count and skip as qemu-img dd, raw and qcow2 output" {
    rm -f dd-src.qcow2
    qemu-img convert -O qcow2 src.raw dd-src.qcow2
    for ops in "bs=1M count=3 skip=1" "bs=1000 count=7" "" "bs=4k skip=100" "count=5000" \
               "bs=64k count=1000" "bs=1M skip=40"; do
        for o in raw qcow2; do
            rm -f q.out r.out
            qemu-img dd -O $o if=dd-src.qcow2 of=q.out $ops 2>/dev/null
            $R dd -O $o if=dd-src.qcow2 of=r.out $ops 2>/dev/null
            diff <(qemu-img info -f $o q.out | grep 'virtual size') \
                 <(qemu-img info -f $o r.out | grep 'virtual size')
            if [ $o = raw ]; then
                cmp q.out r.out || { echo "dd $ops"; return 1; }
            else
                qemu-img check -q r.out
                same_raw q.out r.out || { echo "dd -O qcow2 $ops"; return 1; }
            fi
        done
    done
    $R dd -f raw if=src.raw of=r.out
    cmp src.raw r.out
}

@test "bench: qemu-img's lines; writes store the pattern" {
    rm -f b.qcow2
    qemu-img create -q -f qcow2 b.qcow2 8M
    for a in "-c 1000" "-w -c 100 -d 4 -s 8k -S 16k -o 4k --pattern=5 --flush-interval=10" \
             "-c 0" "-c 3 -S 0" "-n -t none -c 2000 -w --pattern=7" "-c 50 -d 1 -s 64k -S 1M"; do
        # one after the other: both may write the image
        qemu-img bench $a b.qcow2 | sed 's/[0-9.]* seconds/N seconds/' > bq.out
        $R bench $a b.qcow2 | sed 's/[0-9.]* seconds/N seconds/' > br.out
        diff bq.out br.out || { echo "bench $a"; return 1; }
    done
    # the last write run filled the first 2000 * 4k with byte 7
    qemu-io -c 'read -P 7 0 8000k' b.qcow2 | grep -q 'read 8192000/8192000'
    qemu-img check -q b.qcow2
    run $R bench -c 3 -w -o 9M b.qcow2
    [ "$status" -eq 1 ] && [[ "$output" == *"runtime-img: Failed request: Input/output error"* ]]
}

@test "bad input: one clear line and a non-zero exit, like qemu-img" {
    qemu-img create -q -f qcow2 alone.qcow2 1M
    for cmd in "commit alone.qcow2" "commit" "commit -b nowhere.qcow2 alone.qcow2" "commit -r x alone.qcow2" \
               "commit -t bogus alone.qcow2" "commit missing.qcow2" \
               "rebase alone.qcow2" "rebase -b nowhere.qcow2 -F qcow2 alone.qcow2" \
               "rebase -b src.raw alone.qcow2" "rebase -u -b x.qcow2 -F qcow2 missing.qcow2" \
               "amend alone.qcow2" "amend -o cluster_size=4k alone.qcow2" "amend -o bogus=1 alone.qcow2" \
               "amend -o compat=0.10,refcount_bits=8 alone.qcow2" "amend -o refcount_bits=3 alone.qcow2" \
               "amend -o compat=0.10,lazy_refcounts=on alone.qcow2" "amend -o compat=1.1 src.raw" \
               "measure" "measure --size 1G alone.qcow2" "measure -O qcow2 -o cluster_size=3k --size 1M" \
               "measure --size x" "measure missing.qcow2" "measure --output=xml --size 1M" \
               "dd if=alone.qcow2 of=x bs=0" "dd if=alone.qcow2 of=x foo=1" "dd if=alone.qcow2" \
               "dd if=missing.qcow2 of=x" "dd -O nofmt if=alone.qcow2 of=x" \
               "bench -c x alone.qcow2" "bench --flush-interval=3 alone.qcow2" "bench -t bogus alone.qcow2" \
               "bench --pattern=300 -w alone.qcow2" "bench missing.qcow2"; do
        run $R $cmd
        one_error_line "$status" "$output" || { echo "runtime-img $cmd"; return 1; }
        # qemu-img fails on it too
        run qemu-img $cmd
        [ "$status" -ne 0 ] || { echo "qemu-img accepts: $cmd"; return 1; }
    done
    cmp <(qemu-img info alone.qcow2) <(qemu-img info alone.qcow2)
    qemu-img check -q alone.qcow2
}
