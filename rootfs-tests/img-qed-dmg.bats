#!/usr/bin/env bats
# runtime-img's read-only qed driver against qemu-img (the oracle): images
# qemu-img and qemu-io write (data, zero clusters, a backing file) convert,
# map, info, compare and check as qemu-img sees them; writes and create are
# refused; damaged images end in one error line, a non-zero exit, no crash
# and an unchanged file.  (dmg: not implemented yet, see the skip below.)

load img/lib

R=$(cd "${BUILD:-build}" && pwd)/runtime-img

setup_file() {
    command -v qemu-io >/dev/null || { echo "qemu-io missing: run make deps" >&2; return 1; }
    export T=$(mktemp -d)
    (cd "$T" && make_images)
}

make_images() {
    qemu-img create -q -f raw base.raw 4M
    qemu-io -f raw -c 'write -P 0x11 0 1M' -c 'write -P 0x22 3M 9k' base.raw >/dev/null
    # backed, larger than its backing file, data + zero clusters + partial clusters
    qemu-img create -q -f qed -b base.raw -F raw t.qed 8M
    qemu-io -f qed -c 'write -P 0xab 512k 100k' -c 'write -z 2M 64k' \
        -c 'write -P 0x05 6M 70k' -c 'write -P 0x3c 96k 4k' t.qed >/dev/null
    # standalone, 4 KiB clusters (many L2 tables), odd size
    qemu-img create -q -f qed -o cluster_size=4096 n.qed 3000k
    qemu-io -f qed -c 'write -P 0x07 1M 4k' -c 'write -P 0x08 2990k 10k' \
        -c 'write -P 0x09 8k 300k' n.qed >/dev/null
}

teardown_file() {
    rm -rf "$T"
}

@test "qed: convert -O raw reads what qemu-img reads" {
    cd "$T"
    for f in t.qed n.qed; do
        "$R" convert -f qed -O raw $f r.raw
        qemu-img convert -f qed -O raw $f q.raw
        cmp r.raw q.raw
        "$R" compare $f q.raw
        run "$R" compare -f qed -F raw $f base.raw
        [ "$status" -eq 1 ] && [[ "$output" == *mismatch* ]]
    done
}

@test "qed: convert -O qcow2 is the same disk for qemu-img" {
    cd "$T"
    for f in t.qed n.qed; do
        "$R" convert -f qed -O qcow2 $f o.qcow2
        qemu-img compare -f qed -F qcow2 $f o.qcow2
        qemu-img check -q o.qcow2
    done
}

@test "qed: info (human and json) and map as qemu-img prints them" {
    cd "$T"
    for f in t.qed n.qed; do
        diff <("$R" info $f) <(qemu-img info $f)
        diff <("$R" info --output=json $f) <(qemu-img info --output=json $f)
    done
    diff <("$R" map --output=json n.qed) <(qemu-img map --output=json n.qed)
    # within the backing file's size the backed image maps like qemu-img too
    diff <("$R" map --output=json t.qed | head -6) <(qemu-img map --output=json t.qed | head -6)
}

@test "qed: check counts clusters and fragmentation as qemu-img does" {
    cd "$T"
    for f in t.qed n.qed; do
        diff <("$R" check $f 2>&1) <(qemu-img check $f 2>&1)
    done
}

@test "qed: writes, resize and create are refused as read-only" {
    cd "$T"
    sum=$(md5sum < t.qed)
    run "$R" create -f qed x.qed 1M
    [ "$status" -ne 0 ] && [[ "$output" == *read-only* ]] && [ ! -e x.qed ]
    run "$R" resize t.qed 16M
    [ "$status" -ne 0 ] && [[ "$output" == *read-only* ]] && [ "${#lines[@]}" -eq 1 ]
    run "$R" check -r all t.qed
    [ "$status" -ne 0 ]
    [ "$(md5sum < t.qed)" = "$sum" ]
}

# put_le FILE OFFSET BYTES VALUE
put_le() {
    local file=$1 off=$2 n=$3 v=$4 hex="" i
    for ((i = 0; i < n; i++)); do
        hex+=$(printf '\\x%02x' $(( (v >> (8 * i)) & 0xff )))
    done
    printf "$hex" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

# damaged IMAGE: one error line, non-zero exit, no crash, file unchanged
damaged() {
    local sum=$(md5sum < "$1")
    run "$R" convert -f qed -O raw "$1" "$T/out.raw"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "${lines[0]}" == runtime-img:* ]]
    [ "$(md5sum < "$1")" = "$sum" ]
}

@test "qed: damaged images end in one error line" {
    cd "$T"
    cp n.qed d.qed; truncate -s 40 d.qed; damaged d.qed
    cp n.qed d.qed; put_le d.qed 4 4 12345; damaged d.qed              # cluster size
    cp n.qed d.qed; put_le d.qed 8 4 64; damaged d.qed                 # table size
    cp n.qed d.qed; put_le d.qed 48 8 $((1 << 62)); damaged d.qed      # image size
    cp n.qed d.qed; put_le d.qed 40 8 $((1 << 40)); damaged d.qed      # L1 past EOF
    cp n.qed d.qed; put_le d.qed 16 8 256; damaged d.qed               # unknown feature
    # L2 offset past the end of the file: the read fails with one line
    l1=$(od -An -tu8 -j 40 -N 8 n.qed | tr -d ' ')
    cp n.qed d.qed; put_le d.qed "$l1" 8 $((1 << 40)); damaged d.qed
    cp t.qed d.qed; put_le d.qed 60 4 100000; damaged d.qed            # backing name length
}

@test "dmg: read-only dmg driver" {
    skip "dmg is not implemented yet (issue 6)"
}
