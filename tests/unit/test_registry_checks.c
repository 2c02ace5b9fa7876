/*
 * test_registry_checks.c — the registry's door checks
 * (kaifang/registry_checks.h), with the facts of registry-notes:
 *  - §1.8 USCC: the three lawful Fujian codes that fail the GB 32100-2015
 *    check give a warning with the expected character (1, R, J), not an
 *    error, and their GB 11714 check passes; computed codes pass; wrong
 *    length and characters outside the set are errors naming the position.
 *  - §1.1 licence numbers: every form of the table parses into its parts;
 *    ICP filing and ICP certificate numbers are recognised as not licences;
 *    malformed numbers are errors naming the column.
 *  - §1.1 time limits: 60 calendar days from acceptance, the clock stopped
 *    and resumed, working days over a calendar (a test fixture), and
 *    "unknown: no working calendar for YEAR" where a year is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kaifang/registry_checks.h"

static void test_uscc(void **state)
{
	static const struct {
		const char *code;
		char expected;
	} fujian[] = {
	    {"91350100M0001TGQXM", '1'},
	    {"91350211M0000XUF46", 'R'},
	    {"91350203M0001FUE2P", 'J'},
	};
	kf_uscc_result r;
	kf_error e;
	size_t i;
	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(kf_uscc_check(fujian[i].code, &r, &e), KF_OK);
		assert_int_equal(r.warning, 1);
		assert_int_equal(r.check_ok, 0);
		assert_int_equal(r.check_expected, fujian[i].expected);
		assert_int_equal(r.org_check_ok, 1);
		assert_non_null(strstr(r.reason, "override"));
		assert_int_equal(strncmp(r.division, fujian[i].code + 2, 6),
				 0); /* 3501xx/3502xx: Fujian */
	}
	/* the first with its computed check character passes; lower case is read */
	assert_int_equal(kf_uscc_check("91350100m0001tgqx1", &r, &e), KF_OK);
	assert_int_equal(r.warning, 0);
	assert_string_equal(r.code, "91350100M0001TGQX1");
	assert_string_equal(r.division, "350100");
	assert_string_equal(r.org_code, "M0001TGQX");
	assert_int_equal(r.authority, '9');
	assert_int_equal(r.type, '1');
	assert_string_equal(r.reason, "");
	/* position 18 right but the organisation-code check wrong: a warning too */
	assert_int_equal(kf_uscc_check("91350100M0001TGQ5N", &r, &e), KF_OK);
	assert_int_equal(r.check_ok, 1);
	assert_int_equal(r.org_check_ok, 0);
	assert_int_equal(r.org_check_expected, 'X');
	assert_int_equal(r.warning, 1);
	assert_int_equal(kf_uscc_check("91310115MA1K3YJ12G", &r, &e), KF_OK);
	assert_int_equal(r.check_ok, 1);
	/* not a code at all */
	assert_int_equal(kf_uscc_check("91350100M0001TGQX", &r, &e), KF_ERR_PARSE);
	assert_string_equal(e.code, "bad_uscc");
	assert_non_null(strstr(e.message, "17 characters"));
	assert_int_equal(kf_uscc_check("91350100M0001TGQXMM", &r, &e), KF_ERR_PARSE);
	assert_int_equal(kf_uscc_check("91350100I0001TGQXM", &r, &e), KF_ERR_PARSE);
	assert_int_equal(e.column, 9);
	assert_non_null(strstr(e.message, "'I'"));
	assert_int_equal(kf_uscc_check("9135010000001TGQXZ", &r, &e), KF_ERR_PARSE);
	assert_int_equal(e.column, 18);
}

static kf_licence_provinces *provinces(void)
{
	kf_licence_provinces *p;
	kf_error e;
	assert_int_equal(kf_licence_provinces_load("data/registry/licence-provinces.yaml", &p, &e),
			 KF_OK);
	return p;
}

