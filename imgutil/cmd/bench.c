/*
 * runtime-img bench: qemu-img bench -- issue count reads (or writes with
 * -w) of one size, `depth` of them in flight at once, at offsets advancing
 * by the step and wrapping as qemu-img's do, and report the wall time.  The
 * block layer is synchronous, so the requests in flight are worker threads.
 * Cache modes are checked but change nothing: every mode goes through the
 * host page cache here.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imgutil/cmd/cmd.h"

/* threads standing for the requests in flight: more than this only adds contention */
#define BENCH_MAX_THREADS 64

struct bench {
    struct blk_dev *bs;
    bool write;
    uint64_t bufsize, step, offset;
    uint64_t count, issued;
    uint64_t flush_interval;
    int pattern;
    pthread_mutex_t mu;
    int err;
};

static void *bench_worker(void *arg)
{
    struct bench *b = arg;
    uint8_t *buf = malloc(b->bufsize ? b->bufsize : 1);
    if (!buf) {
        pthread_mutex_lock(&b->mu);
        b->err = -ENOMEM;
        pthread_mutex_unlock(&b->mu);
        return NULL;
    }
    memset(buf, b->pattern, b->bufsize);
    for (;;) {
        pthread_mutex_lock(&b->mu);
        if (b->err || b->issued == b->count) {
            pthread_mutex_unlock(&b->mu);
            break;
        }
        uint64_t off = b->offset, n = ++b->issued;
        /* as qemu-img: advance by the step, wrapping below size - bufsize */
        b->offset += b->step;
        if (b->bs->size <= b->bufsize)
            b->offset = 0;
        else
            b->offset %= b->bs->size - b->bufsize;
        pthread_mutex_unlock(&b->mu);
        int ret = b->write ? blk_write(b->bs, off, buf, b->bufsize)
                           : blk_read(b->bs, off, buf, b->bufsize);
        if (!ret && b->flush_interval && n % b->flush_interval == 0)
            ret = blk_flush(b->bs);
        if (ret < 0) {
            pthread_mutex_lock(&b->mu);
            if (!b->err)
                b->err = ret == -EINVAL ? -EIO : ret;   /* past the end: qemu says EIO */
            pthread_mutex_unlock(&b->mu);
        }
    }
    free(buf);
    return NULL;
}

static bool bench_num(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || *s == '-' || v > max)
        return false;
    *out = v;
    return true;
}

