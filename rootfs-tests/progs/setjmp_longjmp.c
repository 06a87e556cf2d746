/* Non-local control flow: setjmp/longjmp out of deep recursion, values
 * carried through longjmp, volatile locals, and sigsetjmp/siglongjmp out of
 * a signal handler with the signal mask restored. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static jmp_buf env;
static sigjmp_buf senv;
static int depth_reached;

static uint64_t dive(int depth, int limit, uint64_t acc)
{
    volatile char pad[64];
    memset((char *)pad, depth & 0xff, sizeof(pad));
    depth_reached = depth;
    if (depth > limit)
        return 0;
    if (depth == limit)
        longjmp(env, limit == 0 ? 1 : limit);   /* 0 would turn into 1 anyway */
    return dive(depth + 1, limit, acc * 31 + pad[depth % 64]) + 1;
}

static void handler(int sig)
{
    siglongjmp(senv, sig);
}

static int blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

int main(void)
{
    static const int limits[] = { 0, 1, 5, 100, 1000, 5000 };
    for (volatile unsigned i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
        volatile int tries = 0;
        int v = setjmp(env);
        tries++;
        if (v == 0) {
            dive(0, limits[i], 7);
            printf("not reached\n");
        } else {
            printf("limit %d: setjmp returned %d after depth %d tries %d\n",
                   limits[i], v, depth_reached, tries);
        }
    }

    /* longjmp(env, 0) makes setjmp return 1 */
    volatile int count = 0;
    if (setjmp(env) == 0) {
        count++;
        longjmp(env, 0);
    }
    printf("longjmp 0 -> count %d\n", count);

    /* A loop built from longjmp, keeping state in volatile locals. */
    volatile uint64_t acc = 1;
    volatile int iter = setjmp(env);
    if (iter < 50) {
        acc = acc * 6364136223846793005ull + (uint64_t)iter;
        longjmp(env, iter + 1);
    }
    printf("jmp loop iter %d acc %016llx\n", iter, (unsigned long long)acc);

    /* siglongjmp out of a handler: the mask saved by sigsetjmp comes back. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    for (volatile int savemask = 0; savemask < 2; savemask++) {
        int got = sigsetjmp(senv, savemask);
        if (got == 0) {
            printf("savemask %d: before raise blocked=%d\n", savemask, blocked(SIGUSR1));
            raise(SIGUSR1);
            printf("not reached\n");
        } else {
            /* without a saved mask SIGUSR1 stays blocked (handler's mask) */
            printf("savemask %d: jumped with %d, usr1 blocked after=%d\n", savemask,
                   got == SIGUSR1 ? 1 : 0, blocked(SIGUSR1));
            sigset_t none;
            sigemptyset(&none);
            sigprocmask(SIG_SETMASK, &none, NULL);
        }
    }
    volatile int hits = 0, sum = 0;
    int got = sigsetjmp(senv, 1);
    sum += got;
    if (hits < 3) {
        hits++;
        raise(hits == 2 ? SIGUSR2 : SIGUSR1);
    }
    printf("raised %d times, usr1+usr2 seen %d, end blocked=%d\n", hits,
           sum == SIGUSR1 * 2 + SIGUSR2, blocked(SIGUSR1) + blocked(SIGUSR2));
    return 0;
}
