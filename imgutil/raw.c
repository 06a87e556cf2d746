/*
 * The raw format: the virtual disk is the file itself.  Sparse by default;
 * preallocation falloc reserves blocks, full writes zeroes.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "imgutil/blk.h"
#include "imgutil/file.h"

static int raw_probe(const uint8_t *buf, size_t len)
{
    return 1;   /* anything is a raw image; every real format scores higher */
}

static int raw_open(struct blk_dev *bs, int flags, struct blk_err *err)
{
    int64_t size = file_size(bs->fd);
    if (size < 0)
        return blk_err_set(err, (int)size, "could not get the file size: %s",
                           strerror((int)-size));
    bs->size = (uint64_t)size;
    return 0;
}

static int raw_read(struct blk_dev *bs, uint64_t off, void *buf, size_t len)
{
    return file_pread(bs->fd, buf, len, off);
}

static int raw_write(struct blk_dev *bs, uint64_t off, const void *buf, size_t len)
{
    return file_pwrite(bs->fd, buf, len, off);
}

static int raw_write_zeroes(struct blk_dev *bs, uint64_t off, uint64_t len, bool may_unmap)
{
    return file_zero(bs->fd, off, len, may_unmap);
}

static int raw_discard(struct blk_dev *bs, uint64_t off, uint64_t len)
{
    return file_zero(bs->fd, off, len, true);
}

static int raw_flush(struct blk_dev *bs)
{
    return fdatasync(bs->fd) < 0 ? -errno : 0;
}

static int raw_block_status(struct blk_dev *bs, uint64_t off, uint64_t len,
                            uint64_t *pnum, uint64_t *map)
{
    bool data;
    int ret = file_data_status(bs->fd, off, len, &data, pnum);
    if (ret < 0)
        return ret;
    *map = off;
    return BLK_ST_ALLOCATED | BLK_ST_OFFSET | (data ? BLK_ST_DATA : BLK_ST_ZERO);
}

static int raw_truncate(struct blk_dev *bs, uint64_t size, bool shrink,
                        enum blk_prealloc prealloc, struct blk_err *err)
{
    if (size < bs->size && !shrink)
        return blk_err_set(err, -EINVAL, "Use the --shrink option to perform a shrink operation.");
    if (size < bs->size) {
        if (prealloc != BLK_PREALLOC_OFF)
            return blk_err_set(err, -ENOTSUP, "Preallocation can only be used for growing");
        if (ftruncate(bs->fd, (off_t)size) < 0)
            return blk_err_set(err, -errno, "could not truncate: %s", strerror(errno));
    } else {
        int ret = file_preallocate(bs->fd, bs->size, size, prealloc);
        if (ret < 0)
            return blk_err_set(err, ret, "could not resize: %s", strerror(-ret));
    }
    bs->size = size;
    return 0;
}

static int raw_create(const char *filename, const struct blk_create_opts *o,
                      struct blk_err *err)
{
    if (o->backing_file)
        return blk_err_set(err, -ENOTSUP, "Backing file not supported for file format 'raw'");
    if (o->prealloc == BLK_PREALLOC_METADATA)
        return blk_err_set(err, -EINVAL, "Unsupported preallocation mode 'metadata'");
    int fd = open(filename, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return blk_err_set(err, -errno, "Could not create '%s': %s", filename, strerror(errno));
    int ret = file_preallocate(fd, 0, o->size, o->prealloc);
    close(fd);
    if (ret < 0)
        return blk_err_set(err, ret, "Could not preallocate: %s", strerror(-ret));
    return 0;
}

const struct blk_driver blk_raw_driver = {
    .name = "raw",
    .probe = raw_probe,
    .open = raw_open,
    .read = raw_read,
    .write = raw_write,
    .write_zeroes = raw_write_zeroes,
    .discard = raw_discard,
    .flush = raw_flush,
    .block_status = raw_block_status,
    .truncate = raw_truncate,
    .create = raw_create,
};
