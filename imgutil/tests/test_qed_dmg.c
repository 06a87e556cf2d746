/*
 * qed driver unit tests on images built here byte by byte (independent of
 * the driver's own parsing): data, zero and unallocated clusters read back
 * as the model says, block status tells them apart, writing opens are
 * refused, and damaged headers or tables (fixed cases, then random bytes)
 * end in a clean error or clean reads, never a crash.  (dmg: not yet.)
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

#define CS    4096u             /* cluster size */
#define TS    1u                /* table size in clusters */
#define SIZE  (3u * 1024 * 1024)

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

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static char file[] = "/tmp/test_qed_dmg.XXXXXX";
static uint8_t img[6 * CS];
static uint8_t model[SIZE];

/* header at 0, L1 at CS, L2 at 2*CS, data clusters at 3*CS and 4*CS (one of
 * them for guest cluster 7, one for 9), guest cluster 8 a zero cluster */
static void build(void)
{
    memset(img, 0, sizeof(img));
    memset(model, 0, sizeof(model));
    memcpy(img, "QED", 4);
    put32(img + 4, CS);
    put32(img + 8, TS);
    put32(img + 12, 1);
    put64(img + 40, CS);
    put64(img + 48, SIZE);
    put64(img + CS, 2 * CS);
    put64(img + 2 * CS + 7 * 8, 3 * CS);
    put64(img + 2 * CS + 8 * 8, 1);
    put64(img + 2 * CS + 9 * 8, 4 * CS);
    for (unsigned i = 0; i < 2 * CS; i++)
        img[3 * CS + i] = (uint8_t)(i * 7 + 3);
    memcpy(model + 7 * CS, img + 3 * CS, CS);
    memcpy(model + 9 * CS, img + 4 * CS, CS);
}

static void save(size_t len)
{
    int fd = open(file, O_WRONLY | O_TRUNC);
    if (fd < 0 || write(fd, img, len) != (ssize_t)len) {
        perror(file);
        exit(1);
    }
    close(fd);
}

/* open and read everything; returns 0, or the error */
static int read_all(uint8_t *out)
{
    struct blk_err err;
    struct blk_dev *bs = blk_open(file, "qed", 0, &err);
    if (!bs)
        return -1;
    int ret = blk_read(bs, 0, out, bs->size < SIZE ? bs->size : SIZE);
    blk_close(bs);
    return ret;
}

int main(void)
{
    int fd = mkstemp(file);
    if (fd < 0)
        return 1;
    close(fd);
    static uint8_t buf[SIZE];

    build();
    save(sizeof(img));
    ok(read_all(buf) == 0 && !memcmp(buf, model, SIZE), "reads match the model");

    struct blk_err err;
    struct blk_dev *bs = blk_open(file, NULL, 0, &err);
    ok(bs && !strcmp(bs->drv->name, "qed") && bs->size == SIZE, "probed as qed, size");
    if (bs) {
        uint64_t pnum, map;
        int st = blk_block_status(bs, 7 * CS, 3 * CS, &pnum, &map);
        ok(st == (BLK_ST_ALLOCATED | BLK_ST_OFFSET | BLK_ST_DATA) && pnum == CS && map == 3 * CS,
           "data cluster: status %d pnum %llu map %llu", st, (unsigned long long)pnum,
           (unsigned long long)map);
        st = blk_block_status(bs, 8 * CS, 2 * CS, &pnum, &map);
        ok(st == (BLK_ST_ALLOCATED | BLK_ST_ZERO) && pnum == CS, "zero cluster: status %d", st);
        st = blk_block_status(bs, 0, 7 * CS, &pnum, &map);
        ok(!(st & BLK_ST_ALLOCATED) && (st & BLK_ST_ZERO) && pnum == 7 * CS,
           "unallocated, no backing: zeroes, status %d", st);
        blk_close(bs);
    }
    bs = blk_open(file, "qed", BLK_O_RDWR, &err);
    ok(!bs && strstr(err.msg, "read-only"), "open for writing refused: %s", bs ? "(opened)" : err.msg);
    struct blk_create_opts co = { .size = SIZE, .size_set = true };
    ok(blk_create(blk_driver_find("qed"), file, &co, &err) < 0 && strstr(err.msg, "read-only"),
       "create refused: %s", err.msg);

    struct { unsigned off, width; uint64_t v; const char *what; } bad[] = {
        { 4, 4, 12345, "cluster size not a power of two" },
        { 4, 4, 1u << 30, "cluster size too large" },
        { 8, 4, 32, "table size too large" },
        { 48, 8, 1ull << 60, "image size beyond the tables" },
        { 40, 8, 1ull << 40, "L1 past the end of the file" },
        { 40, 8, CS + 8, "L1 unaligned" },
        { 16, 8, 0x100, "unknown feature" },
        { 16, 8, 1, "backing flag with no name" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        build();
        if (bad[i].width == 4)
            put32(img + bad[i].off, (uint32_t)bad[i].v);
        else
            put64(img + bad[i].off, bad[i].v);
        save(sizeof(img));
        bs = blk_open(file, "qed", 0, &err);
        ok(!bs && err.msg[0], "%s refused: %s", bad[i].what, bs ? "(opened)" : err.msg);
        blk_close(bs);
    }
    /* a table or data cluster outside the file fails the read, not the open */
    build();
    put64(img + CS, 1ull << 40);
    save(sizeof(img));
    ok(read_all(buf) == -EIO, "L2 past the end of the file: read fails with EIO");
    build();
    put64(img + 2 * CS + 9 * 8, 100 * CS);
    save(sizeof(img));
    ok(read_all(buf) == -EIO, "data cluster past the end of the file: read fails with EIO");
    build();
    save(40);
    ok(read_all(buf) == -1, "truncated header refused");

    /* random damage to the metadata clusters: a clean end either way */
    uint64_t r = 88172645463325252ull;
    int clean = 0;
    for (int i = 0; i < 300; i++) {
        build();
        for (int k = 0; k < 4; k++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            img[(r >> 8) % (3 * CS)] = (uint8_t)r;
        }
        save(sizeof(img));
        int ret = read_all(buf);
        clean += ret == 0 || ret == -1 || ret == -EIO;
    }
    ok(clean == 300, "random damage: %d/300 ended cleanly", clean);

    unlink(file);
    printf("1..%d\n", n_test);
    return failed != 0;
}
