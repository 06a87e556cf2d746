/*
 * vpc and vdi driver unit tests: for every subformat, random writes and
 * zero-writes against an in-memory model, read back before and after a
 * reopen; vdi's own check stays clean; the sizes qemu-img 7.2 gives for
 * a few requested sizes (its CHS rounding, force_size, sector rounding);
 * a damaged table refused at open; and random damage to the metadata (with
 * the VHD checksums made valid again half the time, so the fields behind
 * them are reached) ending in success or a clean error, the file unchanged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgutil/blk.h"
#include "imgutil/file.h"

static int n_test;
static int failed;

static void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(int cond, const char *fmt, ...)
{
    va_list ap;
    printf("%s %d - ", cond ? "ok" : "not ok", ++n_test);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond)
        failed++;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char tmpdir[] = "/tmp/test_vpc_vdi.XXXXXX";
static char file[300];

struct kind {
    const char *fmt, *name;
    bool fixed, force, vdi_static;
};

static const struct kind kinds[] = {
    { "vpc", "vpc dynamic", false, false, false },
    { "vpc", "vpc fixed", true, false, false },
    { "vpc", "vpc dynamic force_size", false, true, false },
    { "vdi", "vdi dynamic", false, false, false },
    { "vdi", "vdi static", false, false, true },
};

static int make(const struct kind *k, uint64_t size)
{
    struct blk_create_opts o = { .size = size, .size_set = true, .vpc_fixed = k->fixed,
                                 .force_size = k->force, .vdi_static = k->vdi_static };
    struct blk_err err = { "" };
    unlink(file);
    int ret = blk_create(blk_driver_find(k->fmt), file, &o, &err);
    if (ret < 0)
        printf("# create %s: %s\n", k->name, err.msg);
    return ret;
}

static bool same(struct blk_dev *bs, const uint8_t *model, uint64_t size)
{
    uint8_t *buf = malloc(size);
    bool eq = buf && blk_read(bs, 0, buf, size) == 0 && !memcmp(buf, model, size);
    free(buf);
    return eq;
}

static bool vdi_clean(const char *fmt)
{
    struct blk_err err;
    struct blk_dev *bs = blk_open(file, fmt, BLK_O_CHECK, &err);
    if (!bs)
        return false;
    struct blk_check_result r;
    int ret = bs->drv->check(bs, &r, 0);
    blk_close(bs);
    return ret == 0 && !r.corruptions && !r.leaks && !r.check_errors;
}

static void random_io(const struct kind *k)
{
    const uint64_t size = 9u << 20;
    if (make(k, size) < 0) {
        ok(0, "%s: create", k->name);
        return;
    }
    struct blk_err err = { "" };
    struct blk_dev *bs = blk_open(file, k->fmt, BLK_O_RDWR, &err);
    ok(bs != NULL, "%s: open (%s)", k->name, err.msg);
    if (!bs)
        return;
    ok(bs->size >= size, "%s: size %llu holds %llu", k->name, (unsigned long long)bs->size,
       (unsigned long long)size);
    uint64_t vsize = bs->size;
    uint8_t *model = calloc(1, vsize), *buf = malloc(1 << 20);
    bool io_ok = true;
    for (int i = 0; i < 300 && io_ok; i++) {
        uint64_t len = 1 + rnd() % (rnd() % 4 ? 4096 : (1u << 20));
        uint64_t off = rnd() % (vsize - len + 1);
        if (rnd() % 5 == 0) {
            io_ok = blk_write_zeroes(bs, off, len, rnd() % 2) == 0;
            memset(model + off, 0, len);
        } else {
            for (uint64_t j = 0; j < len; j++)
                buf[j] = (uint8_t)rnd();
            /* sometimes all zeroes: an unallocated block stays so */
            if (rnd() % 8 == 0)
                memset(buf, 0, len);
            io_ok = blk_write(bs, off, buf, len) == 0;
            memcpy(model + off, buf, len);
        }
    }
    ok(io_ok, "%s: 300 random writes and zero-writes", k->name);
    ok(same(bs, model, vsize), "%s: reads back as the model", k->name);
    blk_close(bs);
    bs = blk_open(file, k->fmt, 0, &err);
    ok(bs && same(bs, model, vsize), "%s: reopened, reads back as the model", k->name);
    if (bs)
        blk_close(bs);
    if (!strcmp(k->fmt, "vdi"))
        ok(vdi_clean(k->fmt), "%s: check finds nothing", k->name);
    free(model);
    free(buf);
}

