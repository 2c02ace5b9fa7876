/*
 * cli/golden.c — runs a rulebook's golden decision cases (golden/ *.yaml,
 * format in docs/rulebook.md "Golden cases") and reports every measure that
 * no case exercises. Used by `kaifang check` and so by `make test`.
 */
#include <glob.h>
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *sc(struct fy_node *n)
{
	static char buf[8][512];
	static int k;
	size_t len;
	const char *s;
	if (!n || fy_node_get_type(n) != FYNT_SCALAR)
		return NULL;
	s = fy_node_get_scalar(n, &len);
	k = (k + 1) % 8;
	if (len >= sizeof buf[0])
		len = sizeof buf[0] - 1;
	memcpy(buf[k], s, len);
	buf[k][len] = '\0';
	if (fy_node_get_style(n) == FYNS_PLAIN && (!strcmp(buf[k], "null") || !strcmp(buf[k], "~")))
		return NULL;
	return buf[k];
}

static struct fy_node *get(struct fy_node *m, const char *k)
{
	return m && fy_node_get_type(m) == FYNT_MAPPING
		   ? fy_node_mapping_lookup_by_string(m, k, FY_NT)
		   : NULL;
}

static int line_of(struct fy_node *n)
{
	struct fy_node_pair *p;
	while (n && fy_node_get_type(n) == FYNT_MAPPING) {
		p = fy_node_mapping_get_by_index(n, 0);
		n = p ? fy_node_pair_key(p) : NULL;
	}
	if (n && fy_node_get_type(n) == FYNT_SCALAR) {
		const struct fy_mark *m = fy_token_start_mark(fy_node_get_scalar_token(n));
		return m ? m->line + 1 : 0;
	}
	return 0;
}

/* compares a list of ids in the YAML against measure indexes (as a set) */
static int same_set(const kf_rulebook *rb, struct fy_node *list, const int *v, int n, char *why,
		    size_t wsz)
{
	int i, j, cnt;
	if (!list || fy_node_get_type(list) != FYNT_SEQUENCE) {
		snprintf(why, wsz, "expected a list");
		return 0;
	}
	cnt = fy_node_sequence_item_count(list);
	if (cnt != n)
		goto diff;
	for (i = 0; i < cnt; i++) {
		const char *id = sc(fy_node_sequence_get_by_index(list, i));
		int m = id ? kf_rulebook_find_measure(rb, id, NULL, NULL) : -1, found = 0;
		for (j = 0; j < n; j++)
			if (v[j] == m)
				found = 1;
		if (!found)
			goto diff;
	}
	return 1;
diff : {
	size_t off = (size_t)snprintf(why, wsz, "got [");
	for (j = 0; j < n && off < wsz; j++)
		off += (size_t)snprintf(why + off, wsz - off, "%s%s", j ? ", " : "",
					kf_rulebook_measure(rb, v[j])->id);
	if (off < wsz)
		snprintf(why + off, wsz - off, "]");
	return 0;
}
}

/* The case's question through the library's one reader (kf_question_read),
 * as every door reads it. A case must give its date: a golden answer may not
 * change with the day it is run. */
static kf_status read_question(const kf_rulebook *rb, struct fy_node *qn, kf_question *q,
			       kf_error *e)
{
	char text[KF_QUESTION_NFIELDS][512];
	kf_question_text t;
	int i;
	memset(&t, 0, sizeof t);
	for (i = 0; i < KF_QUESTION_NFIELDS; i++) {
		const char *v = sc(get(qn, kf_question_fields[i]));
		if (v) {
			snprintf(text[i], sizeof text[i], "%s", v);
			*kf_question_text_slot(&t, kf_question_fields[i]) = text[i];
		}
	}
	if (!t.date) {
		memset(e, 0, sizeof *e);
		e->status = KF_ERR_PARSE;
		snprintf(e->field, sizeof e->field, "date");
		snprintf(e->code, sizeof e->code, "missing_field");
		snprintf(e->message, sizeof e->message,
			 "a golden case needs a date (its answer may not depend on the day)");
		return KF_ERR_PARSE;
	}
	return kf_question_read(rb, &t, q, e);
}

