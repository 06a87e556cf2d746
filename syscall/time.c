/*
 * Clocks, timers and sleeps.  struct timespec, timeval, itimerspec,
 * itimerval, tms, sigevent and timex agree between 64-bit asm-generic and
 * x86-64.
 */
#include "syscall/sys.h"

SYS_PASS(clock_gettime)
SYS_PASS(clock_getres)
SYS_PASS(clock_nanosleep)
SYS_PASS(gettimeofday)
SYS_PASS(nanosleep)
SYS_PASS(times)
SYS_PASS(getitimer)
SYS_PASS(setitimer)
SYS_PASS(timer_create)
SYS_PASS(timer_gettime)
SYS_PASS(timer_getoverrun)
SYS_PASS(timer_settime)
SYS_PASS(timer_delete)
SYS_PASS(timerfd_create)
SYS_PASS(timerfd_settime)
SYS_PASS(timerfd_gettime)
SYS_PASS(clock_settime)
SYS_PASS(clock_adjtime)
SYS_PASS(adjtimex)
