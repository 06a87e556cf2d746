#!/usr/bin/env bats
# runtime-img's vpc (VHD) and vdi formats against qemu-img (the oracle): each
# subformat either tool makes is read identically by the other, info/map/
# check/create print what qemu-img prints, and damaged images end in one
# error line, a non-zero exit, no crash and an unchanged file.

load img/lib

R=$(cd "${BUILD:-build}" && pwd)/runtime-img

# every subformat and option, as "format -o-list" ("-" for none)
KINDS=("vpc -" "vpc subformat=fixed" "vpc force_size=on" "vpc subformat=fixed,force_size=on"
       "vpc subformat=fixed,preallocation=full" "vpc preallocation=falloc"
       "vdi -" "vdi static=on" "vdi static=on,preallocation=full" "vdi preallocation=falloc")

setup_file() {
    command -v qemu-img >/dev/null || { echo "qemu-img missing: run make deps" >&2; return 1; }
    export T=$(mktemp -d)
    # 9 MiB + 4 KiB: not a whole number of VHD (2 MiB) or VDI (1 MiB) blocks,
    # nor a size a CHS geometry gives exactly
    make_pattern "$T/src.raw" $((9 * 1024 * 1024 + 4096))
}

teardown_file() {
    rm -rf "$T"
}

# put_le FILE OFFSET BYTES VALUE: a little-endian field (VDI)
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

# opts KIND: the -o argument list of a KINDS entry
opts() {
    [ "${1#* }" = - ] || echo "-o ${1#* }"
}

# vhd_fix_checksum FILE OFFSET LEN CSUM: recompute the one's-complement
# checksum (at OFFSET+CSUM) of the LEN-byte structure at OFFSET
vhd_fix_checksum() {
    local f=$1 at=$2 len=$3 cs=$4 sum=0 b i=0
    for b in $(od -An -v -tu1 -j "$at" -N "$len" "$f"); do
        [ $i -ge "$cs" ] && [ $i -lt $((cs + 4)) ] || sum=$((sum + b))
        i=$((i + 1))
    done
    put_be "$f" $((at + cs)) 4 $(( ~sum & 0xffffffff ))
}

@test "vpc/vdi images qemu-img makes convert to raw bytes identical to qemu-img's; map agrees" {
    cd "$T"
    for k in "${KINDS[@]}"; do
        f=${k%% *}
        rm -f q.img a.raw b.raw
        qemu-img convert -f raw -O $f $(opts "$k") src.raw q.img
        qemu-img convert -f $f -O raw q.img a.raw
        $R convert -f $f -O raw q.img b.raw
        cmp a.raw b.raw || { echo "$k: raw bytes differ"; return 1; }
        diff <(qemu-img map -f $f --output=json q.img) <($R map -f $f --output=json q.img) ||
            { echo "$k: map"; return 1; }
        diff <(qemu-img map -f $f q.img) <($R map -f $f q.img) || { echo "$k: map"; return 1; }
        # and an empty image, all unallocated
        rm -f e.img a.raw b.raw
        qemu-img create -q -f $f $(opts "$k") e.img 5M
        qemu-img convert -f $f -O raw e.img a.raw
        $R convert -f $f -O raw e.img b.raw
        cmp a.raw b.raw || { echo "$k: empty image differs"; return 1; }
    done
}

@test "vpc/vdi images runtime-img writes pass qemu-img check and compare" {
    cd "$T"
    for k in "${KINDS[@]}"; do
        f=${k%% *}
        rm -f r.img
        $R convert -f raw -O $f $(opts "$k") src.raw r.img
        if [ $f = vdi ]; then
            qemu-img check -f vdi r.img
        else
            run qemu-img check -f vpc r.img
            [ "$status" -eq 63 ]
        fi
        # the VHD geometry may round the disk up: the tail must read as zeroes
        qemu-img compare -f raw -F $f src.raw r.img || { echo "$k: compare"; return 1; }
        [ "$(qemu-img info -f $f --output=json r.img | grep virtual-size)" = \
          "$($R info -f $f --output=json r.img | grep virtual-size)" ]
        # qemu-img writes into an image runtime-img made, runtime-img into one qemu-img made
        rm -f c.img q.img
        $R create -q -f $f $(opts "$k") c.img 12M
        qemu-img convert -n -f raw -O $f src.raw c.img
        qemu-img compare -f raw -F $f src.raw c.img || { echo "$k: qemu into ours"; return 1; }
        [ $f = vpc ] || qemu-img check -f vdi c.img
        qemu-img create -q -f $f $(opts "$k") q.img 12M
        $R convert -n -f raw -O $f src.raw q.img
        qemu-img compare -f raw -F $f src.raw q.img || { echo "$k: ours into qemu's"; return 1; }
        [ $f = vpc ] || qemu-img check -f vdi q.img
    done
}

