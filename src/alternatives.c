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

/* named[r] = 1 for each region r named by (or a member of a group named by)
 * a measure in force on the question's date, for its service and investor,
 * that opens or caps it: the pilot zones of an opening. named holds nreg
 * bytes, zeroed by the caller. */
static void mark_named_by_openings(const kf_rulebook *rb, const kf_question *q,
				   unsigned char *named)
{
	const int *cand = rb->svc_mlist + rb->svc_moff[q->service];
	int nc = rb->svc_moff[q->service + 1] - rb->svc_moff[q->service];
	int inv = kf__investor_of(rb, q), i, j, p, r;
	uint32_t invbit = inv >= 0 ? (uint32_t)1 << inv : 0;
	for (i = 0; i < nc; i++) {
		const kf_measure_info *mi = &rb->mea[cand[i]];
		if ((mi->effect != KF_EFFECT_OPEN && !mi->imposes_cap) ||
		    !kf__in_force(mi, q->date) || !(rb->mea_inv[cand[i]] & invbit))
			continue;
		for (j = 0; j < mi->n_regions; j++) {
			int g = mi->regions[j];
			named[g] = 1;
			if (strcmp(rb->reg[g].kind, "group"))
				continue;
			for (r = 0; r < rb->nreg; r++)
				for (p = 0; p < rb->reg[r].n_parents; p++)
					if (rb->reg[r].parents[p] == g)
						named[r] = 1;
		}
	}
}

/* The place sweep of kf__find_alternatives: whether q is permitted in each
 * place (outside its sub-zones), decided at most once per place, and once per
 * signature: with outside_zones a place's share-free verdict is a function of
 * the list of the service's measures in force for the investor that cover it
 * and whether each covers it surely (kf__eval_at reads nothing else of the
 * place), so places with the same list share one decision. A refusal with no
 * permitted place elsewhere used to decide every place of the rulebook. */
typedef struct sweep {
	const kf_rulebook *rb;
	const kf_question *q;
	kf_arena *arena;
	unsigned char *state; /* per place: 0 not yet, 1 no, 2 yes, 3 yes but uncertain */
	int nsig;             /* lists decided */
	int **lists;          /* lists[k]: length, then 2m+sure for each covering measure */
	unsigned char *lstate;
	int *scratch;
} sweep;

static int sweep_decide(sweep *w, int r)
{
	kf_question q2 = *w->q;
	kf_verdict v2;
	q2.region = r;
	q2.outside_zones = 1;
	return kf_decide_verdict(w->rb, &q2, &v2, NULL) != KF_OK || v2.outcome != KF_PERMITTED ? 1
	       : v2.uncertain                                                                  ? 3
											       : 2;
}

