/*
 * The machine core without a machine: address-space dispatch (ordering,
 * overlaps, RAM versus I/O, unassigned accesses, sizes at region ends) and
 * the main loop (fd watches, one-shot and periodic timers, loop_call from
 * other threads in order, loop_quit's status).
 */
#include "sysemu/loop.h"
#include "sysemu/memory.h"
#include "sysemu/tests/tap.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

struct dev {
    uint64_t last_off, last_val;
    unsigned last_size;
    int reads, writes;
};

static uint64_t dev_read(void *opaque, uint64_t off, unsigned size)
{
    struct dev *d = opaque;
    d->reads++;
    d->last_off = off;
    d->last_size = size;
    return 0x1122334455667788ull >> (8 * (8 - size)) ^ off;
}

static void dev_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    struct dev *d = opaque;
    d->writes++;
    d->last_off = off;
    d->last_val = val;
    d->last_size = size;
}

static const struct mem_ops dev_ops = { .read = dev_read, .write = dev_write };

static void test_dispatch(void)
{
    struct address_space as;
    struct dev a = { 0 }, b = { 0 };
    as_init(&as, "memory");
    ok(as_add_io(&as, "b", 0x3000, 0x100, &dev_ops, &b) != NULL, "add an I/O region");
    ok(as_add_ram(&as, "ram", 0, 0x2000) != NULL, "add RAM below it (kept sorted)");
    ok(as_add_io(&as, "a", 0x2000, 0x10, &dev_ops, &a) != NULL, "add a region between");
    ok(as.r[0].base == 0 && as.r[1].base == 0x2000 && as.r[2].base == 0x3000, "regions sorted by base");
    errno = 0;
    ok(as_add_io(&as, "x", 0x2008, 0x10, &dev_ops, &a) == NULL && errno == EEXIST, "overlap at the end refused");
    ok(as_add_io(&as, "y", 0x1ff0, 0x20, &dev_ops, &a) == NULL && errno == EEXIST, "overlap at the start refused");
    ok(as_add_io(&as, "z", 0x2010, 0, &dev_ops, &a) == NULL, "empty region refused");

    ok(as_find(&as, 0x1fff) == &as.r[0] && as_find(&as, 0x2000) == &as.r[1] &&
       as_find(&as, 0x200f) == &as.r[1] && as_find(&as, 0x2010) == NULL && as_find(&as, 0x30ff) == &as.r[2] &&
       as_find(&as, 0x3100) == NULL, "as_find at every edge");

    uint32_t v = 0xdeadbeef, r = 0;
    as_write(&as, 0x1234, &v, 4);
    ok(*(uint32_t *)as_ram_ptr(&as, 0x1234, 4) == 0xdeadbeef, "a RAM write lands in the host mapping");
    as_read(&as, 0x1234, &r, 4);
    ok(r == 0xdeadbeef, "a RAM read");
    ok(as_ram_ptr(&as, 0x1ffc, 8) == NULL && as_ram_ptr(&as, 0x1ffc, 4) != NULL, "as_ram_ptr stays inside one region");
    ok(as_ram_ptr(&as, 0x2000, 1) == NULL, "as_ram_ptr refuses I/O");

    uint16_t w = 0xabcd;
    as_write(&as, 0x3042, &w, 2);
    ok(b.writes == 1 && b.last_off == 0x42 && b.last_val == 0xabcd && b.last_size == 2,
       "an I/O write reaches the device at its offset with its size");
    uint8_t byte = 0;
    as_read(&as, 0x2003, &byte, 1);
    ok(a.reads == 1 && a.last_off == 3 && byte == (0x11 ^ 3), "an I/O read returns the device's value");

    uint64_t q = 0;
    as_read(&as, 0x5000, &q, 8);
    ok(q == ~0ull, "an unassigned read gives all ones");
    as_write(&as, 0x5000, &q, 8);
    ok(a.writes == 0 && b.writes == 1, "an unassigned write goes nowhere");
}

static int pipe_fd[2], pipe_reads, timer_fires, periodic_fires;
static struct loop_timer *periodic;
static int calls[64], n_calls;

static void on_pipe(void *opaque, int fd)
{
    char buf[16];
    if (read(fd, buf, sizeof(buf)) > 0)
        pipe_reads++;
    loop_unwatch(fd);
}

static void on_timer(void *opaque)
{
    timer_fires++;
}

static void on_periodic(void *opaque)
{
    if (++periodic_fires == 3)
        loop_timer_arm(periodic, 0, 0);
}

static void record(void *opaque)
{
    calls[n_calls++] = (int)(intptr_t)opaque;
}

static void stop(void *opaque)
{
    loop_quit(42);
}

static void *caller(void *arg)
{
    for (int i = 0; i < 32; i++)
        loop_call(record, (void *)(intptr_t)i);
    return NULL;
}

static void test_loop(void)
{
    ok(loop_init() == 0, "loop_init");
    ok(pipe(pipe_fd) == 0 && loop_watch(pipe_fd[0], on_pipe, NULL) == 0, "watch a pipe");
    ok(write(pipe_fd[1], "x", 1) == 1, "make it readable");
    struct loop_timer *t = loop_timer_new(on_timer, NULL);
    periodic = loop_timer_new(on_periodic, NULL);
    ok(t && periodic, "two timers");
    loop_timer_arm(t, 20 * 1000000, 0);
    loop_timer_arm(periodic, 1000000, 5 * 1000000);
    pthread_t th;
    pthread_create(&th, NULL, caller, NULL);
    pthread_join(th, NULL);
    struct loop_timer *end = loop_timer_new(stop, NULL);
    loop_timer_arm(end, 100 * 1000000, 0);
    int status = loop_run();
    ok(status == 42, "loop_run returns loop_quit's status");
    ok(pipe_reads == 1, "the pipe callback ran once (then unwatched)");
    ok(timer_fires == 1, "the one-shot timer fired once");
    ok(periodic_fires == 3, "the periodic timer fired until disarmed (%d)", periodic_fires);
    int in_order = n_calls == 32;
    for (int i = 0; i < n_calls; i++)
        in_order &= calls[i] == i;
    ok(in_order, "32 loop_calls from another thread ran in order (%d)", n_calls);
}

int main(void)
{
    test_dispatch();
    test_loop();
    return tap_done();
}
