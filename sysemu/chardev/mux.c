/*
 * Input dispatch and QEMU's Ctrl-A escapes.  On a stdio terminal in raw
 * mode Ctrl-C goes to the guest, so the way out is Ctrl-A x; with "mon:"
 * the same stream carries a device and the monitor, and Ctrl-A c moves the
 * input between them (every front-end's output is always shown).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysemu/chardev/chardev.h"

static void (*quit_hook)(void);

void chardev_set_quit_hook(void (*fn)(void))
{
    quit_hook = fn;
}

void chardev_quit(void)
{
    if (quit_hook) {
        quit_hook();
        return;
    }
    chardev_term_restore();
    exit(0);
}

void chardev_mux_switch(struct chardev *c)
{
    if (c->fe_count < 2)
        return;
    struct chardev_fe *old = &c->fe[c->focus];
    if (old->on_event)
        old->on_event(old->opaque, CHARDEV_FOCUS_OUT);
    c->focus = (c->focus + 1) % c->fe_count;
    struct chardev_fe *now = &c->fe[c->focus];
    if (now->on_event)
        now->on_event(now->opaque, CHARDEV_FOCUS_IN);
}

static void mux_help(struct chardev *c)
{
    static const char help[] =
        "\r\n"
        "C-a h    print this help\r\n"
        "C-a x    exit emulator\r\n"
        "C-a c    switch between console and monitor\r\n"
        "C-a C-a  sends C-a\r\n";
    chardev_write(c, help, sizeof(help) - 1);
}

/* deliver buf[0..len) to the focused front-end */
static void deliver(struct chardev *c, const uint8_t *buf, size_t len)
{
    if (!len || !c->fe_count)
        return;
    struct chardev_fe *fe = &c->fe[c->focus];
    if (fe->on_read)
        fe->on_read(fe->opaque, buf, len);
}

void chardev_input(struct chardev *c, const uint8_t *buf, size_t len)
{
    if (!c->escapes) {
        deliver(c, buf, len);
        return;
    }
    /* plain runs go out in one call; an escape splits them */
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t ch = buf[i];
        if (c->got_escape) {
            c->got_escape = false;
            start = i + 1;
            switch (ch) {
            case CHARDEV_ESCAPE:
                deliver(c, &ch, 1);
                break;
            case 'x': {
                static const char bye[] = "QEMU: Terminated\n\r";
                chardev_write(c, bye, sizeof(bye) - 1);
                chardev_quit();
                return;
            }
            case 'h':
            case '?':
                mux_help(c);
                break;
            case 'c':
                chardev_mux_switch(c);
                break;
            default:
                /* an unknown escape is dropped, like QEMU's */
                break;
            }
        } else if (ch == CHARDEV_ESCAPE) {
            deliver(c, buf + start, i - start);
            c->got_escape = true;
            start = i + 1;
        }
    }
    deliver(c, buf + start, len - start);
}
