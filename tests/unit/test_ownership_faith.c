/*
 * test_ownership_faith.c — issue 10 "Faithful to the data": open ends carried
 * through the solve, a cycle and the cap comparison; the loader from memory
 * (kf_graph_load_mem) giving what kf_graph_load gives; a question posted with
 * its ownership structure (kf_questions_from_json_own) deciding as `decide
 * --ownership` does. Inputs are tests/data/ownership/faithful and inline texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kaifang/kaifang.h"
#include "kaifang/ownership.h"
#include "kaifang/question.h"
#include "util/alloc.h"

#define DATA "tests/data/ownership"

static kf_share S(const char *t)
{
	kf_share v = 0;
	assert_int_equal(kf_share_parse_unbounded(t, &v, NULL), KF_OK);
	return v;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static kf_share_range R(const char *lo, const char *hi, int lo_open, int hi_open)
{
	kf_share_range r;
	r.min = S(lo);
	r.max = S(hi);
	r.min_open = (unsigned char)lo_open;
	r.max_open = (unsigned char)hi_open;
	return r;
}

/* ownership-notes §4.6: "(25,50] can be exactly 50%; [25,50) cannot". */
static void test_vs_cap_open_ends(void **state)
{
	kf_share c = S("50");
	(void)state;
	assert_int_equal(kf_ownership_vs_cap(R("50", "75", 1, 0), 1, c, 0), KF_CAP_EXCEEDS);
	assert_int_equal(kf_ownership_vs_cap(R("50", "75", 0, 0), 1, c, 0), KF_CAP_INDETERMINATE);
	assert_int_equal(kf_ownership_vs_cap(R("25", "50", 1, 0), 1, c, 0), KF_CAP_WITHIN);
	assert_int_equal(kf_ownership_vs_cap(R("25", "50", 1, 0), 1, c, 1), KF_CAP_INDETERMINATE);
	assert_int_equal(kf_ownership_vs_cap(R("25", "50", 0, 1), 1, c, 1), KF_CAP_WITHIN);
	assert_int_equal(kf_ownership_vs_cap(R("50", "75", 0, 0), 1, c, 1), KF_CAP_EXCEEDS);
	/* rounded once: within one unit of the cap is at it, the open end kept */
	assert_int_equal(kf_ownership_vs_cap(R("50.000000001", "75", 1, 0), 0, c, 0),
			 KF_CAP_EXCEEDS);
	assert_int_equal(kf_ownership_vs_cap(R("49.999999999", "75", 0, 0), 0, c, 0),
			 KF_CAP_INDETERMINATE);
}

static kf_ownership_result *one(const kf_graph *g, const char *id)
{
	kf_ownership_result *r = NULL;
	kf_error e;
	assert_int_equal(kf_ownership_compute(g, id, NULL, &r, &e), KF_OK);
	return r;
}

static kf_graph *mem_json(const char *text, kf_graph_format f)
{
	kf_graph_source src;
	kf_graph *g = NULL;
	kf_error e;
	kf_status st;
	memset(&src, 0, sizeof src);
	src.format = f;
	src.name = "upload";
	src.data = text;
	src.len = strlen(text);
	st = kf_graph_load_mem(&src, KF_DATE_NONE, &g, &e);
	if (st != KF_OK)
		print_error("load: %s\n", e.message);
	assert_int_equal(st, KF_OK);
	return g;
}

/* An open end passed around a cycle: F holds more than 40% of A; A and B hold
 * 20% and 50% of each other; D (CN) the rest of B. Both A and B are strictly
 * above the counted lower bound, and A's upper bound is closed (its
 * undisclosed 30% may be foreign). */
