/*
 * FP exception flags where they leave the FP unit's register: a signal
 * frame holds the interrupted flags (FPSR in the fpsimd record, MXCSR on
 * x86-64), flags a handler raises vanish at sigreturn, a new thread starts
 * with a copy of its creator's flags, and each thread's flags are its own.
 * The runner keeps part of FPSR in the host's MXCSR until something reads
 * it (lazy flags), so these are the places where it must fold them in.
 * Printed through fenv.h and the frame, the same on both architectures.
 */
#include <fenv.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static volatile double zero = 0.0, one = 1.0, three = 3.0, sink;

/* the interrupted context's inexact and divide-by-zero flags */
static void frame_flags(void *ucv, int *inexact, int *divzero)
{
    ucontext_t *uc = ucv;
#if defined(__aarch64__)
    /* the records in __reserved: fpsimd_context first (magic, size, fpsr) */
    const uint8_t *p = (const uint8_t *)uc->uc_mcontext.__reserved;
    uint32_t magic, fpsr = 0;
    memcpy(&magic, p, 4);
    if (magic == 0x46508001)
        memcpy(&fpsr, p + 8, 4);
    *inexact = !!(fpsr & 0x10);
    *divzero = !!(fpsr & 0x02);
#else
    uint32_t mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    *inexact = !!(mxcsr & 0x20);
    *divzero = !!(mxcsr & 0x04);
#endif
}

static volatile int h_inexact = -1, h_divzero = -1, h_inside = -1;

static void handler(int sig, siginfo_t *si, void *uc)
{
    int a, b;
    (void)sig;
    (void)si;
    frame_flags(uc, &a, &b);
    h_inexact = a;
    h_divzero = b;
    sink = one / zero;      /* the handler's own flag: gone after sigreturn */
    h_inside = !!fetestexcept(FE_DIVBYZERO);
}

static int t_inherited = -1, t_own = -1;

static void *thread_fn(void *arg)
{
    (void)arg;
    t_inherited = !!fetestexcept(FE_INEXACT);
    sink = one / zero;
    t_own = !!fetestexcept(FE_DIVBYZERO);
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    for (int round = 0; round < 3; round++) {
        feclearexcept(FE_ALL_EXCEPT);
        if (round != 1)
            sink = one / three;     /* inexact, left pending before the signal */
        raise(SIGUSR1);
        printf("round %d: frame inexact %d divzero %d; handler saw its divzero %d; "
               "after return inexact %d divzero %d\n",
               round, h_inexact, h_divzero, h_inside, !!fetestexcept(FE_INEXACT),
               !!fetestexcept(FE_DIVBYZERO));
    }

    feclearexcept(FE_ALL_EXCEPT);
    sink = one / three;
    pthread_t t;
    if (pthread_create(&t, NULL, thread_fn, NULL) != 0 || pthread_join(t, NULL) != 0) {
        printf("pthread failed\n");
        return 1;
    }
    printf("thread: inherited inexact %d, own divzero %d; creator's divzero afterwards %d, "
           "inexact %d\n",
           t_inherited, t_own, !!fetestexcept(FE_DIVBYZERO), !!fetestexcept(FE_INEXACT));

    /* pending flags survive many operations and a clear really clears */
    feclearexcept(FE_ALL_EXCEPT);
    double acc = 1.0;
    for (int i = 0; i < 1000; i++)
        acc = acc * 1.5 + one;
    sink = acc;
    int before = !!fetestexcept(FE_INEXACT);
    feclearexcept(FE_INEXACT);
    printf("loop: inexact %d, after clear %d, overflow %d\n", before,
           !!fetestexcept(FE_INEXACT), !!fetestexcept(FE_OVERFLOW));
    return 0;
}
