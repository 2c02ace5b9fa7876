/*
 * decision.c — assembles a kf_decision: the verdict from the engine
 * (decide.c), conditions, the explanation (explain.c) and the alternatives
 * (alternatives.c), so none of them calls back into another.
 */

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "decide_int.h"
#include "util/alloc.h"
#include "util/errors.h"

static void add_cond(kf_decision *d, int m, const char *type, const char *text)
{
	int i;
	for (i = 0; i < d->ncond; i++)
		if (d->cond[i].measure == m && !strcmp(d->cond[i].text, text))
			return;
	if (d->ncond >= 256)
		return;
	d->cond[d->ncond].measure = m;
	d->cond[d->ncond].type = type;
	d->cond[d->ncond++].text = text;
}

const char *kf__fmt(kf_decision *d, const char *f, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, sizeof buf, f, ap);
	va_end(ap);
	return kf__arena_strdup(&d->arena, buf);
}

static void collect_conditions(kf_decision *d, const kf_eval *e)
{
	const kf_rulebook *rb = d->rb;
	int i, j, k;
	char s[40];
	for (i = 0; i < e->n; i++) {
		int m = e->m[i], acting = 0, binds = 0;
		const kf_measure_info *mi = &rb->mea[m];
		if (e->by[i] >= 0)
			continue;
		for (j = 0; j < e->n; j++)
			if (e->by[j] == m)
				acting = 1;
		for (j = 0; j < d->outside->v.n_binding; j++)
			if (d->outside->v.binding[j] == m)
				binds = 1;
		/* a refused investment gets no licence: only the conditions of
		 * the measures that refuse it travel with the answer */
		if (kf__is_refusal(d->v.outcome) && !binds)
			continue;
		if (mi->effect == KF_EFFECT_CONDITION) {
			const char *prefix = NULL;
			if (mi->has_when_share) {
				int meets;
				if (d->q.has_share) {
					kf_share hi = d->q.share_max > d->q.share ? d->q.share_max
										  : d->q.share;
					/* a share just above x meets "<= w" only when x < w */
					meets = mi->when_op == KF_CAP_LT || d->q.share_above
						    ? d->q.share < mi->when_share
						    : d->q.share <= mi->when_share;
					if (!meets)
						continue;
					/* a share range only partly meeting the test */
					if (!(mi->when_op == KF_CAP_LT ? hi < mi->when_share
								       : hi <= mi->when_share))
						prefix = kf__fmt(
						    d, "if the foreign share is %s %s%%: ",
						    mi->when_op == KF_CAP_LT ? "below" : "at most",
						    kf_share_format(mi->when_share, s, sizeof s));
				} else
					prefix =
					    kf__fmt(d, "if the foreign share is %s %s%%: ",
						    mi->when_op == KF_CAP_LT ? "below" : "at most",
						    kf_share_format(mi->when_share, s, sizeof s));
			}
			for (k = 0; k < mi->n_conditions; k++)
				add_cond(d, m, mi->conditions[k].type,
					 prefix ? kf__fmt(d, "%s%s", prefix, mi->conditions[k].text)
						: mi->conditions[k].text);
			kf__cite(d, m);
			continue;
		}
		if (!acting && !binds)
			continue;
		for (k = 0; k < mi->n_conditions; k++)
			add_cond(d, m, mi->conditions[k].type, mi->conditions[k].text);
		if (mi->status == KF_ANNOUNCED)
			add_cond(d, m, "procedure",
				 *mi->pending ? kf__fmt(d, "pending: %s", mi->pending)
					      : "pending: announced, not yet implemented");
		if (mi->uncertain)
			kf__add_reason(d, kf__fmt(d, "%s: %s", mi->id, mi->uncertain_reason));
		else if (mi->status == KF_ANNOUNCED)
			kf__add_reason(d, kf__fmt(d, "%s: announced, not yet implemented", mi->id));
		kf__cite(d, m);
	}
}

kf_status kf_decide(const kf_rulebook *rb, const kf_question *q, unsigned flags, kf_decision **out,
		    kf_error *err)
{
	kf_status st;
	kf_decision *d;
	int i;
	*out = NULL;
	kf__check_question(rb, q, err, &st);
	if (st != KF_OK)
		return st;
	d = kf__calloc(1, sizeof *d);
	if (!d)
		goto nomem;
	kf__arena_init(&d->arena, 16384);
	d->rb = rb;
	d->q = *q;
	d->flags = flags;
	d->outside = kf__arena_alloc(&d->arena, sizeof *d->outside);
	d->sc = kf__arena_alloc(&d->arena, sizeof(kf_scenario) * (KF_VERDICT_MAX * 2 + 1));
	d->cond = kf__arena_alloc(&d->arena, sizeof(kf_cond_out) * 256);
	d->cite = kf__arena_alloc(&d->arena, sizeof(int) * (size_t)(rb->nmea + 1));
	if (!d->outside || !d->sc || !d->cond || !d->cite)
		goto nomem;
	d->nsc = kf__decide_scenarios(rb, q, d->outside, d->sc, KF_VERDICT_MAX * 2 + 1, &d->v);
	/* conditions and citations of the answer outside every zone, and of every
	 * zone scenario that differs (their measures decide the answer there) */
	collect_conditions(d, d->outside);
	for (i = 0; i < d->outside->v.n_binding; i++)
		kf__cite(d, d->outside->v.binding[i]);
	if (d->v.outcome == KF_INDETERMINATE) {
		kf_eval *ze = kf__malloc(sizeof *ze);
		if (!ze)
			goto nomem;
		for (i = 1; i < d->nsc; i++) {
			int j;
			if (kf__same_answer(&d->sc[i].v, &d->sc[0].v))
				continue;
			kf__eval_at(rb, q, d->sc[i].zone, ze);
			for (j = 0; j < ze->v.n_binding; j++)
				kf__cite(d, ze->v.binding[j]);
			for (j = 0; j < ze->n; j++)
				if (ze->by[j] >= 0) {
					const kf_measure_info *o = &rb->mea[ze->by[j]];
					kf__cite(d, ze->by[j]);
					if (o->uncertain)
						kf__add_reason(d, kf__fmt(d, "%s: %s", o->id,
									  o->uncertain_reason));
				}
		}
		kf__xfree(ze);
	}
	if (!d->v.uncertain)
		d->nreasons = 0; /* doubtful measures that decide nothing ([S-6]) */
	if (rb->complete_from != KF_DATE_NONE && q->date < rb->complete_from) {
		char ds[16];
		kf__add_reason(
		    d, kf__fmt(d,
			       "the rulebook models the rules in force from %s; on an earlier "
			       "date measures then in force may be missing",
			       kf_date_format(rb->complete_from, ds, sizeof ds)));
	}
	if (d->v.uncertain && !d->nreasons)
		kf__add_reason(
		    d, "a measure deciding the answer in some zone is uncertain or announced");
	if (flags & KF_DECIDE_ALTERNATIVES)
		kf__find_alternatives(d);
	if (flags & KF_DECIDE_TRACE)
		kf__build_trace(d, d->outside);
	if (d->arena.failed)
		goto nomem;
	*out = d;
	return KF_OK;
nomem:
	kf_decision_free(d);
	kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
	return KF_ERR_NOMEM;
}

void kf_decision_free(kf_decision *d)
{
	if (!d)
		return;
	kf__arena_free(&d->arena);
	kf__xfree(d);
}

const kf_verdict *kf_decision_verdict(const kf_decision *d) { return &d->v; }
