/*
 * registry/codec.c — strict base64 on top of OpenSSL (registry/codec.h).
 */
#include "registry/codec.h"

#include <openssl/evp.h>
#include <string.h>

#include "util/alloc.h"

size_t kf__b64_encode(const uint8_t *in, size_t n, char *out, int url)
{
	size_t len = (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)n), i;
	if (!url)
		return len;
	for (i = 0; i < len; i++) {
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
	}
	while (len > 0 && out[len - 1] == '=')
		out[--len] = '\0';
	return len;
}

static int b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

int kf__b64_decode(const char *s, size_t len, uint8_t *out, size_t cap, size_t *n)
{
	size_t i, pad = 0, bytes;
	unsigned char *tmp;
	char *again;
	int got, ok;
	if (len == 0 || len % 4 != 0 || len > (size_t)1 << 20)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] == '=' && i >= len - 2) {
			pad++;
			continue;
		}
		if (pad || !b64_char(s[i]))
			return -1; /* a character after '=' or outside the alphabet */
	}
	bytes = len / 4 * 3 - pad;
	if (bytes > cap)
		return -1;
	tmp = kf__malloc(len / 4 * 3 + 1);
	again = kf__malloc(len + 1);
	ok = tmp && again;
	if (ok) {
		got = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)len);
		ok = got >= 0 && (size_t)got == len / 4 * 3;
	}
	/* canonical: the bytes encode back to the same text (trailing bits 0) */
	if (ok)
		ok = kf__b64_encode(tmp, bytes, again, 0) == len && memcmp(again, s, len) == 0;
	if (ok) {
		memcpy(out, tmp, bytes);
		*n = bytes;
	}
	kf__xfree(tmp);
	kf__xfree(again);
	return ok ? 0 : -1;
}
