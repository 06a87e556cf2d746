/*
 * The vmdk driver: opening a descriptor file or a sparse file with its
 * embedded descriptor, and reads, writes and block status spread over the
 * extents.  A "KDMV" file is opened as one sparse extent whatever its
 * embedded extent line says (as QEMU does), so a renamed monolithicSparse
 * image still opens.  Every entry point holds bs->lock: grain tables are
 * cached and grains are allocated at the end of the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgutil/file.h"
#include "imgutil/vmdk/vmdk.h"

int vmdk_desc_extents(struct blk_dev *bs, struct vmdk_state *s, const char *text,
                      struct blk_err *err);

static int vmdk_probe(const uint8_t *buf, size_t len)
{
    if (len >= 4 && le32_get(buf) == VMDK_MAGIC)
        return 100;
    static const char sig[] = "# Disk DescriptorFile";
    if (len >= sizeof(sig) - 1 && !memcmp(buf, sig, sizeof(sig) - 1))
        return 100;
    return 0;
}

static char *read_text(int fd, uint64_t off, uint64_t len, struct blk_err *err)
{
    if (len > VMDK_MAX_DESC) {
        blk_err_set(err, -EINVAL, "descriptor of %" PRIu64 " bytes is too big", len);
        return NULL;
    }
    char *t = malloc(len + 1);
    if (!t) {
        blk_err_set(err, -ENOMEM, "out of memory");
        return NULL;
    }
    int ret = file_pread(fd, t, len, off);
    if (ret < 0) {
        blk_err_set(err, ret, "could not read the descriptor: %s", strerror(-ret));
        free(t);
        return NULL;
    }
    t[len] = 0;
    return t;
}

static int open_embedded(struct blk_dev *bs, struct vmdk_state *s, struct blk_err *err)
{
    s->ext = calloc(1, sizeof(*s->ext));
    if (!s->ext)
        return blk_err_set(err, -ENOMEM, "out of memory");
    s->n = 1;
    struct vmdk_extent *e = s->ext;
    e->type = VMDK_EXT_SPARSE;
    e->fd = bs->fd;
    e->in_desc_file = true;
    e->name = strdup(bs->filename);
    int ret = vmdk_sparse_open(e, !bs->read_only, err);
    if (ret < 0)
        return ret;
    e->len = e->capacity;
    bs->size = e->capacity;
    uint8_t h[VMDK_HDR_SIZE];
    if ((ret = file_pread(bs->fd, h, sizeof(h), 0)) < 0)
        return blk_err_set(err, ret, "could not read the header");
    uint64_t doff = le64_get(h + 28), dlen = le64_get(h + 36);
    if (!doff || !dlen) {
        s->desc = strdup("");
        return 0;
    }
    if (doff > e->file_size / VMDK_SECTOR || dlen > VMDK_MAX_DESC / VMDK_SECTOR)
        return blk_err_set(err, -EINVAL, "descriptor offset or size is absurd");
    s->desc_off = doff * VMDK_SECTOR;
    s->desc_cap = dlen * VMDK_SECTOR;
    s->desc = read_text(bs->fd, doff * VMDK_SECTOR, dlen * VMDK_SECTOR, err);
    if (!s->desc)
        return -EINVAL;
    return vmdk_desc_parse(bs, s, s->desc, err);
}

static int open_descriptor(struct blk_dev *bs, struct vmdk_state *s, int flags,
                           struct blk_err *err)
{
    int64_t sz = file_size(bs->fd);
    if (sz < 0)
        return blk_err_set(err, (int)sz, "could not get the file size");
    s->desc_cap = VMDK_MAX_DESC;
    s->desc = read_text(bs->fd, 0, (uint64_t)sz, err);
    if (!s->desc)
        return -EINVAL;
    int ret = vmdk_desc_parse(bs, s, s->desc, err);
    if (ret < 0 || (ret = vmdk_desc_extents(bs, s, s->desc, err)) < 0)
        return ret;
    for (int i = 0; i < s->n; i++) {
        struct vmdk_extent *e = &s->ext[i];
        if (e->type == VMDK_EXT_ZERO)
            continue;
        e->fd = open(e->path, ((flags & BLK_O_RDWR) ? O_RDWR : O_RDONLY) | O_CLOEXEC);
        if (e->fd < 0)
            return blk_err_set(err, -errno, "Could not open extent '%s': %s", e->path,
                               strerror(errno));
        e->own_fd = true;
        if (e->type == VMDK_EXT_SPARSE) {
            struct blk_err e2;
            if ((ret = vmdk_sparse_open(e, flags & BLK_O_RDWR, &e2)) < 0)
                return blk_err_set(err, ret, "extent '%s': %s", e->name, e2.msg);
            if (e->len > e->capacity)
                return blk_err_set(err, -EINVAL, "extent '%s' is smaller than the "
                                   "descriptor says", e->name);
        }
    }
    return 0;
}

static void vmdk_close(struct blk_dev *bs)
{
    struct vmdk_state *s = bs->opaque;
    if (!s)
        return;
    for (int i = 0; i < s->n; i++) {
        struct vmdk_extent *e = &s->ext[i];
        if (e->type == VMDK_EXT_SPARSE)
            vmdk_sparse_close(e);
        if (e->own_fd && e->fd >= 0)
            close(e->fd);
        free(e->name);
        free(e->path);
    }
    free(s->ext);
    free(s->desc);
    free(s->zbuf);
    free(s->cbuf);
    free(s);
    bs->opaque = NULL;
}

static int vmdk_open(struct blk_dev *bs, int flags, struct blk_err *err)
{
    struct vmdk_state *s = calloc(1, sizeof(*s));
    if (!s)
        return blk_err_set(err, -ENOMEM, "out of memory");
    bs->opaque = s;
    uint8_t m[32] = { 0 };
    int ret = file_pread(bs->fd, m, sizeof(m), 0);
    if (ret >= 0) {
        if (le32_get(m) == VMDK_MAGIC)
            ret = open_embedded(bs, s, err);
        else if (vmdk_probe(m, sizeof(m)))
            ret = open_descriptor(bs, s, flags, err);
        else if (!memcmp(m, "COWD", 4))
            ret = blk_err_set(err, -ENOTSUP, "VMDK3 (COWD) images are not supported");
        else
            ret = blk_err_set(err, -EINVAL, "not a VMDK image");
    } else {
        blk_err_set(err, ret, "could not read: %s", strerror(-ret));
    }
    uint64_t maxg = 0;
    for (int i = 0; ret >= 0 && i < s->n; i++)
        if (s->ext[i].type == VMDK_EXT_SPARSE && s->ext[i].grain > maxg)
            maxg = s->ext[i].grain;
    if (ret >= 0 && maxg) {
        s->zbuf = malloc(maxg);
        s->cbuf = malloc(maxg * 2 + 1024);
        if (!s->zbuf || !s->cbuf)
            ret = blk_err_set(err, -ENOMEM, "out of memory");
    }
    if (ret >= 0 && bs->backing_file)
        bs->backing_fmt = strdup("vmdk");
    if (ret < 0) {
        free(bs->backing_file);
        bs->backing_file = NULL;
        vmdk_close(bs);
    }
    return ret;
}

/* the extent holding byte off (extents are sorted and contiguous) */
static struct vmdk_extent *find_ext(struct vmdk_state *s, uint64_t off)
{
    int lo = 0, hi = s->n - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (s->ext[mid].start <= off)
            lo = mid;
        else
            hi = mid - 1;
    }
    return &s->ext[lo];
}

