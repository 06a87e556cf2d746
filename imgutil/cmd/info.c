/*
 * runtime-img info: qemu-img info's human and JSON output (same keys,
 * --backing-chain as a JSON array / blank-line separated blocks).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imgutil/cmd/cmd.h"

static void snapshots_json(struct blk_dev *bs, const char *ind)
{
    struct blk_snapshot *sn = NULL;
    int n = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &sn) : 0;
    if (n > 0) {
        printf("%s\"snapshots\": [\n", ind);
        for (int i = 0; i < n; i++) {
            printf("%s    {\n", ind);
            if (sn[i].icount != UINT64_MAX)
                printf("%s        \"icount\": %" PRIu64 ",\n", ind, sn[i].icount);
            printf("%s        \"vm-clock-nsec\": %" PRIu64 ",\n", ind, sn[i].vm_clock_nsec % 1000000000);
            printf("%s        \"name\": ", ind);
            img_json_str(stdout, sn[i].name);
            printf(",\n%s        \"date-sec\": %u,\n", ind, sn[i].date_sec);
            printf("%s        \"date-nsec\": %u,\n", ind, sn[i].date_nsec);
            printf("%s        \"vm-clock-sec\": %" PRIu64 ",\n", ind, sn[i].vm_clock_nsec / 1000000000);
            printf("%s        \"id\": ", ind);
            img_json_str(stdout, sn[i].id);
            printf(",\n%s        \"vm-state-size\": %" PRIu64 "\n", ind, sn[i].vm_state_size);
            printf("%s    }%s\n", ind, i + 1 < n ? "," : "");
        }
        printf("%s],\n", ind);
    }
    free(sn);
}

static void info_json(struct blk_dev *bs, const char *ind)
{
    printf("%s{\n", ind);
    char ind2[64];
    snprintf(ind2, sizeof(ind2), "%s    ", ind);
    snapshots_json(bs, ind2);
    if (bs->backing_fmt) {
        printf("%s    \"backing-filename-format\": ", ind);
        img_json_str(stdout, bs->backing_fmt);
        printf(",\n");
    }
    printf("%s    \"virtual-size\": %" PRIu64 ",\n", ind, bs->size);
    printf("%s    \"filename\": ", ind);
    img_json_str(stdout, bs->filename);
    printf(",\n");
    /* 0: the format has clusters but this image does not (fixed VHD) */
    if (bs->drv->cluster_size && bs->drv->cluster_size(bs))
        printf("%s    \"cluster-size\": %" PRIu64 ",\n", ind, bs->drv->cluster_size(bs));
    printf("%s    \"format\": \"%s\",\n", ind, bs->drv->name);
    printf("%s    \"actual-size\": %" PRIu64 ",\n", ind, blk_allocated_size(bs));
    if (bs->drv->info_specific) {
        char ind3[80];
        snprintf(ind3, sizeof(ind3), "%s            ", ind);
        printf("%s    \"format-specific\": {\n%s        \"type\": \"%s\",\n"
               "%s        \"data\": {\n", ind, ind, bs->drv->name, ind);
        fflush(stdout);
        bs->drv->info_specific(bs, stdout, ind3, true);
        printf("\n%s        }\n%s    },\n", ind, ind);
    } else if (bs->drv->info_json) {
        char buf[1024];
        bs->drv->info_json(bs, buf, sizeof(buf));
        printf("%s    \"format-specific\": {\n%s        \"type\": \"%s\",\n"
               "%s        \"data\": {\n", ind, ind, bs->drv->name, ind);
        /* one member per line, as qemu-img prints them */
        char *save = NULL;
        bool first = true;
        for (char *m = strtok_r(buf, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
            while (*m == ' ')
                m++;
            printf("%s%s            %s", first ? "" : ",\n", ind, m);
            first = false;
        }
        printf("\n%s        }\n%s    },\n", ind, ind);
    }
    if (bs->backing_file) {
        printf("%s    \"full-backing-filename\": ", ind);
        img_json_str(stdout, bs->full_backing);
        printf(",\n%s    \"backing-filename\": ", ind);
        img_json_str(stdout, bs->backing_file);
        printf(",\n");
    }
    printf("%s    \"dirty-flag\": %s\n", ind,
           bs->drv->is_dirty && bs->drv->is_dirty(bs) ? "true" : "false");
    printf("%s}", ind);
}

