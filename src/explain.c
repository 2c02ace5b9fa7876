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
#include "util/errors.h"

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

static const char *effect_name(kf_effect e) { return kf_effect_name(e); }

void kf__build_trace(kf_decision *d, const kf_eval *e)
{
	const kf_rulebook *rb = d->rb;
	const kf_question *q = &d->q;
	int inv = kf__investor_of(rb, q);
	int place = rb->reg_core[q->region]; /* CN is decided as cn-mainland */
	size_t rw = (size_t)rb->rw;
	int i, j;
	char a[16], b[16];
	d->trace = kf__arena_alloc(&d->arena, sizeof(kf_trace) * (size_t)(rb->nmea + 1));
	if (!d->trace)
		return;
	for (i = 0; i < rb->nmea; i++) {
		const kf_measure_info *mi = &rb->mea[i];
		kf_trace *t = &d->trace[d->ntrace++];
		int in_scope = 0, excluded = -1, matched_at = -1;
		t->measure = i;
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
			t->why = "service not within its services";
		else if (d->v.outcome == KF_NOT_COVERED)
			t->why = kf__fmt(d,
					 "not considered: the date is before the rulebook's "
					 "coverage (complete from %s)",
					 kf_date_format(rb->complete_from, a, sizeof a));
		else if (excluded >= 0)
			t->why = kf__fmt(d, "service excluded (exclude_services: %s)",
					 rb->svc[excluded].id);
		else if (!kf__in_force(mi, q->date))
			t->why = kf__fmt(d, "not in force on the date (valid %s to %s)",
					 kf_date_format(mi->effective_from, a, sizeof a),
					 mi->effective_until == KF_DATE_MAX
					     ? "open"
					     : kf_date_format(mi->effective_until, b, sizeof b));
		else if (kf__no_foreign_share(q))
			t->why = "a foreign share of 0 is no foreign investment";
		else if (!(rb->mea_inv[i] & (inv >= 0 ? (uint32_t)1 << inv : 0)))
			t->why = kf__fmt(d, "investor class %s not covered",
					 inv >= 0 ? rb->inv[inv].id : "?");
		else if (!kf__bit(rb->mea_cover + (size_t)i * rw, place)) {
			int k, partly = 0;
			const uint64_t *cov = rb->mea_cover + (size_t)i * rw;
			for (k = rb->desc_off[place]; k < rb->desc_off[place + 1] && !partly; k++)
				partly = kf__bit(cov, rb->desc[k]);
			if (partly && !q->outside_zones) {
				t->matched = 2;
				t->why = kf__fmt(d,
						 "%s; its regions lie partly inside %s, so it may "
						 "apply in a zone",
						 effect_name(mi->effect), rb->reg[place].id);
			} else if (partly)
				t->why =
				    kf__fmt(d,
					    "its regions lie inside %s only in sub-zones, and the "
					    "address is "
					    "outside every sub-zone",
					    rb->reg[place].id);
			else
				t->why =
				    kf__fmt(d, "its regions do not contain %s", rb->reg[place].id);
		} else if (matched_at < 0) {
			t->why = "not evaluated"; /* not reached: every match is in e */
		} else {
			t->matched = 1;
			if (e->by[matched_at] >= 0)
				t->why = kf__fmt(d, "matched; set aside by %s",
						 rb->mea[e->by[matched_at]].id);
			else if (mi->effect == KF_EFFECT_OPEN) {
				int any = 0;
				for (j = 0; j < e->n; j++)
					if (e->by[j] == i)
						any = 1;
				t->why = any ? "matched; opening that sets restrictions aside"
					     : "matched; opening with nothing to set aside here";
			} else if (mi->effect == KF_EFFECT_CONDITION)
				t->why = "matched; adds conditions";
			else {
				int binds = 0;
				for (j = 0; j < e->nb; j++)
					if (e->b[j] == i)
						binds = 1;
				t->why =
				    binds
					? kf__fmt(d, "matched; binds (%s)", effect_name(mi->effect))
					: kf__fmt(d,
						  "matched; %s, but a stronger restriction decides",
						  effect_name(mi->effect));
			}
		}
	}
}
