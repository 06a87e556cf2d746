/*
 * The -o options of the vmdk and vhdx formats, their -o help text and
 * qemu-img's "Formatting" line for them (options in QEMU's list order;
 * compat6 and hwversion always shown for vmdk, the given ones otherwise).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "imgutil/cmd/cmd.h"

static const char *const prealloc_names[] = { "off", "metadata", "falloc", "full" };

static bool parse_onoff(const char *v, bool *b)
{
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes"))
        *b = true;
    else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no"))
        *b = false;
    else
        return false;
    return true;
}

bool img_vmdk_vhdx_opt(const char *fmt, const char *k, const char *v,
                       struct blk_create_opts *o, bool *ok)
{
    bool vmdk = !strcmp(fmt, "vmdk"), vhdx = !strcmp(fmt, "vhdx");
    if (!vmdk && !vhdx)
        return false;
    *ok = true;
    if (vmdk && !strcmp(k, "backing_file")) {
        o->backing_file = strdup(v);
    } else if (vmdk && !strcmp(k, "backing_fmt")) {
        o->backing_fmt = strdup(v);
    } else if (vmdk && !strcmp(k, "subformat")) {
        o->vmdk.subformat = strdup(v);
    } else if (vmdk && !strcmp(k, "adapter_type")) {
        o->vmdk.adapter_type = strdup(v);
    } else if (vmdk && !strcmp(k, "hwversion")) {
        o->vmdk.hwversion = strdup(v);
    } else if (vmdk && !strcmp(k, "toolsversion")) {
        o->vmdk.toolsversion = strdup(v);
    } else if (vmdk && (!strcmp(k, "compat6") || !strcmp(k, "zeroed_grain"))) {
        bool c6 = !strcmp(k, "compat6");
        *ok = parse_onoff(v, c6 ? &o->vmdk.compat6 : &o->vmdk.zeroed_grain);
        if (c6)
            o->vmdk.compat6_set = true;
        else
            o->vmdk.zeroed_grain_set = true;
        if (!*ok)
            img_error(NULL, "Parameter '%s' expects 'on' or 'off'", k);
    } else if (vhdx && !strcmp(k, "subformat")) {
        *ok = !strcmp(v, "dynamic") || !strcmp(v, "fixed");
        o->vhdx.fixed = !strcmp(v, "fixed");
        o->vhdx.subformat_set = true;
        if (!*ok)
            img_error(NULL, "Parameter 'subformat' does not accept value '%s'", v);
    } else if (vhdx && (!strcmp(k, "block_size") || !strcmp(k, "log_size"))) {
        uint64_t n;
        *ok = img_parse_size(v, &n);
        if (!strcmp(k, "block_size"))
            o->vhdx.block_size = n;
        else
            o->vhdx.log_size = n;
        if (!*ok)
            img_error(NULL, "Parameter '%s' expects a size", k);
    } else if (vhdx && !strcmp(k, "block_state_zero")) {
        *ok = parse_onoff(v, &o->vhdx.block_state_zero);
        o->vhdx.block_state_zero_set = true;
        if (!*ok)
            img_error(NULL, "Parameter '%s' expects 'on' or 'off'", k);
    } else {
        return false;
    }
    return true;
}

bool img_vmdk_vhdx_help(const char *fmt)
{
    if (!strcmp(fmt, "vmdk")) {
        printf("Supported vmdk options:\n"
               "  adapter_type=<str>     - Virtual adapter type, can be one of ide (default), "
               "lsilogic, buslogic or legacyESX\n"
               "  backing_file=<str>     - File name of a base image\n"
               "  backing_fmt=<str>      - Must be 'vmdk' if present\n"
               "  compat6=<bool (on/off)> - VMDK version 6 image\n"
               "  hwversion=<str>        - VMDK hardware version\n"
               "  preallocation=<str>    - Preallocation mode (allowed values: off, falloc, full)\n"
               "  size=<size>            - Virtual disk size\n"
               "  subformat=<str>        - VMDK flat extent format, can be one of "
               "{monolithicSparse (default) | monolithicFlat | twoGbMaxExtentSparse | "
               "twoGbMaxExtentFlat | streamOptimized} \n"
               "  toolsversion=<str>     - VMware guest tools version\n"
               "  zeroed_grain=<bool (on/off)> - Enable efficient zero writes using the "
               "zeroed-grain GTE feature\n");
        return true;
    }
    if (!strcmp(fmt, "vhdx")) {
        printf("Supported vhdx options:\n"
               "  block_size=<size>      - Block Size; min 1MB, max 256MB. 0 means auto-calculate\n"
               "  block_state_zero=<bool (on/off)> - Force use of payload blocks of type 'ZERO'\n"
               "  log_size=<size>        - Log size; min 1MB.\n"
               "  size=<size>            - Virtual disk size; max of 64TB\n"
               "  subformat=<str>        - 'dynamic' (default) | 'fixed'\n");
        return true;
    }
    return false;
}

bool img_vmdk_vhdx_create_line(const char *filename, const char *fmt,
                               const struct blk_create_opts *o)
{
    if (!strcmp(fmt, "vmdk")) {
        printf("Formatting '%s', fmt=vmdk size=%" PRIu64, filename, o->size);
        if (o->vmdk.adapter_type)
            printf(" adapter_type=%s", o->vmdk.adapter_type);
        if (o->backing_file)
            printf(" backing_file=%s", o->backing_file);
        if (o->backing_fmt)
            printf(" backing_fmt=%s", o->backing_fmt);
        printf(" compat6=%s hwversion=%s", o->vmdk.compat6 ? "on" : "off",
               o->vmdk.hwversion ? o->vmdk.hwversion : "undefined");
        if (o->prealloc_set)
            printf(" preallocation=%s", prealloc_names[o->prealloc]);
        if (o->vmdk.toolsversion)
            printf(" toolsversion=%s", o->vmdk.toolsversion);
        if (o->vmdk.subformat)
            printf(" subformat=%s", o->vmdk.subformat);
        if (o->vmdk.zeroed_grain_set)
            printf(" zeroed_grain=%s", o->vmdk.zeroed_grain ? "on" : "off");
        printf("\n");
        return true;
    }
    if (!strcmp(fmt, "vhdx")) {
        printf("Formatting '%s', fmt=vhdx size=%" PRIu64 " log_size=%" PRIu64
               " block_size=%" PRIu64, filename, o->size,
               o->vhdx.log_size ? o->vhdx.log_size : (uint64_t)1 << 20, o->vhdx.block_size);
        if (o->vhdx.subformat_set)
            printf(" subformat=%s", o->vhdx.fixed ? "fixed" : "dynamic");
        if (o->vhdx.block_state_zero_set)
            printf(" block_state_zero=%s", o->vhdx.block_state_zero ? "on" : "off");
        printf("\n");
        return true;
    }
    return false;
}
