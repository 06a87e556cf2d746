/*
 * runtime-img map: where each range of the virtual disk comes from, in
 * qemu-img map's human and JSON forms (adjacent equal ranges merged).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "imgutil/cmd/cmd.h"

struct map_ent {
    uint64_t start, length, offset;
    int depth;
    bool present, zero, data, has_offset, compressed;
    const char *file;
};

static bool map_mergeable(const struct map_ent *a, const struct map_ent *b)
{
    return a->depth == b->depth && a->present == b->present && a->zero == b->zero &&
           a->data == b->data && a->has_offset == b->has_offset &&
           (!a->has_offset || a->offset + a->length == b->offset) &&
           a->file == b->file;
}

static int map_print(const struct map_ent *e, bool json, bool *first)
{
    if (json) {
        printf("%s{ \"start\": %" PRIu64 ", \"length\": %" PRIu64 ", \"depth\": %d, "
               "\"present\": %s, \"zero\": %s, \"data\": %s",
               *first ? "[" : ",\n", e->start, e->length, e->depth,
               e->present ? "true" : "false", e->zero ? "true" : "false",
               e->data ? "true" : "false");
        if (e->has_offset)
            printf(", \"offset\": %" PRIu64, e->offset);
        putchar('}');
    } else if (e->data && !e->zero) {
        if (!e->has_offset)
            return -1;
        printf("%#-16" PRIx64 "%#-16" PRIx64 "%#-16" PRIx64 "%s\n", e->start, e->length,
               e->offset, e->file);
    }
    *first = false;
    return 0;
}

int cmd_map(int argc, char **argv)
{
    const char *fmt = NULL, *output = "human";
    uint64_t start = 0, max_len = UINT64_MAX;
    int c;
    enum { OPT_OUTPUT = 256, OPT_START, OPT_MAX };
    static const struct option lo[] = {
        { "help", no_argument, 0, 'h' },
        { "format", required_argument, 0, 'f' },
        { "output", required_argument, 0, OPT_OUTPUT },
        { "start-offset", required_argument, 0, OPT_START },
        { "max-length", required_argument, 0, OPT_MAX },
        { "force-share", no_argument, 0, 'U' },
        { 0, 0, 0, 0 },
    };
    while ((c = getopt_long(argc, argv, ":f:hU", lo, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'U': break;
        case OPT_OUTPUT: output = optarg; break;
        case OPT_START:
            if (!img_parse_size(optarg, &start)) {
                img_error(NULL, "Invalid start offset specified! You may use k, M, G, T, P "
                          "or E suffixes for ");
                return 1;
            }
            break;
        case OPT_MAX:
            if (!img_parse_size(optarg, &max_len)) {
                img_error(NULL, "Invalid length specified! You may use k, M, G, T, P or E "
                          "suffixes for ");
                return 1;
            }
            break;
        case 'h':
            printf("usage: runtime-img map [-f fmt] [--output=ofmt] [--start-offset=offset] "
                   "[--max-length=len] filename\n");
            return 0;
        default:
            img_error(NULL, "invalid option '%s'", argv[optind - 1]);
            return 1;
        }
    }
    bool json = !strcmp(output, "json");
    if (!json && strcmp(output, "human")) {
        img_error(NULL, "--output must be used with human or json as argument.");
        return 1;
    }
    if (optind != argc - 1) {
        img_error(NULL, "Expecting one image file name");
        return 1;
    }
    const char *filename = argv[optind];
    struct blk_err err = { "" };
    struct blk_dev *bs = blk_open(filename, fmt, 0, &err);
    if (!bs) {
        img_error(filename, "%s", err.msg);
        return 1;
    }
    uint64_t end = bs->size;
    if (max_len != UINT64_MAX && start + max_len < end)
        end = start + max_len;
    if (!json)
        printf("%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to", "File");
    struct map_ent cur = { 0 };
    bool have = false, first = true;
    int rc = 0;
    for (uint64_t off = start; off < end;) {
        uint64_t pnum, map;
        int depth;
        struct blk_dev *layer;
        uint64_t want = end - off < (1ull << 30) ? end - off : (1ull << 30);
        int st = blk_block_status_above(bs, off, want, &pnum, &map, &depth, &layer);
        if (st < 0) {
            img_error(filename, "%s", blk_strerror(bs, st));
            rc = 1;
            break;
        }
        if (!pnum)
            pnum = want;
        struct map_ent e = {
            .start = off, .length = pnum, .depth = depth,
            .present = st & BLK_ST_ALLOCATED, .zero = st & BLK_ST_ZERO,
            .data = st & BLK_ST_DATA, .has_offset = st & BLK_ST_OFFSET,
            .offset = map, .compressed = st & BLK_ST_COMPRESSED, .file = layer->filename,
        };
        if (layer->drv->extent_file && off < layer->size)
            e.file = layer->drv->extent_file(layer, off);
        if (!e.present && layer->backing == NULL && !e.data)
            e.zero = true;
        if (have && map_mergeable(&cur, &e)) {
            cur.length += e.length;
        } else {
            if (have && map_print(&cur, json, &first) < 0) {
                img_error(filename, "File contains external, encrypted or compressed clusters.");
                rc = 1;
                break;
            }
            cur = e;
            have = true;
        }
        off += pnum;
    }
    if (!rc && have && map_print(&cur, json, &first) < 0) {
        img_error(filename, "File contains external, encrypted or compressed clusters.");
        rc = 1;
    }
    if (json && !rc)
        printf("%s]\n", first ? "[" : "");
    blk_close(bs);
    return rc;
}
