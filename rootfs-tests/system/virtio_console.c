/*
 * virtio_console: the virtio-rng and virtio-console test guest.  Asks the
 * rng twice for 16 bytes and reports on COM1 how many came, how many
 * distinct values they hold and whether the two answers differ (the bytes
 * themselves say nothing a test can check).  Then reads the console's
 * receiveq until a newline, writes the line back on the transmitq behind
 * "echo: ", and powers off ("debugexit": through isa-debug-exit, for QEMU).
 * With "banner" it only writes "banner from the virtio console" and ends,
 * for chardevs that give no input (file).
 * Only VERSION_1 is negotiated, so the console is single-port even where
 * the device offers MULTIPORT (QEMU's virtio-serial-device).
 */
#include "guest.h"
#include "virtio.h"

static struct vq rngq, rxq, txq;
static uint8_t r1[16], r2[16];
static char rxbuf[64], line[128], txbuf[160];

static uint32_t rng_read(struct vdev *d, uint8_t *buf)
{
    rngq.desc[0] = (struct vq_desc){ (uintptr_t)buf, 16, 2, 0 };
    virtio_submit(d, 0, 1);
    return virtio_wait(d, 0);
}

static void rng_report(void)
{
    struct vdev d;
    if (!virtio_find(&d, 4)) {
        puts_("rng: no device\n");
        return;
    }
    if (!virtio_negotiate(&d, 0) || !virtio_queue(&d, 0, &rngq)) {
        puts_("rng: negotiation or queue set-up refused\n");
        return;
    }
    virtio_driver_ok(&d);
    uint32_t n1 = rng_read(&d, r1), n2 = rng_read(&d, r2);
    int distinct = 0, differ = 0;
    for (int i = 0; i < 16; i++) {
        int first = 1;
        for (int j = 0; j < i; j++)
            first &= r1[j] != r1[i];
        distinct += first;
        differ |= r1[i] != r2[i];
    }
    puts_("rng bytes ");
    put_dec(n1);
    puts_(" and ");
    put_dec(n2);
    puts_(" distinct ");
    put_dec(distinct);
    puts_(differ ? " differ yes\n" : " differ no\n");
}

static void console_write(struct vdev *d, const char *s, int n)
{
    txq.desc[0] = (struct vq_desc){ (uintptr_t)s, n, 0, 0 };
    virtio_submit(d, 1, 1);
    virtio_wait(d, 1);
}

static int console_echo(int banner_only)
{
    struct vdev d;
    if (!virtio_find(&d, 3)) {
        puts_("console: no device\n");
        return 1;
    }
    if (!virtio_negotiate(&d, 0) || !virtio_queue(&d, 0, &rxq) || !virtio_queue(&d, 1, &txq)) {
        puts_("console: negotiation or queue set-up refused\n");
        return 2;
    }
    virtio_driver_ok(&d);
    puts_("console ready\n");
    if (banner_only) {
        static const char banner[] = "banner from the virtio console\n";
        console_write(&d, banner, sizeof(banner) - 1);
        puts_("console banner written\n");
        return 0;
    }
    int n = 0;
    while (n < (int)sizeof(line)) {
        rxq.desc[0] = (struct vq_desc){ (uintptr_t)rxbuf, sizeof(rxbuf), 2, 0 };
        virtio_submit(&d, 0, 1);
        uint32_t got = virtio_wait(&d, 0);
        int nl = 0;
        for (uint32_t i = 0; i < got && i < sizeof(rxbuf) && n < (int)sizeof(line); i++) {
            line[n++] = rxbuf[i];
            nl |= rxbuf[i] == '\n';
        }
        if (nl)
            break;
    }
    const char *prefix = "echo: ";
    int t = 0;
    while (prefix[t])
        txbuf[t] = prefix[t], t++;
    for (int i = 0; i < n; i++)
        txbuf[t++] = line[i];
    console_write(&d, txbuf, t);
    puts_("console echoed ");
    put_dec(n);
    puts_(" bytes\n");
    return 0;
}

uint32_t guest_main(struct hvm_start_info *si)
{
    rng_report();
    int r = console_echo(cmdline_arg(si, "banner") != 0);
    if (r || cmdline_arg(si, "debugexit"))
        return r;
    poweroff();
}
