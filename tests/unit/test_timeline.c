/*
 * test_timeline.c — unit tests of the timeline and the diffs
 * (kaifang/timeline.h, src/timeline.c, src/diff.c).
 *
 * The correctness check of the timeline's shortcut: a timeline decides only
 * on the index's change dates of the cell, so for every pilot-20 place x key
 * pilot service (with and without a share, in and outside the zones, and for
 * a CEPA investor) it is compared with one decision per day over the
 * rulebook's whole span: each day's verdict must be the verdict of the period
 * holding that day. Then values on the mini rulebook, the diffs, and the
 * refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kaifang/kaifang.h"

#define CN     "rulebooks/cn-telecom"
#define MINI   "tests/data/rulebooks/mini"
#define MINI_B "tests/data/rulebooks/mini-b"

static kf_rulebook *load(const char *dir)
{
	kf_rulebook *rb = NULL;
	kf_error e;
	assert_int_equal(kf_rulebook_load(dir, &rb, &e, NULL), KF_OK);
	return rb;
}

static kf_date day(const char *s)
{
	kf_date d;
	assert_int_equal(kf_date_parse(s, &d, NULL), KF_OK);
	return d;
}

static int same(const kf_verdict *a, const kf_verdict *b)
{
	if (a->outcome != b->outcome || a->has_cap != b->has_cap || a->uncertain != b->uncertain ||
	    a->n_binding != b->n_binding || a->n_missing != b->n_missing)
		return 0;
	if (a->has_cap && (a->cap != b->cap || a->cap_op != b->cap_op))
		return 0;
	return !memcmp(a->binding, b->binding, sizeof(int) * (size_t)a->n_binding) &&
	       !memcmp(a->missing, b->missing, sizeof(int) * (size_t)a->n_missing);
}

/* the last day any measure or region changes, from the measures' dates */
static kf_date last_change(const kf_rulebook *rb)
{
	kf_date last = 0;
	int i;
	for (i = 0; i < kf_rulebook_n_measures(rb); i++) {
		const kf_measure_info *m = kf_rulebook_measure(rb, i);
		if (m->effective_from > last)
			last = m->effective_from;
		if (m->effective_until != KF_DATE_MAX && m->effective_until > last)
			last = m->effective_until;
	}
	return last;
}

/* One timeline against one decision per day from `from` to `end` */
static long check_daily(const kf_rulebook *rb, const kf_timeline_query *tq, kf_date from,
			kf_date end, long *decisions)
{
	kf_timeline *t = NULL;
	kf_error e;
	long days = 0;
	int i;
	assert_int_equal(kf_timeline_new(rb, tq, &t, &e), KF_OK);
	for (i = 0; i < kf_timeline_n_places(t); i++) {
		int k = 0, n = kf_timeline_n_periods(t, i);
		kf_question q = *kf_timeline_question(t);
		kf_date d;
		const kf_period *p = kf_timeline_period(t, i, 0);
		q.region = kf_timeline_place(t, i);
		assert_true(n >= 1);
		assert_int_equal(p->from, from);
		*decisions += kf_timeline_decisions(t, i);
		for (d = from; d < end; d++) {
			kf_verdict v;
			while (d >= p->until) {
				assert_true(++k < n);
				p = kf_timeline_period(t, i, k);
				assert_int_equal(p->from, kf_timeline_period(t, i, k - 1)->until);
			}
			q.date = d;
			assert_int_equal(kf_decide_verdict(rb, &q, &v, &e), KF_OK);
			if (!same(&v, &p->v)) {
				char a[16];
				fail_msg(
				    "%s %s on %s: the day's verdict (%s) is not its period's (%s)",
				    tq->service, kf_rulebook_region(rb, q.region)->id,
				    kf_date_format(d, a, sizeof a), kf_outcome_name(v.outcome),
				    kf_outcome_name(p->v.outcome));
			}
			days++;
		}
		/* consecutive periods differ (else they would be one) */
		for (k = 1; k < n; k++)
			assert_false(same(&kf_timeline_period(t, i, k - 1)->v,
					  &kf_timeline_period(t, i, k)->v));
		assert_int_equal(kf_timeline_period(t, i, n - 1)->until, KF_DATE_MAX);
	}
	kf_timeline_free(t);
	return days;
}

