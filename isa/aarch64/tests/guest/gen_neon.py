#!/usr/bin/env python3
"""Writes neon_ops.c: a guest program that runs each listed AdvSIMD/crypto
instruction on several register inputs and prints the result and FPSR, for
comparing runtime-aarch64 with qemu-aarch64 (see run_neon.sh)."""
import sys
ins = []
B = ['8b', '16b']; H = ['4h', '8h']; S = ['2s', '4s']; D = ['2d']
ALL = B + H + S + D
NOD = B + H + S
def add(fmt, arrs):
    for a in arrs:
        ins.append(fmt.format(a=a))
for op in ['add','sub','cmeq','cmgt','cmge','cmhi','cmhs','cmtst','sqadd','uqadd','sqsub','uqsub','sshl','ushl','srshl','urshl','sqshl','uqshl','sqrshl','uqrshl']:
    add(op + ' v0.{a}, v1.{a}, v2.{a}', ALL)
for op in ['shadd','uhadd','srhadd','urhadd','shsub','uhsub','smax','umax','smin','umin','sabd','uabd','saba','uaba','mla','mls','mul','smaxp','umaxp','sminp','uminp']:
    add(op + ' v0.{a}, v1.{a}, v2.{a}', NOD)
add('addp v0.{a}, v1.{a}, v2.{a}', ALL)
add('sqdmulh v0.{a}, v1.{a}, v2.{a}', H + S)
add('sqrdmulh v0.{a}, v1.{a}, v2.{a}', H + S)
add('pmul v0.{a}, v1.{a}, v2.{a}', B)
for op in ['and','orr','eor','bic','orn','bsl','bit','bif']:
    add(op + ' v0.{a}, v1.{a}, v2.{a}', B)
for op in ['cmeq','cmgt','cmge','cmle','cmlt']:
    add(op + ' v0.{a}, v1.{a}, #0', ALL)
for op in ['abs','neg','sqabs','sqneg','suqadd','usqadd']:
    add(op + ' v0.{a}, v1.{a}', ALL)
for op in ['cls','clz']:
    add(op + ' v0.{a}, v1.{a}', NOD)
add('cnt v0.{a}, v1.{a}', B); add('not v0.{a}, v1.{a}', B); add('rbit v0.{a}, v1.{a}', B)
add('rev64 v0.{a}, v1.{a}', NOD); add('rev32 v0.{a}, v1.{a}', B + H); add('rev16 v0.{a}, v1.{a}', B)
for op in ['saddlp','uaddlp','sadalp','uadalp']:
    for a, w in [('8b','4h'),('16b','8h'),('4h','2s'),('8h','4s'),('2s','1d'),('4s','2d')]:
        ins.append(f'{op} v0.{w}, v1.{a}')
for op, n, w in [('xtn','8b','8h'),('xtn2','16b','8h'),('xtn','4h','4s'),('xtn','2s','2d'),('sqxtn','8b','8h'),('sqxtn2','8h','4s'),('uqxtn','2s','2d'),('sqxtun','8b','8h'),('sqxtun2','4s','2d'),('uqxtn2','16b','8h')]:
    ins.append(f'{op} v0.{n}, v1.{w}')
ins += ['shll v0.8h, v1.8b, #8', 'shll2 v0.4s, v1.8h, #16', 'shll v0.2d, v1.2s, #32']
for op in ['addv','smaxv','umaxv','sminv','uminv']:
    for a, r in [('8b','b'),('16b','b'),('4h','h'),('8h','h'),('4s','s')]:
        ins.append(f'{op} {r}0, v1.{a}')
for op in ['saddlv','uaddlv']:
    for a, r in [('8b','h'),('16b','h'),('4h','s'),('8h','s'),('4s','d')]:
        ins.append(f'{op} {r}0, v1.{a}')
ins += ['addp d0, v1.2d']
for op in ['saddl','uaddl','ssubl','usubl','sabal','uabal','sabdl','uabdl','smlal','umlal','smlsl','umlsl','smull','umull']:
    for n, w in [('8b','8h'),('4h','4s'),('2s','2d')]:
        ins.append(f'{op} v0.{w}, v1.{n}, v2.{n}')
    ins.append(f'{op}2 v0.8h, v1.16b, v2.16b')
