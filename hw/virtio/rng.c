/*
 * virtio-rng (rng.h).  Each request is answered at once with as many bytes
 * as its buffers hold, up to VIRTIO_RNG_MAX_REQ; the spec lets the device
 * write fewer than asked and the driver comes back for more.  A source that
 * fails (a file at its end, a read error) yields a zero-length answer and a
 * guest_errors line rather than bytes that are not random.
 */
#include "hw/virtio/rng.h"
#include "sysemu/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static uint64_t rng_features(struct virtio_dev *d)
{
    return 0;
}

static size_t rng_fill(struct virtio_rng *r, size_t want)
{
    size_t got = 0;
    while (got < want) {
        ssize_t n = r->fd >= 0 ? read(r->fd, r->buf + got, want - got) : getrandom(r->buf + got, want - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            sysemu_log(LOG_GUEST_ERRORS, "virtio-rng: the entropy source gave %s",
                       n ? strerror(errno) : "end of file");
            break;
        }
        got += n;
    }
    return got;
}

static void rng_queue_notify(struct virtio_dev *d, int qi)
{
    struct virtio_rng *r = d->opaque;
    struct virtqueue *q = &d->vq[0];
    struct virtq_elem *e = d->elem;
    bool used = false;
    do {
        int k;
        while ((k = virtq_pop(d, q, e)) > 0) {
            if (e->n_out) {
                virtio_dev_error(d, "request with %zu device-readable bytes", e->out_len);
                return;
            }
            size_t want = e->in_len < VIRTIO_RNG_MAX_REQ ? e->in_len : VIRTIO_RNG_MAX_REQ;
            size_t got = rng_fill(r, want);
            iov_from_buf(e->in, e->n_in, 0, r->buf, got);
            r->bytes += got;
            virtq_push(d, q, e, got);
            used = true;
        }
        if (k < 0)
            return;
    } while (virtq_enable_notify(d, q));
    if (used)
        virtq_notify(d, q);
}

static const struct virtio_dev_ops virtio_rng_ops = {
    .name = "virtio-rng",
    .device_id = VIRTIO_ID_RNG,
    .num_queues = 1,
    .features = rng_features,
    .queue_notify = rng_queue_notify,
};

int virtio_rng_init(struct virtio_rng *r, int fd, struct virtio_mem mem, struct virtio_irq irq)
{
    memset(r, 0, sizeof(*r));
    r->fd = fd;
    r->buf = malloc(VIRTIO_RNG_MAX_REQ);
    if (!r->buf)
        return -ENOMEM;
    r->vdev.config_len = 0;
    return virtio_dev_init(&r->vdev, &virtio_rng_ops, r, mem, irq);
}

void virtio_rng_destroy(struct virtio_rng *r)
{
    virtio_dev_destroy(&r->vdev);
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    free(r->buf);
    r->buf = NULL;
}
