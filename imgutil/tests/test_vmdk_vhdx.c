/*
 * vmdk and vhdx driver unit tests: random writes and zero writes against an
 * in-memory model for every vmdk subformat (grain-crossing, partial-grain,
 * across the 2 GiB split) and both vhdx kinds, surviving a reopen; a
 * streamOptimized image written in order and refusing rewrites; a
 * VMware-style stream with the grain directory after the grains (footer,
 * grain-table and directory markers); CRC-32C
 * against the spec's check value; a two-entry vhdx log replayed in order
 * (and refused when its sequence is broken); and random byte damage to the
 * metadata that must end in a clean open error or clean reads, never a
 * crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgutil/blk.h"
#include "imgutil/file.h"
#include "imgutil/vhdx/vhdx.h"
#include "imgutil/vmdk/vmdk.h"
#include <zlib.h>

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

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char tmpdir[] = "/tmp/test_vmdk_vhdx.XXXXXX";

static char *path(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) & 3;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
    return buf[k];
}

/* the model covers a window [base, base+len) of the disk */
static bool same(struct blk_dev *bs, const uint8_t *model, uint64_t base, uint64_t len)
{
    uint8_t *buf = malloc(len);
    bool good = buf && blk_read(bs, base, buf, len) == 0 && !memcmp(buf, model, len);
    free(buf);
    return good;
}

static void random_writes(const char *fmt, const char *file, struct blk_create_opts *o,
                          uint64_t base, uint64_t len, const char *what)
{
    struct blk_err err = { "" };
    const struct blk_driver *d = blk_driver_find(fmt);
    int ret = blk_create(d, file, o, &err);
    ok(ret == 0, "%s: create: %s", what, err.msg);
    struct blk_dev *bs = blk_open(file, fmt, BLK_O_RDWR, &err);
    ok(bs != NULL, "%s: open: %s", what, err.msg);
    if (!bs)
        return;
    uint8_t *model = calloc(1, len), *chunk = malloc(300000);
    bool good = true;
    for (int i = 0; i < 60 && good; i++) {
        uint64_t n = 1 + rnd() % 300000;
        if (n > len)
            n = len;
        uint64_t off = (rnd() % (len - n + 1)) & ~511ull;
        if (rnd() % 4 == 0) {
            good = blk_write_zeroes(bs, base + off, n, true) == 0;
            memset(model + off, 0, n);
        } else {
            for (uint64_t k = 0; k < n; k++)
                chunk[k] = (uint8_t)rnd();
            good = blk_write(bs, base + off, chunk, n) == 0;
            memcpy(model + off, chunk, n);
        }
    }
    ok(good && same(bs, model, base, len), "%s: random writes read back", what);
    blk_close(bs);
    bs = blk_open(file, fmt, 0, &err);
    ok(bs && same(bs, model, base, len), "%s: the data survives a reopen", what);
    if (bs && bs->drv->check) {
        struct blk_check_result r;
        ok(bs->drv->check(bs, &r, 0) == 0 && !r.corruptions, "%s: own check is clean", what);
    }
    blk_close(bs);
    free(model);
    free(chunk);
}

static void test_vmdk_subformats(void)
{
    static const char *const subs[] = { "monolithicSparse", "monolithicFlat",
        "twoGbMaxExtentSparse", "twoGbMaxExtentFlat" };
    for (int i = 0; i < 4; i++) {
        struct blk_create_opts o = { .size = 9 << 20, .size_set = true };
        o.vmdk.subformat = subs[i];
        random_writes("vmdk", path("a.vmdk"), &o, 0, o.size, subs[i]);
    }
    struct blk_create_opts z = { .size = 5 << 20, .size_set = true };
    z.vmdk.zeroed_grain = true;
    random_writes("vmdk", path("z.vmdk"), &z, 0, z.size, "zeroed_grain");
    /* a window across the 2 GiB boundary of a split image */
    struct blk_create_opts s = { .size = 3ull << 30, .size_set = true };
    s.vmdk.subformat = "twoGbMaxExtentSparse";
    random_writes("vmdk", path("split.vmdk"), &s, (2ull << 30) - (1 << 20), 2 << 20,
                  "writes across the 2 GiB split");
}

