/*
 * decide.c — the decision engine (DESIGN.md "The model", docs/semantics.md).
 *
 * [S-1] A measure matches a question when the date is in its validity
 *       [effective_from, effective_until), the asked service lies in its
 *       service scope (index: svc_mlist), the asked investor class is covered
 *       (mea_inv) and its regions contain the place (mea_cover bit).
 * [S-2] A matching measure named in `overrides` of another matching measure is
 *       set aside.
 * [S-3] What remains binds together: any prohibited → prohibited; any closed
 *       → closed; else the tightest cap (lower value; at equal value "<" is
 *       tighter than "<="). `open` binds nothing; `condition` never changes
 *       the outcome.
 * [S-4] With a share, exceeding the tightest cap → exceeds_cap; without one,
 *       permitted whenever some share up to the cap is allowed. Comparison is
 *       exact on fixed-point integers.
 * [S-5] A measure whose regions lie partly inside the asked place "may apply":
 *       the question is decided again inside each such zone. Where the answers
 *       differ, the outcome is indeterminate and names the zones; where they
 *       agree, that is the answer. outside_zones skips the zones.
 * [S-6] Certainty is uncertain when any binding measure, or any opening that
 *       sets a restriction aside, is uncertain or announced.
 * [S-7] mainland investors: no foreign-investment measure covers them (the
 *       rulebook's investor scopes decide); the answer is then permitted.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "decide_int.h"
#include "util/alloc.h"
#include "util/errors.h"

const char *kf_outcome_name(kf_outcome o)
{
	switch (o) {
	case KF_PERMITTED: return "permitted";
	case KF_EXCEEDS_CAP: return "exceeds_cap";
	case KF_PROHIBITED: return "prohibited";
	case KF_CLOSED: return "closed";
	case KF_INDETERMINATE: return "indeterminate";
	}
	return "unknown";
}

/* [S-7] a foreign share of exactly 0 (and no range above it) is no foreign
 * investment: no foreign-investment measure covers it */
int kf__no_foreign_share(const kf_question *q)
{
	return q->has_share && q->share == 0 && !q->share_above && q->share_max <= 0;
}

int kf__investor_of(const kf_rulebook *rb, const kf_question *q)
{
	return q->investor >= 0 ? q->investor : rb->foreign;
}

/* share (+ less than one unit when `above`) against the cap: a share just
 * above x exceeds "<= x"; against "< c" it exceeds exactly when x >= c */
static int exceeds(const kf_verdict *v, kf_share share, int above)
{
	return v->cap_op == KF_CAP_LE ? share > v->cap || (above && share == v->cap)
				      : share >= v->cap;
}

/* [S-4] the share against the cap; a share range [share, share_max] that
 * straddles the cap leaves the answer indeterminate on the share */
static void apply_share(const kf_question *q, kf_verdict *v)
{
	kf_share hi;
	if (v->outcome != KF_PERMITTED || !q->has_share || !v->has_cap)
		return;
	hi = q->share_max > q->share ? q->share_max : q->share;
	if (exceeds(v, q->share, q->share_above && q->share_max <= q->share))
		v->outcome = KF_EXCEEDS_CAP;
	else if (exceeds(v, hi, 0)) {
		v->outcome = KF_INDETERMINATE;
		v->share_undecided = 1;
	}
}

/* Outcome and cap of a list of matching measures, overrides applied ([S-2],
 * [S-3]); for the certainty test of [S-6]. by is scratch of n entries. */
