/*
 * runtime-img amend: qemu-img amend -- change the options of an existing
 * image in place: for qcow2 compat (0.10 <-> 1.1), lazy_refcounts,
 * refcount_bits and size.  backing_file/backing_fmt may only name what the
 * image has (qemu-img 7.2 refuses a change: rebase does it, safely).
 * Options that only make sense at creation (cluster_size, preallocation,
 * ...) are refused, as in qemu-img.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "imgutil/cmd/cmd.h"

static bool amend_parse(const char *list, struct blk_amend_opts *o)
{
    char *copy = strdup(list), *save = NULL;
    bool ok = true;
    for (char *kv = strtok_r(copy, ",", &save); kv && ok; kv = strtok_r(NULL, ",", &save)) {
        char *v = strchr(kv, '=');
        if (!v) {
            img_error(NULL, "Invalid parameter '%s'", kv);
            ok = false;
            break;
        }
        *v++ = 0;
        if (!strcmp(kv, "compat")) {
            if (!strcmp(v, "0.10") || !strcmp(v, "v2"))
                o->compat = 2;
            else if (!strcmp(v, "1.1") || !strcmp(v, "v3"))
                o->compat = 3;
            else {
                img_error(NULL, "Unknown compatibility level %s", v);
                ok = false;
            }
        } else if (!strcmp(kv, "lazy_refcounts")) {
            if (!strcmp(v, "on"))
                o->lazy_refcounts = 1;
            else if (!strcmp(v, "off"))
                o->lazy_refcounts = 0;
            else {
                img_error(NULL, "Parameter 'lazy_refcounts' expects 'on' or 'off'");
                ok = false;
            }
        } else if (!strcmp(kv, "refcount_bits")) {
            char *end;
            long r = strtol(v, &end, 10);
            ok = *v && !*end && r > 0 && r <= 64 && !(r & (r - 1));
            o->refcount_bits = (int)r;
            if (!ok)
                img_error(NULL, "Refcount width must be a power of two and may not exceed "
                          "64 bits");
        } else if (!strcmp(kv, "backing_file")) {
            o->backing_set = true;
            o->backing_file = *v ? strdup(v) : NULL;
        } else if (!strcmp(kv, "backing_fmt")) {
            o->backing_fmt = strdup(v);
        } else if (!strcmp(kv, "size")) {
            ok = img_parse_size(v, &o->size) && o->size;
            if (!ok)
                img_error(NULL, "Parameter 'size' expects a non-negative number below 2^64");
        } else if (!strcmp(kv, "cluster_size") || !strcmp(kv, "preallocation") ||
                   !strcmp(kv, "extended_l2") || !strcmp(kv, "compression_type") ||
                   !strcmp(kv, "encryption") || !strcmp(kv, "data_file")) {
            img_error(NULL, "Changing the %s option is not supported", kv);
            ok = false;
        } else {
            img_error(NULL, "Invalid parameter '%s'", kv);
            ok = false;
        }
    }
    free(copy);
    return ok;
}

/* backing_file/backing_fmt may only repeat what the image records */
static bool amend_backing_same(struct blk_dev *bs, struct blk_amend_opts *o)
{
    bool same = true;
    if (o->backing_set)
        same = o->backing_file && bs->backing_file &&
               !strcmp(o->backing_file, bs->backing_file);
    if (o->backing_fmt)
        same = same && bs->backing_fmt && !strcmp(o->backing_fmt, bs->backing_fmt);
    o->backing_set = false;
    return same;
}

int cmd_amend(int argc, char **argv)
{
    const char *fmt = NULL;
    char *opts = NULL;
    bool quiet = false;
    /* last = -1: the 0% line is printed too, as qemu-img does */
    struct img_progress pg = { .last = -1.0 };
    int c;
    static const struct option lo[] = {
        { "help", no_argument, 0, 'h' },
        { "force", no_argument, 0, 256 },
        { 0, 0, 0, 0 },
    };
    while ((c = getopt_long(argc, argv, ":ho:f:t:pq", lo, NULL)) != -1) {
        switch (c) {
        case 'o':
            if (opts) {
                char *j;
                if (asprintf(&j, "%s,%s", opts, optarg) < 0)
                    return 1;
                free(opts);
                opts = j;
            } else {
                opts = strdup(optarg);
            }
            break;
        case 'f': fmt = optarg; break;
        case 't':
            if (!img_cache_mode_ok(optarg)) {
                img_error(NULL, "Invalid cache option: %s", optarg);
                return 1;
            }
            break;
        case 'p': pg.on = true; break;
        case 'q': quiet = true; break;
        case 256: break;
        case 'h':
            printf("usage: runtime-img amend [-p] [-q] [-f fmt] [-t cache] [--force] -o options "
                   "filename\n");
            return 0;
        case ':':
            img_error(NULL, "option '%s' needs an argument", argv[optind - 1]);
            return 1;
        default:
            img_error(NULL, "invalid option '%s'", argv[optind - 1]);
            return 1;
        }
    }
    if (!opts) {
        img_error(NULL, "Must specify options (-o)");
        return 1;
    }
    if (quiet)
        pg.on = false;
    if (optind != argc - 1) {
        img_error(NULL, "Expecting one image file name");
        free(opts);
        return 1;
    }
    const char *filename = argv[optind];
    struct blk_err err = { "" };
    struct blk_dev *bs = blk_open(filename, fmt, BLK_O_RDWR | BLK_O_NO_BACKING, &err);
    if (!bs) {
        img_error(filename, "%s", err.msg);
        free(opts);
        return 1;
    }
    if (img_opts_is_help(opts)) {
        img_opts_help(bs->drv->name);
        blk_close(bs);
        free(opts);
        return 0;
    }
    struct blk_amend_opts o = { .lazy_refcounts = -1 };
    int rc = 0;
    if (!amend_parse(opts, &o)) {
        rc = 1;
    } else if (!bs->drv->amend) {
        img_error(filename, "Format driver '%s' does not support option amendment",
                  bs->drv->name);
        rc = 1;
    } else {
        img_progress_update(&pg, 0, 100);
        if (!amend_backing_same(bs, &o)) {
            /* as qemu-img since 6.0: changing it here skipped rebase's safety */
            img_error(filename, "Cannot amend the backing file; use 'runtime-img rebase' "
                      "instead");
            rc = 1;
        } else if (bs->drv->amend(bs, &o, &err) < 0) {
            img_error(filename, "%s", err.msg);
            rc = 1;
        }
    }
    blk_close(bs);
    free(opts);
    if (!rc)
        img_progress_end(&pg);
    return rc;
}
