#!/usr/bin/env bats
# runtime-img's vmdk and vhdx formats against qemu-img (the oracle): every
# subformat either tool makes is read identically by the other and passes
# qemu-img check/compare; info, map and create print what qemu-img prints;
# damaged images end in one error line, a non-zero exit, no crash and an
# unchanged file.

load img/lib

R=$(cd "${BUILD:-build}" && pwd)/runtime-img

VMDK_SUBS="monolithicSparse monolithicFlat streamOptimized twoGbMaxExtentSparse twoGbMaxExtentFlat"
# every subformat and option, as "format -o-list" ("-" for none)
KINDS=("vmdk -" "vmdk subformat=monolithicFlat" "vmdk subformat=streamOptimized"
       "vmdk subformat=twoGbMaxExtentSparse" "vmdk subformat=twoGbMaxExtentFlat"
       "vmdk zeroed_grain=on" "vmdk compat6=on" "vmdk hwversion=6,adapter_type=lsilogic"
       "vmdk adapter_type=buslogic,toolsversion=10" "vmdk subformat=streamOptimized,zeroed_grain=on"
       "vhdx -" "vhdx subformat=fixed" "vhdx subformat=fixed,block_state_zero=off"
       "vhdx block_state_zero=off" "vhdx block_size=1M,log_size=4M" "vhdx block_size=32M")

setup_file() {
    command -v qemu-img >/dev/null || { echo "qemu-img missing: run make deps" >&2; return 1; }
    export T=$(mktemp -d)
    # 9 MiB + 4 KiB: not a whole number of grains (64 KiB) or VHDX blocks
    make_pattern "$T/src.raw" $((9 * 1024 * 1024 + 4096))
}

teardown_file() {
    rm -rf "$T"
}

