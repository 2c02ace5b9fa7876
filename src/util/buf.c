/*
 * util/buf.c — growable buffer with a limit, and JSON text helpers (buf.h).
 */
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"

#define BUF_DEFAULT_MAX ((size_t)256 << 20)

void kf__buf_init(kf_buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max ? max : BUF_DEFAULT_MAX;
}

void kf__buf_free(kf_buf *b)
{
	kf__xfree(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void kf__buf_reset(kf_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int grow(kf_buf *b, size_t need)
{
	size_t nc;
	char *nd;
	if (need + 1 <= b->cap)
		return 0;
	if (need + 1 > b->max) {
		b->failed = 1;
		return -1;
	}
	nc = b->cap ? b->cap : 256;
	while (nc < need + 1)
		nc *= 2;
	if (nc > b->max)
		nc = b->max;
	nd = kf__realloc(b->data, nc);
	if (!nd) {
		b->failed = 1;
		return -1;
	}
	b->data = nd;
	b->cap = nc;
	return 0;
}

int kf__buf_add(kf_buf *b, const char *s, size_t n)
{
	if (b->failed || grow(b, b->len + n))
		return -1;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int kf__buf_puts(kf_buf *b, const char *s) { return kf__buf_add(b, s, strlen(s)); }

int kf__buf_printf(kf_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	char small[256];
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return -1;
	}
	if ((size_t)n < sizeof small)
		return kf__buf_add(b, small, (size_t)n);
	if (b->failed || grow(b, b->len + (size_t)n))
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *kf__buf_steal(kf_buf *b)
{
	char *d;
	if (b->failed) {
		kf__buf_free(b);
		b->failed = 0;
		return NULL;
	}
	if (!b->data && kf__buf_add(b, "", 0))
		return NULL;
	d = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

void kf__json_str(kf_buf *b, const char *s)
{
	const unsigned char *p;
	const unsigned char *run;
	if (!s) {
		kf__buf_puts(b, "null");
		return;
	}
	kf__buf_add(b, "\"", 1);
	run = (const unsigned char *)s;
	for (p = run; *p; p++) {
		const char *esc = NULL;
		char u[8];
		if (*p == '"')
			esc = "\\\"";
		else if (*p == '\\')
			esc = "\\\\";
		else if (*p == '\n')
			esc = "\\n";
		else if (*p == '\t')
			esc = "\\t";
		else if (*p == '\r')
			esc = "\\r";
		else if (*p < 0x20) {
			snprintf(u, sizeof u, "\\u%04x", *p);
			esc = u;
		}
		if (esc) {
			kf__buf_add(b, (const char *)run, (size_t)(p - run));
			kf__buf_puts(b, esc);
			run = p + 1;
		}
	}
	kf__buf_add(b, (const char *)run, (size_t)(p - run));
	kf__buf_add(b, "\"", 1);
}

void kf__json_key(kf_buf *b, int *first, const char *key)
{
	if (!*first)
		kf__buf_add(b, ",", 1);
	*first = 0;
	kf__json_str(b, key);
	kf__buf_add(b, ":", 1);
}

void kf__json_share(kf_buf *b, kf_share s)
{
	char t[40];
	kf__buf_puts(b, kf_share_format(s, t, sizeof t));
}