/* what the backing chain (or nothing) holds under an unallocated grain */
static int read_below(struct blk_dev *bs, uint64_t off, uint8_t *buf, uint64_t len)
{
    memset(buf, 0, len);
    if (!bs->backing || off >= bs->backing->size)
        return 0;
    uint64_t n = bs->backing->size - off < len ? bs->backing->size - off : len;
    return blk_read(bs->backing, off, buf, n);
}

static int sparse_read(struct blk_dev *bs, struct vmdk_extent *e, uint64_t voff, uint64_t rel,
                       uint8_t *buf, uint64_t n)
{
    struct vmdk_state *s = bs->opaque;
    uint64_t g;
    int ret = vmdk_sparse_lookup(e, rel, &g, &bs->io_err);
    if (ret < 0)
        return ret;
    if (g == 0)
        return read_below(bs, voff, buf, n);
    if (g == 1) {
        memset(buf, 0, n);
        return 0;
    }
    uint64_t in = rel % e->grain;
    if (e->flags & VMDK_FL_COMPRESS) {
        ret = vmdk_sparse_read_compressed(e, g, s->zbuf, rel - in, &bs->io_err);
        if (ret >= 0)
            memcpy(buf, s->zbuf + in, n);
        return ret;
    }
    return file_pread(e->fd, buf, n, g + in);
}

