/*
 * fuzz_rulebook.c — libFuzzer target for the rulebook loader: the input is
 * written as measures.yaml beside the mini rulebook's other files and loaded,
 * then (when it loads) decisions are made: B21 in Shanghai, and each of the
 * first 16 services in Pudong (the input may add services: `services:` and
 * `crosswalk:` are allowed in any file). Crashes, leaks and sanitizer
 * reports are bugs; a clean error is the expected answer to garbage.
 * Build and run: make fuzz. Replayed over tests/fuzz/corpus/rulebook by make test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kaifang/kaifang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void copy(const char *name)
{
	char src[256], dst[256], buf[65536];
	size_t n;
	FILE *in, *out;
	snprintf(src, sizeof src, "tests/data/rulebooks/mini/%s", name);
	snprintf(dst, sizeof dst, "%s/%s", dir, name);
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
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/kf-fuzz-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		copy("rulebook.yaml");
		copy("catalogue.yaml");
		copy("places.yaml");
		copy("sources.yaml"); /* the mini rulebook.yaml lists it */
	}
	snprintf(path, sizeof path, "%s/measures.yaml", dir);
	f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	if (kf_rulebook_load(dir, &rb, &e, &all) == KF_OK) {
		kf_question q;
		kf_decision *d;
		kf_verdict v;
		int i, n = kf_rulebook_n_services(rb);
		if (kf_question_parse(rb, "B21", "310000", "2024-01-01", NULL, "50", 0, &q, &e) ==
			KF_OK &&
		    kf_decide(rb, &q, KF_DECIDE_ALTERNATIVES | KF_DECIDE_TRACE, &d, &e) == KF_OK) {
			char *j = kf_decision_json(d), *t = kf_decision_text(d);
			kf_free(j);
			kf_free(t);
			kf_decision_free(d);
		}
		/* the services the input adds (issue 14: floor, control, form,
		 * quota, cap_per_investor, lapsed, implements reach the answer only
		 * on their own services): each one in Pudong, with the text and
		 * JSON views, and twice through the verdict cache at two shares */
		for (i = 0; i < n && i < 16; i++) {
			const char *sid = kf_rulebook_service(rb, i)->id;
			if (kf_question_parse(rb, sid, "310115", "2024-01-01", NULL, "30", 0, &q,
					      &e) != KF_OK)
				continue;
			if (kf_decide(rb, &q, KF_DECIDE_ALTERNATIVES | KF_DECIDE_TRACE, &d, &e) ==
			    KF_OK) {
				char *j = kf_decision_json(d), *t = kf_decision_text(d);
				kf_free(j);
				kf_free(t);
				kf_decision_free(d);
			}
			kf_decide_verdict(rb, &q, &v, &e);
			if (kf_question_parse(rb, sid, "310115", "2024-01-01", NULL, "99.5", 0, &q,
					      &e) == KF_OK)
				kf_decide_verdict(rb, &q, &v, &e);
		}
		kf_rulebook_free(rb);
	} else if (e.status == KF_OK) {
		abort(); /* a failed load must say why */
	}
	kf_free(all);
	return 0;
}
