/*
 * qcow2 internals shared by the files of imgutil/qcow2/: on-disk constants
 * (docs/interop/qcow2.txt in QEMU's tree is the spec), the open image's
 * state, and the metadata caches.  Metadata write ordering, the rule every
 * file here keeps: new refcounts reach the file before the L2/L1 entry that
 * needs them, and a reference is removed before the refcount it held is
 * dropped.  An interruption can therefore only leak clusters.
 */
#ifndef IMGUTIL_QCOW2_H
#define IMGUTIL_QCOW2_H

#include <stdbool.h>
#include <stdint.h>

#include "imgutil/blk.h"

#define QCOW2_MAGIC 0x514649fbu     /* "QFI\xfb" */

#define QCOW2_INCOMPAT_DIRTY       (UINT64_C(1) << 0)
#define QCOW2_INCOMPAT_CORRUPT     (UINT64_C(1) << 1)
#define QCOW2_INCOMPAT_DATA_FILE   (UINT64_C(1) << 2)
#define QCOW2_INCOMPAT_COMPRESSION (UINT64_C(1) << 3)
#define QCOW2_INCOMPAT_EXTL2       (UINT64_C(1) << 4)
#define QCOW2_INCOMPAT_KNOWN       UINT64_C(0x1f)
#define QCOW2_COMPAT_LAZY_REFCOUNTS (UINT64_C(1) << 0)

#define QCOW2_EXT_END          0x00000000u
#define QCOW2_EXT_BACKING_FMT  0xe2792acau
#define QCOW2_EXT_FEATURES     0x6803f857u

#define QCOW2_OFLAG_COPIED     (UINT64_C(1) << 63)
#define QCOW2_OFLAG_COMPRESSED (UINT64_C(1) << 62)
#define QCOW2_OFLAG_ZERO       (UINT64_C(1) << 0)
#define QCOW2_OFFSET_MASK      UINT64_C(0x00fffffffffffe00)
#define QCOW2_REFT_MASK        UINT64_C(0xfffffffffffffe00)

#define QCOW2_MAX_L1_BYTES     (32u << 20)
#define QCOW2_MAX_RT_BYTES     (8u << 20)
#define QCOW2_L2_CACHE         64
#define QCOW2_SUBCLUSTERS      32

/* what a guest range maps to */
enum qcow2_kind {
    QCOW2_UNALLOC,          /* from the backing file, or zero */
    QCOW2_ZERO,             /* reads as zero */
    QCOW2_NORMAL,           /* data at a host offset */
    QCOW2_COMPRESSED,       /* one compressed cluster */
};

struct qcow2_ext {
    uint32_t type, len;
    uint8_t *data;
};

struct qcow2_snap {
    uint64_t l1_offset;
    uint32_t l1_size;
    char *id, *name;
    uint32_t date_sec, date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t vm_state_size;
    uint64_t disk_size;
    uint64_t icount;
    uint32_t extra_size;
    uint8_t *extra;         /* kept as read, for rewriting the table */
};

struct qcow2_l2_slot {
    uint64_t offset;        /* host offset of the table, 0 = empty slot */
    uint8_t *table;
    uint64_t lru;
    uint32_t dirty_lo, dirty_hi;    /* byte range to write back; lo >= hi: clean */
};

struct qcow2_state {
    struct blk_dev *bs;
    uint32_t version;
    uint32_t cluster_bits;
    uint64_t cluster_size;
    uint32_t header_length;
    uint64_t incompat, compat, autoclear;
    uint32_t refcount_order, refcount_bits;
    uint64_t refcount_max;
    int compression_type;

    uint64_t *l1;
    uint32_t l1_size;
    uint64_t l1_offset;
    uint32_t l1_dirty_lo, l1_dirty_hi;

    bool ext_l2;
    uint32_t l2_entry_size;     /* 8, or 16 with extended L2 */
    uint32_t l2_bits;           /* log2 entries per table */
    uint64_t sc_size;           /* subcluster size */
    struct qcow2_l2_slot l2c[QCOW2_L2_CACHE];
    uint64_t lru_clock;

    uint64_t *rt;
    uint32_t rt_entries;
    uint64_t rt_offset;
    uint32_t rt_clusters;
    uint32_t rb_bits;           /* log2 refcount entries per block */
    uint8_t **rb;               /* loaded blocks, by table index */
    uint32_t *rb_dlo, *rb_dhi;  /* dirty byte ranges */
    uint64_t free_hint;         /* no free cluster below this index */

    uint64_t file_end;          /* host file size as we have made it */
    uint64_t cbyte;             /* next free byte for packing compressed data */

    struct qcow2_ext *exts;     /* every header extension, known or not */
    int n_exts;
    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
    struct qcow2_snap *snaps;
    uint64_t snap_old_bytes;    /* size of the table at snapshots_offset, once we wrote it */

    bool sparse_checked, sparse_data;  /* see qcow2_sparse_data() */
    bool dirty_set;             /* we set the dirty bit and must clear it */
    /* clusters to free once the references to them are on disk */
    uint64_t *pending_free;
    uint32_t n_pending, cap_pending;
    /* last decompressed cluster, by descriptor */
    uint64_t dc_entry;
    uint8_t *dc_buf;
};