static int vmdk_read(struct blk_dev *bs, uint64_t off, void *vbuf, size_t len)
{
    struct vmdk_state *s = bs->opaque;
    uint8_t *buf = vbuf;
    int ret = 0;
    bs->io_err.msg[0] = 0;
    pthread_mutex_lock(&bs->lock);
    while (len && ret >= 0) {
        struct vmdk_extent *e = find_ext(s, off);
        uint64_t rel = off - e->start;
        uint64_t n = e->len - rel < len ? e->len - rel : len;
        if (e->type == VMDK_EXT_SPARSE) {
            uint64_t gl = e->grain - rel % e->grain;
            n = n < gl ? n : gl;
            ret = sparse_read(bs, e, off, rel, buf, n);
        } else if (e->type == VMDK_EXT_FLAT) {
            ret = file_pread(e->fd, buf, n, e->flat_off + rel);
        } else {
            memset(buf, 0, n);
        }
        off += n;
        buf += n;
        len -= n;
    }
    pthread_mutex_unlock(&bs->lock);
    return ret < 0 ? ret : 0;
}

/* As QEMU does, the first write after open gives the image a new CID, so
 * an overlay made on the old content (parentCID) can tell it changed. */
static int update_cid(struct blk_dev *bs, struct vmdk_state *s)
{
    s->cid_updated = true;
    char *line = NULL;
    for (char *l = s->desc; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
        if (!strncmp(l, "CID=", 4)) {
            line = l;
            break;
        }
    if (!line)
        return 0;
    uint32_t cid;
    if (getrandom(&cid, sizeof(cid), 0) != sizeof(cid))
        cid = s->cid * 2654435761u + 1;
    char *eol = line + strcspn(line, "\r\n");
    size_t old_len = strlen(s->desc);
    char *t = NULL;
    if (asprintf(&t, "%.*sCID=%08x%s", (int)(line - s->desc), s->desc, cid, eol) < 0)
        return -ENOMEM;
    size_t len = strlen(t);
    if (len > s->desc_cap) {
        free(t);
        return 0;       /* no room: keep the old CID rather than fail the write */
    }
    char *pad = calloc(1, len > old_len ? len : old_len);
    if (!pad) {
        free(t);
        return -ENOMEM;
    }
    memcpy(pad, t, len);
    /* embedded: zero what the old text used; a descriptor file is cut */
    int ret = file_pwrite(bs->fd, pad, s->desc_off ? (len > old_len ? len : old_len) : len,
                          s->desc_off);
    free(pad);
    if (ret >= 0 && !s->desc_off && ftruncate(bs->fd, (off_t)len) < 0)
        ret = -errno;
    if (ret < 0) {
        free(t);
        return ret;
    }
    free(s->desc);
    s->desc = t;
    s->cid = cid;
    return 0;
}

/* wlen bytes at the end of the extent file, then the table entry for rel
 * that makes them visible */
static int grain_store(struct blk_dev *bs, struct vmdk_extent *e, uint64_t rel,
                       const uint8_t *src, uint64_t wlen)
{
    uint64_t at = e->next_alloc;
    if ((at + wlen) / VMDK_SECTOR > UINT32_MAX)
        return blk_err_set(&bs->io_err, -EFBIG, "the extent file is full");
    int ret = file_pwrite(e->fd, src, wlen, at);
    if (ret < 0)
        return ret;
    e->next_alloc = at + wlen;
    if (e->next_alloc > e->file_size)
        e->file_size = e->next_alloc;
    return vmdk_sparse_set(e, rel, (uint32_t)(at / VMDK_SECTOR));
}

/* the zlib stream of clen bytes at s->cbuf + 12 as the grain at gstart:
 * marker (sector, size), data, padded to a sector */
static int stream_store(struct blk_dev *bs, struct vmdk_extent *e, uint64_t gstart,
                        uint64_t clen)
{
    struct vmdk_state *s = bs->opaque;
    le64_put(s->cbuf, gstart / VMDK_SECTOR);
    le32_put(s->cbuf + 8, (uint32_t)clen);
    uint64_t wlen = (clen + 12 + VMDK_SECTOR - 1) & ~(VMDK_SECTOR - 1);
    memset(s->cbuf + 12 + clen, 0, wlen - 12 - clen);
    return grain_store(bs, e, gstart, s->cbuf, wlen);
}

/* a new grain for [grain start, +grain) holding data at in..in+n */
static int sparse_alloc_write(struct blk_dev *bs, struct vmdk_extent *e, uint64_t voff,
                              uint64_t rel, const uint8_t *data, uint64_t n, bool had_zero)
{
    struct vmdk_state *s = bs->opaque;
    uint64_t in = rel % e->grain, gstart = rel - in;
    uint64_t glen = e->len - gstart < e->grain ? e->len - gstart : e->grain;
    int ret;
    const uint8_t *src = data;
    if (n != e->grain) {
        /* copy-on-write: the rest of the grain from below */
        if (had_zero)
            memset(s->zbuf, 0, e->grain);
        else if ((ret = read_below(bs, voff - in, s->zbuf, glen)) < 0)
            return ret;
        memset(s->zbuf + glen, 0, e->grain - glen);
        memcpy(s->zbuf + in, data, n);
        src = s->zbuf;
    }
    if (e->flags & VMDK_FL_COMPRESS) {
        long c = vmdk_deflate(src, glen, s->cbuf + 12, e->grain * 2 + 1024 - 12);
        if (c <= 0)
            return c < 0 ? (int)c : -EIO;
        return stream_store(bs, e, gstart, (uint64_t)c);
    }
    return grain_store(bs, e, rel, src, e->grain);
}

static int sparse_write(struct blk_dev *bs, struct vmdk_extent *e, uint64_t voff,
                        uint64_t rel, const uint8_t *buf, uint64_t n)
{
    uint64_t g;
    int ret = vmdk_sparse_lookup(e, rel, &g, &bs->io_err);
    if (ret < 0)
        return ret;
    if (g > 1 && (e->flags & VMDK_FL_COMPRESS))
        return blk_err_set(&bs->io_err, -EIO, "Could not write to allocated cluster for "
                           "streamOptimized");
    if (g > 1)
        return file_pwrite(e->fd, buf, n, g + rel % e->grain);
    return sparse_alloc_write(bs, e, voff, rel, buf, n, g == 1);
}

static int vmdk_write(struct blk_dev *bs, uint64_t off, const void *vbuf, size_t len)
{
    struct vmdk_state *s = bs->opaque;
    const uint8_t *buf = vbuf;
    int ret = 0;
    bs->io_err.msg[0] = 0;
    pthread_mutex_lock(&bs->lock);
    if (!s->cid_updated)
        ret = update_cid(bs, s);
    while (len && ret >= 0) {
        struct vmdk_extent *e = find_ext(s, off);
        uint64_t rel = off - e->start;
        uint64_t n = e->len - rel < len ? e->len - rel : len;
        if (e->type == VMDK_EXT_SPARSE) {
            uint64_t gl = e->grain - rel % e->grain;
            n = n < gl ? n : gl;
            ret = sparse_write(bs, e, off, rel, buf, n);
        } else if (e->type == VMDK_EXT_FLAT) {
            ret = file_pwrite(e->fd, buf, n, e->flat_off + rel);
        } else {
            ret = blk_err_set(&bs->io_err, -EIO, "cannot write to a ZERO extent");
        }
        off += n;
        buf += n;
        len -= n;
    }
    pthread_mutex_unlock(&bs->lock);
    return ret < 0 ? ret : 0;
}

static int vmdk_write_zeroes(struct blk_dev *bs, uint64_t off, uint64_t len, bool may_unmap)
{
    struct vmdk_state *s = bs->opaque;
    int ret = 0;
    bs->io_err.msg[0] = 0;
    pthread_mutex_lock(&bs->lock);
    if (!s->cid_updated)
        ret = update_cid(bs, s);
    while (len && ret >= 0) {
        struct vmdk_extent *e = find_ext(s, off);
        uint64_t rel = off - e->start;
        uint64_t n = e->len - rel < len ? e->len - rel : len;
        if (e->type == VMDK_EXT_FLAT) {
            ret = file_zero(e->fd, e->flat_off + rel, n, may_unmap);
        } else if (e->type == VMDK_EXT_SPARSE) {
            uint64_t gl = e->grain - rel % e->grain, g;
            n = n < gl ? n : gl;
            ret = vmdk_sparse_lookup(e, rel, &g, &bs->io_err);
            if (ret < 0 || g == 1 || (g == 0 && !bs->backing))
                ;       /* already reads as zeroes */
            else if ((e->flags & VMDK_FL_ZERO_GRAIN) && n == e->grain &&
                     !(e->flags & VMDK_FL_COMPRESS))
                ret = vmdk_sparse_set(e, rel, VMDK_GTE_ZEROED);
            else if (g > 1 && !(e->flags & VMDK_FL_COMPRESS))
                ret = file_zero(e->fd, g + rel % e->grain, n, false);
            else if (g > 1 && (ret = vmdk_sparse_read_compressed(e, g, s->zbuf, rel -
                               rel % e->grain, &bs->io_err)) >= 0 &&
                     buf_is_zero(s->zbuf + rel % e->grain, n))
                ;       /* a stream grain that already has zeroes there */
            else {
                memset(s->zbuf, 0, e->grain);
                /* zbuf doubles as the copy-on-write buffer: hand over a copy */
                uint8_t *z = calloc(1, n);
                ret = z ? sparse_write(bs, e, off, rel, z, n) : -ENOMEM;
                free(z);
            }
        }
        off += n;
        len -= n;
    }
    pthread_mutex_unlock(&bs->lock);
    return ret < 0 ? ret : 0;
}

static int vmdk_flush(struct blk_dev *bs)
{
    struct vmdk_state *s = bs->opaque;
    for (int i = 0; i < s->n; i++)
        if (s->ext[i].fd >= 0 && fdatasync(s->ext[i].fd) < 0)
            return -errno;
    return 0;
}

static int sparse_status(struct blk_dev *bs, struct vmdk_extent *e, uint64_t rel, uint64_t len,
                         uint64_t *pnum, uint64_t *map)
{
    int st = -1;
    uint64_t done = 0, expect = 0;
    while (done < len) {
        uint64_t g, in = (rel + done) % e->grain;
        uint64_t n = e->grain - in < len - done ? e->grain - in : len - done;
        int ret = vmdk_sparse_lookup(e, rel + done, &g, &bs->io_err);
        if (ret < 0)
            return ret;
        int cur;
        if (g == 0)
            cur = 0;
        else if (g == 1)
            cur = BLK_ST_ALLOCATED | BLK_ST_ZERO;
        else if (e->flags & VMDK_FL_COMPRESS)
            cur = BLK_ST_ALLOCATED | BLK_ST_DATA | BLK_ST_COMPRESSED;
        else
            cur = BLK_ST_ALLOCATED | BLK_ST_DATA | BLK_ST_OFFSET;
        if (st < 0) {
            st = cur;
            if (cur & BLK_ST_OFFSET)
                *map = g + in;
        } else if (cur != st || ((cur & BLK_ST_OFFSET) && g + in != expect)) {
            break;
        }
        expect = g + in + n;
        done += n;
    }
    *pnum = done;
    return st;
}

static int vmdk_block_status(struct blk_dev *bs, uint64_t off, uint64_t len,
                             uint64_t *pnum, uint64_t *map)
{
    struct vmdk_state *s = bs->opaque;
    bs->io_err.msg[0] = 0;
    pthread_mutex_lock(&bs->lock);
    struct vmdk_extent *e = find_ext(s, off);
    uint64_t rel = off - e->start;
    uint64_t n = e->len - rel < len ? e->len - rel : len;
    int st;
    if (e->type == VMDK_EXT_SPARSE) {
        st = sparse_status(bs, e, rel, n, pnum, map);
    } else if (e->type == VMDK_EXT_FLAT) {
        /* as QEMU: the extent file's holes are data that reads as zero */
        bool data;
        st = file_data_status(e->fd, e->flat_off + rel, n, &data, pnum);
        if (st >= 0) {
            if (*pnum > n || !*pnum)
                *pnum = n;
            *map = e->flat_off + rel;
            st = BLK_ST_ALLOCATED | BLK_ST_DATA | BLK_ST_OFFSET | (data ? 0 : BLK_ST_ZERO);
        }
    } else {
        *pnum = n;
        st = BLK_ST_ALLOCATED | BLK_ST_ZERO;
    }
    pthread_mutex_unlock(&bs->lock);
    return st;
}

/* As QEMU: every grain the tables point at must lie inside the file; the
 * first one that does not ends the check with an error (exit status 1). */
static int vmdk_check(struct blk_dev *bs, struct blk_check_result *r, int fix)
{
    struct vmdk_state *s = bs->opaque;
    memset(r, 0, sizeof(*r));
    if (fix)
        return -ENOTSUP;
    for (int i = 0; i < s->n; i++) {
        struct vmdk_extent *e = &s->ext[i];
        if (e->type != VMDK_EXT_SPARSE)
            continue;
        for (uint64_t rel = 0; rel < e->len; rel += e->grain) {
            uint64_t g;
            struct blk_err why = { "" };
            if (vmdk_sparse_lookup(e, rel, &g, &why) < 0) {
                fprintf(stderr, "ERROR: cluster offset for sector %" PRIu64
                        " points after EOF\n", (e->start + rel) / VMDK_SECTOR);
                return -EINVAL;
            }
        }
    }
    return 0;
}

static uint64_t vmdk_cluster_size(struct blk_dev *bs)
{
    struct vmdk_state *s = bs->opaque;
    for (int i = 0; i < s->n; i++)
        if (s->ext[i].type == VMDK_EXT_SPARSE)
            return s->ext[i].grain;
    return 0;
}

static void json_str(FILE *f, const char *str)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)str; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(f, "\\u%04x", *c);
        else
            fputc(*c, f);
    }
    fputc('"', f);
}

