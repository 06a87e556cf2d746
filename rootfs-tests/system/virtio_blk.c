/*
 * virtio_blk: drive the first virtio-blk device.  Reads sector 0 and prints
 * its FNV-1a checksum, writes a pattern to sector 1 ("noread" skips the
 * read-back), reads it back, flushes, reports the status of each request
 * and the capacity, then powers off.  The host compares the checksum with
 * the image's and looks for the pattern in the file.
 */
#include "guest.h"
#include "virtio.h"

static struct vq q0;
static uint8_t sector[512] __attribute__((aligned(512)));
static struct { uint32_t type, reserved; uint64_t sector; } hdr;
static uint8_t status;

static uint8_t blk_req(struct vdev *d, uint32_t type, uint64_t s, int with_data, int dev_writes)
{
    hdr.type = type;
    hdr.sector = s;
    status = 0xff;
    int n = 0;
    q0.desc[n++] = (struct vq_desc){ (uintptr_t)&hdr, 16, 0, 0 };
    if (with_data)
        q0.desc[n++] = (struct vq_desc){ (uintptr_t)sector, 512, dev_writes ? 2 : 0, 0 };
    q0.desc[n++] = (struct vq_desc){ (uintptr_t)&status, 1, 2, 0 };
    virtio_submit(d, 0, n);
    virtio_wait(d, 0);
    return status;
}

static uint32_t fnv1a(const uint8_t *p, int n)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

uint32_t guest_main(struct hvm_start_info *si)
{
    struct vdev d;
    if (!virtio_find(&d, 2)) {
        puts_("virtio-blk: no device\n");
        return 1;
    }
    if (!virtio_negotiate(&d, 0) || !virtio_queue(&d, 0, &q0)) {
        puts_("virtio-blk: negotiation or queue set-up refused\n");
        return 2;
    }
    virtio_driver_ok(&d);
    puts_("capacity ");
    put_dec(d.r[0x100 / 4]);
    puts_("\n");

    uint8_t st = blk_req(&d, 0, 0, 1, 1);
    puts_("read status ");
    put_dec(st);
    puts_(" sector0 fnv1a ");
    put_hex(fnv1a(sector, 512));
    puts_("\n");

    for (int i = 0; i < 512; i++)
        sector[i] = (uint8_t)(i * 7 + 3);
    puts_("write status ");
    put_dec(blk_req(&d, 1, 1, 1, 0));
    puts_("\n");
    if (!cmdline_arg(si, "noread")) {
        for (int i = 0; i < 512; i++)
            sector[i] = 0;
        st = blk_req(&d, 0, 1, 1, 1);
        int same = 1;
        for (int i = 0; i < 512; i++)
            same &= sector[i] == (uint8_t)(i * 7 + 3);
        puts_("readback status ");
        put_dec(st);
        puts_(same ? " pattern\n" : " other\n");
    }
    puts_("flush status ");
    put_dec(blk_req(&d, 4, 0, 0, 0));
    puts_("\n");
    /* "debugexit": end through isa-debug-exit (status 1), which QEMU's microvm has
     * and its PM port does not, for the comparison with qemu-system-x86_64 */
    if (cmdline_arg(si, "debugexit"))
        return 0;
    poweroff();
}
