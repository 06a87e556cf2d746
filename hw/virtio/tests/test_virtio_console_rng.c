/*
 * virtio-console and virtio-rng against the driver of driver.h: console
 * output reaches the host callback whole, host input waits for receive
 * buffers and fills them in order (across the wrap of the device's input
 * ring, dropping only beyond it), emerg_wr writes a byte; the rng fills the
 * buffers it is given, from getrandom() or from a file, and both devices
 * take malformed chains as a reason to need a reset.
 */
#include "hw/virtio/console.h"
#include "hw/virtio/rng.h"
#include "hw/virtio/tests/driver.h"
#include "sysemu/tests/tap.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RXQ_BASE (RAM_BASE)
#define TXQ_BASE (RAM_BASE + 0x10000)
#define BUFS     (RAM_BASE + 0x20000)   /* data buffers from here on */
#define QNUM     16

/* what the console wrote to the host, and in how many calls */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t out_buf[256];
static size_t out_len;
static int out_calls;

static void out_cb(void *opaque, const uint8_t *buf, size_t len)
{
    pthread_mutex_lock(&out_lock);
    if (len > sizeof(out_buf) - out_len)
        len = sizeof(out_buf) - out_len;
    memcpy(out_buf + out_len, buf, len);
    out_len += len;
    out_calls++;
    pthread_mutex_unlock(&out_lock);
}

static void out_reset(void)
{
    pthread_mutex_lock(&out_lock);
    out_len = 0;
    out_calls = 0;
    pthread_mutex_unlock(&out_lock);
}

static struct virtio_console con;
static struct drv_queue rxq, txq;
static uint16_t rx_slot;

static bool con_start(void)
{
    struct virtio_dev *d = &con.vdev;
    rx_slot = 0;
    return drv_negotiate(d, dev_features(d)) && drv_queue_setup(d, &rxq, VIRTIO_CONSOLE_RXQ, QNUM, RXQ_BASE) &&
           drv_queue_setup(d, &txq, VIRTIO_CONSOLE_TXQ, QNUM, TXQ_BASE) && (drv_ok(d), true);
}

/* post one receive buffer of len bytes (filled with 0xee) and kick */
static uint64_t rx_post(uint32_t len)
{
    uint16_t slot = rx_slot++ % QNUM;
    struct drv_buf b = { BUFS + 0x100000 + slot * 0x10000ull, len, true };
    memset(gpa(b.addr), 0xee, len);
    drv_chain(&rxq, slot, &b, 1, 0);
    drv_publish(&rxq, slot);
    drv_notify(&con.vdev, &rxq);
    return b.addr;
}

static void test_console_identity(void)
{
    struct virtio_dev *d = &con.vdev;
    uint64_t f = dev_features(d);
    ok(rd(d, VIRTIO_MMIO_DEVICE_ID) == 3, "console: device id 3");
    ok((f & 1ull << VIRTIO_CONSOLE_F_EMERG_WRITE) && !(f & 1ull << VIRTIO_CONSOLE_F_MULTIPORT) &&
       (f & 1ull << VIRTIO_F_VERSION_1), "console: features EMERG_WRITE and VERSION_1, no MULTIPORT (0x%llx)",
       (unsigned long long)f);
    ok(rd(d, VIRTIO_MMIO_CONFIG + 4) == 1, "console: config max_nr_ports 1");
}

static void test_console_tx(void)
{
    struct virtio_dev *d = &con.vdev;
    out_reset();
    memcpy(gpa(BUFS), "hello, ", 7);
    memcpy(gpa(BUFS + 0x1000), "world\n", 6);
    struct drv_buf b[2] = { { BUFS, 7, false }, { BUFS + 0x1000, 6, false } };
    int raises = __atomic_load_n(&irq_raises, __ATOMIC_RELAXED);
    drv_publish(&txq, drv_chain(&txq, 0, b, 2, 0));
    drv_notify(d, &txq);
    bool done = drv_wait_used(&txq, 1);
    uint32_t id, len;
    drv_used_elem(&txq, 0, &id, &len);
    ok(done && id == 0 && len == 0, "console tx: chain used, id %u, written %u", id, len);
    pthread_mutex_lock(&out_lock);
    ok(out_len == 13 && !memcmp(out_buf, "hello, world\n", 13) && out_calls == 1,
       "console tx: two buffers reach the host as one write of 13 bytes (%zu bytes in %d calls)", out_len, out_calls);
    pthread_mutex_unlock(&out_lock);
    ok(__atomic_load_n(&irq_raises, __ATOMIC_RELAXED) > raises && (rd(d, VIRTIO_MMIO_INTERRUPT_STATUS) & 1),
       "console tx: used-buffer interrupt");
    wr(d, VIRTIO_MMIO_INTERRUPT_ACK, 1);

    /* an indirect chain works the same */
    out_reset();
    memcpy(gpa(BUFS + 0x2000), "ind", 3);
    struct drv_buf c = { BUFS + 0x2000, 3, false };
    drv_publish(&txq, drv_chain(&txq, 1, &c, 1, BUFS + 0x3000));
    drv_notify(d, &txq);
    done = drv_wait_used(&txq, 2);
    pthread_mutex_lock(&out_lock);
    ok(done && out_len == 3 && !memcmp(out_buf, "ind", 3), "console tx: indirect chain written");
    pthread_mutex_unlock(&out_lock);
}

