/*
 * The Linux x86 boot protocol for a bzImage (Documentation/arch/x86/
 * boot.rst): the setup header at 0x1f1 of the file is copied into a zeroed
 * boot_params ("zero page") together with the e820 map, the command line
 * pointer and the initrd; the protected-mode kernel (the file after the
 * setup sectors) goes to 1 MiB.  We enter it the way boot loaders skip the
 * real-mode setup code: at startup_64 (load address + 0x200) in long mode
 * with identity-mapped page tables when the kernel announces XLF_KERNEL_64
 * (protocol 2.12+), else at its 32-bit entry in flat protected mode;
 * %rsi/%esi holds the zero page.  A relocatable kernel goes to 1 MiB, as
 * QEMU puts it; one that is not goes to its pref_address.
 */
#include "hw/x86/acpi.h"
#include "hw/x86/layout.h"
#include "sysemu/machine.h"

#include <stdio.h>
#include <string.h>

/* offsets in the boot_params / the file's first sectors (boot.rst, "THE REAL-MODE KERNEL HEADER") */
#define BP_ACPI_RSDP_ADDR 0x070   /* zero-page.rst, boot protocol 2.14 */
#define BP_E820_ENTRIES   0x1e8
#define BP_SETUP_SECTS    0x1f1
#define BP_VID_MODE       0x1fa
#define BP_JUMP_END       0x201   /* the header ends at 0x202 + this byte */
#define BP_HEADER         0x202   /* "HdrS" */
#define BP_VERSION        0x206
#define BP_TYPE_OF_LOADER 0x210
#define BP_LOADFLAGS      0x211
#define BP_CODE32_START   0x214
#define BP_RAMDISK_IMAGE  0x218
#define BP_RAMDISK_SIZE   0x21c
#define BP_CMD_LINE_PTR   0x228
#define BP_INITRD_MAX     0x22c
#define BP_XLOADFLAGS     0x236
#define BP_RELOCATABLE    0x234
#define BP_CMDLINE_SIZE   0x238
#define BP_PREF_ADDRESS   0x258
#define BP_INIT_SIZE      0x260
#define BP_E820_TABLE     0x2d0
#define BP_E820_MAX       128

#define LOADED_HIGH   0x01
#define XLF_KERNEL_64 0x01

static uint32_t get32(const uint8_t *p, int off) { uint32_t v; memcpy(&v, p + off, 4); return v; }
static uint16_t get16(const uint8_t *p, int off) { uint16_t v; memcpy(&v, p + off, 2); return v; }
static void put32(uint8_t *p, int off, uint32_t v) { memcpy(p + off, &v, 4); }
static void put16(uint8_t *p, int off, uint16_t v) { memcpy(p + off, &v, 2); }

/* identity-map the low 4 GiB with 2 MiB pages: PML4 -> PDPT -> 4 page directories */
static uint64_t write_page_tables(struct machine *m)
{
    uint64_t *pml4 = as_ram_ptr(&m->mem, X86_PAGE_TABLES, 6 * 4096);
    memset(pml4, 0, 6 * 4096);
    uint64_t *pdpt = pml4 + 512, *pd = pml4 + 1024;
    pml4[0] = (X86_PAGE_TABLES + 0x1000) | 0x3;                 /* present, writable */
    for (int i = 0; i < 4; i++)
        pdpt[i] = (X86_PAGE_TABLES + 0x2000 + i * 0x1000) | 0x3;
    for (int i = 0; i < 4 * 512; i++)
        pd[i] = ((uint64_t)i << 21) | 0x83;                     /* present, writable, 2 MiB page */
    return X86_PAGE_TABLES;
}