static void test_open_end_through_cycle(void **state)
{
	static const char bods[] =
	    "[{\"statementId\":\"s1\",\"recordId\":\"A\",\"recordType\":\"entity\","
	    "\"recordDetails\":{\"name\":\"A\",\"jurisdiction\":{\"code\":\"CN\"}}},"
	    "{\"statementId\":\"s2\",\"recordId\":\"B\",\"recordType\":\"entity\","
	    "\"recordDetails\":{\"name\":\"B\",\"jurisdiction\":{\"code\":\"CN\"}}},"
	    "{\"statementId\":\"s3\",\"recordId\":\"F\",\"recordType\":\"person\","
	    "\"recordDetails\":{\"nationalities\":[{\"code\":\"GB\"}]}},"
	    "{\"statementId\":\"s4\",\"recordId\":\"D\",\"recordType\":\"person\","
	    "\"recordDetails\":{\"nationalities\":[{\"code\":\"CN\"}]}},"
	    "{\"statementId\":\"r1\",\"recordId\":\"r1\",\"recordType\":\"relationship\","
	    "\"recordDetails\":{\"subject\":\"A\",\"interestedParty\":\"F\",\"interests\":[{"
	    "\"type\":\"shareholding\",\"directOrIndirect\":\"direct\",\"share\":{"
	    "\"exclusiveMinimum\":40,\"maximum\":50}}]}},"
	    "{\"statementId\":\"r2\",\"recordId\":\"r2\",\"recordType\":\"relationship\","
	    "\"recordDetails\":{\"subject\":\"A\",\"interestedParty\":\"B\",\"interests\":[{"
	    "\"type\":\"shareholding\",\"directOrIndirect\":\"direct\",\"share\":{\"exact\":20}}]}}"
	    ","
	    "{\"statementId\":\"r3\",\"recordId\":\"r3\",\"recordType\":\"relationship\","
	    "\"recordDetails\":{\"subject\":\"B\",\"interestedParty\":\"A\",\"interests\":[{"
	    "\"type\":\"shareholding\",\"directOrIndirect\":\"direct\",\"share\":{\"exact\":50}}]}}"
	    ","
	    "{\"statementId\":\"r4\",\"recordId\":\"r4\",\"recordType\":\"relationship\","
	    "\"recordDetails\":{\"subject\":\"B\",\"interestedParty\":\"D\",\"interests\":[{"
	    "\"type\":\"shareholding\",\"directOrIndirect\":\"direct\",\"share\":{\"exact\":50}}]}}"
	    "]";
	kf_graph *g = mem_json(bods, KF_GRAPH_AUTO);
	kf_ownership_result *a = one(g, "A"), *b = one(g, "B");
	kf_ownership_table *t = NULL;
	kf_share_range f;
	kf_error e;
	size_t ib;
	(void)state;
	/* A: 40 / (1 - 0.2 * 0.5) = 44.44...; B: half of A */
	assert_true(a->foreign.min > S("44.444444443") && a->foreign.min < S("44.444444446"));
	assert_int_equal(a->foreign.min_open, 1);
	assert_int_equal(a->foreign.max_open, 0);
	assert_int_equal(b->foreign.min_open, 1);
	assert_true(b->in_cycle);
	/* the table of all entities carries the same ends */
	assert_int_equal(kf_ownership_compute_all(g, NULL, &t, &e), KF_OK);
	assert_int_equal(kf_graph_find(g, "B", &ib, &e), KF_OK);
	kf_ownership_table_get(t, ib, &f, NULL, NULL, NULL, NULL);
	assert_int_equal(f.min, b->foreign.min);
	assert_int_equal(f.min_open, 1);
	kf_ownership_table_free(t);
	kf_ownership_result_free(a);
	kf_ownership_result_free(b);
	kf_graph_free(g);
}

/* kf_graph_load_mem on the CSV pair gives kf_graph_load's figures and notes,
 * with the memory source's name in them. */