@test "vpc/vdi: a sparse source stays sparse; runtime-img reads its own images back" {
    cd "$T"
    rm -f sp.raw s.vhd s.vdi
    truncate -s 64M sp.raw
    printf 'x' | dd of=sp.raw bs=1 seek=$((40 * 1024 * 1024)) conv=notrunc status=none
    $R convert -O vpc sp.raw s.vhd
    $R convert -O vdi sp.raw s.vdi
    # one 2 MiB VHD block (+ bitmap and metadata), one 1 MiB VDI block
    [ "$(stat -c %s s.vhd)" -lt $((3 * 1024 * 1024)) ]
    [ "$(stat -c %s s.vdi)" -lt $((2 * 1024 * 1024)) ]
    $R compare -f raw sp.raw s.vdi
    $R compare -f raw -F vpc sp.raw s.vhd
    qemu-img compare -f raw sp.raw s.vdi
}

@test "info (human and --output=json) prints qemu-img's keys and values" {
    cd "$T"
    for k in "${KINDS[@]}" "vpc force_size=off" "vpc subformat=dynamic"; do
        f=${k%% *}
        for size in 10M 1000001 3G; do
            # no 3 GiB of written zeroes
            [[ "$k $size" != *prealloc*3G ]] || continue
            rm -f i.img
            qemu-img create -q -f $f $(opts "$k") i.img $size
            diff <(qemu-img info -f $f --output=json i.img | grep -v actual-size) \
                 <($R info -f $f --output=json i.img | grep -v actual-size) || { echo "$k $size"; return 1; }
            diff <(qemu-img info -f $f i.img | grep -v 'disk size') \
                 <($R info -f $f i.img | grep -v 'disk size') || { echo "$k $size"; return 1; }
            # probing: qemu-img calls a fixed VHD raw, and so do we
            diff <(qemu-img info i.img | grep 'file format') <($R info i.img | grep 'file format')
            # the same image made by runtime-img has the same geometry and size
            rm -f j.img
            $R create -q -f $f $(opts "$k") j.img $size
            diff <(qemu-img info -f $f --output=json i.img | grep -v -e actual-size -e filename) \
                 <(qemu-img info -f $f --output=json j.img | grep -v -e actual-size -e filename)
        done
    done
}

@test "create: qemu-img's Formatting line, -o help and option errors" {
    cd "$T"
    for o in "" subformat=fixed subformat=dynamic,force_size=off force_size=on \
             preallocation=off,force_size=off,subformat=dynamic subformat=fixed,preallocation=full; do
        rm -f a.vhd
        diff <(qemu-img create -f vpc ${o:+-o $o} a.vhd 10M) <($R create -f vpc ${o:+-o $o} a.vhd 10M)
    done
    for o in "" static=on static=off preallocation=off,static=on preallocation=falloc; do
        rm -f a.vdi
        diff <(qemu-img create -f vdi ${o:+-o $o} a.vdi 10M) <($R create -f vdi ${o:+-o $o} a.vdi 10M)
    done
    diff <(qemu-img create -f vpc -o help x 1M | grep -e force_size -e subformat) \
         <($R create -f vpc -o help x 1M | grep -e force_size -e subformat)
    diff <(qemu-img create -f vdi -o help x 1M | grep static) <($R create -f vdi -o help x 1M | grep static)
    run $R create -f vpc -o subformat=bogus b.vhd 1M
    [ "$status" -eq 1 ] && [[ "$output" == *"Parameter 'subformat' does not accept value 'bogus'"* ]]
    run $R create -f vpc -o force_size=maybe b.vhd 1M
    [ "$status" -eq 1 ] && [[ "$output" == *"Parameter 'force_size' expects 'on' or 'off'"* ]]
    run $R create -f vpc b.vhd 3000G
    [ "$status" -eq 1 ] && [[ "$output" == *"The image size is too large for file format 'vpc'"* ]]
    run $R create -f vdi b.vdi 3000T
    [ "$status" -eq 1 ] &&
        [[ "$output" == *"Unsupported VDI image size (size is 0xbb80000000000, max supported is 0x1fffff8000000)"* ]]
    # static=on really allocates every block in order, as qemu-img's does
    rm -f s1.vdi s2.vdi
    qemu-img create -q -f vdi -o static=on s1.vdi 5M
    $R create -q -f vdi -o static=on s2.vdi 5M
    [ "$(stat -c %s s1.vdi)" = "$(stat -c %s s2.vdi)" ]
    cmp <(od -An -tx1 -j 512 -N 512 s1.vdi) <(od -An -tx1 -j 512 -N 512 s2.vdi)
}