# put_le FILE OFFSET BYTES VALUE: a little-endian field
put_le() {
    local file=$1 off=$2 n=$3 v=$4 hex="" i
    for ((i = 0; i < n; i++)); do
        hex+=$(printf '\\x%02x' $(( (v >> (8 * i)) & 0xff )))
    done
    printf "$hex" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

get_le() {
    local file=$1 off=$2 n=$3 v=0 b i=0
    for b in $(od -An -v -tu1 -j "$off" -N "$n" "$file"); do
        v=$(( v | (b << (8 * i)) ))
        i=$((i + 1))
    done
    echo "$v"
}

json_keys() {
    tr -d ' \n' | grep -o '"[a-z-]*":' | sort
}

# the JSON without the members that differ between any two files
json_stable() {
    grep -v '"actual-size"'
}

one_error_line() {
    [ "$1" -ne 0 ] && [ "$1" -lt 128 ] || { echo "status $1: $2"; return 1; }
    [ "$(printf '%s\n' "$2" | wc -l)" -eq 1 ] || { echo "not one line: $2"; return 1; }
    [[ "$2" == "runtime-img: $3: "* ]] || { echo "got: $2"; return 1; }
}

# read_same FMT IMAGE: both tools convert IMAGE to the same raw bytes
read_same() {
    rm -f "$T/a.raw" "$T/b.raw"
    qemu-img convert -f "$1" -O raw "$2" "$T/a.raw"
    $R convert -f "$1" -O raw "$2" "$T/b.raw"
    cmp "$T/a.raw" "$T/b.raw"
}

opts() {
    [ "$1" = - ] || echo "-o $1"
}

@test "qemu-img images of every vmdk subformat and vhdx kind convert to the same raw bytes" {
    cd "$T"
    for k in "${KINDS[@]}"; do
        set -- $k
        rm -f q.$1 q-*
        qemu-img convert -O "$1" $(opts "$2") src.raw "q.$1"
        read_same "$1" "q.$1" || { echo "differs: $k"; return 1; }
    done
    # compressed streamOptimized (-c) and a vmdk written by qemu-io over a backing file
    rm -f c.vmdk base.vmdk top.vmdk
    qemu-img convert -c -O vmdk -o subformat=streamOptimized src.raw c.vmdk
    read_same vmdk c.vmdk
    qemu-img convert -O vmdk src.raw base.vmdk
    qemu-img create -q -f vmdk -b base.vmdk -F vmdk top.vmdk
    qemu-io -c 'write -P 0x5a 100k 200k' -c 'write -P 0x33 8M 70k' top.vmdk >/dev/null
    read_same vmdk top.vmdk
}

@test "split extents: a 2.1 GiB twoGbMaxExtent image reads the same across the 2 GiB boundary" {
    cd "$T"
    rm -f big.raw b.vmdk b-*
    truncate -s 2150M big.raw
    for off in 0 $((2048 * 1024 * 1024 - 3000)) $((2100 * 1024 * 1024)); do
        head -c 10000 /dev/urandom | dd of=big.raw bs=1 seek=$off conv=notrunc status=none
    done
    for s in twoGbMaxExtentSparse twoGbMaxExtentFlat; do
        rm -f b.vmdk b-*
        qemu-img convert -O vmdk -o subformat=$s big.raw b.vmdk
            [ -e b-s002.vmdk ] || [ -e b-f002.vmdk ] || { echo "no second extent"; return 1; }
        $R compare -q big.raw b.vmdk || { echo "read $s"; return 1; }
        rm -f b.vmdk b-*
        $R convert -O vmdk -o subformat=$s big.raw b.vmdk
        qemu-img compare -q big.raw b.vmdk || { echo "write $s"; return 1; }
    done
    rm -f big.raw b.vmdk b-*
}

@test "runtime-img images of every kind pass qemu-img check and compare" {
    cd "$T"
    for k in "${KINDS[@]}"; do
        set -- $k
        rm -f r.$1 r-*
        $R convert -O "$1" $(opts "$2") src.raw "r.$1"
        qemu-img check -q "r.$1" || { echo "check: $k"; return 1; }
        qemu-img compare -q src.raw "r.$1" || { echo "compare: $k"; return 1; }
    done
    rm -f r.vmdk
    $R convert -c -O vmdk -o subformat=streamOptimized src.raw r.vmdk
    qemu-img check -q r.vmdk
    qemu-img compare -q src.raw r.vmdk
    # streamOptimized really compresses: the pattern is mostly zeroes
    [ "$(stat -c %s r.vmdk)" -lt $((1024 * 1024)) ]
    # -c with another subformat writes plainly, as qemu-img accepts it
    rm -f r.vmdk
    $R convert -c -O vmdk src.raw r.vmdk
    qemu-img check -q r.vmdk
    qemu-img compare -q src.raw r.vmdk
}

@test "create: images qemu-img reads as created, and the same Formatting line" {
    cd "$T"
    for k in "${KINDS[@]}"; do
        set -- $k
        rm -f q.$1 q-* r.$1 r-*
        a=$(qemu-img create -f "$1" $(opts "$2") "q.$1" 5M)
        b=$($R create -f "$1" $(opts "$2") "r.$1" 5M)
        [ "${a//q.$1/X}" = "${b//r.$1/X}" ] || { echo "qemu: $a"; echo "ours: $b"; return 1; }
        qemu-img check -q "r.$1" || { echo "check: $k"; return 1; }
        qemu-img compare -q "q.$1" "r.$1" || { echo "compare: $k"; return 1; }
    done
}

@test "info: the same JSON (vmdk extents list included) and human output as qemu-img" {
    cd "$T"
    for k in "${KINDS[@]}"; do
        set -- $k
        for maker in qemu-img $R; do
            rm -f i.$1 i-*
            $maker convert -O "$1" $(opts "$2") src.raw "i.$1"
            diff <(qemu-img info --output=json "i.$1" | json_stable) \
                 <($R info --output=json "i.$1" | json_stable) || { echo "json: $k"; return 1; }
            diff <(qemu-img info --output=json "i.$1" | json_keys) \
                 <($R info --output=json "i.$1" | json_keys)
            diff <(qemu-img info "i.$1" | grep -v '^disk size') \
                 <($R info "i.$1" | grep -v '^disk size') || { echo "human: $k"; return 1; }
        done
    done
    # backing file and parent CID
    rm -f base.vmdk top.vmdk
    $R convert -O vmdk src.raw base.vmdk
    $R create -q -f vmdk -b base.vmdk -F vmdk top.vmdk
    diff <(qemu-img info --output=json top.vmdk | json_stable) \
         <($R info --output=json top.vmdk | json_stable)
    cid=$(qemu-img info --output=json base.vmdk | grep '"cid"' | tr -dc 0-9)
    qemu-img info --output=json top.vmdk | grep -q "\"parent-cid\": $cid,"
}

@test "map: the same as qemu-img for sparse, stream and vhdx images" {
    cd "$T"
    for k in "vmdk -" "vmdk subformat=streamOptimized" "vmdk zeroed_grain=on" \
             "vmdk subformat=monolithicFlat" "vmdk subformat=twoGbMaxExtentSparse" \
             "vmdk subformat=twoGbMaxExtentFlat" "vhdx -" \
             "vhdx subformat=fixed,block_state_zero=off"; do
        set -- $k
        for maker in qemu-img $R; do
            rm -f m.$1 m-*
            $maker convert -O "$1" $(opts "$2") src.raw "m.$1"
            diff <(qemu-img map --output=json "m.$1") <($R map --output=json "m.$1") ||
                { echo "map: $k by $maker"; return 1; }
            # the human form names the extent file holding the data
            if [ "$1" = vmdk ] && [ "$2" != subformat=streamOptimized ]; then
                diff <(qemu-img map "m.$1") <($R map "m.$1") || { echo "human: $k"; return 1; }
            fi
        done
    done
}

@test "writes: over a backing file, zeroed grains, and qemu-img's own images" {
    cd "$T"
    cp src.raw mod.raw
    head -c 70000 /dev/urandom | dd of=mod.raw bs=1 seek=30000 conv=notrunc status=none
    dd if=/dev/zero of=mod.raw bs=64k seek=16 count=2 conv=notrunc status=none
    rm -f base.vmdk top.vmdk
    qemu-img convert -O vmdk src.raw base.vmdk
    $R convert -O vmdk -B base.vmdk -F vmdk mod.raw top.vmdk
    qemu-img check -q top.vmdk
    qemu-img compare -q mod.raw top.vmdk
    # -n over existing data: zeroed_grain turns whole zero grains into GTE 1
    for k in "vmdk zeroed_grain=on" "vmdk -" "vhdx -" "vhdx subformat=fixed"; do
        set -- $k
        rm -f w.$1
        qemu-img convert -O "$1" $(opts "$2") src.raw "w.$1"
        $R convert -n -O "$1" mod.raw "w.$1"
        qemu-img check -q "w.$1" || { echo "check: $k"; return 1; }
        qemu-img compare -q mod.raw "w.$1" || { echo "compare: $k"; return 1; }
    done
    # qemu-io writes into our vhdx (through its log) and we read the result
    rm -f o.vhdx
    $R create -q -f vhdx o.vhdx 20M
    qemu-io -c 'write -P 0x77 3M 5M' o.vhdx >/dev/null
    read_same vhdx o.vhdx
    # the first write gives a vmdk a new CID (as qemu-img), in its descriptor
    for sub in monolithicSparse monolithicFlat twoGbMaxExtentSparse streamOptimized; do
        rm -f n.vmdk n-*
        $R create -q -f vmdk -o subformat=$sub n.vmdk $(stat -c %s src.raw)
        c1=$(qemu-img info --output=json n.vmdk | grep '"cid"')
        $R convert -n -O vmdk src.raw n.vmdk
        c2=$(qemu-img info --output=json n.vmdk | grep '"cid"')
        [ "$c1" != "$c2" ] || { echo "CID kept: $sub"; return 1; }
        qemu-img check -q n.vmdk
        qemu-img compare -q src.raw n.vmdk
    done
    # streamOptimized is append-only, as in qemu-img
    rm -f s.vmdk
    $R convert -O vmdk -o subformat=streamOptimized src.raw s.vmdk
    run $R convert -n -O vmdk mod.raw s.vmdk
    [ "$status" -ne 0 ]
}

@test "check: qemu-img's answers for vmdk (no repair) and vhdx" {
    cd "$T"
    rm -f k.vmdk k.vhdx
    $R convert -O vmdk src.raw k.vmdk
    $R convert -O vhdx src.raw k.vhdx
    run $R check k.vmdk
    [ "$status" -eq 0 ]
    [ "$output" = "No errors were found on the image." ]
    run $R check k.vhdx
    [ "$status" -eq 0 ]
    [ "$output" = "No errors were found on the image." ]
    run qemu-img check -r all k.vmdk
    q=$status
    run $R check -r all k.vmdk
    [ "$status" -eq "$q" ]
    diff <(qemu-img check --output=json k.vhdx) <($R check --output=json k.vhdx)
}

# damaged IMAGE: one error line from info and convert, the file unchanged
damaged() {
    local f=$1 sum
    sum=$(md5sum < "$f")
    run $R info "$f"
    one_error_line "$status" "$output" "$f" || { echo "info $f"; return 1; }
    run $R convert -O raw "$f" "$T/x.raw"
    one_error_line "$status" "$output" "$f" || { echo "convert $f"; return 1; }
    [ "$(md5sum < "$f")" = "$sum" ] || { echo "changed: $f"; return 1; }
}

@test "damaged vmdk images: one error line, non-zero exit, no crash, file unchanged" {
    cd "$T"
    rm -f good.vmdk bad*.vmdk
    qemu-img convert -O vmdk src.raw good.vmdk
    local gd=$(( $(get_le good.vmdk 56 8) * 512 )) rgd=$(( $(get_le good.vmdk 48 8) * 512 ))
    local gt=$(( $(get_le good.vmdk $gd 4) * 512 )) rgt=$(( $(get_le good.vmdk $rgd 4) * 512 ))
    cp good.vmdk bad1.vmdk; truncate -s 4096 bad1.vmdk
    cp good.vmdk bad2.vmdk; put_le bad2.vmdk 4 4 9                       # version
    cp good.vmdk bad3.vmdk; put_le bad3.vmdk 12 8 $((1 << 62))           # capacity
    cp good.vmdk bad4.vmdk; put_le bad4.vmdk 20 8 3                      # grain size
    cp good.vmdk bad5.vmdk; put_le bad5.vmdk 44 4 0                      # GTEs per GT
    cp good.vmdk bad6.vmdk; put_le bad6.vmdk $gd 4 $((0x7fffffff))      # GD entry
    cp good.vmdk bad7.vmdk; put_le bad7.vmdk 56 8 $((1 << 40))           # GD offset
    cp good.vmdk bad8.vmdk; put_le bad8.vmdk 0 4 0                       # magic
    for f in bad1 bad2 bad3 bad4 bad5 bad6 bad7; do
        damaged $f.vmdk
    done
    # a grain table entry past EOF: reading fails with one line, check says
    # what qemu-img says
    cp good.vmdk bad9.vmdk; put_le bad9.vmdk $gt 4 $((0xffffff)); put_le bad9.vmdk $rgt 4 $((0xffffff))
    local sum=$(md5sum < bad9.vmdk)
    run $R convert -O raw bad9.vmdk x.raw
    one_error_line "$status" "$output" bad9.vmdk
    run $R check bad9.vmdk
    [ "$status" -eq 1 ]
    [[ "$output" == *"points after EOF"* ]]
    [ "$(md5sum < bad9.vmdk)" = "$sum" ]
    # a descriptor naming a missing extent, an unknown extent type, no extents
    printf '# Disk DescriptorFile\nversion=1\ncreateType="monolithicFlat"\nRW 100 FLAT "nope.raw" 0\n' > bad10.vmdk
    printf '# Disk DescriptorFile\nversion=1\nRW 100 VMFSRDM "x" 0\n' > bad11.vmdk
    printf '# Disk DescriptorFile\nversion=1\n' > bad12.vmdk
    for f in bad10 bad11 bad12; do
        damaged $f.vmdk
    done
}

@test "damaged vhdx images: one error line, non-zero exit, no crash, file unchanged" {
    cd "$T"
    rm -f good.vhdx bad*.vhdx
    $R convert -O vhdx src.raw good.vhdx
    local bat=$(get_le good.vhdx $((0x30000 + 32)) 8) md=$(get_le good.vhdx $((0x30000 + 64)) 8)
    cp good.vhdx bad1.vhdx; truncate -s 5M bad1.vhdx                       # payload past EOF
    cp good.vhdx bad2.vhdx; put_le bad2.vhdx $((0x10000 + 100)) 1 1        # both header CRCs
    put_le bad2.vhdx $((0x20000 + 100)) 1 1
    cp good.vhdx bad3.vhdx; put_le bad3.vhdx $((0x30000 + 200)) 1 1        # both region tables
    put_le bad3.vhdx $((0x40000 + 200)) 1 1
    cp good.vhdx bad4.vhdx; put_le bad4.vhdx $((md + 0x10008)) 8 $((1 << 62))  # virtual size
    cp good.vhdx bad5.vhdx; put_le bad5.vhdx $((md + 0x10000)) 4 12345     # block size
    cp good.vhdx bad6.vhdx; put_le bad6.vhdx $bat 8 $(( (4000 << 20) | 6 ))  # BAT past EOF
    cp good.vhdx bad7.vhdx; put_le bad7.vhdx $bat 8 5                      # BAT state
    cp good.vhdx bad8.vhdx; truncate -s 100000 bad8.vhdx
    for f in bad1 bad2 bad3 bad4 bad5 bad6 bad7 bad8; do
        damaged $f.vhdx
    done
    # check reports the BAT entries as qemu-img does
    for f in bad1 bad6; do
        run $R check $f.vhdx
        [ "$status" -eq 2 ] || { echo "$f: status $status"; return 1; }
        [[ "$output" == *"points after end of file"* ]] || { echo "$f: $output"; return 1; }
    done
}

# activate_log FILE: make the newest entry of the log qemu-io left behind the
# active log (its GUID into the current header) and undo on disk what that
# entry wrote, so only a replay brings the data back
activate_log() {
    python3 - "$1" <<'PY'
import sys, struct
f = sys.argv[1]
d = bytearray(open(f, 'rb').read())
def crc32c(b):
    c = 0xffffffff
    for x in b:
        c ^= x
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
    return c ^ 0xffffffff
h = max((0x10000, 0x20000), key=lambda o: struct.unpack_from('<Q', d, o + 8)[0])
lo, ll = struct.unpack_from('<Q', d, h + 72)[0], struct.unpack_from('<I', d, h + 68)[0]
ents = [(struct.unpack_from('<Q', d, lo + p + 16)[0], p) for p in range(0, ll, 4096)
        if d[lo + p:lo + p + 4] == b'loge']
e = lo + max(ents)[1]
d[h + 48:h + 64] = d[e + 32:e + 48]
struct.pack_into('<I', d, h + 4, 0)
struct.pack_into('<I', d, h + 4, crc32c(d[h:h + 4096]))
for i in range(struct.unpack_from('<I', d, e + 24)[0]):
    o = e + 64 + 32 * i
    if d[o:o + 4] == b'desc':
        t = struct.unpack_from('<Q', d, o + 16)[0]
        d[t:t + 4096] = bytes(4096)
open(f, 'wb').write(d)
PY
}

@test "vhdx log: refused read-only, replayed by check -r all as qemu-img does" {
    command -v python3 >/dev/null || skip "python3 missing to activate a log"
    command -v qemu-io >/dev/null || skip "qemu-io missing to write a log"
    cd "$T"
    rm -f l.vhdx lq.vhdx lr.vhdx
    $R create -q -f vhdx l.vhdx 64M
    qemu-io -c 'write -P 0x44 1M 9M' -c 'write -P 0x45 20M 1k' l.vhdx >/dev/null
    qemu-img convert -O raw l.vhdx want.raw
    activate_log l.vhdx
    cp l.vhdx lq.vhdx
    cp l.vhdx lr.vhdx
    run $R info l.vhdx
    one_error_line "$status" "$output" l.vhdx
    [[ "$output" == *"log that needs to be replayed"* ]]
    run qemu-img check -r all lq.vhdx
    q=$status
    qout=$output
    run $R check -r all lr.vhdx
    [ "$status" -eq "$q" ]
    [ "$output" = "$qout" ]
    $R convert -O raw lr.vhdx got.raw
    cmp want.raw got.raw
    qemu-img compare -q lq.vhdx lr.vhdx
    qemu-img check -q lr.vhdx
}

@test "crash safety: convert killed at random points leaves images that check clean and hold old or new data" {
    cd "$T"
    make_pattern big.raw $((24 * 1024 * 1024))
    head -c $((4 * 1024 * 1024)) /dev/urandom | dd of=big.raw bs=1M seek=10 conv=notrunc status=none
    runs=8
    [ -z "${RUNTIME_CHECK_LONG:-}" ] || runs=40
    for i in $(seq 1 $runs); do
        rm -f crash.* crash-*
        case $((i % 4)) in
        0) f=crash.vmdk; $R convert -O vmdk big.raw $f & ;;
        1) f=crash.vmdk; $R convert -O vmdk -o subformat=streamOptimized big.raw $f & ;;
        2) f=crash.vhdx; $R convert -O vhdx -o block_size=1M big.raw $f & ;;
        3) f=crash.vmdk; $R convert -O vmdk -o subformat=twoGbMaxExtentSparse big.raw $f & ;;
        esac
        pid=$!
        sleep 0.$((RANDOM % 2))$((RANDOM % 9 + 1))
        kill -9 $pid 2>/dev/null || true
        wait $pid 2>/dev/null || true
        [ -s $f ] || continue
        run qemu-img check $f
        [ "$status" -eq 0 ] || { echo "run $i: $output"; return 1; }
        run $R check $f
        [ "$status" -eq 0 ] || { echo "run $i (ours): $output"; return 1; }
        # every byte is the source's or still zero
        rm -f got.raw
        qemu-img convert -O raw $f got.raw
        bad=$(cmp -l big.raw got.raw | awk '$3 != 0' | head -3)
        [ -z "$bad" ] || { echo "run $i: bytes neither old nor new: $bad"; return 1; }
    done
    rm -f big.raw got.raw
}