static void test_mem_csv_same_as_file(void **state)
{
	static const char *const dirs[] = {"cycle-2-2", "bands-50", "faithful/missing-owner",
					   "faithful/fractions-two", "decide-holdco"};
	size_t d;
	(void)state;
	for (d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
		char p1[256], p2[256];
		size_t el, hl, i;
		char *ent, *hold;
		kf_graph_source src;
		kf_graph *gf = NULL, *gm = NULL;
		kf_error e;
		snprintf(p1, sizeof p1, DATA "/%s/entities.csv", dirs[d]);
		snprintf(p2, sizeof p2, DATA "/%s/holdings.csv", dirs[d]);
		ent = slurp(p1, &el);
		hold = slurp(p2, &hl);
		memset(&src, 0, sizeof src);
		src.format = KF_GRAPH_CSV;
		src.name = "upload";
		src.entities = ent;
		src.entities_len = el;
		src.holdings = hold;
		src.holdings_len = hl;
		snprintf(p1, sizeof p1, DATA "/%s", dirs[d]);
		assert_int_equal(kf_graph_load(p1, KF_DATE_NONE, &gf, &e), KF_OK);
		assert_int_equal(kf_graph_load_mem(&src, KF_DATE_NONE, &gm, &e), KF_OK);
		assert_int_equal(kf_graph_entity_count(gf), kf_graph_entity_count(gm));
		assert_int_equal(kf_graph_warning_count(gf), kf_graph_warning_count(gm));
		for (i = 0; i < kf_graph_warning_count(gm); i++)
			assert_non_null(strstr(kf_graph_warning(gm, i), "upload/holdings.csv"));
		for (i = 0; i < kf_graph_entity_count(gf); i++) {
			kf_ownership_result *a = one(gf, kf_graph_entity_id(gf, i));
			kf_ownership_result *b = one(gm, kf_graph_entity_id(gf, i));
			assert_int_equal(a->foreign.min, b->foreign.min);
			assert_int_equal(a->foreign.max, b->foreign.max);
			assert_int_equal(a->hk_mo_tw.min, b->hk_mo_tw.min);
			kf_ownership_result_free(a);
			kf_ownership_result_free(b);
		}
		kf_graph_free(gf);
		kf_graph_free(gm);
		free(ent);
		free(hold);
	}
}

/* Errors from memory name the source: malformed CSV with line and column, a
 * document of the wrong format, an unknown format, malformed JSON. */
static void test_mem_errors(void **state)
{
	kf_graph_source src;
	kf_graph *g = NULL;
	kf_error e;
	size_t len;
	char *gleif = slurp(DATA "/gleif-self.json", &len);
	(void)state;
	memset(&src, 0, sizeof src);
	src.format = KF_GRAPH_CSV;
	src.name = "upload";
	src.entities = "id,name\nA,\"unterminated\n";
	src.entities_len = strlen(src.entities);
	src.holdings = "owner,owned,share\n";
	src.holdings_len = strlen(src.holdings);
	assert_int_equal(kf_graph_load_mem(&src, KF_DATE_NONE, &g, &e), KF_ERR_PARSE);
	assert_null(g);
	assert_string_equal(e.file, "upload/entities.csv");
	src.entities = "id,name\nA,x\n";
	src.entities_len = strlen(src.entities);
	src.holdings = "owner,owned,share\nA,A,abc\n";
	src.holdings_len = strlen(src.holdings);
	assert_int_equal(kf_graph_load_mem(&src, KF_DATE_NONE, &g, &e), KF_ERR_PARSE);
	assert_string_equal(e.file, "upload/holdings.csv");
	assert_int_equal(e.line, 2);
	src.holdings_len = 0; /* an empty holdings text: no header row */
	assert_int_equal(kf_graph_load_mem(&src, KF_DATE_NONE, &g, &e), KF_ERR_PARSE);
	assert_non_null(strstr(e.message, "is empty"));
	memset(&src, 0, sizeof src);
	src.format = KF_GRAPH_BODS;
	src.data = gleif;
	src.len = len;
	assert_int_equal(kf_graph_load_mem(&src, KF_DATE_NONE, &g, &e), KF_ERR_PARSE);
	assert_string_equal(e.field, "format");
	assert_string_equal(e.file, "(memory)");
	src.format = KF_GRAPH_GLEIF;
	assert_int_equal(kf_graph_load_mem(&src, KF_DATE_NONE, &g, &e), KF_OK);
	kf_graph_free(g);
	src.format = (kf_graph_format)9;
	assert_int_equal(kf_graph_load_mem(&src, KF_DATE_NONE, &g, &e), KF_ERR_INVALID);
	src.format = KF_GRAPH_AUTO;
	src.data = "[{\"statementID\": ";
	src.len = strlen(src.data);
	assert_int_equal(kf_graph_load_mem(&src, KF_DATE_NONE, &g, &e), KF_ERR_PARSE);
	assert_int_equal(e.line, 1);
	free(gleif);
}

