/*
 * -d in_asm: guest instructions through capstone's ARM64 disassembler.  A
 * word capstone does not know is printed as .inst so the log still shows
 * every instruction of the block.
 */
#include "isa/aarch64/disas.h"

#include <capstone/capstone.h>
#include <inttypes.h>

#include "translate/exec.h"

void a64_disas(FILE *f, uint64_t pc, uint32_t size)
{
    csh h;
    const uint8_t *code = (const uint8_t *)(exec_config.guest_base + (uintptr_t)pc);
    if (cs_open(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, &h) != CS_ERR_OK) {
        fprintf(f, "0x%016" PRIx64 ": <capstone cannot open ARM64>\n", pc);
        return;
    }
    for (uint32_t off = 0; off + 4 <= size; off += 4) {
        cs_insn *insn;
        uint32_t word = *(const uint32_t *)(code + off);
        size_t n = cs_disasm(h, code + off, 4, pc + off, 1, &insn);
        if (n == 1) {
            fprintf(f, "0x%016" PRIx64 ":  %08x      %s %s\n", pc + off, word, insn->mnemonic,
                    insn->op_str);
            cs_free(insn, n);
        } else {
            fprintf(f, "0x%016" PRIx64 ":  %08x      .inst 0x%08x\n", pc + off, word, word);
        }
    }
    cs_close(&h);
}
