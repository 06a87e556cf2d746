/*
 * The generic block layer: format lookup and probing, opening an image with
 * its backing chain (relative names resolved as QEMU does, loops refused),
 * and the bounds-checked entry points that dispatch to a driver.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgutil/blk.h"
#include "imgutil/file.h"

/* the longest chain we follow; a deeper one is almost surely a mistake */
#define BLK_MAX_CHAIN 64

static const struct blk_driver *const blk_drivers[] = {
    &blk_qcow2_driver,
    &blk_vmdk_driver,
    &blk_vhdx_driver,
    &blk_vpc_driver,
    &blk_vdi_driver,
    &blk_qed_driver,
    &blk_raw_driver,
};

int blk_err_set(struct blk_err *err, int ret, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return ret;
}

const struct blk_driver *blk_driver_at(size_t i)
{
    return i < sizeof(blk_drivers) / sizeof(blk_drivers[0]) ? blk_drivers[i] : NULL;
}

const struct blk_driver *blk_driver_find(const char *name)
{
    for (size_t i = 0; i < sizeof(blk_drivers) / sizeof(blk_drivers[0]); i++)
        if (!strcmp(blk_drivers[i]->name, name))
            return blk_drivers[i];
    return NULL;
}

int blk_probe(const char *filename, const struct blk_driver **drv, struct blk_err *err)
{
    uint8_t buf[4096];
    int fd = open(filename, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return blk_err_set(err, -errno, "Could not open '%s': %s", filename, strerror(errno));
    ssize_t n = pread(fd, buf, sizeof(buf), 0);
    close(fd);
    if (n < 0)
        return blk_err_set(err, -errno, "could not read: %s", strerror(errno));
    int best = -1;
    for (size_t i = 0; i < sizeof(blk_drivers) / sizeof(blk_drivers[0]); i++) {
        int score = blk_drivers[i]->probe ? blk_drivers[i]->probe(buf, (size_t)n) : 0;
        if (score > best) {
            best = score;
            *drv = blk_drivers[i];
        }
    }
    return 0;
}

char *blk_backing_path(const char *from, const char *backing)
{
    char *out;
    const char *slash = strrchr(from, '/');
    if (backing[0] == '/' || !slash || strstr(backing, "://")) {
        out = strdup(backing);
    } else {
        int dirlen = (int)(slash - from) + 1;
        if (asprintf(&out, "%.*s%s", dirlen, from, backing) < 0)
            out = NULL;
    }
    return out;
}

static struct blk_dev *blk_open_one(const char *filename, const char *fmt, int flags,
                                    struct blk_err *err)
{
    const struct blk_driver *drv = NULL;
    if (fmt) {
        drv = blk_driver_find(fmt);
        if (!drv) {
            blk_err_set(err, -EINVAL, "Unknown driver '%s'", fmt);
            return NULL;
        }
    } else if (blk_probe(filename, &drv, err) < 0) {
        return NULL;
    }
    struct blk_dev *bs = calloc(1, sizeof(*bs));
    if (!bs) {
        blk_err_set(err, -ENOMEM, "out of memory");
        return NULL;
    }
    bs->drv = drv;
    bs->filename = strdup(filename);
    bs->read_only = !(flags & BLK_O_RDWR);
    pthread_mutex_init(&bs->lock, NULL);
    bs->fd = open(filename, (bs->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (bs->fd < 0) {
        blk_err_set(err, -errno, "Could not open '%s': %s", filename, strerror(errno));
        free(bs->filename);
        free(bs);
        return NULL;
    }
    int ret = drv->open(bs, flags, err);
    if (ret < 0) {
        /* the header may have named a backing file before open failed */
        close(bs->fd);
        free(bs->filename);
        free(bs->backing_file);
        free(bs->backing_fmt);
        free(bs);
        return NULL;
    }
    if (bs->backing_file)
        bs->full_backing = blk_backing_path(filename, bs->backing_file);
    return bs;
}

struct blk_dev *blk_open(const char *filename, const char *fmt, int flags,
                         struct blk_err *err)
{
    struct blk_dev *top = blk_open_one(filename, fmt, flags, err);
    if (!top || (flags & BLK_O_NO_BACKING))
        return top;

    /* identities of the files already in the chain, for loop detection */
    dev_t devs[BLK_MAX_CHAIN];
    ino_t inos[BLK_MAX_CHAIN];
    int n = 0;
    struct stat st;
    if (fstat(top->fd, &st) == 0) {
        devs[n] = st.st_dev;
        inos[n++] = st.st_ino;
    }
    for (struct blk_dev *bs = top; bs->full_backing; bs = bs->backing) {
        if (n >= BLK_MAX_CHAIN) {
            blk_err_set(err, -ELOOP, "backing chain is longer than %d images", BLK_MAX_CHAIN);
            goto fail;
        }
        if (stat(bs->full_backing, &st) == 0) {
            for (int i = 0; i < n; i++) {
                if (devs[i] == st.st_dev && inos[i] == st.st_ino) {
                    blk_err_set(err, -ELOOP, "backing file loop: '%s' is already in the chain",
                                bs->full_backing);
                    goto fail;
                }
            }
            devs[n] = st.st_dev;
            inos[n++] = st.st_ino;
        }
        struct blk_err e2;
        /* backing files are only read, whatever the top's mode */
        bs->backing = blk_open_one(bs->full_backing, bs->backing_fmt,
                                   flags & ~(BLK_O_RDWR | BLK_O_CHECK), &e2);
        if (!bs->backing) {
            blk_err_set(err, -EINVAL, "Could not open backing file: %s", e2.msg);
            goto fail;
        }
    }
    return top;
fail:
    blk_close(top);
    return NULL;
}

void blk_close(struct blk_dev *bs)
{
    while (bs) {
        struct blk_dev *next = bs->backing;
        if (bs->drv->close)
            bs->drv->close(bs);
        close(bs->fd);
        free(bs->filename);
        free(bs->backing_file);
        free(bs->backing_fmt);
        free(bs->full_backing);
        pthread_mutex_destroy(&bs->lock);
        free(bs);
        bs = next;
    }
}

static int blk_check_range(struct blk_dev *bs, uint64_t off, uint64_t len)
{
    if (off > bs->size || len > bs->size - off)
        return -EINVAL;
    return 0;
}

int blk_read(struct blk_dev *bs, uint64_t off, void *buf, size_t len)
{
    int ret = blk_check_range(bs, off, len);
    return ret < 0 ? ret : (len ? bs->drv->read(bs, off, buf, len) : 0);
}

int blk_write(struct blk_dev *bs, uint64_t off, const void *buf, size_t len)
{
    if (bs->read_only)
        return -EROFS;
    int ret = blk_check_range(bs, off, len);
    return ret < 0 ? ret : (len ? bs->drv->write(bs, off, buf, len) : 0);
}

int blk_write_zeroes(struct blk_dev *bs, uint64_t off, uint64_t len, bool may_unmap)
{
    if (bs->read_only)
        return -EROFS;
    int ret = blk_check_range(bs, off, len);
    return ret < 0 ? ret : (len ? bs->drv->write_zeroes(bs, off, len, may_unmap) : 0);
}

int blk_discard(struct blk_dev *bs, uint64_t off, uint64_t len)
{
    if (bs->read_only)
        return -EROFS;
    int ret = blk_check_range(bs, off, len);
    if (ret < 0 || !len || !bs->drv->discard)
        return ret;
    return bs->drv->discard(bs, off, len);
}

int blk_flush(struct blk_dev *bs)
{
    if (bs->read_only || !bs->drv->flush)
        return 0;
    return bs->drv->flush(bs);
}

int blk_block_status(struct blk_dev *bs, uint64_t off, uint64_t len,
                     uint64_t *pnum, uint64_t *map)
{
    int ret = blk_check_range(bs, off, len);
    if (ret < 0)
        return ret;
    *map = 0;
    return bs->drv->block_status(bs, off, len, pnum, map);
}

int blk_block_status_above(struct blk_dev *bs, uint64_t off, uint64_t len,
                           uint64_t *pnum, uint64_t *map, int *depth,
                           struct blk_dev **layer)
{
    int d = 0;
    for (;;) {
        if (off >= bs->size) {
            /* beyond a shorter backing file: zeroes, owned by nobody */
            *pnum = len;
            *map = 0;
            *depth = d;
            *layer = bs;
            return BLK_ST_ZERO;
        }
        uint64_t n;
        uint64_t l = len < bs->size - off ? len : bs->size - off;
        int st = blk_block_status(bs, off, l, &n, map);
        if (st < 0)
            return st;
        if ((st & BLK_ST_ALLOCATED) || !bs->backing) {
            *pnum = n;
            *depth = d;
            *layer = bs;
            return st;
        }
        len = n;
        bs = bs->backing;
        d++;
    }
}

int blk_truncate(struct blk_dev *bs, uint64_t size, bool shrink,
                 enum blk_prealloc prealloc, struct blk_err *err)
{
    if (bs->read_only)
        return blk_err_set(err, -EROFS, "image is read-only");
    if (!bs->drv->truncate)
        return blk_err_set(err, -ENOTSUP, "format '%s' cannot be resized", bs->drv->name);
    return bs->drv->truncate(bs, size, shrink, prealloc, err);
}

int blk_create(const struct blk_driver *drv, const char *filename,
               const struct blk_create_opts *o, struct blk_err *err)
{
    if (!drv->create)
        return blk_err_set(err, -ENOTSUP, "format '%s' does not support image creation",
                           drv->name);
    return drv->create(filename, o, err);
}

uint64_t blk_allocated_size(struct blk_dev *bs)
{
    if (bs->drv->allocated_size)
        return bs->drv->allocated_size(bs);
    struct stat st;
    if (fstat(bs->fd, &st) < 0)
        return 0;
    return (uint64_t)st.st_blocks * 512;
}

const char *blk_strerror(struct blk_dev *bs, int ret)
{
    if (bs && bs->io_err.msg[0])
        return bs->io_err.msg;
    return strerror(-ret);
}
