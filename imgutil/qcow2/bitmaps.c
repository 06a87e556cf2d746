/*
 * qcow2 persistent dirty bitmaps as `measure` needs them: the space a copy
 * of them takes in a new image of a given cluster size, estimated as QEMU
 * does -- every bitmap fully allocated, its table, and the directory.  Only
 * while the autoclear bit says the bitmaps are valid (spec "Bitmaps
 * extension"); the directory is untrusted input and bounded like the rest.
 */
#include <errno.h>
#include <stdlib.h>

#include "imgutil/file.h"
#include "imgutil/qcow2/qcow2.h"

#define QCOW2_EXT_BITMAPS 0x23852875u
#define BITMAP_DIR_MAX    (64u << 20)

static uint64_t up(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b * b;
}

int64_t qcow2_measure_bitmaps(struct blk_dev *bs, uint64_t cs)
{
    struct qcow2_state *s = bs->opaque;
    const struct qcow2_ext *x = NULL;
    if (!(s->autoclear & 1))
        return 0;
    for (int i = 0; i < s->n_exts; i++)
        if (s->exts[i].type == QCOW2_EXT_BITMAPS && s->exts[i].len >= 24)
            x = &s->exts[i];
    if (!x)
        return 0;
    uint32_t n = be32_get(x->data);
    uint64_t dsize = be64_get(x->data + 8), doff = be64_get(x->data + 16);
    if (dsize > BITMAP_DIR_MAX || doff > s->file_end || dsize > s->file_end - doff)
        return -EINVAL;
    uint8_t *dir = malloc(dsize + 1);
    if (!dir)
        return -ENOMEM;
    int ret = file_pread(bs->fd, dir, dsize, doff);
    uint64_t total = 0, dir_bytes = 0, p = 0;
    for (uint32_t i = 0; !ret && i < n; i++) {
        if (p + 24 > dsize) {
            ret = -EINVAL;
            break;
        }
        uint8_t gbits = dir[p + 17];
        uint16_t namelen = be16_get(dir + p + 18);
        uint32_t extra = be32_get(dir + p + 20);
        if (gbits < 9 || gbits > 31) {
            ret = -EINVAL;
            break;
        }
        uint64_t bits = (bs->size + (1ull << gbits) - 1) >> gbits;
        uint64_t clusters = (bits + 7) / 8 / cs + ((bits + 7) / 8 % cs != 0);
        total += clusters * cs + up(clusters * 8, cs);
        /* the entry as the new image would write it: no extra data */
        dir_bytes += up(24 + (uint64_t)namelen, 8);
        p += up(24 + (uint64_t)extra + namelen, 8);
    }
    free(dir);
    if (ret)
        return ret;
    return (int64_t)(total + up(dir_bytes, cs));
}
