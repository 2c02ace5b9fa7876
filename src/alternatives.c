/*
 * alternatives.c — what would change a refusal: the nearest share, date,
 * investor class or place at which the answer is permitted.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "decide_int.h"
#include "util/alloc.h"
#include "util/errors.h"

int kf__is_refusal(kf_outcome o)
{
	return o == KF_EXCEEDS_CAP || o == KF_PROHIBITED || o == KF_CLOSED;
}

static void add_alt(kf_decision *d, const char *type, const char *value, const char *text,
		    int uncertain)
{
	kf_alt *na = kf__arena_alloc(&d->arena, sizeof *na * (size_t)(d->nalt + 1));
	if (!na)
		return;
	if (d->nalt)
		memcpy(na, d->alt, sizeof *na * (size_t)d->nalt);
	na[d->nalt].type = type;
	na[d->nalt].value = value;
	na[d->nalt].text = text;
	na[d->nalt++].uncertain = uncertain;
	d->alt = na;
}

/* The province-level ancestor of a region (kind province, municipality,
 * autonomous-region or sar), or -1. */
static int province_of(const kf_rulebook *rb, int r)
{
	int i;
	for (i = 0; i < rb->nreg; i++) {
		const char *k = rb->reg[i].kind;
		if (kf__bit(rb->reg_anc + (size_t)r * (size_t)rb->rw, i) &&
		    (!strcmp(k, "province") || !strcmp(k, "municipality") ||
		     !strcmp(k, "autonomous-region") || !strcmp(k, "sar")))
			return i;
	}
	return -1;
}

#define MAX_PLACES 5

/* 1 when region r is named by (or is a member of a group named by) a measure
 * in force on the question's date, for its service and investor, that opens
 * or caps it: the pilot zones of an opening */
static int named_by_opening(const kf_rulebook *rb, const kf_question *q, int r)
{
	const int *cand = rb->svc_mlist + rb->svc_moff[q->service];
	int nc = rb->svc_moff[q->service + 1] - rb->svc_moff[q->service];
	int inv = kf__investor_of(rb, q), i, j, p;
	uint32_t invbit = inv >= 0 ? (uint32_t)1 << inv : 0;
	for (i = 0; i < nc; i++) {
		const kf_measure_info *mi = &rb->mea[cand[i]];
		if ((mi->effect != KF_EFFECT_OPEN && !mi->imposes_cap) ||
		    !kf__in_force(mi, q->date) || !(rb->mea_inv[cand[i]] & invbit))
			continue;
		for (j = 0; j < mi->n_regions; j++) {
			if (mi->regions[j] == r)
				return 1;
			for (p = 0; p < rb->reg[r].n_parents; p++)
				if (rb->reg[r].parents[p] == mi->regions[j] &&
				    !strcmp(rb->reg[mi->regions[j]].kind, "group"))
					return 1;
		}
	}
	return 0;
}

