/*
 * Files: fcntl (flags, POSIX and OFD locks seen from another process),
 * statx, statfs/fstatfs, the *at family (renameat2 flags, faccessat2,
 * fchmodat, utimensat, linkat, symlinkat, readlinkat, unlinkat),
 * getdents64, open flags that aarch64 encodes differently, memfd, pipe2,
 * sendfile/splice/tee/copy_file_range, xattrs.  Run in an empty directory.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#define CHECK(what, expr) do { long _r = (long)(expr); \
    printf("%-40s %s\n", what, _r < 0 ? strerrorname_np(errno) : "ok"); } while (0)

static void t_fcntl(void)
{
    int fd = open("f1", O_RDWR | O_CREAT | O_APPEND | O_NONBLOCK, 0644), fl, p[2], back[2];
    struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 20 };

    fl = fcntl(fd, F_GETFL);
    printf("F_GETFL: append %d nonblock %d rdwr %d\n", !!(fl & O_APPEND), !!(fl & O_NONBLOCK),
           (fl & O_ACCMODE) == O_RDWR);
    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    printf("F_SETFL cleared nonblock: %d\n", !(fcntl(fd, F_GETFL) & O_NONBLOCK));
    printf("F_GETFD: %d\n", fcntl(fd, F_GETFD));
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    printf("after F_SETFD: %d\n", fcntl(fd, F_GETFD));
    CHECK("F_SETLK write lock [10,30)", fcntl(fd, F_SETLK, &lk));
    pipe(p);
    pipe(back);
    if (fork() == 0) {
        int cfd = open("f1", O_RDWR);
        struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 100 };
        struct flock o = q;
        char ok;

        fcntl(cfd, F_GETLK, &q);
        printf("child F_GETLK: type %s start %ld len %ld pid-is-parent %d\n",
               q.l_type == F_WRLCK ? "F_WRLCK" : "other", (long)q.l_start, (long)q.l_len,
               q.l_pid == getppid());
        q.l_type = F_RDLCK;
        q.l_start = 0;
        q.l_len = 5;
        printf("child F_SETLK outside the range: %s\n", fcntl(cfd, F_SETLK, &q) ? "fails" : "ok");
        q.l_start = 15;
        printf("child F_SETLK inside: %s\n", fcntl(cfd, F_SETLK, &q) ? strerrorname_np(errno) : "ok");
        o.l_type = F_WRLCK;
        o.l_pid = 0;
        o.l_start = 40;
        o.l_len = 10;
        printf("child F_OFD_SETLK [40,50): %s\n", fcntl(cfd, F_OFD_SETLK, &o) ? "fails" : "ok");
        fflush(stdout);
        write(p[1], "x", 1);
        read(back[0], &ok, 1);   /* parent has looked; hold the lock until then */
        _exit(0);
    }
    {
        char c;
        struct flock o = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
        int fd2 = open("f1", O_RDWR);

        read(p[0], &c, 1);
        fcntl(fd2, F_OFD_GETLK, &o);
        printf("parent F_OFD_GETLK: type %s start %ld len %ld pid-is-self %d\n",
               o.l_type == F_WRLCK ? "F_WRLCK" : "other", (long)o.l_start, (long)o.l_len,
               o.l_pid == getpid());
        o.l_start = 35;
        o.l_len = 0;
        o.l_pid = 0;            /* F_OFD_GETLK insists */
        o.l_type = F_RDLCK;
        if (fcntl(fd2, F_OFD_GETLK, &o))
            printf("F_OFD_GETLK: %s\n", strerrorname_np(errno));
        printf("parent F_OFD_GETLK [35,): type %s start %ld len %ld pid %d\n",
               o.l_type == F_WRLCK ? "F_WRLCK" : "other", (long)o.l_start, (long)o.l_len, o.l_pid);
        write(back[1], "y", 1);
        wait(NULL);
        close(fd2);
    }
    lk.l_type = F_UNLCK;
    CHECK("F_SETLK unlock", fcntl(fd, F_SETLK, &lk));
    CHECK("F_DUPFD_CLOEXEC >= 100", fcntl(fd, F_DUPFD_CLOEXEC, 100) >= 100 ? 0 : -1);
    close(fd);
}

