/*
 * runtime-img snapshot: qemu-img snapshot -l (list), -c (create), -a (apply),
 * -d (delete) of internal snapshots.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "imgutil/cmd/cmd.h"

int cmd_snapshot(int argc, char **argv)
{
    const char *fmt = NULL, *name = NULL;
    char action = 0;
    int c;
    while ((c = getopt(argc, argv, ":la:c:d:f:hqU")) != -1) {
        switch (c) {
        case 'l': case 'a': case 'c': case 'd':
            if (action) {
                img_error(NULL, "Cannot mix '-l', '-a', '-c', '-d'");
                return 1;
            }
            action = (char)c;
            name = c == 'l' ? NULL : optarg;
            break;
        case 'f': fmt = optarg; break;
        case 'q': case 'U': break;
        case 'h':
            printf("usage: runtime-img snapshot [-q] [-l | -a snapshot | -c snapshot | "
                   "-d snapshot] filename\n");
            return 0;
        default:
            img_error(NULL, "invalid option '%s'", argv[optind - 1]);
            return 1;
        }
    }
    if (optind != argc - 1) {
        img_error(NULL, "Expecting one image file name");
        return 1;
    }
    const char *filename = argv[optind];
    if (!action)
        action = 'l';
    struct blk_err err = { "" };
    struct blk_dev *bs = blk_open(filename, fmt,
                                  BLK_O_NO_BACKING | (action == 'l' ? 0 : BLK_O_RDWR), &err);
    if (!bs) {
        img_error(filename, "%s", err.msg);
        return 1;
    }
    if (action != 'l') {
        int (*op)(struct blk_dev *, const char *, struct blk_err *) =
            action == 'c' ? bs->drv->snapshot_create :
            action == 'a' ? bs->drv->snapshot_apply : bs->drv->snapshot_delete;
        int ret = op ? op(bs, name, &err)
                     : blk_err_set(&err, -ENOTSUP, "format '%s' has no internal snapshots",
                                   bs->drv->name);
        blk_close(bs);
        if (ret < 0) {
            img_error(filename, "%s", err.msg);
            return 1;
        }
        return 0;
    }
    struct blk_snapshot *sn = NULL;
    int n = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &sn) : 0;
    if (n > 0) {
        printf("Snapshot list:\nID        TAG               VM SIZE                DATE     "
               "VM CLOCK     ICOUNT\n");
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
            char ic[24] = "";
            if (sn[i].icount != UINT64_MAX)
                snprintf(ic, sizeof(ic), "%" PRIu64, sn[i].icount);
            printf("%-9s %-17s %7s %19s %s %10s\n", sn[i].id, sn[i].name, vs, date, clk, ic);
        }
    }
    free(sn);
    blk_close(bs);
    return 0;
}
