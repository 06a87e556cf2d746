/*
 * The main loop of runtime-system: one thread, epoll over file descriptors
 * (chardevs, monitor sockets) and timerfd timers.  vCPUs run on threads of
 * their own; what they must not do themselves (a shutdown that joins them,
 * an event for the monitor) they hand to the loop with loop_call().
 */
#ifndef SYSEMU_LOOP_H
#define SYSEMU_LOOP_H

#include <stdint.h>

struct chardev_loop;

typedef void loop_fd_fn(void *opaque, int fd);
typedef void loop_fn(void *opaque);

int loop_init(void);
/* call cb(opaque, fd) on the loop thread whenever fd is readable; -errno on failure */
int loop_watch(int fd, loop_fd_fn *cb, void *opaque);
void loop_unwatch(int fd);

struct loop_timer;
struct loop_timer *loop_timer_new(loop_fn *cb, void *opaque);
/* fire once after ns nanoseconds (0 disarms); period_ns > 0 repeats */
void loop_timer_arm(struct loop_timer *t, uint64_t ns, uint64_t period_ns);

/* run fn(opaque) on the loop thread soon; safe from any thread */
void loop_call(loop_fn *fn, void *opaque);

/* run until loop_quit(); returns its status */
int loop_run(void);
void loop_quit(int status);

/* the loop as chardevs want it (sysemu/chardev/chardev.h) */
struct chardev_loop *loop_chardev(void);

#endif
