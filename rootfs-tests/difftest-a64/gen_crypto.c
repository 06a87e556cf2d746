/*
 * Generator: the crypto extension (AES rounds and mix columns, SHA-1,
 * SHA-256 and SHA-512 hash updates and schedule updates, the SHA-3 helpers
 * EOR3/RAX1/XAR/BCAX, polynomial multiply long of 8- and 64-bit lanes) and
 * CRC32/CRC32C of every width.
 */
#include "gen.h"

static const struct tpl t_crypto[] = {
    { "$k{aese|aesd} v$V.16b, v$V.16b", 0 },
    { "$k{aesmc|aesimc} v$V.16b, v$V.16b", 0 },
    { "$k{sha1c|sha1p|sha1m} q$V, s$V, v$V.4s", 0 },
    { "sha1h s$V, s$V", 0 },
    { "sha1su0 v$V.4s, v$V.4s, v$V.4s", 0 },
    { "sha1su1 v$V.4s, v$V.4s", 0 },
    { "$k{sha256h|sha256h2} q$V, q$V, v$V.4s", 0 },
    { "sha256su0 v$V.4s, v$V.4s", 0 },
    { "sha256su1 v$V.4s, v$V.4s, v$V.4s", 0 },
    { "$k{sha512h|sha512h2} q$V, q$V, v$V.2d", 0 },
    { "sha512su0 v$V.2d, v$V.2d", 0 },
    { "sha512su1 v$V.2d, v$V.2d, v$V.2d", 0 },
    { "$k{eor3|bcax} v$V.16b, v$V.16b, v$V.16b, v$V.16b", 0 },
    { "rax1 v$V.2d, v$V.2d, v$V.2d", 0 },
    { "xar v$V.2d, v$V.2d, v$V.2d, #$i{0,63}", 0 },
    { "pmull v$V.1q, v$V.1d, v$V.1d", 0 },
    { "pmull2 v$V.1q, v$V.2d, v$V.2d", 0 },
    { "pmull$2 v$V.8h, v$V.$A, v$V.$A", SH_B },
};

void emit_crypto(struct gen *g)
{
    struct item *it = item_new(g);
    if (rng_pct(&g->r, 15)) {
        /* the fused pairs real code uses: aese+aesmc, aesd+aesimc on one register */
        int d = (int)rng_below(&g->r, 32), k = (int)rng_below(&g->r, 32);
        int enc = rng_pct(&g->r, 50);
        item_add(it, "%s v%d.16b, v%d.16b", enc ? "aese" : "aesd", d, k);
        item_add(it, "%s v%d.16b, v%d.16b", enc ? "aesmc" : "aesimc", d, d);
        if (rng_pct(&g->r, 40))
            record_v(g, it, d);
        return;
    }
    EMIT_TABLE(g, it, t_crypto);
}

static const struct tpl t_crc[] = {
    { "$k{crc32b|crc32h|crc32w|crc32cb|crc32ch|crc32cw} $W, $w, $w", 0 },
    { "$k{crc32x|crc32cx} $W, $w, $x", 0 },
};

void emit_crc(struct gen *g)
{
    struct item *it = item_new(g);
    EMIT_TABLE(g, it, t_crc);
}
