/*
 * runtime-img helpers: error lines, sizes, -o option lists, JSON strings,
 * the progress bar.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imgutil/cmd/cmd.h"

void img_error(const char *file, const char *fmt, ...)
{
    va_list ap;
    fputs("runtime-img: ", stderr);
    if (file)
        fprintf(stderr, "%s: ", file);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

bool img_parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-')
        return false;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0)
        return false;
    uint64_t mul = 1;
    switch (*end) {
    case 'b': case 'B': mul = 1; end++; break;
    case 'k': case 'K': mul = 1ull << 10; end++; break;
    case 'm': case 'M': mul = 1ull << 20; end++; break;
    case 'g': case 'G': mul = 1ull << 30; end++; break;
    case 't': case 'T': mul = 1ull << 40; end++; break;
    case 'p': case 'P': mul = 1ull << 50; end++; break;
    case 'e': case 'E': mul = 1ull << 60; end++; break;
    case 0: break;
    default: return false;
    }
    if (*end)
        return false;
    double r = v * (double)mul;
    if (r >= 18446744073709551616.0 || (mul == 1 && v != floor(v)))
        return false;
    *out = (uint64_t)r;
    return true;
}

void img_size_str(uint64_t v, char *buf, size_t cap)
{
    static const char *const suffix[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
    int e;
    frexp((double)v / (1000.0 / 1024.0), &e);
    int i = (e - 1) / 10;
    if (i < 0)
        i = 0;
    if (i > 6)
        i = 6;
    snprintf(buf, cap, "%0.3g %sB", (double)v / (double)(1ull << (i * 10)), suffix[i]);
}

bool img_parse_prealloc(const char *v, enum blk_prealloc *p)
{
    static const char *const names[] = { "off", "metadata", "falloc", "full" };
    for (int i = 0; i < 4; i++)
        if (!strcmp(v, names[i])) {
            *p = (enum blk_prealloc)i;
            return true;
        }
    return false;
}

static bool parse_bool(const char *v, bool *b)
{
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
        *b = true;
        return true;
    }
    if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")) {
        *b = false;
        return true;
    }
    return false;
}

bool img_opts_is_help(const char *list)
{
    return list && (!strcmp(list, "help") || !strcmp(list, "?"));
}

void img_opts_help(const char *fmt)
{
    if (img_vmdk_vhdx_help(fmt))
        return;
    if (!strcmp(fmt, "qcow2")) {
        printf("Supported qcow2 options:\n"
               "  backing_file=<str>     - File name of a base image\n"
               "  backing_fmt=<str>      - Image format of the base image\n"
               "  cluster_size=<size>    - qcow2 cluster size\n"
               "  compat=<str>           - Compatibility level (v2 [0.10] or v3 [1.1])\n"
               "  compression_type=<str> - Compression method used for image cluster compression\n"
               "  extended_l2=<bool (on/off)> - Extended L2 tables\n"
               "  lazy_refcounts=<bool (on/off)> - Postpone refcount updates\n"
               "  preallocation=<str>    - Preallocation mode (allowed values: off, metadata, falloc, full)\n"
               "  refcount_bits=<num>    - Width of a reference count entry in bits\n"
               "  size=<size>            - Virtual disk size\n");
    } else if (!strcmp(fmt, "vpc")) {
        printf("Supported vpc options:\n"
               "  force_size=<bool (on/off)> - Force disk size calculation to use the actual "
               "size specified, rather than using the nearest CHS-based calculation\n"
               "  preallocation=<str>    - Preallocation mode (allowed values: off, falloc, full)\n"
               "  size=<size>            - Virtual disk size\n"
               "  subformat=<str>        - Type of virtual hard disk format. Supported formats "
               "are {dynamic (default) | fixed} \n");
    } else if (!strcmp(fmt, "vdi")) {
        printf("Supported vdi options:\n"
               "  preallocation=<str>    - Preallocation mode (allowed values: off, falloc, full)\n"
               "  size=<size>            - Virtual disk size\n"
               "  static=<bool (on/off)> - VDI static (pre-allocated) image\n");
    } else {
        printf("Supported raw options:\n"
               "  preallocation=<str>    - Preallocation mode (allowed values: off, falloc, full)\n"
               "  size=<size>            - Virtual disk size\n");
    }
}

bool img_parse_create_opts(const char *list, struct blk_create_opts *o, const char *fmt)
{
    if (!list)
        return true;
    char *copy = strdup(list), *save = NULL;
    bool qcow2 = !strcmp(fmt, "qcow2");
    bool vpc = !strcmp(fmt, "vpc"), vdi = !strcmp(fmt, "vdi");
    bool ok = true;
    for (char *kv = strtok_r(copy, ",", &save); kv && ok; kv = strtok_r(NULL, ",", &save)) {
        char *v = strchr(kv, '=');
        if (!v) {
            img_error(NULL, "Invalid parameter '%s'", kv);
            ok = false;
            break;
        }
        *v++ = 0;
        bool b;
        if (!strcmp(kv, "size")) {
            ok = img_parse_size(v, &o->size);
            o->size_set = ok;
            if (!ok)
                img_error(NULL, "Parameter 'size' expects a non-negative number below 2^64");
        } else if (!strcmp(kv, "preallocation")) {
            ok = img_parse_prealloc(v, &o->prealloc) &&
                 (qcow2 || o->prealloc != BLK_PREALLOC_METADATA);
            o->prealloc_set = ok;
            if (!ok)
                img_error(NULL, "Parameter 'preallocation' does not accept value '%s'", v);
        } else if (img_vmdk_vhdx_opt(fmt, kv, v, o, &ok)) {
            /* handled there */
        } else if (vpc && !strcmp(kv, "subformat")) {
            ok = !strcmp(v, "dynamic") || !strcmp(v, "fixed");
            o->vpc_fixed = !strcmp(v, "fixed");
            o->vpc_fixed_set = ok;
            if (!ok)
                img_error(NULL, "Parameter 'subformat' does not accept value '%s'", v);
        } else if (vpc && !strcmp(kv, "force_size")) {
            ok = parse_bool(v, &b);
            o->force_size = b;
            o->force_size_set = ok;
            if (!ok)
                img_error(NULL, "Parameter 'force_size' expects 'on' or 'off'");
        } else if (vdi && !strcmp(kv, "static")) {
            ok = parse_bool(v, &b);
            o->vdi_static = b;
            if (!ok)
                img_error(NULL, "Parameter 'static' expects 'on' or 'off'");
        } else if (qcow2 && !strcmp(kv, "backing_file")) {
            o->backing_file = strdup(v);
        } else if (qcow2 && !strcmp(kv, "backing_fmt")) {
            o->backing_fmt = strdup(v);
        } else if (qcow2 && !strcmp(kv, "cluster_size")) {
            uint64_t cs;
            ok = img_parse_size(v, &cs) && cs <= UINT32_MAX;
            o->cluster_size = (uint32_t)cs;
            if (!ok)
                img_error(NULL, "Parameter 'cluster_size' expects a size");
        } else if (qcow2 && !strcmp(kv, "compat")) {
            if (!strcmp(v, "0.10") || !strcmp(v, "v2"))
                o->compat = 2;
            else if (!strcmp(v, "1.1") || !strcmp(v, "v3"))
                o->compat = 3;
            else {
                img_error(NULL, "Invalid parameter '%s'", v);
                ok = false;
            }
        } else if (qcow2 && !strcmp(kv, "compression_type")) {
            if (!strcmp(v, "zlib"))
                o->compression_type = 0;
            else if (!strcmp(v, "zstd"))
                o->compression_type = 1;
            else {
                img_error(NULL, "Parameter 'compression_type' does not accept value '%s'", v);
                ok = false;
            }
        } else if (qcow2 && !strcmp(kv, "lazy_refcounts")) {
            ok = parse_bool(v, &b);
            o->lazy_refcounts = b;
            if (!ok)
                img_error(NULL, "Parameter 'lazy_refcounts' expects 'on' or 'off'");
        } else if (qcow2 && !strcmp(kv, "extended_l2")) {
            ok = parse_bool(v, &b);
            o->extended_l2 = b;
            if (!ok)
                img_error(NULL, "Parameter 'extended_l2' expects 'on' or 'off'");
        } else if (qcow2 && !strcmp(kv, "refcount_bits")) {
            char *end;
            long r = strtol(v, &end, 10);
            ok = !*end && r > 0 && r <= 64;
            o->refcount_bits = (int)r;
            if (!ok)
                img_error(NULL, "Parameter 'refcount_bits' expects a number");
        } else {
            img_error(NULL, "Invalid parameter '%s'", kv);
            ok = false;
        }
    }
    free(copy);
    return ok;
}

void img_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void img_progress_update(struct img_progress *p, double done, double total)
{
    if (!p->on)
        return;
    double pct = total > 0 ? done * 100.0 / total : 100.0;
    if (pct - p->last < 1.0 && pct < 100.0)
        return;
    p->last = pct;
    printf("    (%3.2f/100%%)\r", pct);
    fflush(stdout);
}

void img_progress_end(struct img_progress *p)
{
    if (!p->on)
        return;
    printf("    (100.00/100%%)\n");
    fflush(stdout);
}