for op in ['saddw','uaddw','ssubw','usubw']:
    ins.append(f'{op} v0.8h, v1.8h, v2.8b'); ins.append(f'{op}2 v0.4s, v1.4s, v2.8h')
for op in ['addhn','subhn','raddhn','rsubhn']:
    ins.append(f'{op} v0.8b, v1.8h, v2.8h'); ins.append(f'{op}2 v0.8h, v1.4s, v2.4s'); ins.append(f'{op} v0.2s, v1.2d, v2.2d')
for op in ['sqdmull','sqdmlal','sqdmlsl']:
    ins.append(f'{op} v0.4s, v1.4h, v2.4h'); ins.append(f'{op}2 v0.2d, v1.4s, v2.4s')
    ins.append(f'{op} s0, h1, h2'); ins.append(f'{op} d0, s1, s2')
ins += ['pmull v0.8h, v1.8b, v2.8b', 'pmull2 v0.8h, v1.16b, v2.16b', 'pmull v0.1q, v1.1d, v2.1d', 'pmull2 v0.1q, v1.2d, v2.2d']
# shifts by immediate
for op in ['sshr','ushr','ssra','usra','srshr','urshr','srsra','ursra','sri']:
    for a, sh in [('8b',3),('16b',8),('4h',1),('8h',16),('2s',31),('4s',7),('2d',64),('2d',13)]:
        ins.append(f'{op} v0.{a}, v1.{a}, #{sh}')
for op in ['shl','sli','sqshl','uqshl','sqshlu']:
    for a, sh in [('8b',3),('16b',7),('4h',0),('8h',15),('2s',31),('4s',7),('2d',63),('2d',1)]:
        ins.append(f'{op} v0.{a}, v1.{a}, #{sh}')
for op in ['shrn','rshrn','sqshrn','uqshrn','sqrshrn','uqrshrn','sqshrun','sqrshrun']:
    ins.append(f'{op} v0.8b, v1.8h, #3'); ins.append(f'{op}2 v0.8h, v1.4s, #16'); ins.append(f'{op} v0.2s, v1.2d, #1')
for op in ['sshll','ushll']:
    ins.append(f'{op} v0.8h, v1.8b, #3'); ins.append(f'{op}2 v0.4s, v1.8h, #0'); ins.append(f'{op} v0.2d, v1.2s, #31')
ins += ['sshr d0, d1, #5', 'ushr d0, d1, #64', 'shl d0, d1, #9', 'sqshl b0, b1, #3', 'uqshl s0, s1, #30', 'sqshrn s0, d1, #5', 'uqrshrn h0, s1, #2', 'sqshrun b0, h1, #1', 'srsra d0, d1, #7', 'sli d0, d1, #12', 'sri d0, d1, #12']
# scalar three same
ins += ['add d0, d1, d2', 'sub d0, d1, d2', 'cmeq d0, d1, d2', 'cmgt d0, d1, d2', 'cmhi d0, d1, d2', 'cmtst d0, d1, d2', 'sshl d0, d1, d2', 'urshl d0, d1, d2', 'sqadd b0, b1, b2', 'uqsub h0, h1, h2', 'sqshl s0, s1, s2', 'uqrshl d0, d1, d2', 'sqdmulh h0, h1, h2', 'sqrdmulh s0, s1, s2', 'abs d0, d1', 'neg d0, d1', 'sqabs b0, b1', 'sqneg s0, s1', 'cmge d0, d1, #0', 'cmlt d0, d1, #0', 'sqxtn b0, h1', 'uqxtn s0, d1', 'sqxtun h0, s1']
# permutes / ext / tbl / copies
for op in ['uzp1','uzp2','zip1','zip2','trn1','trn2']:
    add(op + ' v0.{a}, v1.{a}, v2.{a}', ALL)
