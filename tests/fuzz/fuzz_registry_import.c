/*
 * fuzz_registry_import.c — libFuzzer target for the registry's JSON Lines
 * import (kf_registry_init_from, the reader `registry import` and
 * `registry init --from` use): the input is taken as an export and replayed
 * into a new SQLite registry in a temporary folder. Whatever the import
 * accepts must leave a registry that verifies (the leaves, the tree and the
 * projections agree) and whose export starts with the accepted lines byte for
 * byte; whatever it refuses must come with a message. Crashes, leaks and
 * sanitizer reports are bugs. Build and run: make fuzz. Replayed over
 * tests/fuzz/corpus/registry_import by make test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kaifang/kaifang.h"
#include "kaifang/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], db[128], key[128];

typedef struct sink {
	char *buf;
	size_t len, cap;
} sink;

static int put(void *ctx, const char *p, size_t n)
{
	sink *s = ctx;
	if (s->len + n + 1 > s->cap) {
		size_t cap = (s->len + n + 1) * 2;
		char *b = realloc(s->buf, cap);
		if (!b)
			return -1;
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return 0;
}

static void clean(void)
{
	char p[160];
	unlink(db);
	unlink(key);
	snprintf(p, sizeof p, "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", db);
	unlink(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *token = NULL, *summary = NULL, *report = NULL;
	kf_registry *r = NULL;
	kf_error e;
	kf_status st;
	uint64_t n;
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/kf-fuzz-reg-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(db, sizeof db, "%s/r.sqlite", dir);
		snprintf(key, sizeof key, "%s/r.key", dir);
		setenv("KF_TOKEN_TEST_COST", "1", 1);
	}
	clean();
	st = kf_registry_init_from(KF_REGISTRY_SQLITE, db, key, (const char *)data, size, "fuzz",
				   &token, &summary, &e);
	if (st != KF_OK && !e.message[0])
		abort(); /* a refusal says why */
	kf_free(token);
	kf_free(summary);
	if (st != KF_OK) {
		clean();
		return 0;
	}
	if (kf_registry_open(KF_REGISTRY_SQLITE, db, NULL, &r, &e) != KF_OK)
		abort();
	if (kf_registry_verify(r, 0, &report, &e) != KF_OK)
		abort(); /* what the import accepted verifies */
	kf_free(report);
	if (kf_registry_head(r, &n, NULL, &e) != KF_OK || n < 1)
		abort();
	{
		/* the export's lines, but the last (the new token), are the input's
		 * non-empty lines (a CR before the LF aside), byte for byte */
		sink s = {NULL, 0, 0};
		const char *p, *q = (const char *)data, *end = (const char *)data + size;
		if (kf_registry_export(r, "jsonl", put, &s, &e) != KF_OK || !s.buf)
			abort();
		for (p = s.buf; strchr(p, '\n') && strchr(strchr(p, '\n') + 1, '\n');) {
			size_t n1 = (size_t)(strchr(p, '\n') - p), n2;
			const char *nl;
			while (q < end &&
			       (*q == '\n' || (*q == '\r' && q + 1 < end && q[1] == '\n')))
				q += *q == '\r' ? 2 : 1;
			nl = memchr(q, '\n', (size_t)(end - q));
			n2 = nl ? (size_t)(nl - q) : (size_t)(end - q);
			if (n2 && q[n2 - 1] == '\r')
				n2--;
			if (n1 != n2 || memcmp(p, q, n1))
				abort();
			q = nl ? nl + 1 : end;
			p += n1 + 1;
		}
		free(s.buf);
	}
	kf_registry_close(r);
	clean();
	return 0;
}
