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
static int no_foreign_share(const kf_question *q)
{
	return q->has_share && q->share == 0 && q->share_max <= 0;
}

static int investor_of(const kf_rulebook *rb, const kf_question *q)
{
	return q->investor >= 0 ? q->investor : rb->foreign;
}

static int exceeds(const kf_verdict *v, kf_share share)
{
	return v->cap_op == KF_CAP_LE ? share > v->cap : share >= v->cap;
}

/* [S-4] the share against the cap; a share range [share, share_max] that
 * straddles the cap leaves the answer indeterminate on the share */
static void apply_share(const kf_question *q, kf_verdict *v)
{
	kf_share hi;
	if (v->outcome != KF_PERMITTED || !q->has_share || !v->has_cap)
		return;
	hi = q->share_max > q->share ? q->share_max : q->share;
	if (exceeds(v, q->share))
		v->outcome = KF_EXCEEDS_CAP;
	else if (exceeds(v, hi)) {
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
	int inv = investor_of(rb, q);
	uint32_t invbit = inv >= 0 && !no_foreign_share(q) ? (uint32_t)1 << inv : 0;
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

static int same_answer(const kf_verdict *a, const kf_verdict *b)
{
	if (a->outcome != b->outcome || a->has_cap != b->has_cap)
		return 0;
	return !a->has_cap || (a->cap == b->cap && a->cap_op == b->cap_op);
}

static int region_exists(const kf_region_info *r, kf_date d)
{
	return d >= r->from && d < r->until;
}

/*
 * [S-5] The zones inside `place` in which some measure, not matching at the
 * place itself, may apply: for each such measure, the maximal regions of
 * (descendants of place) ∩ (its cover). Writes up to max zone indexes.
 */
static int candidate_zones(const kf_rulebook *rb, const kf_question *q, int *zones, int max)
{
	const int *cand = rb->svc_mlist + rb->svc_moff[q->service];
	int nc = rb->svc_moff[q->service + 1] - rb->svc_moff[q->service];
	int inv = investor_of(rb, q);
	uint32_t invbit = inv >= 0 && !no_foreign_share(q) ? (uint32_t)1 << inv : 0;
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
				if (!maximal || !region_exists(ri, q->date))
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

static void check_question(const kf_rulebook *rb, const kf_question *q, kf_error *err,
			   kf_status *st)
{
	*st = KF_OK;
	if (q->service < 0 || q->service >= rb->nsvc)
		kf__error_set(err, *st = KF_ERR_INVALID, NULL, 0, 0, "service",
			      "service index out of range");
	else if (q->region < 0 || q->region >= rb->nreg)
		kf__error_set(err, *st = KF_ERR_INVALID, NULL, 0, 0, "region",
			      "region index out of range");
	else if (q->investor >= rb->ninv || (q->investor < 0 && rb->foreign < 0))
		kf__error_set(err, *st = KF_ERR_INVALID, NULL, 0, 0, "investor",
			      "investor class index out of range");
	else if (q->has_share && (q->share < 0 || q->share > KF_SHARE_FULL))
		kf__error_set(err, *st = KF_ERR_RANGE, NULL, 0, 0, "foreign_share",
			      "foreign share outside 0-100 percent");
}

/* The verdict with [S-5]; scenarios written to sc when not NULL. */
static int decide_scenarios(const kf_rulebook *rb, const kf_question *q, kf_eval *e,
			    kf_scenario *sc, int maxsc, kf_verdict *out)
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
			if (!same_answer(&ze->v, &outside)) {
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

/*
 * The verdict cache. A verdict without a share depends only on (service,
 * place, investor class, outside_zones, date segment), where a date segment
 * is the stretch between two consecutive dates at which some measure starts
 * or ends (rb->dates): inside a segment the same measures are in force. The
 * share only turns "permitted under a cap" into exceeds_cap [S-4], and it
 * cannot change whether zone scenarios differ [S-5] (same_answer compares the
 * cap, and equal caps with equal share-free outcomes give equal outcomes for
 * any share). So the share-free verdict is cached and the share applied after.
 *
 * Each thread has its own direct-mapped cache (no locks, no sharing); a slot
 * is valid only for the rulebook generation that filled it, so a rulebook
 * freed and another loaded at the same address never reads stale verdicts.
 */
#define CACHE_SLOTS 8192 /* per thread; a slot is about 220 bytes */

typedef struct cache_slot {
	uint64_t key; /* packed question; 0 = empty */
	uint64_t gen; /* rulebook generation */
	kf_verdict v;
} cache_slot;

static _Thread_local cache_slot *tl_cache;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p) { kf__xfree(p); }
static void cache_init(void) { pthread_key_create(&cache_key, cache_free); }

static cache_slot *thread_cache(void)
{
	if (!tl_cache) {
		pthread_once(&cache_once, cache_init);
		tl_cache = kf__calloc(CACHE_SLOTS, sizeof(cache_slot));
		if (tl_cache)
			pthread_setspecific(cache_key, tl_cache);
	}
	return tl_cache;
}

/* index of the date segment holding d: the number of change dates <= d */
static int date_segment(const kf_rulebook *rb, kf_date d)
{
	int lo = 0, hi = rb->ndates;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (rb->dates[mid] <= d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

kf_status kf_decide_verdict(const kf_rulebook *rb, const kf_question *q, kf_verdict *v,
			    kf_error *err)
{
	kf_status st;
	kf_eval e;
	kf_question base;
	cache_slot *cache, *slot = NULL;
	uint64_t key = 0;
	int inv;
	check_question(rb, q, err, &st);
	if (st != KF_OK)
		return st;
	inv = investor_of(rb, q);
	cache = thread_cache();
	if (cache && rb->nsvc < (1 << 20) && rb->nreg < (1 << 20) && rb->ndates < (1 << 15)) {
		uint64_t h;
		key = 1 | (uint64_t)q->service << 1 | (uint64_t)q->region << 21 |
		      (uint64_t)inv << 41 | (uint64_t)(q->outside_zones != 0) << 46 |
		      (uint64_t)date_segment(rb, q->date) << 47 |
		      (uint64_t)no_foreign_share(q) << 62;
		h = key * 0x9E3779B97F4A7C15ULL;
		slot = &cache[(h >> 40) & (CACHE_SLOTS - 1)];
		if (slot->key == key && slot->gen == rb->generation) {
			*v = slot->v;
			apply_share(q, v);
			return KF_OK;
		}
	}
	base = *q;
	base.has_share = no_foreign_share(q); /* share 0 is kept: [S-7] */
	base.share = 0;
	base.share_max = 0;
	base.investor = inv;
	decide_scenarios(rb, &base, &e, NULL, 0, v);
	if (slot) {
		slot->key = key;
		slot->gen = rb->generation;
		slot->v = *v;
	}
	apply_share(q, v);
	return KF_OK;
}

kf_status kf_question_parse(const kf_rulebook *rb, const char *service, const char *region,
			    const char *date, const char *investor, const char *share,
			    int outside_zones, kf_question *q, kf_error *err)
{
	kf_status st;
	memset(q, 0, sizeof *q);
	q->investor = -1;
	q->outside_zones = outside_zones ? 1 : 0;
	if (!service || !*service) {
		kf__error_set(
		    err, KF_ERR_NOTFOUND, NULL, 0, 0, "service",
		    "missing service; expected a catalogue code or alias such as B13 or ip-vpn");
		return KF_ERR_NOTFOUND;
	}
	q->service = kf_rulebook_find_service(rb, service, "service", err);
	if (q->service < 0)
		return KF_ERR_NOTFOUND;
	if (!region || !*region) {
		kf__error_set(err, KF_ERR_NOTFOUND, NULL, 0, 0, "region",
			      "missing place; expected a GB/T 2260 code, a name or a zone id");
		return KF_ERR_NOTFOUND;
	}
	q->region = kf_rulebook_find_region(rb, region, "region", err);
	if (q->region < 0)
		return KF_ERR_NOTFOUND;
	if (*rb->reg[q->region].out_of_scope) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "region",
			      "place '%s' (%s) is outside the rulebook's scope: %s", region,
			      rb->reg[q->region].name.en, rb->reg[q->region].out_of_scope);
		return KF_ERR_INVALID;
	}
	if (!date || !*date) {
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, "date",
			      "missing date; expected YYYY-MM-DD");
		return KF_ERR_PARSE;
	}
	st = kf_date_parse(date, &q->date, err);
	if (st != KF_OK) {
		if (err)
			snprintf(err->field, sizeof err->field, "date");
		return st;
	}
	if (investor && *investor) {
		q->investor = kf_rulebook_find_investor(rb, investor, "investor", err);
		if (q->investor < 0)
			return KF_ERR_NOTFOUND;
	}
	if (share && *share) {
		st = kf_share_parse(share, &q->share, err);
		if (st != KF_OK) {
			if (err)
				snprintf(err->field, sizeof err->field, "foreign_share");
			return st;
		}
		q->has_share = 1;
	}
	return KF_OK;
}

/* ------------------------------------------------------------------------ */
/* The full decision: conditions, citations, alternatives, trace.          */

static void add_reason(kf_decision *d, const char *text)
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

static void cite(kf_decision *d, int m)
{
	int i;
	for (i = 0; i < d->ncite; i++)
		if (d->cite[i] == m)
			return;
	d->cite[d->ncite++] = m;
}

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

static const char *fmt(kf_decision *d, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(kf_decision *d, const char *f, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, sizeof buf, f, ap);
	va_end(ap);
	return kf__arena_strdup(&d->arena, buf);
}

static int is_refusal(kf_outcome o)
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

static void find_alternatives(kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	kf_question q2;
	kf_verdict v2;
	char s[40], ds[16];
	int i, pass, found;
	const kf_verdict *v = &d->v;

	if (!is_refusal(v->outcome))
		return;
	/* a lower share */
	if (v->outcome == KF_EXCEEDS_CAP) {
		const char *val = kf__arena_strdup(&d->arena, kf_share_format(v->cap, s, sizeof s));
		add_alt(d, "foreign_share", val,
			fmt(d, "permitted at a foreign share %s %s%%",
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
			add_alt(
			    d, "date", val,
			    fmt(d, "permitted from %s%s", val, v2.uncertain ? " (uncertain)" : ""),
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
				fmt(d, "permitted for an investor of class %s (%s)%s",
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
			if (!region_exists(r, d->q.date))
				continue;
			q2 = d->q;
			q2.region = i;
			q2.outside_zones = 1;
			if (kf_decide_verdict(rb, &q2, &v2, NULL) == KF_OK &&
			    v2.outcome == KF_PERMITTED) {
				add_alt(d, "region", r->id,
					fmt(d, "permitted if registered in %s (%s)%s", r->name.en,
					    r->id, v2.uncertain ? " (uncertain)" : ""),
					v2.uncertain);
				found++;
			}
		}
	}
}

static const char *effect_name(kf_effect e)
{
	static const char *const n[] = {"prohibited", "closed", "cap", "open", "condition"};
	return n[e];
}

static void build_trace(kf_decision *d, const kf_eval *e)
{
	const kf_rulebook *rb = d->rb;
	const kf_question *q = &d->q;
	int inv = investor_of(rb, q);
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
		if (!in_scope)
			t->why = "service not within its services";
		else if (excluded >= 0)
			t->why =
			    fmt(d, "service excluded (exclude_services: %s)", rb->svc[excluded].id);
		else if (!kf__in_force(mi, q->date))
			t->why = fmt(d, "not in force on the date (valid %s to %s)",
				     kf_date_format(mi->effective_from, a, sizeof a),
				     mi->effective_until == KF_DATE_MAX
					 ? "open"
					 : kf_date_format(mi->effective_until, b, sizeof b));
		else if (no_foreign_share(q))
			t->why = "a foreign share of 0 is no foreign investment";
		else if (!(rb->mea_inv[i] & (inv >= 0 ? (uint32_t)1 << inv : 0)))
			t->why = fmt(d, "investor class %s not covered",
				     inv >= 0 ? rb->inv[inv].id : "?");
		else if (!kf__bit(rb->mea_cover + (size_t)i * rw, q->region)) {
			int k, partly = 0;
			const uint64_t *desc = rb->reg_desc + (size_t)q->region * rw;
			const uint64_t *cov = rb->mea_cover + (size_t)i * rw;
			for (k = 0; k < (int)rw; k++)
				partly |= (desc[k] & cov[k]) != 0;
			if (partly && !q->outside_zones) {
				t->matched = 2;
				t->why = fmt(d,
					     "%s; its regions lie partly inside %s, so it may "
					     "apply in a zone",
					     effect_name(mi->effect), rb->reg[q->region].id);
			} else if (partly)
				t->why = fmt(d,
					     "its regions lie inside %s only in sub-zones, and the "
					     "address is "
					     "outside every sub-zone",
					     rb->reg[q->region].id);
			else
				t->why =
				    fmt(d, "its regions do not contain %s", rb->reg[q->region].id);
		} else {
			t->matched = 1;
			if (e->by[matched_at] >= 0)
				t->why = fmt(d, "matched; set aside by %s",
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
				for (j = 0; j < d->outside->v.n_binding; j++)
					if (d->outside->v.binding[j] == i)
						binds = 1;
				t->why =
				    binds
					? fmt(d, "matched; binds (%s)", effect_name(mi->effect))
					: fmt(d, "matched; %s, but a stronger restriction decides",
					      effect_name(mi->effect));
			}
		}
	}
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
		if (is_refusal(d->v.outcome) && !binds)
			continue;
		if (mi->effect == KF_EFFECT_CONDITION) {
			const char *prefix = NULL;
			if (mi->has_when_share) {
				int meets;
				if (d->q.has_share) {
					kf_share hi = d->q.share_max > d->q.share ? d->q.share_max
										  : d->q.share;
					meets = mi->when_op == KF_CAP_LT
						    ? d->q.share < mi->when_share
						    : d->q.share <= mi->when_share;
					if (!meets)
						continue;
					/* a share range only partly meeting the test */
					if (!(mi->when_op == KF_CAP_LT ? hi < mi->when_share
								       : hi <= mi->when_share))
						prefix = fmt(
						    d, "if the foreign share is %s %s%%: ",
						    mi->when_op == KF_CAP_LT ? "below" : "at most",
						    kf_share_format(mi->when_share, s, sizeof s));
				} else
					prefix = fmt(d, "if the foreign share is %s %s%%: ",
						     mi->when_op == KF_CAP_LT ? "below" : "at most",
						     kf_share_format(mi->when_share, s, sizeof s));
			}
			for (k = 0; k < mi->n_conditions; k++)
				add_cond(d, m, mi->conditions[k].type,
					 prefix ? fmt(d, "%s%s", prefix, mi->conditions[k].text)
						: mi->conditions[k].text);
			cite(d, m);
			continue;
		}
		if (!acting && !binds)
			continue;
		for (k = 0; k < mi->n_conditions; k++)
			add_cond(d, m, mi->conditions[k].type, mi->conditions[k].text);
		if (mi->status == KF_ANNOUNCED)
			add_cond(d, m, "procedure",
				 *mi->pending ? fmt(d, "pending: %s", mi->pending)
					      : "pending: announced, not yet implemented");
		if (mi->uncertain)
			add_reason(d, fmt(d, "%s: %s", mi->id, mi->uncertain_reason));
		else if (mi->status == KF_ANNOUNCED)
			add_reason(d, fmt(d, "%s: announced, not yet implemented", mi->id));
		cite(d, m);
	}
}

kf_status kf_decide(const kf_rulebook *rb, const kf_question *q, unsigned flags, kf_decision **out,
		    kf_error *err)
{
	kf_status st;
	kf_decision *d;
	int i;
	*out = NULL;
	check_question(rb, q, err, &st);
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
	d->nsc = decide_scenarios(rb, q, d->outside, d->sc, KF_VERDICT_MAX * 2 + 1, &d->v);
	/* conditions and citations of the answer outside every zone, and of every
	 * zone scenario that differs (their measures decide the answer there) */
	collect_conditions(d, d->outside);
	for (i = 0; i < d->outside->v.n_binding; i++)
		cite(d, d->outside->v.binding[i]);
	if (d->v.outcome == KF_INDETERMINATE) {
		kf_eval *ze = kf__malloc(sizeof *ze);
		if (!ze)
			goto nomem;
		for (i = 1; i < d->nsc; i++) {
			int j;
			if (same_answer(&d->sc[i].v, &d->sc[0].v))
				continue;
			kf__eval_at(rb, q, d->sc[i].zone, ze);
			for (j = 0; j < ze->v.n_binding; j++)
				cite(d, ze->v.binding[j]);
			for (j = 0; j < ze->n; j++)
				if (ze->by[j] >= 0) {
					const kf_measure_info *o = &rb->mea[ze->by[j]];
					cite(d, ze->by[j]);
					if (o->uncertain)
						add_reason(d, fmt(d, "%s: %s", o->id,
								  o->uncertain_reason));
				}
		}
		kf__xfree(ze);
	}
	if (!d->v.uncertain)
		d->nreasons = 0; /* doubtful measures that decide nothing ([S-6]) */
	if (rb->complete_from != KF_DATE_NONE && q->date < rb->complete_from) {
		char ds[16];
		add_reason(d, fmt(d,
				  "the rulebook models the rules in force from %s; on an earlier "
				  "date measures then in force may be missing",
				  kf_date_format(rb->complete_from, ds, sizeof ds)));
	}
	if (d->v.uncertain && !d->nreasons)
		add_reason(d,
			   "a measure deciding the answer in some zone is uncertain or announced");
	if (flags & KF_DECIDE_ALTERNATIVES)
		find_alternatives(d);
	if (flags & KF_DECIDE_TRACE)
		build_trace(d, d->outside);
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