static void test_daily_pilot20(void **state)
{
	static const char *const services[] = {
	    "app-store", "isp-end-user", "ip-vpn", "idc", "cdn", "online-data-processing"};
	static const struct {
		const char *investor, *share, *outside;
	} variants[] = {
	    {NULL, NULL, NULL}, {NULL, "50", NULL}, {NULL, NULL, "true"}, {"hk-cepa", "50", NULL}};
	kf_rulebook *rb = load(CN);
	kf_date from = kf_rulebook_complete_from(rb), end = last_change(rb) + 90;
	long days = 0, decisions = 0;
	size_t s, v;
	(void)state;
	assert_true(from != KF_DATE_NONE && end > from + 2000);
	for (s = 0; s < sizeof services / sizeof services[0]; s++)
		for (v = 0; v < sizeof variants / sizeof variants[0]; v++) {
			kf_timeline_query tq;
			memset(&tq, 0, sizeof tq);
			tq.service = services[s];
			tq.places = "pilot-20";
			tq.investor = variants[v].investor;
			tq.foreign_share = variants[v].share;
			tq.outside_zones = variants[v].outside;
			days += check_daily(rb, &tq, from, end, &decisions);
		}
	/* 20 places x 6 services x 4 variants, every day of the span */
	assert_int_equal(days, 480L * (end - from));
	/* the shortcut: a few decisions per timeline, not one per day */
	assert_true(decisions < days / 100);
	print_message("daily check: %ld days decided, the timelines took %ld decisions\n", days,
		      decisions);
	kf_rulebook_free(rb);
}

/* The mini rulebook: zone-a exists from 2019-08-20 and opens end-user ISP
 * there from 2021-01-01; the pilot IP-VPN cap of 2025-04-11 is announced. */
static void test_mini_values(void **state)
{
	kf_rulebook *rb = load(MINI);
	kf_timeline_query tq;
	kf_timeline *t = NULL;
	const kf_period *p;
	kf_error e;
	char *j;
	(void)state;
	memset(&tq, 0, sizeof tq);
	tq.service = "ip-vpn";
	tq.places = "Hangzhou";
	tq.from = "2024-01-01";
	assert_int_equal(kf_timeline_new(rb, &tq, &t, &e), KF_OK);
	assert_int_equal(kf_timeline_n_periods(t, 0), 2);
	p = kf_timeline_period(t, 0, 0);
	assert_int_equal(p->from, day("2024-01-01"));
	assert_int_equal(p->until, day("2025-04-11"));
	assert_int_equal(p->v.outcome, KF_CLOSED);
	p = kf_timeline_period(t, 0, 1);
	assert_int_equal(p->v.outcome, KF_PERMITTED);
	assert_int_equal(p->v.cap_op, KF_CAP_LT);
	assert_true(p->v.cap == 50 * KF_SHARE_PERCENT && p->v.uncertain);
	assert_int_equal(p->n_entered, 1);
	assert_string_equal(kf_rulebook_measure(rb, p->entered[0])->id, "pilot-ipvpn-cap");
	assert_int_equal(p->n_left, 0);
	assert_true(kf_timeline_decisions(t, 0) <= 3);
	j = kf_timeline_json(t);
	assert_non_null(j);
	assert_non_null(strstr(j,
			       "\"from\":\"2025-04-11\",\"until\":null,\"outcome\":\"permitted\","
			       "\"max_foreign_share\":50,\"cap\":{\"op\":\"<\",\"value\":50}"));
	/* a step names its measures by id; their records are once in measure_refs */
	assert_non_null(strstr(j, "\"entered\":[\"pilot-ipvpn-cap\"]"));
	assert_non_null(strstr(j,
			       "\"measure_refs\":{\"pilot-ipvpn-cap\":{\"id\":\"pilot-ipvpn-cap\","
			       "\"effect\":\"cap\""));
	kf_free(j);
	kf_timeline_free(t);

	/* zone-a exists from 2019-08-20: its timeline starts there, with a notice */
	tq.service = "isp-end-user";
	tq.places = "zone-a";
	tq.from = "2019-01-01";
	tq.to = "2022-01-01";
	assert_int_equal(kf_timeline_new(rb, &tq, &t, &e), KF_OK);
	/* (the mini rulebook sets no complete_from: before its first measure,
	 * 2020-01-01, no measure applies) */
	assert_int_equal(kf_timeline_n_periods(t, 0), 3);
	assert_int_equal(kf_timeline_period(t, 0, 0)->from, day("2019-08-20"));
	assert_int_equal(kf_timeline_period(t, 0, 1)->from, day("2020-01-01"));
	assert_int_equal(kf_timeline_period(t, 0, 1)->v.outcome, KF_CLOSED);
	assert_int_equal(kf_timeline_period(t, 0, 2)->from, day("2021-01-01"));
	assert_int_equal(kf_timeline_period(t, 0, 2)->until, day("2022-01-01"));
	assert_int_equal(kf_timeline_period(t, 0, 2)->v.outcome, KF_PERMITTED);
	assert_string_equal(kf_rulebook_measure(rb, kf_timeline_period(t, 0, 2)->entered[0])->id,
			    "zone-isp-open");
	j = kf_timeline_text(t);
	assert_non_null(strstr(j, "place 'zone-a' exists from 2019-08-20"));
	kf_free(j);
	kf_timeline_free(t);
	kf_rulebook_free(rb);
}

