#!/usr/bin/env bash
# make deps: install the Debian packages the build and the tests need, only
# when missing (apt-get runs only if something is absent).
set -euo pipefail

pkgs=(
    build-essential
    gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross
    qemu-user-static
    libelf-dev zlib1g-dev libseccomp-dev libcapstone-dev
    musl-tools bats binutils-riscv64-linux-gnu binutils-aarch64-linux-gnu
    qemu-utils libzstd-dev libjansson-dev libslirp-dev
    debootstrap cmake strace golang-go
    sqlite3 openssl gawk bzip2 xz-utils
    clang libclang-rt-14-dev
    qemu-system-x86
    acpica-tools
)

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "make deps: missing packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
fi
echo "make deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