static void info_human(struct blk_dev *bs)
{
    char s1[64], s2[64];
    printf("image: %s\nfile format: %s\n", bs->filename, bs->drv->name);
    img_size_str(bs->size, s1, sizeof(s1));
    img_size_str(blk_allocated_size(bs), s2, sizeof(s2));
    printf("virtual size: %s (%" PRIu64 " bytes)\ndisk size: %s\n", s1, bs->size, s2);
    if (bs->drv->cluster_size && bs->drv->cluster_size(bs))
        printf("cluster_size: %" PRIu64 "\n", bs->drv->cluster_size(bs));
    if (bs->backing_file) {
        if (strcmp(bs->backing_file, bs->full_backing))
            printf("backing file: %s (actual path: %s)\n", bs->backing_file, bs->full_backing);
        else
            printf("backing file: %s\n", bs->backing_file);
        if (bs->backing_fmt)
            printf("backing file format: %s\n", bs->backing_fmt);
    }
    struct blk_snapshot *sn = NULL;
    int n = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &sn) : 0;
    if (n > 0) {
        printf("Snapshot list:\nID        TAG               VM SIZE                DATE     VM CLOCK     ICOUNT\n");
        for (int i = 0; i < n; i++) {
            char date[32], vs[32], clk[32];
            time_t t = sn[i].date_sec;
            struct tm tm;
            localtime_r(&t, &tm);
            strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
            img_size_str(sn[i].vm_state_size, vs, sizeof(vs));
            uint64_t ms = sn[i].vm_clock_nsec / 1000000;
            snprintf(clk, sizeof(clk), "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64,
                     ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
            printf("%-9s %-17s %7s %19s %s %10s\n", sn[i].id, sn[i].name, vs, date, clk,
                   sn[i].icount == UINT64_MAX ? "" : "0");
        }
    }
    free(sn);
    if (bs->drv->info_specific) {
        printf("Format specific information:\n");
        bs->drv->info_specific(bs, stdout, "    ", false);
    } else if (bs->drv->info_json) {
        char buf[1024];
        bs->drv->info_json(bs, buf, sizeof(buf));
        printf("Format specific information:\n");
        char *save = NULL;
        for (char *m = strtok_r(buf, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
            while (*m == ' ')
                m++;
            char key[64] = "", val[128] = "";
            if (sscanf(m, "\"%63[^\"]\": %127[^\n]", key, val) != 2)
                continue;
            for (char *k = key; *k; k++)
                if (*k == '-')
                    *k = ' ';
            size_t vl = strlen(val);
            if (val[0] == '"' && vl >= 2) {
                memmove(val, val + 1, vl - 2);
                val[vl - 2] = 0;
            }
            printf("    %s: %s\n", key, val);
        }
    }
}

int cmd_info(int argc, char **argv)
{
    const char *fmt = NULL, *output = "human";
    bool chain = false;
    int c;
    enum { OPT_OUTPUT = 256, OPT_CHAIN };
    static const struct option lo[] = {
        { "help", no_argument, 0, 'h' },
        { "format", required_argument, 0, 'f' },
        { "output", required_argument, 0, OPT_OUTPUT },
        { "backing-chain", no_argument, 0, OPT_CHAIN },
        { "force-share", no_argument, 0, 'U' },
        { 0, 0, 0, 0 },
    };
    while ((c = getopt_long(argc, argv, ":f:hU", lo, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'U': break;
        case OPT_OUTPUT: output = optarg; break;
        case OPT_CHAIN: chain = true; break;
        case 'h':
            printf("usage: runtime-img info [-f fmt] [--output=ofmt] [--backing-chain] filename\n");
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
    /* the chain is opened only to be shown, so a loop or a missing backing
     * file is reported rather than hidden */
    struct blk_dev *bs = blk_open(filename, fmt, chain ? 0 : BLK_O_NO_BACKING, &err);
    if (!bs) {
        img_error(filename, "%s", err.msg);
        return 1;
    }
    if (json && chain)
        printf("[\n");
    for (struct blk_dev *b = bs; b; b = chain ? b->backing : NULL) {
        if (json) {
            info_json(b, chain ? "    " : "");
            printf(chain && b->backing ? ",\n" : "\n");
        } else {
            if (b != bs)
                printf("\n");
            info_human(b);
        }
    }
    if (json && chain)
        printf("]\n");
    blk_close(bs);
    return 0;
}
