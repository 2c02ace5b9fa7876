/*
 * fuzz_ownership_csv.c — libFuzzer target for the ownership CSV pair reader:
 * the input is split at the first line "%%holdings" into entities.csv (before)
 * and holdings.csv (after; empty when there is no such line), written to a
 * temporary folder and loaded; when it loads, every entity (up to 256) is
 * computed and printed, and the table of all entities is built and rendered. Crashes,
 * leaks, hangs and sanitizer reports are bugs; a clean error is the expected
 * answer to garbage. Build and run: make fuzz. Replayed over
 * tests/fuzz/corpus/ownership_csv by make test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kaifang/kaifang.h"
#include "kaifang/ownership.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static const char MARK[] = "%%holdings\n";

static void put(const char *name, const uint8_t *p, size_t n)
{
	char path[128];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(p, 1, n, f);
	fclose(f);
}

static void compute_each(const kf_graph *g)
{
	size_t i, n = kf_graph_entity_count(g);
	kf_ownership_table *t = NULL;
	kf_error e;
	for (i = 0; i < n && i < 256; i++) {
		kf_ownership_result *r = NULL;
		kf_ownership_opts o;
		memset(&o, 0, sizeof o);
		memset(&e, 0, sizeof e);
		o.stop_at_foreign_entity = (int)(i & 1);
		if (kf_ownership_compute(g, kf_graph_entity_id(g, i), &o, &r, &e) == KF_OK) {
			char *j = kf_ownership_result_json(r), *c = kf_ownership_result_csv(r);
			kf_free(j);
			kf_free(c);
			kf_ownership_result_free(r);
		} else if (e.status == KF_OK) {
			abort(); /* a failed computation must say why */
		}
	}
	if (kf_ownership_compute_all(g, NULL, &t, &e) == KF_OK) {
		kf_free(kf_ownership_table_csv(t, 0, 256));
		kf_ownership_table_free(t);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cut = size, rest = size, mlen = sizeof MARK - 1, i;
	kf_graph *g = NULL;
	kf_error e;
	memset(&e, 0, sizeof e);
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/kf-fuzz-owncsv-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	for (i = 0; i + mlen <= size; i++)
		if ((i == 0 || data[i - 1] == '\n') && memcmp(data + i, MARK, mlen) == 0) {
			cut = i;
			rest = i + mlen;
			break;
		}
	put("entities.csv", data, cut);
	put("holdings.csv", data + rest, size - rest);
	if (kf_graph_load(dir, KF_DATE_NONE, &g, &e) == KF_OK) {
		compute_each(g);
		kf_graph_free(g);
	} else if (e.status == KF_OK) {
		abort(); /* a failed load must say why */
	}
	return 0;
}
