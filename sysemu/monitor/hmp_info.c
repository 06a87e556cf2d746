/*
 * `info` subcommands, printing what QEMU's print for the same machine
 * state (hmp `info status`, `info cpus`, `info block` formats).
 */
#include <stdlib.h>
#include <string.h>

#include "sysemu/monitor/hmp.h"

static void info_status(struct hmp_ctx *h, const char *args, FILE *out)
{
    const char *st = h->ctl->status(h->m);
    if (h->ctl->running(h->m))
        fprintf(out, "VM status: running\n");
    else if (!strcmp(st, "paused"))
        fprintf(out, "VM status: paused\n");
    else
        fprintf(out, "VM status: paused (%s)\n", st);
}

static void info_cpus(struct hmp_ctx *h, const char *args, FILE *out)
{
    int n = h->ctl->cpu_count(h->m);
    for (int i = 0; i < n; i++) {
        struct cpu_info ci;
        if (h->ctl->cpu_info(h->m, i, &ci) < 0)
            continue;
        fprintf(out, "%c CPU #%d: thread_id=%d\n", ci.index == h->cpu ? '*' : ' ', ci.index,
                ci.thread_id);
    }
}

static void registers_of(struct hmp_ctx *h, int i, FILE *out)
{
    char *buf = malloc(16384);
    int n = h->ctl->cpu_registers(h->m, i, buf, 16384);
    if (n < 0)
        fprintf(out, "CPU#%d: registers unavailable\n", i);
    else
        fprintf(out, "%s%s", buf, n > 0 && buf[n - 1] != '\n' ? "\n" : "");
    free(buf);
}

static void info_registers(struct hmp_ctx *h, const char *args, FILE *out)
{
    if (!strcmp(args, "-a")) {
        int n = h->ctl->cpu_count(h->m);
        for (int i = 0; i < n; i++) {
            fprintf(out, "\nCPU#%d\n", i);
            registers_of(h, i, out);
        }
        return;
    }
    registers_of(h, h->cpu, out);
}

static void info_block(struct hmp_ctx *h, const char *args, FILE *out)
{
    struct block_info b[16];
    int n = h->ctl->block_list(h->m, b, 16);
    for (int i = 0; i < n && i < 16; i++) {
        if (i)
            fprintf(out, "\n");
        fprintf(out, "%s (#block%d): %s (%s%s)\n", b[i].device, i, b[i].file, b[i].format,
                b[i].readonly ? ", read-only" : "");
        fprintf(out, "    Cache mode:       writeback\n");
    }
}

static void info_network(struct hmp_ctx *h, const char *args, FILE *out)
{
    if (!h->ctl->net_info) {
        fprintf(out, "info network: this machine does not report its network\n");
        return;
    }
    char *buf = malloc(16384);
    int n = h->ctl->net_info(h->m, buf, 16384);
    if (n > 0)
        fprintf(out, "%s%s", buf, buf[n - 1] != '\n' ? "\n" : "");
    free(buf);
}

static void info_version(struct hmp_ctx *h, const char *args, FILE *out)
{
    fprintf(out, "%d.%d.%d (%s)\n", RUNTIME_SYSTEM_VERSION_MAJOR, RUNTIME_SYSTEM_VERSION_MINOR,
            RUNTIME_SYSTEM_VERSION_MICRO, RUNTIME_SYSTEM_PACKAGE);
}

static void mtree_line(void *opaque, const char *line)
{
    FILE *out = opaque;
    fprintf(out, "%s%s", line, *line && line[strlen(line) - 1] == '\n' ? "" : "\n");
}

static void info_mtree(struct hmp_ctx *h, const char *args, FILE *out)
{
    h->ctl->mtree(h->m, mtree_line, out);
}

static const struct {
    const char *name, *params, *help;
    void (*run)(struct hmp_ctx *h, const char *args, FILE *out);
} infos[] = {
    { "block", "", "show the block devices", info_block },
    { "cpus", "", "show infos for each CPU", info_cpus },
    { "mtree", "", "show memory tree", info_mtree },
    { "network", "", "show the network state", info_network },
    { "registers", "[-a]", "show the cpu registers (-a: all CPUs)", info_registers },
    { "status", "", "show the current VM status (running|paused)", info_status },
    { "version", "", "show the version of QEMU", info_version },
};

int hmp_info(struct hmp_ctx *h, const char *sub, const char *args, FILE *out)
{
    for (size_t i = 0; i < sizeof(infos) / sizeof(infos[0]); i++)
        if (!strcmp(infos[i].name, sub)) {
            infos[i].run(h, args, out);
            return 1;
        }
    return 0;
}

void hmp_info_help(FILE *out)
{
    for (size_t i = 0; i < sizeof(infos) / sizeof(infos[0]); i++)
        fprintf(out, "info %s %s -- %s\n", infos[i].name, infos[i].params, infos[i].help);
}
