/*
 * The VMDK text descriptor: "key=value" lines (CID, parentCID, createType,
 * parentFileNameHint, ddb.*) and extent lines
 *     ACCESS SECTORS TYPE "FILE" [OFFSET]
 * Parsing builds the extent list of a descriptor file; building writes the
 * descriptor create uses, laid out as QEMU lays it out.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imgutil/vmdk/vmdk.h"

/* value of "key = value" (quotes removed) in text, or NULL */
const char *vmdk_desc_get(const char *text, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        while (*l == ' ' || *l == '\t')
            l++;
        if (strncmp(l, key, kl))
            continue;
        const char *p = l + kl;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '=')
            continue;
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        bool quoted = *p == '"';
        p += quoted;
        size_t n = 0;
        while (p[n] && p[n] != '\n' && p[n] != '\r' && !(quoted && p[n] == '"'))
            n++;
        if (n >= cap)
            n = cap - 1;
        memcpy(out, p, n);
        out[n] = 0;
        return out;
    }
    return NULL;
}

static int parse_extent_line(struct blk_dev *bs, struct vmdk_extent *e, const char *l,
                             uint64_t start, struct blk_err *err)
{
    char access[16], type[16], name[1024];
    uint64_t sectors, off = 0;
    int n = sscanf(l, "%15s %" SCNu64 " %15s \"%1023[^\"]\" %" SCNu64, access, &sectors,
                   type, name, &off);
    if (n < 3)
        return blk_err_set(err, -EINVAL, "Invalid extent line: %.60s", l);
    if (sectors == 0 || sectors > (UINT64_MAX >> 10) / VMDK_SECTOR)
        return blk_err_set(err, -EINVAL, "Invalid extent size in: %.60s", l);
    if (!strcmp(type, "FLAT") || !strcmp(type, "VMFS"))
        e->type = VMDK_EXT_FLAT;
    else if (!strcmp(type, "SPARSE"))
        e->type = VMDK_EXT_SPARSE;
    else if (!strcmp(type, "ZERO"))
        e->type = VMDK_EXT_ZERO;
    else
        return blk_err_set(err, -ENOTSUP, "Unsupported extent type '%s'", type);
    if (e->type != VMDK_EXT_ZERO && n < 4)
        return blk_err_set(err, -EINVAL, "Invalid extent line: %.60s", l);
    if (e->type == VMDK_EXT_FLAT && off > (UINT64_MAX >> 10) / VMDK_SECTOR)
        return blk_err_set(err, -EINVAL, "Invalid extent offset in: %.60s", l);
    e->fd = -1;
    e->start = start;
    e->len = sectors * VMDK_SECTOR;
    e->flat_off = off * VMDK_SECTOR;
    if (n >= 4) {
        e->name = strdup(name);
        e->path = blk_backing_path(bs->filename, name);
    }
    return 0;
}

int vmdk_desc_parse(struct blk_dev *bs, struct vmdk_state *s, const char *text,
                    struct blk_err *err)
{
    char v[1024];
    if (vmdk_desc_get(text, "createType", v, sizeof(v)))
        snprintf(s->create_type, sizeof(s->create_type), "%.63s", v);
    s->cid = vmdk_desc_get(text, "CID", v, sizeof(v)) ? (uint32_t)strtoul(v, NULL, 16) : 0;
    s->parent_cid = vmdk_desc_get(text, "parentCID", v, sizeof(v))
                    ? (uint32_t)strtoul(v, NULL, 16) : UINT32_MAX;
    if (vmdk_desc_get(text, "parentFileNameHint", v, sizeof(v)) && v[0])
        bs->backing_file = strdup(v);
    return 0;
}

/* the extent lines of a descriptor file, each opened by the caller */
int vmdk_desc_extents(struct blk_dev *bs, struct vmdk_state *s, const char *text,
                      struct blk_err *err)
{
    uint64_t start = 0;
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        while (*l == ' ' || *l == '\t')
            l++;
        if (strncmp(l, "RW ", 3) && strncmp(l, "RDONLY ", 7) && strncmp(l, "NOACCESS ", 9))
            continue;
        if (s->n >= VMDK_MAX_EXTENTS)
            return blk_err_set(err, -EINVAL, "too many extents (more than %d)",
                               VMDK_MAX_EXTENTS);
        struct vmdk_extent *ne = realloc(s->ext, (size_t)(s->n + 1) * sizeof(*ne));
        if (!ne)
            return blk_err_set(err, -ENOMEM, "out of memory");
        s->ext = ne;
        memset(&s->ext[s->n], 0, sizeof(*ne));
        s->ext[s->n].fd = -1;
        int ret = parse_extent_line(bs, &s->ext[s->n], l, start, err);
        s->n++;
        if (ret < 0)
            return ret;
        start += s->ext[s->n - 1].len;
        if (start > (UINT64_MAX >> 2))
            return blk_err_set(err, -EINVAL, "extents add up to an absurd size");
    }
    if (!s->n)
        return blk_err_set(err, -EINVAL, "descriptor has no extents");
    bs->size = start;
    return 0;
}

char *vmdk_desc_build(const struct blk_create_opts *o, const char *create_type,
                      uint32_t cid, uint32_t parent_cid, const char *parent_hint,
                      const char *extent_lines)
{
    const char *adapter = o->vmdk.adapter_type ? o->vmdk.adapter_type : "ide";
    const char *hw = o->vmdk.hwversion ? o->vmdk.hwversion : o->vmdk.compat6 ? "6" : "4";
    const char *tools = o->vmdk.toolsversion ? o->vmdk.toolsversion : "2147483647";
    int heads = !strcmp(adapter, "ide") ? 16 : 255;
    uint64_t cyl = o->size / VMDK_SECTOR / (uint64_t)(heads * 63);
    char parent[1100] = "";
    if (parent_hint)
        snprintf(parent, sizeof(parent), "parentFileNameHint=\"%s\"", parent_hint);
    char *d = NULL;
    if (asprintf(&d, "# Disk DescriptorFile\nversion=1\nCID=%08x\nparentCID=%08x\n"
                 "createType=\"%s\"\n%s\n# Extent description\n%s\n"
                 "# The Disk Data Base\n#DDB\n\n"
                 "ddb.virtualHWVersion = \"%s\"\nddb.geometry.cylinders = \"%" PRIu64 "\"\n"
                 "ddb.geometry.heads = \"%d\"\nddb.geometry.sectors = \"63\"\n"
                 "ddb.adapterType = \"%s\"\nddb.toolsVersion = \"%s\"\n",
                 cid, parent_cid, create_type, parent, extent_lines, hw,
                 cyl, heads, adapter, tools) < 0)
        return NULL;
    return d;
}