static void test_licence_forms(void **state)
{
	kf_licence_provinces *p = provinces();
	kf_licence_number n;
	kf_error e;
	(void)state;
	assert_int_equal(kf_licence_parse(p, "B1-20234898", &n, &e), KF_OK);
	assert_int_equal(n.kind, KF_LICENCE_NUMBER);
	assert_string_equal(n.province, "");
	assert_string_equal(n.region, "");
	assert_int_equal(n.ncategories, 1);
	assert_string_equal(n.categories[0], "B1");
	assert_int_equal(n.year, 2023);
	assert_string_equal(n.serial, "4898");

	assert_int_equal(kf_licence_parse(p, " 沪B2-20230242 ", &n, &e), KF_OK);
	assert_string_equal(n.province, "沪");
	assert_string_equal(n.region, "310000");
	assert_string_equal(n.categories[0], "B2");
	assert_int_equal(n.joint_venture, 0);

	assert_int_equal(kf_licence_parse(p, "合字B2-20090007", &n, &e), KF_OK);
	assert_int_equal(n.joint_venture, 1);
	assert_string_equal(n.region, "");
	assert_int_equal(n.year, 2009);
	assert_string_equal(n.serial, "0007");

	assert_int_equal(kf_licence_parse(p, "合字A1.B1.B2-20180017", &n, &e), KF_OK);
	assert_int_equal(n.ncategories, 3);
	assert_string_equal(n.categories[0], "A1");
	assert_string_equal(n.categories[1], "B1");
	assert_string_equal(n.categories[2], "B2");

	assert_int_equal(kf_licence_parse(p, "ICP证合字B2-20070004号", &n, &e), KF_OK);
	assert_int_equal(n.kind, KF_LICENCE_NUMBER);
	assert_int_equal(n.icp_certificate, 1);
	assert_int_equal(n.joint_venture, 1);
	assert_int_equal(n.year, 2007);

	assert_int_equal(kf_licence_parse(p, "皖B1.B2-20070020", &n, &e), KF_OK);
	assert_string_equal(n.region, "340000");
	assert_int_equal(n.ncategories, 2);

	assert_int_equal(kf_licence_parse(p, "辽B-2-4-20080039", &n, &e), KF_OK);
	assert_int_equal(n.old_style, 1);
	assert_string_equal(n.region, "210000");
	assert_string_equal(n.categories[0], "B2");
	assert_string_equal(n.old_item, "4");
	assert_int_equal(n.year, 2008);
	assert_string_equal(n.serial, "0039");

	assert_int_equal(kf_licence_parse(p, "粤A2-20044005", &n, &e), KF_OK);
	assert_string_equal(n.region, "440000");
	assert_int_equal(n.year, 2004);

	assert_int_equal(kf_licence_parse(p, "浙B2-20250178", &n, &e), KF_OK);
	assert_string_equal(n.region, "330000");
	kf_licence_provinces_free(p);
}

static void test_not_licences(void **state)
{
	kf_licence_provinces *p = provinces();
	kf_licence_number n;
	kf_error e;
	(void)state;
	assert_int_equal(kf_licence_parse(p, "京ICP备11041704号-13", &n, &e), KF_OK);
	assert_int_equal(n.kind, KF_ICP_FILING);
	assert_string_equal(n.region, "110000");
	assert_string_equal(n.filing_serial, "11041704");
	assert_int_equal(n.site, 13);
	assert_non_null(strstr(n.message, "ICP filing number"));
	assert_non_null(strstr(n.message, "not a telecom business licence"));
	assert_non_null(strstr(n.message, "site 13"));
	assert_int_equal(kf_licence_parse(p, "京ICP证000007号", &n, &e), KF_OK);
	assert_int_equal(n.kind, KF_ICP_CERTIFICATE);
	assert_non_null(strstr(n.message, "not a licence number"));
	kf_licence_provinces_free(p);
}