static void t_stat(void)
{
    struct statx sx;
    struct statfs a, b;
    int fd = open("f2", O_WRONLY | O_CREAT | O_TRUNC, 0640);

    write(fd, "hello world\n", 12);
    CHECK("statx", statx(AT_FDCWD, "f2", 0, STATX_BASIC_STATS | STATX_BTIME, &sx));
    printf("statx: size %llu mode %o nlink %u type-reg %d mask-basic %d\n",
           (unsigned long long)sx.stx_size, sx.stx_mode & 07777, sx.stx_nlink,
           S_ISREG(sx.stx_mode), (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS);
    CHECK("statfs", statfs("f2", &a));
    CHECK("fstatfs", fstatfs(fd, &b));
    printf("statfs: same type %d same blocks %d bsize>0 %d namelen %ld\n", a.f_type == b.f_type,
           a.f_blocks == b.f_blocks, a.f_bsize > 0, (long)a.f_namelen);
    close(fd);
}

static int cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void t_at(void)
{
    int d, fd;
    struct stat st;
    struct timespec ts[2] = { { 1000000000, 123456789 }, { 1200000000, 987654321 } };
    char buf[64];
    ssize_t n;

    CHECK("mkdirat", mkdirat(AT_FDCWD, "dir", 0755));
    d = open("dir", O_RDONLY | O_DIRECTORY);
    CHECK("open O_DIRECTORY", d);
    CHECK("openat O_CREAT in dir", fd = openat(d, "a", O_CREAT | O_WRONLY, 0600));
    write(fd, "A", 1);
    close(fd);
    close(openat(d, "b", O_CREAT | O_WRONLY, 0600));
    CHECK("renameat2 NOREPLACE onto existing", syscall(SYS_renameat2, d, "a", d, "b", RENAME_NOREPLACE));
    CHECK("renameat2 EXCHANGE", syscall(SYS_renameat2, d, "a", d, "b", RENAME_EXCHANGE));
    fd = openat(d, "b", O_RDONLY);
    n = read(fd, buf, sizeof(buf));
    printf("b after exchange holds %zd byte(s)\n", n);
    close(fd);
    CHECK("renameat2 plain", syscall(SYS_renameat2, d, "b", AT_FDCWD, "moved", 0));
    CHECK("faccessat2 R_OK AT_EACCESS", syscall(SYS_faccessat2, AT_FDCWD, "moved", R_OK, AT_EACCESS));
    CHECK("faccessat missing", faccessat(AT_FDCWD, "nonexistent", F_OK, 0));
    CHECK("fchmodat 0604", fchmodat(AT_FDCWD, "moved", 0604, 0));
    CHECK("utimensat", utimensat(AT_FDCWD, "moved", ts, 0));
    stat("moved", &st);
    printf("mode %o atime %ld.%09ld mtime %ld.%09ld\n", st.st_mode & 07777, (long)st.st_atim.tv_sec,
           st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    CHECK("linkat", linkat(AT_FDCWD, "moved", d, "hard", 0));
    fstatat(d, "hard", &st, 0);
    printf("nlink after linkat: %lu\n", (unsigned long)st.st_nlink);
    CHECK("symlinkat", symlinkat("../moved", d, "sym"));
    n = readlinkat(d, "sym", buf, sizeof(buf));
    printf("readlinkat: %.*s\n", (int)(n > 0 ? n : 0), buf);
    CHECK("fstatat AT_SYMLINK_NOFOLLOW", fstatat(d, "sym", &st, AT_SYMLINK_NOFOLLOW));
    printf("is symlink: %d\n", S_ISLNK(st.st_mode));
    /* aarch64 encodes these open flags differently from x86-64 */
    CHECK("open O_NOFOLLOW on a symlink", openat(d, "sym", O_RDONLY | O_NOFOLLOW));
    CHECK("open O_DIRECTORY on a file", open("moved", O_RDONLY | O_DIRECTORY));
    fd = openat(d, "sym", O_RDONLY | O_NOFOLLOW | O_PATH);
    CHECK("O_PATH|O_NOFOLLOW", fd);
    close(fd);
    {
        /* getdents64 through readdir, sorted */
        DIR *dp = fdopendir(dup(d));
        struct dirent *e;
        char *names[16];
        int k = 0;

        while ((e = readdir(dp)) && k < 16)
            names[k++] = strdup(e->d_name);
        qsort(names, k, sizeof(names[0]), cmp);
        printf("dir:");
        for (int i = 0; i < k; i++)
            printf(" %s", names[i]);
        printf("\n");
        closedir(dp);
    }
    CHECK("unlinkat non-empty dir", unlinkat(AT_FDCWD, "dir", AT_REMOVEDIR));
    unlinkat(d, "sym", 0);
    unlinkat(d, "hard", 0);
    unlinkat(d, "a", 0);
    CHECK("unlinkat AT_REMOVEDIR", unlinkat(AT_FDCWD, "dir", AT_REMOVEDIR));
    close(d);
}

static void t_io(void)
{
    int p[2], q[2], mfd, src, dst, fl;
    char buf[64];
    off_t off = 6;
    ssize_t n;
    struct stat st;

    CHECK("pipe2 O_CLOEXEC|O_NONBLOCK", pipe2(p, O_CLOEXEC | O_NONBLOCK));
    fl = fcntl(p[0], F_GETFL);
    printf("pipe2: cloexec %d nonblock %d\n", fcntl(p[0], F_GETFD) & FD_CLOEXEC, !!(fl & O_NONBLOCK));
    CHECK("read empty nonblocking pipe", read(p[0], buf, 1));
    mfd = memfd_create("test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    CHECK("memfd_create", mfd);
    write(mfd, "memfd data", 10);
    fstat(mfd, &st);
    printf("memfd size %ld\n", (long)st.st_size);
    CHECK("F_ADD_SEALS F_SEAL_GROW", fcntl(mfd, F_ADD_SEALS, F_SEAL_GROW));
    CHECK("write past end after seal", pwrite(mfd, "x", 1, 100));
    printf("seals: %d\n", fcntl(mfd, F_GET_SEALS));

    src = open("src", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(src, "0123456789abcdef", 16);
    dst = open("dst", O_RDWR | O_CREAT | O_TRUNC, 0644);
    n = sendfile(dst, src, &off, 4);
    printf("sendfile: %zd, offset now %ld\n", n, (long)off);
    {
        loff_t in = 10, out = 4;
        n = copy_file_range(src, &in, dst, &out, 6, 0);
        printf("copy_file_range: %zd\n", n);
    }
    n = pread(dst, buf, sizeof(buf), 0);
    printf("dst: %.*s\n", (int)n, buf);
    pipe(q);
    {
        loff_t in = 0;
        int r[2];

        n = splice(src, &in, q[1], NULL, 8, 0);
        printf("splice file->pipe: %zd\n", n);
        pipe(r);
        n = tee(q[0], r[1], 8, 0);
        printf("tee: %zd\n", n);
        n = read(r[0], buf, sizeof(buf));
        printf("tee copy: %.*s\n", (int)n, buf);
        n = read(q[0], buf, sizeof(buf));
        printf("original: %.*s\n", (int)n, buf);
    }
    /* xattrs: the answer depends on the file system, the same for both */
    {
        int r = setxattr("src", "user.abi2", "value", 5, 0);
        printf("setxattr: %s\n", r ? strerrorname_np(errno) : "ok");
        if (!r) {
            n = getxattr("src", "user.abi2", buf, sizeof(buf));
            printf("getxattr: %.*s\n", (int)n, buf);
            n = fgetxattr(src, "user.abi2", buf, sizeof(buf));
            printf("fgetxattr: %zd\n", n);
            n = listxattr("src", buf, sizeof(buf));
            printf("listxattr has user.abi2: %d\n", n > 0 && memmem(buf, n, "user.abi2", 10) != NULL);
            CHECK("removexattr", removexattr("src", "user.abi2"));
        }
        CHECK("getxattr missing", getxattr("src", "user.none", buf, sizeof(buf)));
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    t_fcntl();
    t_stat();
    t_at();
    t_io();
    return 0;
}
