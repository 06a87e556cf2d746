/*
 * -netdev user: QEMU's user-mode networking through libslirp, run in the
 * helper runtime-slirp (hw/net/slirp/helper.c) because runtime-system is
 * static and Debian has no libslirp.a.  The helper gets one end of a
 * SOCK_SEQPACKET socketpair as fd 3; the other end is the netdev's frame
 * descriptor.  It is found next to runtime-system, or at
 * $RUNTIME_SLIRP_HELPER, and dies with the machine (PR_SET_PDEATHSIG there,
 * end of stream here).
 */
#include "hw/net/netdev.h"
#include "hw/virtio/kvopts.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct user_priv {
    pid_t pid;
};

static void user_close(struct netdev *nd)
{
    struct user_priv *p = nd->priv;
    if (nd->fd >= 0)
        close(nd->fd);      /* the helper sees the end of the stream and exits */
    if (p && p->pid > 0)
        waitpid(p->pid, NULL, 0);
    free(p);
    nd->priv = NULL;
}

static int helper_path(char *out, size_t n)
{
    const char *env = getenv("RUNTIME_SLIRP_HELPER");
    if (env && *env)
        return snprintf(out, n, "%s", env) < (int)n ? 0 : -1;
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len < 0)
        return -1;
    self[len] = 0;
    return snprintf(out, n, "%s/runtime-slirp", dirname(self)) < (int)n ? 0 : -1;
}

int netdev_user_open(struct netdev *nd, struct kvopts *kv, char *err, size_t errlen)
{
    static const struct { const char *key, *flag; } simple[] = {
        { "net", "--net" }, { "host", "--host" }, { "dns", "--dns" },
        { "dhcpstart", "--dhcpstart" }, { "hostname", "--hostname" },
    };
    char path[PATH_MAX];
    const char *argv[2 + 2 * KVOPTS_MAX + 2];
    int argc = 0;
    if (helper_path(path, sizeof(path)) < 0 || access(path, X_OK) < 0) {
        snprintf(err, errlen, "user-mode networking needs the helper runtime-slirp (built when libslirp-dev "
                 "is installed) at %s: %s", path, strerror(errno));
        return -1;
    }
    argv[argc++] = "runtime-slirp";
    for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
        const char *v = kvopts_get(kv, simple[i].key);
        if (v) {
            argv[argc++] = simple[i].flag;
            argv[argc++] = v;
        }
    }
    bool restrict_ = false;
    if (kvopts_bool(kv, "restrict", &restrict_, err, errlen) < 0)
        return -1;
    if (restrict_)
        argv[argc++] = "--restrict";
    for (int i = 0; i < kv->n; i++) {
        if (kv->key[i] && !strcmp(kv->key[i], "hostfwd")) {
            kv->used[i] = true;
            argv[argc++] = "--hostfwd";
            argv[argc++] = kv->val[i];
        }
    }
    /* what the helper does not know is refused here, before it starts */
    const char *bad = kvopts_unused(kv);
    if (bad) {
        snprintf(err, errlen, "Invalid parameter '%s'", bad);
        return -1;
    }
    argv[argc] = NULL;

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        snprintf(err, errlen, "socketpair: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 3);    /* dup2 clears close-on-exec */
    pid_t pid;
    int r = posix_spawn(&pid, path, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(sv[1]);
    if (r) {
        snprintf(err, errlen, "cannot run %s: %s", path, strerror(r));
        close(sv[0]);
        return -1;
    }
    /* the helper's first message: "OK" or "ERR reason" */
    char msg[512];
    struct pollfd p = { sv[0], POLLIN, 0 };
    ssize_t n = poll(&p, 1, 10000) == 1 ? recv(sv[0], msg, sizeof(msg) - 1, 0) : -1;
    if (n != 2 || memcmp(msg, "OK", 2)) {
        if (n > 4 && !memcmp(msg, "ERR ", 4))
            snprintf(err, errlen, "%.*s", (int)(n - 4), msg + 4);
        else
            snprintf(err, errlen, "%s did not start", path);
        close(sv[0]);
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        return -1;
    }
    struct user_priv *priv = calloc(1, sizeof(*priv));
    priv->pid = pid;
    nd->priv = priv;
    nd->fd = sv[0];
    nd->close = user_close;
    snprintf(nd->info, sizeof(nd->info), "net=%s,restrict=%s", kvopts_get(kv, "net") ? kvopts_get(kv, "net") : "10.0.2.0",
             restrict_ ? "on" : "off");
    return 0;
}