static inline uint64_t qcow2_l2_entries(const struct qcow2_state *s)
{
    return 1ull << s->l2_bits;
}

/* header.c */
int qcow2_header_parse(struct qcow2_state *s, const uint8_t *buf, uint64_t file_len,
                       struct blk_err *err);
int qcow2_header_set_incompat(struct qcow2_state *s, uint64_t incompat);
int qcow2_header_write_exts(struct qcow2_state *s, const char *backing,
                            const char *backing_fmt, struct blk_err *err);
int qcow2_header_write(struct qcow2_state *s, const uint8_t *fixed, const char *backing,
                       const char *backing_fmt, struct blk_err *err);

/* refcount.c */
int qcow2_refcount_load(struct qcow2_state *s, struct blk_err *err);
void qcow2_refcount_free_all(struct qcow2_state *s);
int qcow2_refcount_get(struct qcow2_state *s, uint64_t cluster, uint64_t *rc);
int qcow2_refcount_set(struct qcow2_state *s, uint64_t cluster, uint64_t rc);
int qcow2_refcount_update(struct qcow2_state *s, uint64_t offset, uint64_t len, int delta);
int64_t qcow2_alloc_clusters(struct qcow2_state *s, uint64_t n);
int64_t qcow2_alloc_bytes(struct qcow2_state *s, uint64_t size);
void qcow2_free_later(struct qcow2_state *s, uint64_t l2_entry);
int qcow2_refcount_flush(struct qcow2_state *s);
int qcow2_free_pending(struct qcow2_state *s);

/* cluster.c */
int qcow2_l2_get(struct qcow2_state *s, uint32_t l1i, bool alloc, struct qcow2_l2_slot **out);
uint64_t qcow2_l2_entry(const struct qcow2_state *s, const struct qcow2_l2_slot *t, uint64_t i);
uint64_t qcow2_l2_bitmap(const struct qcow2_state *s, const struct qcow2_l2_slot *t, uint64_t i);
void qcow2_l2_set(struct qcow2_state *s, struct qcow2_l2_slot *t, uint64_t i,
                  uint64_t entry, uint64_t bitmap);
int qcow2_map(struct qcow2_state *s, uint64_t off, uint64_t len, enum qcow2_kind *kind,
              uint64_t *host, uint64_t *pnum);
int qcow2_meta_flush(struct qcow2_state *s);
void qcow2_l2_cache_drop(struct qcow2_state *s);
int qcow2_l1_write(struct qcow2_state *s, uint32_t lo, uint32_t hi);
int qcow2_l1_grow(struct qcow2_state *s, uint64_t min_size);
int qcow2_corrupt(struct qcow2_state *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* compress.c */
long qcow2_compress(int type, const void *src, size_t len, void *dst, size_t cap);
int qcow2_decompress(int type, const void *src, size_t len, void *dst, size_t out_len);
bool qcow2_zstd_available(void);

/* io.c */
int qcow2_read_locked(struct qcow2_state *s, uint64_t off, void *buf, size_t len);
int qcow2_write_locked(struct qcow2_state *s, uint64_t off, const void *buf, size_t len);
int qcow2_mark_dirty(struct qcow2_state *s);
int qcow2_drv_read(struct blk_dev *bs, uint64_t off, void *buf, size_t len);
int qcow2_drv_write(struct blk_dev *bs, uint64_t off, const void *buf, size_t len);
int qcow2_drv_write_zeroes(struct blk_dev *bs, uint64_t off, uint64_t len, bool may_unmap);
int qcow2_drv_discard(struct blk_dev *bs, uint64_t off, uint64_t len);
int qcow2_drv_flush(struct blk_dev *bs);
int qcow2_drv_block_status(struct blk_dev *bs, uint64_t off, uint64_t len,
                           uint64_t *pnum, uint64_t *map);
long qcow2_drv_compress(struct blk_dev *bs, const void *src, size_t len, void *dst, size_t cap);
int qcow2_drv_write_compressed(struct blk_dev *bs, uint64_t off, const void *data,
                               size_t csize, const void *raw, size_t len);

/* snapshot.c */
int qcow2_snapshots_read(struct qcow2_state *s, struct blk_err *err);
void qcow2_snapshots_free(struct qcow2_state *s);
int qcow2_snapshot_create(struct blk_dev *bs, const char *name, struct blk_err *err);
int qcow2_snapshot_apply(struct blk_dev *bs, const char *name, struct blk_err *err);
int qcow2_snapshot_delete(struct blk_dev *bs, const char *name, struct blk_err *err);
/* rewrite the table from s->snaps (after changing their extra data) */
int qcow2_snapshot_table_write(struct qcow2_state *s);

/* check.c */
int qcow2_check(struct blk_dev *bs, struct blk_check_result *r, int fix);

/* amend.c */
int qcow2_change_backing(struct blk_dev *bs, const char *file, const char *fmt,
                         struct blk_err *err);
int qcow2_amend(struct blk_dev *bs, const struct blk_amend_opts *o, struct blk_err *err);

/* bitmaps.c */
int64_t qcow2_measure_bitmaps(struct blk_dev *bs, uint64_t cs);

/* driver.c */
extern const struct blk_driver blk_qcow2_driver;

#endif