int cmd_bench(int argc, char **argv)
{
    const char *fmt = NULL;
    struct bench b = { .count = 75000, .bufsize = 4096 };
    uint64_t depth = 64, v;
    bool step_set = false, pattern_set = false, no_drain = false;
    int c;
    enum { OPT_PATTERN = 256, OPT_FLUSH, OPT_NO_DRAIN, OPT_IMAGE_OPTS };
    static const struct option lo[] = {
        { "help", no_argument, 0, 'h' },
        { "flush-interval", required_argument, 0, OPT_FLUSH },
        { "pattern", required_argument, 0, OPT_PATTERN },
        { "no-drain", no_argument, 0, OPT_NO_DRAIN },
        { "force-share", no_argument, 0, 'U' },
        { 0, 0, 0, 0 },
    };
    while ((c = getopt_long(argc, argv, ":hc:d:f:ni:o:qs:S:t:wU", lo, NULL)) != -1) {
        switch (c) {
        case 'c':
            if (!bench_num(optarg, INT_MAX, &b.count)) {
                img_error(NULL, "Invalid request count specified");
                return 1;
            }
            break;
        case 'd':
            if (!bench_num(optarg, INT_MAX, &depth)) {
                img_error(NULL, "Invalid queue depth specified");
                return 1;
            }
            break;
        case 'f': fmt = optarg; break;
        case 'n': break;    /* native AIO + O_DIRECT: the I/O here is synchronous anyway */
        case 'i':
            if (strcmp(optarg, "threads") && strcmp(optarg, "native") &&
                strcmp(optarg, "io_uring")) {
                img_error(NULL, "Invalid aio option: %s", optarg);
                return 1;
            }
            break;
        case 'o':
            if (!img_parse_size(optarg, &b.offset)) {
                img_error(NULL, "Invalid offset specified");
                return 1;
            }
            break;
        case 'q': break;
        case 's':
            if (!img_parse_size(optarg, &v) || v > INT_MAX) {
                img_error(NULL, "Invalid buffer size specified");
                return 1;
            }
            b.bufsize = v;
            break;
        case 'S':
            if (!img_parse_size(optarg, &v) || v > INT_MAX) {
                img_error(NULL, "Invalid step size specified");
                return 1;
            }
            b.step = v;
            step_set = v != 0;
            break;
        case 't':
            if (!img_cache_mode_ok(optarg)) {
                img_error(NULL, "Invalid cache mode");
                return 1;
            }
            break;
        case 'w': b.write = true; break;
        case 'U': break;
        case OPT_PATTERN:
            if (!bench_num(optarg, 0xff, &v)) {
                img_error(NULL, "Invalid pattern byte specified");
                return 1;
            }
            b.pattern = (int)v;
            pattern_set = true;
            break;
        case OPT_FLUSH:
            if (!bench_num(optarg, INT_MAX, &b.flush_interval)) {
                img_error(NULL, "Invalid flush interval specified");
                return 1;
            }
            break;
        case OPT_NO_DRAIN: no_drain = true; break;
        case 'h':
            printf("usage: runtime-img bench [-c count] [-d depth] [-f fmt] [--flush-interval=N] "
                   "[--no-drain] [-n] [-i aio] [-o offset] [--pattern=N] [-q] [-s buffer_size] "
                   "[-S step_size] [-t cache] [-w] [-U] filename\n");
            return 0;
        case ':':
            img_error(NULL, "option '%s' needs an argument", argv[optind - 1]);
            return 1;
        default:
            img_error(NULL, "invalid option '%s'", argv[optind - 1]);
            return 1;
        }
    }
    if (optind != argc - 1) {
        img_error(NULL, "Expecting one image file name");
        return 1;
    }
    if (!b.write && (b.flush_interval || no_drain || pattern_set)) {
        img_error(NULL, b.flush_interval ? "--flush-interval is only available in write tests"
                  : no_drain ? "--no-drain is only available in write tests"
                  : "--pattern is only available in write tests");
        return 1;
    }
    if (no_drain && !b.flush_interval) {
        img_error(NULL, "--no-drain requires --flush-interval");
        return 1;
    }
    if (depth == 0) {
        img_error(NULL, "Invalid queue depth specified");
        return 1;
    }
    if (!step_set)
        b.step = b.bufsize;
    const char *filename = argv[optind];
    struct blk_err err = { "" };
    b.bs = blk_open(filename, fmt, b.write ? BLK_O_RDWR : 0, &err);
    if (!b.bs) {
        img_error(filename, "%s", err.msg);
        return 1;
    }
    printf("Sending %" PRIu64 " %s requests, %" PRIu64 " bytes each, %" PRIu64 " in parallel "
           "(starting at offset %" PRIu64 ", step size %" PRIu64 ")\n",
           b.count, b.write ? "write" : "read", b.bufsize, depth, b.offset, b.step);
    if (b.flush_interval)
        printf("Sending flush every %" PRIu64 " requests\n", b.flush_interval);
    fflush(stdout);
    pthread_mutex_init(&b.mu, NULL);
    uint64_t nthreads = depth < b.count ? depth : b.count;
    if (nthreads > BENCH_MAX_THREADS)
        nthreads = BENCH_MAX_THREADS;
    pthread_t th[BENCH_MAX_THREADS];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t started = 0;
    for (; started < nthreads; started++)
        if (pthread_create(&th[started], NULL, bench_worker, &b))
            break;
    if (!started && b.count)
        bench_worker(&b);
    for (uint64_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    int ret = b.err;
    if (!ret && b.write)
        ret = blk_flush(b.bs);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pthread_mutex_destroy(&b.mu);
    blk_close(b.bs);
    if (ret < 0) {
        img_error(NULL, "Failed request: %s", strerror(-ret));
        return 1;
    }
    printf("Run completed in %3.3f seconds.\n",
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
