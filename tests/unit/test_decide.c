/*
 * test_decide.c — unit tests of shares, dates, rulebook loading and the
 * decision semantics (docs/rulebook.md "Deciding"; clause tags [S-n] are those
 * of src/decide.c). Uses tests/data/rulebooks/mini, whose measures are:
 *   vats-cap        B except e-commerce, CN, <= 50, from 2020-01-01
 *   news-prohibited internet-news, CN, prohibited
 *   b1-closed       B13, B14, CN, closed
 *   zone-isp-open   isp-end-user in zone-a (straddles 310115 and 310120), from
 *                   2021-01-01, overrides b1-closed and vats-cap
 *   pilot-ipvpn-cap ip-vpn in group "pilot" (330100), < 50, announced,
 *                   uncertain, from 2025-04-11, overrides b1-closed
 *   cepa-ipvpn      ip-vpn for hk-cepa, <= 49.5, [2008-01-01, 2030-01-01)
 *   de-minimis      condition below 1%
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kaifang/kaifang.h"

#define MINI "tests/data/rulebooks/mini"

static kf_rulebook *rb;

static int setup(void **state)
{
	kf_error e;
	(void)state;
	if (kf_rulebook_load(MINI, &rb, &e, NULL) != KF_OK) {
		fprintf(stderr, "load: %s\n", e.message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kf_rulebook_free(rb);
	return 0;
}

static kf_verdict ask(const char *svc, const char *reg, const char *date, const char *inv,
		      const char *share, int outside)
{
	kf_question q;
	kf_verdict v;
	kf_error e;
	kf_status st = kf_question_parse(rb, svc, reg, date, inv, share, outside, &q, &e);
	if (st != KF_OK)
		fprintf(stderr, "question: %s\n", e.message);
	assert_int_equal(st, KF_OK);
	assert_int_equal(kf_decide_verdict(rb, &q, &v, &e), KF_OK);
	return v;
}

static int bound(const kf_verdict *v, const char *id)
{
	int i, m = kf_rulebook_find_measure(rb, id, NULL, NULL);
	for (i = 0; i < v->n_binding; i++)
		if (v->binding[i] == m)
			return 1;
	return 0;
}

/* DESIGN.md "Shares are exact" */
static void test_share_parse(void **state)
{
	kf_share s;
	kf_error e;
	char buf[40];
	(void)state;
	assert_int_equal(kf_share_parse("50", &s, &e), KF_OK);
	assert_true(s == 50 * KF_SHARE_PERCENT);
	assert_int_equal(kf_share_parse("49.999999999", &s, &e), KF_OK);
	assert_true(s == 50 * KF_SHARE_PERCENT - 1);
	assert_int_equal(kf_share_parse(" 0.5% ", &s, &e), KF_OK);
	assert_true(s == KF_SHARE_PERCENT / 2);
	assert_string_equal(kf_share_format(s, buf, sizeof buf), "0.5");
	assert_int_equal(kf_share_parse("100", &s, &e), KF_OK);
	assert_int_equal(kf_share_parse("100.000000001", &s, &e), KF_ERR_RANGE);
	assert_int_equal(kf_share_parse("-1", &s, &e), KF_ERR_RANGE);
	assert_int_equal(kf_share_parse("1e2", &s, &e), KF_ERR_PARSE);
	assert_int_equal(kf_share_parse("", &s, &e), KF_ERR_PARSE);
	assert_int_equal(kf_share_parse(".", &s, &e), KF_ERR_PARSE);
	assert_int_equal(kf_share_parse("50.0000000001", &s, &e), KF_ERR_RANGE);
	assert_non_null(strstr(e.message, "decimal places"));
	/* found by fuzz_question under UBSan: the whole part overflowed int64 */
	assert_int_equal(kf_share_parse_unbounded("10000000001", &s, &e), KF_ERR_RANGE);
	assert_int_equal(kf_share_parse("99999999999999999999", &s, &e), KF_ERR_RANGE);
	/* 0.3 x 0.5 summed the float way gives 0.5000000000000001; fixed point does not */
	assert_int_equal(kf_share_parse("0.000000001", &s, &e), KF_OK);
	assert_string_equal(kf_share_format(s, buf, sizeof buf), "0.000000001");
	assert_string_equal(kf_share_format(33 * KF_SHARE_PERCENT + 333333333, buf, sizeof buf),
			    "33.333333333");
}

static void test_dates(void **state)
{
	kf_date d, d2;
	kf_error e;
	char buf[16];
	(void)state;
	assert_int_equal(kf_date_parse("1970-01-01", &d, &e), KF_OK);
	assert_int_equal(d, 0);
	assert_int_equal(kf_date_parse("2024-02-29", &d, &e), KF_OK);
	assert_int_equal(kf_date_parse("2024-03-01", &d2, &e), KF_OK);
	assert_int_equal(d2 - d, 1);
	assert_string_equal(kf_date_format(d, buf, sizeof buf), "2024-02-29");
	assert_int_equal(kf_date_parse("2023-02-29", &d, &e), KF_ERR_PARSE);
	assert_int_equal(kf_date_parse("2024-1-01", &d, &e), KF_ERR_PARSE);
	assert_int_equal(kf_date_parse("2024/01/01", &d, &e), KF_ERR_PARSE);
	assert_int_equal(kf_date_parse("2025-04-11", &d, &e), KF_OK);
	assert_string_equal(kf_date_format(d, buf, sizeof buf), "2025-04-11");
}