int x86_load_bzimage(struct machine *m, const uint8_t *img, size_t len, char *err, size_t errlen)
{
    if (len < 0x1000 || memcmp(img + BP_HEADER, "HdrS", 4))
        return 0;
    uint16_t version = get16(img, BP_VERSION);
    if (version < 0x206) {
        snprintf(err, errlen, "%s: Linux boot protocol %u.%02u is too old (2.06 or later is needed)",
                 m->kernel, version >> 8, version & 0xff);
        return -1;
    }
    if (!(img[BP_LOADFLAGS] & LOADED_HIGH)) {
        snprintf(err, errlen, "%s: a zImage (loaded low), not a bzImage; only bzImages are supported", m->kernel);
        return -1;
    }
    unsigned setup_sects = img[BP_SETUP_SECTS] ? img[BP_SETUP_SECTS] : 4;
    size_t setup_len = (setup_sects + 1) * 512;
    if (setup_len >= len) {
        snprintf(err, errlen, "%s: the setup sectors (%u) fill the whole file", m->kernel, setup_sects);
        return -1;
    }
    size_t kernel_len = len - setup_len;
    /* a kernel that cannot relocate itself runs only at its preferred address (2.10+) */
    uint64_t load = X86_KERNEL_ADDR;
    if (version >= 0x20a && !img[BP_RELOCATABLE]) {
        memcpy(&load, img + BP_PREF_ADDRESS, 8);
        if (load < X86_KERNEL_ADDR)
            load = X86_KERNEL_ADDR;
    }
    /* init_size: what the kernel needs from its load address on while it decompresses and starts (2.10+) */
    uint64_t need = kernel_len;
    if (version >= 0x20a && get32(img, BP_INIT_SIZE) > need)
        need = get32(img, BP_INIT_SIZE);
    uint8_t *kdst = as_ram_ptr(&m->mem, load, need);
    if (!kdst) {
        snprintf(err, errlen, "%s: the kernel needs %llu MiB of RAM from 0x%llx on; give the machine more -m",
                 m->kernel, (unsigned long long)(need >> 20) + 1, (unsigned long long)load);
        return -1;
    }
    memcpy(kdst, img + setup_len, kernel_len);

    uint8_t *bp = as_ram_ptr(&m->mem, X86_ZERO_PAGE, 4096);
    memset(bp, 0, 4096);
    size_t hdr_end = 0x202 + img[BP_JUMP_END];
    if (hdr_end > 0x1000 || hdr_end < BP_CMDLINE_SIZE + 4)
        hdr_end = BP_CMDLINE_SIZE + 4;
    memcpy(bp + BP_SETUP_SECTS, img + BP_SETUP_SECTS, hdr_end - BP_SETUP_SECTS);
    bp[BP_TYPE_OF_LOADER] = 0xff;           /* an undefined boot loader */
    put16(bp, BP_VID_MODE, 0xffff);         /* "normal" */

    const char *cmd = m->append ? m->append : "";
    uint32_t cmd_max = get32(img, BP_CMDLINE_SIZE);
    if (strlen(cmd) > cmd_max || strlen(cmd) >= X86_CMDLINE_MAX) {
        snprintf(err, errlen, "-append: the command line is longer than the kernel accepts (%u bytes)", cmd_max);
        return -1;
    }
    strcpy(as_ram_ptr(&m->mem, X86_CMDLINE_ADDR, X86_CMDLINE_MAX), cmd);
    put32(bp, BP_CMD_LINE_PTR, X86_CMDLINE_ADDR);
    /* boot_params.acpi_rsdp_addr (protocol 2.14); older kernels find the RSDP by the legacy search */
    uint64_t rsdp = x86_write_acpi(m);
    memcpy(bp + BP_ACPI_RSDP_ADDR, &rsdp, 8);

    struct e820_entry e[8];
    int n = x86_e820(m, e, 8);
    bp[BP_E820_ENTRIES] = n;
    for (int i = 0; i < n; i++)
        memcpy(bp + BP_E820_TABLE + i * 20, &e[i], 20);     /* packed: addr, size, type */

    uint64_t rd_addr, rd_size;
    uint32_t initrd_max = get32(img, BP_INITRD_MAX);
    if (x86_load_initrd(m, (uint64_t)initrd_max + 1, &rd_addr, &rd_size, err, errlen) < 0)
        return -1;
    put32(bp, BP_RAMDISK_IMAGE, rd_addr);
    put32(bp, BP_RAMDISK_SIZE, rd_size);

    bool entry64 = version >= 0x20c && (get16(img, BP_XLOADFLAGS) & XLF_KERNEL_64);
    x86_write_gdt(m, entry64);
    m->boot.rsi = X86_ZERO_PAGE;
    m->boot.rbx = 0;
    m->boot.rsp = 0;
    if (entry64) {
        m->boot.mode = X86_BOOT_LONG64;
        m->boot.rip = load + 0x200;
        m->boot.cr3 = write_page_tables(m);
    } else {
        m->boot.mode = X86_BOOT_FLAT32;
        /* code32_start tells the kernel where it was put (boot.rst: a loader may change it) */
        put32(bp, BP_CODE32_START, load);
        m->boot.rip = load;
    }
    return 1;
}