int kf_cli_golden(const kf_rulebook *rb, const char *dir, FILE *out, int verbose, int *ncases,
		  int *unexercised)
{
	char pat[4096];
	glob_t g;
	size_t gi;
	int nm = kf_rulebook_n_measures(rb), fails = 0, passes = 0, bad = 0, i;
	char *seen = calloc((size_t)nm + 1, 1);
	*ncases = 0;
	*unexercised = 0;
	if (!seen)
		return -1;
	snprintf(pat, sizeof pat, "%s/golden/*.yaml", dir);
	if (glob(pat, 0, NULL, &g) != 0) {
		free(seen);
		if (out)
			fprintf(out, "golden: no cases in %s/golden\n", dir);
		return 0;
	}
	for (gi = 0; gi < g.gl_pathc; gi++) {
		const char *path = g.gl_pathv[gi];
		struct fy_document *fyd = fy_document_build_from_file(NULL, path);
		struct fy_node *cases;
		int n, k;
		if (!fyd) {
			kf_cli_err("%s: malformed YAML", path);
			bad = 1;
			continue;
		}
		cases = get(fy_document_root(fyd), "cases");
		if (!cases || fy_node_get_type(cases) != FYNT_SEQUENCE) {
			kf_cli_err("%s: expected 'cases:' with a list of cases", path);
			fy_document_destroy(fyd);
			bad = 1;
			continue;
		}
		n = fy_node_sequence_item_count(cases);
		for (k = 0; k < n; k++) {
			struct fy_node *cs = fy_node_sequence_get_by_index(cases, k);
			struct fy_node *qn = get(cs, "question"), *ex = get(cs, "expect"), *x;
			char name_buf[256], mid_buf[256];
			const char *name = sc(get(cs, "name")), *mid = sc(get(cs, "measure"));
			int line = line_of(cs), m, ok = 1;
			kf_status st;
			/* sc() rotates static buffers: keep our own copies */
			if (name) {
				snprintf(name_buf, sizeof name_buf, "%s", name);
				name = name_buf;
			}
			if (mid) {
				snprintf(mid_buf, sizeof mid_buf, "%s", mid);
				mid = mid_buf;
			}
			kf_question q;
			kf_error e;
			kf_decision *d = NULL;
			const kf_verdict *v;
			char why[1024] = "";
			(*ncases)++;
			if (!mid || (m = kf_rulebook_find_measure(rb, mid, NULL, &e)) < 0) {
				kf_cli_err("%s:%d: case '%s': %s", path, line, name ? name : "?",
					   mid ? e.message : "no 'measure' named");
				fails++;
				continue;
			}
			seen[m] = 1;
			st = read_question(rb, qn, &q, &e);
			if ((x = get(ex, "error"))) {
				/* the question must be refused with this text in the message */
				if (st == KF_OK || !sc(x) || !strstr(e.message, sc(x))) {
					kf_cli_err("golden case failed: %s:%d: '%s' (measure %s): "
						   "expected the error '%s', got %s",
						   path, line, name ? name : "?", mid,
						   sc(x) ? sc(x) : "?",
						   st == KF_OK ? "an answer" : e.message);
					fails++;
				} else
					passes++;
				continue;
			}
			if (st != KF_OK) {
				kf_cli_err("%s:%d: case '%s': %s: %s", path, line,
					   name ? name : "?", e.field, e.message);
				fails++;
				continue;
			}
			if (kf_decide(rb, &q, 0, &d, &e) != KF_OK) {
				kf_cli_print_error(&e);
				fails++;
				continue;
			}
			v = kf_decision_verdict(d);
			if ((x = get(ex, "outcome")) &&
			    (!sc(x) || strcmp(sc(x), kf_outcome_name(v->outcome)))) {
				snprintf(why, sizeof why, "outcome: expected %s, got %s",
					 sc(x) ? sc(x) : "?", kf_outcome_name(v->outcome));
				ok = 0;
			}
			if (ok && (x = get(ex, "max_foreign_share"))) {
				const char *want = sc(x);
				char got[40], norm[40];
				if (v->outcome == KF_PROHIBITED || v->outcome == KF_CLOSED)
					snprintf(got, sizeof got, "0");
				else if ((v->outcome == KF_INDETERMINATE && !v->share_undecided) ||
					 !v->has_cap)
					snprintf(got, sizeof got, "null");
				else
					kf_share_format(v->cap, got, sizeof got);
				if (want) {
					kf_share ws;
					if (kf_share_parse(want, &ws, NULL) == KF_OK)
						want = kf_share_format(ws, norm, sizeof norm);
				}
				if (strcmp(want ? want : "null", got)) {
					snprintf(why, sizeof why,
						 "max_foreign_share: expected %s, got %s",
						 want ? want : "null", got);
					ok = 0;
				}
			}
			if (ok && (x = get(ex, "binding"))) {
				/* for an indeterminate answer, binding is that of the outside
				 * scenario */
				char w2[900];
				if (!same_set(rb, x, v->binding, v->n_binding, w2, sizeof w2)) {
					snprintf(why, sizeof why, "binding: %s", w2);
					ok = 0;
				}
			}
			if (ok && (x = get(ex, "certainty"))) {
				const char *got = v->uncertain ? "uncertain" : "confirmed";
				if (!sc(x) || strcmp(sc(x), got)) {
					snprintf(why, sizeof why, "certainty: expected %s, got %s",
						 sc(x) ? sc(x) : "?", got);
					ok = 0;
				}
			}
			if (ok && (x = get(ex, "missing_facts"))) {
				int cnt = fy_node_get_type(x) == FYNT_SEQUENCE
					      ? fy_node_sequence_item_count(x)
					      : -1;
				int j, l;
				if (cnt != v->n_missing)
					ok = 0;
				for (j = 0; ok && j < cnt; j++) {
					const char *z = sc(fy_node_sequence_get_by_index(x, j));
					int r = z ? kf_rulebook_find_region(rb, z, NULL, NULL) : -1,
					    found = 0;
					for (l = 0; l < v->n_missing; l++)
						if (v->missing[l] == r)
							found = 1;
					ok = found;
				}
				if (!ok) {
					size_t off = (size_t)snprintf(why, sizeof why,
								      "missing_facts: got [");
					for (l = 0; l < v->n_missing && off < sizeof why; l++)
						off += (size_t)snprintf(
						    why + off, sizeof why - off, "%s%s",
						    l ? ", " : "",
						    kf_rulebook_region(rb, v->missing[l])->id);
					if (off < sizeof why)
						snprintf(why + off, sizeof why - off, "]");
				}
			}
			if (ok && (x = get(ex, "overridden"))) {
				/* set-aside ids come from the JSON answer's "overridden" list */
				char *js = kf_decision_json(d);
				int cnt = fy_node_get_type(x) == FYNT_SEQUENCE
					      ? fy_node_sequence_item_count(x)
					      : -1;
				int j, found_all = 1, got = 0;
				const char *ov = js ? strstr(js, "\"overridden\":[") : NULL;
				const char *end = ov ? strchr(ov, ']') : NULL;
				for (const char *p = ov;
				     p && p < end && (p = strstr(p, "{\"id\":")) && p < end; p++)
					got++;
				for (j = 0; j < cnt && ov; j++) {
					char pat2[600];
					const char *id = sc(fy_node_sequence_get_by_index(x, j));
					const char *hit;
					snprintf(pat2, sizeof pat2, "{\"id\":\"%s\"", id ? id : "");
					hit = strstr(ov, pat2);
					if (!hit || hit > end)
						found_all = 0;
				}
				if (!found_all || got != cnt) {
					snprintf(why, sizeof why, "overridden: got %.*s",
						 ov && end ? (int)(end - ov + 1) : 2,
						 ov ? ov : "[]");
					ok = 0;
				}
				kf_free(js);
			}
			if (ok) {
				passes++;
				if (verbose && out)
					fprintf(out, "ok   %s:%d %s\n", path, line,
						name ? name : "");
			} else {
				fails++;
				kf_cli_err("golden case failed: %s:%d: '%s' (measure %s): %s", path,
					   line, name ? name : "?", mid, why);
			}
			kf_decision_free(d);
		}
		fy_document_destroy(fyd);
	}
	globfree(&g);
	for (i = 0; i < nm; i++)
		if (!seen[i]) {
			(*unexercised)++;
			kf_cli_err("lint: measure '%s' is exercised by no golden case",
				   kf_rulebook_measure(rb, i)->id);
		}
	free(seen);
	if (out)
		fprintf(out, "golden: %d passed, %d failed\n", passes, fails);
	return bad ? -1 : fails;
}