static void test_lookup(void **state)
{
	kf_error e;
	(void)state;
	assert_int_equal(kf_rulebook_find_service(rb, "ip-vpn", NULL, &e),
			 kf_rulebook_find_service(rb, "B13", NULL, &e));
	assert_int_equal(kf_rulebook_find_service(rb, "IP VPN", NULL, &e),
			 kf_rulebook_find_service(rb, "b13", NULL, &e));
	assert_int_equal(kf_rulebook_find_region(rb, "上海市", NULL, &e),
			 kf_rulebook_find_region(rb, "310000", NULL, &e));
	assert_int_equal(kf_rulebook_find_region(rb, "shanghai", NULL, &e),
			 kf_rulebook_find_region(rb, "310000", NULL, &e));
	assert_int_equal(kf_rulebook_find_region(rb, "Shanghia", "region", &e), -1);
	assert_int_equal(e.status, KF_ERR_NOTFOUND);
	assert_string_equal(e.field, "region");
	assert_non_null(strstr(e.message, "nearest known: 310000 (Shanghai)"));
	assert_int_equal(kf_rulebook_find_service(rb, "ipvnp", NULL, &e), -1);
	assert_non_null(strstr(e.message, "B13 (ip-vpn)"));
}

/* [S-1] subtree and exclusion; [S-3] tightest cap; [S-4] boundary */
static void test_cap_boundary(void **state)
{
	kf_verdict v;
	(void)state;
	v = ask("B21", "310000", "2024-01-01", NULL, "50", 1);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_true(v.has_cap && v.cap == 50 * KF_SHARE_PERCENT && v.cap_op == KF_CAP_LE);
	assert_true(bound(&v, "vats-cap"));
	v = ask("B21", "310000", "2024-01-01", NULL, "50.000000001", 1);
	assert_int_equal(v.outcome, KF_EXCEEDS_CAP);
	v = ask("e-commerce", "310000", "2024-01-01", NULL, "100", 1);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_false(v.has_cap);
	assert_int_equal(v.n_binding, 0);
	/* before the cap exists: nothing binds */
	v = ask("B21", "310000", "2019-12-31", NULL, "100", 1);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_false(v.has_cap);
	v = ask("B21", "310000", "2020-01-01", NULL, "100", 1);
	assert_int_equal(v.outcome, KF_EXCEEDS_CAP);
}

/* [S-3] prohibited beats caps; closed */
/* [S-4] a share known only as a range (look-through with undisclosed holders) */
static void test_share_range(void **state)
{
	kf_question q;
	kf_verdict v;
	kf_error e;
	(void)state;
	assert_int_equal(
	    kf_question_parse(rb, "B21", "310000", "2024-01-01", NULL, "25", 1, &q, &e), KF_OK);
	q.share_max = 50 * KF_SHARE_PERCENT; /* [25, 50] meets "<= 50" exactly */
	assert_int_equal(kf_decide_verdict(rb, &q, &v, &e), KF_OK);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_false(v.share_undecided);
	q.share = 40 * KF_SHARE_PERCENT;
	q.share_max = 60 * KF_SHARE_PERCENT; /* straddles */
	assert_int_equal(kf_decide_verdict(rb, &q, &v, &e), KF_OK);
	assert_int_equal(v.outcome, KF_INDETERMINATE);
	assert_true(v.share_undecided);
	assert_true(v.has_cap && v.cap == 50 * KF_SHARE_PERCENT);
	q.share = 50 * KF_SHARE_PERCENT + 1; /* wholly above */
	assert_int_equal(kf_decide_verdict(rb, &q, &v, &e), KF_OK);
	assert_int_equal(v.outcome, KF_EXCEEDS_CAP);
	q.share_max = 0; /* no range: one value */
	assert_int_equal(kf_decide_verdict(rb, &q, &v, &e), KF_OK);
	assert_int_equal(v.outcome, KF_EXCEEDS_CAP);
}

/* A verdict from the cache is whole: the per-investor-group cap fields
 * ([S-10]) of the caller's verdict are set on a hit too, whatever the caller's
 * memory held (found by the batch_csv fuzz replay: a cache hit left them as the
 * stack had them and turned "permitted" into "indeterminate"). */
static void test_cache_hit_whole(void **state)
{
	kf_question q;
	kf_verdict v;
	kf_error e;
	int i;
	(void)state;
	assert_int_equal(
	    kf_question_parse(rb, "B21", "310000", "2024-01-01", NULL, "25", 1, &q, &e), KF_OK);
	for (i = 0; i < 3; i++) { /* a miss, then hits */
		memset(&v, 0xA5, sizeof v);
		assert_int_equal(kf_decide_verdict(rb, &q, &v, &e), KF_OK);
		assert_int_equal(v.outcome, KF_PERMITTED);
		assert_false(v.has_group_cap);
		assert_false(v.group_undecided);
		assert_false(v.share_undecided);
	}
}

static void test_prohibited_closed(void **state)
{
	kf_verdict v;
	(void)state;
	v = ask("internet-news", "330100", "2024-01-01", NULL, NULL, 0);
	assert_int_equal(v.outcome, KF_PROHIBITED);
	assert_false(v.has_cap);
	assert_int_equal(v.n_binding, 1);
	assert_true(bound(&v, "news-prohibited"));
	v = ask("B14", "330100", "2024-01-01", NULL, "10", 0);
	assert_int_equal(v.outcome, KF_CLOSED);
	assert_true(bound(&v, "b1-closed"));
}

