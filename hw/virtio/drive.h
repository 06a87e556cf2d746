/*
 * -drive: the options (file=, format=, if=, readonly=, snapshot=, cache=,
 * id=, serial=) and opening the image through imgutil's block layer.
 */
#ifndef HW_VIRTIO_DRIVE_H
#define HW_VIRTIO_DRIVE_H

#include <stdbool.h>
#include <stddef.h>

struct blk_dev;

enum drive_if { DRIVE_IF_VIRTIO, DRIVE_IF_NONE };

/* QEMU's cache modes; what they mean here is in drive.c */
enum drive_cache { DRIVE_CACHE_WRITEBACK, DRIVE_CACHE_NONE, DRIVE_CACHE_WRITETHROUGH,
                   DRIVE_CACHE_DIRECTSYNC, DRIVE_CACHE_UNSAFE };

struct drive_opts {
    char *id;                   /* id= ; NULL when not given */
    char *file;
    char *format;               /* NULL: probe the image */
    enum drive_if iface;
    bool readonly, snapshot;
    enum drive_cache cache;
    char *serial;               /* GET_ID's answer (20 bytes at most); NULL: empty */
};

/* parse a -drive argument; 0, or -1 with QEMU's reason in err */
int drive_parse(const char *arg, struct drive_opts *o, char *err, size_t errlen);
void drive_opts_free(struct drive_opts *o);

/* open the image as o says: read-only, or through a temporary qcow2 overlay
 * for snapshot=on (deleted at once: the user's file is never written).
 * NULL with one reason in err. */
struct blk_dev *drive_open(const struct drive_opts *o, char *err, size_t errlen);

/* after a write: does this cache mode want the data on stable storage now? */
bool drive_cache_writethrough(enum drive_cache c);
/* does a guest FLUSH reach the image? (not with cache=unsafe) */
bool drive_cache_flushes(enum drive_cache c);

#endif
