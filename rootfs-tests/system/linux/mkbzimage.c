/*
 * mkbzimage: wrap a flat protected-mode image (objcopy -O binary of
 * linuxboot) in a bzImage's real-mode header (Documentation/arch/x86/
 * boot.rst, "THE REAL-MODE KERNEL HEADER"), so that runtime-system's boot
 * protocol loader can be tested without a Linux kernel.  The setup code is
 * never run (loaders that enter at code32_start or +0x200 skip it).
 *
 * usage: mkbzimage IN.bin OUT VERSION XLOADFLAGS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v) { p[0] = v, p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v), put16(p + 2, v >> 16); }

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: mkbzimage IN.bin OUT VERSION XLOADFLAGS\n");
        return 1;
    }
    FILE *in = fopen(argv[1], "rb");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    static uint8_t kernel[4 << 20];
    size_t n = fread(kernel, 1, sizeof(kernel), in);
    fclose(in);
    uint8_t setup[1024] = { 0 };            /* boot sector + one setup sector */
    setup[0x1f1] = 1;                        /* setup_sects */
    put16(setup + 0x1fe, 0xaa55);            /* boot_flag */
    setup[0x200] = 0xeb;                     /* jump over the header ... */
    setup[0x201] = 0x6a;                     /* ... which ends at 0x202 + 0x6a = 0x26c */
    memcpy(setup + 0x202, "HdrS", 4);
    put16(setup + 0x206, strtoul(argv[3], NULL, 0));
    setup[0x211] = 0x01;                     /* loadflags: LOADED_HIGH */
    put32(setup + 0x214, 0x100000);          /* code32_start */
    put32(setup + 0x22c, 0x37ffffff);        /* initrd_addr_max */
    put32(setup + 0x230, 0x200000);          /* kernel_alignment */
    setup[0x234] = 1;                        /* relocatable_kernel */
    put16(setup + 0x236, strtoul(argv[4], NULL, 0));    /* xloadflags */
    put32(setup + 0x238, 2047);              /* cmdline_size */
    put32(setup + 0x258, 0x1000000);         /* pref_address (ignored: relocatable) */
    put32(setup + 0x260, (n + (1 << 20)) & ~0xfffu);    /* init_size: the image and its bss */
    FILE *out = fopen(argv[2], "wb");
    if (!out || fwrite(setup, 1, sizeof(setup), out) != sizeof(setup) || fwrite(kernel, 1, n, out) != n ||
        fclose(out)) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
