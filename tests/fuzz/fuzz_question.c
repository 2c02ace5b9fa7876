/*
 * fuzz_question.c — libFuzzer target for the text a person gives: the input
 * is split at newlines into service, region, date, investor, share and
 * outside-zones, parsed with kf_question_parse against the mini rulebook, and
 * decided when it parses. Also feeds the whole input to kf_share_parse and
 * kf_date_parse. Replayed over tests/fuzz/corpus/question by make test.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/kaifang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kf_rulebook *rb;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *field[6] = {0}, *p;
	int n = 0;
	kf_error e;
	kf_question q;
	kf_share s;
	kf_date d;
	if (!rb && kf_rulebook_load("tests/data/rulebooks/mini", &rb, &e, NULL) != KF_OK)
		abort();
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	(void)kf_share_parse(buf, &s, &e);
	(void)kf_date_parse(buf, &d, &e);
	for (p = buf; n < 6; n++) {
		field[n] = p;
		p = strchr(p, '\n');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (kf_question_parse(rb, field[0], field[1], field[2], field[3], field[4],
			      field[5] && field[5][0] == '1', &q, &e) == KF_OK) {
		kf_verdict v;
		kf_decision *dd;
		if (kf_decide_verdict(rb, &q, &v, &e) != KF_OK)
			abort();
		if (kf_decide(rb, &q, KF_DECIDE_ALTERNATIVES, &dd, &e) == KF_OK) {
			const kf_verdict *v2 = kf_decision_verdict(dd);
			if (v2->outcome != v.outcome) /* the fast path and the full answer agree */
				abort();
			kf_decision_free(dd);
		}
	} else if (e.status == KF_OK || !e.message[0])
		abort();
	free(buf);
	return 0;
}
