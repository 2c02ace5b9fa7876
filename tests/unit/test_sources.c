/*
 * test_sources.c — unit tests of the source register and the document keys
 * url, url_official, mirror_url and sources (docs/rulebook.md "documents",
 * "sources"). Each test writes a small rulebook into a temp folder: the mini
 * catalogue and places of tests/data/rulebooks/mini, a register and documents.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kaifang/kaifang.h"

#define MINI "tests/data/rulebooks/mini"

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

static void copy_file(const char *to_dir, const char *name)
{
	char p[512], buf[16384];
	FILE *f;
	size_t n;
	snprintf(p, sizeof p, "%s/%s", MINI, name);
	f = fopen(p, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	write_file(to_dir, name, buf);
}

static const char *const REGISTER =
    "sources:\n"
    "  - {id: S31h, title: \"2018 FTZ list analysis\", url: "
    "\"http://www.wyazu.cn/newsarticle/1043\","
    " kind: law-firm, seen: 2025-12-01}\n"
    "  - {id: T26-A1-pingwest, title: PingWest, url: \"https://en.pingwest.com/w/9390\", kind: "
    "news,"
    " seen: 2026-12-01, note: \"19 Oct 2021\"}\n"
    "  - {id: S29, title: \"Telecom Regulations (LawRefBook)\", kind: mirror, seen: 2025-12-01}\n";

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

/* Removes a test's temporary folder and what is in it. */
static void rm_tree(const char *dir) { nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS); }

/* Loads mini plus `register_yaml` (sources.yaml) and `docs` (docs.yaml). */
static kf_status load(const char *register_yaml, const char *docs, kf_rulebook **out, kf_error *e,
		      char **all)
{
	char dir[] = "/tmp/kf-src-XXXXXX";
	kf_status st;
	assert_non_null(mkdtemp(dir));
	copy_file(dir, "catalogue.yaml");
	copy_file(dir, "places.yaml");
	copy_file(dir, "measures.yaml");
	write_file(
	    dir, "rulebook.yaml",
	    "rulebook:\n  id: mini\n  title: {en: t, zh: t}\n  edition: \"test-1\"\n"
	    "  files: [catalogue.yaml, places.yaml, docs.yaml, sources.yaml, measures.yaml]\n");
	write_file(dir, "sources.yaml", register_yaml);
	write_file(dir, "docs.yaml", docs);
	*out = NULL;
	st = kf_rulebook_load(dir, out, e, all);
	rm_tree(dir); /* the loaded rulebook holds no reference to its files */
	return st;
}

/* the register and its accessors; a document's sources resolve to it */
static void test_register(void **state)
{
	kf_rulebook *rb;
	kf_error e;
	const kf_source_info *s;
	const kf_document_info *d = NULL;
	int i;
	(void)state;
	assert_int_equal(
	    load(REGISTER,
		 "documents:\n"
		 "  - {id: doc-c, title: {en: C, zh: C}, issuer: MIIT,"
		 " url: \"https://www.gov.cn/c\", url_official: true,"
		 " mirror_url: \"https://example.org/c\", sources: [T26-A1-pingwest, S31h]}\n",
		 &rb, &e, NULL),
	    KF_OK);
	assert_int_equal(kf_rulebook_n_sources(rb), 3);
	s = kf_rulebook_source(rb, 1);
	assert_string_equal(s->id, "T26-A1-pingwest");
	assert_string_equal(s->kind, "news");
	assert_string_equal(s->url, "https://en.pingwest.com/w/9390");
	assert_string_equal(s->note, "19 Oct 2021");
	{
		kf_date d1;
		assert_int_equal(kf_date_parse("2026-12-01", &d1, &e), KF_OK);
		assert_int_equal(s->seen, d1);
	}
	s = kf_rulebook_source(rb, 2);
	assert_string_equal(s->url, ""); /* optional: the register may record none */
	for (i = 0; i < kf_rulebook_n_documents(rb); i++)
		if (!strcmp(kf_rulebook_document(rb, i)->id, "doc-c"))
			d = kf_rulebook_document(rb, i);
	assert_non_null(d);
	assert_int_equal(d->url_official, 1);
	assert_string_equal(d->mirror_url, "https://example.org/c");
	assert_int_equal(d->n_sources, 2);
	assert_string_equal(kf_rulebook_source(rb, d->sources[0])->id, "T26-A1-pingwest");
	assert_string_equal(kf_rulebook_source(rb, d->sources[1])->id, "S31h");
	kf_rulebook_free(rb);
}

/* unknown source ids, missing url / url_official, bad kind and seen */
static void test_errors(void **state)
{
	kf_rulebook *rb;
	kf_error e;
	char *all = NULL;
	(void)state;
	assert_int_equal(load(REGISTER,
			      "documents:\n"
			      "  - {id: doc-c, title: {en: C, zh: C}, issuer: MIIT,"
			      " url: \"https://x\", url_official: false, sources: [S31j]}\n",
			      &rb, &e, NULL),
			 KF_ERR_INVALID);
	assert_null(rb);
	assert_non_null(strstr(e.message, "unknown source 'S31j'; nearest known: S31h"));
	assert_int_equal(
	    load("sources:\n  - {id: S1, title: t, kind: blog, seen: 2025-13-01}\n"
		 "  - {id: S2, kind: news, seen: 2025-12-01, colour: red}\n",
		 "documents:\n"
		 "  - {id: doc-c, title: {en: C, zh: C}, issuer: MIIT, url: \"\"}\n"
		 "  - {id: doc-d, title: {en: D, zh: D}, issuer: MIIT, url: \"https://x\","
		 " url_official: maybe}\n"
		 "  - {id: doc-e, title: {en: E, zh: E}, issuer: MIIT, url: \"https://x\","
		 " url_official: false, mirror_url: \"https://y\"}\n",
		 &rb, &e, &all),
	    KF_ERR_INVALID);
	assert_non_null(all);
	assert_non_null(strstr(all, "source kind 'blog' is not official"));
	assert_non_null(strstr(all, "source 'S1' without 'seen'"));
	assert_non_null(strstr(all, "source 'S2' without 'title'"));
	assert_non_null(strstr(all, "'colour'"));
	assert_non_null(strstr(all, "document 'doc-c' without a non-empty 'url'"));
	assert_non_null(strstr(all, "document 'doc-c' without 'url_official: true|false'"));
	assert_non_null(strstr(all, "'url_official' must be true or false, not 'maybe'"));
	assert_non_null(strstr(all, "document 'doc-e' has a 'mirror_url'"));
	kf_free(all);
}

/* the shipped rulebook: every document has a url and says whether it is official */
static void test_shipped(void **state)
{
	kf_rulebook *rb = NULL;
	kf_error e;
	int i, j, official = 0;
	(void)state;
	assert_int_equal(kf_rulebook_load("rulebooks/cn-telecom", &rb, &e, NULL), KF_OK);
	assert_true(kf_rulebook_n_sources(rb) > 100);
	for (i = 0; i < kf_rulebook_n_documents(rb); i++) {
		const kf_document_info *d = kf_rulebook_document(rb, i);
		assert_true(d->url[0] != '\0');
		official += d->url_official;
		for (j = 0; j < d->n_sources; j++)
			assert_true(d->sources[j] >= 0 &&
				    d->sources[j] < kf_rulebook_n_sources(rb));
	}
	assert_true(official >= 3); /* nl-2024, notice-107, bj-2021-adjustment */
	kf_rulebook_free(rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_register),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_shipped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
