/*
 * virtio-mmio and virtio-blk against a driver written in this file: feature
 * negotiation, queue setup, reads, writes, flushes, discard and write-zeroes
 * through raw and qcow2 images made by qemu-img (the oracle: qemu-img
 * converts the result back to raw for comparison and checks the qcow2),
 * readonly=on, snapshot=on leaving the file's bytes unchanged, and malformed
 * rings that must set DEVICE_NEEDS_RESET without hurting the process.
 */
#include "hw/virtio/blk.h"
#include "hw/virtio/drive.h"
#include "hw/virtio/tests/driver.h"
#include "imgutil/blk.h"
#include "sysemu/tests/tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DISK_SIZE  (4u << 20)
#define QBASE      (RAM_BASE)               /* queue rings */
#define HDR        (RAM_BASE + 0x10000)     /* request header */
#define STATUS     (RAM_BASE + 0x11000)     /* status byte */
#define INDIRECT   (RAM_BASE + 0x12000)     /* indirect descriptor table */
#define DATA       (RAM_BASE + 0x100000)    /* data buffers, up to 1 MiB */
#define QNUM       128

static char dir[64];
static uint8_t *model;                      /* what the disk must contain */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return system(cmd);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    uint8_t *b = malloc(*len ? *len : 1);
    if (fread(b, 1, *len, f) != *len) {
        free(b);
        b = NULL;
    }
    fclose(f);
    return b;
}

static uint64_t fnv(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t file_sum(const char *path)
{
    size_t n;
    uint8_t *b = slurp(path, &n);
    uint64_t h = b ? fnv(b, n) : 0;
    free(b);
    return h;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245 + 12345;
        p[i] = seed >> 16;
    }
}

struct disk {
    struct virtio_blk b;
    struct drv_queue q;
    uint16_t head;
};

static bool disk_open(struct disk *k, const char *spec, uint64_t features)
{
    struct drive_opts o;
    char err[512];
    memset(k, 0, sizeof(*k));
    if (drive_parse(spec, &o, err, sizeof(err)) < 0) {
        printf("# drive_parse %s: %s\n", spec, err);
        return false;
    }
    struct blk_dev *bs = drive_open(&o, err, sizeof(err));
    if (!bs) {
        printf("# drive_open %s: %s\n", spec, err);
        drive_opts_free(&o);
        return false;
    }
    int r = virtio_blk_init(&k->b, bs, &o, fake_mem(), fake_irq_line());
    drive_opts_free(&o);
    if (r < 0)
        return false;
    struct virtio_dev *d = &k->b.vdev;
    if (!drv_negotiate(d, dev_features(d) & features))
        return false;
    if (!drv_queue_setup(d, &k->q, 0, QNUM, QBASE))
        return false;
    drv_ok(d);
    return true;
}

/* one request: header, nseg data buffers at DATA of len bytes in total, status;
 * returns the status byte, -1 on time-out; *written the used length */
static int blk_req(struct disk *k, uint32_t type, uint64_t sector, uint32_t len, int nseg, bool indirect,
                   uint32_t *written)
{
    struct { uint32_t type, reserved; uint64_t sector; } h = { type, 0, sector };
    memcpy(gpa(HDR), &h, sizeof(h));
    *(uint8_t *)gpa(STATUS) = 0xee;
    bool dev_writes = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
    struct drv_buf b[8];
    int n = 0;
    b[n++] = (struct drv_buf){ HDR, sizeof(h), false };
    uint32_t off = 0;
    for (int i = 0; i < nseg; i++) {
        uint32_t c = i + 1 < nseg ? len / nseg : len - off;
        b[n++] = (struct drv_buf){ DATA + off, c, dev_writes };
        off += c;
    }
    b[n++] = (struct drv_buf){ STATUS, 1, true };
    uint16_t head = k->head;
    k->head = (k->head + n) % QNUM;
    if (k->head + 8 > QNUM)
        k->head = 0;
    drv_chain(&k->q, head, b, n, indirect ? INDIRECT : 0);
    drv_publish(&k->q, head);
    drv_notify(&k->b.vdev, &k->q);
    if (!drv_wait_used(&k->q, k->q.avail_idx))
        return -1;
    uint32_t id;
    drv_used_elem(&k->q, k->q.avail_idx - 1, &id, written);
    if (id != head)
        return -2;
    return *(uint8_t *)gpa(STATUS);
}

