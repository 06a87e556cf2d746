/*
 * The VHDX log ([MS-VHDX] 2.3): finding the active sequence and replaying
 * it.  An entry is a 4 KiB-multiple record (header, zero and data
 * descriptors, data sectors) with a CRC-32C over the whole entry; the log
 * is circular.  The active sequence ends at the valid entry with the
 * highest sequence number under the header's log GUID and starts at that
 * entry's tail; every entry from tail to head must be valid and numbered
 * one after the other, or the log is refused as corrupt.  Replay writes
 * each descriptor's sectors in order, grows the file to LastFileOffset and
 * only then clears the log GUID in the headers, so an interrupted replay
 * is simply replayed again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgutil/file.h"
#include "imgutil/vhdx/vhdx.h"

#define LOG_SECTOR 4096u
#define LOG_MAX    ((uint64_t)256 << 20)

struct vhdx_log {
    uint8_t *buf;               /* the whole log */
    uint64_t len;
    const uint8_t *guid;
};

/* copy len bytes of the circular log from pos */
static void log_copy(const struct vhdx_log *l, uint64_t pos, uint8_t *out, uint64_t len)
{
    for (uint64_t i = 0; i < len; i++)
        out[i] = l->buf[(pos + i) % l->len];
}

/* the valid entry at pos (malloc'd, entry length bytes) or NULL */
static uint8_t *log_entry(const struct vhdx_log *l, uint64_t pos)
{
    uint8_t h[64];
    log_copy(l, pos, h, sizeof(h));
    uint32_t elen = le32_get(h + 8), ndesc = le32_get(h + 24);
    if (memcmp(h, "loge", 4) || memcmp(h + 32, l->guid, 16) || !elen ||
        elen % LOG_SECTOR || elen > l->len || le32_get(h + 12) % LOG_SECTOR ||
        le32_get(h + 12) >= l->len)
        return NULL;
    uint64_t desc_area = (64 + (uint64_t)ndesc * 32 + LOG_SECTOR - 1) / LOG_SECTOR * LOG_SECTOR;
    if (desc_area > elen)
        return NULL;
    uint8_t *e = malloc(elen);
    if (!e)
        return NULL;
    log_copy(l, pos, e, elen);
    if (le32_get(e + 4) != vhdx_checksum(e, elen, 4)) {
        free(e);
        return NULL;
    }
    /* data descriptors each own one data sector after the descriptor area */
    uint64_t ndata = 0, seq = le64_get(e + 16);
    for (uint32_t i = 0; i < ndesc; i++) {
        const uint8_t *d = e + 64 + 32 * i;
        bool zero = !memcmp(d, "zero", 4), data = !memcmp(d, "desc", 4);
        if ((!zero && !data) || le64_get(d + 24) != seq || le64_get(d + 16) % LOG_SECTOR) {
            free(e);
            return NULL;
        }
        if (data) {
            const uint8_t *s = e + desc_area + ndata * LOG_SECTOR;
            if (desc_area + (ndata + 1) * LOG_SECTOR > elen || memcmp(s, "data", 4) ||
                le32_get(s + 4) != (uint32_t)(seq >> 32) ||
                le32_get(s + 4092) != (uint32_t)seq) {
                free(e);
                return NULL;
            }
            ndata++;
        } else if (le64_get(d + 8) % LOG_SECTOR) {
            free(e);
            return NULL;
        }
    }
    return e;
}

static int apply_entry(int fd, const uint8_t *e, uint64_t *last_off)
{
    uint32_t ndesc = le32_get(e + 24);
    uint64_t desc_area = (64 + (uint64_t)ndesc * 32 + LOG_SECTOR - 1) / LOG_SECTOR * LOG_SECTOR;
    uint64_t ndata = 0;
    uint8_t sec[LOG_SECTOR];
    int ret = 0;
    for (uint32_t i = 0; i < ndesc && ret >= 0; i++) {
        const uint8_t *d = e + 64 + 32 * i;
        uint64_t off = le64_get(d + 16);
        if (!memcmp(d, "zero", 4)) {
            ret = file_zero(fd, off, le64_get(d + 8), false);
        } else {
            const uint8_t *s = e + desc_area + ndata++ * LOG_SECTOR;
            memcpy(sec, d + 8, 8);                       /* leading bytes */
            memcpy(sec + 8, s + 8, LOG_SECTOR - 12);
            memcpy(sec + LOG_SECTOR - 4, d + 4, 4);      /* trailing bytes */
            ret = file_pwrite(fd, sec, LOG_SECTOR, off);
        }
    }
    *last_off = le64_get(e + 56);
    return ret;
}

