/*
 * The x86 board's memory map, boot GDT and initrd placement (layout.h).
 */
#include "hw/x86/layout.h"
#include "sysemu/machine.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

uint64_t x86_low_ram_size(struct machine *m)
{
    return m->ram_size < X86_LOW_RAM_MAX ? m->ram_size : X86_LOW_RAM_MAX;
}

int x86_e820(struct machine *m, struct e820_entry *out, int max)
{
    uint64_t low = x86_low_ram_size(m);
    struct e820_entry e[] = {
        { 0, X86_LOW_RAM_END, E820_RAM },
        { X86_LOW_RAM_END, X86_KERNEL_ADDR - X86_LOW_RAM_END, E820_RESERVED },
        { X86_KERNEL_ADDR, low - X86_KERNEL_ADDR, E820_RAM },
        { X86_HIGH_RAM_BASE, m->ram_size - low, E820_RAM },
    };
    int n = 0;
    for (size_t i = 0; i < sizeof(e) / sizeof(e[0]) && n < max; i++)
        if (e[i].size)
            out[n++] = e[i];
    return n;
}

void x86_write_gdt(struct machine *m, int long64)
{
    uint64_t gdt[4] = {
        0, 0,
        long64 ? 0x00af9b000000ffffull : 0x00cf9b000000ffffull,    /* 0x10: code, base 0, 4 GiB */
        0x00cf93000000ffffull,                                      /* 0x18: data */
    };
    memcpy(as_ram_ptr(&m->mem, X86_GDT_ADDR, sizeof(gdt)), gdt, sizeof(gdt));
    m->boot.gdt_base = X86_GDT_ADDR;
    m->boot.gdt_limit = sizeof(gdt) - 1;
}

int x86_load_initrd(struct machine *m, uint64_t max, uint64_t *addr, uint64_t *size, char *err, size_t errlen)
{
    *addr = *size = 0;
    if (!m->initrd)
        return 0;
    int fd = open(m->initrd, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        snprintf(err, errlen, "%s: %s", m->initrd, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    uint64_t top = x86_low_ram_size(m);
    if (top > max)
        top = max;
    uint64_t at = (top - st.st_size) & ~0xfffull;
    if ((uint64_t)st.st_size > top || at < X86_KERNEL_ADDR + (4 << 20)) {
        snprintf(err, errlen, "%s: the initrd (%lld bytes) does not fit in the guest's RAM below 0x%llx",
                 m->initrd, (long long)st.st_size, (unsigned long long)top);
        close(fd);
        return -1;
    }
    uint8_t *p = as_ram_ptr(&m->mem, at, st.st_size);
    for (off_t done = 0; done < st.st_size;) {
        ssize_t r = pread(fd, p + done, st.st_size - done, done);
        if (r <= 0) {
            snprintf(err, errlen, "%s: %s", m->initrd, r < 0 ? strerror(errno) : "short read");
            close(fd);
            return -1;
        }
        done += r;
    }
    close(fd);
    *addr = at;
    *size = st.st_size;
    return 0;
}
