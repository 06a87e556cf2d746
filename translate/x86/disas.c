/*
 * -d out_asm: host code disassembly with capstone (Intel syntax).
 */
#include "translate/jit.h"

#include <capstone/capstone.h>
#include <inttypes.h>

void jit_disas(FILE *f, const void *code, uint32_t size)
{
    csh h;
    cs_insn *insn;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) {
        fprintf(f, "jit: capstone cannot open x86-64\n");
        return;
    }
    size_t n = cs_disasm(h, code, size, (uint64_t)(uintptr_t)code, 0, &insn);
    size_t done = 0;
    for (size_t k = 0; k < n; k++) {
        fprintf(f, "  0x%" PRIx64 ":  %-8s %s\n", insn[k].address, insn[k].mnemonic,
                insn[k].op_str);
        done += insn[k].size;
    }
    if (done < size)
        fprintf(f, "  0x%" PRIxPTR ":  (%u bytes not decoded)\n",
                (uintptr_t)code + done, (unsigned)(size - done));
    if (n)
        cs_free(insn, n);
    cs_close(&h);
}
