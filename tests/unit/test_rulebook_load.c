/*
 * test_rulebook_load.c — the rulebook loader's `include` and `files` entries
 * (docs/rulebook.md "Shared files"): a missing file is reported at its entry
 * in rulebook.yaml (file:line:col), an include is spelt ../FOLDER/FILE.yaml
 * only and written as a list; and loading a rulebook with many zones stays
 * linear (the region index is lists, not nreg x nreg bitsets).
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

static const char *const SHARED =
    "regions:\n  - {id: CN, kind: country, name: {en: China, zh: 中国}}\n"
    "  - {id: P, kind: province, parents: [CN], name: {en: Pee, zh: 省}}\n"
    "investors:\n  - {id: foreign, name: {en: F, zh: 外}, foreign: true}\n";

static const char *const OWN =
    "services:\n  - {id: S, name: {en: S, zh: 甲}}\n"
    "documents:\n  - {id: d, title: {en: D, zh: 文}, issuer: X, url: "
    "https://example.org/d, url_official: false}\n"
    "measures:\n  - id: m\n    document: d\n    article: x\n    summary: s\n"
    "    effective_from: 2018-01-01\n    status: in-force\n    certainty: confirmed\n"
    "    services: [S]\n    regions: [CN]\n    effect: closed\n";

/* Writes TOP/common/shared.yaml, TOP/common/sub/shared.yaml and TOP/rb with
 * rulebook.yaml = head + `include_text` + files: [own.yaml]; returns TOP/rb
 * in dir (PATH_MAX). */
static void make_tree(char *top, const char *include_text, char *dir, size_t size)
{
	char p[600], text[2048];
	strcpy(top, "/tmp/kf-incl-XXXXXX");
	assert_non_null(mkdtemp(top));
	snprintf(p, sizeof p, "%s/common", top);
	assert_int_equal(mkdir(p, 0700), 0);
	write_file(p, "shared.yaml", SHARED);
	snprintf(p, sizeof p, "%s/common/sub", top);
	assert_int_equal(mkdir(p, 0700), 0);
	write_file(p, "shared.yaml", SHARED);
	snprintf(dir, size, "%s/rb", top);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(text, sizeof text,
		 "rulebook:\n  id: incl\n  title: {en: Incl, zh: 含}\n  edition: \"1\"\n"
		 "%s  files:\n    - own.yaml\n",
		 include_text);
	write_file(dir, "rulebook.yaml", text);
	write_file(dir, "own.yaml", OWN);
}

/* Loads the tree with `include_text`; the status, and the first error in *e. */
static kf_status load_incl(const char *include_text, kf_error *e, char **all)
{
	char top[64], dir[256];
	kf_rulebook *rb = NULL;
	kf_status st;
	make_tree(top, include_text, dir, sizeof dir);
	st = kf_rulebook_load(dir, &rb, e, all);
	if (st == KF_OK)
		assert_non_null(rb);
	else
		assert_null(rb);
	kf_rulebook_free(rb);
	return st;
}

static void test_include_ok(void **state)
{
	kf_error e;
	(void)state;
	assert_int_equal(load_incl("  include:\n    - ../common/shared.yaml\n", &e, NULL), KF_OK);
	assert_int_equal(load_incl("  include: [../common/shared.yaml]\n", &e, NULL), KF_OK);
}

/* issue: a missing include was reported as DIR/../common/nope.yaml with no
 * line or column; it is reported at its entry in rulebook.yaml */
static void test_missing_include_at_entry(void **state)
{
	kf_error e;
	(void)state;
	assert_int_equal(load_incl("  include:\n    - ../common/shared.yaml\n"
				   "    - ../common/nope.yaml\n",
				   &e, NULL),
			 KF_ERR_INVALID);
	assert_string_equal(e.file, "rulebook.yaml");
	assert_int_equal(e.line, 7);
	assert_int_equal(e.column, 7);
	assert_non_null(strstr(e.message, "included file '../common/nope.yaml' cannot be opened"));
	assert_non_null(strstr(e.message, "No such file or directory"));
	assert_non_null(strstr(e.message, "expected a file of a folder beside the rulebook"));
}