static void test_console_rx(void)
{
    uint32_t id, len;
    /* input before any buffer waits in the device */
    virtio_console_input(&con, (const uint8_t *)"abc", 3);
    usleep(20000);
    ok(used_ring(&rxq)[1] == 0, "console rx: input without buffers is not completed");
    uint64_t a = rx_post(2);
    bool done = drv_wait_used(&rxq, 1);
    drv_used_elem(&rxq, 0, &id, &len);
    ok(done && len == 2 && !memcmp(gpa(a), "ab", 2), "console rx: a 2-byte buffer gets \"ab\" (len %u)", len);
    a = rx_post(8);
    done = drv_wait_used(&rxq, 2);
    drv_used_elem(&rxq, 1, &id, &len);
    ok(done && len == 1 && ((uint8_t *)gpa(a))[0] == 'c' && ((uint8_t *)gpa(a))[1] == 0xee,
       "console rx: the next buffer gets the rest, \"c\" (len %u)", len);
    /* buffers waiting: input is delivered at once */
    a = rx_post(8);
    virtio_console_input(&con, (const uint8_t *)"xyz", 3);
    done = drv_wait_used(&rxq, 3);
    drv_used_elem(&rxq, 2, &id, &len);
    ok(done && len == 3 && !memcmp(gpa(a), "xyz", 3), "console rx: input into a waiting buffer (len %u)", len);
}

/* the input ring: fill it past its end, drain, fill across the wrap */
static void test_console_rx_ring(void)
{
    static uint8_t big[VIRTIO_CONSOLE_INBUF + 10];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = i % 251;
    uint64_t before = con.rx_dropped;
    virtio_console_input(&con, big, 60000);
    virtio_console_input(&con, big + 60000, sizeof(big) - 60000);
    ok(con.rx_dropped - before == 10, "console rx: %llu bytes past the %d-byte input ring dropped",
       (unsigned long long)(con.rx_dropped - before), VIRTIO_CONSOLE_INBUF);
    /* drain in 0x8000-byte buffers and check the order */
    uint16_t seen = used_ring(&rxq)[1];
    size_t got = 0;
    bool same = true, done = true;
    while (got < VIRTIO_CONSOLE_INBUF && done) {
        uint64_t a = rx_post(0x8000);
        done = drv_wait_used(&rxq, ++seen);
        uint32_t id, len;
        drv_used_elem(&rxq, seen - 1, &id, &len);
        for (uint32_t i = 0; i < len; i++)
            same &= ((uint8_t *)gpa(a))[i] == big[got + i];
        got += len;
    }
    ok(done && got == VIRTIO_CONSOLE_INBUF && same, "console rx: the %zu bytes kept arrive in order", got);
    /* the ring's head is now at its start again: wrap it with 1000 + 65000 bytes */
    virtio_console_input(&con, big, 1000);
    uint64_t a = rx_post(1000);
    done = drv_wait_used(&rxq, ++seen);
    virtio_console_input(&con, big + 1000, 65000);
    got = 0;
    same = !memcmp(gpa(a), big, 1000);
    while (got < 65000 && done) {
        a = rx_post(0x8000);
        done = drv_wait_used(&rxq, ++seen);
        uint32_t id, len;
        drv_used_elem(&rxq, seen - 1, &id, &len);
        same &= !memcmp(gpa(a), big + 1000 + got, len);
        got += len;
    }
    ok(done && got == 65000 && same && con.rx_dropped - before == 10, "console rx: input across the ring's wrap intact");
}

