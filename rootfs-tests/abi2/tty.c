/*
 * Terminal ioctls on a pseudo-terminal: TIOCGPTN/TIOCSPTLCK (ptsname,
 * unlockpt), TCGETS/TCSETS*, TIOCGWINSZ/TIOCSWINSZ, FIONREAD, FIONBIO,
 * FIOCLEX/FIONCLEX, TCFLSH, a new session taking the terminal with
 * TIOCSCTTY, TIOCGPGRP/TIOCSPGRP, TIOCGSID, TIOCNOTTY; an unknown
 * request is ENOTTY.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define SHOW(what, r) printf("%-28s %s\n", what, (r) < 0 ? strerrorname_np(errno) : "ok")

int main(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY), s, n, v;
    unsigned ptn;
    struct termios t, t2;
    struct winsize ws = { .ws_row = 33, .ws_col = 101, .ws_xpixel = 7, .ws_ypixel = 9 }, w2;
    char name[64], buf[64];

    setvbuf(stdout, NULL, _IONBF, 0);
    SHOW("posix_openpt", m);
    SHOW("grantpt", grantpt(m));
    SHOW("TIOCGPTN", ioctl(m, TIOCGPTN, &ptn));
    SHOW("ptsname_r", ptsname_r(m, name, sizeof(name)));
    printf("ptsname matches TIOCGPTN: %d\n", atoi(name + 9) == (int)ptn);
    SHOW("open slave while locked", open(name, O_RDWR | O_NOCTTY));
    SHOW("unlockpt (TIOCSPTLCK)", unlockpt(m));
    s = open(name, O_RDWR | O_NOCTTY);
    SHOW("open slave", s);
    printf("isatty slave %d pipe %d\n", isatty(s), isatty(1) && 0);

    SHOW("tcgetattr (TCGETS)", tcgetattr(s, &t));
    printf("default: icanon %d echo %d VEOF %d VMIN %d\n", !!(t.c_lflag & ICANON),
           !!(t.c_lflag & ECHO), t.c_cc[VEOF], t.c_cc[VMIN]);
    cfmakeraw(&t);
    t.c_cc[VMIN] = 3;
    SHOW("tcsetattr TCSANOW", tcsetattr(s, TCSANOW, &t));
    SHOW("tcsetattr TCSADRAIN", tcsetattr(s, TCSADRAIN, &t));
    SHOW("tcsetattr TCSAFLUSH", tcsetattr(s, TCSAFLUSH, &t));
    tcgetattr(s, &t2);
    printf("raw: icanon %d echo %d VMIN %d opost %d cs8 %d\n", !!(t2.c_lflag & ICANON),
           !!(t2.c_lflag & ECHO), t2.c_cc[VMIN], !!(t2.c_oflag & OPOST),
           (t2.c_cflag & CSIZE) == CS8);
    cfsetospeed(&t2, B9600);
    tcsetattr(s, TCSANOW, &t2);
    tcgetattr(s, &t);
    printf("speed B9600: %d\n", cfgetospeed(&t) == B9600);

    SHOW("TIOCSWINSZ", ioctl(m, TIOCSWINSZ, &ws));
    SHOW("TIOCGWINSZ", ioctl(s, TIOCGWINSZ, &w2));
    printf("winsize %dx%d px %dx%d\n", w2.ws_col, w2.ws_row, w2.ws_xpixel, w2.ws_ypixel);

    write(m, "hello", 5);
    usleep(20000);
    SHOW("FIONREAD", ioctl(s, FIONREAD, &n));
    printf("FIONREAD: %d\n", n);
    SHOW("TCFLSH TCIFLUSH", tcflush(s, TCIFLUSH));
    ioctl(s, FIONREAD, &n);
    printf("after flush: %d\n", n);
    v = 1;
    SHOW("FIONBIO on", ioctl(s, FIONBIO, &v));
    printf("O_NONBLOCK now %d; read: %s\n", !!(fcntl(s, F_GETFL) & O_NONBLOCK),
           read(s, buf, 1) < 0 ? strerrorname_np(errno) : "data");
    SHOW("FIOCLEX", ioctl(s, FIOCLEX));
    printf("FD_CLOEXEC %d\n", fcntl(s, F_GETFD));
    SHOW("FIONCLEX", ioctl(s, FIONCLEX));
    printf("FD_CLOEXEC %d\n", fcntl(s, F_GETFD));
    SHOW("unknown ioctl 0x54ff", ioctl(s, 0x54ff, 0));
    {
        int p[2];

        pipe(p);
        SHOW("TCGETS on a pipe", tcgetattr(p[0], &t));
    }

    /* a new session takes the terminal as its controlling tty */
    if (fork() == 0) {
        pid_t pg, sid;
        int cs;

        SHOW("child setsid", setsid());
        cs = open(name, O_RDWR | O_NOCTTY);
        SHOW("TIOCSCTTY", ioctl(cs, TIOCSCTTY, 0));
        SHOW("TIOCGPGRP", ioctl(cs, TIOCGPGRP, &pg));
        printf("pgrp is ours %d\n", pg == getpgrp());
        SHOW("TIOCGSID", ioctl(cs, TIOCGSID, &sid));
        printf("sid is ours %d\n", sid == getsid(0));
        SHOW("setpgid(0,0)", setpgid(0, 0));
        SHOW("TIOCSPGRP", ioctl(cs, TIOCSPGRP, &pg));
        printf("tcgetpgrp == pg %d\n", tcgetpgrp(cs) == pg);
        SHOW("open /dev/tty", open("/dev/tty", O_RDWR));
        /* the session leader giving up its terminal hangs up its foreground group: itself */
        signal(SIGHUP, SIG_IGN);
        SHOW("TIOCNOTTY", ioctl(cs, TIOCNOTTY));
        SHOW("open /dev/tty after", open("/dev/tty", O_RDWR));
        fflush(stdout);
        _exit(0);
    }
    wait(NULL);
    return 0;
}
