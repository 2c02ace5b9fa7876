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

struct kf_ownership_share {
	kf_ownership_result *r; /* the test used */
	char *source, *applicant;
	int legal_form;
	int other_differs;        /* the other test gives another outcome */
	kf_share_range other;     /* its foreign share */
	kf_outcome other_outcome; /* and outcome */
};

/* Puts a computed range into q; where the result was rounded once (a cycle
 * solved iteratively), a bound within one unit of the cap counts as at the
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

/* "50%", "(50% excluded)" style: a range for people */
static void text_range(kf_buf *b, kf_share_range r)
{
	char a[40], c[40];
	if (r.min == r.max) {
		kf__buf_printf(b, "%s%%", kf_share_format(r.min, a, sizeof a));
		return;
	}
	kf__buf_printf(b, "between %s%% and %s%%%s%s", kf_share_format(r.min, a, sizeof a),
		       kf_share_format(r.max, c, sizeof c),
		       r.min_open ? " (the lower end excluded)" : "",
		       r.max_open ? " (the upper end excluded)" : "");
}

static void look_through_text(kf_buf *b, const kf_ownership_share *s)
{
	const kf_ownership_result *o = s->r;
	char a[40], c[40];
	size_t i, j;
	kf__buf_printf(b, "\nForeign share by look-through (%s, applicant %s): ", s->source,
		       o->entity);
	text_range(b, o->foreign);
	kf__buf_printf(b, "%s\n",
		       o->exact ? "" : " (a cycle was solved iteratively; rounded once)");
	if (o->hk_mo_tw.max)
		kf__buf_printf(b, "  of which Hong Kong, Macao, Taiwan: %s%% to %s%%\n",
			       kf_share_format(o->hk_mo_tw.min, a, sizeof a),
			       kf_share_format(o->hk_mo_tw.max, c, sizeof c));
	for (i = 0; i < o->nchains; i++) {
		kf__buf_printf(b,
			       "  chain %s%%: ", kf_share_format(o->chains[i].share, a, sizeof a));
		for (j = 0; j < o->chains[i].len; j++)
			kf__buf_printf(b, "%s%s", j ? " -> " : "", o->chains[i].path[j]);
		kf__buf_puts(b, "\n");
	}
	if (o->ndeciding) {
		kf__buf_puts(b, "  holdings that decide it:\n");
		for (i = 0; i < o->ndeciding; i++) {
			const kf_ownership_deciding *h = &o->deciding[i];
			kf__buf_printf(b, "    %s in %s (%s%%-%s%%, %s)%s%s\n",
				       h->owner ? h->owner : "(undisclosed)", h->owned,
				       kf_share_format(h->share.min, a, sizeof a),
				       kf_share_format(h->share.max, c, sizeof c), h->reason,
				       *h->source ? " at " : "", h->source);
		}
	}
	if (s->other_differs) {
		const char *other = test_name(!s->legal_form);
		kf__buf_printf(b, "\nThe %s test gives another answer: foreign share ", other);
		if (s->other.min == s->other.max)
			kf__buf_printf(b, "%s%%", kf_share_format(s->other.min, a, sizeof a));
		else
			kf__buf_printf(b, "%s%% to %s%%",
				       kf_share_format(s->other.min, a, sizeof a),
				       kf_share_format(s->other.max, c, sizeof c));
		kf__buf_printf(
		    b,
		    ", %s. Which test the licensing authority applies is not settled\n"
		    "(ownership-notes 0.5; telecom-facts 7.2.4); %s.\n",
		    kf_outcome_name(s->other_outcome),
		    !strcmp(other, "legal-form")
			? "--legal-form decides with a foreign-registered company counted as "
			  "foreign"
			: "without --legal-form the look-through to persons and states decides");
	}
}

char *kf_decision_text_ownership(const kf_decision *d, const kf_ownership_share *s)
{
	char *t = kf_decision_text(d);
	kf_buf b;
	if (!t || !s)
		return t;
	kf__buf_init(&b, 0);
	kf__buf_puts(&b, t);
	kf_free(t);
	look_through_text(&b, s);
	if (b.failed) {
		kf__buf_free(&b);
		return NULL;
	}
	return kf__buf_steal(&b);
}
