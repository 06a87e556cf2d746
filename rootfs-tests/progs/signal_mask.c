/* The signal mask while a handler runs: the signal itself plus sa_mask are
 * blocked (unless SA_NODEFER), a signal raised from the handler and
 * blocked by sa_mask is delivered after the handler returns, and the old
 * mask comes back on return.  (qemu-riscv64 7.2 gets sa_mask wrong, which
 * is why this lives apart from signals.c.) */
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t seq[32];
static volatile sig_atomic_t nseq;
static volatile int mask_in_handler;

static void record(int v)
{
    if (nseq < 32)
        seq[nseq++] = v;
}

static int mask_bits(void)
{
    sigset_t c;
    sigprocmask(SIG_BLOCK, NULL, &c);
    return sigismember(&c, SIGUSR1) + 2 * sigismember(&c, SIGUSR2) + 4 * sigismember(&c, SIGHUP);
}

static void handler(int sig)
{
    record(sig);
    if (sig == SIGUSR1) {
        mask_in_handler = mask_bits();
        raise(SIGUSR2);
        record(100 + sig);
    }
}

static void show(const char *what)
{
    printf("%-30s mask-in-handler=%d after=%d seq:", what, mask_in_handler, mask_bits());
    for (int i = 0; i < nseq; i++)
        printf(" %d", (int)seq[i]);
    printf("\n");
    nseq = 0;
    mask_in_handler = -1;
}

static void install(int sig, int flags, int mask_usr2, int mask_hup)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    if (mask_usr2)
        sigaddset(&sa.sa_mask, SIGUSR2);
    if (mask_hup)
        sigaddset(&sa.sa_mask, SIGHUP);
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    install(SIGUSR2, 0, 0, 0);
    install(SIGUSR1, 0, 0, 0);
    raise(SIGUSR1);
    show("plain");
    install(SIGUSR1, 0, 1, 0);
    raise(SIGUSR1);
    show("sa_mask usr2");
    install(SIGUSR1, 0, 1, 1);
    raise(SIGUSR1);
    show("sa_mask usr2+hup");
    install(SIGUSR1, SA_NODEFER, 0, 0);
    raise(SIGUSR1);
    show("SA_NODEFER");
    install(SIGUSR1, SA_NODEFER, 0, 1);
    raise(SIGUSR1);
    show("SA_NODEFER + sa_mask hup");
    struct sigaction back;
    sigaction(SIGUSR1, NULL, &back);
    printf("read back: hup in sa_mask=%d nodefer=%d\n", sigismember(&back.sa_mask, SIGHUP),
           (back.sa_flags & SA_NODEFER) != 0);
    return 0;
}