static void outcome_of(const kf_rulebook *rb, const int *m, int n, int *by, kf_verdict *v)
{
	int i, j, k, prohibited = 0, closed = 0;
	memset(v, 0, sizeof *v);
	for (i = 0; i < n; i++)
		by[i] = -1;
	for (i = 0; i < n; i++) {
		const kf_measure_info *a = &rb->mea[m[i]];
		for (j = 0; j < a->n_overrides; j++)
			for (k = 0; k < n; k++)
				if (m[k] == a->overrides[j])
					by[k] = m[i];
	}
	for (i = 0; i < n; i++) {
		const kf_measure_info *mi = &rb->mea[m[i]];
		if (by[i] >= 0)
			continue;
		if (mi->effect == KF_EFFECT_PROHIBITED)
			prohibited++;
		else if (mi->effect == KF_EFFECT_CLOSED)
			closed++;
		else if (mi->effect == KF_EFFECT_CAP &&
			 (!v->has_cap || mi->cap < v->cap ||
			  (mi->cap == v->cap && mi->cap_op == KF_CAP_LT))) {
			v->cap = mi->cap;
			v->cap_op = mi->cap_op;
			v->has_cap = 1;
		}
	}
	v->outcome = prohibited ? KF_PROHIBITED : closed ? KF_CLOSED : KF_PERMITTED;
	if (prohibited || closed)
		v->has_cap = 0;
}

/* [S-1]..[S-4] at one place */
void kf__eval_at(const kf_rulebook *rb, const kf_question *q, int place, kf_eval *e)
{
	const int *cand = rb->svc_mlist + rb->svc_moff[q->service];
	int nc = rb->svc_moff[q->service + 1] - rb->svc_moff[q->service];
	int inv = kf__investor_of(rb, q);
	uint32_t invbit = inv >= 0 && !kf__no_foreign_share(q) ? (uint32_t)1 << inv : 0;
	size_t rw = (size_t)rb->rw;
	int i, j, k, prohibited = 0, closed = 0;
	kf_verdict *v = &e->v;

	e->n = 0;
	memset(v, 0, sizeof *v);
	for (i = 0; i < nc; i++) {
		int m = cand[i];
		const kf_measure_info *mi = &rb->mea[m];
		if (!kf__in_force(mi, q->date) || !(rb->mea_inv[m] & invbit) ||
		    !kf__bit(rb->mea_cover + (size_t)m * rw, place))
			continue;
		if (e->n == KF_MAXMATCH) {
			v->truncated = 1;
			break;
		}
		e->by[e->n] = -1;
		e->m[e->n++] = m;
	}
	/* [S-2] */
	for (i = 0; i < e->n; i++) {
		const kf_measure_info *a = &rb->mea[e->m[i]];
		for (j = 0; j < a->n_overrides; j++)
			for (k = 0; k < e->n; k++)
				if (e->m[k] == a->overrides[j] && e->by[k] < 0)
					e->by[k] = e->m[i];
	}
	/* [S-3] */
	for (i = 0; i < e->n; i++) {
		const kf_measure_info *mi = &rb->mea[e->m[i]];
		if (e->by[i] >= 0)
			continue;
		if (mi->effect == KF_EFFECT_PROHIBITED)
			prohibited++;
		else if (mi->effect == KF_EFFECT_CLOSED)
			closed++;
		else if (mi->effect == KF_EFFECT_CAP) {
			if (!v->has_cap || mi->cap < v->cap ||
			    (mi->cap == v->cap && mi->cap_op == KF_CAP_LT)) {
				v->cap = mi->cap;
				v->cap_op = mi->cap_op;
				v->has_cap = 1;
			}
		}
	}
	v->outcome = prohibited ? KF_PROHIBITED : closed ? KF_CLOSED : KF_PERMITTED;
	for (i = 0; i < e->n; i++) {
		const kf_measure_info *mi = &rb->mea[e->m[i]];
		int binds;
		if (e->by[i] >= 0)
			continue;
		/* a cap binds when it is the tightest: looser caps also apply
		 * but decide nothing */
		binds = prohibited ? mi->effect == KF_EFFECT_PROHIBITED
			: closed   ? mi->effect == KF_EFFECT_CLOSED
				   : mi->effect == KF_EFFECT_CAP && mi->cap == v->cap &&
				       mi->cap_op == v->cap_op;
		if (binds) {
			if (v->n_binding < KF_VERDICT_MAX)
				v->binding[v->n_binding++] = e->m[i];
			else
				v->truncated = 1;
			if (mi->uncertain || mi->status == KF_ANNOUNCED)
				v->uncertain = 1;
		}
	}
	/* [S-6] a measure that sets a restriction aside decides the answer too;
	 * the setting aside is certain when any confirmed, in-force matching
	 * measure does it */
	for (i = 0; i < e->n; i++) {
		int certain = 0;
		if (e->by[i] < 0)
			continue;
		for (j = 0; j < e->n && !certain; j++) {
			const kf_measure_info *a = &rb->mea[e->m[j]];
			if (a->uncertain || a->status == KF_ANNOUNCED)
				continue;
			for (k = 0; k < a->n_overrides; k++)
				if (a->overrides[k] == e->m[i])
					certain = 1;
		}
		if (!certain)
			v->uncertain = 1;
	}
	if (prohibited || closed) {
		v->has_cap = 0;
		v->cap = 0;
	}
	/* [S-6] the answer is uncertain only when it depends on an uncertain or
	 * announced measure: decided again without all of them, and without each
	 * one in turn, the same outcome and cap every time make it certain */
	if (v->uncertain && !v->truncated) {
		int sub[KF_MAXMATCH], by2[KF_MAXMATCH], nsub, drop, same = 1;
		kf_verdict v2;
		for (drop = -1; drop < e->n && same; drop++) {
			const kf_measure_info *dm = drop >= 0 ? &rb->mea[e->m[drop]] : NULL;
			if (dm && !dm->uncertain && dm->status != KF_ANNOUNCED)
				continue;
			for (i = 0, nsub = 0; i < e->n; i++) {
				const kf_measure_info *mi = &rb->mea[e->m[i]];
				int doubtful = mi->uncertain || mi->status == KF_ANNOUNCED;
				if (drop < 0 ? !doubtful : i != drop)
					sub[nsub++] = e->m[i];
			}
			outcome_of(rb, sub, nsub, by2, &v2);
			same = v2.outcome == v->outcome && v2.has_cap == v->has_cap &&
			       (!v->has_cap || (v2.cap == v->cap && v2.cap_op == v->cap_op));
		}
		if (same)
			v->uncertain = 0;
	}
	/* [S-6] before the date from which the rulebook is complete, measures then
	 * in force may be missing */
	if (rb->complete_from != KF_DATE_NONE && q->date < rb->complete_from)
		v->uncertain = 1;
	/* [S-4] */
	apply_share(q, v);
}

