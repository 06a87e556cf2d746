/*
 * Reading a VHDX file's structure: the current header (the valid one with
 * the higher sequence number), the region table, the metadata items and
 * the BAT, each checked against its CRC-32C and the file size so a damaged
 * image is refused at open.  An active log is replayed first (log.c) when
 * the image is opened read-write, and refused when it is opened read-only.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "imgutil/file.h"
#include "imgutil/vhdx/vhdx.h"

#define GUID(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7) { {                         \
    (a) & 0xff, (a) >> 8 & 0xff, (a) >> 16 & 0xff, (a) >> 24 & 0xff,            \
    (b) & 0xff, (b) >> 8 & 0xff, (c) & 0xff, (c) >> 8 & 0xff,                   \
    d0, d1, d2, d3, d4, d5, d6, d7 } }

/* [MS-VHDX] 2.2.3.2 and 2.6.2 */
const struct vhdx_guid vhdx_guid_bat =
    GUID(0x2DC27766u, 0xF623u, 0x4200u, 0x9D, 0x64, 0x11, 0x5E, 0x9B, 0xFD, 0x4A, 0x08);
const struct vhdx_guid vhdx_guid_metadata =
    GUID(0x8B7CA206u, 0x4790u, 0x4B9Au, 0xB8, 0xFE, 0x57, 0x5F, 0x05, 0x0F, 0x88, 0x6E);
const struct vhdx_guid vhdx_guid_file_params =
    GUID(0xCAA16737u, 0xFA36u, 0x4D43u, 0xB3, 0xB6, 0x33, 0xF0, 0xAA, 0x44, 0xE7, 0x6B);
const struct vhdx_guid vhdx_guid_disk_size =
    GUID(0x2FA54224u, 0xCD1Bu, 0x4876u, 0xB2, 0x11, 0x5D, 0xBE, 0xD8, 0x3B, 0xF4, 0xB8);
const struct vhdx_guid vhdx_guid_page83 =
    GUID(0xBECA12ABu, 0xB2E6u, 0x4523u, 0x93, 0xEF, 0xC3, 0x09, 0xE0, 0x00, 0xC7, 0x46);
const struct vhdx_guid vhdx_guid_lsec =
    GUID(0x8141BF1Du, 0xA96Fu, 0x4709u, 0xBA, 0x47, 0xF2, 0x33, 0xA8, 0xFA, 0xAB, 0x5F);
const struct vhdx_guid vhdx_guid_psec =
    GUID(0xCDA348C7u, 0x445Du, 0x4471u, 0x9C, 0xC9, 0xE9, 0x88, 0x52, 0x51, 0xC5, 0x56);
const struct vhdx_guid vhdx_guid_parent_locator =
    GUID(0xA8D35F2Du, 0xB30Bu, 0x454Du, 0xAB, 0xF7, 0xD3, 0xD8, 0x48, 0x34, 0xAB, 0x0C);

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (c & 1 ? 0x82F63B78u : 0);   /* Castagnoli, reflected */
        crc_table[i] = c;
    }
}

uint32_t vhdx_crc32c(const void *buf, size_t len)
{
    pthread_once(&crc_once, crc_init);
    const uint8_t *p = buf;
    uint32_t c = 0xffffffffu;
    while (len--)
        c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

uint32_t vhdx_checksum(const uint8_t *buf, size_t len, size_t csum_off)
{
    pthread_once(&crc_once, crc_init);
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = (i >= csum_off && i < csum_off + 4) ? 0 : buf[i];
        c = crc_table[(c ^ b) & 0xff] ^ (c >> 8);
    }
    return ~c;
}

void vhdx_guid_random(uint8_t *out)
{
    if (getrandom(out, 16, 0) != 16)
        for (int i = 0; i < 16; i++)
            out[i] = (uint8_t)(rand() >> 7);
    out[7] = (uint8_t)((out[7] & 0x0f) | 0x40);     /* version 4 (field 3 is LE) */
    out[8] = (uint8_t)((out[8] & 0x3f) | 0x80);
}

