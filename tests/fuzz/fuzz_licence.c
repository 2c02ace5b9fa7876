/*
 * fuzz_licence.c — libFuzzer target for the licence-number parser
 * (kf_licence_parse with the shipped province table): any input gives KF_OK
 * with a kind and sane parts, or an error with a message and a column inside
 * the text; never a crash. Replayed over tests/fuzz/corpus/licence.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/registry_checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kf_licence_provinces *prov;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kf_licence_number n;
	kf_error e;
	char *buf;
	if (!prov &&
	    kf_licence_provinces_load("data/registry/licence-provinces.yaml", &prov, &e) != KF_OK)
		abort();
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (kf_licence_parse(prov, buf, &n, &e) == KF_OK) {
		if (n.kind == KF_LICENCE_NUMBER &&
		    (n.ncategories < 1 || n.ncategories > KF_LICENCE_CATEGORIES_MAX ||
		     n.year < 1999 || strlen(n.serial) != 4))
			abort();
		if (n.kind != KF_LICENCE_NUMBER && !n.message[0])
			abort();
		{
			kf_json *w = kf_json_new();
			char *out;
			kf_licence_number_json(w, &n);
			out = kf_json_finish(w);
			if (!out)
				abort();
			kf_free(out);
		}
	} else if (!e.message[0] || e.column < 1 || (size_t)e.column > strlen(buf) + 1) {
		abort();
	}
	free(buf);
	return 0;
}
