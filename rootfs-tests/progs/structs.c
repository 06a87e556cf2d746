/* Structures passed and returned by value in every size/shape class the
 * calling conventions distinguish: small integer pairs, float/double
 * aggregates (FP registers on riscv64, HFAs on aarch64), mixed int+float,
 * and large structs passed by reference under the hood. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct s1 { char c; };
struct s2 { int16_t a; int8_t b; };
struct s8 { int32_t a, b; };
struct s16 { int64_t a; uint64_t b; };
struct s24 { int64_t a, b, c; };
struct fd { float x; double y; };
struct ff { float x, y; };
struct dd { double x, y; };
struct d4 { double a, b, c, d; };
struct mix { int32_t i; float f; };
struct mix2 { double d; int64_t i; };
struct big { int32_t v[40]; char name[20]; };
struct nest { struct ff p; struct s8 q; uint8_t tag; };
struct u8s { uint8_t b[3]; };

static __attribute__((noinline)) struct s1 mk1(char c) { struct s1 r = { (char)(c + 1) }; return r; }
static __attribute__((noinline)) struct s2 mk2(struct s2 x) { x.a = (int16_t)(x.a * 3); x.b = (int8_t)-x.b; return x; }
static __attribute__((noinline)) struct s8 swap8(struct s8 x) { struct s8 r = { x.b, x.a }; return r; }
static __attribute__((noinline)) struct s16 add16(struct s16 x, struct s16 y)
{
    struct s16 r = { x.a + y.a, x.b * y.b };
    return r;
}
static __attribute__((noinline)) struct s24 rot24(struct s24 x) { struct s24 r = { x.b, x.c, x.a }; return r; }
static __attribute__((noinline)) struct fd scale_fd(struct fd v, double k)
{
    v.x = (float)(v.x * k);
    v.y *= k;
    return v;
}
static __attribute__((noinline)) struct ff add_ff(struct ff a, struct ff b)
{
    struct ff r = { a.x + b.x, a.y - b.y };
    return r;
}
static __attribute__((noinline)) struct dd cmul(struct dd a, struct dd b)
{
    struct dd r = { a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x };
    return r;
}
static __attribute__((noinline)) struct d4 sum_d4(struct d4 a, struct d4 b, double k)
{
    struct d4 r = { a.a + b.a * k, a.b + b.b * k, a.c + b.c * k, a.d + b.d * k };
    return r;
}
static __attribute__((noinline)) struct mix mkmix(int32_t i, float f)
{
    struct mix r = { i * 2, f / 2 };
    return r;
}
static __attribute__((noinline)) struct mix2 mix2_op(struct mix2 a)
{
    struct mix2 r = { a.d + (double)a.i, a.i - (int64_t)a.d };
    return r;
}
static __attribute__((noinline)) struct big big_op(struct big b, int k)
{
    for (int i = 0; i < 40; i++)
        b.v[i] = b.v[i] * k + i;
    b.name[0] = 'B';
    return b;
}
static __attribute__((noinline)) struct nest nest_op(struct nest n)
{
    n.p.x += (float)n.q.a;
    n.q.b += (int32_t)n.p.y;
    n.tag ^= 0xff;
    return n;
}
static __attribute__((noinline)) struct u8s odd3(struct u8s s)
{
    struct u8s r = { { (uint8_t)(s.b[2] + 1), s.b[0], (uint8_t)(s.b[1] * 2) } };
    return r;
}

/* Many struct arguments: the later ones end up on the stack. */
static __attribute__((noinline)) double many(struct dd a, struct ff b, struct s16 c,
    struct mix d, struct dd e, struct s8 f, struct fd g, struct dd h, struct mix2 i,
    struct s24 j)
{
    return a.x + a.y + b.x + b.y + (double)c.a + (double)c.b + d.i + d.f + e.x + e.y
         + f.a + f.b + g.x + g.y + h.x + h.y + i.d + (double)i.i + (double)(j.a + j.b + j.c);
}

int main(void)
{
    struct s1 a1 = mk1('a');
    struct s2 a2 = mk2((struct s2){ -1234, 100 });
    struct s8 a8 = swap8((struct s8){ 7, -9 });
    struct s16 a16 = add16((struct s16){ -5, 7 }, (struct s16){ INT64_MAX, 0x100000001ull });
    struct s24 a24 = rot24((struct s24){ 1, 2, 3 });
    struct fd afd = scale_fd((struct fd){ 1.5f, 2.25 }, 3.0);
    struct ff aff = add_ff((struct ff){ 0.5f, 0.25f }, (struct ff){ 1e10f, -3.0f });
    struct dd add = cmul((struct dd){ 1.5, -2.0 }, (struct dd){ 0.25, 4.0 });
    struct d4 ad4 = sum_d4((struct d4){ 1, 2, 3, 4 }, (struct d4){ 0.5, 0.25, 0.125, 1e100 }, -2);
    struct mix amix = mkmix(-21, 5.0f);
    struct mix2 am2 = mix2_op((struct mix2){ 2.75, -40 });
    struct big b;
    for (int i = 0; i < 40; i++)
        b.v[i] = i * i - 100;
    strcpy(b.name, "original");
    struct big b2 = big_op(b, 3);
    struct nest an = nest_op((struct nest){ { 1.0f, 9.5f }, { 10, 20 }, 0x0f });
    struct u8s a3 = odd3((struct u8s){ { 1, 2, 250 } });

    printf("s1 %d s2 %d %d s8 %d %d\n", a1.c, a2.a, a2.b, a8.a, a8.b);
    printf("s16 %lld %llu s24 %lld %lld %lld\n", (long long)a16.a, (unsigned long long)a16.b,
           (long long)a24.a, (long long)a24.b, (long long)a24.c);
    printf("fd %a %a ff %a %a dd %a %a\n", (double)afd.x, afd.y, (double)aff.x, (double)aff.y,
           add.x, add.y);
    printf("d4 %a %a %a %a\n", ad4.a, ad4.b, ad4.c, ad4.d);
    printf("mix %d %a mix2 %a %lld\n", amix.i, (double)amix.f, am2.d, (long long)am2.i);
    unsigned long long bs = 0;
    for (int i = 0; i < 40; i++)
        bs = bs * 7 + (unsigned long long)(long long)b2.v[i];
    printf("big %llu %s orig %d %s\n", bs, b2.name, b.v[39], b.name);
    printf("nest %a %a %d %d %u\n", (double)an.p.x, (double)an.p.y, an.q.a, an.q.b, an.tag);
    printf("u8s %u %u %u\n", a3.b[0], a3.b[1], a3.b[2]);
    printf("many %a\n", many(add, aff, a16, amix, (struct dd){ 1, 2 }, a8, afd, add, am2, a24));
    printf("sizes %zu %zu %zu %zu %zu %zu %zu\n", sizeof(struct s2), sizeof(struct fd),
           sizeof(struct mix), sizeof(struct big), sizeof(struct nest), sizeof(struct u8s),
           sizeof(struct d4));
    return 0;
}