/* The kaifang JSON format gives what the CSV pair gives for the same rows,
 * and carries open ends the CSV cannot write. */
static void test_mem_kaifang(void **state)
{
	static const char kj[] =
	    "{\"format\":\"kaifang\",\"entities\":[{\"id\":\"X\",\"kind\":\"entity\","
	    "\"jurisdiction\":\"CN\"},{\"id\":\"F\",\"kind\":\"person\",\"jurisdiction\":"
	    "\"US\"},{\"id\":\"H\",\"jurisdiction\":\"HK\"},{\"id\":\"P\",\"kind\":"
	    "\"person\",\"jurisdiction\":\"HK\"}],\"holdings\":[{\"owner\":\"F\",\"owned\":"
	    "\"X\",\"share\":\"30\"},{\"owner\":\"H\",\"owned\":\"X\",\"share_min\":10,"
	    "\"share_max\":\"20\",\"share_min_open\":true},{\"owner\":\"P\",\"owned\":\"H\","
	    "\"share\":100}]}";
	kf_graph *g = mem_json(kj, KF_GRAPH_KAIFANG), *g2 = mem_json(kj, KF_GRAPH_AUTO);
	kf_ownership_result *r = one(g, "X"), *r2 = one(g2, "X");
	(void)state;
	assert_int_equal(r->foreign.min, S("40"));
	assert_int_equal(r->foreign.max, S("100"));
	assert_int_equal(r->foreign.min_open, 1);
	assert_int_equal(r->hk_mo_tw.min, S("10"));
	assert_int_equal(r->hk_mo_tw.min_open, 1);
	assert_int_equal(r2->foreign.min, r->foreign.min);
	assert_int_equal(r2->foreign.min_open, 1);
	kf_ownership_result_free(r);
	kf_ownership_result_free(r2);
	kf_graph_free(g);
	kf_graph_free(g2);
}

/* An excluded end needs that bound given: an open end on an unknown share
 * (read as [0, 100] with 0 or 100 excluded) is an error in the CSV pair
 * (file:line:col) and in kaifang JSON (record and member); BODS 0.2/0.3
 * `exclusiveMinimum: true` without a minimum is noted and ignored
 * (docs/ownership.md "Faithful to the data"). Inputs under bad/ and faithful/. */