ins += ['ext v0.8b, v1.8b, v2.8b, #3', 'ext v0.16b, v1.16b, v2.16b, #15', 'ext v0.16b, v1.16b, v2.16b, #0']
ins += ['tbl v0.16b, {v1.16b}, v2.16b', 'tbl v0.8b, {v1.16b, v2.16b}, v2.8b', 'tbx v0.16b, {v1.16b}, v2.16b', 'tbx v0.8b, {v1.16b, v2.16b, v3.16b}, v2.8b', 'tbl v0.16b, {v1.16b, v2.16b, v3.16b, v4.16b}, v2.16b']
ins += ['dup v0.16b, v1.b[5]', 'dup v0.4h, v1.h[7]', 'dup v0.4s, v1.s[3]', 'dup v0.2d, v1.d[1]', 'dup v0.8b, w9', 'dup v0.8h, w9', 'dup v0.2s, w9', 'dup v0.2d, x9',
        'mov v0.b[9], w9', 'mov v0.h[2], w9', 'mov v0.s[3], w9', 'mov v0.d[1], x9', 'mov v0.b[15], v1.b[0]', 'mov v0.s[1], v1.s[3]', 'mov v0.d[0], v1.d[1]',
        'umov w9, v1.b[13]', 'umov w9, v1.h[3]', 'mov w9, v1.s[2]', 'mov x9, v1.d[1]', 'smov w9, v1.b[7]', 'smov x9, v1.h[5]', 'smov x9, v1.s[1]', 'smov w9, v1.h[0]',
        'mov b0, v1.b[11]', 'mov h0, v1.h[6]', 'mov s0, v1.s[2]', 'mov d0, v1.d[1]',
        'fmov x9, v1.d[1]', 'fmov v0.d[1], x9', 'fmov d0, x9', 'fmov s0, w9', 'fmov w9, s1', 'fmov x9, d1']
# modified immediates
ins += ['movi v0.16b, #0xa5', 'movi v0.8b, #0x3c', 'movi v0.4h, #0x12, lsl #8', 'movi v0.4s, #0x34, lsl #16', 'movi v0.2s, #0x56, msl #8', 'movi v0.4s, #0x56, msl #16', 'movi d0, #0xff00ff0000ff00ff', 'movi v0.2d, #0xffffffff00000000',
        'mvni v0.4s, #0x12, lsl #24', 'mvni v0.8h, #0x7f', 'mvni v0.2s, #0x1, msl #8', 'orr v0.4s, #0x80, lsl #8', 'orr v0.4h, #0x1', 'bic v0.8h, #0xff, lsl #8', 'bic v0.2s, #0x3',
        'fmov v0.4s, #1.5', 'fmov v0.2s, #-0.125', 'fmov v0.2d, #31.0']
# FP vector
for op in ['fadd','fsub','fmul','fdiv','fmax','fmin','fmaxnm','fminnm','fmulx','fabd','fcmeq','fcmge','fcmgt','facge','facgt','frecps','frsqrts','fmla','fmls','faddp','fmaxp','fminp','fmaxnmp','fminnmp']:
    add(op + ' v0.{a}, v1.{a}, v2.{a}', ['2s','4s','2d'])
for op in ['fabs','fneg','fsqrt','frintn','frintp','frintm','frintz','frinta','frintx','frinti','fcvtns','fcvtnu','fcvtps','fcvtpu','fcvtms','fcvtmu','fcvtzs','fcvtzu','fcvtas','fcvtau','scvtf','ucvtf','frecpe','frsqrte']:
    add(op + ' v0.{a}, v1.{a}', ['2s','4s','2d'])
for op in ['fcmeq','fcmge','fcmgt','fcmle','fcmlt']:
    add(op + ' v0.{a}, v1.{a}, #0.0', ['4s','2d'])