static void vmdk_info_specific(struct blk_dev *bs, FILE *f, const char *ind, bool json)
{
    struct vmdk_state *s = bs->opaque;
    if (!json) {
        fprintf(f, "%scid: %u\n%sparent cid: %u\n%screate type: %s\n%sextents:\n", ind, s->cid,
                ind, s->parent_cid, ind, s->create_type, ind);
        for (int i = 0; i < s->n; i++) {
            struct vmdk_extent *e = &s->ext[i];
            fprintf(f, "%s    [%d]:\n", ind, i);
            if (e->type == VMDK_EXT_SPARSE && (e->flags & VMDK_FL_COMPRESS))
                fprintf(f, "%s        compressed: true\n", ind);
            fprintf(f, "%s        virtual size: %" PRIu64 "\n", ind, e->len);
            fprintf(f, "%s        filename: %s\n", ind, e->name ? e->name : "");
            if (e->type == VMDK_EXT_SPARSE)
                fprintf(f, "%s        cluster size: %" PRIu64 "\n", ind, e->grain);
            fprintf(f, "%s        format: %s\n", ind, e->in_desc_file ? "" :
                    e->type == VMDK_EXT_SPARSE ? "SPARSE" : e->type == VMDK_EXT_FLAT ? "FLAT"
                    : "ZERO");
        }
        return;
    }
    fprintf(f, "%s\"cid\": %u,\n%s\"parent-cid\": %u,\n%s\"create-type\": ", ind, s->cid,
            ind, s->parent_cid, ind);
    json_str(f, s->create_type);
    fprintf(f, ",\n%s\"extents\": [\n", ind);
    for (int i = 0; i < s->n; i++) {
        struct vmdk_extent *e = &s->ext[i];
        fprintf(f, "%s    {\n", ind);
        if (e->type == VMDK_EXT_SPARSE && (e->flags & VMDK_FL_COMPRESS))
            fprintf(f, "%s        \"compressed\": true,\n", ind);
        fprintf(f, "%s        \"virtual-size\": %" PRIu64 ",\n", ind, e->len);
        fprintf(f, "%s        \"filename\": ", ind);
        json_str(f, e->name ? e->name : "");
        fprintf(f, ",\n");
        if (e->type == VMDK_EXT_SPARSE)
            fprintf(f, "%s        \"cluster-size\": %" PRIu64 ",\n", ind, e->grain);
        fprintf(f, "%s        \"format\": \"%s\"\n", ind, e->in_desc_file ? "" :
                e->type == VMDK_EXT_SPARSE ? "SPARSE" : e->type == VMDK_EXT_FLAT ? "FLAT"
                : "ZERO");
        fprintf(f, "%s    }%s\n", ind, i + 1 < s->n ? "," : "");
    }
    fprintf(f, "%s]", ind);
}