int vhdx_log_replay(struct blk_dev *bs, struct vhdx_state *s, bool *replayed,
                    struct blk_err *err)
{
    static const uint8_t zero[16];
    *replayed = false;
    if (!memcmp(s->hdr + 48, zero, 16))
        return 0;
    uint64_t off = le64_get(s->hdr + 72), len = le32_get(s->hdr + 68);
    if (!len || (off % VHDX_MIB) || (len % VHDX_MIB) || len > LOG_MAX ||
        off > s->file_size || len > s->file_size - off)
        return blk_err_set(err, -EINVAL, "VHDX log at 0x%" PRIx64 "+0x%" PRIx64
                           " is out of the file", off, len);
    struct vhdx_log l = { malloc(len), len, s->hdr + 48 };
    if (!l.buf)
        return blk_err_set(err, -ENOMEM, "out of memory");
    int ret = file_pread(bs->fd, l.buf, len, off);
    if (ret < 0) {
        free(l.buf);
        return blk_err_set(err, ret, "could not read the VHDX log");
    }
    /* the head: the valid entry with the highest sequence number */
    uint64_t head = UINT64_MAX, head_seq = 0;
    for (uint64_t p = 0; p < len; p += LOG_SECTOR) {
        uint8_t *e = log_entry(&l, p);
        if (e && (head == UINT64_MAX || le64_get(e + 16) > head_seq)) {
            head = p;
            head_seq = le64_get(e + 16);
        }
        free(e);
    }
    if (head == UINT64_MAX) {
        free(l.buf);
        return 0;       /* an empty log: nothing to replay */
    }
    if (bs->read_only) {
        free(l.buf);
        return blk_err_set(err, -EPERM, "VHDX image opened read-only, but contains a log "
                           "that needs to be replayed (runtime-img check -r all replays it)");
    }
    uint8_t *h = log_entry(&l, head);
    uint64_t tail = le32_get(h + 12);
    free(h);
    /* from the tail to the head, each entry numbered one after the other */
    uint64_t n = 0, p = tail, first_seq = 0;
    for (;;) {
        uint8_t *e = log_entry(&l, p);
        bool good = e && (n == 0 || le64_get(e + 16) == first_seq + n) && n < len / LOG_SECTOR;
        if (good && n == 0)
            first_seq = le64_get(e + 16);
        uint64_t elen = e ? le32_get(e + 8) : 0;
        free(e);
        if (!good) {
            free(l.buf);
            return blk_err_set(err, -EINVAL, "the VHDX log is corrupt (broken sequence at "
                               "0x%" PRIx64 ")", p);
        }
        n++;
        if (p == head)
            break;
        p = (p + elen) % len;
    }
    uint64_t last_off = 0;
    p = tail;
    for (uint64_t i = 0; i < n && ret >= 0; i++) {
        uint8_t *e = log_entry(&l, p);
        ret = e ? apply_entry(bs->fd, e, &last_off) : -EIO;
        p = (p + (e ? le32_get(e + 8) : 0)) % len;
        free(e);
    }
    free(l.buf);
    if (ret >= 0 && last_off > s->file_size && ftruncate(bs->fd, (off_t)last_off) < 0)
        ret = -errno;
    if (ret >= 0 && fdatasync(bs->fd) < 0)
        ret = -errno;
    if (ret < 0)
        return blk_err_set(err, ret, "could not replay the VHDX log: %s", strerror(-ret));
    int64_t fsz = file_size(bs->fd);
    if (fsz > 0)
        s->file_size = (uint64_t)fsz;
    memset(s->hdr + 48, 0, 16);
    if ((ret = vhdx_write_header(bs->fd, s)) < 0 || (ret = vhdx_write_header(bs->fd, s)) < 0)
        return blk_err_set(err, ret, "could not clear the VHDX log GUID: %s", strerror(-ret));
    *replayed = true;
    return 0;
}
