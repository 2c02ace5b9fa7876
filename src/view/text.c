/*
 * view/text.c — a decision as text for people (`decide`, `explain`), in
 * English or Chinese (kaifang/text.h): the answer first, then why, with
 * citations. Every sentence is a template of view/lang.c; names and titles
 * are the rulebook's in the language asked (its English ones where it has no
 * Chinese). English is the bytes kf_decision_text has always written.
 */
#include <stdio.h>
#include <string.h>

#include "decide_int.h"
#include "kaifang/text.h"
#include "util/buf.h"
#include "view/lang.h"

static kf__ph heading(const kf_decision *d)
{
	static const kf__ph h[KF_OUTCOME_COUNT] = {KF_PH_H_PERMITTED,     KF_PH_H_EXCEEDS,
						   KF_PH_H_PROHIBITED,    KF_PH_H_CLOSED,
						   KF_PH_H_INDETERMINATE, KF_PH_H_NOT_COVERED};
	if (d->v.group_undecided)
		return KF_PH_H_GROUP_UNDECIDED;
	if (d->v.share_undecided && !d->nmissing)
		return KF_PH_H_SHARE_UNDECIDED;
	return h[d->v.outcome];
}

/* The maximum foreign share of v (the one rule, kf_verdict_max_share). */
static void text_cap(kf_buf *b, kf_lang lang, const kf_verdict *v)
{
	char s[40];
	kf_share cap;
	switch (kf_verdict_max_share(v, &cap)) {
	case KF_MAX_ZERO: kf__buf_say(b, lang, KF_PH_MAX_ZERO); break;
	case KF_MAX_CAP:
		kf__buf_say(b, lang, v->cap_op == KF_CAP_LT ? KF_PH_MAX_BELOW : KF_PH_MAX_AT_MOST,
			    kf_share_format(cap, s, sizeof s));
		break;
	case KF_MAX_NONE:
		kf__buf_say(b, lang,
			    v->outcome == KF_INDETERMINATE ? KF_PH_MAX_DEPENDS
			    : v->outcome == KF_NOT_COVERED ? KF_PH_MAX_NOT_COVERED
							   : KF_PH_MAX_NONE);
		break;
	}
}

static void text_question(kf_buf *b, kf_lang lang, const kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	const kf_question *q = &d->q;
	const kf_service_info *sv = &rb->svc[q->service];
	const kf_region_info *rg = &rb->reg[q->region];
	int inv = q->investor >= 0 ? q->investor : rb->foreign;
	char ds[16], s[40], s2[40];
	kf__buf_say(b, lang, KF_PH_QUESTION, sv->id, kf__name(lang, sv->name),
		    kf__name(lang, rg->name), kf__name_other(lang, rg->name), rg->id,
		    kf_date_format(q->date, ds, sizeof ds), inv >= 0 ? rb->inv[inv].id : "?",
		    inv >= 0 ? kf__name(lang, rb->inv[inv].name) : "");
	if (q->has_share && q->share_max > q->share) {
		kf__buf_say(b, lang, KF_PH_SHARE_RANGE, kf_share_format(q->share, s, sizeof s),
			    kf_share_format(q->share_max, s2, sizeof s2));
		/* open ends of a look-through range ("more than 50%") */
		if (q->share_above)
			kf__buf_say(b, lang, KF_PH_SHARE_LO_OPEN);
		if (q->share_max_open)
			kf__buf_say(b, lang, KF_PH_SHARE_HI_OPEN);
	} else if (q->has_share)
		kf__buf_say(b, lang, KF_PH_SHARE,
			    q->share_above ? kf__say(lang, KF_PH_JUST_ABOVE) : "",
			    kf_share_format(q->share, s, sizeof s));
	if (q->outside_zones)
		kf__buf_say(b, lang, KF_PH_OUTSIDE_ZONES);
	kf__buf_puts(b, "\n");
}

/* The answer: heading, question, maximum share, certainty and its reasons,
 * coverage and notices. */