static void test_vmdk_stream(void)
{
    struct blk_err err = { "" };
    struct blk_create_opts o = { .size = 1 << 20, .size_set = true };
    o.vmdk.subformat = "streamOptimized";
    const struct blk_driver *d = blk_driver_find("vmdk");
    ok(blk_create(d, path("s.vmdk"), &o, &err) == 0, "streamOptimized: create");
    struct blk_dev *bs = blk_open(path("s.vmdk"), "vmdk", BLK_O_RDWR, &err);
    uint8_t *model = calloc(1, o.size);
    for (uint64_t k = 0; k < o.size; k += 4096)
        memset(model + k, (int)(k >> 12), 2048);    /* compressible */
    bool good = bs != NULL;
    for (uint64_t off = 0; good && off < o.size; off += 65536)
        good = blk_write(bs, off, model + off, 65536) == 0;
    ok(good && same(bs, model, 0, o.size), "streamOptimized: in-order grains read back");
    ok(bs && blk_write(bs, 0, model, 512) == -EIO, "streamOptimized: rewriting a grain is refused");
    blk_close(bs);
    int fd = open(path("s.vmdk"), O_RDONLY);
    ok(file_size(fd) < (int64_t)o.size / 2, "streamOptimized: grains are compressed (%lld bytes)",
       (long long)file_size(fd));
    close(fd);
    bs = blk_open(path("s.vmdk"), NULL, 0, &err);
    ok(bs && !strcmp(bs->drv->name, "vmdk") && same(bs, model, 0, o.size),
       "streamOptimized: probed and read after reopen");
    blk_close(bs);
    free(model);
}

/* the stream layout VMware writes: header with the directory "at end",
 * grains, then GT marker + table, GD marker + directory, footer marker +
 * footer (the header again, with the real directory offset), end marker */