ins += ['urecpe v0.4s, v1.4s', 'ursqrte v0.2s, v1.2s', 'fcvtn v0.2s, v1.2d', 'fcvtn2 v0.4s, v1.2d', 'fcvtn v0.4h, v1.4s', 'fcvtl v0.2d, v1.2s', 'fcvtl2 v0.2d, v1.4s', 'fcvtl v0.4s, v1.4h', 'fcvtxn v0.2s, v1.2d', 'fcvtxn s0, d1',
        'fmaxv s0, v1.4s', 'fminv s0, v1.4s', 'fmaxnmv s0, v1.4s', 'fminnmv s0, v1.4s', 'faddp s0, v1.2s', 'faddp d0, v1.2d', 'fmaxp d0, v1.2d', 'fminnmp s0, v1.2s',
        'fmla v0.4s, v1.4s, v2.s[3]', 'fmls v0.2d, v1.2d, v2.d[1]', 'fmul v0.2s, v1.2s, v2.s[1]', 'fmulx v0.4s, v1.4s, v2.s[2]', 'fmla s0, s1, v2.s[1]', 'fmul d0, d1, v2.d[1]',
        'fcvtzs v0.4s, v1.4s, #3', 'fcvtzu v0.2d, v1.2d, #40', 'scvtf v0.4s, v1.4s, #16', 'ucvtf v0.2d, v1.2d, #1', 'scvtf d0, d1, #3', 'fcvtzs s0, s1, #1',
        'fcmeq d0, d1, d2', 'fcmgt s0, s1, s2', 'facge d0, d1, d2', 'fabd s0, s1, s2', 'fmulx d0, d1, d2', 'frecps s0, s1, s2', 'frsqrts d0, d1, d2', 'frecpe d0, d1', 'frsqrte s0, s1', 'frecpx d0, d1', 'frecpx s0, s1',
        'scvtf s0, s1', 'ucvtf d0, d1', 'fcvtzs d0, d1', 'fcvtau s0, s1', 'fcmlt d0, d1, #0.0']
# by element integer
ins += ['mul v0.8h, v1.8h, v2.h[7]', 'mul v0.2s, v1.2s, v2.s[3]', 'mla v0.4s, v1.4s, v2.s[1]', 'mls v0.4h, v1.4h, v2.h[2]', 'smull v0.4s, v1.4h, v2.h[3]', 'umull2 v0.2d, v1.4s, v2.s[2]', 'smlal2 v0.4s, v1.8h, v2.h[6]', 'umlsl v0.2d, v1.2s, v2.s[0]',
        'sqdmull v0.4s, v1.4h, v2.h[1]', 'sqdmlal2 v0.2d, v1.4s, v2.s[3]', 'sqdmulh v0.8h, v1.8h, v2.h[5]', 'sqrdmulh v0.4s, v1.4s, v2.s[2]', 'sqdmulh s0, s1, v2.s[1]', 'sqdmull d0, s1, v2.s[2]']
# crypto
ins += ['aese v0.16b, v1.16b', 'aesd v0.16b, v1.16b', 'aesmc v0.16b, v1.16b', 'aesimc v0.16b, v1.16b', 'sha1c q0, s1, v2.4s', 'sha1p q0, s1, v2.4s', 'sha1m q0, s1, v2.4s', 'sha1su0 v0.4s, v1.4s, v2.4s', 'sha1h s0, s1', 'sha1su1 v0.4s, v1.4s',
        'sha256h q0, q1, v2.4s', 'sha256h2 q0, q1, v2.4s', 'sha256su0 v0.4s, v1.4s', 'sha256su1 v0.4s, v1.4s, v2.4s']

ldst = []
for a in ALL:
    ldst += [f'ld1 {{v0.{a}}}, [x11]', f'ld1 {{v0.{a}, v1.{a}}}, [x11], #{32 if a in ("16b","8h","4s","2d") else 16}',
             f'ld1 {{v0.{a}, v1.{a}, v2.{a}}}, [x11], x12', f'ld1 {{v0.{a}, v1.{a}, v2.{a}, v3.{a}}}, [x11]',
             f'st1 {{v1.{a}, v2.{a}}}, [x11], x12', f'st1 {{v0.{a}, v1.{a}, v2.{a}, v3.{a}}}, [x11]', f'ld1r {{v0.{a}}}, [x11], x12']
for a in NOD + ['2d']:
    for n in (2, 3, 4):
        regs = ', '.join(f'v{i}.{a}' for i in range(n))
        ldst += [f'ld{n} {{{regs}}}, [x11]', f'st{n} {{{regs}}}, [x11], x12', f'ld{n}r {{{regs}}}, [x11]']
for t, idx in [('b', 13), ('h', 5), ('s', 3), ('d', 1)]:
    for n in (1, 2, 3, 4):
        regs = ', '.join(f'v{i}.{t}' for i in range(n))
        ldst += [f'ld{n} {{{regs}}}[{idx}], [x11], x12', f'st{n} {{{regs}}}[{idx}], [x11]']