@test "check: vdi as qemu-img (clean, corrupt map, no repair); vpc has no check" {
    cd "$T"
    rm -f c.vdi c.vhd
    qemu-img convert -O vdi src.raw c.vdi
    qemu-img convert -O vpc src.raw c.vhd
    for f in c.vdi c.vhd; do
        run qemu-img check $f; qs=$status; qo=$output
        run $R check $f
        [ "$status" -eq "$qs" ] || { echo "$f: $status, qemu-img $qs"; return 1; }
        [ "${output#runtime-img: $f: }" = "${qo#qemu-img: }" ] || { echo "$f: $output / $qo"; return 1; }
        diff <(qemu-img check --output=json $f 2>/dev/null) <($R check --output=json $f 2>/dev/null)
    done
    run $R check -r all c.vdi
    [ "$status" -eq 63 ] && [[ "$output" == *"This image format does not support checks" ]]
    # corruptions qemu-img's check counts: two entries sharing a block, an
    # entry out of range, a wrong allocated count
    cp c.vdi d1.vdi; put_le d1.vdi $((512 + 4)) 4 0
    cp c.vdi d2.vdi; put_le d2.vdi $((512 + 8)) 4 5000
    cp c.vdi d3.vdi; put_le d3.vdi $((0x184)) 4 3
    for f in d1.vdi d2.vdi d3.vdi; do
        sum=$(sha256sum < $f)
        run qemu-img check $f; qs=$status
        run $R check $f
        [ "$status" -eq 2 ] && [ "$status" -eq "$qs" ] || { echo "$f: $status, qemu-img $qs"; return 1; }
        diff <(qemu-img check --output=json $f 2>/dev/null) <($R check --output=json $f 2>/dev/null)
        diff <(qemu-img check $f 2>&1) <($R check $f 2>&1)
        [ "$sum" = "$(sha256sum < $f)" ]
    done
}

