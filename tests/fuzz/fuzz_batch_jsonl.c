/*
 * fuzz_batch_jsonl.c — libFuzzer target for the batch JSON Lines reader
 * (kaifang/batch.h) against the mini rulebook. The first input byte picks
 * strict mode (bit 0); the rest is the input. Every output line must be valid
 * UTF-8 and one JSON object (issue 8 item 5), whatever the input's bytes, and
 * 64-byte blocks must give the same output as the default. Replayed over
 * tests/fuzz/corpus/batch_jsonl by make test.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kaifang/kaifang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct mem {
	const uint8_t *p;
	size_t len, off;
} mem;

typedef struct sink {
	char *p;
	size_t len, cap;
} sink;

static long mem_read(void *ctx, char *buf, size_t cap)
{
	mem *m = ctx;
	size_t n = m->len - m->off < cap ? m->len - m->off : cap;
	memcpy(buf, m->p + m->off, n);
	m->off += n;
	return (long)n;
}

static int sink_write(void *ctx, const char *buf, size_t len)
{
	sink *s = ctx;
	if (s->len + len > s->cap) {
		size_t nc = (s->len + len) * 2;
		char *np = realloc(s->p, nc);
		if (!np)
			return -1;
		s->p = np;
		s->cap = nc;
	}
	memcpy(s->p + s->len, buf, len);
	s->len += len;
	return 0;
}

static kf_rulebook *rb;

static kf_status run(const uint8_t *data, size_t size, size_t block, sink *out)
{
	kf_batch_opts o;
	kf_batch *b = NULL;
	kf_error e;
	kf_status st;
	mem m = {data + 1, size - 1, 0};
	memset(&o, 0, sizeof o);
	o.format = KF_BATCH_JSONL;
	o.strict = data[0] & 1;
	o.block = block;
	o.max_record = 1 << 16;
	st = kf_batch_open(rb, &o, mem_read, &m, sink_write, out, &b, &e);
	if (st == KF_OK)
		st = kf_batch_run(b, NULL, NULL, &e);
	kf_batch_free(b);
	return st;
}

/* Each line of s[0..n) is one JSON object (jansson checks UTF-8 too). */
static void check_lines(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t len;
		json_error_t je;
		json_t *j;
		if (!nl)
			abort(); /* every output line ends with a newline */
		len = (size_t)(nl - (s + i));
		j = json_loadb(s + i, len, JSON_ALLOW_NUL, &je); /* \\u0000 is JSON */
		/* 1e400 and 2^64 are JSON too (RFC 8259 sets no range), only
		 * jansson's double and int64 cannot hold them: an echoed member
		 * may carry them (the exact reader read the line) */
		if ((!j && !strstr(je.text, "overflow") && !strstr(je.text, "too big")) ||
		    (j && !json_is_object(j)))
			abort();
		if (!j)
			for (size_t k = 0; k < len; k++) /* still UTF-8 with no raw controls */
				if ((unsigned char)s[i + k] < 0x20)
					abort();
		json_decref(j);
		i += len + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kf_error e;
	sink a = {0}, b = {0};
	kf_status sa, sb;
	if (!rb && kf_rulebook_load("tests/data/rulebooks/mini", &rb, &e, NULL) != KF_OK)
		abort();
	if (size < 1)
		return 0;
	sa = run(data, size, 64, &a);
	sb = run(data, size, 0, &b);
	if (sa != sb || a.len != b.len || (a.len && memcmp(a.p, b.p, a.len)))
		abort();
	check_lines(a.p, a.len);
	free(a.p);
	free(b.p);
	return 0;
}
