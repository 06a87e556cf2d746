/*
 * qcow2 internal snapshots (spec "Snapshots"): reading the snapshot table;
 * listing for `snapshot -l` and `info`.  Entries are kept with their extra
 * data as read so the table can be rewritten without losing fields.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "imgutil/file.h"
#include "imgutil/qcow2/qcow2.h"

void qcow2_snapshots_free(struct qcow2_state *s)
{
    for (uint32_t i = 0; s->snaps && i < s->nb_snapshots; i++) {
        free(s->snaps[i].id);
        free(s->snaps[i].name);
        free(s->snaps[i].extra);
    }
    free(s->snaps);
    s->snaps = NULL;
}

int qcow2_snapshots_read(struct qcow2_state *s, struct blk_err *err)
{
    if (!s->nb_snapshots)
        return 0;
    s->snaps = calloc(s->nb_snapshots, sizeof(*s->snaps));
    if (!s->snaps)
        return blk_err_set(err, -ENOMEM, "out of memory");
    uint64_t off = s->snapshots_offset;
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        struct qcow2_snap *sn = &s->snaps[i];
        uint8_t h[40];
        if (off + 40 > s->file_end)
            return blk_err_set(err, -EINVAL, "snapshot table entry %u is past the end of the file", i);
        int ret = file_pread(s->bs->fd, h, 40, off);
        if (ret)
            return blk_err_set(err, ret, "could not read the snapshot table");
        sn->l1_offset = be64_get(h);
        sn->l1_size = be32_get(h + 8);
        uint16_t idlen = be16_get(h + 12), namelen = be16_get(h + 14);
        sn->date_sec = be32_get(h + 16);
        sn->date_nsec = be32_get(h + 20);
        sn->vm_clock_nsec = be64_get(h + 24);
        sn->vm_state_size = be32_get(h + 32);
        sn->extra_size = be32_get(h + 36);
        sn->icount = UINT64_MAX;
        if (sn->extra_size > 1024)
            return blk_err_set(err, -EINVAL, "snapshot %u has %u bytes of extra data", i,
                               sn->extra_size);
        uint64_t body = (uint64_t)sn->extra_size + idlen + namelen;
        if (off + 40 + body > s->file_end)
            return blk_err_set(err, -EINVAL, "snapshot table entry %u is past the end of the file", i);
        uint8_t *b = malloc(body + 1);
        if (!b)
            return blk_err_set(err, -ENOMEM, "out of memory");
        ret = file_pread(s->bs->fd, b, body, off + 40);
        if (ret) {
            free(b);
            return blk_err_set(err, ret, "could not read the snapshot table");
        }
        sn->extra = malloc(sn->extra_size + 1);
        memcpy(sn->extra, b, sn->extra_size);
        if (sn->extra_size >= 8)
            sn->vm_state_size = be64_get(b);
        if (sn->extra_size >= 16)
            sn->disk_size = be64_get(b + 8);
        else
            sn->disk_size = s->bs->size;
        if (sn->extra_size >= 24)
            sn->icount = be64_get(b + 16);
        sn->id = strndup((char *)b + sn->extra_size, idlen);
        sn->name = strndup((char *)b + sn->extra_size + idlen, namelen);
        free(b);
        if (sn->l1_offset & (s->cluster_size - 1) || (uint64_t)sn->l1_size * 8 > QCOW2_MAX_L1_BYTES ||
            sn->l1_offset + sn->l1_size * 8ull > s->file_end)
            return blk_err_set(err, -EINVAL, "snapshot %u has an invalid L1 table (offset %#"
                               PRIx64 ", %u entries)", i, sn->l1_offset, sn->l1_size);
        off += (40 + body + 7) & ~7ull;
    }
    return 0;
}