static void text_answer(kf_buf *b, kf_lang lang, const kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	char nb[KF__NOTICES_MAX][KF__NOTICE_LEN], ds[16];
	int i, nn;
	kf__buf_printf(b, "%s\n", kf__say(lang, heading(d)));
	text_question(b, lang, d);
	kf__buf_say(b, lang, KF_PH_MAX_LABEL);
	text_cap(b, lang, &d->v);
	if (d->in_words) {
		kf_buf w;
		kf__buf_init(&w, 0);
		if (lang == KF_LANG_EN) /* the engine's sentence (the JSON's in_words) */
			kf__buf_puts(&w, d->in_words);
		else
			kf__in_words_say(&w, lang, d);
		kf__buf_say(b, lang, KF_PH_IN_WORDS, w.data ? w.data : "");
		if (w.failed)
			b->failed = 1;
		kf__buf_free(&w);
	}
	kf__buf_puts(b, "\n");
	kf__buf_say(b, lang, KF_PH_CERTAINTY, kf_certainty_label(d->v.uncertain, lang));
	for (i = 0; i < d->nreasons; i++)
		kf__buf_printf(b, "  - %s\n", d->reasons[i]);
	if (d->v.outcome == KF_NOT_COVERED)
		kf__buf_say(b, lang, KF_PH_FIRST_COVERED,
			    kf_date_format(rb->complete_from, ds, sizeof ds));
	nn = kf__answer_notices_lang(rb, d->q.date, d->v.outcome, lang, nb);
	for (i = 0; i < nn; i++)
		kf__buf_say(b, lang, KF_PH_NOTICE, nb[i]);
}

static void text_scenarios(kf_buf *b, kf_lang lang, const kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	int i, j;
	if (d->v.share_undecided)
		kf__buf_say(b, lang, KF_PH_DEPENDS_SHARE);
	if (d->v.outcome != KF_INDETERMINATE || !d->nmissing)
		return;
	kf__buf_say(b, lang, KF_PH_DEPENDS_ZONE);
	for (i = 0; i < d->nmissing; i++) {
		const kf_region_info *z = &rb->reg[d->missing[i]];
		kf__buf_say(b, lang, KF_PH_ZONE_ITEM, kf__name(lang, z->name),
			    kf__name_other(lang, z->name), z->id);
	}
	kf__buf_say(b, lang, KF_PH_BY_PLACE);
	for (i = 0; i < d->nsc; i++) {
		const kf_verdict *v = &d->sc[i].v;
		kf__buf_puts(b, "  ");
		kf__buf_pad(b,
			    d->sc[i].zone < 0 ? kf__say(lang, KF_PH_OUTSIDE_EVERY)
					      : rb->reg[d->sc[i].zone].id,
			    32, 0);
		kf__buf_puts(b, " ");
		kf__buf_say(b, lang, KF_PH_SC_MAX,
			    lang == KF_LANG_EN ? kf_outcome_name(v->outcome)
					       : kf_outcome_label(v->outcome, lang));
		text_cap(b, lang, v);
		if (d->sc[i].n_binding) {
			kf__buf_puts(b, " [");
			for (j = 0; j < d->sc[i].n_binding; j++)
				kf__buf_printf(b, "%s%s", j ? ", " : "",
					       rb->mea[d->sc[i].binding[j]].id);
			kf__buf_puts(b, "]");
		}
		kf__buf_puts(b, "\n");
	}
}

/* [S-11] measures lapsed before the date */
static void text_lapsed(kf_buf *b, kf_lang lang, const kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	char ds[16];
	int i;
	if (!d->nlapsed)
		return;
	kf__buf_say(b, lang, KF_PH_LAPSED);
	for (i = 0; i < d->nlapsed; i++) {
		const kf_measure_info *m = &rb->mea[d->lapsed[i]];
		kf_buf t;
		kf__buf_init(&t, 0);
		if (*m->until_basis)
			kf__buf_say(&t, lang, KF_PH_LAPSED_BASIS, m->until_basis);
		kf__buf_say(b, lang, KF_PH_LAPSED_ITEM, m->id,
			    kf_date_format(m->effective_until, ds, sizeof ds), t.data ? t.data : "",
			    m->summary);
		if (t.failed)
			b->failed = 1;
		kf__buf_free(&t);
	}
}

/* One section for requirements and conditions ([S-10]): a requirement is a
 * condition the answer depends on, shown once, first, marked "required"; a
 * condition that is also a requirement (same measure, same text) is not
 * repeated. */
