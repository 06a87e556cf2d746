/*
 * The hosted sparse extent ("KDMV"): its 512-byte header (with the
 * streamOptimized footer copy when the directory is at the end), the grain
 * directory and its redundant copy, grain tables loaded on first use, and
 * grain allocation.  A grain is written before the table entry that points
 * at it, and a new grain table before the directory entry that points at
 * it, so an interrupted write leaves at worst an unreferenced grain.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "imgutil/file.h"
#include "imgutil/vmdk/vmdk.h"

int vmdk_sparse_header(uint8_t *h, uint32_t version, uint32_t flags, uint64_t capacity,
                       uint64_t desc_off, uint64_t desc_sectors, uint64_t rgd_off,
                       uint64_t gd_off, uint64_t overhead)
{
    memset(h, 0, VMDK_HDR_SIZE);
    le32_put(h, VMDK_MAGIC);
    le32_put(h + 4, version);
    le32_put(h + 8, flags);
    le64_put(h + 12, capacity / VMDK_SECTOR);
    le64_put(h + 20, 128);                  /* 64 KiB grains */
    le64_put(h + 28, desc_off);
    le64_put(h + 36, desc_sectors);
    le32_put(h + 44, 512);
    le64_put(h + 48, rgd_off);
    le64_put(h + 56, gd_off);
    le64_put(h + 64, overhead);
    h[72] = 0;                              /* clean shutdown */
    /* the line-ending probes that catch a text-mode FTP transfer */
    h[73] = '\n';
    h[74] = ' ';
    h[75] = '\r';
    h[76] = '\n';
    le16_put(h + 77, (flags & VMDK_FL_COMPRESS) ? 1 : 0);
    return 0;
}

static int load_dir(struct vmdk_extent *e, uint64_t off, uint32_t **out, struct blk_err *err,
                    const char *what)
{
    uint64_t bytes = (uint64_t)e->gd_n * 4;
    if (off > e->file_size || bytes > e->file_size - off)
        return blk_err_set(err, -EINVAL, "%s offset 0x%" PRIx64 " is past the end of the file",
                           what, off);
    uint32_t *d = malloc(bytes);
    if (!d)
        return blk_err_set(err, -ENOMEM, "out of memory");
    int ret = file_pread(e->fd, d, bytes, off);
    if (ret < 0) {
        free(d);
        return blk_err_set(err, ret, "could not read the %s: %s", what, strerror(-ret));
    }
    uint64_t gt_bytes = (uint64_t)e->gtes * 4;
    for (uint32_t i = 0; i < e->gd_n; i++) {
        d[i] = le32_get(&d[i]);
        uint64_t t = (uint64_t)d[i] * VMDK_SECTOR;
        if (d[i] && (t > e->file_size || gt_bytes > e->file_size - t)) {
            free(d);
            return blk_err_set(err, -EINVAL, "grain table %u at 0x%" PRIx64
                               " is past the end of the file", i, t);
        }
    }
    *out = d;
    return 0;
}

/* streamOptimized with the directory at the end: the footer repeats the
 * header, between a footer marker and the end-of-stream marker */
static int read_footer(struct vmdk_extent *e, uint8_t *h, struct blk_err *err)
{
    uint8_t f[1536];
    if (e->file_size < 1536 + VMDK_SECTOR)
        return blk_err_set(err, -EINVAL, "streamOptimized image has no footer");
    int ret = file_pread(e->fd, f, sizeof(f), e->file_size - 1536);
    if (ret < 0)
        return blk_err_set(err, ret, "could not read the footer: %s", strerror(-ret));
    if (le32_get(f + 12) != VMDK_MARKER_FOOTER || le32_get(f + 512) != VMDK_MAGIC ||
        le32_get(f + 1024 + 12) != VMDK_MARKER_EOS)
        return blk_err_set(err, -EINVAL, "streamOptimized footer is missing or damaged");
    memcpy(h, f + 512, VMDK_HDR_SIZE);
    return 0;
}

