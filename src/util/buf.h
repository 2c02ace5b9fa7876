/*
 * util/buf.h — a growable byte buffer with a maximum (curl's dynbuf), and the
 * JSON text writer built on it. Used for every JSON and text answer the library
 * produces, so output is deterministic (keys in the order written, no floats).
 */
#ifndef KF_UTIL_BUF_H
#define KF_UTIL_BUF_H

#include <stddef.h>

#include "kaifang/common.h"
#include "kaifang/json.h"

typedef struct kf_buf {
	char *data; /* NUL-terminated when len > 0 */
	size_t len; /* bytes used, excluding the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* growth limit; 0 means 256 MiB */
	int failed; /* sticky: an append failed (no memory or over max) */
} kf_buf;

void kf__buf_init(kf_buf *b, size_t max);
void kf__buf_free(kf_buf *b);
void kf__buf_reset(kf_buf *b);                       /* len = 0, keeps memory, clears failed */
int kf__buf_add(kf_buf *b, const char *s, size_t n); /* 0 ok, -1 failed */
int kf__buf_puts(kf_buf *b, const char *s);
int kf__buf_printf(kf_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as one CSV field (RFC 4180): quoted when it holds the delimiter,
 * a quote, CR or LF, or begins or ends with a space or tab (so that a reader
 * trimming unquoted fields keeps them); NULL is an empty field. The one CSV
 * cell writer (batch, registry export, ownership output). */
void kf__buf_csv_cell(kf_buf *b, const char *s, char delim);
/* Hands the data to the caller (release with kf_free) and resets the buffer.
 * Returns NULL when the buffer failed. */
char *kf__buf_steal(kf_buf *b);

/* JSON writing helpers. They append to b; commas are the caller's business
 * except in kf__json_key which writes `"key":` after a comma when `*first` is 0. */
/* A JSON string, escaped; NULL → null. Invalid UTF-8 becomes U+FFFD, so the
 * output is always valid JSON; kf__json_strn takes a length (NUL → \u0000). */
void kf__json_str(kf_buf *b, const char *s);
void kf__json_strn(kf_buf *b, const char *s, size_t n);
void kf__json_key(kf_buf *b, int *first, const char *key);
void kf__json_share(kf_buf *b, kf_share s); /* exact decimal number, e.g. 49.5 */

/* view/json.c, for library views that write members straight into a writer's
 * buffer: kf__json_value places the next value (comma, key check; -1 when the
 * writer has failed), kf__json_buf is the writer's buffer, and
 * kf__json_opened_members counts n members written there by hand into the
 * object open at the top. */
int kf__json_value(kf_json *w);
kf_buf *kf__json_buf(kf_json *w);
void kf__json_opened_members(kf_json *w, unsigned n);
/* UTF-8: the length (1-4) of the well-formed sequence at p[0..n), 0 when it is
 * not one (overlong, surrogate, past U+10FFFF, cut short); and the length of
 * the valid prefix of s[0..n) (n when all of it is valid). */
size_t kf__utf8_seq(const unsigned char *p, size_t n);
size_t kf__utf8_check(const char *s, size_t n);

#endif