@test "damaged vpc/vdi images: one error line, non-zero exit, no crash, file unchanged" {
    cd "$T"
    rm -f good.* bad*
    qemu-img convert -O vpc src.raw good.vhd
    qemu-img convert -O vpc -o subformat=fixed src.raw good.fixed
    qemu-img convert -O vdi src.raw good.vdi
    local len=$(stat -c %s good.vhd) bat=1536
    # vpc dynamic
    cp good.vhd bad1.vhd; truncate -s 100 bad1.vhd
    cp good.vhd bad2.vhd; truncate -s $((len / 2)) bad2.vhd                 # BAT entries past EOF
    cp good.vhd bad3.vhd; put_be bad3.vhd 64 4 12345                        # footer checksum
    cp good.vhd bad4.vhd; put_be bad4.vhd $((512 + 36)) 4 1                 # dynamic header checksum
    cp good.vhd bad5.vhd; put_be bad5.vhd $bat 4 $((0x7fffff00))            # BAT entry far past EOF
    cp good.vhd bad6.vhd; put_be bad6.vhd $bat 4 1                          # BAT entry on the header
    cp good.vhd bad7.vhd; put_be bad7.vhd 48 8 $((1 << 60)); put_be bad7.vhd 28 4 $((0x71656d32))
    vhd_fix_checksum bad7.vhd 0 512 64                                            # absurd size, valid checksum
    cp good.vhd bad8.vhd; put_be bad8.vhd 48 8 $((1 << 40)); put_be bad8.vhd 28 4 $((0x71656d32))
    vhd_fix_checksum bad8.vhd 0 512 64                                            # bigger than the BAT covers
    cp good.vhd bad9.vhd; put_be bad9.vhd 16 8 $((1 << 40)); vhd_fix_checksum bad9.vhd 0 512 64  # header offset
    cp good.vhd bad10.vhd; put_be bad10.vhd $((512 + 28)) 4 $((0x40000000))  # max_table_entries
    vhd_fix_checksum bad10.vhd 512 1024 36
    cp good.vhd bad10b.vhd; put_be bad10b.vhd $((512 + 32)) 4 1000; vhd_fix_checksum bad10b.vhd 512 1024 36
    cp good.vhd bad11.vhd; put_be bad11.vhd 60 4 4; vhd_fix_checksum bad11.vhd 0 512 64  # differencing
    # vpc fixed: truncated loses the footer
    cp good.fixed bad12.fixed; truncate -s $(( $(stat -c %s good.fixed) - 1000 )) bad12.fixed
    # vdi
    cp good.vdi bad13.vdi; truncate -s 300 bad13.vdi
    cp good.vdi bad14.vdi; truncate -s $(( $(stat -c %s good.vdi) / 2 )) bad14.vdi  # blocks past EOF
    cp good.vdi bad15.vdi; put_le bad15.vdi $((0x40)) 4 0x12345678          # signature
    cp good.vdi bad16.vdi; put_le bad16.vdi $((0x44)) 4 $((0x00020000))     # version
    cp good.vdi bad17.vdi; put_le bad17.vdi $((512 + 8)) 4 $((0x7000000))   # map entry out of range
    cp good.vdi bad18.vdi; put_le bad18.vdi $((0x170)) 8 $((1 << 50))       # disk size > map
    cp good.vdi bad19.vdi; put_le bad19.vdi $((0x180)) 4 $((0x7fffffff))    # blocks_in_image
    cp good.vdi bad20.vdi; put_le bad20.vdi $((0x178)) 4 4096               # block size
    cp good.vdi bad21.vdi; put_le bad21.vdi $((512 + 4)) 4 0                # one block mapped twice
    for f in bad*; do
        case $f in *.vdi) fmt=vdi ;; *) fmt=vpc ;; esac
        sum=$(sha256sum < $f)
        run $R convert -f $fmt -O raw $f out.raw
        one_line_error "$status" "$output" $f || { echo "convert $f"; return 1; }
        run $R info -f $fmt $f
        one_line_error "$status" "$output" $f || { echo "info $f"; return 1; }
        run $R compare -f $fmt -F raw $f src.raw
        [ "$status" -ge 2 ] && [ "$status" -lt 128 ] || { echo "compare $f: $status"; return 1; }
        run $R map -f $fmt --output=json $f
        [ "$status" -ne 0 ] && [ "$status" -lt 128 ]
        run $R check -f $fmt $f
        [ "$status" -ne 0 ] && [ "$status" -lt 128 ] || { echo "check $f: $status"; return 1; }
        # opened for writing and written to: still refused, still unchanged
        run $R convert -n -f raw -O $fmt src.raw $f
        [ "$status" -ne 0 ] && [ "$status" -lt 128 ] || { echo "convert -n $f: $status"; return 1; }
        [ "$sum" = "$(sha256sum < $f)" ] || { echo "$f changed"; return 1; }
    done
}

# one_line_error STATUS OUTPUT FILE: one "runtime-img: FILE: ..." line, a clean non-zero exit
one_line_error() {
    [ "$1" -ne 0 ] && [ "$1" -lt 128 ] || { echo "status $1: $2"; return 1; }
    [ "$(printf '%s\n' "$2" | wc -l)" -eq 1 ] || { echo "not one line: $2"; return 1; }
    [[ "$2" == "runtime-img: $3: "* ]] || { echo "got: $2"; return 1; }
}

