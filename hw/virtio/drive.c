/*
 * -drive (drive.h).  Cache modes follow QEMU's table: writeback (default)
 * and none keep a write cache the guest flushes; writethrough and
 * directsync flush after every write; unsafe ignores flushes.  The block
 * layer has no O_DIRECT mode, so none and directsync bypass only our own
 * caching, not the host page cache (said in man/runtime-system.1).
 */
#include "hw/virtio/drive.h"
#include "hw/virtio/kvopts.h"
#include "imgutil/blk.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dup_opt(struct kvopts *kv, const char *key)
{
    const char *v = kvopts_get(kv, key);
    return v ? strdup(v) : NULL;
}

int drive_parse(const char *arg, struct drive_opts *o, char *err, size_t errlen)
{
    struct kvopts kv;
    memset(o, 0, sizeof(*o));
    if (kvopts_parse(&kv, arg, err, errlen) < 0)
        return -1;
    int ret = -1;
    if (kv.n && !kv.key[0]) {
        snprintf(err, errlen, "Invalid parameter '%s'", kv.val[0]);
        goto out;
    }
    o->file = dup_opt(&kv, "file");
    o->format = dup_opt(&kv, "format");
    o->id = dup_opt(&kv, "id");
    o->serial = dup_opt(&kv, "serial");
    const char *iface = kvopts_get(&kv, "if");
    const char *cache = kvopts_get(&kv, "cache");
    if (kvopts_bool(&kv, "readonly", &o->readonly, err, errlen) < 0 ||
        kvopts_bool(&kv, "snapshot", &o->snapshot, err, errlen) < 0)
        goto out;
    /* media=disk is the only medium a virtio disk has */
    const char *media = kvopts_get(&kv, "media");
    if (media && strcmp(media, "disk")) {
        snprintf(err, errlen, "media=%s is not supported: virtio drives are disks", media);
        goto out;
    }
    const char *bad = kvopts_unused(&kv);
    if (bad) {
        snprintf(err, errlen, "Invalid parameter '%s'", bad);
        goto out;
    }
    if (!o->file || !*o->file) {
        snprintf(err, errlen, "A block device must be specified for \"file\"");
        goto out;
    }
    if (!iface || !strcmp(iface, "virtio")) {
        /* our boards have no IDE or SCSI: a drive without if= is a virtio disk */
        o->iface = DRIVE_IF_VIRTIO;
    } else if (!strcmp(iface, "none")) {
        o->iface = DRIVE_IF_NONE;
    } else {
        snprintf(err, errlen, "unsupported bus type '%s' (this machine has virtio and none)", iface);
        goto out;
    }
    static const char *const caches[] = {
        [DRIVE_CACHE_WRITEBACK] = "writeback", [DRIVE_CACHE_NONE] = "none",
        [DRIVE_CACHE_WRITETHROUGH] = "writethrough", [DRIVE_CACHE_DIRECTSYNC] = "directsync",
        [DRIVE_CACHE_UNSAFE] = "unsafe",
    };
    o->cache = DRIVE_CACHE_WRITEBACK;
    if (cache) {
        size_t i;
        for (i = 0; i < sizeof(caches) / sizeof(caches[0]); i++)
            if (!strcmp(cache, caches[i]))
                break;
        if (i == sizeof(caches) / sizeof(caches[0])) {
            snprintf(err, errlen, "invalid cache option");
            goto out;
        }
        o->cache = i;
    }
    if (o->serial && strlen(o->serial) > 20) {
        snprintf(err, errlen, "serial '%s' is longer than the 20 bytes virtio-blk reports", o->serial);
        goto out;
    }
    if (o->format && !blk_driver_find(o->format)) {
        snprintf(err, errlen, "Unknown driver '%s'", o->format);
        goto out;
    }
    ret = 0;
out:
    kvopts_free(&kv);
    if (ret < 0)
        drive_opts_free(o);
    return ret;
}

void drive_opts_free(struct drive_opts *o)
{
    free(o->id);
    free(o->file);
    free(o->format);
    free(o->serial);
    memset(o, 0, sizeof(*o));
}

bool drive_cache_writethrough(enum drive_cache c)
{
    return c == DRIVE_CACHE_WRITETHROUGH || c == DRIVE_CACHE_DIRECTSYNC;
}

bool drive_cache_flushes(enum drive_cache c)
{
    return c != DRIVE_CACHE_UNSAFE;
}

/* snapshot=on: a qcow2 overlay in $TMPDIR over the user's image, unlinked
 * once open, so writes live only as long as the process */
static struct blk_dev *open_snapshot(const struct drive_opts *o, char *err, size_t errlen)
{
    struct blk_err e = { { 0 } };
    char base[PATH_MAX], tmpl[PATH_MAX];
    if (!realpath(o->file, base)) {
        snprintf(err, errlen, "Could not open '%s': %s", o->file, strerror(errno));
        return NULL;
    }
    /* the backing image's format and size decide the overlay's */
    struct blk_dev *b = blk_open(base, o->format, 0, &e);
    if (!b) {
        snprintf(err, errlen, "%s", e.msg);
        return NULL;
    }
    uint64_t size = b->size;
    char *fmt = strdup(b->drv->name);
    blk_close(b);
    const char *dir = getenv("TMPDIR");
    snprintf(tmpl, sizeof(tmpl), "%s/runtime-snapshot.XXXXXX", dir && *dir ? dir : "/var/tmp");
    int fd = mkstemp(tmpl);
    if (fd < 0) {
        snprintf(err, errlen, "could not create the snapshot overlay in %s: %s",
                 dir && *dir ? dir : "/var/tmp", strerror(errno));
        free(fmt);
        return NULL;
    }
    close(fd);
    struct blk_create_opts co = { .size = size, .size_set = true, .backing_file = base,
                                  .backing_fmt = fmt };
    struct blk_dev *bs = NULL;
    if (blk_create(&blk_qcow2_driver, tmpl, &co, &e) < 0)
        snprintf(err, errlen, "could not create the snapshot overlay %s: %s", tmpl, e.msg);
    else if (!(bs = blk_open(tmpl, "qcow2", BLK_O_RDWR, &e)))
        snprintf(err, errlen, "could not open the snapshot overlay %s: %s", tmpl, e.msg);
    unlink(tmpl);
    free(fmt);
    return bs;
}

struct blk_dev *drive_open(const struct drive_opts *o, char *err, size_t errlen)
{
    if (o->snapshot && !o->readonly)
        return open_snapshot(o, err, errlen);
    struct blk_err e = { { 0 } };
    struct blk_dev *bs = blk_open(o->file, o->format, o->readonly ? 0 : BLK_O_RDWR, &e);
    if (!bs)
        snprintf(err, errlen, "%s", e.msg[0] ? e.msg : "could not open the image");
    return bs;
}
