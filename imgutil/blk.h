/*
 * The block layer's contract: one struct blk_driver per image format, the
 * open image (struct blk_dev) with its backing chain, and the generic entry
 * points runtime-img and virtio-blk call.  Errors are returned as -errno; the
 * reason for a user-visible failure is left in a struct blk_err so the top
 * level prints it once as "runtime-img: FILE: reason".
 */
#ifndef IMGUTIL_BLK_H
#define IMGUTIL_BLK_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BLK_ERR_LEN 512

struct blk_err {
    char msg[BLK_ERR_LEN];
};

/* Fill err (may be NULL) with a printf-style reason; returns ret. */
int blk_err_set(struct blk_err *err, int ret, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

enum blk_prealloc {
    BLK_PREALLOC_OFF,
    BLK_PREALLOC_METADATA,
    BLK_PREALLOC_FALLOC,
    BLK_PREALLOC_FULL,
};

/* blk_open flags */
#define BLK_O_RDWR       0x1
#define BLK_O_NO_BACKING 0x2    /* do not open the backing chain */
#define BLK_O_CHECK      0x4    /* open for check: tolerate a dirty image */

/* block_status result bits (as QEMU's BDRV_BLOCK_*) */
#define BLK_ST_DATA      0x1    /* this layer holds data for the range */
#define BLK_ST_ZERO      0x2    /* the range reads as zeroes */
#define BLK_ST_OFFSET    0x4    /* *map is the host offset in the image file */
#define BLK_ST_ALLOCATED 0x8    /* decided by this layer, not its backing file */
#define BLK_ST_COMPRESSED 0x10

struct blk_create_opts {
    uint64_t size;
    bool size_set;
    const char *backing_file;
    const char *backing_fmt;
    uint32_t cluster_size;      /* 0: format default */
    int compat;                 /* qcow2: 2 or 3 (0: 3) */
    bool lazy_refcounts;
    bool extended_l2;
    int compression_type;       /* 0 zlib, 1 zstd */
    enum blk_prealloc prealloc;
    int refcount_bits;          /* 0: 16 */
    /* vmdk: subformat=, adapter_type=, hwversion=, toolsversion=, compat6=,
     * zeroed_grain= (NULL / false: not given) */
    struct {
        const char *subformat, *adapter_type, *hwversion, *toolsversion;
        bool compat6, zeroed_grain, compat6_set, zeroed_grain_set;
    } vmdk;
    /* vhdx: subformat=fixed, block_size=, log_size= (0: default),
     * block_state_zero= */
    struct {
        bool fixed, subformat_set, block_state_zero, block_state_zero_set;
        uint64_t block_size, log_size;
    } vhdx;
    bool prealloc_set;          /* preallocation= was given */
    /* vpc: subformat=fixed, force_size=on; vdi: static=on (the *_set flags
     * say the option was given, for create's "Formatting" line) */
    bool vpc_fixed, vpc_fixed_set;
    bool force_size, force_size_set;
    bool vdi_static;
};

/* qemu-img amend: what to change (zero / -1 / false: leave as it is) */
struct blk_amend_opts {
    int compat;                 /* 2 or 3 */
    int lazy_refcounts;         /* 0 or 1 */
    int refcount_bits;
    bool backing_set;           /* backing_file (NULL: none) and backing_fmt */
    const char *backing_file, *backing_fmt;
    uint64_t size;
};

struct blk_snapshot {
    char id[64];
    char name[256];
    uint64_t vm_state_size;
    uint32_t date_sec, date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t icount;            /* UINT64_MAX: not recorded */
    uint64_t disk_size;
};

struct blk_check_result {
    int64_t corruptions, leaks, check_errors;
    int64_t corruptions_fixed, leaks_fixed;
    uint64_t image_end_offset;
    uint64_t total_clusters, allocated_clusters;
    uint64_t fragmented_clusters, compressed_clusters;
    bool has_clusters;
};

enum blk_fix {
    BLK_FIX_NONE = 0,
    BLK_FIX_LEAKS = 1,
    BLK_FIX_ERRORS = 2,
};

struct blk_dev;

struct blk_driver {
    const char *name;
    /* score how likely buf (the first bytes of the file) is this format */
    int (*probe)(const uint8_t *buf, size_t len);
    int (*open)(struct blk_dev *bs, int flags, struct blk_err *err);
    void (*close)(struct blk_dev *bs);
    /* read/write [off, off+len) of the virtual disk; off+len <= bs->size */
    int (*read)(struct blk_dev *bs, uint64_t off, void *buf, size_t len);
    int (*write)(struct blk_dev *bs, uint64_t off, const void *buf, size_t len);
    /* may_unmap: the range may become a hole rather than written zeroes */
    int (*write_zeroes)(struct blk_dev *bs, uint64_t off, uint64_t len, bool may_unmap);
    int (*discard)(struct blk_dev *bs, uint64_t off, uint64_t len);
    int (*flush)(struct blk_dev *bs);
    /* status of the longest run starting at off (at most len): BLK_ST_* bits,
     * *pnum bytes; *map the host offset when BLK_ST_OFFSET */
    int (*block_status)(struct blk_dev *bs, uint64_t off, uint64_t len,
                        uint64_t *pnum, uint64_t *map);
    int (*truncate)(struct blk_dev *bs, uint64_t size, bool shrink,
                    enum blk_prealloc prealloc, struct blk_err *err);
    int (*create)(const char *filename, const struct blk_create_opts *o,
                  struct blk_err *err);
    /* optional */
    int (*check)(struct blk_dev *bs, struct blk_check_result *r, int fix);
    /* whole-cluster compression: compress() is pure and thread-safe;
     * write_compressed() stores what it produced (or raw data when
     * csize == 0) at the cluster-aligned off */
    uint32_t cluster_size_for_compress;
    long (*compress)(struct blk_dev *bs, const void *src, size_t len,
                     void *dst, size_t cap);
    int (*write_compressed)(struct blk_dev *bs, uint64_t off, const void *data,
                            size_t csize, const void *raw, size_t len);
    int (*snapshot_list)(struct blk_dev *bs, struct blk_snapshot **list);
    int (*snapshot_create)(struct blk_dev *bs, const char *name, struct blk_err *err);
    int (*snapshot_apply)(struct blk_dev *bs, const char *name, struct blk_err *err);
    int (*snapshot_delete)(struct blk_dev *bs, const char *name, struct blk_err *err);
    /* append format-specific JSON members / human lines for `info` */
    void (*info_json)(struct blk_dev *bs, char *out, size_t cap);
    uint64_t (*cluster_size)(struct blk_dev *bs);
    /* does the format keep a backing file name / is the image dirty */
    bool supports_backing;
    bool (*is_dirty)(struct blk_dev *bs);
    /* format-specific data for `info` with nested members (members at
     * indent ind, one a line; the JSON form without a trailing newline) */
    void (*info_specific)(struct blk_dev *bs, FILE *f, const char *ind, bool json);
    /* host bytes of every file of the image (formats with extent files) */
    uint64_t (*allocated_size)(struct blk_dev *bs);
    /* the file an OFFSET status at byte off refers to (formats with extent
     * files; NULL hook: the image file itself) */
    const char *(*extent_file)(struct blk_dev *bs, uint64_t off);
    /* optional: rewrite the backing file name and format (NULL: none) */
    int (*change_backing)(struct blk_dev *bs, const char *file, const char *fmt,
                          struct blk_err *err);
    /* optional: change creation options in place */
    int (*amend)(struct blk_dev *bs, const struct blk_amend_opts *o, struct blk_err *err);
    /* optional: bytes a copy of the persistent bitmaps takes in a qcow2
     * image of cluster size cs (qemu-img measure's "bitmaps size") */
    int64_t (*measure_bitmaps)(struct blk_dev *bs, uint64_t cs);
};

struct blk_dev {
    const struct blk_driver *drv;
    char *filename;             /* as given */
    int fd;
    bool read_only;
    uint64_t size;              /* virtual size in bytes */
    /* backing file name and format as recorded in the image */
    char *backing_file;
    char *backing_fmt;
    char *full_backing;         /* backing_file resolved against filename */
    struct blk_dev *backing;
    void *opaque;               /* the driver's state */
    /* why the last read/write failed with -EIO (corrupt metadata) */
    struct blk_err io_err;
    pthread_mutex_t lock;       /* drivers that cache metadata take it */
};

const struct blk_driver *blk_driver_find(const char *name);
/* the i-th driver, NULL past the last (runtime-img --help lists them) */
const struct blk_driver *blk_driver_at(size_t i);
extern const struct blk_driver blk_raw_driver;
extern const struct blk_driver blk_qcow2_driver;
extern const struct blk_driver blk_vmdk_driver;
extern const struct blk_driver blk_vhdx_driver;
extern const struct blk_driver blk_vpc_driver;
extern const struct blk_driver blk_vdi_driver;
extern const struct blk_driver blk_qed_driver;

/* Probe fmt when NULL; open the backing chain unless BLK_O_NO_BACKING. */
struct blk_dev *blk_open(const char *filename, const char *fmt, int flags,
                         struct blk_err *err);
void blk_close(struct blk_dev *bs);
int blk_probe(const char *filename, const struct blk_driver **drv,
              struct blk_err *err);
/* path of a backing file named in image `from`, as QEMU resolves it */
char *blk_backing_path(const char *from, const char *backing);

int blk_read(struct blk_dev *bs, uint64_t off, void *buf, size_t len);
int blk_write(struct blk_dev *bs, uint64_t off, const void *buf, size_t len);
int blk_write_zeroes(struct blk_dev *bs, uint64_t off, uint64_t len, bool may_unmap);
int blk_discard(struct blk_dev *bs, uint64_t off, uint64_t len);
int blk_flush(struct blk_dev *bs);
int blk_block_status(struct blk_dev *bs, uint64_t off, uint64_t len,
                     uint64_t *pnum, uint64_t *map);
/* status through the chain: *depth is the layer that decides the range */
int blk_block_status_above(struct blk_dev *bs, uint64_t off, uint64_t len,
                           uint64_t *pnum, uint64_t *map, int *depth,
                           struct blk_dev **layer);
int blk_truncate(struct blk_dev *bs, uint64_t size, bool shrink,
                 enum blk_prealloc prealloc, struct blk_err *err);
int blk_create(const struct blk_driver *drv, const char *filename,
               const struct blk_create_opts *o, struct blk_err *err);
/* bytes the image file occupies on the host */
uint64_t blk_allocated_size(struct blk_dev *bs);
/* the reason for the last -EIO of bs, or strerror */
const char *blk_strerror(struct blk_dev *bs, int ret);

#endif
