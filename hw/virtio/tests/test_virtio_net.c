/*
 * virtio-net against a driver written here, over a socketpair-backed netdev
 * (one datagram per frame, like a tap device): TX frames arrive whole on the
 * other end, frames sent from it fill RX buffers (one chain, or several with
 * VIRTIO_NET_F_MRG_RXBUF), RX waits for buffers instead of dropping, and the
 * -netdev parser refuses what it cannot do in one line.
 */
#include "hw/net/netdev.h"
#include "hw/virtio/net.h"
#include "hw/virtio/tests/driver.h"
#include "sysemu/tests/tap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RXQ_BASE (RAM_BASE)
#define TXQ_BASE (RAM_BASE + 0x10000)
#define TXBUF    (RAM_BASE + 0x20000)
#define RXBUF    (RAM_BASE + 0x100000)
#define QNUM     64

struct nic {
    struct virtio_net n;
    struct drv_queue rx, tx;
    int peer;                   /* the other end of the socketpair: the "wire" */
    uint16_t rx_next, tx_next;
};

static int nic_seq;

static bool nic_open(struct nic *c, uint64_t features, const uint8_t *mac)
{
    int sv[2];
    char err[256], id[16];
    memset(c, 0, sizeof(*c));
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
        return false;
    snprintf(id, sizeof(id), "n%d", nic_seq++);
    struct netdev *nd = netdev_add_fd(id, "socket", sv[0], err, sizeof(err));
    if (!nd)
        return false;
    c->peer = sv[1];
    if (virtio_net_init(&c->n, nd, mac, fake_mem(), fake_irq_line()) < 0)
        return false;
    struct virtio_dev *d = &c->n.vdev;
    if (!drv_negotiate(d, dev_features(d) & features))
        return false;
    if (!drv_queue_setup(d, &c->rx, VIRTIO_NET_RXQ, QNUM, RXQ_BASE) ||
        !drv_queue_setup(d, &c->tx, VIRTIO_NET_TXQ, QNUM, TXQ_BASE))
        return false;
    drv_ok(d);
    return true;
}

static void nic_close(struct nic *c)
{
    struct netdev *nd = c->n.nd;
    virtio_net_destroy(&c->n);
    netdev_close(nd);
    close(c->peer);
}

/* give the device n RX buffers of len bytes each */
static void rx_add(struct nic *c, int n, uint32_t len)
{
    for (int i = 0; i < n; i++) {
        uint16_t slot = c->rx_next++ % QNUM;
        struct drv_buf b = { RXBUF + slot * 4096ull, len, true };
        memset(gpa(b.addr), 0xaa, len);
        drv_chain(&c->rx, slot, &b, 1, 0);
        drv_publish(&c->rx, slot);
    }
    drv_notify(&c->n.vdev, &c->rx);
}

static bool wait_fd(int fd, int ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, ms) == 1;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245 + 12345;
        p[i] = seed >> 16;
    }
}

