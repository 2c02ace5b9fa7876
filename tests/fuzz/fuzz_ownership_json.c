/*
 * fuzz_ownership_json.c — libFuzzer target for the ownership JSON readers
 * (BODS 0.2/0.3/0.4 and GLEIF Level 2, detected from the content): the input
 * is written to a temporary file and loaded; when it loads, every entity (up
 * to 256) is computed and printed, and the table of all entities is built.
 * Crashes, leaks, hangs and sanitizer reports are bugs; a clean error is the
 * expected answer to garbage. Build and run: make fuzz. Replayed over
 * tests/fuzz/corpus/ownership_json by make test.
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
	if (kf_ownership_compute_all(g, NULL, &t, &e) == KF_OK)
		kf_ownership_table_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[128];
	FILE *f;
	kf_graph *g = NULL;
	kf_error e;
	memset(&e, 0, sizeof e);
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/kf-fuzz-own-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	snprintf(path, sizeof path, "%s/source.json", dir);
	f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	if (kf_graph_load(path, KF_DATE_NONE, &g, &e) == KF_OK) {
		compute_each(g);
		kf_graph_free(g);
	} else if (e.status == KF_OK) {
		abort(); /* a failed load must say why */
	}
	return 0;
}
