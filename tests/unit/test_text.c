/*
 * test_text.c — unit tests of the views for people in each language and of
 * the memo (kaifang/text.h, issue 12): the names of languages and formats,
 * the Chinese text around the rulebook's Chinese names, the memo's asked-at
 * instant from the library's clock, its escaping and its replay command, and
 * the memo under injected allocation failures (NULL, never a crash).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kaifang/kaifang.h"

void kf__alloc_fail_after(long n); /* util/alloc.h: fail the nth allocation */
int kf__say_table_check(void);     /* view/lang.h: -1 when every row is in place */

#define MINI "tests/data/rulebooks/mini"

static kf_decision *decide(kf_rulebook **rb, const char *share)
{
	kf_question_text t;
	kf_question q;
	kf_decision *d = NULL;
	kf_error e;
	assert_int_equal(kf_rulebook_load(MINI, rb, &e, NULL), KF_OK);
	memset(&t, 0, sizeof t);
	t.service = "ip-vpn";
	t.region = "Hangzhou";
	t.date = "2025-05-01";
	t.foreign_share = share;
	assert_int_equal(kf_question_read(*rb, &t, &q, &e), KF_OK);
	assert_int_equal(kf_decide(*rb, &q, KF_DECIDE_ALTERNATIVES | KF_DECIDE_TRACE, &d, &e),
			 KF_OK);
	return d;
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(kf_lang_from_name(NULL), KF_LANG_EN);
	assert_int_equal(kf_lang_from_name("ZH"), KF_LANG_ZH);
	assert_int_equal(kf_lang_from_name("中文"), KF_LANG_ZH);
	assert_int_equal(kf_lang_from_name("fr"), -1);
	assert_string_equal(kf_lang_name(KF_LANG_ZH), "zh");
	assert_int_equal(kf_memo_format_from_name("markdown"), KF_MEMO_MD);
	assert_int_equal(kf_memo_format_from_name("pdf"), -1);
	assert_string_equal(kf_outcome_label(KF_PERMITTED, KF_LANG_ZH), "允许");
	assert_string_equal(kf_outcome_label(KF_CLOSED, KF_LANG_ZH), "未对外资开放");
	assert_string_equal(kf_outcome_label(KF_EXCEEDS_CAP, KF_LANG_EN), "exceeds the cap");
	assert_string_equal(kf_certainty_label(1, KF_LANG_ZH), "不确定");
}

/* [S-10] the sentences of requirements and of the answer in words, in
 * Chinese, and their English the engine's (tests/data/rulebooks/beyond:
 * jv-only and floor-30 bind hosp in 330100 on 2022-01-01; case 1 of its
 * golden cases) */
static void test_zh_requirements(void **state)
{
	kf_rulebook *rb;
	kf_question_text t;
	kf_question q;
	kf_decision *d = NULL;
	kf_error e;
	char *zh, *en;
	(void)state;
	assert_int_equal(kf__say_table_check(), -1);
	assert_int_equal(kf_rulebook_load("tests/data/rulebooks/beyond", &rb, &e, NULL), KF_OK);
	memset(&t, 0, sizeof t);
	t.service = "hosp";
	t.region = "330100";
	t.date = "2022-01-01";
	t.foreign_share = "70";
	assert_int_equal(kf_question_read(rb, &t, &q, &e), KF_OK);
	assert_int_equal(kf_decide(rb, &q, 0, &d, &e), KF_OK);
	zh = kf_decision_text_lang(d, KF_LANG_ZH);
	en = kf_decision_text_lang(d, KF_LANG_EN);
	assert_non_null(zh);
	assert_non_null(en);
	assert_non_null(strstr(en,
			       "\nIn words: permitted as a joint venture with a Chinese share of "
			       "at least 30% (a foreign share of at most 70%); if the investor "
			       "meets: sector-experience\n"));
	assert_non_null(
	    strstr(en, "\nConditions:\n  - required [form] permitted as a joint venture"));
	assert_non_null(strstr(zh,
			       "\n概括：允许，以合资形式，须中方持股比例不低于 30%（外资比例不超过 "
			       "70%）；前提是投资者满足：sector-experience\n"));
	assert_non_null(strstr(
	    zh, "\n条件：\n  - 必须【组织形式】允许以合资形式（外资比例低于 100%）（jv-only）\n"));
	assert_non_null(
	    strstr(zh, "【中方持股下限】须中方持股比例不低于 30%（外资比例不超过 70%）"));
	assert_non_null(strstr(zh, "；仅在满足时答案成立"));
	assert_null(strstr(zh, "In words"));
	assert_null(strstr(zh, "Requirements"));
	kf_free(zh);
	kf_free(en);
	kf_decision_free(d);
	kf_rulebook_free(rb);
}

