/*
 * The QMP commands, one row each in qmp_commands[] with its argument
 * schema; the answers have the members QEMU's qapi schema gives them
 * (query-status, query-cpus-fast, query-block) so clients written against
 * QEMU read them unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "sysemu/qmp/qmp.h"

static json_t *fail(bool *is_error, json_t *err)
{
    *is_error = true;
    return err;
}

static json_t *cmd_qmp_capabilities(struct qmp_ctx *q, json_t *args, bool *is_error)
{
    if (q->negotiated)
        return fail(is_error, qmp_error("CommandNotFound", "Capabilities negotiation is already "
                                        "complete, command ignored"));
    /* no optional capability (out-of-band) is offered in the greeting */
    json_t *enable = json_object_get(args, "enable");
    size_t i;
    json_t *v;
    json_array_foreach(enable, i, v) {
        if (!json_is_string(v))
            return fail(is_error, qmp_error("GenericError", "Invalid parameter type for "
                                            "'enable[%zu]', expected: string", i));
        return fail(is_error, qmp_error("GenericError", "Capability '%s' not available",
                                        json_string_value(v)));
    }
    q->negotiated = true;
    return json_object();
}

static json_t *cmd_query_version(struct qmp_ctx *q, json_t *args, bool *is_error)
{
    return qmp_version();
}

static json_t *cmd_query_commands(struct qmp_ctx *q, json_t *args, bool *is_error)
{
    json_t *list = json_array();
    for (int i = 0; i < qmp_command_count; i++)
        json_array_append_new(list, json_pack("{s:s}", "name", qmp_commands[i].name));
    return list;
}

static json_t *cmd_query_status(struct qmp_ctx *q, json_t *args, bool *is_error)
{
    return json_pack("{s:s,s:b,s:b}", "status", q->ctl->status(q->m), "singlestep", 0, "running",
                     q->ctl->running(q->m));
}

/* control.h's arch is QEMU's old CpuInfoArch; "target" is the SysEmuTarget name */
static const char *target_of(const char *arch)
{
    if (!strcmp(arch, "x86"))
        return "x86_64";
    if (!strcmp(arch, "riscv"))
        return "riscv64";
    if (!strcmp(arch, "arm"))
        return "aarch64";
    return arch;
}

static json_t *cmd_query_cpus_fast(struct qmp_ctx *q, json_t *args, bool *is_error)
{
    json_t *list = json_array();
    int n = q->ctl->cpu_count(q->m);
    for (int i = 0; i < n; i++) {
        struct cpu_info ci;
        if (q->ctl->cpu_info(q->m, i, &ci) < 0)
            continue;
        char path[64];
        snprintf(path, sizeof(path), "/machine/unattached/device[%d]", ci.index);
        /* one core per socket, as QEMU lays out -smp N by default */
        json_array_append_new(
            list, json_pack("{s:i,s:{s:i,s:i,s:i},s:s,s:i,s:s}", "thread-id", ci.thread_id,
                            "props", "core-id", 0, "thread-id", 0, "socket-id", ci.index,
                            "qom-path", path, "cpu-index", ci.index, "target",
                            target_of(ci.arch)));
    }
    return list;
}

static json_t *cmd_query_block(struct qmp_ctx *q, json_t *args, bool *is_error)
{
    struct block_info b[16];
    int n = q->ctl->block_list(q->m, b, 16);
    json_t *list = json_array();
    for (int i = 0; i < n && i < 16; i++) {
        char node[32];
        snprintf(node, sizeof(node), "#block%d", i);
        json_t *image = json_pack("{s:I,s:s,s:s}", "virtual-size", (json_int_t)b[i].size,
                                  "filename", b[i].file, "format", b[i].format);
        json_t *inserted = json_pack(
            "{s:o,s:s,s:i,s:b,s:b,s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:{s:b,s:b,s:b},s:s}",
            "image", image, "file", b[i].file, "backing_file_depth", 0, "ro", b[i].readonly,
            "encrypted", 0, "drv", b[i].format, "node-name", node, "bps", 0, "bps_rd", 0,
            "bps_wr", 0, "iops", 0, "iops_rd", 0, "iops_wr", 0, "write_threshold", 0, "cache",
            "no-flush", 0, "direct", 0, "writeback", 1, "detect_zeroes", "off");
        json_array_append_new(list, json_pack("{s:s,s:b,s:b,s:o,s:s}", "device", b[i].device,
                                              "locked", 0, "removable", 0, "inserted", inserted,
                                              "type", "unknown"));
    }
    return list;
}