void kf__find_alternatives(kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	kf_question q2;
	kf_verdict v2;
	char s[40], ds[16];
	int i, found;
	const kf_verdict *v = &d->v;

	if (!kf__is_refusal(v->outcome))
		return;
	/* a lower share */
	if (v->outcome == KF_EXCEEDS_CAP) {
		const char *val = kf__arena_strdup(&d->arena, kf_share_format(v->cap, s, sizeof s));
		const char *phrase = NULL;
		/* [S-10] a floor, control or a form binds: say the change in its
		 * own terms ("permitted as a joint venture (a foreign share below
		 * 100%)", "permitted with a Chinese share of at least 30% ...") */
		for (i = 0; i < d->outside->nb && !phrase; i++)
			phrase = kf__bound_phrase(d, &rb->mea[d->outside->b[i]]);
		add_alt(d, "foreign_share", val,
			phrase ? kf__fmt(d, "permitted %s", phrase)
			       : kf__fmt(d, "permitted at a foreign share %s %s%%",
					 v->cap_op == KF_CAP_LT ? "below" : "of at most", val),
			v->uncertain);
	}
	/* a later date */
	for (i = 0; i < rb->ndates; i++) {
		if (rb->dates[i] <= d->q.date)
			continue;
		q2 = d->q;
		q2.date = rb->dates[i];
		if (kf_decide_verdict(rb, &q2, &v2, NULL) == KF_OK && v2.outcome == KF_PERMITTED) {
			const char *val = kf__arena_strdup(
			    &d->arena, kf_date_format(rb->dates[i], ds, sizeof ds));
			add_alt(d, "date", val,
				kf__fmt(d, "permitted from %s%s", val,
					v2.uncertain ? " (uncertain)" : ""),
				v2.uncertain);
			break;
		}
	}
	/* another investor class */
	for (i = 0; i < rb->ninv; i++) {
		if (i == (d->q.investor >= 0 ? d->q.investor : rb->foreign) || !rb->inv[i].foreign)
			continue;
		q2 = d->q;
		q2.investor = i;
		if (kf_decide_verdict(rb, &q2, &v2, NULL) == KF_OK && v2.outcome == KF_PERMITTED)
			add_alt(d, "investor", rb->inv[i].id,
				kf__fmt(d, "permitted for an investor of class %s (%s)%s",
					rb->inv[i].id, rb->inv[i].name.en,
					v2.uncertain ? " (uncertain)" : ""),
				v2.uncertain);
	}
	/* another place where the same question is permitted on the same date
	 * (each decided, outside its sub-zones), ranked by nearness: zones inside
	 * the asked place, places in the same province, the places the openings
	 * and caps on this service name (the pilot zones), then elsewhere; a place
	 * inside another permitted place is left out (Pudong, not its FTZ areas);
	 * out-of-scope places never; at most MAX_PLACES */
	{
		int prov = province_of(rb, d->q.region), nc = 0, tier;
		int *cand = kf__arena_alloc(&d->arena, sizeof(int) * (size_t)(rb->nreg + 1));
		unsigned char *rank = kf__arena_alloc(&d->arena, (size_t)rb->nreg + 1);
		size_t rw = (size_t)rb->rw;
		if (!cand || !rank)
			return;
		for (i = 0; i < rb->nreg; i++) {
			const kf_region_info *r = &rb->reg[i];
			int inside = kf__bit(rb->reg_anc + (size_t)i * rw, d->q.region);
			int same = prov >= 0 && kf__bit(rb->reg_anc + (size_t)i * rw, prov);
			if (i == d->q.region || !strcmp(r->kind, "group") ||
			    !strcmp(r->kind, "country") || *r->out_of_scope ||
			    !kf__region_exists(r, d->q.date))
				continue;
			tier = inside ? 0 : same ? 1 : named_by_opening(rb, &d->q, i) ? 2 : 3;
			if (tier == 3 && strcmp(r->kind, "zone") && strcmp(r->kind, "city") &&
			    strcmp(r->kind, "municipality") && strcmp(r->kind, "province"))
				continue;
			q2 = d->q;
			q2.region = i;
			q2.outside_zones = 1;
			if (kf_decide_verdict(rb, &q2, &v2, NULL) != KF_OK ||
			    v2.outcome != KF_PERMITTED)
				continue;
			rank[i] = (unsigned char)(tier | (v2.uncertain ? 8 : 0));
			cand[nc++] = i;
		}
		found = 0;
		for (tier = 0; tier < 4 && found < MAX_PLACES; tier++)
			for (i = 0; i < nc && found < MAX_PLACES; i++) {
				int r = cand[i], j, covered = 0;
				if ((rank[r] & 7) != tier)
					continue;
				for (j = 0; j < nc && !covered; j++)
					covered = cand[j] != r &&
						  kf__bit(rb->reg_anc + (size_t)r * rw, cand[j]);
				if (covered)
					continue;
				add_alt(d, "region", rb->reg[r].id,
					kf__fmt(d, "permitted if registered in %s (%s)%s",
						rb->reg[r].name.en, rb->reg[r].id,
						rank[r] & 8 ? " (uncertain)" : ""),
					(rank[r] & 8) != 0);
				found++;
			}
	}
}
