/*
 * Sockets: AF_UNIX socketpair with SCM_RIGHTS and SCM_CREDENTIALS
 * (msghdr/cmsghdr layouts), SO_PEERCRED, MSG_CMSG_CLOEXEC; TCP over
 * loopback (bind, listen, getsockname, connect, accept4, getpeername,
 * send/recv, shutdown); UDP sendto/recvfrom; sendmmsg/recvmmsg;
 * getsockopt/setsockopt with int and struct timeval values.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHOW(what, r) printf("%-30s %s\n", what, (r) < 0 ? strerrorname_np(errno) : "ok")

static void t_unix(void)
{
    int sv[2], on = 1, p[2];
    char buf[64], cbuf[CMSG_SPACE(sizeof(int) * 2) + CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = { buf, sizeof(buf) };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                         .msg_controllen = CMSG_SPACE(sizeof(int) * 2) };
    struct cmsghdr *c;
    struct ucred uc;
    socklen_t len = sizeof(uc);
    ssize_t n;

    SHOW("socketpair", socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    SHOW("SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len));
    printf("peer is self: pid %d uid %d len %u\n", uc.pid == getpid(), uc.uid == getuid(), len);
    pipe(p);
    write(p[1], "through the fd", 14);
    memset(cbuf, 0, sizeof(cbuf));
    c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * 2);
    memcpy(CMSG_DATA(c), p, sizeof(int) * 2);
    iov.iov_len = 5;
    memcpy(buf, "fds!!", 5);
    SHOW("sendmsg SCM_RIGHTS", sendmsg(sv[0], &mh, 0));
    memset(cbuf, 0, sizeof(cbuf));
    mh.msg_controllen = sizeof(cbuf);
    iov.iov_len = sizeof(buf);
    n = recvmsg(sv[1], &mh, MSG_CMSG_CLOEXEC);
    printf("recvmsg: %zd bytes '%.*s' flags %d\n", n, (int)(n > 0 ? n : 0), buf, mh.msg_flags);
    c = CMSG_FIRSTHDR(&mh);
    if (c && c->cmsg_type == SCM_RIGHTS) {
        int fds[2];

        memcpy(fds, CMSG_DATA(c), sizeof(fds));
        printf("got %zu fds, cloexec %d\n", (c->cmsg_len - CMSG_LEN(0)) / sizeof(int),
               fcntl(fds[0], F_GETFD));
        n = read(fds[0], buf, sizeof(buf));
        printf("read via passed fd: %.*s\n", (int)(n > 0 ? n : 0), buf);
    } else {
        printf("no SCM_RIGHTS\n");
    }

    /* credentials: SO_PASSCRED on the receiver, explicit ucred from the sender */
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
    uc.pid = getpid();
    uc.uid = getuid();
    uc.gid = getgid();
    memset(cbuf, 0, sizeof(cbuf));
    mh.msg_control = cbuf;
    mh.msg_controllen = CMSG_SPACE(sizeof(uc));
    c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof(uc));
    memcpy(CMSG_DATA(c), &uc, sizeof(uc));
    iov.iov_len = 4;
    memcpy(buf, "cred", 4);
    SHOW("sendmsg SCM_CREDENTIALS", sendmsg(sv[0], &mh, 0));
    mh.msg_controllen = sizeof(cbuf);
    iov.iov_len = sizeof(buf);
    n = recvmsg(sv[1], &mh, 0);
    c = CMSG_FIRSTHDR(&mh);
    if (c && c->cmsg_type == SCM_CREDENTIALS) {
        struct ucred got;

        memcpy(&got, CMSG_DATA(c), sizeof(got));
        printf("SCM_CREDENTIALS: pid %d uid %d gid %d\n", got.pid == getpid(),
               got.uid == getuid(), got.gid == getgid());
    } else {
        printf("no SCM_CREDENTIALS (%zd)\n", n);
    }
    SHOW("shutdown SHUT_WR", shutdown(sv[0], SHUT_WR));
    printf("read after peer shutdown: %zd\n", read(sv[1], buf, sizeof(buf)));
    close(sv[0]);
    close(sv[1]);
}

