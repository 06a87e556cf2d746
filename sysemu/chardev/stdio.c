/*
 * stdio back-end: the runner's own terminal.  A terminal goes to raw mode
 * (keys reach the guest one by one, Ctrl-C included) with output
 * post-processing kept, so a guest's "\n" still starts a new line; the
 * previous mode comes back at exit and on a fatal signal, or the user's
 * shell is left unusable.  Ctrl-A escapes are always on here: raw mode
 * leaves Ctrl-A x as the only way out from the keyboard.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "sysemu/chardev/chardev.h"

static struct termios saved_tio;
static volatile sig_atomic_t tio_saved;
static bool stdio_taken;

void chardev_term_restore(void)
{
    if (tio_saved) {
        tcsetattr(0, TCSANOW, &saved_tio);
        tio_saved = 0;
    }
}

static void term_signal(int sig)
{
    chardev_term_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void term_raw(void)
{
    struct termios tio;
    if (!isatty(0) || tcgetattr(0, &tio) < 0)
        return;
    saved_tio = tio;
    tio_saved = 1;
    atexit(chardev_term_restore);
    static const int fatal[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS };
    for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
        struct sigaction old;
        /* a handler someone installed already (the machine's SIGTERM
         * shutdown) is kept: the atexit hook covers its exit */
        if (sigaction(fatal[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
            signal(fatal[i], term_signal);
    }
    tio.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    tio.c_oflag |= OPOST;
    tio.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
    tio.c_cflag &= ~(CSIZE | PARENB);
    tio.c_cflag |= CS8;
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    tcsetattr(0, TCSANOW, &tio);
}

static int stdio_open(struct chardev *c, const char *arg, char *err, size_t errlen)
{
    if (stdio_taken) {
        snprintf(err, errlen, "chardev '%s': stdio is already in use (use mon:stdio to share it)",
                 c->label);
        return -1;
    }
    stdio_taken = true;
    c->escapes = true;
    c->fd_out = 1;
    term_raw();
    chardev_set_input(c, 0);
    return 0;
}

static void stdio_readable(struct chardev *c, int fd)
{
    uint8_t buf[256];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        /* end of input (stdin from /dev/null, a closed pipe): stop watching */
        chardev_set_input(c, -1);
        return;
    }
    chardev_input(c, buf, n);
}

static void stdio_close(struct chardev *c)
{
    chardev_term_restore();
    stdio_taken = false;
}

const struct chardev_ops chardev_stdio_ops = {
    .name = "stdio",
    .open = stdio_open,
    .readable = stdio_readable,
    .close = stdio_close,
};
