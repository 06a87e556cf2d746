/*
 * Interactive HMP session: bytes from the chardev go through a small line
 * editor (printable characters, backspace, Ctrl-U; escape sequences such as
 * arrow keys are swallowed), a finished line runs through hmp_execute(),
 * its output goes back with "\r\n" line ends and a new prompt.
 */
#include <stdlib.h>
#include <string.h>

#include "sysemu/monitor/hmp.h"
#include "sysemu/monitor/monitor.h"

struct monitor {
    struct chardev *chr;
    struct hmp_ctx hmp;
    char line[1024];
    size_t len;
    int esc;            /* 0, 1 after ESC, 2 inside "ESC [" */
    bool greeted;
};

static void put(struct monitor *mon, const char *s)
{
    chardev_write(mon->chr, s, strlen(s));
}

static void greet(struct monitor *mon)
{
    char b[128];
    snprintf(b, sizeof(b), "QEMU %d.%d.%d monitor - type 'help' for more information\r\n",
             RUNTIME_SYSTEM_VERSION_MAJOR, RUNTIME_SYSTEM_VERSION_MINOR,
             RUNTIME_SYSTEM_VERSION_MICRO);
    put(mon, b);
    put(mon, MONITOR_PROMPT);
    mon->greeted = true;
}

static void run_line(struct monitor *mon)
{
    mon->line[mon->len] = 0;
    mon->len = 0;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    hmp_execute(&mon->hmp, mon->line, out);
    fclose(out);
    size_t n;
    char *crlf = hmp_crlf(text, size, &n);
    chardev_write(mon->chr, crlf, n);
    free(crlf);
    free(text);
    if (!mon->hmp.quitting)
        put(mon, MONITOR_PROMPT);
}

static void mon_read(void *opaque, const uint8_t *buf, size_t len)
{
    struct monitor *mon = opaque;
    for (size_t i = 0; i < len; i++) {
        uint8_t ch = buf[i];
        if (mon->esc == 1) {
            mon->esc = ch == '[' || ch == 'O' ? 2 : 0;
            continue;
        }
        if (mon->esc == 2) {
            /* a CSI sequence ends with a byte in 0x40..0x7e */
            if (ch >= 0x40 && ch <= 0x7e)
                mon->esc = 0;
            continue;
        }
        switch (ch) {
        case '\r':
        case '\n':
            /* "\r\n" from a terminal or a script is one line end */
            if (ch == '\n' && i > 0 && buf[i - 1] == '\r')
                break;
            put(mon, "\r\n");
            run_line(mon);
            break;
        case 0x1b:
            mon->esc = 1;
            break;
        case 0x7f:
        case '\b':
            if (mon->len) {
                mon->len--;
                put(mon, "\b \b");
            }
            break;
        case 0x15:  /* Ctrl-U: kill the line */
            while (mon->len) {
                mon->len--;
                put(mon, "\b \b");
            }
            break;
        default:
            if (ch >= 0x20 && mon->len < sizeof(mon->line) - 1) {
                mon->line[mon->len++] = ch;
                chardev_write(mon->chr, &ch, 1);
            }
            break;
        }
    }
}

static void mon_event(void *opaque, enum chardev_event ev)
{
    struct monitor *mon = opaque;
    switch (ev) {
    case CHARDEV_OPENED:
        /* a muxed monitor speaks up when it gets the focus */
        mon->len = 0;
        mon->esc = 0;
        if (!mon->chr->mux || mon->chr->fe[mon->chr->focus].opaque == mon)
            greet(mon);
        else
            mon->greeted = false;
        break;
    case CHARDEV_CLOSED:
        mon->greeted = false;
        break;
    case CHARDEV_FOCUS_IN:
        if (!mon->greeted)
            greet(mon);
        else
            put(mon, "\r\n" MONITOR_PROMPT);
        break;
    case CHARDEV_FOCUS_OUT:
        break;
    }
}

struct monitor *monitor_new(struct chardev *chr, const struct machine_control *ctl, void *m)
{
    struct monitor *mon = calloc(1, sizeof(*mon));
    mon->chr = chr;
    mon->hmp = (struct hmp_ctx){ .ctl = ctl, .m = m, .cpu = 0 };
    if (chardev_attach(chr, mon_read, mon_event, mon) < 0) {
        free(mon);
        return NULL;
    }
    return mon;
}

void monitor_free(struct monitor *mon)
{
    free(mon);
}