static void test_refusals(void **state)
{
	kf_rulebook *rb = load(MINI);
	kf_timeline_query tq;
	kf_timeline *t = NULL;
	kf_diff *d = NULL;
	kf_diff_query dq;
	kf_error e;
	(void)state;
	memset(&tq, 0, sizeof tq);
	tq.service = "ipvnp";
	tq.places = "Hangzhou";
	assert_int_equal(kf_timeline_new(rb, &tq, &t, &e), KF_ERR_NOTFOUND);
	assert_null(t);
	assert_string_equal(e.field, "service");
	assert_non_null(strstr(e.message, "ip-vpn"));
	tq.service = "ip-vpn";
	tq.places = "Hangzou";
	assert_int_equal(kf_timeline_new(rb, &tq, &t, &e), KF_ERR_NOTFOUND);
	assert_string_equal(e.field, "regions");
	assert_non_null(strstr(e.message, "330100"));
	tq.places = "Hangzhou";
	tq.from = "2025-01-01";
	tq.to = "2024-01-01";
	assert_int_equal(kf_timeline_new(rb, &tq, &t, &e), KF_ERR_RANGE);
	assert_string_equal(e.code, "empty_range");
	tq.to = "2025-13-01";
	assert_int_equal(kf_timeline_new(rb, &tq, &t, &e), KF_ERR_PARSE);
	assert_string_equal(e.field, "to");
	assert_string_equal(e.code, "bad_date");
	tq.to = "";
	assert_int_equal(kf_timeline_new(rb, &tq, &t, &e), KF_ERR_NOTFOUND);
	assert_string_equal(e.code, "missing_field");
	tq.to = NULL;
	tq.places = "zone-a";
	tq.from = "2018-01-01";
	tq.to = "2019-01-01";
	assert_int_equal(kf_timeline_new(rb, &tq, &t, &e), KF_ERR_INVALID);
	assert_string_equal(e.code, "place_not_in_force");
	memset(&dq, 0, sizeof dq);
	dq.from = "2024-01-01";
	assert_int_equal(kf_diff_dates(rb, &dq, &d, &e), KF_ERR_NOTFOUND);
	assert_string_equal(e.field, "to");
	assert_null(d);
	kf_rulebook_free(rb);
}

static void test_diff_dates(void **state)
{
	kf_rulebook *rb = load(CN);
	kf_diff_query dq;
	kf_diff *d = NULL;
	kf_error e;
	char *j;
	(void)state;
	memset(&dq, 0, sizeof dq);
	dq.from = "2025-04-10";
	dq.to = "2025-04-11";
	dq.places = "330100";
	dq.services = "ip-vpn,idc";
	dq.outside_zones = "true";
	assert_int_equal(kf_diff_dates(rb, &dq, &d, &e), KF_OK);
	/* IP-VPN in Hangzhou opens at 50% with the Work Plan; IDC stays closed */
	assert_int_equal(kf_diff_n_cells(d), 1);
	j = kf_diff_json(d);
	assert_non_null(strstr(
	    j, "\"service\":\"B13\",\"change\":\"answer\",\"before\":{\"outcome\":\"closed\""));
	assert_non_null(strstr(j, "\"after\":{\"outcome\":\"permitted\",\"max_foreign_share\":50"));
	assert_non_null(strstr(j, "\"cap_changed\":true,\"entered\":[\"wp2025-ipvpn-cap\"]"));
	assert_non_null(strstr(j, "\"wp2025-ipvpn-cap\":{\"id\":\"wp2025-ipvpn-cap\""));
	kf_free(j);
	kf_diff_free(d);
	kf_rulebook_free(rb);
}

/* mini-b is mini with pilot-ipvpn-cap changed (cap <= 45, from 2025-05-01),
 * de-minimis removed and zone-b21-open added */
