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
 * [S-6] Certainty is uncertain when the answer depends on a doubtful input:
 *       a measure marked uncertain or announced, a measure that reaches the
 *       place only through a region marked uncertain or the investor class
 *       only through a class marked uncertain, or a zone marked uncertain
 *       whose answer differs. "Depends": decided again without the doubtful
 *       measures, the outcome or cap changes.
 * [S-7] mainland investors: no foreign-investment measure covers them (the
 *       rulebook's investor scopes decide); the answer is then permitted.
 * [S-8] Coverage: before the rulebook's complete_from the answer is
 *       not_covered (never permitted, exceeds_cap or closed on missing rules).
 * [S-9] Places on their dates: a place is asked about only on a date it exists
 *       (question.c); a measure reaches it, and a zone lies in it, only through
 *       chains of parents whose regions all exist on the date (kf__covers).
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
	case KF_NOT_COVERED: return "not_covered";
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

/* [S-8] before the first day the rulebook models completely */
int kf__not_covered(const kf_rulebook *rb, kf_date d)
{
	return rb->complete_from != KF_DATE_NONE && d < rb->complete_from;
}

/* share (+ less than one unit when `above`) against the cap: a share just
 * above x exceeds "<= x"; against "< c" it exceeds exactly when x >= c */
static int exceeds(const kf_verdict *v, kf_share share, int above)
{
	return v->cap_op == KF_CAP_LE ? share > v->cap || (above && share == v->cap)
				      : share >= v->cap;
}

/* some share below `hi` (below or at it unless `open`) exceeds the cap */
static int some_exceed(const kf_verdict *v, kf_share hi, int open)
{
	return open ? hi > v->cap : exceeds(v, hi, 0);
}

/* [S-4] the share against the cap; a share range [share, share_max] that
 * straddles the cap leaves the answer indeterminate on the share; open ends
 * (share_above, share_max_open) are excluded: (50, 75] exceeds "<= 50" */
static void apply_share(const kf_question *q, kf_verdict *v)
{
	kf_share hi;
	v->group_undecided = 0; /* set below only; v may hold an earlier answer */
	if (v->outcome != KF_PERMITTED || !q->has_share)
		return;
	hi = q->share_max > q->share ? q->share_max : q->share;
	if (v->has_cap && exceeds(v, q->share, q->share_above))
		v->outcome = KF_EXCEEDS_CAP;
	else if (v->has_cap && some_exceed(v, hi, q->share_max_open && q->share_max > q->share)) {
		v->outcome = KF_INDETERMINATE;
		v->share_undecided = 1;
	} else if (v->has_group_cap) {
		/* [S-10] an aggregate within the group cap meets it whoever holds
		 * it; above it, the largest group's holding (not asked) decides */
		kf_verdict g = *v;
		g.cap = v->group_cap;
		g.cap_op = v->group_op;
		if (q->share_max > q->share ? some_exceed(&g, hi, q->share_max_open)
					    : exceeds(&g, hi, q->share_above)) {
			v->outcome = KF_INDETERMINATE;
			v->group_undecided = 1;
		}
	}
}

void kf__eval_init(kf_eval *e)
{
	e->n = e->nb = 0;
	e->cap = KF_EVAL_INLINE;
	e->m = e->m0;
	e->by = e->by0;
	e->b = e->b0;
	e->dbt = e->dbt0;
	e->no_outside = 0;
	memset(&e->v, 0, sizeof e->v);
}

void kf__eval_done(kf_eval *e)
{
	if (e->m != e->m0)
		kf__xfree(e->m);
	kf__eval_init(e);
}

/* doubles the room of e's arrays, keeping their contents; 0 on no memory */
static int eval_grow(kf_eval *e)
{
	int nc = e->cap * 2;
	int *blk = kf__malloc((size_t)nc * (3 * sizeof(int) + 1));
	if (!blk)
		return 0;
	memcpy(blk, e->m, sizeof(int) * (size_t)e->n);
	memcpy(blk + nc, e->by, sizeof(int) * (size_t)e->n);
	memcpy((unsigned char *)(blk + 3 * (size_t)nc), e->dbt, (size_t)e->n);
	if (e->m != e->m0)
		kf__xfree(e->m);
	e->m = blk;
	e->by = blk + nc;
	e->b = blk + 2 * (size_t)nc;
	e->dbt = (unsigned char *)(blk + 3 * (size_t)nc);
	e->cap = nc;
	return 1;
}

/* position of measure x in the ascending list m[0..n), or -1 */
static int find_sorted(const int *m, int n, int x)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (m[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && m[lo] == x ? lo : -1;
}

/*
 * [S-2] and [S-3], the one binding step: m[0..n) are the matching measures in
 * rulebook (ascending) order. Sets by[i] to the first matching measure, in
 * rulebook order, that names m[i] in its overrides (-1: none); the outcome
 * and the tightest cap into *v (certainty and lists untouched); and, when b is
 * not NULL, the binding measures into b (room for n). Returns how many bind.
 */
static int bind(const kf_rulebook *rb, const int *m, int n, int *by, int *b, kf_verdict *v)
{
	int i, j, k, nb = 0, prohibited = 0, closed = 0;
	v->has_cap = 0;
	v->cap = 0;
	v->cap_op = KF_CAP_LE;
	for (i = 0; i < n; i++)
		by[i] = -1;
	for (i = 0; i < n; i++) {
		const kf_measure_info *a = &rb->mea[m[i]];
		for (j = 0; j < a->n_overrides; j++)
			if ((k = find_sorted(m, n, a->overrides[j])) >= 0 && by[k] < 0)
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
		else if (mi->imposes_cap && (!v->has_cap || mi->cap < v->cap ||
					     (mi->cap == v->cap && mi->cap_op == KF_CAP_LT))) {
			v->cap = mi->cap;
			v->cap_op = mi->cap_op;
			v->has_cap = 1;
		}
	}
	v->outcome = prohibited ? KF_PROHIBITED : closed ? KF_CLOSED : KF_PERMITTED;
	/* [S-10] the tightest per-investor-group cap of the restrictions that
	 * remain */
	v->has_group_cap = 0;
	v->group_cap = 0;
	v->group_op = KF_CAP_LE;
	for (i = 0; i < n && !prohibited && !closed; i++) {
		const kf_measure_info *mi = &rb->mea[m[i]];
		if (by[i] < 0 && mi->has_group_cap &&
		    (!v->has_group_cap || mi->group_cap < v->group_cap ||
		     (mi->group_cap == v->group_cap && mi->group_op == KF_CAP_LT))) {
			v->group_cap = mi->group_cap;
			v->group_op = mi->group_op;
			v->has_group_cap = 1;
		}
	}
	for (i = 0; b && i < n; i++) {
		const kf_measure_info *mi = &rb->mea[m[i]];
		/* a cap binds when it is the tightest: looser caps also apply
		 * but decide nothing */
		if (by[i] < 0 &&
		    (prohibited ? mi->effect == KF_EFFECT_PROHIBITED
		     : closed   ? mi->effect == KF_EFFECT_CLOSED
				: mi->imposes_cap && mi->cap == v->cap && mi->cap_op == v->cap_op))
			b[nb++] = m[i];
	}
	if (prohibited || closed) {
		v->has_cap = 0;
		v->cap = 0;
	}
	return nb;
}

static int same_outcome_and_cap(const kf_verdict *a, const kf_verdict *b)
{
	return a->outcome == b->outcome && a->has_cap == b->has_cap &&
	       (!a->has_cap || (a->cap == b->cap && a->cap_op == b->cap_op));
}

/*
 * [S-6] The answer of e is uncertain when it depends on a doubtful measure
 * (e->dbt): one binds, or a restriction is set aside only by doubtful
 * measures (a setting aside is certain when any matching measure that is not
 * doubtful does it) — unless deciding again without all the doubtful
 * measures, and without each one in turn, gives the same outcome and cap every
 * time. Returns KF_OK or KF_ERR_NOMEM (scratch for large evaluations).
 */
static kf_status certainty(const kf_rulebook *rb, kf_eval *e)
{
	int i, j, k, uncertain = 0, drop, same = 1, nsub;
	int sub0[KF_EVAL_INLINE], by0[KF_EVAL_INLINE], *sub = sub0, *by2 = by0;
	kf_verdict v2;
	for (i = 0; i < e->nb && !uncertain; i++)
		uncertain = e->dbt[find_sorted(e->m, e->n, e->b[i])] != 0;
	for (i = 0; i < e->n && !uncertain; i++) {
		int certain = 0;
		if (e->by[i] < 0)
			continue;
		for (j = 0; j < e->n && !certain; j++) {
			const kf_measure_info *a = &rb->mea[e->m[j]];
			if (e->dbt[j])
				continue;
			for (k = 0; k < a->n_overrides; k++)
				if (a->overrides[k] == e->m[i])
					certain = 1;
		}
		uncertain = !certain;
	}
	if (!uncertain)
		return KF_OK;
	if (e->n > KF_EVAL_INLINE) {
		sub = kf__malloc(sizeof(int) * 2 * (size_t)e->n);
		if (!sub)
			return KF_ERR_NOMEM;
		by2 = sub + e->n;
	}
	for (drop = -1; drop < e->n && same; drop++) {
		if (drop >= 0 && !e->dbt[drop])
			continue;
		for (i = 0, nsub = 0; i < e->n; i++)
			if (drop < 0 ? !e->dbt[i] : i != drop)
				sub[nsub++] = e->m[i];
		bind(rb, sub, nsub, by2, NULL, &v2);
		same = same_outcome_and_cap(&v2, &e->v);
	}
	if (sub != sub0)
		kf__xfree(sub);
	e->v.uncertain = !same;
	return KF_OK;
}

/*
 * [S-9] Walks up the parent DAG from `start` (itself not checked: the
 * question or the zone list did) through regions that exist on d, lie in
 * `within` (a region bitset; when NULL, inside region `inside`) and, with
 * skip_unc, are not marked uncertain. Returns 1 when it
 * reaches one of tg[0..ntg), 0 when not, -1 on no memory. Iterative with an
 * explicit stack and visited bits (each region pushed once), so neither a
 * deep nor a wide rulebook costs more than nreg steps or any C stack.
 */
static int walk_up(const kf_rulebook *rb, int start, const int *tg, int ntg, const uint64_t *within,
		   int inside, kf_date d, int skip_unc)
{
	size_t rw = (size_t)rb->rw;
	int stk0[256], *stk = stk0, sp = 0, found = 0, i;
	uint64_t vis0[4], *vis = vis0;
	if (rb->nreg > 256) {
		stk = kf__malloc(sizeof(int) * (size_t)rb->nreg);
		vis = kf__calloc(rw, sizeof(uint64_t));
		if (!stk || !vis) {
			kf__xfree(stk);
			kf__xfree(vis);
			return -1;
		}
	} else
		memset(vis0, 0, sizeof vis0);
	vis[start >> 6] |= (uint64_t)1 << (start & 63);
	stk[sp++] = start;
	while (sp > 0 && !found) {
		int r = stk[--sp];
		for (i = 0; i < ntg; i++)
			found |= tg[i] == r;
		for (i = 0; i < rb->reg[r].n_parents && !found; i++) {
			int p = rb->reg[r].parents[i];
			const kf_region_info *pi = &rb->reg[p];
			if (kf__bit(vis, p) ||
			    !(within ? kf__bit(within, p) : kf__within(rb, p, inside)) ||
			    !kf__region_exists(pi, d) || (skip_unc && pi->uncertain))
				continue;
			vis[p >> 6] |= (uint64_t)1 << (p & 63);
			stk[sp++] = p;
		}
	}
	if (stk != stk0) {
		kf__xfree(stk);
		kf__xfree(vis);
	}
	return found;
}

int kf__covers(const kf_rulebook *rb, int m, int place, kf_date d, int *sure)
{
	size_t rw = (size_t)rb->rw;
	const kf_measure_info *mi = &rb->mea[m];
	const uint64_t *cov = rb->mea_cover + (size_t)m * rw;
	int in, s = 1;
	if (!kf__bit(cov, place))
		return 0;
	if (!rb->mea_cover_dated || !kf__bit(rb->mea_cover_dated + (size_t)m * rw, place)) {
		*sure = !rb->mea_cover_sure || kf__bit(rb->mea_cover_sure + (size_t)m * rw, place);
		return 1;
	}
	in = walk_up(rb, place, mi->regions, mi->n_regions, cov, -1, d, 0);
	if (in > 0 && rb->mea_cover_sure)
		s = walk_up(rb, place, mi->regions, mi->n_regions, cov, -1, d, 1);
	if (in <= 0 || s < 0)
		return in < 0 || s < 0 ? -1 : 0;
	*sure = s;
	return 1;
}

int kf__inside(const kf_rulebook *rb, int r, int place, kf_date d)
{
	int i, between = 0;
	if (r == place)
		return 1;
	if (!kf__within(rb, r, place))
		return 0;
	/* a dated region between r and place: walk the paths on the date */
	for (i = rb->anc_off[r]; i < rb->anc_off[r + 1] && rb->mea_cover_dated && !between; i++) {
		int a = rb->anc[i];
		between =
		    a != r && a != place && kf__bit(rb->reg_dated, a) && kf__within(rb, a, place);
	}
	return between ? walk_up(rb, r, &place, 1, NULL, place, d, 0) : 1;
}

/* [S-1]..[S-4], [S-6] at one place */
kf_status kf__eval_at(const kf_rulebook *rb, const kf_question *q, int place, kf_eval *e)
{
	const int *cand = rb->svc_mlist + rb->svc_moff[q->service];
	int nc = rb->svc_moff[q->service + 1] - rb->svc_moff[q->service];
	int inv = kf__investor_of(rb, q);
	uint32_t invbit = inv >= 0 && !kf__no_foreign_share(q) ? (uint32_t)1 << inv : 0;
	int i;
	kf_verdict *v = &e->v;

	e->n = e->nb = 0;
	memset(v, 0, sizeof *v);
	for (i = 0; i < nc; i++) {
		int m = cand[i];
		const kf_measure_info *mi = &rb->mea[m];
		unsigned char dbt = 0;
		int sure = 1, c;
		if (!kf__in_force(mi, q->date) || !(rb->mea_inv[m] & invbit))
			continue;
		/* [S-1], [S-9] the place through regions existing on the date */
		if ((c = kf__covers(rb, m, place, q->date, &sure)) < 0)
			return KF_ERR_NOMEM;
		if (!c)
			continue;
		if (e->n == e->cap && !eval_grow(e))
			return KF_ERR_NOMEM;
		if (mi->uncertain)
			dbt |= KF_DOUBT_MEASURE;
		if (mi->status == KF_ANNOUNCED)
			dbt |= KF_DOUBT_ANNOUNCED;
		if (!sure)
			dbt |= KF_DOUBT_REGION;
		if (!(rb->mea_inv_sure[m] & invbit))
			dbt |= KF_DOUBT_INVESTOR;
		e->dbt[e->n] = dbt;
		e->m[e->n++] = m;
	}
	e->nb = bind(rb, e->m, e->n, e->by, e->b, v);
	for (i = 0; i < e->nb; i++)
		if (i < KF_VERDICT_MAX)
			v->binding[v->n_binding++] = e->b[i];
		else
			v->truncated = 1;
	if (certainty(rb, e) != KF_OK)
		return KF_ERR_NOMEM;
	apply_share(q, v); /* [S-4] */
	return KF_OK;
}

int kf__same_answer(const kf_verdict *a, const kf_verdict *b)
{
	if (a->outcome != b->outcome || a->has_cap != b->has_cap)
		return 0;
	return !a->has_cap || (a->cap == b->cap && a->cap_op == b->cap_op);
}

int kf__region_exists(const kf_region_info *r, kf_date d) { return d >= r->from && d < r->until; }

/* [S-6] 1 when zone, or a region it lies in that lies inside place (place
 * itself excluded), is marked uncertain: the zone's answer is then doubtful */
int kf__is_doubtful_zone(const kf_rulebook *rb, int place, int zone)
{
	int i;
	for (i = rb->anc_off[zone]; i < rb->anc_off[zone + 1]; i++) {
		int a = rb->anc[i];
		if (a != place && rb->reg[a].uncertain && kf__within(rb, a, place))
			return 1;
	}
	return 0;
}

/* A growable list of zone indexes (no fixed limit: review §4.2). */
typedef struct zone_list {
	int n, cap;
	int *z;
	int z0[64];
} zone_list;

static int zone_push(zone_list *l, int r)
{
	if (l->n == l->cap) {
		int nc = l->cap * 2;
		int *nz = kf__malloc(sizeof(int) * (size_t)nc);
		if (!nz)
			return 0;
		memcpy(nz, l->z, sizeof(int) * (size_t)l->n);
		if (l->z != l->z0)
			kf__xfree(l->z);
		l->z = nz;
		l->cap = nc;
	}
	l->z[l->n++] = r;
	return 1;
}

/* [S-5], [S-9] keeps in x (the regions inside the place that measure m
 * covers) those that exist on the date, lie inside the place through regions
 * existing on it and are reached by m through such regions. KF_OK or
 * KF_ERR_NOMEM. */
static kf_status on_the_date(const kf_rulebook *rb, int m, const kf_question *q, uint64_t *x)
{
	size_t rw = (size_t)rb->rw, w;
	for (w = 0; w < rw; w++) {
		uint64_t bits = x[w];
		while (bits) {
			int r = (int)(w * 64) + __builtin_ctzll(bits), sure, in, c = 1;
			bits &= bits - 1;
			in = kf__region_exists(&rb->reg[r], q->date);
			if (in && rb->mea_cover_dated) {
				in = kf__inside(rb, r, q->region, q->date);
				c = in > 0 ? kf__covers(rb, m, r, q->date, &sure) : 1;
			}
			if (in < 0 || c < 0)
				return KF_ERR_NOMEM;
			if (!in || !c)
				x[w] &= ~((uint64_t)1 << (r & 63));
		}
	}
	return KF_OK;
}

/*
 * [S-5] The zones inside `place` in which some measure, not matching at the
 * place itself, may apply: for each such measure, the maximal regions of
 * (descendants of place) ∩ (its cover) that exist on the date, inside the
 * place and reached by the measure through regions existing on it ([S-9]).
 * Appends them
 * to zl, each once. Returns KF_OK or KF_ERR_NOMEM.
 */
static kf_status candidate_zones(const kf_rulebook *rb, const kf_question *q, zone_list *zl)
{
	const int *cand = rb->svc_mlist + rb->svc_moff[q->service];
	int nc = rb->svc_moff[q->service + 1] - rb->svc_moff[q->service];
	int inv = kf__investor_of(rb, q);
	uint32_t invbit = inv >= 0 && !kf__no_foreign_share(q) ? (uint32_t)1 << inv : 0;
	size_t rw = (size_t)rb->rw, w;
	int i;
	kf_status st = KF_OK;
	uint64_t inter[3 * 64];
	uint64_t *big = NULL;
	uint64_t *x = rw <= 64 ? inter : (big = kf__calloc(3 * rw, sizeof(uint64_t)));
	uint64_t *seen, *desc;
	if (!x)
		return KF_ERR_NOMEM;
	seen = x + rw;
	desc = x + 2 * rw;
	memset(seen, 0, rw * sizeof(uint64_t));
	kf__desc_bits(rb, q->region, desc);
	for (i = 0; i < nc && st == KF_OK; i++) {
		int m = cand[i], any = 0;
		const kf_measure_info *mi = &rb->mea[m];
		const uint64_t *cov = rb->mea_cover + (size_t)m * rw;
		int sure, at;
		if (!kf__in_force(mi, q->date) || !(rb->mea_inv[m] & invbit) ||
		    mi->effect == KF_EFFECT_CONDITION)
			continue;
		/* [S-9] a measure matching at the place itself is no zone's */
		if ((at = kf__covers(rb, m, q->region, q->date, &sure)) != 0) {
			if (at < 0)
				st = KF_ERR_NOMEM;
			continue;
		}
		for (w = 0; w < rw; w++) {
			x[w] = desc[w] & cov[w];
			any |= x[w] != 0;
		}
		if (!any)
			continue;
		if ((st = on_the_date(rb, m, q, x)) != KF_OK)
			break;
		for (w = 0; w < rw && st == KF_OK; w++) {
			uint64_t bits = x[w] & ~seen[w];
			while (bits) {
				int r = (int)(w * 64) + __builtin_ctzll(bits);
				const kf_region_info *ri = &rb->reg[r];
				int p, maximal = 1;
				bits &= bits - 1;
				for (p = 0; p < ri->n_parents; p++)
					if (kf__bit(x, ri->parents[p]))
						maximal = 0;
				if (!maximal)
					continue;
				seen[w] |= (uint64_t)1 << (r & 63);
				if (!zone_push(zl, r)) {
					st = KF_ERR_NOMEM;
					break;
				}
			}
		}
	}
	kf__xfree(big);
	return st;
}

/* 1 when region r lies inside one of the zones of zl */
static int in_some_zone(const kf_rulebook *rb, int r, const zone_list *zl)
{
	int i;
	for (i = 0; i < zl->n; i++)
		if (kf__within(rb, r, zl->z[i]))
			return 1;
	return 0;
}

/*
 * [S-5] 1 when place r has a part outside every zone of zl on date d. A zone
 * or an administrative area has one (its territory outside its sub-zones); a
 * group (docs/rulebook.md: a set of places named together) is exactly its
 * members, so it has one only through a member existing on d that lies in no
 * zone and has such a part itself. A group with no member on d keeps it (it
 * is then decided as itself).
 */
static int has_outside(const kf_rulebook *rb, int r, const zone_list *zl, kf_date d, int depth)
{
	int i, j, members = 0;
	if (strcmp(rb->reg[r].kind, "group") || depth > rb->nreg)
		return 1;
	for (i = rb->desc_off[r]; i < rb->desc_off[r + 1]; i++) {
		int c = rb->desc[i], child = 0;
		const kf_region_info *ci = &rb->reg[c];
		for (j = 0; j < ci->n_parents && !child; j++)
			child = ci->parents[j] == r;
		if (!child || !kf__region_exists(ci, d))
			continue;
		members++;
		if (!in_some_zone(rb, c, zl) && has_outside(rb, c, zl, d, depth + 1))
			return 1;
	}
	return members == 0;
}

/* The verdict with [S-5] and [S-8]; fn (when not NULL) sees every zone's
 * evaluation. e holds the evaluation outside every zone. */
kf_status kf__decide_scenarios(const kf_rulebook *rb, const kf_question *q, kf_eval *e,
			       kf_zone_fn fn, void *ctx, kf_verdict *out)
{
	zone_list zl;
	int i, differ = 0, uncertain, any_unc;
	kf_status st;
	kf_eval zev, *ze;

	if (kf__not_covered(rb, q->date)) {
		/* [S-8] missing rules never read as an answer */
		e->n = e->nb = 0;
		memset(out, 0, sizeof *out);
		memset(&e->v, 0, sizeof e->v);
		out->outcome = e->v.outcome = KF_NOT_COVERED;
		/* no answer is no confirmed answer: never "confirmed" to a reader */
		out->uncertain = e->v.uncertain = 1;
		return KF_OK;
	}
	if (rb->reg_core[q->region] != q->region) {
		/* [S-5] CN is decided as cn-mainland: its out-of-scope remainder
		 * (Hong Kong, Macao, Taiwan) is no scenario */
		kf_question core = *q;
		core.region = rb->reg_core[q->region];
		return kf__decide_scenarios(rb, &core, e, fn, ctx, out);
	}
	if ((st = kf__eval_at(rb, q, q->region, e)) != KF_OK)
		return st;
	*out = e->v;
	if (q->outside_zones)
		return KF_OK;
	zl.n = 0;
	zl.cap = (int)(sizeof zl.z0 / sizeof zl.z0[0]);
	zl.z = zl.z0;
	if ((st = candidate_zones(rb, q, &zl)) != KF_OK || !zl.n)
		goto done;
	if (!has_outside(rb, q->region, &zl, q->date, 0)) {
		/* [S-5] a group its zones exhaust has no part outside them: its
		 * answer is theirs, compared with the first zone's */
		if ((st = kf__eval_at(rb, q, zl.z[0], e)) != KF_OK)
			goto done;
		e->no_outside = 1;
		*out = e->v;
	}
	ze = &zev;
	kf__eval_init(ze);
	uncertain = e->v.uncertain;
	any_unc = e->v.uncertain;
	out->n_missing = 0;
	for (i = 0; i < zl.n && st == KF_OK; i++) {
		int doubtful;
		if ((st = kf__eval_at(rb, q, zl.z[i], ze)) != KF_OK)
			break;
		any_unc |= ze->v.uncertain;
		/* [S-6] a zone marked uncertain: its answer is doubtful */
		doubtful = kf__is_doubtful_zone(rb, q->region, zl.z[i]);
		if (doubtful)
			ze->v.uncertain = 1;
		if (fn && (st = fn(ctx, zl.z[i], doubtful, ze)) != KF_OK)
			break;
		if (e->no_outside || !kf__same_answer(&ze->v, &e->v))
			uncertain |= ze->v.uncertain;
		if (!kf__same_answer(&ze->v, &e->v)) {
			differ = 1;
			if (out->n_missing < KF_VERDICT_MAX)
				out->missing[out->n_missing++] = zl.z[i];
			else
				out->truncated = 1;
		}
	}
	kf__eval_done(ze);
	if (st == KF_OK && differ) {
		out->outcome = KF_INDETERMINATE;
		out->has_cap = 0;
		out->cap = 0;
		out->uncertain = uncertain;
		if (e->no_outside) {
			/* no answer outside them: every zone is a scenario, and no
			 * measure binds the place as a whole */
			out->n_missing = 0;
			out->truncated = 0;
			for (i = 0; i < zl.n; i++)
				if (out->n_missing < KF_VERDICT_MAX)
					out->missing[out->n_missing++] = zl.z[i];
				else
					out->truncated = 1;
			out->n_binding = 0;
		}
	} else if (st == KF_OK && e->no_outside)
		/* one answer in every zone: doubtful where a zone's measures are
		 * (a zone's uncertain extent decides nothing when all agree) */
		out->uncertain = any_unc;
done:
	if (zl.z != zl.z0)
		kf__xfree(zl.z);
	return st;
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
	kf__eval_init(&e);
	st = kf__decide_scenarios(rb, &base, &e, NULL, NULL, v);
	kf__eval_done(&e);
	if (st != KF_OK) {
		memset(v, 0, sizeof *v);
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	kf__vcache_put(rb, key, v);
	apply_share(q, v);
	return KF_OK;
}

/* ------------------------------------------------------------------------ */
/* The full decision: conditions, citations, alternatives, trace.          */
