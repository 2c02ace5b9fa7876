/*
 * fuzz_timeline.c — libFuzzer target for the timeline and diff queries as the
 * doors hand them over (kaifang/timeline.h): the input is split at newlines
 * into service, places, investor, foreign share, outside_zones, from and to,
 * and a timeline and a date diff are built from them against the mini
 * rulebook. A refusal must carry a message; a timeline's periods must tile
 * its range ([from, until) back to back) and render as JSON and text.
 * Replayed over tests/fuzz/corpus/timeline by make test.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/kaifang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kf_rulebook *rb;

static void check_timeline(const kf_timeline *t)
{
	int i, k;
	char *j = kf_timeline_json(t), *x = kf_timeline_text(t);
	if (!j || !x)
		abort();
	kf_free(j);
	kf_free(x);
	for (i = 0; i < kf_timeline_n_places(t); i++) {
		int n = kf_timeline_n_periods(t, i);
		if (n < 1 || kf_timeline_decisions(t, i) < n)
			abort();
		for (k = 0; k < n; k++) {
			const kf_period *p = kf_timeline_period(t, i, k);
			if (p->from >= p->until)
				abort();
			if (k && p->from != kf_timeline_period(t, i, k - 1)->until)
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *field[7] = {0}, *p;
	int n = 0;
	kf_error e;
	kf_timeline_query tq;
	kf_diff_query dq;
	kf_timeline *t = NULL;
	kf_diff *d = NULL;
	if (!rb && kf_rulebook_load("tests/data/rulebooks/mini", &rb, &e, NULL) != KF_OK)
		abort();
	if (size > 4096)
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (p = buf; n < 7; n++) {
		field[n] = p;
		p = strchr(p, '\n');
		if (!p)
			break;
		*p++ = '\0';
	}
	memset(&tq, 0, sizeof tq);
	tq.service = field[0];
	tq.places = field[1];
	tq.investor = field[2] && *field[2] ? field[2] : NULL;
	tq.foreign_share = field[3] && *field[3] ? field[3] : NULL;
	tq.outside_zones = field[4] && *field[4] ? field[4] : NULL;
	tq.from = field[5];
	tq.to = field[6];
	if (kf_timeline_new(rb, &tq, &t, &e) == KF_OK) {
		check_timeline(t);
		kf_timeline_free(t);
	} else if (t || e.status == KF_OK || !e.message[0])
		abort();
	memset(&dq, 0, sizeof dq);
	dq.from = field[5];
	dq.to = field[6];
	dq.places = field[1] && *field[1] ? field[1] : NULL;
	dq.services = field[0] && *field[0] ? field[0] : NULL;
	dq.investor = tq.investor;
	dq.outside_zones = tq.outside_zones;
	if (kf_diff_dates(rb, &dq, &d, &e) == KF_OK) {
		char *j = kf_diff_json(d), *x = kf_diff_text(d);
		if (!j || !x)
			abort();
		kf_free(j);
		kf_free(x);
		kf_diff_free(d);
	} else if (d || e.status == KF_OK || !e.message[0])
		abort();
	free(buf);
	return 0;
}
