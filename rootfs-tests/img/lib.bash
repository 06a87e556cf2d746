# Helpers for img.bats: build images with qemu-img, patch big-endian header
# and table fields in place (dd, no python), and read them back.

# put_be FILE OFFSET BYTES VALUE: write VALUE as a BYTES-wide big-endian field
put_be() {
    local file=$1 off=$2 n=$3 v=$4 hex="" i
    for ((i = n - 1; i >= 0; i--)); do
        hex+=$(printf '\\x%02x' $(( (v >> (8 * i)) & 0xff )))
    done
    printf "$hex" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

# get_be FILE OFFSET BYTES: print the big-endian field as a decimal number
get_be() {
    local file=$1 off=$2 n=$3 v=0 b
    for b in $(od -An -v -tu1 -j "$off" -N "$n" "$file"); do
        v=$(( (v << 8) | b ))
    done
    echo "$v"
}

# first L2 table offset of a qcow2 image (L1 entry 0, flags masked)
l2_of() {
    local l1=$(get_be "$1" 40 8)
    echo $(( $(get_be "$1" "$l1" 8) & 0x00fffffffffffe00 ))
}

# a raw file with scattered random extents and a non-zero last byte
make_pattern() {
    local f=$1 size=$2 off
    truncate -s "$size" "$f"
    for off in 0 70000 1048576 3000000 $((size / 2 + 12345)); do
        [ "$off" -lt "$size" ] || continue
        head -c 20000 /dev/urandom | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
    done
    printf 'Z' | dd of="$f" bs=1 seek=$((size - 1)) conv=notrunc status=none
}

# ext_end FILE: offset of the end-of-extensions marker of a qcow2 v3 header
ext_end() {
    local f=$1 p type len
    p=$(get_be "$f" 100 4)
    while :; do
        type=$(get_be "$f" "$p" 4)
        len=$(get_be "$f" $((p + 4)) 4)
        [ "$type" -eq 0 ] && { echo "$p"; return; }
        p=$((p + 8 + (len + 7) / 8 * 8))
    done
}
