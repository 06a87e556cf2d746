/*
 * Network back-ends (-netdev): each one hands the front-end (virtio-net) a
 * file descriptor that carries one Ethernet frame per read or write — a tap
 * device, or one end of a SOCK_DGRAM socketpair whose other end user-mode
 * networking (slirp.c) or a test serves.  Front-ends therefore poll one fd
 * whatever the back-end.
 */
#ifndef HW_NET_NETDEV_H
#define HW_NET_NETDEV_H

#include <stdbool.h>
#include <stddef.h>

struct netdev {
    char id[64];
    const char *type;           /* "tap", "user", "socket" */
    int fd;                     /* the front-end's end, non-blocking */
    bool in_use;                /* taken by a -device */
    char info[128];             /* for `info network`: "ifname=tap0,script=no" */
    void *priv;
    void (*close)(struct netdev *nd);
};

/* parse and open a -netdev argument ("tap,id=n0,ifname=tap0,script=no");
 * NULL with one reason in err.  The netdev is registered under its id. */
struct netdev *netdev_add(const char *arg, char *err, size_t errlen);
/* a netdev over an fd the caller opened (tests: a socketpair end) */
struct netdev *netdev_add_fd(const char *id, const char *type, int fd, char *err, size_t errlen);
struct netdev *netdev_find(const char *id);
void netdev_close(struct netdev *nd);
/* every netdev, for `info network` and the exit path */
int netdev_count(void);
struct netdev *netdev_at(int i);

/* back-ends (kvopts already parsed by netdev_add) */
struct kvopts;
int netdev_tap_open(struct netdev *nd, struct kvopts *kv, char *err, size_t errlen);
int netdev_user_open(struct netdev *nd, struct kvopts *kv, char *err, size_t errlen);

#endif
