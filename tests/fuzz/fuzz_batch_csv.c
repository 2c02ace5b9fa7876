/*
 * fuzz_batch_csv.c — libFuzzer target for the batch CSV reader
 * (kaifang/batch.h) against the mini rulebook. The first input byte picks
 * the options (bit 0 strict, bit 1 ';' as the delimiter, bit 2 the full
 * columns, bit 3 no delimiter given: a "sep=X" line may set it); the rest is the
 * file. It runs twice, with 64-byte blocks and with the default blocks, and
 * the two outputs and statuses must agree: where the reader cuts blocks never
 * changes a record or its answer. Replayed over tests/fuzz/corpus/batch_csv
 * by make test.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	if (n > 7) /* short reads, as a pipe gives */
		n = 7 + (m->off % 13);
	if (n > m->len - m->off)
		n = m->len - m->off;
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
	o.format = KF_BATCH_CSV;
	o.strict = data[0] & 1;
	o.delimiter = data[0] & 8 ? 0 : data[0] & 2 ? ';' : ',';
	o.columns = data[0] & 4 ? KF_BATCH_COLUMNS_FULL : KF_BATCH_COLUMNS_BASIC;
	o.block = block;
	o.max_record = 1 << 16;
	st = kf_batch_open(rb, &o, mem_read, &m, sink_write, out, &b, &e);
	if (st == KF_OK)
		st = kf_batch_run(b, NULL, NULL, &e);
	if (st != KF_OK && (e.status != st || !e.message[0]))
		abort(); /* every error says what it is */
	kf_batch_free(b);
	return st;
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
		abort(); /* the block size changed the answer */
	free(a.p);
	free(b.p);
	return 0;
}
