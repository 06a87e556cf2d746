/*
 * Creating VHDX images as qemu-img lays them out: log at 1 MiB, the BAT
 * right after it (rounded to MiB), 1 MiB of metadata, payload from 5 MiB
 * past the BAT.  block_state_zero (the default) marks every block ZERO; a
 * fixed image otherwise maps every block FULLY_PRESENT in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "imgutil/file.h"
#include "imgutil/vhdx/vhdx.h"

static void header(uint8_t *h, uint64_t seq, const uint8_t *fwg, const uint8_t *dwg,
                   uint64_t log_size)
{
    memset(h, 0, VHDX_HDR_SIZE);
    memcpy(h, "head", 4);
    le64_put(h + 8, seq);
    memcpy(h + 16, fwg, 16);
    memcpy(h + 32, dwg, 16);
    le16_put(h + 64, 0);
    le16_put(h + 66, 1);
    le32_put(h + 68, (uint32_t)log_size);
    le64_put(h + 72, VHDX_MIB);
    le32_put(h + 4, vhdx_checksum(h, VHDX_HDR_SIZE, 4));
}

static void md_entry(uint8_t *t, int i, const struct vhdx_guid *g, uint32_t off, uint32_t len,
                     uint32_t flags)
{
    uint8_t *e = t + 32 + 32 * i;
    memcpy(e, g->b, 16);
    le32_put(e + 16, off);
    le32_put(e + 20, len);
    le32_put(e + 24, flags);
}

static int write_layout(int fd, uint64_t size, uint32_t bsz, uint64_t log_size, bool fixed,
                        bool zero_blocks)
{
    uint64_t chunk = ((uint64_t)1 << 23) * 512 / bsz;
    uint64_t n = vhdx_bat_entries(size, bsz, chunk);
    uint64_t bat_off = VHDX_MIB + log_size;
    uint64_t bat_len = (n * 8 + VHDX_MIB - 1) & ~(VHDX_MIB - 1);
    if (!bat_len)
        bat_len = VHDX_MIB;
    uint64_t md_off = bat_off + bat_len, data_off = bat_off + bat_len + 5 * VHDX_MIB;
    uint8_t *buf = calloc(1, VHDX_RT_SIZE * 2 > n * 8 ? VHDX_RT_SIZE * 2 : n * 8);
    if (!buf)
        return -ENOMEM;
    int ret;
    /* file identifier with a UTF-16 creator */
    static const char creator[] = "runtime-img";
    memcpy(buf, "vhdxfile", 8);
    for (size_t i = 0; i < sizeof(creator) - 1; i++)
        buf[8 + 2 * i] = (uint8_t)creator[i];
    if ((ret = file_pwrite(fd, buf, 8 + 2 * sizeof(creator), 0)) < 0)
        goto out;
    /* two headers, sequence numbers one apart */
    uint8_t fwg[16], dwg[16];
    uint64_t seq;
    vhdx_guid_random(fwg);
    vhdx_guid_random(dwg);
    if (getrandom(&seq, sizeof(seq), 0) != sizeof(seq))
        seq = (uint64_t)getpid();
    seq = (seq >> 34) + 1;
    for (int i = 0; i < 2; i++) {
        header(buf, seq + (uint64_t)i, fwg, dwg, log_size);
        if ((ret = file_pwrite(fd, buf, VHDX_HDR_SIZE, i ? VHDX_HDR2_OFF : VHDX_HDR1_OFF)) < 0)
            goto out;
    }
    /* region table, twice */
    memset(buf, 0, VHDX_RT_SIZE);
    memcpy(buf, "regi", 4);
    le32_put(buf + 8, 2);
    memcpy(buf + 16, vhdx_guid_bat.b, 16);
    le64_put(buf + 32, bat_off);
    le32_put(buf + 40, (uint32_t)bat_len);
    le32_put(buf + 44, 1);
    memcpy(buf + 48, vhdx_guid_metadata.b, 16);
    le64_put(buf + 64, md_off);
    le32_put(buf + 72, (uint32_t)VHDX_MIB);
    le32_put(buf + 76, 1);
    le32_put(buf + 4, vhdx_checksum(buf, VHDX_RT_SIZE, 4));
    if ((ret = file_pwrite(fd, buf, VHDX_RT_SIZE, VHDX_RT1_OFF)) < 0 ||
        (ret = file_pwrite(fd, buf, VHDX_RT_SIZE, VHDX_RT2_OFF)) < 0)
        goto out;
    /* metadata table and items */
    memset(buf, 0, VHDX_RT_SIZE * 2);
    memcpy(buf, "metadata", 8);
    le16_put(buf + 10, 5);
    uint32_t o = VHDX_MD_TABLE_SIZE;
    md_entry(buf, 0, &vhdx_guid_file_params, o, 8, VHDX_MD_REQUIRED);
    md_entry(buf, 1, &vhdx_guid_disk_size, o + 8, 8, VHDX_MD_REQUIRED | VHDX_MD_VIRTUAL);
    md_entry(buf, 2, &vhdx_guid_page83, o + 16, 16, VHDX_MD_REQUIRED | VHDX_MD_VIRTUAL);
    md_entry(buf, 3, &vhdx_guid_lsec, o + 32, 4, VHDX_MD_REQUIRED | VHDX_MD_VIRTUAL);
    md_entry(buf, 4, &vhdx_guid_psec, o + 36, 4, VHDX_MD_REQUIRED | VHDX_MD_VIRTUAL);
    uint8_t *it = buf + o;
    le32_put(it, bsz);
    le32_put(it + 4, fixed ? VHDX_FP_LEAVE_ALLOC : 0);
    le64_put(it + 8, size);
    vhdx_guid_random(it + 16);
    le32_put(it + 32, 512);
    le32_put(it + 36, 512);
    if ((ret = file_pwrite(fd, buf, VHDX_MD_TABLE_SIZE + 64, md_off)) < 0)
        goto out;
    /* the BAT: sector-bitmap entries stay NOT_PRESENT */
    memset(buf, 0, n * 8);
    uint64_t blocks = (size + bsz - 1) / bsz;
    if (fixed || zero_blocks)
        for (uint64_t b = 0; b < blocks; b++) {
            uint64_t at = (data_off + b * bsz + VHDX_MIB - 1) & ~(VHDX_MIB - 1);
            le64_put(buf + (b + b / chunk) * 8,
                     zero_blocks ? VHDX_PB_ZERO : at | VHDX_PB_FULLY_PRESENT);
        }
    if ((ret = file_pwrite(fd, buf, n * 8, bat_off)) < 0)
        goto out;
    if (ftruncate(fd, (off_t)(data_off + (fixed ? size : 0))) < 0)
        ret = -errno;