static void test_vmdk_stream_footer(void)
{
    uint8_t *img = calloc(64, 512), grain[65536];
    for (int i = 0; i < 65536; i++)
        grain[i] = (uint8_t)(i / 300);
    uint64_t cap = 2 * 65536;
    vmdk_sparse_header(img, 3, VMDK_FL_NL_DETECT | VMDK_FL_COMPRESS | VMDK_FL_MARKER, cap, 1, 1,
                       0, VMDK_GD_AT_END, 2);
    strcpy((char *)img + 512, "# Disk DescriptorFile\nversion=1\nCID=12345678\n"
           "parentCID=ffffffff\ncreateType=\"streamOptimized\"\n");
    uLongf clen = 512 * 40;
    compress2(img + 1024 + 12, &clen, grain, sizeof(grain), 9);
    le64_put(img + 1024, 128);          /* the grain of virtual sector 128 */
    le32_put(img + 1024 + 8, (uint32_t)clen);
    uint64_t g = 2 + (12 + clen + 511) / 512;           /* GT marker sector */
    le64_put(img + g * 512, 4);
    le32_put(img + g * 512 + 12, VMDK_MARKER_GT);
    le32_put(img + (g + 1) * 512 + 4, 2);                /* GT[1] -> sector 2 */
    uint64_t d = g + 5;
    le64_put(img + d * 512, 1);
    le32_put(img + d * 512 + 12, VMDK_MARKER_GD);
    le32_put(img + (d + 1) * 512, (uint32_t)(g + 1));
    uint64_t f = d + 2;
    le64_put(img + f * 512, 1);
    le32_put(img + f * 512 + 12, VMDK_MARKER_FOOTER);
    vmdk_sparse_header(img + (f + 1) * 512, 3, VMDK_FL_NL_DETECT | VMDK_FL_COMPRESS |
                       VMDK_FL_MARKER, cap, 1, 1, 0, d + 1, 2);
    int fd = open(path("vmw.vmdk"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    file_pwrite(fd, img, (f + 3) * 512, 0);
    close(fd);
    free(img);
    struct blk_err err = { "" };
    struct blk_dev *bs = blk_open(path("vmw.vmdk"), NULL, 0, &err);
    uint8_t *got = malloc(cap), *want = calloc(1, cap);
    memcpy(want + 65536, grain, sizeof(grain));
    ok(bs && bs->size == cap && blk_read(bs, 0, got, cap) == 0 && !memcmp(got, want, cap),
       "stream with the directory in the footer reads: %s", err.msg);
    blk_close(bs);
    free(got);
    free(want);
}

static void test_vhdx(void)
{
    ok(vhdx_crc32c("123456789", 9) == 0xE3069283u, "CRC-32C check value");
    struct blk_create_opts o = { .size = 20 << 20, .size_set = true };
    random_writes("vhdx", path("d.vhdx"), &o, 0, o.size, "vhdx dynamic");
    o.vhdx.fixed = true;
    o.vhdx.block_state_zero = false;
    o.vhdx.block_state_zero_set = true;
    random_writes("vhdx", path("f.vhdx"), &o, 0, o.size, "vhdx fixed");
    /* 1 MiB blocks: 5000 blocks pass a chunk (4096) so a sector-bitmap
     * entry sits inside the BAT */
    struct blk_create_opts c = { .size = 5000ull << 20, .size_set = true };
    c.vhdx.block_size = 1 << 20;
    random_writes("vhdx", path("c.vhdx"), &c, (4096ull << 20) - (1 << 20), 3 << 20,
                  "vhdx across a chunk boundary");
}

/* one log entry at pos of the log: a data descriptor writing the sector
 * at data_off with fill, and (zero_off != 0) a zero descriptor before it */
static void log_entry(uint8_t *log, uint64_t pos, uint64_t seq, uint32_t tail,
                      const uint8_t *guid, uint64_t data_off, uint8_t fill, uint64_t zero_off)
{
    uint8_t *e = log + pos;
    memset(e, 0, 8192);
    memcpy(e, "loge", 4);
    le32_put(e + 8, 8192);
    le32_put(e + 12, tail);
    le64_put(e + 16, seq);
    le32_put(e + 24, zero_off ? 2 : 1);
    memcpy(e + 32, guid, 16);
    le64_put(e + 48, 64 << 20);
    le64_put(e + 56, 64 << 20);
    uint8_t *d = e + 64;
    if (zero_off) {
        memcpy(d, "zero", 4);
        le64_put(d + 8, 4096);
        le64_put(d + 16, zero_off);
        le64_put(d + 24, seq);
        d += 32;
    }
    memcpy(d, "desc", 4);
    memset(d + 4, fill, 4);     /* trailing bytes */
    memset(d + 8, fill, 8);     /* leading bytes */
    le64_put(d + 16, data_off);
    le64_put(d + 24, seq);
    uint8_t *sec = e + 4096;
    memset(sec, fill, 4096);
    memcpy(sec, "data", 4);
    le32_put(sec + 4, (uint32_t)(seq >> 32));
    le32_put(sec + 4092, (uint32_t)seq);
    le32_put(e + 4, vhdx_checksum(e, 8192, 4));
}

/* a dynamic image with block 0 allocated, and a log of two entries under
 * a fresh log GUID; second_seq breaks the sequence when not first + 1 */
static int log_image(const char *file, uint64_t second_seq, uint64_t *blk0)
{
    struct blk_err err = { "" };
    struct blk_create_opts o = { .size = 20 << 20, .size_set = true };
    blk_create(blk_driver_find("vhdx"), file, &o, &err);
    struct blk_dev *bs = blk_open(file, "vhdx", BLK_O_RDWR, &err);
    if (!bs)
        return -1;
    uint8_t ones[65536];
    memset(ones, 0x11, sizeof(ones));
    blk_write(bs, 0, ones, sizeof(ones));
    struct vhdx_state *s = bs->opaque;
    *blk0 = VHDX_BAT_OFF(s->bat[0]);
    uint8_t guid[16];
    vhdx_guid_random(guid);
    uint8_t *log = calloc(1, 1 << 20);
    log_entry(log, 0, 10, 0, guid, *blk0 + 4096, 0x22, 0);
    log_entry(log, 8192, second_seq, 0, guid, *blk0 + 8192, 0x33, *blk0 + 12288);
    file_pwrite(bs->fd, log, 1 << 20, le64_get(s->hdr + 72));
    free(log);
    memcpy(s->hdr + 48, guid, 16);
    vhdx_write_header(bs->fd, s);
    blk_close(bs);
    return 0;
}

static void test_vhdx_log(void)
{
    struct blk_err err = { "" };
    uint64_t blk0;
    ok(log_image(path("log.vhdx"), 11, &blk0) == 0, "vhdx log: image with two log entries");
    struct blk_dev *bs = blk_open(path("log.vhdx"), "vhdx", 0, &err);
    ok(!bs && strstr(err.msg, "replayed"), "vhdx log: refused read-only: %s", err.msg);
    blk_close(bs);
    bs = blk_open(path("log.vhdx"), "vhdx", BLK_O_RDWR, &err);
    uint8_t got[16384], want[16384];
    memset(want, 0x11, 4096);
    memset(want + 4096, 0x22, 4096);
    memset(want + 8192, 0x33, 4096);
    memset(want + 12288, 0, 4096);
    ok(bs && blk_read(bs, 0, got, sizeof(got)) == 0 && !memcmp(got, want, sizeof(got)),
       "vhdx log: both entries replayed in order at open: %s", err.msg);
    blk_close(bs);
    bs = blk_open(path("log.vhdx"), "vhdx", 0, &err);
    ok(bs != NULL, "vhdx log: the replayed image opens read-only (log GUID cleared)");
    blk_close(bs);
    ok(log_image(path("log2.vhdx"), 13, &blk0) == 0, "vhdx log: image with a broken sequence");
    bs = blk_open(path("log2.vhdx"), "vhdx", BLK_O_RDWR, &err);
    ok(!bs && strstr(err.msg, "corrupt"), "vhdx log: a broken sequence is refused: %s", err.msg);
    blk_close(bs);
}

/* flip random bytes in [lo, hi) of a copy of good; opening and reading
 * must fail cleanly or succeed, never crash */
static void damage(const char *fmt, const char *good, uint64_t lo, uint64_t hi, int rounds)
{
    int fd = open(good, O_RDONLY);
    int64_t sz = file_size(fd);
    uint8_t *img = malloc((size_t)sz);
    file_pread(fd, img, (size_t)sz, 0);
    close(fd);
    int opened = 0, refused = 0;
    uint8_t *buf = malloc(1 << 20);
    for (int r = 0; r < rounds; r++) {
        uint8_t *copy = malloc((size_t)sz);
        memcpy(copy, img, (size_t)sz);
        for (int k = 0; k < 8; k++)
            copy[lo + rnd() % (hi - lo)] = (uint8_t)rnd();
        int wfd = open(path("fuzz.img"), O_RDWR | O_CREAT | O_TRUNC, 0644);
        file_pwrite(wfd, copy, (size_t)sz, 0);
        close(wfd);
        free(copy);
        struct blk_err err = { "" };
        struct blk_dev *bs = blk_open(path("fuzz.img"), fmt, BLK_O_NO_BACKING, &err);
        if (!bs) {
            refused++;
            continue;
        }
        opened++;
        for (uint64_t off = 0; off < bs->size && off < (64ull << 20); off += 1 << 20) {
            uint64_t n = bs->size - off < (1 << 20) ? bs->size - off : (1 << 20);
            blk_read(bs, off, buf, n);
        }
        blk_close(bs);
    }
    ok(opened + refused == rounds, "%s: %d damaged headers, %d refused at open, no crash",
       fmt, rounds, refused);
    free(buf);
    free(img);
}

static void test_damage(void)
{
    struct blk_err err;
    struct blk_create_opts o = { .size = 3 << 20, .size_set = true };
    blk_create(blk_driver_find("vmdk"), path("g.vmdk"), &o, &err);
    struct blk_dev *bs = blk_open(path("g.vmdk"), "vmdk", BLK_O_RDWR, &err);
    uint8_t data[65536];
    memset(data, 0xab, sizeof(data));
    for (uint64_t off = 0; bs && off < o.size; off += 3 * 65536)
        blk_write(bs, off, data, sizeof(data));
    blk_close(bs);
    damage("vmdk", path("g.vmdk"), 0, 0x4000, 300);
    /* a descriptor file: damaged text must not make us misread or crash */
    struct blk_create_opts f = { .size = 3 << 20, .size_set = true };
    f.vmdk.subformat = "twoGbMaxExtentFlat";
    blk_create(blk_driver_find("vmdk"), path("gd.vmdk"), &f, &err);
    int dfd = open(path("gd.vmdk"), O_RDONLY);
    int64_t dsz = file_size(dfd);
    close(dfd);
    damage("vmdk", path("gd.vmdk"), 0, (uint64_t)dsz, 300);
    blk_create(blk_driver_find("vhdx"), path("g.vhdx"), &o, &err);
    bs = blk_open(path("g.vhdx"), "vhdx", BLK_O_RDWR, &err);
    if (bs)
        blk_write(bs, 0, data, sizeof(data));
    blk_close(bs);
    damage("vhdx", path("g.vhdx"), 0x200000, 0x200100, 200);    /* the BAT */
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_vmdk_subformats();
    test_vmdk_stream();
    test_vmdk_stream_footer();
    test_vhdx();
    test_vhdx_log();
    test_damage();
    printf("1..%d\n", n_test);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return failed ? 1 : 0;
}
