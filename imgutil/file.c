/*
 * Host-file helpers: full-length I/O that survives EINTR and short
 * transfers, SEEK_DATA/SEEK_HOLE queries, zeroing and preallocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgutil/file.h"

int file_pread(int fd, void *buf, size_t len, uint64_t off)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0) {
            memset(p, 0, len);
            return 0;
        }
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

int file_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, (off_t)off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

int64_t file_size(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    if (S_ISBLK(st.st_mode)) {
        off_t end = lseek(fd, 0, SEEK_END);
        return end < 0 ? -errno : end;
    }
    return st.st_size;
}

int file_data_status(int fd, uint64_t off, uint64_t len, bool *data, uint64_t *pnum)
{
    off_t d = lseek(fd, (off_t)off, SEEK_DATA);
    if (d < 0) {
        if (errno == ENXIO) {       /* only a hole up to the end */
            *data = false;
            *pnum = len;
            return 0;
        }
        *data = true;               /* no hole support: everything is data */
        *pnum = len;
        return 0;
    }
    if ((uint64_t)d > off) {
        *data = false;
        *pnum = (uint64_t)d - off < len ? (uint64_t)d - off : len;
        return 0;
    }
    off_t h = lseek(fd, (off_t)off, SEEK_HOLE);
    *data = true;
    if (h < 0 || (uint64_t)h <= off)
        *pnum = len;
    else
        *pnum = (uint64_t)h - off < len ? (uint64_t)h - off : len;
    return 0;
}

bool buf_is_zero(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len && ((uintptr_t)p & 7)) {
        if (*p++)
            return false;
        len--;
    }
    const uint64_t *q = (const uint64_t *)p;
    for (; len >= 32; len -= 32, q += 4)
        if (q[0] | q[1] | q[2] | q[3])
            return false;
    p = (const uint8_t *)q;
    while (len--)
        if (*p++)
            return false;
    return true;
}

static int file_write_zero_bytes(int fd, uint64_t off, uint64_t len)
{
    static const uint8_t zero[65536];
    while (len) {
        size_t n = len < sizeof(zero) ? (size_t)len : sizeof(zero);
        int ret = file_pwrite(fd, zero, n, off);
        if (ret < 0)
            return ret;
        off += n;
        len -= n;
    }
    return 0;
}

int file_zero(int fd, uint64_t off, uint64_t len, bool punch)
{
    if (len == 0)
        return 0;
    if (punch && fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                           (off_t)off, (off_t)len) == 0)
        return 0;
    if (fallocate(fd, FALLOC_FL_ZERO_RANGE, (off_t)off, (off_t)len) == 0)
        return 0;
    return file_write_zero_bytes(fd, off, len);
}

int file_preallocate(int fd, uint64_t old_size, uint64_t size, enum blk_prealloc mode)
{
    if (size < old_size)
        return -EINVAL;
    switch (mode) {
    case BLK_PREALLOC_FALLOC:
        if (size > old_size) {
            int r = posix_fallocate(fd, (off_t)old_size, (off_t)(size - old_size));
            if (r)
                return -r;
        }
        return 0;
    case BLK_PREALLOC_FULL:
        if (ftruncate(fd, (off_t)size) < 0)
            return -errno;
        /* real blocks, not a hole: write the zeroes */
        return file_write_zero_bytes(fd, old_size, size - old_size);
    default:
        if (ftruncate(fd, (off_t)size) < 0)
            return -errno;
        return 0;
    }
}