out:
    free(buf);
    return ret;
}

int vhdx_create(const char *filename, const struct blk_create_opts *o, struct blk_err *err)
{
    uint64_t size = (o->size + 511) & ~(uint64_t)511;
    /* qemu-img cannot open a 0-byte vhdx made by us (its BAT count underflows) */
    if (!size)
        return blk_err_set(err, -EINVAL, "a vhdx image needs a non-zero size");
    if (size > VHDX_MAX_SIZE)
        return blk_err_set(err, -EINVAL, "Image size too large; max of 64TB");
    if (o->backing_file)
        return blk_err_set(err, -ENOTSUP, "Backing file not supported for file format 'vhdx'");
    if (o->prealloc != BLK_PREALLOC_OFF)
        return blk_err_set(err, -ENOTSUP, "preallocation of VHDX images is not supported");
    uint64_t bsz = o->vhdx.block_size;
    if (!bsz)
        bsz = size > (32ull << 40) ? 64 * VHDX_MIB : size > (100ull << 30) ? 32 * VHDX_MIB
            : size > (1ull << 30) ? 16 * VHDX_MIB : 8 * VHDX_MIB;
    bsz = (bsz + VHDX_MIB - 1) & ~(VHDX_MIB - 1);
    if (bsz > 256 * VHDX_MIB)
        bsz = 256 * VHDX_MIB;
    if (bsz & (bsz - 1))
        return blk_err_set(err, -EINVAL, "Block size must be a power of two");
    uint64_t log = o->vhdx.log_size ? o->vhdx.log_size : VHDX_MIB;
    log = (log + VHDX_MIB - 1) & ~(VHDX_MIB - 1);
    if (log > UINT32_MAX - VHDX_MIB)
        return blk_err_set(err, -EINVAL, "Log size too large");
    /* what open accepts, so we never make an image we refuse to read */
    uint64_t chunk = ((uint64_t)1 << 23) * 512 / bsz;
    if (vhdx_bat_entries(size, (uint32_t)bsz, chunk) * 8 > VHDX_MAX_BAT_BYTES)
        return blk_err_set(err, -EINVAL, "the BAT of a %" PRIu64 "-byte disk with %" PRIu64
                           "-byte blocks would exceed %" PRIu64 " MiB; use a larger "
                           "block_size", size, bsz, VHDX_MAX_BAT_BYTES >> 20);
    bool zero_blocks = o->vhdx.block_state_zero_set ? o->vhdx.block_state_zero : true;
    int fd = open(filename, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return blk_err_set(err, -errno, "Could not create '%s': %s", filename, strerror(errno));
    int ret = write_layout(fd, size, (uint32_t)bsz, log, o->vhdx.fixed, zero_blocks);
    close(fd);
    if (ret < 0)
        return blk_err_set(err, ret, "Could not write the image: %s", strerror(-ret));
    return 0;
}
