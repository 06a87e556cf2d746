/* IEEE exception flags: which of the five standard flags each specific
 * operation raises, observed with feclearexcept/fetestexcept. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static long (*volatile p_lrint)(double) = lrint;
static double (*volatile p_sqrt)(double) = sqrt;
static double (*volatile p_fma)(double, double, double) = fma;

static volatile double zero = 0.0, one = 1.0, three = 3.0, big = DBL_MAX,
    tiny = DBL_MIN, nbig = -DBL_MAX, inf = INFINITY, dnan = NAN, half_min = 0x1p-1023,
    onehalf = 1.5, huge = 1e30, minus_one = -1.0, p53 = 0x1p53;
static volatile float fone = 1.0f, fthree = 3.0f, fbig = FLT_MAX;
static volatile int64_t i53 = (1LL << 53) + 1;
static volatile double sink;
static volatile float fsink;
static volatile long lsink;
static volatile int isink;

static void show(const char *what)
{
    int f = fetestexcept(FE_ALL_EXCEPT);
    printf("%-28s %s%s%s%s%s%s\n", what,
           f & FE_INVALID ? " invalid" : "", f & FE_DIVBYZERO ? " divbyzero" : "",
           f & FE_OVERFLOW ? " overflow" : "", f & FE_UNDERFLOW ? " underflow" : "",
           f & FE_INEXACT ? " inexact" : "", f ? "" : " none");
}

#define CASE(what, stmt) do { feclearexcept(FE_ALL_EXCEPT); stmt; show(what); } while (0)

int main(void)
{
    double snan_d;
    float snan_f;
    uint64_t sb = 0x7ff0000000000001ull;
    uint32_t sfb = 0x7f800001u;
    memcpy(&snan_d, &sb, 8);
    memcpy(&snan_f, &sfb, 4);
    volatile double vsnan = snan_d;
    volatile float vsnanf = snan_f;

    CASE("nothing", (void)0);
    CASE("1+1", sink = one + one);
    CASE("1/3", sink = one / three);
    CASE("1/0", sink = one / zero);
    CASE("-1/0", sink = minus_one / zero);
    CASE("0/0", sink = zero / zero);
    CASE("inf-inf", sink = inf - inf);
    CASE("0*inf", sink = zero * inf);
    CASE("inf*2", sink = inf * three);
    CASE("sqrt(-1)", sink = p_sqrt(minus_one));
    CASE("sqrt(4)", sink = p_sqrt(three + one));
    CASE("sqrt(3)", sink = p_sqrt(three));
    CASE("max*3", sink = big * three);
    CASE("max+max", sink = big + big);
    CASE("min*min", sink = tiny * tiny);
    CASE("min/2 exact", sink = tiny / 2.0);
    CASE("min/3 inexact", sink = tiny / three);
    CASE("denorm*0.5 exact", sink = half_min * 0.5);
    CASE("nan+1", sink = dnan + one);
    CASE("snan+1", sink = vsnan + one);
    CASE("snanf+1", fsink = vsnanf + fone);
    CASE("snan*0", sink = vsnan * zero);
    CASE("nan==nan", isink = (dnan == dnan));
    CASE("nan!=1", isink = (dnan != one));
    CASE("isless(nan,1)", isink = isless(dnan, one));
    CASE("isunordered", isink = isunordered(dnan, one));
    CASE("(float)max", fsink = (float)big);
    CASE("(float)1/3", fsink = (float)(one / three));
    CASE("(float)min", fsink = (float)tiny);
    CASE("(float)1.5", fsink = (float)onehalf);
    CASE("fmax*3", fsink = fbig * fthree);
    CASE("1f/3f", fsink = fone / fthree);
    CASE("(double)(2^53+1)", sink = (double)i53);
    CASE("(double)2^53", sink = (double)(int64_t)p53);
    CASE("(int)1.5", isink = (int)onehalf);
    CASE("(int)3.0", isink = (int)three);
    CASE("lrint(1.5)", lsink = p_lrint(onehalf));
    CASE("lrint(3)", lsink = p_lrint(three));
    CASE("lrint(nan)", lsink = p_lrint(dnan));
    CASE("lrint(1e30)", lsink = p_lrint(huge));
    CASE("fma(max,3,-inf)", sink = p_fma(big, three, -inf));
    CASE("fma(1,1,1)", sink = p_fma(one, one, one));
    CASE("fma(1/3,3,-1)", sink = p_fma(one / three, three, minus_one));
    CASE("fma(inf,0,1)", sink = p_fma(inf, zero, one));

    /* raise/save/restore the flag set itself */
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_OVERFLOW | FE_INEXACT);
    show("feraise overflow|inexact");
    fexcept_t saved;
    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    feclearexcept(FE_ALL_EXCEPT);
    sink = zero / zero;
    show("after 0/0");
    fesetexceptflag(&saved, FE_ALL_EXCEPT);
    show("restored");
    feclearexcept(FE_INEXACT);
    show("cleared inexact");
    feclearexcept(FE_ALL_EXCEPT);

    /* flags are sticky across many operations */
    double acc = 1.0;
    for (int i = 1; i <= 64; i++) {
        acc = acc * 2.0 + 0.0;
    }
    sink = acc;
    show("64 exact doublings");
    sink = acc / three;
    show("then /3");

    /* each rounding mode on one overflow */
    static const int modes[] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        feclearexcept(FE_ALL_EXCEPT);
        volatile double r = big * three, rn = nbig * three;
        char what[64];
        snprintf(what, sizeof(what), "mode %d: %a %a", m, r, rn);
        show(what);
    }
    fesetround(FE_TONEAREST);
    return 0;
}
