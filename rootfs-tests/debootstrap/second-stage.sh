#!/bin/bash
# Run "chroot DIR /debootstrap/debootstrap --second-stage" (or, with
# --check, the post-install checks) through a binfmt_misc handler for
# aarch64 registered with the F flag in a private user + mount + pid
# namespace (rootfs-tests/binfmt/in-ns.sh --ids), so the host's handlers
# are never touched.
#   second-stage.sh runtime|qemu DIR [--check]
# runtime: build/runtime-aarch64 registered by runtime-binfmt (BUILD=dir);
# qemu: Debian's /usr/bin/qemu-aarch64-static, for comparison.
# Exit 77 with a reason when the namespace cannot be made.
set -u
here=$(cd "$(dirname "$0")" && pwd)
handler=$1 dir=$(cd "$2" && pwd) mode=${3:-}
build=$(cd "${BUILD:-build}" && pwd)

case $handler in
runtime)
    register="\"$build/runtime-binfmt\" --install aarch64 --persistent --path \"$build\" >/dev/null" ;;
qemu)
    [ -x /usr/bin/qemu-aarch64-static ] || { echo "second-stage.sh: no qemu-aarch64-static" >&2; exit 77; }
    # the ELF header of aarch64 EXEC and DYN programs, as qemu registers it
    magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
    mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
    register="echo ':qemu-aarch64:M::$magic:$mask:/usr/bin/qemu-aarch64-static:F' > /proc/sys/fs/binfmt_misc/register" ;;
*)
    echo "second-stage.sh: unknown handler $handler" >&2; exit 2 ;;
esac

if [ "$mode" = --check ]; then
    # dpkg's view of the result, one section per check
    run='echo "== status"; chroot "$1" dpkg-query -W -f="\${Package} \${Status}\n"
        echo "== list"; chroot "$1" dpkg -l
        echo "== verify"; chroot "$1" dpkg --verify; echo "verify-rc=$?"
        echo "== apt"; chroot "$1" apt-get --version; echo "apt-rc=$?"
        echo "== uname"; chroot "$1" uname -m'
else
    # container=lxc: debootstrap then skips its mknod probe (device nodes
    # cannot be made in a user namespace; the first stage made them)
    run='container=lxc chroot "$1" /debootstrap/debootstrap --second-stage'
fi
# a pid namespace of our own lets debootstrap mount /proc in the chroot
exec "$here/../binfmt/in-ns.sh" --ids "$register || exit 1
    exec unshare --pid --fork bash -c '$run' second-stage \"$dir\""
