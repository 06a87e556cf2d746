/*
 * Cutting QMP's byte stream into JSON texts.  A client may send a request
 * in pieces or several in one write, so the bytes are scanned for the end
 * of each top-level object or array (brackets counted outside strings,
 * backslash escapes honoured) before the text is handed to the parser.  A
 * bare scalar or a stray closing bracket at top level is cut at the next
 * white space and handed on as well, so that the client gets an error
 * instead of a hang.
 */
#include <stdlib.h>
#include <string.h>

#include "sysemu/qmp/qmp.h"

void qmp_stream_reset(struct qmp_stream *s)
{
    free(s->buf);
    memset(s, 0, sizeof(*s));
}

static void push(struct qmp_stream *s, char ch)
{
    if (s->len + 2 > s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->buf = realloc(s->buf, s->cap);
    }
    s->buf[s->len++] = ch;
    s->buf[s->len] = 0;
}

static void flush(struct qmp_stream *s, qmp_text_fn *emit, void *opaque)
{
    if (s->len)
        emit(opaque, s->buf, s->len);
    s->len = 0;
    s->depth = 0;
    s->in_str = s->esc = s->scalar = false;
}

void qmp_stream_feed(struct qmp_stream *s, const uint8_t *buf, size_t len, qmp_text_fn *emit,
                     void *opaque)
{
    for (size_t i = 0; i < len; i++) {
        char ch = buf[i];
        bool space = ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
        if (s->scalar) {
            if (space || ch == '{' || ch == '[') {
                flush(s, emit, opaque);
                if (space)
                    continue;
            } else {
                push(s, ch);
                continue;
            }
        }
        if (!s->depth && !s->len) {
            if (space)
                continue;
            push(s, ch);
            if (ch == '{' || ch == '[')
                s->depth = 1;
            else
                s->scalar = true;
            continue;
        }
        push(s, ch);
        if (s->in_str) {
            if (s->esc)
                s->esc = false;
            else if (ch == '\\')
                s->esc = true;
            else if (ch == '"')
                s->in_str = false;
        } else if (ch == '"') {
            s->in_str = true;
        } else if (ch == '{' || ch == '[') {
            s->depth++;
        } else if (ch == '}' || ch == ']') {
            if (--s->depth == 0)
                flush(s, emit, opaque);
        }
        if (s->len > QMP_MAX_MESSAGE)
            flush(s, emit, opaque);     /* the parser reports it, then we start afresh */
    }
}