static void text_conditions(kf_buf *b, kf_lang lang, const kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	int i, k;
	if (!d->nreq && !d->ncond)
		return;
	kf__buf_say(b, lang, KF_PH_CONDITIONS);
	for (i = 0; i < d->nreq; i++) {
		kf_buf t;
		kf__buf_init(&t, 0);
		kf__requirement_say(&t, lang, d, i);
		kf__buf_say(b, lang, KF_PH_REQ_ITEM,
			    lang == KF_LANG_EN ? d->req[i].kind
					       : kf__requirement_kind_label(lang, d->req[i].kind),
			    t.data ? t.data : "", rb->mea[d->req[i].measure].id,
			    d->req[i].decides ? kf__say(lang, KF_PH_REQ_HOLDS) : "");
		if (t.failed)
			b->failed = 1;
		kf__buf_free(&t);
	}
	for (i = 0; i < d->ncond; i++) {
		int dup = 0;
		for (k = 0; k < d->nreq && !dup; k++)
			dup = d->req[k].measure == d->cond[i].measure &&
			      !strcmp(d->req[k].text, d->cond[i].text);
		if (!dup)
			kf__buf_say(b, lang, KF_PH_CONDITION,
				    lang == KF_LANG_EN
					? d->cond[i].type
					: kf__condition_type_label(lang, d->cond[i].type),
				    d->cond[i].text, rb->mea[d->cond[i].measure].id);
	}
}

static void text_why(kf_buf *b, kf_lang lang, const kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	const kf_eval *e = d->outside;
	int i;
	kf__buf_say(b, lang, KF_PH_WHY);
	if (d->v.outcome == KF_INDETERMINATE && d->nmissing)
		kf__buf_say(b, lang, KF_PH_WHY_OUTSIDE);
	kf__buf_puts(b, lang == KF_LANG_ZH ? "：\n" : ":\n");
	if (d->v.outcome == KF_NOT_COVERED)
		kf__buf_say(b, lang, KF_PH_WHY_NOT_MODELLED);
	else if (!e->nb)
		kf__buf_say(b, lang, KF_PH_NO_RESTRICTION);
	for (i = 0; i < e->nb; i++)
		kf__buf_say(b, lang, KF_PH_BINDS, rb->mea[e->b[i]].id, rb->mea[e->b[i]].summary);
	for (i = 0; i < e->n; i++)
		if (e->by[i] < 0 && kf__also_applies(d, e->m[i]))
			kf__buf_say(b, lang, KF_PH_ALSO_APPLIES, rb->mea[e->m[i]].id,
				    rb->mea[e->m[i]].summary);
	for (i = 0; i < e->n; i++)
		if (e->by[i] >= 0)
			kf__buf_say(b, lang, KF_PH_SET_ASIDE, rb->mea[e->m[i]].id,
				    rb->mea[e->by[i]].id);
	text_lapsed(b, lang, d);
	text_conditions(b, lang, d);
}

static void text_citations(kf_buf *b, kf_lang lang, const kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	int i, j;
	if (!d->ncite)
		return;
	kf__buf_say(b, lang, KF_PH_CITATIONS);
	for (i = 0; i < d->ncite; i++) {
		const kf_measure_info *m = &rb->mea[d->cite[i]];
		const kf_document_info *doc = &rb->doc[m->document];
		kf__buf_say(b, lang, KF_PH_CITE, m->id, kf__name(lang, doc->title));
		if (*doc->number)
			kf__buf_say(b, lang, KF_PH_CITE_NUMBER, doc->number);
		kf__buf_say(b, lang, KF_PH_CITE_ARTICLE, m->article);
		kf__buf_printf(
		    b, "\n    %s: %s",
		    kf__say(lang, doc->url_official ? KF_PH_URL_OFFICIAL : KF_PH_URL_MIRROR),
		    doc->url);
		if (*doc->mirror_url)
			kf__buf_printf(b, "\n    %s: %s", kf__say(lang, KF_PH_MIRROR),
				       doc->mirror_url);
		if (doc->n_sources) {
			kf__buf_printf(b, "\n    %s:", kf__say(lang, KF_PH_SOURCES));
			for (j = 0; j < doc->n_sources; j++)
				kf__buf_printf(b, " %s", rb->src[doc->sources[j]].id);
		}
		kf__buf_puts(b, "\n");
	}
}

