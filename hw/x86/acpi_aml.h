/*
 * A tiny AML encoder (ACPI 6.x chapter 20) for the DSDT of acpi.c: just
 * the names, packages, devices and buffers a board description needs.
 * Scopes are built inside out: a body is emitted first into its own
 * buffer, then wrapped with its opcode and PkgLength.
 */
#ifndef HW_X86_ACPI_AML_H
#define HW_X86_ACPI_AML_H

#include <stddef.h>
#include <stdint.h>

struct aml {
    uint8_t buf[4096];
    size_t len;
    int overflow;
};

void aml_bytes(struct aml *a, const void *p, size_t n);
void aml_name(struct aml *a, const char *seg);          /* Name(seg, ...) opener: NameOp + NameString */
void aml_int(struct aml *a, uint64_t v);                /* the shortest integer encoding */
void aml_string(struct aml *a, const char *s);
void aml_eisaid(struct aml *a, const char *id);         /* EISAID("PNP0501") as a DWord */
void aml_package_ints(struct aml *a, const uint8_t *v, int n);
void aml_buffer(struct aml *a, const uint8_t *p, size_t n);
/* ScopeOp or DeviceOp around body, with the PkgLength */
void aml_scope(struct aml *a, const char *name, const struct aml *body);
void aml_device(struct aml *a, const char *name, const struct aml *body);

#endif
