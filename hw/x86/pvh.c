/*
 * PVH entry for ELF kernels (Xen's "HVM direct boot" ABI, xen/include/
 * public/arch-x86/hvm/start_info.h, as QEMU and Firecracker implement it):
 * an ELF note XEN_ELFNOTE_PHYS32_ENTRY names a 32-bit entry point, entered
 * in flat protected mode with paging off and %ebx pointing at an
 * hvm_start_info that carries the command line, the memory map and the
 * modules (the initrd).  The ELF is read by hand: segments and notes only.
 */
#include "hw/x86/acpi.h"
#include "hw/x86/layout.h"
#include "sysemu/machine.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define HVM_START_MAGIC 0x336ec578

struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};

/* the entry from a PT_NOTE segment's notes, or 0 */
static uint64_t find_pvh_note(const uint8_t *img, size_t len, uint64_t off, uint64_t size)
{
    if (off > len || size > len - off)
        return 0;
    const uint8_t *p = img + off, *end = p + size;
    while (end - p >= 12) {
        uint32_t namesz, descsz, type;
        memcpy(&namesz, p, 4);
        memcpy(&descsz, p + 4, 4);
        memcpy(&type, p + 8, 4);
        const uint8_t *name = p + 12;
        const uint8_t *desc = name + ((namesz + 3) & ~3u);
        if (namesz > size || descsz > size || desc + descsz > end)
            return 0;
        if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 && !memcmp(name, "Xen", 4)) {
            uint64_t entry = 0;
            memcpy(&entry, desc, descsz < 8 ? descsz : 8);
            return descsz == 4 ? (uint32_t)entry : entry;
        }
        p = desc + ((descsz + 3) & ~3u);
    }
    return 0;
}

struct seg {
    uint32_t type;
    uint64_t off, paddr, filesz, memsz;
};

static int elf_segment(const uint8_t *img, size_t len, int i, struct seg *s)
{
    if (img[EI_CLASS] == ELFCLASS64) {
        const Elf64_Ehdr *eh = (const void *)img;
        Elf64_Phdr ph;
        memcpy(&ph, img + eh->e_phoff + (uint64_t)i * eh->e_phentsize, sizeof(ph));
        *s = (struct seg){ ph.p_type, ph.p_offset, ph.p_paddr, ph.p_filesz, ph.p_memsz };
    } else {
        const Elf32_Ehdr *eh = (const void *)img;
        Elf32_Phdr ph;
        memcpy(&ph, img + eh->e_phoff + (uint64_t)i * eh->e_phentsize, sizeof(ph));
        *s = (struct seg){ ph.p_type, ph.p_offset, ph.p_paddr, ph.p_filesz, ph.p_memsz };
    }
    return 0;
}

int x86_load_pvh(struct machine *m, const uint8_t *img, size_t len, char *err, size_t errlen)
{
    if (len < sizeof(Elf64_Ehdr) || memcmp(img, ELFMAG, SELFMAG))
        return 0;
    bool is64 = img[EI_CLASS] == ELFCLASS64;
    uint16_t machine, phnum, phentsize;
    uint64_t phoff;
    if (is64) {
        const Elf64_Ehdr *eh = (const void *)img;
        machine = eh->e_machine, phnum = eh->e_phnum, phentsize = eh->e_phentsize, phoff = eh->e_phoff;
    } else {
        const Elf32_Ehdr *eh = (const void *)img;
        machine = eh->e_machine, phnum = eh->e_phnum, phentsize = eh->e_phentsize, phoff = eh->e_phoff;
    }
    if (machine != EM_X86_64 && machine != EM_386) {
        snprintf(err, errlen, "%s: an ELF file for another machine (e_machine %u), not an x86 kernel",
                 m->kernel, machine);
        return -1;
    }
    if (phentsize < (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) || phoff > len ||
        (uint64_t)phnum * phentsize > len - phoff) {
        snprintf(err, errlen, "%s: ELF program headers lie outside the file", m->kernel);
        return -1;
    }
    uint64_t entry = 0;
    struct seg s;
    for (int i = 0; i < phnum && !entry; i++) {
        elf_segment(img, len, i, &s);
        if (s.type == PT_NOTE)
            entry = find_pvh_note(img, len, s.off, s.filesz);
    }
    if (!entry) {
        snprintf(err, errlen, "%s: an ELF file without a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY); "
                 "build the kernel with CONFIG_PVH or boot its bzImage", m->kernel);
        return -1;
    }
    for (int i = 0; i < phnum; i++) {
        elf_segment(img, len, i, &s);
        if (s.type != PT_LOAD || s.memsz == 0)
            continue;
        uint8_t *dst = as_ram_ptr(&m->mem, s.paddr, s.memsz);
        if (s.filesz > s.memsz || s.off > len || s.filesz > len - s.off) {
            snprintf(err, errlen, "%s: a segment lies outside the file", m->kernel);
            return -1;
        }
        if (!dst || s.paddr < X86_KERNEL_ADDR) {
            snprintf(err, errlen, "%s: a segment at 0x%llx (%llu bytes) is not inside the guest's RAM above 1 MiB",
                     m->kernel, (unsigned long long)s.paddr, (unsigned long long)s.memsz);
            return -1;
        }
        memcpy(dst, img + s.off, s.filesz);
        memset(dst + s.filesz, 0, s.memsz - s.filesz);
    }

    struct hvm_start_info *si = as_ram_ptr(&m->mem, X86_START_INFO, sizeof(*si));
    memset(si, 0, sizeof(*si));
    si->magic = HVM_START_MAGIC;
    si->version = 1;
    const char *cmd = m->append ? m->append : "";
    if (strlen(cmd) >= X86_CMDLINE_MAX) {
        snprintf(err, errlen, "-append: the command line is longer than %d bytes", X86_CMDLINE_MAX - 1);
        return -1;
    }
    strcpy(as_ram_ptr(&m->mem, X86_CMDLINE_ADDR, X86_CMDLINE_MAX), cmd);
    si->cmdline_paddr = X86_CMDLINE_ADDR;
    si->rsdp_paddr = x86_write_acpi(m);

    struct e820_entry e[8];
    int n = x86_e820(m, e, 8);
    struct hvm_memmap_table_entry *mm = as_ram_ptr(&m->mem, X86_MEMMAP_ADDR, n * sizeof(*mm));
    for (int i = 0; i < n; i++)
        mm[i] = (struct hvm_memmap_table_entry){ e[i].addr, e[i].size, e[i].type, 0 };
    si->memmap_paddr = X86_MEMMAP_ADDR;
    si->memmap_entries = n;

    uint64_t rd_addr, rd_size;
    if (x86_load_initrd(m, X86_LOW_RAM_MAX, &rd_addr, &rd_size, err, errlen) < 0)
        return -1;
    if (rd_size) {
        struct hvm_modlist_entry *mod = as_ram_ptr(&m->mem, X86_MODLIST_ADDR, sizeof(*mod));
        *mod = (struct hvm_modlist_entry){ rd_addr, rd_size, 0, 0 };
        si->nr_modules = 1;
        si->modlist_paddr = X86_MODLIST_ADDR;
    }

    x86_write_gdt(m, 0);
    m->boot.mode = X86_BOOT_FLAT32;
    m->boot.rip = entry;
    m->boot.rbx = X86_START_INFO;
    m->boot.rsi = 0;
    m->boot.rsp = 0;
    return 1;
}
