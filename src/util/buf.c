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
	if (n) /* s may be NULL when n is 0 (an empty body): memcpy's is undefined */
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

size_t kf__utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len, i;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	/* overlong forms, UTF-16 surrogates and code points past U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

size_t kf__utf8_check(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (!(k = kf__utf8_seq(p + i, n - i)))
			return i;
		i += k;
	}
	return n;
}

void kf__json_strn(kf_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
	kf__buf_add(b, "\"", 1);
	while (p < end) {
		const char *esc = NULL;
		char u[8];
		size_t k = 1;
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
		} else if (*p >= 0x80 && !(k = kf__utf8_seq(p, (size_t)(end - p)))) {
			esc = "\xEF\xBF\xBD"; /* invalid UTF-8: U+FFFD, so the output stays valid */
			k = 1;
		}
		if (esc) {
			kf__buf_add(b, (const char *)run, (size_t)(p - run));
			kf__buf_puts(b, esc);
			run = p + k;
		}
		p += k;
	}
	kf__buf_add(b, (const char *)run, (size_t)(p - run));
	kf__buf_add(b, "\"", 1);
}

void kf__json_str(kf_buf *b, const char *s)
{
	if (!s)
		kf__buf_puts(b, "null");
	else
		kf__json_strn(b, s, strlen(s));
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

/* Appends s as one CSV field: quoted (RFC 4180) when it holds the delimiter,
 * a quote, CR or LF, or begins or ends with a space or tab (readers that trim
 * unquoted fields, ours among them, would drop those). */
void kf__buf_csv_cell(kf_buf *o, const char *s, char delim)
{
	const char *p;
	size_t n;
	if (!s)
		s = "";
	n = strlen(s);
	if (!strpbrk(s, "\"\r\n") && !strchr(s, delim) &&
	    !(n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'))) {
		kf__buf_puts(o, s);
		return;
	}
	kf__buf_add(o, "\"", 1);
	for (p = s; *p; p++) {
		const char *q = strchr(p, '"');
		if (!q) {
			kf__buf_puts(o, p);
			break;
		}
		kf__buf_add(o, p, (size_t)(q - p) + 1);
		kf__buf_add(o, "\"", 1);
		p = q;
	}
	kf__buf_add(o, "\"", 1);
}