static void test_console_emerg_and_errors(void)
{
    struct virtio_dev *d = &con.vdev;
    out_reset();
    virtio_mmio_write(d, VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_EMERG_WR, 'Z', 4);
    pthread_mutex_lock(&out_lock);
    ok(out_len == 1 && out_buf[0] == 'Z', "console: emerg_wr writes one byte to the host");
    pthread_mutex_unlock(&out_lock);

    /* a receive chain the device may not write into */
    struct drv_buf b = { BUFS, 16, false };
    virtio_console_input(&con, (const uint8_t *)"q", 1);
    uint16_t slot = rx_slot++ % QNUM;
    drv_publish(&rxq, drv_chain(&rxq, slot, &b, 1, 0));
    drv_notify(d, &rxq);
    ok(drv_wait_status(d, VIRTIO_STATUS_DEVICE_NEEDS_RESET), "console: a read-only receive buffer needs a reset");
    ok(con_start() && !(rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET),
       "console: a reset and new set-up clear it");
    /* the byte that waited is still there for the new queues */
    uint64_t a = rx_post(4);
    bool done = drv_wait_used(&rxq, 1);
    ok(done && ((uint8_t *)gpa(a))[0] == 'q', "console: input kept across the driver's reset");
}

static struct virtio_rng rng;
static struct drv_queue rq;

static bool rng_start(void)
{
    struct virtio_dev *d = &rng.vdev;
    return drv_negotiate(d, dev_features(d)) && drv_queue_setup(d, &rq, 0, QNUM, RXQ_BASE) && (drv_ok(d), true);
}

/* one request of len bytes into a buffer prefilled with 0x5a; the written length */
static uint32_t rng_req(uint16_t n, uint64_t addr, uint32_t len)
{
    memset(gpa(addr), 0x5a, len);
    struct drv_buf b = { addr, len, true };
    drv_publish(&rq, drv_chain(&rq, n % QNUM, &b, 1, 0));
    drv_notify(&rng.vdev, &rq);
    uint32_t id, got = 0;
    if (drv_wait_used(&rq, n + 1))
        drv_used_elem(&rq, n, &id, &got);
    return got;
}

static void test_rng(void)
{
    struct virtio_dev *d = &rng.vdev;
    ok(virtio_rng_init(&rng, -1, fake_mem(), fake_irq_line()) == 0 && rng_start(), "rng: set up");
    ok(rd(d, VIRTIO_MMIO_DEVICE_ID) == 4, "rng: device id 4");
    uint32_t l1 = rng_req(0, BUFS, 64), l2 = rng_req(1, BUFS + 0x1000, 64);
    int distinct = 0;
    bool seen[256] = { false };
    for (int i = 0; i < 64; i++) {
        uint8_t v = ((uint8_t *)gpa(BUFS))[i];
        distinct += !seen[v];
        seen[v] = true;
    }
    ok(l1 == 64 && l2 == 64 && distinct > 16 && memcmp(gpa(BUFS), gpa(BUFS + 0x1000), 64),
       "rng: two 64-byte requests filled, %d distinct values, the two differ", distinct);
    uint32_t l3 = rng_req(2, BUFS + 0x10000, 100000);
    ok(l3 == VIRTIO_RNG_MAX_REQ && ((uint8_t *)gpa(BUFS + 0x10000))[VIRTIO_RNG_MAX_REQ] == 0x5a,
       "rng: a 100000-byte request gets %d bytes and no more (%u)", VIRTIO_RNG_MAX_REQ, l3);
    struct drv_buf b = { BUFS, 16, false };
    drv_publish(&rq, drv_chain(&rq, 3, &b, 1, 0));
    drv_notify(d, &rq);
    ok(drv_wait_status(d, VIRTIO_STATUS_DEVICE_NEEDS_RESET), "rng: a read-only buffer needs a reset");
    virtio_rng_destroy(&rng);

    /* a file as the source (-object rng-random,filename=): its bytes, then nothing at its end */
    int p[2];
    if (pipe(p) < 0 || write(p[1], "0123456789", 10) != 10)
        abort();
    close(p[1]);
    ok(virtio_rng_init(&rng, p[0], fake_mem(), fake_irq_line()) == 0 && rng_start(), "rng: set up on a pipe");
    uint32_t l4 = rng_req(0, BUFS, 16), l5 = rng_req(1, BUFS + 0x1000, 16);
    ok(l4 == 10 && !memcmp(gpa(BUFS), "0123456789", 10) && l5 == 0,
       "rng: the file's 10 bytes, then a 0-byte answer at its end (%u, %u)", l4, l5);
    virtio_rng_destroy(&rng);
}

int main(void)
{
    ram = aligned_alloc(4096, RAM_SIZE);
    memset(ram, 0, RAM_SIZE);
    ok(virtio_console_init(&con, out_cb, NULL, fake_mem(), fake_irq_line()) == 0 && con_start(), "console: set up");
    test_console_identity();
    test_console_tx();
    test_console_rx();
    test_console_rx_ring();
    test_console_emerg_and_errors();
    virtio_console_destroy(&con);
    test_rng();
    return tap_done();
}