uint64_t vhdx_bat_entries(uint64_t size, uint32_t block_size, uint64_t chunk_ratio)
{
    uint64_t blocks = (size + block_size - 1) / block_size;
    return blocks ? blocks + (blocks - 1) / chunk_ratio : 0;
}

static int pick_header(struct blk_dev *bs, struct vhdx_state *s, struct blk_err *err)
{
    uint8_t h[2][VHDX_HDR_SIZE];
    bool ok[2];
    for (int i = 0; i < 2; i++) {
        int ret = file_pread(bs->fd, h[i], VHDX_HDR_SIZE, i ? VHDX_HDR2_OFF : VHDX_HDR1_OFF);
        if (ret < 0)
            return blk_err_set(err, ret, "could not read the headers: %s", strerror(-ret));
        ok[i] = !memcmp(h[i], "head", 4) &&
                le32_get(h[i] + 4) == vhdx_checksum(h[i], VHDX_HDR_SIZE, 4);
    }
    if (!ok[0] && !ok[1])
        return blk_err_set(err, -EINVAL, "no valid VHDX header (bad signature or checksum)");
    int cur = !ok[0] ? 1 : !ok[1] ? 0 : le64_get(h[1] + 8) > le64_get(h[0] + 8);
    memcpy(s->hdr, h[cur], VHDX_HDR_SIZE);
    s->hdr_slot = cur;
    if (le16_get(s->hdr + 66) != 1 || le16_get(s->hdr + 64) != 0)
        return blk_err_set(err, -ENOTSUP, "unsupported VHDX version %u (log version %u)",
                           le16_get(s->hdr + 66), le16_get(s->hdr + 64));
    return 0;
}

static int read_region_table(struct blk_dev *bs, struct vhdx_state *s, uint64_t *md_off,
                             uint64_t *md_len, struct blk_err *err)
{
    uint8_t *rt = malloc(VHDX_RT_SIZE);
    if (!rt)
        return blk_err_set(err, -ENOMEM, "out of memory");
    int ret = -EINVAL;
    bool valid = false;
    for (int i = 0; i < 2 && !valid; i++) {
        if (file_pread(bs->fd, rt, VHDX_RT_SIZE, i ? VHDX_RT2_OFF : VHDX_RT1_OFF) < 0)
            continue;
        valid = !memcmp(rt, "regi", 4) && le32_get(rt + 4) == vhdx_checksum(rt, VHDX_RT_SIZE, 4);
    }
    if (!valid) {
        ret = blk_err_set(err, -EINVAL, "no valid VHDX region table (bad signature or checksum)");
        goto out;
    }
    uint32_t n = le32_get(rt + 8);
    if (n > VHDX_MAX_ENTRIES) {
        ret = blk_err_set(err, -EINVAL, "VHDX region table has %u entries", n);
        goto out;
    }
    s->bat_off = *md_off = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = rt + 16 + 32 * i;
        uint64_t off = le64_get(e + 16), len = le32_get(e + 24);
        bool bat = !memcmp(e, vhdx_guid_bat.b, 16), md = !memcmp(e, vhdx_guid_metadata.b, 16);
        if (!bat && !md) {
            if (le32_get(e + 28) & 1) {
                ret = blk_err_set(err, -ENOTSUP, "unknown required VHDX region %u", i);
                goto out;
            }
            continue;
        }
        if ((off % VHDX_MIB) || off < VHDX_MIB || off > s->file_size ||
            len > s->file_size - off) {
            ret = blk_err_set(err, -EINVAL, "VHDX %s region at 0x%" PRIx64 "+0x%" PRIx64
                              " is out of the file", bat ? "BAT" : "metadata", off, len);
            goto out;
        }
        if (bat) {
            s->bat_off = off;
            s->bat_len = len;
        } else {
            *md_off = off;
            *md_len = len;
        }
    }
    if (!s->bat_off || !*md_off)
        ret = blk_err_set(err, -EINVAL, "VHDX region table lacks the %s region",
                          s->bat_off ? "metadata" : "BAT");
    else
        ret = 0;
