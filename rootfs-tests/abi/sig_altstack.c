/* Unbounded recursion overflows the stack; the SIGSEGV handler runs on an
 * alternate stack (SA_ONSTACK) and recovers with siglongjmp. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static sigjmp_buf jb;
static char *alt;
static volatile int on_alt, depth_ok;
#define ALT_SIZE (64 * 1024)

static void h(int sig)
{
    char here;
    on_alt = (uintptr_t)&here >= (uintptr_t)alt && (uintptr_t)&here < (uintptr_t)alt + ALT_SIZE;
    stack_t ss;
    sigaltstack(NULL, &ss);
    depth_ok = (ss.ss_flags & SS_ONSTACK) != 0;
    siglongjmp(jb, 1);
}

static int recurse(volatile char *prev, int n)
{
    volatile char buf[512];
    buf[0] = (char)n;
    buf[511] = prev ? prev[0] : 0;
    return recurse(buf, n + 1) + buf[511];
}

int main(void)
{
    alt = malloc(ALT_SIZE);
    stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = h;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);

    if (!sigsetjmp(jb, 1))
        printf("never: %d\n", recurse(NULL, 0));
    printf("overflow caught: on_alt=%d ss_onstack=%d\n", on_alt, depth_ok);
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("after: onstack=%d disabled=%d size_ok=%d\n", !!(cur.ss_flags & SS_ONSTACK),
           !!(cur.ss_flags & SS_DISABLE), cur.ss_size == ALT_SIZE);
    return 0;
}