void kf__alternative_say(kf_buf *b, kf_lang lang, const kf_decision *d, int i)
{
	const kf_rulebook *rb = d->rb;
	const kf_alt *a = &d->alt[i];
	int k;
	if (lang == KF_LANG_EN) { /* the engine's own words */
		kf__buf_puts(b, a->text);
		return;
	}
	if (!strcmp(a->type, "foreign_share")) {
		for (k = 0; k < d->outside->nb; k++) {
			kf_buf t;
			kf__buf_init(&t, 0);
			if (kf__bound_say(&t, lang, &rb->mea[d->outside->b[k]])) {
				kf__buf_say(b, lang, KF_PH_ALT_BOUND, t.data ? t.data : "");
				if (t.failed)
					b->failed = 1;
				kf__buf_free(&t);
				return;
			}
			kf__buf_free(&t);
		}
		kf__buf_say(b, lang,
			    d->v.cap_op == KF_CAP_LT ? KF_PH_ALT_SHARE_BELOW
						     : KF_PH_ALT_SHARE_AT_MOST,
			    a->value);
		return; /* (the English says no "(uncertain)" here either) */
	}
	if (!strcmp(a->type, "date"))
		kf__buf_say(b, lang, KF_PH_ALT_DATE, a->value);
	else if (!strcmp(a->type, "investor") &&
		 (k = kf_rulebook_find_investor(rb, a->value, NULL, NULL)) >= 0)
		kf__buf_say(b, lang, KF_PH_ALT_INVESTOR, a->value, kf__name(lang, rb->inv[k].name));
	else if (!strcmp(a->type, "region") &&
		 (k = kf_rulebook_find_region(rb, a->value, NULL, NULL)) >= 0)
		kf__buf_say(b, lang, KF_PH_ALT_REGION, kf__name(lang, rb->reg[k].name), a->value);
	else
		kf__buf_puts(b, a->text);
	if (a->uncertain)
		kf__buf_say(b, lang, KF_PH_ALT_UNCERTAIN);
}

static void text_trace(kf_buf *b, kf_lang lang, const kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	int i, pass, hidden = 0;
	kf__buf_say(b, lang, d->flags & KF_DECIDE_TRACE_ALL ? KF_PH_TRACE_ALL : KF_PH_TRACE_NEAR);
	for (i = 0; i < d->ntrace; i++)
		hidden += !kf__trace_shown(d, &d->trace[i]);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < d->ntrace; i++) {
			const kf_trace *t = &d->trace[i];
			if ((pass == 0) != (t->matched != 0) || !kf__trace_shown(d, t))
				continue;
			kf__buf_printf(b, "  %s ", t->matched == 1 ? "+" : t->matched ? "~" : "-");
			kf__buf_pad(b, rb->mea[t->measure].id, 34, 0);
			kf__buf_puts(b, " ");
			if (lang == KF_LANG_EN)
				kf__buf_puts(b, t->why);
			else
				kf__trace_say(b, lang, t);
			kf__buf_puts(b, "\n");
		}
	if (hidden)
		kf__buf_say(b, lang, KF_PH_TRACE_HIDDEN, hidden);
}

void kf__decision_text_into(kf_buf *b, const kf_decision *d, kf_lang lang)
{
	const kf_rulebook *rb = d->rb;
	int i;
	text_answer(b, lang, d);
	text_scenarios(b, lang, d);
	text_why(b, lang, d);
	text_citations(b, lang, d);
	if (d->nalt) {
		kf__buf_say(b, lang, KF_PH_ALTERNATIVES);
		for (i = 0; i < d->nalt; i++) {
			kf__buf_puts(b, "  - ");
			kf__alternative_say(b, lang, d, i);
			kf__buf_puts(b, "\n");
		}
	}
	if (d->flags & KF_DECIDE_TRACE)
		text_trace(b, lang, d);
	kf__buf_say(b, lang, KF_PH_RULEBOOK, rb->id, rb->edition, rb->sha256);
}

