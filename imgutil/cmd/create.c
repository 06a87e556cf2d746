/*
 * runtime-img create: qemu-img create's options (-f, -b, -F, -u, -o, -q) and
 * its "Formatting ..." line.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "imgutil/cmd/cmd.h"

static const char *const prealloc_names[] = { "off", "metadata", "falloc", "full" };

int cmd_create(int argc, char **argv)
{
    const char *fmt = "raw", *optlist = NULL;
    const char *backing = NULL, *backing_fmt = NULL;
    bool quiet = false, unsafe = false;
    struct blk_create_opts o = { 0 };
    char *olist = NULL;
    int c;
    static const struct option lo[] = {
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    while ((c = getopt_long(argc, argv, ":F:b:f:ho:qu", lo, NULL)) != -1) {
        switch (c) {
        case 'F': backing_fmt = optarg; break;
        case 'b': backing = optarg; break;
        case 'f': fmt = optarg; break;
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
        case 'q': quiet = true; break;
        case 'u': unsafe = true; break;
        case 'h':
            printf("usage: runtime-img create [-q] [-f fmt] [-b backing_file [-F backing_fmt]] "
                   "[-u] [-o options] filename [size]\n");
            return 0;
        case ':':
            img_error(NULL, "option '-%c' needs an argument", optopt);
            return 1;
        default:
            img_error(NULL, "unrecognized option '%s'", argv[optind - 1]);
            return 1;
        }
    }
    optlist = olist;
    const struct blk_driver *drv = blk_driver_find(fmt);
    if (!drv) {
        img_error(NULL, "Unknown file format '%s'", fmt);
        return 1;
    }
    if (img_opts_is_help(optlist)) {
        img_opts_help(fmt);
        return 0;
    }
    if (optind >= argc) {
        img_error(NULL, "Expecting image file name");
        return 1;
    }
    const char *filename = argv[optind++];
    if (!img_parse_create_opts(optlist, &o, fmt))
        return 1;
    if (backing)
        o.backing_file = backing;
    if (backing_fmt)
        o.backing_fmt = backing_fmt;
    if (optind < argc) {
        uint64_t sz;
        if (!img_parse_size(argv[optind], &sz)) {
            img_error(NULL, "Invalid image size specified. You may use k, M, G, T, P or E "
                      "suffixes for");
            fprintf(stderr, "runtime-img: kilobytes, megabytes, gigabytes, terabytes, "
                    "petabytes and exabytes.\n");
            return 1;
        }
        o.size = sz;
        o.size_set = true;
        optind++;
    }
    if (optind < argc) {
        img_error(NULL, "Unexpected argument: %s", argv[optind]);
        return 1;
    }
    if (o.backing_file && !drv->supports_backing) {
        img_error(filename, "Backing file not supported for file format '%s'", fmt);
        return 1;
    }
    if (o.backing_file && !o.backing_fmt) {
        img_error(filename, "Backing file specified without backing format");
        return 1;
    }
    if (o.backing_file && !unsafe) {
        char *path = blk_backing_path(filename, o.backing_file);
        struct blk_err err = { "" };
        struct blk_dev *b = blk_open(path, o.backing_fmt, 0, &err);
        if (!b) {
            img_error(filename, "Could not open backing image: %s", err.msg);
            free(path);
            return 1;
        }
        if (!o.size_set) {
            o.size = b->size;
            o.size_set = true;
        }
        blk_close(b);
        free(path);
    }
    if (!o.size_set) {
        img_error(filename, "Image creation needs a size parameter");
        return 1;
    }
    struct blk_err err = { "" };
    int ret = blk_create(drv, filename, &o, &err);
    if (ret < 0) {
        free(olist);
        img_error(filename, "%s", err.msg);
        return 1;
    }
    /* after the checks, so a refused option is one error line only */
    if (!quiet) {
        if (img_vmdk_vhdx_create_line(filename, fmt, &o))
            ;
        else if (!strcmp(fmt, "qcow2"))
            printf("Formatting '%s', fmt=qcow2 cluster_size=%u extended_l2=%s "
                   "compression_type=%s size=%" PRIu64 "%s%s%s%s lazy_refcounts=%s "
                   "refcount_bits=%d\n", filename,
                   o.cluster_size ? o.cluster_size : 65536, o.extended_l2 ? "on" : "off",
                   o.compression_type ? "zstd" : "zlib", o.size,
                   o.backing_file ? " backing_file=" : "", o.backing_file ? o.backing_file : "",
                   o.backing_fmt ? " backing_fmt=" : "", o.backing_fmt ? o.backing_fmt : "",
                   o.lazy_refcounts ? "on" : "off", o.refcount_bits ? o.refcount_bits : 16);
        else if (!strcmp(fmt, "vpc"))
            printf("Formatting '%s', fmt=vpc size=%" PRIu64 "%s%s%s%s%s%s\n", filename, o.size,
                   o.vpc_fixed_set ? " subformat=" : "",
                   o.vpc_fixed_set ? (o.vpc_fixed ? "fixed" : "dynamic") : "",
                   o.force_size_set ? " force_size=" : "",
                   o.force_size_set ? (o.force_size ? "on" : "off") : "",
                   o.prealloc_set ? " preallocation=" : "",
                   o.prealloc_set ? prealloc_names[o.prealloc] : "");
        else if (!strcmp(fmt, "vdi"))
            printf("Formatting '%s', fmt=vdi size=%" PRIu64 " static=%s%s%s\n", filename, o.size,
                   o.vdi_static ? "on" : "off", o.prealloc_set ? " preallocation=" : "",
                   o.prealloc_set ? prealloc_names[o.prealloc] : "");
        else
            printf("Formatting '%s', fmt=%s size=%" PRIu64 "\n", filename, fmt, o.size);
        fflush(stdout);
    }
    free(olist);
    return 0;
}
