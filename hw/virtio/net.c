/*
 * virtio-net (virtio 1.2 spec, 5.1) on a netdev (hw/net/netdev.h): TX
 * chains are written to the netdev's descriptor as one frame each, frames
 * read from it fill RX buffers, across several of them when the driver took
 * VIRTIO_NET_F_MRG_RXBUF.  No offloads are offered, so the header the
 * driver sends is all zeroes but for num_buffers on RX.
 *
 * The I/O thread polls the netdev only while the RX queue has buffers; when
 * it runs dry the frame stays in the socket (or in `frame`, once read) until
 * the driver adds buffers and kicks, so nothing is dropped on our side.
 */
#include "hw/virtio/net.h"
#include "hw/net/netdev.h"
#include "sysemu/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static struct virtio_net *to_net(struct virtio_dev *d)
{
    return d->opaque;
}

static uint64_t net_features(struct virtio_dev *d)
{
    return 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS | 1ull << VIRTIO_NET_F_MRG_RXBUF;
}

static void net_tx(struct virtio_net *n)
{
    struct virtio_dev *d = &n->vdev;
    struct virtqueue *q = &d->vq[VIRTIO_NET_TXQ];
    struct virtq_elem *e = d->elem;
    struct iovec iov[VIRTQ_MAX_SEGS];
    bool used = false;
    do {
        int r;
        while ((r = virtq_pop(d, q, e)) > 0) {
            if (e->out_len < VIRTIO_NET_HDR_LEN || e->n_in) {
                virtio_dev_error(d, "TX chain of %zu readable and %zu writable bytes", e->out_len, e->in_len);
                return;
            }
            /* the frame is what follows the header, possibly in the same buffer */
            int k = 0;
            size_t skip = VIRTIO_NET_HDR_LEN;
            for (int i = 0; i < e->n_out; i++) {
                if (skip >= e->out[i].iov_len) {
                    skip -= e->out[i].iov_len;
                    continue;
                }
                iov[k++] = (struct iovec){ (char *)e->out[i].iov_base + skip, e->out[i].iov_len - skip };
                skip = 0;
            }
            struct msghdr mh = { .msg_iov = iov, .msg_iovlen = k };
            ssize_t w = sendmsg(n->nd->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (w < 0 && errno == ENOTSOCK)
                w = writev(n->nd->fd, iov, k);      /* a tap device */
            if (w < 0)
                sysemu_log(LOG_GUEST_ERRORS, "virtio-net: frame of %zu bytes not sent: %s",
                           e->out_len - VIRTIO_NET_HDR_LEN, strerror(errno));
            else
                n->tx_frames++;
            virtq_push(d, q, e, 0);
            used = true;
        }
        if (r < 0)
            return;
    } while (virtq_enable_notify(d, q));
    if (used)
        virtq_notify(d, q);
}

/* put the waiting frame into RX buffers; false when they do not suffice yet */
static bool net_rx_deliver(struct virtio_net *n)
{
    struct virtio_dev *d = &n->vdev;
    struct virtqueue *q = &d->vq[VIRTIO_NET_RXQ];
    struct virtq_elem *e = d->elem;
    bool mrg = virtio_has_feature(d, VIRTIO_NET_F_MRG_RXBUF);
    uint8_t hdr[VIRTIO_NET_HDR_LEN] = { 0 };
    size_t total = VIRTIO_NET_HDR_LEN + n->frame_len, done = 0;
    unsigned count = 0;
    uint8_t *nb[2] = { NULL, NULL };    /* where num_buffers lands in the first chain */

    while (done < total) {
        int r = virtq_pop(d, q, e);
        if (r <= 0) {
            virtq_unpop(q, r < 0 ? 0 : count);
            return false;
        }
        if (!mrg && e->in_len < total) {
            /* without mergeable buffers a frame must fit one chain (5.1.6.3.1): drop it */
            sysemu_log(LOG_GUEST_ERRORS, "virtio-net: RX chain of %zu bytes for a %zu-byte frame",
                       e->in_len, n->frame_len);
            virtq_unpop(q, 1);
            n->rx_dropped++;
            n->frame_len = 0;
            return true;
        }
        if (count == 0) {
            if (e->in_len < VIRTIO_NET_HDR_LEN) {
                virtio_dev_error(d, "RX chain of %zu bytes, shorter than the header", e->in_len);
                return false;
            }
            iov_from_buf(e->in, e->n_in, 0, hdr, VIRTIO_NET_HDR_LEN);
            /* remember where bytes 10 and 11 (num_buffers) are: written once the count is known */
            for (int b = 0; b < 2; b++) {
                size_t at = 10 + b;
                for (int i = 0; i < e->n_in; i++) {
                    if (at < e->in[i].iov_len) {
                        nb[b] = (uint8_t *)e->in[i].iov_base + at;
                        break;
                    }
                    at -= e->in[i].iov_len;
                }
            }
        }
        size_t skip = count == 0 ? VIRTIO_NET_HDR_LEN : 0;
        size_t data_done = done ? done - VIRTIO_NET_HDR_LEN : 0;
        size_t c = iov_from_buf(e->in, e->n_in, skip, n->frame + data_done, n->frame_len - data_done);
        n->heads[count] = e->head;
        n->lens[count] = skip + c;
        done += skip + c;
        count++;
    }
    nb[0][0] = count & 0xff;
    nb[1][0] = count >> 8;
    for (unsigned i = 0; i < count; i++)
        virtq_fill(d, q, n->heads[i], n->lens[i], i);
    virtq_flush(d, q, count);
    n->rx_frames++;
    n->frame_len = 0;
    return true;
}

static void net_rx(struct virtio_net *n)
{
    struct virtio_dev *d = &n->vdev;
    struct virtqueue *q = &d->vq[VIRTIO_NET_RXQ];
    bool used = false;
    /* a bounded batch, so a flood cannot keep the device lock forever */
    for (int i = 0; i < 256; i++) {
        if (!n->frame_len) {
            ssize_t r = recv(n->nd->fd, n->frame, VIRTIO_NET_FRAME_MAX, MSG_DONTWAIT);
            if (r < 0 && errno == ENOTSOCK)
                r = read(n->nd->fd, n->frame, VIRTIO_NET_FRAME_MAX);
            if (r <= 0)
                break;
            n->frame_len = r;
        }
        uint64_t before = n->rx_frames;
        if (!net_rx_deliver(n))
            break;
        used |= n->rx_frames != before;
    }
    if (used)
        virtq_notify(d, q);
    if (n->frame_len)
        virtq_enable_notify(d, q);      /* so the driver kicks when it adds buffers */
}

static void net_queue_notify(struct virtio_dev *d, int q)
{
    struct virtio_net *n = to_net(d);
    if (q == VIRTIO_NET_TXQ)
        net_tx(n);
    else if (n->frame_len)
        net_rx(n);      /* new buffers for the frame that waits; the fd is polled again by the thread */
}

static int net_poll_fd(struct virtio_dev *d)
{
    struct virtio_net *n = to_net(d);
    struct virtqueue *q = &d->vq[VIRTIO_NET_RXQ];
    if (n->frame_len || !q->ready)
        return -1;
    /* read frames only while there are buffers; else ask for a kick when some arrive */
    return virtq_enable_notify(d, q) ? n->nd->fd : -1;
}

static void net_fd_ready(struct virtio_dev *d)
{
    net_rx(to_net(d));
}

static void net_reset(struct virtio_dev *d)
{
    to_net(d)->frame_len = 0;
}

static const struct virtio_dev_ops virtio_net_ops = {
    .name = "virtio-net",
    .device_id = VIRTIO_ID_NET,
    .num_queues = 2,
    .features = net_features,
    .queue_notify = net_queue_notify,
    .poll_fd = net_poll_fd,
    .fd_ready = net_fd_ready,
    .reset = net_reset,
};

int virtio_net_parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char tail;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6 ||
        strlen(s) != 17)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = v[i];
    return 0;
}

int virtio_net_init(struct virtio_net *n, struct netdev *nd, const uint8_t *mac,
                    struct virtio_mem mem, struct virtio_irq irq)
{
    static int instances;
    memset(n, 0, sizeof(*n));
    n->nd = nd;
    static const uint8_t def[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    memcpy(n->mac, mac ? mac : def, 6);
    if (!mac)
        n->mac[5] += instances;
    instances++;
    n->frame = malloc(VIRTIO_NET_FRAME_MAX);
    n->heads = calloc(VIRTQ_MAX_SIZE, sizeof(*n->heads));
    n->lens = calloc(VIRTQ_MAX_SIZE, sizeof(*n->lens));
    if (!n->frame || !n->heads || !n->lens)
        return -ENOMEM;
    memcpy(n->vdev.config, n->mac, 6);
    n->vdev.config[6] = VIRTIO_NET_S_LINK_UP;
    n->vdev.config_len = 8;
    nd->in_use = true;
    return virtio_dev_init(&n->vdev, &virtio_net_ops, n, mem, irq);
}

void virtio_net_destroy(struct virtio_net *n)
{
    virtio_dev_destroy(&n->vdev);
    free(n->frame);
    free(n->heads);
    free(n->lens);
    n->frame = NULL;
}
