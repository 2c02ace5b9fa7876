/*
 * fuzz_question_json.c — libFuzzer target for the API's body-to-question path:
 * the input is a request body given to kf_questions_from_json (one question
 * object or an array, as POST /v1/decisions reads it) and to
 * kf_question_from_json (as a JSON Lines record, other members allowed),
 * against the mini rulebook. Every question read is decided, and the fast
 * path and the full answer must agree; every error must carry a code and a
 * message. Replayed over tests/fuzz/corpus/question_json by make test.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/kaifang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kf_rulebook *rb;

static void decide_one(const kf_question *q)
{
	kf_verdict v;
	kf_decision *d;
	kf_error e;
	if (kf_decide_verdict(rb, q, &v, &e) != KF_OK)
		abort(); /* a question the reader accepts is decided */
	if (kf_decide(rb, q, KF_DECIDE_ALTERNATIVES, &d, &e) == KF_OK) {
		char *j = kf_decision_json(d);
		if (kf_decision_verdict(d)->outcome != v.outcome)
			abort();
		kf_free(j);
		kf_decision_free(d);
	}
}

static void check_error(const kf_error *e)
{
	if (e->status == KF_OK || !e->message[0] || !e->code[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kf_question *qs = NULL, q;
	kf_error *errs = NULL, e;
	size_t n = 0, i;
	int array = 0;
	if (!rb && kf_rulebook_load("tests/data/rulebooks/mini", &rb, &e, NULL) != KF_OK)
		abort();
	if (kf_questions_from_json(rb, (const char *)data, size, 1000, &qs, &errs, &n, &array,
				   &e) == KF_OK) {
		for (i = 0; i < n; i++) {
			if (errs[i].status == KF_OK)
				decide_one(&qs[i]);
			else
				check_error(&errs[i]);
		}
		kf_free(qs);
		kf_free(errs);
	} else
		check_error(&e);
	if (kf_question_from_json(rb, (const char *)data, size, 1, &q, &e) == KF_OK)
		decide_one(&q);
	else
		check_error(&e);
	return 0;
}
