/*
 * runtime-img convert: copy one or more images (concatenated) into a new or
 * existing (-n) image.  The work is cut into chunks taken by worker threads
 * (so compression uses every core); each worker asks the source chain what
 * is zero, reads the rest, drops zero runs of -S bytes (whole clusters for
 * a clustered target), compresses with -c, and writes -- in chunk order
 * unless -W allows out-of-order writes.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgutil/cmd/cmd.h"
#include "imgutil/file.h"

#define CONVERT_CHUNK (2u << 20)

enum seg_kind { SEG_DATA, SEG_ZERO, SEG_SKIP };

struct seg {
    uint64_t off, len;      /* relative to the chunk */
    enum seg_kind kind;
};

struct conv {
    struct blk_dev **src;
    const char **src_names;
    int nsrc;
    uint64_t *src_start;
    uint64_t total;
    struct blk_dev *dst;
    const char *dst_name;
    bool compress, top_only, zero_write, alloc_zeroes, ooo;
    uint64_t granule, chunk, cs;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t next_chunk, next_write, nchunks;
    int err;
    struct img_progress prog;
    uint64_t done;
};

static void conv_fail(struct conv *c, const char *file, const char *what, uint64_t at,
                      const char *reason)
{
    pthread_mutex_lock(&c->mu);
    if (!c->err) {
        c->err = 1;
        img_error(file, "error while %s at byte %" PRIu64 ": %s", what, at, reason);
    }
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

static int seg_add(struct seg *segs, int n, uint64_t off, uint64_t len, enum seg_kind k)
{
    if (n && segs[n - 1].kind == k && segs[n - 1].off + segs[n - 1].len == off) {
        segs[n - 1].len += len;
        return n;
    }
    segs[n].off = off;
    segs[n].len = len;
    segs[n].kind = k;
    return n + 1;
}

/* plain read of [off, off+len) of the concatenated sources */
static int conv_read_plain(struct conv *c, uint64_t off, uint64_t len, uint8_t *buf)
{
    while (len) {
        int i = c->nsrc - 1;
        while (i > 0 && c->src_start[i] > off)
            i--;
        uint64_t local = off - c->src_start[i];
        uint64_t n = len < c->src[i]->size - local ? len : c->src[i]->size - local;
        int ret = blk_read(c->src[i], local, buf, n);
        if (ret < 0) {
            conv_fail(c, c->src_names[i], "reading", off, blk_strerror(c->src[i], ret));
            return -1;
        }
        off += n;
        buf += n;
        len -= n;
    }
    return 0;
}

/* split data read at [p, end) of the chunk into zero granules and data */
static int conv_split(struct conv *c, uint64_t off, uint64_t p, uint64_t end, const uint8_t *buf,
                      struct seg *segs, int n, int maxsegs)
{
    if (c->alloc_zeroes)
        return seg_add(segs, n, p, end - p, SEG_DATA);
    while (p < end) {
        if (n >= maxsegs - 4)
            return seg_add(segs, n, p, end - p, SEG_DATA);
        uint64_t gs = (off + p) / c->granule * c->granule, ge = gs + c->granule;
        uint64_t pe = ge - off < end ? ge - off : end;
        bool whole = off + p == gs && (off + pe == ge || off + pe == c->total);
        bool z = whole && buf_is_zero(buf + p, pe - p);
        n = seg_add(segs, n, p, pe - p, z ? SEG_ZERO : SEG_DATA);
        p = pe;
    }
    return n;
}

/* read [off, off+len) of the concatenated sources into buf, as segments */
static int conv_read(struct conv *c, uint64_t off, uint64_t len, uint8_t *buf,
                     struct seg *segs, int maxsegs)
{
    int n = 0;
    uint64_t pos = 0;
    while (pos < len) {
        if (n >= maxsegs - 4) {
            /* too fragmented to describe: the rest is plain data */
            if (conv_read_plain(c, off + pos, len - pos, buf + pos) < 0)
                return -1;
            return seg_add(segs, n, pos, len - pos, SEG_DATA);
        }
        uint64_t g = off + pos;
        int i = c->nsrc - 1;
        while (i > 0 && c->src_start[i] > g)
            i--;
        struct blk_dev *s = c->src[i];
        uint64_t local = g - c->src_start[i];
        uint64_t want = len - pos < s->size - local ? len - pos : s->size - local;
        uint64_t pnum, map;
        int depth, st;
        bool skip = false;
        struct blk_dev *layer;
        if (c->top_only) {
            st = blk_block_status(s, local, want, &pnum, &map);
            /* unallocated in the top: the target's backing file provides it */
            skip = st >= 0 && !(st & BLK_ST_ALLOCATED) && s->backing;
        } else {
            st = blk_block_status_above(s, local, want, &pnum, &map, &depth, &layer);
        }
        if (st < 0) {
            conv_fail(c, c->src_names[i], "reading", g, blk_strerror(s, st));
            return -1;
        }
        if (pnum == 0 || pnum > want)
            pnum = want;
        if (skip) {
            n = seg_add(segs, n, pos, pnum, SEG_SKIP);
        } else if (st & BLK_ST_ZERO) {
            memset(buf + pos, 0, pnum);
            n = seg_add(segs, n, pos, pnum, SEG_ZERO);
        } else {
            int ret = blk_read(s, local, buf + pos, pnum);
            if (ret < 0) {
                conv_fail(c, c->src_names[i], "reading", g, blk_strerror(s, ret));
                return -1;
            }
            n = conv_split(c, off, pos, pos + pnum, buf, segs, n, maxsegs);
        }
        pos += pnum;
    }
    return n;
}

static int conv_write(struct conv *c, uint64_t off, uint64_t len, uint8_t *buf,
                      struct seg *segs, int n, uint8_t *cbuf, long *csizes)
{
    struct blk_dev *d = c->dst;
    int ret = 0;
    if (c->compress) {
        for (uint64_t p = 0, k = 0; p < len && !ret; p += c->cs, k++) {
            uint64_t l = len - p < c->cs ? len - p : c->cs;
            if (csizes[k] == -1)
                continue;
            if (csizes[k] == -2) {
                ret = blk_write_zeroes(d, off + p, l, true);
                if (ret < 0)
                    conv_fail(c, c->dst_name, "writing", off + p, blk_strerror(d, ret));
                continue;
            }
            ret = d->drv->write_compressed(d, off + p, cbuf + k * c->cs, (size_t)csizes[k],
                                           buf + p, l);
            if (ret < 0)
                conv_fail(c, c->dst_name, "writing", off + p, blk_strerror(d, ret));
        }
        return ret;
    }
    for (int i = 0; i < n && !ret; i++) {
        struct seg *s = &segs[i];
        if (s->kind == SEG_DATA || (s->kind == SEG_ZERO && c->alloc_zeroes))
            ret = blk_write(d, off + s->off, buf + s->off, s->len);
        else if (s->kind == SEG_ZERO && c->zero_write)
            ret = blk_write_zeroes(d, off + s->off, s->len, true);
        if (ret < 0)
            conv_fail(c, c->dst_name, "writing", off + s->off, blk_strerror(d, ret));
    }
    return ret;
}

static void *conv_worker(void *arg)
{
    struct conv *c = arg;
    enum { MAXSEGS = 1024 };
    uint8_t *buf = malloc(c->chunk + c->cs);
    uint8_t *cbuf = c->compress ? malloc(c->chunk + c->cs) : NULL;
    long *csizes = c->compress ? malloc((c->chunk / c->cs + 1) * sizeof(long)) : NULL;
    struct seg *segs = malloc(MAXSEGS * sizeof(*segs));
    if (!buf || !segs || (c->compress && (!cbuf || !csizes))) {
        conv_fail(c, c->dst_name, "allocating buffers", 0, "out of memory");
        goto out;
    }
    for (;;) {
        pthread_mutex_lock(&c->mu);
        if (c->err || c->next_chunk >= c->nchunks) {
            pthread_mutex_unlock(&c->mu);
            break;
        }
        uint64_t idx = c->next_chunk++;
        pthread_mutex_unlock(&c->mu);
        uint64_t off = idx * c->chunk;
        uint64_t len = c->total - off < c->chunk ? c->total - off : c->chunk;
        int n = conv_read(c, off, len, buf, segs, MAXSEGS);
        if (n < 0)
            break;
        if (c->compress) {
            for (uint64_t p = 0, k = 0; p < len; p += c->cs, k++) {
                uint64_t l = len - p < c->cs ? len - p : c->cs;
                bool data = false, zero = false;
                for (int i = 0; i < n; i++) {
                    if (segs[i].off >= p + l || segs[i].off + segs[i].len <= p)
                        continue;
                    if (segs[i].kind == SEG_DATA)
                        data = true;
                    else if (segs[i].kind == SEG_ZERO)
                        zero = true;
                    else
                        memset(buf + segs[i].off, 0, segs[i].len);
                }
                if (!data) {
                    /* -1: leave alone; -2: must read as zero over a backing file */
                    csizes[k] = zero && c->zero_write ? -2 : -1;
                    continue;
                }
                if (l < c->cs)
                    memset(buf + p + l, 0, c->cs - l);
                long r = c->dst->drv->compress(c->dst, buf + p, c->cs, cbuf + k * c->cs, c->cs);
                if (r < 0) {
                    conv_fail(c, c->dst_name, "compressing", off + p, strerror((int)-r));
                    goto out;
                }
                csizes[k] = r;
            }
        }
        pthread_mutex_lock(&c->mu);
        while (!c->ooo && !c->err && c->next_write != idx)
            pthread_cond_wait(&c->cv, &c->mu);
        int failed = c->err;
        pthread_mutex_unlock(&c->mu);
        if (failed)
            break;
        int ret = conv_write(c, off, len, buf, segs, n, cbuf, csizes);
        pthread_mutex_lock(&c->mu);
        c->next_write++;
        c->done += len;
        img_progress_update(&c->prog, (double)c->done, (double)c->total);
        pthread_cond_broadcast(&c->cv);
        pthread_mutex_unlock(&c->mu);
        if (ret < 0)
            break;
    }
out:
    free(buf);
    free(cbuf);
    free(csizes);
    free(segs);
    return NULL;
}

int cmd_convert(int argc, char **argv)
{
    const char *fmt = NULL, *out_fmt = "raw", *out_backing = NULL, *out_backing_fmt = NULL;
    char *olist = NULL;
    bool compress = false, progress = false, no_create = false, ooo = false, out_given = false;
    uint64_t sparse = 4096;
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    int c, rc = 1;
    static const struct option lo[] = {
        { "help", no_argument, 0, 'h' },
        { "force-share", no_argument, 0, 'U' },
        { 0, 0, 0, 0 },
    };
    while ((c = getopt_long(argc, argv, ":hf:O:B:F:co:l:S:pt:T:qnm:WUr:C", lo, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'O': out_fmt = optarg; out_given = true; break;
        case 'B': out_backing = optarg; break;
        case 'F': out_backing_fmt = optarg; break;
        case 'c': compress = true; break;
        case 'o':
            if (olist) {
                char *n;
                if (asprintf(&n, "%s,%s", olist, optarg) < 0)
                    return 1;
                free(olist);
                olist = n;
            } else {
                olist = strdup(optarg);
            }
            break;
        case 'S':
            if (!img_parse_size(optarg, &sparse)) {
                img_error(NULL, "Invalid buffer size for sparse output specified. You may use "
                          "k, M, G, T, P or E suffixes for");
                return 1;
            }
            break;
        case 'p': progress = true; break;
        case 'n': no_create = true; break;
        case 'W': ooo = true; break;
        case 'm': {
            char *end;
            threads = strtol(optarg, &end, 10);
            if (*end || threads < 1 || threads > 16) {
                img_error(NULL, "Invalid number of coroutines. Allowed number of coroutines "
                          "is between 1 and 16");
                return 1;
            }
            break;
        }
        case 'q': progress = false; break;
        case 't': case 'T': case 'U': case 'l': case 'r': case 'C': break;
        case 'h':
            printf("usage: runtime-img convert [-c] [-p] [-q] [-n] [-W] [-m num] [-f fmt] "
                   "[-O output_fmt] [-B backing_file [-F backing_fmt]] [-o options] "
                   "[-S sparse_size] filename [filename2 [...]] output_filename\n");
            return 0;
        case ':':
            img_error(NULL, "option '-%c' needs an argument", optopt);
            return 1;
        default:
            img_error(NULL, "unrecognized option '%s'", argv[optind - 1]);
            return 1;
        }
    }
    if (threads < 1)
        threads = 1;
    if (threads > 16)
        threads = 16;
    const struct blk_driver *odrv = blk_driver_find(out_fmt);
    if (!odrv) {
        img_error(NULL, "Unknown file format '%s'", out_fmt);
        return 1;
    }
    if (img_opts_is_help(olist)) {
        img_opts_help(out_fmt);
        return 0;
    }
    if (argc - optind < 2) {
        img_error(NULL, "Expecting image file name");
        return 1;
    }
    if (compress && !odrv->write_compressed) {
        img_error(NULL, "Compression not supported for this file format");
        return 1;
    }
    struct blk_create_opts o = { 0 };
    if (!img_parse_create_opts(olist, &o, out_fmt))
        return 1;
    if (out_backing)
        o.backing_file = out_backing;
    if (out_backing_fmt)
        o.backing_fmt = out_backing_fmt;
    if (o.backing_file && !odrv->supports_backing) {
        img_error(NULL, "Backing file not supported for file format '%s'", out_fmt);
        return 1;
    }
    if (no_create && olist) {
        img_error(NULL, "-o has no effect when skipping image creation");
        return 1;
    }

    struct conv cv = { 0 };
    cv.nsrc = argc - optind - 1;
    cv.dst_name = argv[argc - 1];
    cv.src = calloc(cv.nsrc, sizeof(*cv.src));
    cv.src_names = calloc(cv.nsrc, sizeof(*cv.src_names));
    cv.src_start = calloc(cv.nsrc, sizeof(*cv.src_start));
    pthread_mutex_init(&cv.mu, NULL);
    pthread_cond_init(&cv.cv, NULL);
    for (int i = 0; i < cv.nsrc; i++) {
        struct blk_err err = { "" };
        cv.src_names[i] = argv[optind + i];
        cv.src[i] = blk_open(cv.src_names[i], fmt, 0, &err);
        if (!cv.src[i]) {
            img_error(cv.src_names[i], "%s", err.msg);
            goto out;
        }
        cv.src_start[i] = cv.total;
        cv.total += cv.src[i]->size;
    }
    struct blk_err err = { "" };
    if (!no_create) {
        if (o.backing_file && !o.backing_fmt) {
            const struct blk_driver *bd;
            char *path = blk_backing_path(cv.dst_name, o.backing_file);
            if (blk_probe(path, &bd, &err) < 0) {
                img_error(cv.dst_name, "Could not open backing image: %s", err.msg);
                free(path);
                goto out;
            }
            free(path);
            o.backing_fmt = bd->name;
        }
        o.size = cv.total;
        o.size_set = true;
        if (o.size % 512 && !strcmp(out_fmt, "qcow2"))
            o.size = (o.size + 511) & ~511ull;
        if (blk_create(odrv, cv.dst_name, &o, &err) < 0) {
            img_error(cv.dst_name, "%s", err.msg);
            goto out;
        }
    }
    /* -n with no -O: the existing target is probed */
    cv.dst = blk_open(cv.dst_name, no_create && !out_given ? NULL : out_fmt, BLK_O_RDWR, &err);
    if (!cv.dst) {
        img_error(cv.dst_name, "%s", err.msg);
        goto out;
    }
    if (no_create && cv.dst->size < cv.total) {
        img_error(cv.dst_name, "output file is smaller than input file");
        goto out;
    }
    cv.compress = compress;
    cv.top_only = o.backing_file != NULL;
    cv.zero_write = no_create || o.backing_file;
    cv.alloc_zeroes = sparse == 0;
    cv.ooo = ooo;
    cv.cs = cv.dst->drv->cluster_size ? cv.dst->drv->cluster_size(cv.dst) : 0;
    bool clustered = cv.cs != 0;
    if (!cv.cs)
        cv.cs = 4096;
    cv.granule = sparse ? (sparse > cv.cs || !clustered ? sparse : cv.cs) : 1;
    if (compress && !cv.dst->drv->compress) {
        img_error(cv.dst_name, "Compression not supported for this file format");
        goto out;
    }
    cv.chunk = CONVERT_CHUNK > cv.cs ? CONVERT_CHUNK : cv.cs;
    cv.chunk -= cv.chunk % cv.cs;
    cv.nchunks = (cv.total + cv.chunk - 1) / cv.chunk;
    cv.prog.on = progress;
    img_progress_update(&cv.prog, 0, (double)cv.total);
    pthread_t tids[16];
    long started = 0;
    for (long i = 0; i < threads; i++)
        if (pthread_create(&tids[started], NULL, conv_worker, &cv) == 0)
            started++;
    if (!started)
        conv_worker(&cv);
    for (long i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    if (!cv.err) {
        int ret = blk_flush(cv.dst);
        if (ret < 0) {
            img_error(cv.dst_name, "could not flush: %s", strerror(-ret));
            cv.err = 1;
        }
    }
    if (!cv.err) {
        img_progress_end(&cv.prog);
        rc = 0;
    }
out:
    if (cv.dst)
        blk_close(cv.dst);
    for (int i = 0; i < cv.nsrc; i++)
        if (cv.src[i])
            blk_close(cv.src[i]);
    free(cv.src);
    free(cv.src_names);
    free(cv.src_start);
    free(olist);
    return rc;
}