out:
    free(rt);
    return ret;
}

struct md_item {
    const struct vhdx_guid *guid;
    uint32_t len;
    uint8_t val[16];
    bool found;
};

static int read_metadata_items(struct blk_dev *bs, uint64_t md_off, uint64_t md_len,
                               struct md_item *items, int nitems, struct blk_err *err)
{
    uint8_t *t = malloc(VHDX_MD_TABLE_SIZE);
    if (!t)
        return blk_err_set(err, -ENOMEM, "out of memory");
    int ret = file_pread(bs->fd, t, VHDX_MD_TABLE_SIZE, md_off);
    uint16_t n = le16_get(t + 10);
    if (ret < 0 || memcmp(t, "metadata", 8) || n > VHDX_MAX_ENTRIES) {
        free(t);
        return blk_err_set(err, -EINVAL, "bad VHDX metadata table");
    }
    for (uint16_t i = 0; i < n; i++) {
        const uint8_t *e = t + 32 + 32 * i;
        uint32_t off = le32_get(e + 16), len = le32_get(e + 20), fl = le32_get(e + 24);
        int k = 0;
        while (k < nitems && memcmp(e, items[k].guid->b, 16))
            k++;
        if (k == nitems) {
            if (fl & VHDX_MD_REQUIRED) {
                free(t);
                return blk_err_set(err, -ENOTSUP, "unsupported required VHDX metadata "
                                   "item %u", i);
            }
            continue;
        }
        if (off < VHDX_MD_TABLE_SIZE || len != items[k].len || off > md_len ||
            len > md_len - off) {
            free(t);
            return blk_err_set(err, -EINVAL, "VHDX metadata item %u is out of its region", i);
        }
        if ((ret = file_pread(bs->fd, items[k].val, len, md_off + off)) < 0) {
            free(t);
            return blk_err_set(err, ret, "could not read the VHDX metadata");
        }
        items[k].found = true;
    }
    free(t);
    return 0;
}

bool vhdx_entry_past_eof(const struct vhdx_state *s, uint64_t size, uint64_t i)
{
    unsigned st = VHDX_BAT_STATE(s->bat[i]);
    if (st != VHDX_PB_FULLY_PRESENT && st != VHDX_PB_PARTIALLY_PRESENT)
        return false;
    uint64_t start = (i - i / (s->chunk_ratio + 1)) * s->block_size;
    uint64_t len = size - start < s->block_size ? size - start : s->block_size;
    uint64_t off = VHDX_BAT_OFF(s->bat[i]);
    return start >= size || off > s->file_size || len > s->file_size - off;
}