static void test_open_end_needs_bound(void **state)
{
	kf_graph_source src;
	kf_graph *g = NULL;
	kf_error e;
	size_t len, elen, hlen, i, notes = 0;
	char *kj = slurp(DATA "/bad/kaifang-open-unknown.json", &len);
	char *ent = slurp(DATA "/bad/open-unknown/entities.csv", &elen);
	char *hold = slurp(DATA "/bad/open-unknown/holdings.csv", &hlen);
	kf_ownership_result *r;
	(void)state;
	memset(&src, 0, sizeof src);
	src.format = KF_GRAPH_KAIFANG;
	src.name = "upload";
	src.data = kj;
	src.len = len;
	assert_int_equal(kf_graph_load_mem(&src, KF_DATE_NONE, &g, &e), KF_ERR_INVALID);
	assert_null(g);
	assert_string_equal(e.field, "share_max_open");
	assert_string_equal(e.message, "holdings[1]: share_max_open is true but share_max is not "
				       "given; expected share_max given (an excluded end needs "
				       "that bound) or share_max_open false");
	memset(&src, 0, sizeof src);
	src.format = KF_GRAPH_CSV;
	src.name = "upload";
	src.entities = ent;
	src.entities_len = elen;
	src.holdings = hold;
	src.holdings_len = hlen;
	assert_int_equal(kf_graph_load_mem(&src, KF_DATE_NONE, &g, &e), KF_ERR_INVALID);
	assert_string_equal(e.file, "upload/holdings.csv");
	assert_int_equal(e.line, 2);
	assert_int_equal(e.column, 8);
	assert_string_equal(e.field, "share_min_open");
	assert_non_null(strstr(e.message, "share_min_open 'true' but share_min is empty; "
					  "expected share_min given"));
	/* an open end beside its bound is still read: (10, 20] */
	src.holdings = "owner,owned,share_min,share_max,share_min_open\nF,X,10,20,true\n";
	src.holdings_len = strlen(src.holdings);
	assert_int_equal(kf_graph_load_mem(&src, KF_DATE_NONE, &g, &e), KF_OK);
	r = one(g, "X");
	assert_int_equal(r->foreign.min, S("10"));
	assert_int_equal(r->foreign.min_open, 1);
	kf_ownership_result_free(r);
	kf_graph_free(g);
	free(kj);
	free(ent);
	free(hold);

	/* BODS 0.2: maximum 40 with exclusiveMinimum true and no minimum is [0, 40]
	 * (no open end), an unknown share with exclusiveMinimum true is unknown;
	 * each is noted */
	kj = slurp(DATA "/faithful/bods02-open-no-bound.json", &len);
	g = mem_json(kj, KF_GRAPH_BODS);
	r = one(g, "x");
	assert_int_equal(r->ndeciding, 2);
	for (i = 0; i < r->ndeciding; i++) {
		assert_int_equal(r->deciding[i].share.min, 0);
		assert_int_equal(r->deciding[i].share.min_open, 0);
		assert_int_equal(r->deciding[i].share.max_open, 0);
	}
	assert_string_equal(r->deciding[1].owner, "f");
	assert_int_equal(r->deciding[1].share.max, S("40"));
	kf_ownership_result_free(r);
	for (i = 0; i < kf_graph_warning_count(g); i++)
		if (strstr(kf_graph_warning(g, i),
			   "interest 1: exclusiveMinimum is true but no minimum is given; the "
			   "flag is ignored"))
			notes++;
	assert_int_equal(notes, 2);
	kf_graph_free(g);
	free(kj);
}

/* Out of memory anywhere in a load from memory is reported, never a crash. */
static void test_mem_oom(void **state)
{
	long n;
	size_t len;
	char *bods = slurp(DATA "/faithful/bods04-missing-party.json", &len);
	(void)state;
	for (n = 0; n < 600; n++) {
		kf_graph_source src;
		kf_graph *g = NULL;
		kf_ownership_result *r = NULL;
		kf_error e;
		kf_status st;
		memset(&src, 0, sizeof src);
		src.data = bods;
		src.len = len;
		kf__alloc_fail_after(n);
		st = kf_graph_load_mem(&src, KF_DATE_NONE, &g, &e);
		if (st == KF_OK) {
			st = kf_ownership_compute(g, "x", NULL, &r, &e);
			kf_ownership_result_free(r);
		}
		kf__alloc_fail_after(-1);
		kf_graph_free(g);
		if (st == KF_OK)
			break;
		assert_int_equal(st, KF_ERR_NOMEM);
	}
	assert_true(n < 600);
	free(bods);
}

/* text with its newlines written \n, for a JSON string (out: size bytes) */
static void json_lines(const char *in, char *out, size_t size)
{
	size_t k = 0;
	for (; *in && k + 3 < size; in++) {
		if (*in == '\n') {
			out[k++] = '\\';
			out[k++] = 'n';
		} else
			out[k++] = *in;
	}
	assert_int_equal(*in, '\0'); /* all of it fitted */
	out[k] = '\0';
}

/* A posted question with its ownership (inline CSV, then a $ref to it) decides
 * as decide --ownership: the share range, its open ends, the other test. */
