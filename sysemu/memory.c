/*
 * Address spaces and access dispatch (memory.h).
 */
#include "sysemu/memory.h"
#include "sysemu/log.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static pthread_mutex_t device_lock = PTHREAD_MUTEX_INITIALIZER;

void sysemu_lock(void) { pthread_mutex_lock(&device_lock); }
void sysemu_unlock(void) { pthread_mutex_unlock(&device_lock); }

void as_init(struct address_space *as, const char *name)
{
    memset(as, 0, sizeof(*as));
    as->name = name;
}

static struct mem_region *as_insert(struct address_space *as, const char *name, uint64_t base, uint64_t size)
{
    if (as->n == AS_MAX_REGIONS || size == 0 || base + size < base) {
        errno = EINVAL;
        return NULL;
    }
    int i = 0;
    while (i < as->n && as->r[i].base < base)
        i++;
    if ((i < as->n && base + size > as->r[i].base) ||
        (i > 0 && as->r[i - 1].base + as->r[i - 1].size > base)) {
        errno = EEXIST;     /* overlapping regions are a board bug */
        return NULL;
    }
    memmove(&as->r[i + 1], &as->r[i], (as->n - i) * sizeof(as->r[0]));
    as->n++;
    struct mem_region *r = &as->r[i];
    memset(r, 0, sizeof(*r));
    snprintf(r->name, sizeof(r->name), "%s", name);
    r->base = base;
    r->size = size;
    return r;
}

struct mem_region *as_add_ram(struct address_space *as, const char *name, uint64_t base, uint64_t size)
{
    /* NORESERVE: like a real machine's RAM, pages cost nothing until the guest touches them */
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    struct mem_region *r = as_insert(as, name, base, size);
    if (!r) {
        munmap(p, size);
        return NULL;
    }
    r->kind = MEM_RAM;
    r->host = p;
    return r;
}

struct mem_region *as_add_io(struct address_space *as, const char *name, uint64_t base, uint64_t size,
                             const struct mem_ops *ops, void *opaque)
{
    struct mem_region *r = as_insert(as, name, base, size);
    if (r) {
        r->kind = MEM_IO;
        r->ops = ops;
        r->opaque = opaque;
    }
    return r;
}

struct mem_region *as_find(struct address_space *as, uint64_t addr)
{
    int lo = 0, hi = as->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        struct mem_region *r = &as->r[mid];
        if (addr < r->base)
            hi = mid;
        else if (addr - r->base >= r->size)
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

void *as_ram_ptr(struct address_space *as, uint64_t addr, uint64_t len)
{
    struct mem_region *r = as_find(as, addr);
    if (!r || r->kind != MEM_RAM || len > r->size - (addr - r->base))
        return NULL;
    return (uint8_t *)r->host + (addr - r->base);
}

void as_read(struct address_space *as, uint64_t addr, void *data, unsigned size)
{
    struct mem_region *r = as_find(as, addr);
    if (r && r->kind == MEM_RAM && size <= r->size - (addr - r->base)) {
        memcpy(data, (uint8_t *)r->host + (addr - r->base), size);
        return;
    }
    uint64_t v = ~0ull;
    if (r && r->kind == MEM_IO && r->ops->read) {
        sysemu_lock();
        v = r->ops->read(r->opaque, addr - r->base, size);
        sysemu_unlock();
    } else {
        sysemu_log(LOG_GUEST_ERRORS, "%s: read of %u bytes at unassigned 0x%" PRIx64, as->name, size, addr);
    }
    memcpy(data, &v, size);
}

void as_write(struct address_space *as, uint64_t addr, const void *data, unsigned size)
{
    struct mem_region *r = as_find(as, addr);
    if (r && r->kind == MEM_RAM && size <= r->size - (addr - r->base)) {
        memcpy((uint8_t *)r->host + (addr - r->base), data, size);
        return;
    }
    uint64_t v = 0;
    memcpy(&v, data, size);
    if (r && r->kind == MEM_IO && r->ops->write) {
        sysemu_lock();
        r->ops->write(r->opaque, addr - r->base, v, size);
        sysemu_unlock();
    } else {
        sysemu_log(LOG_GUEST_ERRORS, "%s: write of %u bytes (0x%" PRIx64 ") at unassigned 0x%" PRIx64,
                   as->name, size, v, addr);
    }
}

void as_print(struct address_space *as, void (*print)(void *opaque, const char *line), void *opaque)
{
    char line[128];
    snprintf(line, sizeof(line), "address-space: %s", as->name);
    print(opaque, line);
    for (int i = 0; i < as->n; i++) {
        struct mem_region *r = &as->r[i];
        snprintf(line, sizeof(line), "  %016" PRIx64 "-%016" PRIx64 " (prio 0, %s): %s",
                 r->base, r->base + r->size - 1, r->kind == MEM_RAM ? "ram" : "i/o", r->name);
        print(opaque, line);
    }
}
