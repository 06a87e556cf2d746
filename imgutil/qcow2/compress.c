/*
 * qcow2 cluster compression (spec "Compressed Clusters Descriptor" and the
 * compression_type header field): type 0 is raw deflate with a 4 KiB
 * window, type 1 is zstd frames.  Both functions are pure, so convert's
 * worker threads call them concurrently.
 */
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "imgutil/qcow2/qcow2.h"

#if defined(__has_include)
#if __has_include(<zstd.h>)
#include <zstd.h>
#define HAVE_ZSTD 1
#endif
#endif

bool qcow2_zstd_available(void)
{
#ifdef HAVE_ZSTD
    return true;
#else
    return false;
#endif
}

/* returns the compressed size, or 0 when it would not fit in cap */
long qcow2_compress(int type, const void *src, size_t len, void *dst, size_t cap)
{
    if (type == 0) {
        z_stream z;
        memset(&z, 0, sizeof(z));
        if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9,
                         Z_DEFAULT_STRATEGY) != Z_OK)
            return -ENOMEM;
        z.next_in = (Bytef *)src;
        z.avail_in = (uInt)len;
        z.next_out = dst;
        z.avail_out = (uInt)cap;
        int r = deflate(&z, Z_FINISH);
        long out = (long)(cap - z.avail_out);
        deflateEnd(&z);
        return r == Z_STREAM_END ? out : 0;
    }
#ifdef HAVE_ZSTD
    size_t r = ZSTD_compress(dst, cap, src, len, 3);
    return ZSTD_isError(r) ? 0 : (long)r;
#else
    return -ENOTSUP;
#endif
}

/* src may carry padding after the stream; exactly out_len bytes must come out */
int qcow2_decompress(int type, const void *src, size_t len, void *dst, size_t out_len)
{
    if (type == 0) {
        z_stream z;
        memset(&z, 0, sizeof(z));
        if (inflateInit2(&z, -12) != Z_OK)
            return -ENOMEM;
        z.next_in = (Bytef *)src;
        z.avail_in = (uInt)len;
        z.next_out = dst;
        z.avail_out = (uInt)out_len;
        int r = inflate(&z, Z_FINISH);
        bool ok = (r == Z_STREAM_END || r == Z_BUF_ERROR || r == Z_OK) && z.avail_out == 0;
        inflateEnd(&z);
        return ok ? 0 : -EIO;
    }
#ifdef HAVE_ZSTD
    ZSTD_DCtx *dc = ZSTD_createDCtx();
    if (!dc)
        return -ENOMEM;
    ZSTD_inBuffer in = { src, len, 0 };
    ZSTD_outBuffer out = { dst, out_len, 0 };
    int ret = 0;
    while (out.pos < out.size) {
        size_t last = out.pos, last_in = in.pos;
        size_t r = ZSTD_decompressStream(dc, &out, &in);
        if (ZSTD_isError(r)) {
            ret = -EIO;
            break;
        }
        if (out.pos == last && (in.pos == in.size || in.pos == last_in)) {
            ret = -EIO;     /* input ran out before the cluster was full */
            break;
        }
        if (r == 0 && out.pos < out.size && in.pos == in.size) {
            ret = -EIO;
            break;
        }
    }
    ZSTD_freeDCtx(dc);
    return ret;
#else
    return -ENOTSUP;
#endif
}