/* The text between `key` and the end of its JSON value (a balanced [...] or
 * {...}) in json, as a malloc'ed string; NULL when key is not there. */
static char *member(const char *json, const char *key, const char *after)
{
	const char *p = strstr(after ? strstr(json, after) : json, key), *q;
	int depth = 0;
	if (!p)
		return NULL;
	for (q = p + strlen(key); *q; q++) {
		if (*q == '[' || *q == '{')
			depth++;
		else if ((*q == ']' || *q == '}') && --depth == 0)
			break;
	}
	return strndup(p, (size_t)(q - p + 1));
}

/* A period's answer is the decision's: the same missing facts ([S-10]: the
 * investor group's share, investor conditions) and requirements, and a
 * period ends where they change (issue: timelines dropped every missing fact
 * that is not a zone) */
static void test_facts_are_the_decisions(void **state)
{
	kf_rulebook *rb = load("rulebooks/cn-services");
	static const struct {
		const char *svc, *place, *share, *day;
	} cases[] = {{"5611", "Beijing", "40", "2025-01-01"},
		     {"841", "Suzhou", NULL, "2025-06-01"}};
	size_t c;
	(void)state;
	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		kf_timeline_query tq;
		kf_timeline *t = NULL;
		kf_decision *d = NULL;
		kf_question q;
		kf_error e;
		char *tj, *dj, *want, *got, from[40], day[16];
		int k, at = -1;
		memset(&tq, 0, sizeof tq);
		tq.service = cases[c].svc;
		tq.places = cases[c].place;
		tq.foreign_share = cases[c].share;
		assert_int_equal(kf_timeline_new(rb, &tq, &t, &e), KF_OK);
		assert_int_equal(kf_question_parse(rb, cases[c].svc, cases[c].place, cases[c].day,
						   NULL, cases[c].share, 0, &q, &e),
				 KF_OK);
		for (k = 0; k < kf_timeline_n_periods(t, 0); k++) {
			const kf_period *p = kf_timeline_period(t, 0, k);
			if (p->from <= q.date && q.date < p->until)
				at = k;
		}
		assert_true(at >= 0);
		assert_int_equal(kf_decide(rb, &q, 0, &d, &e), KF_OK);
		dj = kf_decision_json(d);
		tj = kf_timeline_json(t);
		snprintf(from, sizeof from, "{\"from\":\"%s\"",
			 kf_date_format(kf_timeline_period(t, 0, at)->from, day, sizeof day));
		want = member(dj, "\"missing_facts\":", NULL);
		got = member(tj, "\"missing_facts\":", from);
		assert_non_null(want);
		assert_non_null(got);
		assert_string_equal(got, want);
		assert_non_null(
		    strstr(want, c == 0 ? "investor_group_share" : "advanced-hospital-management"));
		free(want);
		free(got);
		want = member(dj, "\"requirements\":", NULL);
		got = member(tj, "\"requirements\":", from);
		assert_non_null(want);
		assert_non_null(got);
		assert_string_equal(got, want);
		free(want);
		free(got);
		kf_free(dj);
		kf_free(tj);
		kf_decision_free(d);
		kf_timeline_free(t);
	}
	kf_rulebook_free(rb);
}

/* The lists: a place or service given twice is answered once, first-seen
 * order, with a notice; full-width dates read as decide reads them (NFKC) */
static void test_lists_and_dates(void **state)
{
	kf_rulebook *rb = load("rulebooks/cn-telecom");
	kf_timeline_query tq;
	kf_diff_query q;
	kf_timeline *t = NULL;
	kf_diff *d = NULL;
	kf_error e;
	char *j;
	(void)state;
	memset(&q, 0, sizeof q);
	q.from = "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x95\xef\xbc\x8d\xef\xbc\x90"
		 "\xef\xbc\x95\xef\xbc\x8d\xef\xbc\x90\xef\xbc\x91"; /* ２０２５－０５－０１ */
	q.to = "2026-01-01";
	q.places = "Shanghai,Beijing,Beijing,110000";
	q.services = "idc,idc,B11,cdn";
	assert_int_equal(kf_diff_dates(rb, &q, &d, &e), KF_OK);
	j = kf_diff_text(d);
	assert_non_null(strstr(j, "of 4 cells"));
	assert_non_null(strstr(j, "110000 x3; 4 places asked, 2 answered"));
	assert_non_null(strstr(j, "B11 x3; 4 services asked, 2 answered"));
	kf_free(j);
	j = kf_diff_json(d);
	assert_non_null(strstr(j, "\"from\":\"2025-05-01\""));
	assert_non_null(strstr(j, "\"places\":[\"310000\",\"110000\"]"));
	kf_free(j);
	kf_diff_free(d);
	memset(&tq, 0, sizeof tq);
	tq.service = "idc";
	tq.places = "Beijing,110000";
	tq.from = q.from;
	assert_int_equal(kf_timeline_new(rb, &tq, &t, &e), KF_OK);
	assert_int_equal(kf_timeline_n_places(t), 1);
	assert_int_equal(kf_timeline_period(t, 0, 0)->from, kf_timeline_question(t)->date);
	j = kf_timeline_text(t);
	assert_non_null(strstr(j, ": 1 period, 1 decision\n"));
	kf_free(j);
	kf_timeline_free(t);
	tq.from = "2025-13-01";
	assert_int_equal(kf_timeline_new(rb, &tq, &t, &e), KF_ERR_PARSE);
	assert_string_equal(e.field, "from");
	assert_string_equal(e.code, "bad_date");
	kf_rulebook_free(rb);
}

