/*
 * alternatives.c — what would change a refusal: the nearest share, date,
 * investor class or place at which the answer is permitted.
 */

#include <pthread.h>
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

void kf__find_alternatives(kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	kf_question q2;
	kf_verdict v2;
	char s[40], ds[16];
	int i, pass, found;
	const kf_verdict *v = &d->v;

	if (!kf__is_refusal(v->outcome))
		return;
	/* a lower share */
	if (v->outcome == KF_EXCEEDS_CAP) {
		const char *val = kf__arena_strdup(&d->arena, kf_share_format(v->cap, s, sizeof s));
		add_alt(d, "foreign_share", val,
			kf__fmt(d, "permitted at a foreign share %s %s%%",
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
	/* another place: first zones inside the asked place, then the same province,
	 * then anywhere; at most 5, zones and cities before provinces */
	found = 0;
	for (pass = 0; pass < 3 && found < 5; pass++) {
		int prov = province_of(rb, d->q.region);
		for (i = 0; i < rb->nreg && found < 5; i++) {
			const kf_region_info *r = &rb->reg[i];
			int inside = kf__bit(rb->reg_anc + (size_t)i * (size_t)rb->rw, d->q.region);
			int same =
			    prov >= 0 && kf__bit(rb->reg_anc + (size_t)i * (size_t)rb->rw, prov);
			if (i == d->q.region || !strcmp(r->kind, "group") ||
			    !strcmp(r->kind, "country") || *r->out_of_scope)
				continue;
			if ((pass == 0 && !inside) || (pass == 1 && (inside || !same)) ||
			    (pass == 2 && (inside || same)))
				continue;
			if (pass == 2 && strcmp(r->kind, "zone") && strcmp(r->kind, "city") &&
			    strcmp(r->kind, "municipality") && strcmp(r->kind, "province"))
				continue;
			if (!kf__region_exists(r, d->q.date))
				continue;
			q2 = d->q;
			q2.region = i;
			q2.outside_zones = 1;
			if (kf_decide_verdict(rb, &q2, &v2, NULL) == KF_OK &&
			    v2.outcome == KF_PERMITTED) {
				add_alt(d, "region", r->id,
					kf__fmt(d, "permitted if registered in %s (%s)%s",
						r->name.en, r->id,
						v2.uncertain ? " (uncertain)" : ""),
					v2.uncertain);
				found++;
			}
		}
	}
}
