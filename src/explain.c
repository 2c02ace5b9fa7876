/*
 * explain.c — the reasons of a decision for people: why it is uncertain, the
 * measures cited, and the per-measure trace of `explain`.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "decide_int.h"
#include "kaifang/view.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/errors.h"
#include "view/lang.h"

void kf__add_reason(kf_decision *d, const char *text)
{
	int i;
	const char **nr;
	for (i = 0; i < d->nreasons; i++)
		if (!strcmp(d->reasons[i], text))
			return;
	nr = kf__arena_alloc(&d->arena, sizeof(char *) * (size_t)(d->nreasons + 1));
	if (!nr)
		return;
	if (d->nreasons)
		memcpy(nr, d->reasons, sizeof(char *) * (size_t)d->nreasons);
	nr[d->nreasons++] = text;
	d->reasons = nr;
}

void kf__cite(kf_decision *d, int m)
{
	int i;
	for (i = 0; i < d->ncite; i++)
		if (d->cite[i] == m)
			return;
	d->cite[d->ncite++] = m;
}

/* Sets why t did or did not apply: the sentence `code` (view/lang.h) with its
 * arguments, and its English text for the JSON's "why". */
static void why(kf_decision *d, kf_trace *t, int code, const char *a, const char *b)
{
	kf_buf buf;
	t->code = code;
	t->a = a;
	t->b = b;
	kf__buf_init(&buf, 0);
	kf__trace_say(&buf, KF_LANG_EN, t);
	t->why = buf.failed ? NULL : kf__fmt(d, "%s", buf.len ? buf.data : "");
	if (!t->why)
		d->arena.failed = 1;
	kf__buf_free(&buf);
}

/* A date as text in the decision's arena. */
static const char *date_text(kf_decision *d, kf_date x)
{
	char s[16];
	return kf__fmt(d, "%s", kf_date_format(x, s, sizeof s));
}

void kf__trace_say(kf_buf *b, int lang, const kf_trace *t)
{
	const char *x = t->a ? t->a : "", *y = t->b;
	if (t->code == KF_PH_T_IN_ZONE || t->code == KF_PH_T_BINDS ||
	    t->code == KF_PH_T_STRONGER) { /* the effect first */
		y = x;
		x = kf__effect_label((kf_lang)lang, (kf_effect)t->effect);
	}
	if (t->code == KF_PH_T_NOT_IN_FORCE && !y)
		y = kf__say((kf_lang)lang, KF_PH_T_OPEN_END);
	kf__buf_say(b, (kf_lang)lang, (kf__ph)t->code, x, y ? y : "");
}

void kf__build_trace(kf_decision *d, const kf_eval *e)
{
	const kf_rulebook *rb = d->rb;
	const kf_question *q = &d->q;
	int inv = kf__investor_of(rb, q);
	int place = rb->reg_core[q->region]; /* CN is decided as cn-mainland */
	size_t rw = (size_t)rb->rw;
	int i, j;
	d->trace = kf__arena_alloc(&d->arena, sizeof(kf_trace) * (size_t)(rb->nmea + 1));
	if (!d->trace)
		return;
	for (i = 0; i < rb->nmea; i++) {
		const kf_measure_info *mi = &rb->mea[i];
		kf_trace *t = &d->trace[d->ntrace++];
		int in_scope = 0, excluded = -1, matched_at = -1;
		t->measure = i;
		t->effect = (int)mi->effect;
		for (j = 0; j < mi->n_services; j++)
			if (kf_rulebook_service_within(rb, q->service, mi->services[j]))
				in_scope = 1;
		for (j = 0; j < mi->n_exclude; j++)
			if (kf_rulebook_service_within(rb, q->service, mi->exclude_services[j]))
				excluded = mi->exclude_services[j];
		for (j = 0; j < e->n; j++)
			if (e->m[j] == i)
				matched_at = j;
		/* [S-1] a measure on the asked service's subtree that misses only
		 * on place, date or investor "nearly matched": explain shows it;
		 * the rest only with KF_DECIDE_TRACE_ALL */
		t->near = in_scope;
		if (!in_scope)
			why(d, t, KF_PH_T_SERVICE, NULL, NULL);
		else if (d->v.outcome == KF_NOT_COVERED)
			why(d, t, KF_PH_T_NOT_COVERED, date_text(d, rb->complete_from), NULL);
		else if (excluded >= 0)
			why(d, t, KF_PH_T_EXCLUDED, rb->svc[excluded].id, NULL);
		else if (!kf__in_force(mi, q->date))
			why(d, t, KF_PH_T_NOT_IN_FORCE, date_text(d, mi->effective_from),
			    mi->effective_until == KF_DATE_MAX ? NULL
							       : date_text(d, mi->effective_until));
		else if (kf__no_foreign_share(q))
			why(d, t, KF_PH_T_ZERO_SHARE, NULL, NULL);
		else if (!(rb->mea_inv[i] & (inv >= 0 ? (uint32_t)1 << inv : 0)))
			why(d, t, KF_PH_T_INVESTOR, inv >= 0 ? rb->inv[inv].id : "?", NULL);
		else if (!kf__bit(rb->mea_cover + (size_t)i * rw, place)) {
			int k, partly = 0;
			const uint64_t *desc = rb->reg_desc + (size_t)place * rw;
			const uint64_t *cov = rb->mea_cover + (size_t)i * rw;
			for (k = 0; k < (int)rw; k++)
				partly |= (desc[k] & cov[k]) != 0;
			if (partly && !q->outside_zones) {
				t->matched = 2;
				why(d, t, KF_PH_T_IN_ZONE, rb->reg[place].id, NULL);
			} else if (partly)
				why(d, t, KF_PH_T_ONLY_SUBZONES, rb->reg[place].id, NULL);
			else
				why(d, t, KF_PH_T_NOT_CONTAIN, rb->reg[place].id, NULL);
		} else if (matched_at < 0) {
			why(d, t, KF_PH_T_NOT_EVALUATED, NULL, NULL); /* not reached: every
									 match is in e */
		} else {
			t->matched = 1;
			if (e->by[matched_at] >= 0)
				why(d, t, KF_PH_T_SET_ASIDE, rb->mea[e->by[matched_at]].id, NULL);
			else if (mi->effect == KF_EFFECT_OPEN) {
				int any = 0;
				for (j = 0; j < e->n; j++)
					if (e->by[j] == i)
						any = 1;
				why(d, t, any ? KF_PH_T_OPEN_ACTS : KF_PH_T_OPEN_NOTHING, NULL,
				    NULL);
			} else if (mi->effect == KF_EFFECT_CONDITION)
				why(d, t, KF_PH_T_ADDS_CONDITIONS, NULL, NULL);
			else {
				int binds = 0;
				for (j = 0; j < e->nb; j++)
					if (e->b[j] == i)
						binds = 1;
				why(d, t, binds ? KF_PH_T_BINDS : KF_PH_T_STRONGER, NULL, NULL);
			}
		}
	}
}
