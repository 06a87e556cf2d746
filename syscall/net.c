/*
 * Sockets.  sockaddr, msghdr, mmsghdr, iovec, cmsghdr (so SCM_RIGHTS and
 * SCM_CREDENTIALS with struct ucred), and the SOCK_, MSG_ and SO_ values
 * agree between 64-bit asm-generic and x86-64, so these pass through.
 * (Socket options with struct arguments are passed as is: the common ones,
 * timeval and linger, also agree.)
 */
#include "syscall/sys.h"

SYS_PASS(socket)
SYS_PASS(socketpair)
SYS_PASS(bind)
SYS_PASS(listen)
SYS_PASS(accept)
SYS_PASS(accept4)
SYS_PASS(connect)
SYS_PASS(getsockname)
SYS_PASS(getpeername)
SYS_PASS(sendto)
SYS_PASS(recvfrom)
SYS_PASS(setsockopt)
SYS_PASS(getsockopt)
SYS_PASS(shutdown)
SYS_PASS(sendmsg)
SYS_PASS(recvmsg)
SYS_PASS(sendmmsg)
SYS_PASS(recvmmsg)
