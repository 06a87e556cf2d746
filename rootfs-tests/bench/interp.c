/* Benchmark kernel: a register-machine bytecode interpreter (switch
 * dispatch) running a nested-loop program of LCG steps, table loads and
 * stores and branches; about 200M VM instructions.  argv[1] scales
 * the outer loop count. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { LI, ADD, ADDI, SUB, MUL, XOR, SHR, ANDI, LD, ST, BLT, BNE, HALT };

struct insn { uint8_t op, a, b, c; int32_t imm; };

static uint64_t run(const struct insn *code, uint64_t *r, uint64_t *mem)
{
    uint64_t steps = 0;
    for (int pc = 0;;) {
        const struct insn *i = &code[pc++];
        steps++;
        switch (i->op) {
        case LI: r[i->a] = (uint64_t)(int64_t)i->imm; break;
        case ADD: r[i->a] = r[i->b] + r[i->c]; break;
        case ADDI: r[i->a] = r[i->b] + (uint64_t)(int64_t)i->imm; break;
        case SUB: r[i->a] = r[i->b] - r[i->c]; break;
        case MUL: r[i->a] = r[i->b] * r[i->c]; break;
        case XOR: r[i->a] = r[i->b] ^ r[i->c]; break;
        case SHR: r[i->a] = r[i->b] >> (i->imm & 63); break;
        case ANDI: r[i->a] = r[i->b] & (uint64_t)(int64_t)i->imm; break;
        case LD: r[i->a] = mem[r[i->b] & 1023]; break;
        case ST: mem[r[i->b] & 1023] = r[i->a]; break;
        case BLT: if (r[i->a] < r[i->b]) pc = i->imm; break;
        case BNE: if (r[i->a] != r[i->b]) pc = i->imm; break;
        case HALT: return steps;
        }
    }
}

int main(int argc, char **argv)
{
    int outer = 200 * (argc > 1 ? atoi(argv[1]) : 1);
    /* r1=i r2=outer r3=j r4=inner r5=x r6=mul r7=tmp r8=acc r9=addr */
    const struct insn code[] = {
        { LI, 1, 0, 0, 0 },
        { LI, 2, 0, 0, outer },
        { LI, 5, 0, 0, 12345 },
        { LI, 6, 0, 0, 1103515245 },
        { LI, 8, 0, 0, 0 },
        /* 5: outer loop */
        { LI, 3, 0, 0, 0 },
        { LI, 4, 0, 0, 100000 },
        /* 7: inner loop */
        { MUL, 5, 5, 6, 0 },
        { ADDI, 5, 5, 0, 12345 },
        { SHR, 7, 5, 0, 17 },
        { ANDI, 9, 7, 0, 1023 },
        { LD, 7, 9, 0, 0 },
        { ADD, 7, 7, 5, 0 },
        { ST, 7, 9, 0, 0 },
        { XOR, 8, 8, 7, 0 },
        { ADDI, 3, 3, 0, 1 },
        { BLT, 3, 4, 0, 7 },
        { ADDI, 1, 1, 0, 1 },
        { BNE, 1, 2, 0, 5 },
        { HALT, 0, 0, 0, 0 },
    };
    uint64_t r[16] = { 0 };
    uint64_t *mem = calloc(1024, sizeof(*mem));
    uint64_t steps = run(code, r, mem);
    uint64_t h = r[8];
    for (int i = 0; i < 1024; i++)
        h = h * 31 + mem[i];
    printf("checksum %016llx steps %llu\n", (unsigned long long)h, (unsigned long long)steps);
    free(mem);
    return 0;
}