static void test_diff_editions(void **state)
{
	kf_rulebook *a = load(MINI), *b = load(MINI_B);
	kf_diff_query dq;
	kf_diff *d = NULL;
	kf_error e;
	char *j;
	(void)state;
	memset(&dq, 0, sizeof dq);
	dq.date = "2025-06-01";
	dq.places = "330100";
	dq.services = "ip-vpn,B21";
	assert_int_equal(kf_diff_editions(a, b, &dq, &d, &e), KF_OK);
	j = kf_diff_json(d);
	assert_non_null(strstr(j, "\"added\":[\"zone-b21-open\"],\"removed\":[\"de-minimis\"]"));
	assert_non_null(strstr(
	    j, "\"changed\":[{\"id\":\"pilot-ipvpn-cap\",\"fields\":\"effective_from,cap\"}]"));
	/* on 2025-06-01 IP-VPN in Hangzhou: below 50 (a), at most 45 (b) */
	assert_int_equal(kf_diff_n_cells(d), 1);
	assert_non_null(strstr(j, "\"a\":{\"outcome\":\"permitted\",\"max_foreign_share\":50"));
	assert_non_null(strstr(j, "\"b\":{\"outcome\":\"permitted\",\"max_foreign_share\":45"));
	kf_free(j);
	kf_diff_free(d);

	/* over 2025: from 2025-04-11 a is permitted (< 50) while b is still
	 * closed, from 2025-05-01 both are permitted with different caps */
	memset(&dq, 0, sizeof dq);
	dq.from = "2025-01-01";
	dq.to = "2026-01-01";
	dq.places = "330100";
	dq.services = "ip-vpn";
	assert_int_equal(kf_diff_editions(a, b, &dq, &d, &e), KF_OK);
	j = kf_diff_json(d);
	assert_non_null(strstr(j, "\"periods\":[{\"from\":\"2025-04-11\",\"until\":\"2025-05-01\","
				  "\"a\":{\"outcome\":\"permitted\""));
	assert_non_null(strstr(j, "\"b\":{\"outcome\":\"closed\""));
	assert_non_null(strstr(j, "{\"from\":\"2025-05-01\",\"until\":\"2026-01-01\""));
	kf_free(j);
	kf_diff_free(d);
	kf_rulebook_free(a);
	kf_rulebook_free(b);
}

/* 1 when two verdicts name the same binding measures, in order */
static int same_binding(const kf_verdict *a, const kf_verdict *b)
{
	return a->n_binding == b->n_binding &&
	       !memcmp(a->binding, b->binding, sizeof(int) * (size_t)a->n_binding);
}

/* The change kind of a date diff's cells, counted against two matrices of
 * the same places and services: a cell whose outcome, maximum share,
 * certainty or missing facts differ changed its answer; one where only the
 * binding measures differ changed its legal basis. changes=answer keeps the
 * first kind only, and counts both. */