/* A range for people: "50%", or "between 50% and 75% (the lower end
 * excluded)". */
static void look_range(kf_buf *b, kf_lang lang, kf_share_range r)
{
	char a[40], c[40];
	if (r.min == r.max) {
		kf__buf_say(b, lang, KF_PH_LT_SHARE, kf_share_format(r.min, a, sizeof a));
		return;
	}
	kf__buf_say(b, lang, KF_PH_LT_RANGE, kf_share_format(r.min, a, sizeof a),
		    kf_share_format(r.max, c, sizeof c));
	if (r.min_open)
		kf__buf_say(b, lang, KF_PH_SHARE_LO_OPEN);
	if (r.max_open)
		kf__buf_say(b, lang, KF_PH_SHARE_HI_OPEN);
}

void kf__look_through_say(kf_buf *b, kf_lang lang, const kf_ownership_result *o, const char *source,
			  int legal_form, int other_differs, kf_share_range other,
			  kf_outcome other_outcome)
{
	char a[40], c[40];
	size_t i, j;
	kf__buf_say(b, lang, KF_PH_LT_HEAD, source, o->entity);
	look_range(b, lang, o->foreign);
	if (!o->exact)
		kf__buf_say(b, lang, KF_PH_LT_ROUNDED);
	kf__buf_puts(b, "\n");
	if (o->hk_mo_tw.max)
		kf__buf_say(b, lang, KF_PH_LT_HKMOTW, kf_share_format(o->hk_mo_tw.min, a, sizeof a),
			    kf_share_format(o->hk_mo_tw.max, c, sizeof c));
	for (i = 0; i < o->nchains; i++) {
		kf__buf_say(b, lang, KF_PH_LT_CHAIN,
			    kf_share_format(o->chains[i].share, a, sizeof a));
		for (j = 0; j < o->chains[i].len; j++)
			kf__buf_printf(b, "%s%s", j ? " -> " : "", o->chains[i].path[j]);
		kf__buf_puts(b, "\n");
	}
	if (o->ndeciding)
		kf__buf_say(b, lang, KF_PH_LT_DECIDING);
	for (i = 0; i < o->ndeciding; i++) {
		const kf_ownership_deciding *h = &o->deciding[i];
		const char *owner = h->owner ? h->owner : kf__say(lang, KF_PH_LT_UNDISCLOSED);
		kf_share_format(h->share.min, a, sizeof a);
		kf_share_format(h->share.max, c, sizeof c);
		if (*h->source)
			kf__buf_say(b, lang, KF_PH_LT_DECIDING_AT, owner, h->owned, a, c, h->reason,
				    h->source);
		else
			kf__buf_say(b, lang, KF_PH_LT_DECIDING_NO, owner, h->owned, a, c,
				    h->reason);
	}
	if (!other_differs)
		return;
	/* the other test (ownership-notes 0.5; telecom-facts 7.2.4) */
	kf__buf_say(b, lang, KF_PH_LT_OTHER,
		    kf__say(lang, legal_form ? KF_PH_LT_TEST_LOOK : KF_PH_LT_TEST_LEGAL));
	if (other.min == other.max)
		kf__buf_say(b, lang, KF_PH_LT_SHARE, kf_share_format(other.min, a, sizeof a));
	else
		kf__buf_say(b, lang, KF_PH_LT_OTHER_RANGE, kf_share_format(other.min, a, sizeof a),
			    kf_share_format(other.max, c, sizeof c));
	kf__buf_say(b, lang, KF_PH_LT_OTHER_TAIL,
		    lang == KF_LANG_EN ? kf_outcome_name(other_outcome)
				       : kf_outcome_label(other_outcome, lang),
		    kf__say(lang, legal_form ? KF_PH_LT_USE_LOOK : KF_PH_LT_USE_LEGAL));
}

char *kf_decision_text_lang(const kf_decision *d, kf_lang lang)
{
	kf_buf b;
	kf__buf_init(&b, 0);
	kf__decision_text_into(&b, d, lang == KF_LANG_ZH ? KF_LANG_ZH : KF_LANG_EN);
	return kf__buf_steal(&b);
}

char *kf_decision_text(const kf_decision *d) { return kf_decision_text_lang(d, KF_LANG_EN); }
