/*
 * -netdev user without libslirp: Debian ships libslirp only as a shared
 * library (no libslirp.a in libslirp-dev) and runtime-system links
 * statically, so a build without CONFIG_SLIRP refuses user networking in
 * one line instead of pretending.  slirp.c is the back-end for builds that
 * link libslirp.
 */
#ifndef CONFIG_SLIRP
#include "hw/net/netdev.h"

#include <stdio.h>

int netdev_user_open(struct netdev *nd, struct kvopts *kv, char *err, size_t errlen)
{
    snprintf(err, errlen, "user-mode networking needs libslirp, which this static build does not "
             "contain (Debian has no libslirp.a); use -netdev tap, or build with CONFIG_SLIRP");
    return -1;
}
#endif