static json_t *cmd_stop(struct qmp_ctx *q, json_t *args, bool *is_error)
{
    q->ctl->stop(q->m);
    return NULL;
}

static json_t *cmd_cont(struct qmp_ctx *q, json_t *args, bool *is_error)
{
    const char *st = q->ctl->status(q->m);
    if (!strcmp(st, "shutdown") || !strcmp(st, "internal-error"))
        return fail(is_error,
                    qmp_error("GenericError", "Resetting the Virtual Machine is required"));
    q->ctl->cont(q->m);
    return NULL;
}

static json_t *cmd_system_reset(struct qmp_ctx *q, json_t *args, bool *is_error)
{
    q->ctl->system_reset(q->m);
    return NULL;
}

static json_t *cmd_system_powerdown(struct qmp_ctx *q, json_t *args, bool *is_error)
{
    q->ctl->system_powerdown(q->m);
    return NULL;
}

static json_t *cmd_quit(struct qmp_ctx *q, json_t *args, bool *is_error)
{
    /* answer first: the machine may be gone right after */
    q->after = q->ctl->quit;
    return NULL;
}

static json_t *cmd_human_monitor_command(struct qmp_ctx *q, json_t *args, bool *is_error)
{
    json_t *cpu = json_object_get(args, "cpu-index");
    struct hmp_ctx h = q->hmp;
    if (cpu) {
        struct cpu_info ci;
        if (q->ctl->cpu_info(q->m, (int)json_integer_value(cpu), &ci) < 0)
            return fail(is_error, qmp_error("GenericError", "Parameter 'cpu-index' expects a "
                                            "valid CPU index"));
        h.cpu = (int)json_integer_value(cpu);
    }
    const char *line = json_string_value(json_object_get(args, "command-line"));
    /* HMP's quit would end the process before this answer is sent */
    if (!strcmp(line, "quit") || !strcmp(line, "q")) {
        q->after = q->ctl->quit;
        return json_string("");
    }
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    hmp_execute(&h, line, out);
    fclose(out);
    size_t n;
    char *crlf = hmp_crlf(text, size, &n);
    json_t *ret = json_stringn(crlf, n);
    free(crlf);
    free(text);
    return ret;
}

const struct qmp_command qmp_commands[] = {
    { "qmp_capabilities", cmd_qmp_capabilities, { { "enable", QMP_ARRAY, true } }, true },
    { "query-version", cmd_query_version, { { 0 } }, false },
    { "query-commands", cmd_query_commands, { { 0 } }, false },
    { "query-status", cmd_query_status, { { 0 } }, false },
    { "query-cpus-fast", cmd_query_cpus_fast, { { 0 } }, false },
    { "query-block", cmd_query_block, { { 0 } }, false },
    { "stop", cmd_stop, { { 0 } }, false },
    { "cont", cmd_cont, { { 0 } }, false },
    { "system_reset", cmd_system_reset, { { 0 } }, false },
    { "system_powerdown", cmd_system_powerdown, { { 0 } }, false },
    { "quit", cmd_quit, { { 0 } }, false },
    { "human-monitor-command", cmd_human_monitor_command,
      { { "command-line", QMP_STR, false }, { "cpu-index", QMP_INT, true } }, false },
};
const int qmp_command_count = sizeof(qmp_commands) / sizeof(qmp_commands[0]);

const struct qmp_command *qmp_command_find(const char *name)
{
    for (int i = 0; i < qmp_command_count; i++)
        if (!strcmp(qmp_commands[i].name, name))
            return &qmp_commands[i];
    return NULL;
}
