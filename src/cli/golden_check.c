/*
 * cli/golden_check.c — checks one golden case (golden.h) against the library:
 * the question read by kf_question_read (the one door), decided by kf_decide,
 * and compared through the decision's accessors and kf_verdict_max_share —
 * the rule every view writes — never by searching its JSON text.
 */
#include <stdio.h>
#include <string.h>

#include "cli/golden.h"

/* Writes "got [a, b]" of measure (or region) indexes into why. */
static void got_ids(const kf_rulebook *rb, const int *v, int n, int regions, char *why, size_t wsz)
{
	size_t off = (size_t)snprintf(why, wsz, "got [");
	int j;
	for (j = 0; j < n && off < wsz; j++)
		off += (size_t)snprintf(why + off, wsz - off, "%s%s", j ? ", " : "",
					regions ? kf_rulebook_region(rb, v[j])->id
						: kf_rulebook_measure(rb, v[j])->id);
	if (off < wsz)
		snprintf(why + off, wsz - off, "]");
}

/* 1 when the YAML list of ids names exactly the indexes v (as a set). */
static int same_set(const kf_rulebook *rb, struct fy_node *list, const int *v, int n, int regions)
{
	int i, j, cnt = fy_node_sequence_item_count(list);
	if (cnt != n)
		return 0;
	for (i = 0; i < cnt; i++) {
		struct fy_node *it = fy_node_sequence_get_by_index(list, i);
		const char *id =
		    it && fy_node_get_type(it) == FYNT_SCALAR ? fy_node_get_scalar0(it) : NULL;
		int k = !id       ? -1
			: regions ? kf_rulebook_find_region(rb, id, NULL, NULL)
				  : kf_rulebook_find_measure(rb, id, NULL, NULL);
		int found = 0;
		for (j = 0; j < n; j++)
			found |= v[j] == k;
		if (!found)
			return 0;
	}
	return 1;
}

static int check_max_share(const kf_verdict *v, const char *want, char *why, size_t wsz)
{
	char got[40] = "null", norm[40];
	kf_share cap, ws;
	if (kf_verdict_max_share(v, &cap) != KF_MAX_NONE)
		kf_share_format(cap, got, sizeof got);
	if (want && kf_share_parse(want, &ws, NULL) == KF_OK)
		want = kf_share_format(ws, norm, sizeof norm);
	if (!strcmp(want ? want : "null", got))
		return 1;
	snprintf(why, wsz, "max_foreign_share: expected %s, got %s", want ? want : "null", got);
	return 0;
}

static int check_overridden(const kf_rulebook *rb, const kf_decision *d, struct fy_node *x,
			    char *why, size_t wsz)
{
	int n = kf_decision_n_overridden(d), i, by;
	int ids[KF_VERDICT_MAX * 8] = {0};
	size_t off;
	if (n > (int)(sizeof ids / sizeof ids[0])) {
		snprintf(why, wsz, "overridden: %d measures set aside, more than this check holds",
			 n);
		return 0;
	}
	for (i = 0; i < n; i++)
		ids[i] = kf_decision_overridden(d, i, NULL);
	if (same_set(rb, x, ids, n, 0))
		return 1;
	off = (size_t)snprintf(why, wsz, "overridden: got [");
	for (i = 0; i < n && off < wsz; i++) {
		int m = kf_decision_overridden(d, i, &by);
		off += (size_t)snprintf(why + off, wsz - off, "%s%s (by %s)", i ? ", " : "",
					kf_rulebook_measure(rb, m)->id,
					kf_rulebook_measure(rb, by)->id);
	}
	if (off < wsz)
		snprintf(why + off, wsz - off, "]");
	return 0;
}

/* Item i of a YAML list as text; NULL when it is not a scalar. */
static const char *item(struct fy_node *list, int i)
{
	struct fy_node *it = fy_node_sequence_get_by_index(list, i);
	return it && fy_node_get_type(it) == FYNT_SCALAR ? fy_node_get_scalar0(it) : NULL;
}

