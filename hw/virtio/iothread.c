/*
 * A virtio device's life and its I/O thread.  The thread sleeps in poll()
 * on an eventfd (QueueNotify from a vCPU, a kick from the device model) and
 * on the device's input descriptor (a netdev), so disk and network work
 * never runs on a vCPU thread and a slow image never stalls the guest's
 * other MMIO exits.
 */
#include "hw/virtio/virtio.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

void virtio_dev_kick(struct virtio_dev *d)
{
    uint64_t one = 1;
    ssize_t r = write(d->kick_fd, &one, sizeof(one));
    (void)r;    /* EAGAIN: the counter is already non-zero, the thread will wake */
}

static void run_pending(struct virtio_dev *d)
{
    unsigned pending = __atomic_exchange_n(&d->pending, 0, __ATOMIC_ACQUIRE);
    for (int q = 0; q < d->ops->num_queues; q++) {
        if (!(pending >> q & 1))
            continue;
        if ((d->status & VIRTIO_STATUS_DRIVER_OK) && !virtio_dev_broken(d) && d->vq[q].ready)
            d->ops->queue_notify(d, q);
    }
}

static void *virtio_iothread(void *arg)
{
    struct virtio_dev *d = arg;
    for (;;) {
        pthread_mutex_lock(&d->lock);
        bool stop = d->stopping;
        int fd = -1;
        if (!stop && d->ops->poll_fd && (d->status & VIRTIO_STATUS_DRIVER_OK) && !virtio_dev_broken(d))
            fd = d->ops->poll_fd(d);
        pthread_mutex_unlock(&d->lock);
        if (stop)
            return NULL;

        struct pollfd p[2] = { { d->kick_fd, POLLIN, 0 }, { fd, POLLIN, 0 } };
        if (poll(p, fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
            return NULL;
        if (p[0].revents & POLLIN) {
            uint64_t v;
            ssize_t r = read(d->kick_fd, &v, sizeof(v));
            (void)r;
        }
        pthread_mutex_lock(&d->lock);
        if (!d->stopping) {
            run_pending(d);
            if (fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
                (d->status & VIRTIO_STATUS_DRIVER_OK) && !virtio_dev_broken(d) && d->ops->fd_ready)
                d->ops->fd_ready(d);
        }
        pthread_mutex_unlock(&d->lock);
    }
}

int virtio_dev_init(struct virtio_dev *d, const struct virtio_dev_ops *ops, void *opaque,
                    struct virtio_mem mem, struct virtio_irq irq)
{
    d->ops = ops;
    d->opaque = opaque;
    d->mem = mem;
    d->irq = irq;
    d->elem = calloc(1, sizeof(*d->elem));
    if (!d->elem)
        return -ENOMEM;
    pthread_mutex_init(&d->lock, NULL);
    d->host_features = ops->features(d) | VIRTIO_TRANSPORT_FEATURES;
    d->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (d->kick_fd < 0)
        return -errno;
    virtio_dev_reset(d);
    int err = pthread_create(&d->thread, NULL, virtio_iothread, d);
    if (err) {
        close(d->kick_fd);
        return -err;
    }
    d->thread_started = true;
    return 0;
}

void virtio_dev_destroy(struct virtio_dev *d)
{
    if (d->thread_started) {
        pthread_mutex_lock(&d->lock);
        d->stopping = true;
        pthread_mutex_unlock(&d->lock);
        virtio_dev_kick(d);
        pthread_join(d->thread, NULL);
        d->thread_started = false;
    }
    if (d->kick_fd >= 0)
        close(d->kick_fd);
    d->kick_fd = -1;
    free(d->elem);
    d->elem = NULL;
}
