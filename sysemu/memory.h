/*
 * A machine's address spaces: guest-physical memory and x86 port I/O.
 *
 * Each space is a list of non-overlapping regions, RAM (backed by anonymous
 * host memory that the accelerator maps into the guest) or I/O (a device's
 * read/write callbacks at an offset into the region).  Boards add regions
 * before the first vCPU runs; after that the lists are read-only, so
 * dispatch needs no lock on the list itself.  Device callbacks run under the
 * machine's device lock (sysemu_lock), taken by as_read/as_write.
 */
#ifndef SYSEMU_MEMORY_H
#define SYSEMU_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mem_ops {
    uint64_t (*read)(void *opaque, uint64_t off, unsigned size);
    void (*write)(void *opaque, uint64_t off, uint64_t val, unsigned size);
};

enum mem_kind { MEM_RAM, MEM_IO };

struct mem_region {
    char name[32];
    uint64_t base, size;
    enum mem_kind kind;
    void *host;                 /* RAM: the host mapping */
    const struct mem_ops *ops;  /* I/O */
    void *opaque;
};

#define AS_MAX_REGIONS 64

struct address_space {
    const char *name;           /* "memory", "I/O" (as `info mtree` prints them) */
    struct mem_region r[AS_MAX_REGIONS];    /* sorted by base */
    int n;
};

void as_init(struct address_space *as, const char *name);
/* add a RAM region backed by fresh anonymous memory; NULL with errno set when the host refuses */
struct mem_region *as_add_ram(struct address_space *as, const char *name, uint64_t base, uint64_t size);
struct mem_region *as_add_io(struct address_space *as, const char *name, uint64_t base, uint64_t size,
                             const struct mem_ops *ops, void *opaque);
struct mem_region *as_find(struct address_space *as, uint64_t addr);
/* the host address of [addr, addr+len) when it lies inside one RAM region, else NULL */
void *as_ram_ptr(struct address_space *as, uint64_t addr, uint64_t len);
/* an access of size 1, 2, 4 or 8 bytes (little-endian data); unassigned reads give all ones */
void as_read(struct address_space *as, uint64_t addr, void *data, unsigned size);
void as_write(struct address_space *as, uint64_t addr, const void *data, unsigned size);
/* `info mtree` lines */
void as_print(struct address_space *as, void (*print)(void *opaque, const char *line), void *opaque);

/* the device lock: held around every device callback, by vCPU threads and the main loop alike */
void sysemu_lock(void);
void sysemu_unlock(void);

#endif