/* expect.requirements: exactly the tokens of the decision's requirements (as
 * a set; floor:30, form:joint-venture, investor:sector-experience, quota:2) */
static int check_requirements(const kf_decision *d, struct fy_node *list, char *why, size_t wsz)
{
	int n = kf_decision_n_requirements(d), cnt = fy_node_sequence_item_count(list), i, j;
	int same = 1;
	size_t off;
	for (i = 0; i < cnt && same; i++) {
		const char *want = item(list, i), *tok;
		int found = 0;
		for (j = 0; j < n && want; j++) {
			kf_decision_requirement(d, j, NULL, &tok, NULL);
			found |= !strcmp(tok, want);
		}
		same = found;
	}
	for (j = 0; j < n && same; j++) {
		const char *tok;
		int found = 0;
		kf_decision_requirement(d, j, NULL, &tok, NULL);
		for (i = 0; i < cnt; i++)
			found |= item(list, i) && !strcmp(item(list, i), tok);
		same = found;
	}
	if (same)
		return 1;
	off = (size_t)snprintf(why, wsz, "requirements: got [");
	for (j = 0; j < n && off < wsz; j++) {
		const char *tok;
		kf_decision_requirement(d, j, NULL, &tok, NULL);
		off += (size_t)snprintf(why + off, wsz - off, "%s%s", j ? ", " : "", tok);
	}
	if (off < wsz)
		snprintf(why + off, wsz - off, "]");
	return 0;
}

/* expect.missing_facts: the zone ids an indeterminate answer names, and the
 * facts of [S-10]: investor_group_share, and investor:FACT for an investor
 * condition the answer holds only with */
static int check_missing(const kf_rulebook *rb, const kf_decision *d, struct fy_node *list,
			 char *why, size_t wsz)
{
	const kf_verdict *v = kf_decision_verdict(d);
	int cnt = fy_node_sequence_item_count(list), i, j, nz = 0, nf = 0, want_f = 0;
	char w2[900];
	for (i = 0; i < cnt; i++) {
		const char *want = item(list, i);
		int found = 0;
		if (!want)
			return 0;
		if (!strcmp(want, "investor_group_share"))
			found = v->group_undecided;
		else if (!strncmp(want, "investor:", 9)) {
			for (j = 0; j < kf_decision_n_requirements(d) && !found; j++) {
				const char *tok;
				kf_decision_requirement(d, j, NULL, &tok, NULL);
				found = !strcmp(tok, want) && kf_decision_requirement_decides(d, j);
			}
		} else {
			int k = kf_rulebook_find_region(rb, want, NULL, NULL);
			for (j = 0; j < v->n_missing; j++)
				found |= v->missing[j] == k;
			nz++;
			if (!found) {
				got_ids(rb, v->missing, v->n_missing, 1, w2, sizeof w2);
				snprintf(why, wsz, "missing_facts: %s", w2);
				return 0;
			}
			continue;
		}
		want_f++;
		if (!found) {
			snprintf(why, wsz,
				 "missing_facts: '%s' is not a missing fact of the answer", want);
			return 0;
		}
	}
	/* every fact of the answer is expected */
	nf = v->group_undecided;
	for (j = 0; j < kf_decision_n_requirements(d); j++)
		nf += kf_decision_requirement_decides(d, j) && v->outcome != KF_EXCEEDS_CAP &&
		      v->outcome != KF_PROHIBITED && v->outcome != KF_CLOSED;
	if (nz != v->n_missing || want_f != nf) {
		got_ids(rb, v->missing, v->n_missing, 1, w2, sizeof w2);
		snprintf(why, wsz, "missing_facts: zones %s and %d other facts (expected %d)", w2,
			 nf, want_f);
		return 0;
	}
	return 1;
}