static void test_licence_errors(void **state)
{
	static const struct {
		const char *text;
		kf_status st;
		int col;
		const char *msg;
	} cases[] = {
	    {"", KF_ERR_PARSE, 1, "empty"},
	    {"C1-20234898", KF_ERR_PARSE, 1, "A1, A2, B1 or B2"},
	    {"B1.B1-20234898", KF_ERR_PARSE, 4, "given twice"},
	    {"B1-2023489", KF_ERR_PARSE, 4, "8 digits"},
	    {"B1-19984898", KF_ERR_PARSE, 4, "1999"},
	    {"B1 20234898", KF_ERR_PARSE, 3, "'-'"},
	    {"B2-20234898号-3", KF_ERR_PARSE, 15, "ICP filing numbers"},
	    {"B2-20234898x", KF_ERR_PARSE, 12, "unexpected text"},
	    {"港B2-20234898", KF_ERR_NOTFOUND, 1, "not a province abbreviation"},
	    {"ICP备123号", KF_ERR_PARSE, 7, "province"},
	    {"京ICP备11041704", KF_ERR_PARSE, 18, "号"},
	    {"B1.-20234898", KF_ERR_PARSE, 4, "after '.'"},
	};
	kf_licence_provinces *p = provinces();
	kf_licence_number n;
	kf_error e;
	size_t i;
	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		kf_status st = kf_licence_parse(p, cases[i].text, &n, &e);
		if (st != cases[i].st || !strstr(e.message, cases[i].msg) ||
		    e.column != cases[i].col)
			fail_msg("\"%s\": status %d column %d \"%s\"", cases[i].text, st, e.column,
				 e.message);
		assert_string_equal(e.code, st == KF_ERR_NOTFOUND ? "unknown_province"
								  : "bad_licence_number");
		assert_int_equal(n.kind, 0); /* cleared */
	}
	kf_licence_provinces_free(p);
}

static kf_date day(const char *s)
{
	kf_date d;
	assert_int_equal(kf_date_parse(s, &d, NULL), KF_OK);
	return d;
}

static void expect_due(const kf_deadline *d, const char *date)
{
	char buf[12];
	assert_int_equal(d->state, KF_DEADLINE_DUE);
	assert_string_equal(kf_date_format(d->due, buf, sizeof buf), date);
}

static void test_deadline_calendar_days(void **state)
{
	kf_deadline_basis b = {60, KF_DAYS_CALENDAR, "Telecom Regulations; Order 42 (60日)"};
	kf_clock_event ev[3];
	kf_deadline d;
	kf_error e;
	(void)state;
	/* day 1 is the day after acceptance: 29 days of January, 28 of February, 3 of March */
	assert_int_equal(kf_deadline_compute(&b, day("2025-01-02"), NULL, 0, NULL, &d, &e), KF_OK);
	expect_due(&d, "2025-03-03");
	assert_int_equal(d.days_counted, 60);
	assert_string_equal(d.message, "due 2025-03-03");
	/* returned for completion on the 12th, completed on the 20th: 9 days stand still */
	ev[0].date = day("2025-01-12");
	ev[0].action = KF_CLOCK_STOP;
	ev[1].date = day("2025-01-20");
	ev[1].action = KF_CLOCK_RESUME;
	assert_int_equal(kf_deadline_compute(&b, day("2025-01-02"), ev, 2, NULL, &d, &e), KF_OK);
	expect_due(&d, "2025-03-12");
	assert_int_equal(d.days_stopped, 9);
	/* still stopped: no due day, 9 days counted (3rd to 11th) */
	assert_int_equal(kf_deadline_compute(&b, day("2025-01-02"), ev, 1, NULL, &d, &e), KF_OK);
	assert_int_equal(d.state, KF_DEADLINE_STOPPED);
	assert_int_equal(d.days_counted, 9);
	assert_string_equal(d.message, "stopped since 2025-01-12: 9 of 60 days counted");
	/* expert review later on */
	ev[2].date = day("2025-02-01");
	ev[2].action = KF_CLOCK_STOP;
	assert_int_equal(kf_deadline_compute(&b, day("2025-01-02"), ev, 3, NULL, &d, &e), KF_OK);
	assert_int_equal(d.state, KF_DEADLINE_STOPPED);
	assert_int_equal(d.days_counted, 9 + 11); /* 21st to 31st */
	/* errors name the event */
	ev[0].date = day("2025-01-01");
	assert_int_equal(kf_deadline_compute(&b, day("2025-01-02"), ev, 2, NULL, &d, &e),
			 KF_ERR_INVALID);
	assert_string_equal(e.field, "events[0]");
	ev[0].date = day("2025-01-12");
	ev[1].action = KF_CLOCK_STOP;
	assert_int_equal(kf_deadline_compute(&b, day("2025-01-02"), ev, 2, NULL, &d, &e),
			 KF_ERR_INVALID);
	assert_string_equal(e.field, "events[1]");
	assert_non_null(strstr(e.message, "stopped already"));
	ev[1].action = KF_CLOCK_RESUME;
	ev[1].date = day("2025-01-11");
	assert_int_equal(kf_deadline_compute(&b, day("2025-01-02"), ev, 2, NULL, &d, &e),
			 KF_ERR_INVALID);
	assert_non_null(strstr(e.message, "date order"));
	b.days = 0;
	assert_int_equal(kf_deadline_compute(&b, day("2025-01-02"), NULL, 0, NULL, &d, &e),
			 KF_ERR_INVALID);
	assert_string_equal(e.field, "basis");
}

