/*
 * The facts syscall/ passes through unchanged: ioctl request numbers and
 * the sizes and offsets of the structs those calls carry.  Built natively
 * and per guest, the outputs must be identical (abi2.bats also checks
 * every row of syscall/generic/ioctl.def against them).  The two known
 * differences, struct epoll_event and struct semid64_ds, are converted
 * by syscall/ and printed on their own lines so the test can tell.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/random.h>
#include <linux/sockios.h>
#include <mqueue.h>
#include <net/if.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/uio.h>

/* termios2 ioctls need struct termios2, which clashes with glibc's termios */
#define T2(nr, dir) (((unsigned long)(dir) << 30) | (44ul << 16) | ('T' << 8) | (nr))

#define IO(x) printf("ioctl %s 0x%lx\n", #x, (unsigned long)(x))
#define SZ(t) printf("sizeof %s %zu\n", #t, sizeof(struct t))
#define OFF(t, f) printf("offsetof %s.%s %zu\n", #t, #f, offsetof(struct t, f))

int main(void)
{
    IO(TCGETS); IO(TCSETS); IO(TCSETSW); IO(TCSETSF); IO(TCSBRK); IO(TCXONC); IO(TCFLSH);
    IO(TIOCEXCL); IO(TIOCNXCL); IO(TIOCSCTTY); IO(TIOCGPGRP); IO(TIOCSPGRP); IO(TIOCOUTQ);
    IO(TIOCSTI); IO(TIOCGWINSZ); IO(TIOCSWINSZ); IO(TIOCMGET); IO(TIOCMBIS); IO(TIOCMBIC);
    IO(TIOCMSET); IO(FIONREAD); IO(TIOCPKT); IO(FIONBIO); IO(TIOCNOTTY); IO(TIOCSETD);
    IO(TIOCGETD); IO(TCSBRKP); IO(TIOCGSID); IO(TIOCVHANGUP); IO(TIOCGPTPEER); IO(FIONCLEX);
    IO(FIOCLEX); IO(FIOASYNC); IO(TIOCGLCKTRMIOS); IO(TIOCSLCKTRMIOS); IO(TIOCSERGETLSR);
    IO(FIOQSIZE); IO(TIOCGPTN); IO(TIOCSPTLCK); IO(TIOCGEXCL);
    printf("ioctl TCGETS2 0x%lx\nioctl TCSETS2 0x%lx\nioctl TCSETSW2 0x%lx\nioctl TCSETSF2 0x%lx\n",
           T2(0x2a, 2), T2(0x2b, 1), T2(0x2c, 1), T2(0x2d, 1));
    IO(FIBMAP); IO(FIGETBSZ); IO(FICLONE); IO(FICLONERANGE); IO(FIDEDUPERANGE);
    IO(FS_IOC_GETFLAGS); IO(FS_IOC_SETFLAGS); IO(FS_IOC_GETVERSION); IO(FS_IOC_FIEMAP);
    IO(BLKROGET); IO(BLKGETSIZE); IO(BLKSSZGET); IO(BLKBSZGET); IO(BLKGETSIZE64);
    IO(RNDGETENTCNT); IO(SIOCATMARK); IO(SIOCGSTAMP_OLD); IO(SIOCGSTAMPNS_OLD);
    IO(SIOCGIFNAME); IO(SIOCGIFCONF); IO(SIOCGIFFLAGS); IO(SIOCSIFFLAGS); IO(SIOCGIFADDR);
    IO(SIOCGIFBRDADDR); IO(SIOCGIFNETMASK); IO(SIOCGIFMTU); IO(SIOCGIFHWADDR); IO(SIOCGIFINDEX);

    SZ(winsize); SZ(ifreq); SZ(ifconf); SZ(fiemap); SZ(fiemap_extent); SZ(file_clone_range);
    SZ(flock); OFF(flock, l_start); OFF(flock, l_len); OFF(flock, l_pid); SZ(f_owner_ex);
    SZ(statfs); OFF(statfs, f_namelen); OFF(statfs, f_flags); SZ(statx);
    SZ(signalfd_siginfo); OFF(signalfd_siginfo, ssi_pid); OFF(signalfd_siginfo, ssi_int);
    printf("sizeof siginfo_t %zu\n", sizeof(siginfo_t));
    printf("offsetof siginfo_t.si_pid %zu\n", offsetof(siginfo_t, si_pid));
    printf("offsetof siginfo_t.si_status %zu\n", offsetof(siginfo_t, si_status));
    SZ(rusage); OFF(rusage, ru_maxrss); OFF(rusage, ru_nivcsw); SZ(rlimit); SZ(sysinfo);
    OFF(sysinfo, mem_unit); SZ(timex); SZ(itimerval); SZ(timespec); SZ(iovec);
    SZ(msghdr); OFF(msghdr, msg_control); OFF(msghdr, msg_flags); SZ(cmsghdr); SZ(mmsghdr);
    SZ(ucred); SZ(sockaddr_storage); SZ(linger); SZ(sembuf); SZ(shmid_ds);
    OFF(shmid_ds, shm_segsz); OFF(shmid_ds, shm_nattch); SZ(msqid_ds); OFF(msqid_ds, msg_qnum);
    SZ(mq_attr);
    /* converted by syscall/ (poll.c, ipc.c): expected to differ */
    printf("converted sizeof epoll_event %zu\n", sizeof(struct epoll_event));
    printf("converted sizeof semid_ds %zu\n", sizeof(struct semid_ds));
    return 0;
}
