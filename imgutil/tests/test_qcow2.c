/*
 * qcow2 driver unit tests: random writes, zero-writes and discards against an
 * in-memory model for every refcount width and a range of cluster sizes and
 * versions; compressed clusters; refcount table growth; a backing chain; and
 * after each run the image must reopen and pass the driver's own check with
 * no leak and no corruption.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgutil/blk.h"

static int n_test;
static int failed;

static void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
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

static char tmpdir[] = "/tmp/test_qcow2.XXXXXX";

static char *path(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) & 3;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
    return buf[k];
}

static bool image_clean(const char *file)
{
    struct blk_err err;
    struct blk_dev *bs = blk_open(file, "qcow2", BLK_O_NO_BACKING, &err);
    if (!bs)
        return false;
    struct blk_check_result r;
    int ret = bs->drv->check(bs, &r, 0);
    blk_close(bs);
    return ret == 0 && !r.corruptions && !r.leaks && !r.check_errors;
}

static bool read_matches(struct blk_dev *bs, const uint8_t *model, uint64_t size)
{
    uint8_t *buf = malloc(size);
    bool same = blk_read(bs, 0, buf, size) == 0 && !memcmp(buf, model, size);
    free(buf);
    return same;
}

/* random writes, zeroes and discards; model tracks what must be read back */
static bool run_ops(struct blk_dev *bs, uint8_t *model, uint64_t size, int ops, uint64_t cs)
{
    uint8_t *buf = malloc(4 * cs + 8192);
    for (int i = 0; i < ops; i++) {
        uint64_t len = 1 + rnd() % (4 * cs + 8000);
        uint64_t off = rnd() % size;
        if (rnd() % 2)
            off &= ~(cs - 1);       /* aligned cases often */
        if (off + len > size)
            len = size - off;
        int op = (int)(rnd() % 8);
        int ret;
        if (op < 6) {
            for (uint64_t k = 0; k < len; k++)
                buf[k] = (uint8_t)rnd();
            ret = blk_write(bs, off, buf, len);
            memcpy(model + off, buf, len);
        } else if (op == 6) {
            ret = blk_write_zeroes(bs, off, len, true);
            memset(model + off, 0, len);
        } else {
            /* discard leaves whole clusters undefined: only check it works,
             * then zero the same range so the model stays exact */
            ret = blk_discard(bs, off, len);
            if (!ret)
                ret = blk_write_zeroes(bs, off, len, false);
            memset(model + off, 0, len);
        }
        if (ret < 0) {
            printf("# op %d at %#llx+%#llx failed: %s\n", op, (unsigned long long)off,
                   (unsigned long long)len, blk_strerror(bs, ret));
            free(buf);
            return false;
        }
    }
    free(buf);
    return true;
}

static void test_layout(uint32_t cs, int rbits, int compat, bool extl2)
{
    const uint64_t size = 6 << 20;
    struct blk_create_opts o = { .size = size, .size_set = true, .cluster_size = cs,
                                 .refcount_bits = rbits, .compat = compat,
                                 .extended_l2 = extl2 };
    struct blk_err err = { "" };
    char *f = path("img.qcow2");
    int ret = blk_create(blk_driver_find("qcow2"), f, &o, &err);
    ok(ret == 0, "create cluster_size=%u refcount_bits=%d compat=%d extl2=%d %s", cs, rbits,
       compat, extl2, err.msg);
    struct blk_dev *bs = blk_open(f, "qcow2", BLK_O_RDWR, &err);
    uint8_t *model = calloc(1, size);
    bool good = bs && run_ops(bs, model, size, 300, cs);
    good = good && read_matches(bs, model, size);
    if (bs)
        blk_close(bs);
    ok(good, "cs=%u rbits=%d: 300 random writes/zeroes/discards read back", cs, rbits);
    bs = blk_open(f, "qcow2", 0, &err);
    ok(bs && read_matches(bs, model, size), "cs=%u rbits=%d: same data after reopening", cs, rbits);
    if (bs)
        blk_close(bs);
    ok(image_clean(f), "cs=%u rbits=%d: check finds no leak or corruption", cs, rbits);
    free(model);
}