static int place_permitted(sweep *w, int r)
{
	const kf_rulebook *rb = w->rb;
	const kf_question *q = w->q;
	const int *cand = rb->svc_mlist + rb->svc_moff[q->service];
	int nc = rb->svc_moff[q->service + 1] - rb->svc_moff[q->service];
	int inv = kf__investor_of(rb, q), i, k, n = 0;
	uint32_t invbit = inv >= 0 && !kf__no_foreign_share(q) ? (uint32_t)1 << inv : 0;
	if (w->state[r])
		return w->state[r] >= 2;
	if (!w->scratch || rb->reg_core[r] != r) { /* no memory, or decided as another place */
		w->state[r] = (unsigned char)sweep_decide(w, r);
		return w->state[r] >= 2;
	}
	for (i = 0; i < nc; i++) { /* kf__eval_at's selection, for place r */
		int m = cand[i], sure = 1, c;
		if (!kf__in_force(&rb->mea[m], q->date) || !(rb->mea_inv[m] & invbit))
			continue;
		if ((c = kf__covers(rb, m, r, q->date, &sure)) < 0) {
			w->state[r] = (unsigned char)sweep_decide(w, r);
			return w->state[r] >= 2;
		}
		if (c)
			w->scratch[1 + n++] = 2 * m + (sure != 0);
	}
	w->scratch[0] = n;
	for (k = 0; k < w->nsig; k++)
		if (w->lists[k][0] == n &&
		    !memcmp(w->lists[k] + 1, w->scratch + 1, sizeof(int) * (size_t)n))
			break;
	if (k < w->nsig) {
		w->state[r] = w->lstate[k];
		return w->state[r] >= 2;
	}
	w->state[r] = (unsigned char)sweep_decide(w, r);
	if (w->nsig < rb->nreg) {
		int *l = kf__arena_alloc(w->arena, sizeof(int) * (size_t)(n + 1));
		if (l) {
			memcpy(l, w->scratch, sizeof(int) * (size_t)(n + 1));
			w->lists[w->nsig] = l;
			w->lstate[w->nsig++] = w->state[r];
		}
	}
	return w->state[r] >= 2;
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
	 * out-of-scope places never; at most MAX_PLACES. Places are decided
	 * lazily, in rank order, and a permitted one's candidate ancestors only:
	 * the search stops at the MAX_PLACES-th place (a refusal with many
	 * permitted places elsewhere no longer decides every place). */
	{
		int prov = province_of(rb, d->q.region), tier;
		signed char *tierof = kf__arena_alloc(&d->arena, (size_t)rb->nreg + 1);
		unsigned char *state = kf__arena_alloc(&d->arena, (size_t)rb->nreg + 1);
		size_t rw = (size_t)rb->rw;
		int nc = rb->svc_moff[d->q.service + 1] - rb->svc_moff[d->q.service];
		sweep w;
		unsigned char *named = kf__arena_alloc(&d->arena, (size_t)rb->nreg + 1);
		if (!tierof || !state || !named)
			return;
		memset(named, 0, (size_t)rb->nreg + 1);
		mark_named_by_openings(rb, &d->q, named);
		memset(&w, 0, sizeof w);
		w.rb = rb;
		w.q = &d->q;
		w.arena = &d->arena;
		w.state = state;
		w.lists = kf__arena_alloc(&d->arena, sizeof(int *) * (size_t)(rb->nreg + 1));
		w.lstate = kf__arena_alloc(&d->arena, (size_t)rb->nreg + 1);
		w.scratch = w.lists && w.lstate
				? kf__arena_alloc(&d->arena, sizeof(int) * (size_t)(nc + 1))
				: NULL;
		for (i = 0; i < rb->nreg; i++) {
			const kf_region_info *r = &rb->reg[i];
			int inside = kf__bit(rb->reg_anc + (size_t)i * rw, d->q.region);
			int same = prov >= 0 && kf__bit(rb->reg_anc + (size_t)i * rw, prov);
			tierof[i] = -1;
			state[i] = 0;
			if (i == d->q.region || !strcmp(r->kind, "group") ||
			    !strcmp(r->kind, "country") || *r->out_of_scope ||
			    !kf__region_exists(r, d->q.date))
				continue;
			tier = inside ? 0 : same ? 1 : named[i] ? 2 : 3;
			if (tier == 3 && strcmp(r->kind, "zone") && strcmp(r->kind, "city") &&
			    strcmp(r->kind, "municipality") && strcmp(r->kind, "province"))
				continue;
			tierof[i] = (signed char)tier;
		}
		found = 0;
		for (tier = 0; tier < 4 && found < MAX_PLACES; tier++)
			for (i = 0; i < rb->nreg && found < MAX_PLACES; i++) {
				int j, covered = 0;
				if (tierof[i] != tier || !place_permitted(&w, i))
					continue;
				for (j = 0; j < rb->nreg && !covered; j++)
					covered = j != i && tierof[j] >= 0 &&
						  kf__bit(rb->reg_anc + (size_t)i * rw, j) &&
						  place_permitted(&w, j);
				if (covered)
					continue;
				add_alt(d, "region", rb->reg[i].id,
					kf__fmt(d, "permitted if registered in %s (%s)%s",
						rb->reg[i].name.en, rb->reg[i].id,
						state[i] == 3 ? " (uncertain)" : ""),
					state[i] == 3);
				found++;
			}
	}
}
