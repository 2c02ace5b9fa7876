/*
 * test_question.c — unit tests of reading questions (kaifang/question.h, issue
 * 8 "One door"): exact shares of any length (items 1, 8), the legal day and
 * an injected clock (item 7), Unicode input (item 11), Chinese service names
 * (item 12), places out of scope for questions built by index (item 2), the
 * JSON reader's exact numbers and errors naming their field, and suggestions
 * from the name index (item 16). Uses the mini rulebook and cn-telecom.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kaifang/kaifang.h"

static kf_rulebook *mini, *cn;

static int setup(void **state)
{
	kf_error e;
	(void)state;
	if (kf_rulebook_load("tests/data/rulebooks/mini", &mini, &e, NULL) != KF_OK ||
	    kf_rulebook_load("rulebooks/cn-telecom", &cn, &e, NULL) != KF_OK) {
		fprintf(stderr, "load: %s\n", e.message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kf_rulebook_free(mini);
	kf_rulebook_free(cn);
	return 0;
}

static kf_status ask(const kf_rulebook *rb, const char *svc, const char *reg, const char *date,
		     const char *share, const char *outside, kf_question *q, kf_error *e)
{
	kf_question_text t;
	memset(&t, 0, sizeof t);
	t.service = svc;
	t.region = reg;
	t.date = date;
	t.foreign_share = share;
	t.outside_zones = outside;
	return kf_question_read(rb, &t, q, e);
}

static kf_outcome outcome(const kf_rulebook *rb, const kf_question *q)
{
	kf_verdict v;
	kf_error e;
	assert_int_equal(kf_decide_verdict(rb, q, &v, &e), KF_OK);
	return v.outcome;
}

/* item 8: digits beyond the fixed point are exact: zeros change nothing, a
 * non-zero digit makes the share strictly above */
static void test_share_read(void **state)
{
	kf_share s;
	int above;
	kf_error e;
	(void)state;
	assert_int_equal(kf_share_read("50.000000000000000000", &s, &above, &e), KF_OK);
	assert_true(s == 50 * KF_SHARE_PERCENT && !above);
	assert_int_equal(kf_share_parse("50.000000000000000000", &s, &e), KF_OK);
	assert_int_equal(kf_share_read("50.0000000001", &s, &above, &e), KF_OK);
	assert_true(s == 50 * KF_SHARE_PERCENT && above);
	assert_int_equal(kf_share_read("49.9999999999999", &s, &above, &e), KF_OK);
	assert_true(s == 50 * KF_SHARE_PERCENT - 1 && above);
	assert_int_equal(kf_share_read("100.0000000001", &s, &above, &e), KF_ERR_RANGE);
	assert_string_equal(e.code, "share_out_of_range");
	assert_int_equal(kf_share_read("100.000000000000", &s, &above, &e), KF_OK);
	assert_int_equal(kf_share_read("5e1", &s, &above, &e), KF_ERR_PARSE);
	assert_string_equal(e.code, "bad_share");
	{
		char longer[80];
		memset(longer, '0', sizeof longer - 1);
		longer[sizeof longer - 1] = '\0';
		longer[2] = '.';
		assert_int_equal(kf_share_read(longer, &s, &above, &e), KF_ERR_RANGE);
		assert_non_null(strstr(e.message, "longer than 64"));
	}
	/* a cap cannot be held beyond the fixed point: kf_share_parse refuses */
	assert_int_equal(kf_share_parse("50.0000000001", &s, &e), KF_ERR_RANGE);
}

/* items 1, 8: a share just above x exceeds "<= x" and meets "< x + 1 unit";
 * against "< c" it exceeds exactly when x >= c */