static void test_compressed(int ctype)
{
    const uint64_t size = 4 << 20, cs = 65536;
    struct blk_create_opts o = { .size = size, .size_set = true, .compression_type = ctype };
    struct blk_err err = { "" };
    char *f = path("c.qcow2");
    ok(blk_create(blk_driver_find("qcow2"), f, &o, &err) == 0, "create compression_type=%d", ctype);
    struct blk_dev *bs = blk_open(f, "qcow2", BLK_O_RDWR, &err);
    uint8_t *model = calloc(1, size), *c = malloc(cs);
    bool good = bs != NULL;
    int compressed = 0;
    for (uint64_t off = 0; good && off < size; off += cs) {
        /* compressible text with some variety */
        for (uint64_t k = 0; k < cs; k++)
            model[off + k] = (uint8_t)("qcow2 compressed cluster "[k % 25] + (off >> 16) % 7);
        long cl = bs->drv->compress(bs, model + off, cs, c, cs);
        good = cl > 0 && bs->drv->write_compressed(bs, off, c, (size_t)cl, model + off, cs) == 0;
        compressed += cl > 0;
    }
    ok(good && compressed == (int)(size / cs), "every cluster written compressed");
    good = good && read_matches(bs, model, size);
    ok(good, "compressed clusters read back");
    /* overwrite parts of compressed clusters: copy-on-write to plain clusters */
    uint8_t patch[3000];
    memset(patch, 0xab, sizeof(patch));
    good = good && blk_write(bs, 70000, patch, sizeof(patch)) == 0;
    memcpy(model + 70000, patch, sizeof(patch));
    good = good && read_matches(bs, model, size);
    if (bs)
        blk_close(bs);
    ok(good, "partial overwrite of a compressed cluster");
    ok(image_clean(f), "compressed image checks clean");
    free(model);
    free(c);
}

/* 512-byte clusters, 64-bit refcounts: 8 entries per block, the table grows often */
static void test_refcount_growth(void)
{
    const uint64_t size = 3 << 20;
    struct blk_create_opts o = { .size = size, .size_set = true, .cluster_size = 512,
                                 .refcount_bits = 64 };
    struct blk_err err = { "" };
    char *f = path("g.qcow2");
    ok(blk_create(blk_driver_find("qcow2"), f, &o, &err) == 0, "create 512 B clusters, 64-bit refcounts");
    struct blk_dev *bs = blk_open(f, "qcow2", BLK_O_RDWR, &err);
    uint8_t *model = malloc(size);
    for (uint64_t k = 0; k < size; k++)
        model[k] = (uint8_t)(k * 7 + (k >> 9));
    bool good = bs && blk_write(bs, 0, model, size) == 0 && read_matches(bs, model, size);
    if (bs)
        blk_close(bs);
    ok(good, "6144 clusters written through a growing refcount table");
    ok(image_clean(f), "grown refcount structures check clean");
    free(model);
}

static void test_backing(void)
{
    const uint64_t size = 2 << 20;
    struct blk_err err = { "" };
    const struct blk_driver *q = blk_driver_find("qcow2");
    struct blk_create_opts base = { .size = size, .size_set = true };
    ok(blk_create(q, path("base.qcow2"), &base, &err) == 0, "create base");
    struct blk_dev *bs = blk_open(path("base.qcow2"), "qcow2", BLK_O_RDWR, &err);
    uint8_t *model = malloc(size);
    for (uint64_t k = 0; k < size; k++)
        model[k] = (uint8_t)(k ^ (k >> 8));
    ok(bs && blk_write(bs, 0, model, size) == 0, "fill base");
    if (bs)
        blk_close(bs);
    struct blk_create_opts ov = { .size = size, .size_set = true, .backing_file = "base.qcow2",
                                  .backing_fmt = "qcow2", .cluster_size = 4096 };
    ok(blk_create(q, path("mid.qcow2"), &ov, &err) == 0, "create overlay (relative backing name)");
    ov.backing_file = "mid.qcow2";
    ok(blk_create(q, path("top.qcow2"), &ov, &err) == 0, "create second overlay");
    bs = blk_open(path("top.qcow2"), NULL, BLK_O_RDWR, &err);
    ok(bs && bs->backing && bs->backing->backing, "chain of three opened: %s", err.msg);
    uint8_t w[5000];
    memset(w, 0x5a, sizeof(w));
    bool good = bs && blk_write(bs, 12345, w, sizeof(w)) == 0;
    memcpy(model + 12345, w, sizeof(w));
    good = good && blk_write_zeroes(bs, 65536, 8192, true) == 0;
    memset(model + 65536, 0, 8192);
    good = good && read_matches(bs, model, size);
    ok(good, "partial writes over a backing chain keep the backing data around them");
    uint64_t pnum, map;
    int depth = -1;
    struct blk_dev *layer;
    if (bs)
        blk_block_status_above(bs, 1 << 20, 4096, &pnum, &map, &depth, &layer);
    ok(depth == 2, "block status above finds data two layers down (depth %d)", depth);
    if (bs)
        blk_close(bs);
    ok(image_clean(path("top.qcow2")), "overlay checks clean");
    free(model);
}

