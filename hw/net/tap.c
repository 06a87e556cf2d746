/*
 * -netdev tap: a Linux TAP interface (Documentation/networking/tuntap.rst),
 * frames without the packet-information prefix.  ifname= names (or creates,
 * with CAP_NET_ADMIN) the interface; fd= takes one the caller opened.  No
 * helper scripts are run: script= and downscript= accept only "no", and
 * configuring the host side is left to the user, which is what QEMU does
 * with script=no.
 */
#include "hw/net/netdev.h"
#include "hw/virtio/kvopts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int script_no(struct kvopts *kv, const char *key, char *err, size_t errlen)
{
    const char *v = kvopts_get(kv, key);
    if (v && strcmp(v, "no") && *v) {
        snprintf(err, errlen, "%s=%s: running network scripts is not supported, use %s=no "
                 "and configure the interface beforehand", key, v, key);
        return -1;
    }
    return 0;
}

int netdev_tap_open(struct netdev *nd, struct kvopts *kv, char *err, size_t errlen)
{
    if (script_no(kv, "script", err, errlen) < 0 || script_no(kv, "downscript", err, errlen) < 0)
        return -1;
    const char *ifname = kvopts_get(kv, "ifname");
    const char *fdstr = kvopts_get(kv, "fd");
    if (fdstr) {
        char *end;
        long fd = strtol(fdstr, &end, 10);
        if (*end || fd < 0 || fcntl((int)fd, F_GETFD) < 0) {
            snprintf(err, errlen, "fd=%s is not an open file descriptor", fdstr);
            return -1;
        }
        if (ifname) {
            snprintf(err, errlen, "ifname= and fd= cannot be given together");
            return -1;
        }
        nd->fd = fd;
        snprintf(nd->info, sizeof(nd->info), "fd=%ld", fd);
        return 0;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "could not open /dev/net/tun: %s", strerror(errno));
        return -1;
    }
    struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
    if (ifname)
        snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        snprintf(err, errlen, "could not configure /dev/net/tun (%s): %s", ifname ? ifname : "tap%d",
                 strerror(errno));
        close(fd);
        return -1;
    }
    nd->fd = fd;
    snprintf(nd->info, sizeof(nd->info), "ifname=%s,script=no,downscript=no", ifr.ifr_name);
    return 0;
}