static void test_tx(void)
{
    struct nic c;
    if (!ok(nic_open(&c, ~0ull, NULL), "virtio-net opens over a socketpair netdev"))
        return;
    struct virtio_dev *d = &c.n.vdev;
    uint8_t mac[6];
    for (int i = 0; i < 6; i++)
        mac[i] = virtio_mmio_read(d, 0x100 + i, 1);
    ok(rd(d, VIRTIO_MMIO_DEVICE_ID) == 1 && !memcmp(mac, "\x52\x54\x00\x12\x34", 5),
       "device ID 1, MAC %02x:%02x:%02x:%02x:%02x:%02x in the config space", mac[0], mac[1], mac[2], mac[3],
       mac[4], mac[5]);
    ok((virtio_mmio_read(d, 0x106, 2) & VIRTIO_NET_S_LINK_UP) && (dev_features(d) >> VIRTIO_NET_F_STATUS & 1) &&
       (dev_features(d) >> VIRTIO_NET_F_MAC & 1), "MAC and STATUS offered, link up");

    /* header and frame in separate buffers */
    uint8_t frame[1514], got[2048];
    fill(frame, sizeof(frame), 3);
    memset(gpa(TXBUF), 0, 12);
    memcpy(gpa(TXBUF + 64), frame, sizeof(frame));
    struct drv_buf b[2] = { { TXBUF, 12, false }, { TXBUF + 64, sizeof(frame), false } };
    drv_chain(&c.tx, 0, b, 2, 0);
    drv_publish(&c.tx, 0);
    drv_notify(d, &c.tx);
    ssize_t n = wait_fd(c.peer, 5000) ? recv(c.peer, got, sizeof(got), 0) : -1;
    ok(n == (ssize_t)sizeof(frame) && !memcmp(got, frame, sizeof(frame)), "TX: a 1514-byte frame arrives whole (%zd)", n);
    ok(drv_wait_used(&c.tx, 1), "TX: the chain is returned");

    /* header and frame in one buffer, through an indirect table */
    memcpy(gpa(TXBUF + 12), frame, 60);
    struct drv_buf one = { TXBUF, 72, false };
    drv_chain(&c.tx, 2, &one, 1, TXBUF + 0x8000);
    drv_publish(&c.tx, 2);
    drv_notify(d, &c.tx);
    n = wait_fd(c.peer, 5000) ? recv(c.peer, got, sizeof(got), 0) : -1;
    ok(n == 60 && !memcmp(got, frame, 60), "TX: header and frame sharing a buffer, indirect (%zd)", n);
    ok(drv_wait_used(&c.tx, 2), "TX: the second chain is returned");
    nic_close(&c);
}