static void test_missing_listed_file_at_entry(void **state)
{
	char top[64], dir[256];
	kf_rulebook *rb = NULL;
	kf_error e;
	(void)state;
	make_tree(top, "  include: [../common/shared.yaml]\n", dir, sizeof dir);
	write_file(dir, "rulebook.yaml",
		   "rulebook:\n  id: incl\n  title: {en: Incl, zh: 含}\n  edition: \"1\"\n"
		   "  include: [../common/shared.yaml]\n  files:\n    - own.yaml\n"
		   "    - gone.yaml\n");
	assert_int_equal(kf_rulebook_load(dir, &rb, &e, NULL), KF_ERR_INVALID);
	assert_null(rb);
	assert_string_equal(e.file, "rulebook.yaml");
	assert_int_equal(e.line, 8);
	assert_int_equal(e.column, 7);
	assert_non_null(strstr(e.message, "listed file 'gone.yaml' cannot be opened"));
}

/* docs/rulebook.md: an include is written ../FOLDER/FILE.yaml, nothing else,
 * so that one file has one spelling in the content hash */
static void test_include_spelling(void **state)
{
	static const char *const bad[] = {"../common/./shared.yaml",
					  "../common/sub/shared.yaml",
					  "../common//shared.yaml",
					  "../common/../common/shared.yaml",
					  "../../common/shared.yaml",
					  "common/shared.yaml",
					  "../common/shared.yml",
					  "../common/.shared.yaml",
					  "../.common/shared.yaml",
					  "../common/",
					  NULL};
	const char *const *b;
	char text[256];
	kf_error e;
	(void)state;
	for (b = bad; *b; b++) {
		snprintf(text, sizeof text, "  include:\n    - %s\n", *b);
		assert_int_equal(load_incl(text, &e, NULL), KF_ERR_INVALID);
		assert_string_equal(e.file, "rulebook.yaml");
		assert_int_equal(e.line, 6);
		assert_int_equal(e.column, 7);
		assert_non_null(strstr(e.message, "must be written '../FOLDER/FILE.yaml'"));
		assert_non_null(strstr(e.message, *b));
	}
	/* a scalar is not a list */
	assert_int_equal(load_incl("  include: ../common/shared.yaml\n", &e, NULL), KF_ERR_INVALID);
	assert_int_equal(e.line, 5);
	assert_int_equal(e.column, 12);
	assert_non_null(strstr(e.message, "'include' must be a list of files"));
	/* twice */
	assert_int_equal(load_incl("  include:\n    - ../common/shared.yaml\n"
				   "    - ../common/shared.yaml\n",
				   &e, NULL),
			 KF_ERR_INVALID);
	assert_int_equal(e.line, 7);
	assert_non_null(strstr(e.message, "is listed twice"));
}

/* Many zones under one province: every one found, every answer the same, in
 * lists linear in the zones (a 20,000-zone rulebook once took ~64 MB of
 * bitsets per index matrix; bench/gen_zones.py measures the time) */