static void test_question_with_ownership(void **state)
{
	kf_rulebook *rb = NULL;
	kf_error e, *errs = NULL;
	kf_question *qs = NULL;
	kf_question_ownership *owns = NULL;
	size_t n = 0, el, hl;
	int arr = 0;
	char *ent = slurp(DATA "/decide-holdco/entities.csv", &el);
	char *hold = slurp(DATA "/decide-holdco/holdings.csv", &hl);
	char body[8192];
	kf_decision *d = NULL;
	char *j;
	(void)state;
	assert_int_equal(kf_rulebook_load("rulebooks/cn-telecom", &rb, &e, NULL), KF_OK);
	/* the CSV texts as JSON strings: these files hold no quote or backslash */
	{
		char *p;
		for (p = ent; *p; p++)
			assert_true(*p != '"' && *p != '\\');
		for (p = hold; *p; p++)
			assert_true(*p != '"' && *p != '\\');
	}
	{
		char ej[2048] = {0}, hj[2048] = {0};
		json_lines(ent, ej, sizeof ej);
		json_lines(hold, hj, sizeof hj);
		snprintf(
		    body, sizeof body,
		    "[{\"service\":\"ip-vpn\",\"region\":\"Hangzhou\",\"date\":\"2025-06-01\","
		    "\"outside_zones\":true,\"ownership\":{\"format\":\"csv\",\"entities\":\"%s\","
		    "\"holdings\":\"%s\"},\"applicant\":\"X\"},"
		    "{\"service\":\"ip-vpn\",\"region\":\"Hangzhou\",\"date\":\"2025-06-01\","
		    "\"outside_zones\":true,\"ownership\":{\"$ref\":\"#/0/ownership\"},"
		    "\"applicant\":\"X\",\"legal_form\":true},"
		    "{\"service\":\"ip-vpn\",\"region\":\"Hangzhou\",\"applicant\":\"X\"},"
		    "{\"service\":\"ip-vpn\",\"region\":\"Hangzhou\",\"foreign_share\":10,"
		    "\"ownership\":{\"$ref\":\"#/0/ownership\"},\"applicant\":\"X\"},"
		    "{\"service\":\"ip-vpn\",\"region\":\"Hangzhou\","
		    "\"ownership\":{\"$ref\":\"#/1/ownership\"},\"applicant\":\"X\"}]",
		    ej, hj);
	}
	assert_int_equal(kf_questions_from_json_own(rb, body, strlen(body), 100, &qs, &errs, &owns,
						    &n, &arr, &e),
			 KF_OK);
	assert_int_equal(n, 5);
	assert_int_equal(errs[0].status, KF_OK);
	assert_int_equal(errs[1].status, KF_OK);
	assert_non_null(owns[0].share);
	/* look-through 48% (tests/cli/test_decide.sh "the two ownership tests") */
	assert_int_equal(qs[0].share, S("48"));
	assert_int_equal(qs[1].share, S("80"));
	assert_int_equal(kf_decide(rb, &qs[0], 0, &d, &e), KF_OK);
	j = kf_decision_json_ownership(d, owns[0].share);
	assert_non_null(strstr(j, "\"outcome\":\"permitted\""));
	assert_non_null(strstr(j, "\"other_test\":{\"test\":\"legal-form\",\"foreign_share\":{"
				  "\"min\":80,\"max\":80},\"outcome\":\"exceeds_cap\"}"));
	assert_non_null(strstr(j, "\"source\":\"request\""));
	kf_free(j);
	kf_decision_free(d);
	assert_string_equal(errs[2].code, "missing_field");
	assert_string_equal(errs[2].field, "ownership");
	assert_string_equal(errs[3].code, "bad_ownership");
	assert_string_equal(errs[3].field, "foreign_share");
	assert_string_equal(errs[4].code, "bad_ownership"); /* a $ref to a $ref */
	kf_question_ownership_free(owns, n);
	kf_free(qs);
	kf_free(errs);
	kf_rulebook_free(rb);
	free(ent);
	free(hold);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vs_cap_open_ends),
	    cmocka_unit_test(test_open_end_through_cycle),
	    cmocka_unit_test(test_mem_csv_same_as_file),
	    cmocka_unit_test(test_mem_errors),
	    cmocka_unit_test(test_mem_oom),
	    cmocka_unit_test(test_mem_kaifang),
	    cmocka_unit_test(test_open_end_needs_bound),
	    cmocka_unit_test(test_question_with_ownership),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