static void test_share_above_against_caps(void **state)
{
	kf_question q;
	kf_error e;
	(void)state;
	/* vats-cap: B21 in CN, <= 50 */
	assert_int_equal(ask(mini, "B21", "310000", "2024-01-01", "50.0000000001", "true", &q, &e),
			 KF_OK);
	assert_true(q.share_above);
	assert_int_equal(outcome(mini, &q), KF_EXCEEDS_CAP);
	assert_int_equal(
	    ask(mini, "B21", "310000", "2024-01-01", "50.000000000000000000", "true", &q, &e),
	    KF_OK);
	assert_int_equal(outcome(mini, &q), KF_PERMITTED);
	assert_int_equal(
	    ask(mini, "B21", "310000", "2024-01-01", "49.9999999990000001", "true", &q, &e), KF_OK);
	assert_int_equal(outcome(mini, &q), KF_PERMITTED);
	/* pilot-ipvpn-cap: ip-vpn in 330100, < 50, from 2025-04-11 */
	assert_int_equal(ask(mini, "ip-vpn", "330100", "2025-05-01", "49.9999999999", NULL, &q, &e),
			 KF_OK);
	assert_int_equal(outcome(mini, &q), KF_PERMITTED);
	assert_int_equal(ask(mini, "ip-vpn", "330100", "2025-05-01", "50.0000000001", NULL, &q, &e),
			 KF_OK);
	assert_int_equal(outcome(mini, &q), KF_EXCEEDS_CAP);
	/* [S-7] just above 0 is foreign investment */
	assert_int_equal(ask(mini, "B21", "310000", "2024-01-01", "0.0000000001", "true", &q, &e),
			 KF_OK);
	assert_true(q.has_share && q.share == 0 && q.share_above);
}

/* item 7: the legal day is China's; the clock can be set for tests */
static void test_legal_day(void **state)
{
	int64_t t;
	kf_error e;
	kf_question q;
	char b[16];
	(void)state;
	assert_int_equal(kf_instant_parse("2025-04-10T23:30:00Z", &t, &e), KF_OK);
	kf_clock_set(t);
	assert_string_equal(kf_date_format(kf_date_today_china(), b, sizeof b), "2025-04-11");
	assert_int_equal(ask(cn, "ip-vpn", "Xi'an", NULL, "50", NULL, &q, &e), KF_OK);
	assert_string_equal(kf_date_format(q.date, b, sizeof b), "2025-04-11");
	assert_int_equal(outcome(cn, &q), KF_PERMITTED); /* not closed */
	assert_int_equal(kf_instant_parse("2025-04-11T07:59:59+08:00", &t, &e), KF_OK);
	kf_clock_set(t);
	assert_string_equal(kf_date_format(kf_date_today_china(), b, sizeof b), "2025-04-11");
	assert_int_equal(kf_instant_parse("2025-04-10T15:59:59Z", &t, &e), KF_OK);
	kf_clock_set(t);
	assert_string_equal(kf_date_format(kf_date_today_china(), b, sizeof b), "2025-04-10");
	kf_clock_set(0);
	assert_int_equal(kf_instant_parse("2025-04-10 23:30", &t, &e), KF_ERR_PARSE);
	assert_string_equal(e.code, "bad_date");
}

/* item 11: NFKC for codes, numbers and dates; NFC and case folding for names */
static void test_unicode(void **state)
{
	kf_question q;
	kf_error e;
	int urumqi = kf_rulebook_find_region(cn, "650100", NULL, NULL);
	(void)state;
	assert_int_equal(
	    ask(cn, "idc", "６１０１００", "２０２５－０６－０１", "５０％", NULL, &q, &e), KF_OK);
	assert_int_equal(q.region, kf_rulebook_find_region(cn, "610100", NULL, NULL));
	assert_true(q.share == 50 * KF_SHARE_PERCENT);
	assert_int_equal(ask(cn, "idc", "\u3000Beijing\u3000", "\u30002025-06-01\u3000",
			     "\u300050\u3000", NULL, &q, &e),
			 KF_OK);
	assert_int_equal(kf_rulebook_find_region(cn, "U\xcc\x88ru\xcc\x88mqi", NULL, NULL), urumqi);
	assert_int_equal(kf_rulebook_find_region(cn, "ürümqi", NULL, NULL), urumqi);
	assert_int_equal(kf_rulebook_find_region(cn, "ÜRÜMQI", NULL, NULL), urumqi);
	assert_int_equal(kf_rulebook_find_region(cn, "Ｂｅｉｊｉｎｇ", NULL, NULL),
			 kf_rulebook_find_region(cn, "110000", NULL, NULL));
	assert_int_equal(kf_rulebook_find_region(cn, "\xff\xfe", "region", &e), -1);
	assert_string_equal(e.code, "bad_utf8");
}