static void test_many_zones(void **state)
{
	char top[64], dir[256], p[600];
	kf_rulebook *rb = NULL;
	kf_error e;
	kf_question q;
	kf_verdict v;
	FILE *f;
	int i, n = 20000;
	(void)state;
	make_tree(top, "  include: [../common/shared.yaml]\n", dir, sizeof dir);
	snprintf(p, sizeof p, "%s/own.yaml", dir);
	f = fopen(p, "a");
	assert_non_null(f);
	fputs("regions:\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "  - {id: z%d, kind: zone, parents: [P], name: {en: Zone %d}}\n", i, i);
	fputs("  - {id: last, kind: zone, parents: [z19999], name: {en: Last}}\n", f);
	fclose(f);
	assert_int_equal(kf_rulebook_load(dir, &rb, &e, NULL), KF_OK);
	assert_int_equal(kf_rulebook_n_regions(rb), n + 3);
	{
		int last = kf_rulebook_find_region(rb, "last", NULL, NULL);
		int z = kf_rulebook_find_region(rb, "z19999", NULL, NULL);
		int pp = kf_rulebook_find_region(rb, "P", NULL, NULL);
		int cn = kf_rulebook_find_region(rb, "CN", NULL, NULL);
		assert_true(kf_rulebook_region_within(rb, last, z));
		assert_true(kf_rulebook_region_within(rb, last, pp));
		assert_true(kf_rulebook_region_within(rb, last, cn));
		assert_false(kf_rulebook_region_within(rb, z, last));
		assert_false(kf_rulebook_region_within(
		    rb, kf_rulebook_find_region(rb, "z0", NULL, NULL), z));
	}
	assert_int_equal(kf_question_parse(rb, "S", "last", "2025-01-01", NULL, NULL, 0, &q, &e),
			 KF_OK);
	assert_int_equal(kf_decide_verdict(rb, &q, &v, &e), KF_OK);
	assert_int_equal(v.outcome, KF_CLOSED);
	assert_int_equal(kf_question_parse(rb, "S", "P", "2025-01-01", NULL, NULL, 0, &q, &e),
			 KF_OK);
	assert_int_equal(kf_decide_verdict(rb, &q, &v, &e), KF_OK);
	assert_int_equal(v.outcome, KF_CLOSED);
	assert_int_equal(v.n_missing, 0);
	kf_rulebook_free(rb);
}

/* Thousands of errors are errors, not "out of memory": the list keeps its
 * first megabyte and counts the rest; an entry without a name is one error */
static void test_many_errors(void **state)
{
	char top[64], dir[256], p[600];
	kf_rulebook *rb = NULL;
	kf_error e;
	char *all = NULL;
	FILE *f;
	int i;
	(void)state;
	make_tree(top, "  include: [../common/shared.yaml]\n", dir, sizeof dir);
	snprintf(p, sizeof p, "%s/own.yaml", dir);
	f = fopen(p, "a");
	assert_non_null(f);
	fputs("regions:\n", f);
	for (i = 0; i < 20000; i++)
		fprintf(f, "  - {id: z%d, kind: zone, parents: [P]}\n", i);
	fclose(f);
	assert_int_equal(kf_rulebook_load(dir, &rb, &e, &all), KF_ERR_INVALID);
	assert_null(rb);
	assert_non_null(
	    strstr(e.message, "region without 'name'; expected name: {en: ..., zh: ...}"));
	assert_non_null(strstr(e.message, "(and 19999 more errors)"));
	assert_non_null(all);
	assert_non_null(strstr(all, "more errors, not listed\n"));
	assert_null(strstr(all, "unknown key 'id' in 'name'"));
	kf_free(all);
}

/* docs/rulebook.md "Limits": regions nested beyond 2^24 (region, ancestor)
 * pairs are refused with an error naming the region, not minutes of load: a
 * chain of 5,800 regions has 5,800 * 5,801 / 2 + ... > 16,777,216 pairs;
 * 5,000 (12.5 million pairs) load */
static int load_chain(int n, kf_error *e)
{
	char top[64], dir[256], p[600];
	kf_rulebook *rb = NULL;
	FILE *f;
	int i, st;
	make_tree(top, "  include: [../common/shared.yaml]\n", dir, sizeof dir);
	snprintf(p, sizeof p, "%s/own.yaml", dir);
	f = fopen(p, "a");
	assert_non_null(f);
	fputs("regions:\n  - {id: c0, kind: zone, parents: [P], name: {en: C}}\n", f);
	for (i = 1; i < n; i++)
		fprintf(f, "  - {id: c%d, kind: zone, parents: [c%d], name: {en: C}}\n", i, i - 1);
	fclose(f);
	st = kf_rulebook_load(dir, &rb, e, NULL);
	if (st == KF_OK) {
		assert_true(
		    kf_rulebook_region_within(rb, kf_rulebook_find_region(rb, "c4999", NULL, NULL),
					      kf_rulebook_find_region(rb, "c0", NULL, NULL)));
		assert_false(
		    kf_rulebook_region_within(rb, kf_rulebook_find_region(rb, "c0", NULL, NULL),
					      kf_rulebook_find_region(rb, "c4999", NULL, NULL)));
	}
	kf_rulebook_free(rb);
	return st;
}

static void test_nesting_limit(void **state)
{
	kf_error e;
	(void)state;
	assert_int_equal(load_chain(5000, &e), KF_OK);
	assert_int_equal(load_chain(5800, &e), KF_ERR_INVALID);
	assert_string_equal(e.field, "regions");
	assert_non_null(strstr(e.message, "the regions nest too deeply: more than 16777216 "
					  "(region, ancestor) pairs by region 'c57"));
	assert_non_null(strstr(e.message, "docs/rulebook.md \"Limits\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_include_ok),
	    cmocka_unit_test(test_missing_include_at_entry),
	    cmocka_unit_test(test_missing_listed_file_at_entry),
	    cmocka_unit_test(test_include_spelling),
	    cmocka_unit_test(test_many_zones),
	    cmocka_unit_test(test_many_errors),
	    cmocka_unit_test(test_nesting_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
