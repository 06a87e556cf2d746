/*
 * virtio-console, one port (console.h).  Transmit chains are flattened and
 * handed to the output callback whole, so a line the driver wrote in one
 * buffer reaches the chardev in one write.  Host input is queued in a
 * bounded ring and copied into receive buffers as they come: a chardev has
 * no flow control towards its peer, so input beyond the ring while the
 * driver posts no buffers is dropped and counted (-d guest_errors says so).
 * EMERG_WRITE is offered: a byte written to emerg_wr goes out at once,
 * before the queues exist, as Linux's early console uses it.
 */
#include "hw/virtio/console.h"
#include "sysemu/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TX_MAX (64 * 1024)      /* longer chains are written in pieces of this size */

static struct virtio_console *to_con(struct virtio_dev *d)
{
    return d->opaque;
}

static uint64_t con_features(struct virtio_dev *d)
{
    return 1ull << VIRTIO_CONSOLE_F_EMERG_WRITE;
}

static void con_tx(struct virtio_console *c)
{
    struct virtio_dev *d = &c->vdev;
    struct virtqueue *q = &d->vq[VIRTIO_CONSOLE_TXQ];
    struct virtq_elem *e = d->elem;
    bool used = false;
    do {
        int r;
        while ((r = virtq_pop(d, q, e)) > 0) {
            for (size_t done = 0; done < e->out_len;) {
                size_t n = iov_to_buf(e->out, e->n_out, done, c->tx, TX_MAX);
                if (!n)
                    break;
                c->out(c->out_opaque, c->tx, n);
                done += n;
            }
            c->tx_bytes += e->out_len;
            /* writable buffers in a transmit chain are not an error: they stay unwritten */
            virtq_push(d, q, e, 0);
            used = true;
        }
        if (r < 0)
            return;
    } while (virtq_enable_notify(d, q));
    if (used)
        virtq_notify(d, q);
}

/* move queued input into receive buffers, as far as both go (device lock held) */
static void con_rx(struct virtio_console *c)
{
    struct virtio_dev *d = &c->vdev;
    struct virtqueue *q = &d->vq[VIRTIO_CONSOLE_RXQ];
    struct virtq_elem *e = d->elem;
    bool used = false;
    if (!q->ready || !(d->status & VIRTIO_STATUS_DRIVER_OK) || virtio_dev_broken(d))
        return;
again:
    while (c->in_len) {
        int r = virtq_pop(d, q, e);
        if (r < 0)
            return;
        if (r == 0)
            break;
        if (e->n_out || !e->in_len) {
            virtio_dev_error(d, "receive chain of %zu readable and %zu writable bytes", e->out_len, e->in_len);
            return;
        }
        size_t put = 0;
        /* the ring may wrap: at most two pieces */
        while (put < e->in_len && c->in_len) {
            size_t piece = VIRTIO_CONSOLE_INBUF - c->in_head;
            if (piece > c->in_len)
                piece = c->in_len;
            size_t n = iov_from_buf(e->in, e->n_in, put, c->in + c->in_head, piece);
            put += n;
            c->in_head = (c->in_head + n) % VIRTIO_CONSOLE_INBUF;
            c->in_len -= n;
            if (n < piece)
                break;
        }
        c->rx_bytes += put;
        virtq_push(d, q, e, put);
        used = true;
    }
    /* input waits: ask for a kick when buffers come (and take those that came meanwhile) */
    if (c->in_len && virtq_enable_notify(d, q))
        goto again;
    if (used)
        virtq_notify(d, q);
}

void virtio_console_input(struct virtio_console *c, const uint8_t *buf, size_t len)
{
    struct virtio_dev *d = &c->vdev;
    pthread_mutex_lock(&d->lock);
    size_t room = VIRTIO_CONSOLE_INBUF - c->in_len;
    if (len > room) {
        sysemu_log(LOG_GUEST_ERRORS, "virtio-console: %zu input bytes dropped: the guest reads no more",
                   len - room);
        c->rx_dropped += len - room;
        len = room;
    }
    for (size_t i = 0; i < len; i++)
        c->in[(c->in_head + c->in_len + i) % VIRTIO_CONSOLE_INBUF] = buf[i];
    c->in_len += len;
    con_rx(c);
    pthread_mutex_unlock(&d->lock);
}

static void con_queue_notify(struct virtio_dev *d, int q)
{
    struct virtio_console *c = to_con(d);
    if (q == VIRTIO_CONSOLE_TXQ)
        con_tx(c);
    else
        con_rx(c);
}

static void con_config_write(struct virtio_dev *d, uint32_t off, uint64_t val, unsigned size)
{
    struct virtio_console *c = to_con(d);
    if (off == VIRTIO_CONSOLE_EMERG_WR && size == 4 && virtio_has_feature(d, VIRTIO_CONSOLE_F_EMERG_WRITE)) {
        uint8_t ch = val;
        c->out(c->out_opaque, &ch, 1);
        c->tx_bytes++;
    } else {
        sysemu_log(LOG_GUEST_ERRORS, "virtio-console: config write of %u bytes at 0x%x ignored", size, off);
    }
}

static const struct virtio_dev_ops virtio_console_ops = {
    .name = "virtio-console",
    .device_id = VIRTIO_ID_CONSOLE,
    .num_queues = 2,
    .features = con_features,
    .queue_notify = con_queue_notify,
    .config_write = con_config_write,
};

int virtio_console_init(struct virtio_console *c, virtio_console_out_fn *out, void *out_opaque,
                        struct virtio_mem mem, struct virtio_irq irq)
{
    memset(c, 0, sizeof(*c));
    c->out = out;
    c->out_opaque = out_opaque;
    c->in = malloc(VIRTIO_CONSOLE_INBUF);
    c->tx = malloc(TX_MAX);
    if (!c->in || !c->tx)
        return -ENOMEM;
    /* cols, rows (meaningless without F_SIZE), max_nr_ports 1, emerg_wr */
    c->vdev.config[4] = 1;
    c->vdev.config_len = 12;
    return virtio_dev_init(&c->vdev, &virtio_console_ops, c, mem, irq);
}

void virtio_console_destroy(struct virtio_console *c)
{
    virtio_dev_destroy(&c->vdev);
    free(c->in);
    free(c->tx);
    c->in = c->tx = NULL;
}