int vhdx_read_metadata(struct blk_dev *bs, struct vhdx_state *s, int flags,
                       struct blk_err *err)
{
    int64_t fsz = file_size(bs->fd);
    if (fsz < 0)
        return blk_err_set(err, (int)fsz, "could not get the file size");
    s->file_size = (uint64_t)fsz;
    uint8_t sig[8];
    int ret = file_pread(bs->fd, sig, 8, 0);
    if (ret < 0 || memcmp(sig, "vhdxfile", 8))
        return blk_err_set(err, -EINVAL, "not a VHDX image (no file identifier)");
    if ((ret = pick_header(bs, s, err)) < 0 ||
        (ret = vhdx_log_replay(bs, s, &s->log_replayed, err)) < 0)
        return ret;
    uint64_t md_off = 0, md_len = 0;
    if ((ret = read_region_table(bs, s, &md_off, &md_len, err)) < 0)
        return ret;
    struct md_item it[] = {
        { &vhdx_guid_file_params, 8, { 0 }, false },
        { &vhdx_guid_disk_size, 8, { 0 }, false },
        { &vhdx_guid_lsec, 4, { 0 }, false },
        { &vhdx_guid_psec, 4, { 0 }, false },
        { &vhdx_guid_page83, 16, { 0 }, false },
    };
    if ((ret = read_metadata_items(bs, md_off, md_len, it, 5, err)) < 0)
        return ret;
    for (int i = 0; i < 4; i++)
        if (!it[i].found)
            return blk_err_set(err, -EINVAL, "VHDX metadata item %d is missing", i);
    s->block_size = le32_get(it[0].val);
    uint32_t fp = le32_get(it[0].val + 4);
    uint64_t size = le64_get(it[1].val);
    s->lsec = le32_get(it[2].val);
    s->psec = le32_get(it[3].val);
    if (fp & VHDX_FP_HAS_PARENT)
        return blk_err_set(err, -ENOTSUP, "differencing VHDX images are not supported");
    if (s->block_size < VHDX_MIB || s->block_size > 256 * VHDX_MIB ||
        (s->block_size & (s->block_size - 1)))
        return blk_err_set(err, -EINVAL, "invalid VHDX block size %u", s->block_size);
    if ((s->lsec != 512 && s->lsec != 4096) || (s->psec != 512 && s->psec != 4096))
        return blk_err_set(err, -EINVAL, "invalid VHDX sector sizes %u/%u", s->lsec, s->psec);
    if (size > VHDX_MAX_SIZE || size % s->lsec)
        return blk_err_set(err, -EINVAL, "invalid VHDX virtual disk size %" PRIu64, size);
    bs->size = size;
    s->chunk_ratio = ((uint64_t)1 << 23) * s->lsec / s->block_size;
    s->bat_n = vhdx_bat_entries(size, s->block_size, s->chunk_ratio);
    if (s->bat_n * 8 > s->bat_len || s->bat_n * 8 > VHDX_MAX_BAT_BYTES)
        return blk_err_set(err, -EINVAL, "VHDX BAT region is too small for %" PRIu64
                           " entries", s->bat_n);
    s->bat = malloc(s->bat_n ? s->bat_n * 8 : 8);
    if (!s->bat)
        return blk_err_set(err, -ENOMEM, "out of memory");
    if ((ret = file_pread(bs->fd, s->bat, s->bat_n * 8, s->bat_off)) < 0)
        return blk_err_set(err, ret, "could not read the BAT");
    for (uint64_t i = 0; i < s->bat_n; i++) {
        s->bat[i] = le64_get(&s->bat[i]);
        bool sb = (i + 1) % (s->chunk_ratio + 1) == 0;
        unsigned st = VHDX_BAT_STATE(s->bat[i]);
        if (sb || (flags & BLK_O_CHECK))
            continue;   /* check reports what is wrong instead */
        if (st == 4 || st == 5)
            return blk_err_set(err, -EINVAL, "VHDX BAT entry %" PRIu64 " has an invalid "
                               "state %u", i, st);
        if (vhdx_entry_past_eof(s, size, i))
            return blk_err_set(err, -EINVAL, "VHDX BAT entry %" PRIu64 " offset 0x%" PRIx64
                               " points after the end of the file", i,
                               VHDX_BAT_OFF(s->bat[i]));
    }
    return 0;
}

/* the next header (sequence + 1) into the slot not in use, so a torn write
 * leaves the current one valid */
int vhdx_write_header(int fd, struct vhdx_state *s)
{
    le64_put(s->hdr + 8, le64_get(s->hdr + 8) + 1);
    le32_put(s->hdr + 4, vhdx_checksum(s->hdr, VHDX_HDR_SIZE, 4));
    int slot = !s->hdr_slot;
    int ret = file_pwrite(fd, s->hdr, VHDX_HDR_SIZE, slot ? VHDX_HDR2_OFF : VHDX_HDR1_OFF);
    if (ret < 0)
        return ret;
    if (fdatasync(fd) < 0)
        return -errno;
    s->hdr_slot = slot;
    return 0;
}