static void test_rx(void)
{
    struct nic c;
    uint8_t mac[6] = { 2, 0, 0, 0, 0, 7 };
    if (!ok(nic_open(&c, ~(1ull << VIRTIO_NET_F_MRG_RXBUF), mac), "virtio-net without MRG_RXBUF, mac= given"))
        return;
    struct virtio_dev *d = &c.n.vdev;
    ok(virtio_mmio_read(d, 0x105, 1) == 7, "the given MAC is in the config space");
    uint8_t frame[1000];
    fill(frame, sizeof(frame), 9);

    /* no buffers yet: the frame must wait, not be dropped */
    send(c.peer, frame, 100, 0);
    usleep(20000);
    ok(used_ring(&c.rx)[1] == 0, "RX: no buffers, nothing used");
    rx_add(&c, 2, 2048);
    ok(drv_wait_used(&c.rx, 1), "RX: buffers added, the waiting frame is delivered");
    uint32_t id, len;
    drv_used_elem(&c.rx, 0, &id, &len);
    uint8_t *p = gpa(RXBUF + id * 4096ull);
    ok(len == 112 && p[10] == 1 && p[11] == 0 && !memcmp(p + 12, frame, 100),
       "RX: header (num_buffers 1) and 100 bytes of frame, used length %u", len);
    ok(irq_level && (rd(d, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_VRING), "RX: interrupt raised");
    wr(d, VIRTIO_MMIO_INTERRUPT_ACK, 3);

    /* a frame larger than the chain is dropped without MRG_RXBUF; the buffer stays */
    rx_add(&c, 1, 256);             /* one 2048 buffer left, then the 256 one */
    send(c.peer, frame, sizeof(frame), 0);
    ok(drv_wait_used(&c.rx, 2), "RX: a 1000-byte frame into the 2048-byte buffer");
    send(c.peer, frame, 600, 0);    /* does not fit 256 bytes: dropped */
    send(c.peer, frame, 50, 0);
    ok(drv_wait_used(&c.rx, 3), "RX: a frame too big for the chain is dropped, the next one uses it");
    drv_used_elem(&c.rx, 2, &id, &len);
    ok(len == 62 && c.n.rx_dropped == 1, "RX: used length %u, %llu dropped", len, (unsigned long long)c.n.rx_dropped);
    nic_close(&c);

    /* mergeable buffers: a frame over several chains, num_buffers in the first */
    if (!ok(nic_open(&c, ~0ull, NULL), "virtio-net with MRG_RXBUF"))
        return;
    ok(virtio_has_feature(&c.n.vdev, VIRTIO_NET_F_MRG_RXBUF), "MRG_RXBUF negotiated");
    rx_add(&c, 3, 256);
    send(c.peer, frame, sizeof(frame), 0);      /* needs 1012 bytes: 4 buffers */
    usleep(20000);
    ok(used_ring(&c.rx)[1] == 0, "RX: three 256-byte buffers do not hold 1012 bytes: the frame waits");
    rx_add(&c, 5, 256);
    bool done = drv_wait_used(&c.rx, 4);
    uint8_t all[2048];
    size_t at = 0;
    uint32_t total = 0;
    uint8_t *first = NULL;
    for (int i = 0; i < 4 && done; i++) {
        drv_used_elem(&c.rx, i, &id, &len);
        uint8_t *b = gpa(RXBUF + id * 4096ull);
        if (!i)
            first = b;
        memcpy(all + at, b, len);
        at += len;
        total += len;
    }
    ok(done && first && first[10] == 4 && total == 1012 && !memcmp(all + 12, frame, sizeof(frame)),
       "RX: the frame spans 4 buffers, num_buffers 4, %u bytes in order", total);
    nic_close(&c);
}

static void test_netdev_parse(void)
{
    char err[256];
    ok(!netdev_add("tap,id=t0,script=/etc/qemu-ifup", err, sizeof(err)) && strstr(err, "script=no"),
       "tap with a script refused: %s", err);
    ok(!netdev_add("bridge,id=b0", err, sizeof(err)) && strstr(err, "netdev backend type"),
       "unknown netdev type: %s", err);
    ok(!netdev_add("tap,ifname=x", err, sizeof(err)) && !strcmp(err, "Parameter 'id' is missing"),
       "netdev without id: %s", err);
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    char arg[64];
    snprintf(arg, sizeof(arg), "tap,id=fdtap,fd=%d", sv[0]);
    struct netdev *nd = netdev_add(arg, err, sizeof(err));
    ok(nd && netdev_find("fdtap") == nd && nd->fd == sv[0], "tap,fd= takes an open descriptor");
    ok(!netdev_add("tap,id=fdtap,fd=0", err, sizeof(err)) && strstr(err, "Duplicate ID"), "duplicate id: %s", err);
    ok(!netdev_add("tap,id=t9,fd=9999", err, sizeof(err)), "fd= of a closed descriptor: %s", err);
    int sv2[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv2);
    snprintf(arg, sizeof(arg), "tap,id=t8,fd=%d,frobnicate=1", sv2[0]);
    ok(!netdev_add(arg, err, sizeof(err)) && strstr(err, "frobnicate") && fcntl(sv2[0], F_GETFD) < 0,
       "unknown tap option refused, the handed-over fd closed: %s", err);
    close(sv2[1]);
    if (nd)
        netdev_close(nd);
    close(sv[1]);
    char *saved = getenv("RUNTIME_SLIRP_HELPER");
    setenv("RUNTIME_SLIRP_HELPER", "/nonexistent/runtime-slirp", 1);
    ok(!netdev_add("user,id=u0", err, sizeof(err)) && strstr(err, "/nonexistent/runtime-slirp"),
       "user networking without its helper says so: %s", err);
    if (saved)
        setenv("RUNTIME_SLIRP_HELPER", saved, 1);
    else
        unsetenv("RUNTIME_SLIRP_HELPER");
    uint8_t mac[6];
    ok(virtio_net_parse_mac("52:54:00:ab:cd:ef", mac) == 0 && mac[5] == 0xef &&
       virtio_net_parse_mac("52:54:00:ab:cd", mac) < 0 && virtio_net_parse_mac("52:54:00:ab:cd:ef:01", mac) < 0,
       "mac= parsing");
}

/* send one frame through TX (header in its own buffer) */
static void tx_frame(struct nic *c, const void *f, size_t len)
{
    uint16_t slot = c->tx_next++ % QNUM;
    uint64_t at = TXBUF + slot * 2048ull;
    memset(gpa(at), 0, 12);
    memcpy(gpa(at + 16), f, len);
    struct drv_buf b[2] = { { at, 12, false }, { at + 16, (uint32_t)len, false } };
    drv_chain(&c->tx, slot * 2 % QNUM, b, 2, 0);
    drv_publish(&c->tx, slot * 2 % QNUM);
    drv_notify(&c->n.vdev, &c->tx);
}

static uint16_t csum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += p[i] << 8 | p[i + 1];
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return ~s;
}