/* item 12: every service by code, id, English name, Chinese name, alias */
static void test_service_names(void **state)
{
	int i, b11 = kf_rulebook_find_service(cn, "B11", NULL, NULL);
	(void)state;
	assert_true(b11 >= 0);
	assert_int_equal(kf_rulebook_find_service(cn, "互联网数据中心业务", NULL, NULL), b11);
	assert_int_equal(kf_rulebook_find_service(cn, "idc", NULL, NULL), b11);
	assert_int_equal(kf_rulebook_find_service(cn, "Internet data centre services", NULL, NULL),
			 b11);
	assert_int_equal(kf_rulebook_find_service(cn, "国内互联网虚拟专用网业务", NULL, NULL),
			 kf_rulebook_find_service(cn, "ip-vpn", NULL, NULL));
	for (i = 0; i < kf_rulebook_n_services(cn); i++) {
		const kf_service_info *s = kf_rulebook_service(cn, i);
		int j;
		assert_int_equal(kf_rulebook_find_service(cn, s->id, NULL, NULL), i);
		for (j = 0; j < s->n_aliases; j++)
			assert_int_equal(kf_rulebook_find_service(cn, s->aliases[j], NULL, NULL),
					 i);
		if (*s->name.zh) /* a display name shared by two services finds the first */
			assert_true(kf_rulebook_find_service(cn, s->name.zh, NULL, NULL) >= 0);
	}
}

/* item 2: a question built by index is refused out of scope, as decide does */
static void test_scope_by_index(void **state)
{
	kf_question q;
	kf_verdict v;
	kf_error e;
	(void)state;
	assert_int_equal(ask(cn, "idc", "Beijing", "2025-06-01", NULL, NULL, &q, &e), KF_OK);
	q.region = kf_rulebook_find_region(cn, "810000", NULL, NULL);
	assert_int_equal(kf_question_check(cn, &q, &e), KF_ERR_INVALID);
	assert_string_equal(e.code, "out_of_scope");
	assert_string_equal(e.field, "region");
	assert_int_equal(kf_decide_verdict(cn, &q, &v, &e), KF_ERR_INVALID);
	assert_int_equal(ask(cn, "idc", "Hong Kong", "2025-06-01", "100", NULL, &q, &e),
			 KF_ERR_INVALID);
	assert_non_null(strstr(e.message, "outside the rulebook's scope"));
}

static void expect_code(kf_status got, kf_status st, const kf_error *e, const char *code,
			const char *field)
{
	if (got != st || strcmp(e->code, code) || strcmp(e->field, field))
		fprintf(stderr, "got %d %s %s: %s\n", got, e->code, e->field, e->message);
	assert_int_equal(got, st);
	assert_string_equal(e->code, code);
	assert_string_equal(e->field, field);
}

static kf_status js(const char *text, int allow_other, kf_question *q, kf_error *e)
{
	return kf_question_from_json(mini, text, strlen(text), allow_other, q, e);
}

/* item 1: JSON numbers exact from their digits; errors name their field */
static void test_json(void **state)
{
	kf_question q;
	kf_error e;
	(void)state;
	assert_int_equal(js("{\"service\":\"B21\",\"region\":\"310000\",\"date\":\"2024-01-01\","
			    "\"outside_zones\":true,\"foreign_share\":50.000000000000001}",
			    0, &q, &e),
			 KF_OK);
	assert_true(q.share == 50 * KF_SHARE_PERCENT && q.share_above && q.outside_zones);
	assert_int_equal(outcome(mini, &q), KF_EXCEEDS_CAP);
	/* the number's place in the document does not matter: other members
	 * (allow_other, as batch records have) hold numbers before and after */
	assert_int_equal(js("{\"z\":[1,2.5,{\"y\":-3e2}],\"service\":\"B21\",\"n\":7,"
			    "\"region\":\"310000\",\"date\":\"2024-01-01\",\"foreign_share\":"
			    "49.5,\"a\":[0,1e400]}",
			    1, &q, &e),
			 KF_OK);
	assert_true(q.share == 49 * KF_SHARE_PERCENT + KF_SHARE_PERCENT / 2 && !q.share_above);
	expect_code(
	    js("{\"service\":\"B21\",\"region\":\"310000\",\"foreign_share\":1e400}", 0, &q, &e),
	    KF_ERR_PARSE, &e, "bad_share", "foreign_share");
	expect_code(
	    js("{\"service\":\"B21\",\"region\":\"310000\",\"foreign_share\":5e1}", 0, &q, &e),
	    KF_ERR_PARSE, &e, "bad_share", "foreign_share");
	expect_code(js("{\"service\":\"B21\",\"region\":\"310000\",\"foreign_share\":"
		       "99999999999999999999}",
		       0, &q, &e),
		    KF_ERR_RANGE, &e, "share_out_of_range", "foreign_share");
	expect_code(
	    js("{\"service\":\"B21\",\"service\":\"B13\",\"region\":\"310000\"}", 0, &q, &e),
	    KF_ERR_PARSE, &e, "duplicate_field", "service");
	expect_code(js("{\"service\":\"B21\",\"region\":310000}", 0, &q, &e), KF_ERR_PARSE, &e,
		    "invalid_type", "region");
	expect_code(js("{\"service\":\"B21\",\"region\":\"310000\",\"x\":1}", 0, &q, &e),
		    KF_ERR_PARSE, &e, "unknown_field", "x");
	expect_code(js("{\"region\":\"310000\"}", 0, &q, &e), KF_ERR_NOTFOUND, &e, "missing_field",
		    "service");
	expect_code(js("{\"service\":\"B21\",\"region\":\"310000\",\"outside_zones\":\"maybe\"}", 0,
		       &q, &e),
		    KF_ERR_PARSE, &e, "bad_truth_value", "outside_zones");
	expect_code(js("[1,2", 0, &q, &e), KF_ERR_PARSE, &e, "bad_json", "");
	/* positions are those of the text sent, numbers rewritten or not */
	expect_code(js("{\"a\": 123456789, \"b\": tru}", 1, &q, &e), KF_ERR_PARSE, &e, "bad_json",
		    "");
	assert_non_null(strstr(e.message, "at byte 25 (line 1, column 26)"));
	expect_code(js("{\"service\":\"B21\",\"region\":\"310000\",\"date\":null,\"investor\":null,"
		       "\"foreign_share\":null,\"outside_zones\":null}",
		       0, &q, &e),
		    KF_OK, &e, "", "");
}

