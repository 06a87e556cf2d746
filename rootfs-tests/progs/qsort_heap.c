/* qsort with several comparators and a malloc/realloc/free-heavy workload
 * (a growing array of variable-sized records); results are checksummed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

struct rec {
    uint32_t key;
    uint16_t len;
    unsigned char *data;
};

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_u64_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x < y) - (x > y);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Total order (key, then contents) so the result does not depend on
 * whether the qsort implementation is stable. */
static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->data, y->data, n);
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x9e3779b97f4a7c15ull + (h >> 29);
}

int main(void)
{
    enum { N = 50000 };
    int32_t *iv = malloc(N * sizeof(*iv));
    uint64_t *uv = malloc(N * sizeof(*uv));
    double *dv = malloc(N * sizeof(*dv));
    if (!iv || !uv || !dv)
        return 1;
    for (int i = 0; i < N; i++) {
        iv[i] = (int32_t)rng() % 100000;
        uv[i] = ((uint64_t)rng() << 32) | rng();
        dv[i] = (double)(int32_t)rng() / 65536.0;
    }
    qsort(iv, N, sizeof(*iv), cmp_i32);
    qsort(uv, N, sizeof(*uv), cmp_u64_desc);
    qsort(dv, N, sizeof(*dv), cmp_double);
    uint64_t h = 0;
    int sorted = 1;
    for (int i = 0; i < N; i++) {
        h = mix(h, (uint64_t)(uint32_t)iv[i]);
        h = mix(h, uv[i]);
        uint64_t db;
        memcpy(&db, &dv[i], 8);
        h = mix(h, db);
        if (i && (iv[i - 1] > iv[i] || uv[i - 1] < uv[i] || dv[i - 1] > dv[i]))
            sorted = 0;
    }
    printf("arrays sorted=%d hash=%016" PRIx64 " min=%d max=%d median=%d\n", sorted, h,
           iv[0], iv[N - 1], iv[N / 2]);
    printf("u64 first=%016" PRIx64 " last=%016" PRIx64 " d first=%a last=%a\n", uv[0],
           uv[N - 1], dv[0], dv[N - 1]);

    /* Growing record array with realloc, random frees and re-allocations. */
    size_t cap = 1, n = 0;
    struct rec *recs = malloc(cap * sizeof(*recs));
    uint64_t live_bytes = 0;
    for (int round = 0; round < 60000; round++) {
        uint32_t r = rng();
        if (n == cap) {
            cap = cap * 3 / 2 + 1;
            recs = realloc(recs, cap * sizeof(*recs));
            if (!recs)
                return 1;
        }
        if (n > 0 && r % 5 == 0) {
            /* free a random record, move the last into its slot */
            size_t k = rng() % n;
            live_bytes -= recs[k].len;
            free(recs[k].data);
            recs[k] = recs[--n];
        } else if (n > 0 && r % 7 == 0) {
            /* grow or shrink an existing record, keeping its prefix */
            size_t k = rng() % n;
            uint16_t nl = (uint16_t)(1 + rng() % 3000);
            unsigned char *p = realloc(recs[k].data, nl);
            if (!p)
                return 1;
            for (size_t i = recs[k].len; i < nl; i++)
                p[i] = (unsigned char)(i * 7 + k);
            live_bytes += (uint64_t)nl - recs[k].len;
            recs[k].data = p;
            recs[k].len = nl;
        } else {
            uint16_t len = (uint16_t)(1 + r % 700);
            unsigned char *p = (r & 1) ? malloc(len) : calloc(len, 1);
            if (!p)
                return 1;
            /* calloc'd records stay zero past every third byte */
            for (size_t i = 0; i < len; i++)
                if ((r & 1) || i % 3 == 0)
                    p[i] = (unsigned char)(rng() >> 24);
            recs[n].key = rng() % 1000;
            recs[n].len = len;
            recs[n].data = p;
            n++;
            live_bytes += len;
        }
    }
    qsort(recs, n, sizeof(*recs), cmp_rec);
    h = 0;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        h = mix(h, recs[i].key);
        for (size_t j = 0; j < recs[i].len; j++)
            h = mix(h, recs[i].data[j]);
        total += recs[i].len;
        free(recs[i].data);
    }
    free(recs);
    printf("records n=%zu bytes=%" PRIu64 " tracked=%" PRIu64 " hash=%016" PRIx64 "\n",
           n, total, live_bytes, h);

    /* Strings: build, sort, dedupe. */
    enum { NS = 5000 };
    char **strs = malloc(NS * sizeof(*strs));
    for (int i = 0; i < NS; i++) {
        int len = 1 + (int)(rng() % 12);
        strs[i] = malloc((size_t)len + 1);
        for (int j = 0; j < len; j++)
            strs[i][j] = (char)('a' + rng() % 4);
        strs[i][len] = 0;
    }
    qsort(strs, NS, sizeof(*strs), cmp_str);
    int uniq = 0;
    h = 0;
    for (int i = 0; i < NS; i++) {
        if (i == 0 || strcmp(strs[i], strs[i - 1]) != 0) {
            uniq++;
            for (const char *p = strs[i]; *p; p++)
                h = mix(h, (unsigned char)*p);
        }
    }
    printf("strings uniq=%d first=%s last=%s hash=%016" PRIx64 "\n", uniq, strs[0],
           strs[NS - 1], h);
    for (int i = 0; i < NS; i++)
        free(strs[i]);
    free(strs);

    /* Big allocations (mmap-backed in glibc) and realloc of them. */
    unsigned char *big = malloc(1 << 20);
    for (int i = 0; i < 1 << 20; i++)
        big[i] = (unsigned char)(i ^ (i >> 8));
    big = realloc(big, 3 << 20);
    memset(big + (1 << 20), 0xa5, 2 << 20);
    h = 0;
    for (int i = 0; i < 3 << 20; i += 4093)
        h = mix(h, big[i]);
    big = realloc(big, 100);
    h = mix(h, big[99]);
    free(big);
    printf("big hash=%016" PRIx64 "\n", h);
    free(iv);
    free(uv);
    free(dv);
    return 0;
}