/* virtual sizes qemu-img 7.2 reports for images it creates */
static void sizes(void)
{
    static const struct {
        int kind;
        uint64_t asked, got;
    } t[] = {
        { 0, 10u << 20, 10514432 },         /* 302 x 4 x 17 */
        { 0, 3ull << 30, 3221471232ull },   /* 6242 x 16 x 63 */
        { 1, 10u << 20, 10514432 },
        { 2, 1000001, 1000448 },            /* force_size: whole sectors only */
        { 2, 10u << 20, 10u << 20 },
        { 3, 1000001, 1000448 },
        { 4, 10u << 20, 10u << 20 },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        const struct kind *k = &kinds[t[i].kind];
        struct blk_err err = { "" };
        struct blk_dev *bs = make(k, t[i].asked) == 0 ? blk_open(file, k->fmt, 0, &err) : NULL;
        ok(bs && bs->size == t[i].got, "%s: %llu bytes asked, %llu as qemu-img gives (got %llu)",
           k->name, (unsigned long long)t[i].asked, (unsigned long long)t[i].got,
           bs ? (unsigned long long)bs->size : 0ull);
        if (bs)
            blk_close(bs);
    }
}

static void damaged(void)
{
    uint8_t b[4];
    struct blk_err err = { "" };
    /* a BAT entry pointing past the end of the file */
    make(&kinds[0], 4u << 20);
    be32_put(b, 0x00ffffff);
    int fd = open(file, O_WRONLY);
    file_pwrite(fd, b, 4, 1536);
    close(fd);
    struct blk_dev *bs = blk_open(file, "vpc", BLK_O_RDWR, &err);
    ok(!bs && strstr(err.msg, "past the end"), "vpc: BAT entry past EOF refused (%s)", err.msg);
    if (bs)
        blk_close(bs);
    /* a VDI map entry out of range */
    make(&kinds[4], 4u << 20);
    b[0] = 9, b[1] = b[2] = b[3] = 0;
    fd = open(file, O_WRONLY);
    file_pwrite(fd, b, 4, 512 + 4);
    close(fd);
    bs = blk_open(file, "vdi", 0, &err);
    ok(!bs && strstr(err.msg, "out of range"), "vdi: map entry out of range refused (%s)", err.msg);
    if (bs)
        blk_close(bs);
    ok(!vdi_clean("vdi"), "vdi: check counts the bad entry");
}

static uint32_t vhd_sum(const uint8_t *b, size_t len, size_t at)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i++)
        if (i < at || i >= at + 4)
            sum += b[i];
    return ~sum;
}

/* open, read everything, block status over the disk, check: any result but
 * a crash will do */
static void exercise(const char *fmt)
{
    struct blk_err err;
    for (int pass = 0; pass < 2; pass++) {
        struct blk_dev *bs = blk_open(file, fmt, pass ? BLK_O_CHECK : 0, &err);
        if (!bs)
            continue;
        uint64_t size = bs->size < (4u << 20) ? bs->size : (4u << 20);
        uint8_t *buf = malloc(1 << 16);
        for (uint64_t off = 0; off < size; off += 1 << 16)
            blk_read(bs, off, buf, size - off < (1 << 16) ? size - off : (1 << 16));
        /* and the end of a disk that claims to be bigger */
        if (bs->size > size)
            blk_read(bs, bs->size - 512, buf, 512);
        int steps = 0;
        for (uint64_t off = 0, n; off < bs->size && steps < 100000; off += n, steps++) {
            uint64_t map;
            if (blk_block_status(bs, off, bs->size - off, &n, &map) < 0 || !n)
                break;
        }
        struct blk_check_result r;
        if (bs->drv->check)
            bs->drv->check(bs, &r, 0);
        free(buf);
        blk_close(bs);
    }
}