int vmdk_sparse_open(struct vmdk_extent *e, bool rw, struct blk_err *err)
{
    uint8_t h[VMDK_HDR_SIZE];
    int64_t fsz = file_size(e->fd);
    if (fsz < 0)
        return blk_err_set(err, (int)fsz, "could not get the file size");
    e->file_size = (uint64_t)fsz;
    if (e->file_size < VMDK_HDR_SIZE)
        return blk_err_set(err, -EINVAL, "file is too small for a VMDK header");
    int ret = file_pread(e->fd, h, sizeof(h), 0);
    if (ret < 0)
        return blk_err_set(err, ret, "could not read the header: %s", strerror(-ret));
    if (le32_get(h) != VMDK_MAGIC)
        return blk_err_set(err, -EINVAL, "not a VMDK sparse extent (bad magic)");
    if (le64_get(h + 56) == VMDK_GD_AT_END && (ret = read_footer(e, h, err)) < 0)
        return ret;
    e->version = le32_get(h + 4);
    e->flags = le32_get(h + 8);
    uint64_t cap = le64_get(h + 12), grain = le64_get(h + 20);
    e->gtes = le32_get(h + 44);
    uint64_t rgd = le64_get(h + 48), gd = le64_get(h + 56);
    if (e->version == 0 || e->version > 3)
        return blk_err_set(err, -ENOTSUP, "Unsupported VMDK version %u", e->version);
    if (!grain || grain > 128 * 1024 || (grain & (grain - 1)))
        return blk_err_set(err, -EINVAL, "Invalid grain size %" PRIu64 " sectors", grain);
    if (!e->gtes || e->gtes > 512)
        return blk_err_set(err, -EINVAL, "Invalid grain table size %u", e->gtes);
    if (cap > (1ull << 52))
        return blk_err_set(err, -EINVAL, "capacity %" PRIu64 " sectors is absurd", cap);
    if ((e->flags & VMDK_FL_COMPRESS) && le16_get(h + 77) != 1)
        return blk_err_set(err, -ENOTSUP, "Unsupported compression algorithm %u",
                           le16_get(h + 77));
    e->capacity = cap * VMDK_SECTOR;
    e->grain = grain * VMDK_SECTOR;
    uint64_t span = e->grain * e->gtes;
    uint64_t n = (e->capacity + span - 1) / span;
    if (n * 4 > VMDK_MAX_GD_BYTES)
        return blk_err_set(err, -EINVAL, "grain directory too big (%" PRIu64 " entries)", n);
    e->gd_n = (uint32_t)n;
    if (gd > UINT64_MAX / VMDK_SECTOR || rgd > UINT64_MAX / VMDK_SECTOR)
        return blk_err_set(err, -EINVAL, "grain directory offset is absurd");
    e->gd_off = gd * VMDK_SECTOR;
    e->rgd_off = (e->flags & VMDK_FL_RGD) ? rgd * VMDK_SECTOR : 0;
    if ((ret = load_dir(e, e->gd_off, &e->gd, err, "grain directory")) < 0)
        return ret;
    if (e->rgd_off && (ret = load_dir(e, e->rgd_off, &e->rgd, err,
                                      "redundant grain directory")) < 0)
        return ret;
    e->gt = calloc(e->gd_n ? e->gd_n : 1, sizeof(*e->gt));
    if (!e->gt)
        return blk_err_set(err, -ENOMEM, "out of memory");
    e->next_alloc = (e->file_size + VMDK_SECTOR - 1) & ~(VMDK_SECTOR - 1);
    (void)rw;
    return 0;
}

void vmdk_sparse_close(struct vmdk_extent *e)
{
    if (e->gt)
        for (uint32_t i = 0; i < e->gd_n; i++)
            free(e->gt[i]);
    free(e->gt);
    free(e->gd);
    free(e->rgd);
}

static int load_gt(struct vmdk_extent *e, uint32_t gdi)
{
    if (e->gt[gdi])
        return 0;
    uint32_t *t = malloc((size_t)e->gtes * 4);
    if (!t)
        return -ENOMEM;
    int ret = file_pread(e->fd, t, (size_t)e->gtes * 4, (uint64_t)e->gd[gdi] * VMDK_SECTOR);
    if (ret < 0) {
        free(t);
        return ret;
    }
    for (uint32_t i = 0; i < e->gtes; i++)
        t[i] = le32_get(&t[i]);
    e->gt[gdi] = t;
    return 0;
}

int vmdk_sparse_lookup(struct vmdk_extent *e, uint64_t rel, uint64_t *grain_off,
                       struct blk_err *ioerr)
{
    uint64_t gi = rel / e->grain;
    uint64_t gdi = gi / e->gtes;
    *grain_off = 0;
    if (gdi >= e->gd_n)
        return blk_err_set(ioerr, -EIO, "offset %" PRIu64 " is beyond the grain directory", rel);
    if (!e->gd[gdi])
        return 0;
    int ret = load_gt(e, (uint32_t)gdi);
    if (ret < 0)
        return ret;
    uint32_t gte = e->gt[gdi][gi % e->gtes];
    if (gte == VMDK_GTE_ZEROED && (e->flags & VMDK_FL_ZERO_GRAIN)) {
        *grain_off = 1;
        return 0;
    }
    if (!gte)
        return 0;
    uint64_t off = (uint64_t)gte * VMDK_SECTOR;
    if (off >= e->file_size)
        return blk_err_set(ioerr, -EIO, "grain at 0x%" PRIx64 " for offset %" PRIu64
                           " is past the end of the file", off, rel);
    *grain_off = off;
    return 0;
}