static void test_registers_and_features(const char *raw)
{
    struct disk k;
    char spec[256];
    snprintf(spec, sizeof(spec), "file=%s,format=raw,if=virtio", raw);
    ok(disk_open(&k, spec, ~0ull), "a raw drive opens and the driver initialises");
    struct virtio_dev *d = &k.b.vdev;
    ok(rd(d, VIRTIO_MMIO_MAGIC_VALUE) == 0x74726976 && rd(d, VIRTIO_MMIO_VERSION) == 2 &&
       rd(d, VIRTIO_MMIO_DEVICE_ID) == 2 && rd(d, VIRTIO_MMIO_VENDOR_ID) == 0x554d4551,
       "magic, version 2, device ID 2, vendor");
    uint64_t f = dev_features(d);
    uint64_t want = 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_EVENT_IDX | 1ull << VIRTIO_F_INDIRECT_DESC |
                    1ull << VIRTIO_BLK_F_SIZE_MAX | 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE |
                    1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_BLK_F_DISCARD | 1ull << VIRTIO_BLK_F_WRITE_ZEROES;
    ok((f & want) == want && !(f & 1ull << VIRTIO_BLK_F_RO), "features offered: 0x%llx", (unsigned long long)f);
    uint32_t cap_lo = virtio_mmio_read(d, 0x100, 4), cap_hi = virtio_mmio_read(d, 0x104, 4);
    ok(cap_lo == DISK_SIZE / 512 && cap_hi == 0, "capacity %u sectors in the config space", cap_lo);
    ok(virtio_mmio_read(d, 0x100 + VIRTIO_BLK_CFG_BLK_SIZE, 4) == 512 &&
       virtio_mmio_read(d, 0x100 + VIRTIO_BLK_CFG_SEG_MAX, 4) >= 8 &&
       virtio_mmio_read(d, 0x100, 1) == (DISK_SIZE / 512 & 0xff), "blk_size, seg_max, byte-wide config read");
    ok(rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX) >= QNUM, "QueueNumMax %u", rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX));
    wr(d, VIRTIO_MMIO_QUEUE_SEL, 1);
    ok(rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX) == 0, "queue 1 does not exist (QueueNumMax 0)");

    ok(!drv_negotiate(d, f & ~(1ull << VIRTIO_F_VERSION_1)), "FEATURES_OK refused without VERSION_1");
    ok(!drv_negotiate(d, (f | 1ull << 60)), "FEATURES_OK refused for a feature not offered");
    ok(drv_negotiate(d, 1ull << VIRTIO_F_VERSION_1), "FEATURES_OK kept for VERSION_1 alone");
    wr(d, VIRTIO_MMIO_STATUS, 0);
    ok(rd(d, VIRTIO_MMIO_STATUS) == 0, "writing 0 to Status resets");

    /* queue setup the spec forbids */
    drv_negotiate(d, f);
    struct drv_queue q;
    ok(!drv_queue_setup(d, &q, 0, 100, QBASE) && (rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET),
       "QueueNum 100 (not a power of two): not ready, DEVICE_NEEDS_RESET");
    drv_negotiate(d, f);
    ok(!(rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET), "a reset clears DEVICE_NEEDS_RESET");
    ok(!drv_queue_setup(d, &q, 0, QNUM, RAM_BASE + RAM_SIZE - 64) &&
       (rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET),
       "rings past the end of RAM: not ready, DEVICE_NEEDS_RESET");
    drv_negotiate(d, f);
    ok(drv_queue_setup(d, &q, 0, QNUM, QBASE), "a valid queue after the reset becomes ready");
    virtio_blk_destroy(&k.b);
}

