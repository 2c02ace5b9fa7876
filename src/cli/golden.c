/*
 * cli/golden.c — runs a rulebook's golden decision cases (golden/ *.yaml,
 * format in docs/rulebook.md "Golden cases") and reports every measure that
 * no case exercises. Used by `kaifang check` and so by `make test`. Reading a
 * case is golden_case.c (strict), checking it golden_check.c.
 */
#include <glob.h>
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/golden.h"

struct run {
	const kf_rulebook *rb;
	FILE *out;
	int verbose;
	char *seen; /* per measure: exercised by a case */
	int passes, fails, bad, ncases;
	FILE *list; /* kf_cli_golden_questions: print each question here, decide none */
};

/* One case as a JSON line (kf_cli_golden_questions): file, line, name,
 * measure, the question's fields as written (null when absent) and the
 * refusal text the case expects (null when it expects an answer). */
static int print_question(FILE *f, const char *path, const golden_case *c)
{
	kf_json *w = kf_json_new();
	char *s;
	int i;
	kf_json_object_begin(w);
	kf_json_key(w, "file");
	kf_json_string(w, path);
	kf_json_key(w, "line");
	kf_json_int(w, c->line);
	kf_json_key(w, "name");
	kf_json_string(w, c->name);
	kf_json_key(w, "measure");
	kf_json_string(w, c->measure);
	kf_json_key(w, "question");
	kf_json_object_begin(w);
	for (i = 0; i < KF_QUESTION_NFIELDS; i++) {
		kf_json_key(w, kf_question_fields[i]);
		kf_json_string(w, c->question[i]);
	}
	kf_json_object_end(w);
	kf_json_key(w, "error");
	kf_json_string(w, c->error);
	kf_json_object_end(w);
	s = kf_json_finish(w);
	if (!s)
		return -1;
	fprintf(f, "%s\n", s);
	kf_free(s);
	return 0;
}

static void run_case(struct run *r, const char *path, struct fy_node *cs)
{
	golden_case c;
	char why[1200];
	kf_error e;
	int m, ok;
	r->ncases++;
	if (golden_case_read(path, cs, &c, why, sizeof why)) {
		kf_cli_err("%s", why);
		r->bad = 1;
		r->fails++;
		return;
	}
	if (r->list) {
		if (print_question(r->list, path, &c) < 0) {
			kf_cli_err("out of memory writing the questions");
			r->bad = 1;
		}
		return;
	}
	if (!c.measure || (m = kf_rulebook_find_measure(r->rb, c.measure, NULL, &e)) < 0) {
		kf_cli_err("%s:%d:%d: case '%s': %s", path, c.line, c.col, c.name,
			   c.measure ? e.message : "no 'measure' named");
		r->fails++;
		return;
	}
	r->seen[m] = 1;
	ok = golden_case_check(r->rb, &c, why, sizeof why);
	if (ok == 1) {
		r->passes++;
		if (r->verbose && r->out)
			fprintf(r->out, "ok   %s:%d %s\n", path, c.line, c.name);
		return;
	}
	r->fails++;
	if (ok < 0)
		kf_cli_err("%s:%d:%d: case '%s': %s", path, c.line, c.col, c.name, why);
	else
		kf_cli_err("golden case failed: %s:%d:%d: '%s' (measure %s): %s", path, c.line,
			   c.col, c.name, c.measure, why);
}

static void run_file(struct run *r, const char *path)
{
	struct fy_document *fyd = fy_document_build_from_file(NULL, path);
	struct fy_node *root, *cases;
	int n, k;
	if (!fyd) {
		kf_cli_err("%s: malformed YAML", path);
		r->bad = 1;
		return;
	}
	root = fy_document_root(fyd);
	cases = root && fy_node_get_type(root) == FYNT_MAPPING
		    ? fy_node_mapping_lookup_by_string(root, "cases", FY_NT)
		    : NULL;
	if (!cases || fy_node_get_type(cases) != FYNT_SEQUENCE ||
	    fy_node_mapping_item_count(root) != 1) {
		kf_cli_err("%s: expected only 'cases:' with a list of cases", path);
		r->bad = 1;
	} else {
		n = fy_node_sequence_item_count(cases);
		for (k = 0; k < n; k++)
			run_case(r, path, fy_node_sequence_get_by_index(cases, k));
	}
	fy_document_destroy(fyd);
}

int kf_cli_golden(const kf_rulebook *rb, const char *dir, FILE *out, int verbose, int *ncases,
		  int *unexercised)
{
	char pat[4096];
	glob_t g;
	size_t gi;
	int nm = kf_rulebook_n_measures(rb), i;
	struct run r = {rb, out, verbose, NULL, 0, 0, 0, 0, NULL};
	*ncases = 0;
	*unexercised = 0;
	r.seen = calloc((size_t)nm + 1, 1);
	if (!r.seen)
		return -1;
	snprintf(pat, sizeof pat, "%s/golden/*.yaml", dir);
	if (glob(pat, 0, NULL, &g) != 0) {
		free(r.seen);
		if (out)
			fprintf(out, "golden: no cases in %s/golden\n", dir);
		return 0;
	}
	for (gi = 0; gi < g.gl_pathc; gi++)
		run_file(&r, g.gl_pathv[gi]);
	globfree(&g);
	for (i = 0; i < nm; i++)
		if (!r.seen[i]) {
			(*unexercised)++;
			kf_cli_err("lint: measure '%s' is exercised by no golden case",
				   kf_rulebook_measure(rb, i)->id);
		}
	free(r.seen);
	*ncases = r.ncases;
	if (out)
		fprintf(out, "golden: %d passed, %d failed\n", r.passes, r.fails);
	return r.bad ? -1 : r.fails;
}

int kf_cli_golden_questions(const char *dir, FILE *out)
{
	char pat[4096];
	glob_t g;
	size_t gi;
	struct run r = {NULL, NULL, 0, NULL, 0, 0, 0, 0, out};
	snprintf(pat, sizeof pat, "%s/golden/*.yaml", dir);
	if (glob(pat, 0, NULL, &g) != 0)
		return 0;
	for (gi = 0; gi < g.gl_pathc; gi++)
		run_file(&r, g.gl_pathv[gi]);
	globfree(&g);
	return r.bad ? -1 : r.ncases;
}
