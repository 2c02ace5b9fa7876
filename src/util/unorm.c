/*
 * util/unorm.c — name keys and NFKC field text (util/unorm.h), on utf8proc:
 * decompose into a code-point buffer on the stack, compose, re-encode. No
 * allocation, so a lookup stays cheap and cannot fail for lack of memory.
 */
#include "util/unorm.h"

#include <string.h>
#include <utf8proc.h>

int kf__is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

static int dropped_ascii(unsigned char c)
{
	return c == ' ' || c == '\'' || c == '-' || c == '_' || c == '.' || c == '(' || c == ')' ||
	       c == '\t';
}

/* NFC or NFKC (case folded when `fold`) of s into out as UTF-8; length or -1 */
static int normalise(const char *s, int compat, int fold, char *out, size_t size)
{
	utf8proc_int32_t buf[KF__NORM_MAX];
	utf8proc_option_t o = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_IGNORE;
	utf8proc_ssize_t n;
	size_t len = strlen(s);
	if (compat)
		o |= UTF8PROC_COMPAT;
	if (fold)
		o |= UTF8PROC_CASEFOLD;
	if (len >= KF__NORM_MAX)
		return -1;
	/* a code point re-encodes in at most 4 bytes: keep room for that */
	n = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, buf,
			       KF__NORM_MAX / 4 - 1, o);
	if (n < 0 || n >= KF__NORM_MAX / 4 - 1)
		return -1;
	n = utf8proc_normalize_utf32(buf, n, o);
	if (n < 0)
		return -1;
	n = utf8proc_reencode(buf, n, o);
	if (n < 0 || (size_t)n >= size)
		return -1;
	memcpy(out, buf, (size_t)n + 1);
	return (int)n;
}

int kf__name_key(const char *s, int compat, char *out, size_t size)
{
	char tmp[KF__NORM_MAX];
	const unsigned char *p;
	size_t o = 0;
	if (kf__is_ascii(s)) { /* the fast path: lower case, drop separators */
		for (p = (const unsigned char *)s; *p; p++) {
			if (dropped_ascii(*p))
				continue;
			if (o + 1 >= size)
				return -1;
			out[o++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		}
		out[o] = '\0';
		return (int)o;
	}
	if (normalise(s, compat, 1, tmp, sizeof tmp) < 0)
		return -1;
	for (p = (const unsigned char *)tmp; *p; p++) {
		if (dropped_ascii(*p))
			continue;
		if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) { /* U+3000 */
			p += 2;
			continue;
		}
		if (o + 1 >= size)
			return -1;
		out[o++] = (char)*p;
	}
	out[o] = '\0';
	return (int)o;
}

static int is_space_at(const char *p, size_t *w)
{
	unsigned char c = (unsigned char)*p;
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
		return (int)(*w = 1);
	if (c == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80)
		return (int)(*w = 3);
	return 0;
}

const char *kf__norm_compat(const char *s, char *out, size_t size)
{
	size_t len, w;
	const char *b, *e;
	if (!kf__is_ascii(s)) {
		int n = normalise(s, 1, 0, out, size);
		if (n < 0)
			return NULL;
		s = out;
	}
	for (b = s; *b && is_space_at(b, &w);)
		b += w;
	len = strlen(b);
	for (e = b + len; e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
				    e[-1] == '\r' || e[-1] == '\v' || e[-1] == '\f');)
		e--;
	if (b == s && *e == '\0')
		return s;
	if ((size_t)(e - b) >= size)
		return NULL;
	memmove(out, b, (size_t)(e - b));
	out[e - b] = '\0';
	return out;
}

size_t kf__utf8_bad_at(const char *s, size_t len)
{
	size_t off = 0;
	while (off < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k;
		/* ASCII eight bytes at a time: most of a register file */
		while (len - off >= 8) {
			uint64_t w;
			memcpy(&w, s + off, 8);
			if (w & 0x8080808080808080ull)
				break;
			off += 8;
		}
		if (off < len && !((unsigned char)s[off] & 0x80)) {
			off++;
			continue;
		}
		if (off >= len)
			break;
		k = utf8proc_iterate((const utf8proc_uint8_t *)s + off,
				     (utf8proc_ssize_t)(len - off), &c);
		if (k <= 0)
			return off;
		off += (size_t)k;
	}
	return len;
}

int kf__utf8_valid(const char *s, size_t len)
{
	return kf__utf8_bad_at(s, len) == len && !memchr(s, 0, len);
}

int kf__utf8_decode(const char *s, uint32_t *cp, int max)
{
	utf8proc_ssize_t off = 0, len = (utf8proc_ssize_t)strlen(s);
	int n = 0;
	while (off < len && n < max) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k =
		    utf8proc_iterate((const utf8proc_uint8_t *)s + off, len - off, &c);
		if (k <= 0)
			break;
		cp[n++] = (uint32_t)c;
		off += k;
	}
	return n;
}