static void test_loop(void)
{
    struct blk_err err = { "" };
    const struct blk_driver *q = blk_driver_find("qcow2");
    struct blk_create_opts o = { .size = 1 << 20, .size_set = true, .backing_file = "loop-b.qcow2",
                                 .backing_fmt = "qcow2" };
    blk_create(q, path("loop-a.qcow2"), &o, &err);
    o.backing_file = "loop-a.qcow2";
    blk_create(q, path("loop-b.qcow2"), &o, &err);
    err.msg[0] = 0;
    struct blk_dev *bs = blk_open(path("loop-a.qcow2"), NULL, 0, &err);
    ok(!bs && strstr(err.msg, "loop"), "backing loop refused: %s", err.msg);
    bs = blk_open(path("loop-a.qcow2"), NULL, BLK_O_NO_BACKING, &err);
    ok(bs != NULL, "the same image opens without its chain");
    if (bs)
        blk_close(bs);
}

static void test_snapshots(void)
{
    const uint64_t size = 1 << 20;
    struct blk_err err = { "" };
    struct blk_create_opts o = { .size = size, .size_set = true, .cluster_size = 4096,
                                 .refcount_bits = 2 };
    char *f = path("snap.qcow2");
    blk_create(blk_driver_find("qcow2"), f, &o, &err);
    struct blk_dev *bs = blk_open(f, "qcow2", BLK_O_RDWR, &err);
    uint8_t *a = malloc(size), *b = malloc(size);
    memset(a, 0x11, size);
    memset(b, 0x22, size / 2);
    bool good = bs && blk_write(bs, 0, a, size) == 0;
    good = good && bs->drv->snapshot_create(bs, "s1", &err) == 0;
    good = good && blk_write(bs, 0, b, size / 2) == 0;
    memcpy(a + 0, b, 0);
    uint8_t *now = malloc(size);
    memcpy(now, b, size / 2);
    memset(now + size / 2, 0x11, size - size / 2);
    good = good && read_matches(bs, now, size);
    ok(good, "snapshot taken, then the active state diverges: %s", err.msg);
    /* refcount_bits=2: three sharers saturate nothing yet */
    good = good && bs->drv->snapshot_apply(bs, "s1", &err) == 0 && read_matches(bs, a, size);
    ok(good, "applying the snapshot restores its data: %s", err.msg);
    good = good && bs->drv->snapshot_delete(bs, "1", &err) == 0;
    ok(good, "delete by id: %s", err.msg);
    if (bs)
        blk_close(bs);
    ok(image_clean(f), "image checks clean after create/apply/delete");
    free(a);
    free(b);
    free(now);
}

static void test_paths(void)
{
    char *p = blk_backing_path("dir/sub/img.qcow2", "base.qcow2");
    ok(p && !strcmp(p, "dir/sub/base.qcow2"), "relative backing resolved beside the image: %s", p);
    free(p);
    p = blk_backing_path("dir/img.qcow2", "/abs/base");
    ok(p && !strcmp(p, "/abs/base"), "absolute backing kept");
    free(p);
    p = blk_backing_path("img.qcow2", "base.qcow2");
    ok(p && !strcmp(p, "base.qcow2"), "image in the current directory");
    free(p);
}

static void test_bad_create(void)
{
    struct blk_err err = { "" };
    const struct blk_driver *q = blk_driver_find("qcow2");
    struct blk_create_opts o = { .size = 1 << 20, .size_set = true, .cluster_size = 1000 };
    ok(blk_create(q, path("bad.qcow2"), &o, &err) < 0 && strstr(err.msg, "power of two"),
       "cluster size 1000 refused: %s", err.msg);
    struct blk_create_opts o2 = { .size = 1 << 20, .size_set = true, .compat = 2, .refcount_bits = 8 };
    ok(blk_create(q, path("bad.qcow2"), &o2, &err) < 0, "refcount_bits=8 with compat=0.10 refused");
    struct blk_create_opts o3 = { .size = 1 << 20, .size_set = true, .extended_l2 = true,
                                  .cluster_size = 4096 };
    ok(blk_create(q, path("bad.qcow2"), &o3, &err) < 0, "extended_l2 with 4 KiB clusters refused");
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        printf("1..0 # SKIP no temporary directory\n");
        return 0;
    }
    printf("1..73\n");
    static const struct { uint32_t cs; int rbits, compat; bool extl2; } layouts[] = {
        { 65536, 16, 3, false }, { 65536, 16, 2, false }, { 512, 1, 3, false },
        { 1024, 2, 3, false }, { 4096, 4, 3, false }, { 8192, 8, 3, false },
        { 16384, 32, 3, false }, { 2 << 20, 64, 3, false }, { 32768, 16, 3, true },
        { 512, 16, 2, false },
    };
    for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
        test_layout(layouts[i].cs, layouts[i].rbits, layouts[i].compat, layouts[i].extl2);
    test_compressed(0);
    test_compressed(1);
    test_refcount_growth();
    test_backing();
    test_loop();
    test_snapshots();
    test_paths();
    test_bad_create();
    if (getenv("TEST_KEEP_TMP")) {
        printf("# kept %s\n", tmpdir);
        return failed ? 1 : 0;
    }
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", tmpdir);
    return failed ? 1 : 0;
}