out = sys.stdout
out.write('''/* generated by gen_neon.py: each AdvSIMD instruction on several inputs */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t in[5][2], res[2], x9, fpsr;
static const uint64_t pool[] = {
    0x0123456789abcdefull, 0xfedcba9876543210ull, 0x8000000080000000ull, 0x7fffffff7fffffffull,
    0x3ff0000000000000ull, 0xbff8000000000000ull, 0x7ff0000000000000ull, 0x7ff8000000000001ull,
    0x3f800000c0000000ull, 0x7f800000ff800000ull, 0x7fc0000000000001ull, 0x00800000007fffffull,
    0x0000000000000000ull, 0xffffffffffffffffull, 0x8080808080808080ull, 0x0001000200030004ull,
    0x4049000041200000ull, 0xc1f0000000000000ull, 0x7f7fffff00000001ull, 0x000fffffffffffffull,
};

static void show(const char *name)
{
    printf("%-40s %016llx%016llx x9=%016llx fpsr=%08llx\\n", name, (unsigned long long)res[1],
           (unsigned long long)res[0], (unsigned long long)x9, (unsigned long long)fpsr);
}

#define T(insn, name) \\
    asm volatile("ldp q0, q1, [%[i]]\\n ldp q2, q3, [%[i], #32]\\n ldr q4, [%[i], #64]\\n" \\
                 "ldr x9, [%[x]]\\n msr fpsr, xzr\\n" insn "\\n str q0, [%[r]]\\n str x9, [%[x]]\\n" \\
                 "mrs x10, fpsr\\n str x10, [%[f]]" \\
                 :: [i] "r"(in), [r] "r"(res), [x] "r"(&x9), [f] "r"(&fpsr) \\
                 : "v0", "v1", "v2", "v3", "v4", "x9", "x10", "memory"); \\
    show(name);

static uint8_t mem[128];
static uint64_t after[8], x11d;

static void show_mem(const char *name)
{
    uint64_t h = 1469598103934665603ull;
    for (unsigned i = 0; i < sizeof(mem); i++)
        h = (h ^ mem[i]) * 1099511628211ull;
    printf("%-40s", name);
    for (int i = 7; i >= 0; i--)
        printf("%016llx", (unsigned long long)after[i]);
    printf(" mem=%016llx x11+%lld\\n", (unsigned long long)h, (long long)x11d);
}

#define M(insn, name) \\
    asm volatile("ldp q0, q1, [%[i]]\\n ldp q2, q3, [%[i], #32]\\n mov x11, %[m]\\n mov x12, #24\\n" \\
                 insn "\\n stp q0, q1, [%[a]]\\n stp q2, q3, [%[a], #32]\\n sub x11, x11, %[m]\\n" \\
                 "str x11, [%[d]]" \\
                 :: [i] "r"(in), [m] "r"(mem), [a] "r"(after), [d] "r"(&x11d) \\
                 : "v0", "v1", "v2", "v3", "x11", "x12", "memory"); \\
    show_mem(name);

int main(void)
{
    unsigned n = sizeof(pool) / sizeof(pool[0]);
    for (unsigned round = 0; round < 12; round++) {
        for (unsigned k = 0; k < 10; k++)
            ((uint64_t *)in)[k] = pool[(round * 7 + k * (round + 3)) % n] ^
                                  (round & 1 ? 0 : (uint64_t)k * 0x0102030405060708ull);
        printf("round %u\\n", round);
        for (unsigned fz = 0; fz < (round == 11 ? 2u : 1u); fz++) {
            for (unsigned i = 0; i < sizeof(mem); i++)
                mem[i] = (uint8_t)(i * 29 + round * 11);
''')
for i in ldst:
    out.write('            M("%s", "%s")\n' % (i, i))
out.write('''            uint64_t fpcr = fz ? (1ull << 24 | 1ull << 25 | 2ull << 22) : 0;
            asm volatile("msr fpcr, %0" :: "r"(fpcr));
''')
for i in ins:
    out.write('            x9 = 0x1122334455667788ull; T("%s", "%s")\n' % (i, i))
out.write('''        }
        asm volatile("msr fpcr, xzr");
    }
    return 0;
}
''')
