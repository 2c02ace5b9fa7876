/*
 * fuzz_uscc.c — libFuzzer target for the unified social credit code check
 * (kf_uscc_check): a code of the right form gives KF_OK whose check
 * character is recomputed consistently (fixing position 18 to the expected
 * character always passes), anything else an error naming a position.
 * Replayed over tests/fuzz/corpus/uscc.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/registry_checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kf_uscc_result r, r2;
	kf_error e;
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (kf_uscc_check(buf, &r, &e) == KF_OK) {
		char fixed[19];
		memcpy(fixed, r.code, 19);
		fixed[17] = r.check_expected;
		if (kf_uscc_check(fixed, &r2, &e) != KF_OK || !r2.check_ok)
			abort();
		if (r.warning != (!r.check_ok || !r.org_check_ok) || (r.warning && !r.reason[0]))
			abort();
	} else if (!e.message[0] || strcmp(e.code, "bad_uscc") != 0) {
		abort();
	}
	free(buf);
	return 0;
}