static void test_zh_text(void **state)
{
	kf_rulebook *rb;
	kf_decision *d = decide(&rb, "50");
	char *zh = kf_decision_text_lang(d, KF_LANG_ZH), *en = kf_decision_text_lang(d, KF_LANG_EN);
	char *old = kf_decision_text(d);
	(void)state;
	assert_non_null(zh);
	/* 50% against "below 50%" exceeds the cap (mini rulebook pilot-ipvpn-cap) */
	assert_memory_equal(zh, "不允许：超过外资比例上限\n", strlen("不允许：超过外资比例上限\n"));
	assert_non_null(strstr(zh, "B13 国内互联网虚拟专用网业务"));
	assert_non_null(strstr(zh, "杭州市"));
	assert_non_null(strstr(zh, "外资比例上限：低于 50%"));
	assert_non_null(strstr(zh, "外资比例低于 50% 时允许"));
	assert_null(strstr(zh, "Maximum foreign share"));
	assert_string_equal(en, old); /* English is the text it always was */
	assert_non_null(strstr(en, "EXCEEDS CAP"));
	kf_free(zh);
	kf_free(en);
	kf_free(old);
	kf_decision_free(d);
	kf_rulebook_free(rb);
}

static void test_memo(void **state)
{
	kf_rulebook *rb;
	kf_decision *d = decide(&rb, "49.5");
	char *html, *md, *md2;
	(void)state;
	kf_clock_set(1748741400); /* 2025-06-01T01:30:00Z, 09:30 in Beijing */
	html = kf_decision_memo(d, KF_MEMO_HTML, KF_LANG_EN, 0);
	md = kf_decision_memo(d, KF_MEMO_MD, KF_LANG_ZH, 0);
	md2 = kf_decision_memo(d, KF_MEMO_MD, KF_LANG_ZH, 1748741400);
	assert_non_null(html);
	assert_non_null(md);
	assert_string_equal(md, md2); /* 0 is now by the library's clock */
	assert_non_null(strstr(html, "Asked on 2025-06-01 09:30:00 (China Standard Time, UTC+8)"));
	assert_non_null(
	    strstr(html, "<a href=\"https://example.org/b\">https://example.org/b</a>"));
	assert_non_null(strstr(html, "@media print"));
	assert_null(strstr(html, "<script"));
	assert_non_null(strstr(html, kf_rulebook_sha256(rb)));
	assert_non_null(strstr(html, "--service B13 --region 330100 --date 2025-05-01 --investor "
				     "foreign --foreign-share 49.5"));
	assert_non_null(strstr(md, "查询时间：2025-06-01 09:30:00（北京时间，UTC+8）"));
	assert_non_null(strstr(md, "<https://example.org/b>"));
	assert_non_null(strstr(md, "| **地点** | 杭州市 Hangzhou (330100) |"));
	assert_null(kf_decision_memo(d, (kf_memo_format)7, KF_LANG_EN, 0));
	kf_clock_set(0);
	kf_free(html);
	kf_free(md);
	kf_free(md2);
	kf_decision_free(d);
	kf_rulebook_free(rb);
}

static void test_memo_nomem(void **state)
{
	kf_rulebook *rb;
	kf_decision *d = decide(&rb, "49.5");
	long n;
	int ok = 0;
	(void)state;
	for (n = 0; n < 400 && !ok; n++) {
		char *m;
		kf__alloc_fail_after(n);
		m = kf_decision_memo(d, KF_MEMO_HTML, KF_LANG_ZH, 1);
		kf__alloc_fail_after(-1);
		ok = m != NULL;
		kf_free(m);
	}
	assert_true(ok); /* it succeeds once there is memory, and never crashes before */
	kf_decision_free(d);
	kf_rulebook_free(rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),           cmocka_unit_test(test_zh_text),
	    cmocka_unit_test(test_zh_requirements), cmocka_unit_test(test_memo),
	    cmocka_unit_test(test_memo_nomem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
