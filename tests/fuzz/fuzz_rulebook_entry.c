/*
 * fuzz_rulebook_entry.c — libFuzzer target for rulebook.yaml (the entry file:
 * id, title, edition, sector, key_services, complete_from, include, files):
 * the input is written as rulebook.yaml in a folder holding the mini
 * rulebook's other files, beside a folder common/ with a copy of its places
 * (for `include: [../common/places.yaml]`), and loaded; when it loads, one
 * matrix with the default columns (key_services) and one decision are made.
 * Crashes, leaks and sanitizer reports are bugs; a clean error is the answer
 * to garbage. Build and run: make fuzz. Replayed over
 * tests/fuzz/corpus/rulebook_entry by make test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kaifang/kaifang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char top[64], dir[96];

static void copy(const char *name, const char *to_dir, const char *to_name)
{
	char src[256], dst[256], buf[65536];
	size_t n;
	FILE *in, *out;
	snprintf(src, sizeof src, "tests/data/rulebooks/mini/%s", name);
	snprintf(dst, sizeof dst, "%s/%s", to_dir, to_name);
	in = fopen(src, "rb");
	out = fopen(dst, "wb");
	if (!in || !out)
		abort();
	n = fread(buf, 1, sizeof buf, in);
	fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[256];
	FILE *f;
	kf_rulebook *rb = NULL;
	kf_error e;
	char *all = NULL;
	if (!top[0]) {
		char common[128];
		snprintf(top, sizeof top, "/tmp/kf-fuzz-entry-XXXXXX");
		if (!mkdtemp(top))
			abort();
		snprintf(dir, sizeof dir, "%s/rb", top);
		snprintf(common, sizeof common, "%s/common", top);
		if (mkdir(dir, 0700) || mkdir(common, 0700))
			abort();
		copy("catalogue.yaml", dir, "catalogue.yaml");
		copy("places.yaml", dir, "places.yaml");
		copy("sources.yaml", dir, "sources.yaml");
		copy("measures.yaml", dir, "measures.yaml");
		copy("places.yaml", common, "places.yaml");
	}
	snprintf(path, sizeof path, "%s/rulebook.yaml", dir);
	f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	if (kf_rulebook_load(dir, &rb, &e, &all) == KF_OK) {
		kf_matrix_query mq;
		kf_matrix *m = NULL;
		kf_question q;
		kf_verdict v;
		memset(&mq, 0, sizeof mq);
		mq.date = "2024-01-01";
		if (kf_matrix_new(rb, &mq, &m, &e) == KF_OK) {
			char *j = kf_matrix_json(m);
			kf_free(j);
			kf_matrix_free(m);
		}
		if (!kf_rulebook_sector(rb) || !*kf_rulebook_sector(rb))
			abort(); /* a loaded rulebook always has a sector (its id at least) */
		if (kf_question_parse(rb, "B21", "310000", "2024-01-01", NULL, "50", 0, &q, &e) ==
		    KF_OK)
			kf_decide_verdict(rb, &q, &v, &e);
		kf_rulebook_free(rb);
	} else if (e.status == KF_OK) {
		abort(); /* a failed load must say why */
	}
	kf_free(all);
	return 0;
}