/* read, write, flush, zeroes, discard, GET_ID through one image; the result must match `model` */
static void test_io(const char *fmt, const char *img)
{
    struct disk k;
    char spec[256];
    uint32_t w;
    snprintf(spec, sizeof(spec), "file=%s,format=%s,if=virtio,serial=disk-%s", img, fmt, fmt);
    if (!ok(disk_open(&k, spec, ~0ull), "%s: drive opens, driver initialised", fmt))
        return;

    memset(gpa(DATA), 0, 65536);
    ok(blk_req(&k, VIRTIO_BLK_T_IN, 0, 32768, 3, false, &w) == VIRTIO_BLK_S_OK && w == 32769 &&
       !memcmp(gpa(DATA), model, 32768), "%s: IN of sectors 0-63 in 3 chained buffers matches qemu-img's image", fmt);
    memset(gpa(DATA), 0, 65536);
    ok(blk_req(&k, VIRTIO_BLK_T_IN, 1000, 4096, 4, true, &w) == VIRTIO_BLK_S_OK &&
       !memcmp(gpa(DATA), model + 1000 * 512, 4096), "%s: IN through an indirect table", fmt);

    fill(gpa(DATA), 65536, 77);
    memcpy(model + 2048 * 512, gpa(DATA), 65536);
    ok(blk_req(&k, VIRTIO_BLK_T_OUT, 2048, 65536, 2, false, &w) == VIRTIO_BLK_S_OK && w == 1,
       "%s: OUT of 64 KiB at sector 2048", fmt);
    fill(gpa(DATA), 1536, 91);
    memcpy(model + 7 * 512, gpa(DATA), 1536);
    ok(blk_req(&k, VIRTIO_BLK_T_OUT, 7, 1536, 3, true, &w) == VIRTIO_BLK_S_OK, "%s: indirect OUT at sector 7", fmt);
    ok(blk_req(&k, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false, &w) == VIRTIO_BLK_S_OK, "%s: FLUSH", fmt);

    struct { uint64_t sector; uint32_t num, flags; } seg = { 100, 8, 0 };
    memcpy(gpa(DATA), &seg, sizeof(seg));
    memset(model + 100 * 512, 0, 8 * 512);
    ok(blk_req(&k, VIRTIO_BLK_T_WRITE_ZEROES, 0, sizeof(seg), 1, false, &w) == VIRTIO_BLK_S_OK,
       "%s: WRITE_ZEROES of 8 sectors", fmt);
    memcpy(gpa(DATA), &seg, sizeof(seg));       /* discard what is zero anyway: either outcome reads zero */
    ok(blk_req(&k, VIRTIO_BLK_T_DISCARD, 0, sizeof(seg), 1, false, &w) == VIRTIO_BLK_S_OK, "%s: DISCARD", fmt);
    seg.flags = 1;
    memcpy(gpa(DATA), &seg, sizeof(seg));
    ok(blk_req(&k, VIRTIO_BLK_T_DISCARD, 0, sizeof(seg), 1, false, &w) == VIRTIO_BLK_S_UNSUPP,
       "%s: DISCARD with the unmap flag is UNSUPP", fmt);
    memset(gpa(DATA), 0, 20);
    ok(blk_req(&k, VIRTIO_BLK_T_GET_ID, 0, 20, 1, false, &w) == VIRTIO_BLK_S_OK && w == 21 &&
       !strncmp(gpa(DATA), "disk-", 5) && !strcmp((char *)gpa(DATA) + 5, fmt), "%s: GET_ID answers the serial", fmt);
    ok(blk_req(&k, VIRTIO_BLK_T_IN, DISK_SIZE / 512 - 1, 1024, 1, false, &w) == VIRTIO_BLK_S_IOERR,
       "%s: IN past the end is IOERR", fmt);
    ok(blk_req(&k, VIRTIO_BLK_T_IN, 0, 100, 1, false, &w) == VIRTIO_BLK_S_IOERR,
       "%s: IN of 100 bytes (not whole sectors) is IOERR", fmt);
    ok(blk_req(&k, 99, 0, 512, 1, false, &w) == VIRTIO_BLK_S_UNSUPP, "%s: request type 99 is UNSUPP", fmt);
    memset(gpa(DATA), 0, 65536);
    ok(blk_req(&k, VIRTIO_BLK_T_IN, 2040, 65536, 5, false, &w) == VIRTIO_BLK_S_OK &&
       !memcmp(gpa(DATA), model + 2040 * 512, 65536), "%s: the writes read back", fmt);
    ok(!(rd(&k.b.vdev, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET), "%s: device still healthy", fmt);
    ok(irq_level && (rd(&k.b.vdev, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_VRING), "%s: used-buffer interrupt pending", fmt);
    wr(&k.b.vdev, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_VRING);
    ok(!irq_level, "%s: InterruptACK lowers the line", fmt);
    virtio_blk_destroy(&k.b);

    /* the oracle: qemu-img reads the image back */
    char out[128];
    snprintf(out, sizeof(out), "%s/out-%s.raw", dir, fmt);
    size_t n = 0;
    uint8_t *got = NULL;
    if (sh("qemu-img convert -f %s -O raw %s %s", fmt, img, out) == 0)
        got = slurp(out, &n);
    ok(got && n == DISK_SIZE && !memcmp(got, model, DISK_SIZE), "%s: qemu-img reads back exactly what the guest wrote", fmt);
    free(got);
    if (!strcmp(fmt, "qcow2"))
        ok(sh("qemu-img check -q %s", img) == 0, "qcow2: qemu-img check finds the image clean");
}

static void test_readonly(const char *raw)
{
    struct disk k;
    char spec[256];
    uint32_t w;
    uint64_t before = file_sum(raw);
    snprintf(spec, sizeof(spec), "file=%s,format=raw,readonly=on", raw);
    if (!ok(disk_open(&k, spec, ~0ull), "readonly=on: drive opens"))
        return;
    ok(dev_features(&k.b.vdev) >> VIRTIO_BLK_F_RO & 1, "readonly=on offers VIRTIO_BLK_F_RO");
    fill(gpa(DATA), 4096, 5);
    ok(blk_req(&k, VIRTIO_BLK_T_OUT, 0, 4096, 1, false, &w) == VIRTIO_BLK_S_IOERR, "readonly=on: OUT is IOERR");
    struct { uint64_t sector; uint32_t num, flags; } seg = { 0, 8, 0 };
    memcpy(gpa(DATA), &seg, sizeof(seg));
    ok(blk_req(&k, VIRTIO_BLK_T_WRITE_ZEROES, 0, sizeof(seg), 1, false, &w) == VIRTIO_BLK_S_IOERR,
       "readonly=on: WRITE_ZEROES is IOERR");
    ok(blk_req(&k, VIRTIO_BLK_T_IN, 0, 4096, 1, false, &w) == VIRTIO_BLK_S_OK && !memcmp(gpa(DATA), model, 4096),
       "readonly=on: IN still works");
    virtio_blk_destroy(&k.b);
    ok(file_sum(raw) == before, "readonly=on: the file is unchanged");
}

static void test_snapshot(const char *fmt, const char *img)
{
    struct disk k;
    char spec[256];
    uint32_t w;
    uint64_t before = file_sum(img);
    snprintf(spec, sizeof(spec), "file=%s,format=%s,snapshot=on", img, fmt);
    if (!ok(disk_open(&k, spec, ~0ull), "%s snapshot=on: drive opens", fmt))
        return;
    fill(gpa(DATA), 8192, 123);
    uint8_t w8[8192];
    memcpy(w8, gpa(DATA), sizeof(w8));
    ok(blk_req(&k, VIRTIO_BLK_T_OUT, 0, 8192, 2, false, &w) == VIRTIO_BLK_S_OK &&
       blk_req(&k, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false, &w) == VIRTIO_BLK_S_OK, "%s snapshot=on: OUT and FLUSH", fmt);
    memset(gpa(DATA), 0, 16384);
    ok(blk_req(&k, VIRTIO_BLK_T_IN, 0, 16384, 1, false, &w) == VIRTIO_BLK_S_OK &&
       !memcmp(gpa(DATA), w8, 8192) && !memcmp((uint8_t *)gpa(DATA) + 8192, model + 8192, 8192),
       "%s snapshot=on: the guest reads its write, and the image below it", fmt);
    virtio_blk_destroy(&k.b);
    ok(file_sum(img) == before, "%s snapshot=on: the file's checksum is unchanged", fmt);
}

/* no format= on a raw image: sector 0 may not be made to look like another format */
static void test_probed_raw(const char *raw)
{
    struct disk k;
    char spec[256];
    uint32_t w;
    snprintf(spec, sizeof(spec), "file=%s", raw);
    uint64_t before = file_sum(raw);
    if (!ok(disk_open(&k, spec, ~0ull), "probed raw: drive without format= opens"))
        return;
    memset(gpa(DATA), 0, 512);
    memcpy(gpa(DATA), "QFI\xfb\0\0\0\3", 8);
    ok(blk_req(&k, VIRTIO_BLK_T_OUT, 0, 512, 1, false, &w) == VIRTIO_BLK_S_IOERR,
       "probed raw: writing a qcow2 header to sector 0 is IOERR");
    ok(file_sum(raw) == before, "probed raw: the file is unchanged");
    memcpy(gpa(DATA), model, 512);
    ok(blk_req(&k, VIRTIO_BLK_T_OUT, 0, 512, 1, false, &w) == VIRTIO_BLK_S_OK,
       "probed raw: an ordinary write to sector 0 is allowed");
    virtio_blk_destroy(&k.b);
    ok(file_sum(raw) == before, "probed raw: rewriting sector 0 with its own bytes leaves the file as it was");
    snprintf(spec, sizeof(spec), "file=%s,format=raw", raw);
    if (disk_open(&k, spec, ~0ull)) {
        memcpy(gpa(DATA), "QFI\xfb\0\0\0\3", 8);
        ok(blk_req(&k, VIRTIO_BLK_T_OUT, 0, 512, 1, false, &w) == VIRTIO_BLK_S_OK,
           "format=raw: the same write is the guest's business");
        memcpy(gpa(DATA), model, 512);
        blk_req(&k, VIRTIO_BLK_T_OUT, 0, 512, 1, false, &w);
        virtio_blk_destroy(&k.b);
    }
}

/* malformed rings: each must set DEVICE_NEEDS_RESET and leave the used ring alone */
static void test_malformed(const char *raw)
{
    struct disk k;
    char spec[256];
    uint32_t w;
    snprintf(spec, sizeof(spec), "file=%s,format=raw", raw);
    static const char *const what[] = {
        "a descriptor loop", "a buffer outside RAM", "an indirect table inside an indirect table",
        "an available index beyond the ring size", "a head index beyond the table",
        "a request without a status byte", "a readable buffer after a writable one",
        "an indirect table of 24 bytes",
    };
    for (int t = 0; t < (int)(sizeof(what) / sizeof(what[0])); t++) {
        if (!disk_open(&k, spec, ~0ull)) {
            ok(0, "open for malformed case %d", t);
            continue;
        }
        struct virtio_dev *d = &k.b.vdev;
        struct vring_desc *dt = desc_table(&k.q);
        struct vring_desc *it = gpa(INDIRECT);
        uint16_t head = 0;
        switch (t) {
        case 0:
            dt[0] = (struct vring_desc){ HDR, 16, VRING_DESC_F_NEXT, 1 };
            dt[1] = (struct vring_desc){ DATA, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 0 };
            break;
        case 1:
            dt[0] = (struct vring_desc){ HDR, 16, VRING_DESC_F_NEXT, 1 };
            dt[1] = (struct vring_desc){ 0x1000, 512, VRING_DESC_F_WRITE, 0 };
            break;
        case 2:
            dt[0] = (struct vring_desc){ INDIRECT, 32, VRING_DESC_F_INDIRECT, 0 };
            it[0] = (struct vring_desc){ HDR, 16, VRING_DESC_F_NEXT, 1 };
            it[1] = (struct vring_desc){ INDIRECT, 32, VRING_DESC_F_INDIRECT, 0 };
            break;
        case 3:
            k.q.avail_idx = QNUM;   /* QNUM + 1 entries after publish */
            dt[0] = (struct vring_desc){ HDR, 16, 0, 0 };
            break;
        case 4:
            head = QNUM + 3;
            break;
        case 5:
            dt[0] = (struct vring_desc){ HDR, 16, VRING_DESC_F_NEXT, 1 };
            dt[1] = (struct vring_desc){ DATA, 512, 0, 0 };
            break;
        case 6:
            dt[0] = (struct vring_desc){ HDR, 16, VRING_DESC_F_NEXT, 1 };
            dt[1] = (struct vring_desc){ STATUS, 1, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 2 };
            dt[2] = (struct vring_desc){ DATA, 512, 0, 0 };
            break;
        case 7:
            dt[0] = (struct vring_desc){ INDIRECT, 24, VRING_DESC_F_INDIRECT, 0 };
            break;
        }
        memset(gpa(HDR), 0, 16);
        int raises = irq_raises;
        drv_publish(&k.q, head);
        drv_notify(d, &k.q);
        bool broken = drv_wait_status(d, VIRTIO_STATUS_DEVICE_NEEDS_RESET);
        ok(broken && used_ring(&k.q)[1] == 0 && (rd(d, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG) &&
           irq_raises > raises, "%s: DEVICE_NEEDS_RESET, a config interrupt, nothing used", what[t]);
        /* the device works again after the driver's reset */
        wr(d, VIRTIO_MMIO_STATUS, 0);
        drv_negotiate(d, dev_features(d));
        drv_queue_setup(d, &k.q, 0, QNUM, QBASE);
        drv_ok(d);
        k.head = 0;
        ok(blk_req(&k, VIRTIO_BLK_T_IN, 0, 512, 1, false, &w) == VIRTIO_BLK_S_OK && !memcmp(gpa(DATA), model, 512),
           "after %s and a reset, requests work", what[t]);
        virtio_blk_destroy(&k.b);
    }
}

/* EVENT_IDX (2.7.10): interrupts only when the used index passes used_event; avail_event kept */
static void test_event_idx(const char *raw)
{
    struct disk k;
    char spec[256];
    uint32_t w;
    snprintf(spec, sizeof(spec), "file=%s,format=raw", raw);
    if (!disk_open(&k, spec, ~0ull)) {
        ok(0, "EVENT_IDX: open");
        return;
    }
    struct virtio_dev *d = &k.b.vdev;
    ok(virtio_has_feature(d, VIRTIO_F_EVENT_IDX), "EVENT_IDX negotiated");
    blk_req(&k, VIRTIO_BLK_T_IN, 0, 512, 1, false, &w);
    wr(d, VIRTIO_MMIO_INTERRUPT_ACK, 3);
    volatile uint16_t *a = avail_ring(&k.q);
    a[2 + QNUM] = k.q.avail_idx + 5;            /* interrupt me at the 6th completion from now */
    int raises = irq_raises;
    blk_req(&k, VIRTIO_BLK_T_IN, 0, 512, 1, false, &w);
    blk_req(&k, VIRTIO_BLK_T_IN, 0, 512, 1, false, &w);
    usleep(20000);
    ok(irq_raises == raises && !irq_level, "used_event ahead: no interrupt for two completions");
    ok(used_ring(&k.q)[2 + 4 * QNUM] == k.q.avail_idx, "avail_event follows the consumed index (%u)",
       used_ring(&k.q)[2 + 4 * QNUM]);
    a[2 + QNUM] = k.q.avail_idx;                /* the next completion */
    blk_req(&k, VIRTIO_BLK_T_IN, 0, 512, 1, false, &w);
    usleep(20000);
    ok(irq_raises == raises + 1 && irq_level, "used_event reached: one interrupt");
    virtio_blk_destroy(&k.b);

    /* without EVENT_IDX, VRING_AVAIL_F_NO_INTERRUPT suppresses */
    if (!disk_open(&k, spec, ~(1ull << VIRTIO_F_EVENT_IDX)))
        return;
    d = &k.b.vdev;
    avail_ring(&k.q)[0] = VRING_AVAIL_F_NO_INTERRUPT;
    raises = irq_raises;
    wr(d, VIRTIO_MMIO_INTERRUPT_ACK, 3);
    ok(blk_req(&k, VIRTIO_BLK_T_IN, 0, 512, 1, false, &w) == VIRTIO_BLK_S_OK && irq_raises == raises,
       "NO_INTERRUPT: completion without an interrupt");
    virtio_blk_destroy(&k.b);
}

/* random garbage in the descriptor table: every round ends in a completion
 * or DEVICE_NEEDS_RESET, never in a crash or a hang (snapshot=on: the disk
 * file stays as it is whatever the garbage writes) */
static void test_random_rings(const char *raw)
{
    struct disk k;
    char spec[256];
    uint32_t seed = 12345;
    snprintf(spec, sizeof(spec), "file=%s,format=raw,snapshot=on", raw);
    if (!disk_open(&k, spec, ~0ull)) {
        ok(0, "random rings: open");
        return;
    }
    struct virtio_dev *d = &k.b.vdev;
    int completed = 0, broken = 0, rounds = 300;
    for (int r = 0; r < rounds; r++) {
        struct vring_desc *dt = desc_table(&k.q);
        /* a valid IN/OUT request at descriptors 0-2, then random damage */
        seed = seed * 1103515245 + 12345;
        struct { uint32_t type, reserved; uint64_t sector; } h = { seed >> 20 & 1, 0, seed % 9000 };
        memcpy(gpa(HDR), &h, sizeof(h));
        dt[0] = (struct vring_desc){ HDR, 16, VRING_DESC_F_NEXT, 1 };
        dt[1] = (struct vring_desc){ DATA, 4096, VRING_DESC_F_NEXT | (h.type ? 0 : VRING_DESC_F_WRITE), 2 };
        dt[2] = (struct vring_desc){ STATUS, 1, VRING_DESC_F_WRITE, 0 };
        uint16_t head = 0;
        int damage = seed >> 8 & 7;
        for (int n = 0; n < damage; n++) {
            seed = seed * 1103515245 + 12345;
            uint32_t x = seed >> 4;
            struct vring_desc *t = &dt[x % 4];
            switch (x >> 8 & 7) {
            case 0: t->addr = (uint64_t)x << (x & 31); break;
            case 1: t->len = x; break;
            case 2: t->flags ^= 1 << (x >> 12 & 3); break;
            case 3: t->next = x >> 12 & 0xff; break;
            case 4: head = x >> 12 & 0xff; break;
            case 5: t->addr = RAM_BASE + RAM_SIZE - (x & 0xfff); break;
            case 6: t->len = 0; break;
            case 7: h.sector = x; memcpy(gpa(HDR), &h, sizeof(h)); break;
            }
        }
        uint16_t before = used_ring(&k.q)[1];
        drv_publish(&k.q, head);
        drv_notify(d, &k.q);
        bool done = false;
        for (int t = 0; t < 5000 && !done; t++) {
            if (used_ring(&k.q)[1] != before) {
                completed++;
                done = true;
            } else if (rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
                broken++;
                done = true;
            } else {
                usleep(200);
            }
        }
        if (!done)
            break;
        if (rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
            wr(d, VIRTIO_MMIO_STATUS, 0);
            drv_negotiate(d, dev_features(d));
            drv_queue_setup(d, &k.q, 0, QNUM, QBASE);
            drv_ok(d);
        }
    }
    ok(completed + broken == rounds && broken > 0 && completed > 0,
       "%d rounds of random rings: %d completed, %d refused with DEVICE_NEEDS_RESET, none hung", rounds, completed,
       broken);
    virtio_blk_destroy(&k.b);
}

static void test_parse(void)
{
    struct drive_opts o;
    char err[256];
    ok(drive_parse("file=a,,b.img,format=qcow2,if=virtio,readonly=on,snapshot=on,cache=unsafe,id=d0", &o, err,
                   sizeof(err)) == 0 && !strcmp(o.file, "a,b.img") && !strcmp(o.format, "qcow2") && o.readonly &&
       o.snapshot && o.cache == DRIVE_CACHE_UNSAFE && !strcmp(o.id, "d0"), "-drive parses every option, ',,' escapes");
    drive_opts_free(&o);
    ok(drive_parse("file=x,if=ide", &o, err, sizeof(err)) < 0 && strstr(err, "'ide'"), "if=ide refused: %s", err);
    ok(drive_parse("file=x,bogus=1", &o, err, sizeof(err)) < 0 && !strcmp(err, "Invalid parameter 'bogus'"),
       "unknown key refused: %s", err);
    ok(drive_parse("file=x,readonly=maybe", &o, err, sizeof(err)) < 0, "readonly=maybe refused: %s", err);
    ok(drive_parse("file=x,cache=sometimes", &o, err, sizeof(err)) < 0 && !strcmp(err, "invalid cache option"),
       "cache=sometimes refused: %s", err);
    ok(drive_parse("format=raw", &o, err, sizeof(err)) < 0, "no file= refused: %s", err);
    ok(drive_parse("file=x,format=nosuch", &o, err, sizeof(err)) < 0 && !strcmp(err, "Unknown driver 'nosuch'"),
       "unknown format refused: %s", err);
    ok(drive_parse("file=/nonexistent/x.img,format=raw", &o, err, sizeof(err)) == 0 && !drive_open(&o, err, sizeof(err)) &&
       strstr(err, "/nonexistent/x.img"), "a missing file: %s", err);
    drive_opts_free(&o);
}

int main(void)
{
    ram = aligned_alloc(4096, RAM_SIZE);
    memset(ram, 0, RAM_SIZE);
    snprintf(dir, sizeof(dir), "/tmp/test_virtio_blk.XXXXXX");
    if (!mkdtemp(dir) || system("qemu-img --version >/dev/null") != 0) {
        printf("1..0 # skip qemu-img (Debian qemu-utils) is the oracle and is missing\n");
        return 0;
    }
    char raw[128], qcow[128], src[128];
    snprintf(src, sizeof(src), "%s/src.raw", dir);
    snprintf(raw, sizeof(raw), "%s/disk.raw", dir);
    snprintf(qcow, sizeof(qcow), "%s/disk.qcow2", dir);
    model = malloc(DISK_SIZE);
    fill(model, DISK_SIZE, 1);
    FILE *f = fopen(src, "wb");
    fwrite(model, 1, DISK_SIZE, f);
    fclose(f);
    ok(sh("qemu-img convert -f raw -O raw %s %s && qemu-img convert -f raw -O qcow2 %s %s",
          src, raw, src, qcow) == 0, "qemu-img makes a raw and a qcow2 image of the same bytes");

    test_parse();
    test_registers_and_features(raw);
    uint8_t *orig = malloc(DISK_SIZE);
    memcpy(orig, model, DISK_SIZE);
    test_io("raw", raw);
    memcpy(model, orig, DISK_SIZE);
    test_io("qcow2", qcow);
    /* model now holds the qcow2's content, the raw file's too (same writes) */
    test_readonly(raw);
    test_snapshot("qcow2", qcow);
    test_snapshot("raw", raw);
    test_malformed(raw);
    test_probed_raw(raw);
    test_event_idx(raw);
    test_random_rings(raw);
    free(orig);
    sh("rm -rf %s", dir);
    return tap_done();
}
