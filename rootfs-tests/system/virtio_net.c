/*
 * virtio_net: drive the first virtio-net device behind -netdev user.  Sends
 * an ARP request for the gateway 10.0.2.2 and prints the reply's MAC, then
 * a UDP datagram from 10.0.2.15 to 10.0.2.2:PORT ("udp=PORT" on the command
 * line), which slirp delivers to the host's loopback where the test
 * listens; then powers off.  Polls the used rings, like virtio_blk.
 */
#include "guest.h"
#include "virtio.h"

static struct vq rxq, txq;
static uint8_t rxbuf[VQ_NUM][2048];
static uint8_t txbuf[2048];
static uint8_t mac[6];

static void tx(struct vdev *d, const uint8_t *frame, int len)
{
    for (int i = 0; i < 12; i++)
        txbuf[i] = 0;               /* virtio_net_hdr: no offloads */
    for (int i = 0; i < len; i++)
        txbuf[12 + i] = frame[i];
    txq.desc[0] = (struct vq_desc){ (uintptr_t)txbuf, 12 + len, 0, 0 };
    virtio_submit(d, 1, 1);
    virtio_wait(d, 1);
}

/* the next received frame (past the 12-byte header); its length */
static uint8_t *rx(struct vdev *d, int *len)
{
    uint16_t slot = d->seen[0] % VQ_NUM;
    uint32_t n = virtio_wait(d, 0);
    uint32_t id = rxq.used_ring[slot].id;
    *len = n - 12;
    return rxbuf[id] + 12;
}

static void rx_refill(struct vdev *d, uint8_t *frame)
{
    int id = (frame - 12 - rxbuf[0]) / 2048;
    rxq.avail_ring[rxq.avail_idx % VQ_NUM] = id;
    barrier();
    rxq.avail_idx++;
    vw(d, 0x50, 0);
}

static uint16_t csum(const uint8_t *p, int n)
{
    uint32_t s = 0;
    for (int i = 0; i + 1 < n; i += 2)
        s += p[i] << 8 | p[i + 1];
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return ~s;
}

static void put_mac(const uint8_t *m)
{
    for (int i = 0; i < 6; i++) {
        char b[4] = { "0123456789abcdef"[m[i] >> 4], "0123456789abcdef"[m[i] & 15], i < 5 ? ':' : 0, 0 };
        puts_(b);
    }
}

uint32_t guest_main(struct hvm_start_info *si)
{
    struct vdev d;
    if (!virtio_find(&d, 1)) {
        puts_("virtio-net: no device\n");
        return 1;
    }
    if (!virtio_negotiate(&d, 1u << 5) || !virtio_queue(&d, 0, &rxq) || !virtio_queue(&d, 1, &txq)) {
        puts_("virtio-net: negotiation or queue set-up refused\n");
        return 2;
    }
    for (int i = 0; i < 6; i++)
        mac[i] = ((volatile uint8_t *)d.r)[0x100 + i];
    for (int i = 0; i < VQ_NUM; i++) {
        rxq.desc[i] = (struct vq_desc){ (uintptr_t)rxbuf[i], 2048, 2, 0 };
        rxq.avail_ring[i] = i;
    }
    barrier();
    rxq.avail_idx = VQ_NUM;
    virtio_driver_ok(&d);
    puts_("mac ");
    put_mac(mac);
    puts_("\n");

    static const uint8_t me_ip[4] = { 10, 0, 2, 15 }, gw_ip[4] = { 10, 0, 2, 2 };
    uint8_t f[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    for (int i = 0; i < 6; i++)
        f[6 + i] = f[22 + i] = mac[i];
    static const uint8_t arp_hdr[10] = { 8, 6, 0, 1, 8, 0, 6, 4, 0, 1 };
    for (int i = 0; i < 10; i++)
        f[12 + i] = arp_hdr[i];
    for (int i = 0; i < 4; i++) {
        f[28 + i] = me_ip[i];
        f[38 + i] = gw_ip[i];
    }
    tx(&d, f, 42);
    uint8_t gw_mac[6];
    for (;;) {
        int len;
        uint8_t *r = rx(&d, &len);
        int is_reply = len >= 42 && r[12] == 8 && r[13] == 6 && r[21] == 2 && r[28] == 10 && r[29] == 0 &&
                       r[30] == 2 && r[31] == 2;
        if (is_reply)
            for (int i = 0; i < 6; i++)
                gw_mac[i] = r[22 + i];
        rx_refill(&d, r);
        if (is_reply)
            break;
    }
    puts_("arp 10.0.2.2 is-at ");
    put_mac(gw_mac);
    puts_("\n");

    const char *p = cmdline_arg(si, "udp=");
    if (p) {
        static const char msg[] = "hello from the virtio-net test guest";
        uint32_t port = parse_dec(p), ulen = 8 + sizeof(msg) - 1;
        uint8_t u[14 + 20 + 8 + sizeof(msg)];
        for (int i = 0; i < (int)sizeof(u); i++)
            u[i] = 0;
        for (int i = 0; i < 6; i++) {
            u[i] = gw_mac[i];
            u[6 + i] = mac[i];
        }
        u[12] = 8;
        uint8_t *ip = u + 14;
        ip[0] = 0x45;
        ip[2] = (20 + ulen) >> 8;
        ip[3] = (20 + ulen) & 0xff;
        ip[8] = 64;
        ip[9] = 17;
        for (int i = 0; i < 4; i++) {
            ip[12 + i] = me_ip[i];
            ip[16 + i] = gw_ip[i];
        }
        uint16_t c = csum(ip, 20);
        ip[10] = c >> 8;
        ip[11] = c & 0xff;
        uint8_t *udp = ip + 20;
        udp[0] = 0x04;              /* source port 1234 */
        udp[1] = 0xd2;
        udp[2] = port >> 8;
        udp[3] = port & 0xff;
        udp[4] = ulen >> 8;
        udp[5] = ulen & 0xff;
        for (int i = 0; i < (int)sizeof(msg) - 1; i++)
            udp[8 + i] = msg[i];
        tx(&d, u, 14 + 20 + ulen);
        puts_("udp sent\n");
    }
    /* "debugexit": end through isa-debug-exit (status 1), which QEMU's microvm has
     * and its PM port does not, for the comparison with qemu-system-x86_64 */
    if (cmdline_arg(si, "debugexit"))
        return 0;
    poweroff();
}