static void test_deadline_working_days(void **state)
{
	kf_deadline_basis b = {10, KF_DAYS_WORKING, "test basis"};
	kf_work_calendar *c, *none;
	kf_clock_event ev[2];
	kf_deadline d;
	kf_error e;
	(void)state;
	/* no calendar data at all: unknown, never a guess */
	assert_int_equal(kf_work_calendar_load("tests/data/no-such-dir", &none, &e), KF_OK);
	assert_int_equal(kf_deadline_compute(&b, day("2025-01-02"), NULL, 0, none, &d, &e), KF_OK);
	assert_int_equal(d.state, KF_DEADLINE_UNKNOWN);
	assert_int_equal(d.missing_year, 2025);
	assert_string_equal(d.message, "unknown: no working calendar for 2025");
	kf_work_calendar_free(none);

	assert_int_equal(kf_work_calendar_load("tests/data/calendar", &c, &e), KF_OK);
	assert_int_equal(kf_work_calendar_has_year(c, 2101), 1);
	assert_int_equal(kf_work_calendar_has_year(c, 2102), 0);
	assert_non_null(strstr(kf_work_calendar_source(c, 2101), "test fixture"));
	/* Tue 4 Jan 2101: 5, 6, 7 | weekend | 10, 11 holidays | 12, 13, 14, Sat 15
	 * (make-up day), 17, 18, 19 */
	assert_int_equal(kf_deadline_compute(&b, day("2101-01-04"), NULL, 0, c, &d, &e), KF_OK);
	expect_due(&d, "2101-01-19");
	/* stopped Thu 6th, resumed Sat 8th: 5 | 12 13 14 15 17 18 19 20 21 */
	ev[0].date = day("2101-01-06");
	ev[0].action = KF_CLOCK_STOP;
	ev[1].date = day("2101-01-08");
	ev[1].action = KF_CLOCK_RESUME;
	assert_int_equal(kf_deadline_compute(&b, day("2101-01-04"), ev, 2, c, &d, &e), KF_OK);
	expect_due(&d, "2101-01-21");
	assert_int_equal(d.days_stopped, 3);
	/* running into 2102, which has no calendar */
	assert_int_equal(kf_deadline_compute(&b, day("2101-12-24"), NULL, 0, c, &d, &e), KF_OK);
	assert_int_equal(d.state, KF_DEADLINE_UNKNOWN);
	assert_string_equal(d.message, "unknown: no working calendar for 2102");
	/* calendar days need no calendar */
	b.kind = KF_DAYS_CALENDAR;
	assert_int_equal(kf_deadline_compute(&b, day("2101-12-24"), NULL, 0, c, &d, &e), KF_OK);
	expect_due(&d, "2102-01-03");
	kf_work_calendar_free(c);
}