static void t_tcp(void)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0), cs, as, on = 1, v;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, b;
    socklen_t len = sizeof(a);
    struct timeval tv = { 2, 500000 }, tv2;
    char buf[64];
    ssize_t n;

    SHOW("SO_REUSEADDR", setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)));
    SHOW("bind 127.0.0.1:0", bind(ls, (struct sockaddr *)&a, sizeof(a)));
    SHOW("listen", listen(ls, 4));
    SHOW("getsockname", getsockname(ls, (struct sockaddr *)&a, &len));
    printf("bound port nonzero %d len %u\n", a.sin_port != 0, len);
    cs = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    n = connect(cs, (struct sockaddr *)&a, sizeof(a));
    printf("nonblocking connect: %s\n", n == 0 ? "ok" : strerrorname_np(errno));
    len = sizeof(b);
    as = accept4(ls, (struct sockaddr *)&b, &len, SOCK_CLOEXEC);
    SHOW("accept4", as);
    printf("accepted: cloexec %d from loopback %d\n", fcntl(as, F_GETFD),
           b.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    len = sizeof(b);
    SHOW("getpeername", getpeername(cs, (struct sockaddr *)&b, &len));
    printf("peer port matches %d\n", b.sin_port == a.sin_port);
    SHOW("TCP_NODELAY", setsockopt(cs, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)));
    len = sizeof(v);
    getsockopt(cs, IPPROTO_TCP, TCP_NODELAY, &v, &len);
    printf("TCP_NODELAY read back %d\n", v != 0);
    SHOW("SO_RCVTIMEO", setsockopt(as, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    len = sizeof(tv2);
    getsockopt(as, SOL_SOCKET, SO_RCVTIMEO, &tv2, &len);
    printf("SO_RCVTIMEO read back %ld.%06ld len %u\n", (long)tv2.tv_sec, (long)tv2.tv_usec, len);
    len = sizeof(v);
    getsockopt(as, SOL_SOCKET, SO_TYPE, &v, &len);
    printf("SO_TYPE stream %d\n", v == SOCK_STREAM);
    usleep(10000);
    SHOW("send", send(cs, "ping", 4, 0));
    n = recv(as, buf, sizeof(buf), 0);
    printf("recv %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    n = recv(cs, buf, sizeof(buf), MSG_DONTWAIT);
    printf("recv MSG_DONTWAIT empty: %s\n", n < 0 ? strerrorname_np(errno) : "data");
    shutdown(as, SHUT_RDWR);
    close(as);
    close(cs);
    close(ls);
}

static void t_udp(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0), r = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, from;
    socklen_t len = sizeof(a);
    char bufs[3][16];
    struct iovec iov[3];
    struct mmsghdr mm[3];
    ssize_t n;

    bind(r, (struct sockaddr *)&a, sizeof(a));
    getsockname(r, (struct sockaddr *)&a, &len);
    n = sendto(s, "datagram", 8, 0, (struct sockaddr *)&a, sizeof(a));
    printf("sendto %zd\n", n);
    len = sizeof(from);
    n = recvfrom(r, bufs[0], sizeof(bufs[0]), 0, (struct sockaddr *)&from, &len);
    printf("recvfrom %zd '%.*s' from loopback %d\n", n, (int)n, bufs[0],
           from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    connect(s, (struct sockaddr *)&a, sizeof(a));
    memset(mm, 0, sizeof(mm));
    for (int i = 0; i < 3; i++) {
        snprintf(bufs[i], sizeof(bufs[i]), "msg%d", i);
        iov[i].iov_base = bufs[i];
        iov[i].iov_len = 4;
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    printf("sendmmsg %d\n", sendmmsg(s, mm, 3, 0));
    memset(bufs, 0, sizeof(bufs));
    for (int i = 0; i < 3; i++) {
        iov[i].iov_len = sizeof(bufs[i]);
        mm[i].msg_len = 0;
    }
    usleep(10000);
    n = recvmmsg(r, mm, 3, MSG_DONTWAIT, NULL);
    printf("recvmmsg %zd:", n);
    for (int i = 0; i < n; i++)
        printf(" %s/%u", bufs[i], mm[i].msg_len);
    printf("\n");
    close(s);
    close(r);
}

static void t_unix_path(void)
{
    int ls = socket(AF_UNIX, SOCK_SEQPACKET, 0), cs, as;
    struct sockaddr_un a = { .sun_family = AF_UNIX }, b;
    socklen_t len = sizeof(b);
    char buf[16];

    snprintf(a.sun_path, sizeof(a.sun_path), "sock");
    SHOW("bind AF_UNIX path", bind(ls, (struct sockaddr *)&a, sizeof(a)));
    listen(ls, 1);
    cs = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    SHOW("connect AF_UNIX", connect(cs, (struct sockaddr *)&a, sizeof(a)));
    as = accept(ls, (struct sockaddr *)&b, &len);
    memset(&b, 0, sizeof(b));
    len = sizeof(b);
    getsockname(ls, (struct sockaddr *)&b, &len);
    printf("getsockname path '%s'\n", b.sun_path);
    send(cs, "rec1", 4, 0);
    send(cs, "rec22", 5, 0);
    {
        ssize_t r1 = recv(as, buf, sizeof(buf), 0), r2 = recv(as, buf, sizeof(buf), 0);

        printf("seqpacket records: %zd %zd\n", r1, r2);
    }
    unlink("sock");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    t_unix();
    t_tcp();
    t_udp();
    t_unix_path();
    return 0;
}
