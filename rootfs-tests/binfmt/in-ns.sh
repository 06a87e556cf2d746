#!/bin/bash
# Run a bash command in a private user + mount namespace with its own,
# empty binfmt_misc (Linux 6.7+: one instance per user namespace), so that
# nothing registered there touches the host's handlers.
#   in-ns.sh [--ids] COMMAND
# --ids maps uids and gids 0..65535 one to one (needs real root) instead of
# only root, so that COMMAND can switch to an unprivileged user.
# Exit 77 with "in-ns.sh: why" on stderr when no such namespace can be made.
set -u
ids=0
if [ "${1:-}" = --ids ]; then ids=1; shift; fi
cmd=$1
skip() { echo "in-ns.sh: $*" >&2; exit 77; }

inner='
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
        { echo "in-ns.sh: cannot mount binfmt_misc in a user namespace (needs Linux 6.7+)" >&2; exit 77; }
    [ -z "$(ls /proc/sys/fs/binfmt_misc | grep -vx -e register -e status)" ] ||
        { echo "in-ns.sh: binfmt_misc in the namespace is not empty" >&2; exit 77; }
    eval "$1"'

if [ $ids = 0 ]; then
    unshare --user --map-root-user --mount true 2>/dev/null ||
        skip "unshare --user --map-root-user --mount is not permitted here"
    exec unshare --user --map-root-user --mount bash -c "$inner" in-ns "$cmd"
fi

[ "$(id -u)" = 0 ] || skip "mapping more than one uid into a user namespace needs root"
fifo=$(mktemp -u /tmp/in-ns.XXXXXX)
mkfifo "$fifo" || skip "mkfifo failed"
# the child waits on the fifo until its uid and gid maps are written
unshare --user --mount bash -c 'read -r go < "$2"; rm -f "$2"; [ "$go" = go ] || exit 77
    '"$inner" in-ns "$cmd" "$fifo" &
pid=$!
ok=go
# the maps can be written once the child is in its new user namespace
self_ns=$(readlink /proc/self/ns/user)
for i in $(seq 250); do
    ns=$(readlink /proc/$pid/ns/user 2>/dev/null) && [ "$ns" != "$self_ns" ] && break
    sleep 0.02
done
echo "0 0 65536" > /proc/$pid/uid_map 2>/dev/null || ok=no
echo "0 0 65536" > /proc/$pid/gid_map 2>/dev/null || ok=no
echo $ok > "$fifo"
wait $pid
rc=$?
[ $ok = go ] || skip "cannot write the uid/gid maps of a new user namespace"
exit $rc
