/*
 * Character devices: the byte streams behind -serial, -monitor and -qmp.
 *
 * A chardev is opened from a QEMU-style spec ("stdio", "file:PATH", "pty",
 * "unix:PATH,server,wait=off", "null", and "mon:" in front of any of them
 * to share it between a device and the monitor).  Front-ends (a UART, the
 * monitor, a QMP session) attach read and event callbacks and write with
 * chardev_write().  The back-end never runs a loop of its own: it asks a
 * struct chardev_loop to watch its descriptors, so the same code runs under
 * the machine's main loop and under chardev_poll() in the unit tests.
 *
 * Threads: writes may come from vCPU threads (UART output) while the main
 * loop swaps a socket's client; chardev_write() takes the chardev's lock.
 * Read and event callbacks run on the loop's thread.
 */
#ifndef SYSEMU_CHARDEV_H
#define SYSEMU_CHARDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* watches descriptors for reading; implemented by the main loop or chardev_poll */
struct chardev_loop {
    int (*watch)(struct chardev_loop *loop, int fd, void (*cb)(void *opaque, int fd), void *opaque);
    void (*unwatch)(struct chardev_loop *loop, int fd);
};

enum chardev_event {
    CHARDEV_OPENED,     /* a peer is there: a socket client connected, or a back-end without peers opened */
    CHARDEV_CLOSED,     /* the peer went away (socket client hung up) */
    CHARDEV_FOCUS_IN,   /* mux: this front-end now receives the input */
    CHARDEV_FOCUS_OUT,
};

typedef void chardev_read_fn(void *opaque, const uint8_t *buf, size_t len);
typedef void chardev_event_fn(void *opaque, enum chardev_event ev);

#define CHARDEV_MAX_FE 4

struct chardev_fe {
    chardev_read_fn *on_read;
    chardev_event_fn *on_event;
    void *opaque;
};

struct chardev;

struct chardev_ops {
    const char *name;                 /* the spec's back-end name: "stdio", "file", ... */
    /* parse the options after "name:" (or NULL) and open; -1 with err set on failure */
    int (*open)(struct chardev *c, const char *arg, char *err, size_t errlen);
    /* the loop found fd readable */
    void (*readable)(struct chardev *c, int fd);
    void (*close)(struct chardev *c);
};

struct chardev {
    const struct chardev_ops *ops;
    char label[32];
    char *arg;                  /* the spec after "name:" */
    struct chardev_loop *loop;
    pthread_mutex_t lock;       /* guards fd_out against a write racing a reconnect */
    int fd_in;                  /* watched for input when >= 0 */
    int fd_out;                 /* output goes here when >= 0, else is dropped */
    bool connected;             /* a peer is there (sockets); others: always */
    bool stalled;               /* the peer stopped reading: output is dropped until it drains */
    bool escapes;               /* Ctrl-A commands are interpreted (stdio, mon:) */
    /* front-ends; more than one only when muxed ("mon:") */
    struct chardev_fe fe[CHARDEV_MAX_FE];
    int fe_count;
    int focus;
    bool mux;
    bool got_escape;            /* mux state: the last byte was Ctrl-A */
    void *priv;                 /* back-end state */
};

/* Open a chardev from SPEC; NULL with one line in err on a bad spec or a failed open */
struct chardev *chardev_open(const char *spec, const char *label, struct chardev_loop *loop,
                             char *err, size_t errlen);
void chardev_close(struct chardev *c);

/* attach a front-end; returns its index or -1 when the chardev is taken (not muxed) */
int chardev_attach(struct chardev *c, chardev_read_fn *on_read, chardev_event_fn *on_event,
                   void *opaque);
/* write all of buf; returns len.  Dropped when no peer is there, or (non-blocking
 * back-ends: sockets, pty) when the peer has not read for CHARDEV_STALL_MS */
#define CHARDEV_STALL_MS 500
ssize_t chardev_write(struct chardev *c, const void *buf, size_t len);
ssize_t chardev_printf(struct chardev *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- for back-ends ---- */
/* bytes read from the back-end: through the escape machine (if on) to the focused front-end */
void chardev_input(struct chardev *c, const uint8_t *buf, size_t len);
/* tell every front-end */
void chardev_event(struct chardev *c, enum chardev_event ev);
/* make fd the input descriptor and watch it (-1: stop) */
void chardev_set_input(struct chardev *c, int fd);

/* the /dev/pts/N of a pty chardev, NULL for other back-ends */
const char *chardev_pty_name(struct chardev *c);

/* ---- Ctrl-A escapes (mux.c) ---- */
#define CHARDEV_ESCAPE 0x01
/* what Ctrl-A x does; the machine sets it to a clean quit; default: exit(0) */
void chardev_set_quit_hook(void (*fn)(void));
void chardev_quit(void);
/* move the input to the next front-end (Ctrl-A c); the first attached has it at first */
void chardev_mux_switch(struct chardev *c);

/* ---- the terminal (stdio.c) ---- */
/* put back the terminal as it was before stdio went raw (idempotent, signal-safe) */
void chardev_term_restore(void);

/* ---- a tiny poll(2) loop (poll.c): for tests and for callers without a main loop ---- */
struct chardev_poll {
    struct chardev_loop loop;
    int n;
    struct {
        int fd;
        void (*cb)(void *opaque, int fd);
        void *opaque;
    } w[32];
};
void chardev_poll_init(struct chardev_poll *p);
/* wait up to timeout_ms (-1: forever) and dispatch; returns the number of callbacks run */
int chardev_poll_run(struct chardev_poll *p, int timeout_ms);

#endif