static void test_diff_change_kinds(void **state)
{
	kf_rulebook *rb = load(CN);
	kf_matrix_query mq = {NULL, NULL, NULL, NULL, NULL};
	kf_matrix *m1 = NULL, *m2 = NULL;
	kf_diff_query dq;
	kf_diff *d = NULL;
	kf_error e;
	int i, j, n_answer = 0, n_basis = 0, found = 0;
	char *t;
	(void)state;
	mq.places = "pilot-20";
	mq.date = "2024-01-01";
	assert_int_equal(kf_matrix_new(rb, &mq, &m1, &e), KF_OK);
	mq.date = "2025-06-01";
	assert_int_equal(kf_matrix_new(rb, &mq, &m2, &e), KF_OK);
	for (i = 0; i < kf_matrix_n_places(m1); i++)
		for (j = 0; j < kf_matrix_n_services(m1); j++) {
			const kf_verdict *a = kf_matrix_cell(m1, i, j),
					 *b = kf_matrix_cell(m2, i, j);
			kf_share ca = 0, cb = 0;
			kf_max_share ka = kf_verdict_max_share(a, &ca),
				     kb = kf_verdict_max_share(b, &cb);
			if (a->outcome != b->outcome || ka != kb || ca != cb ||
			    a->cap_op != b->cap_op || a->uncertain != b->uncertain ||
			    a->n_missing != b->n_missing)
				n_answer++;
			else if (!same_binding(a, b))
				n_basis++;
		}
	/* both kinds occur over these dates (the 2024 negative list took over) */
	assert_true(n_answer > 0);
	assert_true(n_basis > 0);
	memset(&dq, 0, sizeof dq);
	dq.from = "2024-01-01";
	dq.to = "2025-06-01";
	dq.places = "pilot-20";
	assert_int_equal(kf_diff_dates(rb, &dq, &d, &e), KF_OK);
	assert_int_equal(kf_diff_n_changed(d, KF_CHANGE_ANSWER), n_answer);
	assert_int_equal(kf_diff_n_changed(d, KF_CHANGE_BASIS), n_basis);
	assert_int_equal(kf_diff_n_cells(d), n_answer + n_basis);
	for (i = 0; i < kf_diff_n_cells(d); i++)
		found += kf_diff_cell_change(d, i) == KF_CHANGE_BASIS;
	assert_int_equal(found, n_basis);
	t = kf_diff_text(d);
	{
		char line[128];
		snprintf(line, sizeof line,
			 "\n%d answers changed, %d cells changed only their legal basis\n",
			 n_answer, n_basis);
		assert_non_null(strstr(t, line));
	}
	/* IP-VPN in Beijing: 50% and uncertain on both days, the Work Plan's cap
	 * binding beside Beijing's own: the same answer on another basis */
	assert_non_null(strstr(t, "ip-vpn (B13) in Beijing 北京市 (110000) [only the legal basis "
				  "changed]\n  2024-01-01  permitted     max 50*     uncertain"));
	assert_non_null(strstr(t, "idc (B11) in Beijing 北京市 (110000) [answer changed]\n"));
	kf_free(t);
	t = kf_diff_json(d);
	assert_non_null(strstr(t, "\"changes\":\"all\""));
	assert_non_null(strstr(t,
			       "\"region\":\"110000\",\"name\":\"Beijing\",\"name_zh\":\"北京市\","
			       "\"service\":\"B13\",\"change\":\"basis\""));
	kf_free(t);
	kf_diff_free(d);

	dq.changes = "answer";
	assert_int_equal(kf_diff_dates(rb, &dq, &d, &e), KF_OK);
	assert_int_equal(kf_diff_n_cells(d), n_answer);
	assert_int_equal(kf_diff_n_changed(d, KF_CHANGE_BASIS), n_basis);
	for (i = 0; i < kf_diff_n_cells(d); i++)
		assert_int_equal(kf_diff_cell_change(d, i), KF_CHANGE_ANSWER);
	t = kf_diff_text_lang(d, KF_LANG_ZH);
	assert_non_null(strstr(t, "之间不同的答案"));
	assert_non_null(strstr(t, "[答案改变]"));
	assert_null(strstr(t, "[仅法律依据改变]"));
	kf_free(t);
	kf_diff_free(d);

	dq.changes = "answers";
	assert_int_equal(kf_diff_dates(rb, &dq, &d, &e), KF_ERR_PARSE);
	assert_string_equal(e.field, "changes");
	assert_string_equal(e.code, "bad_parameter");
	assert_null(d);
	kf_matrix_free(m1);
	kf_matrix_free(m2);
	kf_rulebook_free(rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_daily_pilot20),   cmocka_unit_test(test_mini_values),
	    cmocka_unit_test(test_refusals),        cmocka_unit_test(test_diff_dates),
	    cmocka_unit_test(test_diff_editions),   cmocka_unit_test(test_facts_are_the_decisions),
	    cmocka_unit_test(test_lists_and_dates), cmocka_unit_test(test_diff_change_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