/* the descriptor file and every extent file it names, as QEMU counts */
static uint64_t vmdk_allocated_size(struct blk_dev *bs)
{
    struct vmdk_state *s = bs->opaque;
    struct stat st;
    uint64_t sum = fstat(bs->fd, &st) == 0 ? (uint64_t)st.st_blocks * 512 : 0;
    for (int i = 0; i < s->n; i++)
        if (s->ext[i].own_fd && fstat(s->ext[i].fd, &st) == 0)
            sum += (uint64_t)st.st_blocks * 512;
    return sum;
}

static const char *vmdk_extent_file(struct blk_dev *bs, uint64_t off)
{
    struct vmdk_extent *e = find_ext(bs->opaque, off);
    return e->in_desc_file || !e->path ? bs->filename : e->path;
}

/* the single streamOptimized extent, or NULL (-c then writes plainly, as
 * qemu-img does for the other subformats) */
static struct vmdk_extent *stream_extent(struct blk_dev *bs)
{
    struct vmdk_state *s = bs->opaque;
    if (s->n != 1 || s->ext[0].type != VMDK_EXT_SPARSE || !(s->ext[0].flags & VMDK_FL_COMPRESS))
        return NULL;
    return &s->ext[0];
}

/* pure, so convert's workers compress grains in parallel */
static long vmdk_compress(struct blk_dev *bs, const void *src, size_t len, void *dst,
                          size_t cap)
{
    struct vmdk_extent *e = stream_extent(bs);
    if (!e || len != e->grain)
        return 0;
    return vmdk_deflate(src, len, dst, cap);
}