/* Compares a decided case with its expectations; 1 pass, 0 with why. */
static int compare(const kf_rulebook *rb, const golden_case *c, const kf_decision *d, char *why,
		   size_t wsz)
{
	const kf_verdict *v = kf_decision_verdict(d);
	char w2[900];
	if (c->outcome && strcmp(c->outcome, kf_outcome_name(v->outcome))) {
		snprintf(why, wsz, "outcome: expected %s, got %s", c->outcome,
			 kf_outcome_name(v->outcome));
		return 0;
	}
	if (c->has_max_share && !check_max_share(v, c->max_share, why, wsz))
		return 0;
	/* for an indeterminate answer, binding is that of the outside scenario */
	if (c->binding && !same_set(rb, c->binding, v->binding, v->n_binding, 0)) {
		got_ids(rb, v->binding, v->n_binding, 0, w2, sizeof w2);
		snprintf(why, wsz, "binding: %s", w2);
		return 0;
	}
	if (c->certainty && strcmp(c->certainty, kf_certainty_name(v->uncertain))) {
		snprintf(why, wsz, "certainty: expected %s, got %s", c->certainty,
			 kf_certainty_name(v->uncertain));
		return 0;
	}
	if (c->has_first_covered) {
		/* [S-8] the first covered date a not_covered answer gives */
		char got[16] = "null";
		if (v->outcome == KF_NOT_COVERED)
			kf_date_format(kf_rulebook_complete_from(rb), got, sizeof got);
		if (strcmp(c->first_covered ? c->first_covered : "null", got)) {
			snprintf(why, wsz, "first_covered: expected %s, got %s",
				 c->first_covered ? c->first_covered : "null", got);
			return 0;
		}
	}
	if (c->missing_facts && !check_missing(rb, d, c->missing_facts, why, wsz))
		return 0;
	if (c->requirements && !check_requirements(d, c->requirements, why, wsz))
		return 0;
	if (c->lapsed) {
		int n = kf_decision_n_lapsed(d), ids[256], i;
		for (i = 0; i < n && i < 256; i++)
			ids[i] = kf_decision_lapsed(d, i);
		if (n > 256 || !same_set(rb, c->lapsed, ids, n, 0)) {
			got_ids(rb, ids, n > 256 ? 256 : n, 0, w2, sizeof w2);
			snprintf(why, wsz, "lapsed: %s", w2);
			return 0;
		}
	}
	if (c->has_in_words) {
		const char *got = kf_decision_in_words(d);
		if (strcmp(c->in_words ? c->in_words : "(null)", got ? got : "(null)")) {
			snprintf(why, wsz, "in_words: expected \"%s\", got \"%s\"",
				 c->in_words ? c->in_words : "(null)", got ? got : "(null)");
			return 0;
		}
	}
	if (c->overridden && !check_overridden(rb, d, c->overridden, why, wsz))
		return 0;
	return 1;
}

int golden_case_check(const kf_rulebook *rb, const golden_case *c, char *why, size_t wsz)
{
	kf_question_text t;
	kf_question q;
	kf_error e;
	kf_decision *d = NULL;
	kf_status st;
	int i, ok;
	memset(&t, 0, sizeof t);
	for (i = 0; i < KF_QUESTION_NFIELDS; i++)
		*kf_question_text_slot(&t, kf_question_fields[i]) = c->question[i];
	if (!t.date || !*t.date) {
		/* a golden answer may not change with the day it is run */
		snprintf(why, wsz, "date: a golden case needs a date");
		return -1;
	}
	st = kf_question_read(rb, &t, &q, &e);
	if (c->error) {
		/* the question must be refused with this text in the message */
		if (st == KF_OK || !strstr(e.message, c->error)) {
			snprintf(why, wsz, "expected the error '%s', got %s", c->error,
				 st == KF_OK ? "an answer" : e.message);
			return 0;
		}
		return 1;
	}
	if (st != KF_OK) {
		snprintf(why, wsz, "%s: %s", e.field, e.message);
		return -1;
	}
	if (kf_decide(rb, &q, 0, &d, &e) != KF_OK) {
		kf_error_format(&e, why, wsz);
		return -1;
	}
	ok = compare(rb, c, d, why, wsz);
	kf_decision_free(d);
	return ok;
}