/* what a write of any kind would change: size, modification time and the
 * metadata bytes (reading the whole file each time made the test slow) */
static uint64_t file_sum(void)
{
    struct stat st;
    uint8_t buf[4096];
    uint64_t h = 1469598103934665603ull;
    int fd = open(file, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    for (ssize_t i = 0; i < n; i++)
        h = (h ^ buf[i]) * 1099511628211ull;
    return h ^ (uint64_t)st.st_size * 31 ^ (uint64_t)st.st_mtim.tv_sec * 1000000007ull ^
           (uint64_t)st.st_mtim.tv_nsec;
}

static void fuzz(const struct kind *k, uint32_t meta_len, const uint32_t hot[3][2])
{
    static uint8_t good[8 << 20];
    make(k, 6u << 20);
    struct blk_err err;
    struct blk_dev *bs = blk_open(file, k->fmt, BLK_O_RDWR, &err);
    uint8_t data[4096];
    memset(data, 0x5a, sizeof(data));
    for (int i = 0; bs && i < 3; i++)
        blk_write(bs, (uint64_t)i * (2u << 20) + 4096, data, sizeof(data));
    if (bs)
        blk_close(bs);
    int fd = open(file, O_RDONLY);
    ssize_t glen = read(fd, good, sizeof(good));
    close(fd);
    int opened = 0, unchanged = 1;
    bool cut = false;
    for (int it = 0; it < 200 && glen > 0; it++) {
        uint8_t *img = malloc((size_t)glen);
        memcpy(img, good, (size_t)glen);
        int nb = 1 + (int)(rnd() % 4);
        for (int j = 0; j < nb; j++) {
            /* half the time in the fields that size and place things */
            const uint32_t *h = hot[rnd() % 3];
            uint32_t at = (uint32_t)(rnd() % 2 ? h[0] + rnd() % h[1] : rnd() % meta_len);
            img[at] = rnd() % 3 ? (uint8_t)rnd() : (rnd() % 2 ? 0xff : 0);
        }
        if (!strcmp(k->fmt, "vpc") && rnd() % 2) {
            be32_put(img + 64, vhd_sum(img, 512, 64));
            be32_put(img + 512 + 36, vhd_sum(img + 512, 1024, 36));
        }
        /* only the metadata changes, unless the file is cut short: the
         * blocks are rewritten after a cut */
        fd = open(file, O_WRONLY);
        if (cut) {
            file_pwrite(fd, good, (size_t)glen, 0);
            cut = false;
        }
        file_pwrite(fd, img, meta_len, 0);
        if (rnd() % 8 == 0) {
            cut = true;
            if (ftruncate(fd, (off_t)(rnd() % (uint64_t)glen)) < 0)
                cut = true;
        }
        close(fd);
        free(img);
        uint64_t before = file_sum();
        struct blk_dev *t = blk_open(file, k->fmt, 0, &err);
        if (t) {
            opened++;
            blk_close(t);
        }
        exercise(k->fmt);
        if (file_sum() != before)
            unchanged = 0;
    }
    ok(unchanged, "%s: 200 damaged images (%d still open) read, mapped and checked; "
       "no crash, no change", k->name, opened);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(file, sizeof(file), "%s/img", tmpdir);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        random_io(&kinds[i]);
    sizes();
    damaged();
    /* footer copy (sizes, geometry), dynamic header (table offset, entries,
     * block size), BAT */
    static const uint32_t vpc_hot[3][2] = { { 40, 24 }, { 512 + 16, 24 }, { 1536, 24 } };
    /* header (offsets, geometry, sizes, counts), block map */
    static const uint32_t vdi_hot[3][2] = { { 0x150, 0x38 }, { 0x40, 16 }, { 512, 24 } };
    fuzz(&kinds[0], 2048, vpc_hot);
    fuzz(&kinds[3], 1024, vdi_hot);
    unlink(file);
    rmdir(tmpdir);
    printf("1..%d\n", n_test);
    return failed ? 1 : 0;
}