int kf__same_answer(const kf_verdict *a, const kf_verdict *b)
{
	if (a->outcome != b->outcome || a->has_cap != b->has_cap)
		return 0;
	return !a->has_cap || (a->cap == b->cap && a->cap_op == b->cap_op);
}

int kf__region_exists(const kf_region_info *r, kf_date d) { return d >= r->from && d < r->until; }

/*
 * [S-5] The zones inside `place` in which some measure, not matching at the
 * place itself, may apply: for each such measure, the maximal regions of
 * (descendants of place) ∩ (its cover). Writes up to max zone indexes.
 */
static int candidate_zones(const kf_rulebook *rb, const kf_question *q, int *zones, int max)
{
	const int *cand = rb->svc_mlist + rb->svc_moff[q->service];
	int nc = rb->svc_moff[q->service + 1] - rb->svc_moff[q->service];
	int inv = kf__investor_of(rb, q);
	uint32_t invbit = inv >= 0 && !kf__no_foreign_share(q) ? (uint32_t)1 << inv : 0;
	size_t rw = (size_t)rb->rw, w;
	const uint64_t *desc = rb->reg_desc + (size_t)q->region * rw;
	int i, nz = 0;
	uint64_t inter[64];
	uint64_t *big = NULL;
	uint64_t *x = rw <= 64 ? inter : (big = kf__calloc(rw, sizeof(uint64_t)));
	if (!x)
		return 0;
	for (i = 0; i < nc; i++) {
		int m = cand[i], any = 0;
		const kf_measure_info *mi = &rb->mea[m];
		const uint64_t *cov = rb->mea_cover + (size_t)m * rw;
		if (!kf__in_force(mi, q->date) || !(rb->mea_inv[m] & invbit) ||
		    kf__bit(cov, q->region) || mi->effect == KF_EFFECT_CONDITION)
			continue;
		for (w = 0; w < rw; w++) {
			x[w] = desc[w] & cov[w];
			any |= x[w] != 0;
		}
		if (!any)
			continue;
		for (w = 0; w < rw; w++) {
			uint64_t bits = x[w];
			while (bits) {
				int r = (int)(w * 64) + __builtin_ctzll(bits);
				const kf_region_info *ri = &rb->reg[r];
				int p, maximal = 1, j;
				bits &= bits - 1;
				for (p = 0; p < ri->n_parents; p++)
					if (kf__bit(x, ri->parents[p]))
						maximal = 0;
				if (!maximal || !kf__region_exists(ri, q->date))
					continue;
				for (j = 0; j < nz; j++)
					if (zones[j] == r)
						break;
				if (j == nz && nz < max)
					zones[nz++] = r;
			}
		}
	}
	kf__xfree(big);
	return nz;
}