static int vmdk_write_compressed(struct blk_dev *bs, uint64_t off, const void *data,
                                 size_t csize, const void *raw, size_t len)
{
    struct vmdk_state *s = bs->opaque;
    struct vmdk_extent *e = stream_extent(bs);
    if (!e || !csize || off % e->grain || csize > e->grain * 2)
        return vmdk_write(bs, off, raw, len);
    int ret = 0;
    bs->io_err.msg[0] = 0;
    pthread_mutex_lock(&bs->lock);
    if (!s->cid_updated)
        ret = update_cid(bs, s);
    uint64_t g = 0;
    if (ret >= 0)
        ret = vmdk_sparse_lookup(e, off, &g, &bs->io_err);
    if (ret >= 0 && g > 1)
        ret = blk_err_set(&bs->io_err, -EIO, "Could not write to allocated cluster for "
                          "streamOptimized");
    if (ret >= 0) {
        memcpy(s->cbuf + 12, data, csize);
        ret = stream_store(bs, e, off, csize);
    }
    pthread_mutex_unlock(&bs->lock);
    return ret < 0 ? ret : 0;
}

const struct blk_driver blk_vmdk_driver = {
    .name = "vmdk",
    .probe = vmdk_probe,
    .open = vmdk_open,
    .close = vmdk_close,
    .read = vmdk_read,
    .write = vmdk_write,
    .write_zeroes = vmdk_write_zeroes,
    .flush = vmdk_flush,
    .block_status = vmdk_block_status,
    .create = vmdk_create,
    .check = vmdk_check,
    .cluster_size = vmdk_cluster_size,
    .compress = vmdk_compress,
    .write_compressed = vmdk_write_compressed,
    .info_specific = vmdk_info_specific,
    .allocated_size = vmdk_allocated_size,
    .extent_file = vmdk_extent_file,
    .supports_backing = true,
};