static char dir[64];

static void write_year(const char *body)
{
	char p[128];
	FILE *f;
	snprintf(p, sizeof p, "%s/cn-2101.yaml", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(body, f);
	fclose(f);
}

static void test_calendar_errors(void **state)
{
	static const struct {
		const char *body;
		int line;
		const char *msg;
	} cases[] = {
	    {"year: 2101\nsource: {title: t, url: u, seen: s}\nholidays: [\"2101-01-08\"]\n"
	     "workdays: []\n",
	     3, "Monday to Friday"},
	    {"year: 2101\nsource: {title: t, url: u, seen: s}\nholidays: []\n"
	     "workdays: [\"2101-01-14\"]\n",
	     4, "Saturday or Sunday"},
	    {"year: 2101\nsource: {title: t, url: u, seen: s}\nholidays: [\"2100-01-08\"]\n"
	     "workdays: []\n",
	     3, "outside the file's year"},
	    {"year: 2101\nsource: {title: t, url: u, seen: s}\n"
	     "holidays: [\"2101-01-10\", \"2101-01-10\"]\nworkdays: []\n",
	     3, "twice"},
	    {"year: 2101\nholidays: []\nworkdays: []\n", 1, "source"},
	    {"year: 2100\nsource: {title: t, url: u, seen: s}\nholidays: []\nworkdays: []\n", 1,
	     "file's name"},
	    {"year: [\n", 2, "malformed YAML"},
	};
	kf_work_calendar *c;
	kf_error e;
	size_t i;
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/kf-cal-XXXXXX");
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		write_year(cases[i].body);
		assert_int_not_equal(kf_work_calendar_load(dir, &c, &e), KF_OK);
		assert_null(c);
		if (!strstr(e.message, cases[i].msg) || (cases[i].line && e.line != cases[i].line))
			fail_msg("case %zu: line %d \"%s\"", i, e.line, e.message);
		assert_non_null(strstr(e.file, "cn-2101.yaml"));
	}
	{
		char p[128];
		snprintf(p, sizeof p, "%s/cn-2101.yaml", dir);
		unlink(p);
		rmdir(dir);
	}
}

static void test_json(void **state)
{
	kf_licence_provinces *p = provinces();
	kf_licence_number n;
	kf_uscc_result r;
	kf_deadline_basis b = {60, KF_DAYS_CALENDAR, "cite"};
	kf_deadline d;
	kf_json *w = kf_json_new();
	char *out;
	(void)state;
	assert_int_equal(kf_licence_parse(p, "沪B2-20230242", &n, NULL), KF_OK);
	assert_int_equal(kf_uscc_check("91350100M0001TGQXM", &r, NULL), KF_OK);
	assert_int_equal(kf_deadline_compute(&b, day("2025-01-02"), NULL, 0, NULL, &d, NULL),
			 KF_OK);
	kf_json_array_begin(w);
	kf_licence_number_json(w, &n);
	kf_uscc_result_json(w, &r);
	kf_deadline_json(w, &b, &d);
	kf_json_array_end(w);
	out = kf_json_finish(w);
	assert_non_null(out);
	assert_non_null(strstr(out, "\"region\":\"310000\""));
	assert_non_null(strstr(out, "\"categories\":[\"B2\"]"));
	assert_non_null(strstr(out, "\"check_ok\":false,\"expected\":\"1\""));
	assert_non_null(strstr(out, "\"state\":\"due\",\"due\":\"2025-03-03\""));
	assert_non_null(strstr(out, "\"citation\":\"cite\""));
	kf_free(out);
	kf_licence_provinces_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_uscc),
	    cmocka_unit_test(test_licence_forms),
	    cmocka_unit_test(test_not_licences),
	    cmocka_unit_test(test_licence_errors),
	    cmocka_unit_test(test_deadline_calendar_days),
	    cmocka_unit_test(test_deadline_working_days),
	    cmocka_unit_test(test_calendar_errors),
	    cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
