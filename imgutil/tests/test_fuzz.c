/*
 * Robustness of the qcow2 parsers: a valid image (plain, compressed and zero
 * clusters, a snapshot) has random bytes of its metadata replaced, many
 * times over; opening, reading every byte, block status over the disk and
 * a read-only check must each end in success or a clean error -- never a
 * crash, a hang or a change to the file.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgutil/blk.h"
#include "imgutil/file.h"

#define ITERATIONS 400

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int fd_null;

static void exercise(const char *file)
{
    struct blk_err err;
    struct blk_dev *bs = blk_open(file, NULL, 0, &err);
    if (!bs)
        return;
    uint64_t size = bs->size < (8u << 20) ? bs->size : (8u << 20);
    uint8_t *buf = malloc(65536);
    for (uint64_t off = 0; off < size; off += 65536) {
        uint64_t n = size - off < 65536 ? size - off : 65536;
        if (blk_read(bs, off, buf, n) < 0)
            break;
    }
    for (uint64_t off = 0; off < size;) {
        uint64_t pnum, map;
        int depth;
        struct blk_dev *layer;
        if (blk_block_status_above(bs, off, size - off, &pnum, &map, &depth, &layer) < 0 || !pnum)
            break;
        off += pnum;
    }
    if (bs->drv->check) {
        struct blk_check_result r;
        /* check reports on stderr: keep the TAP stream readable */
        int saved = dup(2);
        dup2(fd_null, 2);
        bs->drv->check(bs, &r, 0);
        dup2(saved, 2);
        close(saved);
    }
    free(buf);
    blk_close(bs);
}

int main(void)
{
    char dir[] = "/tmp/test_fuzz.XXXXXX";
    if (!mkdtemp(dir)) {
        printf("1..0 # SKIP no temporary directory\n");
        return 0;
    }
    fd_null = open("/dev/null", O_WRONLY);
    printf("1..3\n");
    char good[300], bad[300];
    snprintf(good, sizeof(good), "%s/good.qcow2", dir);
    snprintf(bad, sizeof(bad), "%s/bad.qcow2", dir);
    struct blk_create_opts o = { .size = 2 << 20, .size_set = true, .cluster_size = 4096,
                                 .refcount_bits = 8 };
    struct blk_err err = { "" };
    struct blk_dev *bs = NULL;
    int ret = blk_create(blk_driver_find("qcow2"), good, &o, &err);
    if (!ret)
        bs = blk_open(good, "qcow2", BLK_O_RDWR, &err);
    int made = bs != NULL;
    if (bs) {
        uint8_t *d = malloc(1 << 20), *c = malloc(4096);
        for (int i = 0; i < (1 << 20); i++)
            d[i] = (uint8_t)(i % 251 < 200 ? (uint64_t)('a' + i % 7) : rnd());
        made = made && blk_write(bs, 0, d, 1 << 20) == 0;
        made = made && bs->drv->snapshot_create(bs, "s", &err) == 0;
        for (uint64_t off = 1 << 20; made && off < (3u << 19); off += 4096) {
            long n = bs->drv->compress(bs, d + (off & 0xfffff), 4096, c, 4096);
            made = n >= 0 && bs->drv->write_compressed(bs, off, c, (size_t)n, d, 4096) == 0;
        }
        made = made && blk_write_zeroes(bs, 8192, 16384, true) == 0;
        free(d);
        free(c);
        blk_close(bs);
    }
    printf("%s 1 - a qcow2 image with plain, compressed and zero clusters and a snapshot%s%s\n",
           made ? "ok" : "not ok", made ? "" : ": ", made ? "" : err.msg);

    int fd = open(good, O_RDONLY);
    int64_t len = fd >= 0 ? file_size(fd) : -1;
    uint8_t *img = NULL;
    if (len > 0)
        img = malloc((size_t)len);
    if (img && file_pread(fd, img, (size_t)len, 0) != 0)
        len = -1;
    if (fd >= 0)
        close(fd);
    int survived = 0;
    for (int it = 0; len > 0 && it < ITERATIONS; it++) {
        uint8_t *m = malloc((size_t)len);
        memcpy(m, img, (size_t)len);
        int flips = 1 + (int)(rnd() % 8);
        for (int k = 0; k < flips; k++) {
            /* mostly metadata: the header cluster and the first tables */
            uint64_t at = rnd() % 4 ? rnd() % 4096 * 6 % (uint64_t)len : rnd() % (uint64_t)len;
            if (rnd() % 3 == 0)
                at &= ~7ull;    /* whole entries, big-endian high bytes */
            m[at] = (uint8_t)(rnd() % 4 ? rnd() : m[at] ^ (1u << (rnd() % 8)));
        }
        size_t cut = rnd() % 16 == 0 ? (size_t)(rnd() % (uint64_t)len) : (size_t)len;
        int bfd = open(bad, O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (bfd < 0 || file_pwrite(bfd, m, cut, 0) != 0)
            break;
        close(bfd);
        exercise(bad);
        /* the file must be exactly as written */
        bfd = open(bad, O_RDONLY);
        uint8_t *back = malloc(cut + 1);
        int same = bfd >= 0 && file_size(bfd) == (int64_t)cut &&
                   file_pread(bfd, back, cut, 0) == 0 && !memcmp(back, m, cut);
        if (bfd >= 0)
            close(bfd);
        free(back);
        free(m);
        if (!same) {
            printf("# iteration %d changed the file\n", it);
            break;
        }
        survived++;
    }
    printf("%s 2 - %d of %d damaged images opened, read, mapped and checked without a crash\n",
           survived == ITERATIONS ? "ok" : "not ok", survived, ITERATIONS);
    printf("%s 3 - none of them was modified by reading\n",
           survived == ITERATIONS ? "ok" : "not ok");
    free(img);
    unlink(good);
    unlink(bad);
    rmdir(dir);
    return survived == ITERATIONS ? 0 : 1;
}
