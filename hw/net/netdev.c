/*
 * -netdev: the registry of back-ends by id and the option front door.
 * Errors use QEMU's words where it has them ("Duplicate ID", "Parameter
 * 'type' expects a netdev backend type").
 */
#include "hw/net/netdev.h"
#include "hw/virtio/kvopts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NETDEV_MAX 8

static struct netdev *netdevs[NETDEV_MAX];
static int n_netdevs;

struct netdev *netdev_find(const char *id)
{
    for (int i = 0; i < n_netdevs; i++)
        if (!strcmp(netdevs[i]->id, id))
            return netdevs[i];
    return NULL;
}

int netdev_count(void)
{
    return n_netdevs;
}

struct netdev *netdev_at(int i)
{
    return i < n_netdevs ? netdevs[i] : NULL;
}

static struct netdev *netdev_new(const char *id, const char *type, char *err, size_t errlen)
{
    if (!id || !*id) {
        snprintf(err, errlen, "Parameter 'id' is missing");
        return NULL;
    }
    if (netdev_find(id)) {
        snprintf(err, errlen, "Duplicate ID '%s' for netdev", id);
        return NULL;
    }
    if (n_netdevs == NETDEV_MAX) {
        snprintf(err, errlen, "more than %d netdevs", NETDEV_MAX);
        return NULL;
    }
    struct netdev *nd = calloc(1, sizeof(*nd));
    snprintf(nd->id, sizeof(nd->id), "%s", id);
    nd->type = type;
    nd->fd = -1;
    return nd;
}

static void netdev_register(struct netdev *nd)
{
    /* the front-end never blocks on its end: a full socket drops, as a wire would */
    fcntl(nd->fd, F_SETFL, fcntl(nd->fd, F_GETFL) | O_NONBLOCK);
    netdevs[n_netdevs++] = nd;
}

struct netdev *netdev_add_fd(const char *id, const char *type, int fd, char *err, size_t errlen)
{
    struct netdev *nd = netdev_new(id, type, err, errlen);
    if (!nd)
        return NULL;
    nd->fd = fd;
    snprintf(nd->info, sizeof(nd->info), "fd=%d", fd);
    netdev_register(nd);
    return nd;
}

struct netdev *netdev_add(const char *arg, char *err, size_t errlen)
{
    struct kvopts kv;
    if (kvopts_parse(&kv, arg, err, errlen) < 0)
        return NULL;
    struct netdev *nd = NULL;
    const char *type = kv.n && !kv.key[0] ? kv.val[0] : kvopts_get(&kv, "type");
    if (!type) {
        snprintf(err, errlen, "Parameter 'type' is missing");
        goto out;
    }
    static const char *const types[] = { "tap", "user" };
    const char *t = NULL;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (!strcmp(type, types[i]))
            t = types[i];
    if (!t) {
        snprintf(err, errlen, "Parameter 'type' expects a netdev backend type (tap, user)");
        goto out;
    }
    nd = netdev_new(kvopts_get(&kv, "id"), t, err, errlen);
    if (!nd)
        goto out;
    int r = !strcmp(t, "tap") ? netdev_tap_open(nd, &kv, err, errlen) : netdev_user_open(nd, &kv, err, errlen);
    const char *bad = r < 0 ? NULL : kvopts_unused(&kv);
    if (bad) {
        snprintf(err, errlen, "Invalid parameter '%s'", bad);
        if (nd->close)
            nd->close(nd);
        else if (nd->fd >= 0)
            close(nd->fd);      /* ours, also when fd= handed it over (as QEMU owns it then) */
        r = -1;
    }
    if (r < 0) {
        free(nd);
        nd = NULL;
        goto out;
    }
    netdev_register(nd);
out:
    kvopts_free(&kv);
    return nd;
}

void netdev_close(struct netdev *nd)
{
    for (int i = 0; i < n_netdevs; i++) {
        if (netdevs[i] == nd) {
            memmove(&netdevs[i], &netdevs[i + 1], (n_netdevs - i - 1) * sizeof(netdevs[0]));
            n_netdevs--;
            break;
        }
    }
    if (nd->close)
        nd->close(nd);
    else if (nd->fd >= 0)
        close(nd->fd);
    free(nd);
}