/* [S-2] overrides, [S-5] zone scenarios and outside_zones */
static void test_zone_indeterminate(void **state)
{
	kf_verdict v;
	(void)state;
	v = ask("isp-end-user", "310000", "2022-01-01", NULL, "100", 0);
	assert_int_equal(v.outcome, KF_INDETERMINATE);
	assert_int_equal(v.n_missing, 1);
	assert_string_equal(kf_rulebook_region(rb, v.missing[0])->id, "zone-a");
	/* a district the zone straddles is also indeterminate */
	v = ask("isp-end-user", "310120", "2022-01-01", NULL, "100", 0);
	assert_int_equal(v.outcome, KF_INDETERMINATE);
	v = ask("isp-end-user", "310000", "2022-01-01", NULL, "100", 1);
	assert_int_equal(v.outcome, KF_CLOSED);
	v = ask("isp-end-user", "zone-a", "2022-01-01", NULL, "100", 0);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_false(v.has_cap);
	assert_int_equal(v.n_binding, 0);
	/* the zone did not exist yet in 2019: no scenario, plain closed */
	v = ask("isp-end-user", "310000", "2020-06-01", NULL, "100", 0);
	assert_int_equal(v.outcome, KF_CLOSED);
	/* the parent service B14 is not opened by the zone */
	v = ask("B14", "zone-a", "2022-01-01", NULL, NULL, 0);
	assert_int_equal(v.outcome, KF_CLOSED);
}

/* "<" caps, announced measures, investor classes */
static void test_lt_cap_and_investors(void **state)
{
	kf_verdict v;
	(void)state;
	v = ask("ip-vpn", "330100", "2025-04-10", NULL, NULL, 0);
	assert_int_equal(v.outcome, KF_CLOSED);
	v = ask("ip-vpn", "330100", "2025-04-11", NULL, "49.999999999", 0);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_true(v.uncertain);
	assert_true(v.cap_op == KF_CAP_LT);
	v = ask("ip-vpn", "330100", "2025-04-11", NULL, "50", 0);
	assert_int_equal(v.outcome, KF_EXCEEDS_CAP);
	/* CEPA: hk-cepa only, not plain hk */
	v = ask("ip-vpn", "310000", "2024-01-01", "hk-cepa", "49.5", 1);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_true(bound(&v, "cepa-ipvpn"));
	assert_false(v.uncertain);
	v = ask("ip-vpn", "310000", "2024-01-01", "hk", "10", 1);
	assert_int_equal(v.outcome, KF_CLOSED);
	/* CEPA validity ends 2030-01-01 */
	v = ask("ip-vpn", "310000", "2030-01-01", "hk-cepa", "10", 1);
	assert_int_equal(v.outcome, KF_CLOSED);
	/* [S-3] only the tightest cap binds: "< 50" beats "<= 50" */
	v = ask("ip-vpn", "330100", "2025-04-11", NULL, "10", 0);
	assert_int_equal(v.n_binding, 1);
	assert_true(bound(&v, "pilot-ipvpn-cap"));
	assert_false(bound(&v, "vats-cap"));
	/* [S-7] a foreign share of 0 is no foreign investment, and the verdict
	 * cache keeps it apart from the same question with a share */
	v = ask("B14", "330100", "2024-01-01", NULL, "10", 0);
	assert_int_equal(v.outcome, KF_CLOSED);
	v = ask("B14", "330100", "2024-01-01", NULL, "0", 0);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_int_equal(v.n_binding, 0);
	v = ask("B14", "330100", "2024-01-01", NULL, "0.000000001", 0);
	assert_int_equal(v.outcome, KF_CLOSED);
	/* [S-7] mainland investors: nothing binds */
	v = ask("internet-news", "310000", "2024-01-01", "mainland", "100", 0);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_int_equal(v.n_binding, 0);
}

static void test_full_decision_json(void **state)
{
	kf_question q;
	kf_decision *d;
	kf_error e;
	char *js, *txt;
	(void)state;
	assert_int_equal(
	    kf_question_parse(rb, "B21", "Hangzhou", "2024-01-01", NULL, "0.5", 0, &q, &e), KF_OK);
	assert_int_equal(kf_decide(rb, &q, KF_DECIDE_ALTERNATIVES | KF_DECIDE_TRACE, &d, &e),
			 KF_OK);
	js = kf_decision_json(d);
	assert_non_null(js);
	assert_non_null(strstr(js, "\"outcome\":\"permitted\""));
	assert_non_null(strstr(js, "\"max_foreign_share\":50,"));
	assert_non_null(strstr(js, "\"binding\":[\"vats-cap\"]"));
	assert_non_null(strstr(js, "domestic licensing procedure applies")); /* de-minimis */
	assert_non_null(strstr(js, "\"sha256\":\""));
	txt = kf_decision_text(d);
	assert_non_null(strstr(txt, "PERMITTED"));
	assert_non_null(strstr(txt, "Measures that matched or nearly matched"));
	kf_free(js);
	kf_free(txt);
	kf_decision_free(d);

	/* refusal: the nearest change (a lower share, a later date) */
	assert_int_equal(
	    kf_question_parse(rb, "ip-vpn", "330100", "2024-01-01", NULL, "40", 0, &q, &e), KF_OK);
	assert_int_equal(kf_decide(rb, &q, KF_DECIDE_ALTERNATIVES, &d, &e), KF_OK);
	js = kf_decision_json(d);
	assert_non_null(strstr(js, "\"outcome\":\"closed\""));
	assert_non_null(strstr(js, "\"max_foreign_share\":0,"));
	assert_non_null(strstr(js, "permitted from 2025-04-11"));
	assert_non_null(strstr(js, "hk-cepa"));
	kf_free(js);
	kf_decision_free(d);
}