/* The verdict with [S-5]; scenarios written to sc when not NULL. */
int kf__decide_scenarios(const kf_rulebook *rb, const kf_question *q, kf_eval *e, kf_scenario *sc,
			 int maxsc, kf_verdict *out)
{
	int zones[KF_VERDICT_MAX * 2];
	int nz = 0, i, differ = 0, nsc = 0;
	kf_verdict outside;

	kf__eval_at(rb, q, q->region, e);
	outside = e->v;
	*out = outside;
	if (sc && maxsc > 0) {
		sc[0].zone = -1;
		sc[0].v = outside;
		nsc = 1;
	}
	if (q->outside_zones)
		return nsc;
	nz = candidate_zones(rb, q, zones, KF_VERDICT_MAX * 2);
	if (!nz)
		return nsc;
	{
		kf_eval zev, *ze = &zev;
		int uncertain = outside.uncertain;
		out->n_missing = 0;
		for (i = 0; i < nz; i++) {
			kf__eval_at(rb, q, zones[i], ze);
			if (sc && nsc < maxsc) {
				sc[nsc].zone = zones[i];
				sc[nsc++].v = ze->v;
			}
			if (!kf__same_answer(&ze->v, &outside)) {
				differ = 1;
				uncertain |= ze->v.uncertain;
				if (out->n_missing < KF_VERDICT_MAX)
					out->missing[out->n_missing++] = zones[i];
			}
		}
		if (differ) {
			out->outcome = KF_INDETERMINATE;
			out->has_cap = 0;
			out->cap = 0;
			out->uncertain = uncertain;
		}
	}
	return nsc;
}

kf_status kf_decide_verdict(const kf_rulebook *rb, const kf_question *q, kf_verdict *v,
			    kf_error *err)
{
	kf_status st;
	kf_eval e;
	kf_question base;
	uint64_t key;
	int inv;
	kf__check_question(rb, q, err, &st);
	if (st != KF_OK)
		return st;
	inv = kf__investor_of(rb, q);
	key = kf__vcache_key(rb, q, inv);
	if (kf__vcache_get(rb, key, v)) {
		apply_share(q, v);
		return KF_OK;
	}
	base = *q;
	base.has_share = kf__no_foreign_share(q); /* share 0 is kept: [S-7] */
	base.share = 0;
	base.share_max = 0;
	base.share_above = 0;
	base.investor = inv;
	kf__decide_scenarios(rb, &base, &e, NULL, 0, v);
	kf__vcache_put(rb, key, v);
	apply_share(q, v);
	return KF_OK;
}

/* ------------------------------------------------------------------------ */
/* The full decision: conditions, citations, alternatives, trace.          */
