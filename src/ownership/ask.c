/*
 * ownership/ask.c — a question whose foreign share comes from an ownership
 * graph (`decide --ownership SOURCE --applicant ID`, POST /v1/decisions with
 * "ownership" and "applicant"): the look-through range, with its open ends,
 * put into the question; the other ownership test computed beside it; and the
 * decision rendered with its "ownership" member (JSON) or the look-through
 * lines (text). One place for every door (DESIGN.md "One door"), so the CLI
 * and the API give the same answer.
 *
 * The tests (ownership-notes §0.5; telecom-facts §7.2.1, §7.2.4): the
 * substance test looks through foreign-registered companies to persons and
 * states, as MIIT's layer-by-layer review does; the legal-form test counts a
 * foreign-registered company as a foreign investor. Which one the licensing
 * authority applies is not settled, so when they give different outcomes the
 * answer says so.
 */
#include <stdio.h>
#include <string.h>

#include "kaifang/json.h"
#include "kaifang/ownership.h"
#include "kaifang/view.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/errors.h"
#include "view/lang.h"

struct kf_ownership_share {
	kf_ownership_result *r; /* the test used */
	char *source, *applicant;
	int legal_form;
	int other_differs;        /* the other test gives another outcome */
	kf_share_range other;     /* its foreign share */
	kf_outcome other_outcome; /* and outcome */
};

/* Puts a computed range into q; where the result was rounded once (a cycle
 * solved in floating point), a bound within one unit of the cap counts as at the
 * cap (DESIGN.md "Shares are exact"). Open ends go to share_above and
 * share_max_open. */
static void share_into(const kf_rulebook *rb, kf_question *q, kf_share_range r, int exact)
{
	if (!exact) {
		kf_verdict v;
		q->has_share = 0;
		if (kf_decide_verdict(rb, q, &v, NULL) == KF_OK && v.has_cap) {
			if (r.min >= v.cap - 1 && r.min <= v.cap + 1)
				r.min = v.cap;
			if (r.max >= v.cap - 1 && r.max <= v.cap + 1)
				r.max = v.cap;
		}
	}
	q->has_share = 1;
	q->share = r.min;
	q->share_max = r.max;
	q->share_above = r.min_open;
	q->share_max_open = r.max > r.min && r.max_open;
}

void kf_ownership_share_free(kf_ownership_share *s)
{
	if (!s)
		return;
	kf_ownership_result_free(s->r);
	kf__xfree(s->source);
	kf__xfree(s->applicant);
	kf__xfree(s);
}

kf_status kf_ownership_share_into(const kf_rulebook *rb, const kf_graph *g, const char *applicant,
				  int legal_form, const char *source, kf_question *q,
				  kf_ownership_share **out, kf_error *err)
{
	kf_ownership_opts opts, other_opts;
	kf_ownership_result *other = NULL;
	kf_ownership_share *s;
	kf_status st;
	*out = NULL;
	s = kf__calloc(1, sizeof *s);
	if (!s || !(s->source = kf__strdup(source ? source : "")) ||
	    !(s->applicant = kf__strdup(applicant ? applicant : ""))) {
		kf_ownership_share_free(s);
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	s->legal_form = legal_form;
	memset(&opts, 0, sizeof opts);
	opts.stop_at_foreign_entity = legal_form;
	other_opts = opts;
	other_opts.stop_at_foreign_entity = !legal_form;
	st = kf_ownership_compute(g, applicant, &opts, &s->r, err);
	if (st != KF_OK) {
		if (err && st == KF_ERR_NOTFOUND)
			snprintf(err->field, sizeof err->field, "applicant");
		kf_ownership_share_free(s);
		return st;
	}
	if (kf_ownership_compute(g, applicant, &other_opts, &other, NULL) == KF_OK) {
		kf_question q2 = *q;
		kf_verdict v1, v2;
		share_into(rb, &q2, other->foreign, other->exact);
		share_into(rb, q, s->r->foreign, s->r->exact);
		if (kf_decide_verdict(rb, q, &v1, NULL) == KF_OK &&
		    kf_decide_verdict(rb, &q2, &v2, NULL) == KF_OK && v1.outcome != v2.outcome) {
			s->other_differs = 1;
			s->other = other->foreign;
			s->other_outcome = v2.outcome;
		}
		kf_ownership_result_free(other);
	}
	share_into(rb, q, s->r->foreign, s->r->exact);
	*out = s;
	return KF_OK;
}

const kf_ownership_result *kf_ownership_share_result(const kf_ownership_share *s)
{
	return s ? s->r : NULL;
}

static const char *test_name(int legal_form) { return legal_form ? "legal-form" : "look-through"; }

struct member {
	const kf_ownership_share *s;
	const char *look_through; /* kf_ownership_result_json */
};

/* "ownership": {source, applicant, test, look_through[, other_test]} */
static void ownership_member(kf_json *w, void *ctx)
{
	const struct member *m = ctx;
	const kf_ownership_share *s = m->s;
	kf_json_key(w, "ownership");
	kf_json_object_begin(w);
	kf_json_key(w, "source");
	kf_json_string(w, s->source);
	kf_json_key(w, "applicant");
	kf_json_string(w, s->applicant);
	kf_json_key(w, "test");
	kf_json_string(w, test_name(s->legal_form));
	kf_json_key(w, "look_through");
	kf_json_raw(w, m->look_through);
	if (s->other_differs) {
		kf_json_key(w, "other_test");
		kf_json_object_begin(w);
		kf_json_key(w, "test");
		kf_json_string(w, test_name(!s->legal_form));
		kf_json_key(w, "foreign_share");
		kf_json_object_begin(w);
		kf_json_key(w, "min");
		kf_json_share(w, s->other.min);
		kf_json_key(w, "max");
		kf_json_share(w, s->other.max);
		kf_json_object_end(w);
		kf_json_key(w, "outcome");
		kf_json_string(w, kf_outcome_name(s->other_outcome));
		kf_json_object_end(w);
	}
	kf_json_object_end(w);
}

char *kf_decision_json_ownership(const kf_decision *d, const kf_ownership_share *s)
{
	struct member m;
	char *lt, *out;
	if (!s)
		return kf_decision_json(d);
	lt = kf_ownership_result_json(s->r);
	if (!lt)
		return NULL;
	m.s = s;
	m.look_through = lt;
	out = kf_decision_json_ex(d, ownership_member, &m);
	kf_free(lt);
	return out;
}

char *kf_decision_text_ownership_lang(const kf_decision *d, const kf_ownership_share *s,
				      kf_lang lang)
{
	kf_buf b;
	kf__buf_init(&b, 0);
	lang = lang == KF_LANG_ZH ? KF_LANG_ZH : KF_LANG_EN;
	kf__decision_text_into(&b, d, lang);
	if (s)
		kf__look_through_say(&b, lang, s->r, s->source, s->legal_form, s->other_differs,
				     s->other, s->other_outcome);
	if (b.failed) {
		kf__buf_free(&b);
		return NULL;
	}
	return kf__buf_steal(&b);
}

char *kf_decision_text_ownership(const kf_decision *d, const kf_ownership_share *s)
{
	return kf_decision_text_ownership_lang(d, s, KF_LANG_EN);
}