/* rulebook errors: writes a broken copy of mini into a temp folder */
static void write_file(const char *dir, const char *name, const char *text)
{
	char p[512];
	FILE *f;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void copy_file(const char *from_dir, const char *to_dir, const char *name)
{
	char p[512], buf[8192];
	FILE *f;
	size_t n;
	snprintf(p, sizeof p, "%s/%s", from_dir, name);
	f = fopen(p, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	write_file(to_dir, name, buf);
}

static kf_status load_with(const char *measures, kf_error *e, char **all)
{
	char dir[] = "/tmp/kf-test-XXXXXX";
	kf_rulebook *r2 = NULL;
	kf_status st;
	assert_non_null(mkdtemp(dir));
	copy_file(MINI, dir, "rulebook.yaml");
	copy_file(MINI, dir, "catalogue.yaml");
	copy_file(MINI, dir, "places.yaml");
	copy_file(MINI, dir, "sources.yaml"); /* the mini rulebook.yaml lists it */
	write_file(dir, "measures.yaml", measures);
	st = kf_rulebook_load(dir, &r2, e, all);
	kf_rulebook_free(r2);
	return st;
}

#define M_HEAD                                                                                     \
	"measures:\n"                                                                              \
	"  - id: a\n    document: doc-a\n    article: x\n    summary: s\n"                         \
	"    effective_from: 2020-01-01\n    status: in-force\n    certainty: confirmed\n"         \
	"    services: [B]\n    regions: [CN]\n"

static void test_rulebook_errors(void **state)
{
	kf_error e;
	char *all = NULL;
	(void)state;
	/* malformed YAML: file, line and column */
	assert_int_equal(load_with("measures:\n  - id: a\n    services: [B, \n", &e, NULL),
			 KF_ERR_PARSE);
	assert_string_equal(e.file, "measures.yaml");
	assert_true(e.line >= 3);
	assert_non_null(strstr(e.message, "malformed YAML"));
	/* unknown region, with the nearest known */
	assert_int_equal(
	    load_with(M_HEAD "    effect: cap\n    cap: {op: \"<=\", value: \"50\"}\n"
			     "  - id: b\n    document: doc-a\n    article: x\n    summary: s\n"
			     "    effective_from: 2020-01-01\n    status: in-force\n"
			     "    certainty: confirmed\n    services: [B]\n"
			     "    regions: [Shanghia]\n    effect: open\n    overrides: [a]\n",
		      &e, NULL),
	    KF_ERR_INVALID);
	assert_string_equal(e.file, "measures.yaml");
	assert_int_equal(e.line, 21);
	assert_non_null(strstr(e.message, "unknown region 'Shanghia'; nearest known: 310000"));
	/* override cycle, naming the members */
	assert_int_equal(
	    load_with(M_HEAD "    effect: cap\n    cap: {op: \"<=\", value: \"50\"}\n"
			     "    overrides: [b]\n"
			     "  - id: b\n    document: doc-a\n    article: x\n    summary: s\n"
			     "    effective_from: 2020-01-01\n    status: in-force\n"
			     "    certainty: confirmed\n    services: [B]\n"
			     "    regions: [CN]\n    effect: open\n    overrides: [a]\n",
		      &e, NULL),
	    KF_ERR_INVALID);
	assert_non_null(strstr(e.message, "override cycle: a -> b -> a"));
	/* misspelt key, share out of range, dates out of order, all reported */
	assert_int_equal(load_with(M_HEAD "    effect: cap\n    cap: {op: \"<=\", value: \"150\"}\n"
					  "    efective_until: 2021-01-01\n",
				   &e, &all),
			 KF_ERR_INVALID);
	assert_non_null(all);
	assert_non_null(strstr(all, "did you mean 'effective_until'"));
	assert_non_null(strstr(all, "above 100"));
	kf_free(all);
	assert_int_equal(load_with(M_HEAD "    effect: cap\n    cap: {op: \"<=\", value: \"50\"}\n"
					  "    effective_until: 2019-01-01\n",
				   &e, NULL),
			 KF_ERR_INVALID);
	assert_non_null(strstr(e.message, "effective_until must be after effective_from"));
	/* invalid UTF-8 is refused before libfyaml sees it (its 0.7.12 scanner hangs on
	 * '%' followed by invalid UTF-8: found by fuzz_rulebook) */
	assert_int_equal(load_with("%\"\xa6", &e, NULL), KF_ERR_INVALID);
	assert_non_null(strstr(e.message, "invalid UTF-8"));
	assert_int_equal(e.line, 1);
	assert_int_equal(e.column, 3);
	/* a missing folder */
	{
		kf_rulebook *r2 = NULL;
		assert_int_not_equal(kf_rulebook_load("/nonexistent/kf", &r2, &e, NULL), KF_OK);
		assert_null(r2);
		assert_non_null(strstr(e.message, "cannot open"));
	}
}

/* ---- a synthetic rulebook for the engine's limits and doubts ------------ */

static char *cat(char *buf, size_t *off, size_t cap, const char *f, ...)
    __attribute__((format(printf, 4, 5)));
static char *cat(char *buf, size_t *off, size_t cap, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	*off += (size_t)vsnprintf(buf + *off, cap - *off, f, ap);
	va_end(ap);
	assert_true(*off < cap);
	return buf;
}

#define SYN_HEAD(id) "  - id: " id "\n    document: d\n    article: x\n    summary: s\n"

/*
 * Writes the synthetic rulebook into dir:
 *   S   nat-cap (<= 50 on CN); zcap-01..50 (<= 50, one zone each, z01..z50 in
 *       P); z51-prohibited (zone z51)   -> P is indeterminate on z51 alone
 *   S3  bcap-01..30 (<= 50 on CN): 30 binding caps; cond-many: 300 conditions;
 *       cond-long: a 2,000-byte condition under a share test
 *   S2  s2-closed (closed for foreign); zu-open opens it in zone zu, which is
 *       marked uncertain; tw investors are marked uncertain
 *   complete_from 2018-01-01, edition 2026-01-01
 */
static void write_synthetic(const char *dir)
{
	static char buf[1 << 20];
	size_t off = 0, cap = sizeof buf;
	int i;
	write_file(dir, "rulebook.yaml",
		   "rulebook:\n  id: syn\n  title: {en: Synthetic, zh: 合成}\n"
		   "  edition: \"2026-01-01\"\n  complete_from: 2018-01-01\n"
		   "  files: [all.yaml, measures.yaml]\n");
	cat(buf, &off, cap,
	    "services:\n  - {id: S, name: {en: S, zh: 甲}}\n  - {id: S2, name: {en: S2, zh: 乙}}\n"
	    "  - {id: S3, name: {en: S3, zh: 丙}}\n"
	    "investors:\n  - {id: mainland, name: {en: M, zh: 内}, foreign: false}\n"
	    "  - {id: foreign, name: {en: F, zh: 外}, foreign: true}\n"
	    "  - {id: tw, parent: foreign, name: {en: T, zh: 台}, foreign: true, certainty: "
	    "uncertain, note: \"treated as foreign by inference\"}\n"
	    "documents:\n  - {id: d, title: {en: D, zh: 文}, issuer: X, url: "
	    "https://example.org/d, url_official: false}\n"
	    "regions:\n  - {id: CN, kind: country, name: {en: China, zh: 中国}}\n"
	    "  - {id: P, kind: province, parents: [CN], name: {en: P, zh: 省}}\n"
	    "  - {id: zu, kind: zone, parents: [P], name: {en: ZU, zh: 区}, certainty: uncertain, "
	    "note: \"zone zu's boundary is a guess\"}\n");
	for (i = 1; i <= 51; i++)
		cat(buf, &off, cap,
		    "  - {id: z%02d, kind: zone, parents: [P], name: {en: Z%02d, zh: 区%02d}}\n", i,
		    i, i);
	write_file(dir, "all.yaml", buf);
	off = 0;
	cat(buf, &off, cap, "measures:\n");
#define COMMON "    effective_from: 2018-01-01\n    status: in-force\n    certainty: confirmed\n"
	cat(buf, &off, cap,
	    SYN_HEAD("nat-cap") COMMON
	    "    services: [S]\n    regions: [CN]\n    effect: cap\n    cap: {op: \"<=\", value: "
	    "\"50\"}\n");
	for (i = 1; i <= 50; i++)
		cat(buf, &off, cap,
		    "  - id: zcap-%02d\n    document: d\n    article: x\n    summary: s\n" COMMON
		    "    services: [S]\n    regions: [z%02d]\n    effect: cap\n    cap: {op: "
		    "\"<=\", "
		    "value: \"50\"}\n",
		    i, i);
	cat(buf, &off, cap,
	    SYN_HEAD("z51-prohibited") COMMON
	    "    services: [S]\n    regions: [z51]\n    effect: prohibited\n");
	for (i = 1; i <= 30; i++)
		cat(buf, &off, cap,
		    "  - id: bcap-%02d\n    document: d\n    article: x\n    summary: s\n" COMMON
		    "    services: [S3]\n    regions: [CN]\n    effect: cap\n    cap: {op: \"<=\", "
		    "value: \"50\"}\n",
		    i);
	cat(buf, &off, cap,
	    SYN_HEAD("cond-many") COMMON
	    "    services: [S3]\n    regions: [CN]\n    effect: condition\n    conditions:\n");
	for (i = 1; i <= 300; i++)
		cat(buf, &off, cap, "      - {type: note, text: \"condition number %d\"}\n", i);
	cat(buf, &off, cap,
	    SYN_HEAD("cond-long") COMMON
	    "    services: [S3]\n    regions: [CN]\n    effect: condition\n"
	    "    when_share: {op: \"<\", value: \"1\"}\n    conditions:\n"
	    "      - {type: procedure, text: \"long");
	for (i = 0; i < 2000; i++)
		cat(buf, &off, cap, "x");
	cat(buf, &off, cap, "end\"}\n");
	cat(buf, &off, cap,
	    SYN_HEAD("s2-closed") COMMON
	    "    services: [S2]\n    regions: [CN]\n    effect: closed\n");
	cat(buf, &off, cap,
	    SYN_HEAD("zu-open") COMMON "    services: [S2]\n    regions: [zu]\n    effect: open\n  "
				       "  overrides: [s2-closed]\n");
	write_file(dir, "measures.yaml", buf);
#undef COMMON
}

static kf_rulebook *load_synthetic(void)
{
	char dir[] = "/tmp/kf-syn-XXXXXX";
	kf_rulebook *r2 = NULL;
	kf_error e;
	char *all = NULL;
	assert_non_null(mkdtemp(dir));
	write_synthetic(dir);
	if (kf_rulebook_load(dir, &r2, &e, &all) != KF_OK)
		fprintf(stderr, "synthetic: %s\n%s\n", e.message, all ? all : "");
	kf_free(all);
	assert_non_null(r2);
	return r2;
}

static kf_decision *syn_decide(kf_rulebook *r2, const char *svc, const char *reg, const char *date,
			       const char *inv, const char *share, int outside, unsigned flags,
			       kf_verdict *v)
{
	kf_question q;
	kf_error e;
	kf_decision *d = NULL;
	assert_int_equal(kf_question_parse(r2, svc, reg, date, inv, share, outside, &q, &e), KF_OK);
	assert_int_equal(kf_decide_verdict(r2, &q, v, &e), KF_OK);
	assert_int_equal(kf_decide(r2, &q, flags, &d, &e), KF_OK);
	return d;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* [S-5] no fixed limit drops a zone (issue 8 item 9, review §4.2): 51 zones,
 * the 51st prohibited, make P indeterminate on z51; lists are never cut in a
 * decision and say so in a verdict (review §4.10) */
static void test_no_fixed_limits(void **state)
{
	kf_rulebook *r2 = load_synthetic();
	kf_verdict v;
	kf_decision *d;
	char *js, *txt;
	(void)state;
	d = syn_decide(r2, "S", "P", "2025-01-01", NULL, NULL, 0, 0, &v);
	assert_int_equal(v.outcome, KF_INDETERMINATE);
	assert_int_equal(v.n_missing, 1);
	assert_int_equal(v.missing[0], kf_rulebook_find_region(r2, "z51", NULL, NULL));
	assert_int_equal(kf_decision_verdict(d)->outcome, KF_INDETERMINATE);
	js = kf_decision_json(d);
	assert_non_null(
	    strstr(js, "\"missing_facts\":[{\"fact\":\"inside_zone\",\"zone\":\"z51\""));
	assert_int_equal(count(js, "\"where\":"), 52); /* outside + 51 zones */
	kf_free(js);
	kf_decision_free(d);

	/* 30 binding caps, 300 conditions, a 2 KB condition text */
	d = syn_decide(r2, "S3", "P", "2025-01-01", NULL, NULL, 0, 0, &v);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_int_equal(v.n_binding, KF_VERDICT_MAX);
	assert_int_equal(v.truncated, 1);
	js = kf_decision_json(d);
	assert_int_equal(count(js, "\"bcap-"), 30 * 2); /* binding and citations */
	assert_int_equal(count(js, "condition number "), 300);
	assert_non_null(strstr(js, "xxxxend")); /* kf__fmt no longer cuts at 1 KiB */
	txt = kf_decision_text(d);
	assert_int_equal(count(txt, "binds:      bcap-"), 30);
	kf_free(js);
	kf_free(txt);
	kf_decision_free(d);
	kf_rulebook_free(r2);
}

/* [S-9] a small dated rulebook: zone W covers province P whole from 2020
 * (P's parent, the member of group G), zone Z lies in P and G from 2019 to
 * 2023; S is closed on CN and open on G */
static kf_rulebook *load_dated(void)
{
	char dir[] = "/tmp/kf-dated-XXXXXX";
	kf_rulebook *r2 = NULL;
	kf_error e;
	char *all = NULL;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "rulebook.yaml",
		   "rulebook:\n  id: dated\n  title: {en: Dated, zh: 日期}\n"
		   "  edition: \"2026-01-01\"\n  complete_from: 2018-01-01\n"
		   "  files: [all.yaml]\n");
	write_file(
	    dir, "all.yaml",
	    "services:\n  - {id: S, name: {en: S, zh: 甲}}\n"
	    "investors:\n  - {id: foreign, name: {en: F, zh: 外}, foreign: true}\n"
	    "documents:\n  - {id: d, title: {en: D, zh: 文}, issuer: X, url: "
	    "https://example.org/d, url_official: false}\n"
	    "regions:\n  - {id: CN, kind: country, name: {en: China, zh: 中国}}\n"
	    "  - {id: G, kind: group, parents: [CN], name: {en: Gee, zh: 组}}\n"
	    "  - {id: W, kind: zone, parents: [G], from: 2020-01-01, name: {en: Whole, zh: 全}}\n"
	    "  - {id: P, kind: province, parents: [CN, W], name: {en: Pee, zh: 省}}\n"
	    "  - {id: Z, kind: zone, parents: [G, P], from: 2019-01-01, until: 2023-01-01, "
	    "certainty: uncertain, name: {en: Zed, zh: 区}}\n"
	    "measures:\n" SYN_HEAD(
		"cn-closed") "    effective_from: 2018-01-01\n"
			     "    status: in-force\n    certainty: confirmed\n    services: [S]\n"
			     "    regions: [CN]\n    effect: closed\n" SYN_HEAD(
				 "g-open") "    effective_from: 2018-01-01\n    status: in-force\n "
					   "   certainty: confirmed\n"
					   "    services: [S]\n    regions: [G]\n    effect: "
					   "open\n    overrides: [cn-closed]\n");
	if (kf_rulebook_load(dir, &r2, &e, &all) != KF_OK)
		fprintf(stderr, "dated: %s\n%s\n", e.message, all ? all : "");
	kf_free(all);
	assert_non_null(r2);
	return r2;
}

static kf_status dated_ask(kf_rulebook *r2, const char *reg, const char *date, kf_verdict *v,
			   kf_error *e)
{
	kf_question q;
	kf_status st = kf_question_parse(r2, "S", reg, date, NULL, NULL, 0, &q, e);
	if (st != KF_OK)
		return st;
	assert_int_equal(kf_question_check(r2, &q, e), KF_OK);
	return kf_decide_verdict(r2, &q, v, e);
}

/* [S-9] place existence and dated paths */
static void test_dated_places(void **state)
{
	kf_rulebook *r2 = load_dated();
	kf_verdict v;
	kf_error e;
	kf_question q;
	(void)state;
	/* before W: G's opening does not reach P; it reaches Z, inside P */
	assert_int_equal(dated_ask(r2, "P", "2019-06-01", &v, &e), KF_OK);
	assert_int_equal(v.outcome, KF_INDETERMINATE);
	assert_int_equal(v.n_missing, 1);
	assert_int_equal(v.missing[0], kf_rulebook_find_region(r2, "Z", NULL, NULL));
	/* before Z too: closed, definite; the cache splits at W's first day */
	assert_int_equal(dated_ask(r2, "P", "2018-06-01", &v, &e), KF_OK);
	assert_int_equal(v.outcome, KF_CLOSED);
	assert_int_equal(dated_ask(r2, "P", "2019-12-31", &v, &e), KF_OK);
	assert_int_equal(v.outcome, KF_INDETERMINATE);
	assert_int_equal(dated_ask(r2, "P", "2020-01-01", &v, &e), KF_OK);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_int_equal(v.uncertain, 0);
	assert_int_equal(dated_ask(r2, "P", "2023-06-01", &v, &e), KF_OK);
	assert_int_equal(v.outcome, KF_PERMITTED);
	/* a place on a day it does not exist: refused, with the place to ask */
	assert_int_equal(dated_ask(r2, "W", "2019-12-31", &v, &e), KF_ERR_INVALID);
	assert_string_equal(e.code, "place_not_in_force");
	assert_string_equal(e.field, "region");
	assert_non_null(strstr(e.message, "place 'W' (Whole) exists from 2020-01-01; on "
					  "2019-12-31 ask about the place it covers: P (Pee)"));
	assert_int_equal(dated_ask(r2, "W", "2020-01-01", &v, &e), KF_OK);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_int_equal(dated_ask(r2, "Z", "2018-12-31", &v, &e), KF_ERR_INVALID);
	assert_non_null(strstr(e.message, "(a date marked uncertain); on 2018-12-31 ask about "
					  "the place it lies in: P (Pee)"));
	assert_int_equal(dated_ask(r2, "Z", "2019-01-01", &v, &e), KF_OK);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_int_equal(dated_ask(r2, "Z", "2023-01-01", &v, &e), KF_ERR_INVALID);
	assert_non_null(strstr(e.message, "existed until 2023-01-01"));
	/* every door: a question built by index meets the same check */
	memset(&q, 0, sizeof q);
	q.service = 0;
	q.region = kf_rulebook_find_region(r2, "W", NULL, NULL);
	q.investor = -1;
	q.date = 18000; /* 2019-04-14 */
	assert_int_equal(kf_question_check(r2, &q, &e), KF_ERR_INVALID);
	assert_string_equal(e.code, "place_not_in_force");
	assert_int_equal(kf_decide_verdict(r2, &q, &v, &e), KF_ERR_INVALID);
	kf_rulebook_free(r2);
}

/* [S-8] coverage: not_covered before complete_from, a notice after the edition */
static void test_coverage(void **state)
{
	kf_rulebook *r2 = load_synthetic();
	kf_verdict v;
	kf_decision *d;
	char *js, *txt;
	(void)state;
	d = syn_decide(r2, "S3", "P", "2017-12-31", NULL, "100", 0, KF_DECIDE_ALTERNATIVES, &v);
	assert_int_equal(v.outcome, KF_NOT_COVERED);
	assert_int_equal(v.n_binding, 0);
	assert_string_equal(kf_outcome_name(v.outcome), "not_covered");
	js = kf_decision_json(d);
	assert_non_null(strstr(js, "\"outcome\":\"not_covered\",\"max_foreign_share\":null"));
	assert_non_null(strstr(js, "\"first_covered\":\"2018-01-01\""));
	assert_non_null(strstr(js, "\"alternatives\":[]"));
	txt = kf_decision_text(d);
	assert_non_null(strstr(txt, "NOT COVERED"));
	assert_non_null(strstr(txt, "First covered date: 2018-01-01"));
	kf_free(js);
	kf_free(txt);
	kf_decision_free(d);
	d = syn_decide(r2, "S3", "P", "2018-01-01", NULL, "100", 0, 0, &v);
	assert_int_equal(v.outcome, KF_EXCEEDS_CAP);
	js = kf_decision_json(d);
	assert_non_null(strstr(js, "\"notices\":[]"));
	kf_free(js);
	kf_decision_free(d);
	assert_int_equal(kf_rulebook_edition_date(r2), 20454); /* 2026-01-01 */
	d = syn_decide(r2, "S3", "P", "2026-01-02", NULL, "50", 0, 0, &v);
	assert_int_equal(v.outcome, KF_PERMITTED);
	js = kf_decision_json(d);
	assert_non_null(strstr(js, "changes after that day are not modelled"));
	kf_free(js);
	kf_decision_free(d);
	kf_rulebook_free(r2);
}

/* [S-6] certainty follows a doubtful investor class and a doubtful zone */
static void test_doubtful_inputs(void **state)
{
	kf_rulebook *r2 = load_synthetic();
	kf_verdict v;
	kf_decision *d;
	char *js;
	(void)state;
	d = syn_decide(r2, "S2", "P", "2025-01-01", "tw", NULL, 1, 0, &v);
	assert_int_equal(v.outcome, KF_CLOSED);
	assert_int_equal(v.uncertain, 1);
	js = kf_decision_json(d);
	assert_non_null(strstr(js, "treated as foreign by inference"));
	kf_free(js);
	kf_decision_free(d);
	d = syn_decide(r2, "S2", "P", "2025-01-01", "foreign", NULL, 1, 0, &v);
	assert_int_equal(v.outcome, KF_CLOSED);
	assert_int_equal(v.uncertain, 0);
	kf_decision_free(d);
	/* the zone zu is marked uncertain and its answer differs */
	d = syn_decide(r2, "S2", "P", "2025-01-01", NULL, NULL, 0, 0, &v);
	assert_int_equal(v.outcome, KF_INDETERMINATE);
	assert_int_equal(v.uncertain, 1);
	js = kf_decision_json(d);
	assert_non_null(strstr(js, "zone zu's boundary is a guess"));
	kf_free(js);
	kf_decision_free(d);
	/* asked about zu itself: the place is given, the answer confirmed */
	d = syn_decide(r2, "S2", "zu", "2025-01-01", NULL, NULL, 0, 0, &v);
	assert_int_equal(v.outcome, KF_PERMITTED);
	assert_int_equal(v.uncertain, 0);
	kf_decision_free(d);
	kf_rulebook_free(r2);
}

/* the verdict cache counts hits and misses per thread */
static void test_cache_stats(void **state)
{
	kf_cache_stats a, b;
	kf_question q;
	kf_verdict v;
	kf_error e;
	(void)state;
	assert_int_equal(
	    kf_question_parse(rb, "ip-vpn", "330100", "2025-05-01", NULL, "50", 0, &q, &e), KF_OK);
	assert_int_equal(kf_decide_verdict(rb, &q, &v, &e), KF_OK);
	kf_decide_cache_stats(&a);
	assert_int_equal(kf_decide_verdict(rb, &q, &v, &e), KF_OK);
	kf_decide_cache_stats(&b);
	assert_int_equal(b.hits, a.hits + 1);
	assert_int_equal(b.misses, a.misses);
	q.date = q.date + 3650; /* another date segment: a miss */
	assert_int_equal(kf_decide_verdict(rb, &q, &v, &e), KF_OK);
	kf_decide_cache_stats(&a);
	assert_int_equal(a.misses, b.misses + 1);
}

/* explain: the measures that matched or nearly matched; the rest with ALL */
static void test_trace_filter(void **state)
{
	kf_question q;
	kf_decision *d;
	kf_error e;
	char *js;
	(void)state;
	assert_int_equal(
	    kf_question_parse(rb, "ip-vpn", "330100", "2025-05-01", NULL, "50", 0, &q, &e), KF_OK);
	assert_int_equal(kf_decide(rb, &q, KF_DECIDE_TRACE, &d, &e), KF_OK);
	js = kf_decision_json(d);
	assert_null(strstr(js, "service not within its services"));
	assert_null(strstr(js, "\"trace_hidden\":0"));
	kf_free(js);
	kf_decision_free(d);
	assert_int_equal(kf_decide(rb, &q, KF_DECIDE_TRACE | KF_DECIDE_TRACE_ALL, &d, &e), KF_OK);
	js = kf_decision_json(d);
	assert_non_null(strstr(js, "service not within its services"));
	assert_non_null(strstr(js, "\"trace_hidden\":0"));
	kf_free(js);
	kf_decision_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_share_parse),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_cap_boundary),
	    cmocka_unit_test(test_share_range),
	    cmocka_unit_test(test_cache_hit_whole),
	    cmocka_unit_test(test_prohibited_closed),
	    cmocka_unit_test(test_zone_indeterminate),
	    cmocka_unit_test(test_lt_cap_and_investors),
	    cmocka_unit_test(test_full_decision_json),
	    cmocka_unit_test(test_rulebook_errors),
	    cmocka_unit_test(test_no_fixed_limits),
	    cmocka_unit_test(test_coverage),
	    cmocka_unit_test(test_dated_places),
	    cmocka_unit_test(test_doubtful_inputs),
	    cmocka_unit_test(test_cache_stats),
	    cmocka_unit_test(test_trace_filter),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