/* -netdev user through the runtime-slirp helper: slirp answers ARP for the
 * gateway, and a UDP datagram to 10.0.2.2 reaches a host socket */
static void test_user(void)
{
    /* the helper make builds beside runtime-system: build/runtime-slirp, three levels up from us */
    char self[512], path[600];
    ssize_t sl_ = readlink("/proc/self/exe", self, sizeof(self) - 1);
    self[sl_ > 0 ? sl_ : 0] = 0;
    *(strrchr(self, '/') ? strrchr(self, '/') : self) = 0;
    snprintf(path, sizeof(path), "%s/../../../runtime-slirp", self);
    if (!getenv("RUNTIME_SLIRP_HELPER"))
        setenv("RUNTIME_SLIRP_HELPER", path, 1);
    const char *helper = getenv("RUNTIME_SLIRP_HELPER");
    if (access(helper, X_OK) < 0) {
        printf("ok %d - # skip -netdev user: no runtime-slirp helper (libslirp-dev not installed, or "
               "RUNTIME_SLIRP_HELPER unset)\n", ++tap_n);
        return;
    }
    char err[256];
    ok(!netdev_add("user,id=bad,hostfwd=tcp::99999-:22", err, sizeof(err)) && strstr(err, "Invalid host forwarding rule"), "a bad hostfwd is refused by the helper: %s", err);
    ok(!netdev_add("user,id=bad,ipv6=on", err, sizeof(err)) && strstr(err, "'ipv6'"), "an unknown user option: %s", err);

    int host = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t sl = sizeof(sa);
    bind(host, (struct sockaddr *)&sa, sizeof(sa));
    getsockname(host, (struct sockaddr *)&sa, &sl);
    uint16_t port = ntohs(sa.sin_port);

    struct nic c;
    memset(&c, 0, sizeof(c));
    /* a free host port for hostfwd=udp::FWD-:7777 */
    int probe = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in fa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t fl = sizeof(fa);
    bind(probe, (struct sockaddr *)&fa, sizeof(fa));
    getsockname(probe, (struct sockaddr *)&fa, &fl);
    close(probe);
    char arg[96];
    snprintf(arg, sizeof(arg), "user,id=user0,hostfwd=udp:127.0.0.1:%u-:7777", ntohs(fa.sin_port));
    struct netdev *nd = netdev_add(arg, err, sizeof(err));
    if (!ok(nd != NULL, "-netdev user starts the helper: %s", nd ? "ok" : err))
        return;
    if (virtio_net_init(&c.n, nd, NULL, fake_mem(), fake_irq_line()) < 0)
        return;
    struct virtio_dev *d = &c.n.vdev;
    drv_negotiate(d, dev_features(d));
    drv_queue_setup(d, &c.rx, VIRTIO_NET_RXQ, QNUM, RXQ_BASE);
    drv_queue_setup(d, &c.tx, VIRTIO_NET_TXQ, QNUM, TXQ_BASE);
    drv_ok(d);
    rx_add(&c, 8, 2048);

    uint8_t arp[42] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    memcpy(arp + 6, c.n.mac, 6);
    memcpy(arp + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01", 10);
    memcpy(arp + 22, c.n.mac, 6);
    memcpy(arp + 28, "\x0a\x00\x02\x0f", 4);
    memcpy(arp + 38, "\x0a\x00\x02\x02", 4);
    tx_frame(&c, arp, sizeof(arp));
    bool got = drv_wait_used(&c.rx, 1);
    uint32_t id, len;
    drv_used_elem(&c.rx, 0, &id, &len);
    uint8_t *r = gpa(RXBUF + id * 4096ull) + 12;
    ok(got && len >= 12 + 42 && r[12] == 8 && r[13] == 6 && r[21] == 2 && !memcmp(r + 28, "\x0a\x00\x02\x02", 4) &&
       !memcmp(r + 32, c.n.mac, 6), "slirp answers the ARP request for 10.0.2.2 (is at %02x:%02x:%02x:%02x:%02x:%02x)",
       r[22], r[23], r[24], r[25], r[26], r[27]);

    /* UDP 10.0.2.15:1234 -> 10.0.2.2:port, which slirp sends to the host's loopback */
    static const char msg[] = "hello from virtio-net through slirp";
    uint8_t f[14 + 20 + 8 + sizeof(msg)] = { 0 };
    memcpy(f, r + 6, 6);                        /* the gateway's MAC from its reply */
    memcpy(f + 6, c.n.mac, 6);
    f[12] = 8;
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    ip[2] = (20 + 8 + sizeof(msg)) >> 8;
    ip[3] = (20 + 8 + sizeof(msg)) & 0xff;
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
    uint16_t cs = csum(ip, 20);
    ip[10] = cs >> 8;
    ip[11] = cs & 0xff;
    uint8_t *udp = ip + 20;
    udp[0] = 1234 >> 8;
    udp[1] = 1234 & 0xff;
    udp[2] = port >> 8;
    udp[3] = port & 0xff;
    udp[5] = 8 + sizeof(msg);
    memcpy(udp + 8, msg, sizeof(msg));
    tx_frame(&c, f, sizeof(f));
    char buf[128];
    ssize_t n = wait_fd(host, 5000) ? recv(host, buf, sizeof(buf), 0) : -1;
    ok(n == sizeof(msg) && !memcmp(buf, msg, sizeof(msg)), "a UDP datagram to 10.0.2.2:%u reaches the host socket", port);

    /* hostfwd: a datagram to the forwarded host port arrives at 10.0.2.15:7777 */
    static const char back[] = "from the host through hostfwd";
    uint16_t seen = used_ring(&c.rx)[1];
    sendto(host, back, sizeof(back), 0, (struct sockaddr *)&fa, sizeof(fa));
    bool fwd = false;
    for (int tries = 0; tries < 4 && !fwd; tries++) {
        if (!drv_wait_used(&c.rx, (uint16_t)(seen + 1)))
            break;
        drv_used_elem(&c.rx, seen, &id, &len);
        uint8_t *g = gpa(RXBUF + id * 4096ull) + 12;
        /* IPv4, UDP, to 10.0.2.15 port 7777, our payload */
        fwd = len >= 12 + 42 + sizeof(back) && g[12] == 8 && g[13] == 0 && g[23] == 17 &&
              !memcmp(g + 30, "\x0a\x00\x02\x0f", 4) && (g[36] << 8 | g[37]) == 7777 &&
              !memcmp(g + 42, back, sizeof(back));
        seen++;
    }
    ok(fwd, "hostfwd=udp: a datagram to 127.0.0.1:%u reaches the guest's port 7777", ntohs(fa.sin_port));
    virtio_net_destroy(&c.n);
    netdev_close(nd);
    close(host);
}

int main(void)
{
    ram = aligned_alloc(4096, RAM_SIZE);
    memset(ram, 0, RAM_SIZE);
    test_tx();
    test_rx();
    test_netdev_parse();
    test_user();
    return tap_done();
}