static void test_json_array(void **state)
{
	const char *body = "[{\"service\":\"B21\",\"region\":\"310000\",\"foreign_share\":50.1},"
			   "{\"service\":\"ipvnp\",\"region\":\"310000\"},7]";
	kf_question *qs;
	kf_error *errs, e;
	size_t n;
	int array;
	(void)state;
	assert_int_equal(
	    kf_questions_from_json(mini, body, strlen(body), 10, &qs, &errs, &n, &array, &e),
	    KF_OK);
	assert_true(array && n == 3);
	assert_int_equal(errs[0].status, KF_OK);
	assert_true(qs[0].share == 50 * KF_SHARE_PERCENT + KF_SHARE_PERCENT / 10);
	assert_string_equal(errs[1].code, "unknown_service");
	assert_string_equal(errs[2].code, "invalid_type");
	kf_free(qs);
	kf_free(errs);
	assert_int_equal(
	    kf_questions_from_json(mini, body, strlen(body), 2, &qs, &errs, &n, &array, &e),
	    KF_ERR_RANGE);
	assert_string_equal(e.code, "too_many_items");
	assert_null(qs);
}

/* item 16: suggestions from the index; bounded for any name */
static void test_suggestions(void **state)
{
	kf_error e;
	char *huge = malloc(100001);
	(void)state;
	assert_int_equal(kf_rulebook_find_region(cn, "Shanghia", "region", &e), -1);
	assert_string_equal(e.code, "unknown_region");
	assert_non_null(strstr(e.message, "310000 (Shanghai)"));
	assert_int_equal(kf_rulebook_find_service(cn, "ipvnp", "service", &e), -1);
	assert_non_null(strstr(e.message, "B13 (ip-vpn)"));
	assert_int_equal(kf_rulebook_find_region(cn, "Hangzou", "region", &e), -1);
	assert_non_null(strstr(e.message, "330100 (Hangzhou)"));
	assert_int_equal(kf_rulebook_find_region(cn, "乌鲁木", "region", &e), -1);
	assert_non_null(strstr(e.message, "650100"));
	assert_non_null(huge);
	memset(huge, 'a', 100000);
	huge[100000] = '\0';
	assert_int_equal(kf_rulebook_find_region(cn, huge, "region", &e), -1);
	assert_int_equal(e.status, KF_ERR_NOTFOUND);
	free(huge);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_share_read),    cmocka_unit_test(test_share_above_against_caps),
	    cmocka_unit_test(test_legal_day),     cmocka_unit_test(test_unicode),
	    cmocka_unit_test(test_service_names), cmocka_unit_test(test_scope_by_index),
	    cmocka_unit_test(test_json),          cmocka_unit_test(test_json_array),
	    cmocka_unit_test(test_suggestions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
