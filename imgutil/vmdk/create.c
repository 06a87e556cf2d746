/*
 * Creating VMDK images the way qemu-img does: the sparse layout (header,
 * descriptor area of 20 sectors, redundant directory and its tables, then
 * the directory and its tables, all preallocated so allocating a grain only
 * ever writes one table entry per copy), monolithic or split into 2 GiB
 * extent files, and flat extents.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "imgutil/file.h"
#include "imgutil/vmdk/vmdk.h"

#define DESC_SECTORS 20
#define SPLIT_SIZE   (2ull << 30)

int vmdk_sparse_create(int fd, uint64_t capacity, bool compress, bool zeroed,
                       const char *desc, struct blk_err *err)
{
    uint64_t grains = (capacity + 65535) / 65536;
    uint64_t gt_count = (grains + 511) / 512;
    uint64_t gd_sectors = (gt_count * 4 + 511) / 512;
    uint64_t rgd = 1 + DESC_SECTORS;
    uint64_t gd = rgd + gd_sectors + gt_count * 4;
    uint64_t overhead = (gd + gd_sectors + gt_count * 4 + 127) / 128 * 128;
    if (desc && strlen(desc) > DESC_SECTORS * VMDK_SECTOR)
        return blk_err_set(err, -EINVAL, "descriptor too long");
    uint8_t *buf = calloc(1, (gd + gd_sectors) * VMDK_SECTOR);
    if (!buf)
        return blk_err_set(err, -ENOMEM, "out of memory");
    uint32_t flags = VMDK_FL_NL_DETECT | VMDK_FL_RGD |
                     (zeroed ? VMDK_FL_ZERO_GRAIN : 0) |
                     (compress ? VMDK_FL_COMPRESS | VMDK_FL_MARKER : 0);
    vmdk_sparse_header(buf, compress ? 3 : zeroed ? 2 : 1, flags, capacity, 1, DESC_SECTORS,
                       rgd, gd, overhead);
    if (desc)
        memcpy(buf + VMDK_SECTOR, desc, strlen(desc));
    for (uint64_t i = 0; i < gt_count; i++) {
        le32_put(buf + rgd * VMDK_SECTOR + i * 4, (uint32_t)(rgd + gd_sectors + i * 4));
        le32_put(buf + gd * VMDK_SECTOR + i * 4, (uint32_t)(gd + gd_sectors + i * 4));
    }
    int ret = file_pwrite(fd, buf, (gd + gd_sectors) * VMDK_SECTOR, 0);
    free(buf);
    if (ret < 0 || ftruncate(fd, (off_t)(overhead * VMDK_SECTOR)) < 0)
        return blk_err_set(err, ret < 0 ? ret : -errno, "Could not write the image: %s",
                           strerror(ret < 0 ? -ret : errno));
    return 0;
}

static int write_file(const char *path, const char *text, struct blk_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return blk_err_set(err, -errno, "Could not create '%s': %s", path, strerror(errno));
    int ret = file_pwrite(fd, text, strlen(text), 0);
    close(fd);
    return ret < 0 ? blk_err_set(err, ret, "Could not write '%s'", path) : 0;
}

/* one extent file: sparse with an empty descriptor area, or flat */
static int create_extent(const char *path, uint64_t size, bool sparse, bool zeroed,
                         enum blk_prealloc prealloc, struct blk_err *err)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return blk_err_set(err, -errno, "Could not create '%s': %s", path, strerror(errno));
    int ret;
    if (sparse) {
        ret = vmdk_sparse_create(fd, size, false, zeroed, NULL, err);
    } else {
        ret = file_preallocate(fd, 0, size, prealloc);
        if (ret < 0)
            blk_err_set(err, ret, "Could not create '%s': %s", path, strerror(-ret));
    }
    close(fd);
    return ret;
}

static bool one_of(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(v, *list))
            return true;
    return false;
}

/* the parent's CID for parentCID, from its descriptor */
static int parent_cid(const char *filename, const char *backing, uint32_t *cid,
                      struct blk_err *err)
{
    char *path = blk_backing_path(filename, backing);
    struct blk_err e2 = { "" };
    struct blk_dev *b = path ? blk_open(path, "vmdk", BLK_O_NO_BACKING, &e2) : NULL;
    free(path);
    if (!b)
        return blk_err_set(err, -EINVAL, "Could not open backing file: %s", e2.msg);
    *cid = ((struct vmdk_state *)b->opaque)->cid;
    blk_close(b);
    return 0;
}