static int put_entry(struct vmdk_extent *e, uint64_t table_off, uint64_t idx, uint32_t v)
{
    uint8_t b[4];
    le32_put(b, v);
    return file_pwrite(e->fd, b, 4, table_off + idx * 4);
}

/* a zeroed grain table at the end of the file for directory dir */
static int alloc_gt(struct vmdk_extent *e, uint32_t *dir, uint64_t dir_off, uint32_t gdi)
{
    uint64_t bytes = ((uint64_t)e->gtes * 4 + VMDK_SECTOR - 1) & ~(VMDK_SECTOR - 1);
    uint64_t at = e->next_alloc;
    void *z = calloc(1, bytes);
    if (!z)
        return -ENOMEM;
    int ret = file_pwrite(e->fd, z, bytes, at);
    free(z);
    if (ret < 0)
        return ret;
    e->next_alloc += bytes;
    if (e->next_alloc > e->file_size)
        e->file_size = e->next_alloc;
    if ((ret = put_entry(e, dir_off, gdi, (uint32_t)(at / VMDK_SECTOR))) < 0)
        return ret;
    dir[gdi] = (uint32_t)(at / VMDK_SECTOR);
    return 0;
}

int vmdk_sparse_set(struct vmdk_extent *e, uint64_t rel, uint32_t gte)
{
    uint64_t gi = rel / e->grain;
    uint32_t gdi = (uint32_t)(gi / e->gtes), gti = (uint32_t)(gi % e->gtes);
    int ret;
    if (gdi >= e->gd_n)
        return -EIO;
    if (!e->gd[gdi]) {
        if (e->next_alloc / VMDK_SECTOR > UINT32_MAX - 4096)
            return -EFBIG;
        if (e->rgd && !e->rgd[gdi] && (ret = alloc_gt(e, e->rgd, e->rgd_off, gdi)) < 0)
            return ret;
        if ((ret = alloc_gt(e, e->gd, e->gd_off, gdi)) < 0)
            return ret;
    }
    if ((ret = load_gt(e, gdi)) < 0)
        return ret;
    if (e->rgd && e->rgd[gdi] &&
        (ret = put_entry(e, (uint64_t)e->rgd[gdi] * VMDK_SECTOR, gti, gte)) < 0)
        return ret;
    if ((ret = put_entry(e, (uint64_t)e->gd[gdi] * VMDK_SECTOR, gti, gte)) < 0)
        return ret;
    e->gt[gdi][gti] = gte;
    return 0;
}

int vmdk_sparse_read_compressed(struct vmdk_extent *e, uint64_t grain_off, uint8_t *out,
                                uint64_t rel_grain, struct blk_err *ioerr)
{
    uint64_t cap = e->grain * 2 + 1024, dlen, doff = grain_off;
    if (e->flags & VMDK_FL_MARKER) {
        uint8_t m[12];
        int ret = file_pread(e->fd, m, sizeof(m), grain_off);
        if (ret < 0)
            return ret;
        dlen = le32_get(m + 8);
        doff += 12;
        if (!dlen || dlen > cap || doff + dlen > e->file_size)
            return blk_err_set(ioerr, -EIO, "compressed grain at 0x%" PRIx64
                               " has a bad size %" PRIu64, grain_off, dlen);
        if (le64_get(m) * VMDK_SECTOR != rel_grain)
            return blk_err_set(ioerr, -EIO, "compressed grain at 0x%" PRIx64
                               " belongs to another offset", grain_off);
    } else {
        dlen = e->file_size - grain_off < cap ? e->file_size - grain_off : cap;
    }
    uint8_t *in = malloc(dlen);
    if (!in)
        return -ENOMEM;
    int ret = file_pread(e->fd, in, dlen, doff);
    if (ret < 0) {
        free(in);
        return ret;
    }
    uLongf outlen = (uLongf)e->grain;
    int zr = uncompress(out, &outlen, in, (uLong)dlen);
    free(in);
    if (zr != Z_OK && !(zr == Z_DATA_ERROR && !(e->flags & VMDK_FL_MARKER) && outlen))
        return blk_err_set(ioerr, -EIO, "compressed grain at 0x%" PRIx64
                           " does not decompress", grain_off);
    memset(out + outlen, 0, e->grain - outlen);
    return 0;
}

long vmdk_deflate(const void *src, size_t len, void *dst, size_t cap)
{
    uLongf out = (uLongf)cap;
    int r = compress2(dst, &out, src, (uLong)len, Z_DEFAULT_COMPRESSION);
    if (r == Z_BUF_ERROR)
        return 0;
    return r == Z_OK ? (long)out : -ENOMEM;
}
