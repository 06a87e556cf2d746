/*
 * VMDK (VMware Virtual Disk Format 1.1 and the streamOptimized additions):
 * a text descriptor lists extents -- FLAT (a plain file), SPARSE (the
 * "KDMV" hosted sparse extent: header, grain directory -> grain tables ->
 * 64 KiB grains, with a redundant copy of the directory and tables) and
 * ZERO.  The descriptor is either its own file or embedded in a sparse
 * extent (monolithicSparse, streamOptimized).  streamOptimized grains are
 * zlib streams behind a 12-byte marker.
 */
#ifndef IMGUTIL_VMDK_H
#define IMGUTIL_VMDK_H

#include <stdbool.h>
#include <stdint.h>

#include "imgutil/blk.h"
#include "imgutil/le.h"

#define VMDK_MAGIC          0x564d444bu     /* "KDMV" little-endian */
#define VMDK_SECTOR         ((uint64_t)512)
#define VMDK_HDR_SIZE       512

/* sparse header flags */
#define VMDK_FL_NL_DETECT   (1u << 0)
#define VMDK_FL_RGD         (1u << 1)
#define VMDK_FL_ZERO_GRAIN  (1u << 2)
#define VMDK_FL_COMPRESS    (1u << 16)
#define VMDK_FL_MARKER      (1u << 17)

#define VMDK_GTE_ZEROED     1u              /* grain reads as zeroes */
#define VMDK_GD_AT_END      UINT64_MAX      /* stream: the footer has the GD */
#define VMDK_MARKER_EOS     0
#define VMDK_MARKER_GT      1
#define VMDK_MARKER_GD      2
#define VMDK_MARKER_FOOTER  3

/* what we accept when opening, to refuse absurd headers early */
#define VMDK_MAX_DESC       (1u << 20)
#define VMDK_MAX_GD_BYTES   (512u << 20)
#define VMDK_MAX_EXTENTS    4096

enum vmdk_ext_type { VMDK_EXT_FLAT, VMDK_EXT_SPARSE, VMDK_EXT_ZERO };

struct vmdk_extent {
    enum vmdk_ext_type type;
    char *name;             /* as the descriptor names it */
    char *path;             /* resolved against the descriptor's file */
    int fd;
    bool own_fd;            /* opened here (not the descriptor's fd) */
    bool in_desc_file;      /* sparse extent embedding the descriptor */
    uint64_t start, len;    /* bytes of the virtual disk it covers */
    uint64_t flat_off;      /* FLAT: byte offset in its file */
    /* SPARSE */
    uint32_t version, flags;
    uint64_t capacity;      /* bytes */
    uint64_t grain;         /* bytes */
    uint32_t gtes;          /* entries per grain table */
    uint64_t gd_off, rgd_off;   /* bytes; rgd_off 0 when absent */
    uint32_t gd_n;
    uint32_t *gd, *rgd;     /* host order; rgd NULL when absent */
    uint32_t **gt;          /* loaded tables, by GD index (NULL: not yet) */
    uint64_t next_alloc;    /* bytes: where the next grain goes */
    uint64_t file_size;
};

struct vmdk_state {
    char *desc;             /* descriptor text (NUL-terminated) */
    char create_type[64];
    uint32_t cid, parent_cid;
    uint64_t desc_off, desc_cap;    /* where the descriptor lives, its room */
    bool cid_updated;               /* CID renewed since open */
    int n;
    struct vmdk_extent *ext;
    uint8_t *zbuf;          /* one grain for compressed reads and writes */
    uint8_t *cbuf;
};

/* desc.c */
int vmdk_desc_parse(struct blk_dev *bs, struct vmdk_state *s, const char *text,
                    struct blk_err *err);
char *vmdk_desc_build(const struct blk_create_opts *o, const char *create_type,
                      uint32_t cid, uint32_t parent_cid, const char *parent_hint,
                      const char *extent_lines);
const char *vmdk_desc_get(const char *text, const char *key, char *out, size_t cap);

/* sparse.c */
int vmdk_sparse_open(struct vmdk_extent *e, bool rw, struct blk_err *err);
void vmdk_sparse_close(struct vmdk_extent *e);
/* host byte offset of the grain holding rel (0 unallocated, 1 zeroed) */
int vmdk_sparse_lookup(struct vmdk_extent *e, uint64_t rel, uint64_t *grain_off,
                       struct blk_err *ioerr);
int vmdk_sparse_set(struct vmdk_extent *e, uint64_t rel, uint32_t gte);
int vmdk_sparse_read_compressed(struct vmdk_extent *e, uint64_t grain_off, uint8_t *out,
                                uint64_t rel_grain, struct blk_err *ioerr);
long vmdk_deflate(const void *src, size_t len, void *dst, size_t cap);
int vmdk_sparse_header(uint8_t *hdr, uint32_t version, uint32_t flags, uint64_t capacity,
                       uint64_t desc_off, uint64_t desc_sectors, uint64_t rgd_off,
                       uint64_t gd_off, uint64_t overhead);

/* create.c */
int vmdk_create(const char *filename, const struct blk_create_opts *o, struct blk_err *err);
int vmdk_sparse_create(int fd, uint64_t capacity, bool compress, bool zeroed,
                       const char *desc, struct blk_err *err);

#endif