int vmdk_create(const char *filename, const struct blk_create_opts *o, struct blk_err *err)
{
    static const char *const subformats[] = { "monolithicSparse", "monolithicFlat",
        "twoGbMaxExtentSparse", "twoGbMaxExtentFlat", "streamOptimized", NULL };
    static const char *const adapters[] = { "ide", "lsilogic", "buslogic", "legacyESX", NULL };
    const char *sub = o->vmdk.subformat ? o->vmdk.subformat : "monolithicSparse";
    if (!one_of(sub, subformats))
        return blk_err_set(err, -EINVAL, "invalid parameter value: %s", sub);
    if (o->vmdk.adapter_type && !one_of(o->vmdk.adapter_type, adapters))
        return blk_err_set(err, -EINVAL, "invalid parameter value: %s", o->vmdk.adapter_type);
    if (o->vmdk.compat6 && o->vmdk.hwversion)
        return blk_err_set(err, -EINVAL, "compat6 cannot be enabled with hwversion set");
    bool flat = strstr(sub, "Flat") != NULL, split = !strncmp(sub, "twoGb", 5);
    bool stream = !strcmp(sub, "streamOptimized");
    if (o->backing_file && flat)
        return blk_err_set(err, -ENOTSUP, "Flat image can't have backing file");
    if (o->backing_fmt && strcmp(o->backing_fmt, "vmdk"))
        return blk_err_set(err, -EINVAL, "Invalid backing file format: %s. Only vmdk is "
                           "supported", o->backing_fmt);
    if (o->prealloc != BLK_PREALLOC_OFF && !flat)
        return blk_err_set(err, -ENOTSUP, "preallocation of sparse VMDK images is not "
                           "supported");
    uint64_t size = (o->size + VMDK_SECTOR - 1) & ~(VMDK_SECTOR - 1);
    /* qemu-img makes such images but cannot open them (or asserts) */
    if (!size)
        return blk_err_set(err, -EINVAL, "a vmdk image needs a non-zero size");
    if (!flat && size > (2ull << 40) * (split ? 1024 : 1))
        return blk_err_set(err, -EINVAL, "size %" PRIu64 " is too big for a sparse VMDK",
                           o->size);
    uint32_t cid = 0, pcid = UINT32_MAX;
    if (getrandom(&cid, sizeof(cid), 0) != sizeof(cid))
        cid = (uint32_t)getpid() * 2654435761u;
    int ret;
    if (o->backing_file && (ret = parent_cid(filename, o->backing_file, &pcid, err)) < 0)
        return ret;

    /* extent names: the image's base name with -flat / -s001 / -f001 */
    const char *base = strrchr(filename, '/') ? strrchr(filename, '/') + 1 : filename;
    const char *dot = strrchr(base, '.');
    int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    const char *ext = dot && dot != base ? dot : "";
    int dirlen = (int)(base - filename);
    size_t cap = 64 + (size / SPLIT_SIZE + 1) * (strlen(base) + 48);
    char *lines = calloc(1, cap);
    if (!lines)
        return blk_err_set(err, -ENOMEM, "out of memory");
    size_t used = 0;
    char *desc = NULL;
    if (!flat && !split) {
        snprintf(lines, cap, "RW %" PRIu64 " SPARSE \"%s\"\n", size / VMDK_SECTOR, base);
        desc = vmdk_desc_build(o, sub, cid, pcid, o->backing_file, lines);
        int fd = open(filename, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            ret = blk_err_set(err, -errno, "Could not create '%s': %s", filename,
                              strerror(errno));
        } else {
            ret = vmdk_sparse_create(fd, size, stream, o->vmdk.zeroed_grain, desc, err);
            close(fd);
        }
        goto out;
    }
    uint64_t n = split ? (size + SPLIT_SIZE - 1) / SPLIT_SIZE : 1;
    if (!n)
        n = 1;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t esz = split ? (size - i * SPLIT_SIZE < SPLIT_SIZE ? size - i * SPLIT_SIZE
                                                                   : SPLIT_SIZE) : size;
        char name[4200], path[8400];
        if (split)
            snprintf(name, sizeof(name), "%.*s-%c%03" PRIu64 "%s", stem, base,
                     flat ? 'f' : 's', i + 1, ext);
        else
            snprintf(name, sizeof(name), "%.*s-flat%s", stem, base, ext);
        snprintf(path, sizeof(path), "%.*s%s", dirlen, filename, name);
        ret = create_extent(path, esz, !flat, o->vmdk.zeroed_grain, o->prealloc, err);
        if (ret < 0)
            goto out;
        used += (size_t)snprintf(lines + used, cap - used, "RW %" PRIu64 " %s \"%s\"%s\n",
                                 esz / VMDK_SECTOR, flat ? "FLAT" : "SPARSE", name,
                                 flat ? " 0" : "");
    }
    desc = vmdk_desc_build(o, sub, cid, pcid, o->backing_file, lines);
    ret = desc ? write_file(filename, desc, err) : blk_err_set(err, -ENOMEM, "out of memory");
out:
    free(desc);
    free(lines);
    return ret;
}