@test "crash safety: a convert into vpc/vdi killed at random points leaves a readable image" {
    cd "$T"
    rm -f big.raw
    make_pattern big.raw $((24 * 1024 * 1024))
    head -c $((6 * 1024 * 1024)) /dev/urandom | dd of=big.raw bs=1M seek=4 conv=notrunc status=none
    for f in vpc vdi; do
        for delay in 0.005 0.01 0.02 0.03 0.045; do
            rm -f k.img k.raw
            $R create -q -f $f k.img 24M
            $R convert -n -f raw -O $f big.raw k.img & pid=$!
            sleep $delay
            kill -9 $pid 2>/dev/null || true
            wait $pid || true
            # every byte reads as the source's or, not yet copied, as zero:
            # never as garbage from a block mapped before it was written
            $R convert -f $f -O raw k.img k.raw
            [ $f = vpc ] || qemu-img check -f vdi k.img >/dev/null 2>&1 || [ $? -eq 2 ]
            qemu-img convert -f $f -O raw k.img q.raw
            cmp k.raw q.raw
            # past the source (a VHD geometry rounds the disk up): zeroes
            local n=$(stat -c %s big.raw)
            [ -z "$(tail -c +$((n + 1)) k.raw | tr -d '\0' | head -c 1)" ]
            truncate -s $n k.raw
            cmp -l k.raw big.raw | awk '$2 != 0 { bad++ } END { exit bad > 0 }' ||
                { echo "$f after ${delay}s: bytes that are neither the source nor zero"; return 1; }
            # and a resumed convert finishes the job
            $R convert -n -f raw -O $f big.raw k.img
            qemu-img compare -f raw -F $f big.raw k.img
        done
    done
}

@test "vpc: the creator app decides between CHS and current_size, as in qemu-img" {
    cd "$T"
    rm -f base.vhd
    qemu-img convert -O vpc -o force_size=on src.raw base.vhd
    local cur=$(get_be base.vhd 48 8)
    # a geometry whose size (280 x 4 x 17 sectors, within the BAT) differs
    # from current_size; the footer copy at 0 is the one read
    for app in "vpc " qemu qem2 "win " "d2v " CTXS "tap"; do
        cp base.vhd a.vhd
        put_be a.vhd 56 2 280; put_be a.vhd 58 1 4; put_be a.vhd 59 1 17
        printf '%s' "$app" > app.bin
        [ "$app" != "tap" ] || printf 'tap\0' > app.bin
        dd if=app.bin of=a.vhd bs=1 seek=28 conv=notrunc status=none
        vhd_fix_checksum a.vhd 0 512 64
        q=$(qemu-img info -f vpc --output=json a.vhd | grep virtual-size)
        [ "$q" = "$($R info -f vpc --output=json a.vhd | grep virtual-size)" ] || { echo "$app: $q"; return 1; }
        case "$app" in "vpc "|qemu) [[ "$q" == *" $((280 * 4 * 17 * 512)),"* ]] ;;
                       *) [[ "$q" == *" $cur,"* ]] ;; esac
        rm -f a.raw b.raw
        qemu-img convert -f vpc -O raw a.vhd a.raw
        $R convert -f vpc -O raw a.vhd b.raw
        cmp a.raw b.raw
    done
}

@test "vpc/vdi write order: each new block is on disk (fdatasync) before the table entry that maps it" {
    command -v strace >/dev/null || skip "strace is not installed"
    cd "$T"
    # table entries are 4-byte writes: VHD BAT from offset 1536, VDI map from 512
    for f in "vpc 1536" "vdi 512"; do
        rm -f o.img
        $R create -q -f ${f% *} o.img 12M
        strace -o trace.txt -f -e trace=pwrite64,fdatasync $R convert -n -m 1 -O ${f% *} src.raw o.img
        awk -v tab=${f#* } '
            /pwrite64\(/ { n = split($0, a, ","); len = a[n - 1] + 0; off = a[n] + 0
                           if (len >= 1048576) { big++ }
                           else if (len == 4 && off >= tab) { entries++; if (synced < entries) bad = 1 } }
            /fdatasync\(/ { synced = big }
            END { if (bad || !entries) { print "entries " entries " big " big " synced " synced; exit 1 } }' trace.txt ||
            { echo "${f% *}: a table entry written before its block was synced"; return 1; }
    done
}
